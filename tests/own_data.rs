//! A user's own files become the dataset: nothing of the sample stays attached, every
//! analysis runs on what the files have and says what it could not do, in the window and
//! on the command line alike. The files are made here (`common::user_files`): eight
//! A-share codes with Chinese headers, no market caps, no macro factors.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use clap::Parser;
use common::{USER_TICKERS, settle, user_files, user_months, user_return};
use egui_kittest::Harness;
use halo_workbench::app::{Command, PersistedState, Start, WorkbenchApp};
use halo_workbench::engine::notes::{CapGroup, Note, SeriesId, Weighted};
use halo_workbench::engine::scenarios::ScenarioKind;
use halo_workbench::i18n::Localize;

fn bin() -> Process {
    let mut c = Process::new(env!("CARGO_BIN_EXE_halo-workbench"));
    c.env("LC_ALL", "C").env("LANG", "C");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `sectors --data F P --from A --to B` and any further arguments.
fn sectors(f: &Path, p: &Path, from: &str, to: &str, more: &[&str]) -> Output {
    let mut args = vec!["sectors", "--data", s(f), s(p), "--from", from, "--to", to];
    args.extend_from_slice(more);
    run(&args)
}

/// The cells of the row of `group` in a sectors CSV.
fn group_row<'a>(text: &'a str, group: &str) -> Vec<&'a str> {
    text.lines()
        .find(|l| l.starts_with(&format!("{group},")))
        .unwrap_or_else(|| panic!("{group}: {text}"))
        .split(',')
        .collect()
}

/// An ETF's return from the close of 2025-12-31 to that of 2026-03-20.
fn etf_return(t: &str) -> f64 {
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    etf_close(t, day("2026-03-20")) / etf_close(t, day("2025-12-31")) - 1.0
}

/// `sectors` of `data` from the close of 2025-12-31 to that of 2026-03-20, equal-weighted,
/// written to `out`.
fn etf_window(data: &[&str], out: &Path) -> Output {
    let mut args = vec!["sectors", "--data"];
    args.extend_from_slice(data);
    let rest = [
        "--from",
        "2025-12-31",
        "--to",
        "2026-03-20",
        "--weighting",
        "equal",
    ];
    args.extend_from_slice(&rest);
    args.extend_from_slice(&["--out", s(out)]);
    run(&args)
}

/// `part` is in `text`, or the test fails showing the text.
fn has(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} not in:\n{text}");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Equal-weighted buy and hold of securities `members` from month end `from` to month end
/// `to` of the user's prices, worked out from the returns the files were made with.
fn equal_weighted(members: &[usize], from: &str, to: &str) -> f64 {
    let months: Vec<String> = user_months().iter().map(|d| d.to_string()).collect();
    let (a, b) = (
        months.iter().position(|m| m == from).unwrap(),
        months.iter().position(|m| m == to).unwrap(),
    );
    let growth: f64 = members
        .iter()
        .map(|&i| {
            (a + 1..=b)
                .map(|m| 1.0 + user_return(i, m))
                .product::<f64>()
        })
        .sum();
    growth / members.len() as f64 - 1.0
}

#[test]
fn opening_files_starts_a_new_dataset_without_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let mut h = common::open([1400.0, 900.0], PersistedState::default());
    assert!(
        h.state().dataset.factors.is_some(),
        "the sample has factors"
    );
    h.state_mut()
        .push(Command::OpenData(vec![f.clone(), p.clone()]));
    settle(&mut h);
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    let ds = &app.dataset;
    assert_eq!(ds.name, "csi_fundamentals.csv + csi_prices.csv");
    assert!(ds.factors.is_none(), "the sample's factors stayed attached");
    let paths: Vec<_> = ds.sources.iter().map(|s| s.path.clone()).collect();
    assert_eq!(paths, vec![f, p]);
    assert_eq!(app.state.session_name, ds.name);

    let r = app.results.as_ref().unwrap();
    assert_eq!(r.scores().included.iter().filter(|x| **x).count(), 8);
    // The regression runs on the factor the user's prices give, and names the others.
    let reg = r.exposures.regression.as_ref().expect("a regression");
    assert_eq!(reg.result.names, ["const", "market"]);
    assert!(
        r.exposures.notes.contains(&Note::FactorsMissing {
            missing: vec!["wti".into(), "gold".into(), "us10y".into()],
            used: vec!["market".into()],
        }),
        "{:?}",
        r.exposures.notes
    );
    // No caps: the benchmark is equal-weighted and says so.
    assert!(r.exposures.notes.contains(&Note::NoMarketCaps {
        group: CapGroup::Benchmark
    }));
    // Every factor scenario shocking a factor the data lacks says which, never 0.
    let mut unavailable = 0;
    for (sc, o) in r.scenarios.iter().zip(&r.outcomes) {
        if let ScenarioKind::Factor { shocks } = &sc.kind {
            let e = o.as_ref().map(|_| ()).unwrap_err().to_string();
            let lacking = shocks.keys().find(|k| *k != "market").unwrap();
            assert!(
                e.contains(&format!(
                    "not available: the data has no factor {lacking:?}"
                )),
                "{e}"
            );
            unavailable += 1;
        }
    }
    assert_eq!(unavailable, 6);
    // Every missing factor of a scenario is named.
    let e = r.outcomes[0].as_ref().map(|_| ()).unwrap_err().to_string();
    has(&e, "no factor \"gold\", \"wti\" (it has market)");
    let zh = r.outcomes[0]
        .as_ref()
        .map(|_| ())
        .unwrap_err()
        .localize(halo_workbench::i18n::Lang::Zh);
    assert_eq!(
        zh,
        "中东局势升级（开盘）：无法计算：数据中没有因子 \"gold\"、\"wti\"（已有：市场）"
    );
    // Eight securities cannot fill five quantiles of five: the backtest says so.
    let bt = r
        .backtest
        .as_deref()
        .unwrap()
        .as_ref()
        .map(|_| ())
        .unwrap_err();
    let bt = bt.to_string();
    has(
        &bt,
        "a rebalance date needs 25 scored securities (5 per quantile), and the most any of the",
    );
    has(
        &bt,
        "dates has is 8; use fewer quantiles or more securities",
    );
    // The pandemic replay lies in the user's prices: it runs.
    let replay = r
        .scenarios
        .iter()
        .position(|s| s.name.starts_with("2020 pandemic"))
        .unwrap();
    assert!(r.outcomes[replay].is_ok());
    // Sector performance without caps: equal weights, with the note, and the source line
    // of every figure names the user's files.
    let perf = r.sectors.as_ref().unwrap();
    assert!(perf.notes.contains(&Note::NoMarketCaps {
        group: CapGroup::Sectors
    }));
    let bench = perf
        .groups
        .iter()
        .find(|g| g.id == SeriesId::Benchmark)
        .unwrap();
    assert_eq!(bench.weighting, Weighted::Equal);
    assert_eq!(bench.members, 8);
    let sub = halo_workbench::app::figure::subtitle(r, &ds.name);
    assert!(
        sub.starts_with("csi_fundamentals.csv + csi_prices.csv, as of 2024-04-30"),
        "{sub}"
    );
}

#[test]
fn add_to_dataset_keeps_the_tables_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let mut h = common::open([1400.0, 900.0], PersistedState::default());
    h.state_mut().push(Command::OpenData(vec![f, p]));
    settle(&mut h);
    let factors = halo_workbench::data::sample_dir().join("factors.csv");
    h.state_mut().push(Command::AddData(vec![factors]));
    settle(&mut h);
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    assert_eq!(
        app.dataset.name,
        "csi_fundamentals.csv + csi_prices.csv + factors.csv"
    );
    assert_eq!(app.dataset.sources.len(), 3);
    let r = app.results.as_ref().unwrap();
    let reg = r.exposures.regression.as_ref().unwrap();
    assert_eq!(
        reg.result.names,
        ["const", "market", "wti", "gold", "us10y"]
    );
    assert!(
        !r.exposures
            .notes
            .iter()
            .any(|n| matches!(n, Note::FactorsMissing { .. }))
    );
}

