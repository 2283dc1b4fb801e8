//! Point-in-time backtest, alphalens-consistent (`docs/methodology.md` §5): at each rebalance
//! the score known then, equal-count quantiles per date (pandas `qcut`), forward returns to
//! the next rebalance, quantile mean returns with standard errors, the top-minus-bottom
//! spread, Spearman IC, turnover, costs, and cumulative series with their statistics.

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::EngineError;
use super::notes::{SeriesId, SkipReason};
use super::performance::{Stats, cumulative, stats};
use super::returns::ReturnPanel;
use super::score::{HaloAndBasket, PillarScores, ScoreBase, prepare_base, score_halo_and_basket};
use super::stats::{
    argsort, average_ranks_into, average_ranks_kept, distinct_ranks_sxx, quantile_by,
};
use super::universe::Panel;
use crate::bi;
use crate::engine::settings::{AnalyticsSettings, Rebalance, ScoringSettings, Settings};
use crate::i18n::{Lang, Localize};

/// Scores and baskets at each rebalance date: the weight-dependent input of [`backtest`].
#[derive(Clone, Debug, Default)]
pub struct History {
    pub dates: Vec<NaiveDate>,
    /// Index of each date in the return panel's months.
    pub month: Vec<usize>,
    /// Per date, per security: HALO score (NaN when not scored).
    pub halo: Vec<Vec<f64>>,
    /// Per date: the HALO basket's members, best first, with their weights.
    pub basket: Vec<Vec<(usize, f64)>>,
    /// Per date: the scored securities, best first (empty when not known: the backtest
    /// then sorts the scores itself).
    pub ranked: Vec<Vec<usize>>,
    /// Per date, per security: index into `sector_names` (shared with the prepared history).
    pub sector: Vec<Arc<Vec<u32>>>,
    pub sector_names: Vec<String>,
    /// Per date: forward returns to the next date, when prepared with the calendar.
    pub forward: Vec<Option<Arc<Forward>>>,
}

/// Every security's compounded return over one rebalance period (NaN where a month is
/// missing), and the ascending order of those that exist. It does not depend on weights,
/// so [`PreparedHistory`] builds it once per calendar date.
#[derive(Clone, Debug)]
pub struct Forward {
    from: usize,
    to: usize,
    fwd: Vec<f64>,
    /// (u32: it is read at every weight change; half the memory of usize.)
    order: Vec<u32>,
    /// Whether the returns that exist are all different (no ties to average in their ranks).
    distinct: bool,
}

impl Forward {
    fn new(rp: &ReturnPanel, from: usize, to: usize, n: usize) -> Forward {
        let fwd = forward(rp, from, to, n);
        let order: Vec<u32> = argsort(&fwd).into_iter().map(|s| s as u32).collect();
        let distinct = order
            .windows(2)
            .all(|w| fwd[w[0] as usize] != fwd[w[1] as usize]);
        Forward {
            from,
            to,
            fwd,
            order,
            distinct,
        }
    }
}

/// The memory the horizons' forward returns may take before they are recomputed at each
/// use instead (their order is always kept).
const HORIZON_RETURNS_BUDGET: usize = 48 << 20;

impl Forward {
    /// Without the returns (a horizon's forward returns are kept so, their order alone:
    /// the returns cost twice the memory and are recomputed in a pass).
    fn without_returns(mut self) -> Forward {
        self.fwd = Vec::new();
        self
    }

    /// With the returns of `n` securities, recomputed when they were left out.
    fn with_returns(f: &Arc<Forward>, rp: &ReturnPanel, n: usize) -> Arc<Forward> {
        if f.fwd.len() == n {
            return f.clone();
        }
        Arc::new(Forward {
            from: f.from,
            to: f.to,
            fwd: forward(rp, f.from, f.to, n),
            order: f.order.clone(),
            distinct: f.distinct,
        })
    }
}

/// The month a period starting at `from` ends: the next rebalance date's, or one step on
/// (within the prices) for the last.
fn period_end(months: &[usize], d: usize, step: usize, rp: &ReturnPanel) -> usize {
    months
        .get(d + 1)
        .copied()
        .unwrap_or_else(|| (months[d] + step).min(rp.months.len() - 1))
}

/// Rebalance months: every month (or quarter end) of the prices, within the settings'
/// range, that leaves a forward period.
pub fn rebalance_months(rp: &ReturnPanel, a: &AnalyticsSettings) -> Vec<usize> {
    let step = a.rebalance.months();
    (0..rp.months.len().saturating_sub(step))
        .filter(|&m| step == 1 || chrono::Datelike::month(&rp.months[m]).is_multiple_of(3))
        .filter(|&m| {
            a.backtest_from.is_none_or(|f| rp.months[m] >= f)
                && a.backtest_to.is_none_or(|t| rp.months[m] <= t)
        })
        .collect()
}

/// The weight-independent part of a backtest: each rebalance date's prepared
/// cross-section. Built once per dataset, scoring options and rebalance calendar, so a
/// weight change only re-scores each date.
#[derive(Clone, Debug)]
pub struct PreparedHistory {
    pub months: Vec<usize>,
    /// Per date: what scoring it reads (its standardised metrics, availability, groups).
    pub prepared: Vec<ScoreBase>,
    /// Per date, per security: index into `sector_names`.
    pub sector: Vec<Arc<Vec<u32>>>,
    pub sector_names: Vec<String>,
    /// Per date: forward returns to the next date.
    pub forward: Vec<Arc<Forward>>,
    /// Each date's pillar scores for the last weights scored with (empty before the first).
    pillars: Vec<PillarScores>,
    /// Per forward horizon (months) last asked for, per date: the returns over it (None
    /// where it runs past the prices). Built when a horizon is first asked for.
    horizon_forward: Vec<(u32, Vec<Option<Arc<Forward>>>)>,
    /// The memory the horizons' returns may take (else only their order is kept).
    horizon_budget: usize,
    /// What it was built with (a cache key): scoring options, and the calendar's settings.
    pub key: (
        ScoringSettings,
        Rebalance,
        Option<NaiveDate>,
        Option<NaiveDate>,
    ),
}

impl PreparedHistory {
    pub fn key_of(
        settings: &Settings,
    ) -> (
        ScoringSettings,
        Rebalance,
        Option<NaiveDate>,
        Option<NaiveDate>,
    ) {
        let a = &settings.analytics;
        (
            settings.scoring.clone(),
            a.rebalance,
            a.backtest_from,
            a.backtest_to,
        )
    }

