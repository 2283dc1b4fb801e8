//! The cross-section pipeline (`docs/methodology.md` §3). [`prepare`] does everything that does
//! not depend on weights (point-in-time lookup, metric values, winsorising, standardising,
//! direction) once per dataset and scoring options; [`score`] does the weighted part
//! (coverage, pillars, composite, ranks, baskets), which is all a slider move redoes.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::EngineError;
use super::basket::{self, Basket};
use super::metrics::{ActiveMetric, Pillar};
use super::notes::{Exclusion, Note};
use super::stats::{argsort, mean, percentile_rank, quantile_unsorted, restandardize, sd_around};
use super::universe::{
    CrossSection, Groups, MetricValues, Panel, Selection, active_metrics, assemble, metric_values,
    select,
};
use crate::engine::settings::{Financials, ScoringSettings, Settings, Standardize, Winsorize};
use crate::i18n::{Lang, Localize};

/// What does not depend on weights.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub cs: CrossSection,
    /// What scoring reads of it.
    pub base: ScoreBase,
    /// The options these were computed with (a cache key).
    pub options: ScoringSettings,
}

/// What scoring a date reads: each metric's standardised values, and per security whether
/// it has a usable report, its cap, and its sector and market as numbers of the panel's
/// [`Groups`]. The current cross-section keeps one beside its [`CrossSection`] (names,
/// raw values, reasons); a backtest keeps one per rebalance date and nothing more.
#[derive(Clone, Debug)]
pub struct ScoreBase {
    pub as_of: NaiveDate,
    pub metrics: Vec<ActiveMetric>,
    /// Per metric, per security: the standardised value times the metric's direction.
    pub z: Vec<Vec<f64>>,
    /// Metrics with no value for any security at this date: left out of the score.
    pub empty_metrics: Vec<String>,
    /// Per security: a report known by the date and not stale.
    pub available: Vec<bool>,
    pub market_cap: Vec<f64>,
    /// Per security: index into the groups' `sector_names`, and into `market_names`.
    pub sector: Arc<Vec<u32>>,
    pub market: Vec<u32>,
    pub groups: Arc<Groups>,
    /// From prices alone: no fundamentals, nothing to score.
    pub prices_only: bool,
}

impl ScoreBase {
    pub fn len(&self) -> usize {
        self.available.len()
    }

    pub fn is_empty(&self) -> bool {
        self.available.is_empty()
    }

    pub fn ticker(&self, s: usize) -> &str {
        &self.groups.tickers[s]
    }

    pub fn sector_name(&self, s: usize) -> &str {
        &self.groups.sector_names[self.sector[s] as usize]
    }

    pub fn market_name(&self, s: usize) -> &str {
        &self.groups.market_names[self.market[s] as usize]
    }

