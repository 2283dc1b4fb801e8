//! The workbench driven through egui_kittest by accessible labels: sliders, presets,
//! scenarios, undo, projects and the language switch, checking that the numbers behind
//! the charts move as they should.

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use halo_workbench::app::{Command, PersistedState, WorkbenchApp};
use halo_workbench::engine::notes::SeriesId;

fn open_app() -> Harness<'static, WorkbenchApp> {
    common::open([1600.0, 1000.0], PersistedState::default())
}

use common::settle;

/// Click a button that may sit below the fold of the scrolling side panel.
fn click(h: &mut Harness<'static, WorkbenchApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    settle(h);
}

fn set_slider(h: &mut Harness<'static, WorkbenchApp>, label: &str, v: f64) {
    h.get_by_role_and_label(Role::Slider, label).scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::Slider, label)
        .set_value_accesskit(v);
    h.run_steps(2);
    settle(h);
}

fn heavy_exposure(app: &WorkbenchApp) -> f64 {
    let r = app.results.as_ref().unwrap();
    r.exposures
        .characteristic
        .exposures
        .iter()
        .find(|e| e.name == "pillar_heavy_assets")
        .unwrap()
        .active
}

fn halo_total(app: &WorkbenchApp) -> f64 {
    let r = app.results.as_ref().unwrap();
    r.sectors
        .as_ref()
        .unwrap()
        .groups
        .iter()
        .find(|g| g.id == SeriesId::HaloBasket)
        .unwrap()
        .total
}

fn scenario_halo(app: &WorkbenchApp, i: usize) -> f64 {
    let r = app.results.as_ref().unwrap();
    r.outcomes[i].as_ref().unwrap().portfolios[0].r#return
}

fn backtest_halo(app: &WorkbenchApp) -> f64 {
    let r = app.results.as_ref().unwrap();
    let b = r.backtest.as_deref().unwrap().as_ref().unwrap();
    b.series
        .iter()
        .find(|s| s.id == SeriesId::HaloBasket)
        .unwrap()
        .stats
        .cumulative_return
}

#[test]
fn moving_weight_sliders_changes_the_basket_and_every_chart() {
    let mut h = open_app();
    let before_members = h
        .state()
        .results
        .as_ref()
        .unwrap()
        .scores()
        .basket
        .members
        .clone();
    let (e0, s0, c0, b0) = (
        heavy_exposure(h.state()),
        halo_total(h.state()),
        scenario_halo(h.state(), 2),
        backtest_halo(h.state()),
    );
    // Heavy assets only.
    for (label, v) in [
        ("Heavy assets", 3.0),
        ("Low obsolescence", 0.0),
        ("Supply constraint", 0.0),
        ("Cash-flow stability", 0.0),
    ] {
        set_slider(&mut h, label, v);
    }
    let app = h.state();
    assert_eq!(app.state.settings.weights.heavy_assets, 3.0);
    assert_eq!(app.state.settings.weights.low_obsolescence, 0.0);
    let after_members = &app.results.as_ref().unwrap().scores().basket.members;
    assert_ne!(&before_members, after_members, "the basket changed");
    // Factor exposures: the basket leans harder into heavy assets.
    assert!(
        heavy_exposure(app) > e0 + 0.2,
        "{} -> {}",
        e0,
        heavy_exposure(app)
    );
    // Sector performance, scenarios and backtest are recomputed for the new basket.
    assert_ne!(halo_total(app), s0);
    assert_ne!(scenario_halo(app, 2), c0);
    assert_ne!(backtest_halo(app), b0);
}

#[test]
fn choosing_a_preset_sets_its_weights() {
    let mut h = open_app();
    click(&mut h, "JPMorgan: industrial giants' physical assets");
    let s = &h.state().state.settings;
    assert_eq!(s.weights.heavy_assets, 2.0);
    assert_eq!(s.basket.sector_tilts.get("Industrials"), Some(&0.5));
    assert_eq!(s.preset, "jpmorgan");
    // The results are for those settings.
    assert_eq!(h.state().results.as_ref().unwrap().settings, *s);
}

#[test]
fn opening_a_sample_file_through_the_menu_command_loads_it() {
    let mut h = open_app();
    let p = halo_workbench::data::sample_dir().join("fundamentals.csv");
    h.state_mut().push(Command::OpenData(vec![p.clone()]));
    settle(&mut h);
    let app = h.state();
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    assert!(app.dataset.sources.iter().any(|s| s.path == p));
    assert_eq!(app.state.recent_files.first(), Some(&p));
}

