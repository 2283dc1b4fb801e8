//! Every setting of a scoring run in one serde struct with defaults: the state behind the
//! sliders, the `[settings]` section of a project file, and what `--config` reads.
//! Defaults follow `docs/methodology.md`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::bi;
use crate::data::error::IoFailure;
use crate::engine::metrics::{CustomMetric, METRICS, Pillar};
use crate::engine::scenarios::{Scenario, ScenarioKind};
use crate::engine::sectors::GroupWeighting;
use crate::i18n::{Lang, Localize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub scoring: ScoringSettings,
    pub weights: Weights,
    pub basket: BasketSettings,
    pub blend: BlendSettings,
    pub analytics: AnalyticsSettings,
    /// The user's scenarios; empty: the default library (assets/scenarios.toml).
    pub scenarios: Vec<Scenario>,
    /// The lens preset last applied (informational; the weights above are what count).
    pub preset: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            scoring: ScoringSettings::default(),
            weights: Weights::default(),
            basket: BasketSettings::default(),
            blend: BlendSettings::default(),
            analytics: AnalyticsSettings::default(),
            scenarios: Vec::new(),
            preset: "halo".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Winsorize {
    /// Clip at the p and 1-p percentiles of the cross-section.
    Percentile,
    /// Clip at mean +/- 3 standard deviations.
    ThreeSd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standardize {
    /// z = (x - mean) / sd.
    Plain,
    /// Subtract the sector mean (sectors under 3 names use the overall mean), divide by the
    /// overall sd (MSCI FaCS practice).
    SectorNeutral,
    /// Subtract the market-cap-weighted mean, divide by the sd.
    CapWeighted,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringSettings {
    /// The cross-section's date; None: the latest date at which the data's reports are known.
    pub as_of: Option<NaiveDate>,
    /// A report is usable this many days after its period date.
    pub report_lag_days: u32,
    /// A report older than this (from when it became usable) is stale.
    pub max_staleness_days: u32,
    pub winsorize: Winsorize,
    /// p for percentile winsorisation.
    pub winsor_p: f64,
    pub standardize: Standardize,
    /// A security needs at least this share of the weighted metrics.
    pub min_coverage: f64,
    /// Numeric columns of the user's data used as metrics.
    pub custom_metrics: Vec<CustomMetric>,
    /// Banks, brokers and insurers: kept, excluded, or scored within their own group.
    pub financials: Financials,
}

/// What scoring does with financials (申万 银行 and 非银金融, CSRC 金融业, GICS Financials):
/// their asset-share and cash-flow ratios mean something else (a bank's loans are neither
/// plant nor sales), and mixed in they fill one end of the ranking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Financials {
    /// Excluded for A-share data (most securities are A-shares), kept otherwise.
    #[default]
    Auto,
    Keep,
    /// Left out of the score and the baskets, each with the reason.
    Exclude,
    /// Each metric winsorised and standardised among the financials, and among the others,
    /// apart: a bank is ranked against banks and brokers.
    Apart,
}

impl Default for ScoringSettings {
    fn default() -> Self {
        Self {
            as_of: None,
            report_lag_days: 90,
            max_staleness_days: 450,
            winsorize: Winsorize::Percentile,
            winsor_p: 0.01,
            standardize: Standardize::Plain,
            min_coverage: 0.5,
            custom_metrics: Vec::new(),
            financials: Financials::Auto,
        }
    }
}

/// Pillar weights and per-metric weights within a pillar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub heavy_assets: f64,
    pub low_obsolescence: f64,
    pub supply_constraint: f64,
    pub cash_flow_stability: f64,
    /// Metric id -> weight within its pillar; a metric not listed weighs 1.
    pub metrics: BTreeMap<String, f64>,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            heavy_assets: 1.0,
            low_obsolescence: 1.0,
            supply_constraint: 1.0,
            cash_flow_stability: 1.0,
            metrics: METRICS.iter().map(|m| (m.id.to_string(), 1.0)).collect(),
        }
    }
}

