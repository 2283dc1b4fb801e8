//! Baskets (`docs/methodology.md` §4): eligible names, the HALO basket at the top of the
//! ranking, the anti-HALO basket at the bottom, their weights and caps, and the growth
//! basket of the "old and new" blend.

use std::collections::BTreeMap;

use super::notes::{CapGroup, Note};
use super::score::{Prepared, ScoreBase};
use crate::engine::settings::{Selection, Settings, Weighting};

/// A basket: a weight per security of the cross-section (0 when not a member).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Basket {
    pub members: Vec<usize>,
    pub weights: Vec<f64>,
}

impl Basket {
    fn from_weights(n: usize, members: Vec<usize>, w: Vec<f64>) -> Basket {
        let mut weights = vec![0.0; n];
        for (&s, &x) in members.iter().zip(&w) {
            weights[s] = x;
        }
        Basket { members, weights }
    }
}

fn selection_size(sel: Selection, eligible: usize) -> usize {
    match sel {
        Selection::TopQuantile(q) => eligible.div_ceil(q.max(1) as usize),
        Selection::TopN(k) => (k as usize).min(eligible),
    }
}

/// Raw (uncapped) weights of `members` by the weighting rule. `tilt` is the score in the
/// basket's own direction (z for HALO, -z for anti-HALO).
fn raw_weights(
    members: &[usize],
    rule: Weighting,
    caps: &[f64],
    tilt: impl Fn(usize) -> f64,
    group: CapGroup,
    notes: &mut Vec<Note>,
) -> Vec<f64> {
    let has_cap = |s: usize| caps[s].is_finite() && caps[s] > 0.0;
    // A member without a market cap counts at the members' median cap (needed only when
    // caps weigh and one is missing), and none with a cap is equal weights; both said.
    let missing = members.iter().filter(|&&s| !has_cap(s)).count();
    let median = if rule == Weighting::Equal || missing == 0 {
        1.0
    } else {
        let mut known: Vec<f64> = members
            .iter()
            .filter(|&&s| has_cap(s))
            .map(|&s| caps[s])
            .collect();
        notes.push(if known.is_empty() {
            Note::NoMarketCaps { group }
        } else {
            Note::SomeCapsMissing {
                group,
                missing,
                of: members.len(),
            }
        });
        known.sort_by(f64::total_cmp);
        known.get(known.len() / 2).copied().unwrap_or(1.0)
    };
    let cap = |s: usize| if has_cap(s) { caps[s] } else { median };
    let w: Vec<f64> = members
        .iter()
        .map(|&s| match rule {
            Weighting::Equal => 1.0,
            Weighting::MarketCap => cap(s),
            Weighting::ScoreTilted => (1.0 + tilt(s).max(0.0)) * cap(s),
        })
        .collect();
    let total: f64 = w.iter().sum();
    w.iter().map(|x| x / total).collect()
}

