//! Scenarios (`docs/methodology.md` §5): factor shocks through betas shrunk toward the sector
//! mean (optionally with correlated propagation), characteristic shocks, and historical
//! replays, each applied to the HALO basket, the benchmark, the anti-HALO basket, the
//! long-short and the blend, with each sector's contribution.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::EngineError;
use super::factors::FactorPanel;
use super::metrics::Pillar;
use super::notes::SeriesId;
use super::ols::invert;
use super::returns::ReturnPanel;
use super::score::{Prepared, Scores};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScenarioKind {
    /// Factor moves in the factors' units (returns for prices, points for yields).
    Factor { shocks: BTreeMap<String, f64> },
    /// Return = shock x the security's z-score of a metric as measured (for `ai_exposure`,
    /// higher = more exposed), of a pillar ("pillar_heavy_assets") or of the HALO score
    /// ("halo"); pillars and the HALO score point toward HALO.
    Characteristic { metric: String, shock_per_sd: f64 },
    /// Each security's realised return over a past window, applied to today's weights.
    Historical { from: NaiveDate, to: NaiveDate },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub name_zh: String,
    /// Where it comes from (the source report and section, or the data).
    #[serde(default)]
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_zh: String,
    #[serde(flatten)]
    pub kind: ScenarioKind,
}

#[derive(Deserialize)]
struct Library {
    scenario: Vec<Scenario>,
}

/// The default library (`assets/scenarios.toml`), built from the source reports (parsed
/// once: every recompute asks for it).
pub fn default_library() -> Vec<Scenario> {
    static LIBRARY: std::sync::OnceLock<Vec<Scenario>> = std::sync::OnceLock::new();
    LIBRARY
        .get_or_init(|| {
            toml::from_str::<Library>(include_str!("../../assets/scenarios.toml"))
                .map(|l| l.scenario)
                .unwrap_or_default()
        })
        .clone()
}

/// Factor betas per security over a lookback, shrunk toward the sector mean, and the
/// factors' covariance over the same months (for correlated propagation).
#[derive(Clone, Debug, Default)]
pub struct Betas {
    pub factors: Vec<String>,
    /// Per security, per factor; NaN where neither the security nor its sector has one.
    pub beta: Vec<Vec<f64>>,
    pub cov: Vec<Vec<f64>>,
    /// Securities whose own betas could be estimated.
    pub estimated: usize,
}

/// OLS betas of every security on `factors` over months `window`, then
/// beta = (1 - shrinkage) x own + shrinkage x sector mean. Securities with every month
/// share one projection matrix; the others are solved on their own months.
pub fn betas(
    rp: &ReturnPanel,
    fp: &FactorPanel,
    factors: &[String],
    window: std::ops::Range<usize>,
    sectors: &[String],
    shrinkage: f64,
) -> Result<Betas, EngineError> {
    let k = factors.len();
    if k == 0 {
        return Err(EngineError::NoFactors);
    }
    let cols: Vec<&Vec<f64>> = factors
        .iter()
        .map(|f| {
            fp.get(f).ok_or_else(|| EngineError::NoFactor {
                name: f.clone(),
                available: fp.names.clone(),
            })
        })
        .collect::<Result<_, _>>()?;
    let months: Vec<usize> = window
        .filter(|&m| cols.iter().all(|c| c[m].is_finite()))
        .collect();
    if months.len() <= k + 1 {
        return Err(EngineError::TooFewFactorMonths {
            months: months.len(),
        });
    }
    let x: Vec<Vec<f64>> = months
        .iter()
        .map(|&m| {
            std::iter::once(1.0)
                .chain(cols.iter().map(|c| c[m]))
                .collect()
        })
        .collect();
    let solve = |rows: &[usize]| -> Option<Vec<Vec<f64>>> {
        // The pseudo-inverse (X'X)^-1 X' over the given rows of x, by the SVD.
        let design: Vec<Vec<f64>> = rows.iter().map(|&r| x[r].clone()).collect();
        let (p, _) = super::ols::pinv(&design).ok()?;
        Some(
            (0..=k)
                .map(|a| (0..rows.len()).map(|i| p[(a, i)]).collect())
                .collect(),
        )
    };
    let all: Vec<usize> = (0..months.len()).collect();
    let shared = solve(&all).ok_or_else(|| EngineError::CollinearFactors {
        factors: factors.to_vec(),
    })?;
    let n = rp.r.first().map_or(0, |r| r.len());
    let mut own = vec![vec![f64::NAN; k]; n];
    let mut estimated = 0;
    for (s, b) in own.iter_mut().enumerate() {
        let y: Vec<f64> = months.iter().map(|&m| rp.r[m][s]).collect();
        let have: Vec<usize> = (0..y.len()).filter(|&i| y[i].is_finite()).collect();
        let coef: Option<Vec<f64>> = if have.len() == y.len() {
            Some(
                (1..=k)
                    .map(|a| shared[a].iter().zip(&y).map(|(p, v)| p * v).sum())
                    .collect(),
            )
        } else if have.len() > k + 2 {
            solve(&have).map(|p| {
                (1..=k)
                    .map(|a| p[a].iter().zip(&have).map(|(c, &i)| c * y[i]).sum())
                    .collect()
            })
        } else {
            None
        };
        if let Some(c) = coef {
            *b = c;
            estimated += 1;
        }
    }
    // Sector means of the own betas, then shrink.
    let mut acc: HashMap<&str, (Vec<f64>, usize)> = HashMap::new();
    for s in 0..n {
        if own[s][0].is_finite() {
            let e = acc.entry(sectors[s].as_str()).or_insert((vec![0.0; k], 0));
            for j in 0..k {
                e.0[j] += own[s][j];
            }
            e.1 += 1;
        }
    }
    let beta: Vec<Vec<f64>> = (0..n)
        .map(|s| {
            let mean = acc
                .get(sectors[s].as_str())
                .map(|(v, c)| v.iter().map(|x| x / *c as f64).collect::<Vec<_>>());
            (0..k)
                .map(|j| match (own[s][j].is_finite(), &mean) {
                    (true, Some(m)) => (1.0 - shrinkage) * own[s][j] + shrinkage * m[j],
                    (true, None) => own[s][j],
                    (false, Some(m)) => m[j],
                    (false, None) => f64::NAN,
                })
                .collect()
        })
        .collect();
    // Sample covariance of the factors over the same months.
    let means: Vec<f64> = (0..k)
        .map(|j| months.iter().map(|&m| cols[j][m]).sum::<f64>() / months.len() as f64)
        .collect();
    let cov: Vec<Vec<f64>> = (0..k)
        .map(|a| {
            (0..k)
                .map(|b| {
                    months
                        .iter()
                        .map(|&m| (cols[a][m] - means[a]) * (cols[b][m] - means[b]))
                        .sum::<f64>()
                        / (months.len() - 1) as f64
                })
                .collect()
        })
        .collect();
    Ok(Betas {
        factors: factors.to_vec(),
        beta,
        cov,
        estimated,
    })
}

