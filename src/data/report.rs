//! The load report: what was read, what was kept, and why anything was not. Every
//! problem, reason and warning is a variant with its fields, written in English and
//! Chinese by an exhaustive match.

use serde::{Serialize, Serializer};

use super::schema::{PercentCue, ResolvedColumn, TableKind, Target, ValueRule};
use crate::bi;
use crate::i18n::{Align, Lang, Localize, join, pad};

/// At most this many example cells are kept per (column, problem); counts stay exact.
pub const MAX_EXAMPLES: usize = 5;

/// At most this many excluded rows are listed (with their reasons); the count of all of
/// them stays exact. A file of millions of bad rows would otherwise make a report larger
/// than its table.
pub const MAX_EXCLUDED_LISTED: usize = 100_000;

/// Messages appear in the JSON report as their English text.
fn english<T: Localize, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.localize(Lang::En))
}

fn english_list<T: Localize, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|x| x.localize(Lang::En)))
}

/// What is wrong with a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum CellIssue {
    TextInNumeric,
    NotFinite,
    /// The value breaks the field's rule (a negative total assets, a zero price).
    Rule {
        rule: ValueRule,
        field: String,
    },
    UnreadableDate,
    /// A date outside the years the file's dates may have.
    DateOutsideYears {
        first: i32,
        last: i32,
    },
}

impl Localize for CellIssue {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CellIssue::TextInNumeric => bi!(lang, "text in a numeric column", "数值列中有文本"),
            CellIssue::NotFinite => bi!(
                lang,
                "not a finite number (NaN or inf)",
                "不是有限数（NaN 或 inf）"
            ),
            CellIssue::Rule { rule, field } => {
                let what = match (rule, lang) {
                    (ValueRule::NonNegative, Lang::En) => "negative value",
                    (ValueRule::NonNegative, Lang::Zh) => "负值",
                    (ValueRule::Positive, Lang::En) => "zero or negative value",
                    (ValueRule::Positive, Lang::Zh) => "零或负值",
                    (ValueRule::UnitInterval, Lang::En) => "value outside 0..1",
                    (ValueRule::UnitInterval, Lang::Zh) => "数值不在 0..1 之间",
                    (ValueRule::Flag, Lang::En) => "value other than 0 or 1",
                    (ValueRule::Flag, Lang::Zh) => "数值不是 0 或 1",
                    (ValueRule::Price, Lang::En) => "price not above 0 or not below 1e12",
                    (ValueRule::Price, Lang::Zh) => "价格不大于 0 或不小于 1e12",
                    (ValueRule::Return, Lang::En) => "return below -100% or above +1000%",
                    (ValueRule::Return, Lang::Zh) => "收益率低于 -100% 或高于 +1000%",
                    (ValueRule::Any | ValueRule::Share, Lang::En) => "value out of range",
                    (ValueRule::Any | ValueRule::Share, Lang::Zh) => "数值超出范围",
                };
                bi!(lang, "{what} for {field}", "{field}：{what}")
            }
            CellIssue::UnreadableDate => bi!(lang, "unreadable date", "无法识别的日期"),
            CellIssue::DateOutsideYears { first, last } => bi!(
                lang,
                "date outside the years {first} to {last}",
                "日期不在 {first} 年至 {last} 年之间"
            ),
        }
    }
}

/// What was done about a problem cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellAction {
    SetMissing,
    RowExcluded,
}

impl Localize for CellAction {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CellAction::SetMissing => bi!(lang, "set missing", "已设为缺失"),
            CellAction::RowExcluded => bi!(lang, "row excluded", "已排除该行"),
        }
    }
}

