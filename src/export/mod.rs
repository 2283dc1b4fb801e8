//! Writing results: tables as CSV or Parquet (atomic writes), with text cells made safe
//! for spreadsheets, and PNG figures rendered off screen.

pub mod figure;

use std::path::Path;

use anyhow::{Context, Result, bail};
use polars::prelude::{
    CsvWriter, DataFrame, DataType, IntoColumn, ParquetCompression, ParquetWriter, SerWriter,
    StringChunked,
};

use crate::atomic::write_atomic;

/// A text cell a spreadsheet would run as a formula (= + - @, and tab / carriage return
/// that some import as one) gets a leading apostrophe, as OWASP recommends for CSV.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn sanitized(df: &DataFrame) -> Result<DataFrame> {
    let mut out = df.clone();
    for c in df.columns() {
        if c.dtype() == &DataType::String {
            let ca: StringChunked = c
                .str()?
                .iter()
                .map(|v| v.map(|s| csv_safe(s).into_owned()))
                .collect();
            out.replace(
                c.name().as_str(),
                ca.with_name(c.name().clone()).into_column(),
            )?;
        }
    }
    Ok(out)
}

/// Write `df` to `path` as CSV or Parquet (by extension), atomically.
pub fn write_table(df: &DataFrame, path: &Path) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut buf = Vec::new();
    match ext.as_str() {
        "csv" => CsvWriter::new(&mut buf).finish(&mut sanitized(df)?)?,
        "parquet" => {
            ParquetWriter::new(&mut buf)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut df.clone())?;
        }
        other => bail!(
            "{}: unknown output format {other:?}; use .csv or .parquet",
            path.display()
        ),
    }
    write_atomic(path, &buf).with_context(|| format!("{}: cannot write", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::Column;

    #[test]
    fn formula_cells_are_defused_and_numbers_kept() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("XOM US Equity"), "XOM US Equity");
        let df = DataFrame::new(
            2,
            vec![
                Column::new("name".into(), ["+cmd", "Exxon"]),
                Column::new("x".into(), [-1.5, 2.0]),
            ],
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        write_table(&df, &p).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "name,x\n'+cmd,-1.5\nExxon,2.0\n"
        );
    }
}
