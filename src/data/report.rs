//! The load report: what was read, what was kept, and why anything was not.

use serde::Serialize;
use std::fmt::Write as _;

use super::schema::{ResolvedColumn, TableKind};

/// At most this many example cells are kept per (column, problem); counts stay exact.
pub const MAX_EXAMPLES: usize = 5;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ColumnStats {
    pub column: String,
    pub header: String,
    pub dtype: String,
    pub missing: usize,
}

/// One kind of problem in one column, e.g. "text in a numeric column".
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CellProblem {
    pub header: String,
    pub problem: String,
    /// What was done: "set missing", "row excluded".
    pub action: String,
    pub count: usize,
    /// (spreadsheet row number, cell text)
    pub examples: Vec<(usize, String)>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExcludedRow {
    /// Spreadsheet row number: the header is row 1.
    pub row: usize,
    pub reason: String,
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
    pub format: String,
    pub encoding: String,
    pub delimiter: Option<String>,
    pub rows_read: usize,
    pub rows_kept: usize,
    pub columns: Vec<ResolvedColumn>,
    pub stats: Vec<ColumnStats>,
    pub problems: Vec<CellProblem>,
    pub duplicates: Vec<DuplicateKey>,
    pub excluded: Vec<ExcludedRow>,
    pub warnings: Vec<String>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub tickers: Option<usize>,
}

impl LoadReport {
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
        problem: &str,
        action: &str,
        cells: Vec<(usize, String)>,
    ) {
        if cells.is_empty() {
            return;
        }
        let count = cells.len();
        let examples = cells.into_iter().take(MAX_EXAMPLES).collect();
        self.problems.push(CellProblem {
            header: header.into(),
            problem: problem.into(),
            action: action.into(),
            count,
            examples,
        });
    }

    /// Problems and exclusions count as warnings: the file loaded, but not all of it as is.
    pub fn warning_count(&self) -> usize {
        self.problems.len() + self.excluded.len() + self.warnings.len() + self.duplicates.len()
    }

    /// "CSV, GB18030/GBK, semicolon-separated", "Parquet".
    pub fn format_summary(&self) -> String {
        self.format_parts().join(", ")
    }

    /// Format, encoding and delimiter, each on its own (the window translates each).
    pub fn format_parts(&self) -> Vec<String> {
        let mut parts = vec![self.format.clone()];
        if !self.encoding.is_empty() {
            parts.push(self.encoding.clone());
        }
        if let Some(d) = &self.delimiter {
            parts.push(format!("{d}-separated"));
        }
        parts
    }

    /// The report as a person reads it (the CLI's `inspect`).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} — {} ({})",
            self.file,
            self.kind,
            self.format_summary()
        );
        let _ = writeln!(
            s,
            "  rows read {}, kept {}, excluded {}",
            self.rows_read,
            self.rows_kept,
            self.excluded.len()
        );
        if let (Some(a), Some(b)) = (&self.first_date, &self.last_date) {
            let _ = write!(s, "  dates {a} .. {b}");
            if let Some(t) = self.tickers {
                let _ = write!(s, ", {t} tickers");
            }
            s.push('\n');
        }
        let _ = writeln!(s, "  columns:");
        for c in &self.columns {
            let to = match &c.target {
                super::schema::Target::Field(f) => f.clone(),
                super::schema::Target::Custom(n) => format!("{n} (custom)"),
                super::schema::Target::Ignore => "—".into(),
            };
            let missing = self
                .stats
                .iter()
                .find(|st| st.header == c.header)
                .map(|st| format!(", {} missing", st.missing))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "    {:<34} -> {:<22} [{}{}]",
                c.header.replace('\n', " "),
                to,
                c.how,
                missing
            );
        }
        for p in &self.problems {
            let ex: Vec<String> = p
                .examples
                .iter()
                .map(|(r, v)| format!("row {r}: {v:?}"))
                .collect();
            let _ = writeln!(
                s,
                "  warning: column '{}': {} in {} cell(s), {} (e.g. {})",
                p.header,
                p.problem,
                p.count,
                p.action,
                ex.join("; ")
            );
        }
        for d in self.duplicates.iter().take(MAX_EXAMPLES) {
            let rows: Vec<String> = d.rows.iter().map(|r| r.to_string()).collect();
            let _ = writeln!(
                s,
                "  warning: duplicate key ({}, {}) in rows {}",
                d.ticker,
                d.date,
                rows.join(", ")
            );
        }
        if self.duplicates.len() > MAX_EXAMPLES {
            let _ = writeln!(
                s,
                "  warning: {} duplicate (ticker, date) keys in all",
                self.duplicates.len()
            );
        }
        for w in &self.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
        for e in &self.excluded {
            let _ = writeln!(s, "  excluded row {}: {}", e.row, e.reason);
        }
        s
    }
}
