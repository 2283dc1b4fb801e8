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

/// Buy-and-hold of `weights` (security, weight) from `from` to each date of `at`: each
/// holding is bought at its last value on or before `from` and valued at its last value
/// on or before the date (a holding without a newer price keeps its value). Cumulative
/// returns, one per date.
pub fn buy_and_hold(
    lv: &Levels,
    from: NaiveDate,
    at: &[NaiveDate],
    weights: &[(usize, f64)],
) -> Vec<f64> {
    let total: f64 = weights.iter().map(|w| w.1).sum();
    let bought: Vec<(usize, f64)> = weights
        .iter()
        .filter_map(|&(s, w)| lv.at(s, from).map(|(_, v0)| (s, w / total / v0)))
        .collect();
    at.iter()
        .map(|&d| {
            bought
                .iter()
                .map(|&(s, units)| units * lv.at(s, d).map_or(0.0, |x| x.1))
                .sum::<f64>()
                - 1.0
        })
        .collect()
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
    // A security is priced over the window with a price on or before `from` to buy at and
    // one after it, on or before `to`: the dates of the two.
    let spans: Vec<Option<(NaiveDate, NaiveDate)>> = (0..cs.len())
        .map(|s| {
            let (a, b) = (lv.at(s, from)?, lv.at(s, to)?);
            (b.0 > from).then_some((a.0, b.0))
        })
        .collect();
    if spans.iter().all(Option::is_none) {
        let span = lv.span();
        return Err(EngineError::NoReturnsBetween {
            from,
            to,
            first: span.map(|s| s.0),
            last: span.map(|s| s.1),
        });
    }
    let months = checkpoints(from, to);
    // Members: a usable report at `from` and prices over the window; caps when
    // cap-weighting. Without any cap the groups are equal-weighted, and the notes say so.
    let candidates: Vec<usize> = (0..cs.len())
        .filter(|&s| cs.rows[s].is_some() && spans[s].is_some())
        .collect();
    if candidates.is_empty() {
        return Err(EngineError::NoMembers { from, to });
    }
    let used = |pick: fn(&(NaiveDate, NaiveDate)) -> NaiveDate| {
        candidates
            .iter()
            .filter_map(|&s| spans[s].as_ref().map(pick))
            .max()
    };
    let (priced_from, priced_to) = (used(|x| x.0).unwrap_or(from), used(|x| x.1).unwrap_or(to));
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
        let cumulative = buy_and_hold(lv, from, &months, &w);
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
            .filter(|&&s| spans[s].is_some())
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