#[test]
fn adding_a_scenario_with_a_shock_changes_the_outcomes() {
    let mut h = open_app();
    // The list shown is the default library until it is edited.
    let n = halo_workbench::engine::pipeline::scenario_list(&h.state().state.settings).len();
    click(&mut h, "Add");
    assert_eq!(h.state().state.settings.scenarios.len(), n + 1);
    let first = scenario_halo(h.state(), n);
    set_slider(&mut h, "Shock wti", 0.4);
    let second = scenario_halo(h.state(), n);
    assert!(
        (second / first - 4.0).abs() < 1e-9,
        "a linear factor shock: {first} -> {second}"
    );
}

#[test]
fn undo_restores_the_previous_settings() {
    let mut h = open_app();
    let before = h.state().state.settings.clone();
    set_slider(&mut h, "Supply constraint", 2.5);
    assert_eq!(h.state().state.settings.weights.supply_constraint, 2.5);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    settle(&mut h);
    assert_eq!(h.state().state.settings, before);
    assert_eq!(
        h.state().results.as_ref().unwrap().settings,
        before,
        "the charts follow"
    );
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    settle(&mut h);
    assert_eq!(h.state().state.settings.weights.supply_constraint, 2.5);
}

#[test]
fn saving_and_opening_a_project_gives_an_identical_state() {
    let mut h = open_app();
    set_slider(&mut h, "Heavy assets", 1.7);
    click(&mut h, "Add");
    let before = h.state().project();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.halo.toml");
    h.state_mut().push(Command::SaveProject(file.clone()));
    settle(&mut h);
    h.state_mut().push(Command::ResetSettings);
    settle(&mut h);
    assert_ne!(h.state().state.settings, before.settings);
    h.state_mut().push(Command::OpenProject(file));
    settle(&mut h);
    let after = h.state().project();
    assert_eq!(after.settings, before.settings);
    assert!(!before.layout.is_empty());
    // Compared as JSON values: the tiles are a hash map, so their order in the text varies.
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert_eq!(
        parse(&after.layout),
        parse(&before.layout),
        "the layout travels with the project"
    );
    assert_eq!(after.dataset.files.len(), before.dataset.files.len());
    assert_eq!(
        h.state().results.as_ref().unwrap().settings,
        before.settings
    );
}

#[test]
fn the_interface_switches_to_chinese() {
    let mut h = open_app();
    h.state_mut().state.lang = halo_workbench::i18n::Lang::Zh;
    settle(&mut h);
    h.get_by_label("行业表现");
    h.get_by_label("支柱权重");
    h.get_by_role_and_label(Role::Slider, "重资产");
    // An exported figure's subtitle too: weights and preset by their Chinese names.
    let subtitle = halo_workbench::app::figure::subtitle(
        h.state().results.as_ref().unwrap(),
        &h.state().dataset.name,
    );
    assert!(
        subtitle.contains("支柱权重: 重资产 1.00") && subtitle.contains("预设: HALO"),
        "{subtitle}"
    );
    // Messages too: a file that does not exist is reported in Chinese, naming it.
    let missing = std::env::temp_dir().join("halo-no-such-file.csv");
    h.state_mut()
        .handle(halo_workbench::app::Command::OpenData(vec![
            missing.clone(),
        ]));
    h.state_mut().wait_for_load();
    settle(&mut h);
    h.get_by_label(&format!(
        "错误: {}：文件不存在（是否已被移动或删除？）",
        missing.display()
    ));
}

#[test]
fn export_buttons_write_png_and_csv_off_the_ui_thread() {
    let mut h = open_app();
    let dir = tempfile::tempdir().unwrap();
    h.state_mut().state.export_dir = Some(dir.path().to_path_buf());
    h.state_mut().state.export_scale = 1.0;
    // The first Export button is the sector performance pane's.
    h.get_all_by_label("Export").next().unwrap().click();
    h.run_steps(2);
    assert!(
        h.state().is_exporting(),
        "the export runs in the background"
    );
    h.state_mut().wait_for_export();
    settle(&mut h);
    let png = dir.path().join("halo_sectors_2017-04-01_1x.png");
    let img = image::open(&png)
        .unwrap_or_else(|e| panic!("{}: {e}; {:?}", png.display(), h.state().errors));
    assert_eq!((img.width(), img.height()), (1100, 700));
    assert!(dir.path().join("halo_sectors_2017-04-01_1x.csv").is_file());
    assert!(
        h.state()
            .export_message
            .as_ref()
            .map(|m| m.to_string())
            .unwrap_or_default()
            .contains("halo_sectors")
    );
    // Ctrl+E exports the dashboard.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    h.state_mut().wait_for_export();
    let img = image::open(dir.path().join("halo_dashboard_2017-04-01_1x.png")).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 1000));
}