    /// Standardise the selection's metric values (winsorised, then z-scores by the
    /// options' rule, times each metric's direction).
    fn new(
        panel: &Panel,
        sel: &Selection,
        metrics: &[ActiveMetric],
        values: &MetricValues,
        options: &ScoringSettings,
    ) -> ScoreBase {
        let groups = panel.groups();
        let n = sel.rows.len();
        let sector: Vec<u32> = (0..n)
            .map(|s| groups.sector[sel.text_row(panel, s)])
            .collect();
        let market = (0..n)
            .map(|s| groups.market[sel.text_row(panel, s)])
            .collect();
        // Financials scored apart: each metric standardised within the two groups.
        let apart: Option<Vec<bool>> = (options.financials.resolve(panel) == Financials::Apart)
            .then(|| {
                (0..n)
                    .map(|s| groups.financial[sel.text_row(panel, s)])
                    .collect()
            });
        let mut z = Vec::with_capacity(metrics.len());
        let mut empty_metrics = Vec::new();
        for (m, raw) in metrics.iter().zip(&values.raw) {
            if !raw.iter().any(|v| v.is_finite()) {
                empty_metrics.push(m.id.clone());
            }
            let mut zm = match &apart {
                None => standardized(raw.clone(), options, &sector, &values.market_cap),
                Some(fin) => {
                    let mut out = vec![f64::NAN; n];
                    for group in [true, false] {
                        let idx: Vec<usize> = (0..n).filter(|&s| fin[s] == group).collect();
                        let pick = |v: &[f64]| idx.iter().map(|&s| v[s]).collect::<Vec<f64>>();
                        let sec: Vec<u32> = idx.iter().map(|&s| sector[s]).collect();
                        let zg = standardized(pick(raw), options, &sec, &pick(&values.market_cap));
                        for (&s, v) in idx.iter().zip(zg) {
                            out[s] = v;
                        }
                    }
                    out
                }
            };
            for v in zm.iter_mut() {
                *v *= m.direction;
            }
            z.push(zm);
        }
        ScoreBase {
            as_of: sel.as_of,
            metrics: metrics.to_vec(),
            z,
            empty_metrics,
            available: sel.unavailable.iter().map(Option::is_none).collect(),
            market_cap: values.market_cap.clone(),
            sector: Arc::new(sector),
            market,
            groups,
            prices_only: panel.dating == super::universe::Dating::PricesOnly,
        }
    }
}

/// A metric's values winsorised and standardised by the options' rules.
fn standardized(
    mut x: Vec<f64>,
    options: &ScoringSettings,
    sector: &[u32],
    caps: &[f64],
) -> Vec<f64> {
    winsorize(&mut x, options.winsorize, options.winsor_p);
    standardize(&x, options.standardize, sector, caps)
}

/// Clip finite values at the cross-section's percentiles or at mean +/- 3 sd.
pub fn winsorize(x: &mut [f64], method: Winsorize, p: f64) {
    let (lo, hi) = match method {
        Winsorize::Percentile => {
            let mut s: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
            (
                quantile_unsorted(&mut s, p),
                quantile_unsorted(&mut s, 1.0 - p),
            )
        }
        Winsorize::ThreeSd => {
            let m = mean(x);
            let sd = sd_around(x, m);
            (m - 3.0 * sd, m + 3.0 * sd)
        }
    };
    // lo > hi only for a share above one half, which the settings refuse; never panic.
    if lo.is_finite() && hi.is_finite() && lo <= hi {
        for v in x.iter_mut().filter(|v| v.is_finite()) {
            *v = v.clamp(lo, hi);
        }
    }
}

/// z-scores by the chosen method; the sd is the population sd of the whole cross-section.
pub fn standardize<K: std::hash::Hash + Eq>(
    x: &[f64],
    method: Standardize,
    sectors: &[K],
    caps: &[f64],
) -> Vec<f64> {
    let overall = mean(x);
    let sd = sd_around(x, overall);
    let centers: Vec<f64> = match method {
        Standardize::Plain => vec![overall; x.len()],
        Standardize::CapWeighted => {
            let (sw, swx) = x
                .iter()
                .zip(caps)
                .filter(|(v, c)| v.is_finite() && c.is_finite() && **c > 0.0)
                .fold((0.0, 0.0), |(sw, swx), (v, c)| (sw + c, swx + c * v));
            vec![if sw > 0.0 { swx / sw } else { overall }; x.len()]
        }
        Standardize::SectorNeutral => {
            let mut acc: HashMap<&K, (f64, usize)> = HashMap::new();
            for (v, s) in x.iter().zip(sectors) {
                if v.is_finite() {
                    let e = acc.entry(s).or_default();
                    e.0 += v;
                    e.1 += 1;
                }
            }
            // Sectors with fewer than 3 names use the overall mean.
            sectors
                .iter()
                .map(|s| {
                    acc.get(s)
                        .filter(|e| e.1 >= 3)
                        .map_or(overall, |e| e.0 / e.1 as f64)
                })
                .collect()
        }
    };
    x.iter()
        .zip(&centers)
        .map(|(v, c)| {
            if !v.is_finite() {
                f64::NAN
            } else if sd > 0.0 {
                (v - c) / sd
            } else {
                0.0
            }
        })
        .collect()
}

