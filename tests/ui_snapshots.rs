//! Rendered images of the whole window and of each pane (maximised), in light and dark
//! themes at 1x and 2x, compared with tests/snapshots. They render through wgpu on Mesa's
//! software Vulkan (installed by .ci/run). After a deliberate change to the look:
//! `UPDATE_SNAPSHOTS=1 cargo test --release --test ui_snapshots`, then look at the images.

mod common;

use egui_kittest::{Harness, SnapshotOptions};
use halo_workbench::app::{Pane, PersistedState, WorkbenchApp};

fn render(theme: egui::Theme, ppp: f32) -> Harness<'static, WorkbenchApp> {
    let state = PersistedState {
        dark_mode: theme == egui::Theme::Dark,
        ..Default::default()
    };
    common::open_styled([1100.0, 720.0], ppp, theme, state)
}

fn all_views(theme: egui::Theme, ppp: f32) {
    let tag = format!(
        "{}_{}x",
        if theme == egui::Theme::Dark {
            "dark"
        } else {
            "light"
        },
        ppp as u32
    );
    // A fresh machine's software renderer put 2 pixels of a fading edge a shade apart on
    // one snapshot (invisible at 8x): a handful of pixels may differ, never a moved border.
    let opts = SnapshotOptions::new().threshold(0.6).max_failed_pixels(4);
    let mut h = render(theme, ppp);
    let mut results = vec![h.try_snapshot_options(format!("window_{tag}"), &opts)];
    for &pane in Pane::ALL {
        h.state_mut().maximized = Some(pane);
        if pane == Pane::Sensitivity {
            // With its sweep (off by default, it would show only how to start it).
            h.state_mut().state.view.sensitivity.run = true;
            common::wait_for_sweep(&mut h);
        }
        h.run();
        results.push(h.try_snapshot_options(format!("pane_{pane:?}_{tag}").to_lowercase(), &opts));
    }
    let failed: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.err().map(|e| e.to_string()))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn light_1x() {
    all_views(egui::Theme::Light, 1.0);
}

#[test]
fn dark_1x() {
    all_views(egui::Theme::Dark, 1.0);
}

#[test]
fn light_2x() {
    all_views(egui::Theme::Light, 2.0);
}

#[test]
fn dark_2x() {
    all_views(egui::Theme::Dark, 2.0);
}

/// Compare mode: the Goldman Sachs lens pinned beside the Morgan Stanley lens, the window
/// and each chart (ghost bars and dashed lines, the lens legend) and the ranking.
fn compare_views(theme: egui::Theme) {
    let tag = if theme == egui::Theme::Dark {
        "dark"
    } else {
        "light"
    };
    let opts = SnapshotOptions::new().threshold(0.6).max_failed_pixels(4);
    let mut h = render(theme, 1.0);
    h.state_mut()
        .push(halo_workbench::app::Command::ApplyPreset(
            "goldman_sachs".into(),
        ));
    common::settle(&mut h);
    h.state_mut().push(halo_workbench::app::Command::Pin);
    h.state_mut()
        .push(halo_workbench::app::Command::ApplyPreset(
            "morgan_stanley".into(),
        ));
    common::settle(&mut h);
    let mut results = vec![h.try_snapshot_options(format!("compare_window_{tag}"), &opts)];
    let mut panes = Pane::charts();
    panes.push(Pane::Ranking);
    for pane in panes {
        h.state_mut().maximized = Some(pane);
        h.run();
        let name = format!("compare_{pane:?}_{tag}").to_lowercase();
        results.push(h.try_snapshot_options(name, &opts));
    }
    let failed: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.err().map(|e| e.to_string()))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn compare_light() {
    compare_views(egui::Theme::Light);
}

#[test]
fn compare_dark() {
    compare_views(egui::Theme::Dark);
}