#[test]
fn the_file_menu_exports_svg_and_pdf_and_the_deck_in_the_interfaces_language() {
    use halo_workbench::app::figure::Format;
    let mut h = open_app();
    let dir = tempfile::tempdir().unwrap();
    h.state_mut().state.export_dir = Some(dir.path().to_path_buf());
    // File > SVG, then the sector pane's Export button.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("SVG").click();
    h.run();
    assert_eq!(h.state().state.export_format, Format::Svg);
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_all_by_label("Export").next().unwrap().click();
    h.run_steps(2);
    h.state_mut().wait_for_export();
    settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    let svg = dir.path().join("halo_sectors_2017-04-01.svg");
    let text = std::fs::read_to_string(&svg).unwrap_or_else(|e| panic!("{}: {e}", svg.display()));
    assert!(text.starts_with("<svg") && text.contains(">Sector performance</text>"));
    assert!(dir.path().join("halo_sectors_2017-04-01.csv").is_file());
    let said = h.state().export_message.as_ref().unwrap().to_string();
    assert!(said.contains("1100 x 700 pt, vector"), "{said}");
    // PDF, and Ctrl+E: the dashboard as one PDF page.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("PDF").click();
    h.run();
    h.key_press(egui::Key::Escape);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    h.state_mut().wait_for_export();
    settle(&mut h);
    let pdf = std::fs::read(dir.path().join("halo_dashboard_2017-04-01.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // In Chinese, File > 导出简报: the deck and its PNG pages.
    h.state_mut().state.lang = halo_workbench::i18n::Lang::Zh;
    settle(&mut h);
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label("导出格式");
    h.get_by_label("导出简报（PDF 与 PNG）").click();
    h.run_steps(2);
    h.state_mut().wait_for_export();
    settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    let deck = dir.path().join("halo_deck_2017-04-01.pdf");
    assert!(std::fs::read(&deck).unwrap().starts_with(b"%PDF-"));
    let pages = std::fs::read_dir(dir.path().join("halo_deck_2017-04-01"))
        .unwrap()
        .count();
    assert_eq!(pages, 1 + halo_workbench::app::Pane::charts().len());
    let said = halo_workbench::i18n::Localize::localize(
        h.state().export_message.as_ref().unwrap(),
        halo_workbench::i18n::Lang::Zh,
    );
    let pages = format!("{pages} 页");
    assert!(
        said.contains("已保存简报") && said.contains(&pages),
        "{said}"
    );
}

#[test]
fn presentation_mode_fills_the_window_and_steps_like_slides() {
    let mut h = open_app();
    h.key_press(egui::Key::F5);
    h.run();
    assert!(h.state().presentation);
    assert_eq!(
        h.state().maximized,
        Some(halo_workbench::app::Pane::Sectors)
    );
    assert!(h.state().line_scale() > 1.0, "thicker lines");
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(
        h.state().maximized,
        Some(halo_workbench::app::Pane::Exposures)
    );
    h.key_press(egui::Key::ArrowLeft);
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert_eq!(
        h.state().maximized,
        Some(halo_workbench::app::Pane::Backtest),
        "wraps around"
    );
    // The sliders stay reachable for the audience's "what if".
    set_slider(&mut h, "Heavy assets", 2.0);
    assert_eq!(
        h.state()
            .results
            .as_ref()
            .unwrap()
            .settings
            .weights
            .heavy_assets,
        2.0
    );
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().presentation);
}

#[test]
fn the_ranking_table_searches_and_sorts() {
    use halo_workbench::app::Pane;
    let mut h = open_app();
    settle(&mut h);
    h.state_mut().maximized = Some(Pane::Ranking);
    h.run();
    let (best, scored, it_best) = {
        let r = h.state().results.clone().unwrap();
        let (cs, sc) = (&r.prep().cs, r.scores());
        let by_rank = |k: u32| (0..cs.len()).find(|&s| sc.rank[s] == k).unwrap();
        let best = by_rank(1);
        let it = (1..)
            .map(by_rank)
            .find(|&s| cs.sectors[s] == "Information Technology")
            .unwrap();
        let scored = sc.rank.iter().filter(|r| **r > 0).count();
        (cs.tickers[best].clone(), scored, cs.tickers[it].clone())
    };
    assert_ne!(best, it_best);
    assert!(h.query_by_label(&best).is_some(), "{best} at the top");
    assert_eq!(
        h.state().panes.ranking.rows.as_ref().unwrap().rows.len(),
        scored
    );
    // Search: a sector's names only, best first.
    h.state_mut().state.view.ranking.search = "information tech".into();
    h.run();
    assert!(h.query_by_label(&best).is_none());
    assert!(h.query_by_label(&it_best).is_some());
    // Sort by ticker (the header button), then back to the full list.
    click(&mut h, "Ticker");
    let tickers = |h: &Harness<'static, WorkbenchApp>| {
        let r = h.state().results.clone().unwrap();
        let rows = h.state().panes.ranking.rows.as_ref().unwrap().rows.clone();
        rows.iter()
            .map(|&s| r.prep().cs.tickers[s].clone())
            .collect::<Vec<_>>()
    };
    let shown = tickers(&h);
    let mut sorted = shown.clone();
    sorted.sort();
    assert_eq!(shown, sorted);
    assert!(shown.len() > 10 && shown.len() < scored);
    h.state_mut().state.view.ranking.search.clear();
    h.run();
    assert_eq!(tickers(&h).len(), scored);
}