    /// Prepare every rebalance date point in time (in parallel over dates). Only dates
    /// at which some report is known and not yet stale can score anything: a prices file
    /// running centuries past the fundamentals costs nothing for the years without them.
    pub fn build(panel: &Panel, rp: &ReturnPanel, settings: &Settings) -> PreparedHistory {
        let sc = &settings.scoring;
        let (first, last) = panel
            .known_span(sc.report_lag_days)
            .unwrap_or((i64::MAX, i64::MIN));
        let span = first..=last.saturating_add(i64::from(sc.max_staleness_days));
        let months: Vec<usize> = rebalance_months(rp, &settings.analytics)
            .into_iter()
            .filter(|&m| span.contains(&i64::from(crate::data::dates::to_epoch_days(rp.months[m]))))
            .collect();
        let prepared: Vec<Option<ScoreBase>> = months
            .par_iter()
            .map(|&m| {
                let mut s = settings.scoring.clone();
                s.as_of = Some(rp.months[m]);
                prepare_base(panel, &s).ok()
            })
            .collect();
        let (months, mut prepared): (Vec<usize>, Vec<ScoreBase>) = months
            .into_iter()
            .zip(prepared)
            .filter_map(|(m, p)| p.map(|p| (m, p)))
            .unzip();
        // Dates whose securities sit in the same sectors share one list of them.
        for d in 1..prepared.len() {
            if prepared[d].sector == prepared[d - 1].sector {
                prepared[d].sector = prepared[d - 1].sector.clone();
            }
        }
        let sector = prepared.iter().map(|p| p.sector.clone()).collect();
        let sector_names = panel.groups().sector_names.clone();
        let step = settings.analytics.rebalance.months();
        let forward = (0..months.len())
            .into_par_iter()
            .map(|d| {
                let to = period_end(&months, d, step, rp);
                Arc::new(Forward::new(rp, months[d], to, prepared[d].len()))
            })
            .collect();
        PreparedHistory {
            months,
            prepared,
            sector,
            forward,
            sector_names,
            pillars: Vec::new(),
            horizon_forward: Vec::new(),
            horizon_budget: HORIZON_RETURNS_BUDGET,
            key: Self::key_of(settings),
        }
    }

    /// Make the forward returns of each horizon asked for (the calendar's own where a
    /// horizon is its period), keeping those already made. Those of other horizons are
    /// dropped, unless none is asked for (a weight sweep's backtests, between the
    /// window's), and those kept otherwise than the budget now says are made again.
    fn prepare_horizons(&mut self, rp: &ReturnPanel, horizons: &[u32]) {
        if horizons.is_empty() {
            return;
        }
        // The horizons' returns are kept while they fit the budget (a pillar move then
        // reads them), else recomputed at each use, their order alone kept (a tenth of
        // the time of a date's step, two thirds of the memory). The calendar's own period
        // costs nothing: its returns are the backtest's.
        let step = self.key.1.months();
        let own = horizons.iter().filter(|&&h| h as usize != step).count();
        let n = self.prepared.first().map_or(0, |p| p.len());
        let bytes = own * self.months.len() * n * std::mem::size_of::<f64>();
        let keep_returns = bytes <= self.horizon_budget;
        let mut kept = std::mem::take(&mut self.horizon_forward);
        // Those of other horizons go, and those kept the other way are made again.
        kept.retain(|(h, f)| {
            let with_returns = f.iter().flatten().all(|f| !f.fwd.is_empty());
            horizons.contains(h) && (*h as usize == step || with_returns == keep_returns)
        });
        for &h in horizons {
            if kept.iter().any(|(k, _)| *k == h) {
                continue;
            }
            let per_date = (0..self.months.len())
                .into_par_iter()
                .map(|d| {
                    let (from, to) = (self.months[d], self.months[d] + h as usize);
                    let f = &self.forward[d];
                    if (f.from, f.to) == (from, to) {
                        Some(f.clone())
                    } else {
                        horizon_forward(rp, from, h, self.prepared[d].len())
                            .map(|f| Arc::new(if keep_returns { f } else { f.without_returns() }))
                    }
                })
                .collect();
            kept.push((h, per_date));
        }
        kept.sort_by_key(|(h, _)| *h);
        self.horizon_forward = kept;
    }

    /// Score each date with the settings' weights and baskets, and run the backtest on
    /// those scores. Dates with fewer than five names per quantile scored are left out:
    /// their quantiles would be noise. The dates' pillar scores are kept: a pillar-weight
    /// change only recombines them, a metric-weight change recomputes one pillar. Each
    /// date's backtest step runs right after its scoring, while its scores are still in
    /// the cache.
    pub fn run(
        &mut self,
        rp: &ReturnPanel,
        settings: &Settings,
    ) -> Result<(History, BacktestResult), EngineError> {
        self.run_keeping(rp, settings, true)
    }

    /// [`PreparedHistory::run`] without keeping each date's scores and ranking (the
    /// workbench's backtest pane needs only the result): a date's buffers are freed as
    /// soon as its step is done, so the next date reuses them while they are in the cache.
    pub fn backtest(
        &mut self,
        rp: &ReturnPanel,
        settings: &Settings,
    ) -> Result<BacktestResult, EngineError> {
        self.run_keeping(rp, settings, false).map(|(_, r)| r)
    }

