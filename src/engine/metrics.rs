//! The HALO metric registry (`docs/methodology.md` §2): each metric's pillar, formula,
//! direction and the source reports' reasoning, which the GUI shows as its tooltip.

use serde::{Deserialize, Serialize};

/// The four pillars a HALO score measures (`docs/methodology.md` §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pillar {
    HeavyAssets,
    LowObsolescence,
    SupplyConstraint,
    CashFlowStability,
}

impl Pillar {
    pub const ALL: [Pillar; 4] = [
        Self::HeavyAssets,
        Self::LowObsolescence,
        Self::SupplyConstraint,
        Self::CashFlowStability,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn id(self) -> &'static str {
        match self {
            Self::HeavyAssets => "heavy_assets",
            Self::LowObsolescence => "low_obsolescence",
            Self::SupplyConstraint => "supply_constraint",
            Self::CashFlowStability => "cash_flow_stability",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::HeavyAssets => "Heavy assets",
            Self::LowObsolescence => "Low obsolescence",
            Self::SupplyConstraint => "Supply constraint",
            Self::CashFlowStability => "Cash-flow stability",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::HeavyAssets => "重资产",
            Self::LowObsolescence => "低淘汰",
            Self::SupplyConstraint => "供给约束",
            Self::CashFlowStability => "现金流稳定",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == s)
    }
}

/// How a metric's raw value is computed from one security's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Formula {
    /// numerator / denominator, missing unless the denominator is positive.
    Ratio(&'static str, &'static str),
    /// |capex| / revenue.
    AbsRatio(&'static str, &'static str),
    /// (a + b) / denominator.
    SumRatio(&'static str, &'static str, &'static str),
    /// ppe_gross / (market_cap + total_debt - cash).
    ReplacementValue,
    /// A field as it is.
    Field(&'static str),
    /// Herfindahl index of revenue shares within the security's industry, same cross-section.
    IndustryConcentration,
    /// Minus the standard deviation of operating_cash_flow / total_assets over the last
    /// 3-5 reports known at the as-of date.
    CfoStability,
}

impl Formula {
    /// The canonical fields the formula reads (for "no total_assets" style reasons).
    pub fn inputs(self) -> Vec<&'static str> {
        match self {
            Formula::Ratio(a, b) | Formula::AbsRatio(a, b) => vec![a, b],
            Formula::SumRatio(a, b, c) => vec![a, b, c],
            Formula::ReplacementValue => vec!["ppe_gross", "market_cap", "total_debt", "cash"],
            Formula::Field(f) => vec![f],
            Formula::IndustryConcentration => vec!["revenue"],
            Formula::CfoStability => vec!["operating_cash_flow", "total_assets"],
        }
    }
}

pub struct MetricDef {
    pub id: &'static str,
    pub label_en: &'static str,
    pub label_zh: &'static str,
    pub pillar: Pillar,
    pub formula: Formula,
    pub formula_text: &'static str,
    /// +1: higher is more HALO; -1: lower is more HALO.
    pub direction: f64,
    /// Why it matters for HALO, citing the source reports; the GUI's tooltip.
    pub explanation: &'static str,
    pub explanation_zh: &'static str,
    /// The canonical field of the same ratio as an export gives it ready-made (Wind's
    /// 固定资产/总资产): used for a security whose report lacks the formula's inputs.
    pub given: Option<&'static str>,
    /// A ratio-level metric reads a field exports give ready-made (formula `Field`): it is
    /// part of a run only when the data has that column, so data without it has no empty
    /// metric to report.
    pub ratio_level: bool,
}

