//! English and Chinese. Two mechanisms, one per kind of text:
//!
//! - **Messages** (errors, notes, exclusion reasons, series names, statuses) are enums with
//!   their fields; each implements [`Localize`] by an exhaustive `match` that writes both
//!   languages, so the compiler proves every variant has both. File paths, tickers and
//!   numbers are fields inserted as they are, never translated or parsed back.
//! - **Labels** (fixed interface text: menus, buttons, headings, tooltips) go through [`tr`]
//!   with their English as the key into [`TABLE`]; a test checks that every `tr("…")` in
//!   the source has an entry, and the window's tests check that no English phrase is drawn
//!   in 中文 mode.
//!
//! The language is per thread (each window or off-screen figure draws in its own), falling
//! back to the process default that the command line sets from `--lang` or the locale.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The language of a locale setting such as `zh_CN.UTF-8` or `en_US`.
    pub fn from_locale(value: &str) -> Option<Lang> {
        let v = value.trim().to_ascii_lowercase();
        if v.is_empty() {
            None
        } else if v.starts_with("zh") {
            Some(Lang::Zh)
        } else {
            Some(Lang::En)
        }
    }

    /// The locale's language: `LC_ALL`, then `LC_MESSAGES`, then `LANG` (the POSIX order);
    /// English when none is set.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().and_then(|v| Lang::from_locale(&v)))
            .unwrap_or_default()
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::En),
            "zh" | "cn" | "chinese" | "中文" => Some(Lang::Zh),
            _ => None,
        }
    }
}

thread_local! {
    static LANG: Cell<Option<Lang>> = const { Cell::new(None) };
}

static DEFAULT: AtomicU8 = AtomicU8::new(0);

/// The language of this thread's interface (a window or a figure being drawn).
pub fn set_lang(l: Lang) {
    LANG.with(|c| c.set(Some(l)));
}

/// The language of threads that set none (the command line's).
pub fn set_default_lang(l: Lang) {
    DEFAULT.store(l as u8, Ordering::Relaxed);
}

pub fn lang() -> Lang {
    LANG.with(|c| c.get()).unwrap_or_else(|| {
        if DEFAULT.load(Ordering::Relaxed) == Lang::Zh as u8 {
            Lang::Zh
        } else {
            Lang::En
        }
    })
}

/// A message that can be written in either language.
pub trait Localize {
    fn localize(&self, lang: Lang) -> String;

    /// In the current language.
    fn text(&self) -> String {
        self.localize(lang())
    }
}

impl<T: Localize + ?Sized> Localize for Box<T> {
    fn localize(&self, lang: Lang) -> String {
        (**self).localize(lang)
    }
}

/// `bi!(lang, "english {x}", "中文 {x}")`: one of two format strings, fields captured by
/// name as in `format!`.
#[macro_export]
macro_rules! bi {
    ($lang:expr, $en:literal, $zh:literal $(,)?) => {
        match $lang {
            $crate::i18n::Lang::En => format!($en),
            $crate::i18n::Lang::Zh => format!($zh),
        }
    };
}

/// `Display` in English for message types (logs, `to_string`, tests).
#[macro_export]
macro_rules! english_display {
    ($($t:ty),* $(,)?) => {
        $(impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::i18n::Localize::localize(self, $crate::i18n::Lang::En))
            }
        })*
    };
}

/// A list joined with the language's separator.
pub fn join(lang: Lang, items: &[String]) -> String {
    items.join(match lang {
        Lang::En => ", ",
        Lang::Zh => "、",
    })
}

/// The English noun for `n` things: `one` for exactly one, else `many` ("1 security",
/// "3 securities"); Chinese counts need no plural.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `s` padded with spaces to `width` terminal columns, by display width (as `{:<width}`
/// pads by characters): a Chinese character takes two columns, so padding by characters
/// misaligns a table of Chinese headers or names. Text as wide or wider stays whole.
pub fn pad(s: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(unicode_width::UnicodeWidthStr::width(s)));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

