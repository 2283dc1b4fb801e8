//! The command line, run as a user runs it.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_halo-workbench"))
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
