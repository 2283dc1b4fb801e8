//! How robust is the lens? Each pillar's weight swept over a grid, the other weights held,
//! and at each setting what a researcher would conclude: how much of today's basket it
//! keeps, the HALO basket's return over the sector window against the benchmark's, and the
//! backtest's IC and top-minus-bottom spread (`docs/methodology.md`, "Weight sensitivity").
//! Every setting runs through the one [`Pipeline`], so its numbers are the ones the panes
//! would show at that weight; the weight-independent work (each date's prepared
//! cross-section, forward returns and pillar scores) is shared by all of them.

use super::EngineError;
use super::metrics::Pillar;
use super::notes::SeriesId;
use super::pipeline::Pipeline;
use super::settings::Settings;

/// The weights each pillar is swept over: `steps` evenly spaced from 0 to `max`; with
/// `metrics`, each metric's weight within its pillar too (on demand: a dozen more lines).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepSpec {
    pub max: f64,
    pub steps: usize,
    pub metrics: bool,
}

impl Default for SweepSpec {
    /// 0 to 3 in 13 steps (0, 0.25, ..., 3): from leaving the pillar out to three times
    /// the default weight.
    fn default() -> Self {
        SweepSpec {
            max: 3.0,
            steps: 13,
            metrics: false,
        }
    }
}

impl SweepSpec {
    pub const MAX_STEPS: usize = 101;
    /// The largest weight the settings take.
    pub const MAX_WEIGHT: f64 = 10.0;

    /// The grid, or why the spec cannot make one.
    pub fn grid(&self) -> Result<Vec<f64>, EngineError> {
        if !(2..=Self::MAX_STEPS).contains(&self.steps)
            || !self.max.is_finite()
            || self.max <= 0.0
            || self.max > Self::MAX_WEIGHT
        {
            return Err(EngineError::BadSweep {
                steps: self.steps,
                max: self.max,
            });
        }
        let last = (self.steps - 1) as f64;
        Ok((0..self.steps)
            .map(|k| self.max * k as f64 / last)
            .collect())
    }
}

/// The backtest's headline at one setting.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestLine {
    pub ic_mean: f64,
    pub ic_t: f64,
    /// Mean top-minus-bottom quantile return per period.
    pub spread: f64,
    pub rebalances: usize,
}

/// What one setting gives.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The HALO basket's members at the as-of date.
    pub basket: Vec<usize>,
    /// Share of today's basket names still in it.
    pub names_kept: f64,
    /// Share of today's basket weight kept: the sum over names of the smaller of the two
    /// weights (1 when the baskets are the same).
    pub weight_kept: f64,
    /// The HALO basket's total return over the sector window less the benchmark's.
    pub halo_minus_benchmark: Result<f64, EngineError>,
    pub backtest: Result<BacktestLine, EngineError>,
}

#[derive(Clone, Debug)]
pub struct SweepPoint {
    /// The pillar swept, or the pillar of the metric swept.
    pub pillar: Pillar,
    /// The metric whose weight within its pillar is swept; None: the pillar's weight.
    pub metric: Option<String>,
    pub weight: f64,
    /// The settings' own weight for it (every line passes through the current setting).
    pub current: bool,
    /// Why the setting could not be scored (every pillar weight 0, say).
    pub outcome: Result<Outcome, EngineError>,
}

#[derive(Clone, Debug)]
pub struct Sweep {
    /// Per pillar, in [`Pillar::ALL`]'s order, its points in ascending weight.
    pub points: Vec<SweepPoint>,
    /// Today's basket members, best first, with the share of the pillar lines' distinct
    /// settings scored whose basket holds them ("core" names at 1, names only some lenses pick below); of
    /// the settings reached, when the sweep was stopped.
    pub stability: Vec<(usize, f64)>,
    /// False when the sweep was stopped before its last setting.
    pub complete: bool,
}

impl Sweep {
    /// A pillar's own line (not its metrics').
    pub fn pillar(&self, p: Pillar) -> impl Iterator<Item = &SweepPoint> {
        self.points
            .iter()
            .filter(move |x| x.pillar == p && x.metric.is_none())
    }
}

/// The weights pillar `p` takes: the grid, with the settings' own weight added in its
/// place when it is not on the grid.
pub fn pillar_weights(grid: &[f64], current: f64) -> Vec<f64> {
    let mut w = grid.to_vec();
    if !w.iter().any(|x| (x - current).abs() < 1e-12) {
        let at = w.partition_point(|x| *x < current);
        w.insert(at, current);
    }
    w
}

