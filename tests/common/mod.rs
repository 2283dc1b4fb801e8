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

/// Frames until the weight sweep is in (it runs after the other panes' results; the
/// pane's spinner repaints meanwhile, so steps, not `run`).
pub fn wait_for_sweep(h: &mut Harness<'static, WorkbenchApp>) {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        h.state_mut().wait_for_load();
        h.state_mut().wait_for_results();
        h.run_steps(1);
        let busy = h.state().sweep.running() || h.state().is_computing();
        if !busy || std::time::Instant::now() > end {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run();
    assert!(!h.state().sweep.running(), "the sweep did not finish");
}

/// A user's own small dataset, nothing like the sample: eight A-share style codes in two
/// sectors, one annual report each (FY2023, no market caps), and month-end closes from
/// 2019-12 to 2025-06 that move by a known return each month ([`user_return`]).
pub fn user_files(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let fundamentals = dir.join("csi_fundamentals.csv");
    let mut f = String::from(
        "代码,名称,报告期,行业,总资产,固定资产,营业收入,经营活动现金流量净额,资本支出\n",
    );
    for (i, t) in USER_TICKERS.iter().enumerate() {
        let sector = if i < 4 { "石油石化" } else { "计算机" };
        let (ta, ppe) = (1000.0 + 100.0 * i as f64, 800.0 - 90.0 * i as f64);
        let (rev, cfo, capex) = (
            500.0 + 10.0 * i as f64,
            60.0 + 7.0 * i as f64,
            90.0 - 8.0 * i as f64,
        );
        f.push_str(&format!(
            "{t},名{i},2023-12-31,{sector},{ta},{ppe},{rev},{cfo},{capex}\n"
        ));
    }
    std::fs::write(&fundamentals, f).unwrap();
    let prices = dir.join("csi_prices.csv");
    let mut p = String::from("代码,日期,收盘价\n");
    for (i, t) in USER_TICKERS.iter().enumerate() {
        let mut close = 10.0;
        for (m, day) in user_months().iter().enumerate() {
            if m > 0 {
                close *= 1.0 + user_return(i, m);
            }
            p.push_str(&format!("{t},{day},{close}\n"));
        }
    }
    std::fs::write(&prices, p).unwrap();
    (fundamentals, prices)
}

pub const USER_TICKERS: [&str; 8] = [
    "600028.SH",
    "601857.SH",
    "600938.SH",
    "601088.SH",
    "000977.SZ",
    "002230.SZ",
    "600588.SH",
    "300033.SZ",
];

/// The month ends of the user's prices: 2019-12-31 to 2025-06-30.
pub fn user_months() -> Vec<chrono::NaiveDate> {
    use chrono::{Datelike, NaiveDate};
    let mut out = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
    while d <= NaiveDate::from_ymd_opt(2025, 6, 30).unwrap() {
        out.push(d);
        let next =
            NaiveDate::from_ymd_opt(d.year() + (d.month() / 12) as i32, d.month() % 12 + 1, 1)
                .unwrap();
        d = next
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap();
    }
    out
}

/// Security `i`'s return in month `m` (m >= 1) of [`user_months`].
pub fn user_return(i: usize, m: usize) -> f64 {
    0.004 * i as f64 - 0.01 + 0.05 * ((m * (i + 2)) as f64 * 0.7 + i as f64).sin()
}