impl Weights {
    pub fn pillar(&self, p: Pillar) -> f64 {
        match p {
            Pillar::HeavyAssets => self.heavy_assets,
            Pillar::LowObsolescence => self.low_obsolescence,
            Pillar::SupplyConstraint => self.supply_constraint,
            Pillar::CashFlowStability => self.cash_flow_stability,
        }
    }

    pub fn pillar_mut(&mut self, p: Pillar) -> &mut f64 {
        match p {
            Pillar::HeavyAssets => &mut self.heavy_assets,
            Pillar::LowObsolescence => &mut self.low_obsolescence,
            Pillar::SupplyConstraint => &mut self.supply_constraint,
            Pillar::CashFlowStability => &mut self.cash_flow_stability,
        }
    }

    pub fn metric(&self, id: &str) -> f64 {
        self.metrics.get(id).copied().unwrap_or(1.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "value")]
pub enum Selection {
    /// The top 1/q of eligible names (q = 5: quintile).
    TopQuantile(u32),
    /// The top n eligible names.
    TopN(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    Equal,
    MarketCap,
    /// Proportional to (1 + z) for z > 0, times market cap.
    ScoreTilted,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BasketSettings {
    pub selection: Selection,
    pub weighting: Weighting,
    /// Largest weight of one name (0.05 = 5%).
    pub name_cap: f64,
    /// Largest weight of one sector; None: no sector cap.
    pub sector_cap: Option<f64>,
    /// Names below this market cap are not eligible (same unit as the data).
    pub min_market_cap: Option<f64>,
    /// Sectors left out of both baskets.
    pub exclude_sectors: Vec<String>,
    /// Markets left out of both baskets.
    pub exclude_markets: Vec<String>,
    /// Lens tilts: added to a sector's HALO scores, in standard deviations, before ranking.
    pub sector_tilts: BTreeMap<String, f64>,
}

impl Default for BasketSettings {
    fn default() -> Self {
        Self {
            selection: Selection::TopQuantile(5),
            weighting: Weighting::Equal,
            name_cap: 0.05,
            sector_cap: None,
            min_market_cap: None,
            exclude_sectors: Vec::new(),
            exclude_markets: Vec::new(),
            sector_tilts: BTreeMap::new(),
        }
    }
}

/// The "old and new" blend (Chen and Ma 2026, §5): the HALO basket plus a growth / AI basket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlendSettings {
    /// Share of the growth basket in the blend, 0..1 (0: pure HALO).
    pub mix: f64,
    /// The growth basket: the largest names of these sectors...
    pub growth_sectors: Vec<String>,
    pub growth_top_n: u32,
    /// ...or exactly these tickers, when given.
    pub growth_tickers: Vec<String>,
}

impl Default for BlendSettings {
    fn default() -> Self {
        Self {
            mix: 0.0,
            growth_sectors: vec!["Information Technology".into()],
            growth_top_n: 20,
            growth_tickers: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Excess {
    /// Basket return minus the risk-free rate.
    RiskFree,
    /// Basket return minus the market (active return).
    Market,
}

impl crate::i18n::Localize for Excess {
    /// The regression's dependent variable.
    fn localize(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Excess::RiskFree => {
                crate::bi!(lang, "basket return - risk-free", "篮子收益 - 无风险利率")
            }
            Excess::Market => crate::bi!(lang, "basket return - market", "篮子收益 - 市场"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rebalance {
    Monthly,
    Quarterly,
}

impl Rebalance {
    pub fn months(self) -> usize {
        match self {
            Rebalance::Monthly => 1,
            Rebalance::Quarterly => 3,
        }
    }
}

/// Sector performance, exposures, scenarios and the backtest (`docs/methodology.md` §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyticsSettings {
    /// Sector-performance window; None: the 12 months after the as-of date (or the 12
    /// before it when the prices end sooner).
    pub window_from: Option<NaiveDate>,
    pub window_to: Option<NaiveDate>,
    pub group_weighting: GroupWeighting,
    /// Factors of the return-based regression and of factor scenarios: "market", columns of
    /// the factors table (wti, gold, us10y ...), or "ls:<metric>" for a long-short factor.
    pub factors: Vec<String>,
    /// Months of history for the regression and the betas.
    pub lookback_months: u32,
    /// Newey-West lags; None: floor(4 (n/100)^(2/9)).
    pub nw_lags: Option<u32>,
    pub excess: Excess,
    /// Annual risk-free rate (Sharpe, Sortino, excess returns).
    pub risk_free: f64,
    /// Weight of the sector mean in each security's factor betas (0: own betas only).
    pub shrinkage: f64,
    /// Factor scenarios move unshocked factors by their conditional mean.
    pub correlated: bool,
    pub rebalance: Rebalance,
    pub quantiles: u32,
    /// Quantiles formed within each sector.
    pub within_sector: bool,
    /// Cost in basis points per unit of one-way turnover.
    pub cost_bps: f64,
    /// Quantile mean returns net of each date's mean (alphalens' `demeaned=True`).
    pub demeaned: bool,
    pub backtest_from: Option<NaiveDate>,
    pub backtest_to: Option<NaiveDate>,
    /// A-share trading rules replayed on the backtest's top and bottom quantiles.
    pub trading: TradingRules,
    /// Forward horizons, in months, at which the backtest also measures the IC and the
    /// quantiles' returns (the signal's decay); each distinct one once, shortest first.
    pub horizons: Vec<u32>,
}

/// A switch whose default depends on the data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Switch {
    /// On for A-share data (most securities A-shares), off otherwise.
    #[default]
    Auto,
    On,
    Off,
}

/// The A-share trading rules (`docs/methodology.md` §5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TradingRules {
    /// No buy at the upper price limit, no sell at the lower one.
    pub limits: Switch,
    /// Suspended names neither bought nor sold, held at their last price.
    pub suspensions: Switch,
    /// ST names left out of the quantiles.
    pub st: Switch,
}

/// The most forward horizons a backtest measures, and the longest (ten years).
pub const MAX_HORIZONS: usize = 8;
pub const MAX_HORIZON_MONTHS: u32 = 120;

impl AnalyticsSettings {
    /// The horizons to measure: each distinct one once, shortest first.
    pub fn horizon_months(&self) -> Vec<u32> {
        let mut h = self.horizons.clone();
        h.sort_unstable();
        h.dedup();
        h
    }
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        Self {
            window_from: None,
            window_to: None,
            group_weighting: GroupWeighting::Cap,
            factors: ["market", "wti", "gold", "us10y"]
                .map(String::from)
                .to_vec(),
            lookback_months: 60,
            nw_lags: None,
            excess: Excess::RiskFree,
            risk_free: 0.0,
            shrinkage: 0.5,
            correlated: false,
            rebalance: Rebalance::Monthly,
            quantiles: 5,
            within_sector: false,
            cost_bps: 10.0,
            demeaned: false,
            backtest_from: None,
            backtest_to: None,
            trading: TradingRules::default(),
            horizons: vec![1, 3, 6, 12],
        }
    }
}

/// Why a settings or project file could not be read or written. The TOML parser's own
/// message (with its line and column) is kept as it writes it.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    Read {
        path: String,
        error: IoFailure,
    },
    Write {
        path: String,
        error: IoFailure,
    },
    NotToml {
        path: String,
        detail: String,
    },
    NotSettings {
        path: String,
        detail: String,
    },
    NotProject {
        path: String,
        detail: String,
    },
    Encode {
        detail: String,
    },
    /// A setting outside what it can mean (NaN, infinite, or out of its range).
    Invalid {
        path: String,
        key: String,
        value: String,
        allowed: Allowed,
    },
}

impl Localize for ConfigError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ConfigError::Read { path, error } => {
                let e = error.localize(lang);
                bi!(lang, "{path}: cannot read: {e}", "{path}：无法读取：{e}")
            }
            ConfigError::Write { path, error } => {
                let e = error.localize(lang);
                bi!(lang, "{path}: cannot write: {e}", "{path}：无法写入：{e}")
            }
            ConfigError::NotToml { path, detail } => bi!(
                lang,
                "{path}: not valid TOML: {detail}",
                "{path}：不是有效的 TOML：{detail}"
            ),
            ConfigError::NotSettings { path, detail } => bi!(
                lang,
                "{path}: not valid HALO settings: {detail}",
                "{path}：不是有效的 HALO 设置：{detail}"
            ),
            ConfigError::NotProject { path, detail } => bi!(
                lang,
                "{path}: not a valid project file: {detail}",
                "{path}：不是有效的项目文件：{detail}"
            ),
            ConfigError::Encode { detail } => bi!(
                lang,
                "the settings cannot be written as TOML: {detail}",
                "设置无法写成 TOML：{detail}"
            ),
            ConfigError::Invalid {
                path,
                key,
                value,
                allowed,
            } => {
                let allowed = allowed.localize(lang);
                bi!(
                    lang,
                    "{path}: {key} = {value} is not allowed: it must be {allowed}",
                    "{path}：{key} = {value} 不允许：必须为 {allowed}"
                )
            }
        }
    }
}