    fn run_keeping(
        &mut self,
        rp: &ReturnPanel,
        settings: &Settings,
        keep: bool,
    ) -> Result<(History, BacktestResult), EngineError> {
        if self.pillars.len() == self.prepared.len() {
            self.pillars
                .par_iter_mut()
                .zip(&self.prepared)
                .for_each(|(p, prep)| p.refresh(prep, settings));
        } else {
            self.pillars = self
                .prepared
                .par_iter()
                .map(|prep| PillarScores::new(prep, settings))
                .collect();
        }
        let a = &settings.analytics;
        let horizons = a.horizon_months();
        self.prepare_horizons(rp, &horizons);
        let min_names = 5 * a.quantiles.max(1) as usize;
        let score = |i: usize| score_halo_and_basket(&self.prepared[i], &self.pillars[i], settings);
        type Dated = (HaloAndBasket, DateResult, Vec<Option<HorizonDate>>);
        let per_date: Vec<(usize, Option<Dated>)> = (0..self.prepared.len())
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                let mut sc = score(i);
                let included = sc.included;
                if included < min_names {
                    return (included, None);
                }
                let date = DateInput::of(&sc, &self.sector[i], self.forward[i].clone());
                let r = date_result(date, a, scratch);
                // Each horizon's step while the date's scores are in the cache.
                let at_horizons = self
                    .horizon_forward
                    .iter()
                    .filter(|(h, _)| horizons.contains(h))
                    .map(|(_, f)| {
                        let f = Forward::with_returns(f[i].as_ref()?, rp, sc.halo.len());
                        let date = DateInput::of(&sc, &self.sector[i], f);
                        Some(HorizonDate::from(date_result(date, a, scratch)))
                    })
                    .collect();
                if !keep {
                    (sc.halo, sc.ranked) = Default::default();
                }
                (included, Some((sc, r, at_horizons)))
            })
            .collect();
        let most = per_date.iter().map(|d| d.0).max().unwrap_or(0);
        let tried = per_date.len();
        let mut h = History {
            sector_names: self.sector_names.clone(),
            ..Default::default()
        };
        let (mut index, mut results) = (Vec::new(), Vec::new());
        let mut at_horizons = ByHorizon::new(&horizons);
        for (i, (_, d)) in per_date.into_iter().enumerate() {
            let Some((sc, r, hz)) = d else { continue };
            at_horizons.push(hz);
            h.forward.push(Some(self.forward[i].clone()));
            h.dates.push(rp.months[self.months[i]]);
            h.month.push(self.months[i]);
            h.halo.push(sc.halo);
            h.basket.push(sc.basket);
            h.ranked.push(sc.ranked);
            h.sector.push(self.sector[i].clone());
            index.push(i);
            results.push(r);
        }
        if h.dates.is_empty() {
            return Err(EngineError::NoRebalanceDate {
                dates: tried,
                needed: min_names,
                most,
            });
        }
        // A date before one left out holds for longer than the calendar's period: redo it.
        for (d, r) in results.iter_mut().enumerate() {
            let to = period_end(&h.month, d, a.rebalance.months(), rp);
            if (r.forward.from, r.forward.to) != (h.month[d], to) {
                let sc = score(index[d]);
                let f = Forward::new(rp, h.month[d], to, sc.halo.len());
                let date = DateInput::of(&sc, &h.sector[d], Arc::new(f));
                *r = date_result(date, a, &mut Scratch::default());
            }
        }
        let r = summarize(&h, results, at_horizons.0, rp, a);
        Ok((h, r))
    }
}

/// Per horizon, each date's result there (None: past the prices), gathered date by date.
struct ByHorizon(Vec<(u32, Vec<Option<HorizonDate>>)>);

impl ByHorizon {
    fn new(horizons: &[u32]) -> Self {
        ByHorizon(horizons.iter().map(|&h| (h, Vec::new())).collect())
    }

    /// One date's results, a horizon each in the order of [`ByHorizon::new`].
    fn push(&mut self, date: Vec<Option<HorizonDate>>) {
        for ((_, dates), x) in self.0.iter_mut().zip(date) {
            dates.push(x);
        }
    }
}

/// Every security's return over the `months` months after `from`, or None when they run
/// past the prices.
fn horizon_forward(rp: &ReturnPanel, from: usize, months: u32, n: usize) -> Option<Forward> {
    let to = from + months as usize;
    (to < rp.months.len()).then(|| Forward::new(rp, from, to, n))
}

