//! Helpers shared by the UI tests and the UI frame benchmark: open the real app in an
//! egui_kittest harness, and let it settle (loads and computations run off the UI thread).
// Each test crate uses the helpers it needs.
#![allow(dead_code)]

use egui_kittest::Harness;
use halo_workbench::app::{PersistedState, WorkbenchApp};

pub fn open(size: [f32; 2], state: PersistedState) -> Harness<'static, WorkbenchApp> {
    open_styled(size, 1.0, egui::Theme::Light, state)
}

pub fn open_styled(
    size: [f32; 2],
    ppp: f32,
    theme: egui::Theme,
    state: PersistedState,
) -> Harness<'static, WorkbenchApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .with_pixels_per_point(ppp)
        .with_theme(theme)
        .build_eframe(move |cc| WorkbenchApp::with_state(&cc.egui_ctx, state));
    settle(&mut h);
    h
}

/// Run frames until loads and computations are done (they run off the UI thread).
pub fn settle(h: &mut Harness<'static, WorkbenchApp>) {
    h.run_steps(2);
    while h.state().is_loading() || h.state().is_computing() {
        h.state_mut().wait_for_load();
        h.state_mut().wait_for_results();
        h.run_steps(2);
    }
    h.run();
}