#[test]
fn the_backtest_pane_shows_the_signal_decay_and_takes_the_horizons_typed() {
    let open = |lang| {
        let state = PersistedState {
            lang,
            ..Default::default()
        };
        let mut h = common::open([1400.0, 900.0], state);
        h.state_mut().maximized = Some(halo_workbench::app::Pane::Backtest);
        h.run();
        h
    };
    // The horizon `k`'s months, dates, names a date and dates past the prices, from the
    // engine.
    let horizon = |h: &Harness<'static, WorkbenchApp>, k: usize| {
        let results = h.state().results.clone().unwrap();
        let b = results.backtest.clone().unwrap();
        let b = b.as_ref().as_ref().unwrap();
        let (months, x) = &b.horizons[k];
        let x = x.as_ref().unwrap();
        (*months, x.dates, x.names_per_date.round(), x.past_prices)
    };
    let mut h = open(halo_workbench::i18n::Lang::En);
    // The default horizons, as the engine measured them.
    h.get_by_label("IC mean by horizon");
    let (months, n, names, _) = horizon(&h, 3);
    assert_eq!(months, 12);
    let said = format!("12 m: {n} dates, {names} names a date");
    assert!(h.query_by_label_contains(&said).is_some(), "{said}");
    let input = "Horizons (months)";
    let type_in = |h: &mut Harness<'static, WorkbenchApp>, text: &str| {
        h.get_by_role_and_label(Role::TextInput, input).click();
        h.run();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_role_and_label(Role::TextInput, input)
            .type_text(text);
        h.run();
    };
    // Nothing applies while typing; a bad entry is named and, on Enter, not applied.
    type_in(&mut h, "1, 3, x");
    assert!(
        h.query_by_label_contains("“x” is not a whole number of months from 1 to 120")
            .is_some()
    );
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().state.settings.analytics.horizons, [1, 3, 6, 12]);
    // Three years (past the sample's prices for the later dates) and ten (past them for
    // every date), applied on Enter as one change: each measured where it can be, the
    // rest said.
    type_in(&mut h, "1, 3, 36, 1");
    assert_eq!(h.state().state.settings.analytics.horizons, [1, 3, 6, 12]);
    h.key_press(egui::Key::End);
    h.get_by_role_and_label(Role::TextInput, input)
        .type_text("20");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(h.state().state.settings.analytics.horizons, [1, 3, 36, 120]);
    let (months, n, names, past) = horizon(&h, 2);
    assert!(months == 36 && past > 0 && n > 0);
    let said = format!("36 m: {n} dates, {names} names a date, {past} past the prices");
    assert!(h.query_by_label_contains(&said).is_some(), "{said}");
    assert!(
        h.query_by_label_contains("no 120-month forward return")
            .is_some()
    );
    // Undone, the field follows the settings back.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(h.state().state.settings.analytics.horizons, [1, 3, 6, 12]);
    let shown = h.get_by_role_and_label(Role::TextInput, input).value();
    assert_eq!(shown.as_deref(), Some("1, 3, 6, 12"));
    // In Chinese: the charts' names and what a horizon was measured on.
    let mut h = open(halo_workbench::i18n::Lang::Zh);
    h.get_by_label("各区间 IC 均值");
    h.state_mut().state.settings.analytics.horizons = vec![1, 36];
    h.run_steps(2);
    settle(&mut h);
    let (_, n, names, past) = horizon(&h, 1);
    let said = format!("36 个月：{n} 个调仓日，每个调仓日平均 {names} 只，{past} 个超出价格区间");
    assert!(h.query_by_label_contains(&said).is_some(), "{said}");
    let shown = h
        .get_by_role_and_label(Role::TextInput, "远期区间（月）")
        .value();
    assert_eq!(shown.as_deref(), Some("1, 36"));
}