/// The default metrics of `docs/methodology.md` §2, in pillar order: the formula metrics,
/// and in each pillar after them the ratio-level ones.
pub static METRICS: &[MetricDef] = &[
    MetricDef {
        id: "ppe_intensity",
        label_en: "PP&E intensity",
        label_zh: "固定资产占比",
        pillar: Pillar::HeavyAssets,
        formula: Formula::Ratio("ppe_net", "total_assets"),
        formula_text: "ppe_net / total_assets",
        direction: 1.0,
        explanation: "Share of the balance sheet in property, plant and equipment. HALO assets are \"high replacement cost\": their value rests on large physical plant, industrial networks or non-renewable resources that a newcomer cannot copy (Chen and Ma 2026, §2.1; SPDB International 2026-03-20 on infrastructure heavy assets). Energy and utilities run near 0.7, software near 0.1.",
        explanation_zh: "固定资产占总资产的比例。HALO 资产具有“高重置成本”：其价值依赖庞大的物理设施、工业网络或不可再生资源，新进入者难以复制（陈雳、马骏 2026，§2.1；浦银国际 2026-03-20 关于基础设施重资产）。能源和公用事业约为0.7，软件约为0.1。",
        given: Some("fixed_assets_to_assets"),
        ratio_level: false,
    },
    MetricDef {
        id: "capex_intensity",
        label_en: "Capex intensity",
        label_zh: "资本开支强度",
        pillar: Pillar::HeavyAssets,
        formula: Formula::AbsRatio("capex", "revenue"),
        formula_text: "|capex| / revenue",
        direction: 1.0,
        explanation: "Capital spending per unit of sales: how much physical capital the business must keep putting in. High capital input and long build cycles are what make HALO assets hard to replicate (Chen and Ma 2026, §2.1); SPDB International (2026-03-20) also notes that hyperscalers are turning capital-intensive through AI capex.",
        explanation_zh: "每单位营收的资本开支：企业需要持续投入多少实物资本。高资本投入和长建设周期使 HALO 资产难以复制（陈雳、马骏 2026，§2.1）；浦银国际 2026-03-20 也指出超大规模云厂商因 AI 资本开支正变得重资产化。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "replacement_value",
        label_en: "Replacement value / EV",
        label_zh: "重置价值/企业价值",
        pillar: Pillar::HeavyAssets,
        formula: Formula::ReplacementValue,
        formula_text: "ppe_gross / (market_cap + total_debt - cash)",
        direction: 1.0,
        explanation: "Gross plant at cost against enterprise value: how much it would take to rebuild the physical base relative to what the market pays for the whole firm. SPDB International (2026-03-20) frames the trade as a scarcity revaluation of physical assets; a high ratio means that revaluation has room to run.",
        explanation_zh: "按成本计的固定资产原值相对企业价值：重建物理基础所需的投入相对市场为整个公司支付的价格。浦银国际 2026-03-20 将该交易视为实物资产的稀缺性重估；比值越高，重估空间越大。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "noncurrent_share",
        label_en: "Non-current asset share",
        label_zh: "非流动资产占比",
        pillar: Pillar::HeavyAssets,
        formula: Formula::Field("noncurrent_assets_to_assets"),
        formula_text: "non-current assets / total assets, as exported",
        direction: 1.0,
        explanation: "Share of the balance sheet in long-lived assets (plant, networks, mines, long-term investments), as Wind, Choice, iFinD and Tushare export it (非流动资产/总资产). Heavy-asset businesses tie most of their capital up for decades; value resting on hard-to-replicate physical capacity is the HALO premise (Chen and Ma 2026, §2.1). Utilities and transport run near 0.8, software and media near 0.3.",
        explanation_zh: "长期资产（厂房、网络、矿山、长期投资）占总资产的比例，即 Wind、Choice、iFinD 与 Tushare 导出的“非流动资产/总资产”。重资产企业的资本长期沉淀数十年；价值依托难以复制的实物产能正是 HALO 的前提（陈雳、马骏 2026，§2.1）。公用事业与交通运输约为0.8，软件与传媒约为0.3。",
        given: None,
        ratio_level: true,
    },
    MetricDef {
        id: "tangible_share",
        label_en: "Tangible asset share",
        label_zh: "有形资产占比",
        pillar: Pillar::HeavyAssets,
        formula: Formula::Field("tangible_assets_to_assets"),
        formula_text: "tangible assets / total assets, as exported",
        direction: 1.0,
        explanation: "Share of assets that are tangible: total assets less intangibles, goodwill and similar items (有形资产/总资产 in Wind and Tushare). It measures how much of what the firm owns is physical, which AI cannot copy, move or build (Chen and Ma 2026, §3.1); goodwill-heavy roll-ups and software firms score low.",
        explanation_zh: "有形资产占总资产的比例：总资产扣除无形资产、商誉等项目（Wind 与 Tushare 的“有形资产/总资产”）。它衡量公司所拥有的资产中实物部分的多少，而实物是 AI 无法复制、移动或建造的（陈雳、马骏 2026，§3.1）；商誉较多的并购型公司与软件公司得分较低。",
        given: None,
        ratio_level: true,
    },
    MetricDef {
        id: "asset_life",
        label_en: "Asset life (years)",
        label_zh: "资产寿命(年)",
        pillar: Pillar::LowObsolescence,
        formula: Formula::Ratio("ppe_gross", "depreciation"),
        formula_text: "ppe_gross / depreciation",
        direction: 1.0,
        explanation: "Gross plant divided by annual depreciation approximates how many years the assets last. Low obsolescence means the assets keep their economic value across several technology cycles (Chen and Ma 2026, §2.2): pipelines, grids and rail lines are depreciated over decades, servers over a few years.",
        explanation_zh: "固定资产原值除以年折旧，近似资产可使用年限。低淘汰意味着资产在多个技术周期中保持经济价值（陈雳、马骏 2026，§2.2）：管道、电网和铁路按数十年折旧，服务器只有几年。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "ai_exposure",
        label_en: "AI exposure",
        label_zh: "AI暴露度",
        pillar: Pillar::LowObsolescence,
        formula: Formula::Field("ai_exposure"),
        formula_text: "ai_exposure (0..1)",
        direction: -1.0,
        explanation: "Exposure of the industry's work to AI (AIIE, Felten, Raj and Seamans 2021, as a 0..1 percentile). Markets began pricing which light-asset businesses AI displaces: copywriting, basic coding, junior design, information-arbitrage services (Chen and Ma 2026, §3.1). Lower exposure is more HALO.",
        explanation_zh: "所在行业工作受 AI 影响的程度（AIIE，Felten、Raj 和 Seamans 2021，取 0..1 百分位）。市场开始为被 AI 替代的轻资产业务定价：文案、基础编程、初级设计、信息差服务（陈雳、马骏 2026，§3.1）。越低越符合 HALO。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "intangible_share",
        label_en: "Intangible share",
        label_zh: "无形资产占比",
        pillar: Pillar::LowObsolescence,
        formula: Formula::SumRatio("intangibles", "goodwill", "total_assets"),
        formula_text: "(intangibles + goodwill) / total_assets",
        direction: -1.0,
        explanation: "Share of assets that are intangible or acquisition goodwill. Value that sits in software, brands and know-how is what AI can copy or erode; value in physical capacity is what it cannot move, dismantle or build (Chen and Ma 2026, §3.1). Lower is more HALO.",
        explanation_zh: "无形资产与商誉占总资产的比例。存在于软件、品牌和诀窍中的价值是 AI 可以复制或侵蚀的；存在于实物产能中的价值是 AI 无法移动、拆解或建造的（陈雳、马骏 2026，§3.1）。越低越符合 HALO。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "rnd_intensity",
        label_en: "R&D intensity",
        label_zh: "研发强度",
        pillar: Pillar::LowObsolescence,
        formula: Formula::Field("rnd_to_revenue"),
        formula_text: "R&D expense / revenue, as exported",
        direction: -1.0,
        explanation: "R&D expense per unit of sales (研发费用/营业收入). A business that must keep spending on R&D to stay current lives on know-how, the kind of edge AI copies or makes obsolete fastest (Chen and Ma 2026, §3.1); HALO assets keep their value across technology cycles with little of it. Lower is more HALO.",
        explanation_zh: "每单位营收的研发费用（研发费用/营业收入）。必须持续投入研发才能不落伍的企业依赖知识与诀窍，而这正是 AI 最快复制或淘汰的优势（陈雳、马骏 2026，§3.1）；HALO 资产无需大量研发即可穿越技术周期保持价值。越低越符合 HALO。",
        given: None,
        ratio_level: true,
    },
    MetricDef {
        id: "industry_concentration",
        label_en: "Industry concentration (HHI)",
        label_zh: "行业集中度(HHI)",
        pillar: Pillar::SupplyConstraint,
        formula: Formula::IndustryConcentration,
        formula_text: "sum of squared revenue shares within the industry, same date",
        direction: 1.0,
        explanation: "Herfindahl index of revenue shares of the companies in the same industry, computed from the loaded data. Few large players signal high entry barriers and capacity that is hard to expand: low supply elasticity gives pricing power when supply is tight (Chen and Ma 2026, §2.1).",
        explanation_zh: "同一行业内公司营收份额的赫芬达尔指数，由载入数据计算。少数大企业意味着进入壁垒高、产能难以扩张：供给弹性低，在供给紧张时拥有定价权（陈雳、马骏 2026，§2.1）。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "ebitda_margin",
        label_en: "EBITDA margin",
        label_zh: "EBITDA利润率",
        pillar: Pillar::SupplyConstraint,
        formula: Formula::Ratio("ebitda", "revenue"),
        formula_text: "ebitda / revenue",
        direction: 1.0,
        explanation: "Operating margin before depreciation: the pricing power that a strong supply constraint earns. Chen and Ma (2026, §2.1) list high entry barriers and low supply elasticity as a HALO feature; they show up as margins that hold through the cycle.",
        explanation_zh: "折旧前经营利润率：强供给约束带来的定价权。陈雳、马骏 2026，§2.1 将高进入壁垒和低供给弹性列为 HALO 特征，表现为穿越周期的利润率。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "regulated",
        label_en: "Regulated",
        label_zh: "受监管",
        pillar: Pillar::SupplyConstraint,
        formula: Formula::Field("regulated"),
        formula_text: "regulated (0/1)",
        direction: 1.0,
        explanation: "1 where prices or returns are set or approved by a regulator (utilities). Strict regulatory approval is one of the barriers that make HALO assets hard to replicate (Chen and Ma 2026, §2.1), and regulated returns make the cash flow predictable.",
        explanation_zh: "价格或回报由监管机构设定或批准时为 1（公用事业）。严格的监管审批是使 HALO 资产难以复制的壁垒之一（陈雳、马骏 2026，§2.1），受监管的回报也使现金流可预测。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "gross_margin",
        label_en: "Gross margin",
        label_zh: "销售毛利率",
        pillar: Pillar::SupplyConstraint,
        formula: Formula::Field("gross_margin"),
        formula_text: "gross profit / revenue, as exported",
        direction: 1.0,
        explanation: "Gross profit per unit of sales (销售毛利率), where an export gives it and not EBITDA: the pricing power that tight supply earns. Chen and Ma (2026, §2.1) list high entry barriers and low supply elasticity as a HALO feature.",
        explanation_zh: "每单位营收的毛利（销售毛利率），用于导出数据给出毛利率而非 EBITDA 的情形：供给紧张带来的定价权。陈雳、马骏 2026，§2.1 将高进入壁垒和低供给弹性列为 HALO 特征。",
        given: None,
        ratio_level: true,
    },
    MetricDef {
        id: "cfo_stability",
        label_en: "Cash-flow stability",
        label_zh: "经营现金流稳定性",
        pillar: Pillar::CashFlowStability,
        formula: Formula::CfoStability,
        formula_text: "- std(operating_cash_flow / total_assets) over the last 3-5 reports",
        direction: 1.0,
        explanation: "Minus the variability of operating cash flow relative to assets over the last three to five reports known at the as-of date, computed from the loaded data. HALO businesses serve basic demand and survive the cycle, with predictable earnings and dividends (Chen and Ma 2026, §2.1).",
        explanation_zh: "截至评估日已知的最近三到五期报告中，经营现金流/总资产波动的负值，由载入数据计算。HALO 企业服务基本需求、穿越周期，盈利和分红可预测（陈雳、马骏 2026，§2.1）。",
        given: None,
        ratio_level: false,
    },
    MetricDef {
        id: "dividend_yield",
        label_en: "Dividend yield",
        label_zh: "股息率",
        pillar: Pillar::CashFlowStability,
        formula: Formula::Ratio("dividends", "market_cap"),
        formula_text: "dividends / market_cap",
        direction: 1.0,
        explanation: "Cash paid to shareholders relative to market value. With high real rates, current cash flow is worth more than distant cash flow (Chen and Ma 2026, §3.2), and in Q1 2026 northbound money flowed into high-dividend heavy assets (Chen and Ma 2026, §3.3).",
        explanation_zh: "相对市值的现金分红。实际利率高企时，当期现金流比远期现金流更有价值（陈雳、马骏 2026，§3.2）；2026年一季度北向资金流入高股息重资产（陈雳、马骏 2026，§3.3）。",
        given: Some("dividend_yield_reported"),
        ratio_level: false,
    },
    MetricDef {
        id: "cfo_margin",
        label_en: "Operating cash-flow margin",
        label_zh: "经营现金流利润率",
        pillar: Pillar::CashFlowStability,
        formula: Formula::Ratio("operating_cash_flow", "revenue"),
        formula_text: "operating_cash_flow / revenue",
        direction: 1.0,
        explanation: "Operating cash flow per unit of sales: earnings that arrive as cash. Chen and Ma (2026) argue that in a highly uncertain macro environment stable current cash flow and survival resilience deserve a higher discounted value (§4.1).",
        explanation_zh: "每单位营收的经营现金流：以现金形式到账的盈利。陈雳、马骏 2026，认为在高度不确定的宏观环境中，稳定的当期现金流和生存韧性应获得更高的贴现价值（§4.1）。",
        given: Some("cfo_to_revenue"),
        ratio_level: false,
    },
    MetricDef {
        id: "debt_ratio",
        label_en: "Liabilities / assets",
        label_zh: "资产负债率",
        pillar: Pillar::CashFlowStability,
        formula: Formula::Field("debt_to_assets"),
        formula_text: "total liabilities / total assets, as exported",
        direction: -1.0,
        explanation: "Total liabilities over total assets (资产负债率). Chen and Ma (2026, §4.1) value survival resilience in an uncertain macro environment: a balance sheet that does not depend on refinancing keeps the cash flow to shareholders stable. Lower is more HALO.",
        explanation_zh: "总负债/总资产（资产负债率）。陈雳、马骏 2026，§4.1 强调不确定宏观环境下的生存韧性：不依赖再融资的资产负债表使股东现金流更稳定。越低越符合 HALO。",
        given: None,
        ratio_level: true,
    },
];

