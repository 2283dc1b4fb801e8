//! Ordinary least squares with classical and Newey-West (HAC) standard errors, defined as
//! statsmodels defines them: `OLS(y, X).fit()` and
//! `.fit(cov_type="HAC", cov_kwds={"maxlags": L})` (Bartlett weights, no small-sample
//! correction, statsmodels' default there).

use nalgebra::DMatrix;

use super::EngineError;

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OlsResult {
    /// Regressor names, "const" first.
    pub names: Vec<String>,
    pub params: Vec<f64>,
    pub se: Vec<f64>,
    pub t: Vec<f64>,
    pub se_nw: Vec<f64>,
    pub t_nw: Vec<f64>,
    pub r2: f64,
    pub nobs: usize,
    pub nw_lags: usize,
}

/// The Newey-West (1994) rule of thumb, floor(4 (n / 100) ^ (2/9)).
pub fn default_lags(n: usize) -> usize {
    (4.0 * (n as f64 / 100.0).powf(2.0 / 9.0)).floor() as usize
}

/// The design's pseudo-inverse as statsmodels computes it (`pinv_extended`): by the SVD
/// X = U S V', pinv = V S^-1 U', and (X'X)^-1 as pinv pinv'. It never forms X'X, whose
/// condition number is the square of X's, so correlated regressors (WTI and Brent, the
/// market and a long-short factor) keep their precision. A singular value at most 1e-12
/// times the largest (a condition number past 1e12, where no digit of a coefficient is
/// left to trust; statsmodels would return a minimum-norm answer down to 1e-15) means
/// collinear columns: the last column taking part in that direction is returned as the
/// error (the one that is a combination of those before it). `rows`: the design's rows,
/// k values each.
pub fn pinv(rows: &[Vec<f64>]) -> Result<(DMatrix<f64>, DMatrix<f64>), usize> {
    let (n, k) = (rows.len(), rows.first().map_or(0, Vec::len));
    let x = DMatrix::from_fn(n, k, |i, j| rows[i][j]);
    let svd = x.svd(true, true);
    let (Some(u), Some(vt)) = (svd.u, svd.v_t) else {
        return Err(0);
    };
    let s = svd.singular_values;
    let cutoff = 1e-12 * s.max();
    if let Some(j) = s.iter().position(|&v| v.is_nan() || v <= cutoff) {
        let row = vt.row(j);
        let top = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let last = (0..k).rev().find(|&a| row[a].abs() > 1e-6 * top);
        return Err(last.unwrap_or(0));
    }
    let inv_s = DMatrix::from_diagonal(&s.map(|v| 1.0 / v));
    let p = vt.transpose() * inv_s * u.transpose();
    let cov = &p * p.transpose();
    Ok((p, cov))
}

/// Invert a symmetric positive definite matrix (Gauss-Jordan with partial pivoting). A
/// pivot that vanishes relative to the matrix's scale means collinear columns: the index
/// of the first such column is returned as the error.
pub fn invert(a: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, usize> {
    let k = a.len();
    let scale = a
        .iter()
        .enumerate()
        .map(|(i, r)| r[i].abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = r.clone();
            row.extend((0..k).map(|j| if i == j { 1.0 } else { 0.0 }));
            row
        })
        .collect();
    for c in 0..k {
        let p = (c..k)
            .max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs()))
            .unwrap_or(c);
        if m[p][c].abs() <= 1e-10 * scale {
            return Err(c);
        }
        m.swap(c, p);
        let d = m[c][c];
        for v in m[c].iter_mut() {
            *v /= d;
        }
        for r in 0..k {
            if r != c {
                let f = m[r][c];
                if f != 0.0 {
                    for j in 0..2 * k {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
    }
    Ok(m.into_iter().map(|r| r[k..].to_vec()).collect())
}

/// Regress `y` on a constant and the columns `x` (each `x[j]` has `y.len()` values; rows
/// with any missing value are dropped). `lags`: Newey-West lags, None for the rule of thumb.
pub fn ols(
    y: &[f64],
    x: &[Vec<f64>],
    names: &[String],
    lags: Option<usize>,
) -> Result<OlsResult, EngineError> {
    let rows: Vec<usize> = (0..y.len())
        .filter(|&i| y[i].is_finite() && x.iter().all(|c| c[i].is_finite()))
        .collect();
    let n = rows.len();
    let k = x.len() + 1;
    if n <= k {
        return Err(EngineError::TooFewObservations {
            observations: n,
            parameters: k,
        });
    }
    // Design matrix rows: [1, x_1, ..., x_p].
    let xr: Vec<Vec<f64>> = rows
        .iter()
        .map(|&i| std::iter::once(1.0).chain(x.iter().map(|c| c[i])).collect())
        .collect();
    let yr: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
    let all_names: Vec<String> = std::iter::once("const".to_string())
        .chain(names.iter().cloned())
        .collect();
    let (p, inv) = pinv(&xr).map_err(|c| EngineError::Collinear {
        regressor: all_names.get(c).cloned().unwrap_or_else(|| "?".into()),
    })?;
    let params: Vec<f64> = (0..k)
        .map(|a| (0..n).map(|i| p[(a, i)] * yr[i]).sum())
        .collect();
    let resid: Vec<f64> = xr
        .iter()
        .zip(&yr)
        .map(|(row, yv)| yv - row.iter().zip(&params).map(|(a, b)| a * b).sum::<f64>())
        .collect();
    let rss: f64 = resid.iter().map(|e| e * e).sum();
    let ybar = yr.iter().sum::<f64>() / n as f64;
    let tss: f64 = yr.iter().map(|v| (v - ybar).powi(2)).sum();
    let sigma2 = rss / (n - k) as f64;
    let se: Vec<f64> = (0..k).map(|a| (sigma2 * inv[(a, a)]).sqrt()).collect();

    // HAC: S = sum over lags of Bartlett-weighted autocovariances of x_t u_t.
    let l = lags.unwrap_or_else(|| default_lags(n)).min(n - 1);
    let xu: Vec<Vec<f64>> = xr
        .iter()
        .zip(&resid)
        .map(|(row, e)| row.iter().map(|v| v * e).collect())
        .collect();
    let mut s = vec![vec![0.0; k]; k];
    for lag in 0..=l {
        let w = 1.0 - lag as f64 / (l as f64 + 1.0);
        for t in lag..n {
            for a in 0..k {
                for b in 0..k {
                    let v = xu[t][a] * xu[t - lag][b];
                    s[a][b] += w * v;
                    if lag > 0 {
                        s[b][a] += w * v;
                    }
                }
            }
        }
    }
    let se_nw: Vec<f64> = (0..k)
        .map(|a| {
            let mut v = 0.0;
            for i in 0..k {
                for j in 0..k {
                    v += inv[(a, i)] * s[i][j] * inv[(j, a)];
                }
            }
            v.sqrt()
        })
        .collect();
    Ok(OlsResult {
        t: params.iter().zip(&se).map(|(p, s)| p / s).collect(),
        t_nw: params.iter().zip(&se_nw).map(|(p, s)| p / s).collect(),
        names: all_names,
        params,
        se,
        se_nw,
        r2: if tss > 0.0 { 1.0 - rss / tss } else { f64::NAN },
        nobs: n,
        nw_lags: l,
    })
}
