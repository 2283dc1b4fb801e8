//! From a raw table to a canonical one: mapped names, typed columns, values checked,
//! duplicates resolved, rows sorted by (ticker, date), and every change reported.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use super::dates;
use super::error::{LoadError, Missing, Unreadable};
use super::read::{RawTable, col_name};
use super::report::{
    CellAction, CellIssue, CellProblem, ColumnStats, Delimiter, DuplicateKey, ExcludedRow,
    LoadReport, LoadWarning, RowReason,
};
use super::schema::{
    AttributeLevel, ColumnMapping, FieldType, TableKind, Target, ValueRule, field,
    normalize_header, required, resolve_columns,
};

/// Spreadsheet row number of data row `i` (header is row 1).
fn row_no(i: usize) -> usize {
    i + 2
}

/// Whether a column holds numbers: typed numeric, or text of which most sampled cells
/// parse as numbers (then the rest are reported as text in a numeric column).
fn is_numeric(s: &Series, decimal_comma: bool) -> bool {
    if s.dtype().is_primitive_numeric() || s.dtype().is_bool() {
        return true;
    }
    let Ok(ca) = s.str() else { return false };
    let sample: Vec<&str> = ca.iter().flatten().take(200).collect();
    if sample.is_empty() {
        return false;
    }
    let ok = sample
        .iter()
        .filter(|v| parse_number(v, decimal_comma).is_some())
        .count();
    ok * 10 >= sample.len() * 8
}

/// A number as exports write it: "1234.5", "1,234.5", " 12 ", "1.2e9"; an accounting
/// negative "(123)"; a percentage "12%" (0.12); with a decimal comma, "1234,5" and
/// "1.234,5".
fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    let t = s.trim();
    if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        return parse_number(inner, decimal_comma).map(|x| -x);
    }
    if let Some(pct) = t.strip_suffix('%') {
        return parse_number(pct, decimal_comma).map(|x| x / 100.0);
    }
    if decimal_comma {
        let swapped: String = t
            .chars()
            .filter(|c| *c != '.')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        return swapped.parse().ok();
    }
    t.parse::<f64>().ok().or_else(|| {
        let cleaned: String = t.chars().filter(|c| *c != ',' && *c != '_').collect();
        if cleaned.len() < t.len() {
            cleaned.parse().ok()
        } else {
            None
        }
    })
}

/// Whether a value breaks its field's rule.
fn breaks(rule: ValueRule, v: f64) -> bool {
    match rule {
        ValueRule::Any => false,
        ValueRule::NonNegative => v < 0.0,
        ValueRule::Positive => v <= 0.0,
        ValueRule::UnitInterval => !(0.0..=1.0).contains(&v),
        ValueRule::Flag => v != 0.0 && v != 1.0,
        ValueRule::Price => v <= 0.0 || v >= 1e12,
        ValueRule::Return => !(-1.0..=10.0).contains(&v),
        ValueRule::Share => false,
    }
}

/// A share column in percent (its header or its median says so, see
/// [`crate::data::schema::percent_cue`]) divided by 100, with a warning naming the cue.
fn share_as_fraction(
    s: Series,
    header: &str,
    id: &str,
    report: &mut LoadReport,
) -> PolarsResult<Series> {
    let values: Vec<f64> = s.f64()?.iter().flatten().collect();
    let Some(cue) = crate::data::schema::percent_cue(id, header, &values) else {
        return Ok(s);
    };
    report.warnings.push(LoadWarning::PercentScaled {
        header: header.to_string(),
        cue,
    });
    Ok((s.f64()? / 100.0).into_series())
}

/// Convert a column to f64, setting unreadable, non-finite and rule-breaking cells missing
/// and reporting each kind with row examples.
fn to_number(
    s: &Series,
    header: &str,
    id: &str,
    rule: ValueRule,
    decimal_comma: bool,
    report: &mut LoadReport,
) -> PolarsResult<Series> {
    let name: PlSmallStr = id.into();
    let mut values: Vec<Option<f64>> = match s.dtype() {
        DataType::String => {
            let ca = s.str()?;
            let mut bad = Vec::new();
            let v = ca
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    let cell = cell?;
                    let x = parse_number(cell, decimal_comma);
                    if x.is_none() {
                        bad.push((row_no(i), cell.to_string()));
                    }
                    x
                })
                .collect();
            report.add_problem(
                header,
                CellIssue::TextInNumeric,
                CellAction::SetMissing,
                bad,
            );
            v
        }
        _ => {
            let c = s.cast(&DataType::Float64)?;
            let ca = c.f64()?;
            // Fast path: nothing to fix (the common case for large clean files).
            let clean = ca
                .iter()
                .flatten()
                .all(|x| x.is_finite() && !breaks(rule, x));
            if clean {
                return Ok(c.with_name(name));
            }
            ca.iter().collect()
        }
    };
    let mut non_finite = Vec::new();
    let mut broken = Vec::new();
    for (i, v) in values.iter_mut().enumerate() {
        if let Some(x) = *v {
            if !x.is_finite() {
                non_finite.push((row_no(i), x.to_string()));
                *v = None;
            } else if breaks(rule, x) {
                broken.push((row_no(i), x.to_string()));
                *v = None;
            }
        }
    }
    report.add_problem(
        header,
        CellIssue::NotFinite,
        CellAction::SetMissing,
        non_finite,
    );
    report.add_problem(
        header,
        CellIssue::Rule {
            rule,
            field: id.to_string(),
        },
        CellAction::SetMissing,
        broken,
    );
    Ok(Float64Chunked::from_iter_options(name, values.into_iter()).into_series())
}