/// A reported figure a default metric is computed from (or given ready-made as): what
/// makes an undated table a snapshot of fundamentals. Not the market cap (alone a
/// weight), nor the AI exposure or the regulated flag, which lookup tables give per
/// industry rather than companies report.
pub fn is_reported_input(field: &str) -> bool {
    !matches!(field, "market_cap" | "ai_exposure" | "regulated")
        && METRICS
            .iter()
            .any(|m| m.formula.inputs().contains(&field) || m.given == Some(field))
}

pub fn metric(id: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.id == id)
}

/// A metric in a sentence: its id in English, its Chinese name in Chinese; a custom
/// metric keeps its column's name.
pub fn metric_name(id: &str, lang: crate::i18n::Lang) -> String {
    match (metric(id), lang) {
        (Some(m), crate::i18n::Lang::Zh) => m.label_zh.to_string(),
        _ => crate::data::schema::field_name(id, lang),
    }
}

/// A numeric column of the user's data used as a metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomMetric {
    /// The column: its header as the file writes it ("非流动资产/总资产"), or the name the
    /// load report gives it.
    pub column: String,
    pub pillar: Pillar,
    /// +1 or -1.
    pub direction: f64,
}

/// A metric as used in one scoring run: a default or a custom one.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveMetric {
    pub id: String,
    pub pillar: Pillar,
    pub direction: f64,
    /// None for a custom metric: the column `inputs[0]`, as it is.
    pub formula: Option<Formula>,
    /// The fields whose absence makes this metric missing, for exclusion reasons.
    pub inputs: Vec<String>,
    /// The data's ready-made column of the same ratio, read where the inputs are missing.
    pub given: Option<String>,
}