/// Everything that does not depend on weights.
pub fn prepare(panel: &Panel, options: &ScoringSettings) -> Result<Prepared, EngineError> {
    let sel = select(panel, options)?;
    let metrics = active_metrics(options, panel);
    let values = metric_values(panel, &sel, &metrics, true);
    let base = ScoreBase::new(panel, &sel, &metrics, &values, options);
    Ok(Prepared {
        cs: assemble(panel, options, sel, metrics, values),
        base,
        options: options.clone(),
    })
}

/// What a backtest's rebalance date needs of [`prepare`]: the scoring base alone, without
/// the names, raw values and reasons of the cross-section.
pub fn prepare_base(panel: &Panel, options: &ScoringSettings) -> Result<ScoreBase, EngineError> {
    let sel = select(panel, options)?;
    let metrics = active_metrics(options, panel);
    let values = metric_values(panel, &sel, &metrics, false);
    Ok(ScoreBase::new(panel, &sel, &metrics, &values, options))
}

/// One scoring run's results, one entry per security of the cross-section.
#[derive(Clone, Debug)]
pub struct Scores {
    pub as_of: NaiveDate,
    pub included: Vec<bool>,
    /// Why each security is not scored; None for the scored ones.
    pub exclusion: Vec<Option<Exclusion>>,
    /// Share of the weighted metrics available.
    pub coverage: Vec<f64>,
    /// Per pillar (in [`Pillar::ALL`] order): re-standardised pillar scores; NaN if none.
    pub pillars: [Vec<f64>; 4],
    /// The HALO score: re-standardised composite (with lens tilts); NaN when excluded.
    pub halo: Vec<f64>,
    pub percentile: Vec<f64>,
    /// 1 = most HALO; 0 when excluded.
    pub rank: Vec<u32>,
    pub basket: Basket,
    pub anti: Basket,
    pub growth: Basket,
    /// (1 - mix) x basket + mix x growth.
    pub blend: Vec<f64>,
    pub notes: Vec<Note>,
}

/// The weighted part: coverage, pillar scores, composite, ranks and baskets.
pub fn score(prep: &Prepared, settings: &Settings) -> Scores {
    let (cs, base) = (&prep.cs, &prep.base);
    let n = cs.len();
    let weighted = weighted_metrics(base, settings);
    // Prices alone: one note says it all (not one per metric without values).
    let mut notes: Vec<Note> = if cs.prices_only {
        vec![Note::PricesOnly]
    } else {
        base.empty_metrics
            .iter()
            .map(|m| Note::EmptyMetric {
                metric: m.clone(),
                as_of: cs.as_of,
            })
            .collect()
    };
    if weighted.is_empty() && !cs.prices_only {
        notes.push(Note::AllWeightsZero);
    }
    notes.extend(cs.data_notes.iter().cloned());
    notes.extend(narrow_base(base, settings, &weighted));
    notes.extend(
        cs.unmatched
            .iter()
            .map(|(column, columns)| Note::NoSuchColumn {
                column: column.clone(),
                columns: columns.clone(),
            }),
    );
    let cover = coverage(base, settings, &weighted);
    let exclusion = exclusion_reasons(prep, settings, &weighted, &cover);
    let pillars = Pillar::ALL.map(|p| pillar_score(base, settings, &weighted, &cover.included, p));
    let halo = combine(base, settings, &pillars, &cover.included);
    let percentile = percentile_rank(&halo);
    let order = ranking(base, &halo);
    let mut rank = vec![0u32; n];
    for (r, &s) in order.iter().enumerate() {
        rank[s] = r as u32 + 1;
    }
    let (basket, anti, growth) = basket::build(prep, &halo, &order, settings, &mut notes);
    let mix = settings.blend.mix.clamp(0.0, 1.0);
    let blend = (0..n)
        .map(|s| (1.0 - mix) * basket.weights[s] + mix * growth.weights[s])
        .collect();
    Scores {
        as_of: cs.as_of,
        included: cover.included,
        exclusion,
        coverage: cover.share,
        pillars,
        halo,
        percentile,
        rank,
        basket,
        anti,
        growth,
        blend,
        notes,
    }
}

