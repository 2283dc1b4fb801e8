//! Fatal load errors. Each names the file and, where one applies, the row and column,
//! and says what the user can do.

use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("{file}: the file does not exist (was it moved or deleted?)")]
    NotFound { file: String },
    #[error(
        "{file}: the file vanished or changed while it was being read ({detail}); nothing was loaded from it"
    )]
    Vanished { file: String, detail: String },
    #[error("{file}: cannot be read: {detail}")]
    Io { file: String, detail: String },
    #[error("{file}: the file is empty (0 bytes)")]
    Empty { file: String },
    #[error("{file}: has a header but no data rows")]
    NoRows { file: String },
    #[error("{file}: this is not a text table ({detail}); open a CSV, Parquet or .xlsx file")]
    Binary { file: String, detail: String },
    #[error(
        "{file}: the file is {size_mb:.0} MB and would need about {need_mb:.0} MB of memory, but only {avail_mb:.0} MB is available; \
         export fewer columns or a shorter date range, or convert it to Parquet"
    )]
    TooLarge {
        file: String,
        size_mb: f64,
        need_mb: f64,
        avail_mb: f64,
    },
    #[error(
        "{file}: only one column was found (header {header:?}); the delimiter may be wrong: expected comma, semicolon or tab"
    )]
    OneColumn { file: String, header: String },
    #[error(
        "{file}: row 1 has the column {header:?} twice (columns {first} and {second}); rename one of them"
    )]
    DuplicateHeader {
        file: String,
        header: String,
        first: usize,
        second: usize,
    },
    #[error("{file}: row 1, column {column}: the header is empty; name every column")]
    EmptyHeader { file: String, column: usize },
    #[error(
        "{file}: row {row} has {found} fields but the header has {expected}; check the delimiter and quoting on that row"
    )]
    Ragged {
        file: String,
        row: usize,
        found: usize,
        expected: usize,
    },
    #[error(
        "{file}: missing required column(s) for a {kind} table: {missing}. Columns found: {found}. Map a column to it in the mapping editor, or rename it"
    )]
    MissingColumns {
        file: String,
        kind: String,
        missing: String,
        found: String,
    },
    #[error("{file}: no row has a usable ticker and date; nothing to load")]
    NothingKept { file: String },
    #[error("{file}: {detail}")]
    Format { file: String, detail: String },
}

pub fn file_label(path: &Path) -> String {
    path.display().to_string()
}
