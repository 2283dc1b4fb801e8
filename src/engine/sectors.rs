//! Sector performance over a window (`docs/methodology.md` §5): each sector, the benchmark (the
//! whole universe), the HALO and anti-HALO baskets, bought at the window's start and held:
//! cap-weighted from the start weights, or equal-weighted.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::EngineError;
use super::basket::Basket;
use super::notes::{CapGroup, Note, SeriesId, Weighted};
use super::returns::ReturnPanel;
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
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Month ends of the window.
    pub months: Vec<NaiveDate>,
    pub groups: Vec<GroupPerformance>,
    /// What the weighting had to do without market caps.
    pub notes: Vec<Note>,
}

/// Buy-and-hold of `weights` (security, weight) over months `window`: each holding grows by
/// its monthly return (a month with no return counts as 0); cumulative returns per month.
pub fn buy_and_hold(
    rp: &ReturnPanel,
    window: std::ops::Range<usize>,
    weights: &[(usize, f64)],
) -> Vec<f64> {
    let total: f64 = weights.iter().map(|w| w.1).sum();
    let mut value: Vec<f64> = weights.iter().map(|w| w.1 / total).collect();
    let mut out = Vec::with_capacity(window.len());
    for m in window {
        let row = &rp.r[m];
        for (v, &(s, _)) in value.iter_mut().zip(weights) {
            let r = row[s];
            if r.is_finite() {
                *v *= 1.0 + r;
            }
        }
        out.push(value.iter().sum::<f64>() - 1.0);
    }
    out
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
    let window = rp.window(from, to);
    if window.is_empty() {
        return Err(EngineError::NoReturnsBetween {
            from,
            to,
            first: rp.months.first().copied(),
            last: rp.months.last().copied(),
        });
    }
    let months = rp.months[window.clone()].to_vec();
    let has_returns = |s: usize| window.clone().any(|m| rp.r[m][s].is_finite());
    // Members: a usable report at `from` and a return in the window; caps when
    // cap-weighting. Without any cap the groups are equal-weighted, and the notes say so.
    let candidates: Vec<usize> = (0..cs.len())
        .filter(|&s| cs.rows[s].is_some() && has_returns(s))
        .collect();
    if candidates.is_empty() {
        return Err(EngineError::NoMembers { from, to });
    }
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
        let cumulative = buy_and_hold(rp, window.clone(), &w);
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
            .filter(|&&s| has_returns(s))
            .map(|&s| (s, b.weights[s]))
            .collect();
        push(id.clone(), Weighted::Basket, w);
    }
    Ok(SectorPerformance {
        from,
        to,
        months,
        groups,
        notes,
    })
}
