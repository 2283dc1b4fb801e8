//! The command line, run as a user runs it.

use std::process::Command;

/// The command in English whatever the machine's locale (one test sets Chinese itself).
fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_halo-workbench"));
    c.env("LC_ALL", "C").env("LANG", "C");
    c
}

fn sample(f: &str) -> String {
    format!("{}/sample_data/{f}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn inspect_prints_the_load_report() {
    let out = bin()
        .args(["inspect", &sample("fundamentals.csv")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("rows read 1777, kept 1777, excluded 0"),
        "{text}"
    );
    assert!(
        text.contains("dates 2012-03-03 .. 2017-01-01, 447 tickers"),
        "{text}"
    );
    assert!(
        text.contains("negative value for depreciation in 6 cell(s)"),
        "{text}"
    );
}

#[test]
fn inspect_json_is_machine_readable() {
    let out = bin()
        .args([
            "inspect",
            "--json",
            &sample("prices.parquet"),
            &sample("factors.csv"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["ok"], true);
    assert_eq!(v[0]["report"]["rows_kept"], 51371);
    assert_eq!(v[0]["report"]["kind"], "prices");
    assert_eq!(v[1]["report"]["kind"], "factors");
    assert_eq!(v[1]["report"]["rows_kept"], 319);
}

#[test]
fn inspect_fails_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "a:b\n1:2\n").unwrap();
    let out = bin()
        .args(["inspect", bad.to_str().unwrap(), &sample("factors.csv")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a fatal error exits non-zero");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.csv") && err.contains("delimiter"),
        "{err}"
    );
    // The good file after it is still reported.
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("factors.csv")
    );
    let out = bin()
        .args(["inspect", "--json", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["ok"], false);
    assert!(v[0]["error"].as_str().unwrap().contains("only one column"));
}

/// Rows of a CSV as strings, header first (quote-aware: names hold commas).
fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    use polars::prelude::{CsvReadOptions, SerReader};
    let df = CsvReadOptions::default()
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.into()))
        .unwrap()
        .finish()
        .unwrap();
    let mut rows = vec![
        df.get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    ];
    for i in 0..df.height() {
        rows.push(
            df.columns()
                .iter()
                .map(|c| c.str().unwrap().get(i).unwrap_or("").to_string())
                .collect(),
        );
    }
    rows
}

