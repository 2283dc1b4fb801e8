//! The one pipeline from loaded data and settings to every result the workbench shows.
//! The window's worker, every command-line subcommand and the figure export call it;
//! nothing else orchestrates the engine, so the three cannot disagree.
//!
//! A [`Pipeline`] is bound to one dataset's [`Inputs`] (its identity, [`Inputs::id`], is
//! part of what every cache depends on: new data, new pipeline) and keeps what a slider
//! move does not change: the prepared cross-section, the cross-section at the sector
//! window's start, factor series with long-short factors, the securities' betas, and the
//! backtest's prepared history. Each cache is keyed on exactly the options it depends on.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{Months, NaiveDate};

use super::EngineError;
use super::attributes::AttributeJoin;
use super::backtest::{BacktestResult, History, PreparedHistory};
use super::basket::Basket;
use super::exposures::{self, Characteristic, Regression};
use super::factors::{self, FactorPanel, Transform};
use super::notes::{Note, SeriesId};
use super::returns::ReturnPanel;
use super::scenarios::{self, Betas, Outcome, Scenario, ScenarioKind, default_library};
use super::score::{Prepared, Scorer, Scores, prepare};
use super::sectors::{SectorPerformance, sector_performance};
use super::settings::{ScoringSettings, Settings};
use super::trading::{self, TradingFlags};
use super::universe::{Dating, Panel};
use crate::data::Dataset;
use crate::data::schema::AttributeLevel;

/// What does not depend on the settings: built once per dataset.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// This dataset's identity: every cache built from it is built for it alone.
    pub id: u64,
    pub panel: Panel,
    pub returns: ReturnPanel,
    /// Macro factors of the factors table, and "market".
    pub factors: FactorPanel,
    /// What the attributes table gave the securities.
    pub attributes: Option<AttributeJoin>,
    /// What trading allowed at each month end (limit days, suspensions, ST), from prices.
    pub trading: Option<TradingFlags>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Inputs {
    pub fn new(ds: &Dataset) -> Result<Inputs, EngineError> {
        use crate::data::schema::Target;
        let panel = match (&ds.fundamentals, &ds.prices) {
            (Some(f), _) => {
                let mut panel = Panel::from_frame(&f.df)?;
                // Headers as the file writes them, for custom metrics named by them.
                for c in &f.report.columns {
                    let key = match &c.target {
                        Target::Custom(k) | Target::Field(k) => k,
                        Target::Ignore => continue,
                    };
                    panel.headers.insert(c.header.clone(), key.clone());
                }
                panel
            }
            // Prices alone (sector ETFs, indices): performance by group, nothing scored
            // (unless an undated table of fundamentals beside them makes a snapshot).
            (None, Some(p)) => Panel::from_prices(&p.df)?,
            (None, None) => {
                // Fundamentals with no report date and no prices: no date to score at.
                if let Some(t) = &ds.attributes {
                    let columns = snapshot_columns(&t.report.columns);
                    if !columns.is_empty() {
                        return Err(EngineError::SnapshotWithoutPrices {
                            file: crate::data::file_name(t.report.file.as_ref()),
                            columns,
                        });
                    }
                }
                return Err(EngineError::NoFundamentals);
            }
        };
        let mut panel = panel;
        // A membership history's changes are counted against the sectors before it.
        let own = ds
            .attributes
            .as_ref()
            .is_some_and(|t| super::attributes::is_history(&t.df))
            .then(|| panel.sectors.clone());
        let mut attributes = match &ds.attributes {
            Some(t) => {
                let j = super::attributes::join_onto(&mut panel, t)?;
                panel.notes.extend(j.notes());
                // Reported figures with no dates, by ticker (a Wind or Choice snapshot
                // export): beside prices alone they are scored as a snapshot; beside
                // dated reports they hold at every period, which the backtest reads
                // before they were known. Either is said.
                let reported: Vec<String> = j
                    .columns
                    .iter()
                    .filter(|c| super::metrics::is_reported_input(c))
                    .cloned()
                    .collect();
                if j.levels.contains(&AttributeLevel::Ticker)
                    && j.dated.is_none()
                    && !reported.is_empty()
                {
                    let file = crate::data::file_name(j.file.as_ref());
                    if panel.dating == Dating::PricesOnly {
                        panel.dating = Dating::Snapshot { file: file.clone() };
                        panel.notes.push(Note::Snapshot { file });
                    } else {
                        panel.notes.push(Note::UndatedFigures {
                            file,
                            columns: reported,
                        });
                    }
                }
                Some(j)
            }
            None => None,
        };
        // 申万 names compared before a security without a sector is grouped by its ticker.
        let shenwan = super::shenwan::harmonise(&mut panel);
        panel.notes.extend(shenwan);
        if let (Some(own), Some(d)) = (own, attributes.as_mut().and_then(|j| j.dated.as_mut())) {
            d.count_changes(&panel, &own);
        }
        panel.group_by_ticker();
        panel.notes.extend(panel.known_note());
        if let Some(p) = &ds.prices {
            let derived = panel.derive_caps(&p.df)?;
            panel.notes.extend(derived);
        }
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
        // The trading rules are A-share rules: their flags are read for A-share data only.
        let trading = match &ds.prices {
            // (Only the backtest reads them, which a snapshot does not run.)
            Some(p) if panel.dating == Dating::Reports && panel.a_share_data() => {
                Some(TradingFlags::from_prices(&p.df, &panel, &returns)?)
            }
            _ => None,
        };
        Ok(Inputs {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            panel,
            returns,
            factors,
            attributes,
            trading,
        })
    }

    pub fn has_returns(&self) -> bool {
        !self.returns.months.is_empty()
    }
}

