//! Small cross-sectional statistics shared by the scoring steps. NaN marks a missing value
//! and is skipped everywhere.

/// Sum of `f` over the finite values of `x`, and their count. Four running sums side by
/// side: one alone would wait on each addition before the next (what bounds a long sum).
fn finite_sum(x: &[f64], f: impl Fn(f64) -> f64) -> (f64, usize) {
    let (mut s, mut n) = ([0.0; 4], [0usize; 4]);
    let chunks = x.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..4 {
            let ok = c[k].is_finite();
            s[k] += if ok { f(c[k]) } else { 0.0 };
            n[k] += usize::from(ok);
        }
    }
    for (k, v) in rest.iter().enumerate() {
        if v.is_finite() {
            s[k] += f(*v);
            n[k] += 1;
        }
    }
    ((s[0] + s[1]) + (s[2] + s[3]), n.iter().sum())
}

/// Mean of the finite values (NaN when there are none).
pub fn mean(x: &[f64]) -> f64 {
    let (s, n) = finite_sum(x, |v| v);
    if n == 0 { f64::NAN } else { s / n as f64 }
}

/// Population standard deviation (ddof = 0, as scipy.stats.zscore) around `center`.
pub fn sd_around(x: &[f64], center: f64) -> f64 {
    let (s, n) = finite_sum(x, |v| (v - center).powi(2));
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
    quantile_by(sorted.len(), q, |i| sorted[i])
}

/// [`quantile`] of values in any order (reordered in place): the two order statistics it
/// reads found by selection, without sorting.
pub fn quantile_unsorted(v: &mut [f64], q: f64) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let lo = (((n - 1) as f64 * q.clamp(0.0, 1.0)).floor() as usize).min(n - 1);
    let (_, &mut a, above) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let b = above.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    quantile_by(n, q, |i| if i == lo { a } else { b })
}

/// [`quantile`] of `len` values given in ascending order by `at`, as `numpy.quantile`'s
/// linear method computes it to the last bit: the virtual index (n - 1) q, and its
/// interpolation a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5.
pub fn quantile_by(len: usize, q: f64, at: impl Fn(usize) -> f64) -> f64 {
    if len == 0 {
        return f64::NAN;
    }
    let h = (len - 1) as f64 * q.clamp(0.0, 1.0);
    if h >= (len - 1) as f64 {
        return at(len - 1);
    }
    let lo = h.floor();
    let t = h - lo;
    let (a, b) = (at(lo as usize), at(lo as usize + 1));
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// Rescale finite values to mean 0 and (population) sd 1; a constant column becomes 0.
pub fn restandardize(x: &mut [f64]) {
    let m = mean(x);
    let sd = sd_around(x, m);
    if sd.is_nan() || sd <= 0.0 {
        x.iter_mut()
            .filter(|v| v.is_finite())
            .for_each(|v| *v = 0.0);
        return;
    }
    // Without a branch (NaN stays NaN), so the loop runs on vectors.
    let inv = 1.0 / sd;
    for v in x.iter_mut() {
        *v = (*v - m) * inv;
    }
}

/// Percentile rank of each finite value, ties averaged, in (0, 1] (pandas
/// `rank(pct=True)`); NaN stays NaN.
pub fn percentile_rank(x: &[f64]) -> Vec<f64> {
    let idx = argsort(x);
    let n = idx.len() as f64;
    let mut out = average_ranks(x, &idx);
    out.iter_mut().for_each(|r| *r /= n);
    out
}

/// Indices of the finite values of `x` in ascending order (ties in index order); the
/// others are left out.
pub fn argsort(x: &[f64]) -> Vec<usize> {
    let full = |k: u64| ordered_bits(x[k as u32 as usize]);
    // The upper half of each value's ordered bits above its index: one u64 a name.
    let keys: Vec<u64> = x
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| (ordered_bits(*v) & !0xFFFF_FFFF) | i as u64)
        .collect();
    if keys.len() < 256 {
        let mut keys = keys;
        keys.sort_unstable_by_key(|&k| (full(k), k as u32));
        return keys.into_iter().map(|k| k as u32 as usize).collect();
    }
    let mut a = radix_sort(keys);
    // Insertion on the full values finishes the runs whose upper halves tie (with a budget
    // of moves; a comparison sort if the runs turn out not to be few).
    let mut budget = 8 * a.len();
    for i in 1..a.len() {
        let mut j = i;
        while j > 0 && a[j - 1] >> 32 == a[j] >> 32 && full(a[j - 1]) > full(a[j]) {
            a.swap(j - 1, j);
            j -= 1;
            budget = budget.saturating_sub(1);
        }
        if budget == 0 {
            a.sort_by_key(|&k| full(k));
            break;
        }
    }
    a.into_iter().map(|k| k as u32 as usize).collect()
}

