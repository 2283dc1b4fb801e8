//! In 中文 mode no English phrase is drawn. A Chinese dataset (GBK, Chinese headers,
//! industries and names, as a Wind export is) is opened as a project; then every text the
//! window draws is read back from egui's output (the left panel, the menus, every pane
//! maximised, the data pane's three tabs, the built-in file browser, an error) and each
//! word of Latin letters must be a name the interface keeps in every language (HALO,
//! CSV, UTF-8 ...) or the data's own (a ticker, a path).

mod common;

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use halo_workbench::app::{Command, Pane, PersistedState};
use halo_workbench::data::SourceFile;
use halo_workbench::i18n::Lang;
use halo_workbench::project::Project;

/// Names that are the same in both languages.
const KEPT: &[&str] = &[
    "HALO", "CSV", "UTF", "GBK", "GB18030", "Parquet", "xlsx", "Excel", "TOML", "Newey", "West",
    "Ctrl", "Shift", "Esc", "English", "EN", "IC", "SH", "SZ", "AI", "EBITDA", "HHI", "PNG", "SVG",
    "PDF",
];

fn texts<S>(h: &Harness<'_, S>) -> Vec<String> {
    fn walk(s: &egui::Shape, out: &mut Vec<String>) {
        match s {
            egui::Shape::Text(t) => out.push(t.galley.text().to_string()),
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    out
}

/// The English words of a drawn text: runs of three or more Latin letters that are not a
/// kept name, outside paths and file names.
fn english(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for token in text.split_whitespace() {
        if token.contains(['/', '\\']) || token.contains(".csv") || token.contains(".toml") {
            continue;
        }
        for w in token.split(|c: char| !c.is_ascii_alphabetic()) {
            if w.len() >= 3 && !KEPT.contains(&w) {
                found.push(w.to_string());
            }
        }
    }
    found
}

fn check<S>(h: &Harness<'_, S>, where_: &str, seen: &mut Vec<String>) {
    let mut bad = Vec::new();
    for t in texts(h) {
        seen.push(t.clone());
        let e = english(&t);
        if !e.is_empty() {
            bad.push(format!("{t:?} ({})", e.join(", ")));
        }
    }
    bad.sort();
    bad.dedup();
    assert!(
        bad.is_empty(),
        "English drawn in 中文 mode, {where_}:\n{}",
        bad.join("\n")
    );
}

/// A Wind-style export: GBK, Chinese headers, 36 companies in four industries, three
/// annual reports; monthly closes for 2021-2024.
fn write_dataset(dir: &Path) -> Vec<SourceFile> {
    let industries = ["石油石化", "电力", "计算机", "交通运输"];
    let mut f = String::from(
        "证券代码,证券简称,报告期,所属行业,总资产,固定资产,营业收入,资本支出,经营活动产生的现金流量净额,总市值,派息\n",
    );
    let mut p = String::from("证券代码,日期,收盘价\n");
    for i in 0..36 {
        let code = format!("{:06}.SH", 600000 + i);
        let ind = industries[i % 4];
        let heavy = if i % 4 == 2 { 0.1 } else { 0.6 };
        for (y, year) in [2021, 2022, 2023].iter().enumerate() {
            let ta = 1000.0 + 37.0 * i as f64 + 10.0 * y as f64;
            f.push_str(&format!(
                "{code},公司{i},{year}-12-31,{ind},{ta},{:.1},{:.1},{:.1},{:.1},{:.1},{:.1}\n",
                ta * (heavy + 0.01 * (i % 7) as f64),
                ta * 0.5,
                ta * 0.05 * (1.0 + (i % 3) as f64),
                ta * (0.08 + 0.003 * ((i + y) % 5) as f64),
                ta * 1.2,
                ta * 0.01 * (i % 5) as f64,
            ));
        }
        let mut close = 10.0 + i as f64;
        for m in 0..48 {
            let (year, month) = (2021 + m / 12, m % 12 + 1);
            close *= 1.0 + 0.01 * (((i * 7 + m * 3) % 11) as f64 - 5.0) / 5.0;
            p.push_str(&format!("{code},{year}-{month:02}-28,{close:.3}\n"));
        }
    }
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let fp = dir.join("基本面.csv");
    let pp = dir.join("行情.csv");
    std::fs::write(&fp, gbk(&f)).unwrap();
    std::fs::write(&pp, gbk(&p)).unwrap();
    [fp, pp]
        .into_iter()
        .map(|path| SourceFile {
            path,
            options: Default::default(),
        })
        .collect()
}

/// A project on [`write_dataset`]'s files: no factors table, so the regression on the
/// market alone, and a scenario that replays a window of the data's own prices.
fn project_file(dir: &Path) -> std::path::PathBuf {
    let mut project = Project::default();
    project.dataset.name = "沪市样本".into();
    project.dataset.files = write_dataset(dir);
    project.settings.analytics.factors = vec!["market".into()];
    project.settings.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2023, 6, 30);
    project.view.scenario = Some("2020 pandemic crash (replay)".into());
    let mut lib = halo_workbench::engine::scenarios::default_library();
    for s in &mut lib {
        if let halo_workbench::engine::scenarios::ScenarioKind::Historical { from, to } =
            &mut s.kind
        {
            *from = chrono::NaiveDate::from_ymd_opt(2022, 1, 31).unwrap();
            *to = chrono::NaiveDate::from_ymd_opt(2022, 6, 30).unwrap();
        }
    }
    project.settings.scenarios = lib;
    let file = dir.join("沪市.halo.toml");
    project.save(&file).unwrap();
    file
}

#[test]
fn no_english_is_drawn_in_chinese_mode() {
    let dir = tempfile::tempdir().unwrap();
    let file = project_file(dir.path());

    let state = PersistedState {
        lang: Lang::Zh,
        ..Default::default()
    };
    let mut h = common::open([1400.0, 900.0], state);
    h.state_mut().push(Command::OpenProject(file));
    common::settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    assert_eq!(h.state().dataset.name, "沪市样本");
    let mut seen = Vec::new();
    check(&h, "the window", &mut seen);
    for &pane in Pane::ALL {
        h.state_mut().maximized = Some(pane);
        h.run();
        check(&h, &format!("{pane:?} maximised"), &mut seen);
    }
    h.state_mut().maximized = Some(Pane::Data);
    h.run();
    for tab in ["列映射", "预览"] {
        h.get_by_label(tab).click();
        h.run();
        check(&h, tab, &mut seen);
    }
    h.state_mut().maximized = None;
    h.run();
    for menu in ["文件", "编辑", "视图"] {
        h.get_by_label(menu).click();
        h.run();
        check(&h, menu, &mut seen);
        h.key_press(egui::Key::Escape);
        h.run();
    }
    h.get_by_label("按路径打开…").click();
    h.run();
    check(&h, "the file browser", &mut seen);
    h.get_by_label("取消").click();
    h.run();
    let missing = dir.path().join("不存在.csv");
    h.state_mut().push(Command::OpenData(vec![missing]));
    common::settle(&mut h);
    check(&h, "an error", &mut seen);
    // The check saw the panes' real content, not an empty window.
    for want in [
        "行业表现",
        "石油石化",
        "回测",
        "HALO 篮子",
        "基准",
        "市场",
        "公司1",
        "取消",
    ] {
        assert!(
            seen.iter().any(|t| t.contains(want)),
            "{want} was never drawn"
        );
    }
    assert!(
        seen.iter()
            .any(|t| t.contains("错误") && t.contains("不存在.csv")),
        "the error is shown"
    );
}

/// The exported dashboard in 中文 (drawn as the export draws it, from the same scene):
/// no English label, and the trading rules' lines in Chinese.
#[test]
fn the_exported_dashboard_in_chinese_has_no_english_label() {
    use halo_workbench::app::figure::{Figure, draw, project_scene};
    let dir = tempfile::tempdir().unwrap();
    let file = project_file(dir.path());
    let scene = project_scene(Some(&file), None, false, Lang::Zh).expect("scene");
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .with_context_setup(halo_workbench::app::fonts::install)
        .build_ui(move |ui| {
            halo_workbench::i18n::set_lang(Lang::Zh);
            draw(ui, &scene, Figure::Dashboard);
        });
    h.run();
    let mut seen = Vec::new();
    check(&h, "the exported dashboard", &mut seen);
    for want in ["行业表现", "回测", "交易规则", "基准"] {
        assert!(
            seen.iter().any(|t| t.contains(want)),
            "{want} was never drawn: {seen:?}"
        );
    }
}
