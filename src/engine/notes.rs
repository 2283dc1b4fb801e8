//! What the engine says beside its numbers: why a security is not scored, what scoring had
//! to adjust, why a rebalance date was left out, and the names of the series it computes.
//! Each is an enum with its fields, written in both languages by an exhaustive match.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::bi;
use crate::i18n::{Lang, Localize, join};

/// How a report's known date is set: the rule of `Panel::known_day`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KnownBy {
    /// Its disclosure date, from the file.
    Disclosed,
    /// The A-share statutory deadline of its report type: annual and Q1 reports by 30
    /// April, half-year by 31 August, Q3 by 31 October.
    Statutory,
    /// Its period end plus the report lag of the settings.
    Lag,
}

/// Why a security of the cross-section is not scored.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    /// No report of it is known by the as-of date: by the rule that dates its first
    /// report, known on `first`.
    NoReport {
        as_of: NaiveDate,
        rule: KnownBy,
        lag_days: u32,
        first: Option<NaiveDate>,
    },
    /// Its latest known report is too old.
    Stale {
        period: NaiveDate,
        age_days: i64,
        limit_days: u32,
    },
    /// Too few of the weighted metrics have a value; `missing` names the inputs it lacks.
    Coverage {
        share: f64,
        min: f64,
        missing: Vec<String>,
    },
    /// A financial (by its sector or industry), left out by the financials rule; `auto`:
    /// by the default for A-share data rather than the user's choice.
    Financial { sector: String, auto: bool },
}

impl Localize for Exclusion {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Exclusion::NoReport {
                as_of,
                rule,
                lag_days,
                first,
            } => {
                let base = match rule {
                    KnownBy::Disclosed => bi!(
                        lang,
                        "no report disclosed by {as_of}",
                        "截至 {as_of} 尚无已公告的报告"
                    ),
                    KnownBy::Statutory => bi!(
                        lang,
                        "no report known by {as_of} (A-share reports without a disclosure date are dated by their statutory deadline)",
                        "截至 {as_of} 尚无已知报告（无公告日期的 A 股报告按法定披露截止日计）"
                    ),
                    KnownBy::Lag => bi!(
                        lang,
                        "no report known by {as_of} (report lag {lag_days} days)",
                        "截至 {as_of} 尚无已知报告（报告滞后 {lag_days} 天）"
                    ),
                };
                match first {
                    Some(d) => bi!(
                        lang,
                        "{base}; the first is known on {d}",
                        "{base}；最早的报告于 {d} 可知"
                    ),
                    None => base,
                }
            }
            Exclusion::Stale {
                period,
                age_days,
                limit_days,
            } => bi!(
                lang,
                "stale data: latest report ({period}) usable for {age_days} days, limit {limit_days}",
                "数据过期：最新报告（{period}）已使用 {age_days} 天，上限为 {limit_days} 天"
            ),
            Exclusion::Coverage {
                share,
                min,
                missing,
            } => {
                let (share, min) = (share * 100.0, min * 100.0);
                let base = bi!(
                    lang,
                    "coverage {share:.0}% of weighted metrics, below {min:.0}%",
                    "加权指标覆盖率 {share:.0}%，低于 {min:.0}%"
                );
                if missing.is_empty() {
                    return base;
                }
                let missing: Vec<String> = missing
                    .iter()
                    .map(|f| crate::data::schema::field_name(f, lang))
                    .collect();
                match lang {
                    Lang::En => format!("{base}: no {}", missing.join(", no ")),
                    Lang::Zh => format!("{base}：缺少 {}", join(lang, &missing)),
                }
            }
            Exclusion::Financial { sector, auto } => {
                let why = financials_why(*auto, lang);
                bi!(
                    lang,
                    "a financial ({sector}): financials are left out of the score and the baskets ({why})",
                    "金融类（{sector}）：金融类不参与评分和组合（{why}）"
                )
            }
        }
    }
}

