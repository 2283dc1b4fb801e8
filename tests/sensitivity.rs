//! The weight sweep: every setting's numbers equal a fresh pipeline's at that weight (no
//! cache carries one setting into the next), the current weight's equal the panes', the
//! stability shares are counted from independent scorings, and bad sweeps and settings
//! that cannot score say why.

use std::sync::Arc;

use halo_workbench::data;
use halo_workbench::engine::EngineError;
use halo_workbench::engine::metrics::Pillar;
use halo_workbench::engine::pipeline::{Inputs, Pipeline};
use halo_workbench::engine::sensitivity::{SweepSpec, pillar_weights, sweep};
use halo_workbench::engine::settings::Settings;

fn inputs() -> Arc<Inputs> {
    Arc::new(Inputs::new(&data::load_sample().unwrap()).unwrap())
}

#[test]
fn every_setting_equals_a_fresh_pipeline_at_that_weight() {
    let inputs = inputs();
    let mut settings = Settings::default();
    settings.weights.supply_constraint = 1.1; // off the grid: added to its line
    let mut p = Pipeline::new(inputs.clone());
    let mut heard = 0;
    let sw = sweep(&mut p, &settings, SweepSpec::default(), &mut |_| {
        heard += 1;
        true
    })
    .unwrap();
    assert!(sw.complete);
    assert_eq!(sw.points.len(), 4 * 13 + 1);
    assert_eq!(heard, sw.points.len());
    let today = Pipeline::new(inputs.clone()).score(&settings).unwrap();
    let base = &today.scores.basket;
    for pillar in Pillar::ALL {
        let line: Vec<_> = sw.pillar(pillar).collect();
        let w: Vec<f64> = line.iter().map(|x| x.weight).collect();
        assert!(w.windows(2).all(|w| w[0] < w[1]), "{pillar:?} {w:?}");
        assert_eq!((w[0], *w.last().unwrap()), (0.0, 3.0));
        // Exactly one point is the settings' own weight, and there the basket is today's.
        let current: Vec<_> = line.iter().filter(|x| x.current).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].weight, settings.weights.pillar(pillar));
        let o = current[0].outcome.as_ref().unwrap();
        assert_eq!(o.names_kept, 1.0);
        assert!((o.weight_kept - 1.0).abs() < 1e-12);
        assert_eq!(o.basket, base.members);
    }
    // Every fourth point, recomputed from nothing.
    for x in sw.points.iter().step_by(4) {
        let mut s = settings.clone();
        *s.weights.pillar_mut(x.pillar) = x.weight;
        let mut fresh = Pipeline::new(inputs.clone());
        let scored = fresh.score(&s).unwrap();
        let b = &scored.scores.basket;
        let o = x.outcome.as_ref().unwrap();
        assert_eq!(o.basket, b.members, "{:?} {}", x.pillar, x.weight);
        let shared = base
            .members
            .iter()
            .filter(|m| b.members.contains(m))
            .count();
        assert_eq!(o.names_kept, shared as f64 / base.members.len() as f64);
        let kept: f64 = (0..b.weights.len())
            .map(|s| base.weights[s].min(b.weights[s]))
            .sum();
        assert!((o.weight_kept - kept).abs() < 1e-12);
        let r = fresh.backtest(&s).unwrap();
        let line = o.backtest.as_ref().unwrap();
        assert_eq!(line.ic_mean.to_bits(), r.ic_mean.to_bits());
        assert_eq!(line.ic_t.to_bits(), r.ic_t.to_bits());
        assert_eq!(line.spread.to_bits(), r.spread_mean.to_bits());
        assert_eq!(line.rebalances, r.dates.len());
        let w = fresh.sectors(&s, &scored).unwrap();
        let total = |id| w.group(&id).unwrap().total;
        let want = total(halo_workbench::engine::notes::SeriesId::HaloBasket)
            - total(halo_workbench::engine::notes::SeriesId::Benchmark);
        assert_eq!(
            o.halo_minus_benchmark.as_ref().unwrap().to_bits(),
            want.to_bits()
        );
    }
    // Stability: today's basket names, each the share of the settings whose basket holds
    // it, counted here from the baskets above; some names are not held everywhere.
    assert_eq!(
        sw.stability.iter().map(|x| x.0).collect::<Vec<_>>(),
        base.members
    );
    // Over the 49 distinct settings: the current one (every weight 1, here 1.1 for
    // supply) is on each of the four lines and counts once; today's basket holds m.
    let others: Vec<_> = sw.points.iter().filter(|x| !x.current).collect();
    assert_eq!(others.len(), 49);
    for &(m, share) in &sw.stability {
        let held = others
            .iter()
            .filter(|x| x.outcome.as_ref().unwrap().basket.contains(&m))
            .count();
        assert_eq!(share, (held + 1) as f64 / 50.0);
    }
    assert!(sw.stability.iter().any(|x| x.1 < 1.0));
    assert!(sw.stability.iter().any(|x| x.1 == 1.0));
}

