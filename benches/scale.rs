//! Scale (issue 16): a synthetic universe of 10,000 securities x 360 months (300,000
//! annual reports, 3.6M monthly returns), written once as Parquet, then in one process:
//! load the three files, build the inputs, score, sector performance over a 9-month
//! window, the full backtest from nothing (every rebalance date prepared, scored and
//! backtested), the re-score-then-backtest after a pillar-weight and after a
//! metric-weight move, the backtest alone given each date's scores, and the weight sweep
//! (each pillar over 13 weights: 52 settings scored, windowed and backtested). Each step prints
//! its best time over runs repeated for about a second (at least 3) and the peak resident
//! memory its first run added, against the loaded tables' size (Linux; "n/a" elsewhere).
//!
//!     cargo bench --bench scale                 (HALO_SCALE=3000x240 for a smaller panel)
//!     HALO_WRITE_PANEL=FILE.csv cargo bench --bench scale
//!         (also writes the backtest's date, asset, factor, forward-return panel, which
//!          benches/peers.py times alphalens, alphainspect and ferric-alpha on)

use std::time::Instant;

use halo_workbench::data::memory::{current_rss, peak_rss, reset_peak, table_bytes};
use halo_workbench::data::{Dataset, SourceFile, TableKind};
use halo_workbench::engine::backtest::backtest;
use halo_workbench::engine::pipeline::{Inputs, Pipeline};
use halo_workbench::engine::settings::Settings;
use halo_workbench::engine::synth;

/// Time and peak memory added of one step: the best of runs repeated for about a second
/// (at least 3, at most `runs`), and the peak of the first.
fn measure<T>(name: &str, tables: usize, runs: usize, mut f: impl FnMut() -> T) -> T {
    let base = current_rss();
    let reset = reset_peak();
    let t0 = Instant::now();
    let mut out = f();
    let mut best = t0.elapsed().as_secs_f64();
    let peak = peak_rss();
    let mut done = 1;
    while done < runs && (done < 3 || t0.elapsed().as_secs_f64() < 1.0) {
        let t = Instant::now();
        out = f();
        best = best.min(t.elapsed().as_secs_f64());
        done += 1;
    }
    let added = match (reset, base, peak) {
        (true, Some(b), Some(p)) => format!(
            "{:>8.0} MB {:>5.2}x",
            p.saturating_sub(b) as f64 / 1e6,
            p.saturating_sub(b) as f64 / tables as f64
        ),
        _ => format!("{:>17}", "n/a"),
    };
    println!("{name:<44} {:>10.2} ms {added}", best * 1e3);
    out
}