/// Why a row was excluded.
#[derive(Clone, Debug, PartialEq)]
pub enum RowReason {
    /// Its date cell could not be read (or lies outside the plausible years).
    Date {
        text: String,
        column: String,
    },
    /// Its date lies outside the years the file's dates may have.
    DateOutsideYears {
        date: String,
        column: String,
        first: i32,
        last: i32,
    },
    NoDate,
    NoTicker,
    /// An attributes row with no ticker, industry or sector to join it by.
    NoKey,
    /// Another attributes row has the same key; that one is kept.
    RepeatedKey {
        kept: usize,
    },
    /// Another row has the same ticker and date; that one is kept.
    Duplicate {
        kept: usize,
    },
}

impl Localize for RowReason {
    fn localize(&self, lang: Lang) -> String {
        match self {
            RowReason::Date { text, column } => bi!(
                lang,
                "date {text:?} in column '{column}' is not a date",
                "列 '{column}' 中的 {text:?} 不是日期"
            ),
            RowReason::DateOutsideYears {
                date,
                column,
                first,
                last,
            } => bi!(
                lang,
                "date {date} in column '{column}' is outside the years {first} to {last} (a file's options can widen them)",
                "列 '{column}' 中的日期 {date} 不在 {first} 年至 {last} 年之间（可在文件选项中放宽）"
            ),
            RowReason::NoDate => bi!(lang, "no date", "没有日期"),
            RowReason::NoTicker => bi!(lang, "no ticker", "没有代码"),
            RowReason::NoKey => bi!(
                lang,
                "no ticker, industry or sector to join it by",
                "没有可用于连接的代码、细分行业或行业"
            ),
            RowReason::RepeatedKey { kept } => bi!(
                lang,
                "repeated key; row {kept} has the same key and is kept",
                "重复键；第 {kept} 行的键相同，保留该行"
            ),
            RowReason::Duplicate { kept } => bi!(
                lang,
                "duplicate key; row {kept} has the same ticker and date and is kept",
                "重复键；第 {kept} 行的代码和日期相同，保留该行"
            ),
        }
    }
}

/// A warning about the table as a whole.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadWarning {
    UnknownField {
        header: String,
        field: String,
    },
    NoSector {
        rows: usize,
    },
    /// Lines of a GBK/GB18030 file written in UTF-8 (read as UTF-8; first few listed).
    MixedEncoding {
        lines: Vec<usize>,
        count: usize,
    },
    /// A table combined from several files of one kind: each file and its rows kept.
    Combined {
        files: Vec<(String, usize)>,
    },
    /// Rows whose key (ticker and date, or the date) another file has too: merged, each
    /// column taking the later file's value where it has one (the first such key shown).
    OverlapAcrossFiles {
        count: usize,
        ticker: String,
        date: String,
    },
    /// A prices file without a ticker column: every row is this security, named by the
    /// file.
    TickerFromFileName {
        ticker: String,
    },
    /// The same, named by a line above the header (Wind's and Choice's title line).
    TickerFromHeaderLine {
        ticker: String,
        line: String,
    },
    /// Lines above the header that are not the table: skipped (row numbers count them).
    Preamble {
        /// Lines skipped, blank ones included.
        count: usize,
        /// The ones with text.
        lines: Vec<String>,
    },
    /// Rows with fewer fields than the header, kept with their last cells missing (as
    /// (row, fields found); the first [`MAX_EXCLUDED_LISTED`] held, the first few shown).
    /// A short row that is excluded anyway (a footer line) is left to its exclusion.
    ShortRows {
        rows: Vec<(usize, usize)>,
        count: usize,
        expected: usize,
    },
    /// A ratio column in percent, read as a fraction (divided by 100).
    PercentScaled {
        header: String,
        cue: crate::data::schema::PercentCue,
    },
}