#[test]
fn a_stopped_sweep_says_so_and_bad_sweeps_are_refused() {
    let mut p = Pipeline::new(inputs());
    let s = Settings::default();
    let sw = sweep(&mut p, &s, SweepSpec::default(), &mut |x| x.weight < 0.5).unwrap();
    assert!(!sw.complete);
    assert_eq!(sw.points.len(), 3);
    for (max, steps) in [(3.0, 1), (3.0, 500), (0.0, 13), (f64::NAN, 13), (1e6, 13)] {
        let e = sweep(
            &mut p,
            &s,
            SweepSpec {
                max,
                steps,
                metrics: false,
            },
            &mut |_| true,
        )
        .unwrap_err();
        assert!(matches!(e, EngineError::BadSweep { .. }), "{e}");
    }
    assert_eq!(pillar_weights(&[0.0, 1.5, 3.0], 1.0), [0.0, 1.0, 1.5, 3.0]);
    assert_eq!(pillar_weights(&[0.0, 1.5, 3.0], 1.5), [0.0, 1.5, 3.0]);
}

#[test]
fn an_empty_basket_today_is_said() {
    let mut p = Pipeline::new(inputs());
    // Before any report of the sample is known: nothing is scored, the basket is empty.
    let mut s = Settings::default();
    s.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2005, 1, 31);
    let e = sweep(&mut p, &s, SweepSpec::default(), &mut |_| true).unwrap_err();
    assert_eq!(e, EngineError::EmptyBasket, "{e}");
}

#[test]
fn a_setting_with_every_weight_zero_gives_its_reason() {
    let mut p = Pipeline::new(inputs());
    let mut s = Settings::default();
    for q in [
        Pillar::LowObsolescence,
        Pillar::SupplyConstraint,
        Pillar::CashFlowStability,
    ] {
        *s.weights.pillar_mut(q) = 0.0;
    }
    let sw = sweep(
        &mut p,
        &s,
        SweepSpec {
            max: 1.0,
            steps: 2,
            metrics: false,
        },
        &mut |_| true,
    )
    .unwrap();
    let zero = sw
        .pillar(Pillar::HeavyAssets)
        .find(|x| x.weight == 0.0)
        .unwrap();
    assert!(matches!(zero.outcome, Err(EngineError::NoPillarWeight)));
    // The other point scores by the one pillar left.
    let one = sw
        .pillar(Pillar::HeavyAssets)
        .find(|x| x.weight == 1.0)
        .unwrap();
    assert!(one.outcome.as_ref().unwrap().backtest.is_ok());
}

#[test]
fn on_demand_each_metrics_weight_is_swept_within_its_pillar() {
    let inputs = inputs();
    let settings = Settings::default();
    let mut p = Pipeline::new(inputs.clone());
    let spec = SweepSpec {
        metrics: true,
        ..Default::default()
    };
    let sw = sweep(&mut p, &settings, spec, &mut |_| true).unwrap();
    // The pillars' lines first, as without metrics, then a line per metric the run uses.
    let plain = sweep(&mut p, &settings, SweepSpec::default(), &mut |_| true).unwrap();
    assert_eq!(sw.points.len() % 13, 0);
    assert!(sw.points.len() > plain.points.len());
    for (a, b) in sw.points.iter().zip(&plain.points) {
        assert_eq!(
            (a.pillar, &a.metric, a.weight),
            (b.pillar, &b.metric, b.weight)
        );
    }
    let today = Pipeline::new(inputs.clone()).score(&settings).unwrap();
    let used: Vec<&str> = today
        .prep
        .base
        .metrics
        .iter()
        .filter(|m| !today.prep.base.empty_metrics.contains(&m.id))
        .map(|m| m.id.as_str())
        .collect();
    let swept: Vec<&str> = sw
        .points
        .iter()
        .filter_map(|x| x.metric.as_deref())
        .step_by(13)
        .collect();
    assert_eq!(swept, used);
    // A metric's point, recomputed from nothing with that metric's weight.
    for x in sw.points.iter().filter(|x| x.metric.is_some()).step_by(7) {
        let id = x.metric.clone().unwrap();
        let mut s = settings.clone();
        s.weights.metrics.insert(id.clone(), x.weight);
        let mut fresh = Pipeline::new(inputs.clone());
        let b = fresh.score(&s).unwrap().scores.basket.members.clone();
        let o = x.outcome.as_ref().unwrap();
        assert_eq!(o.basket, b, "{id} {}", x.weight);
        let r = fresh.backtest(&s).unwrap();
        let line = o.backtest.as_ref().unwrap();
        assert_eq!(
            line.ic_mean.to_bits(),
            r.ic_mean.to_bits(),
            "{id} {}",
            x.weight
        );
    }
    // The stability shares stay the pillar lines' (a metric setting can repeat one).
    assert_eq!(sw.stability, plain.stability);
    // A pillar weighted 0 has no metric lines: its metrics move nothing.
    let mut off = settings.clone();
    off.weights.low_obsolescence = 0.0;
    let sw_off = sweep(&mut p, &off, spec, &mut |_| true).unwrap();
    assert!(sw_off.points.iter().filter(|x| x.metric.is_some()).count() > 0);
    assert!(
        !sw_off
            .points
            .iter()
            .any(|x| x.metric.is_some() && x.pillar == Pillar::LowObsolescence)
    );
    // Leaving a metric out (weight 0) changes the basket for some metric.
    assert!(
        sw.points
            .iter()
            .filter(|x| x.metric.is_some() && x.weight == 0.0)
            .any(|x| x.outcome.as_ref().unwrap().names_kept < 1.0)
    );
}
