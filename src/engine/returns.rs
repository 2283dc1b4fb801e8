//! Monthly returns aligned to the fundamentals' securities: one row per calendar month
//! (month-end dates, no gaps; a missing month is NaN), one column per security.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::{DataFrame, Int32Chunked, StringChunked};

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

fn month_key(d: NaiveDate) -> i32 {
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
        let index: HashMap<&str, usize> = tickers
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let (tk, dt) = tickers_and_days(prices)?;
        let get = |name: &str| prices.column(name).ok().and_then(|c| c.f64().ok().cloned());
        let (ret, close) = (get("return"), get("close"));
        if ret.is_none() && close.is_none() {
            return Err(EngineError::NoReturnOrClose);
        }
        // Rows are sorted by (ticker, date) on load: one pass, month by month per ticker.
        let mut cells: HashMap<(usize, i32), f64> = HashMap::new();
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        let mut last_close: HashMap<(usize, i32), f64> = HashMap::new();
        let mut paths: Vec<PathBuilder> = vec![PathBuilder::default(); tickers.len()];
        for i in 0..prices.height() {
            let (Some(t), Some(d)) = (tk.get(i), dt.get(i)) else {
                continue;
            };
            let Some(&s) = index.get(t) else { continue };
            let Some(day) = dates::from_epoch_days(d) else {
                continue;
            };
            let k = month_key(day);
            lo = lo.min(k);
            hi = hi.max(k);
            if let Some(r) = ret
                .as_ref()
                .and_then(|c| c.get(i))
                .filter(|r| r.is_finite())
            {
                let e = cells.entry((s, k)).or_insert(0.0);
                *e = (1.0 + *e) * (1.0 + r) - 1.0;
                paths[s].by_return(day, r);
            } else if let Some(c) = close.as_ref().and_then(|c| c.get(i)).filter(|c| *c > 0.0) {
                // Sorted by date: the last write of a month is its month-end close.
                last_close.insert((s, k), c);
                paths[s].by_close(day, c);
            }
        }
        // Close-based: month-end close over the previous month's.
        for (&(s, k), &c) in &last_close {
            if let Some(p) = last_close.get(&(s, k - 1)) {
                cells.entry((s, k)).or_insert(c / p - 1.0);
            }
        }
        if lo > hi {
            return Ok(ReturnPanel::default());
        }
        let months: Vec<NaiveDate> = (lo..=hi).map(month_end).collect();
        let mut r = vec![vec![f64::NAN; tickers.len()]; months.len()];
        for ((s, k), v) in cells {
            r[(k - lo) as usize][s] = v;
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