fn to_text(s: &Series, id: &str) -> PolarsResult<Series> {
    // A code an .xlsx stores as a number (600029) is text: "600029", not "600029.0".
    if s.dtype().is_float() {
        let ca = s.cast(&DataType::Float64)?;
        let text: StringChunked = ca
            .f64()?
            .iter()
            .map(|v| {
                v.map(|x| {
                    if x.fract() == 0.0 && x.abs() < 1e15 {
                        format!("{}", x as i64)
                    } else {
                        x.to_string()
                    }
                })
            })
            .collect();
        return Ok(text.into_series().with_name(id.into()));
    }
    let c = s.cast(&DataType::String)?;
    // Whitespace around an identifier is never part of it; everything else is kept as given.
    let ca = c.str()?;
    let needs_trim = ca.iter().flatten().any(|v| v.trim().len() != v.len());
    let out = if needs_trim {
        ca.iter()
            .map(|v| v.map(str::trim).filter(|v| !v.is_empty()))
            .collect::<StringChunked>()
            .into_series()
    } else {
        c
    };
    Ok(out.with_name(id.into()))
}

/// A parsed date column and, per failed row, the text; or the type of a column that cannot
/// hold dates at all.
type Dates = Result<(Series, Vec<(usize, String)>), String>;

/// Parse a date column to polars Date.
fn to_date(s: &Series, id: &str) -> PolarsResult<Dates> {
    let name: PlSmallStr = id.into();
    let mut failed = Vec::new();
    // A typed date outside the plausible years is as unreadable as bad text: the row is
    // excluded with the value it held.
    let mut typed = |i: usize, days: i64| -> Option<i32> {
        let v = i32::try_from(days).ok().and_then(dates::plausible_days);
        if v.is_none() {
            let text = i32::try_from(days)
                .ok()
                .and_then(dates::from_epoch_days)
                .map_or_else(
                    || format!("{days} days after 1970-01-01"),
                    |d| d.to_string(),
                );
            failed.push((row_no(i), text));
        }
        v
    };
    let days: Vec<Option<i32>> = match s.dtype() {
        DataType::Date => s
            .date()?
            .physical()
            .iter()
            .enumerate()
            .map(|(i, v)| typed(i, v? as i64))
            .collect(),
        DataType::Datetime(unit, _) => {
            // Days from the timestamps directly: several times faster than a cast.
            let per_day: i64 = match unit {
                TimeUnit::Nanoseconds => 86_400_000_000_000,
                TimeUnit::Microseconds => 86_400_000_000,
                TimeUnit::Milliseconds => 86_400_000,
            };
            s.datetime()?
                .physical()
                .iter()
                .enumerate()
                .map(|(i, v)| typed(i, v?.div_euclid(per_day)))
                .collect()
        }
        DataType::String => {
            let ca = s.str()?;
            let sample: Vec<&str> = ca.iter().flatten().take(200).collect();
            // One format for the column: polars' cached parser is fast on millions of rows.
            let parsed = match dates::detect_format(sample.iter().copied()) {
                Some(fmt) => Some(ca.as_date(Some(fmt), true)?),
                None => None,
            };
            let mut cache: HashMap<&str, Option<i32>> = HashMap::new();
            ca.iter()
                .enumerate()
                .map(|(i, cell)| {
                    let cell = cell?;
                    let fast_value = parsed
                        .as_ref()
                        .and_then(|p| p.physical().get(i))
                        .and_then(dates::plausible_days);
                    let v = fast_value.or_else(|| {
                        *cache
                            .entry(cell)
                            .or_insert_with(|| dates::parse_any(cell).map(dates::to_epoch_days))
                    });
                    if v.is_none() {
                        failed.push((row_no(i), cell.to_string()));
                    }
                    v
                })
                .collect()
        }
        dt if dt.is_primitive_numeric() => {
            let c = s.cast(&DataType::Float64)?;
            c.f64()?
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let x = x?;
                    let v = dates::from_number(x).map(dates::to_epoch_days);
                    if v.is_none() {
                        failed.push((row_no(i), x.to_string()));
                    }
                    v
                })
                .collect()
        }
        other => {
            return Ok(Err(other.to_string()));
        }
    };
    let ca = Int32Chunked::from_iter_options(name, days.into_iter()).into_date();
    Ok(Ok((ca.into_series(), failed)))
}