/// What scoring adjusted or left out, shown above the ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    /// No security has a value of this metric at the date.
    EmptyMetric {
        metric: String,
        as_of: NaiveDate,
    },
    /// Every pillar or metric weight is zero.
    AllWeightsZero,
    /// The dataset has prices and no fundamentals: nothing to score.
    PricesOnly,
    /// The fundamentals come from an undated table (a snapshot export, `file`): scored as
    /// known at any as-of date, and not backtested.
    Snapshot {
        file: String,
    },
    /// Reported figures of an undated table (`file`) joined onto dated reports: they hold
    /// at every period, the past included.
    UndatedFigures {
        file: String,
        columns: Vec<String>,
    },
    /// The name cap cannot be met with so few names; the tightest feasible one is used.
    NameCapLoosened {
        cap: f64,
        names: usize,
        used: f64,
    },
    SectorCapLoosened {
        cap: f64,
        sectors: usize,
        used: f64,
    },
    /// Market-cap weighting asked for, and no member of the group has a market cap:
    /// equal weights are used.
    NoMarketCaps {
        group: CapGroup,
    },
    /// Some members of a cap-weighted group have no market cap: what was done with them.
    SomeCapsMissing {
        group: CapGroup,
        missing: usize,
        of: usize,
    },
    /// Factors the settings name that the data does not have, and the ones used instead.
    FactorsMissing {
        missing: Vec<String>,
        used: Vec<String>,
    },
    /// A custom metric names a column the fundamentals do not have: it is left out.
    NoSuchColumn {
        column: String,
        /// The numeric columns a custom metric could use, by header.
        columns: Vec<String>,
    },
    /// Securities that no row of an attributes table matches: its columns are missing
    /// for them.
    AttributesUnmatched {
        file: String,
        level: crate::data::schema::AttributeLevel,
        /// Their keys at that level, distinct.
        keys: Vec<String>,
        securities: usize,
        of: usize,
    },
    /// Reports of securities a membership history lists, dated before its first row of
    /// them or after its last one ended: they keep their own groups and get none of its
    /// columns.
    AttributesNotInEffect {
        file: String,
        reports: usize,
        of: usize,
    },
    /// Market caps the reports lack, derived as shares outstanding x the close on the
    /// report's date, in `rows` of the `of` reports with shares and no cap.
    CapsFromShares {
        rows: usize,
        of: usize,
    },
    /// When the reports become known: how many by their disclosure date, by the A-share
    /// statutory deadline of their report type, and by the report lag.
    KnownDates {
        disclosed: usize,
        statutory: usize,
        lag: usize,
    },
    /// Caps not derived for `rows` reports: the caps the data reports are not in the
    /// units of shares x close (their median ratio), or cannot be checked against them.
    CapsNotDerived {
        rows: usize,
        ratio: Option<f64>,
    },
    /// What the financials rule did at the date: `count` financials (of `sectors`) left
    /// out, or scored within their own group; `auto`: by the default for A-share data.
    Financials {
        rule: crate::engine::settings::Financials,
        auto: bool,
        count: usize,
        sectors: Vec<String>,
    },
    /// The sectors are 申万 level-1 names of this classification; 2014 names were renamed
    /// to 2021 (from, to, securities), and these could not be split (name, securities).
    Shenwan {
        classification: super::shenwan::Classification,
        renamed: Vec<(String, String, usize)>,
        unsplit: Vec<(String, usize)>,
        /// The data has level-2 industries.
        level2: bool,
    },
    /// A custom metric names the column of a ratio-level metric (it takes that metric's
    /// place), or the ready-made ratio a formula metric falls back on (`fallback`: the
    /// metric no longer reads it). One column never counts twice.
    CustomReplaces {
        column: String,
        metric: String,
        fallback: bool,
    },
    /// The composite rests on fewer than three metrics with values.
    FewMetrics {
        metrics: Vec<String>,
    },
    /// Every metric with values is in one pillar: the composite is that pillar.
    OnePillar {
        pillar: super::metrics::Pillar,
    },
}

/// A group weighted by market cap, for the notes on what its caps allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapGroup {
    /// The HALO basket (market-cap or score-tilted weights).
    HaloBasket,
    AntiBasket,
    /// The benchmark of the exposures and scenarios.
    Benchmark,
    /// The sectors and the benchmark of sector performance.
    Sectors,
}

