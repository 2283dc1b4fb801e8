//! The scoring engine against numbers worked out independently in each test, plus the
//! laws it must obey and the real-sample check of the issue.

use std::path::Path;

use halo_workbench::data::{self, LoadOptions, TableKind};
use halo_workbench::engine::metrics::Pillar;
use halo_workbench::engine::score::{
    PillarScores, Prepared, Scorer, Scores, prepare, score, score_halo_and_basket,
};
use halo_workbench::engine::settings::{Selection, Settings, Standardize, Weighting, Winsorize};
use halo_workbench::engine::universe::Panel;
use halo_workbench::engine::{stats, synth};
use polars::prelude::SerWriter;

fn panel_from_csv(csv: &str) -> Panel {
    let opts = LoadOptions {
        kind: Some(TableKind::Fundamentals),
        ..Default::default()
    };
    let t = data::load_bytes(Path::new("test.csv"), csv.as_bytes(), &opts).unwrap();
    Panel::from_frame(&t.df).unwrap()
}

fn pos(prep: &Prepared, ticker: &str) -> usize {
    prep.cs.tickers.iter().position(|t| t == ticker).unwrap()
}

/// Only ppe_intensity (heavy assets) and ai_exposure (low obsolescence) weighted.
fn two_metric_settings() -> Settings {
    let mut s = Settings::default();
    for (_, w) in s.weights.metrics.iter_mut() {
        *w = 0.0;
    }
    s.weights.metrics.insert("ppe_intensity".into(), 1.0);
    s.weights.metrics.insert("ai_exposure".into(), 1.0);
    s.weights.supply_constraint = 0.0;
    s.weights.cash_flow_stability = 0.0;
    s.scoring.winsor_p = 0.0;
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2017, 6, 30);
    s.basket.selection = Selection::TopN(2);
    s
}

const TINY: &str = "ticker,date,sector,total_assets,ppe_net,ai_exposure\n\
A,2016-12-31,Energy,100,80,0.2\n\
B,2016-12-31,Energy,100,60,0.4\n\
C,2016-12-31,Utilities,100,70,0.1\n\
D,2016-12-31,Information Technology,100,10,0.9\n\
E,2016-12-31,Information Technology,100,20,0.8\n";

