//! Canonical fields, the aliases that users' exports give them, and the column mapping.
//!
//! A header is matched after normalisation (case, full-width forms, spaces and
//! punctuation folded; a trailing unit such as "(USD)" or "（元）" ignored), so
//! "Total Assets", "TOTAL_ASSETS", "BS_TOT_ASSET", "FF_ASSETS" and "总资产(元)" all map to
//! `total_assets`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::bi;
use crate::i18n::{Lang, Localize};
use std::fmt;

/// The tidy tables of `docs/methodology.md` §1.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    #[default]
    Fundamentals,
    Prices,
    Factors,
    /// One row per ticker, industry or sector (no date): columns joined onto the
    /// fundamentals (or the prices' securities) by that key.
    Attributes,
}

impl TableKind {
    pub const ALL: [TableKind; 4] = [
        Self::Fundamentals,
        Self::Prices,
        Self::Factors,
        Self::Attributes,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Fundamentals => "fundamentals",
            Self::Prices => "prices",
            Self::Factors => "factors",
            Self::Attributes => "attributes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == s)
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What an attributes row is keyed by, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeLevel {
    Ticker,
    Industry,
    Sector,
}

impl AttributeLevel {
    pub const ALL: [AttributeLevel; 3] = [Self::Ticker, Self::Industry, Self::Sector];

    /// The canonical column holding the key.
    pub fn column(self) -> &'static str {
        match self {
            Self::Ticker => "ticker",
            Self::Industry => "industry",
            Self::Sector => "sector",
        }
    }
}

impl Localize for AttributeLevel {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Ticker => bi!(lang, "ticker", "代码"),
            Self::Industry => bi!(lang, "industry", "细分行业"),
            Self::Sector => bi!(lang, "sector", "行业"),
        }
    }
}

/// How a canonical field's cells are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Date,
    Number,
}

/// A value rule checked on load; a cell breaking it is set missing and reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueRule {
    Any,
    /// Zero allowed (a firm may own no plant), negative is an export error.
    NonNegative,
    /// Prices and share counts.
    Positive,
    /// `ai_exposure` is a 0..1 score.
    UnitInterval,
    /// `regulated` is a 0/1 flag.
    Flag,
    /// A price: above zero, and below 1e12 (a larger one is an export error that would
    /// turn every return built on it into nonsense).
    Price,
    /// A period's return: a loss of at most 100% (-1), a gain of at most 1000% (10).
    Return,
    /// A ratio exports give as a fraction or in percent: read as a fraction (see
    /// [`percent_cue`]).
    Share,
}

/// How a [`ValueRule::Share`] column shows it is in percent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PercentCue {
    /// The header says so ("资产负债率(%)").
    Header,
    /// The 90th percentile of the non-zero absolute values is above what the ratio
    /// reaches as a fraction (`limit`).
    HighValues { p90: f64, limit: f64 },
}

/// Whether a share column is in percent: its header has a '%', or the 90th percentile of
/// its non-zero absolute values is above the field's limit as a fraction (1.5 for shares
/// of assets, margins and leverage; 3 for cash flow over revenue, which brokers push past
/// 1; 0.6 for R&D and 0.3 for dividend yields). A high quantile of the non-zero values,
/// not the median: a universe of low-R&D utilities, or of non-payers, is read right.
pub fn percent_cue(id: &str, header: &str, values: &[f64]) -> Option<PercentCue> {
    if header.contains('%') || header.contains('％') {
        return Some(PercentCue::Header);
    }
    let mut abs: Vec<f64> = values
        .iter()
        .filter(|v| v.is_finite() && **v != 0.0)
        .map(|v| v.abs())
        .collect();
    if abs.is_empty() {
        return None;
    }
    let k = (abs.len() - 1) * 9 / 10;
    let (_, p90, _) = abs.select_nth_unstable_by(k, f64::total_cmp);
    let p90 = *p90;
    let limit = match id {
        "rnd_to_revenue" => 0.6,
        "dividend_yield_reported" => 0.3,
        "cfo_to_revenue" => 3.0,
        _ => 1.5,
    };
    (p90 > limit).then_some(PercentCue::HighValues { p90, limit })
}

/// One canonical column.
pub struct FieldDef {
    pub id: &'static str,
    pub label_en: &'static str,
    pub label_zh: &'static str,
    pub ty: FieldType,
    pub rule: ValueRule,
    /// Aliases in priority order: when two headers match one field, the earlier alias wins
    /// (so `adjusted_close` beats a raw `close`).
    pub aliases: &'static [&'static str],
}

