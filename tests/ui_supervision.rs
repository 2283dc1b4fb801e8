//! Nothing a user does can freeze the window: a panic in any worker (injected through the
//! app's own test hook) is shown as an error naming the worker, the app keeps what it had
//! and stays usable, and the next job of that worker works. Also: an out-of-range date in
//! a Parquet file is a named error, not a panic; and opening the app records no undo step.

mod common;

use egui_kittest::Harness;
use halo_workbench::app::figure::Figure;
use halo_workbench::app::messages::{AppError, Worker};
use halo_workbench::app::{Command, Pane, PersistedState, WorkbenchApp};
use halo_workbench::data::{self, LoadError, LoadOptions, TableKind, dates};
use polars::prelude::*;

fn open_app() -> Harness<'static, WorkbenchApp> {
    common::open([1400.0, 900.0], PersistedState::default())
}

fn failed(app: &WorkbenchApp, worker: Worker) -> bool {
    app.errors
        .iter()
        .chain(&app.compute_error)
        .any(|e| matches!(e, AppError::WorkerFailed { worker: w, .. } if *w == worker))
}

#[test]
fn a_panic_in_the_loader_is_reported_and_the_next_load_works() {
    let mut h = open_app();
    let before = h.state().dataset.fundamentals.as_ref().unwrap().df.height();
    let p = data::sample_dir().join("fundamentals.csv");
    h.state().inject_fault(Worker::Loader);
    h.state_mut().push(Command::OpenData(vec![p.clone()]));
    common::settle(&mut h);
    assert!(failed(h.state(), Worker::Loader), "{:?}", h.state().errors);
    assert!(!h.state().is_loading(), "not stuck loading");
    assert_eq!(
        h.state().dataset.fundamentals.as_ref().unwrap().df.height(),
        before,
        "what was loaded stays"
    );
    // The message names the worker in both languages.
    let e = h.state().errors.last().unwrap().clone();
    assert!(
        e.to_string().starts_with("loading failed unexpectedly"),
        "{e}"
    );
    // The window goes on, and the next load works.
    h.run();
    h.state_mut().errors.clear();
    h.state_mut().push(Command::OpenData(vec![p.clone()]));
    common::settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    assert!(h.state().dataset.sources.iter().any(|s| s.path == p));
}

#[test]
fn a_panic_in_the_compute_worker_is_reported_and_the_next_change_computes() {
    let mut h = open_app();
    h.state().inject_fault(Worker::Compute);
    h.state_mut().state.settings.weights.heavy_assets = 2.0;
    common::settle(&mut h);
    assert!(
        failed(h.state(), Worker::Compute),
        "{:?}",
        h.state().compute_error
    );
    assert!(!h.state().is_computing(), "not stuck computing");
    // The last results stay on screen meanwhile; the next change is computed.
    assert!(h.state().results.is_some());
    h.state_mut().state.settings.weights.heavy_assets = 2.5;
    common::settle(&mut h);
    assert!(h.state().compute_error.is_none());
    let r = h.state().results.as_ref().unwrap();
    assert_eq!(r.settings.weights.heavy_assets, 2.5);
    assert!(r.backtest.as_deref().unwrap().is_ok());
}

#[test]
fn a_panic_in_the_export_worker_is_reported_and_the_next_export_works() {
    let mut h = open_app();
    let dir = tempfile::tempdir().unwrap();
    h.state_mut().state.export_dir = Some(dir.path().to_path_buf());
    h.state_mut().state.export_scale = 1.0;
    h.state().inject_fault(Worker::Export);
    h.state_mut()
        .push(Command::Export(Figure::Chart(Pane::Sectors)));
    h.run_steps(2);
    h.state_mut().wait_for_export();
    h.run();
    assert!(failed(h.state(), Worker::Export), "{:?}", h.state().errors);
    assert!(!h.state().is_exporting());
    h.state_mut()
        .push(Command::Export(Figure::Chart(Pane::Sectors)));
    h.run_steps(2);
    h.state_mut().wait_for_export();
    h.run();
    assert!(
        dir.path().join("halo_sectors_2017-04-01_1x.png").is_file(),
        "{:?}",
        h.state().errors
    );
}

/// A prices file in Parquet whose `date` column is a real Date type, with the given days.
fn parquet_prices(path: &std::path::Path, days: &[i32]) {
    let n = days.len();
    let date = Int32Chunked::from_vec("date".into(), days.to_vec()).into_date();
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new("ticker".into(), vec!["XOM"; n]),
            date.into_column(),
            Column::new("close".into(), vec![100.0; n]),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(path).unwrap())
        .finish(&mut df)
        .unwrap();
}

#[test]
fn out_of_range_parquet_dates_are_named_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dates::to_epoch_days(chrono::NaiveDate::from_ymd_opt(2016, 1, 31).unwrap());
    // One good row and two no calendar holds: the bad rows are excluded with their values.
    let p = dir.path().join("prices.parquet");
    parquet_prices(&p, &[ok, i32::MAX, -1_000_000]);
    let opts = LoadOptions {
        kind: Some(TableKind::Prices),
        ..Default::default()
    };
    let t = data::load_file(&p, &opts).unwrap();
    assert_eq!(t.report.rows_kept, 1);
    let reasons: Vec<String> = t.report.excluded.iter().map(|e| e.to_string()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].contains("2147483647 days after 1970-01-01") && reasons[0].contains("'date'"),
        "{reasons:?}"
    );
    // 1,000,000 days before 1970 is a calendar date, but not a plausible one.
    assert!(reasons[1].contains("-0768"), "{reasons:?}");
    // Only bad dates: the file's own error, naming it.
    let bad = dir.path().join("bad.parquet");
    parquet_prices(&bad, &[i32::MAX, i32::MIN]);
    let e = data::load_file(&bad, &opts).unwrap_err();
    assert!(matches!(e, LoadError::NothingKept { .. }), "{e}");
    assert!(e.to_string().contains("bad.parquet"), "{e}");
    // And in the window: reported, the sample kept, nothing stuck.
    let mut h = open_app();
    h.state_mut().push(Command::OpenData(vec![bad]));
    common::settle(&mut h);
    assert!(
        h.state()
            .errors
            .iter()
            .any(|e| e.to_string().contains("bad.parquet")),
        "{:?}",
        h.state().errors
    );
    assert!(!h.state().is_loading());
    assert!(h.state().dataset.prices.is_some());
}

#[test]
fn opening_the_app_records_no_undo_step() {
    let h = open_app();
    assert!(!h.state().can_undo(), "nothing was changed yet");
    // Nor with settings restored from a session whose metric weights list only one metric
    // (the sliders show the others at 1 without writing them).
    let mut state = PersistedState::default();
    state.settings.weights.metrics.clear();
    state
        .settings
        .weights
        .metrics
        .insert("dividend_yield".into(), 2.0);
    let mut h = common::open([1400.0, 900.0], state.clone());
    h.run_steps(5);
    assert!(!h.state().can_undo());
    assert_eq!(h.state().state.settings, state.settings);
}
