//! Monthly returns aligned to the fundamentals' securities: one row per calendar month
//! (month-end dates, no gaps; a missing month is NaN), one column per security.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::{DataFrame, Float64Chunked, Int32Chunked, StringChunked};

use super::EngineError;
use crate::data::dates;

#[derive(Clone, Debug, Default)]
pub struct ReturnPanel {
    /// Month-end dates, consecutive months.
    pub months: Vec<NaiveDate>,
    /// Per month, per security: the month's total return; NaN where missing.
    pub r: Vec<Vec<f64>>,
    /// Each security's value at the dates of its prices, for windows between exact dates.
    pub levels: Levels,
}

/// Each security's value path at the dates its prices have (daily, weekly or monthly):
/// the adjusted close, or its returns compounded from 1 at the first one. A window
/// between two dates is measured on the last value on or before each.
#[derive(Clone, Debug, Default)]
pub struct Levels {
    /// Per security: the dates of its values, ascending (apart from the values, so a
    /// search reads few cache lines).
    pub dates: Vec<Vec<NaiveDate>>,
    /// Per security: its value at each of those dates.
    pub values: Vec<Vec<f64>>,
}

impl Levels {
    fn from_paths(paths: Vec<Vec<(NaiveDate, f64)>>) -> Levels {
        let (dates, values) = paths.into_iter().map(|p| p.into_iter().unzip()).unzip();
        Levels { dates, values }
    }

    /// The first and last dates of any security's values.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.dates
            .iter()
            .filter_map(|d| Some((*d.first()?, *d.last()?)))
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    }
}

/// One security's value path as its rows (sorted by date) are read: a return compounds
/// the value; a close sets it to the value at the previous close times the close's change
/// since then (so a file mixing the two stays on one scale), or, first, to the close.
#[derive(Clone, Default)]
struct PathBuilder {
    points: Vec<(NaiveDate, f64)>,
    /// The last close, and the value it was given.
    last_close: Option<(f64, f64)>,
    starts_with_return: bool,
}

impl PathBuilder {
    fn value(&self) -> f64 {
        self.points.last().map_or(1.0, |x| x.1)
    }

    fn by_return(&mut self, day: NaiveDate, r: f64) {
        if self.points.is_empty() {
            self.starts_with_return = true;
        }
        let v = self.value() * (1.0 + r);
        self.points.push((day, v));
    }

    fn by_close(&mut self, day: NaiveDate, c: f64) {
        let v = match self.last_close {
            Some((prev, at)) => at * c / prev,
            None if self.points.is_empty() => c,
            // Returns until now: the first close continues from where they left the value.
            None => self.value(),
        };
        self.last_close = Some((c, v));
        self.points.push((day, v));
    }

    /// The path. A first return is earned over the period before its date: the value is 1
    /// at that period's start (the month end before a monthly series, else one step back),
    /// so a window starting there includes it.
    fn finish(mut self) -> Vec<(NaiveDate, f64)> {
        if let (true, Some(&(first, _))) = (self.starts_with_return, self.points.first()) {
            let step = self.points.get(1).map_or(31, |x| (x.0 - first).num_days());
            let start = if step >= 28 {
                first.with_day(1).and_then(|d| d.pred_opt())
            } else {
                first.checked_sub_days(chrono::Days::new(step.max(1) as u64))
            };
            if let Some(start) = start {
                self.points.insert(0, (start, 1.0));
            }
        }
        self.points
    }
}

pub(crate) fn month_key(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn month_end(key: i32) -> NaiveDate {
    let (y, m) = (key.div_euclid(12), key.rem_euclid(12) as u32 + 1);
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MIN)
}

