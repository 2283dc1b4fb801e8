//! Sector performance over a window (`docs/methodology.md` §5): each sector, the benchmark (the
//! whole universe), the HALO and anti-HALO baskets, bought at the window's start and held:
//! cap-weighted from the start weights, or equal-weighted.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::EngineError;
use super::basket::Basket;
use super::notes::{CapGroup, Note, SeriesId, Weighted};
use super::returns::{Levels, ReturnPanel};
use super::universe::CrossSection;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupWeighting {
    Cap,
    Equal,
}

impl GroupWeighting {
    pub fn id(self) -> &'static str {
        match self {
            GroupWeighting::Cap => "cap",
            GroupWeighting::Equal => "equal",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupPerformance {
    /// A sector, the benchmark, or a basket.
    pub id: SeriesId,
    /// How the members were weighted.
    pub weighting: Weighted,
    pub members: usize,
    /// Total return over the window.
    pub total: f64,
    /// Cumulative return after each month of the window.
    pub cumulative: Vec<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SectorPerformance {
    /// The window asked for.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The prices it was measured on: the latest date of a member's price on or before
    /// `from`, and on or before `to` (a window ending on a weekend ends on the Friday).
    pub priced_from: NaiveDate,
    pub priced_to: NaiveDate,
    /// The dates of the cumulative series: each month end inside the window, then `to`.
    pub months: Vec<NaiveDate>,
    pub groups: Vec<GroupPerformance>,
    /// What the weighting had to do without market caps.
    pub notes: Vec<Note>,
}

impl SectorPerformance {
    /// The dates of the cumulative lines: the window's start (where each is 0), then
    /// [`SectorPerformance::months`].
    pub fn curve_dates(&self) -> Vec<NaiveDate> {
        std::iter::once(self.from)
            .chain(self.months.iter().copied())
            .collect()
    }

    pub fn group(&self, id: &SeriesId) -> Option<&GroupPerformance> {
        self.groups.iter().find(|g| g.id == *id)
    }

    /// The style comparison of two series (value against growth, a sector against the
    /// benchmark): the growth of `a` relative to `b` at each curve date,
    /// (1 + cum_a) / (1 + cum_b) - 1, 0 at the start. None when either is not a group of
    /// this window.
    pub fn relative(&self, a: &SeriesId, b: &SeriesId) -> Option<Vec<f64>> {
        let (a, b) = (self.group(a)?.curve(), self.group(b)?.curve());
        Some(
            a.iter()
                .zip(&b)
                .map(|(x, y)| (1.0 + x) / (1.0 + y) - 1.0)
                .collect(),
        )
    }

    /// The pair a relative chart compares when none is chosen or the chosen one is not in
    /// this window: the first sector (the first group) against the benchmark.
    pub fn default_pair(&self) -> Option<(SeriesId, SeriesId)> {
        let first = self
            .groups
            .iter()
            .find(|g| matches!(g.id, SeriesId::Sector(_)))
            .or(self.groups.first())?;
        let against = self
            .groups
            .iter()
            .find(|g| g.id == SeriesId::Benchmark && g.id != first.id)
            .or_else(|| self.groups.iter().find(|g| g.id != first.id))?;
        Some((first.id.clone(), against.id.clone()))
    }
}

impl GroupPerformance {
    /// The cumulative return at [`SectorPerformance::curve_dates`].
    pub fn curve(&self) -> Vec<f64> {
        std::iter::once(0.0)
            .chain(self.cumulative.iter().copied())
            .collect()
    }
}

/// The dates a window's cumulative series are read at: every month end after `from` and
/// before `to`, then `to` itself.
pub fn checkpoints(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = month_end(from);
    if m == from {
        m = month_end(m.succ_opt().unwrap_or(m));
    }
    while m < to {
        out.push(m);
        match m.succ_opt() {
            Some(next) => m = month_end(next),
            None => break,
        }
    }
    out.push(to);
    out
}

fn month_end(d: NaiveDate) -> NaiveDate {
    d.with_day(1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// A security's value at each date of `at` over its value at `from` (its last values on
/// or before each; without a newer price it keeps its value), with the dates of its prices
/// used at `from` and at the last date. None without a price on or before `from`.
pub struct Growth {
    pub bought: NaiveDate,
    pub valued: NaiveDate,
    pub ratio: Vec<f64>,
}

impl Growth {
    pub fn of(lv: &Levels, s: usize, from: NaiveDate, at: &[NaiveDate]) -> Option<Growth> {
        let (dates, values) = (lv.dates.get(s)?, lv.values.get(s)?);
        let mut k = dates.partition_point(|x| *x <= from).checked_sub(1)?;
        let (bought, v0) = (dates[k], values[k]);
        // A holding worth nothing at the start (a total loss before it) cannot be bought.
        if !(v0.is_finite() && v0 > 0.0) {
            return None;
        }
        let ratio = at
            .iter()
            .map(|&d| {
                // dates[k] is on or before d. The next date is usually a step or two on (a
                // month of monthly prices), else a search further (a month of daily ones).
                let mut step = 0;
                while step < 4 && dates.get(k + 1).is_some_and(|x| *x <= d) {
                    k += 1;
                    step += 1;
                }
                if step == 4 {
                    k += dates[k..].partition_point(|x| *x <= d).saturating_sub(1);
                }
                values[k] / v0
            })
            .collect();
        Some(Growth {
            bought,
            valued: dates[k],
            ratio,
        })
    }
}

/// Buy-and-hold of `weights` (security, weight), each holding growing as `growth` says:
/// the cumulative return at each of its dates (`n` of them). Holdings without a growth are
/// left out and the rest re-weighted.
pub fn buy_and_hold(growth: &[Option<Growth>], n: usize, weights: &[(usize, f64)]) -> Vec<f64> {
    let held: Vec<(&Growth, f64)> = weights
        .iter()
        .filter_map(|&(s, w)| growth[s].as_ref().map(|g| (g, w)))
        .collect();
    let total: f64 = held.iter().map(|h| h.1).sum();
    let mut out = vec![0.0; n];
    for (g, w) in held {
        let w = w / total;
        for (o, r) in out.iter_mut().zip(&g.ratio) {
            *o += w * r;
        }
    }
    out.iter().map(|v| v - 1.0).collect()
}

/// Sector, benchmark and basket performance over (from, to]. Start weights are market caps
/// known at `from` (the cross-section `cs` must be as of `from`).
pub fn sector_performance(
    cs: &CrossSection,
    rp: &ReturnPanel,
    from: NaiveDate,
    to: NaiveDate,
    weighting: GroupWeighting,
    baskets: &[(SeriesId, &Basket)],
) -> Result<SectorPerformance, EngineError> {
    if to <= from {
        return Err(EngineError::WindowReversed { from, to });
    }
    let lv = &rp.levels;
    let months = checkpoints(from, to);
    // A security is priced over the window with a price on or before `from` to buy at and
    // one after it, on or before `to`.
    let growth: Vec<Option<Growth>> = (0..cs.len())
        .map(|s| Growth::of(lv, s, from, &months).filter(|g| g.valued > from))
        .collect();
    if growth.iter().all(Option::is_none) {
        let span = lv.span();
        return Err(EngineError::NoReturnsBetween {
            from,
            to,
            first: span.map(|s| s.0),
            last: span.map(|s| s.1),
        });
    }
    // Members: a usable report at `from` and prices over the window; caps when
    // cap-weighting. Without any cap the groups are equal-weighted, and the notes say so.
    let candidates: Vec<usize> = (0..cs.len())
        .filter(|&s| cs.rows[s].is_some() && growth[s].is_some())
        .collect();
    if candidates.is_empty() {
        return Err(EngineError::NoMembers { from, to });
    }
    let used = |pick: fn(&Growth) -> NaiveDate| {
        candidates
            .iter()
            .filter_map(|&s| growth[s].as_ref().map(pick))
            .max()
    };
    let (priced_from, priced_to) = (
        used(|g| g.bought).unwrap_or(from),
        used(|g| g.valued).unwrap_or(to),
    );
    let has_cap = |s: usize| cs.market_cap[s].is_finite() && cs.market_cap[s] > 0.0;
    let capped = candidates.iter().filter(|&&s| has_cap(s)).count();
    let mut notes = Vec::new();
    let group = CapGroup::Sectors;
    let weighting = match weighting {
        GroupWeighting::Cap if capped == 0 => {
            notes.push(Note::NoMarketCaps { group });
            GroupWeighting::Equal
        }
        GroupWeighting::Cap if capped < candidates.len() => {
            notes.push(Note::SomeCapsMissing {
                group,
                missing: candidates.len() - capped,
                of: candidates.len(),
            });
            GroupWeighting::Cap
        }
        w => w,
    };
    if weighting == GroupWeighting::Cap {
        // Caps the data had to derive: what the weights rest on.
        notes.extend(
            cs.data_notes
                .iter()
                .filter(|n| matches!(n, Note::CapsFromShares { .. } | Note::CapsNotDerived { .. }))
                .cloned(),
        );
    }
    let members: Vec<usize> = candidates
        .into_iter()
        .filter(|&s| weighting == GroupWeighting::Equal || has_cap(s))
        .collect();
    let weight = |s: usize| {
        if weighting == GroupWeighting::Cap {
            cs.market_cap[s]
        } else {
            1.0
        }
    };
    let mut sectors: Vec<&str> = members.iter().map(|&s| cs.sectors[s].as_str()).collect();
    sectors.sort_unstable();
    sectors.dedup();
    let mut groups = Vec::new();
    let group_weighting = match weighting {
        GroupWeighting::Cap => Weighted::Cap,
        GroupWeighting::Equal => Weighted::Equal,
    };
    let mut push = |id: SeriesId, weighting: Weighted, w: Vec<(usize, f64)>| {
        if w.is_empty() {
            return;
        }
        let cumulative = buy_and_hold(&growth, months.len(), &w);
        groups.push(GroupPerformance {
            id,
            weighting,
            members: w.len(),
            total: *cumulative.last().unwrap_or(&0.0),
            cumulative,
        });
    };
    for sec in sectors {
        let w: Vec<(usize, f64)> = members
            .iter()
            .filter(|&&s| cs.sectors[s] == sec)
            .map(|&s| (s, weight(s)))
            .collect();
        push(SeriesId::Sector(sec.to_string()), group_weighting, w);
    }
    push(
        SeriesId::Benchmark,
        group_weighting,
        members.iter().map(|&s| (s, weight(s))).collect(),
    );
    for (id, b) in baskets {
        let w: Vec<(usize, f64)> = b
            .members
            .iter()
            .filter(|&&s| growth[s].is_some())
            .map(|&s| (s, b.weights[s]))
            .collect();
        push(id.clone(), Weighted::Basket, w);
    }
    Ok(SectorPerformance {
        from,
        to,
        priced_from,
        priced_to,
        months,
        groups,
        notes,
    })
}