/// When no row is excluded and the (ticker, date) keys already increase strictly, returns
/// the number of distinct tickers; the rows can then be kept as they are.
fn sorted_unique(
    ticker: Option<&StringChunked>,
    date: Option<&Int32Chunked>,
    excluded: &BTreeMap<usize, Vec<RowReason>>,
) -> Option<usize> {
    if !excluded.is_empty() {
        return None;
    }
    let dates = date?;
    let mut tickers = 0;
    match ticker {
        Some(t) => {
            let mut prev: Option<(&str, i32)> = None;
            for (tk, d) in t.iter().zip(dates.iter()) {
                let key = (tk?, d?);
                match prev {
                    Some(p) if key <= p => return None,
                    Some(p) if key.0 == p.0 => {}
                    _ => tickers += 1,
                }
                prev = Some(key);
            }
        }
        None => {
            let mut prev: Option<i32> = None;
            for d in dates.iter() {
                let d = d?;
                if prev.is_some_and(|p| d <= p) {
                    return None;
                }
                prev = Some(d);
            }
        }
    }
    Some(tickers)
}

/// The key of an attributes row: its most specific of ticker, industry and sector, as
/// the join matches it ([`attribute_key`]); None without any.
pub fn attribute_row_key(df: &DataFrame, i: usize) -> Option<(AttributeLevel, String)> {
    AttributeLevel::ALL.into_iter().find_map(|level| {
        let v = df.column(level.column()).ok()?.str().ok()?.get(i)?;
        let k = attribute_key(v);
        (!k.is_empty()).then_some((level, k))
    })
}

/// How attribute keys are compared: case, width, spaces and punctuation folded, so
/// "Oil & Gas Drilling" matches "oil & gas  drilling".
pub fn attribute_key(text: &str) -> String {
    normalize_header(text)
}

/// The day an attributes row takes effect (its `effective_from`), per row; None for a
/// table without that column (every row in effect at all times).
pub fn effective_from(df: &DataFrame) -> Option<Vec<Option<i32>>> {
    let c = df.column("effective_from").ok()?;
    Some(c.date().ok()?.physical().iter().collect())
}

/// The rows of an attributes table to keep, in file order: one per key (per key and
/// effective date in a membership history), the last of a repeated one (the earlier ones
/// excluded and listed), none without a key.
fn attribute_rows(
    df: &DataFrame,
    n: usize,
    excluded: &mut BTreeMap<usize, Vec<RowReason>>,
    report: &mut LoadReport,
) -> PolarsResult<Vec<u32>> {
    let from = effective_from(df);
    let to: Option<Vec<Option<i32>>> = df
        .column("effective_to")
        .ok()
        .and_then(|c| c.date().ok().map(|d| d.physical().iter().collect()));
    type Key = (AttributeLevel, String, Option<i32>, Option<i32>);
    let mut rows_of: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        if excluded.contains_key(&row_no(i)) {
            continue;
        }
        match attribute_row_key(df, i) {
            None => excluded
                .entry(row_no(i))
                .or_default()
                .push(RowReason::NoKey),
            Some((level, key)) => {
                let day = |d: &Option<Vec<Option<i32>>>| d.as_ref().and_then(|d| d[i]);
                rows_of
                    .entry((level, key, day(&from), day(&to)))
                    .or_default()
                    .push(i);
            }
        }
    }
    for (k, rows) in rows_of.iter().filter(|(_, r)| r.len() > 1) {
        let kept = *rows.last().unwrap_or(&0);
        for &r in &rows[..rows.len() - 1] {
            excluded
                .entry(row_no(r))
                .or_default()
                .push(RowReason::RepeatedKey { kept: row_no(kept) });
        }
        // The key as the file writes it.
        let written = df
            .column(k.0.column())
            .ok()
            .and_then(|c| c.str().ok().and_then(|s| s.get(kept).map(str::to_string)))
            .unwrap_or_else(|| k.1.clone());
        report.duplicates.push(DuplicateKey {
            ticker: written.trim().to_string(),
            date: k
                .2
                .and_then(dates::from_epoch_days)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            rows: rows.iter().map(|&r| row_no(r)).collect(),
        });
    }
    Ok((0..n)
        .filter(|&i| !excluded.contains_key(&row_no(i)))
        .map(|i| i as u32)
        .collect())
}