impl Localize for Note {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Note::EmptyMetric { metric, as_of } => {
                let metric = super::metrics::metric_name(metric, lang);
                bi!(
                    lang,
                    "{metric}: no security has a value at {as_of}; left out",
                    "{metric}：{as_of} 时没有任何证券有数值；已略去"
                )
            }
            Note::Snapshot { file } => bi!(
                lang,
                "{file} has no report dates: its figures are scored as a snapshot, the same at any as-of date, and the backtest is not run (it would score past dates on figures not known then); a report-date column (报告期) makes them reports",
                "{file} 没有报告期：其数据作为快照计分，任何截至日都相同，不运行回测（否则会用当时尚未披露的数据给过去的日期计分）；加上报告期列即作为财报载入"
            ),
            Note::UndatedFigures { file, columns } => {
                let columns = join(lang, columns);
                bi!(
                    lang,
                    "{file} gives {columns} with no dates: its figures hold at every report's period (where the reports lack them), so the backtest uses them at dates before they were known; dated reports avoid that",
                    "{file} 提供的 {columns} 没有日期：其数据适用于每个报告期（在财报缺少这些数据处），因此回测会在其披露之前的日期使用它们；使用带日期的财报可避免"
                )
            }
            Note::PricesOnly => bi!(
                lang,
                "prices only, no fundamentals: nothing is scored; performance is by the prices' groups (their sector column, else each ticker)",
                "只有价格、没有基本面数据：不计分；业绩按价格表的分组计算（其行业列，否则每个代码一组）"
            ),
            Note::AllWeightsZero => bi!(
                lang,
                "every weight is zero: nothing to score",
                "所有权重均为零：无可计分"
            ),
            Note::NameCapLoosened { cap, names, used } => {
                let (cap, used) = (cap * 100.0, used * 100.0);
                bi!(
                    lang,
                    "name cap {cap:.1}% is infeasible for {names} names; {used:.1}% used",
                    "单只上限 {cap:.1}% 对 {names} 只证券不可行；改用 {used:.1}%"
                )
            }
            Note::SectorCapLoosened { cap, sectors, used } => {
                let (cap, used) = (cap * 100.0, used * 100.0);
                bi!(
                    lang,
                    "sector cap {cap:.1}% is infeasible for {sectors} sectors; {used:.1}% used",
                    "板块上限 {cap:.1}% 对 {sectors} 个板块不可行；改用 {used:.1}%"
                )
            }
            Note::NoMarketCaps { group } => match group {
                CapGroup::HaloBasket | CapGroup::AntiBasket => {
                    let b = group.basket(lang);
                    bi!(
                        lang,
                        "no name of the {b} has a market cap: every name counts at the same cap",
                        "{b}中没有任何证券有市值：各证券按相同市值计"
                    )
                }
                CapGroup::Benchmark => bi!(
                    lang,
                    "no scored security has a market cap: the benchmark is equal-weighted",
                    "已计分证券都没有市值：基准改为等权"
                ),
                CapGroup::Sectors => bi!(
                    lang,
                    "no security has a market cap at the window's start: sectors and benchmark are equal-weighted",
                    "区间起点没有任何证券有市值：板块与基准改为等权"
                ),
            },
            Note::SomeCapsMissing { group, missing, of } => match group {
                CapGroup::HaloBasket | CapGroup::AntiBasket => {
                    let b = group.basket(lang);
                    bi!(
                        lang,
                        "{missing} of the {of} names of the {b} have no market cap: each is weighted at the basket's median cap",
                        "{b}的 {of} 只证券中 {missing} 只没有市值：按该篮子市值中位数加权"
                    )
                }
                CapGroup::Benchmark => bi!(
                    lang,
                    "{missing} of {of} scored securities have no market cap: left out of the cap-weighted benchmark",
                    "{of} 只已计分证券中 {missing} 只没有市值：未计入市值加权基准"
                ),
                CapGroup::Sectors => bi!(
                    lang,
                    "{missing} of {of} securities have no market cap at the window's start: left out of the cap-weighted sectors and benchmark",
                    "{of} 只证券中 {missing} 只在区间起点没有市值：未计入市值加权的板块与基准"
                ),
            },
            Note::FactorsMissing { missing, used } => {
                let used: Vec<String> = used
                    .iter()
                    .map(|f| super::error::factor_name(f, lang))
                    .collect();
                let (missing, used) = (join(lang, missing), join(lang, &used));
                bi!(
                    lang,
                    "not in the data: {missing}; the regression uses {used}",
                    "数据中没有：{missing}；回归使用 {used}"
                )
            }
            Note::NoSuchColumn { column, columns } if columns.is_empty() => bi!(
                lang,
                "custom metric {column:?}: the fundamentals have no such column, and no numeric column of their own; left out",
                "自定义指标 {column:?}：基本面数据中没有此列，也没有其他可用的数值列；已略去"
            ),
            Note::NoSuchColumn { column, columns } => {
                let list = join(lang, columns);
                bi!(
                    lang,
                    "custom metric {column:?}: the fundamentals have no such column (they have {list}); left out",
                    "自定义指标 {column:?}：基本面数据中没有此列（可用的有：{list}）；已略去"
                )
            }
            Note::AttributesUnmatched {
                file,
                level,
                keys,
                securities,
                of,
            } => {
                let level = level.localize(lang);
                let shown: Vec<String> = keys.iter().take(5).cloned().collect();
                let more = keys.len().saturating_sub(shown.len());
                let mut list = join(lang, &shown);
                if more > 0 {
                    list += &bi!(lang, " and {more} more", " 等另外 {more} 个");
                }
                bi!(
                    lang,
                    "{file}: {securities} of {of} securities have no row (by {level}: {list}); its columns are missing for them",
                    "{file}：{of} 只证券中有 {securities} 只没有对应行（按{level}：{list}）；它们缺少该表的列"
                )
            }
            Note::AttributesNotInEffect { file, reports, of } => bi!(
                lang,
                "{file}: {reports} of the {of} reports of the securities it lists fall outside every row's effective dates: they keep their own sector and industry and have none of its columns",
                "{file}：其所列证券的 {of} 期报告中有 {reports} 期不在任何行的有效期内：沿用自身的行业，且没有该表的列"
            ),
            Note::KnownDates {
                disclosed,
                statutory,
                lag,
            } => {
                let mut parts = Vec::new();
                if *disclosed > 0 {
                    parts.push(bi!(
                        lang,
                        "{disclosed} from their disclosure date",
                        "{disclosed} 份按公告日期"
                    ));
                }
                if *statutory > 0 {
                    parts.push(bi!(
                        lang,
                        "{statutory} from the A-share statutory deadline (annual and Q1 by 30 April, half-year by 31 August, Q3 by 31 October)",
                        "{statutory} 份按 A 股法定披露截止日（年报和一季报 4 月 30 日、半年报 8 月 31 日、三季报 10 月 31 日）"
                    ));
                }
                if *lag > 0 {
                    parts.push(bi!(
                        lang,
                        "{lag} after the report lag",
                        "{lag} 份按报告滞后"
                    ));
                }
                let parts = parts.join(bi!(lang, "; ", "；").as_str());
                bi!(lang, "reports known: {parts}", "报告可知日期：{parts}")
            }
            Note::Financials {
                rule,
                auto,
                count,
                sectors,
            } => {
                let why = financials_why(*auto, lang);
                let sectors = join(lang, sectors);
                let (financials, are) = match count {
                    1 => ("financial", "is"),
                    _ => ("financials", "are"),
                };
                match rule {
                    _ if *count == 0 => bi!(
                        lang,
                        "no sector or industry of the data is a financial one (banks, brokers, insurers): the financials setting changes nothing",
                        "数据中没有金融类板块或行业（银行、券商、保险）：金融类设置不起作用"
                    ),
                    crate::engine::settings::Financials::Apart => bi!(
                        lang,
                        "{count} {financials} ({sectors}) {are} scored within their own group: each metric standardised among them apart from the others ({why})",
                        "{count} 家金融类公司（{sectors}）在其自身组内评分：各指标在组内单独标准化（{why}）"
                    ),
                    _ => bi!(
                        lang,
                        "{count} {financials} ({sectors}) {are} left out of the score and the baskets: their asset and cash-flow ratios do not measure what HALO measures ({why})",
                        "{count} 家金融类公司（{sectors}）不参与评分和组合：其资产与现金流比率衡量的并非 HALO 所衡量的（{why}）"
                    ),
                }
            }
            Note::Shenwan {
                classification,
                renamed,
                unsplit,
                level2,
            } => {
                use super::shenwan::Classification as C;
                let mut text = match classification {
                    C::Sw2014 => bi!(
                        lang,
                        "sectors are 申万 2014 level-1 industries (28)",
                        "行业为申万 2014 版一级行业（28 个）"
                    ),
                    C::Sw2021 => bi!(
                        lang,
                        "sectors are 申万 2021 level-1 industries (31)",
                        "行业为申万 2021 版一级行业（31 个）"
                    ),
                    C::Mixed => bi!(
                        lang,
                        "sectors mix 申万 2014 and 2021 level-1 names",
                        "行业混有申万 2014 版与 2021 版一级行业名称"
                    ),
                    C::Either => bi!(
                        lang,
                        "sectors are 申万 level-1 names that the 2014 and 2021 classifications share",
                        "行业为申万 2014 版与 2021 版共有的一级行业名称"
                    ),
                };
                if !renamed.is_empty() {
                    let list: Vec<String> = renamed
                        .iter()
                        .map(|(f, t, n)| format!("{f} → {t} ({n})"))
                        .collect();
                    let list = join(lang, &list);
                    text += &bi!(
                        lang,
                        "; 2014 names renamed to 2021 (securities): {list}",
                        "；2014 版名称已改为 2021 版（公司数）：{list}"
                    );
                }
                if !unsplit.is_empty() {
                    let list: Vec<String> =
                        unsplit.iter().map(|(f, n)| format!("{f} ({n})")).collect();
                    let list = join(lang, &list);
                    text += &if *level2 {
                        bi!(
                            lang,
                            "; kept as in 2014, their level-2 industry not placing them in one 2021 industry: {list}",
                            "；以下公司的二级行业无法对应到单一 2021 版行业，保留 2014 版名称：{list}"
                        )
                    } else {
                        bi!(
                            lang,
                            "; kept as in 2014, since splitting them (采掘 into 煤炭 and 石油石化) needs a level-2 industry column: {list}",
                            "；拆分这些公司（采掘分为煤炭与石油石化）需要二级行业列，保留 2014 版名称：{list}"
                        )
                    };
                }
                text
            }
            Note::CustomReplaces {
                column,
                metric,
                fallback,
            } => {
                let metric = crate::engine::metrics::metric_name(metric, lang);
                if *fallback {
                    bi!(
                        lang,
                        "custom metric \"{column}\" reads the ready-made ratio {metric} falls back on: {metric} uses its formula alone",
                        "自定义指标“{column}”读取的是 {metric} 的备用比率列：{metric} 只按其公式计算"
                    )
                } else {
                    bi!(
                        lang,
                        "custom metric \"{column}\" reads the column of the ratio-level metric {metric}: it takes that metric's place, with your pillar and direction",
                        "自定义指标“{column}”读取的是比率指标 {metric} 的列：以您设定的支柱与方向取代该指标"
                    )
                }
            }
            Note::CapsFromShares { rows, of } => bi!(
                lang,
                "market caps of {rows} of the {of} reports without one derived as shares outstanding x the close on the report date (an adjusted close understates earlier caps)",
                "{of} 份缺少市值的报告中有 {rows} 份的市值由总股本 x 报告日收盘价推算（复权价会低估较早的市值）"
            ),
            Note::CapsNotDerived {
                rows,
                ratio: Some(r),
            } => bi!(
                lang,
                "market caps of {rows} reports not derived from shares x close: the reported caps are {r:.3e} times shares x close (other units?); map a cap column in the units of the prices",
                "{rows} 份报告的市值未由股本 x 收盘价推算：报告的市值是股本 x 收盘价的 {r:.3e} 倍（单位不同？）；请映射与价格单位一致的市值列"
            ),
            Note::CapsNotDerived { rows, ratio: None } => bi!(
                lang,
                "market caps of {rows} reports not derived from shares x close: no report has both a cap and shares to check their units against",
                "{rows} 份报告的市值未由股本 x 收盘价推算：没有同时含市值与股本的报告可用来核对单位"
            ),
            Note::FewMetrics { metrics } => {
                let n = metrics.len();
                let list: Vec<String> = metrics
                    .iter()
                    .map(|m| super::metrics::metric_name(m, lang))
                    .collect();
                let list = join(lang, &list);
                bi!(
                    lang,
                    "the score rests on {n} metric(s) only ({list}): the other metrics have no values in this data",
                    "得分仅基于 {n} 个指标（{list}）：其余指标在此数据中没有数值"
                )
            }
            Note::OnePillar { pillar } => {
                let p = match lang {
                    Lang::En => pillar.label_en(),
                    Lang::Zh => pillar.label_zh(),
                };
                bi!(
                    lang,
                    "every metric with values is in the {p} pillar: the score is that pillar alone",
                    "有数值的指标都属于「{p}」支柱：得分即该支柱"
                )
            }
        }
    }
}