#[test]
fn score_writes_the_documented_columns_for_every_security() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.csv");
    let r = bin()
        .args(["score", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows = read_csv(&out);
    assert_eq!(
        rows[0],
        [
            "ticker",
            "name",
            "sector",
            "halo_score",
            "score_percentile",
            "rank",
            "pillar_heavy_assets",
            "pillar_low_obsolescence",
            "pillar_supply_constraint",
            "pillar_cash_flow_stability",
            "in_basket",
            "basket_weight",
            "in_anti_basket",
            "excluded_reason"
        ]
    );
    assert_eq!(rows.len() - 1, 447, "one row per security of the sample");
    // Ranked from 1; the basket is the top quintile (90 of 447), weights summing to 1.
    assert_eq!(rows[1][5], "1");
    let in_basket = rows[1..].iter().filter(|r| r[10] == "true").count();
    assert_eq!(in_basket, 90);
    let total: f64 = rows[1..]
        .iter()
        .map(|r| r[11].parse::<f64>().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9);
    let stderr = String::from_utf8(r.stderr).unwrap();
    assert!(stderr.contains("as of 2017-04-01"), "{stderr}");
}

#[test]
fn score_config_and_as_of_change_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("jpm.toml");
    // A settings file as the project's [settings] section holds it.
    std::fs::write(&cfg, "[settings.weights]\nheavy_assets = 3.0\nlow_obsolescence = 0.0\nsupply_constraint = 0.0\ncash_flow_stability = 0.0\n[settings.basket]\nselection = { rule = \"top_n\", value = 10 }\n").unwrap();
    let out = dir.path().join("a.csv");
    let r = bin()
        .args([
            "score",
            "--config",
            cfg.to_str().unwrap(),
            "--as-of",
            "2016-06-30",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows = read_csv(&out);
    assert_eq!(rows[1..].iter().filter(|r| r[10] == "true").count(), 10);
    // Heavy assets alone: the HALO score is the heavy-assets pillar, re-standardised, so the
    // ranking follows that pillar exactly.
    let top: Vec<f64> = rows[1..11].iter().map(|r| r[6].parse().unwrap()).collect();
    assert!(top.windows(2).all(|w| w[0] >= w[1]), "{top:?}");
    assert!(
        String::from_utf8(r.stderr)
            .unwrap()
            .contains("as of 2016-06-30")
    );
    // A bad config is a clear error.
    std::fs::write(&cfg, "[weights]\nheavy_assets = \"lots\"\n").unwrap();
    let r = bin()
        .args(["score", "--config", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(
        String::from_utf8(r.stderr)
            .unwrap()
            .contains("not valid HALO settings")
    );
}

#[test]
fn sectors_writes_group_return_weighting() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sectors.csv");
    let r = bin()
        .args([
            "sectors",
            "--from",
            "2014-06-30",
            "--to",
            "2016-01-31",
            "--weighting",
            "equal",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows = read_csv(&out);
    assert_eq!(
        rows[0],
        [
            "group",
            "return",
            "weighting",
            "members",
            "priced_from",
            "priced_to"
        ]
    );
    // Month-end prices: the window's own dates.
    assert_eq!(rows[1][4..], ["2014-06-30", "2016-01-31"]);
    let energy = rows.iter().find(|r| r[0] == "Energy").unwrap();
    let bench = rows.iter().find(|r| r[0] == "Benchmark").unwrap();
    // The 2014-16 oil collapse: Energy far below the market.
    assert!(
        energy[1].parse::<f64>().unwrap() < bench[1].parse::<f64>().unwrap() - 0.2,
        "{energy:?} {bench:?}"
    );
    assert_eq!(energy[2], "equal");
    assert!(
        rows.iter()
            .any(|r| r[0] == "HALO basket" && r[2] == "basket")
    );
    let r = bin()
        .args(["sectors", "--from", "2016-01-31", "--to", "2014-06-30"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(
        String::from_utf8(r.stderr)
            .unwrap()
            .contains("before it starts")
    );
}

#[test]
fn exposures_json_has_both_kinds() {
    let r = bin().args(["exposures"]).output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let ex = v["characteristic"]["exposures"].as_array().unwrap();
    let heavy = ex
        .iter()
        .find(|e| e["name"] == "pillar_heavy_assets")
        .unwrap();
    assert!(heavy["active"].as_f64().unwrap() > 0.5 && heavy["significant"] == true);
    let reg = &v["regression"]["result"];
    assert_eq!(reg["names"][1], "market");
    assert_eq!(reg["nobs"], 60);
    assert!(reg["t_nw"].as_array().unwrap().len() == 5);
}

#[test]
fn scenario_csv_has_a_column_per_sector_and_validates_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.csv");
    let r = bin()
        .args(["scenario", "--all", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows = read_csv(&out);
    assert_eq!(&rows[0][..3], ["scenario", "portfolio", "return"]);
    assert!(rows[0].contains(&"Utilities".to_string()) && rows[0].contains(&"Energy".to_string()));
    assert_eq!(rows.len() - 1, 11 * 5, "11 scenarios x 5 portfolios");
    // Sector contributions add up to the return.
    for row in &rows[1..] {
        let total: f64 = row[3..].iter().map(|v| v.parse::<f64>().unwrap()).sum();
        assert!((total - row[2].parse::<f64>().unwrap()).abs() < 1e-9);
    }
    let r = bin()
        .args(["scenario", "--name", "Higher for longer"])
        .output()
        .unwrap();
    assert!(r.status.success());
    let r = bin()
        .args(["scenario", "--name", "No such thing"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(
        String::from_utf8(r.stderr)
            .unwrap()
            .contains("no scenario named")
    );
}

#[test]
fn backtest_writes_the_four_files() {
    let dir = tempfile::tempdir().unwrap();
    let r = bin()
        .args(["backtest", "--out", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let panel = read_csv(&dir.path().join("panel.csv"));
    assert_eq!(
        panel[0],
        [
            "date",
            "ticker",
            "sector",
            "score",
            "quantile",
            "fwd_return"
        ]
    );
    let q = read_csv(&dir.path().join("quantile_returns.csv"));
    assert_eq!(q[0], ["quantile", "mean_return", "std_error", "count"]);
    assert_eq!(q.len(), 6);
    let ic = read_csv(&dir.path().join("ic.csv"));
    assert_eq!(ic[0], ["date", "ic"]);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    for k in [
        "ic_mean",
        "ic_std",
        "ic_ir",
        "ic_t",
        "spread_mean",
        "spread_se",
    ] {
        assert!(s[k].is_number(), "{k}");
    }
    // ic_t = ic_ir x sqrt(T) and spread = Q5 - Q1, recomputed from the files.
    let t = ic[1..].iter().filter(|r| !r[1].is_empty()).count() as f64;
    assert!((s["ic_t"].as_f64().unwrap() - s["ic_ir"].as_f64().unwrap() * t.sqrt()).abs() < 1e-9);
    let (q5, q1): (f64, f64) = (q[5][1].parse().unwrap(), q[1][1].parse().unwrap());
    assert!((s["spread_mean"].as_f64().unwrap() - (q5 - q1)).abs() < 1e-12);
    for series in ["Q1", "Q5", "Q5-Q1", "Benchmark", "HALO basket"] {
        let st = &s["series"][series];
        for k in [
            "cumulative_return",
            "cagr",
            "volatility",
            "sharpe",
            "sortino",
            "max_drawdown",
            "calmar",
            "hit_rate",
            "best",
            "worst",
        ] {
            assert!(st[k].is_number(), "{series} {k}");
        }
    }
}

#[test]
fn backtest_writes_each_horizon_and_says_why_one_cannot_be_measured() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &std::path::Path, config: Option<&std::path::Path>| {
        let mut c = bin();
        c.args(["backtest", "--out"]).arg(out);
        if let Some(cfg) = config {
            c.arg("--config").arg(cfg);
        }
        let r = c.output().unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        String::from_utf8(r.stderr).unwrap()
    };
    let out = dir.path().join("default");
    let stderr = run(&out, None);
    assert!(
        stderr.contains("signal decay by forward horizon"),
        "{stderr}"
    );
    let h = read_csv(&out.join("horizons.csv"));
    assert_eq!(
        h[0],
        [
            "horizon_months",
            "dates",
            "past_prices",
            "unmeasured",
            "names_per_date",
            "overlapping",
            "ic_mean",
            "ic_std",
            "ic_t",
            "spread_per_month",
            "spread_se",
            "not_computed"
        ]
    );
    let months: Vec<&str> = h[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(months, ["1", "3", "6", "12"]);
    assert_eq!(h[1][5], "false");
    assert!(h[2..].iter().all(|r| r[5] == "true" && r[11].is_empty()));
    // Fewer names a date have a return over a longer horizon.
    let names: Vec<f64> = h[1..].iter().map(|r| r[4].parse().unwrap()).collect();
    assert!(
        names.windows(2).all(|w| w[0] >= w[1]) && names[3] < names[0],
        "{names:?}"
    );
    // The one-month horizon of the monthly backtest is its IC and spread; its rates per
    // month are its quantiles' mean returns.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let num = |x: &str| x.parse::<f64>().unwrap();
    assert!((num(&h[1][6]) - s["ic_mean"].as_f64().unwrap()).abs() < 1e-12);
    assert!((num(&h[1][9]) - s["spread_mean"].as_f64().unwrap()).abs() < 1e-12);
    let q = read_csv(&out.join("quantile_returns.csv"));
    let hq = read_csv(&out.join("horizon_quantile_returns.csv"));
    assert_eq!(
        hq[0],
        [
            "horizon_months",
            "quantile",
            "mean_return_per_month",
            "std_error",
            "count"
        ]
    );
    assert_eq!(hq.len(), 1 + 4 * 5);
    for k in 1..=5 {
        assert_eq!(hq[k][0], "1");
        assert!((num(&hq[k][2]) - num(&q[k][1])).abs() < 1e-12);
    }
    // Ten years from each date runs past the sample's prices: the row says so.
    let cfg = dir.path().join("long.toml");
    std::fs::write(&cfg, "[analytics]\nhorizons = [1, 120]\n").unwrap();
    let out = dir.path().join("long");
    let stderr = run(&out, Some(&cfg));
    assert!(stderr.contains("no 120-month forward return"), "{stderr}");
    let h = read_csv(&out.join("horizons.csv"));
    assert_eq!(h.len(), 3);
    assert_eq!(h[2][0], "120");
    assert!(h[2][6].is_empty());
    assert!(h[2][11].contains("runs past the prices"), "{:?}", h[2]);
    assert_eq!(h[2][2], s["rebalances"].to_string());
    // Absurd horizons are refused, naming the key.
    std::fs::write(&cfg, "[analytics]\nhorizons = [0]\n").unwrap();
    let r = bin()
        .args(["backtest", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("analytics.horizons"));
}

#[test]
fn sensitivity_writes_a_row_per_setting_and_the_basket_stability() {
    let dir = tempfile::tempdir().unwrap();
    let r = bin()
        .args(["sensitivity", "--steps", "5", "--max", "2", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows = read_csv(&dir.path().join("sensitivity.csv"));
    assert_eq!(
        rows[0],
        [
            "pillar",
            "metric",
            "weight",
            "current",
            "names_kept",
            "weight_kept",
            "halo_minus_benchmark",
            "ic_mean",
            "ic_t",
            "spread",
            "rebalances",
            "note"
        ]
    );
    // 0, 0.5, 1, 1.5, 2 for each pillar; 1 is the default weight, marked.
    assert_eq!(rows.len(), 1 + 4 * 5);
    let current: Vec<_> = rows[1..].iter().filter(|r| r[3] == "true").collect();
    assert_eq!(current.len(), 4);
    for r in current {
        assert_eq!((r[2].as_str(), r[4].as_str()), ("1.0", "1.0"));
    }
    let weights: Vec<&str> = rows[1..6].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(weights, ["0.0", "0.5", "1.0", "1.5", "2.0"]);
    // The pillars' own rows name no metric; --metrics adds a line of rows per metric.
    assert!(rows[1..].iter().all(|r| r[1].is_empty()));
    let r = bin()
        .args([
            "sensitivity",
            "--steps",
            "5",
            "--max",
            "2",
            "--metrics",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows = read_csv(&dir.path().join("sensitivity.csv"));
    let ppe: Vec<&str> = rows[1..]
        .iter()
        .filter(|r| r[1] == "ppe_intensity")
        .map(|r| r[2].as_str())
        .collect();
    assert_eq!(ppe, ["0.0", "0.5", "1.0", "1.5", "2.0"]);
    assert!(
        rows[1..]
            .iter()
            .filter(|r| r[1] == "ppe_intensity")
            .all(|r| r[0] == "heavy_assets")
    );
    let stability = read_csv(&dir.path().join("stability.csv"));
    assert_eq!(stability[0], ["ticker", "share_of_settings"]);
    assert!(stability.len() > 10);
    // An absurd sweep is refused, naming what it asked.
    let r = bin()
        .args(["sensitivity", "--steps", "1000"])
        .output()
        .unwrap();
    assert!(!r.status.success());
    let e = String::from_utf8(r.stderr).unwrap();
    assert!(e.contains("1000 steps"), "{e}");
}

#[test]
fn a_scale_given_for_a_vector_figure_is_said_to_be_unused() {
    let dir = tempfile::tempdir().unwrap();
    let r = bin()
        .args(["export", "--chart", "exposures", "--scale", "3", "--out"])
        .arg(dir.path().join("e.svg"))
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let e = String::from_utf8(r.stderr).unwrap();
    assert!(e.contains("--scale is a PNG's"), "{e}");
    assert!(e.contains("1100 x 700 pt, vector"), "{e}");
}

#[test]
fn an_export_into_a_missing_folder_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no such folder").join("sectors.png");
    let r = bin()
        .args(["export", "--chart", "sectors", "--scale", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!r.status.success());
    let e = String::from_utf8(r.stderr).unwrap();
    assert!(e.contains("no such folder does not exist"), "{e}");
}