/// Order rows by (ticker, date), excluding all but the last row of each duplicated key
/// (and rows already excluded); returns the rows to keep, in order.
fn order_and_deduplicate(
    ticker: Option<&StringChunked>,
    date: Option<&Int32Chunked>,
    n: usize,
    excluded: &mut BTreeMap<usize, Vec<RowReason>>,
    report: &mut LoadReport,
) -> Vec<u32> {
    // Tickers ranked alphabetically, so the sort below orders rows by (ticker, date).
    let mut rank: Vec<u32> = vec![0; n];
    let mut names: Vec<&str> = Vec::new();
    if let Some(t) = ticker {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut prev: Option<(&str, u32)> = None;
        for (i, v) in t.iter().enumerate() {
            let Some(v) = v else { continue };
            let id = match prev {
                Some((p, id)) if p == v => id,
                _ => {
                    let next = ids.len() as u32;
                    *ids.entry(v).or_insert_with(|| {
                        names.push(v);
                        next
                    })
                }
            };
            rank[i] = id;
            prev = Some((v, id));
        }
        let mut order: Vec<u32> = (0..names.len() as u32).collect();
        order.sort_by_key(|&id| names[id as usize]);
        let mut rank_of = vec![0u32; names.len()];
        for (r, id) in order.iter().enumerate() {
            rank_of[*id as usize] = r as u32;
        }
        // Rows without a ticker keep rank 0 (they are excluded): with no ticker at all there
        // is no rank to look up.
        for r in rank.iter_mut() {
            *r = rank_of.get(*r as usize).copied().unwrap_or(0);
        }
        names = order.iter().map(|&id| names[id as usize]).collect();
    }
    let day = |i: usize| date.and_then(|d| d.get(i)).unwrap_or(0);
    let mut keys: Vec<(u64, u32)> = (0..n)
        .filter(|i| !excluded.contains_key(&row_no(*i)))
        .map(|i| {
            (
                ((rank[i] as u64) << 32) | ((day(i) as u32) ^ 0x8000_0000) as u64,
                i as u32,
            )
        })
        .collect();
    keys.sort_unstable();
    let mut keep: Vec<u32> = Vec::with_capacity(keys.len());
    let mut kept_tickers = 0;
    for (g, group) in keys.chunk_by(|a, b| a.0 == b.0).enumerate() {
        let last = group[group.len() - 1].1 as usize;
        if g == 0 || rank[keep[keep.len() - 1] as usize] != rank[last] {
            kept_tickers += 1;
        }
        if group.len() > 1 {
            for k in &group[..group.len() - 1] {
                excluded
                    .entry(row_no(k.1 as usize))
                    .or_default()
                    .push(RowReason::Duplicate { kept: row_no(last) });
            }
            report.duplicates.push(DuplicateKey {
                ticker: names
                    .get(rank[last] as usize)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                date: dates::from_epoch_days(day(last))
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                rows: group.iter().map(|k| row_no(k.1 as usize)).collect(),
            });
        }
        keep.push(last as u32);
    }
    if ticker.is_some() {
        report.tickers = Some(kept_tickers);
    }
    keep
}

/// A converted column, the problems it reported, its unreadable dates (row, text) and its
/// dates outside the plausible years (row, date).
type Converted = (
    Series,
    LoadReport,
    Vec<(usize, String)>,
    Vec<(usize, String)>,
);

/// The dates of a parsed column within `years`, and the rows of those outside (set
/// missing in the column returned, so the row is excluded).
fn within_years(
    d: &Series,
    years: &std::ops::RangeInclusive<i32>,
) -> PolarsResult<(Series, Vec<(usize, String)>)> {
    use chrono::Datelike;
    let mut outside = Vec::new();
    let days: Vec<Option<i32>> = d
        .date()?
        .physical()
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let v = v?;
            let day = dates::from_epoch_days(v)?;
            if years.contains(&day.year()) {
                Some(v)
            } else {
                outside.push((row_no(i), day.to_string()));
                None
            }
        })
        .collect();
    let ca = Int32Chunked::from_iter_options(d.name().clone(), days.into_iter()).into_date();
    Ok((ca.into_series(), outside))
}

/// A canonical table: `df` has canonical column names (ticker, date, sector, total_assets,
/// ..., plus custom numeric columns), sorted by (ticker, date) or by date for factors.
#[derive(Clone, Debug)]
pub struct Table {
    pub kind: TableKind,
    pub df: DataFrame,
    pub report: LoadReport,
    pub mapping: ColumnMapping,
}

impl Table {
    /// A table made in code (synthetic data, tests), already in canonical form.
    pub fn from_frame(kind: TableKind, df: DataFrame) -> Table {
        Table {
            kind,
            df,
            report: LoadReport::new(String::new(), kind, "generated"),
            mapping: ColumnMapping::default(),
        }
    }