impl Localize for LoadWarning {
    fn localize(&self, lang: Lang) -> String {
        match self {
            LoadWarning::UnknownField { header, field } => bi!(
                lang,
                "column '{header}' is mapped to unknown field '{field}'; ignored",
                "列 '{header}' 被映射到未知字段 '{field}'；已忽略"
            ),
            LoadWarning::Combined { files } => {
                let n = files.len();
                let list: Vec<String> = files
                    .iter()
                    .take(MAX_EXAMPLES)
                    .map(|(f, rows)| match lang {
                        Lang::En => format!("{f} ({rows} rows)"),
                        Lang::Zh => format!("{f}（{rows} 行）"),
                    })
                    .collect();
                let mut list = join(lang, &list);
                if n > MAX_EXAMPLES {
                    list.push_str(match lang {
                        Lang::En => " …",
                        Lang::Zh => "……",
                    });
                }
                bi!(
                    lang,
                    "one table from {n} files: {list}",
                    "由 {n} 个文件合成一张表：{list}"
                )
            }
            LoadWarning::OverlapAcrossFiles {
                count,
                ticker,
                date,
            } => bi!(
                lang,
                "{count} row(s) shared their ticker and date with a row of another file: merged into one, each column taking the later file's value where it has one (first: {ticker} {date})",
                "{count} 行与其他文件中的行代码和日期相同：已合并为一行，各列取后面文件中的值（若有）（首例：{ticker} {date}）"
            ),
            LoadWarning::TickerFromFileName { ticker } => bi!(
                lang,
                "no ticker column: every row is {ticker:?}, the file's name",
                "没有代码列：所有行均为 {ticker:?}（取自文件名）"
            ),
            LoadWarning::TickerFromHeaderLine { ticker, line } => bi!(
                lang,
                "no ticker column: every row is {ticker:?}, from the line {line:?} above the header",
                "没有代码列：所有行均为 {ticker:?}（取自表头上方的 {line:?}）"
            ),
            LoadWarning::Preamble { count, lines } if lines.is_empty() => bi!(
                lang,
                "{count} blank line(s) above the header were skipped",
                "跳过了表头上方的 {count} 个空行"
            ),
            LoadWarning::Preamble { count, lines } => {
                let n = count;
                let list = join(
                    lang,
                    &lines.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>(),
                );
                bi!(
                    lang,
                    "{n} line(s) above the header are not the table and were skipped: {list}",
                    "表头上方的 {n} 行不属于表格，已跳过：{list}"
                )
            }
            LoadWarning::MixedEncoding { lines, count } => {
                let list: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                let list = join(lang, &list);
                bi!(
                    lang,
                    "{count} line(s) of this GBK/GB18030 file are UTF-8 (lines {list}); they were read as UTF-8: check their text",
                    "此 GBK/GB18030 文件中有 {count} 行为 UTF-8 编码（第 {list} 行）；已按 UTF-8 读取：请检查其文字"
                )
            }
            LoadWarning::ShortRows {
                rows,
                count,
                expected,
            } => {
                let list: Vec<String> = rows
                    .iter()
                    .take(MAX_EXAMPLES)
                    .map(|(r, f)| match lang {
                        Lang::En => format!("row {r}: {f}"),
                        Lang::Zh => format!("第 {r} 行：{f} 个"),
                    })
                    .collect();
                let list = join(lang, &list);
                bi!(
                    lang,
                    "{count} row(s) have fewer fields than the header's {expected} ({list}); their last cells are read as missing: check the file was not cut or misquoted",
                    "{count} 行的字段少于表头的 {expected} 个（{list}）；缺少的单元格按缺失值读取：请检查文件是否被截断或引号有误"
                )
            }
            LoadWarning::PercentScaled { header, cue } => match cue {
                PercentCue::Header => bi!(
                    lang,
                    "'{header}' is in percent (its header says so): read as a fraction, divided by 100",
                    "'{header}' 以百分比表示（表头注明）：已除以 100，按小数读取"
                ),
                PercentCue::HighValues { p90, limit } => {
                    let (p90, limit) = (format!("{p90:.2}"), format!("{limit}"));
                    bi!(
                        lang,
                        "'{header}' is read as percent and divided by 100: the 90th percentile of its non-zero values, {p90}, is above {limit}, more than the ratio reaches as a fraction",
                        "'{header}' 按百分比读取并除以 100：其非零值的 90% 分位数为 {p90}，高于 {limit}，超出该比率以小数表示时的范围"
                    )
                }
            },
            LoadWarning::NoSector { rows } => bi!(
                lang,
                "{rows} row(s) have no sector; they are scored as sector \"(none)\"",
                "{rows} 行没有板块；按板块“(none)”计分"
            ),
        }
    }
}