macro_rules! field {
    ($id:literal, $en:literal, $zh:literal, $ty:ident, $rule:ident, [$($a:literal),* $(,)?]) => {
        FieldDef { id: $id, label_en: $en, label_zh: $zh, ty: FieldType::$ty, rule: ValueRule::$rule, aliases: &[$($a),*] }
    };
}

/// Every canonical field, identifiers first. Bloomberg mnemonics (BS_TOT_ASSET, PX_LAST),
/// FactSet codes (FF_ASSETS), and Wind / Choice Chinese headers are listed as aliases.
pub static FIELDS: &[FieldDef] = &[
    field!(
        "ticker",
        "Ticker",
        "证券代码",
        Text,
        Any,
        [
            "ticker",
            "ticker symbol",
            "symbol",
            "security code",
            "stock code",
            "code",
            "security id",
            "bbg ticker",
            "bloomberg ticker",
            "bloomberg code",
            "fsym id",
            "ric",
            "wind code",
            "ts code",
            "con code",
            "证券代码",
            "股票代码",
            "代码",
            "Wind代码",
            "证券代码(Wind)",
            "交易代码",
        ]
    ),
    field!(
        "date",
        "Date",
        "日期",
        Date,
        Any,
        [
            "date",
            "dates",
            "as of date",
            "asof",
            "period ending",
            "period end",
            "period end date",
            "fiscal year end",
            "fiscal year end date",
            "fy end",
            "fy end date",
            "period date",
            "fiscal period end",
            "report date",
            "end date",
            "stat date",
            "timestamp",
            "trade date",
            "trading date",
            "month",
            "datadate",
            "date time",
            "日期",
            "交易日期",
            "截止日期",
            "报告期",
            "报告日期",
            "时间",
            "月份",
        ]
    ),
    field!(
        "disclosure_date",
        "Disclosure date",
        "公告日期",
        Date,
        Any,
        [
            "disclosure date",
            "announcement date",
            "ann date",
            "f_ann_date",
            "pubdate",
            "publish date",
            "publication date",
            "filing date",
            "release date",
            "公告日期",
            "首次公告日期",
            "披露日期",
            "实际披露日期",
            "公告日",
            "发布日期",
        ]
    ),
    // An attributes row's period of effect (an industry membership history: Tushare's
    // in_date / out_date, Wind's 纳入日期 / 剔除日期): each report takes the row in effect
    // at its period date.
    field!(
        "effective_from",
        "Effective from",
        "生效日期",
        Date,
        Any,
        [
            "effective from",
            "effective date",
            "in date",
            "inclusion date",
            "valid from",
            "生效日期",
            "纳入日期",
            "调入日期",
            "入选日期",
        ]
    ),
    field!(
        "effective_to",
        "Effective to",
        "失效日期",
        Date,
        Any,
        [
            "effective to",
            "out date",
            "exit date",
            "removal date",
            "exclusion date",
            "valid to",
            "valid until",
            "失效日期",
            "剔除日期",
            "调出日期",
        ]
    ),
    field!(
        "name",
        "Name",
        "证券简称",
        Text,
        Any,
        [
            "name",
            "security",
            "security name",
            "company",
            "company name",
            "short name",
            "code name",
            "long comp name",
            "issuer",
            "证券简称",
            "股票简称",
            "证券名称",
            "名称",
            "公司名称",
            "简称",
        ]
    ),
    field!(
        "sector",
        "Sector",
        "所属行业",
        Text,
        Any,
        [
            "sector",
            "gics sector",
            "gics sector name",
            "industry sector",
            "economic sector",
            "factset sector",
            "rbics sector",
            "sector name",
            "所属行业",
            "行业",
            "申万一级行业",
            "所属申万一级行业",
            "申万行业",
            "所属申万行业",
            "所属申万行业名称",
            "申万一级",
            "申万一级行业名称",
            "sw l1",
            "sw l1 name",
            "l1 name",
            "中信一级行业",
            "所属中信一级行业",
            "所属证监会行业",
            "GICS一级行业",
            "一级行业",
        ]
    ),
    field!(
        "industry",
        "Industry",
        "细分行业",
        Text,
        Any,
        [
            "industry",
            "sub industry",
            "gics sub industry",
            "gics subindustry",
            "gics industry",
            "industry group",
            "gics industry group",
            "factset industry",
            "sub industry name",
            "细分行业",
            "二级行业",
            "申万二级行业",
            "所属申万二级行业",
            "申万二级",
            "申万二级行业名称",
            "sw l2",
            "sw l2 name",
            "l2 name",
            "中信二级行业",
            "GICS子行业",
        ]
    ),
    field!(
        "market",
        "Market",
        "市场",
        Text,
        Any,
        [
            "market",
            "country",
            "exchange",
            "cntry of domicile",
            "country of domicile",
            "exch code",
            "listing market",
            "市场",
            "交易所",
            "上市板块",
            "国家",
            "上市地点",
        ]
    ),
    field!(
        "market_cap",
        "Market cap",
        "总市值",
        Number,
        Positive,
        [
            "market cap",
            "market capitalization",
            "market capitalisation",
            "mkt cap",
            "mktcap",
            "cur mkt cap",
            "market value",
            "ff mkt val",
            "mkt val",
            "total market value",
            "总市值",
            "市值",
            "总市值1",
            "总市值2",
        ]
    ),
    field!(
        "total_assets",
        "Total assets",
        "总资产",
        Number,
        NonNegative,
        [
            "total assets",
            "assets",
            "bs tot asset",
            "ff assets",
            "total asset",
            "总资产",
            "资产总计",
            "资产总额",
        ]
    ),
    field!(
        "ppe_net",
        "Net PP&E",
        "固定资产",
        Number,
        NonNegative,
        [
            "ppe net",
            "net ppe",
            "net pp&e",
            "pp&e net",
            "pp&e",
            "property plant & equipment net",
            "fixed assets",
            "net fixed assets",
            "property plant and equipment net",
            "property plant equipment net",
            "bs net fix asset",
            "ff ppe net",
            "固定资产",
            "固定资产净额",
            "固定资产净值",
            "固定资产合计",
        ]
    ),
    field!(
        "ppe_gross",
        "Gross PP&E",
        "固定资产原值",
        Number,
        NonNegative,
        [
            "ppe gross",
            "gross ppe",
            "gross pp&e",
            "pp&e gross",
            "gross fixed assets",
            "property plant and equipment gross",
            "bs gross fix asset",
            "ff ppe gross",
            "ff ppe gr",
            "固定资产原值",
            "固定资产原价",
        ]
    ),
    field!(
        "capex",
        "Capital expenditure",
        "资本支出",
        Number,
        Any,
        [
            "capex",
            "capital expenditures",
            "capital expenditure",
            "capital expend",
            "cf cap expend prpty add",
            "ff capex",
            "purchase of fixed assets",
            "资本支出",
            "资本性支出",
            "资本开支",
            "购建固定资产无形资产和其他长期资产支付的现金",
            "购建固定资产、无形资产和其他长期资产支付的现金",
        ]
    ),
    field!(
        "depreciation",
        "Depreciation",
        "折旧",
        Number,
        NonNegative,
        [
            "depreciation",
            "depreciation and amortization",
            "depreciation amortization",
            "d&a",
            "cf depr amort",
            "ff dep exp cf",
            "ff dep amort exp",
            "折旧",
            "折旧与摊销",
            "折旧摊销",
            "固定资产折旧",
            "固定资产折旧、油气资产折耗、生产性生物资产折旧",
        ]
    ),
    field!(
        "revenue",
        "Revenue",
        "营业收入",
        Number,
        Any,
        [
            "revenue",
            "total revenue",
            "revenues",
            "sales",
            "net sales",
            "sales rev turn",
            "ff sales",
            "total revenues",
            "营业收入",
            "营业总收入",
            "营收",
        ]
    ),
    field!(
        "rnd",
        "R&D expense",
        "研发费用",
        Number,
        NonNegative,
        [
            "rnd",
            "r&d",
            "research and development",
            "research development",
            "is rd expend",
            "ff rd exp",
            "研发费用",
            "研发支出",
            "研发投入",
        ]
    ),
    field!(
        "intangibles",
        "Intangible assets",
        "无形资产",
        Number,
        NonNegative,
        [
            "intangibles",
            "intangible assets",
            "bs disclosed intangibles",
            "ff intang oth",
            "other intangible assets",
            "无形资产",
        ]
    ),
    field!(
        "goodwill",
        "Goodwill",
        "商誉",
        Number,
        NonNegative,
        ["goodwill", "bs goodwill", "ff gw", "商誉",]
    ),
    field!(
        "operating_cash_flow",
        "Operating cash flow",
        "经营活动现金流量净额",
        Number,
        Any,
        [
            "operating cash flow",
            "cfo",
            "net cash flow operating",
            "cash from operations",
            "cash flow from operations",
            "cf cash from oper",
            "ff oper cf",
            "net cash provided by operating activities",
            "经营活动产生的现金流量净额",
            "经营活动现金流量净额",
            "经营现金流",
            "经营性现金流",
        ]
    ),
    field!(
        "dividends",
        "Dividends paid",
        "现金分红",
        Number,
        NonNegative,
        [
            "dividends",
            "dividends paid",
            "cash dividends paid",
            "cf dvd paid",
            "ff div com cf",
            "total dividends",
            "现金分红",
            "分红总额",
            "现金分红总额",
            "股利",
        ]
    ),
    field!(
        "net_income",
        "Net income",
        "净利润",
        Number,
        Any,
        [
            "net income",
            "net income loss",
            "ff net inc",
            "is net inc",
            "net profit",
            "净利润",
            "归属母公司股东的净利润",
            "归母净利润",
        ]
    ),
    field!(
        "ebitda",
        "EBITDA",
        "息税折旧摊销前利润",
        Number,
        Any,
        [
            "ebitda",
            "ff ebitda oper",
            "ff ebitda",
            "息税折旧摊销前利润",
            "EBITDA",
        ]
    ),
    field!(
        "total_debt",
        "Total debt",
        "有息负债",
        Number,
        NonNegative,
        [
            "total debt",
            "short and long term debt",
            "ff debt",
            "bs tot debt",
            "debt",
            "有息负债",
            "总债务",
            "带息债务",
        ]
    ),
    field!(
        "cash",
        "Cash",
        "货币资金",
        Number,
        NonNegative,
        [
            "cash",
            "cash and cash equivalents",
            "cash and equivalents",
            "bs cash near cash item",
            "ff cash st",
            "货币资金",
            "现金及现金等价物",
            "现金及现金等价物余额",
        ]
    ),
    field!(
        "shares_outstanding",
        "Shares outstanding",
        "总股本",
        Number,
        Positive,
        [
            "shares outstanding",
            "eqy sh out",
            "ff sh so",
            "common shares outstanding",
            "estimated shares outstanding",
            "shares",
            "总股本",
            "股本",
        ]
    ),
    field!(
        "ai_exposure",
        "AI exposure",
        "AI暴露度",
        Number,
        UnitInterval,
        [
            "ai exposure",
            "ai score",
            "ai substitution risk",
            "AI暴露度",
            "AI替代风险",
            "AI暴露",
        ]
    ),
    field!(
        "regulated",
        "Regulated",
        "受监管",
        Number,
        Flag,
        [
            "regulated",
            "is regulated",
            "regulated flag",
            "受监管",
            "是否受监管",
            "受管制",
            "管制",
        ]
    ),
    // Ratio-level fields: Wind, Choice, iFinD, Tushare and baostock exports give these
    // ready-made, as fractions or in percent (read as fractions, see `percent_cue`).
    field!(
        "fixed_assets_to_assets",
        "Fixed assets / total assets",
        "固定资产/总资产",
        Number,
        Share,
        [
            "fixed assets to total assets",
            "fixed assets to assets",
            "ppe to assets",
            "ppe to total assets",
            "fa to assets",
            "固定资产/总资产",
            "固定资产合计/总资产",
            "固定资产/资产总计",
            "固定资产占总资产比例",
            "固定资产比率",
            "固定资产比重",
        ]
    ),
    field!(
        "noncurrent_assets_to_assets",
        "Non-current assets / total assets",
        "非流动资产/总资产",
        Number,
        Share,
        [
            "noncurrent assets to total assets",
            "non current assets to total assets",
            "noncurrent assets to assets",
            "nca to assets",
            "非流动资产/总资产",
            "非流动资产/资产总计",
            "非流动资产占总资产比例",
            "非流动资产比率",
            "非流动资产占比",
        ]
    ),
    field!(
        "tangible_assets_to_assets",
        "Tangible assets / total assets",
        "有形资产/总资产",
        Number,
        Share,
        [
            "tangible assets to total assets",
            "tangible assets to assets",
            "tbassets to totalassets",
            "tangible asset ratio",
            "有形资产/总资产",
            "有形资产/资产总计",
            "有形资产占总资产比例",
            "有形资产占比",
        ]
    ),
    field!(
        "debt_to_assets",
        "Liabilities / total assets",
        "资产负债率",
        Number,
        Share,
        [
            "debt to assets",
            "liability to asset",
            "liabilities to assets",
            "total liabilities to total assets",
            "debt ratio",
            "资产负债率",
            "负债合计/资产总计",
            "总负债/总资产",
        ]
    ),
    field!(
        "cfo_to_revenue",
        "Operating cash flow / revenue",
        "经营活动现金流/营业收入",
        Number,
        Share,
        [
            "operating cash flow to revenue",
            "operating cash flow to sales",
            "ocf to or",
            "cfo to or",
            "ocf to sales",
            "ocftosales",
            "cfo to sales",
            "经营活动现金流/营业收入",
            "经营活动产生的现金流量净额/营业收入",
            "经营活动产生的现金流量净额/营业总收入",
            "经营活动现金流量净额/营业收入",
            "经营现金流/营业收入",
            "经营性现金流/营业收入",
            "销售现金比率",
        ]
    ),
    field!(
        "gross_margin",
        "Gross margin",
        "销售毛利率",
        Number,
        Share,
        [
            "gross margin",
            "gross profit margin",
            "grossprofit margin",
            "gp margin",
            "ff gross mgn",
            "销售毛利率",
            "毛利率",
        ]
    ),
    field!(
        "rnd_to_revenue",
        "R&D expense / revenue",
        "研发费用/营业收入",
        Number,
        Share,
        [
            "r&d to revenue",
            "r&d to sales",
            "rnd to revenue",
            "rd to revenue",
            "r&d intensity",
            "research and development to revenue",
            "研发费用/营业收入",
            "研发费用/营业总收入",
            "研发支出/营业收入",
            "研发投入占营业收入比例",
            "研发支出占营业收入比例",
            "研发投入占比",
            "研发费用率",
        ]
    ),
    field!(
        "dividend_yield_reported",
        "Dividend yield (as exported)",
        "股息率",
        Number,
        Share,
        [
            "dividend yield",
            "div yield",
            "dv ratio",
            "dv ttm",
            "eqy dvd yld 12m",
            "股息率",
            "股息率ttm",
            "股息率(近12个月)",
        ]
    ),
    field!(
        "close",
        "Close (adjusted)",
        "收盘价",
        Number,
        Price,
        [
            "adjusted close",
            "adj close",
            "adj_close",
            "total return index",
            "tot return index gross dvds",
            "px last",
            "close",
            "close price",
            "last price",
            "price",
            "ff price close",
            "后复权收盘价",
            "复权收盘价",
            "前复权收盘价",
            "收盘价",
            "收盘",
            "价格",
        ]
    ),
    field!(
        "return",
        "Return",
        "收益率",
        Number,
        Return,
        [
            "return",
            "ret",
            "total return",
            "monthly return",
            "daily return",
            "day to day tot return gross dvds",
            "收益率",
            "月收益率",
            "日收益率",
            "涨跌幅",
        ]
    ),
    field!(
        "volume",
        "Volume",
        "成交量",
        Number,
        NonNegative,
        [
            "volume",
            "vol",
            "px volume",
            "成交量",
            "成交量(股)",
            "成交量(手)"
        ]
    ),
    field!(
        "limit_status",
        "Limit status (1 up, -1 down)",
        "涨跌停状态",
        Number,
        Any,
        [
            "limit status",
            "up down limit status",
            "涨跌停状态",
            "涨跌停",
            "涨停跌停",
        ]
    ),
    field!(
        "st",
        "ST flag",
        "是否ST",
        Number,
        Flag,
        [
            "st",
            "is st",
            "st flag",
            "是否st",
            "st标志",
            "st状态",
            "特别处理"
        ]
    ),
];