#[test]
fn tiny_universe_every_number_by_hand() {
    let panel = panel_from_csv(TINY);
    let s = two_metric_settings();
    let prep = prepare(&panel, &s.scoring).unwrap();
    let sc = score(&prep, &s);

    // ppe_intensity = ppe/ta: 0.8 0.6 0.7 0.1 0.2; mean 0.48.
    // Deviations 0.32 0.12 0.22 -0.38 -0.28; squares sum 0.1024+0.0144+0.0484+0.1444+0.0784 = 0.388;
    // population sd = sqrt(0.388/5) = sqrt(0.0776).
    let sd_ppe = (0.0776f64).sqrt();
    let z_ppe = [
        0.32 / sd_ppe,
        0.12 / sd_ppe,
        0.22 / sd_ppe,
        -0.38 / sd_ppe,
        -0.28 / sd_ppe,
    ];
    // ai_exposure 0.2 0.4 0.1 0.9 0.8; mean 0.48; deviations -0.28 -0.08 -0.38 0.42 0.32;
    // squares 0.0784+0.0064+0.1444+0.1764+0.1024 = 0.508; direction -1.
    let sd_ai = (0.508f64 / 5.0).sqrt();
    let z_ai = [
        0.28 / sd_ai,
        0.08 / sd_ai,
        0.38 / sd_ai,
        -0.42 / sd_ai,
        -0.32 / sd_ai,
    ];
    let k_ppe = prep
        .cs
        .metrics
        .iter()
        .position(|m| m.id == "ppe_intensity")
        .unwrap();
    let k_ai = prep
        .cs
        .metrics
        .iter()
        .position(|m| m.id == "ai_exposure")
        .unwrap();
    for (i, t) in ["A", "B", "C", "D", "E"].iter().enumerate() {
        let s_ = pos(&prep, t);
        assert!((prep.base.z[k_ppe][s_] - z_ppe[i]).abs() < 1e-12, "{t} ppe");
        assert!((prep.base.z[k_ai][s_] - z_ai[i]).abs() < 1e-12, "{t} ai");
        // Each pillar has one metric, already standardised: the pillar is that z.
        assert!((sc.pillars[0][s_] - z_ppe[i]).abs() < 1e-12);
        assert!((sc.pillars[1][s_] - z_ai[i]).abs() < 1e-12);
    }
    // Composite = (z_ppe + z_ai) / 2, then re-standardised.
    let comp: Vec<f64> = (0..5).map(|i| (z_ppe[i] + z_ai[i]) / 2.0).collect();
    let m = comp.iter().sum::<f64>() / 5.0;
    let sd = (comp.iter().map(|c| (c - m).powi(2)).sum::<f64>() / 5.0).sqrt();
    for (i, t) in ["A", "B", "C", "D", "E"].iter().enumerate() {
        let s_ = pos(&prep, t);
        assert!((sc.halo[s_] - (comp[i] - m) / sd).abs() < 1e-12, "{t} halo");
    }
    // Order by composite: C (0.22/sd+0.38/sd) ... check ranks and percentiles by hand.
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by(|&a, &b| comp[b].total_cmp(&comp[a]));
    let names = ["A", "B", "C", "D", "E"];
    let ranked: Vec<&str> = order.iter().map(|&i| names[i]).collect();
    assert_eq!(ranked, ["A", "C", "B", "E", "D"]);
    for (r, t) in ranked.iter().enumerate() {
        let s_ = pos(&prep, t);
        assert_eq!(sc.rank[s_] as usize, r + 1);
        assert!((sc.percentile[s_] - (5 - r) as f64 / 5.0).abs() < 1e-12);
    }
    // Top 2 equally weighted; bottom 2 in the anti basket.
    assert_eq!(sc.basket.weights[pos(&prep, "A")], 0.5);
    assert_eq!(sc.basket.weights[pos(&prep, "C")], 0.5);
    assert!(sc.anti.weights[pos(&prep, "D")] == 0.5 && sc.anti.weights[pos(&prep, "E")] == 0.5);
}

#[test]
fn percentile_winsorising_clips_at_numpy_quantiles() {
    let panel = panel_from_csv(TINY);
    let mut s = two_metric_settings();
    s.scoring.winsor_p = 0.25;
    let prep = prepare(&panel, &s.scoring).unwrap();
    // ppe_intensity sorted 0.1 0.2 0.6 0.7 0.8: numpy quantile 0.25 -> 0.2, 0.75 -> 0.7.
    // Clipped: A 0.7 B 0.6 C 0.7 D 0.2 E 0.2; mean 0.48; deviations .22 .12 .22 -.28 -.28.
    let sd = ((0.0484 + 0.0144 + 0.0484 + 0.0784 + 0.0784) / 5.0f64).sqrt();
    let k = prep
        .cs
        .metrics
        .iter()
        .position(|m| m.id == "ppe_intensity")
        .unwrap();
    assert!((prep.base.z[k][pos(&prep, "A")] - 0.22 / sd).abs() < 1e-12);
    assert!((prep.base.z[k][pos(&prep, "D")] + 0.28 / sd).abs() < 1e-12);
    // +/- 3 sd with 5 names never binds (|z| <= 2 for n = 5).
    s.scoring.winsorize = Winsorize::ThreeSd;
    let prep3 = prepare(&panel, &s.scoring).unwrap();
    assert!((prep3.base.z[k][pos(&prep3, "A")] - 0.32 / (0.0776f64).sqrt()).abs() < 1e-12);
}

