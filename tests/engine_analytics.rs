//! Analytics against the tools researchers trust (statsmodels, QuantStats, pandas, scipy,
//! alphalens: reference values in tests/fixtures, made by make_fixtures.py), against
//! numbers worked out by hand, and fast paths against naive loops.

use std::path::Path;

use chrono::NaiveDate;
use halo_workbench::data::{self, Dataset, LoadOptions, TableKind};
use std::sync::Arc;

use halo_workbench::engine::backtest::{BacktestResult, History, backtest, qcut, spearman};
use halo_workbench::engine::notes::SeriesId;
use halo_workbench::engine::ols::ols;
use halo_workbench::engine::performance::stats;
use halo_workbench::engine::pipeline::{Inputs, Pipeline, Scored};
use halo_workbench::engine::returns::ReturnPanel;
use halo_workbench::engine::scenarios::{self, Scenario, ScenarioKind};
use halo_workbench::engine::sectors::{GroupWeighting, Growth, buy_and_hold};
use halo_workbench::engine::settings::Settings;
use halo_workbench::engine::{EngineError, synth};
use serde_json::Value;

/// The backtest through the pipeline, with each date's scores kept.
fn run_backtest(inputs: &Inputs, s: &Settings) -> (History, BacktestResult) {
    Pipeline::new(Arc::new(inputs.clone()))
        .backtest_with_history(s)
        .unwrap()
}

/// The cross-section scored through the pipeline.
fn scored(inputs: &Inputs, s: &Settings) -> Scored {
    Pipeline::new(Arc::new(inputs.clone())).score(s).unwrap()
}

fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn ols_matches_statsmodels_to_1e8() {
    for case in fixture("ols_statsmodels.json").as_array().unwrap() {
        let y = nums(&case["y"]);
        let x: Vec<Vec<f64>> = case["x"].as_array().unwrap().iter().map(nums).collect();
        let names: Vec<String> = (0..x.len()).map(|j| format!("f{j}")).collect();
        let r = ols(
            &y,
            &x,
            &names,
            Some(case["lags"].as_u64().unwrap() as usize),
        )
        .unwrap();
        let name = case["name"].as_str().unwrap();
        assert_eq!(r.nobs as u64, case["nobs"].as_u64().unwrap(), "{name}");
        for (field, got) in [
            ("params", &r.params),
            ("bse", &r.se),
            ("tvalues", &r.t),
            ("bse_hac", &r.se_nw),
            ("tvalues_hac", &r.t_nw),
        ] {
            for (g, e) in got.iter().zip(nums(&case[field])) {
                assert!(close(*g, e, 1e-8), "{name} {field}: {g} vs {e}");
            }
        }
        assert!(close(r.r2, case["rsquared"].as_f64().unwrap(), 1e-8));
    }
}

#[test]
fn a_singular_regression_is_a_clear_error() {
    let x1: Vec<f64> = (0..30).map(|i| (i as f64 * 0.37).sin()).collect();
    let x2: Vec<f64> = x1.iter().map(|v| 2.0 * v).collect();
    let y: Vec<f64> = (0..30).map(|i| (i as f64 * 0.11).cos()).collect();
    let e = ols(
        &y,
        &[x1.clone(), x2],
        &["oil".into(), "oil_twice".into()],
        None,
    )
    .unwrap_err();
    assert!(matches!(e, EngineError::Collinear { .. }));
    assert!(
        e.to_string()
            .contains("'oil_twice' is constant or a combination"),
        "{e}"
    );
    let e = ols(&y[..2], &[x1[..2].to_vec()], &["oil".into()], None).unwrap_err();
    assert!(
        e.to_string()
            .contains("2 complete observations for 2 parameters"),
        "{e}"
    );
}

#[test]
fn a_factor_series_with_gaps_uses_complete_months_only() {
    let n = 40;
    let f: Vec<f64> = (0..n)
        .map(|i| {
            if i % 7 == 3 {
                f64::NAN
            } else {
                ((i * 13 % 11) as f64 - 5.0) / 50.0
            }
        })
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| 0.01 + 0.8 * f[i].max(-1.0) + ((i * 7 % 5) as f64 - 2.0) / 200.0)
        .collect();
    let full = ols(&y, std::slice::from_ref(&f), &["f".into()], Some(2)).unwrap();
    let keep: Vec<usize> = (0..n)
        .filter(|&i| f[i].is_finite() && y[i].is_finite())
        .collect();
    let y2: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    let f2: Vec<f64> = keep.iter().map(|&i| f[i]).collect();
    let manual = ols(&y2, &[f2], &["f".into()], Some(2)).unwrap();
    assert_eq!(full.nobs, keep.len());
    assert_eq!(full.params, manual.params);
    assert_eq!(full.se_nw, manual.se_nw);
}