/// Numeric fields that only a fundamentals table has (not close, return or volume); used to
/// guess a file's kind.
fn fundamental_only(id: &str) -> bool {
    field(id).is_some_and(|f| f.ty == FieldType::Number) && allowed(TableKind::Fundamentals, id)
}

/// Whether `header` is one of field `id`'s aliases (as headers are matched).
pub fn is_alias(id: &str, header: &str) -> bool {
    let keys = header_keys(header);
    field(id).is_some_and(|f| {
        f.aliases
            .iter()
            .any(|a| keys.contains(&normalize_header(a)))
    })
}

pub fn field(id: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.id == id)
}

/// A field in a sentence: its id in English (what the user maps and writes in settings),
/// its Chinese name in Chinese; a column that is no field keeps its own name.
pub fn field_name(id: &str, lang: Lang) -> String {
    match (field(id), lang) {
        (Some(f), Lang::Zh) => f.label_zh.to_string(),
        _ => id.to_string(),
    }
}

/// The columns a table of this kind cannot do without; `alternatives` lists one-of groups.
pub fn required(kind: TableKind) -> (&'static [&'static str], &'static [&'static [&'static str]]) {
    match kind {
        TableKind::Fundamentals => (&["ticker", "date", "sector"], &[]),
        TableKind::Prices => (&["ticker", "date"], &[&["close", "return"]]),
        TableKind::Factors => (&["date"], &[]),
        TableKind::Attributes => (&[], &[&["ticker", "industry", "sector"]]),
    }
}