impl CapGroup {
    /// The basket's name, for the notes on its caps.
    fn basket(self, lang: Lang) -> String {
        match self {
            CapGroup::AntiBasket => SeriesId::AntiBasket.localize(lang),
            _ => SeriesId::HaloBasket.localize(lang),
        }
    }
}

/// Why a rebalance date of the backtest was left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// Too many tied scores for distinct quantile edges (alphalens drops such a date too).
    TiedScores { names: usize, quantiles: usize },
}

impl Localize for SkipReason {
    fn localize(&self, lang: Lang) -> String {
        match self {
            SkipReason::TiedScores { names, quantiles } => bi!(
                lang,
                "{names} names with tied scores cannot fill {quantiles} distinct quantiles",
                "{names} 只得分相同的证券无法分成 {quantiles} 个不同的分位组"
            ),
        }
    }
}

/// The identity of a series or portfolio the engine computes. Charts colour and label by
/// it, never by its English name or its position.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "series", content = "value", rename_all = "snake_case")]
pub enum SeriesId {
    HaloBasket,
    AntiBasket,
    Benchmark,
    /// The HALO basket minus the anti-HALO basket.
    LongShort,
    /// The HALO basket blended with the growth basket.
    Blend,
    /// Quantile k of q (1 = lowest score).
    Quantile(u8),
    /// The top quantile minus the bottom one.
    Spread {
        top: u8,
    },
    /// A sector, or any group the data names.
    Sector(String),
    /// The growth of one series relative to another's (a style comparison).
    Relative {
        of: Box<SeriesId>,
        to: Box<SeriesId>,
    },
}