#[test]
fn statistics_match_quantstats() {
    for case in fixture("quantstats.json").as_array().unwrap() {
        let r = nums(&case["returns"]);
        let s = stats(&r, 12.0, case["rf"].as_f64().unwrap());
        let name = case["name"].as_str().unwrap();
        // QuantStats' cagr, calmar and volatility take rf = 0; Sharpe and Sortino use rf.
        let s0 = stats(&r, 12.0, 0.0);
        for (field, got) in [
            ("comp", s.cumulative_return),
            ("cagr", s.cagr),
            ("volatility", s.volatility),
            ("sharpe", s.sharpe),
            ("sortino", s.sortino),
            ("max_drawdown", s.max_drawdown),
            ("calmar", s0.calmar),
            ("win_rate", s.hit_rate),
            ("best", s.best),
            ("worst", s.worst),
        ] {
            let e = case[field].as_f64().unwrap();
            assert!(close(got, e, 1e-10), "{name} {field}: {got} vs {e}");
        }
    }
}

#[test]
fn drawdown_dates_by_hand() {
    // Wealth: 1.1, 0.88, 0.968, 1.1616: peak at period 0, trough at 1, back at 3.
    let s = stats(&[0.1, -0.2, 0.1, 0.2], 12.0, 0.0);
    assert!((s.max_drawdown + 0.2).abs() < 1e-12);
    assert_eq!(
        (s.drawdown_peak, s.drawdown_trough, s.drawdown_recovery),
        (Some(0), Some(1), Some(3))
    );
    // A first-period loss counts against the starting wealth of 1 (QuantStats' baseline).
    let s = stats(&[-0.1, 0.05], 12.0, 0.0);
    assert!((s.max_drawdown + 0.1).abs() < 1e-12);
    assert_eq!(s.drawdown_peak, None);
}

#[test]
fn qcut_and_spearman_match_pandas_and_scipy() {
    for case in fixture("qcut_spearman.json").as_array().unwrap() {
        let x = nums(&case["x"]);
        let y = nums(&case["y"]);
        let name = case["name"].as_str().unwrap();
        let want: Option<Vec<u8>> = case["labels"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_u64().unwrap() as u8).collect());
        assert_eq!(qcut(&x, 5), want, "{name}");
        assert!(
            close(spearman(&x, &y), case["spearman"].as_f64().unwrap(), 1e-12),
            "{name}"
        );
    }
}

/// The backtest `r` of history `h` equals, bit for bit, the one run on `h` without its
/// calendar's forward returns and without the rankings scoring made (both then computed on
/// the spot).
fn assert_same_on_the_spot(h: &History, r: &BacktestResult, inputs: &Inputs, s: &Settings) {
    let mut bare = h.clone();
    bare.forward = vec![None; bare.dates.len()];
    bare.ranked = Vec::new();
    let again = backtest(&bare, &inputs.returns, &s.analytics);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&again.ic), bits(&r.ic));
    for (a, b) in again.series.iter().zip(&r.series) {
        assert_eq!(bits(&a.returns), bits(&b.returns), "{}", a.id);
    }
}