/// Which canonical fields belong in a table of this kind. Factor tables keep every other
/// numeric column as a factor; the other kinds keep unknown numeric columns as custom metrics.
pub fn allowed(kind: TableKind, id: &str) -> bool {
    match kind {
        TableKind::Fundamentals => !matches!(
            id,
            "close"
                | "return"
                | "volume"
                | "limit_status"
                | "st"
                | "effective_from"
                | "effective_to"
        ),
        TableKind::Prices => matches!(
            id,
            "ticker"
                | "date"
                | "close"
                | "return"
                | "volume"
                | "name"
                | "sector"
                | "market_cap"
                | "limit_status"
                | "st"
        ),
        TableKind::Factors => id == "date",
        // Keys, names and numbers: no dates, nothing of a price series.
        TableKind::Attributes => !matches!(
            id,
            "date" | "disclosure_date" | "close" | "return" | "volume" | "limit_status" | "st"
        ),
    }
}

/// Fold a header for matching: NFKC-like full-width folding, lowercase, and only letters,
/// digits and CJK ideographs kept. A bracketed unit at the end is dropped by [`header_keys`].
pub fn normalize_header(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            // Full-width ASCII forms (Ｔｏｔａｌ，１２３) to their ASCII counterparts.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || *c == '&')
        .collect()
}