/// The field separator of a delimited text file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
    Pipe,
}

impl Delimiter {
    pub fn of(byte: u8) -> Delimiter {
        match byte {
            b'\t' => Delimiter::Tab,
            b';' => Delimiter::Semicolon,
            b'|' => Delimiter::Pipe,
            _ => Delimiter::Comma,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
            Delimiter::Pipe => "pipe",
        }
    }
}

impl Localize for Delimiter {
    fn localize(&self, lang: Lang) -> String {
        let name = match (self, lang) {
            (_, Lang::En) => self.id(),
            (Delimiter::Comma, Lang::Zh) => "逗号",
            (Delimiter::Semicolon, Lang::Zh) => "分号",
            (Delimiter::Tab, Lang::Zh) => "制表符",
            (Delimiter::Pipe, Lang::Zh) => "竖线",
        };
        bi!(lang, "{name}-separated", "{name}分隔")
    }
}

crate::english_display!(CellIssue, CellAction, RowReason, LoadWarning, Delimiter);

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ColumnStats {
    pub column: String,
    pub header: String,
    pub dtype: String,
    pub missing: usize,
}

/// One kind of problem in one column, e.g. text in a numeric column.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CellProblem {
    pub header: String,
    #[serde(serialize_with = "english")]
    pub problem: CellIssue,
    /// What was done about those cells.
    #[serde(serialize_with = "english")]
    pub action: CellAction,
    pub count: usize,
    /// (spreadsheet row number, cell text)
    pub examples: Vec<(usize, String)>,
    /// The file the rows are in, in a table combined from several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExcludedRow {
    /// Spreadsheet row number: the header is row 1.
    pub row: usize,
    #[serde(rename = "reason", serialize_with = "english_list")]
    pub reasons: Vec<RowReason>,
    /// The file the row is in, in a table combined from several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl ExcludedRow {
    /// "row 5", or "row 5 of XLE.csv" in a combined table.
    pub fn place(&self, lang: Lang) -> String {
        let row = self.row;
        match &self.file {
            Some(f) => bi!(lang, "row {row} of {f}", "{f} 第 {row} 行"),
            None => bi!(lang, "row {row}", "第 {row} 行"),
        }
    }
}