#[test]
fn sector_neutral_and_cap_weighted_centres() {
    // Sector X has 3 names (own mean), Y has 2 (overall mean).
    let csv = "ticker,date,sector,total_assets,ppe_net,market_cap\n\
               A,2016-12-31,X,100,10,1\nB,2016-12-31,X,100,20,1\nC,2016-12-31,X,100,60,2\n\
               D,2016-12-31,Y,100,40,4\nE,2016-12-31,Y,100,70,2\n";
    let panel = panel_from_csv(csv);
    let mut s = Settings::default();
    s.scoring.winsor_p = 0.0;
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2017, 6, 30);
    s.scoring.standardize = Standardize::SectorNeutral;
    let prep = prepare(&panel, &s.scoring).unwrap();
    let k = prep
        .cs
        .metrics
        .iter()
        .position(|m| m.id == "ppe_intensity")
        .unwrap();
    // x = .1 .2 .6 .4 .7; overall mean .4; sd = sqrt((.09+.04+.04+0+.09)/5) = sqrt(.052).
    let sd = (0.052f64).sqrt();
    // X mean = .3; Y uses the overall mean .4.
    let expect = [
        (0.1 - 0.3) / sd,
        (0.2 - 0.3) / sd,
        (0.6 - 0.3) / sd,
        0.0,
        (0.7 - 0.4) / sd,
    ];
    for (i, t) in ["A", "B", "C", "D", "E"].iter().enumerate() {
        assert!(
            (prep.base.z[k][pos(&prep, t)] - expect[i]).abs() < 1e-12,
            "{t}"
        );
    }
    // Cap-weighted centre: (1*.1 + 1*.2 + 2*.6 + 4*.4 + 2*.7) / 10 = .45.
    s.scoring.standardize = Standardize::CapWeighted;
    let prep = prepare(&panel, &s.scoring).unwrap();
    assert!((prep.base.z[k][pos(&prep, "E")] - (0.7 - 0.45) / sd).abs() < 1e-12);
}

#[test]
fn point_in_time_uses_only_reports_known_and_fresh() {
    let csv = "ticker,date,sector,total_assets,ppe_net\n\
               A,2015-12-31,Energy,100,10\nA,2016-12-31,Energy,100,90\n\
               B,2015-12-31,Energy,100,50\nB,2016-12-31,Energy,100,50\n";
    let panel = panel_from_csv(csv);
    let mut s = Settings::default();
    let ppe = |prep: &Prepared| {
        let k = prep
            .cs
            .metrics
            .iter()
            .position(|m| m.id == "ppe_intensity")
            .unwrap();
        prep.cs.raw[k][pos(prep, "A")]
    };
    // 2016-12-31 + 90 days = 2017-03-31: before that, the 2015 report.
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2017, 3, 30);
    assert_eq!(ppe(&prepare(&panel, &s.scoring).unwrap()), 0.1);
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2017, 3, 31);
    assert_eq!(ppe(&prepare(&panel, &s.scoring).unwrap()), 0.9);
    // Before any report is known: excluded, never filled backwards.
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2016, 3, 29);
    let prep = prepare(&panel, &s.scoring).unwrap();
    assert!(ppe(&prep).is_nan());
    let sc = score(&prep, &s);
    let why = |sc: &halo_workbench::engine::score::Scores, i: usize| {
        sc.exclusion[i]
            .as_ref()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(why(&sc, pos(&prep, "A")).starts_with("no report known by 2016-03-29"));
    // 2017-03-31 + 451 days = 2018-06-25: stale (limit 450).
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2018, 6, 25);
    let prep = prepare(&panel, &s.scoring).unwrap();
    let sc = score(&prep, &s);
    assert!(
        why(&sc, pos(&prep, "A")).starts_with("stale data"),
        "{}",
        why(&sc, 0)
    );
    // The default as-of is the last period date plus the lag.
    s.scoring.as_of = None;
    assert_eq!(
        prepare(&panel, &s.scoring).unwrap().cs.as_of,
        chrono::NaiveDate::from_ymd_opt(2017, 3, 31).unwrap()
    );
}

