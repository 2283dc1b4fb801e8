//! Compare mode driven through egui_kittest on the real app: pin a lens (the button and
//! Ctrl+P), every chart's legend names both lenses (English and Chinese), the ranking
//! lists the names entering and leaving the basket (checked against sets of tickers made
//! here), a pinned lens's results are a fresh pipeline's, at most three pins and no
//! duplicate, unpin returns to one lens, and a project keeps its pins (on a user's own
//! files, not the sample) and draws them in its figures.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use halo_workbench::app::chart::PinResults;
use halo_workbench::app::figure::{Figure, FigureRequest, Renderer, project_scene};
use halo_workbench::app::messages::{AppError, Worker};
use halo_workbench::app::{Command, Pane, PersistedState, WorkbenchApp};
use halo_workbench::engine::pipeline::{Pipeline, Results};
use halo_workbench::i18n::{Lang, set_lang};

fn open(lang: Lang) -> Harness<'static, WorkbenchApp> {
    let state = PersistedState {
        lang,
        ..Default::default()
    };
    common::open([1400.0, 900.0], state)
}

fn apply(h: &mut Harness<'static, WorkbenchApp>, preset: &str) {
    h.state_mut().push(Command::ApplyPreset(preset.into()));
    common::settle(h);
}

/// Click a control that may sit below the fold of the scrolling side panel.
fn click(h: &mut Harness<'static, WorkbenchApp>, label: &str) {
    h.get_by_label_contains(label).scroll_to_me();
    h.run();
    h.get_by_label_contains(label).click();
    h.run();
}

/// How many widgets read out a label containing `text`.
fn count(h: &Harness<'static, WorkbenchApp>, text: &str) -> usize {
    h.query_all_by_label_contains(text).count()
}

/// The pin's results, which must be in.
fn pinned(app: &WorkbenchApp, k: usize) -> Arc<Results> {
    match &app.pin_views()[k].results {
        PinResults::Ready(r) => r.clone(),
        PinResults::Computing => panic!("pin {k} is still computing"),
        PinResults::Failed(e) => panic!("pin {k} failed: {e:?}"),
    }
}

/// The basket's tickers.
fn basket(r: &Results) -> HashSet<String> {
    let cs = &r.prep().cs;
    r.scores()
        .basket
        .members
        .iter()
        .map(|&s| cs.tickers[s].clone())
        .collect()
}

/// A pinned lens computed by the window equals the engine's pipeline on the same data.
fn assert_same_as_fresh(app: &WorkbenchApp, r: &Results) {
    let mut p = Pipeline::new(app.inputs.clone().unwrap());
    let fresh = p.results(&r.settings).unwrap();
    assert_eq!(fresh.scores().basket.members, r.scores().basket.members);
    assert_eq!(fresh.scores().basket.weights, r.scores().basket.weights);
    // The backtest's IC, or why it could not run (a short history).
    let ic = |r: &Results| {
        let b = r.backtest.as_deref().unwrap().as_ref();
        b.map(|b| b.ic_mean.to_bits()).map_err(|e| e.clone())
    };
    assert_eq!(ic(&fresh), ic(r));
}