impl Localize for ExcludedRow {
    fn localize(&self, lang: Lang) -> String {
        let reasons: Vec<String> = self.reasons.iter().map(|r| r.localize(lang)).collect();
        reasons.join(match lang {
            Lang::En => "; ",
            Lang::Zh => "；",
        })
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DuplicateKey {
    pub ticker: String,
    pub date: String,
    pub rows: Vec<usize>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LoadReport {
    pub file: String,
    pub kind: TableKind,
    /// "CSV", "Parquet", "Excel .xlsx": names, the same in every language.
    pub format: String,
    /// "UTF-8", "GB18030/GBK" ...; empty for binary formats.
    pub encoding: String,
    pub delimiter: Option<Delimiter>,
    pub rows_read: usize,
    pub rows_kept: usize,
    pub columns: Vec<ResolvedColumn>,
    pub stats: Vec<ColumnStats>,
    pub problems: Vec<CellProblem>,
    pub duplicates: Vec<DuplicateKey>,
    /// The first [`MAX_EXCLUDED_LISTED`] excluded rows, with their reasons.
    pub excluded: Vec<ExcludedRow>,
    /// Every excluded row, listed or not.
    pub excluded_total: usize,
    #[serde(serialize_with = "english_list")]
    pub warnings: Vec<LoadWarning>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub tickers: Option<usize>,
}

impl LoadReport {
    /// Every row number in the report moved down by `lines` (lines above the header that
    /// the reader skipped), so they stay the file's own line numbers.
    pub fn shift_rows(&mut self, lines: usize) {
        for p in &mut self.problems {
            for (r, _) in &mut p.examples {
                *r += lines;
            }
        }
        for e in &mut self.excluded {
            e.row += lines;
            for reason in &mut e.reasons {
                if let RowReason::Duplicate { kept } | RowReason::RepeatedKey { kept } = reason {
                    *kept += lines;
                }
            }
        }
        for d in &mut self.duplicates {
            for r in &mut d.rows {
                *r += lines;
            }
        }
        for w in &mut self.warnings {
            if let LoadWarning::ShortRows { rows, .. } = w {
                for (r, _) in rows {
                    *r += lines;
                }
            }
        }
    }

    pub fn new(file: String, kind: TableKind, format: &str) -> Self {
        Self {
            file,
            kind,
            format: format.into(),
            encoding: String::new(),
            delimiter: None,
            rows_read: 0,
            rows_kept: 0,
            columns: Vec::new(),
            stats: Vec::new(),
            problems: Vec::new(),
            duplicates: Vec::new(),
            excluded: Vec::new(),
            excluded_total: 0,
            warnings: Vec::new(),
            first_date: None,
            last_date: None,
            tickers: None,
        }
    }

    /// Record `count` problem cells in a column, keeping the first examples.
    pub fn add_problem(
        &mut self,
        header: &str,
        problem: CellIssue,
        action: CellAction,
        cells: Vec<(usize, String)>,
    ) {
        if cells.is_empty() {
            return;
        }
        let count = cells.len();
        let examples = cells.into_iter().take(MAX_EXAMPLES).collect();
        self.problems.push(CellProblem {
            header: header.into(),
            problem,
            action,
            count,
            examples,
            file: None,
        });
    }

    /// Problems and exclusions count as warnings: the file loaded, but not all of it as is.
    pub fn warning_count(&self) -> usize {
        self.problems.len() + self.excluded_total + self.warnings.len() + self.duplicates.len()
    }

    /// "CSV, GB18030/GBK, semicolon-separated", "Parquet".
    pub fn format_summary(&self, lang: Lang) -> String {
        let mut parts = vec![self.format.clone()];
        if !self.encoding.is_empty() {
            parts.push(self.encoding.clone());
        }
        if let Some(d) = &self.delimiter {
            parts.push(d.localize(lang));
        }
        join(lang, &parts)
    }
}

impl Localize for CellProblem {
    fn localize(&self, lang: Lang) -> String {
        let h = &self.header;
        let column = match &self.file {
            Some(f) => bi!(lang, "column '{h}' of {f}", "{f} 的列 '{h}'"),
            None => bi!(lang, "column '{h}'", "列 '{h}'"),
        };
        let count = self.count;
        let problem = self.problem.localize(lang);
        let action = self.action.localize(lang);
        let examples: Vec<String> = self
            .examples
            .iter()
            .map(|(row, v)| bi!(lang, "row {row}: {v:?}", "第 {row} 行：{v:?}"))
            .collect();
        let examples = examples.join(match lang {
            Lang::En => "; ",
            Lang::Zh => "；",
        });
        bi!(
            lang,
            "{column}: {problem} in {count} cell(s), {action} (e.g. {examples})",
            "{column}：{count} 个单元格{problem}，{action}（例如 {examples}）"
        )
    }
}

impl Localize for DuplicateKey {
    fn localize(&self, lang: Lang) -> String {
        let (ticker, date) = (&self.ticker, &self.date);
        let rows: Vec<String> = self.rows.iter().map(|r| r.to_string()).collect();
        let rows = join(lang, &rows);
        if date.is_empty() {
            // An attributes table's key has no date.
            return bi!(
                lang,
                "duplicate key {ticker:?} in rows {rows}; the last is kept",
                "重复键 {ticker:?} 出现在第 {rows} 行；保留最后一行"
            );
        }
        bi!(
            lang,
            "duplicate key ({ticker}, {date}) in rows {rows}; the last is kept",
            "重复键（{ticker}，{date}）出现在第 {rows} 行；保留最后一行"
        )
    }
}

/// How a column was read, for the report and the mapping editor.
pub fn target_text(t: &Target, lang: Lang) -> String {
    match t {
        Target::Field(f) => super::schema::field_name(f, lang),
        Target::Custom(n) => bi!(lang, "{n} (custom)", "{n}（自定义）"),
        Target::Ignore => "—".into(),
    }
}

/// The report as a person reads it (the command line's `inspect`).
impl Localize for LoadReport {
    fn localize(&self, lang: Lang) -> String {
        let mut s = String::new();
        let mut line = |l: String| {
            s.push_str(&l);
            s.push('\n');
        };
        let kind = super::error::kind_name(self.kind, lang);
        let (file, format) = (&self.file, self.format_summary(lang));
        line(format!("{file} — {kind} ({format})"));
        let (read, kept, excluded) = (self.rows_read, self.rows_kept, self.excluded_total);
        line(bi!(
            lang,
            "  rows read {read}, kept {kept}, excluded {excluded}",
            "  读取 {read} 行，保留 {kept} 行，排除 {excluded} 行"
        ));
        if let (Some(a), Some(b)) = (&self.first_date, &self.last_date) {
            let dates = bi!(lang, "  dates {a} .. {b}", "  日期 {a} .. {b}");
            line(match self.tickers {
                Some(t) => dates + &bi!(lang, ", {t} tickers", "，{t} 个代码"),
                None => dates,
            });
        }
        line(bi!(lang, "  columns:", "  列："));
        for c in &self.columns {
            let to = target_text(&c.target, lang);
            let how = c.how.localize(lang);
            let missing = self
                .stats
                .iter()
                .find(|st| st.header == c.header)
                .map(|st| {
                    let m = st.missing;
                    bi!(lang, ", {m} missing", "，缺失 {m}")
                })
                .unwrap_or_default();
            // Padded by display width: a Chinese header takes two columns a character.
            line(format!(
                "    {} -> {} [{how}{missing}]",
                pad(&c.header.replace('\n', " "), 34, Align::Left),
                pad(&to, 22, Align::Left)
            ));
        }
        let warning = |w: String| bi!(lang, "  warning: {w}", "  警告：{w}");
        for p in &self.problems {
            line(warning(p.localize(lang)));
        }
        for d in self.duplicates.iter().take(MAX_EXAMPLES) {
            line(warning(d.localize(lang)));
        }
        if self.duplicates.len() > MAX_EXAMPLES {
            let n = self.duplicates.len();
            line(warning(bi!(
                lang,
                "{n} duplicate (ticker, date) keys in all",
                "共 {n} 个重复的（代码，日期）键"
            )));
        }
        for w in &self.warnings {
            line(warning(w.localize(lang)));
        }
        for e in &self.excluded {
            let (place, why) = (e.place(lang), e.localize(lang));
            line(bi!(
                lang,
                "  excluded {place}: {why}",
                "  排除{place}：{why}"
            ));
        }
        let more = self.excluded_total - self.excluded.len();
        if more > 0 {
            line(bi!(
                lang,
                "  and {more} more excluded rows (the first {MAX_EXCLUDED_LISTED} are listed)",
                "  另有 {more} 行被排除（只列出前 {MAX_EXCLUDED_LISTED} 行）"
            ));
        }
        s
    }
}

crate::english_display!(ExcludedRow, CellProblem, DuplicateKey, LoadReport);