/// What to say when the data leaves the composite narrower than its weights ask: fewer
/// than three metrics with values, or weighted pillars without any (the score is then the
/// one pillar that has some).
fn narrow_base(base: &ScoreBase, settings: &Settings, weighted: &[usize]) -> Vec<Note> {
    let cs = base;
    let w = &settings.weights;
    let mut notes = Vec::new();
    // A metric the weights ask for that has no value in this data (in pillar `p`, or any).
    let wanted_but_empty = |p: Option<Pillar>| {
        cs.metrics.iter().any(|m| {
            base.empty_metrics.contains(&m.id)
                && w.metric(&m.id) * w.pillar(m.pillar) != 0.0
                && p.is_none_or(|p| m.pillar == p)
        })
    };
    if weighted.is_empty() || !wanted_but_empty(None) {
        return notes;
    }
    if weighted.len() < 3 {
        notes.push(Note::FewMetrics {
            metrics: weighted.iter().map(|&k| cs.metrics[k].id.clone()).collect(),
        });
    }
    let pillar = cs.metrics[weighted[0]].pillar;
    let alone = weighted.iter().all(|&k| cs.metrics[k].pillar == pillar);
    let others_wanted = Pillar::ALL
        .into_iter()
        .any(|p| p != pillar && wanted_but_empty(Some(p)));
    if alone && others_wanted {
        notes.push(Note::OnePillar { pillar });
    }
    notes
}

/// What a backtest needs of a rebalance date.
pub struct HaloAndBasket {
    pub halo: Vec<f64>,
    /// The HALO basket's members, best first, with their weights.
    pub basket: Vec<(usize, f64)>,
    /// The scored securities, best first.
    pub ranked: Vec<usize>,
    /// Securities that pass the coverage rule.
    pub included: usize,
}

/// A date's coverage and pillar scores, reusable across weight changes: a pillar-weight
/// move keeps them all, a metric-weight move recomputes only that metric's pillar.
#[derive(Clone, Debug)]
pub struct PillarScores {
    /// The weighted metrics (they decide coverage).
    weighted: Vec<usize>,
    included: Vec<bool>,
    /// Per pillar: its metrics' weights when it was computed.
    metric_weights: [Vec<f64>; 4],
    pillars: [Vec<f64>; 4],
}

/// The weights of pillar `p`'s metrics, in the cross-section's metric order.
fn metric_weights(base: &ScoreBase, settings: &Settings, p: Pillar) -> Vec<f64> {
    base.metrics
        .iter()
        .filter(|m| m.pillar == p)
        .map(|m| settings.weights.metric(&m.id))
        .collect()
}

impl PillarScores {
    pub fn new(base: &ScoreBase, settings: &Settings) -> PillarScores {
        let weighted = weighted_metrics(base, settings);
        let included = coverage(base, settings, &weighted).included;
        let pillars = Pillar::ALL.map(|p| pillar_score(base, settings, &weighted, &included, p));
        PillarScores {
            metric_weights: Pillar::ALL.map(|p| metric_weights(base, settings, p)),
            weighted,
            included,
            pillars,
        }
    }

    /// Bring the scores up to `settings`' weights, recomputing only what they change.
    pub fn refresh(&mut self, base: &ScoreBase, settings: &Settings) {
        if weighted_metrics(base, settings) != self.weighted {
            *self = PillarScores::new(base, settings);
            return;
        }
        for p in Pillar::ALL {
            let w = metric_weights(base, settings, p);
            if w != self.metric_weights[p.index()] {
                // In place: the old column's memory is already the process's.
                let col = &mut self.pillars[p.index()];
                pillar_score_into(base, settings, &self.weighted, &self.included, p, col);
                self.metric_weights[p.index()] = w;
            }
        }
    }
}