/// The keys a header is looked up under: the whole header, then the header without a
/// trailing bracketed part ("Total Assets (USD mn)", "收盘价(元)", "总资产[单位]元").
fn header_keys(header: &str) -> Vec<String> {
    let mut keys = vec![normalize_header(header)];
    let first_line = header.lines().next().unwrap_or(header);
    if let Some(pos) = first_line.find(['(', '（', '[', '【']) {
        let stem = normalize_header(&first_line[..pos]);
        if !stem.is_empty() && !keys.contains(&stem) {
            keys.push(stem);
        }
    }
    keys
}

/// Where one source column goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "to", content = "field")]
pub enum Target {
    /// A canonical field, by id.
    Field(String),
    /// Kept under its own (cleaned) name: a custom metric, or a factor.
    Custom(String),
    /// Not loaded.
    Ignore,
}

/// The user's edits to the automatic matching, saved in the project file: header -> target.
/// Only overrides are stored, so a file with new columns still matches automatically.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    #[serde(default)]
    pub overrides: BTreeMap<String, Target>,
}

/// How each header of one file was resolved, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResolvedColumn {
    pub header: String,
    pub target: Target,
    #[serde(serialize_with = "how_text")]
    pub how: Match,
}

fn how_text<S: serde::Serializer>(m: &Match, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&m.localize(Lang::En))
}