impl History {
    /// Date `d`'s inputs to the backtest. The calendar's forward returns serve unless
    /// dates were left out around d (or there are none); they are computed then.
    fn date(&self, d: usize, rp: &ReturnPanel, a: &AnalyticsSettings) -> DateInput<'_> {
        let n = self.halo[d].len();
        let (from, to) = (
            self.month[d],
            period_end(&self.month, d, a.rebalance.months(), rp),
        );
        let forward = match self.forward.get(d) {
            Some(Some(f)) if f.from == from && f.to == to && f.fwd.len() == n => f.clone(),
            _ => Arc::new(Forward::new(rp, from, to, n)),
        };
        DateInput {
            halo: &self.halo[d],
            ranked: self.ranked.get(d).map_or(&[][..], |r| &r[..]),
            basket: &self.basket[d],
            sector: &self.sector[d],
            forward,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PanelRow {
    pub date: usize,
    pub security: usize,
    pub score: f64,
    /// 1 = lowest scores, `quantiles` = highest.
    pub quantile: u8,
    pub fwd_return: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuantileStat {
    pub quantile: u8,
    /// Mean over dates of the quantile's equal-weighted mean forward return.
    pub mean_return: f64,
    /// Standard deviation of those date means / sqrt(count).
    pub std_error: f64,
    /// Dates averaged.
    pub count: usize,
}

/// The backtest at one forward horizon: each rebalance date's scores against the returns
/// over the `months` months after it, in alphalens' conventions (see [`horizon_stat`]).
#[derive(Clone, Debug, Serialize)]
pub struct HorizonStat {
    pub months: u32,
    /// Rebalance dates with an IC at this horizon.
    pub dates: usize,
    /// Rebalance dates left out: the horizon runs past the prices' last month.
    pub past_prices: usize,
    /// Rebalance dates within the prices left out all the same: fewer than two names with
    /// a return over the horizon, or scores so tied that the quantiles cannot be formed.
    pub unmeasured: usize,
    /// Names with a quantile per date measured, on average: fewer at a longer horizon as
    /// names stop trading within it (their return over it is missing).
    pub names_per_date: f64,
    /// Longer than the rebalance period: consecutive dates' returns overlap, which the
    /// t (as alphalens') does not allow for, so it overstates.
    pub overlapping: bool,
    pub ic_mean: f64,
    pub ic_std: f64,
    pub ic_t: f64,
    /// Per quantile: the mean forward return as a rate per month, (1 + r)^(1/months) - 1,
    /// and the standard error of that rate (the delta method).
    pub quantiles: Vec<QuantileStat>,
    /// Mean over dates of the top quantile's rate per month minus the bottom's, and its
    /// standard error.
    pub spread_mean: f64,
    pub spread_se: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Series {
    pub id: SeriesId,
    /// Per rebalance period, net of costs.
    pub returns: Vec<f64>,
    pub cumulative: Vec<f64>,
    pub stats: Stats,
}

impl Series {
    /// The cumulative return at [`BacktestResult::curve_dates`]: 0 at the first rebalance,
    /// then after each period.
    pub fn curve(&self) -> Vec<f64> {
        std::iter::once(0.0)
            .chain(self.cumulative.iter().copied())
            .collect()
    }
}

impl BacktestResult {
    /// The dates of the cumulative curves: the first rebalance, then each period's end (a
    /// period's return is dated when it is earned).
    pub fn curve_dates(&self) -> Vec<NaiveDate> {
        self.dates
            .first()
            .into_iter()
            .chain(&self.period_ends)
            .copied()
            .collect()
    }

    /// Every observation (a name with a quantile), date by date in security order; `h` is
    /// the history the backtest ran on.
    pub fn observations<'a>(&'a self, h: &'a History) -> impl Iterator<Item = PanelRow> + 'a {
        self.quantile
            .iter()
            .zip(&self.forward)
            .enumerate()
            .flat_map(move |(d, (labels, f))| {
                labels
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| **l > 0)
                    .map(move |(s, &l)| PanelRow {
                        date: d,
                        security: s,
                        score: h.halo[d][s],
                        quantile: l,
                        fwd_return: f.fwd[s],
                    })
            })
    }
}

#[derive(Clone, Debug)]
pub struct BacktestResult {
    /// The rebalance dates.
    pub dates: Vec<NaiveDate>,
    /// Where each rebalance's period ends: the next date, one step on for the last.
    pub period_ends: Vec<NaiveDate>,
    pub periods_per_year: f64,
    /// Per date, per security: the quantile (1 = lowest scores), 0 when not in one.
    pub quantile: Vec<Vec<u8>>,
    /// Per date: the forward returns used.
    forward: Vec<Arc<Forward>>,
    pub quantiles: Vec<QuantileStat>,
    pub spread_mean: f64,
    pub spread_se: f64,
    /// Spearman IC per date (NaN where it cannot be computed).
    pub ic: Vec<f64>,
    pub ic_mean: f64,
    pub ic_std: f64,
    pub ic_ir: f64,
    pub ic_t: f64,
    pub ic_positive: f64,
    /// Per quantile (index 0 = quantile 1), per date: share of names new to the quantile.
    pub turnover: Vec<Vec<f64>>,
    pub series: Vec<Series>,
    /// Dates left out, with the reason (alphalens drops them too).
    pub skipped: Vec<(NaiveDate, SkipReason)>,
    /// The IC and the quantiles at each forward horizon the settings ask for (the
    /// signal's decay), shortest first; a horizon no date can measure gives the reason.
    pub horizons: Vec<(u32, Result<HorizonStat, EngineError>)>,
    /// What the A-share trading rules do to the spread (None when none applies).
    pub trading: Option<super::trading::TradingEffects>,
}

/// Spearman rank correlation (scipy.stats.spearmanr); NaN when a value is missing.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    if a.len() < 2 || a.len() != b.len() || a.iter().chain(b).any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    let (mut rank_a, mut rank_b) = (vec![0.0; a.len()], vec![0.0; b.len()]);
    let sxx = average_ranks_into(a, &argsort(a), &mut rank_a);
    let syy = average_ranks_into(b, &argsort(b), &mut rank_b);
    rank_cross(&rank_a, &rank_b, a.len(), &[]) / (sxx * syy).sqrt()
}

/// The cross product of two rankings of m names: the sum over them of
/// (rank_x - c)(rank_y - c), c = (m + 1) / 2 their mean rank, where the names are those
/// whose `member` byte is not 0 (every name when `member` is empty; the ranks of the
/// others, finite, are left out).
fn rank_cross(rank_x: &[f64], rank_y: &[f64], m: usize, member: &[u8]) -> f64 {
    let centre = (m as f64 + 1.0) / 2.0;
    interleaved_sum(rank_x.len().min(rank_y.len()), |k| {
        let w = if member.is_empty() || member[k] > 0 {
            1.0
        } else {
            0.0
        };
        w * (rank_x[k] - centre) * (rank_y[k] - centre)
    })
}

/// Label the names of a bin `k` and return the sum of their forward returns, in their
/// order (of score), in registers.
fn label_bin(bin: &[usize], k: u8, label: &mut [u8], fwd: &[f64]) -> f64 {
    interleaved_sum(bin.len(), |p| {
        label[bin[p]] = k;
        fwd[bin[p]]
    })
}

/// [`rank_cross`] of the ranks `rank_x` and the names' positions in `order` (their ranks
/// when the values `order` sorts have no ties), both over the m names whose `label` is not
/// 0; the positions counted on the way.
fn cross_with_positions(order: &[u32], label: &[u8], rank_x: &[f64], m: usize) -> f64 {
    let centre = (m as f64 + 1.0) / 2.0;
    let mut kept = 0u32;
    interleaved_sum(order.len(), |p| {
        let s = order[p] as usize;
        let w = if label[s] > 0 { 1.0 } else { 0.0 };
        kept += u32::from(label[s] > 0);
        w * (rank_x[s] - centre) * (f64::from(kept) - centre)
    })
}

/// The sum of `term(k)` for k in 0..n in turn, as four interleaved sums (which keep the
/// processor busy) added at the end: a fixed order, so the same terms give the same bits.
/// Terms that are products of ranks are multiples of 1/4 below m², so every partial sum is
/// exact (below some 10^5 names) and the result equals the sum in any order.
fn interleaved_sum(n: usize, mut term: impl FnMut(usize) -> f64) -> f64 {
    let (mut a, mut b, mut c, mut d) = (0.0, 0.0, 0.0, 0.0);
    let mut k = 0;
    while k + 4 <= n {
        a += term(k);
        b += term(k + 1);
        c += term(k + 2);
        d += term(k + 3);
        k += 4;
    }
    while k < n {
        a += term(k);
        k += 1;
    }
    (a + b) + (c + d)
}

/// pandas `qcut(x, q, labels=False)`: bins between the quantiles of x, each (lo, hi] with
/// the first closed; 0-based labels. None when two bin edges coincide (pandas raises;
/// alphalens then drops the date). The edges are pandas' to the last bit
/// ([`qcut_probabilities`], [`quantile_by`]), so a score on an edge falls in the
/// bin pandas puts it in.
pub fn qcut(x: &[f64], q: usize) -> Option<Vec<u8>> {
    let order = argsort(x);
    let bins = qcut_bins(x, &order, q)?;
    let mut label = vec![0u8; x.len()];
    for (k, w) in bins.windows(2).enumerate() {
        for &i in &order[w[0]..w[1]] {
            label[i] = k as u8;
        }
    }
    Some(label)
}

/// The probabilities pandas' `qcut` takes its edges at: `numpy.linspace(0, 1, q + 1)`
/// (j times the step 1/q, the last exactly 1), each one that is not exactly j/q (q times it
/// is not j) moved up to the next float, as pandas 3.1 does, so that 7/10 is never below
/// the 70% edge.
pub fn qcut_probabilities(q: usize) -> Vec<f64> {
    let step = 1.0 / q as f64;
    (0..=q)
        .map(|j| {
            let p = if j == q { 1.0 } else { j as f64 * step };
            if q as f64 * p != j as f64 {
                p.next_up()
            } else {
                p
            }
        })
        .collect()
}

/// [`qcut`] of the values of `x` at `order` (which lists them in ascending order): as
/// positions in `order`, where each bin starts, and the end (q + 1 of them; bin k is
/// (edge k, edge k + 1], the first closed). None when two bin edges coincide.
fn qcut_bins(x: &[f64], order: &[usize], q: usize) -> Option<Vec<usize>> {
    let edges: Vec<f64> = qcut_probabilities(q)
        .into_iter()
        .map(|p| quantile_by(order.len(), p, |i| x[order[i]]))
        .collect();
    if edges.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    // A value's bin is the number of inner edges below it: bin k ends where the values
    // pass edge k + 1.
    let mut bins = Vec::with_capacity(q + 1);
    bins.push(0);
    bins.extend(
        edges[1..q]
            .iter()
            .map(|&e| order.partition_point(|&i| x[i] <= e)),
    );
    bins.push(order.len());
    Some(bins)
}

/// Each of the first `n` securities' compounded return over months (from, to]; NaN if
/// any month is missing. Month by month over the securities (a row of returns read in
/// order), each product in the order of its months.
fn forward(rp: &ReturnPanel, from: usize, to: usize, n: usize) -> Vec<f64> {
    let mut w = vec![1.0; n];
    let mut known = vec![true; n];
    for row in &rp.r[from + 1..=to] {
        for ((w, k), r) in w.iter_mut().zip(&mut known).zip(row) {
            *k &= r.is_finite();
            *w *= 1.0 + r;
        }
        // (A security past the row's end has no return.)
        known.iter_mut().skip(row.len()).for_each(|k| *k = false);
    }
    w.iter()
        .zip(&known)
        .map(|(w, k)| if *k { w - 1.0 } else { f64::NAN })
        .collect()
}

struct DateResult {
    /// Per security: quantile 1..=q, 0 when not in one.
    label: Vec<u8>,
    forward: Arc<Forward>,
    /// Mean forward return of the names with a quantile (NaN when there are none).
    mean: f64,
    ic: f64,
    /// Per quantile: mean forward return (NaN when empty).
    q_ret: Vec<f64>,
    basket: f64,
    skipped: Option<SkipReason>,
}

/// What a horizon's statistics read of a date's result (its labels and returns are freed
/// as soon as the date is done).
struct HorizonDate {
    mean: f64,
    ic: f64,
    q_ret: Vec<f64>,
    /// Names with a quantile.
    names: usize,
}

impl From<DateResult> for HorizonDate {
    fn from(d: DateResult) -> Self {
        HorizonDate {
            mean: d.mean,
            ic: d.ic,
            names: d.label.len() - bytecount::count(&d.label, 0),
            q_ret: d.q_ret,
        }
    }
}

/// Buffers a worker thread reuses from date to date.
#[derive(Default)]
struct Scratch {
    known: Vec<bool>,
    order: Vec<usize>,
    subset: Vec<usize>,
    rank_x: Vec<f64>,
    rank_y: Vec<f64>,
}

/// What the backtest needs of one rebalance date.
#[derive(Clone)]
struct DateInput<'a> {
    halo: &'a [f64],
    /// The scored securities, best first (empty: sort the scores).
    ranked: &'a [usize],
    basket: &'a [(usize, f64)],
    sector: &'a [u32],
    forward: Arc<Forward>,
}

impl<'a> DateInput<'a> {
    fn of(sc: &'a HaloAndBasket, sector: &'a [u32], forward: Arc<Forward>) -> Self {
        DateInput {
            halo: &sc.halo,
            ranked: &sc.ranked,
            basket: &sc.basket,
            sector,
            forward,
        }
    }
}

/// One rebalance date of the backtest: quantiles, their mean forward returns, the IC and
/// the basket's return.
fn date_result(date: DateInput, a: &AnalyticsSettings, sc: &mut Scratch) -> DateResult {
    let q = a.quantiles.clamp(2, 20) as usize;
    let halo = date.halo;
    let n = halo.len();
    let f = date.forward;
    let fwd = &f.fwd;
    // The names with a score and a forward return in ascending order of score: the
    // ranking's, reversed, or a sort when there is none.
    // The scores' ranks over the order (the IC's, when every name gets a quantile).
    sc.rank_x.resize(n, 0.0);
    let order = &mut sc.order;
    let sxx = if date.ranked.is_empty() {
        let x: Vec<f64> = (0..n)
            .map(|s| {
                if fwd[s].is_finite() {
                    halo[s]
                } else {
                    f64::NAN
                }
            })
            .collect();
        average_ranks_kept(
            halo,
            argsort(&x).into_iter(),
            |_| true,
            order,
            &mut sc.rank_x,
        )
    } else {
        // Which names have a score and a forward return, read in order: the scores and
        // returns, looked up out of order next, are then in the cache.
        sc.known.clear();
        sc.known.extend(
            fwd.iter()
                .zip(halo)
                .map(|(r, h)| r.is_finite() && h.is_finite()),
        );
        let known = &sc.known;
        let ascending = date.ranked.iter().rev().copied();
        average_ranks_kept(halo, ascending, |s| known[s], order, &mut sc.rank_x)
    };
    if !date.ranked.is_empty() && sxx != distinct_ranks_sxx(order.len()) {
        // Equal scores in index order, as the sort gives them (the ranking breaks ties by
        // ticker): each bin's sum then adds its names in one order, either way.
        for run in order.chunk_by_mut(|a, b| halo[*a].to_bits() == halo[*b].to_bits()) {
            run.sort_unstable();
        }
    }
    // Quantiles over the date, or within each sector (a sector keeps the order), and
    // each quantile's sum of forward returns, walking up the scores.
    let mut label = vec![0u8; n];
    let (mut qs, mut qn) = (vec![0.0; q], vec![0usize; q]);
    let mut skipped = None;
    let mut cut = |names: &[usize]| {
        let Some(bins) = qcut_bins(halo, names, q) else {
            skipped = Some(SkipReason::TiedScores {
                names: names.len(),
                quantiles: q,
            });
            return;
        };
        for (k, w) in bins.windows(2).enumerate() {
            qs[k] += label_bin(&names[w[0]..w[1]], k as u8 + 1, &mut label, fwd);
            qn[k] += w[1] - w[0];
        }
    };
    if a.within_sector {
        let ids = date.sector;
        // Sector by sector (a stable sort keeps each one's names in order of score).
        sc.subset.clear();
        sc.subset.extend_from_slice(order);
        sc.subset.sort_by_key(|&s| ids[s]);
        for names in sc.subset.chunk_by(|x, y| ids[*x] == ids[*y]) {
            cut(names);
        }
    } else {
        cut(order);
    }
    let count: usize = qn.iter().sum();
    let total: f64 = qs.iter().sum();
    let q_ret: Vec<f64> = qs
        .iter()
        .zip(&qn)
        .map(|(s, n)| if *n > 0 { s / *n as f64 } else { f64::NAN })
        .collect();
    // Spearman IC over the names with a quantile, each of their scores and forward returns
    // taken in ascending order.
    let ic = if count < 2 {
        f64::NAN
    } else {
        // Usually every name has a quantile and the order's ranks serve as they are.
        let sxx = if count == order.len() {
            sxx
        } else {
            let labelled = |s: usize| label[s] > 0;
            average_ranks_kept(
                halo,
                order.iter().copied(),
                labelled,
                &mut sc.subset,
                &mut sc.rank_x,
            )
        };
        // The returns' ranks over the same names. Without ties among the returns a name's
        // rank is its position among them, and the cross product is summed on the way.
        let (sxy, syy) = if f.distinct {
            let sxy = cross_with_positions(&f.order, &label, &sc.rank_x, count);
            (sxy, distinct_ranks_sxx(count))
        } else {
            sc.rank_y.resize(n, 0.0);
            let ascending = f.order.iter().map(|&s| s as usize);
            let labelled = |s: usize| label[s] > 0;
            let syy = average_ranks_kept(fwd, ascending, labelled, &mut sc.subset, &mut sc.rank_y);
            (rank_cross(&sc.rank_x, &sc.rank_y, count, &label), syy)
        };
        sxy / (sxx * syy).sqrt()
    };
    let (mut sw, mut swr) = (0.0, 0.0);
    for &(s, w) in date.basket {
        if w > 0.0 && fwd[s].is_finite() {
            sw += w;
            swr += w * fwd[s];
        }
    }
    DateResult {
        label,
        forward: f,
        mean: if count > 0 {
            total / count as f64
        } else {
            f64::NAN
        },
        ic,
        q_ret,
        basket: if sw > 0.0 { swr / sw } else { f64::NAN },
        skipped,
    }
}

/// Run the backtest over a score history.
pub fn backtest(h: &History, rp: &ReturnPanel, a: &AnalyticsSettings) -> BacktestResult {
    let horizons = a.horizon_months();
    let per_date: Vec<(DateResult, Vec<Option<HorizonDate>>)> = (0..h.dates.len())
        .into_par_iter()
        .map_init(Scratch::default, |sc, d| {
            let date = h.date(d, rp, a);
            let at_horizons = horizons
                .iter()
                .map(|&months| {
                    // (The calendar's own period where the horizon is it.)
                    let (from, f) = (h.month[d], &date.forward);
                    let forward = if (f.from, f.to) == (from, from + months as usize) {
                        f.clone()
                    } else {
                        Arc::new(horizon_forward(rp, from, months, h.halo[d].len())?)
                    };
                    let at = DateInput {
                        forward,
                        ..date.clone()
                    };
                    Some(HorizonDate::from(date_result(at, a, sc)))
                })
                .collect();
            let r = date_result(date, a, sc);
            (r, at_horizons)
        })
        .collect();
    let mut at_horizons = ByHorizon::new(&horizons);
    let mut results = Vec::with_capacity(per_date.len());
    for (r, hz) in per_date {
        results.push(r);
        at_horizons.push(hz);
    }
    summarize(h, results, at_horizons.0, rp, a)
}

/// The backtest's statistics and series from its dates' results.
fn summarize(
    h: &History,
    per_date: Vec<DateResult>,
    at_horizons: Vec<(u32, Vec<Option<HorizonDate>>)>,
    rp: &ReturnPanel,
    a: &AnalyticsSettings,
) -> BacktestResult {
    let q = a.quantiles.clamp(2, 20) as usize;
    let step = a.rebalance.months();
    let nd = per_date.len();
    let period_ends = (0..nd)
        .map(|d| rp.months[period_end(&h.month, d, step, rp)])
        .collect();
    let quantiles = quantile_stats(
        per_date.iter().map(|d| (d.mean, &d.q_ret[..])),
        q,
        a.demeaned,
    );
    let (top, bottom) = (&quantiles[q - 1], &quantiles[0]);
    let spread_mean = top.mean_return - bottom.mean_return;
    let spread_se = (top.std_error.powi(2) + bottom.std_error.powi(2)).sqrt();

    let ic: Vec<f64> = per_date.iter().map(|d| d.ic).collect();
    let icv: Vec<f64> = ic.iter().copied().filter(|v| v.is_finite()).collect();
    let t = icv.len() as f64;
    let (ic_mean, ic_std) = mean_sd(&icv);
    let ic_ir = ic_mean / ic_std;
    let horizons = at_horizons
        .into_iter()
        .map(|(months, dates)| (months, horizon_stat(months, dates, a)))
        .collect();

    // Turnover at each date against the one before (1 at the first): per quantile, the
    // share of its names that were not in it; for the basket, the weight bought.
    let n = per_date.iter().map(|d| d.label.len()).max().unwrap_or(0);
    let per_date_turnover: Vec<(Vec<f64>, f64)> = (0..nd)
        .into_par_iter()
        .map_init(
            || vec![0.0; n],
            |held, d| {
                let Some(p) = d.checked_sub(1) else {
                    return (vec![1.0; q], 1.0);
                };
                let (now, before) = (&per_date[d].label, &per_date[p].label);
                // Each name's label where it kept it (0 elsewhere), then counts of bytes.
                let kept: Vec<u8> = now
                    .iter()
                    .zip(before)
                    .map(|(&a, &b)| if a == b { a } else { 0 })
                    .collect();
                let quantiles = (1..=q as u8)
                    .map(|k| match bytecount::count(now, k) {
                        0 => f64::NAN,
                        m => 1.0 - bytecount::count(&kept, k) as f64 / m as f64,
                    })
                    .collect();
                for &(s, w) in &h.basket[p] {
                    held[s] = w;
                }
                let bought = h.basket[d]
                    .iter()
                    .map(|&(s, w)| (w - held[s]).max(0.0))
                    .sum();
                for &(s, _) in &h.basket[p] {
                    held[s] = 0.0;
                }
                (quantiles, bought)
            },
        )
        .collect();
    let turnover: Vec<Vec<f64>> = (0..q)
        .map(|k| per_date_turnover.iter().map(|t| t.0[k]).collect())
        .collect();
    let basket_turnover: Vec<f64> = per_date_turnover.iter().map(|t| t.1).collect();
    let cost = a.cost_bps / 1e4;
    let periods = 12.0 / step as f64;
    let net = |gross: f64, to: f64| gross - cost * if to.is_finite() { to } else { 0.0 };
    let mut series = Vec::new();
    let mut add = |id: SeriesId, r: Vec<f64>| {
        let st = stats(&r, periods, a.risk_free);
        series.push(Series {
            id,
            cumulative: cumulative(&r),
            returns: r,
            stats: st,
        });
    };
    for k in 0..q {
        add(
            SeriesId::Quantile(k as u8 + 1),
            (0..nd)
                .map(|d| net(per_date[d].q_ret[k], turnover[k][d]))
                .collect(),
        );
    }
    add(
        SeriesId::Spread { top: q as u8 },
        (0..nd)
            .map(|d| {
                per_date[d].q_ret[q - 1]
                    - per_date[d].q_ret[0]
                    - cost * (turnover[q - 1][d] + turnover[0][d])
            })
            .collect(),
    );
    add(
        SeriesId::Benchmark,
        per_date.iter().map(|d| d.mean).collect(),
    );
    add(
        SeriesId::HaloBasket,
        (0..nd)
            .map(|d| net(per_date[d].basket, basket_turnover[d]))
            .collect(),
    );

    let skipped = per_date
        .iter()
        .zip(&h.dates)
        .filter_map(|(d, date)| d.skipped.clone().map(|s| (*date, s)))
        .collect();
    let (quantile, forward) = per_date.into_iter().map(|d| (d.label, d.forward)).unzip();
    BacktestResult {
        dates: h.dates.clone(),
        period_ends,
        periods_per_year: periods,
        quantile,
        forward,
        quantiles,
        spread_mean,
        spread_se,
        ic_mean,
        ic_std,
        ic_ir,
        ic_t: ic_ir * t.sqrt(),
        ic_positive: icv.iter().filter(|v| **v > 0.0).count() as f64 / t,
        ic,
        turnover,
        series,
        skipped,
        horizons,
        trading: None,
    }
}

/// The mean and the standard deviation (ddof 1) of some values.
fn mean_sd(v: &[f64]) -> (f64, f64) {
    let c = v.len() as f64;
    let mean = v.iter().sum::<f64>() / c;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (c - 1.0)).sqrt();
    (mean, sd)
}