impl Localize for SeriesId {
    fn localize(&self, lang: Lang) -> String {
        match self {
            SeriesId::HaloBasket => bi!(lang, "HALO basket", "HALO 篮子"),
            SeriesId::AntiBasket => bi!(lang, "anti-HALO basket", "反 HALO 篮子"),
            SeriesId::Benchmark => bi!(lang, "Benchmark", "基准"),
            SeriesId::LongShort => bi!(lang, "long-short", "多空"),
            SeriesId::Blend => bi!(lang, "blend", "混合"),
            SeriesId::Quantile(k) => format!("Q{k}"),
            SeriesId::Spread { top } => format!("Q{top}-Q1"),
            SeriesId::Sector(name) => name.clone(),
            SeriesId::Relative { of, to } => {
                let (of, to) = (of.localize(lang), to.localize(lang));
                bi!(lang, "{of} vs {to}", "{of} 相对 {to}")
            }
        }
    }
}

/// How a group's members are weighted in a buy-and-hold series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighted {
    /// By market cap at the start.
    Cap,
    Equal,
    /// By the basket's own weights.
    Basket,
}

impl Weighted {
    /// The machine name written in output files.
    pub fn id(self) -> &'static str {
        match self {
            Weighted::Cap => "cap",
            Weighted::Equal => "equal",
            Weighted::Basket => "basket",
        }
    }
}

