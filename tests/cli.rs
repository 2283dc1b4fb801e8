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
