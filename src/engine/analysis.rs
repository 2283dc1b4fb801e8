//! One place that turns a dataset and settings into every analytic the workbench shows,
//! so the CLI and the GUI call the same code: the panel, monthly returns, factor series,
//! the current scores, and from them sector performance, exposures, scenarios and the
//! backtest.

use chrono::{Months, NaiveDate};

use super::EngineError;
use super::backtest::{self, BacktestResult};
use super::basket::Basket;
use super::exposures::{self, Characteristic, Regression};
use super::factors::{self, FactorPanel, Transform};
use super::returns::ReturnPanel;
use super::scenarios::{self, Betas, Outcome, Scenario, ScenarioKind};
use super::score::{Prepared, Scorer, Scores, prepare, score};
use super::sectors::{GroupKind, SectorPerformance, sector_performance};
use super::universe::Panel;
use crate::data::Dataset;
use crate::settings::Settings;

/// What does not depend on the settings: built once per dataset.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub panel: Panel,
    pub returns: ReturnPanel,
    /// Macro factors and "market"; long-short factors are added on request.
    pub factors: FactorPanel,
}

impl Inputs {
    pub fn new(ds: &Dataset) -> Result<Inputs, EngineError> {
        let f = ds
            .fundamentals
            .as_ref()
            .ok_or_else(|| EngineError::NoData("no fundamentals table is loaded".into()))?;
        let panel = Panel::from_frame(&f.df)?;
        let returns = match &ds.prices {
            Some(p) => ReturnPanel::from_prices(&p.df, &panel.tickers)?,
            None => ReturnPanel::default(),
        };
        let mut factors = match &ds.factors {
            Some(t) if !returns.months.is_empty() => {
                factors::macro_factors(&t.df, &returns.months)?
            }
            _ => FactorPanel::default(),
        };
        if !returns.months.is_empty() && factors.get("market").is_none() {
            factors.push("market", Transform::Return, factors::market(&returns));
        }
        Ok(Inputs {
            panel,
            returns,
            factors,
        })
    }

    pub fn has_returns(&self) -> bool {
        !self.returns.months.is_empty()
    }

    /// Add "ls:<metric>" factors named in `names`: each month, the top quintile of the
    /// metric (known at the previous month end) minus the bottom quintile, equal-weighted.
    pub fn add_long_short(
        &mut self,
        names: &[String],
        settings: &Settings,
    ) -> Result<(), EngineError> {
        for name in names {
            let Some(metric) = name.strip_prefix("ls:") else {
                continue;
            };
            if self.factors.get(name).is_some() {
                continue;
            }
            let rp = &self.returns;
            let mut v = vec![f64::NAN; rp.months.len()];
            for m in 1..rp.months.len() {
                let mut s = settings.scoring.clone();
                s.as_of = Some(rp.months[m - 1]);
                let Ok(prep) = prepare(&self.panel, &s) else {
                    continue;
                };
                let k = prep
                    .cs
                    .metrics
                    .iter()
                    .position(|x| x.id == metric)
                    .ok_or_else(|| EngineError::Invalid(format!("{name}: no metric {metric:?}")))?;
                let mut xs: Vec<(f64, f64)> = (0..prep.cs.len())
                    .filter(|&i| prep.z[k][i].is_finite() && rp.r[m][i].is_finite())
                    .map(|i| (prep.z[k][i], rp.r[m][i]))
                    .collect();
                if xs.len() < 10 {
                    continue;
                }
                xs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let q = xs.len() / 5;
                let mean = |p: &[(f64, f64)]| p.iter().map(|x| x.1).sum::<f64>() / p.len() as f64;
                v[m] = mean(&xs[xs.len() - q..]) - mean(&xs[..q]);
            }
            self.factors.push(name, Transform::Return, v);
        }
        Ok(())
    }
}

/// The current cross-section scored with the settings.
pub fn scores(inputs: &Inputs, settings: &Settings) -> Result<(Prepared, Scores), EngineError> {
    let prep = prepare(&inputs.panel, &settings.scoring)?;
    let sc = score(&prep, settings);
    Ok((prep, sc))
}

/// The sector-performance window: the settings', else the 12 months after the as-of date,
/// else (when the prices end sooner) the 12 months before it.
pub fn window(
    inputs: &Inputs,
    as_of: NaiveDate,
    settings: &Settings,
) -> Result<(NaiveDate, NaiveDate), EngineError> {
    let a = &settings.analytics;
    if let (Some(f), Some(t)) = (a.window_from, a.window_to) {
        return Ok((f, t));
    }
    let last = *inputs
        .returns
        .months
        .last()
        .ok_or_else(|| EngineError::NoData("no prices are loaded".into()))?;
    let ahead = as_of.checked_add_months(Months::new(12)).unwrap_or(as_of);
    Ok(if ahead <= last {
        (as_of, ahead)
    } else {
        (
            as_of.checked_sub_months(Months::new(12)).unwrap_or(as_of),
            as_of.min(last),
        )
    })
}