crate::english_display!(ConfigError);

impl std::error::Error for ConfigError {}

/// One setting outside its range: its key as the TOML file writes it, its value, and
/// what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct OutOfRange {
    pub key: String,
    pub value: String,
    pub allowed: Allowed,
}

/// What a setting may be.
#[derive(Clone, Debug, PartialEq)]
pub enum Allowed {
    /// A finite number from `lo` to `hi` (`hi` itself excluded when `open_hi`).
    Number { lo: f64, hi: f64, open_hi: bool },
    /// A whole number from `lo` to `hi`.
    Whole { lo: u64, hi: u64 },
    /// 1 (higher is more HALO) or -1 (lower is).
    Sign,
    /// A list of at most this many values.
    AtMost(u64),
}

impl Localize for Allowed {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Allowed::Number { lo, hi, open_hi } => {
                let close = if *open_hi { ")" } else { "]" };
                bi!(
                    lang,
                    "a number in [{lo}, {hi}{close}",
                    "[{lo}, {hi}{close} 内的数"
                )
            }
            Allowed::Whole { lo, hi } => {
                bi!(
                    lang,
                    "a whole number from {lo} to {hi}",
                    "{lo} 到 {hi} 之间的整数"
                )
            }
            Allowed::Sign => bi!(lang, "1 or -1", "1 或 -1"),
            Allowed::AtMost(n) => bi!(
                lang,
                "a list of at most {n} values",
                "至多含 {n} 个值的列表"
            ),
        }
    }
}

