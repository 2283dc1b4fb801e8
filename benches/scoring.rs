//! Scoring speed (issue 3): a full re-score after one weight changes (coverage, pillars,
//! composite, ranks, both baskets) on synthetic universes of 3,000 and 10,000 securities
//! with 240 months of history; and, for reference, the weight-independent preparation
//! that runs once per dataset and scoring options.
//!
//!     cargo bench --bench scoring

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use halo_workbench::engine::score::{prepare, score};
use halo_workbench::engine::settings::Settings;
use halo_workbench::engine::synth;
use halo_workbench::engine::universe::Panel;

fn scoring(c: &mut Criterion) {
    let mut group = c.benchmark_group("scoring");
    for n in [3_000usize, 10_000] {
        let u = synth::generate(n, 240, 1).expect("synthetic universe");
        let panel = Panel::from_frame(&u.fundamentals).expect("panel");
        let mut settings = Settings::default();
        let prep = prepare(&panel, &settings.scoring).expect("prepare");
        let mut flip = false;
        group.bench_with_input(
            BenchmarkId::new("rescore_after_weight_change", n),
            &n,
            |b, _| {
                b.iter(|| {
                    flip = !flip;
                    settings.weights.heavy_assets = if flip { 1.5 } else { 1.0 };
                    black_box(score(&prep, &settings))
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("prepare_once_per_dataset", n),
            &n,
            |b, _| b.iter(|| black_box(prepare(&panel, &settings.scoring).expect("prepare"))),
        );
    }
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