/// [`score`] reduced to what the backtest needs at each rebalance date, from the date's
/// pillar scores (by the same steps, without the exclusion reasons, ranks and the other
/// baskets).
pub fn score_halo_and_basket(
    base: &ScoreBase,
    pillars: &PillarScores,
    settings: &Settings,
) -> HaloAndBasket {
    let halo = combine(base, settings, &pillars.pillars, &pillars.included);
    let order = ranking(base, &halo);
    let basket = basket::halo_basket(base, &halo, &order, settings);
    HaloAndBasket {
        included: pillars.included.iter().filter(|x| **x).count(),
        halo,
        basket,
        ranked: order,
    }
}

/// The metrics with an effective weight (their own times their pillar's); metrics no
/// security has a value for are left out.
fn weighted_metrics(base: &ScoreBase, settings: &Settings) -> Vec<usize> {
    let w = &settings.weights;
    (0..base.metrics.len())
        .filter(|&k| {
            let m = &base.metrics[k];
            !base.empty_metrics.contains(&m.id) && w.metric(&m.id) * w.pillar(m.pillar) != 0.0
        })
        .collect()
}

struct Coverage {
    included: Vec<bool>,
    /// Share of the weighted metrics available.
    share: Vec<f64>,
}

/// The coverage rule: a security available at the date is scored when it has at least
/// `min_coverage` of the weighted metrics.
fn coverage(base: &ScoreBase, settings: &Settings, weighted: &[usize]) -> Coverage {
    let n = base.len();
    let mut included = vec![false; n];
    let mut share = vec![0.0; n];
    // Prices alone: nothing could be scored, and the one note says why (a coverage
    // reason per security would repeat it).
    if base.prices_only || weighted.is_empty() {
        return Coverage { included, share };
    }
    // Metric by metric, so each column of z-scores is read in order.
    let mut have = vec![0u32; n];
    for &k in weighted {
        for (h, z) in have.iter_mut().zip(&base.z[k]) {
            *h += u32::from(z.is_finite());
        }
    }
    let min = settings.scoring.min_coverage;
    for s in (0..n).filter(|&s| base.available[s]) {
        share[s] = f64::from(have[s]) / weighted.len() as f64;
        included[s] = share[s] >= min;
    }
    Coverage { included, share }
}

/// Why each security left out of `cover` is: no usable report, or too few of the weighted
/// metrics (naming the inputs it lacks). None for the included, and for all from prices
/// alone (one note says it).
fn exclusion_reasons(
    prep: &Prepared,
    settings: &Settings,
    weighted: &[usize],
    cover: &Coverage,
) -> Vec<Option<Exclusion>> {
    let cs = &prep.cs;
    if cs.prices_only {
        return vec![None; cs.len()];
    }
    (0..cs.len())
        .map(|s| {
            if let Some(r) = &cs.unavailable[s] {
                return Some(r.clone());
            }
            if cover.included[s] {
                return None;
            }
            let mut missing: Vec<String> = weighted
                .iter()
                .filter(|&&k| !prep.base.z[k][s].is_finite())
                .flat_map(|&k| cs.missing_inputs[k][s].iter().cloned())
                .collect();
            missing.sort_unstable();
            missing.dedup();
            Some(Exclusion::Coverage {
                share: cover.share[s],
                min: settings.scoring.min_coverage,
                missing,
            })
        })
        .collect()
}

/// A pillar's scores: the weighted mean of the available metric z-scores, re-standardised
/// over the included names.
fn pillar_score(
    base: &ScoreBase,
    settings: &Settings,
    weighted: &[usize],
    included: &[bool],
    p: Pillar,
) -> Vec<f64> {
    let mut col = Vec::new();
    pillar_score_into(base, settings, weighted, included, p, &mut col);
    col
}

