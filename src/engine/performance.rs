//! Performance statistics with QuantStats' definitions (quantstats 0.0.86), so a number
//! here matches `qs.stats.*` on the same returns. Annualisation: `periods` per year
//! (12 for monthly returns, 4 for quarterly, 252 for daily):
//!
//! - cumulative return = prod(1 + r) - 1
//! - CAGR = (1 + cumulative) ^ (periods / n) - 1 (QuantStats counts periods, not days)
//! - volatility = sd(r, ddof 1) x sqrt(periods)
//! - Sharpe = mean(r - rf_p) / sd(r - rf_p) x sqrt(periods), rf_p = (1 + rf) ^ (1 / periods) - 1
//! - Sortino = mean(r - rf_p) / sqrt(sum of squared negative excess returns / n) x sqrt(periods)
//! - max drawdown: worst fall of wealth prod(1 + r) from its running peak, the starting
//!   wealth 1 counting as a peak; Calmar = CAGR / |max drawdown|
//! - hit rate = share of positive returns among non-zero ones; best / worst = max / min.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub periods: usize,
    pub cumulative_return: f64,
    pub cagr: f64,
    pub volatility: f64,
    pub sharpe: f64,
    pub sortino: f64,
    pub max_drawdown: f64,
    /// Indices into the return series: the peak before the worst drawdown (None: the start),
    /// its trough, and the first period back at the peak (None: not recovered).
    pub drawdown_peak: Option<usize>,
    pub drawdown_trough: Option<usize>,
    pub drawdown_recovery: Option<usize>,
    pub calmar: f64,
    pub hit_rate: f64,
    pub best: f64,
    pub worst: f64,
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, var.sqrt())
}

/// Statistics of a return series (missing periods dropped), annualised with `periods` per
/// year and an annual risk-free rate `rf`.
pub fn stats(returns: &[f64], periods: f64, rf: f64) -> Stats {
    let r: Vec<f64> = returns.iter().copied().filter(|v| v.is_finite()).collect();
    let n = r.len();
    let nan = f64::NAN;
    if n == 0 {
        return Stats {
            periods: 0,
            cumulative_return: nan,
            cagr: nan,
            volatility: nan,
            sharpe: nan,
            sortino: nan,
            max_drawdown: nan,
            drawdown_peak: None,
            drawdown_trough: None,
            drawdown_recovery: None,
            calmar: nan,
            hit_rate: nan,
            best: nan,
            worst: nan,
        };
    }
    let wealth: Vec<f64> = r
        .iter()
        .scan(1.0, |w, x| {
            *w *= 1.0 + x;
            Some(*w)
        })
        .collect();
    let cumulative = wealth[n - 1] - 1.0;
    let total = cumulative + 1.0;
    let cagr = if total < 0.0 {
        nan
    } else {
        total.powf(periods / n as f64) - 1.0
    };
    let (_, sd) = mean_sd(&r);
    let rf_p = (1.0 + rf).powf(1.0 / periods) - 1.0;
    let ex: Vec<f64> = r.iter().map(|x| x - rf_p).collect();
    let (mex, sdex) = mean_sd(&ex);
    let downside = (ex.iter().filter(|x| **x < 0.0).map(|x| x * x).sum::<f64>() / n as f64).sqrt();
    // Drawdown from the running peak, the starting wealth of 1 included.
    let (mut peak, mut peak_at) = (1.0, None);
    let (mut mdd, mut mdd_peak, mut trough) = (0.0, None, None);
    for (i, w) in wealth.iter().enumerate() {
        if *w > peak {
            peak = *w;
            peak_at = Some(i);
        }
        let dd = w / peak - 1.0;
        if dd < mdd {
            mdd = dd;
            mdd_peak = peak_at;
            trough = Some(i);
        }
    }
    let peak_level = mdd_peak.map_or(1.0, |p| wealth[p]);
    let recovery = trough.and_then(|t| (t + 1..n).find(|&i| wealth[i] >= peak_level));
    let nonzero = r.iter().filter(|x| **x != 0.0).count();
    Stats {
        periods: n,
        cumulative_return: cumulative,
        cagr,
        volatility: sd * periods.sqrt(),
        sharpe: mex / sdex * periods.sqrt(),
        sortino: if downside == 0.0 {
            nan
        } else {
            mex / downside * periods.sqrt()
        },
        max_drawdown: mdd,
        drawdown_peak: mdd_peak,
        drawdown_trough: trough,
        drawdown_recovery: recovery,
        calmar: cagr / mdd.abs(),
        hit_rate: if nonzero == 0 {
            0.0
        } else {
            r.iter().filter(|x| **x > 0.0).count() as f64 / nonzero as f64
        },
        best: r.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        worst: r.iter().copied().fold(f64::INFINITY, f64::min),
    }
}

/// Compounded growth path: cumulative return after each period (missing = 0).
pub fn cumulative(returns: &[f64]) -> Vec<f64> {
    returns
        .iter()
        .scan(1.0, |w, x| {
            *w *= 1.0 + if x.is_finite() { *x } else { 0.0 };
            Some(*w - 1.0)
        })
        .collect()
}