/// Quantile statistics as alphalens' `mean_return_by_quantile(by_date=False)`: each
/// date's mean forward return per quantile (demeaned by the date's mean if asked), then the
/// mean and standard error of those date means across dates.
fn quantile_stats<'a>(
    dates: impl Iterator<Item = (f64, &'a [f64])>,
    q: usize,
    demeaned: bool,
) -> Vec<QuantileStat> {
    let mut date_means: Vec<Vec<f64>> = vec![Vec::new(); q];
    for (mean, q_ret) in dates {
        // (A date without names has no finite quantile mean: its centre is not used.)
        let centre = if demeaned { mean } else { 0.0 };
        for (k, m) in date_means.iter_mut().enumerate() {
            if q_ret[k].is_finite() {
                m.push(q_ret[k] - centre);
            }
        }
    }
    date_means
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let (mean, sd) = mean_sd(v);
            QuantileStat {
                quantile: k as u8 + 1,
                mean_return: mean,
                std_error: sd / (v.len() as f64).sqrt(),
                count: v.len(),
            }
        })
        .collect()
}

/// One horizon's statistics from its dates' results (None: past the prices), in
/// alphalens' conventions: the IC per date, its mean and t (the t of a one-sample test,
/// which treats overlapping periods as independent); the quantiles' mean returns as rates
/// per month (`rate_of_return` with a one-month base period, the rate's standard error by
/// the delta method); the spread as the mean over dates of the top-minus-bottom difference
/// of the dates' rates per month (its "mean period wise spread").
fn horizon_stat(
    months: u32,
    dates: Vec<Option<HorizonDate>>,
    a: &AnalyticsSettings,
) -> Result<HorizonStat, EngineError> {
    let q = a.quantiles.clamp(2, 20) as usize;
    let past_prices = dates.iter().filter(|d| d.is_none()).count();
    let dates: Vec<HorizonDate> = dates.into_iter().flatten().collect();
    let ic: Vec<f64> = dates
        .iter()
        .map(|d| d.ic)
        .filter(|v| v.is_finite())
        .collect();
    if ic.is_empty() {
        return Err(EngineError::NoHorizonDate {
            months,
            past_prices,
            dates: past_prices + dates.len(),
        });
    }
    let (ic_mean, ic_std) = mean_sd(&ic);
    let h = f64::from(months);
    let rate = |r: f64| (1.0 + r).powf(1.0 / h) - 1.0;
    let quantiles = quantile_stats(dates.iter().map(|d| (d.mean, &d.q_ret[..])), q, a.demeaned)
        .into_iter()
        .map(|s| QuantileStat {
            mean_return: rate(s.mean_return),
            // The standard error of the rate shown, by the delta method: the rate's slope
            // at the mean, times the h-month mean's standard error.
            std_error: s.std_error * (1.0 + s.mean_return).powf(1.0 / h - 1.0) / h,
            ..s
        })
        .collect();
    let spreads: Vec<f64> = dates
        .iter()
        .map(|d| {
            let centre = if a.demeaned { d.mean } else { 0.0 };
            rate(d.q_ret[q - 1] - centre) - rate(d.q_ret[0] - centre)
        })
        .filter(|v| v.is_finite())
        .collect();
    let (spread_mean, spread_sd) = mean_sd(&spreads);
    let measured = dates.iter().filter(|d| d.ic.is_finite());
    let names: usize = measured.map(|d| d.names).sum();
    Ok(HorizonStat {
        months,
        dates: ic.len(),
        past_prices,
        unmeasured: dates.len() - ic.len(),
        names_per_date: names as f64 / ic.len() as f64,
        overlapping: months as usize > a.rebalance.months(),
        ic_mean,
        ic_std,
        ic_t: ic_mean / ic_std * (ic.len() as f64).sqrt(),
        quantiles,
        spread_mean,
        spread_se: spread_sd / (spreads.len() as f64).sqrt(),
    })
}

