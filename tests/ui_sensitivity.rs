//! The sensitivity pane driven through egui_kittest: off until asked, the sweep streams in
//! from the compute worker and equals the engine's, a click on a point sets that pillar's
//! weight (and the sweep follows the new weights), in English and in Chinese.

mod common;

use common::wait_for_sweep;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use halo_workbench::app::{Pane, PersistedState, WorkbenchApp};
use halo_workbench::engine::metrics::Pillar;
use halo_workbench::engine::pipeline::Pipeline;
use halo_workbench::engine::sensitivity::{SweepSpec, sweep};
use halo_workbench::i18n::Lang;

fn open(lang: Lang) -> Harness<'static, WorkbenchApp> {
    let state = PersistedState {
        lang,
        ..Default::default()
    };
    let mut h = common::open([1400.0, 900.0], state);
    h.state_mut().maximized = Some(Pane::Sensitivity);
    h.run();
    h
}

/// A swept setting's backtest IC mean.
fn ic_mean(x: &halo_workbench::engine::sensitivity::SweepPoint) -> f64 {
    x.outcome
        .as_ref()
        .unwrap()
        .backtest
        .as_ref()
        .unwrap()
        .ic_mean
}

#[test]
fn the_sweep_streams_in_equals_the_engine_and_a_click_sets_the_weight() {
    let mut h = open(Lang::En);
    // Off until asked: no sweep is run.
    assert!(
        h.query_by_label_contains("to see how the results move")
            .is_some()
    );
    assert!(h.state().sweep.points.is_empty());
    // The tick sweeps the results on screen: they are not computed again.
    let before = h.state().results.clone().unwrap();
    h.get_by_label("Sweep the pillar weights").click();
    wait_for_sweep(&mut h);
    assert!(std::sync::Arc::ptr_eq(
        &before,
        h.state().results.as_ref().unwrap()
    ));
    let (got, want) = {
        let app = h.state();
        let done = app.sweep.done.clone().unwrap().unwrap();
        let mut p = Pipeline::new(app.inputs.clone().unwrap());
        let want = sweep(
            &mut p,
            &app.state.settings,
            SweepSpec::default(),
            &mut |_| true,
        )
        .unwrap();
        (done, want)
    };
    assert_eq!(got.points.len(), 52);
    for (a, b) in got.points.iter().zip(&want.points) {
        let (a, b) = (a.outcome.as_ref().unwrap(), b.outcome.as_ref().unwrap());
        let (x, y) = (a.backtest.as_ref().unwrap(), b.backtest.as_ref().unwrap());
        assert_eq!(x.ic_mean.to_bits(), y.ic_mean.to_bits());
        assert_eq!(a.basket, b.basket);
    }
    assert_eq!(got.stability, want.stability);
    // The name fewest settings keep is listed under the chart.
    let least = got
        .stability
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
        .0;
    let ticker = h.state().results.as_ref().unwrap().prep().cs.tickers[least].clone();
    assert!(h.query_by_label(&ticker).is_some(), "{ticker} listed");
    // Click heavy assets' point at weight 2 (the default measure, the IC mean).
    let target = got
        .points
        .iter()
        .find(|x| x.pillar == Pillar::HeavyAssets && x.weight == 2.0)
        .unwrap();
    let ic = ic_mean(target);
    let pos = h
        .state()
        .panes
        .sensitivity
        .transform
        .unwrap()
        .position_from_point(&egui_plot::PlotPoint::new(2.0, ic));
    h.event(egui::Event::PointerMoved(pos));
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
        h.run_steps(1);
    }
    assert_eq!(h.state().state.settings.weights.heavy_assets, 2.0);
    // The sweep follows: its current point for heavy assets is now at 2.
    wait_for_sweep(&mut h);
    let done = h.state().sweep.done.clone().unwrap().unwrap();
    let current: Vec<f64> = done
        .points
        .iter()
        .filter(|x| x.current && x.pillar == Pillar::HeavyAssets)
        .map(|x| x.weight)
        .collect();
    assert_eq!(current, [2.0]);
    // Unticked, the sweep is dropped, and the results stay as they are.
    let before = h.state().results.clone().unwrap();
    h.get_by_label("Sweep the pillar weights").click();
    common::settle(&mut h);
    assert!(h.state().sweep.points.is_empty());
    assert!(std::sync::Arc::ptr_eq(
        &before,
        h.state().results.as_ref().unwrap()
    ));
    assert!(!h.state().is_computing());
}