/// Why a column was read as it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// The user's mapping says so.
    Mapped,
    /// The header is one of the field's aliases.
    Alias {
        field: String,
    },
    /// The header also matches a field another column already gives.
    Shadowed {
        field: String,
        winner: String,
    },
    NotUsedInPrices,
    CustomMetric,
    Factor,
    RowIndex,
    TextNotUsed,
}

impl Localize for Match {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Match::Mapped => bi!(lang, "your mapping", "您的映射"),
            Match::Alias { field } => {
                let field = field_name(field, lang);
                bi!(lang, "alias of {field}", "{field} 的别名")
            }
            Match::Shadowed { field, winner } => {
                let field = field_name(field, lang);
                bi!(
                    lang,
                    "also matches {field} but '{winner}' is used",
                    "也匹配 {field}，但已使用 '{winner}'"
                )
            }
            Match::NotUsedInPrices => bi!(lang, "not used in a prices table", "价格表不使用此列"),
            Match::CustomMetric => bi!(
                lang,
                "numeric column kept as a custom metric",
                "数值列，保留为自定义指标"
            ),
            Match::Factor => bi!(
                lang,
                "numeric column kept as a factor",
                "数值列，保留为因子"
            ),
            Match::RowIndex => bi!(lang, "row index", "行索引"),
            Match::TextNotUsed => bi!(lang, "text column not used", "未使用的文本列"),
        }
    }
}