/// [`pillar_score`] written into `col`.
fn pillar_score_into(
    base: &ScoreBase,
    settings: &Settings,
    weighted: &[usize],
    included: &[bool],
    p: Pillar,
    col: &mut Vec<f64>,
) {
    let cs = base;
    let n = cs.len();
    let w = &settings.weights;
    let mut sw = vec![0.0; n];
    col.clear();
    col.resize(n, 0.0);
    // Metric by metric over the pillar's columns (without a branch, so on vectors), then
    // one pass over the names.
    for &k in weighted.iter().filter(|&&k| cs.metrics[k].pillar == p) {
        let own = w.metric(&cs.metrics[k].id);
        for ((a, b), z) in sw.iter_mut().zip(col.iter_mut()).zip(&base.z[k]) {
            let ok = z.is_finite();
            *a += if ok { own.abs() } else { 0.0 };
            *b += if ok { own * z } else { 0.0 };
        }
    }
    let all = weighted
        .iter()
        .filter(|&&k| cs.metrics[k].pillar == p)
        .map(|&k| w.metric(&cs.metrics[k].id).abs())
        .fold(0.0, |a, b| a + b);
    weighted_mean(col, &sw, all, included);
    restandardize(col);
}

/// Turn weighted sums into weighted means: `sum` / `weight` for the included names with a
/// weight, NaN for the others. Most names have every input, so their weight is `all`
/// (summed in the same order) and one reciprocal serves them: a division per name was a
/// good part of the time of a slider move.
fn weighted_mean(sum: &mut [f64], weight: &[f64], all: f64, included: &[bool]) {
    let mean = Mean::new(all);
    for ((x, w), inc) in sum.iter_mut().zip(weight).zip(included) {
        *x = mean.of(*x, *w, *inc);
    }
}

/// [`weighted_mean`] one name at a time.
struct Mean {
    all: f64,
    inv_all: f64,
}

impl Mean {
    fn new(all: f64) -> Mean {
        Mean {
            all,
            inv_all: 1.0 / all,
        }
    }

    fn of(&self, sum: f64, weight: f64, included: bool) -> f64 {
        let inv = if weight == self.all {
            self.inv_all
        } else {
            1.0 / weight
        };
        if included && weight > 0.0 {
            sum * inv
        } else {
            f64::NAN
        }
    }
}

/// The HALO composite: the pillars with weight, then the lens' sector tilts,
/// re-standardised.
fn combine(
    cs: &ScoreBase,
    settings: &Settings,
    pillars: &[Vec<f64>; 4],
    included: &[bool],
) -> Vec<f64> {
    let n = cs.len();
    let w = &settings.weights;
    // Name by name: the weighted sum of the pillar scores it has and the weight they
    // carry, pillars in order (a pillar without weight adds zeros), then their mean.
    let weights = Pillar::ALL.map(|p| w.pillar(p));
    let all = weights.iter().map(|x| x.abs()).fold(0.0, |a, b| a + b);
    let mean = Mean::new(all);
    let cols = Pillar::ALL.map(|p| &pillars[p.index()][..n]);
    let mut halo: Vec<f64> = (0..n)
        .map(|s| {
            let (mut sum, mut weight) = (0.0, 0.0);
            for (col, wp) in cols.iter().zip(weights) {
                let v = col[s];
                let ok = v.is_finite();
                weight += if ok { wp.abs() } else { 0.0 };
                sum += if ok { wp * v } else { 0.0 };
            }
            mean.of(sum, weight, included[s])
        })
        .collect();
    restandardize(&mut halo);
    if !settings.basket.sector_tilts.is_empty() {
        // A tilt per sector number, looked up by name once.
        let tilts: Vec<Option<f64>> = cs
            .groups
            .sector_names
            .iter()
            .map(|name| settings.basket.sector_tilts.get(name).copied())
            .collect();
        for s in 0..n {
            if let Some(t) = tilts[cs.sector[s] as usize] {
                halo[s] += t;
            }
        }
        restandardize(&mut halo);
    }
    halo
}