    /// One table from several files of one kind (a file per ticker, a folder of them):
    /// their rows together in (ticker, date) order (date order for factors), `name` naming
    /// them. Rows of one key merge, each column taking the later file's value where it has
    /// one (so files split by column join), and a warning counts them. The report sums the
    /// files' counts and keeps each one's findings after a line naming the files and their
    /// rows.
    pub fn combine(parts: Vec<Table>, name: &str) -> Result<Table, LoadError> {
        let err = map_err(name);
        let mut parts = parts.into_iter();
        let Some(first) = parts.next() else {
            return Err(LoadError::NothingKept { file: name.into() });
        };
        let rest: Vec<Table> = parts.collect();
        if rest.is_empty() {
            return Ok(first);
        }
        let all: Vec<Table> = std::iter::once(first).chain(rest).collect();
        let kind = all[0].kind;
        // Every column of any file, typed as where it first appears; absent: missing.
        let mut cols: Vec<(PlSmallStr, DataType)> = Vec::new();
        for t in &all {
            for c in t.df.columns() {
                if !cols.iter().any(|x| x.0 == *c.name()) {
                    cols.push((c.name().clone(), c.dtype().clone()));
                }
            }
        }
        let mut df: Option<DataFrame> = None;
        for t in &all {
            let h = t.df.height();
            let columns = cols
                .iter()
                .map(|(n, dt)| match t.df.column(n) {
                    Ok(c) => c.cast(dt),
                    Err(_) => Ok(Column::full_null(n.clone(), h, dt)),
                })
                .collect::<PolarsResult<Vec<Column>>>()
                .map_err(&err)?;
            let part = DataFrame::new(h, columns).map_err(&err)?;
            match &mut df {
                None => df = Some(part),
                Some(d) => {
                    d.vstack_mut(&part).map_err(&err)?;
                }
            }
        }
        let mut df = df.ok_or_else(|| LoadError::NothingKept { file: name.into() })?;
        df.rechunk_mut();
        let keys: Vec<&str> = if df.column("ticker").is_ok() {
            vec!["ticker", "date"]
        } else {
            vec!["date"]
        };
        // Attributes keep their files' order: a key repeated across files is resolved by
        // the join (the later file's row wins), which says so.
        let attributes = kind == TableKind::Attributes;
        // A stable sort keeps a key's rows in file order: the last of a run is the later
        // file's.
        let df = if attributes {
            df
        } else {
            df.sort(
                keys.clone(),
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .map_err(&err)?
        };
        let tk = df.column("ticker").ok().and_then(|c| c.str().ok().cloned());
        let dt = df
            .column("date")
            .ok()
            .and_then(|c| c.date().ok().map(|d| d.physical().clone()));
        let key_of = |i: usize| {
            (
                tk.as_ref().and_then(|t| t.get(i)),
                dt.as_ref().and_then(|d| d.get(i)),
                attributes.then_some(i),
            )
        };
        // Runs of rows with one key: one row each, every column taking the value of the
        // last row (the latest file) that has one, so files split by column (oil in one,
        // rates in another) merge, and files repeating a row keep the later file's.
        let n = df.height();
        let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
        let mut overlap: Option<(usize, String, String)> = None;
        let mut start = 0;
        for i in 1..=n {
            if i == n || key_of(i) != key_of(start) {
                if i - start > 1 {
                    let (t, d, _) = key_of(start);
                    let day = d
                        .and_then(dates::from_epoch_days)
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    let o = overlap.get_or_insert((0, t.unwrap_or_default().to_string(), day));
                    o.0 += i - start - 1;
                }
                runs.push(start..i);
                start = i;
            }
        }
        let columns = df
            .columns()
            .iter()
            .map(|c| {
                let null = c.is_null();
                let pick: Vec<IdxSize> = runs
                    .iter()
                    .map(|r| {
                        let row = r.clone().rev().find(|&i| !null.get(i).unwrap_or(true));
                        row.unwrap_or(r.end - 1) as IdxSize
                    })
                    .collect();
                c.take(&IdxCa::from_vec("idx".into(), pick))
            })
            .collect::<PolarsResult<Vec<Column>>>()
            .map_err(&err)?;
        let df = DataFrame::new(runs.len(), columns).map_err(&err)?;
        let mut report = LoadReport::new(name.into(), kind, &all[0].report.format);
        report.encoding = all[0].report.encoding.clone();
        report.delimiter = all[0].report.delimiter;
        report.warnings.push(LoadWarning::Combined {
            files: all
                .iter()
                .map(|t| {
                    (
                        super::file_name(Path::new(&t.report.file)),
                        t.report.rows_kept,
                    )
                })
                .collect(),
        });
        if let Some((count, ticker, date)) = overlap {
            report.warnings.push(LoadWarning::OverlapAcrossFiles {
                count,
                ticker,
                date,
            });
        }
        for t in &all {
            let r = &t.report;
            report.rows_read += r.rows_read;
            report.excluded_total += r.excluded_total;
            // Each file's row numbers are its own: they say which file.
            let name = Some(super::file_name(Path::new(&r.file)));
            report
                .problems
                .extend(r.problems.iter().map(|p| CellProblem {
                    file: p.file.clone().or(name.clone()),
                    ..p.clone()
                }));
            report.duplicates.extend(r.duplicates.iter().cloned());
            report
                .excluded
                .extend(r.excluded.iter().map(|e| ExcludedRow {
                    file: e.file.clone().or(name.clone()),
                    ..e.clone()
                }));
            report.warnings.extend(r.warnings.iter().cloned());
            for c in &r.columns {
                if !report.columns.contains(c) {
                    report.columns.push(c.clone());
                }
            }
        }
        report.rows_kept = df.height();
        report.stats = df
            .columns()
            .iter()
            .map(|c| ColumnStats {
                column: c.name().to_string(),
                header: all
                    .iter()
                    .find_map(|t| {
                        t.report
                            .stats
                            .iter()
                            .find(|s| s.column == c.name().as_str())
                            .map(|s| s.header.clone())
                    })
                    .unwrap_or_default(),
                dtype: c.dtype().to_string(),
                missing: c.null_count(),
            })
            .collect();
        let dates_of = |t: &Table| (t.report.first_date.clone(), t.report.last_date.clone());
        report.first_date = all.iter().filter_map(|t| dates_of(t).0).min();
        report.last_date = all.iter().filter_map(|t| dates_of(t).1).max();
        report.tickers = df.column("ticker").ok().and_then(|c| c.n_unique().ok());
        Ok(Table {
            kind,
            df,
            report,
            mapping: all[0].mapping.clone(),
        })
    }

    /// Numeric columns that are not canonical fields: custom metrics, or factors.
    pub fn custom_columns(&self) -> Vec<String> {
        self.report
            .columns
            .iter()
            .filter_map(|c| match &c.target {
                Target::Custom(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }
}

fn map_err(file: &str) -> impl Fn(PolarsError) -> LoadError + '_ {
    move |e| LoadError::Unreadable {
        file: file.into(),
        why: Unreadable::Reader(e.to_string()),
    }
}

/// The ticker of a prices file of one security without a ticker column: the line above
/// the header that names it (Wind, Choice), else the file's name without its extension (a
/// Yahoo or broker download, `XLE.csv`); with the warning saying which.
fn implied_ticker(
    path: &Path,
    kind: TableKind,
    raw: &RawTable,
    mapping: &ColumnMapping,
) -> Option<(String, LoadWarning)> {
    if kind != TableKind::Prices || has_field(kind, raw, mapping, "ticker") {
        return None;
    }
    if let Some(p) = &raw.preamble
        && let Some(ticker) = &p.ticker
    {
        let line = p
            .lines
            .iter()
            .find(|l| l.contains(ticker.as_str()))
            .cloned()
            .unwrap_or_default();
        let w = LoadWarning::TickerFromHeaderLine {
            ticker: ticker.clone(),
            line,
        };
        return Some((ticker.clone(), w));
    }
    let stem = path.file_stem()?.to_string_lossy().trim().to_string();
    let w = LoadWarning::TickerFromFileName {
        ticker: stem.clone(),
    };
    (!stem.is_empty()).then_some((stem, w))
}

/// Whether a header of `raw` resolves to field `id`.
fn has_field(kind: TableKind, raw: &RawTable, mapping: &ColumnMapping, id: &str) -> bool {
    let all = vec![true; raw.headers.len()];
    resolve_columns(kind, &raw.headers, &all, mapping)
        .iter()
        .any(|r| r.target == Target::Field(id.into()))
}

pub fn normalize(
    path: &Path,
    raw: RawTable,
    kind: TableKind,
    opts: &super::LoadOptions,
) -> Result<Table, LoadError> {
    let mapping = &opts.mapping;
    let years = opts.years();
    let file = path.display().to_string();
    let err = map_err(&file);
    let mut report = LoadReport::new(file.clone(), kind, raw.format);
    report.encoding = raw.encoding.into();
    report.delimiter = raw.delimiter.map(Delimiter::of);
    let n = raw.df.height();
    report.rows_read = n;
    report.warnings.extend(raw.warnings.iter().cloned());
    let mut raw = raw;
    if let Some(p) = &raw.preamble {
        report.warnings.push(LoadWarning::Preamble {
            count: p.line_count,
            lines: p.lines.clone(),
        });
    }
    if let Some((ticker, warning)) = implied_ticker(path, kind, &raw, mapping) {
        let i = raw.headers.len();
        raw.df
            .with_column(Column::new(col_name(i).into(), vec![ticker; n]))
            .map_err(&err)?;
        raw.headers.push("ticker".into());
        report.warnings.push(warning);
        // The security's name from the same lines, where no column gives one.
        if let Some(name) = raw.preamble.as_ref().and_then(|p| p.name.clone())
            && !has_field(kind, &raw, mapping, "name")
        {
            let i = raw.headers.len();
            raw.df
                .with_column(Column::new(col_name(i).into(), vec![name; n]))
                .map_err(&err)?;
            raw.headers.push("name".into());
        }
    }

    // Columns the reader skipped are absent; they resolve to "not used" again below.
    let series: Vec<Option<Series>> = (0..raw.headers.len())
        .map(|i| {
            raw.df
                .column(&col_name(i))
                .ok()
                .map(|c| c.as_materialized_series().clone())
        })
        .collect();
    let numeric: Vec<bool> = series
        .iter()
        .map(|s| s.as_ref().is_some_and(|s| is_numeric(s, raw.decimal_comma)))
        .collect();
    let resolved = resolve_columns(kind, &raw.headers, &numeric, mapping);

    // Required columns.
    let mapped = |id: &str| {
        resolved
            .iter()
            .any(|r| r.target == Target::Field(id.into()))
    };
    let (req, alts) = required(kind);
    let mut missing: Vec<Missing> = req
        .iter()
        .filter(|id| !mapped(id))
        .map(|s| Missing::Field(s.to_string()))
        .collect();
    for group in alts {
        if !group.iter().any(|id| mapped(id)) {
            missing.push(Missing::AnyOf(
                group.iter().map(|s| s.to_string()).collect(),
            ));
        }
    }
    if kind == TableKind::Factors
        && !resolved
            .iter()
            .any(|r| matches!(r.target, Target::Custom(_)))
    {
        missing.push(Missing::NumericFactor);
    }
    if !missing.is_empty() {
        return Err(LoadError::MissingColumns {
            file: file.clone(),
            kind,
            missing,
            found: raw.headers.clone(),
        });
    }

    // Plan each kept column (names decided in order), then convert them in parallel: each
    // conversion reports into its own list, merged back in column order.
    enum Conv {
        Text,
        Number(ValueRule),
        Date,
    }
    let mut jobs: Vec<(&str, String, &Series, Conv)> = Vec::new();
    for (r, s) in resolved.iter().zip(&series) {
        let header = r.header.as_str();
        let Some(s) = s else { continue };
        match &r.target {
            Target::Ignore => {}
            Target::Custom(name) => {
                let mut name = name.clone();
                while jobs.iter().any(|j| j.1 == name) || field(&name).is_some() {
                    name.push('_');
                }
                jobs.push((header, name, s, Conv::Number(ValueRule::Any)));
            }
            Target::Field(id) => match field(id) {
                None => report.warnings.push(LoadWarning::UnknownField {
                    header: header.to_string(),
                    field: id.clone(),
                }),
                Some(def) => jobs.push((
                    header,
                    id.clone(),
                    s,
                    match def.ty {
                        FieldType::Text => Conv::Text,
                        FieldType::Number => Conv::Number(def.rule),
                        FieldType::Date => Conv::Date,
                    },
                )),
            },
        }
    }
    let converted: Vec<PolarsResult<Result<Converted, LoadError>>> = jobs
        .par_iter()
        .map(|(header, name, s, conv)| {
            let mut local = LoadReport::new(String::new(), kind, "");
            let mut failed = Vec::new();
            let mut implausible = Vec::new();
            let out = match conv {
                Conv::Text => to_text(s, name)?,
                Conv::Number(rule) => {
                    let x = to_number(s, header, name, *rule, raw.decimal_comma, &mut local)?;
                    if *rule == ValueRule::Share {
                        share_as_fraction(x, header, name, &mut local)?
                    } else {
                        x
                    }
                }
                Conv::Date => match to_date(s, name)? {
                    Ok((d, mut f)) => {
                        // An end date past any calendar the parser takes (9999-12-31,
                        // 99991231) is the usual "no end yet": missing, not a bad row.
                        if name == "effective_to" {
                            f.retain(|(_, text)| {
                                text.get(..4)
                                    .and_then(|y| y.parse::<i32>().ok())
                                    .is_none_or(|y| y <= 2100)
                            });
                        }
                        failed = f;
                        let (d, outside) = within_years(&d, &years)?;
                        // An end date past the years is "no end yet" too.
                        if name != "effective_to" {
                            implausible = outside;
                        }
                        d
                    }
                    Err(dtype) => {
                        return Ok(Err(LoadError::Unreadable {
                            file: file.clone(),
                            why: Unreadable::DateColumnType { dtype },
                        }));
                    }
                },
            };
            Ok(Ok((out, local, failed, implausible)))
        })
        .collect();
    let mut excluded: BTreeMap<usize, Vec<RowReason>> = BTreeMap::new();
    let mut out: Vec<Series> = Vec::with_capacity(jobs.len());
    let mut stats_headers: Vec<String> = Vec::with_capacity(jobs.len());
    for (job, c) in jobs.iter().zip(converted) {
        let (series, local, failed, implausible) = c.map_err(&err)??;
        let header = job.0;
        report.problems.extend(local.problems);
        report.warnings.extend(local.warnings);
        for (row, text) in &failed {
            excluded.entry(*row).or_default().push(RowReason::Date {
                text: text.clone(),
                column: header.to_string(),
            });
        }
        report.add_problem(
            header,
            CellIssue::UnreadableDate,
            CellAction::RowExcluded,
            failed,
        );
        let (first, last) = (*years.start(), *years.end());
        for (row, date) in &implausible {
            excluded
                .entry(*row)
                .or_default()
                .push(RowReason::DateOutsideYears {
                    date: date.clone(),
                    column: header.to_string(),
                    first,
                    last,
                });
        }
        report.add_problem(
            header,
            CellIssue::DateOutsideYears { first, last },
            CellAction::RowExcluded,
            implausible,
        );
        stats_headers.push(header.to_string());
        out.push(series);
    }

    let date = out.iter().find(|s| s.name() == "date").cloned();
    let ticker = out.iter().find(|s| s.name() == "ticker").cloned();
    if let Some(d) = date.as_ref().filter(|d| d.null_count() > 0) {
        for (i, v) in d.date().map_err(&err)?.physical().iter().enumerate() {
            if v.is_none() && !excluded.contains_key(&row_no(i)) {
                excluded
                    .entry(row_no(i))
                    .or_default()
                    .push(RowReason::NoDate);
            }
        }
    }
    // An attributes row may be keyed by its industry or sector instead.
    if let Some(t) = ticker
        .as_ref()
        .filter(|t| t.null_count() > 0 && kind != TableKind::Attributes)
    {
        for (i, v) in t.str().map_err(&err)?.iter().enumerate() {
            if v.is_none() {
                excluded
                    .entry(row_no(i))
                    .or_default()
                    .push(RowReason::NoTicker);
            }
        }
    }

    let mut df = DataFrame::new(n, out.into_iter().map(Column::from).collect()).map_err(&err)?;
    let tick_ca = ticker
        .as_ref()
        .map(|t| t.str().cloned())
        .transpose()
        .map_err(&err)?;
    let date_ca = date
        .as_ref()
        .map(|d| d.date().map(|c| c.physical().clone()))
        .transpose()
        .map_err(&err)?;
    if kind == TableKind::Attributes {
        let keep = attribute_rows(&df, n, &mut excluded, &mut report).map_err(&err)?;
        // Guessed a lookup table, yet keys repeat: a table over time whose date column
        // was not recognised, rather than one to deduplicate in silence.
        if opts.kind.is_none()
            && let Some(d) = report.duplicates.first()
        {
            let count = report.duplicates.iter().map(|d| d.rows.len() - 1).sum();
            let shift = raw.preamble.as_ref().map_or(0, |p| p.line_count);
            return Err(LoadError::RepeatedKeys {
                file: file.clone(),
                key: d.ticker.clone(),
                rows: d.rows.iter().take(5).map(|r| r + shift).collect(),
                count,
            });
        }
        if keep.is_empty() {
            return Err(LoadError::NothingKept { file: file.clone() });
        }
        df = df
            .take(&IdxCa::from_vec("idx".into(), keep))
            .map_err(&err)?;
    } else {
        match sorted_unique(tick_ca.as_ref(), date_ca.as_ref(), &excluded) {
            // The usual export: already in (ticker, date) order with unique keys.
            Some(tickers) => report.tickers = ticker.is_some().then_some(tickers),
            None => {
                let keep = order_and_deduplicate(
                    tick_ca.as_ref(),
                    date_ca.as_ref(),
                    n,
                    &mut excluded,
                    &mut report,
                );
                if keep.is_empty() {
                    return Err(LoadError::NothingKept { file: file.clone() });
                }
                df = df
                    .take(&IdxCa::from_vec("idx".into(), keep))
                    .map_err(&err)?;
            }
        }
    }
    report.rows_kept = df.height();
    // A short row that is excluded anyway (a footer such as "数据来源：Wind") is told by
    // its exclusion; the warning keeps the short rows that were loaded.
    for w in &mut report.warnings {
        if let LoadWarning::ShortRows { rows, count, .. } = w {
            let before = rows.len();
            rows.retain(|(r, _)| !excluded.contains_key(r));
            *count -= before - rows.len();
        }
    }
    report
        .warnings
        .retain(|w| !matches!(w, LoadWarning::ShortRows { count: 0, .. }));
    report.excluded_total = excluded.len();
    report.excluded = excluded
        .into_iter()
        .take(super::report::MAX_EXCLUDED_LISTED)
        .map(|(row, reasons)| ExcludedRow {
            row,
            reasons,
            file: None,
        })
        .collect();
    report.columns = resolved;
    report.stats = df
        .columns()
        .iter()
        .zip(stats_headers)
        .map(|(c, header)| ColumnStats {
            column: c.name().to_string(),
            header,
            dtype: c.dtype().to_string(),
            missing: c.null_count(),
        })
        .collect();
    if let Ok(d) = df.column("date").and_then(|c| c.date().cloned()) {
        report.first_date = d
            .physical()
            .min()
            .and_then(dates::from_epoch_days)
            .map(|d| d.to_string());
        report.last_date = d
            .physical()
            .max()
            .and_then(dates::from_epoch_days)
            .map(|d| d.to_string());
    }
    if let Some(p) = &raw.preamble {
        report.shift_rows(p.line_count);
    }
    if kind == TableKind::Fundamentals
        && let Some(st) = report.stats.iter().find(|s| s.column == "sector")
        && st.missing > 0
    {
        report
            .warnings
            .push(LoadWarning::NoSector { rows: st.missing });
    }
    Ok(Table {
        kind,
        df,
        report,
        mapping: mapping.clone(),
    })
}