crate::english_display!(Match);

/// Clean a free header into a column name usable as a custom metric id.
pub fn custom_name(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        "column".to_string()
    } else {
        out
    }
}

/// Match each header to a field. `numeric[i]` says whether column i holds numbers, which
/// decides whether an unmatched column becomes a custom metric or is ignored.
pub fn resolve_columns(
    kind: TableKind,
    headers: &[String],
    numeric: &[bool],
    mapping: &ColumnMapping,
) -> Vec<ResolvedColumn> {
    // Best alias rank per (field, column): lower is better.
    let mut claims: Vec<(usize, usize, usize)> = Vec::new(); // (field idx, alias rank, column)
    let mut resolved: Vec<Option<ResolvedColumn>> = vec![None; headers.len()];

    for (col, header) in headers.iter().enumerate() {
        if let Some(target) = mapping.overrides.get(header) {
            resolved[col] = Some(ResolvedColumn {
                header: header.clone(),
                target: target.clone(),
                how: Match::Mapped,
            });
            continue;
        }
        let keys = header_keys(header);
        let found = FIELDS
            .iter()
            .enumerate()
            .filter(|(_, f)| allowed(kind, f.id))
            .find_map(|(fi, f)| {
                keys.iter().find_map(|k| {
                    f.aliases
                        .iter()
                        .position(|a| normalize_header(a) == *k)
                        .map(|rank| (fi, rank))
                })
            });
        if let Some((fi, rank)) = found {
            claims.push((fi, rank, col));
        }
    }

    // A field mapped by the user is not claimed again automatically.
    let user_fields: Vec<String> = resolved
        .iter()
        .flatten()
        .filter_map(|r| match &r.target {
            Target::Field(f) => Some(f.clone()),
            _ => None,
        })
        .collect();

    claims.sort();
    let mut taken: Vec<usize> = Vec::new();
    for &(fi, rank, col) in &claims {
        let f = &FIELDS[fi];
        let header = &headers[col];
        if taken.contains(&fi) || user_fields.iter().any(|u| u == f.id) {
            let winner = resolved
                .iter()
                .flatten()
                .find(|r| r.target == Target::Field(f.id.to_string()))
                .map(|r| r.header.clone())
                .unwrap_or_default();
            resolved[col] = Some(ResolvedColumn {
                header: header.clone(),
                target: Target::Ignore,
                how: Match::Shadowed {
                    field: f.id.to_string(),
                    winner,
                },
            });
            continue;
        }
        taken.push(fi);
        let _ = rank;
        resolved[col] = Some(ResolvedColumn {
            header: header.clone(),
            target: Target::Field(f.id.to_string()),
            how: Match::Alias {
                field: f.id.to_string(),
            },
        });
    }

    headers
        .iter()
        .enumerate()
        .map(|(col, header)| {
            resolved[col].take().unwrap_or_else(|| {
                let is_index = header.trim().is_empty()
                    || normalize_header(header) == "index"
                    || header.starts_with("column ");
                if kind == TableKind::Prices {
                    // A prices table is ticker, date, close or return, volume: open, high,
                    // low, raw close and the like are not read (map one to close if it is
                    // the adjusted price).
                    ResolvedColumn {
                        header: header.clone(),
                        target: Target::Ignore,
                        how: Match::NotUsedInPrices,
                    }
                } else if numeric.get(col).copied().unwrap_or(false) && !is_index {
                    ResolvedColumn {
                        header: header.clone(),
                        target: Target::Custom(custom_name(header)),
                        how: if kind == TableKind::Factors {
                            Match::Factor
                        } else {
                            Match::CustomMetric
                        },
                    }
                } else {
                    ResolvedColumn {
                        header: header.clone(),
                        target: Target::Ignore,
                        how: if is_index {
                            Match::RowIndex
                        } else {
                            Match::TextNotUsed
                        },
                    }
                }
            })
        })
        .collect()
}

