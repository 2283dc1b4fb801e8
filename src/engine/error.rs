//! What the engine could not compute, and why: one variant per reason, with its fields.
//! English and Chinese are written side by side in [`Localize`]; nothing is parsed back.

use chrono::NaiveDate;

use crate::bi;
use crate::i18n::{Lang, Localize, join};

#[derive(Clone, Debug, PartialEq)]
pub enum EngineError {
    /// No fundamentals table: nothing to score.
    NoFundamentals,
    /// Fundamentals only in an undated table (a snapshot export), with no prices: no
    /// date to score them at.
    SnapshotWithoutPrices {
        file: String,
        /// Its columns metrics are computed from, as the file writes them.
        columns: Vec<String>,
    },
    /// A backtest of fundamentals with no report dates (a snapshot, `file`).
    SnapshotBacktest {
        file: String,
    },
    /// The fundamentals table has no usable date.
    NoDates,
    /// An analysis that needs prices, without prices.
    NoPrices,
    /// The prices table has neither a return nor a close column.
    NoReturnOrClose,
    /// A column of a canonical table could not be read as its type (the table was made in
    /// code, or by a reader the loader does not check).
    Column {
        column: String,
        detail: String,
    },
    EmptyBasket,
    NoReturnsBy {
        date: NaiveDate,
    },
    NoReturnsBetween {
        from: NaiveDate,
        to: NaiveDate,
        first: Option<NaiveDate>,
        last: Option<NaiveDate>,
    },
    WindowReversed {
        from: NaiveDate,
        to: NaiveDate,
    },
    /// No security has both a report known at the window's start and a return in it.
    NoMembers {
        from: NaiveDate,
        to: NaiveDate,
    },
    NotCovered {
        from: NaiveDate,
        to: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    },
    NoFactor {
        name: String,
        available: Vec<String>,
    },
    TooFewFactorMonths {
        months: usize,
    },
    CollinearFactors {
        factors: Vec<String>,
    },
    /// A factor scenario shocks a factor the data does not have.
    ShockedFactorMissing {
        missing: Vec<String>,
        factors: Vec<String>,
    },
    SingularShockCovariance,
    FactorScenarioNeedsData,
    /// Betas or a regression with no factor: none named, or none of those named is in
    /// the data.
    NoFactors,
    /// A factor scenario that shocks nothing.
    NoShock,
    NoMetric {
        name: String,
    },
    LongShortNoMetric {
        factor: String,
        metric: String,
    },
    TooFewObservations {
        observations: usize,
        parameters: usize,
    },
    Collinear {
        regressor: String,
    },
    /// No rebalance date of the `dates` with a forward period has `needed` scored
    /// securities (5 per quantile); `most` is the most any has.
    NoRebalanceDate {
        dates: usize,
        needed: usize,
        most: usize,
    },
    /// Every pillar's weight is 0: there is nothing to score by.
    NoPillarWeight,
    /// No member of the HALO basket has a price at the window's start (`from`).
    BasketNotPriced {
        from: NaiveDate,
    },
    /// A weight sweep that cannot be made: `steps` outside 2..=101 or `max` outside
    /// (0, 10].
    BadSweep {
        steps: usize,
        max: f64,
    },
    /// No rebalance date has an IC over a `months`-month horizon: `past_prices` of them
    /// run past the prices' last month, the others have too few names with its return in
    /// quantiles (or their scores tie).
    NoHorizonDate {
        months: u32,
        past_prices: usize,
        /// The rebalance dates there were.
        dates: usize,
    },
    /// A scenario that could not run, with the reason.
    Scenario {
        name: String,
        /// Its Chinese name; empty when it has none.
        name_zh: String,
        error: Box<EngineError>,
    },
}

impl EngineError {
    pub fn column(column: &str, e: impl std::fmt::Display) -> Self {
        EngineError::Column {
            column: column.to_string(),
            detail: e.to_string(),
        }
    }
}

fn date_or_none(d: &Option<NaiveDate>, lang: Lang) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| match lang {
        Lang::En => "none".into(),
        Lang::Zh => "无".into(),
    })
}

/// A factor's name in a sentence: the market in the interface's language, the data's own
/// factors as the data names them.
pub fn factor_name(name: &str, lang: Lang) -> String {
    match (name, lang) {
        ("market", Lang::Zh) => "市场".into(),
        _ => name.into(),
    }
}