/// Sector performance over the window, with start weights and baskets as known at the
/// window's start: the current scores when it starts at their as-of date, else scores at
/// the start from `start` (a cache: the workbench keeps one across weight changes).
pub fn sectors(
    inputs: &Inputs,
    prep: &Prepared,
    sc: &Scores,
    settings: &Settings,
    (from, to): (NaiveDate, NaiveDate),
    start: &mut Scorer,
) -> Result<SectorPerformance, EngineError> {
    let rescored;
    let (p0, s0) = if prep.cs.as_of == from {
        (prep, sc)
    } else {
        let mut s = settings.clone();
        s.scoring.as_of = Some(from);
        rescored = start.score(&inputs.panel, &s)?;
        let p0 = start
            .prepared()
            .ok_or_else(|| EngineError::NoData("nothing prepared".into()))?;
        (&**p0, &rescored)
    };
    let baskets: [(&str, GroupKind, &Basket); 2] = [
        ("HALO basket", GroupKind::Basket, &s0.basket),
        ("anti-HALO basket", GroupKind::AntiBasket, &s0.anti),
    ];
    sector_performance(
        &p0.cs,
        &inputs.returns,
        from,
        to,
        settings.analytics.group_weighting,
        &baskets,
    )
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ExposureReport {
    pub as_of: NaiveDate,
    pub characteristic: Characteristic,
    pub regression: Option<Regression>,
    /// Why there is no regression (no prices, a singular design ...).
    pub regression_error: Option<String>,
}

pub fn exposures(
    inputs: &Inputs,
    prep: &Prepared,
    sc: &Scores,
    settings: &Settings,
) -> ExposureReport {
    let bench = exposures::benchmark_weights(prep, sc);
    let characteristic = exposures::characteristic(prep, sc, &sc.basket, &bench);
    let market = inputs.factors.get("market").cloned().unwrap_or_default();
    let (regression, regression_error) = if !inputs.has_returns() {
        (None, Some("no prices are loaded".to_string()))
    } else {
        match exposures::regression(
            &inputs.returns,
            &inputs.factors,
            &sc.basket,
            &market,
            prep.cs.as_of,
            &settings.analytics,
        ) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e.to_string())),
        }
    };
    ExposureReport {
        as_of: prep.cs.as_of,
        characteristic,
        regression,
        regression_error,
    }
}

/// The factors a set of scenarios needs betas for: the settings' list plus every shocked one.
pub fn scenario_factors(settings: &Settings, scenarios: &[Scenario]) -> Vec<String> {
    let mut f = settings.analytics.factors.clone();
    for s in scenarios {
        if let ScenarioKind::Factor { shocks } = &s.kind {
            for k in shocks.keys() {
                if !f.contains(k) {
                    f.push(k.clone());
                }
            }
        }
    }
    f
}

pub fn betas(
    inputs: &Inputs,
    prep: &Prepared,
    settings: &Settings,
    factor_names: &[String],
) -> Result<Betas, EngineError> {
    let win = exposures::lookback_window(
        &inputs.returns,
        prep.cs.as_of,
        settings.analytics.lookback_months as usize,
    )?;
    scenarios::betas(
        &inputs.returns,
        &inputs.factors,
        factor_names,
        win,
        &prep.cs.sectors,
        settings.analytics.shrinkage,
    )
}

/// Outcomes of scenarios; a scenario that cannot run gives its error in place.
pub fn run_scenarios(
    inputs: &Inputs,
    prep: &Prepared,
    sc: &Scores,
    settings: &Settings,
    list: &[Scenario],
    betas: Option<&Betas>,
) -> Vec<Result<Outcome, String>> {
    let bench = exposures::benchmark_weights(prep, sc);
    let sectors = scenarios::SectorIds::new(&prep.cs.sectors);
    list.iter()
        .map(|s| {
            let r = scenarios::security_returns(
                s,
                prep,
                sc,
                &inputs.returns,
                betas,
                settings.analytics.correlated,
            )
            .map_err(|e| format!("{}: {e}", s.name))?;
            Ok(scenarios::outcome(s, &r, sc, &bench, &sectors))
        })
        .collect()
}

pub fn backtest(
    inputs: &Inputs,
    settings: &Settings,
) -> Result<(backtest::History, BacktestResult), EngineError> {
    if !inputs.has_returns() {
        return Err(EngineError::NoData("the backtest needs prices".into()));
    }
    backtest::PreparedHistory::build(&inputs.panel, &inputs.returns, settings)
        .run(&inputs.returns, settings)
}