/// `s` cut to at most `width` terminal columns, at a character boundary.
pub fn clip(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= width
        })
        .collect()
}

/// Where [`pad`] puts the text in its columns.
#[derive(Clone, Copy)]
pub enum Align {
    Left,
    Right,
}

/// The label in the current language (a label the table does not know stays as it is; a
/// test keeps that from happening).
pub fn tr(en: &str) -> &str {
    match lang() {
        Lang::En => en,
        Lang::Zh => table().get(en).copied().unwrap_or(en),
    }
}

fn table() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| TABLE.iter().copied().collect())
}

/// A text the data gives in both languages (preset and scenario names, notes, sources):
/// the Chinese one when the interface is in Chinese and it exists.
pub fn pick<'a>(en: &'a str, zh: &'a str) -> &'a str {
    if lang() == Lang::Zh && !zh.is_empty() {
        zh
    } else {
        en
    }
}

/// Fixed interface labels: English -> Chinese.
pub static TABLE: &[(&str, &str)] = &[
    ("Sensitivity", "敏感性"),
    ("IC t", "IC t 值"),
    ("Spread (%)", "多空价差 (%)"),
    ("HALO minus benchmark (%)", "HALO 减基准 (%)"),
    ("Names kept (%)", "留存名称 (%)"),
    ("Weight kept (%)", "留存权重 (%)"),
    ("Sweep the pillar weights", "扫描支柱权重"),
    (
        "Each pillar's weight from 0 to 3 in 13 steps, the others held: every setting scored, windowed and backtested after each change",
        "各支柱权重从 0 到 3 分 13 步，其余保持不变：每次改动后对每组设置计分、计算区间表现并回测",
    ),
    (
        "Tick \"Sweep the pillar weights\" to see how the results move with each pillar's weight.",
        "勾选“扫描支柱权重”，查看结果如何随各支柱权重变化。",
    ),
    ("Sweeping…", "扫描中…"),
    (
        "Pillar weight (the others held)",
        "支柱权重（其余保持不变）",
    ),
    ("current weights", "当前权重"),
    (
        "Today's basket: share of the swept settings that keep each name",
        "当前篮子：各成分股在扫描设置中留在篮子里的比例",
    ),
    ("Cancel", "取消"),
    ("Open", "打开"),
    ("Save", "保存"),
    ("Open data file", "打开数据文件"),
    ("Open project", "打开项目"),
    ("Save project as", "项目另存为"),
    ("Path:", "路径："),
    ("file name or full path", "文件名或完整路径"),
    ("↑ Up", "↑ 上一级"),
    ("My scenario", "我的情景"),
    ("Data (CSV, Parquet, Excel)", "数据（CSV、Parquet、Excel）"),
    ("HALO project", "HALO 项目"),
    ("(not used)", "（不使用）"),
    ("Column", "列"),
    ("Column in the file", "文件中的列"),
    ("From header", "来自表头"),
    ("Missing", "缺失"),
    ("Read as", "读取为"),
    ("Why", "原因"),
    ("custom metric / factor", "自定义指标 / 因子"),
    ("your mapping", "您的映射"),
    ("const", "常数"),
    ("Clear the highlight", "取消高亮"),
    ("No scenario is defined.", "尚未定义情景。"),
    ("XOM, Energy …", "600028.SH, 能源 …"),
    ("|active| > 2/√EN", "|主动暴露| > 2/√EN"),
    ("File", "文件"),
    ("HALO basket", "HALO 篮子"),
    ("anti-HALO basket", "反 HALO 篮子"),
    ("anti-HALO", "反 HALO"),
    ("benchmark", "基准"),
    ("Benchmark", "基准"),
    ("long-short", "多空"),
    ("basket return - risk-free", "篮子收益 - 无风险利率"),
    ("basket return - market", "篮子收益 - 市场"),
    ("blend", "混合"),
    (
        "point in time; survivorship-biased prices overstate returns",
        "时点数据；存在幸存者偏差的价格会高估收益",
    ),
    ("View", "视图"),
    ("Edit", "编辑"),
    ("Open data…", "打开数据…"),
    ("Add to dataset…", "添加到数据集…"),
    ("Open folder…", "打开文件夹…"),
    (
        "Type or paste a path, or browse the folders.",
        "输入或粘贴路径，或浏览文件夹。",
    ),
    ("Open a folder of data files", "打开数据文件所在的文件夹"),
    ("Open this folder", "打开此文件夹"),
    (
        "Every data file in a folder (a file per ticker, say): the files of one kind become one table.",
        "文件夹中的所有数据文件（例如每个代码一个文件）：同类文件合成一张表。",
    ),
    (
        "Drop to open as a new dataset (hold Shift to add)",
        "松开即作为新数据集打开（按住 Shift 则添加）",
    ),
    ("Add data to the dataset", "向数据集添加数据"),
    (
        "The files you pick become a new dataset.",
        "所选文件组成新的数据集。",
    ),
    (
        "The files you pick join the tables loaded (a table of the same kind is replaced).",
        "所选文件加入已载入的表（同类表将被替换）。",
    ),
    (
        "Or drop CSV, Parquet or .xlsx files on the window: a new dataset (hold Shift to add them).",
        "也可将 CSV、Parquet 或 .xlsx 文件拖入窗口：组成新数据集（按住 Shift 则添加到当前数据集）。",
    ),
    (
        "Enables: the score, ranking, baskets and characteristic exposures.",
        "可用于：得分、排名、篮子和特征暴露。",
    ),
    (
        "Enables: the score, ranking, baskets and characteristic exposures; performance needs prices.",
        "可用于：得分、排名、篮子和特征暴露；业绩分析需要价格数据。",
    ),
    (
        "Enables: sector performance, the backtest, the market factor, the regression and scenarios.",
        "可用于：板块表现、回测、市场因子、回归和情景。",
    ),
    (
        "Enables: performance of each group (the prices' sector column, else each ticker); the score needs fundamentals.",
        "可用于：各分组的业绩（价格表的行业列，否则每个代码一组）；计分需要基本面数据。",
    ),
    (
        "Enables: these factors in the regression and the factor scenarios.",
        "可用于：回归和因子情景中的这些因子。",
    ),
    (
        "Factors are used with prices: load a prices table.",
        "因子需配合价格数据使用：请载入价格表。",
    ),
    ("Without it nothing can be scored.", "缺少它则无法计分。"),
    (
        "Without it: no performance, backtest, regression or scenarios from returns.",
        "缺少它则没有基于收益率的业绩、回测、回归或情景。",
    ),
    (
        "Without it the regression and the scenarios use the market factor alone.",
        "缺少它则回归和情景只使用市场因子。",
    ),
    ("Open path…", "按路径打开…"),
    ("Load the bundled sample", "载入内置样本"),
    ("Load sample", "载入样本"),
    ("Open project…", "打开项目…"),
    ("Save project as…", "项目另存为…"),
    ("Save project", "保存项目"),
    ("Recent files", "最近文件"),
    ("None yet", "暂无"),
    ("Dark theme", "深色主题"),
    ("UI scale", "界面缩放"),
    ("Language", "语言"),
    ("Undo", "撤销"),
    ("Redo", "重做"),
    ("Reset settings", "重置设置"),
    ("Reset layout", "重置布局"),
    ("Dismiss", "关闭"),
    ("Error", "错误"),
    ("Dataset", "数据集"),
    ("Fundamentals", "基本面"),
    ("Prices", "价格"),
    ("Factors", "因子"),
    ("Attributes", "属性"),
    ("relative", "相对"),
    (
        "One series' growth against another's: (1 + return of the first) / (1 + return of the second) - 1.",
        "一个序列相对另一个序列的增长：(1 + 前者收益) / (1 + 后者收益) - 1。",
    ),
    ("all series", "全部序列"),
    ("All series", "全部序列"),
    ("of", "比较"),
    ("against", "相对于"),
    (
        "A relative chart needs two series in the window.",
        "相对图需要窗口内至少两个序列。",
    ),
    (
        "Enables: its columns on every security whose ticker, industry or sector it lists (metrics, groups, names).",
        "可用于：为其列出的代码、细分行业或行业的每只证券补充这些列（指标、分组、名称）。",
    ),
    (
        "A lookup table (a value per ticker, industry or sector, such as an AI-exposure score per industry) adds its columns to the securities.",
        "查找表（每个代码、细分行业或行业一个值，例如各细分行业的 AI 暴露度）为证券补充其列。",
    ),
    ("not loaded", "未载入"),
    ("rows kept of", "行保留，共读取"),
    ("read", "行"),
    ("securities", "只证券"),
    ("warning(s): see the load report", "条警告：见载入报告"),
    ("Load report", "载入报告"),
    ("Column mapping", "列映射"),
    ("Preview", "预览"),
    ("Reload with this mapping", "按此映射重新载入"),
    ("Back to automatic matching", "恢复自动匹配"),
    ("Pillar weights", "支柱权重"),
    ("Research deck", "研究简报"),
    ("and each metric's", "及各指标权重"),
    (
        "Weight of the pillar or metric (the others held)",
        "支柱或指标的权重（其余不变）",
    ),
    (
        "Each metric's weight within its pillar too, 0 to 3 in 13 steps: a dashed line per metric, in its pillar's colour (a sweep several times longer)",
        "各指标在其支柱内的权重也从 0 到 3 分 13 步扫描：每个指标一条虚线，颜色同其支柱（扫描耗时数倍）",
    ),
    (
        "each pillar's weight from 0 to 3 in 13 steps, the others held",
        "各支柱权重从 0 到 3 分 13 步，其余保持不变",
    ),
    (
        "each pillar's and each metric's weight from 0 to 3 in 13 steps, the others held",
        "各支柱与各指标权重从 0 到 3 分 13 步，其余保持不变",
    ),
    ("every metric weighs 1", "各指标权重均为 1"),
    ("As of", "截至"),
    ("Data sources", "数据来源"),
    ("Charts", "图表"),
    ("Export deck (PDF and PNGs)", "导出简报（PDF 与 PNG）"),
    (
        "A cover (dataset, date, lens and weights, data sources) and one page per chart, in the interface's language",
        "封面（数据集、日期、视角与权重、数据来源）加每个图表一页，使用界面语言",
    ),
    ("Export format", "导出格式"),
    ("Pixels, at the export scale", "像素图，按导出倍率"),
    (
        "Vectors: text stays text, lines stay lines",
        "矢量图：文字仍是文字，线条仍是线条",
    ),
    ("Metric weights", "指标权重"),
    ("Heavy assets", "重资产"),
    ("Low obsolescence", "低淘汰"),
    ("Supply constraint", "供给约束"),
    ("Cash-flow stability", "现金流稳定"),
    ("Scoring options", "评分选项"),
    ("Winsorise", "缩尾"),
    ("1st / 99th percentile", "1% / 99% 分位"),
    ("mean ± 3 sd", "均值 ± 3 倍标准差"),
    ("Standardise", "标准化"),
    ("plain", "普通"),
    ("sector-neutral", "行业中性"),
    ("cap-weighted mean", "市值加权均值"),
    ("Financials", "金融类"),
    ("HALO Workbench", "HALO 研究工作台"),
    (
        "Banks, brokers and insurers (申万 银行 and 非银金融, GICS Financials): their asset and cash-flow ratios mean something else, and mixed in they fill one end of the ranking. Automatic leaves them out of A-share data and keeps them otherwise; scored apart standardises each metric among the financials on their own.",
        "银行、券商与保险（申万 银行 与 非银金融、GICS 金融）：其资产与现金流比率含义不同，混入后会占据排名的一端。自动：A 股数据中剔除，其他数据中保留；单独评分：各指标只在金融类内部标准化。",
    ),
    ("automatic", "自动"),
    ("keep", "保留"),
    ("exclude", "剔除"),
    ("score apart", "单独评分"),
    ("Trading rules", "交易规则"),
    (
        "A-share rules replayed on the top and bottom quantiles; automatic: on for A-share data.",
        "在最高与最低分位组合上重演 A 股交易规则；自动：A 股数据开启。",
    ),
    ("Price limits (涨停 / 跌停)", "涨跌停限制"),
    ("Suspensions (停牌)", "停牌"),
    ("ST names", "ST 股票"),
    ("on", "开"),
    ("off", "关"),
    ("Minimum coverage", "最低覆盖率"),
    ("As-of date", "评估日期"),
    ("latest", "最新"),
    ("Basket", "篮子"),
    ("Top quintile", "前五分之一"),
    ("Top N", "前 N 名"),
    ("Weighting", "加权方式"),
    ("equal", "等权"),
    ("market cap", "市值"),
    ("score-tilted", "得分倾斜"),
    ("Name cap", "单名上限"),
    ("Sector cap", "行业上限"),
    ("Blend with growth basket", "与成长篮子混合"),
    ("Lens presets", "视角预设"),
    ("Compare lenses", "视角对比"),
    ("Pin the current lens", "固定当前视角"),
    (
        "Keep the current settings as a reference: every chart draws it beside the live lens, muted and dashed, and the ranking lists the names entering and leaving the basket",
        "将当前设置保留为参照：每张图在当前视角旁以淡色虚线画出它，排名列出调入与调出篮子的证券",
    ),
    ("(computing…)", "（计算中……）"),
    ("(not computed)", "（未能计算）"),
    ("Unpin this lens", "取消此参照视角"),
    ("Unpin all", "全部取消"),
    ("Pinned", "参照"),
    ("Enter", "调入"),
    ("Leave", "调出"),
    ("Preset", "预设"),
    ("Scenarios", "情景"),
    ("Add", "新增"),
    ("Duplicate", "复制"),
    ("Delete", "删除"),
    ("Shock", "冲击"),
    ("Sector performance", "行业表现"),
    ("Factor exposures", "因子暴露"),
    ("Scenario outcomes", "情景结果"),
    ("Backtest", "回测"),
    ("Ranking", "排名"),
    ("Excluded", "剔除"),
    ("Data", "数据"),
    ("Search", "搜索"),
    ("Rank", "排名"),
    ("Ticker", "代码"),
    ("Name", "名称"),
    ("Sector", "行业"),
    ("HALO score", "HALO 得分"),
    ("Weight", "权重"),
    ("Custom metrics", "自定义指标"),
    (
        "No security is scored: the notes above and the Excluded tab say why.",
        "没有证券被计分：原因见上方说明与“剔除”页。",
    ),
    ("Pillar", "支柱"),
    (
        "Any numeric column of your fundamentals, as a metric of a pillar.",
        "基本面数据中的任一数值列，均可作为某一支柱的指标。",
    ),
    ("higher is HALO", "越高越 HALO"),
    ("lower is HALO", "越低越 HALO"),
    ("Add a custom metric", "添加自定义指标"),
    (
        "The fundamentals have no numeric column of their own.",
        "基本面数据中没有其他数值列。",
    ),
    ("In basket", "入篮"),
    ("Reason", "原因"),
    ("Return (%)", "收益率 (%)"),
    ("Cumulative return (%)", "累计收益率 (%)"),
    ("Active exposure (sd)", "主动暴露（标准差）"),
    ("Month", "月份"),
    ("Source", "来源"),
    ("as of", "截至"),
    ("cap-weighted", "市值加权"),
    ("equal-weighted", "等权"),
    ("bars", "柱状"),
    ("lines", "折线"),
    ("Regression", "回归"),
    ("Factor", "因子"),
    ("Beta", "贝塔"),
    ("t (classical)", "t（经典）"),
    ("t (Newey-West)", "t（Newey-West）"),
    ("Computing…", "计算中…"),
    ("Metric", "指标"),
    ("Value", "数值"),
    ("z-score", "z 分数"),
    ("Report used", "所用报告"),
    ("Click a row to see its metrics.", "点击一行查看其指标。"),
    ("Portfolio", "组合"),
    ("Contribution by sector (%)", "行业贡献 (%)"),
    ("Quantiles", "分位数"),
    ("Rebalance", "调仓"),
    ("monthly", "每月"),
    ("quarterly", "每季"),
    ("Cost (bps)", "成本（基点）"),
    ("Within sector", "行业内"),
    ("IC mean", "IC 均值"),
    ("IC mean by horizon", "各区间 IC 均值"),
    ("Kept", "保留率"),
    (
        "The share of the weight sweep's settings whose basket keeps the name: core names at 100%, names only some lenses pick below (tick “Sweep the pillar weights” in the Sensitivity pane)",
        "权重扫描中篮子保留该证券的设置所占比例：核心证券为 100%，仅少数视角选中的证券较低（在“敏感性”窗格中勾选“扫描支柱权重”）",
    ),
    (
        "No forward horizons set: no decay charts (the Horizons field sets them)",
        "未设置远期区间：无衰减图（可在“远期区间”栏设置）",
    ),
    (
        "(maximise the pane for the decay charts)",
        "（最大化窗格可查看衰减图）",
    ),
    ("Horizons (months)", "远期区间（月）"),
    (
        "Forward horizons at which the IC and the quantiles' returns are also measured, in months, separated by commas; Enter applies them",
        "另外计量 IC 与分位组收益的远期区间，以月为单位，用逗号分隔；按回车键应用",
    ),
    (
        "Signal decay: from each rebalance date, the returns over each horizon; rates per month, whiskers ±1.96 standard errors",
        "信号衰减：自每个调仓日起各区间的收益；按月折算，误差线为 ±1.96 个标准误",
    ),
    (
        "* longer than the rebalance period: the periods overlap and the t overstates",
        "* 长于调仓周期：区间相互重叠，t 值偏高",
    ),
    ("Spread", "多空价差"),
    ("Maximise", "最大化"),
    ("Restore", "还原"),
    ("No results yet.", "尚无结果。"),
    ("Saved", "已保存"),
    ("Highlight", "高亮"),
    ("none", "无"),
    (
        "Presentation mode (F5; arrows step, Esc leaves)",
        "演示模式（F5；方向键翻页，Esc 退出）",
    ),
    ("Export", "导出"),
    ("Export dashboard", "导出仪表盘"),
    ("Export scale", "导出倍率"),
    ("Export in the dark theme", "以深色主题导出"),
    (
        "Copy exported images to the clipboard",
        "将导出的图片复制到剪贴板",
    ),
    ("Exporting…", "导出中…"),
    (
        "The chart (PNG, SVG or PDF) and its CSV, in the format, scale and theme set in the File menu",
        "图表（PNG、SVG 或 PDF）及其 CSV，按文件菜单中设定的格式、倍率与主题导出",
    ),
    ("not significant", "不显著"),
    (
        "Clip each metric before standardising: at the 1st and 99th percentiles of the cross-section, or at the mean +/- 3 sd. Keeps one extreme company from dominating a z-score.",
        "标准化前对每个指标缩尾：截在横截面的第1和第99百分位，或均值 ± 3 倍标准差。避免单个极端公司主导 z 分数。",
    ),
    (
        "z = (x - centre) / sd. Sector-neutral subtracts each sector's mean (sectors under 3 names use the overall mean) and divides by the overall sd (MSCI FaCS practice): it compares a utility with utilities. Cap-weighted centres on the market-cap-weighted mean.",
        "z = (x - 中心) / 标准差。行业中性：减去所在行业均值（不足3家的行业用整体均值），除以整体标准差（MSCI FaCS 做法），即把公用事业与公用事业比较。市值加权：以市值加权均值为中心。",
    ),
    (
        "A security needs at least this share of the weighted metrics to be scored; the others are listed as excluded with the reason.",
        "证券至少需要具备该比例的加权指标才会被评分；其余列入剔除清单并注明原因。",
    ),
    (
        "The cross-section's date: each company's latest report known by then (period end + 90 days), never a later one.",
        "横截面日期：每家公司截至该日已知的最新报告（期末 + 90 天），绝不使用更晚的报告。",
    ),
    (
        "Equal; market cap; or score-tilted: (1 + z) x cap for z > 0.",
        "等权；市值加权；或得分倾斜：z > 0 时按 (1 + z) × 市值加权。",
    ),
    (
        "Largest weight of one name; the excess is spread pro rata over the others.",
        "单一证券的最大权重；超出部分按比例分配给其他证券。",
    ),
    (
        "Chen and Ma's (2026) 'old and new dancing together': the share of a growth / AI basket blended with the HALO basket.",
        "陈雳、马骏（2026）的“新老共舞”：与 HALO 篮子混合的成长 / AI 篮子占比。",
    ),
    (
        "No table of this kind is loaded. Open a file: its kind is recognised from its columns.",
        "未载入此类表格。打开文件即可，其类型由列自动识别。",
    ),
    ("Format", "格式"),
    ("Rows read / kept", "读取 / 保留行数"),
    ("Duplicate keys", "重复键"),
    ("Excluded rows", "剔除行"),
    ("Missing values per column", "各列缺失值"),
    ("Warnings", "警告"),
    (
        "Each column of your file and the field it is read as. Change a row, then reload; the project file saves your choices.",
        "文件的每一列及其读取为的字段。修改后重新载入；项目文件会保存您的选择。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Rust source under src/, recursively.
    fn sources() -> Vec<(std::path::PathBuf, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    #[test]
    fn every_tr_call_has_a_translation() {
        let mut missing = Vec::new();
        for (path, text) in sources() {
            let parts: Vec<&str> = text.split("tr(\"").collect();
            for (before, part) in parts.iter().zip(&parts[1..]) {
                // `tr(`, not `from_str(` or `attr(`.
                if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let key = &part[..part.find('"').unwrap()];
                if !table().contains_key(key) && key != "…" {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "no Chinese for: {missing:#?}");
    }

    #[test]
    fn pad_and_clip_count_terminal_columns() {
        // A Chinese character is two columns wide: "证券代码" is eight.
        assert_eq!(pad("证券代码", 10, Align::Left), "证券代码  ");
        assert_eq!(pad("ticker", 10, Align::Left), "ticker    ");
        assert_eq!(pad("证券", 6, Align::Right), "  证券");
        // Wider text stays whole, as `{:<w}` leaves it.
        assert_eq!(pad("申万一级行业", 4, Align::Left), "申万一级行业");
        // Cut at a character: the third character would take columns 5-6 of 5.
        assert_eq!(clip("贵州茅台", 5), "贵州");
        assert_eq!(clip("Kweichow", 5), "Kweic");
        assert_eq!(clip("短", 5), "短");
        assert_eq!(plural(1, "security", "securities"), "security");
        assert_eq!(plural(0, "security", "securities"), "securities");
        assert_eq!(plural(2, "security", "securities"), "securities");
    }

    #[test]
    fn keys_are_unique_and_translated() {
        for (i, (k, zh)) in TABLE.iter().enumerate() {
            assert!(!zh.is_empty() && zh != k, "{k}");
            assert!(!TABLE[..i].iter().any(|(x, _)| x == k), "duplicate {k}");
        }
    }

    #[test]
    fn locale_and_flags_pick_the_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale("zh_TW"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C"), Some(Lang::En));
        assert_eq!(Lang::from_locale(""), None);
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn a_thread_language_overrides_the_default() {
        std::thread::spawn(|| {
            assert_eq!(lang(), Lang::En);
            set_lang(Lang::Zh);
            assert_eq!(lang(), Lang::Zh);
            assert_eq!(tr("File"), "文件");
            let n = 3;
            assert_eq!(bi!(lang(), "{n} files", "{n} 个文件"), "3 个文件");
            assert_eq!(bi!(Lang::En, "{n} files", "{n} 个文件"), "3 files");
        })
        .join()
        .unwrap();
    }
}