#[test]
fn backtest_matches_alphalens_on_the_sample() {
    let want = fixture("alphalens_sample.json");
    let ds = data::load_sample().unwrap();
    let inputs = Inputs::new(&ds).unwrap();
    let mut s = Settings::default();
    let (h, r) = run_backtest(&inputs, &s);
    assert_eq!(
        r.observations(&h).count() as u64,
        want["rows"].as_u64().unwrap()
    );
    let count: Vec<u64> = (1..=5u8)
        .map(|q| r.observations(&h).filter(|x| x.quantile == q).count() as u64)
        .collect();
    assert_eq!(
        count,
        want["count"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect::<Vec<_>>()
    );
    for (k, q) in r.quantiles.iter().enumerate() {
        assert!(close(q.mean_return, nums(&want["mean_return"])[k], 1e-10));
        assert!(close(q.std_error, nums(&want["std_error"])[k], 1e-10));
    }
    assert!(close(r.ic_mean, want["ic_mean"].as_f64().unwrap(), 1e-10));
    assert!(close(r.ic_std, want["ic_std"].as_f64().unwrap(), 1e-10));
    let ic: Vec<f64> =
        r.ic.iter()
            .copied()
            .filter(|v| v.is_finite())
            .take(5)
            .collect();
    for (g, e) in ic.iter().zip(nums(&want["ic_first"])) {
        assert!(close(*g, e, 1e-10));
    }
    for q in 1..=5usize {
        let mean =
            r.turnover[q - 1][1..].iter().sum::<f64>() / (r.turnover[q - 1].len() - 1) as f64;
        let e = want["turnover_mean"][q.to_string()].as_f64().unwrap();
        assert!(close(mean, e, 1e-10), "turnover Q{q}: {mean} vs {e}");
    }
    // Forward returns prepared with the calendar and the ranking from scoring, or both
    // computed on the spot, agree exactly.
    assert_same_on_the_spot(&h, &r, &inputs, &s);
    s.analytics.demeaned = true;
    let r = backtest(&h, &inputs.returns, &s.analytics);
    for (k, q) in r.quantiles.iter().enumerate() {
        assert!(close(
            q.mean_return,
            nums(&want["mean_return_demeaned"])[k],
            1e-10
        ));
        assert!(close(
            q.std_error,
            nums(&want["std_error_demeaned"])[k],
            1e-10
        ));
    }
}

#[test]
fn horizons_match_alphalens_on_a_random_universe() {
    // A universe of 60 names over 40 months (listings, delistings, a missing month, tied
    // and missing scores) scored at every month, and alphalens at each of 1, 3, 6 and 12
    // months: its IC and t, and mean_return_by_quantile as rates per month (rate_of_return,
    // std_conversion), each horizon run alone with returns compounded month by month.
    let want = fixture("alphalens_horizons.json");
    let months: Vec<NaiveDate> = want["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    let r: Vec<Vec<f64>> = want["returns"]
        .as_array()
        .unwrap()
        .iter()
        .map(nums)
        .collect();
    let rp = ReturnPanel {
        months: months.clone(),
        r,
        levels: Default::default(),
    };
    let rebalance: Vec<usize> = want["rebalance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let halo: Vec<Vec<f64>> = want["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(nums)
        .collect();
    let n = halo[0].len();
    let h = History {
        dates: rebalance.iter().map(|&m| months[m]).collect(),
        month: rebalance.clone(),
        basket: vec![Vec::new(); rebalance.len()],
        // One sector shared by every date, as the pipeline shares it.
        sector: std::iter::repeat_n(Arc::new(vec![0; n]), rebalance.len()).collect(),
        sector_names: vec!["All".into()],
        forward: vec![None; rebalance.len()],
        halo,
        ranked: Vec::new(),
    };
    let mut a = Settings::default().analytics;
    // Out of order and repeated: each horizon once, shortest first.
    a.horizons = vec![12, 1, 6, 3, 6];
    let mut checked = 0;
    for demeaned in [false, true] {
        a.demeaned = demeaned;
        let r = backtest(&h, &rp, &a);
        let got: Vec<u32> = r.horizons.iter().map(|(m, _)| *m).collect();
        assert_eq!(got, [1, 3, 6, 12]);
        for case in want["cases"].as_array().unwrap() {
            if case["demeaned"].as_bool().unwrap() != demeaned {
                continue;
            }
            let m = case["months"].as_u64().unwrap() as u32;
            let x = r
                .horizons
                .iter()
                .find(|(k, _)| *k == m)
                .unwrap()
                .1
                .as_ref()
                .unwrap();
            let num = |k: &str| case[k].as_f64().unwrap();
            assert_eq!(x.dates as u64, case["dates"].as_u64().unwrap(), "{m}");
            assert_eq!(
                x.past_prices as u64,
                case["past_prices"].as_u64().unwrap(),
                "{m}"
            );
            assert_eq!(x.overlapping, m > 1);
            for (key, v) in [
                ("ic_mean", x.ic_mean),
                ("ic_std", x.ic_std),
                ("ic_t", x.ic_t),
                ("spread_mean", x.spread_mean),
                ("spread_se", x.spread_se),
            ] {
                assert!(
                    close(v, num(key), 1e-10),
                    "{m} months {key}: {v} vs {}",
                    num(key)
                );
            }
            for (k, q) in x.quantiles.iter().enumerate() {
                let (mean, se) = (nums(&case["mean_return"])[k], nums(&case["std_error"])[k]);
                assert!(
                    close(q.mean_return, mean, 1e-10),
                    "{m} Q{}: {} vs {mean}",
                    k + 1,
                    q.mean_return
                );
                assert!(close(q.std_error, se, 1e-10), "{m} Q{} se", k + 1);
                assert_eq!(q.count as u64, case["count"][k].as_u64().unwrap());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 8);
}

#[test]
fn horizons_from_the_calendar_equal_those_computed_on_the_spot() {
    // The pipeline's horizons (forward returns prepared once per calendar, each date's
    // step while its scores are in the cache) against the backtest of the kept history
    // (computed on the spot), bit for bit; the one-month horizon is the monthly backtest.
    let ds = data::load_sample().unwrap();
    let inputs = Inputs::new(&ds).unwrap();
    let s = Settings::default();
    let mut p = Pipeline::new(Arc::new(inputs.clone()));
    let (h, r) = p.backtest_with_history(&s).unwrap();
    let fast = p.backtest(&s).unwrap();
    let mut bare = h.clone();
    bare.forward = vec![None; bare.dates.len()];
    bare.ranked = Vec::new();
    let again = backtest(&bare, &inputs.returns, &s.analytics);
    assert_eq!(r.horizons.len(), 4);
    let bits = |x: &BacktestResult| -> Vec<Vec<u64>> {
        x.horizons
            .iter()
            .map(|(_, h)| {
                let h = h.as_ref().unwrap();
                let mut v = vec![h.ic_mean, h.ic_t, h.spread_mean, h.spread_se];
                v.extend(
                    h.quantiles
                        .iter()
                        .flat_map(|q| [q.mean_return, q.std_error]),
                );
                v.into_iter().map(f64::to_bits).collect()
            })
            .collect()
    };
    assert_eq!(bits(&r), bits(&again));
    assert_eq!(bits(&r), bits(&fast));
    let one = r.horizons[0].1.as_ref().unwrap();
    assert_eq!(one.months, 1);
    assert!(close(one.ic_mean, r.ic_mean, 1e-14));
    assert!(close(one.spread_mean, r.spread_mean, 1e-14));
    // Thirty-six months on, the rebalances from 2018-03 have no prices to the end (2021-03).
    let mut three_years = s.clone();
    three_years.analytics.horizons = vec![36];
    let x = p.backtest(&three_years).unwrap();
    let x = x.horizons[0].1.as_ref().unwrap();
    let past = h
        .month
        .iter()
        .filter(|&&m| m + 36 >= inputs.returns.months.len());
    assert_eq!(x.past_prices, past.count());
    assert!(x.past_prices > 0 && x.dates > 0);
    assert!(x.overlapping);
    // No horizon asked for: none measured.
    let mut none = s.clone();
    none.analytics.horizons.clear();
    assert!(p.backtest(&none).unwrap().horizons.is_empty());
    // A horizon longer than the prices: said, not dropped.
    let mut long = s.clone();
    long.analytics.horizons = vec![1, 120];
    let r = p.backtest(&long).unwrap();
    assert!(matches!(
        r.horizons[1],
        (120, Err(EngineError::NoHorizonDate { months: 120, past_prices, dates })) if past_prices == r.dates.len() && dates == past_prices
    ));
}

#[test]
fn within_sector_quarterly_backtest_matches_a_naive_recomputation() {
    // Quarterly rebalancing, quintiles formed within each sector: every date's labels,
    // forward returns, IC and basket net return recomputed here from the scores, the
    // baskets and the monthly returns, with the pandas-checked qcut and the scipy-checked
    // spearman.
    let ds = data::load_sample().unwrap();
    let inputs = Inputs::new(&ds).unwrap();
    let mut s = Settings::default();
    s.analytics.rebalance = halo_workbench::engine::settings::Rebalance::Quarterly;
    s.analytics.within_sector = true;
    let (h, r) = run_backtest(&inputs, &s);
    assert!(h.dates.len() > 10);
    let rp = &inputs.returns;
    let mut checked = 0;
    for d in 0..h.dates.len() {
        assert_eq!(
            chrono::Datelike::month(&h.dates[d]) % 3,
            0,
            "{}",
            h.dates[d]
        );
        let to = h.month.get(d + 1).copied().unwrap_or(h.month[d] + 3);
        let fwd = |sec: usize| {
            (h.month[d] + 1..=to)
                .map(|m| 1.0 + rp.r[m][sec])
                .product::<f64>()
                - 1.0
        };
        let got: std::collections::HashMap<usize, (u8, f64)> = r
            .observations(&h)
            .filter(|o| o.date == d)
            .map(|o| (o.security, (o.quantile, o.fwd_return)))
            .collect();
        let mut want = std::collections::HashMap::new();
        for sector in 0..h.sector_names.len() as u32 {
            let names: Vec<usize> = (0..h.halo[d].len())
                .filter(|&i| h.sector[d][i] == sector)
                .filter(|&i| h.halo[d][i].is_finite() && fwd(i).is_finite())
                .collect();
            let xs: Vec<f64> = names.iter().map(|&i| h.halo[d][i]).collect();
            if let Some(labels) = qcut(&xs, 5) {
                for (&i, l) in names.iter().zip(labels) {
                    want.insert(i, l + 1);
                }
            }
        }
        assert_eq!(got.len(), want.len(), "{}", h.dates[d]);
        for (i, (l, f)) in &got {
            assert_eq!(want[i], *l, "{} {}", h.dates[d], i);
            assert!(close(*f, fwd(*i), 1e-12));
        }
        let (xs, ys): (Vec<f64>, Vec<f64>) = {
            let mut names: Vec<&usize> = got.keys().collect();
            names.sort();
            names.iter().map(|&&i| (h.halo[d][i], got[&i].1)).unzip()
        };
        let ic = spearman(&xs, &ys);
        assert!(
            ic == r.ic[d] || (ic - r.ic[d]).abs() < 1e-12,
            "{}: {ic} vs {}",
            h.dates[d],
            r.ic[d]
        );
        checked += got.len();
        // The HALO basket's return net of costs: weights bought since the last date (all
        // of them at the first) times the cost, from dense weight vectors.
        let dense = |d: usize| {
            let mut w = vec![0.0; h.halo[d].len()];
            for &(i, x) in &h.basket[d] {
                w[i] = x;
            }
            w
        };
        let now = dense(d);
        let bought: f64 = match d {
            0 => 1.0,
            _ => now
                .iter()
                .zip(dense(d - 1))
                .map(|(a, b)| (a - b).max(0.0))
                .sum(),
        };
        let (sw, swr) = (0..now.len())
            .filter(|&i| now[i] > 0.0 && fwd(i).is_finite())
            .fold((0.0, 0.0), |(a, b), i| (a + now[i], b + now[i] * fwd(i)));
        let net = swr / sw - s.analytics.cost_bps / 1e4 * bought;
        let basket = r
            .series
            .iter()
            .find(|x| x.id == SeriesId::HaloBasket)
            .unwrap();
        assert!(close(basket.returns[d], net, 1e-12), "{}", h.dates[d]);
    }
    assert!(checked > 1000, "{checked} observations");
}

#[test]
fn a_date_before_dates_left_out_holds_until_the_next_date_kept() {
    // Synthetic names whose fundamentals thin out for a year: with full coverage required
    // and six quantiles (30 names), the middle dates are left out, so the date before them
    // holds its quantiles for 13 months rather than the calendar's one.
    let ds = synth::generate(80, 60, 3).unwrap().dataset("gap");
    let inputs = Inputs::new(&ds).unwrap();
    let mut s = Settings::default();
    s.scoring.min_coverage = 1.0;
    s.analytics.quantiles = 6;
    let (h, r) = run_backtest(&inputs, &s);
    let gap = h.month.windows(2).position(|w| w[1] - w[0] > 1).unwrap();
    assert!(h.month[gap + 1] - h.month[gap] >= 12, "{:?}", h.month);
    // The backtest computed in one pass with the scoring equals the one from the scores
    // alone, forward returns and orders computed on the spot.
    assert_same_on_the_spot(&h, &r, &inputs, &s);
    // By hand: a name's forward return at the gap compounds every month to the next date.
    let row = r.observations(&h).find(|o| o.date == gap).unwrap();
    let want = (h.month[gap] + 1..=h.month[gap + 1])
        .map(|m| 1.0 + inputs.returns.r[m][row.security])
        .product::<f64>()
        - 1.0;
    assert!(
        close(row.fwd_return, want, 1e-12),
        "{} vs {want}",
        row.fwd_return
    );
}

fn load(csv: &str, kind: TableKind) -> halo_workbench::data::Table {
    data::load_bytes(
        Path::new("t.csv"),
        csv.as_bytes(),
        &LoadOptions {
            kind: Some(kind),
            ..Default::default()
        },
    )
    .unwrap()
}

/// Three securities: A and B in Energy (caps 100 and 300), C alone in Utilities (cap 200).
/// Monthly returns Jan-Mar 2017; B has no March price.
fn tiny() -> Dataset {
    let f = "ticker,date,sector,market_cap,total_assets,ppe_net,ai_exposure\n\
             A,2016-09-30,Energy,100,10,8,0.2\nB,2016-09-30,Energy,300,10,6,0.4\nC,2016-09-30,Utilities,200,10,7,0.1\n";
    let p = "ticker,date,return\n\
             A,2016-12-31,0.0\nA,2017-01-31,0.10\nA,2017-02-28,-0.05\nA,2017-03-31,0.02\n\
             B,2016-12-31,0.0\nB,2017-01-31,0.20\nB,2017-02-28,0.10\n\
             C,2016-12-31,0.0\nC,2017-01-31,-0.10\nC,2017-02-28,0.05\nC,2017-03-31,0.01\n";
    let fac = "date,wti,us10y\n2016-12-31,50,2.0\n2017-01-31,55,2.1\n2017-02-28,44,2.3\n2017-03-31,44,2.2\n";
    let mut ds = Dataset {
        name: "tiny".into(),
        ..Default::default()
    };
    ds.fundamentals = Some(load(f, TableKind::Fundamentals));
    ds.prices = Some(load(p, TableKind::Prices));
    ds.factors = Some(load(fac, TableKind::Factors));
    ds
}

#[test]
fn sector_performance_by_hand() {
    let ds = tiny();
    let inputs = Inputs::new(&ds).unwrap();
    let mut s = Settings::default();
    s.scoring.as_of = Some(d(2016, 12, 31));
    let q1 = (d(2016, 12, 31), d(2017, 3, 31));
    let run = |s: &Settings, (from, to)| {
        let mut s = s.clone();
        s.analytics.window_from = Some(from);
        s.analytics.window_to = Some(to);
        let mut p = Pipeline::new(Arc::new(inputs.clone()));
        let sc = p.score(&s)?;
        p.sectors(&s, &sc)
    };
    let perf = run(&s, q1).unwrap();
    let g = |name: &str| {
        perf.groups
            .iter()
            .find(|g| g.id.to_string() == name)
            .unwrap()
    };
    // Energy, cap-weighted 100:300. A: 1.1, 1.045, 1.0659; B: 1.2, 1.32, 1.32 (no March price).
    // Value after each month: (100 A + 300 B) / 400.
    let a = [1.1, 1.1 * 0.95, 1.1 * 0.95 * 1.02];
    let b = [1.2, 1.2 * 1.1, 1.2 * 1.1];
    for m in 0..3 {
        let want = (100.0 * a[m] + 300.0 * b[m]) / 400.0 - 1.0;
        assert!(
            (g("Energy").cumulative[m] - want).abs() < 1e-12,
            "month {m}"
        );
    }
    // A sector of one name: its own return.
    assert!((g("Utilities").total - (0.9 * 1.05 * 1.01 - 1.0)).abs() < 1e-12);
    // Benchmark: all three by cap.
    let c = 0.9 * 1.05 * 1.01;
    assert!(
        (g("Benchmark").total - ((100.0 * a[2] + 300.0 * b[2] + 200.0 * c) / 600.0 - 1.0)).abs()
            < 1e-12
    );
    // Equal weighting.
    s.analytics.group_weighting = GroupWeighting::Equal;
    let perf = run(&s, q1).unwrap();
    let e = perf
        .groups
        .iter()
        .find(|g| g.id == SeriesId::Sector("Energy".into()))
        .unwrap();
    assert!((e.total - ((a[2] + b[2]) / 2.0 - 1.0)).abs() < 1e-12);
    // Windows are validated.
    let err = run(&s, (d(2017, 3, 31), d(2017, 1, 31))).unwrap_err();
    assert!(
        err.to_string()
            .contains("ends (2017-01-31) before it starts (2017-03-31)"),
        "{err}"
    );
    let err = run(&s, (d(2019, 1, 31), d(2019, 6, 30))).unwrap_err();
    assert!(err.to_string().contains("no returns between"), "{err}");
}

#[test]
fn buy_and_hold_on_values_equals_compounding_monthly_returns() {
    let u = synth::generate(200, 36, 9).unwrap();
    let ds = u.dataset("synthetic");
    let inputs = Inputs::new(&ds).unwrap();
    let weights: Vec<(usize, f64)> = (0..200)
        .step_by(3)
        .map(|s| (s, 1.0 + (s % 7) as f64))
        .collect();
    // Bought at the end of month 4, valued at the ends of months 5 to 19.
    let rp = &inputs.returns;
    let at = &rp.months[5..20];
    let growth: Vec<Option<Growth>> = (0..200)
        .map(|s| Growth::of(&rp.levels, s, rp.months[4], at))
        .collect();
    let fast = buy_and_hold(&growth, at.len(), &weights);
    // Naive: each holding's value month by month, summed.
    let total: f64 = weights.iter().map(|w| w.1).sum();
    for (k, m_end) in (5..20).enumerate() {
        let mut v = 0.0;
        for &(s, w) in &weights {
            let mut x = w / total;
            for m in 5..=m_end {
                let r = inputs.returns.r[m][s];
                if r.is_finite() {
                    x *= 1.0 + r;
                }
            }
            v += x;
        }
        assert!((fast[k] - (v - 1.0)).abs() < 1e-12);
    }
}

#[test]
fn shared_projection_betas_equal_per_security_ols() {
    let u = synth::generate(60, 72, 4).unwrap();
    let ds = u.dataset("synthetic");
    let inputs = Inputs::new(&ds).unwrap();
    let names: Vec<String> = ["market", "wti", "us10y", "gold"]
        .map(String::from)
        .to_vec();
    let sectors = vec!["X".to_string(); 60];
    let b = scenarios::betas(
        &inputs.returns,
        &inputs.factors,
        &names,
        10..70,
        &sectors,
        0.0,
    )
    .unwrap();
    for s in [0usize, 17, 59] {
        let y: Vec<f64> = (10..70).map(|m| inputs.returns.r[m][s]).collect();
        let x: Vec<Vec<f64>> = names
            .iter()
            .map(|n| {
                (10..70)
                    .map(|m| inputs.factors.get(n).unwrap()[m])
                    .collect()
            })
            .collect();
        let r = ols(&y, &x, &names, None).unwrap();
        for j in 0..4 {
            assert!(
                (b.beta[s][j] - r.params[j + 1]).abs() < 1e-10,
                "security {s} factor {j}"
            );
        }
    }
}

#[test]
fn scenarios_by_hand() {
    use std::collections::BTreeMap;
    let ds = tiny();
    let inputs = Inputs::new(&ds).unwrap();
    let mut s = Settings::default();
    s.scoring.as_of = Some(d(2017, 3, 31));
    s.basket.selection = halo_workbench::engine::settings::Selection::TopN(1);
    let scored = scored(&inputs, &s);
    let (prep, sc) = (&*scored.prep, &*scored.scores);
    // Betas given by hand: security returns are sum(beta x shock).
    let betas = scenarios::Betas {
        factors: vec!["wti".into(), "us10y".into()],
        beta: vec![vec![0.5, -0.02], vec![0.3, 0.0], vec![0.1, -0.04]],
        cov: vec![vec![0.01, -0.001], vec![-0.001, 0.04]],
        estimated: 3,
    };
    let oil = Scenario {
        name: "oil".into(),
        name_zh: String::new(),
        source: String::new(),
        source_zh: String::new(),
        kind: ScenarioKind::Factor {
            shocks: BTreeMap::from([("wti".to_string(), 0.1)]),
        },
    };
    let r =
        scenarios::security_returns(&oil, prep, sc, &inputs.returns, Some(&betas), false).unwrap();
    assert_eq!(r, vec![0.05, 0.03, 0.010000000000000002]);
    // Correlated: us10y moves by cov(us10y, wti) / var(wti) x 0.1 = -0.1 x 0.1 = -0.01.
    let r =
        scenarios::security_returns(&oil, prep, sc, &inputs.returns, Some(&betas), true).unwrap();
    assert!((r[0] - (0.05 + -0.02 * -0.01)).abs() < 1e-15);
    assert!((r[2] - (0.01 + -0.04 * -0.01)).abs() < 1e-15);
    // Applied to the baskets: the HALO basket is one name.
    let o = scenarios::outcome(
        &oil,
        &[0.05, 0.03, 0.01],
        sc,
        &[0.5, 0.25, 0.25],
        &scenarios::SectorIds::new(&prep.cs.sectors),
    );
    let bench = o
        .portfolios
        .iter()
        .find(|p| p.portfolio == SeriesId::Benchmark)
        .unwrap();
    assert!((bench.r#return - (0.5 * 0.05 + 0.25 * 0.03 + 0.25 * 0.01)).abs() < 1e-15);
    assert!((bench.contributions["Energy"] - (0.5 * 0.05 + 0.25 * 0.03)).abs() < 1e-15);
    // Historical replay: A over Jan-Feb 2017 = 1.1 x 0.95 - 1; B has both months too.
    let hist = Scenario {
        name: "h".into(),
        name_zh: String::new(),
        source: String::new(),
        source_zh: String::new(),
        kind: ScenarioKind::Historical {
            from: d(2016, 12, 31),
            to: d(2017, 2, 28),
        },
    };
    let r = scenarios::security_returns(&hist, prep, sc, &inputs.returns, None, false).unwrap();
    assert!((r[0] - (1.1 * 0.95 - 1.0)).abs() < 1e-12 && (r[1] - (1.2 * 1.1 - 1.0)).abs() < 1e-12);
    // Validation: reversed and uncovered windows are rejected.
    let bad = Scenario {
        kind: ScenarioKind::Historical {
            from: d(2017, 2, 28),
            to: d(2017, 1, 31),
        },
        ..hist.clone()
    };
    assert!(
        scenarios::security_returns(&bad, prep, sc, &inputs.returns, None, false)
            .unwrap_err()
            .to_string()
            .contains("ends (2017-01-31) before it starts")
    );
    let bad = Scenario {
        kind: ScenarioKind::Historical {
            from: d(2010, 1, 31),
            to: d(2017, 1, 31),
        },
        ..hist
    };
    assert!(
        scenarios::security_returns(&bad, prep, sc, &inputs.returns, None, false)
            .unwrap_err()
            .to_string()
            .contains("not covered by the prices")
    );
    // Characteristic: -8% per sd of AI exposure as measured.
    let ai = Scenario {
        name: "ai".into(),
        name_zh: String::new(),
        source: String::new(),
        source_zh: String::new(),
        kind: ScenarioKind::Characteristic {
            metric: "ai_exposure".into(),
            shock_per_sd: -0.08,
        },
    };
    let r = scenarios::security_returns(&ai, prep, sc, &inputs.returns, None, false).unwrap();
    // ai_exposure .2 .4 .1: mean 7/30, population sd sqrt(((.2-7/30)^2+(.4-7/30)^2+(.1-7/30)^2)/3).
    let m = 7.0 / 30.0;
    let sd = (((0.2f64 - m).powi(2) + (0.4f64 - m).powi(2) + (0.1f64 - m).powi(2)) / 3.0).sqrt();
    assert!((r[1] - -0.08 * (0.4 - m) / sd).abs() < 1e-12);
}

#[test]
fn the_default_scenario_library_runs_on_the_sample() {
    let lib = scenarios::default_library();
    assert_eq!(lib.len(), 11);
    assert!(
        lib.iter()
            .all(|s| !s.source.is_empty() && !s.name_zh.is_empty())
    );
    let ds = data::load_sample().unwrap();
    let inputs = Inputs::new(&ds).unwrap();
    let s = Settings::default();
    let mut p = Pipeline::new(Arc::new(inputs));
    let sc = p.score(&s).unwrap();
    let out = p.scenarios(&s, &sc, &lib);
    assert!(
        out.iter().all(|o| o.is_ok()),
        "{:?}",
        out.iter()
            .filter_map(|o| o.as_ref().err())
            .collect::<Vec<_>>()
    );
    // Oil up helps the HALO basket more than the anti-HALO basket on the real sample.
    let me = out[1].as_ref().unwrap();
    let ret = |p: SeriesId| {
        me.portfolios
            .iter()
            .find(|x| x.portfolio == p)
            .unwrap()
            .r#return
    };
    assert!(ret(SeriesId::HaloBasket) > ret(SeriesId::AntiBasket));
    // Contributions add up to the portfolio's return.
    for p in &me.portfolios {
        let sum: f64 = p.contributions.values().sum();
        assert!((sum - p.r#return).abs() < 1e-12);
    }
}

#[test]
fn backtest_curves_start_at_zero_and_are_dated_at_each_period_end() {
    use chrono::Datelike as _;
    let u = synth::generate(120, 48, 3).unwrap();
    let inputs = Inputs::new(&u.dataset("synthetic")).unwrap();
    let mut s = Settings::default();
    s.analytics.rebalance = halo_workbench::engine::settings::Rebalance::Quarterly;
    let (_, b) = run_backtest(&inputs, &s);
    let dates = b.curve_dates();
    assert_eq!(dates.len(), b.dates.len() + 1);
    assert_eq!(dates[0], b.dates[0]);
    // A period's return is dated at its end: the next rebalance, three months on.
    for d in 0..b.dates.len() - 1 {
        assert_eq!(b.period_ends[d], b.dates[d + 1]);
    }
    let last = *b.dates.last().unwrap();
    assert_eq!(
        *dates.last().unwrap(),
        last.checked_add_months(chrono::Months::new(4))
            .unwrap()
            .with_day(1)
            .unwrap()
            .pred_opt()
            .unwrap()
    );
    for series in &b.series {
        let c = series.curve();
        assert_eq!(c[0], 0.0);
        assert_eq!(&c[1..], &series.cumulative[..]);
    }
}

#[test]
fn ols_on_nearly_collinear_factors_matches_statsmodels() {
    let fixture = fixture("ols_collinear.json");
    for case in fixture["cases"].as_array().unwrap() {
        let y = nums(&case["y"]);
        let x: Vec<Vec<f64>> = case["x"].as_array().unwrap().iter().map(nums).collect();
        let names: Vec<String> = ["wti", "brent", "gold"].map(String::from).to_vec();
        let name = case["name"].as_str().unwrap();
        // Condition numbers of 1e4 and 1.5e6: the normal equations' are their squares.
        assert!(case["condition_number"].as_f64().unwrap() > 1e4, "{name}");
        let r = ols(
            &y,
            &x,
            &names,
            Some(case["lags"].as_u64().unwrap() as usize),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Measured: coefficients and classical errors within 5e-11, Newey-West within
        // 4e-6 (its sandwich (X'X)^-1 S (X'X)^-1 multiplies entries of 1e6 into a small
        // result, summed in another order than numpy's); the normal equations could not
        // be solved here at all.
        for (field, got, tol) in [
            ("params", &r.params, 1e-7),
            ("bse", &r.se, 1e-7),
            ("tvalues", &r.t, 1e-7),
            ("bse_hac", &r.se_nw, 1e-5),
            ("tvalues_hac", &r.t_nw, 1e-5),
        ] {
            for (g, e) in got.iter().zip(nums(&case[field])) {
                let rel = (g - e).abs() / e.abs();
                assert!(rel <= tol, "{name} {field}: {g} vs {e} ({rel:.1e})");
            }
        }
        assert!(close(r.r2, case["rsquared"].as_f64().unwrap(), 1e-10));
    }
}

/// The IC of a date with tied scores, tied forward returns, names without a score or a
/// return, and (within sectors) a sector whose scores all tie and so get no quantile: each
/// date's IC equals scipy-checked `spearman` over the names with a quantile, whether the
/// scores come ranked or not.
#[test]
fn ic_with_ties_and_names_left_out_is_spearman_of_the_names_with_a_quantile() {
    use halo_workbench::engine::returns::ReturnPanel;
    let n = 43;
    let mut rng = synth::Rng(11);
    let months: Vec<NaiveDate> = (1..=4)
        .map(|m| {
            NaiveDate::from_ymd_opt(2020, m + 1, 1)
                .unwrap()
                .pred_opt()
                .unwrap()
        })
        .collect();
    for tied in [true, false] {
        // Returns on a coarse grid (many ties) or not, one name without a return each month.
        let r: Vec<Vec<f64>> = (0..months.len())
            .map(|m| {
                (0..n)
                    .map(|s| {
                        if s == 5 + m {
                            f64::NAN
                        } else if tied {
                            (rng.uniform() * 5.0).floor() / 100.0 - 0.02
                        } else {
                            rng.uniform() / 10.0 - 0.05
                        }
                    })
                    .collect()
            })
            .collect();
        let rp = ReturnPanel {
            months: months.clone(),
            r,
            levels: Default::default(),
        };
        let dates = 3;
        let halo: Vec<Vec<f64>> = (0..dates)
            .map(|_| {
                (0..n)
                    .map(|s| match s {
                        0 => f64::NAN,
                        // Sector 1: three names with one score.
                        40..=42 => 0.5,
                        _ => (rng.uniform() * 8.0).floor() / 4.0,
                    })
                    .collect()
            })
            .collect();
        let sector = Arc::new((0..n).map(|s| u32::from(s >= 40)).collect::<Vec<u32>>());
        let ranked: Vec<Vec<usize>> = halo
            .iter()
            .map(|x| {
                let mut o: Vec<usize> = (0..n).filter(|&s| x[s].is_finite()).collect();
                o.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
                o
            })
            .collect();
        let h = History {
            dates: months[..dates].to_vec(),
            month: (0..dates).collect(),
            halo,
            basket: vec![Vec::new(); dates],
            ranked,
            sector: vec![sector; dates],
            sector_names: vec!["A".into(), "B".into()],
            forward: vec![None; dates],
        };
        for within_sector in [false, true] {
            let mut s = Settings::default();
            s.analytics.within_sector = within_sector;
            let unranked = History {
                ranked: Vec::new(),
                ..h.clone()
            };
            for hist in [&h, &unranked] {
                let r = backtest(hist, &rp, &s.analytics);
                let mut left_out = 0;
                for d in 0..dates {
                    let labelled: Vec<_> = r.observations(hist).filter(|o| o.date == d).collect();
                    left_out += n - labelled.len();
                    let (xs, ys): (Vec<f64>, Vec<f64>) =
                        labelled.iter().map(|o| (o.score, o.fwd_return)).unzip();
                    // Ties among the returns (so the ranks are averaged), or none.
                    let mut sorted = ys.clone();
                    sorted.sort_by(f64::total_cmp);
                    assert_eq!(sorted.windows(2).any(|w| w[0] == w[1]), tied);
                    let want = spearman(&xs, &ys);
                    assert!(
                        (want - r.ic[d]).abs() < 1e-14,
                        "{d} {within_sector}: {want} vs {}",
                        r.ic[d]
                    );
                }
                // Names 0 (no score) and 5 + d (no return); within sectors also 40-42.
                assert_eq!(left_out, dates * if within_sector { 5 } else { 2 });
            }
        }
    }
}