/// The headers, as the file writes them, of an undated table's reported figures that
/// metrics are computed from, when it is keyed by ticker: what makes it a snapshot of
/// fundamentals rather than a lookup table (none for a lookup table).
fn snapshot_columns(columns: &[crate::data::schema::ResolvedColumn]) -> Vec<String> {
    use crate::data::schema::Target;
    let field = |f: &str| columns.iter().any(|c| c.target == Target::Field(f.into()));
    if !field("ticker") {
        return Vec::new();
    }
    columns
        .iter()
        .filter(|c| matches!(&c.target, Target::Field(f) if super::metrics::is_reported_input(f)))
        .map(|c| c.header.replace('\n', " "))
        .collect()
}

/// The current cross-section, scored: what every pane starts from.
#[derive(Clone, Debug)]
pub struct Scored {
    pub prep: Arc<Prepared>,
    pub scores: Arc<Scores>,
    /// Benchmark weights: the cap-weighted scored universe.
    pub benchmark: Arc<Vec<f64>>,
    /// What the benchmark's weighting had to do without market caps.
    pub benchmark_notes: Vec<Note>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ExposureReport {
    pub as_of: NaiveDate,
    pub characteristic: Characteristic,
    pub regression: Option<Regression>,
    /// Why there is no regression (no prices, a singular design ...).
    #[serde(serialize_with = "as_text")]
    pub regression_error: Option<EngineError>,
    /// What the benchmark and the regression were computed from when it is not what the
    /// settings ask: caps missing, factors the data does not have.
    #[serde(serialize_with = "as_texts")]
    pub notes: Vec<Note>,
}

fn as_text<S: serde::Serializer>(e: &Option<EngineError>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_some(&e.to_string()),
        None => s.serialize_none(),
    }
}

fn as_texts<S: serde::Serializer>(notes: &[Note], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(notes.iter().map(|n| n.to_string()))
}

/// Everything the panes draw, for one set of settings.
#[derive(Clone, Debug)]
pub struct Results {
    pub settings: Settings,
    pub scored: Scored,
    pub sectors: Result<SectorPerformance, EngineError>,
    pub exposures: ExposureReport,
    /// The scenarios run: the settings' list, or the default library when it is empty.
    pub scenarios: Vec<Scenario>,
    /// One per scenario; a scenario that cannot run gives its reason.
    pub outcomes: Vec<Result<Outcome, EngineError>>,
    /// None until it is computed (the window shows the fast panes first).
    pub backtest: Option<Arc<Result<BacktestResult, EngineError>>>,
    pub elapsed: Duration,
}

impl Results {
    pub fn prep(&self) -> &Prepared {
        &self.scored.prep
    }

    pub fn scores(&self) -> &Scores {
        &self.scored.scores
    }