/// Sort keys by their upper 32 bits, stably (equal upper halves keep their input order): a
/// least-significant-digit radix sort, a byte a pass, skipping passes where every key has
/// the same digit. A cross-section of a few thousand values sorts several times faster
/// than by comparing floats (scoring sorts one per date of the backtest).
fn radix_sort(mut a: Vec<u64>) -> Vec<u64> {
    const BITS: u32 = 8;
    const MASK: u64 = (1 << BITS) - 1;
    let passes = 4..8;
    let digit = |k: u64, p: usize| ((k >> (p as u32 * BITS)) & MASK) as usize;
    let mut counts = vec![[0u32; 1 << BITS]; passes.len()];
    for &k in &a {
        for (p, c) in passes.clone().zip(counts.iter_mut()) {
            c[digit(k, p)] += 1;
        }
    }
    let mut b = vec![0u64; a.len()];
    for (p, c) in passes.zip(counts.iter_mut()) {
        if c.iter().any(|&n| n as usize == a.len()) {
            continue;
        }
        let mut start = 0u32;
        for n in c.iter_mut() {
            (*n, start) = (start, start + *n);
        }
        for &k in &a {
            let d = digit(k, p);
            b[c[d] as usize] = k;
            c[d] += 1;
        }
        std::mem::swap(&mut a, &mut b);
    }
    a
}

