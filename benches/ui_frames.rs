//! Frame times of the real workbench driven off screen by egui_kittest, with every pane
//! visible (issue 5): the UI's CPU time per frame (layout and drawing commands; the GPU
//! submission is not included: on this machine it would time Mesa's software rasterizer),
//! and how many frames pass between a slider move and every pane showing the new numbers,
//! with frames paced at 60 Hz. On the bundled sample and on a synthetic 3,000 x 240 panel.
//!
//!     cargo bench --bench ui_frames

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use halo_workbench::app::{PersistedState, WorkbenchApp};
use halo_workbench::engine::synth;

#[path = "../tests/common/mod.rs"]
mod common;

use common::settle;

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
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
    // Slider moves: frames (paced at 60 Hz) until the results for the new settings arrive.
    let mut frames_to_update = Vec::new();
    let mut frames_to_fast = Vec::new();
    let mut busy = Vec::new();
    for k in 0..20 {
        h.state_mut().state.settings.weights.heavy_assets = 1.0 + 0.05 * (k + 1) as f64;
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
            if current.is_some_and(|r| r.is_complete()) || frames > 600 {
                break;
            }
            std::thread::sleep(Duration::from_millis(16).saturating_sub(dt));
        }
        if frames > 600 {
            eprintln!(
                "{name}: move {k} never updated; results for {:?}",
                h.state()
                    .results
                    .as_ref()
                    .map(|r| r.settings.weights.heavy_assets)
            );
        }
        frames_to_update.push(frames as f64);
        frames_to_fast.push(fast.unwrap_or(frames) as f64);
    }
    let compute = h
        .state()
        .results
        .as_ref()
        .map(|r| r.elapsed.as_secs_f64() * 1e3)
        .unwrap_or(f64::NAN);
    println!(
        "{name}: frame time p50 {:.2} ms, p95 {:.2} ms (idle); p95 {:.2} ms while recomputing; slider move to sectors, exposures, scenarios and ranking updated: median {} frames, max {}; to the backtest too: median {} frames, max {}; off-thread recompute {:.1} ms",
        percentile(idle.clone(), 0.5),
        percentile(idle, 0.95),
        percentile(busy, 0.95),
        percentile(frames_to_fast.clone(), 0.5),
        percentile(frames_to_fast, 1.0),
        percentile(frames_to_update.clone(), 0.5),
        percentile(frames_to_update, 1.0),
        compute
    );
}

fn main() {
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(|cc| WorkbenchApp::with_state(&cc.egui_ctx, PersistedState::default()));
    measure("sample (447 securities, 135 months)", &mut h);
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(|cc| WorkbenchApp::with_state(&cc.egui_ctx, PersistedState::default()));
    settle(&mut h);
    let ds = synth::generate(3_000, 240, 1)
        .expect("synthetic")
        .dataset("synthetic 3000 x 240");
    h.state_mut().set_dataset(ds);
    measure("synthetic 3,000 x 240", &mut h);
}