/// The full factor move: shocked factors as given; unshocked ones at 0, or, with
/// correlated propagation, at E[f_o | f_s = s] = S_os S_ss^-1 s.
pub fn propagate(
    b: &Betas,
    shocks: &BTreeMap<String, f64>,
    correlated: bool,
) -> Result<Vec<f64>, EngineError> {
    let missing: Vec<String> = shocks
        .keys()
        .filter(|f| !b.factors.contains(f))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(EngineError::ShockedFactorMissing {
            missing,
            factors: b.factors.clone(),
        });
    }
    let k = b.factors.len();
    let shocked: Vec<usize> = (0..k)
        .filter(|&j| shocks.contains_key(&b.factors[j]))
        .collect();
    let s: Vec<f64> = shocked.iter().map(|&j| shocks[&b.factors[j]]).collect();
    let mut f = vec![0.0; k];
    for (&j, v) in shocked.iter().zip(&s) {
        f[j] = *v;
    }
    if correlated && !shocked.is_empty() {
        let sss: Vec<Vec<f64>> = shocked
            .iter()
            .map(|&a| shocked.iter().map(|&c| b.cov[a][c]).collect())
            .collect();
        let inv = invert(&sss).map_err(|_| EngineError::SingularShockCovariance)?;
        let w: Vec<f64> = (0..shocked.len())
            .map(|a| (0..shocked.len()).map(|c| inv[a][c] * s[c]).sum())
            .collect();
        for o in (0..k).filter(|j| !shocked.contains(j)) {
            f[o] = shocked
                .iter()
                .zip(&w)
                .map(|(&j, wj)| b.cov[o][j] * wj)
                .sum();
        }
    }
    Ok(f)
}

