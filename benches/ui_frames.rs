//! Frame times of the real workbench driven off screen by egui_kittest, with every pane
//! visible (issue 5): the UI's CPU time per frame (layout and drawing commands; the GPU
//! submission is not included: on this machine it would time Mesa's software rasterizer),
//! and how many frames pass between a slider move (20 moves of a pillar slider, then 20 of
//! a metric slider) and every pane showing the new numbers, with frames paced at 60 Hz.
//! On the bundled sample (alone, and with three lenses pinned) and on synthetic 3,000 x
//! 240 and 10,000 x 360 panels.
//!
//!     cargo bench --bench ui_frames

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use halo_workbench::app::{PersistedState, WorkbenchApp};
use halo_workbench::engine::compare::Pin;
use halo_workbench::engine::presets::preset;
use halo_workbench::engine::settings::Settings;
use halo_workbench::engine::synth;

#[path = "../tests/common/mod.rs"]
mod common;

use common::settle;

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Frames (paced at 60 Hz) from each of 20 slider moves to the results for the new
/// settings: (to sectors, exposures, scenarios and ranking; to the backtest too), and the
/// UI's time per frame meanwhile.
fn moves(
    h: &mut Harness<'static, WorkbenchApp>,
    name: &str,
    mut slide: impl FnMut(&mut WorkbenchApp, f64),
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut frames_to_update = Vec::new();
    let mut frames_to_fast = Vec::new();
    let mut busy = Vec::new();
    for k in 0..20 {
        slide(h.state_mut(), 1.0 + 0.05 * (k + 1) as f64);
        let mut frames = 0;
        let mut fast = None;
        loop {
            let t = Instant::now();
            h.step();
            let dt = t.elapsed();
            busy.push(dt.as_secs_f64() * 1e3);
            frames += 1;
            // The slider may round the value it is given: compare with the settings now.
            let want = &h.state().state.settings;
            let current = h.state().results.as_ref().filter(|r| &r.settings == want);
            if fast.is_none() && current.is_some() {
                fast = Some(frames);
            }
            let complete =
                current.is_some_and(|r| r.backtest.is_some()) && !h.state().backtest_pending;
            if complete || frames > 600 {
                break;
            }
            std::thread::sleep(Duration::from_millis(16).saturating_sub(dt));
        }
        if frames > 600 {
            eprintln!("{name}: move {k} never updated");
        }
        frames_to_update.push(frames as f64);
        frames_to_fast.push(fast.unwrap_or(frames) as f64);
    }
    (frames_to_fast, frames_to_update, busy)
}

fn measure(name: &str, h: &mut Harness<'static, WorkbenchApp>) {
    settle(h);
    // Frame times with all panes visible and nothing changing.
    let mut idle = Vec::new();
    for _ in 0..120 {
        let t = Instant::now();
        h.step();
        idle.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let compute = |h: &Harness<'static, WorkbenchApp>| {
        h.state()
            .results
            .as_ref()
            .map(|r| r.elapsed.as_secs_f64() * 1e3)
            .unwrap_or(f64::NAN)
    };
    let (fast, full, mut busy) = moves(h, name, |app, v| {
        app.state.settings.weights.heavy_assets = v;
    });
    let pillar_compute = compute(h);
    let (metric_fast, metric_full, metric_busy) = moves(h, name, |app, v| {
        app.state
            .settings
            .weights
            .metrics
            .insert("ppe_intensity".into(), v);
    });
    busy.extend(metric_busy);
    println!(
        "{name}: frame time p50 {:.2} ms, p95 {:.2} ms (idle); p95 {:.2} ms while recomputing",
        percentile(idle.clone(), 0.5),
        percentile(idle, 0.95),
        percentile(busy, 0.95),
    );
    for (what, fast, full, ms) in [
        ("pillar", fast, full, pillar_compute),
        ("metric", metric_fast, metric_full, compute(h)),
    ] {
        println!(
            "  {what} slider move to sectors, exposures, scenarios and ranking updated: median {} frames, max {}; to the backtest too: median {} frames, max {}; off-thread recompute {ms:.1} ms",
            percentile(fast.clone(), 0.5),
            percentile(fast, 1.0),
            percentile(full.clone(), 0.5),
            percentile(full, 1.0),
        );
    }
}

fn main() {
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(|cc| WorkbenchApp::with_state(&cc.egui_ctx, PersistedState::default()));
    measure("sample (447 securities, 135 months)", &mut h);
    // Three lenses pinned (compare mode): every chart draws their ghosts and legends.
    let pinned = PersistedState {
        pins: ["goldman_sachs", "morgan_stanley", "jpmorgan"]
            .map(|id| {
                let mut settings = Settings::default();
                preset(id).expect("bundled preset").apply(&mut settings);
                Pin { settings }
            })
            .into(),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(move |cc| WorkbenchApp::with_state(&cc.egui_ctx, pinned));
    measure("sample, three lenses pinned", &mut h);
    for (n, months) in [(3_000, 240), (10_000, 360)] {
        let mut h = Harness::builder()
            .with_size([1600.0, 1000.0])
            .build_eframe(|cc| WorkbenchApp::with_state(&cc.egui_ctx, PersistedState::default()));
        settle(&mut h);
        let ds = synth::generate(n, months, 1)
            .expect("synthetic")
            .dataset(&format!("synthetic {n} x {months}"));
        h.state_mut().set_dataset(ds);
        measure(&format!("synthetic {n} x {months}"), &mut h);
    }
}