    pub fn as_of(&self) -> NaiveDate {
        self.scored.prep.cs.as_of
    }
}

/// The scenarios of a set of settings: its own list, or the default library.
pub fn scenario_list(settings: &Settings) -> Vec<Scenario> {
    if settings.scenarios.is_empty() {
        default_library()
    } else {
        settings.scenarios.clone()
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

/// The sector-performance window: each end the settings give, else the 12 months after
/// the as-of date, or (when the prices end sooner) the 12 months before it, from the first
/// price at the earliest.
pub fn window(
    inputs: &Inputs,
    as_of: NaiveDate,
    settings: &Settings,
) -> Result<(NaiveDate, NaiveDate), EngineError> {
    let a = &settings.analytics;
    if let (Some(f), Some(t)) = (a.window_from, a.window_to) {
        return Ok((f, t));
    }
    // The prices' own first and last dates (a daily file ending mid-month ends there).
    let (first, last) = inputs.returns.levels.span().ok_or(EngineError::NoPrices)?;
    let ahead = as_of.checked_add_months(Months::new(12)).unwrap_or(as_of);
    let (from, to) = if ahead <= last {
        (as_of, ahead)
    } else {
        // The 12 months before, or as many as the prices have.
        let back = as_of.checked_sub_months(Months::new(12)).unwrap_or(as_of);
        (back.max(first), as_of.min(last))
    };
    Ok((a.window_from.unwrap_or(from), a.window_to.unwrap_or(to)))
}

/// Everything but the backtest's history: each cache with the options it was built for.
#[derive(Default)]
struct Fast {
    scorer: Scorer,
    /// The cross-section at the sector window's start when it is not the as-of date.
    window_start: Scorer,
    /// The factors with the long-short ones the settings name, for these scoring options.
    factors: Option<(FactorsKey, Arc<FactorPanel>)>,
    betas: Option<(BetasKey, Arc<Betas>)>,
}

/// Long-short factors depend on the scoring options and which ones are named.
type FactorsKey = (ScoringSettings, Vec<String>);
/// Betas depend on the factors, the as-of date, the lookback and the shrinkage (its bits).
type BetasKey = (FactorsKey, NaiveDate, Vec<String>, u32, u64);

pub struct Pipeline {
    inputs: Arc<Inputs>,
    fast: Fast,
    history: Option<PreparedHistory>,
}

impl Pipeline {
    pub fn new(inputs: Arc<Inputs>) -> Pipeline {
        Pipeline {
            inputs,
            fast: Fast::default(),
            history: None,
        }
    }

    pub fn from_dataset(ds: &Dataset) -> Result<Pipeline, EngineError> {
        Ok(Pipeline::new(Arc::new(Inputs::new(ds)?)))
    }

    pub fn inputs(&self) -> &Arc<Inputs> {
        &self.inputs
    }

    /// The cross-section at the settings' as-of date, scored.
    pub fn score(&mut self, settings: &Settings) -> Result<Scored, EngineError> {
        self.fast.score(&self.inputs, settings)
    }

    /// The factor series the settings' regression and scenarios use: the dataset's, with
    /// the long-short factors (`ls:<metric>`) they name built for these scoring options.
    pub fn factors(&mut self, settings: &Settings) -> Result<Arc<FactorPanel>, EngineError> {
        self.fast.factors(&self.inputs, settings)
    }

    pub fn sectors(
        &mut self,
        settings: &Settings,
        scored: &Scored,
    ) -> Result<SectorPerformance, EngineError> {
        self.fast.sectors(&self.inputs, settings, scored)
    }

    pub fn exposures(&mut self, settings: &Settings, scored: &Scored) -> ExposureReport {
        self.fast.exposures(&self.inputs, settings, scored)
    }

    /// Outcomes of `list`; a scenario that cannot run gives its reason in place.
    pub fn scenarios(
        &mut self,
        settings: &Settings,
        scored: &Scored,
        list: &[Scenario],
    ) -> Vec<Result<Outcome, EngineError>> {
        self.fast.scenarios(&self.inputs, settings, scored, list)
    }

    /// The backtest, re-using the prepared history while the scoring options and the
    /// calendar are unchanged.
    pub fn backtest(&mut self, settings: &Settings) -> Result<BacktestResult, EngineError> {
        backtest(&self.inputs, &mut self.history, settings, false).map(|(_, r)| r)
    }

    /// The backtest with each date's scores kept (the command line writes the panel).
    pub fn backtest_with_history(
        &mut self,
        settings: &Settings,
    ) -> Result<(History, BacktestResult), EngineError> {
        backtest(&self.inputs, &mut self.history, settings, true)
    }

    /// Every pane's results, the backtest included.
    pub fn results(&mut self, settings: &Settings) -> Result<Results, EngineError> {
        self.run(settings, &|| false, &|_| true)
            // Never stale, never stopped: `run` always answers here.
            .unwrap_or(Err(EngineError::NoRebalanceDate {
                dates: 0,
                needed: 0,
                most: 0,
            }))
    }

    /// Every pane's results. `on_fast` gets them first without the backtest (the slow
    /// part) and says whether to go on; then the complete results are returned. The fast
    /// panes and the backtest run side by side: the first is mostly one thread's work,
    /// and the backtest's dates spread over whatever is left. None when `stale` turns true
    /// part-way (newer settings are waiting) or `on_fast` says stop.
    pub fn run(
        &mut self,
        settings: &Settings,
        stale: &(dyn Fn() -> bool + Sync),
        on_fast: &(dyn Fn(&Results) -> bool + Sync),
    ) -> Option<Result<Results, EngineError>> {
        let t0 = Instant::now();
        let Pipeline {
            inputs,
            fast,
            history,
        } = self;
        let inputs = &*inputs;
        let (fast_results, backtest) = rayon::join(
            || {
                let r = fast.all(inputs, settings, t0);
                match &r {
                    Ok(x) if stale() || !on_fast(x) => None,
                    _ => Some(r),
                }
            },
            || {
                if stale() {
                    return None;
                }
                Some(self::backtest(inputs, history, settings, false).map(|(_, r)| r))
            },
        );
        let mut results = match fast_results? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        results.backtest = Some(Arc::new(backtest?));
        results.elapsed = t0.elapsed();
        (!stale()).then_some(Ok(results))
    }
}

fn backtest(
    inputs: &Inputs,
    history: &mut Option<PreparedHistory>,
    settings: &Settings,
    keep: bool,
) -> Result<(History, BacktestResult), EngineError> {
    if !inputs.has_returns() {
        return Err(EngineError::NoPrices);
    }
    match &inputs.panel.dating {
        Dating::Reports => {}
        // A backtest ranks by the score, which prices alone cannot give.
        Dating::PricesOnly => return Err(EngineError::NoFundamentals),
        // Past dates scored on figures not yet known then.
        Dating::Snapshot { file } => {
            return Err(EngineError::SnapshotBacktest { file: file.clone() });
        }
    }
    let key = PreparedHistory::key_of(settings);
    let h = match history {
        Some(h) if h.key == key => h,
        _ => history.insert(PreparedHistory::build(
            &inputs.panel,
            &inputs.returns,
            settings,
        )),
    };
    let (h, mut r) = if keep {
        h.run(&inputs.returns, settings)?
    } else {
        (History::default(), h.backtest(&inputs.returns, settings)?)
    };
    // The A-share trading rules replayed on its top and bottom quantiles.
    r.trading = trading::effects(
        &r,
        &inputs.returns,
        inputs.trading.as_ref(),
        &settings.analytics.trading,
        inputs.panel.a_share_data(),
    );
    Ok((h, r))
}

impl Fast {
    fn score(&mut self, inputs: &Inputs, settings: &Settings) -> Result<Scored, EngineError> {
        let (prep, sc) = self.scorer.score(&inputs.panel, settings)?;
        let (benchmark, benchmark_notes) = exposures::benchmark_weights(&prep, &sc);
        Ok(Scored {
            prep,
            scores: Arc::new(sc),
            benchmark: Arc::new(benchmark),
            benchmark_notes,
        })
    }

    /// Everything but the backtest.
    fn all(
        &mut self,
        inputs: &Inputs,
        settings: &Settings,
        t0: Instant,
    ) -> Result<Results, EngineError> {
        let scored = self.score(inputs, settings)?;
        let sectors = self.sectors(inputs, settings, &scored);
        let exposures = self.exposures(inputs, settings, &scored);
        let scenarios = scenario_list(settings);
        let outcomes = self.scenarios(inputs, settings, &scored, &scenarios);
        Ok(Results {
            settings: settings.clone(),
            scored,
            sectors,
            exposures,
            scenarios,
            outcomes,
            backtest: None,
            elapsed: t0.elapsed(),
        })
    }

    /// Sector performance over the window, with start weights and baskets as known at the
    /// window's start: the current scores when it starts at their as-of date, else the
    /// cross-section at the start (cached across weight changes).
    fn sectors(
        &mut self,
        inputs: &Inputs,
        settings: &Settings,
        scored: &Scored,
    ) -> Result<SectorPerformance, EngineError> {
        let (from, to) = window(inputs, scored.prep.cs.as_of, settings)?;
        let rescored;
        let (p0, s0): (&Prepared, &Scores) = if scored.prep.cs.as_of == from {
            (&*scored.prep, &*scored.scores)
        } else {
            let mut s = settings.clone();
            s.scoring.as_of = Some(from);
            rescored = self.window_start.score(&inputs.panel, &s)?;
            (&*rescored.0, &rescored.1)
        };
        let baskets: [(SeriesId, &Basket); 2] = [
            (SeriesId::HaloBasket, &s0.basket),
            (SeriesId::AntiBasket, &s0.anti),
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

    fn factors(
        &mut self,
        inputs: &Inputs,
        settings: &Settings,
    ) -> Result<Arc<FactorPanel>, EngineError> {
        let wanted: Vec<String> = scenario_factors(settings, &scenario_list(settings))
            .into_iter()
            .filter(|n| n.starts_with("ls:"))
            .collect();
        let key = (settings.scoring.clone(), wanted);
        if let Some((k, f)) = &self.factors
            && *k == key
        {
            return Ok(f.clone());
        }
        let mut f = inputs.factors.clone();
        for name in &key.1 {
            if f.get(name).is_none() {
                // A long-short factor of a metric the data does not have is a factor the
                // data does not have: the regression and scenarios say so.
                match long_short(inputs, name, &settings.scoring) {
                    Ok(v) => f.push(name, Transform::Return, v),
                    Err(EngineError::LongShortNoMetric { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let f = Arc::new(f);
        self.factors = Some((key, f.clone()));
        Ok(f)
    }

    fn exposures(
        &mut self,
        inputs: &Inputs,
        settings: &Settings,
        scored: &Scored,
    ) -> ExposureReport {
        let (prep, sc) = (&scored.prep, &scored.scores);
        let characteristic = exposures::characteristic(prep, sc, &sc.basket, &scored.benchmark);
        let mut notes = scored.benchmark_notes.clone();
        let regression = if !inputs.has_returns() {
            Err(EngineError::NoPrices)
        } else {
            self.factors(inputs, settings).and_then(|fp| {
                let market = fp.get("market").cloned().unwrap_or_default();
                // The factors the data has; the market alone when it has none of them.
                let asked = &settings.analytics.factors;
                let (mut used, missing): (Vec<String>, Vec<String>) =
                    asked.iter().cloned().partition(|f| fp.get(f).is_some());
                if used.is_empty() && fp.get("market").is_some() {
                    used.push("market".into());
                }
                if !missing.is_empty() {
                    notes.push(Note::FactorsMissing {
                        missing,
                        used: used.clone(),
                    });
                }
                if used.is_empty() {
                    return Err(EngineError::NoFactors);
                }
                exposures::regression(
                    &inputs.returns,
                    &fp,
                    &used,
                    &sc.basket,
                    &market,
                    prep.cs.as_of,
                    &settings.analytics,
                )
            })
        };
        ExposureReport {
            as_of: prep.cs.as_of,
            characteristic,
            regression_error: regression.as_ref().err().cloned(),
            regression: regression.ok(),
            notes,
        }
    }

    /// Each security's factor betas at the as-of date (re-estimated only when what they
    /// depend on changes).
    fn betas(
        &mut self,
        inputs: &Inputs,
        settings: &Settings,
        prep: &Prepared,
        names: &[String],
    ) -> Result<Arc<Betas>, EngineError> {
        let fp = self.factors(inputs, settings)?;
        let a = &settings.analytics;
        let key = (
            (settings.scoring.clone(), fp.names.clone()),
            prep.cs.as_of,
            names.to_vec(),
            a.lookback_months,
            a.shrinkage.to_bits(),
        );
        if let Some((k, b)) = &self.betas
            && *k == key
        {
            return Ok(b.clone());
        }
        let win =
            exposures::lookback_window(&inputs.returns, prep.cs.as_of, a.lookback_months as usize)?;
        let b = Arc::new(scenarios::betas(
            &inputs.returns,
            &fp,
            names,
            win,
            &prep.cs.sectors,
            a.shrinkage,
        )?);
        self.betas = Some((key, b.clone()));
        Ok(b)
    }

    fn scenarios(
        &mut self,
        inputs: &Inputs,
        settings: &Settings,
        scored: &Scored,
        list: &[Scenario],
    ) -> Vec<Result<Outcome, EngineError>> {
        let (prep, sc) = (&scored.prep, &scored.scores);
        // Nothing scored: every portfolio is empty, and an outcome would be a silent 0.
        if sc.basket.members.is_empty() {
            return list
                .iter()
                .map(|s| {
                    Err(EngineError::Scenario {
                        name: s.name.clone(),
                        name_zh: s.name_zh.clone(),
                        error: Box::new(EngineError::EmptyBasket),
                    })
                })
                .collect();
        }
        // Betas on the factors the data has: a scenario shocking one it lacks says so
        // (and the others still run).
        let betas = if inputs.has_returns() {
            self.factors(inputs, settings).and_then(|fp| {
                let names: Vec<String> = scenario_factors(settings, list)
                    .into_iter()
                    .filter(|n| fp.get(n).is_some())
                    .collect();
                if names.is_empty() {
                    return Err(EngineError::NoFactors);
                }
                self.betas(inputs, settings, prep, &names)
            })
        } else {
            Err(EngineError::NoPrices)
        };
        let sectors = scenarios::SectorIds::new(&prep.cs.sectors);
        list.iter()
            .map(|s| {
                let r = match (&s.kind, &betas) {
                    (ScenarioKind::Factor { shocks }, Err(e)) if !shocks.is_empty() => {
                        Err(e.clone())
                    }
                    _ => scenarios::security_returns(
                        s,
                        prep,
                        sc,
                        &inputs.returns,
                        betas.as_deref().ok(),
                        settings.analytics.correlated,
                    ),
                }
                .map_err(|e| EngineError::Scenario {
                    name: s.name.clone(),
                    name_zh: s.name_zh.clone(),
                    error: Box::new(e),
                })?;
                Ok(scenarios::outcome(s, &r, sc, &scored.benchmark, &sectors))
            })
            .collect()
    }
}

/// A long-short factor `ls:<metric>`: each month, the top quintile of the metric (known at
/// the previous month end) minus the bottom quintile, equal-weighted.
fn long_short(
    inputs: &Inputs,
    name: &str,
    scoring: &ScoringSettings,
) -> Result<Vec<f64>, EngineError> {
    let metric = name.strip_prefix("ls:").unwrap_or(name);
    let rp = &inputs.returns;
    let mut v = vec![f64::NAN; rp.months.len()];
    for m in 1..rp.months.len() {
        let mut s = scoring.clone();
        s.as_of = Some(rp.months[m - 1]);
        let Ok(prep) = prepare(&inputs.panel, &s) else {
            continue;
        };
        let k = prep
            .cs
            .metrics
            .iter()
            .position(|x| x.id == metric)
            .ok_or_else(|| EngineError::LongShortNoMetric {
                factor: name.to_string(),
                metric: metric.to_string(),
            })?;
        let mut xs: Vec<(f64, f64)> = (0..prep.cs.len())
            .filter(|&i| prep.base.z[k][i].is_finite() && rp.r[m][i].is_finite())
            .map(|i| (prep.base.z[k][i], rp.r[m][i]))
            .collect();
        if xs.len() < 10 {
            continue;
        }
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let q = xs.len() / 5;
        let mean = |p: &[(f64, f64)]| p.iter().map(|x| x.1).sum::<f64>() / p.len() as f64;
        v[m] = mean(&xs[xs.len() - q..]) - mean(&xs[..q]);
    }
    Ok(v)
}