/// Guess a file's kind from the fields its headers match.
/// Whether a header is a close or a return.
pub fn has_price(headers: &[String]) -> bool {
    headers
        .iter()
        .any(|h| is_alias("close", h) || is_alias("return", h))
}

pub fn guess_kind(headers: &[String]) -> TableKind {
    let matched: Vec<&str> = headers
        .iter()
        .filter_map(|h| {
            let keys = header_keys(h);
            FIELDS
                .iter()
                .find(|f| {
                    f.aliases
                        .iter()
                        .any(|a| keys.contains(&normalize_header(a)))
                })
                .map(|f| f.id)
        })
        .collect();
    let has = |id: &str| matched.contains(&id);
    // One security's daily bars (a Yahoo or broker download: Date, Open, High, Low, Close,
    // Adj Close, Volume) are prices without a ticker: the file's name gives it.
    let bars = headers.iter().any(|h| {
        let k = normalize_header(h);
        matches!(
            k.as_str(),
            "open" | "high" | "low" | "开盘价" | "最高价" | "最低价"
        )
    });
    if !has("ticker") && has("date") && has("close") && (bars || has("volume")) {
        TableKind::Prices
    } else if !has("ticker") && has("date") {
        TableKind::Factors
    } else if !has("date") && (has("ticker") || has("industry") || has("sector")) {
        // A lookup table: a value per ticker, industry or sector, without dates.
        TableKind::Attributes
    } else if has("sector")
        || matched.iter().any(|m| fundamental_only(m)) && !has("close") && !has("return")
    {
        TableKind::Fundamentals
    } else if has("close") || has("return") {
        TableKind::Prices
    } else {
        TableKind::Fundamentals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Yahoo-style export's headers: the fiscal year end is the period, before a report
    /// date; "Net PP&E" and "Net PPE" are net PP&E; the filing date is the disclosure date.
    #[test]
    fn yahoo_style_headers_find_their_fields() {
        let field = |headers: &[&str], header: &str| {
            let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
            let numeric: Vec<bool> = headers
                .iter()
                .map(|h| !h.contains("Date") && !h.contains("End"))
                .collect();
            let r = resolve_columns(
                TableKind::Fundamentals,
                &headers,
                &numeric,
                &ColumnMapping::default(),
            );
            r.into_iter().find(|c| c.header == header).map(|c| c.target)
        };
        let f = |id: &str| Some(Target::Field(id.to_string()));
        let a = [
            "Ticker",
            "Fiscal Year End",
            "Report Date",
            "Total Assets",
            "Net PP&E",
        ];
        assert_eq!(field(&a, "Fiscal Year End"), f("date"));
        assert_eq!(field(&a, "Net PP&E"), f("ppe_net"));
        let b = [
            "Ticker",
            "Fiscal Year End",
            "Filing Date",
            "Net PPE",
            "Gross PP&E",
        ];
        assert_eq!(field(&b, "Fiscal Year End"), f("date"));
        assert_eq!(field(&b, "Filing Date"), f("disclosure_date"));
        assert_eq!(field(&b, "Net PPE"), f("ppe_net"));
        assert_eq!(field(&b, "Gross PP&E"), f("ppe_gross"));
    }

    /// Percent by a high quantile of the non-zero values: a utilities universe's R&D in
    /// percent (most below 0.5%, many zero) is percent; the same as fractions is not.
    #[test]
    fn percent_columns_are_told_by_their_high_values() {
        let pct = [
            0.0, 0.0, 0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.8, 1.2, 2.0, 3.5,
        ];
        assert!(matches!(
            percent_cue("rnd_to_revenue", "rd_exp_ratio", &pct),
            Some(PercentCue::HighValues { .. })
        ));
        let frac: Vec<f64> = pct.iter().map(|x| x / 100.0).collect();
        assert_eq!(percent_cue("rnd_to_revenue", "rd_exp_ratio", &frac), None);
        assert_eq!(
            percent_cue("debt_to_assets", "资产负债率(%)", &frac),
            Some(PercentCue::Header)
        );
        assert_eq!(percent_cue("debt_to_assets", "x", &[f64::NAN, 0.0]), None);
        // A broker's cash flow of 30x its revenue among fractions is not percent.
        let cfo = [0.1, 0.2, 0.15, 0.3, -0.05, 0.25, 0.12, 0.08, 0.4, 30.0];
        assert_eq!(percent_cue("cfo_to_revenue", "ocf_to_or", &cfo), None);
    }
}
