//! The window's frame, driven through egui_kittest by accessible labels, as a user would.

mod common;

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use halo_workbench::app::{Command, PersistedState, WorkbenchApp};

fn open_app() -> Harness<'static, WorkbenchApp> {
    common::open([1400.0, 900.0], PersistedState::default())
}

#[test]
fn opens_with_the_sample_loaded() {
    let h = open_app();
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    let f = app.dataset.fundamentals.as_ref().expect("fundamentals");
    assert!(f.report.rows_kept > 1500, "{}", f.report.rows_kept);
    assert!(app.dataset.prices.is_some() && app.dataset.factors.is_some());
    // In the summary panel.
    h.get_by_label_contains("Fundamentals — fundamentals.csv");
    h.get_by_label_contains("Prices — prices.parquet");
    h.get_by_label_contains("Factors — factors.csv");
    h.get_by_label(&format!(
        "{} rows kept of {} read",
        f.report.rows_kept, f.report.rows_read
    ));
}

#[test]
fn a_bad_file_shows_its_error_and_keeps_the_dataset() {
    let mut h = open_app();
    let before = h.state().dataset.fundamentals.as_ref().unwrap().df.height();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("no_sector.csv");
    std::fs::write(&bad, "ticker,date,total_assets\nA,2016-12-31,1\n").unwrap();
    h.state_mut().push(Command::OpenData(vec![bad]));
    common::settle(&mut h);
    let err = h.get_by_label_contains("Error: ");
    let text = format!("{err:?}");
    assert!(
        text.contains("no_sector.csv") && text.contains("sector"),
        "{text}"
    );
    assert_eq!(
        h.state().dataset.fundamentals.as_ref().unwrap().df.height(),
        before
    );
    // Dismissing clears it.
    h.get_by_label("Dismiss").click();
    h.run();
    assert!(h.state().errors.is_empty());
}

fn write_chinese_file(dir: &Path) -> std::path::PathBuf {
    let csv = "证券代码,证券简称,日期,所属行业,总资产\n600028.SH,中国石化,2025-12-31,石油石化,2.1e12\n601857.SH,中国石油,2025-12-31,石油石化,2.7e12\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let p = dir.join("wind.csv");
    std::fs::write(&p, gbk).unwrap();
    p
}

#[test]
fn open_path_browser_loads_a_chinese_file() {
    let mut h = open_app();
    let dir = tempfile::tempdir().unwrap();
    let p = write_chinese_file(dir.path());
    // The fallback that works where no system dialog can be shown.
    h.get_by_label("Open path…").click();
    h.run();
    let input = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Path:");
    input.click();
    input.type_text(&p.display().to_string());
    h.run();
    h.get_by_label("Open").click();
    common::settle(&mut h);
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    let f = app.dataset.fundamentals.as_ref().unwrap();
    assert_eq!(f.df.height(), 2);
    assert_eq!(app.state.recent_files.first(), Some(&p));
    // The Chinese headers are shown (a missing glyph would panic in kittest).
    h.get_by_label("Data").click();
    h.run();
    h.get_by_label("Column mapping").click();
    h.run();
    h.get_by_label("所属行业");
    h.get_by_label("证券简称");
}

/// Opens the Wind-style file, then remaps its 证券简称 (name) column to "ignore" through the
/// same command the mapping editor sends.
fn open_wind_file_without_names(dir: &Path) -> Harness<'static, WorkbenchApp> {
    let mut h = open_app();
    let p = write_chinese_file(dir);
    h.state_mut().push(Command::OpenData(vec![p]));
    common::settle(&mut h);
    let mut mapping = h
        .state()
        .dataset
        .fundamentals
        .as_ref()
        .unwrap()
        .mapping
        .clone();
    mapping
        .overrides
        .insert("证券简称".into(), halo_workbench::data::Target::Ignore);
    h.state_mut().push(Command::Remap(
        halo_workbench::data::TableKind::Fundamentals,
        mapping,
    ));
    common::settle(&mut h);
    h
}

#[test]
fn mapping_edit_reloads_with_the_users_choice() {
    let dir = tempfile::tempdir().unwrap();
    let h = open_wind_file_without_names(dir.path());
    let f = h.state().dataset.fundamentals.as_ref().unwrap();
    assert!(f.df.column("name").is_err(), "name is no longer loaded");
    let saved = &h
        .state()
        .dataset
        .sources
        .iter()
        .find(|s| s.path.ends_with("wind.csv"))
        .unwrap()
        .options
        .mapping;
    assert_eq!(
        saved.overrides.get("证券简称"),
        Some(&halo_workbench::data::Target::Ignore)
    );
}

#[test]
fn saving_and_opening_a_project_restores_files_and_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_wind_file_without_names(dir.path());
    let before = h.state().project();
    let file = dir.path().join("proj").join("mine.halo.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    h.state_mut().push(Command::SaveProject(file.clone()));
    h.run_steps(2);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    // Start from the sample, then open the project.
    h.state_mut().push(Command::LoadSample);
    common::settle(&mut h);
    assert!(h.state().dataset.fundamentals.as_ref().unwrap().df.height() > 1000);
    h.state_mut().push(Command::OpenProject(file));
    common::settle(&mut h);
    let after = h.state().project();
    assert_eq!(after.dataset.files.len(), before.dataset.files.len());
    for (a, b) in after.dataset.files.iter().zip(&before.dataset.files) {
        assert_eq!(
            a.path.canonicalize().unwrap(),
            b.path.canonicalize().unwrap()
        );
        assert_eq!(a.options, b.options);
    }
    assert_eq!(
        h.state().dataset.fundamentals.as_ref().unwrap().df.height(),
        2
    );
    assert!(
        h.state()
            .dataset
            .fundamentals
            .as_ref()
            .unwrap()
            .df
            .column("name")
            .is_err()
    );
}

#[test]
fn a_lost_session_file_falls_back_to_the_sample() {
    let state = PersistedState {
        session_files: vec![halo_workbench::data::SourceFile {
            path: "/nonexistent/old.csv".into(),
            options: Default::default(),
        }],
        session_name: "yesterday".into(),
        ..Default::default()
    };
    let h = common::open([1400.0, 900.0], state);
    let app = h.state();
    assert!(
        app.errors
            .iter()
            .any(|e| e.to_string().contains("/nonexistent/old.csv")),
        "{:?}",
        app.errors
    );
    assert!(
        app.dataset.fundamentals.is_some(),
        "the sample was loaded instead"
    );
}