impl HorizonStat {
    /// What the horizon was measured on, as a phrase (the command line's table and the
    /// window's caption): its dates and names a date, and the dates past the prices or
    /// not measured.
    pub fn coverage(&self, lang: Lang) -> String {
        let (n, names) = (self.dates, self.names_per_date.round());
        let dates = crate::i18n::plural(n, "date", "dates");
        let each = crate::i18n::plural(names as usize, "name", "names");
        let mut t = bi!(
            lang,
            "{n} {dates}, {names} {each} a date",
            "{n} 个调仓日，每个调仓日平均 {names} 只"
        );
        let (p, u) = (self.past_prices, self.unmeasured);
        if p > 0 {
            t += &bi!(lang, ", {p} past the prices", "，{p} 个超出价格区间");
        }
        if u > 0 {
            t += &bi!(
                lang,
                ", {u} not measured (too few names with its return, or tied scores)",
                "，{u} 个无法计量（有该区间收益的证券太少或得分并列）"
            );
        }
        t
    }
}

/// The backtest at each horizon in a few lines (the command line prints them): per
/// horizon the IC mean and t, the top-minus-bottom spread per month, the dates measured,
/// and why a horizon could not be.
pub fn horizon_lines(r: &BacktestResult, quantiles: u32, lang: Lang) -> Vec<String> {
    if r.horizons.is_empty() {
        return vec![bi!(
            lang,
            "signal decay: no forward horizon asked for (analytics.horizons is empty)",
            "信号衰减：未设置远期区间（analytics.horizons 为空）"
        )];
    }
    let q = quantiles;
    let mut lines = vec![bi!(
        lang,
        "signal decay by forward horizon (IC mean and t; Q{q}-Q1 spread per month):",
        "信号衰减，按远期区间（IC 均值与 t；Q{q}-Q1 月均价差）："
    )];
    let mut overlapping = false;
    for (months, h) in &r.horizons {
        let line = match h {
            Ok(h) => {
                overlapping |= h.overlapping;
                let star = if h.overlapping { "*" } else { "" };
                let (ic, t, s, se) = (
                    h.ic_mean,
                    h.ic_t,
                    h.spread_mean * 100.0,
                    h.spread_se * 100.0,
                );
                let coverage = h.coverage(lang);
                bi!(
                    lang,
                    "  {months:>3} m{star:<1}  IC {ic:>8.4} (t {t:>6.2})  spread {s:>7.3}% (se {se:.3}%)  {coverage}",
                    "  {months:>3} 个月{star:<1}  IC {ic:>8.4}（t {t:>6.2}）  价差 {s:>7.3}%（标准误 {se:.3}%）  {coverage}"
                )
            }
            Err(e) => {
                let e = e.localize(lang);
                bi!(lang, "  {months:>3} m   {e}", "  {months:>3} 个月  {e}")
            }
        };
        lines.push(line);
    }
    if overlapping {
        lines.push(bi!(
            lang,
            "  * longer than the rebalance period: consecutive dates' returns overlap, and the t (as alphalens') treats them as independent, so it overstates",
            "  * 长于调仓周期：相邻调仓日的收益区间重叠，t 值（与 alphalens 相同）视其为独立样本，因而偏高"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::pipeline::Inputs;

    /// Every number of every horizon, as bits.
    fn horizon_bits(r: &BacktestResult) -> Vec<u64> {
        r.horizons
            .iter()
            .flat_map(|(_, h)| {
                let h = h.as_ref().expect("horizon");
                let mut v = vec![h.ic_mean, h.ic_std, h.ic_t, h.spread_mean, h.spread_se];
                v.push(h.names_per_date);
                v.extend(
                    h.quantiles
                        .iter()
                        .flat_map(|q| [q.mean_return, q.std_error]),
                );
                v.into_iter().map(f64::to_bits).chain([
                    h.dates as u64,
                    h.past_prices as u64,
                    h.unmeasured as u64,
                ])
            })
            .collect()
    }

    #[test]
    fn horizons_recomputed_at_each_use_equal_those_kept_and_those_on_the_spot() {
        // Monthly, and quarterly within sectors demeaned: the horizons' returns kept, or
        // recomputed at each use, or the backtest of the kept scores (all computed on the
        // spot) give the same bits.
        let ds = crate::engine::synth::generate(300, 60, 3)
            .expect("synthetic")
            .dataset("synthetic");
        let inputs = Inputs::new(&ds).expect("inputs");
        let mut quarterly = Settings::default();
        quarterly.analytics.rebalance = Rebalance::Quarterly;
        quarterly.analytics.within_sector = true;
        quarterly.analytics.demeaned = true;
        for settings in [Settings::default(), quarterly] {
            let run = |budget: usize| {
                let mut p = PreparedHistory::build(&inputs.panel, &inputs.returns, &settings);
                p.horizon_budget = budget;
                let r = p.run(&inputs.returns, &settings).expect("backtest");
                let kept = p.horizon_forward[2]
                    .1
                    .iter()
                    .flatten()
                    .all(|f| !f.fwd.is_empty());
                assert_eq!(kept, budget > 0);
                r
            };
            let (h, kept) = run(usize::MAX);
            let (_, recomputed) = run(0);
            let mut bare = h.clone();
            bare.forward = vec![None; bare.dates.len()];
            bare.ranked = Vec::new();
            let spot = backtest(&bare, &inputs.returns, &settings.analytics);
            assert_eq!(kept.horizons.len(), 4);
            assert_eq!(horizon_bits(&kept), horizon_bits(&recomputed));
            assert_eq!(horizon_bits(&kept), horizon_bits(&spot));
        }
    }
}