#[test]
fn adding_a_file_that_fails_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let mut h = common::open([1400.0, 900.0], PersistedState::default());
    h.state_mut().push(Command::OpenData(vec![f, p]));
    settle(&mut h);
    let (name, recent) = (
        h.state().dataset.name.clone(),
        h.state().state.recent_files.clone(),
    );
    let gone = dir.path().join("gone.csv");
    h.state_mut().push(Command::AddData(vec![gone]));
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.dataset.name, name);
    assert_eq!(app.dataset.sources.len(), 2);
    assert_eq!(app.state.recent_files, recent);
    assert!(app.results.is_some());
    assert!(
        app.errors
            .iter()
            .any(|e| e.to_string().contains("gone.csv"))
    );
}

#[test]
fn a_new_dataset_with_a_file_that_fails_keeps_the_one_before() {
    let dir = tempfile::tempdir().unwrap();
    let (f, _) = user_files(dir.path());
    let gone = dir.path().join("moved_away.csv");
    let mut h = common::open([1400.0, 900.0], PersistedState::default());
    let before = h.state().dataset.name.clone();
    h.state_mut().push(Command::OpenData(vec![f, gone.clone()]));
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.dataset.name, before);
    assert!(app.dataset.factors.is_some());
    let errors: Vec<String> = app.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        errors.iter().any(|e| e.contains("moved_away.csv")),
        "{errors:?}"
    );
}

#[test]
fn the_window_opens_on_the_files_given_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    // `halo-workbench FILE...` parses as files for the window, a subcommand still as one.
    let cli = halo_workbench::cli::Cli::try_parse_from(["halo-workbench", s(&f), s(&p)]).unwrap();
    assert!(cli.command.is_none());
    assert_eq!(cli.files, [f.clone(), p.clone()]);
    let cli = halo_workbench::cli::Cli::try_parse_from(["halo-workbench", "score"]).unwrap();
    assert!(cli.command.is_some() && cli.files.is_empty());
    // A global flag before the subcommand does not turn the subcommand into a file.
    let cli = halo_workbench::cli::Cli::try_parse_from(["halo-workbench", "--lang", "zh", "score"])
        .unwrap();
    assert!(cli.command.is_some() && cli.files.is_empty(), "{cli:?}");
    assert_eq!(cli.lang.as_deref(), Some("zh"));
    // After a file, a word that names a command is another file (never a command run on
    // the sample with the file dropped).
    let cli = halo_workbench::cli::Cli::try_parse_from(["halo-workbench", s(&f), "score"]).unwrap();
    assert!(cli.command.is_none(), "{cli:?}");
    assert_eq!(cli.files.len(), 2);
    let start = Start::from_args(vec![f.clone(), p.clone()]);
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| {
            WorkbenchApp::starting(&cc.egui_ctx, PersistedState::default(), start.clone())
        });
    settle(&mut h);
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    assert_eq!(app.dataset.name, "csi_fundamentals.csv + csi_prices.csv");
    assert!(app.results.is_some());
    // One .toml is a project.
    assert!(matches!(
        Start::from_args(vec!["study.halo.toml".into()]),
        Start::Project(_)
    ));
}

#[test]
fn sectors_without_caps_are_equal_weighted_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let out = dir.path().join("sectors.csv");
    let o = sectors(&f, &p, "2024-04-30", "2024-12-31", &["--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    has(
        &err,
        "csi_fundamentals.csv + csi_prices.csv: 2024-04-30 to 2024-12-31",
    );
    has(
        &err,
        "note: no security has a market cap at the window's start: sectors and benchmark are equal-weighted",
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let value = |group: &str| -> (f64, String) {
        let cells = group_row(&text, group);
        (cells[1].parse().unwrap(), cells[2].to_string())
    };
    for (group, members) in [
        ("石油石化", vec![0, 1, 2, 3]),
        ("计算机", vec![4, 5, 6, 7]),
        ("Benchmark", (0..8).collect()),
    ] {
        let (got, weighting) = value(group);
        let want = equal_weighted(&members, "2024-04-30", "2024-12-31");
        assert!((got - want).abs() < 1e-12, "{group}: {got} vs {want}");
        assert_eq!(weighting, "equal");
    }
    assert_eq!(USER_TICKERS.len(), 8);
}

#[test]
fn an_empty_window_names_its_reason_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let refused = |from: &str, to: &str, says: &str| {
        let o = sectors(&f, &p, from, to, &[]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    };
    // Reports are known from 2024-03-30 (FY2023 plus the 90-day lag).
    refused(
        "2023-01-31",
        "2023-12-31",
        "no security has both a report known at 2023-01-31 and a return between 2023-01-31 and 2023-12-31",
    );
    refused(
        "2025-07-31",
        "2025-12-31",
        "the prices cover 2019-12-31 to 2025-06-30",
    );
}

#[test]
fn exposures_regress_on_the_market_and_name_the_factors_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let out = dir.path().join("exp.json");
    let o = run(&["exposures", "--data", s(&f), s(&p), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    has(
        &stderr(&o),
        "note: not in the data: wti, gold, us10y; the regression uses market",
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        v["regression"]["result"]["names"],
        serde_json::json!(["const", "market"])
    );
    assert!(v["regression_error"].is_null());
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("benchmark is equal-weighted")),
        "{notes:?}"
    );
}