/// The bits of `v` as an integer that sorts like the value (`f64::total_cmp`'s order).
fn ordered_bits(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// Ranks 1..=n (ties averaged) of the values of `x` at `order`, which lists them in
/// ascending order; positions not in `order` get NaN.
pub fn average_ranks(x: &[f64], order: &[usize]) -> Vec<f64> {
    let mut r = vec![f64::NAN; x.len()];
    average_ranks_into(x, order, &mut r);
    r
}

/// The sum of squared deviations of the ranks 1..=m from their mean: m (m² - 1) / 12.
pub fn distinct_ranks_sxx(m: usize) -> f64 {
    let m = m as f64;
    m * (m * m - 1.0) / 12.0
}

/// [`average_ranks`] written into `r` at the positions in `order` (the others are left
/// as they are), returning the sum of the ranks' squared deviations
/// ([`average_ranks_kept`]).
pub fn average_ranks_into(x: &[f64], order: &[usize], r: &mut [f64]) -> f64 {
    average_ranks_kept(x, order.iter().copied(), |_| true, &mut Vec::new(), r)
}

/// [`average_ranks`] of the names of `names` that `keep` keeps (`names` lists them in
/// ascending order of x), written into `r` at those names (the others are left as they
/// are), in one pass that also lists the kept names, in order, in `kept`. Returns the sum
/// of the ranks' squared deviations from their mean (m + 1) / 2: m (m² - 1) / 12 for m
/// distinct ranks, less len (len² - 1) / 12 for each run of len equal values. Ranks are
/// multiples of 1/2, so it is exact (below some 10^5 names).
pub fn average_ranks_kept(
    x: &[f64],
    names: impl ExactSizeIterator<Item = usize>,
    keep: impl Fn(usize) -> bool,
    kept: &mut Vec<usize>,
    r: &mut [f64],
) -> f64 {
    kept.clear();
    kept.resize(names.len(), 0);
    // The count of names kept stays in a register (a push a name would go through
    // memory); each name first gets its own position's rank, and a run of equal values is
    // given its average when it ends.
    let (mut end, mut start, mut prev, mut ties) = (0, 0, f64::NAN, 0.0);
    for s in names {
        if !keep(s) {
            continue;
        }
        let v = x[s];
        if v != prev {
            ties += average_run(start, end, kept, r);
            start = end;
            prev = v;
        }
        kept[end] = s;
        r[s] = (end + 1) as f64;
        end += 1;
    }
    ties += average_run(start, end, kept, r);
    kept.truncate(end);
    distinct_ranks_sxx(end) - ties
}

/// Ranks start+1 ..= end (of the names at positions start..end of `kept`, equal values)
/// replaced by their average; returns what the run takes from the ranks' sum of squared
/// deviations, len (len² - 1) / 12 (0 for a single name).
fn average_run(start: usize, end: usize, kept: &[usize], r: &mut [f64]) -> f64 {
    if end - start < 2 {
        return 0.0;
    }
    let avg = (start + 1 + end) as f64 / 2.0;
    for &k in &kept[start..end] {
        r[k] = avg;
    }
    let len = (end - start) as f64;
    len * (len * len - 1.0) / 12.0
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
    fn argsort_agrees_with_a_comparison_sort() {
        // Negative, positive, zeros of both signs, ties, subnormals and non-finite values.
        let mut x = vec![
            3.0,
            -1.5,
            0.0,
            -0.0,
            f64::NAN,
            2.0,
            -1.5,
            f64::INFINITY,
            5e-324,
            -1e300,
            1e300,
            f64::NEG_INFINITY,
        ];
        let mut state = 7u64;
        for _ in 0..500 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x.push(((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 10.0);
        }
        let check = |x: &[f64]| {
            let mut expected: Vec<usize> = (0..x.len()).filter(|&i| x[i].is_finite()).collect();
            expected.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
            assert_eq!(argsort(x), expected);
        };
        check(&x);
        // Values whose upper 32 bits tie: a few (finished by insertion), then all of them
        // in scrambled order (the insertion budget runs out; a comparison sort finishes).
        let few: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if i % 50 == 0 {
                    1.0 + i as f64 * 1e-12
                } else {
                    *v
                }
            })
            .collect();
        check(&few);
        let all: Vec<f64> = (0..600)
            .map(|i| 1.0 + ((i * 7919) % 600) as f64 * 1e-13)
            .collect();
        check(&all);
        assert_eq!(argsort(&[2.0, 1.0, 2.0]), vec![1, 0, 2]);
        assert!(argsort(&[]).is_empty());
    }

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4], 0.1) == 1.3
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.1) - 1.3).abs() < 1e-12);
        assert_eq!(quantile(&[5.0], 0.99), 5.0);
    }

    #[test]
    fn quantile_by_selection_is_the_sorted_quantile_to_the_bit() {
        let mut rng = crate::engine::synth::Rng(7);
        for (n, grid) in [1usize, 2, 3, 10, 101, 1000]
            .into_iter()
            .flat_map(|n| [(n, true), (n, false)])
        {
            // With ties (values on a coarse grid) and without.
            let v: Vec<f64> = (0..n)
                .map(|_| rng.uniform() * 20.0 - 5.0)
                .map(|x| if grid { x.floor() } else { x })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for q in [0.0, 0.01, 0.05, 0.3, 0.5, 0.95, 0.99, 1.0] {
                let mut w = v.clone();
                assert_eq!(
                    quantile_unsorted(&mut w, q).to_bits(),
                    quantile(&sorted, q).to_bits(),
                    "n {n} q {q} grid {grid}"
                );
            }
        }
        assert!(quantile_unsorted(&mut [], 0.5).is_nan());
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