#[test]
fn herfindahl_and_cfo_stability_from_the_data() {
    // Industry "Pipes": revenues 1, 2, 7 -> shares .1 .2 .7 -> HHI .01 + .04 + .49 = .54.
    // A's cfo/ta over its 4 reports: .10 .12 .08 .10 -> sample sd = sqrt(.0008/3).
    let csv = "ticker,date,sector,industry,total_assets,revenue,operating_cash_flow\n\
               A,2013-12-31,Energy,Pipes,100,1,10\nA,2014-12-31,Energy,Pipes,100,1,12\n\
               A,2015-12-31,Energy,Pipes,100,1,8\nA,2016-12-31,Energy,Pipes,100,1,10\n\
               B,2016-12-31,Energy,Pipes,100,2,5\nC,2016-12-31,Energy,Pipes,100,7,5\n\
               D,2016-12-31,Energy,Drills,100,3,5\n";
    let panel = panel_from_csv(csv);
    let mut s = Settings::default();
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2017, 6, 30);
    let prep = prepare(&panel, &s.scoring).unwrap();
    let k = |id: &str| prep.cs.metrics.iter().position(|m| m.id == id).unwrap();
    let hhi = &prep.cs.raw[k("industry_concentration")];
    for t in ["A", "B", "C"] {
        assert!((hhi[pos(&prep, t)] - 0.54).abs() < 1e-12);
    }
    assert_eq!(hhi[pos(&prep, "D")], 1.0, "alone in its industry");
    let cfo = &prep.cs.raw[k("cfo_stability")];
    assert!((cfo[pos(&prep, "A")] + (0.0008f64 / 3.0).sqrt()).abs() < 1e-12);
    assert!(cfo[pos(&prep, "B")].is_nan(), "one report is not enough");
}

#[test]
fn exclusions_name_the_missing_inputs() {
    let csv = "ticker,date,sector,total_assets,ppe_net,ai_exposure\n\
               A,2016-12-31,Energy,100,80,0.2\nB,2016-12-31,Energy,,,0.4\nC,2016-12-31,Energy,100,50,0.5\n";
    let panel = panel_from_csv(csv);
    let mut s = two_metric_settings();
    s.scoring.min_coverage = 0.75;
    let prep = prepare(&panel, &s.scoring).unwrap();
    let sc = score(&prep, &s);
    let b = pos(&prep, "B");
    assert!(!sc.included[b]);
    assert_eq!(
        sc.exclusion[b].as_ref().unwrap().to_string(),
        "coverage 50% of weighted metrics, below 75%: no ppe_net, no total_assets"
    );
    assert_eq!(sc.rank[b], 0);
    assert!(sc.exclusion[pos(&prep, "A")].is_none());
}

/// Equal, with NaN equal to NaN; on a difference, says where (not the whole vectors).
fn assert_same(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            x == y || (x.is_nan() && y.is_nan()),
            "index {i}: {x} vs {y}"
        );
    }
}

fn synthetic(n: usize) -> Panel {
    let u = synth::generate(n, 120, 7).unwrap();
    Panel::from_frame(&u.fundamentals).unwrap()
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let v: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (
        m,
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt(),
    )
}

#[test]
fn z_scores_have_mean_zero_and_sd_one() {
    let panel = synthetic(600);
    let mut s = Settings::default();
    s.scoring.winsor_p = 0.0;
    let prep = prepare(&panel, &s.scoring).unwrap();
    for (m, z) in prep.cs.metrics.iter().zip(&prep.base.z) {
        let (mu, sd) = mean_sd(z);
        if sd > 0.0 {
            assert!(
                mu.abs() < 1e-9 && (sd - 1.0).abs() < 1e-9,
                "{}: {mu} {sd}",
                m.id
            );
        }
    }
    let sc = score(&prep, &s);
    for col in sc.pillars.iter().chain(std::iter::once(&sc.halo)) {
        let (mu, sd) = mean_sd(col);
        assert!(mu.abs() < 1e-9 && (sd - 1.0).abs() < 1e-9);
    }
}

