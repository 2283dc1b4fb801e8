//! The interface in English or Chinese. Every label goes through [`tr`] with its English
//! text as the key; the table gives the Chinese. A test checks that every `tr("...")` in
//! the app has a translation.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

thread_local! {
    // The UI runs on one thread; each kittest harness has its own.
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

pub fn set_lang(l: Lang) {
    LANG.with(|c| c.set(l));
}

pub fn lang() -> Lang {
    LANG.with(|c| c.get())
}

/// The text in the current language (a name the table does not know stays as it is).
pub fn tr(en: &str) -> &str {
    match lang() {
        Lang::En => en,
        Lang::Zh => TABLE
            .iter()
            .find(|(k, _)| *k == en)
            .map_or(en, |(_, zh)| zh),
    }
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

/// English -> Chinese.
pub static TABLE: &[(&str, &str)] = &[
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
    (
        "Or drop CSV, Parquet or .xlsx files on the window.",
        "也可将 CSV、Parquet 或 .xlsx 文件拖入窗口。",
    ),
    ("Fundamentals", "基本面"),
    ("Prices", "价格"),
    ("Factors", "因子"),
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
        "PNG and CSV, at the scale and theme set in the File menu",
        "PNG 与 CSV，按文件菜单中设定的倍率与主题",
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
        "Seed 000's 'old and new dancing together': the share of a growth / AI basket blended with the HALO basket.",
        "文献000 的“新老共舞”：与 HALO 篮子混合的成长 / AI 篮子占比。",
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

/// The message in the current language: engine, loader and status messages are built in
/// English; [`MESSAGES`] turns them into Chinese.
/// Chinese forms are remembered: matching a message against every template takes tens of
/// microseconds, and a pane may show hundreds of messages (exclusion reasons) every frame.
pub fn tr_msg(msg: &str) -> String {
    match lang() {
        Lang::En => msg.to_string(),
        Lang::Zh => TRANSLATED.with_borrow_mut(|seen| {
            if let Some(t) = seen.get(msg) {
                return t.clone();
            }
            if seen.len() >= 50_000 {
                seen.clear();
            }
            let t = translate_msg(msg).unwrap_or_else(|| msg.to_string());
            seen.insert(msg.to_string(), t.clone());
            t
        }),
    }
}

thread_local! {
    static TRANSLATED: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// The Chinese for a message, if a template of [`MESSAGES`] matches it. The variable parts
/// are translated in turn (messages nest: a file's error wraps a detail), and kept as they
/// are when nothing matches them (file names, numbers, tickers).
pub fn translate_msg(msg: &str) -> Option<String> {
    MESSAGES.iter().find_map(|(en, zh)| {
        let parts = captures(en, msg)?;
        let mut out = zh.to_string();
        for (i, p) in parts.iter().enumerate() {
            let t = translate_msg(p).unwrap_or_else(|| p.to_string());
            out = out.replace(&format!("{{{i}}}"), &t);
        }
        Some(out)
    })
}

/// The parts of `msg` standing for the `{}` of `template`, if it has the template's form.
/// Each literal between two `{}` is matched at its first occurrence; the last at the end.
fn captures<'a>(template: &str, msg: &'a str) -> Option<Vec<&'a str>> {
    let lits: Vec<&str> = template.split("{}").collect();
    let mut rest = msg.strip_prefix(lits[0])?;
    if lits.len() == 1 {
        return rest.is_empty().then(Vec::new);
    }
    let mut out = Vec::new();
    for (i, lit) in lits.iter().enumerate().skip(1) {
        let end = if i == lits.len() - 1 {
            rest.strip_suffix(lit)?.len()
        } else {
            rest.find(lit)?
        };
        if end == 0 {
            return None;
        }
        out.push(&rest[..end]);
        rest = &rest[end + lit.len()..];
    }
    Some(out)
}

/// English message templates (`{}` for a variable part) -> Chinese (`{0}`, `{1}`... in the
/// order of the English). Specific templates come before general ones.
pub static MESSAGES: &[(&str, &str)] = &[
    // Loading: fatal errors (data::LoadError) and their details.
    (
        "{}: the file does not exist (was it moved or deleted?)",
        "{0}：文件不存在（是否已被移动或删除？）",
    ),
    (
        "{}: the file vanished or changed while it was being read ({}); nothing was loaded from it",
        "{0}：读取过程中文件消失或被修改（{1}）；未从中载入任何内容",
    ),
    ("{}: cannot be read: {}", "{0}：无法读取：{1}"),
    ("{}: the file is empty (0 bytes)", "{0}：文件为空（0 字节）"),
    (
        "{}: has a header but no data rows",
        "{0}：只有表头，没有数据行",
    ),
    (
        "{}: this is not a text table ({}); open a CSV, Parquet or .xlsx file",
        "{0}：这不是文本表格（{1}）；请打开 CSV、Parquet 或 .xlsx 文件",
    ),
    (
        "{}: the file is {} MB and would need about {} MB of memory, but only {} MB is available; export fewer columns or a shorter date range, or convert it to Parquet",
        "{0}：文件大小 {1} MB，约需 {2} MB 内存，但只有 {3} MB 可用；请导出更少的列或更短的日期范围，或转换为 Parquet",
    ),
    (
        "{}: only one column was found (header {}); the delimiter may be wrong: expected comma, semicolon or tab",
        "{0}：只找到一列（表头 {1}）；分隔符可能不对：应为逗号、分号或制表符",
    ),
    (
        "{}: row 1 has the column {} twice (columns {} and {}); rename one of them",
        "{0}：第 1 行中列 {1} 出现两次（第 {2} 列和第 {3} 列）；请重命名其中之一",
    ),
    (
        "{}: row 1, column {}: the header is empty; name every column",
        "{0}：第 1 行第 {1} 列：表头为空；请为每一列命名",
    ),
    (
        "{}: row {} has {} fields but the header has {}; check the delimiter and quoting on that row",
        "{0}：第 {1} 行有 {2} 个字段，但表头有 {3} 个；请检查该行的分隔符和引号",
    ),
    (
        "{}: missing required column(s) for a {} table: {}. Columns found: {}. Map a column to it in the mapping editor, or rename it",
        "{0}：{1}表缺少必需的列：{2}。找到的列：{3}。请在列映射编辑器中为其指定一列，或重命名该列",
    ),
    (
        "{}: no row has a usable ticker and date; nothing to load",
        "{0}：没有一行具有可用的代码和日期；无可载入的内容",
    ),
    (
        "{}: another file is still loading; try again when it has finished",
        "{0}：另一个文件仍在载入；请在其完成后重试",
    ),
    (
        "read failed after {} bytes of a block: {}",
        "读取数据块 {0} 字节后失败：{1}",
    ),
    ("read failed after {} bytes: {}", "读取 {0} 字节后失败：{1}"),
    (
        "expected {} bytes, got {}",
        "应为 {0} 字节，实际为 {1} 字节",
    ),
    ("it looks like {}", "它看起来是{0}"),
    ("it has a NUL byte at offset {}", "偏移 {0} 处有 NUL 字节"),
    ("too short to be a Parquet file", "太短，不是 Parquet 文件"),
    (
        "its size changed while it was being read",
        "读取过程中文件大小发生了变化",
    ),
    ("this is a folder, not a file", "这是文件夹，不是文件"),
    ("deleted before it could be opened", "打开之前已被删除"),
    (
        "an old-style Excel .xls or Office file (save it as .xlsx or CSV)",
        "旧式 Excel .xls 或 Office 文件（请另存为 .xlsx 或 CSV）",
    ),
    (
        "a gzip archive (unpack it first)",
        "gzip 压缩包（请先解压）",
    ),
    ("a SQLite database", "SQLite 数据库"),
    ("a PNG image", "PNG 图片"),
    ("the reader failed on this file", "读取器无法处理此文件"),
    (
        "not a readable .xlsx workbook: {}",
        "不是可读的 .xlsx 工作簿：{0}",
    ),
    (
        "no sheet named {}; sheets: {}",
        "没有名为 {0} 的工作表；现有工作表：{1}",
    ),
    ("the workbook has no sheets", "工作簿中没有工作表"),
    ("sheet {}: {}", "工作表 {0}：{1}"),
    (
        "column of type {} cannot hold dates",
        "类型为 {0} 的列不能存放日期",
    ),
    ("at least one numeric factor column", "至少一个数值型因子列"),
    ("close or return", "收盘价或收益率"),
    ("fundamentals", "基本面"),
    ("prices", "价格"),
    ("factors", "因子"),
    // Loading: the load report (cells set missing, rows excluded, warnings).
    (
        "Column '{}', {} cell(s): {}; {}. e.g. {}",
        "列 '{0}'，{1} 个单元格：{2}；{3}。例如 {4}",
    ),
    (
        "Duplicate key ({}, {}) in rows {}; the last is kept",
        "重复键（{0}，{1}）出现在第 {2} 行；保留最后一行",
    ),
    ("Excluded rows ({})", "被排除的行（{0}）"),
    (
        "… and {} more (halo-workbench inspect lists them all)",
        "……另有 {0} 行（halo-workbench inspect 可全部列出）",
    ),
    ("First {} of {} rows", "前 {0} 行，共 {1} 行"),
    ("row {}: {}", "第 {0} 行：{1}"),
    ("negative value", "负值"),
    ("zero or negative value", "零或负值"),
    ("value outside 0..1", "数值不在 0..1 之间"),
    ("value other than 0 or 1", "数值不是 0 或 1"),
    ("text in a numeric column", "数值列中有文本"),
    (
        "not a finite number (NaN or inf)",
        "不是有限数（NaN 或 inf）",
    ),
    ("unreadable date", "无法识别的日期"),
    ("set missing", "已设为缺失"),
    ("row excluded", "已排除该行"),
    (
        "duplicate key; row {} has the same ticker and date and is kept",
        "重复键；第 {0} 行的代码和日期相同，保留该行",
    ),
    (
        "column '{}' is mapped to unknown field '{}'; ignored",
        "列 '{0}' 被映射到未知字段 '{1}'；已忽略",
    ),
    (
        "date {} in column '{}' is not a date",
        "列 '{1}' 中的 {0} 不是日期",
    ),
    (
        "{} row(s) have no sector; they are scored as sector \"(none)\"",
        "{0} 行没有板块；按板块“(none)”计分",
    ),
    ("no ticker", "没有代码"),
    ("no date", "没有日期"),
    // Scoring: exclusions and notes.
    (
        "coverage {}% of weighted metrics, below {}%{}",
        "加权指标覆盖率 {0}%，低于 {1}%{2}",
    ),
    (
        "coverage {}% of weighted metrics, below {}%",
        "加权指标覆盖率 {0}%，低于 {1}%",
    ),
    (": no {}", "：缺少 {0}"),
    (
        "no report known by {} (report lag {} days)",
        "截至 {0} 尚无已知报告（报告滞后 {1} 天）",
    ),
    (
        "stale data: latest report ({}) usable for {} days, limit {}",
        "数据过期：最新报告（{0}）已使用 {1} 天，上限为 {2} 天",
    ),
    (
        "{}: no security has a value at {}; left out",
        "{0}：{1} 时没有任何证券有数值；已略去",
    ),
    (
        "every weight is zero: nothing to score",
        "所有权重均为零：无可计分",
    ),
    (
        "name cap {}% is infeasible for {} names; {}% used",
        "单只上限 {0}% 对 {1} 只证券不可行；改用 {2}%",
    ),
    (
        "sector cap {}% is infeasible for {} sectors; {}% used",
        "板块上限 {0}% 对 {1} 个板块不可行；改用 {2}%",
    ),
    ("no preset named {}", "没有名为 {0} 的预设"),
    // Analytics errors (engine::EngineError and their details).
    ("no data: {}", "无数据：{0}"),
    (
        "the loaded data cannot be used: {}",
        "载入的数据无法使用：{0}",
    ),
    ("invalid window: {}", "区间无效：{0}"),
    ("the regression cannot be solved: {}", "回归无法求解：{0}"),
    ("the fundamentals have no dates", "基本面数据没有日期"),
    ("no fundamentals table is loaded", "未载入基本面表"),
    ("no prices are loaded", "未载入价格数据"),
    ("there are no prices", "没有价格数据"),
    ("nothing prepared", "尚无已准备的数据"),
    ("the backtest needs prices", "回测需要价格数据"),
    (
        "the prices table has neither return nor close",
        "价格表既没有收益率也没有收盘价",
    ),
    ("the basket is empty", "篮子为空"),
    ("no returns on or before {}", "{0} 当日或之前没有收益率数据"),
    (
        "no returns between {} and {}; the prices cover {} to {}",
        "{0} 至 {1} 之间没有收益率；价格数据覆盖 {2} 至 {3}",
    ),
    (
        "{}: the window ends ({}) before it starts ({})",
        "{0}：区间结束（{1}）早于开始（{2}）",
    ),
    (
        "the window ends ({}) before it starts ({})",
        "区间结束（{0}）早于开始（{1}）",
    ),
    (
        "{}: {} to {} is not covered by the prices ({} to {})",
        "{0}：价格数据（{3} 至 {4}）未覆盖 {1} 至 {2}",
    ),
    (
        "no factor named {}; available: {}",
        "没有名为 {0} 的因子；可用的有：{1}",
    ),
    (
        "only {} months with every factor; widen the lookback",
        "所有因子都有数据的月份只有 {0} 个；请加长回看期",
    ),
    (
        "the factors {} are collinear over the lookback",
        "因子 {0} 在回看期内共线",
    ),
    (
        "the scenario shocks {}, which is not among the factors ({}); add it to the factor list",
        "情景冲击了 {0}，但它不在因子中（{1}）；请将其加入因子列表",
    ),
    (
        "the shocked factors' covariance is singular",
        "受冲击因子的协方差矩阵奇异",
    ),
    (
        "factor scenarios need price and factor data",
        "因子情景需要价格和因子数据",
    ),
    ("no metric or pillar named {}", "没有名为 {0} 的指标或支柱"),
    ("{}: no metric {}", "{0}：没有指标 {1}"),
    (
        "{} complete observations for {} parameters; widen the lookback or use fewer factors",
        "{1} 个参数只有 {0} 个完整观测；请加长回看期或减少因子",
    ),
    (
        "'{}' is constant or a combination of the other regressors (collinear)",
        "'{0}' 为常数或是其他回归变量的组合（共线）",
    ),
    (
        "no rebalance date has enough scored securities and a forward return",
        "没有任何调仓日有足够的已计分证券和远期收益",
    ),
    (
        "{} names with tied scores cannot fill {} distinct quantiles",
        "{0} 只得分相同的证券无法分成 {1} 个不同的分位组",
    ),
    // Status bar.
    ("reading {}%", "读取中 {0}%"),
    ("parsing and checking", "解析与检查中"),
    ("{} — {} — {} s", "{0} — {1} — {2} 秒"),
    ("{} — {} table(s) loaded", "{0} — 已载入 {1} 张表"),
    ("project {}", "项目 {0}"),
    ("{}: timed out", "{0}：超时"),
    // The dataset summary.
    ("{} rows kept of {} read", "保留 {0} 行，共读取 {1} 行"),
    ("{} securities", "{0} 只证券"),
    (
        "{} warning(s): see the load report",
        "{0} 条警告：见载入报告",
    ),
    ("{} — not loaded", "{0} — 未载入"),
    ("{}-separated", "{0}分隔"),
    ("comma", "逗号"),
    ("semicolon", "分号"),
    ("tab", "制表符"),
    ("pipe", "竖线"),
    // General forms last: a located message, a list of reasons, a rule for a field.
    ("{}, no {}", "{0}、{1}"),
    ("{}; {}", "{0}；{1}"),
    ("{} for {}", "{1}：{0}"),
    ("{}: {}", "{0}：{1}"),
    ("{} to {}", "{0} 至 {1}"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The source of every app module but this one.
    fn app_sources() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.ends_with("i18n.rs"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    #[test]
    fn every_tr_call_in_the_app_has_a_translation() {
        let mut missing = Vec::new();
        for text in app_sources() {
            for part in text.split("tr(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                if !TABLE.iter().any(|(k, _)| *k == key) {
                    missing.push(key.to_string());
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "no Chinese for: {missing:?}");
    }

    #[test]
    fn every_message_template_translates_its_own_instances() {
        for (i, (en, zh)) in MESSAGES.iter().enumerate() {
            assert!(
                !MESSAGES[..i].iter().any(|(x, _)| x == en),
                "duplicate {en}"
            );
            // Fill the placeholders with marks no template matches.
            let n = en.matches("{}").count();
            let mut msg = String::new();
            for (k, lit) in en.split("{}").enumerate() {
                msg.push_str(lit);
                if k < n {
                    msg.push_str(&format!("X{k}"));
                }
            }
            let mut want = zh.to_string();
            for k in 0..n {
                want = want.replace(&format!("{{{k}}}"), &format!("X{k}"));
            }
            // Each part is used once, and no earlier template takes the message.
            assert_eq!(translate_msg(&msg).as_deref(), Some(want.as_str()), "{en}");
            for k in 0..n {
                assert_eq!(want.matches(&format!("X{k}")).count(), 1, "{en}");
            }
            // Chinese characters, or at least Chinese punctuation.
            let chinese = |c: char| matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}');
            assert!(want.chars().any(chinese), "{en}");
        }
    }

    #[test]
    fn messages_nest_and_unknown_parts_stay() {
        set_lang(Lang::Zh);
        assert_eq!(
            tr_msg("data/f.csv: cannot be read: read failed after 10 bytes: disk error"),
            "data/f.csv：无法读取：读取 10 字节后失败：disk error"
        );
        assert_eq!(
            tr_msg("coverage 50% of weighted metrics, below 60%: no ppe_net, no total_assets"),
            "加权指标覆盖率 50%，低于 60%：缺少 ppe_net、total_assets"
        );
        assert_eq!(tr_msg("something new"), "something new");
        // Remembered translations read the same the second time.
        assert_eq!(tr_msg("no prices are loaded"), "未载入价格数据");
        assert_eq!(tr_msg("no prices are loaded"), "未载入价格数据");
        set_lang(Lang::En);
        assert_eq!(tr_msg("no prices are loaded"), "no prices are loaded");
    }

    #[test]
    fn every_formatted_message_in_the_app_has_a_template() {
        let mut missing = Vec::new();
        for text in app_sources() {
            for part in text.split("tr_msg(").skip(1) {
                let part = part
                    .trim_start()
                    .trim_start_matches("&format!(")
                    .trim_start();
                let Some(lit) = part.strip_prefix('"') else {
                    continue;
                };
                let lit = &lit[..lit.find('"').unwrap()];
                // "{name}", "{:.0}", "{:?}" ... are all a variable part.
                let mut template = String::new();
                let mut in_brace = false;
                for c in lit.chars() {
                    match (c, in_brace) {
                        ('{', _) => in_brace = true,
                        ('}', true) => {
                            template.push_str("{}");
                            in_brace = false;
                        }
                        (_, true) => {}
                        (c, false) => template.push(c),
                    }
                }
                if !MESSAGES.iter().any(|(k, _)| *k == template) {
                    missing.push(template);
                }
            }
        }
        assert!(missing.is_empty(), "no message template for: {missing:?}");
    }

    #[test]
    fn keys_are_unique_and_translated() {
        for (i, (k, zh)) in TABLE.iter().enumerate() {
            assert!(!zh.is_empty() && zh != k, "{k}");
            assert!(!TABLE[..i].iter().any(|(x, _)| x == k), "duplicate {k}");
        }
    }
}
