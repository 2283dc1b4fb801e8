//! Small cross-sectional statistics shared by the scoring steps. NaN marks a missing value
//! and is skipped everywhere.

/// Mean of the finite values (NaN when there are none).
pub fn mean(x: &[f64]) -> f64 {
    let (s, n) = x
        .iter()
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { f64::NAN } else { s / n as f64 }
}

/// Population standard deviation (ddof = 0, as scipy.stats.zscore) around `center`.
pub fn sd_around(x: &[f64], center: f64) -> f64 {
    let (s, n) = x
        .iter()
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| (s + (v - center).powi(2), n + 1));
    if n == 0 {
        f64::NAN
    } else {
        (s / n as f64).sqrt()
    }
}

/// Median of the values (mean of the two middle ones for an even count); NaN when empty.
/// Sorts `v` in place.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => v[n / 2],
        _ => 0.5 * (v[n / 2 - 1] + v[n / 2]),
    }
}

/// Quantile with linear interpolation between order statistics (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Rescale finite values to mean 0 and (population) sd 1; a constant column becomes 0.
pub fn restandardize(x: &mut [f64]) {
    let m = mean(x);
    let sd = sd_around(x, m);
    for v in x.iter_mut().filter(|v| v.is_finite()) {
        *v = if sd > 0.0 { (*v - m) / sd } else { 0.0 };
    }
}

/// Percentile rank of each finite value, ties averaged, in (0, 1] (pandas
/// `rank(pct=True)`); NaN stays NaN.
pub fn percentile_rank(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| x[i].is_finite()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let n = idx.len() as f64;
    let mut out = average_ranks(x, &idx);
    out.iter_mut().for_each(|r| *r /= n);
    out
}

/// Ranks 1..=n (ties averaged) of the values of `x` at `order`, which lists them in
/// ascending order; positions not in `order` get NaN.
pub fn average_ranks(x: &[f64], order: &[usize]) -> Vec<f64> {
    let mut r = vec![f64::NAN; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && x[order[j]] == x[order[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j share their average.
        let avg = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            r[k] = avg;
        }
        i = j;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        // numpy.median([3, 1, 2]) == 2, numpy.median([4, 1, 3, 2]) == 2.5
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4], 0.1) == 1.3
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.1) - 1.3).abs() < 1e-12);
        assert_eq!(quantile(&[5.0], 0.99), 5.0);
    }

    #[test]
    fn percentile_rank_averages_ties_like_pandas() {
        // pandas.Series([3, 1, 3, 2, nan]).rank(pct=True) -> [0.875, 0.25, 0.875, 0.5, nan]
        let r = percentile_rank(&[3.0, 1.0, 3.0, 2.0, f64::NAN]);
        assert_eq!(&r[..4], &[0.875, 0.25, 0.875, 0.5]);
        assert!(r[4].is_nan());
    }

    #[test]
    fn restandardize_gives_mean_zero_sd_one() {
        let mut x = vec![1.0, 2.0, f64::NAN, 6.0];
        restandardize(&mut x);
        assert!(mean(&x).abs() < 1e-12);
        assert!((sd_around(&x, 0.0) - 1.0).abs() < 1e-12);
        assert!(x[2].is_nan());
    }
}