#[test]
fn basket_weights_sum_to_one_and_respect_caps() {
    let panel = synthetic(800);
    let mut s = Settings::default();
    let prep = prepare(&panel, &s.scoring).unwrap();
    for weighting in [
        Weighting::Equal,
        Weighting::MarketCap,
        Weighting::ScoreTilted,
    ] {
        for (name_cap, sector_cap) in [(0.05, None), (0.02, Some(0.25)), (0.1, Some(0.3))] {
            s.basket.weighting = weighting;
            s.basket.name_cap = name_cap;
            s.basket.sector_cap = sector_cap;
            let sc = score(&prep, &s);
            for b in [&sc.basket, &sc.anti] {
                let total: f64 = b.weights.iter().sum();
                assert!((total - 1.0).abs() < 1e-9, "{weighting:?}: sum {total}");
                assert!(
                    b.weights.iter().all(|w| *w <= name_cap + 1e-9),
                    "{weighting:?} name cap"
                );
                if let Some(c) = sector_cap {
                    let mut by: std::collections::HashMap<&str, f64> = Default::default();
                    for &m in &b.members {
                        *by.entry(prep.cs.sectors[m].as_str()).or_default() += b.weights[m];
                    }
                    assert!(
                        by.values().all(|w| *w <= c + 1e-9),
                        "{weighting:?} sector cap {by:?}"
                    );
                }
            }
        }
    }
}

fn by_ticker(prep: &Prepared, sc: &Scores) -> Vec<(String, f64, u32, f64)> {
    let mut v: Vec<_> = (0..prep.cs.len())
        .map(|s| {
            (
                prep.cs.tickers[s].clone(),
                sc.halo[s],
                sc.rank[s],
                sc.basket.weights[s],
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn shuffling_the_input_rows_changes_nothing() {
    let u = synth::generate(300, 60, 11).unwrap();
    let mut csv = Vec::new();
    polars::prelude::CsvWriter::new(&mut csv)
        .finish(&mut u.fundamentals.clone())
        .unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    // A fixed permutation: reverse, then interleave halves.
    lines.reverse();
    let (a, b) = lines.split_at(lines.len() / 2);
    let shuffled: Vec<&str> = a
        .iter()
        .zip(b)
        .flat_map(|(x, y)| [*y, *x])
        .chain(b.iter().skip(a.len()).copied())
        .collect();
    let shuffled = format!("{header}\n{}\n", shuffled.join("\n"));
    let s = Settings::default();
    let p1 = panel_from_csv(&text);
    let p2 = panel_from_csv(&shuffled);
    let (x1, x2) = (
        prepare(&p1, &s.scoring).unwrap(),
        prepare(&p2, &s.scoring).unwrap(),
    );
    let (a, b) = (
        by_ticker(&x1, &score(&x1, &s)),
        by_ticker(&x2, &score(&x2, &s)),
    );
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.0, x.2, x.3), (&y.0, y.2, y.3));
        assert_same(&[x.1], &[y.1]);
    }
}

#[test]
fn raising_a_positive_metric_never_lowers_the_score() {
    let u = synth::generate(400, 24, 3).unwrap();
    let s = Settings::default();
    let base_panel = Panel::from_frame(&u.fundamentals).unwrap();
    let base = prepare(&base_panel, &s.scoring).unwrap();
    let base_sc = score(&base, &s);
    for idx in [0usize, 57, 123, 250, 399] {
        let mut panel = base_panel.clone();
        let row = panel.spans[idx].end - 1;
        let ppe = panel.fields.get_mut("ppe_net").unwrap();
        if !ppe[row].is_finite() {
            continue;
        }
        ppe[row] *= 1.5;
        let prep = prepare(&panel, &s.scoring).unwrap();
        let sc = score(&prep, &s);
        if base_sc.halo[idx].is_finite() {
            assert!(
                sc.halo[idx] >= base_sc.halo[idx] - 1e-12,
                "{idx}: {} -> {}",
                base_sc.halo[idx],
                sc.halo[idx]
            );
        }
    }
}

#[test]
fn a_zero_pillar_weight_removes_its_influence() {
    let u = synth::generate(300, 24, 5).unwrap();
    let mut s = Settings::default();
    s.weights.supply_constraint = 0.0;
    let panel = Panel::from_frame(&u.fundamentals).unwrap();
    let before = score(&prepare(&panel, &s.scoring).unwrap(), &s);
    // Scramble every supply-constraint input: EBITDA, regulated, revenue shares' industry.
    let mut scrambled = panel.clone();
    for (i, v) in scrambled
        .fields
        .get_mut("ebitda")
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        *v = ((i * 7919) % 1000) as f64;
    }
    for (i, v) in scrambled
        .fields
        .get_mut("regulated")
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        *v = (i % 2) as f64;
    }
    let after = score(&prepare(&scrambled, &s.scoring).unwrap(), &s);
    assert_same(&before.halo, &after.halo);
    assert_eq!(before.rank, after.rank);
    // With weight, the same scramble does move scores.
    s.weights.supply_constraint = 1.0;
    let a = score(&prepare(&panel, &s.scoring).unwrap(), &s);
    let b = score(&prepare(&scrambled, &s.scoring).unwrap(), &s);
    assert!(
        a.halo
            .iter()
            .zip(&b.halo)
            .any(|(x, y)| (x - y).abs() > 1e-6)
    );
}