/// The scored securities best first; equal scores in ticker order.
fn ranking(cs: &ScoreBase, halo: &[f64]) -> Vec<usize> {
    let mut order = argsort(halo);
    order.reverse();
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && halo[order[j]].total_cmp(&halo[order[i]]).is_eq() {
            j += 1;
        }
        order[i..j].sort_by(|&a, &b| cs.ticker(a).cmp(cs.ticker(b)));
        i = j;
    }
    order
}

/// Scoring with a cache: the weight-independent part is recomputed only when the dataset
/// or the scoring options change.
#[derive(Default)]
pub struct Scorer {
    prepared: Option<Arc<Prepared>>,
}

impl Scorer {
    /// The prepared cross-section (re-used while the scoring options are unchanged) and
    /// its scores under `settings`.
    pub fn score(
        &mut self,
        panel: &Panel,
        settings: &Settings,
    ) -> Result<(Arc<Prepared>, Scores), EngineError> {
        let prep = match &self.prepared {
            Some(p) if p.options == settings.scoring => p.clone(),
            _ => {
                let p = Arc::new(prepare(panel, &settings.scoring)?);
                self.prepared = Some(p.clone());
                p
            }
        };
        let sc = score(&prep, settings);
        Ok((prep, sc))
    }
}

/// One row per security with the columns of the `score` command: ticker, name, sector,
/// halo_score, score_percentile, rank, pillar_*, in_basket, basket_weight, in_anti_basket,
/// excluded_reason (empty for included securities). Sorted by rank, excluded last.
pub fn scores_frame(
    prep: &Prepared,
    sc: &Scores,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::{Column, DataFrame};
    let cs = &prep.cs;
    let n = cs.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&s| (sc.rank[s] == 0, sc.rank[s], cs.tickers[s].clone()));
    let opt = |v: f64| v.is_finite().then_some(v);
    let text = |v: &Vec<String>| order.iter().map(|&s| v[s].clone()).collect::<Vec<_>>();
    let mut cols = vec![
        Column::new("ticker".into(), text(&cs.tickers)),
        Column::new("name".into(), text(&cs.names)),
        Column::new("sector".into(), text(&cs.sectors)),
        Column::new(
            "halo_score".into(),
            order.iter().map(|&s| opt(sc.halo[s])).collect::<Vec<_>>(),
        ),
        Column::new(
            "score_percentile".into(),
            order
                .iter()
                .map(|&s| opt(sc.percentile[s]))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "rank".into(),
            order
                .iter()
                .map(|&s| (sc.rank[s] > 0).then_some(sc.rank[s]))
                .collect::<Vec<_>>(),
        ),
    ];
    for p in Pillar::ALL {
        let v: Vec<Option<f64>> = order
            .iter()
            .map(|&s| opt(sc.pillars[p.index()][s]))
            .collect();
        cols.push(Column::new(format!("pillar_{}", p.id()).into(), v));
    }
    cols.push(Column::new(
        "in_basket".into(),
        order
            .iter()
            .map(|&s| sc.basket.weights[s] > 0.0)
            .collect::<Vec<_>>(),
    ));
    cols.push(Column::new(
        "basket_weight".into(),
        order
            .iter()
            .map(|&s| sc.basket.weights[s])
            .collect::<Vec<_>>(),
    ));
    cols.push(Column::new(
        "in_anti_basket".into(),
        order
            .iter()
            .map(|&s| sc.anti.weights[s] > 0.0)
            .collect::<Vec<_>>(),
    ));
    cols.push(Column::new(
        "excluded_reason".into(),
        order
            .iter()
            .map(|&s| {
                sc.exclusion[s]
                    .as_ref()
                    .map(|e| e.localize(Lang::En))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>(),
    ));
    DataFrame::new(n, cols)
}