/// Checks one setting after another, keeping the first that is out of range.
struct Check(Option<OutOfRange>);

impl Check {
    fn fail(&mut self, key: &str, value: String, allowed: Allowed) {
        if self.0.is_none() {
            self.0 = Some(OutOfRange {
                key: key.to_string(),
                value,
                allowed,
            });
        }
    }

    /// A finite number in [lo, hi] (or [lo, hi) when `open_hi`).
    fn num(&mut self, key: &str, v: f64, lo: f64, hi: f64, open_hi: bool) {
        let ok = v.is_finite() && v >= lo && if open_hi { v < hi } else { v <= hi };
        if !ok {
            self.fail(key, v.to_string(), Allowed::Number { lo, hi, open_hi });
        }
    }

    fn int(&mut self, key: &str, v: u64, lo: u64, hi: u64) {
        if !(lo..=hi).contains(&v) {
            self.fail(key, v.to_string(), Allowed::Whole { lo, hi });
        }
    }
}

impl Settings {
    /// The first setting outside what it can mean: NaN and infinities anywhere, and each
    /// number outside its range (a report lag of a hundred million days, a winsorisation
    /// share above one half, a weight of 1e308). Every path that reads settings checks
    /// them: `--config`, project files and the window's restored session.
    pub fn validate(&self) -> Result<(), OutOfRange> {
        let mut c = Check(None);
        let sc = &self.scoring;
        c.int(
            "scoring.report_lag_days",
            sc.report_lag_days.into(),
            0,
            3650,
        );
        c.int(
            "scoring.max_staleness_days",
            sc.max_staleness_days.into(),
            0,
            36500,
        );
        c.num("scoring.winsor_p", sc.winsor_p, 0.0, 0.5, true);
        c.num("scoring.min_coverage", sc.min_coverage, 0.0, 1.0, false);
        for m in &sc.custom_metrics {
            if m.direction != 1.0 && m.direction != -1.0 {
                c.fail(
                    &format!("scoring.custom_metrics.{}.direction", m.column),
                    m.direction.to_string(),
                    Allowed::Sign,
                );
            }
        }
        let w = &self.weights;
        for p in Pillar::ALL {
            c.num(
                &format!("weights.{}", p.id()),
                w.pillar(p),
                -10.0,
                10.0,
                false,
            );
        }
        for (id, v) in &w.metrics {
            c.num(&format!("weights.metrics.{id}"), *v, -10.0, 10.0, false);
        }
        let b = &self.basket;
        match b.selection {
            Selection::TopQuantile(q) => c.int("basket.selection.value", q.into(), 2, 100),
            Selection::TopN(n) => c.int("basket.selection.value", n.into(), 1, 1_000_000),
        }
        c.num("basket.name_cap", b.name_cap, 1e-6, 1.0, false);
        if let Some(cap) = b.sector_cap {
            c.num("basket.sector_cap", cap, 1e-6, 1.0, false);
        }
        if let Some(m) = b.min_market_cap {
            c.num("basket.min_market_cap", m, 0.0, f64::MAX, false);
        }
        for (sector, t) in &b.sector_tilts {
            c.num(
                &format!("basket.sector_tilts.{sector}"),
                *t,
                -10.0,
                10.0,
                false,
            );
        }
        c.num("blend.mix", self.blend.mix, 0.0, 1.0, false);
        c.int(
            "blend.growth_top_n",
            self.blend.growth_top_n.into(),
            1,
            100_000,
        );
        let a = &self.analytics;
        c.int(
            "analytics.lookback_months",
            a.lookback_months.into(),
            3,
            1200,
        );
        if let Some(l) = a.nw_lags {
            c.int("analytics.nw_lags", l.into(), 0, 600);
        }
        c.num("analytics.risk_free", a.risk_free, -0.5, 1.0, false);
        c.num("analytics.shrinkage", a.shrinkage, 0.0, 1.0, false);
        c.int("analytics.quantiles", a.quantiles.into(), 2, 20);
        c.num("analytics.cost_bps", a.cost_bps, 0.0, 10_000.0, false);
        if a.horizons.len() > MAX_HORIZONS {
            let value = format!("{:?}", a.horizons);
            c.fail(
                "analytics.horizons",
                value,
                Allowed::AtMost(MAX_HORIZONS as u64),
            );
        }
        for h in &a.horizons {
            c.int(
                "analytics.horizons",
                (*h).into(),
                1,
                MAX_HORIZON_MONTHS.into(),
            );
        }
        for s in &self.scenarios {
            match &s.kind {
                ScenarioKind::Factor { shocks } => {
                    for (f, v) in shocks {
                        let key = format!("scenarios.{}.shocks.{f}", s.name);
                        c.num(&key, *v, -100.0, 100.0, false);
                    }
                }
                ScenarioKind::Characteristic { shock_per_sd, .. } => {
                    let key = format!("scenarios.{}.shock_per_sd", s.name);
                    c.num(&key, *shock_per_sd, -10.0, 10.0, false);
                }
                ScenarioKind::Historical { .. } => {}
            }
        }
        c.0.map_or(Ok(()), Err)
    }