#[test]
fn real_sample_utilities_and_energy_beat_information_technology() {
    let ds = data::load_sample().unwrap();
    let panel = Panel::from_frame(&ds.fundamentals.as_ref().unwrap().df).unwrap();
    let s = Settings::default();
    let mut scorer = Scorer::default();
    let (prep, sc) = scorer.score(&panel, &s).unwrap();
    let median = |sector: &str| {
        let mut v: Vec<f64> = (0..prep.cs.len())
            .filter(|&i| prep.cs.sectors[i] == sector && sc.halo[i].is_finite())
            .map(|i| sc.halo[i])
            .collect();
        stats::median(&mut v)
    };
    let (u, e, it) = (
        median("Utilities"),
        median("Energy"),
        median("Information Technology"),
    );
    eprintln!("median HALO score: Utilities {u:.3}, Energy {e:.3}, Information Technology {it:.3}");
    assert!(u > it && e > it, "Utilities {u}, Energy {e}, IT {it}");
    assert!(
        u - it > 1.0 && e - it > 0.5,
        "the gap is wide, not marginal: {u}, {e} vs {it}"
    );
}

#[test]
fn synthetic_universe_is_deterministic_and_sized() {
    let a = synth::generate(50, 36, 42).unwrap();
    let b = synth::generate(50, 36, 42).unwrap();
    assert!(a.fundamentals.equals_missing(&b.fundamentals));
    assert!(a.prices.equals_missing(&b.prices));
    assert_eq!(a.fundamentals.height(), 50 * 3);
    assert_eq!(a.prices.height(), 50 * 36);
    assert_eq!(a.factors.height(), 36);
    let c = synth::generate(50, 36, 43).unwrap();
    assert!(!a.prices.equals_missing(&c.prices));
    // About 5% of fundamental cells are missing.
    let ta = a.fundamentals.column("total_assets").unwrap().null_count();
    assert!(ta > 0 && ta < 30, "{ta}");
}

#[test]
fn a_custom_column_scores_as_a_metric_with_its_pillar_and_direction() {
    use halo_workbench::engine::metrics::{CustomMetric, Pillar};
    let csv = "ticker,date,sector,total_assets,Moat Score\n\
               A,2016-12-31,Energy,100,3\nB,2016-12-31,Energy,100,9\nC,2016-12-31,Energy,100,5\n";
    let panel = panel_from_csv(csv);
    let mut s = Settings::default();
    for (_, w) in s.weights.metrics.iter_mut() {
        *w = 0.0;
    }
    s.weights.heavy_assets = 0.0;
    s.weights.low_obsolescence = 0.0;
    s.weights.cash_flow_stability = 0.0;
    s.scoring.winsor_p = 0.0;
    s.scoring.custom_metrics.push(CustomMetric {
        column: "moat_score".into(),
        pillar: Pillar::SupplyConstraint,
        direction: 1.0,
    });
    let prep = prepare(&panel, &s.scoring).unwrap();
    let sc = score(&prep, &s);
    let ranks: Vec<u32> = ["A", "B", "C"]
        .iter()
        .map(|t| sc.rank[pos(&prep, t)])
        .collect();
    assert_eq!(ranks, [3, 1, 2]);
    // Its z-score by hand: mean 17/3, population sd sqrt(((3-17/3)^2 + (9-17/3)^2 + (5-17/3)^2)/3).
    let m = 17.0 / 3.0;
    let sd = (((3.0f64 - m).powi(2) + (9.0f64 - m).powi(2) + (5.0f64 - m).powi(2)) / 3.0).sqrt();
    assert!((sc.halo[pos(&prep, "B")] - (9.0 - m) / sd).abs() < 1e-12);
    s.scoring.custom_metrics[0].direction = -1.0;
    let prep = prepare(&panel, &s.scoring).unwrap();
    let sc = score(&prep, &s);
    assert_eq!(sc.rank[pos(&prep, "A")], 1, "lower is more HALO now");
}

