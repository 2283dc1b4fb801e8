//! Monthly returns aligned to the fundamentals' securities: one row per calendar month
//! (month-end dates, no gaps; a missing month is NaN), one column per security.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::DataFrame;

use super::EngineError;
use crate::data::dates;

#[derive(Clone, Debug, Default)]
pub struct ReturnPanel {
    /// Month-end dates, consecutive months.
    pub months: Vec<NaiveDate>,
    /// Per month, per security: the month's total return; NaN where missing.
    pub r: Vec<Vec<f64>>,
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
        let tk = prices
            .column("ticker")
            .and_then(|c| c.str().cloned())
            .map_err(|e| EngineError::column("ticker", e))?;
        let dt = prices
            .column("date")
            .and_then(|c| c.date().map(|d| d.physical().clone()))
            .map_err(|e| EngineError::column("date", e))?;
        let get = |name: &str| prices.column(name).ok().and_then(|c| c.f64().ok().cloned());
        let (ret, close) = (get("return"), get("close"));
        if ret.is_none() && close.is_none() {
            return Err(EngineError::NoReturnOrClose);
        }
        // Rows are sorted by (ticker, date) on load: one pass, month by month per ticker.
        let mut cells: HashMap<(usize, i32), f64> = HashMap::new();
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        let mut last_close: HashMap<(usize, i32), f64> = HashMap::new();
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
            } else if let Some(c) = close.as_ref().and_then(|c| c.get(i)).filter(|c| *c > 0.0) {
                // Sorted by date: the last write of a month is its month-end close.
                last_close.insert((s, k), c);
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
        Ok(ReturnPanel { months, r })
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