impl Localize for EngineError {
    fn localize(&self, lang: Lang) -> String {
        use EngineError::*;
        match self {
            NoFundamentals => bi!(
                lang,
                "no data: no fundamentals table is loaded",
                "无数据：未载入基本面表"
            ),
            SnapshotWithoutPrices { file, columns } => {
                let columns = join(lang, columns);
                bi!(
                    lang,
                    "{file} has fundamentals ({columns}) but no report dates, and no prices are loaded beside it to date them: add a report-date column (报告期) to load them as reports, or load a prices file to score them as a snapshot at its last date",
                    "{file} 含有基本面数据（{columns}），但没有报告期，也没有载入价格数据为其定日期：加上报告期列即作为财报载入，或载入价格文件，以其最后日期作为快照计分"
                )
            }
            SnapshotBacktest { file } => bi!(
                lang,
                "no backtest: the fundamentals of {file} have no report dates, so past dates would be scored on figures not known then (a report-date column, 报告期, makes them reports)",
                "不运行回测：{file} 的基本面数据没有报告期，给过去的日期计分会用到当时尚未披露的数据（加上报告期列即作为财报载入）"
            ),
            NoDates => bi!(
                lang,
                "no data: the fundamentals have no dates",
                "无数据：基本面数据没有日期"
            ),
            NoPrices => bi!(
                lang,
                "no data: no prices are loaded",
                "无数据：未载入价格数据"
            ),
            NoReturnOrClose => bi!(
                lang,
                "the loaded data cannot be used: the prices table has neither return nor close",
                "载入的数据无法使用：价格表既没有收益率也没有收盘价"
            ),
            Column { column, detail } => bi!(
                lang,
                "the loaded data cannot be used: column '{column}': {detail}",
                "载入的数据无法使用：列 '{column}'：{detail}"
            ),
            EmptyBasket => bi!(
                lang,
                "the HALO basket is empty: no security is scored (the ranking's notes say why)",
                "HALO 篮子为空：没有证券被计分（原因见排名上方的说明）"
            ),
            NoReturnsBy { date } => bi!(
                lang,
                "invalid window: no returns on or before {date}",
                "区间无效：{date} 当日或之前没有收益率数据"
            ),
            NoReturnsBetween {
                from,
                to,
                first,
                last,
            } => {
                let (a, b) = (date_or_none(first, lang), date_or_none(last, lang));
                bi!(
                    lang,
                    "invalid window: no returns between {from} and {to}; the prices cover {a} to {b}",
                    "区间无效：{from} 至 {to} 之间没有收益率；价格数据覆盖 {a} 至 {b}"
                )
            }
            WindowReversed { from, to } => bi!(
                lang,
                "invalid window: the window ends ({to}) before it starts ({from})",
                "区间无效：区间结束（{to}）早于开始（{from}）"
            ),
            NoMembers { from, to } => bi!(
                lang,
                "no security has both a report known at {from} and a return between {from} and {to}",
                "没有任何证券同时具有 {from} 时已知的报告和 {from} 至 {to} 之间的收益率"
            ),
            NotCovered {
                from,
                to,
                first,
                last,
            } => bi!(
                lang,
                "invalid window: {from} to {to} is not covered by the prices ({first} to {last})",
                "区间无效：价格数据（{first} 至 {last}）未覆盖 {from} 至 {to}"
            ),
            NoFactor { name, available } => {
                let list = join(lang, available);
                bi!(
                    lang,
                    "no factor named {name:?}; available: {list}",
                    "没有名为 {name:?} 的因子；可用的有：{list}"
                )
            }
            TooFewFactorMonths { months } => bi!(
                lang,
                "the regression cannot be solved: only {months} months with every factor; widen the lookback",
                "回归无法求解：所有因子都有数据的月份只有 {months} 个；请加长回看期"
            ),
            CollinearFactors { factors } => {
                let list = join(lang, factors);
                bi!(
                    lang,
                    "the regression cannot be solved: the factors {list} are collinear over the lookback",
                    "回归无法求解：因子 {list} 在回看期内共线"
                )
            }
            ShockedFactorMissing { missing, factors } => {
                let named: Vec<String> = factors.iter().map(|f| factor_name(f, lang)).collect();
                let list = join(lang, &named);
                let quoted: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
                let factor = join(lang, &quoted);
                bi!(
                    lang,
                    "not available: the data has no factor {factor} (it has {list})",
                    "无法计算：数据中没有因子 {factor}（已有：{list}）"
                )
            }
            SingularShockCovariance => bi!(
                lang,
                "the regression cannot be solved: the shocked factors' covariance is singular",
                "回归无法求解：受冲击因子的协方差矩阵奇异"
            ),
            FactorScenarioNeedsData => bi!(
                lang,
                "factor scenarios need price and factor data",
                "因子情景需要价格和因子数据"
            ),
            NoFactors => bi!(
                lang,
                "no factor to use: none of the factors named (analytics.factors) is in the data",
                "没有可用的因子：所指定的因子（analytics.factors）都不在数据中"
            ),
            NoShock => bi!(
                lang,
                "the scenario shocks no factor; give it at least one shock",
                "该情景没有冲击任何因子；请至少设置一个冲击"
            ),
            NoMetric { name } => bi!(
                lang,
                "no metric or pillar named {name:?}",
                "没有名为 {name:?} 的指标或支柱"
            ),
            LongShortNoMetric { factor, metric } => bi!(
                lang,
                "{factor}: no metric {metric:?}",
                "{factor}：没有指标 {metric:?}"
            ),
            TooFewObservations {
                observations,
                parameters,
            } => bi!(
                lang,
                "the regression cannot be solved: {observations} complete observations for {parameters} parameters; widen the lookback or use fewer factors",
                "回归无法求解：{parameters} 个参数只有 {observations} 个完整观测；请加长回看期或减少因子"
            ),
            Collinear { regressor } => bi!(
                lang,
                "the regression cannot be solved: '{regressor}' is constant or a combination of the other regressors (collinear)",
                "回归无法求解：'{regressor}' 为常数或是其他回归变量的组合（共线）"
            ),
            NoRebalanceDate { dates: 0, .. } => bi!(
                lang,
                "no backtest: the prices leave no rebalance date with a forward period",
                "无法回测：价格数据中没有带远期区间的调仓日"
            ),
            NoRebalanceDate {
                dates,
                needed,
                most,
            } => bi!(
                lang,
                "no backtest: a rebalance date needs {needed} scored securities (5 per quantile), and the most any of the {dates} dates has is {most}; use fewer quantiles or more securities",
                "无法回测：每个调仓日需要 {needed} 只已计分证券（每个分位组 5 只），{dates} 个调仓日中最多只有 {most} 只；请减少分位组数或增加证券"
            ),
            NoPillarWeight => bi!(
                lang,
                "every pillar weight is 0: nothing to score by",
                "所有支柱权重均为 0：没有可用于计分的依据"
            ),
            BasketNotPriced { from } => bi!(
                lang,
                "no member of the HALO basket has a price on or before the window's start ({from})",
                "HALO 篮子中没有成分股在区间起点（{from}）当日或之前有价格"
            ),
            BadSweep { steps, max } => bi!(
                lang,
                "no sweep of {steps} steps from 0 to {max}: take 2 to 101 steps up to a weight above 0 and at most 10",
                "无法从 0 到 {max} 分 {steps} 步扫描：步数须为 2 到 101，最大权重须大于 0 且不超过 10"
            ),
            NoHorizonDate {
                months,
                past_prices,
                dates,
            } if past_prices == dates => bi!(
                lang,
                "no {months}-month forward return: the horizon of every one of the {dates} rebalance dates runs past the prices' last month",
                "无 {months} 个月远期收益：全部 {dates} 个调仓日的区间都超出价格的最后一个月"
            ),
            NoHorizonDate {
                months,
                past_prices: 0,
                ..
            } => bi!(
                lang,
                "no {months}-month forward return: at no rebalance date do two names have a score and every month's price over it in quantiles (too few such names, or scores tied into fewer quantiles)",
                "无 {months} 个月远期收益：没有调仓日能将两只以上同时具有得分和该区间每个月价格的证券分入分位组（此类证券太少，或得分并列导致分位组不足）"
            ),
            NoHorizonDate {
                months,
                past_prices,
                ..
            } => bi!(
                lang,
                "no {months}-month forward return: the horizon of {past_prices} rebalance dates runs past the prices' last month, and at no other date do two names priced over it fall in quantiles",
                "无 {months} 个月远期收益：{past_prices} 个调仓日的区间超出价格的最后一个月，其余调仓日没有两只在该区间内有完整价格的证券能分入分位组"
            ),
            Scenario {
                name,
                name_zh,
                error,
            } => {
                let e = error.localize(lang);
                let zh = if name_zh.is_empty() { name } else { name_zh };
                bi!(lang, "{name}: {e}", "{zh}：{e}")
            }
        }
    }
}

crate::english_display!(EngineError);

impl std::error::Error for EngineError {}