fn main() {
    let (n, months) = std::env::var("HALO_SCALE")
        .ok()
        .and_then(|s| {
            let (a, b) = s.split_once('x')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .unwrap_or((10_000usize, 360usize));
    let dir = std::path::PathBuf::from(format!("target/bench-data/scale-{n}x{months}"));
    let files = ["fundamentals", "prices", "factors"].map(|k| dir.join(format!("{k}.parquet")));
    if !files.iter().all(|f| f.is_file()) {
        std::fs::create_dir_all(&dir).expect("bench data folder");
        let u = synth::generate(n, months, 1).expect("synthetic universe");
        for (df, path) in [&u.fundamentals, &u.prices, &u.factors]
            .into_iter()
            .zip(&files)
        {
            halo_workbench::export::write_table(df, path).expect("write parquet");
        }
    }
    let sources: Vec<SourceFile> = files
        .iter()
        .map(|p| SourceFile {
            path: p.clone(),
            options: Default::default(),
        })
        .collect();
    let load_all = || Dataset::load("scale", &sources).expect("load").0;
    let ds = load_all();
    let tables: usize = TableKind::ALL
        .into_iter()
        .filter_map(|k| ds.table(k))
        .map(|t| table_bytes(&t.df))
        .sum();
    println!(
        "{n} securities x {months} months: tables {:.0} MB in memory; cores {}; load {}",
        tables as f64 / 1e6,
        std::thread::available_parallelism().map_or(0, |c| c.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_else(|_| "n/a".into())
            .trim()
    );
    println!(
        "{:<44} {:>13} {:>17}",
        "step", "best", "peak added, x tables"
    );
    measure("load 3 Parquet files", tables, 3, load_all);
    let inputs = std::sync::Arc::new(measure(
        "inputs (panel, returns, factors)",
        tables,
        3,
        || Inputs::new(&ds).expect("inputs"),
    ));
    let settings = Settings::default();
    let scored = measure("score (latest cross-section)", tables, 20, || {
        Pipeline::new(inputs.clone())
            .score(&settings)
            .expect("score")
    });
    // The last 9 months of the prices.
    let mut s9 = settings.clone();
    let months = &inputs.returns.months;
    s9.analytics.window_from = months.len().checked_sub(10).map(|m| months[m]);
    s9.analytics.window_to = None;
    let mut p = Pipeline::new(inputs.clone());
    let scored9 = p.score(&s9).expect("score");
    measure("sectors (9-month window)", tables, 100, || {
        p.sectors(&s9, &scored9).expect("sectors")
    });
    drop(scored);
    let r = measure(
        "backtest from nothing (prepare all dates)",
        tables,
        3,
        || {
            let mut p = Pipeline::new(inputs.clone());
            p.backtest(&settings).expect("backtest")
        },
    );
    println!("  ({} rebalance dates)", r.dates.len());
    let mut p = Pipeline::new(inputs.clone());
    let (h, _) = p.backtest_with_history(&settings).expect("backtest");
    // The peers measure one forward period: so does this line (the next adds the horizons).
    let mut one = settings.analytics.clone();
    one.horizons.clear();
    measure("backtest given each date's scores", tables, 200, || {
        backtest(&h, &inputs.returns, &one)
    });
    measure(
        "  the same at horizons 1, 3, 6, 12 months",
        tables,
        100,
        || backtest(&h, &inputs.returns, &settings.analytics),
    );
    if let Ok(path) = std::env::var("HALO_WRITE_PANEL") {
        let r = backtest(&h, &inputs.returns, &one);
        let mut out = String::from("date,asset,factor,fwd_return\n");
        for row in r.observations(&h) {
            out.push_str(&format!(
                "{},{},{},{}\n",
                r.dates[row.date], inputs.panel.tickers[row.security], row.score, row.fwd_return
            ));
        }
        std::fs::write(&path, out).expect("write panel");
        println!("  (its panel written to {path}; mean IC {:.6})", r.ic_mean);
    }
    let mut k = 0u32;
    let mut one_horizon = settings.clone();
    one_horizon.analytics.horizons.clear();
    for (name, base) in [
        ("re-score + backtest after a pillar move", &settings),
        ("  the same at one horizon (the peers')", &one_horizon),
    ] {
        let mut moved = base.clone();
        measure(name, tables, 200, || {
            k += 1;
            moved.weights.heavy_assets = 1.0 + f64::from(k % 2);
            p.backtest(&moved).expect("backtest")
        });
    }
    measure(
        "weight sweep, 4 pillars x 13 (target 1.5 s)",
        tables,
        3,
        || {
            let spec = halo_workbench::engine::sensitivity::SweepSpec::default();
            halo_workbench::engine::sensitivity::sweep(&mut p, &settings, spec, &mut |_| true)
                .expect("sweep")
        },
    );
    let mut moved = settings.clone();
    measure(
        "re-score + backtest after a metric move",
        tables,
        200,
        || {
            k += 1;
            moved
                .weights
                .metrics
                .insert("ppe_intensity".into(), 1.0 + f64::from(k % 2));
            p.backtest(&moved).expect("backtest")
        },
    );
    println!(
        "process peak {:.0} MB",
        peak_rss().map_or(f64::NAN, |b| b as f64 / 1e6)
    );
}
