//! Analytics speed (issue 4) on a synthetic universe of 3,000 securities x 240 months:
//! the full backtest (quintiles, IC, turnover, costs, every statistic) given the scores at
//! each rebalance, and with re-scoring every rebalance date first (a pillar- or a
//! metric-weight change, as the workbench's backtest pane does); betas on 6 factors over
//! 60 months; every scenario of the default library once the betas exist; sector
//! performance over a 12-month window.
//!
//!     cargo bench --bench analytics
//!
//! (The peers on the same panel: `bash benches/peers.sh`, through the scale bench.)

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;

use halo_workbench::engine::backtest::{PreparedHistory, backtest};
use halo_workbench::engine::exposures::lookback_window;
use halo_workbench::engine::pipeline::{Inputs, Pipeline};
use halo_workbench::engine::scenarios::{self, default_library};
use halo_workbench::engine::settings::Settings;
use halo_workbench::engine::synth;

fn analytics(c: &mut Criterion) {
    let u = synth::generate(3_000, 240, 1).expect("synthetic universe");
    let ds = u.dataset("synthetic 3000 x 240");
    let inputs = Inputs::new(&ds).expect("inputs");
    let settings = Settings::default();
    let mut prepared = PreparedHistory::build(&inputs.panel, &inputs.returns, &settings);
    let (h, _) = prepared.run(&inputs.returns, &settings).expect("history");
    assert!(h.dates.len() >= 200, "{} rebalances", h.dates.len());
    let mut g = c.benchmark_group("analytics_3000x240");
    g.bench_function("backtest_240_monthly_rebalances", |b| {
        b.iter(|| black_box(backtest(&h, &inputs.returns, &settings.analytics)))
    });
    // What the workbench does for its backtest pane after a weight change: re-score every
    // rebalance date (their preparation is cached), then the backtest. A pillar-weight
    // move reuses each date's pillar scores; a metric-weight move recomputes them.
    let mut moved = settings.clone();
    let mut k = 0u32;
    g.bench_function("rescore_240_dates_then_backtest_pillar_move", |b| {
        b.iter(|| {
            k += 1;
            moved.weights.heavy_assets = 1.0 + f64::from(k % 2);
            black_box(
                prepared
                    .backtest(&inputs.returns, &moved)
                    .expect("backtest"),
            )
        })
    });
    g.bench_function("rescore_240_dates_then_backtest_metric_move", |b| {
        b.iter(|| {
            k += 1;
            let w = 1.0 + f64::from(k % 2);
            moved.weights.metrics.insert("ppe_intensity".into(), w);
            black_box(
                prepared
                    .backtest(&inputs.returns, &moved)
                    .expect("backtest"),
            )
        })
    });
    let mut s = settings.clone();
    s.scoring.as_of = NaiveDate::from_ymd_opt(2020, 12, 31);
    s.analytics.window_from = s.scoring.as_of;
    s.analytics.window_to = NaiveDate::from_ymd_opt(2021, 12, 31);
    let mut p = Pipeline::new(Arc::new(inputs.clone()));
    let sc = p.score(&s).expect("scores");
    let six: Vec<String> = ["market", "sp500", "wti", "gold", "us10y", "usd"]
        .map(String::from)
        .to_vec();
    let win = lookback_window(&inputs.returns, sc.prep.cs.as_of, 60).expect("window");
    g.bench_function("betas_6_factors_60_months", |b| {
        b.iter(|| {
            black_box(
                scenarios::betas(
                    &inputs.returns,
                    &inputs.factors,
                    &six,
                    win.clone(),
                    &sc.prep.cs.sectors,
                    s.analytics.shrinkage,
                )
                .expect("betas"),
            )
        })
    });
    let lib = default_library();
    // The first run estimates the betas; the pipeline keeps them for the runs timed.
    let out = p.scenarios(&s, &sc, &lib);
    assert!(
        out.iter().all(|o| o.is_ok()),
        "{:?}",
        out.iter()
            .filter_map(|o| o.as_ref().err())
            .collect::<Vec<_>>()
    );
    g.bench_function("all_scenarios_after_betas", |b| {
        b.iter(|| black_box(p.scenarios(&s, &sc, &lib)))
    });
    g.bench_function("sector_performance_12_month_window", |b| {
        b.iter(|| black_box(p.sectors(&s, &sc).expect("sectors")))
    });
    g.finish();
}

criterion_group!(benches, analytics);
criterion_main!(benches);