#[test]
fn a_score_on_one_metric_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("two_columns.csv");
    let mut text = String::from("ticker,date,sector,total_assets,ppe_net\n");
    for i in 0..6 {
        text.push_str(&format!(
            "T{i},2023-12-31,S{},{},{}\n",
            i % 2,
            100 + i,
            10 + 13 * i
        ));
    }
    std::fs::write(&f, text).unwrap();
    let o = run(&["score", "--data", s(&f)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    has(
        &err,
        "note: the score rests on 1 metric(s) only (ppe_intensity)",
    );
    has(
        &err,
        "note: every metric with values is in the Heavy assets pillar: the score is that pillar alone",
    );
    // Weighted on purpose: the other metrics at 0, nothing to say.
    let cfg = dir.path().join("one.toml");
    let mut zero = String::from("[weights.metrics]\n");
    for m in halo_workbench::engine::metrics::METRICS {
        if m.id != "ppe_intensity" {
            zero.push_str(&format!("{} = 0.0\n", m.id));
        }
    }
    std::fs::write(&cfg, zero).unwrap();
    let o = run(&["score", "--data", s(&f), "--config", s(&cfg)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("rests on"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("pillar alone"), "{}", stderr(&o));
}

#[test]
fn a_score_with_nothing_scored_exits_1_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (f, _) = user_files(dir.path());
    let o = run(&["score", "--data", s(&f), "--as-of", "2020-01-01"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    has(
        &err,
        // A-shares without disclosure dates: known at the statutory deadline (FY2023 by
        // 2024-04-30).
        "note: no report known by 2020-01-01 (A-share reports without a disclosure date are dated by their statutory deadline); the first is known on 2024-04-30",
    );
    has(&err, "none of the 8 securities could be scored");
}

/// Daily closes of three sector ETFs, 2025-11-03 to 2026-03-20 (business days), each
/// moving by its own known daily factor; and a file giving their sectors.
fn etf_files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use chrono::{Datelike, NaiveDate, Weekday};
    let f = dir.join("etf_sectors.csv");
    std::fs::write(
        &f,
        "ticker,date,sector,total_assets\nXLE,2024-12-31,Energy,1\nXLB,2024-12-31,Materials,1\nXLU,2024-12-31,Utilities,1\n",
    )
    .unwrap();
    let p = dir.join("etf_daily.csv");
    let mut text = String::from("Date,Ticker,Close\n");
    let mut d = NaiveDate::from_ymd_opt(2025, 11, 3).unwrap();
    while d <= NaiveDate::from_ymd_opt(2026, 3, 20).unwrap() {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            for (t, _) in ETFS {
                text.push_str(&format!("{d},{t},{}\n", etf_close(t, d)));
            }
        }
        d = d.succ_opt().unwrap();
    }
    std::fs::write(&p, text).unwrap();
    (f, p)
}

const ETFS: [(&str, &str); 3] = [
    ("XLE", "Energy"),
    ("XLB", "Materials"),
    ("XLU", "Utilities"),
];

/// An ETF's close on day `d`: a drift and a wave, different for each.
fn etf_close(t: &str, d: chrono::NaiveDate) -> f64 {
    let k = ETFS.iter().position(|e| e.0 == t).unwrap() as f64;
    let x = (d - chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()).num_days() as f64;
    50.0 + k * 10.0 + 0.05 * (k + 1.0) * x + 3.0 * (x / (7.0 + k)).sin()
}

#[test]
fn a_daily_window_ends_on_its_exact_date() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = etf_files(dir.path());
    // To a Friday, and to the Sunday after it: both on the Friday's closes.
    for to in ["2026-03-20", "2026-03-22"] {
        let out = dir.path().join(format!("sectors_{to}.csv"));
        let o = sectors(
            &f,
            &p,
            "2025-12-31",
            to,
            &["--weighting", "equal", "--out", s(&out)],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        has(
            &stderr(&o),
            &format!(
                "etf_sectors.csv + etf_daily.csv: 2025-12-31 to {to}, on the prices of 2025-12-31 and 2026-03-20"
            ),
        );
        let text = std::fs::read_to_string(&out).unwrap();
        for (t, sector) in ETFS {
            let want = etf_return(t);
            let cells = group_row(&text, sector);
            let got: f64 = cells[1].parse().unwrap();
            assert!((got - want).abs() < 1e-12, "{sector}: {got} vs {want}");
            assert_eq!(&cells[4..], ["2025-12-31", "2026-03-20"]);
        }
    }
}

#[test]
fn a_folder_of_yahoo_downloads_is_one_prices_table() {
    let dir = tempfile::tempdir().unwrap();
    let (f, daily) = etf_files(dir.path());
    // One file per ETF as Yahoo writes it, the adjusted close beside the raw one.
    let folder = dir.path().join("yahoo");
    std::fs::create_dir(&folder).unwrap();
    let text = std::fs::read_to_string(&daily).unwrap();
    for (t, _) in ETFS {
        let mut out = String::from("Date,Open,High,Low,Close,Adj Close,Volume\n");
        for line in text
            .lines()
            .skip(1)
            .filter(|l| l.contains(&format!(",{t},")))
        {
            let c: Vec<&str> = line.split(',').collect();
            let adj: f64 = c[2].parse().unwrap();
            // Not proportional: a ratio of raw closes differs from the adjusted one.
            let raw = adj + 5.0;
            out.push_str(&format!("{},{raw},{raw},{raw},{raw},{adj},1000\n", c[0]));
        }
        std::fs::write(folder.join(format!("{t}.csv")), out).unwrap();
    }
    // What folders hold besides data: notes, macOS's shadow files, Excel's lock files.
    std::fs::write(folder.join("notes.md"), "not data").unwrap();
    std::fs::write(folder.join("README.txt"), "downloaded from Yahoo").unwrap();
    std::fs::write(folder.join("._XLE.csv"), [0u8, 5, 22, 7]).unwrap();
    std::fs::write(folder.join("~$prices.xlsx"), "lock").unwrap();
    let o = run(&["inspect", s(&folder.join("XLE.csv"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    has(&report, "XLE.csv — prices");
    has(
        &report,
        "no ticker column: every row is \"XLE\", the file's name",
    );
    has(&report, "Adj Close");
    let out = dir.path().join("sectors.csv");
    let o = etf_window(&[s(&f), s(&folder)], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    has(
        &stderr(&o),
        "note: XLB.csv + XLE.csv + XLU.csv: prices, 300 rows kept of 300",
    );
    let text = std::fs::read_to_string(&out).unwrap();
    for (t, sector) in ETFS {
        // On the adjusted closes, not the raw ones.
        let want = etf_return(t);
        let got: f64 = group_row(&text, sector)[1].parse().unwrap();
        assert!((got - want).abs() < 1e-9, "{sector}: {got} vs {want}");
    }
    // The folder alone, without the sectors file: one group per ETF, the strategist's
    // "sector returns year to date" chart; nothing to score, and the score says so.
    let out = dir.path().join("etfs.csv");
    let o = etf_window(&[s(&folder)], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    for (t, _) in ETFS {
        let got: f64 = group_row(&text, t)[1].parse().unwrap();
        assert!((got - etf_return(t)).abs() < 1e-9, "{t}: {got}");
    }
    let bench: f64 = group_row(&text, "Benchmark")[1].parse().unwrap();
    let mean = ETFS.iter().map(|(t, _)| etf_return(t)).sum::<f64>() / 3.0;
    assert!((bench - mean).abs() < 1e-9, "{bench} vs {mean}");
    // No window given: the 12 months to the last price, here as many as there are.
    let o = run(&["sectors", "--data", s(&folder)]);
    assert!(o.status.success(), "{}", stderr(&o));
    has(
        &stderr(&o),
        "yahoo: 2025-11-03 to 2026-03-20, on the prices of 2025-11-03 and 2026-03-20",
    );
    let o = run(&["score", "--data", s(&folder)]);
    assert_eq!(o.status.code(), Some(1));
    has(
        &stderr(&o),
        "prices only, no fundamentals: nothing is scored",
    );
    has(&stderr(&o), "none of the 3 securities could be scored");
    // A folder without data files says so.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = run(&["score", "--data", s(&empty)]);
    assert_eq!(o.status.code(), Some(1));
    has(
        &stderr(&o),
        "the folder holds no CSV, Parquet or .xlsx file",
    );
}

#[test]
fn files_of_one_kind_opened_together_are_one_table() {
    use halo_workbench::data::report::LoadWarning;
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    // The prices split in two files by ticker, the second repeating one row of the first.
    let text = std::fs::read_to_string(&p).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (head, body) = (lines[0], &lines[1..]);
    let first: Vec<&str> = body
        .iter()
        .copied()
        .filter(|l| USER_TICKERS[..4].iter().any(|t| l.starts_with(t)))
        .collect();
    let mut second: Vec<&str> = body
        .iter()
        .copied()
        .filter(|l| USER_TICKERS[4..].iter().any(|t| l.starts_with(t)))
        .collect();
    second.push(first[10]);
    let (p1, p2) = (dir.path().join("p1.csv"), dir.path().join("p2.csv"));
    std::fs::write(&p1, format!("{head}\n{}\n", first.join("\n"))).unwrap();
    std::fs::write(&p2, format!("{head}\n{}\n", second.join("\n"))).unwrap();
    let mut h = common::open([1400.0, 900.0], PersistedState::default());
    h.state_mut()
        .push(Command::OpenData(vec![f.clone(), p1.clone(), p2.clone()]));
    settle(&mut h);
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    let prices = app.dataset.prices.as_ref().unwrap();
    assert_eq!(prices.report.tickers, Some(8));
    assert_eq!(prices.report.rows_read, body.len() + 1);
    assert_eq!(prices.report.rows_kept, body.len());
    assert_eq!(prices.report.file, "p1.csv + p2.csv");
    let w = &prices.report.warnings;
    assert!(
        w.iter()
            .any(|w| matches!(w, LoadWarning::Combined { files } if files.len() == 2))
    );
    assert!(w.iter().any(
        |w| matches!(w, LoadWarning::OverlapAcrossFiles { count: 1, ticker, .. } if ticker == USER_TICKERS[0])
    ));
    assert_eq!(app.dataset.sources.len(), 3);
    let before = first_group_total(app);
    // A new mapping reloads both files: still one table of eight tickers.
    let mapping = prices.mapping.clone();
    h.state_mut().push(Command::Remap(
        halo_workbench::data::TableKind::Prices,
        mapping,
    ));
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.dataset.prices.as_ref().unwrap().report.tickers, Some(8));
    let after = first_group_total(app);
    assert_eq!(before, after);
}

fn first_group_total(app: &WorkbenchApp) -> f64 {
    let r = app.results.as_ref().unwrap();
    r.sectors.as_ref().unwrap().groups[0].total
}

#[test]
fn a_custom_metric_is_named_by_its_header_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let f = wind_ratio_file(dir.path());
    let cfg = dir.path().join("custom.toml");
    std::fs::write(
        &cfg,
        "[[scoring.custom_metrics]]\ncolumn = \"在建工程/总资产\"\npillar = \"heavy_assets\"\ndirection = 1\n\n\
         [[scoring.custom_metrics]]\ncolumn = \"在建工程/总资本\"\npillar = \"heavy_assets\"\ndirection = 1\n",
    )
    .unwrap();
    let out = dir.path().join("scores.csv");
    let o = run(&[
        "score",
        "--data",
        s(&f),
        "--config",
        s(&cfg),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    // The one written right is a metric: the highest ratio ranks first.
    let scores = std::fs::read_to_string(&out).unwrap();
    let first = scores.lines().nth(1).unwrap();
    assert!(first.starts_with("600005.SH,"), "{scores}");
    // The typo is said, with the columns there are.
    has(
        &err,
        "note: custom metric \"在建工程/总资本\": the fundamentals have no such column (they have 在建工程/总资产); left out",
    );
    // It is the only metric with values here, and the notes name it as written.
    has(
        &err,
        "the score rests on 1 metric(s) only (在建工程/总资产)",
    );
}

#[test]
fn a_custom_metric_is_added_in_the_window() {
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().unwrap();
    let f = wind_ratio_file(dir.path());
    let mut h = common::open([1400.0, 1400.0], PersistedState::default());
    h.state_mut().push(Command::OpenData(vec![f]));
    settle(&mut h);
    h.get_by_label("Custom metrics").click();
    settle(&mut h);
    h.get_by_label("Add a custom metric").scroll_to_me();
    h.run();
    h.get_by_label("Add a custom metric").click();
    settle(&mut h);
    let app = h.state();
    let custom = &app.state.settings.scoring.custom_metrics;
    assert_eq!(custom.len(), 1);
    assert_eq!(custom[0].column, "在建工程/总资产");
    let r = app.results.as_ref().unwrap();
    assert!(
        r.prep()
            .cs
            .metrics
            .iter()
            .any(|m| m.id == "在建工程/总资产")
    );
    // The highest ratio ranks first.
    let sc = r.scores();
    let best = (0..sc.rank.len()).find(|&s| sc.rank[s] == 1).unwrap();
    assert_eq!(r.prep().cs.tickers[best], "600005.SH");
}

/// A Wind-style export whose only metric is a ratio column with a '/' in its header:
/// 600000.SH to 600005.SH, the ratio rising with the code.
fn wind_ratio_file(dir: &Path) -> std::path::PathBuf {
    let f = dir.join("wind.csv");
    let mut text = String::from("证券代码,报告期,所属行业,总资产,在建工程/总资产\n");
    for i in 0..6 {
        let ratio = 0.1 * i as f64;
        text.push_str(&format!(
            "60000{i}.SH,2023-12-31,行业{},{},{ratio}\n",
            i % 2,
            100 + i
        ));
    }
    std::fs::write(&f, text).unwrap();
    f
}

#[test]
fn factor_files_split_by_column_join() {
    let dir = tempfile::tempdir().unwrap();
    let (oil, rates) = (dir.path().join("oil.csv"), dir.path().join("rates.csv"));
    std::fs::write(
        &oil,
        "date,wti\n2024-01-31,75\n2024-02-29,78\n2024-03-31,81\n",
    )
    .unwrap();
    std::fs::write(
        &rates,
        "date,us10y\n2024-01-31,4.0\n2024-02-29,4.2\n2024-03-31,4.3\n",
    )
    .unwrap();
    let files: Vec<_> = [oil, rates]
        .into_iter()
        .map(|path| halo_workbench::data::SourceFile {
            path,
            options: Default::default(),
        })
        .collect();
    let (ds, _) = halo_workbench::data::Dataset::load("f", &files).unwrap();
    let t = ds.factors.as_ref().unwrap();
    assert_eq!(t.df.height(), 3);
    for c in ["wti", "us10y"] {
        assert_eq!(t.df.column(c).unwrap().null_count(), 0, "{c}");
    }
    let wti: Vec<f64> =
        t.df.column("wti")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
    assert_eq!(wti, [75.0, 78.0, 81.0]);
}

#[test]
fn returns_and_closes_in_one_file_stay_on_one_scale() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    std::fs::write(&f, "ticker,date,sector,total_assets\nA,2019-06-30,S,1\n").unwrap();
    // A close, then a month given as a return, then a close again.
    let p = dir.path().join("p.csv");
    std::fs::write(
        &p,
        "ticker,date,return,close\nA,2020-01-31,,100\nA,2020-02-29,0.1,\nA,2020-03-31,,121\n",
    )
    .unwrap();
    let out = dir.path().join("s.csv");
    let o = sectors(&f, &p, "2020-01-31", "2020-03-31", &["--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let got: f64 = group_row(&text, "S")[1].parse().unwrap();
    assert!((got - 0.21).abs() < 1e-12, "{got}");
    // Half-way, on the return: +10%.
    let o = sectors(&f, &p, "2020-01-31", "2020-02-29", &["--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let got: f64 = group_row(&text, "S")[1].parse().unwrap();
    assert!((got - 0.1).abs() < 1e-12, "{got}");
}

/// An attributes table for the user's files: AI exposure and a regulated flag per sector
/// (石油石化 only: 计算机 has no row), a row for a sector no security is in, and one
/// security's own value, which its sector's row must not override.
fn sector_attributes(dir: &Path) -> std::path::PathBuf {
    let a = dir.join("ai_by_sector.csv");
    std::fs::write(
        &a,
        "代码,行业,AI暴露度,受监管\n,石油石化,0.2,1\n,半导体,0.7,0\n600938.SH,,0.9,\n",
    )
    .unwrap();
    a
}

#[test]
fn an_attribute_table_joins_by_its_key_and_reports_what_it_did_not_match() {
    use halo_workbench::data::{Dataset, LoadOptions, SourceFile, TableKind};
    use halo_workbench::engine::pipeline::Inputs;
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let a = sector_attributes(dir.path());
    let files: Vec<SourceFile> = [&f, &p, &a]
        .iter()
        .map(|path| SourceFile {
            path: path.to_path_buf(),
            options: LoadOptions::default(),
        })
        .collect();
    let (ds, skipped) = Dataset::load("user", &files).unwrap();
    assert!(skipped.is_empty());
    // Recognised from its columns: keys and numbers, no date.
    assert_eq!(ds.attributes.as_ref().unwrap().kind, TableKind::Attributes);
    let inputs = Inputs::new(&ds).unwrap();
    let panel = &inputs.panel;
    let ai = &panel.fields["ai_exposure"];
    let flag = &panel.fields["regulated"];
    for (s, t) in panel.tickers.iter().enumerate() {
        let i = USER_TICKERS.iter().position(|u| u == t).unwrap();
        let r = panel.spans[s].start;
        let (want_ai, want_flag) = match i {
            // Its own row: 0.9; its flag, missing there, from its sector's row.
            2 => (0.9, 1.0),
            0..4 => (0.2, 1.0),
            _ => (f64::NAN, f64::NAN),
        };
        for (got, want) in [(ai[r], want_ai), (flag[r], want_flag)] {
            assert!(
                got == want || got.is_nan() && want.is_nan(),
                "{t}: {got} vs {want}"
            );
        }
    }
    let j = inputs.attributes.as_ref().unwrap();
    assert_eq!((j.matched, j.securities), (4, 8));
    assert_eq!(j.unmatched, ["计算机"]);
    assert_eq!(j.unused, ["半导体"]);
    assert_eq!(j.columns, ["ai_exposure", "regulated"]);
    // On the command line: what it joined, and in the score's notes who has no row.
    let o = run(&["score", "--data", s(&f), s(&p), s(&a)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    has(
        &err,
        "ai_by_sector.csv: joined by ticker, sector: 4 of 8 securities matched; columns ai_exposure, regulated; 1 of its keys match no security (半导体)",
    );
    has(
        &err,
        "ai_by_sector.csv: 4 of 8 securities have no row (by sector: 计算机); its columns are missing for them",
    );
    // The score uses it: the AI-exposure metric has values now.
    assert!(
        !err.contains("ai_exposure: no security has a value"),
        "{err}"
    );
}

#[test]
fn the_sample_takes_its_ai_exposure_from_its_attributes_table() {
    use halo_workbench::engine::pipeline::Inputs;
    let ds = halo_workbench::data::load_sample().unwrap();
    // Not baked into the fundamentals: joined by sub-industry, as a user's would be.
    let fundamentals = &ds.fundamentals.as_ref().unwrap().df;
    assert!(fundamentals.column("ai_exposure").is_err());
    let inputs = Inputs::new(&ds).unwrap();
    let j = inputs.attributes.as_ref().unwrap();
    assert_eq!((j.matched, j.securities), (447, 447), "{j:?}");
    assert!(j.unmatched.is_empty());
    let text = std::fs::read_to_string(
        halo_workbench::data::sample_dir().join("ai_exposure_by_subindustry.csv"),
    )
    .unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("Utilities,Electric Utilities,"))
        .unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    let (want, flag): (f64, f64) = (cells[4].parse().unwrap(), cells[5].parse().unwrap());
    let panel = &inputs.panel;
    let rows: Vec<usize> = (0..panel.industries.len())
        .filter(|&r| panel.industries[r] == "Electric Utilities")
        .collect();
    assert!(rows.len() > 20);
    for r in rows {
        assert_eq!(panel.fields["ai_exposure"][r], want);
        assert_eq!(panel.fields["regulated"][r], flag);
    }
}

#[test]
fn prices_alone_take_their_groups_from_a_mapping_table() {
    let dir = tempfile::tempdir().unwrap();
    let (_, daily) = etf_files(dir.path());
    let groups = dir.path().join("groups.csv");
    std::fs::write(
        &groups,
        "Ticker,Sector,Name\nXLE,Energy,Energy Select\nXLB,Materials,Materials Select\nXLU,Utilities,Utilities Select\nXLK,Technology,Tech Select\n",
    )
    .unwrap();
    let out = dir.path().join("groups_out.csv");
    let o = etf_window(&[s(&daily), s(&groups)], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    has(
        &stderr(&o),
        "groups.csv: joined by ticker: 3 of 3 securities matched; 6 missing names or groups filled; 1 of its keys match no security (XLK)",
    );
    let text = std::fs::read_to_string(&out).unwrap();
    for (t, sector) in ETFS {
        let got: f64 = group_row(&text, sector)[1].parse().unwrap();
        assert!((got - etf_return(t)).abs() < 1e-9, "{sector}: {got}");
    }
}

#[test]
fn the_dataset_panel_shows_what_an_attributes_table_joined() {
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    let a = sector_attributes(dir.path());
    let start = Start::from_args(vec![f, p, a]);
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| {
            WorkbenchApp::starting(&cc.egui_ctx, PersistedState::default(), start.clone())
        });
    settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    h.get_by_label_contains("Attributes — ai_by_sector.csv");
    h.get_by_label_contains("joined by ticker, sector: 4 of 8 securities matched");
}

#[test]
fn chosen_lines_and_a_relative_line_are_what_the_figure_exports() {
    use egui_kittest::kittest::Queryable;
    use halo_workbench::app::Pane;
    use halo_workbench::engine::sectors::GroupWeighting;
    use halo_workbench::view::SectorChart;
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = etf_files(dir.path());
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut state = PersistedState::default();
    let a = &mut state.settings.analytics;
    (a.window_from, a.window_to) = (Some(day("2025-12-31")), Some(day("2026-03-20")));
    a.group_weighting = GroupWeighting::Equal;
    let start = Start::from_args(vec![f, p]);
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| WorkbenchApp::starting(&cc.egui_ctx, state.clone(), start.clone()));
    settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    // The style comparison: the pane's switch, then its pickers choose the default pair.
    h.get_by_label("relative").click();
    h.run();
    settle(&mut h);
    let view = h.state().state.view.clone();
    assert_eq!(view.sectors, SectorChart::Relative);
    let (first, against) = view.relative.clone().expect("the pickers' pair");
    assert_eq!(against, SeriesId::Benchmark);
    assert!(matches!(first, SeriesId::Sector(_)), "{first:?}");
    // Energy against materials: the ratio of their growths, from the closes by hand.
    h.state_mut().state.view.relative = Some((
        SeriesId::Sector("Energy".into()),
        SeriesId::Sector("Materials".into()),
    ));
    let results = h.state().results.clone().unwrap();
    let table = |h: &Harness<'static, WorkbenchApp>| {
        Pane::Sectors
            .table(&results, &h.state().state.view, &Default::default())
            .unwrap()
    };
    let t = table(&h);
    let names: Vec<String> = t.get_column_names().iter().map(|c| c.to_string()).collect();
    assert_eq!(names, ["date", "Energy vs Materials cumulative"]);
    let col = t
        .column("Energy vs Materials cumulative")
        .unwrap()
        .f64()
        .unwrap();
    let last = col.get(col.len() - 1).unwrap();
    let want = (1.0 + etf_return("XLE")) / (1.0 + etf_return("XLB")) - 1.0;
    assert!((last - want).abs() < 1e-12, "{last} vs {want}");
    assert_eq!(col.get(0), Some(0.0));
    // Lines of the chosen series only.
    h.state_mut().state.view.sectors = SectorChart::Lines;
    h.state_mut().state.view.lines = vec![SeriesId::Sector("Utilities".into())];
    let t = table(&h);
    let names: Vec<String> = t.get_column_names().iter().map(|c| c.to_string()).collect();
    assert_eq!(names, ["date", "Utilities cumulative"]);
    let col = t.column("Utilities cumulative").unwrap().f64().unwrap();
    let last = col.get(col.len() - 1).unwrap();
    assert!((last - etf_return("XLU")).abs() < 1e-12, "{last}");
}

#[test]
fn market_caps_are_derived_from_shares_and_the_close_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    // The export has 总股本 and no 总市值.
    let shares = |i: usize| 1.0e9 * (1.0 + i as f64);
    let text = std::fs::read_to_string(&f).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{},总股本\n", lines.next().unwrap());
    for (i, l) in lines.enumerate() {
        out.push_str(&format!("{l},{}\n", shares(i)));
    }
    std::fs::write(&f, out).unwrap();
    let csv = dir.path().join("caps.csv");
    let o = sectors(&f, &p, "2024-04-30", "2024-06-30", &["--out", s(&csv)]);
    assert!(o.status.success(), "{}", stderr(&o));
    has(
        &stderr(&o),
        "market caps of 8 of the 8 reports without one derived as shares outstanding x the close on the report date",
    );
    // Weighted by the reports' caps, shares x the close of 2023-12-31 (the report's
    // date), held from the close of 2024-04-30 to that of 2024-06-30.
    let months = user_months();
    let at = |d: &str| months.iter().position(|m| m.to_string() == d).unwrap();
    let close =
        |i: usize, m: usize| 10.0 * (1..=m).map(|k| 1.0 + user_return(i, k)).product::<f64>();
    let (report, from, to) = (at("2023-12-31"), at("2024-04-30"), at("2024-06-30"));
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..4 {
        let cap = shares(i) * close(i, report);
        num += cap * (close(i, to) / close(i, from) - 1.0);
        den += cap;
    }
    let want = num / den;
    let text = std::fs::read_to_string(&csv).unwrap();
    let cells = group_row(&text, "石油石化");
    let got: f64 = cells[1].parse().unwrap();
    assert!((got - want).abs() < 1e-12, "{got} vs {want}: {cells:?}");
    assert_eq!(cells[2], "cap");
}

/// A Choice-style export of one security: a title line naming it above the header, in
/// GBK, and a Wind-style one with key-value lines padded to the header's width.
fn titled_exports(dir: &Path) -> std::path::PathBuf {
    let folder = dir.join("exports");
    std::fs::create_dir(&folder).unwrap();
    let body = |t: &str| {
        let mut out = String::from("日期,开盘价,最高价,最低价,收盘价,成交量\n");
        for d in ["2025-12-31", "2026-01-30", "2026-02-27", "2026-03-20"] {
            let day = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            let c = etf_close(t, day);
            out.push_str(&format!("{d},{c},{c},{c},{c},1000\n"));
        }
        out
    };
    let choice = format!("中国石化(XLE)\n{}", body("XLE"));
    std::fs::write(
        folder.join("行情导出1.csv"),
        encoding_rs::GBK.encode(&choice).0,
    )
    .unwrap();
    let wind = format!("证券代码,XLB,,,,\n证券简称,材料ETF,,,,\n{}", body("XLB"));
    std::fs::write(folder.join("行情导出2.csv"), wind).unwrap();
    folder
}

#[test]
fn a_title_line_above_the_header_names_the_security() {
    let dir = tempfile::tempdir().unwrap();
    let folder = titled_exports(dir.path());
    let o = run(&["inspect", s(&folder.join("行情导出1.csv"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    has(&report, "行情导出1.csv — prices");
    has(
        &report,
        "no ticker column: every row is \"XLE\", from the line \"中国石化(XLE)\" above the header",
    );
    has(
        &report,
        "1 line(s) above the header are not the table and were skipped: \"中国石化(XLE)\"",
    );
    let o = run(&["inspect", s(&folder.join("行情导出2.csv"))]);
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    has(
        &report,
        "every row is \"XLB\", from the line \"证券代码 XLB\"",
    );
    // The folder is one prices table: each security's window return from its closes.
    let out = dir.path().join("titled.csv");
    let o = etf_window(&[s(&folder)], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    for t in ["XLE", "XLB"] {
        let got: f64 = group_row(&text, t)[1].parse().unwrap();
        assert!((got - etf_return(t)).abs() < 1e-12, "{t}: {got}");
    }
    // A bad cell is reported on the file's own line: the 2 lines above the header count.
    let bad = dir.path().join("bad.csv");
    let text = std::fs::read_to_string(folder.join("行情导出2.csv")).unwrap();
    std::fs::write(
        &bad,
        text.replacen(",1000\n2026-01-30,", ",1000\n2026-01-30x,", 1),
    )
    .unwrap();
    let o = run(&["inspect", s(&bad)]);
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    has(
        &report,
        "excluded row 5: date \"2026-01-30x\" in column '日期' is not a date",
    );
    // The same in a workbook, as Choice exports to Excel: a title row, then the table.
    let xlsx = dir.path().join("choice.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "中国石化(600028.SH)").unwrap();
    for (c, h) in ["日期", "收盘价", "成交量"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, (d, c)) in [("2025-12-31", 5.0), ("2026-01-30", 5.5)]
        .iter()
        .enumerate()
    {
        ws.write_string(r as u32 + 2, 0, *d).unwrap();
        ws.write_number(r as u32 + 2, 1, *c).unwrap();
        ws.write_number(r as u32 + 2, 2, 1000.0).unwrap();
    }
    wb.save(&xlsx).unwrap();
    let o = run(&["inspect", s(&xlsx)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    has(&report, "choice.xlsx — prices");
    has(
        &report,
        "every row is \"600028.SH\", from the line \"中国石化(600028.SH)\"",
    );
    has(&report, "rows read 2, kept 2");
}

#[test]
fn a_file_of_a_folder_that_fails_is_left_out_and_said_on_every_face() {
    let dir = tempfile::tempdir().unwrap();
    let folder = titled_exports(dir.path());
    std::fs::write(folder.join("broken.csv"), "日期,收盘价\n2026-01-30,1,2,3\n").unwrap();
    // The command line: the others load, the failure is a note naming the file.
    let out = dir.path().join("out.csv");
    let o = etf_window(&[s(&folder)], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    has(&stderr(&o), "note: left out of its folder: ");
    has(&stderr(&o), "broken.csv");
    let text = std::fs::read_to_string(&out).unwrap();
    group_row(&text, "XLE");
    // Named directly, the same file is the error.
    let o = run(&["sectors", "--data", s(&folder.join("broken.csv"))]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    has(&stderr(&o), "broken.csv");
    // The window: the others load, the failure is listed.
    let start = Start::from_args(vec![folder.clone()]);
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| {
            WorkbenchApp::starting(&cc.egui_ctx, PersistedState::default(), start.clone())
        });
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.errors.len(), 1, "{:?}", app.errors);
    assert!(app.errors[0].text().contains("broken.csv"));
    assert_eq!(app.dataset.prices.as_ref().unwrap().report.tickers, Some(2));
}

#[test]
fn rows_excluded_from_a_combined_table_name_their_file() {
    use halo_workbench::data::{Dataset, LoadOptions, SourceFile};
    let dir = tempfile::tempdir().unwrap();
    let folder = titled_exports(dir.path());
    let wind = folder.join("行情导出2.csv");
    let text = std::fs::read_to_string(&wind).unwrap();
    std::fs::write(&wind, text.replacen("\n2026-01-30,", "\n2026-01-30x,", 1)).unwrap();
    let files = [SourceFile {
        path: folder,
        options: LoadOptions::default(),
    }];
    let (ds, skipped) = Dataset::load("exports", &files).unwrap();
    assert!(skipped.is_empty());
    let report = ds.prices.as_ref().unwrap().report.text();
    // Its own line 5 (two lines above the header), in the file it is in.
    has(
        &report,
        "excluded row 5 of 行情导出2.csv: date \"2026-01-30x\" in column '日期' is not a date",
    );
    has(
        &report,
        "column '日期' of 行情导出2.csv: unreadable date in 1 cell(s)",
    );
}

#[test]
fn ordinary_files_keep_their_header_and_titles_without_a_code_name_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let inspect = |p: &Path| {
        let o = run(&["inspect", s(p)]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned() + &stderr(&o),
        )
    };
    // Semicolons with decimal commas; a comma inside a tab file's name; a ';' list in a
    // comma file's text column; a header with a blank cell over text-only rows.
    for (name, text, kind) in [
        (
            "semi.csv",
            "ticker;date;close;volume\nAAA;2024-01-02;10,5;100\nAAA;2024-01-03;11,5;100\n",
            "prices",
        ),
        (
            "tab.tsv",
            "ticker\tdate\tsector\tname\ttotal_assets\nA\t2023-12-31\tEnergy\tAlpha, Inc.\t5\nB\t2023-12-31\tEnergy\tBeta, Inc.\t6\n",
            "fundamentals",
        ),
        (
            "naics.csv",
            "sector,industry,naics,ai_exposure\nEnergy,Oil,2111;2131,0.5\nEnergy,Gas,2212;4862,0.4\n",
            "attributes",
        ),
        (
            "blank.csv",
            "ticker,sector,\nAAA,Energy,note a\nBBB,Utilities,note b\n",
            "attributes",
        ),
    ] {
        let (code, report) = inspect(&write(name, text));
        assert_eq!(code, Some(0), "{report}");
        has(&report, &format!("{name} — {kind}"));
        assert!(!report.contains("above the header"), "{report}");
    }
    // A title holding a date, not a code: the ticker is the file's name.
    let (_, report) = inspect(&write(
        "XLK.csv",
        "Daily prices (2024-05-01)\nDate,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1,5\n2024-01-03,1,1,1,1.1,5\n",
    ));
    has(&report, "every row is \"XLK\", the file's name");
    // No date column recognised and tickers repeat: not a lookup table to deduplicate.
    let (code, report) = inspect(&write(
        "fy.csv",
        "ticker,fiscal year,sector,total_assets\nAAA,2022,Energy,5\nAAA,2023,Energy,6\nBBB,2023,Energy,7\n",
    ));
    assert_eq!(code, Some(1), "{report}");
    has(
        &report,
        "fy.csv: no date column was recognised, and 1 row(s) repeat another row's key (\"AAA\" in rows 2, 3)",
    );
    // A title over a date-and-close file: one security's prices, not a factor.
    let (_, report) = inspect(&write(
        "title2.csv",
        "中国石化(600028.SH)\n日期,收盘价\n2024-01-02,5\n2024-01-03,5.1\n",
    ));
    has(&report, "title2.csv — prices");
}

#[test]
fn caps_in_other_units_than_shares_times_close_are_not_derived() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    // 总市值 in 亿元 for the first security only, 总股本 in shares for all.
    let text = std::fs::read_to_string(&f).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{},总股本,总市值\n", lines.next().unwrap());
    let dec = user_months()
        .iter()
        .position(|m| m.to_string() == "2023-12-31")
        .unwrap();
    let close = 10.0 * (1..=dec).map(|k| 1.0 + user_return(0, k)).product::<f64>();
    for (i, l) in lines.enumerate() {
        let cap = if i == 0 {
            format!("{}", 1.0e9 * close / 1.0e8)
        } else {
            String::new()
        };
        out.push_str(&format!("{l},1000000000,{cap}\n"));
    }
    std::fs::write(&f, out).unwrap();
    let o = sectors(&f, &p, "2024-04-30", "2024-06-30", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    has(
        &stderr(&o),
        "market caps of 7 reports not derived from shares x close: the reported caps are 1.000e-8 times shares x close",
    );
}

#[test]
fn an_equal_weighted_window_holds_only_names_priced_at_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    // 300033.SZ (计算机) lists mid-window: its prices start at 2024-06-30.
    let text = std::fs::read_to_string(&p).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("300033.SZ,") || l["300033.SZ,".len()..] >= *"2024-06-30")
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&p, kept).unwrap();
    let out = dir.path().join("listing.csv");
    let o = sectors(
        &f,
        &p,
        "2024-04-30",
        "2024-12-31",
        &["--weighting", "equal", "--out", s(&out)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let cells = group_row(&text, "计算机");
    let got: f64 = cells[1].parse().unwrap();
    // Not held at 1/4 from the start earning nothing until it lists: not held at all.
    let want = equal_weighted(&[4, 5, 6], "2024-04-30", "2024-12-31");
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    assert_eq!(cells[3], "3");
}

/// The user's files ([`user_files`]) and their fundamentals as a snapshot export
/// (`wind_snapshot.csv`, [`snapshot_of`]): (fundamentals, snapshot, prices).
fn snapshot_files(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (f, p) = user_files(dir);
    let snap = dir.join("wind_snapshot.csv");
    snapshot_of(&f, &snap);
    (f, snap, p)
}

/// The user's fundamentals as a snapshot export: the same rows without the report-date
/// column (what a Wind or Choice screen of one period writes), GBK-encoded.
fn snapshot_of(dated: &Path, out: &Path) {
    let text = std::fs::read_to_string(dated).unwrap();
    let rows: String = text
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            assert!(cells[2] == "报告期" || cells[2] == "2023-12-31", "{l}");
            cells.remove(2);
            cells.join(",") + "\n"
        })
        .collect();
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&rows);
    assert!(!bad);
    std::fs::write(out, &bytes).unwrap();
}

#[test]
fn a_snapshot_without_report_dates_scores_as_the_same_figures_dated_and_is_not_backtested() {
    use halo_workbench::data::{Dataset, SourceFile};
    use halo_workbench::engine::EngineError;
    use halo_workbench::engine::pipeline::Pipeline;
    use halo_workbench::engine::settings::Settings;
    let dir = tempfile::tempdir().unwrap();
    let (f, snap, p) = snapshot_files(dir.path());
    let load = |files: &[&Path]| {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|p| SourceFile {
                path: p.to_path_buf(),
                options: Default::default(),
            })
            .collect();
        Dataset::load("own", &files).expect("loads").0
    };
    let (dated, snapshot) = (load(&[&f, &p]), load(&[&snap, &p]));
    // Without a date column the file is no fundamentals table: a table joined by ticker.
    assert!(snapshot.fundamentals.is_none() && snapshot.attributes.is_some());
    let last = *user_months().last().unwrap();
    // The dated reports (FY2023, known 2024-04-30) scored at the prices' last date...
    let mut at_last = Settings::default();
    at_last.scoring.as_of = Some(last);
    let a = Pipeline::from_dataset(&dated)
        .unwrap()
        .score(&at_last)
        .unwrap();
    // ... and the snapshot at its default as-of, which is that date.
    let mut pb = Pipeline::from_dataset(&snapshot).unwrap();
    let b = pb.score(&Settings::default()).unwrap();
    assert_eq!(b.prep.cs.as_of, last);
    let scored = |s: &halo_workbench::engine::pipeline::Scored| {
        let (cs, sc) = (&s.prep.cs, &s.scores);
        let mut v: Vec<(String, u64, u32, u64)> = (0..cs.len())
            .map(|i| {
                let t = cs.tickers[i].clone();
                (
                    t,
                    sc.halo[i].to_bits(),
                    sc.rank[i],
                    sc.basket.weights[i].to_bits(),
                )
            })
            .collect();
        v.sort();
        v
    };
    // The same figures give the same scores, ranks and basket weights, to the bit.
    assert_eq!(scored(&a).len(), USER_TICKERS.len());
    assert!(a.scores.included.iter().all(|x| *x));
    assert_eq!(scored(&a), scored(&b));
    // It says it is a snapshot, and the backtest gives its reason instead of a result.
    let snapshot_note = Note::Snapshot {
        file: "wind_snapshot.csv".into(),
    };
    assert!(
        b.scores.notes.contains(&snapshot_note),
        "{:?}",
        b.scores.notes
    );
    assert!(!a.scores.notes.contains(&snapshot_note));
    let r = pb
        .run(&Settings::default(), &|| false, &|_| true)
        .expect("not stale")
        .expect("results");
    let refused = EngineError::SnapshotBacktest {
        file: "wind_snapshot.csv".into(),
    };
    match r.backtest.as_deref() {
        Some(Err(e)) => assert_eq!(e, &refused),
        other => panic!("{:?}", other.map(|b| b.as_ref().err())),
    }
    // The sector window runs on the prices as with the dated reports.
    assert!(r.sectors.is_ok(), "{:?}", r.sectors.err());
    // Alone, it cannot be dated: refused, naming its columns metrics are computed from.
    let alone = load(&[&snap]);
    match Pipeline::from_dataset(&alone) {
        Err(EngineError::SnapshotWithoutPrices { file, columns }) => {
            assert_eq!(file, "wind_snapshot.csv");
            assert_eq!(
                columns,
                [
                    "总资产",
                    "固定资产",
                    "营业收入",
                    "经营活动现金流量净额",
                    "资本支出"
                ]
            );
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    // The command line says the same.
    let o = run(&["score", "--data", s(&snap), s(&p)]);
    assert!(o.status.success(), "{}", stderr(&o));
    has(
        &stderr(&o),
        "note: wind_snapshot.csv has no report dates: its figures are scored as a snapshot",
    );
    let o = run(&["backtest", "--data", s(&snap), s(&p)]);
    assert!(!o.status.success());
    has(
        &stderr(&o),
        "error: no backtest: the fundamentals of wind_snapshot.csv have no report dates",
    );
    let o = run(&["score", "--data", s(&snap)]);
    assert!(!o.status.success());
    has(
        &stderr(&o),
        "error: wind_snapshot.csv has fundamentals (总资产, 固定资产",
    );
    // Beside dated reports, the same undated figures fill their gaps at every period,
    // the past included: said, with the columns.
    let both = Pipeline::from_dataset(&load(&[&f, &snap, &p]))
        .unwrap()
        .score(&Settings::default())
        .unwrap();
    let undated = both.scores.notes.iter().find_map(|n| match n {
        Note::UndatedFigures { file, columns } => Some((file.clone(), columns.clone())),
        _ => None,
    });
    let (file, columns) = undated.unwrap_or_else(|| panic!("{:?}", both.scores.notes));
    assert_eq!(file, "wind_snapshot.csv");
    assert!(columns.contains(&"capex".to_string()), "{columns:?}");
    assert!(!both.scores.notes.contains(&snapshot_note));
    // Lookup tables stay lookup tables: AI exposure and a regulated flag by ticker, or a
    // reported figure by sector, beside the prices score nothing (prices only), and alone
    // are no fundamentals.
    for (name, text) in [
        (
            "ai.csv",
            "代码,AI暴露度,受监管\n600028.SH,0.2,1\n300033.SZ,0.9,0\n",
        ),
        ("by_sector.csv", "行业,固定资产\n石油石化,100\n计算机,5\n"),
    ] {
        let lookup = dir.path().join(name);
        std::fs::write(&lookup, text).unwrap();
        let ds = load(&[&lookup, &p]);
        assert!(ds.attributes.is_some(), "{name}");
        let sc = Pipeline::from_dataset(&ds)
            .unwrap()
            .score(&Settings::default())
            .unwrap();
        assert!(sc.scores.notes.contains(&Note::PricesOnly), "{name}");
        assert!(!sc.scores.included.iter().any(|x| *x), "{name}");
        let alone = Pipeline::from_dataset(&load(&[&lookup])).map(|_| ());
        assert_eq!(alone, Err(EngineError::NoFundamentals), "{name}");
    }
    // Its load report's columns line up in a terminal, Chinese headers (two columns a
    // character) and all: every arrow at the same display column.
    let o = run(&["inspect", s(&snap)]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let arrows: Vec<usize> = text
        .lines()
        .filter_map(|l| {
            l.find(" -> ")
                .map(|k| unicode_width::UnicodeWidthStr::width(&l[..k]))
        })
        .collect();
    assert_eq!(arrows.len(), 8, "{text}");
    assert!(arrows.iter().all(|&a| a == arrows[0]), "{arrows:?}\n{text}");
}

#[test]
fn the_window_scores_a_snapshot_and_says_what_each_row_rests_on() {
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().unwrap();
    let (_, snap, p) = snapshot_files(dir.path());
    let start = Start::from_args(vec![snap, p]);
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(move |cc| {
            WorkbenchApp::starting(&cc.egui_ctx, PersistedState::default(), start.clone())
        });
    settle(&mut h);
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    let r = app.results.as_ref().expect("results");
    assert!(r.scores().included.iter().all(|x| *x));
    // The dataset panel says what is scored instead of fundamentals, and that prices do
    // more than group performance here.
    h.get_by_label_contains("Scored instead: the figures of wind_snapshot.csv, as a snapshot");
    h.get_by_label_contains("the score of wind_snapshot.csv's snapshot at the prices' last date");
    // A row's detail names the snapshot, not a report date.
    let first =
        r.scored.prep.cs.tickers[r.scores().rank.iter().position(|&k| k == 1).unwrap()].clone();
    h.get_by_label(&first).click();
    settle(&mut h);
    h.get_by_label("Figures used: wind_snapshot.csv, a snapshot with no report date");
    // The backtest pane gives the reason.
    h.get_by_label_contains(
        "no backtest: the fundamentals of wind_snapshot.csv have no report dates",
    );
}

#[test]
fn the_analysis_commands_read_a_project_with_its_column_mapping() {
    use halo_workbench::data::{LoadOptions, SourceFile, Target};
    use halo_workbench::project::{DatasetSpec, Project};
    let dir = tempfile::tempdir().unwrap();
    let (f, p) = user_files(dir.path());
    // The same fundamentals with the PP&E column under a header no alias knows: on its
    // own it is a custom column, and the heavy-assets metric has no PP&E.
    let renamed = dir.path().join("renamed.csv");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains(",固定资产,"));
    std::fs::write(&renamed, text.replacen(",固定资产,", ",PPE_mine,", 1)).unwrap();
    // A project maps it to Net PP&E (as the window's column mapping saves it), with a
    // tilted lens.
    let mut options = LoadOptions::default();
    options
        .mapping
        .overrides
        .insert("PPE_mine".into(), Target::Field("ppe_net".into()));
    let mut settings = halo_workbench::engine::settings::Settings::default();
    settings.weights.heavy_assets = 2.5;
    let project = Project {
        dataset: DatasetSpec {
            name: "mapped".into(),
            files: vec![
                SourceFile {
                    path: renamed.clone(),
                    options,
                },
                SourceFile {
                    path: p.clone(),
                    options: LoadOptions::default(),
                },
            ],
        },
        settings: settings.clone(),
        ..Default::default()
    };
    let proj = dir.path().join("mapped.halo.toml");
    project.save(&proj).unwrap();
    let cfg = dir.path().join("tilt.toml");
    std::fs::write(&cfg, toml::to_string(&settings).unwrap()).unwrap();
    // score --project equals the original files scored with the same settings, to the
    // byte; the renamed file without the mapping does not.
    let out = |name: &str, args: &[&str]| {
        let path = dir.path().join(name);
        let mut all = vec!["score"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", s(&path)]);
        let o = run(&all);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        std::fs::read(&path).unwrap()
    };
    let mapped = out("mapped.csv", &["--project", s(&proj)]);
    let original = out(
        "original.csv",
        &["--data", s(&f), s(&p), "--config", s(&cfg)],
    );
    let unmapped = out(
        "unmapped.csv",
        &["--data", s(&renamed), s(&p), "--config", s(&cfg)],
    );
    assert_eq!(mapped, original);
    assert_ne!(mapped, unmapped);
    // The other analysis commands take it too; with --data it is refused as ambiguous.
    let o = run(&["sectors", "--project", s(&proj)]);
    assert!(o.status.success(), "{}", stderr(&o));
    has(&String::from_utf8_lossy(&o.stdout), "石油石化");
    let o = run(&["score", "--project", s(&proj), "--data", s(&f)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