/// Enforce a per-name cap and an optional per-sector cap, spreading each excess over the
/// names still below their caps in proportion to their weights. Infeasible caps (fewer
/// names or sectors than 1 / cap) are loosened to the tightest feasible value, with a note.
pub fn apply_caps(
    w: &mut [f64],
    sectors: &[&str],
    name_cap: f64,
    sector_cap: Option<f64>,
    notes: &mut Vec<Note>,
) {
    let n = w.len();
    if n == 0 {
        return;
    }
    let mut name_cap = name_cap;
    if name_cap * (n as f64) < 1.0 - 1e-12 {
        notes.push(Note::NameCapLoosened {
            cap: name_cap,
            names: n,
            used: 1.0 / n as f64,
        });
        name_cap = 1.0 / n as f64;
    }
    let mut sector_cap = sector_cap;
    if let Some(c) = sector_cap {
        // Counted only when a sector cap is set: the backtest weighs a basket per date.
        let distinct = sectors
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if c * (distinct as f64) < 1.0 - 1e-12 {
            notes.push(Note::SectorCapLoosened {
                cap: c,
                sectors: distinct,
                used: 1.0 / distinct as f64,
            });
            sector_cap = Some(1.0 / distinct as f64);
        }
    }
    const TOL: f64 = 1e-12;
    for _ in 0..200 {
        let mut changed = false;
        // Names above the cap.
        let excess: f64 = w.iter().map(|x| (x - name_cap).max(0.0)).sum();
        if excess > TOL {
            changed = true;
            let free: f64 = w.iter().filter(|x| **x < name_cap - TOL).sum();
            for x in w.iter_mut() {
                if *x > name_cap {
                    *x = name_cap;
                }
            }
            if free > 0.0 {
                let k = excess / free;
                for x in w.iter_mut().filter(|x| **x < name_cap - TOL) {
                    *x += *x * k;
                }
            }
        }
        // Sectors above the cap.
        if let Some(sc) = sector_cap {
            let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
            for (x, s) in w.iter().zip(sectors) {
                *totals.entry(s).or_default() += x;
            }
            let over: Vec<(&str, f64)> = totals
                .iter()
                .filter(|(_, t)| **t > sc + TOL)
                .map(|(s, t)| (*s, *t))
                .collect();
            if !over.is_empty() {
                changed = true;
                let mut excess = 0.0;
                for (sec, t) in &over {
                    excess += t - sc;
                    for (x, s) in w.iter_mut().zip(sectors) {
                        if s == sec {
                            *x *= sc / t;
                        }
                    }
                }
                let receives = |i: usize| totals[sectors[i]] < sc - TOL && w[i] < name_cap - TOL;
                let free: f64 = (0..n).filter(|&i| receives(i)).map(|i| w[i]).sum();
                if free > 0.0 {
                    let k = excess / free;
                    for i in (0..n).filter(|&i| receives(i)).collect::<Vec<_>>() {
                        w[i] *= 1.0 + k;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Whether the basket rules allow security `s` (sector, market, minimum size).
fn allowed(cs: &ScoreBase, s: usize, settings: &Settings) -> bool {
    let b = &settings.basket;
    !b.exclude_sectors.iter().any(|x| x == cs.sector_name(s))
        && !b.exclude_markets.iter().any(|x| x == cs.market_name(s))
        && b.min_market_cap.is_none_or(|m| cs.market_cap[s] >= m)
}

/// The names of the ranking `order` the basket rules allow.
fn eligible(cs: &ScoreBase, order: &[usize], settings: &Settings) -> Vec<usize> {
    order
        .iter()
        .copied()
        .filter(|&s| allowed(cs, s, settings))
        .collect()
}

/// The weights of `members` by the settings' rule and caps. `sign` turns the score into
/// the basket's own direction (1 for HALO, -1 for anti-HALO).
fn member_weights(
    cs: &ScoreBase,
    halo: &[f64],
    members: &[usize],
    sign: f64,
    settings: &Settings,
    notes: &mut Vec<Note>,
) -> Vec<f64> {
    let b = &settings.basket;
    let mut w = raw_weights(
        members,
        b.weighting,
        &cs.market_cap,
        |s| sign * halo[s],
        if sign > 0.0 {
            CapGroup::HaloBasket
        } else {
            CapGroup::AntiBasket
        },
        notes,
    );
    let secs: Vec<&str> = members.iter().map(|&s| cs.sector_name(s)).collect();
    apply_caps(&mut w, &secs, b.name_cap, b.sector_cap, notes);
    w
}

/// The HALO basket alone (what a backtest rebalances into), for the ranking `order`: its
/// members, best first, with their weights.
pub fn halo_basket(
    cs: &ScoreBase,
    halo: &[f64],
    order: &[usize],
    settings: &Settings,
) -> Vec<(usize, f64)> {
    let b = &settings.basket;
    let members: Vec<usize> = if b.exclude_sectors.is_empty()
        && b.exclude_markets.is_empty()
        && b.min_market_cap.is_none()
    {
        order[..selection_size(b.selection, order.len())].to_vec()
    } else {
        let allowed = |s: &usize| allowed(cs, *s, settings);
        let k = selection_size(b.selection, order.iter().filter(|s| allowed(s)).count());
        order.iter().copied().filter(allowed).take(k).collect()
    };
    let w = member_weights(cs, halo, &members, 1.0, settings, &mut Vec::new());
    members.into_iter().zip(w).collect()
}

/// The HALO, anti-HALO and growth baskets for the composite `halo` and its ranking `order`
/// (best first).
pub fn build(
    prep: &Prepared,
    halo: &[f64],
    order: &[usize],
    settings: &Settings,
    notes: &mut Vec<Note>,
) -> (Basket, Basket, Basket) {
    let (cs, base) = (&prep.cs, &prep.base);
    let n = cs.len();
    let eligible = eligible(base, order, settings);
    let k = selection_size(settings.basket.selection, eligible.len());
    let top: Vec<usize> = eligible[..k].to_vec();
    // The anti basket takes the bottom names, never one already in the HALO basket.
    let bottom: Vec<usize> = eligible[eligible.len() - k.min(eligible.len() - k)..]
        .iter()
        .rev()
        .copied()
        .collect();
    let weighted = |members: Vec<usize>, sign: f64, notes: &mut Vec<Note>| {
        let w = member_weights(base, halo, &members, sign, settings, notes);
        Basket::from_weights(n, members, w)
    };
    let basket = weighted(top, 1.0, notes);
    let anti = weighted(bottom, -1.0, notes);

    // Growth basket: the given tickers, or the largest names of the growth sectors.
    let g = &settings.blend;
    let members: Vec<usize> = if !g.growth_tickers.is_empty() {
        (0..n)
            .filter(|&s| g.growth_tickers.contains(&cs.tickers[s]) && cs.rows[s].is_some())
            .collect()
    } else {
        let mut c: Vec<usize> = (0..n)
            .filter(|&s| g.growth_sectors.contains(&cs.sectors[s]) && cs.market_cap[s].is_finite())
            .collect();
        c.sort_by(|&a, &bb| cs.market_cap[bb].total_cmp(&cs.market_cap[a]));
        c.truncate(g.growth_top_n as usize);
        c
    };
    let w = vec![1.0 / members.len().max(1) as f64; members.len()];
    let growth = Basket::from_weights(n, members, w);
    (basket, anti, growth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_cap_spreads_the_excess_pro_rata() {
        // 0.6 capped at 0.4; its 0.2 goes to the others in proportion 0.3 : 0.1.
        let mut w = vec![0.6, 0.3, 0.1];
        apply_caps(&mut w, &["a", "b", "c"], 0.4, None, &mut Vec::new());
        // Second round: b = 0.3 + 0.15 = 0.45 > 0.4 -> 0.4, its 0.05 goes to c.
        let expect = [0.4, 0.4, 0.2];
        for (x, e) in w.iter().zip(expect) {
            assert!((x - e).abs() < 1e-12, "{w:?}");
        }
    }

    #[test]
    fn sector_cap_moves_weight_to_other_sectors() {
        let mut w = vec![0.4, 0.4, 0.2];
        apply_caps(&mut w, &["E", "E", "U"], 1.0, Some(0.5), &mut Vec::new());
        // Sector E (0.8) scaled to 0.5; its 0.3 goes to U.
        assert!(
            (w[0] - 0.25).abs() < 1e-12
                && (w[1] - 0.25).abs() < 1e-12
                && (w[2] - 0.5).abs() < 1e-12,
            "{w:?}"
        );
    }

    #[test]
    fn infeasible_cap_is_loosened_with_a_note() {
        let mut w = vec![0.5, 0.5];
        let mut notes = Vec::new();
        apply_caps(&mut w, &["a", "b"], 0.05, None, &mut notes);
        assert_eq!(w, vec![0.5, 0.5]);
        assert!(notes[0].to_string().contains("infeasible"));
    }
}