#[test]
fn the_panes_export_button_writes_the_sweep_as_a_figure_and_its_csv() {
    let mut h = open(Lang::En);
    let dir = tempfile::tempdir().unwrap();
    h.state_mut().state.export_dir = Some(dir.path().to_path_buf());
    h.state_mut().state.export_scale = 1.0;
    h.get_by_label("Sweep the pillar weights").click();
    wait_for_sweep(&mut h);
    h.get_by_label("Export").click();
    h.run_steps(2);
    h.state_mut().wait_for_export();
    common::settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    let png = dir.path().join("halo_sensitivity_2017-04-01_1x.png");
    let img = image::open(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert_eq!((img.width(), img.height()), (1100, 700));
    // The CSV: a row per swept setting, the sweep's own numbers.
    let done = h.state().sweep.done.clone().unwrap().unwrap();
    let text =
        std::fs::read_to_string(dir.path().join("halo_sensitivity_2017-04-01_1x.csv")).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), done.points.len());
    for (row, x) in rows.iter().zip(&done.points) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[0], x.pillar.id());
        assert_eq!(cells[7].parse::<f64>().unwrap(), ic_mean(x), "{row}");
    }
}

#[test]
fn on_demand_the_metrics_weights_are_swept_too_each_a_line() {
    let mut h = open(Lang::En);
    h.get_by_label("Sweep the pillar weights").click();
    wait_for_sweep(&mut h);
    assert!(h.query_by_label("PP&E intensity").is_none());
    h.get_by_label("and each metric's").click();
    wait_for_sweep(&mut h);
    let done = h.state().sweep.done.clone().unwrap().unwrap();
    let ppe: Vec<_> = done
        .points
        .iter()
        .filter(|x| x.metric.as_deref() == Some("ppe_intensity"))
        .collect();
    assert_eq!(ppe.len(), 13);
    assert!(ppe.iter().all(|x| x.pillar == Pillar::HeavyAssets));
    // Its line is in the legend, by the metric's label.
    assert!(h.query_by_label("PP&E intensity").is_some());
}

#[test]
fn the_pane_speaks_chinese() {
    let mut h = open(Lang::Zh);
    h.get_by_label("扫描支柱权重").click();
    wait_for_sweep(&mut h);
    assert_eq!(Pane::Sensitivity.title(), "敏感性");
    for label in ["IC 均值", "留存名称 (%)"] {
        assert!(h.query_by_label(label).is_some(), "{label}");
    }
    assert!(h.query_by_label_contains("当前篮子").is_some());
    halo_workbench::i18n::set_lang(Lang::En);
}

#[test]
fn the_ranking_shows_and_sorts_by_the_share_of_settings_that_keep_each_name() {
    let mut h = open(Lang::En);
    // Before the sweep, no share is shown.
    h.state_mut().maximized = Some(Pane::Ranking);
    h.run();
    assert!(h.query_by_label("100%").is_none());
    assert!(h.query_by_label("Kept").is_some());
    h.state_mut().maximized = Some(Pane::Sensitivity);
    h.run();
    h.get_by_label("Sweep the pillar weights").click();
    h.run_steps(1);
    h.state_mut().maximized = Some(Pane::Ranking);
    wait_for_sweep(&mut h);
    let done = h.state().sweep.done.clone().unwrap().unwrap();
    let results = h.state().results.clone().unwrap();
    let tickers = &results.prep().cs.tickers;
    // Sorted by the share kept: the names most settings keep first, then the rest of the
    // basket by share, then the names outside it.
    h.get_by_label("Kept").click();
    h.run();
    let share = |s: usize| {
        done.stability
            .iter()
            .find(|x| x.0 == s)
            .map_or(f64::NAN, |x| x.1)
    };
    let rows = h.state().panes.ranking.rows.as_ref().unwrap().rows.clone();
    let shares: Vec<f64> = rows.iter().map(|&s| share(s)).collect();
    let in_basket = shares.iter().take_while(|x| x.is_finite()).count();
    assert_eq!(in_basket, done.stability.len());
    assert!(
        shares[..in_basket].windows(2).all(|w| w[0] >= w[1]),
        "{shares:?}"
    );
    assert!(shares[0] > shares[in_basket - 1]);
    // The first row shows its share.
    let first = rows[0];
    assert!(h.query_by_label(&tickers[first]).is_some());
    let shown = format!("{:.0}%", shares[0] * 100.0);
    assert!(h.query_all_by_label(&shown).count() >= 1, "{shown}");
}