#[test]
fn pin_compare_and_unpin_on_the_sample_in_english() {
    let mut h = open(Lang::En);
    apply(&mut h, "goldman_sachs");
    let gs = h.state().results.clone().unwrap();
    click(&mut h, "Pin the current lens");
    assert_eq!(h.state().state.pins.len(), 1);
    // The results on screen were the pinned settings': they are the pin's, not recomputed.
    assert!(Arc::ptr_eq(&pinned(h.state(), 0), &gs));

    apply(&mut h, "morgan_stanley");
    let ms = h.state().results.clone().unwrap();
    assert_ne!(
        basket(&gs),
        basket(&ms),
        "the two lenses pick different baskets"
    );
    // Every chart names both lenses.
    for pane in Pane::charts() {
        h.state_mut().maximized = Some(pane);
        h.run();
        // The chart's legend, and the list of pins in the controls.
        assert_eq!(count(&h, "Pinned 1: Goldman Sachs"), 2, "{pane:?}");
        assert_eq!(count(&h, "Live: Morgan Stanley"), 1, "{pane:?}");
    }
    // The ranking: entering = live minus pinned, leaving = pinned minus live.
    h.state_mut().maximized = Some(Pane::Ranking);
    h.run();
    let (live, pin) = (basket(&ms), basket(&gs));
    let enter = live.difference(&pin).count();
    let leave = pin.difference(&live).count();
    let common = live.intersection(&pin).count();
    assert!(enter > 0 && leave > 0);
    let line =
        format!("Against Pinned 1: Goldman Sachs: {enter} enter, {leave} leave, {common} in both");
    assert!(count(&h, &line) > 0, "{line}");
    // The entering names listed in the live basket's order, the leaving in the pin's.
    let first = |r: &Results, other: &HashSet<String>| {
        let cs = &r.prep().cs;
        let b = &r.scores().basket.members;
        b.iter()
            .map(|&s| cs.tickers[s].clone())
            .find(|t| !other.contains(t))
            .unwrap()
    };
    assert_eq!(count(&h, &format!("+ {}", first(&ms, &pin))), 1);
    assert_eq!(count(&h, &format!("− {}", first(&gs, &live))), 1);

    // Ctrl+P pins the live lens; the same settings twice are refused.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    assert_eq!(h.state().state.pins.len(), 2);
    common::settle(&mut h);
    assert!(Arc::ptr_eq(&pinned(h.state(), 1), &ms));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    assert_eq!(h.state().state.pins.len(), 2);
    assert!(
        h.state()
            .errors
            .contains(&AppError::AlreadyPinned { pin: 2 })
    );
    // A third lens, then a fourth is refused.
    h.state_mut().state.settings.weights.heavy_assets = 2.5;
    common::settle(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    h.state_mut().state.settings.weights.heavy_assets = 0.5;
    common::settle(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    assert_eq!(h.state().state.pins.len(), 3);
    assert!(h.state().errors.contains(&AppError::TooManyPins { max: 3 }));
    for k in 0..3 {
        assert_same_as_fresh(h.state(), &pinned(h.state(), k));
    }

    // Unpin the first (its × in the controls): Morgan Stanley becomes pin 1.
    h.state_mut().maximized = Some(Pane::Sectors);
    h.run();
    h.get_all_by_label("×").next().unwrap().scroll_to_me();
    h.run();
    h.get_all_by_label("×").next().unwrap().click();
    h.run();
    assert_eq!(h.state().state.pins.len(), 2);
    assert!(count(&h, "Pinned 1: Morgan Stanley") > 0);
    click(&mut h, "Unpin all");
    assert!(h.state().state.pins.is_empty());
    assert!(count(&h, "Pinned 1") == 0);
    assert!(count(&h, "Live:") == 0, "one lens: no lens legend");
}

#[test]
fn the_legends_and_the_basket_change_in_chinese() {
    let mut h = open(Lang::Zh);
    apply(&mut h, "goldman_sachs");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    apply(&mut h, "morgan_stanley");
    h.state_mut().maximized = Some(Pane::Backtest);
    h.run();
    assert!(count(&h, "参照 1：高盛") > 0);
    assert!(count(&h, "当前：摩根士丹利") > 0);
    h.state_mut().maximized = Some(Pane::Ranking);
    h.run();
    assert!(count(&h, "对比参照 1：高盛：调入") > 0);
}

#[test]
fn a_project_on_the_users_files_keeps_its_pins_and_draws_them_in_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (fundamentals, prices) = common::user_files(dir.path());
    let mut h = open(Lang::En);
    h.state_mut()
        .push(Command::OpenData(vec![fundamentals, prices]));
    common::settle(&mut h);
    assert!(
        h.state().dataset.name.contains("csi_"),
        "{}",
        h.state().dataset.name
    );
    click(&mut h, "Pin the current lens");
    h.state_mut().state.settings.weights.low_obsolescence = 3.0;
    common::settle(&mut h);
    h.state_mut().maximized = Some(Pane::Sectors);
    h.run();
    assert!(count(&h, "Pinned 1: HALO (default)") > 0);
    assert!(count(&h, "Live: HALO (default), modified") > 0);
    let want = pinned(h.state(), 0);
    assert_same_as_fresh(h.state(), &want);

    // The live lens failing (its worker's job panics) does not stop the pin: reloading
    // the files computes the pin on them all the same, and the live lens comes back.
    let files: Vec<_> = h
        .state()
        .dataset
        .sources
        .iter()
        .map(|f| f.path.clone())
        .collect();
    h.state_mut().push(Command::OpenData(files));
    h.state_mut().wait_for_load();
    h.state().inject_fault(Worker::Compute);
    common::settle(&mut h);
    assert!(
        matches!(h.state().compute_error, Some(AppError::WorkerFailed { .. })),
        "{:?}",
        h.state().compute_error
    );
    assert_eq!(
        pinned(h.state(), 0).scores().basket.members,
        want.scores().basket.members
    );
    assert!(
        !Arc::ptr_eq(&pinned(h.state(), 0), &want),
        "computed again on the reload"
    );
    h.state_mut().state.settings.weights.low_obsolescence = 2.0;
    common::settle(&mut h);
    assert!(h.state().compute_error.is_none());

    // The figure is the live state re-rendered: its legend names the pin.
    set_lang(Lang::En);
    let scene = h.state().scene().unwrap();
    let req = FigureRequest {
        figure: Figure::Chart(Pane::Sectors),
        scale: 1.0,
        dark: false,
    };
    let svg = Renderer::new().svg(&scene, &req).unwrap();
    assert!(
        svg.text.contains("Pinned 1: HALO (default)"),
        "no pin in the SVG"
    );

    let path = dir.path().join("compare.halo.toml");
    h.state_mut().push(Command::SaveProject(path.clone()));
    h.run();
    let saved = h.state().state.pins.clone();

    // A new window opens the project: the pin is back, computed on the user's data.
    let mut h2 = open(Lang::En);
    h2.state_mut().push(Command::OpenProject(path.clone()));
    common::settle(&mut h2);
    assert_eq!(h2.state().state.pins, saved);
    let back = pinned(h2.state(), 0);
    assert_eq!(back.scores().basket.members, want.scores().basket.members);
    assert_same_as_fresh(h2.state(), &back);

    // The command line's figures draw the project's pins through the same pipeline.
    let scene = project_scene(Some(&path), None, false, Lang::En).unwrap();
    match &scene.lenses.pins[..] {
        [p] => match &p.results {
            PinResults::Ready(r) => {
                assert_eq!(r.scores().basket.members, want.scores().basket.members)
            }
            _ => panic!("the project's pin was not computed"),
        },
        other => panic!("{} pins", other.len()),
    }
}
