//! Point-in-time backtest, alphalens-consistent (`methodology.md` §5): at each rebalance
//! the score known then, equal-count quantiles per date (pandas `qcut`), forward returns to
//! the next rebalance, quantile mean returns with standard errors, the top-minus-bottom
//! spread, Spearman IC, turnover, costs, and cumulative series with their statistics.

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::EngineError;
use super::performance::{Stats, cumulative, stats};
use super::returns::ReturnPanel;
use super::score::{
    HaloAndBasket, PillarKey, PillarScores, Prepared, prepare, score_halo_and_basket,
};
use super::stats::{argsort, average_ranks};
use super::universe::Panel;
use crate::settings::{AnalyticsSettings, Rebalance, ScoringSettings, Settings};

/// Scores and baskets at each rebalance date: the weight-dependent input of [`backtest`].
#[derive(Clone, Debug, Default)]
pub struct History {
    pub dates: Vec<NaiveDate>,
    /// Index of each date in the return panel's months.
    pub month: Vec<usize>,
    /// Per date, per security: HALO score (NaN when not scored).
    pub halo: Vec<Vec<f64>>,
    /// Per date, per security: HALO basket weight.
    pub basket: Vec<Vec<f64>>,
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
    order: Vec<usize>,
}

impl Forward {
    fn new(rp: &ReturnPanel, from: usize, to: usize, n: usize) -> Forward {
        let fwd: Vec<f64> = (0..n).map(|s| forward(rp, from, to, s)).collect();
        let order = argsort(&fwd);
        Forward {
            from,
            to,
            fwd,
            order,
        }
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
    pub prepared: Vec<Prepared>,
    /// Per date, per security: index into `sector_names`.
    pub sector: Vec<Arc<Vec<u32>>>,
    pub sector_names: Vec<String>,
    /// Per date: forward returns to the next date.
    pub forward: Vec<Arc<Forward>>,
    /// Each date's pillar scores for the last metric weights scored with.
    pillars: Option<(PillarKey, Vec<PillarScores>)>,
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

    /// Prepare every rebalance date point in time (in parallel over dates).
    pub fn build(panel: &Panel, rp: &ReturnPanel, settings: &Settings) -> PreparedHistory {
        let months = rebalance_months(rp, &settings.analytics);
        let prepared: Vec<Option<Prepared>> = months
            .par_iter()
            .map(|&m| {
                let mut s = settings.scoring.clone();
                s.as_of = Some(rp.months[m]);
                prepare(panel, &s).ok()
            })
            .collect();
        let (months, prepared): (Vec<usize>, Vec<Prepared>) = months
            .into_iter()
            .zip(prepared)
            .filter_map(|(m, p)| p.map(|p| (m, p)))
            .unzip();
        let mut sector_names: Vec<String> = Vec::new();
        let mut ids: std::collections::HashMap<String, u32> = Default::default();
        let sector = prepared
            .iter()
            .map(|p| {
                Arc::new(
                    p.cs.sectors
                        .iter()
                        .map(|s| {
                            *ids.entry(s.clone()).or_insert_with(|| {
                                sector_names.push(s.clone());
                                (sector_names.len() - 1) as u32
                            })
                        })
                        .collect(),
                )
            })
            .collect();
        let step = settings.analytics.rebalance.months();
        let forward = (0..months.len())
            .into_par_iter()
            .map(|d| {
                let to = period_end(&months, d, step, rp);
                Arc::new(Forward::new(rp, months[d], to, prepared[d].cs.len()))
            })
            .collect();
        PreparedHistory {
            months,
            prepared,
            sector,
            forward,
            sector_names,
            pillars: None,
            key: Self::key_of(settings),
        }
    }

    /// Score each date with the settings' weights and baskets. Dates with fewer than five
    /// names per quantile scored are left out: their quantiles would be noise.
    /// The dates' pillar scores are kept: a pillar-weight change only recombines them.
    pub fn scores(
        &mut self,
        rp: &ReturnPanel,
        settings: &Settings,
    ) -> Result<History, EngineError> {
        let key = PillarScores::key(settings);
        if self.pillars.as_ref().is_none_or(|(k, _)| *k != key) {
            let pillars = self
                .prepared
                .par_iter()
                .map(|prep| PillarScores::new(prep, settings))
                .collect();
            self.pillars = Some((key, pillars));
        }
        let pillars = self.pillars.as_ref().map_or(&[][..], |(_, p)| p);
        let min_names = 5 * settings.analytics.quantiles.max(1) as usize;
        let per_date: Vec<Option<HaloAndBasket>> = self
            .prepared
            .par_iter()
            .zip(pillars)
            .map(|(prep, pillars)| {
                let sc = score_halo_and_basket(prep, pillars, settings);
                (sc.included >= min_names).then_some(sc)
            })
            .collect();
        let mut h = History {
            sector_names: self.sector_names.clone(),
            ..Default::default()
        };
        for (((m, ids), f), d) in self
            .months
            .iter()
            .zip(&self.sector)
            .zip(&self.forward)
            .zip(per_date)
        {
            let Some(sc) = d else { continue };
            h.forward.push(Some(f.clone()));
            h.dates.push(rp.months[*m]);
            h.month.push(*m);
            h.halo.push(sc.halo);
            h.basket.push(sc.basket);
            h.ranked.push(sc.ranked);
            h.sector.push(ids.clone());
        }
        if h.dates.is_empty() {
            return Err(EngineError::NoData(
                "no rebalance date has enough scored securities and a forward return".into(),
            ));
        }
        Ok(h)
    }
}

/// Score every rebalance date point in time.
pub fn history(
    panel: &Panel,
    rp: &ReturnPanel,
    settings: &Settings,
) -> Result<History, EngineError> {
    PreparedHistory::build(panel, rp, settings).scores(rp, settings)
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

#[derive(Clone, Debug, Serialize)]
pub struct Series {
    pub name: String,
    /// Per rebalance period, net of costs.
    pub returns: Vec<f64>,
    pub cumulative: Vec<f64>,
    pub stats: Stats,
}

impl BacktestResult {
    /// Every observation, date by date.
    pub fn observations(&self) -> impl Iterator<Item = &PanelRow> {
        self.rows.iter().flatten()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct BacktestResult {
    pub dates: Vec<NaiveDate>,
    pub periods_per_year: f64,
    /// Per date: the (security, score, quantile, forward return) observations.
    pub rows: Vec<Vec<PanelRow>>,
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
    pub skipped: Vec<(NaiveDate, String)>,
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    sab / (saa * sbb).sqrt()
}

/// Spearman rank correlation (scipy.stats.spearmanr).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    if a.len() < 2 {
        return f64::NAN;
    }
    pearson(
        &average_ranks(a, &argsort(a)),
        &average_ranks(b, &argsort(b)),
    )
}

/// pandas `qcut(x, q, labels=False)`: bins between the quantiles of x (linear
/// interpolation), each (lo, hi] with the first closed; 0-based labels. None when two bin
/// edges coincide (pandas raises; alphalens then drops the date).
pub fn qcut(x: &[f64], q: usize) -> Option<Vec<u8>> {
    qcut_sorted(x, &argsort(x), q)
}

/// [`qcut`] given the ascending order of x.
fn qcut_sorted(x: &[f64], order: &[usize], q: usize) -> Option<Vec<u8>> {
    let sorted: Vec<f64> = order.iter().map(|&i| x[i]).collect();
    let edges: Vec<f64> = (0..=q)
        .map(|j| super::stats::quantile(&sorted, j as f64 / q as f64))
        .collect();
    if edges.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    // Walking up the sorted values, the label is the number of inner edges below the value.
    let mut labels = vec![0u8; x.len()];
    let mut k = 0usize;
    for &i in order {
        while k + 1 < q && edges[k + 1] < x[i] {
            k += 1;
        }
        labels[i] = k as u8;
    }
    Some(labels)
}

/// Compounded return over months (from, to]; NaN if any month is missing.
fn forward(rp: &ReturnPanel, from: usize, to: usize, s: usize) -> f64 {
    let mut w = 1.0;
    for m in from + 1..=to {
        let r = rp.r[m][s];
        if !r.is_finite() {
            return f64::NAN;
        }
        w *= 1.0 + r;
    }
    w - 1.0
}

struct DateResult {
    rows: Vec<PanelRow>,
    ic: f64,
    /// Per quantile: mean forward return (NaN when empty).
    q_ret: Vec<f64>,
    bench: f64,
    basket: f64,
    skipped: Option<String>,
}

/// Run the backtest over a score history.
pub fn backtest(h: &History, rp: &ReturnPanel, a: &AnalyticsSettings) -> BacktestResult {
    let q = a.quantiles.clamp(2, 20) as usize;
    let step = a.rebalance.months();
    let nd = h.dates.len();
    let per_date: Vec<DateResult> = (0..nd)
        .into_par_iter()
        .map(|d| {
            let n = h.halo[d].len();
            let (from, to) = (h.month[d], period_end(&h.month, d, step, rp));
            // The calendar's forward returns serve unless dates were left out around d.
            let f = match h.forward.get(d) {
                Some(Some(f)) if f.from == from && f.to == to && f.fwd.len() == n => f.clone(),
                _ => Arc::new(Forward::new(rp, from, to, n)),
            };
            let fwd = &f.fwd;
            let valid: Vec<usize> = (0..n)
                .filter(|&s| h.halo[d][s].is_finite() && fwd[s].is_finite())
                .collect();
            // Quantiles over the date, or within each sector.
            let mut label: Vec<Option<u8>> = vec![None; valid.len()];
            let mut skipped = None;
            let groups: Vec<Vec<usize>> = if a.within_sector {
                let mut g: Vec<Vec<usize>> = vec![Vec::new(); h.sector_names.len()];
                for (i, &s) in valid.iter().enumerate() {
                    g[h.sector[d][s] as usize].push(i);
                }
                g.into_iter().filter(|v| !v.is_empty()).collect()
            } else {
                vec![(0..valid.len()).collect()]
            };
            // One ascending order of the scores serves the quantiles and the IC's ranks:
            // the ranking's, reversed and kept to the names with a forward return.
            let xs: Vec<f64> = valid.iter().map(|&s| h.halo[d][s]).collect();
            let order = match h.ranked.get(d).filter(|r| !r.is_empty()) {
                Some(ranked) => {
                    let mut pos = vec![usize::MAX; n];
                    for (i, &s) in valid.iter().enumerate() {
                        pos[s] = i;
                    }
                    ranked
                        .iter()
                        .rev()
                        .map(|&s| pos[s])
                        .filter(|&i| i != usize::MAX)
                        .collect()
                }
                None => argsort(&xs),
            };
            for g in groups {
                let result = if g.len() == xs.len() {
                    qcut_sorted(&xs, &order, q)
                } else {
                    qcut(&g.iter().map(|&i| xs[i]).collect::<Vec<_>>(), q)
                };
                match result {
                    Some(l) => {
                        for (&i, li) in g.iter().zip(l) {
                            label[i] = Some(li);
                        }
                    }
                    None => {
                        skipped = Some(format!(
                            "{} names with tied scores cannot fill {q} distinct quantiles",
                            g.len()
                        ))
                    }
                }
            }
            let rows: Vec<PanelRow> = valid
                .iter()
                .zip(&label)
                .filter_map(|(&s, l)| {
                    l.map(|l| PanelRow {
                        date: d,
                        security: s,
                        score: h.halo[d][s],
                        quantile: l + 1,
                        fwd_return: fwd[s],
                    })
                })
                .collect();
            let y: Vec<f64> = rows.iter().map(|r| r.fwd_return).collect();
            let (mut qs, mut qn) = (vec![0.0; q], vec![0usize; q]);
            for r in &rows {
                qs[r.quantile as usize - 1] += r.fwd_return;
                qn[r.quantile as usize - 1] += 1;
            }
            let q_ret: Vec<f64> = qs
                .iter()
                .zip(&qn)
                .map(|(s, n)| if *n > 0 { s / *n as f64 } else { f64::NAN })
                .collect();
            // Every valid name has a quantile unless a sector's bins were dropped.
            let ic = if rows.len() < 2 {
                f64::NAN
            } else if rows.len() == xs.len() {
                // The forward returns' order, kept to the names scored, ranks y.
                let scored: Vec<usize> = f
                    .order
                    .iter()
                    .copied()
                    .filter(|&s| h.halo[d][s].is_finite())
                    .collect();
                let ry = average_ranks(fwd, &scored);
                pearson(
                    &average_ranks(&xs, &order),
                    &valid.iter().map(|&s| ry[s]).collect::<Vec<_>>(),
                )
            } else {
                spearman(&rows.iter().map(|r| r.score).collect::<Vec<_>>(), &y)
            };
            let bench = if y.is_empty() {
                f64::NAN
            } else {
                y.iter().sum::<f64>() / y.len() as f64
            };
            let (mut sw, mut swr) = (0.0, 0.0);
            for s in 0..n {
                let w = h.basket[d][s];
                if w > 0.0 && fwd[s].is_finite() {
                    sw += w;
                    swr += w * fwd[s];
                }
            }
            DateResult {
                ic,
                rows,
                q_ret,
                bench,
                basket: if sw > 0.0 { swr / sw } else { f64::NAN },
                skipped,
            }
        })
        .collect();

    // Quantile statistics as alphalens' mean_return_by_quantile(by_date=False): each
    // date's mean forward return per quantile (demeaned by the date's mean if asked), then
    // the mean and standard error of those date means across dates.
    let mut date_means: Vec<Vec<f64>> = vec![Vec::new(); q];
    for dr in &per_date {
        let centre = if a.demeaned && !dr.rows.is_empty() {
            dr.rows.iter().map(|r| r.fwd_return).sum::<f64>() / dr.rows.len() as f64
        } else {
            0.0
        };
        for (k, m) in date_means.iter_mut().enumerate() {
            if dr.q_ret[k].is_finite() {
                m.push(dr.q_ret[k] - centre);
            }
        }
    }
    let quantiles: Vec<QuantileStat> = date_means
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let c = v.len() as f64;
            let mean = v.iter().sum::<f64>() / c;
            let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (c - 1.0)).sqrt();
            QuantileStat {
                quantile: k as u8 + 1,
                mean_return: mean,
                std_error: sd / c.sqrt(),
                count: v.len(),
            }
        })
        .collect();
    let (top, bottom) = (&quantiles[q - 1], &quantiles[0]);
    let spread_mean = top.mean_return - bottom.mean_return;
    let spread_se = (top.std_error.powi(2) + bottom.std_error.powi(2)).sqrt();

    let ic: Vec<f64> = per_date.iter().map(|d| d.ic).collect();
    let icv: Vec<f64> = ic.iter().copied().filter(|v| v.is_finite()).collect();
    let t = icv.len() as f64;
    let ic_mean = icv.iter().sum::<f64>() / t;
    let ic_std = (icv.iter().map(|v| (v - ic_mean).powi(2)).sum::<f64>() / (t - 1.0)).sqrt();
    let ic_ir = ic_mean / ic_std;

    // Turnover: share of a quantile's names that were not in it at the previous date.
    let n = h.halo.first().map_or(0, |v| v.len());
    let mut prev = vec![0u8; n];
    let mut turnover = vec![vec![f64::NAN; nd]; q];
    let mut basket_turnover = vec![1.0; nd];
    for d in 0..nd {
        let mut now = vec![0u8; n];
        for r in &per_date[d].rows {
            now[r.security] = r.quantile;
        }
        let (mut members, mut stayed) = (vec![0usize; q + 1], vec![0usize; q + 1]);
        for r in &per_date[d].rows {
            members[r.quantile as usize] += 1;
            if prev[r.security] == r.quantile {
                stayed[r.quantile as usize] += 1;
            }
        }
        for (k, tk) in turnover.iter_mut().enumerate() {
            let (m, st) = (members[k + 1], stayed[k + 1]);
            tk[d] = if d == 0 {
                1.0
            } else if m == 0 {
                f64::NAN
            } else {
                1.0 - st as f64 / m as f64
            };
        }
        if d > 0 {
            basket_turnover[d] = (0..n)
                .map(|s| (h.basket[d][s] - h.basket[d - 1][s]).max(0.0))
                .sum();
        }
        prev = now;
    }
    let cost = a.cost_bps / 1e4;
    let periods = 12.0 / step as f64;
    let net = |gross: f64, to: f64| gross - cost * if to.is_finite() { to } else { 0.0 };
    let mut series = Vec::new();
    let mut add = |name: String, r: Vec<f64>| {
        let st = stats(&r, periods, a.risk_free);
        series.push(Series {
            name,
            cumulative: cumulative(&r),
            returns: r,
            stats: st,
        });
    };
    for k in 0..q {
        add(
            format!("Q{}", k + 1),
            (0..nd)
                .map(|d| net(per_date[d].q_ret[k], turnover[k][d]))
                .collect(),
        );
    }
    add(
        format!("Q{q}-Q1"),
        (0..nd)
            .map(|d| {
                per_date[d].q_ret[q - 1]
                    - per_date[d].q_ret[0]
                    - cost * (turnover[q - 1][d] + turnover[0][d])
            })
            .collect(),
    );
    add(
        "benchmark".into(),
        per_date.iter().map(|d| d.bench).collect(),
    );
    add(
        "HALO basket".into(),
        (0..nd)
            .map(|d| net(per_date[d].basket, basket_turnover[d]))
            .collect(),
    );

    let skipped = per_date
        .iter()
        .zip(&h.dates)
        .filter_map(|(d, date)| d.skipped.clone().map(|s| (*date, s)))
        .collect();
    // The rows move out last: they are most of the memory.
    let rows = per_date.into_iter().map(|d| d.rows).collect();
    BacktestResult {
        dates: h.dates.clone(),
        periods_per_year: periods,
        rows,
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
    }
}