impl ReturnPanel {
    /// Monthly returns for `tickers` from a canonical prices table: its `return` column
    /// compounded within each month, or else month-end `close` to month-end `close`.
    /// Daily or monthly data alike; tickers not in `tickers` are ignored.
    pub fn from_prices(prices: &DataFrame, tickers: &[String]) -> Result<ReturnPanel, EngineError> {
        let index = ticker_index(tickers);
        let (tk, dt) = tickers_and_days(prices)?;
        let (ret, close) = (f64_column(prices, "return"), f64_column(prices, "close"));
        if ret.is_none() && close.is_none() {
            return Err(EngineError::NoReturnOrClose);
        }
        // Rows are sorted by (ticker, date) on load: one pass, each security's months in
        // order (a ticker is looked up when it changes, a month appended when it begins).
        let n = tickers.len();
        let mut by_return: Vec<Vec<(i32, f64)>> = vec![Vec::new(); n];
        let mut by_close: Vec<Vec<(i32, f64)>> = vec![Vec::new(); n];
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        let mut paths: Vec<PathBuilder> = vec![PathBuilder::default(); n];
        let mut current: Option<(&str, Option<usize>)> = None;
        for (((t, d), r), c) in tk.iter().zip(dt.iter()).zip(cells(&ret)).zip(cells(&close)) {
            let (Some(t), Some(d)) = (t, d) else {
                continue;
            };
            let s = match current {
                Some((prev, s)) if prev == t => s,
                _ => {
                    let s = index.get(t).copied();
                    current = Some((t, s));
                    s
                }
            };
            let Some(s) = s else { continue };
            let Some(day) = dates::from_epoch_days(d) else {
                continue;
            };
            let k = month_key(day);
            lo = lo.min(k);
            hi = hi.max(k);
            if let Some(r) = r.filter(|r| r.is_finite()) {
                match by_return[s].last_mut() {
                    Some((last, e)) if *last == k => *e = (1.0 + *e) * (1.0 + r) - 1.0,
                    _ => by_return[s].push((k, r)),
                }
                paths[s].by_return(day, r);
            } else if let Some(c) = c.filter(|c| *c > 0.0) {
                // By date: the last close of a month is its month-end close.
                match by_close[s].last_mut() {
                    Some((last, e)) if *last == k => *e = c,
                    _ => by_close[s].push((k, c)),
                }
                paths[s].by_close(day, c);
            }
        }
        if lo > hi {
            return Ok(ReturnPanel::default());
        }
        let months: Vec<NaiveDate> = (lo..=hi).map(month_end).collect();
        let mut r = vec![vec![f64::NAN; n]; months.len()];
        for s in 0..n {
            // Rows out of date order (tables made in code): each month's entries gathered.
            merge_months(&mut by_close[s], |_, c| c);
            merge_months(&mut by_return[s], |a, b| (1.0 + a) * (1.0 + b) - 1.0);
            // Close-based: month-end close over the previous month's; returns win.
            for w in by_close[s].windows(2) {
                if w[1].0 == w[0].0 + 1 {
                    r[(w[1].0 - lo) as usize][s] = w[1].1 / w[0].1 - 1.0;
                }
            }
            for &(k, v) in &by_return[s] {
                r[(k - lo) as usize][s] = v;
            }
        }
        Ok(ReturnPanel {
            months,
            r,
            levels: Levels::from_paths(paths.into_iter().map(PathBuilder::finish).collect()),
        })
    }

    /// Index of the last month ending on or before `d`.
    pub fn month_at(&self, d: NaiveDate) -> Option<usize> {
        let k = self.months.partition_point(|m| *m <= d);
        k.checked_sub(1)
    }

    /// The months of the window (from, to]: returns realised after `from` up to `to`.
    pub fn window(&self, from: NaiveDate, to: NaiveDate) -> std::ops::Range<usize> {
        let a = self.months.partition_point(|m| *m <= from);
        let b = self.months.partition_point(|m| *m <= to);
        a..b.max(a)
    }
}

/// One security's (month, value) entries in month order with one entry per month, `join`
/// combining a month's entries in their order. Rows sorted by date leave nothing to do.
fn merge_months(v: &mut Vec<(i32, f64)>, join: impl Fn(f64, f64) -> f64) {
    if v.windows(2).all(|w| w[0].0 < w[1].0) {
        return;
    }
    v.sort_by_key(|e| e.0);
    let mut out: Vec<(i32, f64)> = Vec::with_capacity(v.len());
    for &(k, x) in v.iter() {
        match out.last_mut() {
            Some((last, e)) if *last == k => *e = join(*e, x),
            _ => out.push((k, x)),
        }
    }
    *v = out;
}

/// Each ticker's position.
pub(crate) fn ticker_index(tickers: &[String]) -> HashMap<&str, usize> {
    tickers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect()
}

/// A numeric column of a canonical table, if it has one.
pub(crate) fn f64_column(df: &DataFrame, name: &str) -> Option<Float64Chunked> {
    df.column(name).ok().and_then(|c| c.f64().ok().cloned())
}

/// A column's cells in order, or missing ones without end when the table has no such
/// column (zipped beside the others).
pub(crate) fn cells(c: &Option<Float64Chunked>) -> Box<dyn Iterator<Item = Option<f64>> + '_> {
    match c {
        Some(c) => Box::new(c.iter()),
        None => Box::new(std::iter::repeat(None)),
    }
}

/// A text column's cells in order, or missing ones without end (as [`cells`]).
pub(crate) fn texts(c: &Option<StringChunked>) -> Box<dyn Iterator<Item = Option<&str>> + '_> {
    match c {
        Some(c) => Box::new(c.iter()),
        None => Box::new(std::iter::repeat(None)),
    }
}

/// A prices table's ticker column and its dates as days since 1970-01-01.
pub fn tickers_and_days(prices: &DataFrame) -> Result<(StringChunked, Int32Chunked), EngineError> {
    let tk = prices
        .column("ticker")
        .and_then(|c| c.str().cloned())
        .map_err(|e| EngineError::column("ticker", e))?;
    let dt = prices
        .column("date")
        .and_then(|c| c.date().map(|d| d.physical().clone()))
        .map_err(|e| EngineError::column("date", e))?;
    Ok((tk, dt))
}
