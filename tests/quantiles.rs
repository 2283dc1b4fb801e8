//! Quantile labels exactly as pandas.qcut (and so alphalens) gives them: on 30,000 random
//! cross-sections with ties, every quantile count from 2 to 20 and sizes 5 to 404, the
//! labels' checksums equal those of `tests/fixtures/make_fixtures.py` (pandas 3.1.1,
//! numpy 2.4). Both sides draw the cross-sections from the same splitmix64 stream.

use halo_workbench::engine::backtest::qcut;
use halo_workbench::engine::synth::Rng;

#[test]
fn labels_equal_pandas_qcut_on_30000_random_cross_sections() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/qcut_random.json"
    ))
    .unwrap();
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
    let want: Vec<i64> = fixture["checksums"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(want.len(), 30_000);
    let mut rng = Rng(fixture["seed"].as_u64().unwrap());
    let mut differing = Vec::new();
    for (case, &w) in want.iter().enumerate() {
        let n = 5 + (rng.next_u64() % 400) as usize;
        let q = 2 + (rng.next_u64() % 19) as usize;
        let levels = (3 + rng.next_u64() % 998) as f64;
        let x: Vec<f64> = (0..n)
            .map(|_| (rng.uniform() * levels).floor() / levels)
            .collect();
        let got = match qcut(&x, q) {
            None => -1,
            Some(labels) => {
                let sum: u64 = labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (*l as u64 + 1) * (i as u64 + 1))
                    .sum();
                (sum % (1 << 32)) as i64
            }
        };
        if got != w {
            differing.push((case, n, q, got, w));
        }
    }
    // Refusals (edges not unique) happen, and on the same cross-sections.
    assert!(want.iter().filter(|w| **w == -1).count() > 100);
    assert!(
        differing.is_empty(),
        "{} of 30,000 cross-sections differ from pandas; first (case, n, q, ours, pandas): {:?}",
        differing.len(),
        &differing[..differing.len().min(5)]
    );
}

#[test]
fn a_score_on_an_edge_falls_where_pandas_puts_it() {
    // 91 names scored 0..90, deciles: numpy's linspace gives 0.7000000000000001 for the
    // 70% edge and pandas moves it up to the next float, so the edge is just above 63 and
    // the name scored 63 is in the 7th decile (label 6), not the 8th.
    let x: Vec<f64> = (0..91).map(f64::from).collect();
    let labels = qcut(&x, 10).unwrap();
    assert_eq!(labels[63], 6);
    assert_eq!(labels[64], 7);
    // 9 * 0.1 rounds to exactly 0.9 (no move): 81 is on the 90% edge, the 9th decile.
    assert_eq!(labels[81], 8);
    assert_eq!(labels[82], 9);
}