/// Sweep every pillar's weight. `go_on` hears each point as it is computed and says
/// whether to go on (a caller stops it when newer settings wait); the sweep is then
/// returned as far as it got, marked incomplete. An empty basket today leaves nothing to
/// compare with: an error.
pub fn sweep(
    p: &mut Pipeline,
    settings: &Settings,
    spec: SweepSpec,
    go_on: &mut dyn FnMut(&SweepPoint) -> bool,
) -> Result<Sweep, EngineError> {
    let grid = spec.grid()?;
    let today = p.score(settings)?;
    let base = &today.scores.basket;
    if base.members.is_empty() {
        return Err(EngineError::EmptyBasket);
    }
    // Each line: what it sweeps, its current weight, and how a weight is set.
    let mut lines: Vec<(Pillar, Option<String>, f64)> = Pillar::ALL
        .iter()
        .map(|&q| (q, None, settings.weights.pillar(q)))
        .collect();
    if spec.metrics {
        let base = &today.prep.base;
        lines.extend(
            // (A metric of a pillar weighted 0 moves nothing: no line.)
            base.metrics
                .iter()
                .filter(|m| !base.empty_metrics.contains(&m.id))
                .filter(|m| settings.weights.pillar(m.pillar) != 0.0)
                .map(|m| (m.pillar, Some(m.id.clone()), settings.weights.metric(&m.id))),
        );
    }
    let (mut points, mut complete) = (Vec::new(), true);
    'lines: for (pillar, metric, current) in lines {
        for weight in pillar_weights(&grid, current) {
            let mut s = settings.clone();
            match &metric {
                None => *s.weights.pillar_mut(pillar) = weight,
                Some(id) => {
                    s.weights.metrics.insert(id.clone(), weight);
                }
            }
            // The sweep reads the backtest at its rebalance period alone.
            s.analytics.horizons.clear();
            let point = SweepPoint {
                pillar,
                metric: metric.clone(),
                weight,
                current: (weight - current).abs() < 1e-12,
                outcome: outcome(p, &s, base),
            };
            let more = go_on(&point);
            points.push(point);
            if !more {
                complete = false;
                break 'lines;
            }
        }
    }
    // Over the pillar lines' distinct settings: the current one, on every line, counts
    // once. (A metric's setting can repeat one: in a pillar of one metric, any positive
    // weight scores alike.)
    let scored: Vec<&Outcome> = points
        .iter()
        .filter(|x| x.metric.is_none())
        .filter(|x| !x.current || x.pillar == Pillar::ALL[0])
        .filter_map(|x| x.outcome.as_ref().ok())
        .collect();
    let stability = base
        .members
        .iter()
        .map(|&m| {
            let held = scored.iter().filter(|o| o.basket.contains(&m)).count();
            (m, held as f64 / scored.len().max(1) as f64)
        })
        .collect();
    Ok(Sweep {
        points,
        stability,
        complete,
    })
}

/// What the settings `s` give, against today's basket `base`.
fn outcome(
    p: &mut Pipeline,
    s: &Settings,
    base: &super::basket::Basket,
) -> Result<Outcome, EngineError> {
    let weighted = Pillar::ALL.iter().any(|&q| s.weights.pillar(q) != 0.0);
    let scored = if weighted {
        p.score(s)
    } else {
        Err(EngineError::NoPillarWeight)
    };
    let scored = scored.and_then(|x| {
        // (No name passes coverage with the weights left, say.)
        if x.scores.basket.members.is_empty() {
            Err(EngineError::EmptyBasket)
        } else {
            Ok(x)
        }
    });
    scored.map(|scored| {
        let b = &scored.scores.basket;
        let kept = base.members.iter().filter(|m| b.members.contains(m));
        let names_kept = kept.count() as f64 / base.members.len() as f64;
        let weight_kept = base
            .members
            .iter()
            .map(|&m| base.weights[m].min(b.weights[m]))
            .sum();
        let halo_minus_benchmark = p.sectors(s, &scored).and_then(|w| {
            let total = |id: &SeriesId| w.group(id).map(|g| g.total);
            match (total(&SeriesId::HaloBasket), total(&SeriesId::Benchmark)) {
                (Some(h), Some(b)) => Ok(h - b),
                // (No member of the basket has a price at the window's start.)
                _ => Err(EngineError::BasketNotPriced {
                    from: w.priced_from,
                }),
            }
        });
        let backtest = p.backtest(s).map(|r| BacktestLine {
            ic_mean: r.ic_mean,
            ic_t: r.ic_t,
            spread: r.spread_mean,
            rebalances: r.dates.len(),
        });
        Outcome {
            basket: b.members.clone(),
            names_kept,
            weight_kept,
            halo_minus_benchmark,
            backtest,
        }
    })
}