#[test]
fn lens_presets_move_the_basket_toward_their_sectors() {
    use halo_workbench::engine::presets::preset;
    let ds = data::load_sample().unwrap();
    let panel = Panel::from_frame(&ds.fundamentals.as_ref().unwrap().df).unwrap();
    let share = |id: &str, sector: &str| {
        let mut s = Settings::default();
        preset(id).unwrap().apply(&mut s);
        let prep = prepare(&panel, &s.scoring).unwrap();
        let sc = score(&prep, &s);
        sc.basket
            .members
            .iter()
            .filter(|&&m| prep.cs.sectors[m] == sector)
            .count()
    };
    assert!(share("goldman_sachs", "Energy") > share("halo", "Energy"));
    assert!(share("goldman_sachs", "Materials") > share("halo", "Materials"));
    assert!(share("jpmorgan", "Industrials") > share("halo", "Industrials"));
    assert!(share("morgan_stanley", "Utilities") >= share("halo", "Utilities"));
}

#[test]
fn the_backtests_lean_scoring_equals_the_full_one() {
    let panel = synthetic(500);
    let base = Settings::default();
    let prep = prepare(&panel, &base.scoring).unwrap();
    let mut variants = vec![base.clone()];
    let mut s = base.clone();
    s.weights.heavy_assets = 3.0;
    s.weights.low_obsolescence = 0.0;
    variants.push(s.clone());
    s.weights.metrics.insert("ppe_intensity".into(), -0.5);
    s.scoring.min_coverage = 0.9;
    s.basket.sector_tilts.insert("Utilities".into(), 0.4);
    variants.push(s.clone());
    s.basket.weighting = Weighting::ScoreTilted;
    s.basket.selection = Selection::TopN(40);
    s.basket.name_cap = 0.03;
    s.basket.sector_cap = Some(0.3);
    s.basket.exclude_sectors = vec!["Energy".into()];
    variants.push(s);
    for s in &variants {
        let full = score(&prep, s);
        // Pillar scores computed under other weights and brought up to these: other
        // pillar weights (nothing to redo), another metric weight (its pillar is redone),
        // a pillar without weight (other metrics are weighted: all is redone).
        let mut others = vec![s.clone(), s.clone(), s.clone()];
        for p in Pillar::ALL {
            *others[0].weights.pillar_mut(p) *= 2.5;
        }
        others[1]
            .weights
            .metrics
            .insert("ppe_intensity".into(), 2.0);
        others[2].weights.low_obsolescence = 0.0;
        for other in &others {
            let mut pillars = PillarScores::new(&prep.base, other);
            pillars.refresh(&prep.base, s);
            let lean = score_halo_and_basket(&prep.base, &pillars, s);
            assert_same(&lean.halo, &full.halo);
            // The ranking: best first by the full scoring's ranks.
            let mut want: Vec<usize> = (0..full.rank.len()).filter(|&i| full.rank[i] > 0).collect();
            want.sort_by_key(|&i| full.rank[i]);
            assert_eq!(lean.ranked, want);
            let want: Vec<(usize, f64)> = full
                .basket
                .members
                .iter()
                .map(|&m| (m, full.basket.weights[m]))
                .collect();
            assert_eq!(lean.basket, want);
            assert_eq!(lean.included, full.included.iter().filter(|x| **x).count());
        }
    }
}
