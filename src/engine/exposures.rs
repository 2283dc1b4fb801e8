//! What a basket is exposed to (`docs/methodology.md` §5): characteristic active exposures to
//! each pillar and metric, and a return-based regression on factor returns.

use chrono::NaiveDate;
use serde::Serialize;

use super::EngineError;
use super::basket::Basket;
use super::factors::FactorPanel;
use super::metrics::Pillar;
use super::notes::{CapGroup, Note};
use super::ols::{OlsResult, ols};
use super::returns::ReturnPanel;
use super::score::{Prepared, Scores};
use crate::engine::settings::{AnalyticsSettings, Excess};

#[derive(Clone, Debug, Serialize)]
pub struct Exposure {
    /// A pillar ("pillar_heavy_assets") or a metric id.
    pub name: String,
    pub basket: f64,
    pub benchmark: f64,
    /// basket - benchmark, in standard deviations of the cross-section.
    pub active: f64,
    /// |active| > 2 / sqrt(effective names).
    pub significant: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Characteristic {
    /// 1 / sum(w^2).
    pub effective_names: f64,
    pub threshold: f64,
    pub exposures: Vec<Exposure>,
}

/// Benchmark weights: the scored universe by market cap (equally where no name has a
/// known cap; a name without one is left out when others have one), and the notes saying
/// which of the two happened.
pub fn benchmark_weights(prep: &Prepared, sc: &Scores) -> (Vec<f64>, Vec<Note>) {
    let cs = &prep.cs;
    let cap = |s: usize| Some(cs.market_cap[s]).filter(|c| c.is_finite() && *c > 0.0);
    let scored = (0..cs.len()).filter(|&s| sc.included[s]).count();
    let capped = (0..cs.len())
        .filter(|&s| sc.included[s] && cap(s).is_some())
        .count();
    let use_caps = capped > 0;
    let group = CapGroup::Benchmark;
    let notes = if scored == 0 || capped == scored {
        Vec::new()
    } else if capped == 0 {
        vec![Note::NoMarketCaps { group }]
    } else {
        vec![Note::SomeCapsMissing {
            group,
            missing: scored - capped,
            of: scored,
        }]
    };
    let raw: Vec<f64> = (0..cs.len())
        .map(|s| match (sc.included[s], use_caps) {
            (false, _) => 0.0,
            (true, true) => cap(s).unwrap_or(0.0),
            (true, false) => 1.0,
        })
        .collect();
    let total: f64 = raw.iter().sum();
    let w = raw
        .iter()
        .map(|w| if total > 0.0 { w / total } else { 0.0 })
        .collect();
    (w, notes)
}

/// Active exposures sum(w z) - sum(b z) for every pillar and metric (a missing z counts as
/// 0, the cross-section's mean).
pub fn characteristic(
    prep: &Prepared,
    sc: &Scores,
    basket: &Basket,
    bench: &[f64],
) -> Characteristic {
    let en = 1.0 / basket.weights.iter().map(|w| w * w).sum::<f64>();
    let threshold = 2.0 / en.sqrt();
    let dot = |w: &[f64], z: &[f64]| {
        w.iter()
            .zip(z)
            .map(|(a, b)| if b.is_finite() { a * b } else { 0.0 })
            .sum::<f64>()
    };
    let mut exposures = Vec::new();
    let mut add = |name: String, z: &[f64]| {
        let (b, m) = (dot(&basket.weights, z), dot(bench, z));
        exposures.push(Exposure {
            name,
            basket: b,
            benchmark: m,
            active: b - m,
            significant: (b - m).abs() > threshold,
        });
    };
    for p in Pillar::ALL {
        add(format!("pillar_{}", p.id()), &sc.pillars[p.index()]);
    }
    for (m, z) in prep.cs.metrics.iter().zip(&prep.base.z) {
        if !prep.base.empty_metrics.contains(&m.id) {
            add(m.id.clone(), z);
        }
    }
    Characteristic {
        effective_names: en,
        threshold,
        exposures,
    }
}

/// Monthly returns of fixed weights (rebalanced monthly), over the panel's months; a
/// month where no member has a return is missing, otherwise weights renormalise over
/// members with a return.
pub fn portfolio_returns(rp: &ReturnPanel, weights: &[(usize, f64)]) -> Vec<f64> {
    rp.r.iter()
        .map(|row| {
            let (mut sw, mut swr) = (0.0, 0.0);
            for &(s, w) in weights {
                if row[s].is_finite() {
                    sw += w;
                    swr += w * row[s];
                }
            }
            if sw > 0.0 { swr / sw } else { f64::NAN }
        })
        .collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct Regression {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The basket's return in excess of what.
    pub dependent: Excess,
    pub result: OlsResult,
}

/// The months of the regression window: `lookback` months ending at `as_of`.
pub fn lookback_window(
    rp: &ReturnPanel,
    as_of: NaiveDate,
    lookback: usize,
) -> Result<std::ops::Range<usize>, EngineError> {
    let end = rp
        .month_at(as_of)
        .ok_or(EngineError::NoReturnsBy { date: as_of })?
        + 1;
    Ok(end.saturating_sub(lookback)..end)
}

/// OLS of the basket's excess return on `factors` (all in `fp`) over the lookback window.
pub fn regression(
    rp: &ReturnPanel,
    fp: &FactorPanel,
    factors: &[String],
    basket: &Basket,
    market: &[f64],
    as_of: NaiveDate,
    a: &AnalyticsSettings,
) -> Result<Regression, EngineError> {
    let win = lookback_window(rp, as_of, a.lookback_months as usize)?;
    let w: Vec<(usize, f64)> = basket
        .members
        .iter()
        .map(|&s| (s, basket.weights[s]))
        .collect();
    if w.is_empty() {
        return Err(EngineError::EmptyBasket);
    }
    let r = portfolio_returns(rp, &w);
    let rf = (1.0 + a.risk_free).powf(1.0 / 12.0) - 1.0;
    let y: Vec<f64> = win
        .clone()
        .map(|m| match a.excess {
            Excess::RiskFree => r[m] - rf,
            Excess::Market => r[m] - market[m],
        })
        .collect();
    let mut names = Vec::new();
    let mut x = Vec::new();
    for f in factors {
        let series = fp.get(f).ok_or_else(|| EngineError::NoFactor {
            name: f.clone(),
            available: fp.names.clone(),
        })?;
        names.push(f.clone());
        x.push(win.clone().map(|m| series[m]).collect::<Vec<f64>>());
    }
    let result = ols(&y, &x, &names, a.nw_lags.map(|l| l as usize))?;
    Ok(Regression {
        from: rp.months[win.start],
        to: rp.months[win.end - 1],
        dependent: a.excess,
        result,
    })
}