    /// [`Settings::validate`] as the error of the file they came from.
    pub fn checked(self, path: &str) -> Result<Settings, ConfigError> {
        match self.validate() {
            Ok(()) => Ok(self),
            Err(e) => Err(ConfigError::Invalid {
                path: path.to_string(),
                key: e.key,
                value: e.value,
                allowed: e.allowed,
            }),
        }
    }

    /// Read settings from TOML: a settings file, or a project file's `[settings]` section.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: p.clone(),
            error: e.into(),
        })?;
        Settings::from_toml(&text, &p)
    }

    /// Settings from TOML text (`path` names it in messages), checked.
    pub fn from_toml(text: &str, path: &str) -> Result<Settings, ConfigError> {
        let p = path.to_string();
        let value: toml::Table = toml::from_str(text).map_err(|e| ConfigError::NotToml {
            path: p.clone(),
            detail: e.to_string(),
        })?;
        let table = match value.get("settings") {
            Some(toml::Value::Table(t)) => t.clone(),
            _ => value,
        };
        let settings: Settings =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::NotSettings {
                    path: p.clone(),
                    detail: e.to_string(),
                })?;
        settings.checked(&p)
    }

    pub fn to_toml(&self) -> Result<String, ConfigError> {
        toml::to_string_pretty(self).map_err(|e| ConfigError::Encode {
            detail: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_toml() {
        let mut s = Settings::default();
        s.basket.sector_tilts.insert("Energy".into(), 0.5);
        s.basket.selection = Selection::TopN(30);
        s.scoring.as_of = NaiveDate::from_ymd_opt(2016, 6, 30);
        let text = s.to_toml().unwrap();
        let back: Settings = toml::from_str(&text).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn settings_out_of_range_are_named_with_what_is_allowed() {
        assert_eq!(Settings::default().validate(), Ok(()));
        type Case = (&'static str, fn(&mut Settings));
        let cases: [Case; 7] = [
            ("scoring.report_lag_days", |s| {
                s.scoring.report_lag_days = 100_000_000
            }),
            ("scoring.winsor_p", |s| s.scoring.winsor_p = 0.75),
            ("scoring.min_coverage", |s| s.scoring.min_coverage = -0.5),
            ("weights.heavy_assets", |s| {
                s.weights.heavy_assets = f64::NAN
            }),
            ("weights.metrics.dividend_yield", |s| {
                s.weights.metrics.insert("dividend_yield".into(), 1e308);
            }),
            ("basket.name_cap", |s| s.basket.name_cap = 0.0),
            ("analytics.quantiles", |s| s.analytics.quantiles = 1),
        ];
        for (key, set) in cases {
            let mut s = Settings::default();
            set(&mut s);
            let e = s.validate().unwrap_err();
            assert_eq!(e.key, key);
        }
        let mut s = Settings::default();
        s.scoring.winsor_p = 0.75;
        let e = s.checked("my.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "my.toml: scoring.winsor_p = 0.75 is not allowed: it must be a number in [0, 0.5)"
        );
        // The allowed range is a value, written in each language (no English in Chinese).
        assert_eq!(
            e.localize(Lang::Zh),
            "my.toml：scoring.winsor_p = 0.75 不允许：必须为 [0, 0.5) 内的数"
        );
    }

    #[test]
    fn a_partial_file_fills_in_defaults() {
        let s: Settings = toml::from_str("[weights]\nheavy_assets = 2.0\n").unwrap();
        assert_eq!(s.weights.heavy_assets, 2.0);
        assert_eq!(s.weights.low_obsolescence, 1.0);
        assert_eq!(s.scoring.report_lag_days, 90);
        assert_eq!(s.weights.metric("ppe_intensity"), 1.0);
    }
}