impl Localize for Weighted {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Weighted::Cap => bi!(lang, "cap-weighted", "市值加权"),
            Weighted::Equal => bi!(lang, "equal-weighted", "等权"),
            Weighted::Basket => bi!(lang, "basket weights", "篮子权重"),
        }
    }
}

crate::english_display!(Exclusion, Note, SkipReason, SeriesId, Weighted);

/// Why the financials rule applies: the A-share default, or the user's setting.
fn financials_why(auto: bool, lang: Lang) -> String {
    if auto {
        bi!(
            lang,
            "the default for A-share data; Scoring options: Financials",
            "A 股数据的默认设置；见 评分选项：金融类"
        )
    } else {
        bi!(
            lang,
            "your setting, Scoring options: Financials",
            "您的设置，见 评分选项：金融类"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_names_what_is_missing_in_both_languages() {
        let e = Exclusion::Coverage {
            share: 0.5,
            min: 0.6,
            missing: vec!["ppe_net".into(), "total_assets".into()],
        };
        assert_eq!(
            e.localize(Lang::En),
            "coverage 50% of weighted metrics, below 60%: no ppe_net, no total_assets"
        );
        assert_eq!(
            e.localize(Lang::Zh),
            "加权指标覆盖率 50%，低于 60%：缺少 固定资产、总资产"
        );
    }
}