/// What a scenario gives each security (NaN: unknown).
pub fn security_returns(
    sc_: &Scenario,
    prep: &Prepared,
    scores: &Scores,
    rp: &ReturnPanel,
    betas: Option<&Betas>,
    correlated: bool,
) -> Result<Vec<f64>, EngineError> {
    let cs = &prep.cs;
    match &sc_.kind {
        ScenarioKind::Factor { shocks } => {
            if shocks.is_empty() {
                return Err(EngineError::NoShock);
            }
            let b = betas.ok_or(EngineError::FactorScenarioNeedsData)?;
            let f = propagate(b, shocks, correlated)?;
            Ok(b.beta
                .iter()
                .map(|bi| bi.iter().zip(&f).map(|(x, y)| x * y).sum())
                .collect())
        }
        ScenarioKind::Characteristic {
            metric,
            shock_per_sd,
        } => {
            // The standardised value, and the sign that turns it back to "as measured".
            let (z, sign): (&Vec<f64>, f64) = match (
                metric.as_str(),
                metric.strip_prefix("pillar_").and_then(Pillar::parse),
            ) {
                ("halo", _) => (&scores.halo, 1.0),
                (_, Some(p)) => (&scores.pillars[p.index()], 1.0),
                _ => {
                    let k = cs
                        .metrics
                        .iter()
                        .position(|m| m.id == *metric)
                        .ok_or_else(|| EngineError::NoMetric {
                            name: metric.clone(),
                        })?;
                    (&prep.base.z[k], cs.metrics[k].direction)
                }
            };
            Ok(z.iter()
                .map(|v| {
                    if v.is_finite() {
                        shock_per_sd * sign * v
                    } else {
                        0.0
                    }
                })
                .collect())
        }
        ScenarioKind::Historical { from, to } => {
            if to <= from {
                return Err(EngineError::WindowReversed {
                    from: *from,
                    to: *to,
                });
            }
            let (first, last) = match (rp.months.first(), rp.months.last()) {
                (Some(a), Some(b)) => (*a, *b),
                _ => return Err(EngineError::NoPrices),
            };
            // The month ending on or before `from` must be in the data, and `to` too.
            if *from < first || *to > last {
                return Err(EngineError::NotCovered {
                    from: *from,
                    to: *to,
                    first,
                    last,
                });
            }
            let win = rp.window(*from, *to);
            let n = cs.len();
            let mut r = vec![f64::NAN; n];
            for (s, v) in r.iter_mut().enumerate() {
                let mut w = 1.0;
                let mut ok = true;
                for m in win.clone() {
                    let x = rp.r[m][s];
                    if x.is_finite() {
                        w *= 1.0 + x;
                    } else {
                        ok = false;
                    }
                }
                if ok {
                    *v = w - 1.0;
                }
            }
            // A security without the whole window takes its sector's mean realised return.
            let mut acc: HashMap<&str, (f64, usize)> = HashMap::new();
            for s in 0..n {
                if r[s].is_finite() {
                    let e = acc.entry(cs.sectors[s].as_str()).or_default();
                    e.0 += r[s];
                    e.1 += 1;
                }
            }
            Ok((0..n)
                .map(|s| {
                    if r[s].is_finite() {
                        r[s]
                    } else {
                        acc.get(cs.sectors[s].as_str())
                            .map_or(f64::NAN, |e| e.0 / e.1 as f64)
                    }
                })
                .collect())
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PortfolioOutcome {
    pub portfolio: SeriesId,
    pub r#return: f64,
    /// Sector -> contribution (weight x return summed over the sector's holdings).
    pub contributions: BTreeMap<String, f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub scenario: String,
    pub portfolios: Vec<PortfolioOutcome>,
}

/// Each security's sector as an index into the distinct sector names (made once for all
/// the portfolios and scenarios of a cross-section).
pub struct SectorIds {
    names: Vec<String>,
    ids: Vec<usize>,
}

impl SectorIds {
    pub fn new(sectors: &[String]) -> SectorIds {
        let mut names = sectors.to_vec();
        names.sort_unstable();
        names.dedup();
        let ids = sectors
            .iter()
            .map(|s| names.binary_search(s).unwrap_or_default())
            .collect();
        SectorIds { names, ids }
    }
}

/// Apply security returns to a set of weights (a short leg has negative weights).
pub fn apply(weights: &[f64], r: &[f64], sectors: &SectorIds) -> (f64, BTreeMap<String, f64>) {
    let mut total = 0.0;
    let mut by: Vec<Option<f64>> = vec![None; sectors.names.len()];
    for s in 0..weights.len() {
        if weights[s] != 0.0 && r[s].is_finite() {
            total += weights[s] * r[s];
            *by[sectors.ids[s]].get_or_insert(0.0) += weights[s] * r[s];
        }
    }
    let contributions = sectors
        .names
        .iter()
        .zip(by)
        .filter_map(|(name, v)| Some((name.clone(), v?)))
        .collect();
    (total, contributions)
}

/// The five portfolios of a scenario outcome.
pub fn outcome(
    scenario: &Scenario,
    r: &[f64],
    scores: &Scores,
    bench: &[f64],
    sectors: &SectorIds,
) -> Outcome {
    let ls: Vec<f64> = scores
        .basket
        .weights
        .iter()
        .zip(&scores.anti.weights)
        .map(|(a, b)| a - b)
        .collect();
    let sets: [(SeriesId, &[f64]); 5] = [
        (SeriesId::HaloBasket, &scores.basket.weights),
        (SeriesId::Benchmark, bench),
        (SeriesId::AntiBasket, &scores.anti.weights),
        (SeriesId::LongShort, &ls),
        (SeriesId::Blend, &scores.blend),
    ];
    Outcome {
        scenario: scenario.name.clone(),
        portfolios: sets
            .iter()
            .map(|(id, w)| {
                let (ret, contributions) = apply(w, r, sectors);
                PortfolioOutcome {
                    portfolio: id.clone(),
                    r#return: ret,
                    contributions,
                }
            })
            .collect(),
    }
}
