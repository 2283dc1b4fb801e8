//! Fundamentals as plain per-row vectors, and the point-in-time cross-section at an
//! as-of date: for each security the latest report known by then (its period date plus
//! the report lag), never a later one, and never one older than the staleness limit.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::{Column, DataFrame, DataType};

use crate::data::dates;
use crate::data::schema::{FIELDS, FieldType};
use crate::engine::EngineError;
use crate::engine::metrics::{ActiveMetric, Formula, METRICS};
use crate::engine::notes::{Exclusion, KnownBy, Note};
use crate::engine::settings::{Financials, ScoringSettings};

/// The group of a security whose fundamentals give no sector.
pub const NO_SECTOR: &str = "(none)";

/// The fundamentals table in the form the engine reads fast: one entry per row, rows
/// grouped by security and sorted by date within it.
#[derive(Clone, Debug, Default)]
pub struct Panel {
    pub tickers: Vec<String>,
    /// Each security's rows.
    pub spans: Vec<Range<usize>>,
    /// Per row: period date (days since 1970-01-01).
    pub dates: Vec<i32>,
    /// Per row: the day the report was disclosed (公告日期), i32::MIN where the file gives
    /// none; empty without such a column.
    pub disclosed: Vec<i32>,
    /// Per security: an A-share (by its code or market), whose reports without a
    /// disclosure date are known at their statutory deadline rather than after the lag.
    pub statutory: Vec<bool>,
    pub names: Vec<String>,
    pub sectors: Vec<String>,
    pub industries: Vec<String>,
    pub markets: Vec<String>,
    /// Per numeric column (canonical or custom), per row; NaN where missing.
    pub fields: BTreeMap<String, Vec<f64>>,
    /// The file's own headers of the numeric columns, as written ("非流动资产/总资产"),
    /// to the column of `fields` each became: a custom metric may name either.
    pub headers: BTreeMap<String, String>,
    /// How the rows are dated: reports, or (from a prices table) not at all.
    pub dating: Dating,
    /// What building it had to say (attributes some securities found no row in).
    pub notes: Vec<Note>,
    /// The sectors and markets as numbers, made on first use (see [`Panel::groups`]).
    groups: std::sync::OnceLock<Arc<Groups>>,
}

/// How a panel's rows are dated, and so when a security's row is known.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Dating {
    /// A fundamentals table's reports, each dated by its period: known after the lag, or
    /// at its disclosure or statutory date.
    #[default]
    Reports,
    /// A prices table alone ([`Panel::from_prices`]): a security is known at any date, and
    /// nothing is scored.
    PricesOnly,
    /// A prices table with the fundamentals of an undated table joined onto it (a
    /// snapshot export, `file`, whose figures carry no report date): known at any date
    /// and scored at the as-of date, but not backtested, which would score past dates on
    /// figures not yet known then.
    Snapshot { file: String },
}

impl Dating {
    /// Rows known at any date (prices alone, or a snapshot).
    pub fn undated(&self) -> bool {
        *self != Dating::Reports
    }
}

/// The panel's sectors and markets numbered once, so each date of a backtest stores a
/// number per security rather than a copy of its names.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    pub tickers: Arc<Vec<String>>,
    /// Per row: index into `sector_names`, and into `market_names`.
    pub sector: Vec<u32>,
    pub market: Vec<u32>,
    pub sector_names: Vec<String>,
    pub market_names: Vec<String>,
    /// Per row: its industry (its sector where it gives none) as a number, of
    /// `industries` (the industry concentration's groups).
    pub industry: Vec<u32>,
    pub industries: usize,
    /// Per row: its sector or industry is a financial one ([`is_financial`]).
    pub financial: Vec<bool>,
}

/// Whether a sector or industry name is a financial one: 申万 银行 and 非银金融 and their
/// level-2 names (证券Ⅱ, 保险Ⅱ, 多元金融), CSRC 金融业, GICS Financials and its industries
/// (banks, insurance, capital markets, consumer finance).
pub fn is_financial(name: &str) -> bool {
    let n = crate::data::schema::normalize_header(name);
    ["银行", "金融", "证券", "保险", "信托", "券商"]
        .iter()
        .chain(&["financ", "bank", "insurance", "capitalmarkets", "brokerage"])
        .any(|k| n.contains(k))
}

impl Financials {
    /// What the setting means for this data: `Auto` excludes financials from A-share data
    /// (most securities A-shares) and keeps them otherwise.
    pub fn resolve(self, panel: &Panel) -> Financials {
        match self {
            Financials::Auto if panel.a_share_data() => Financials::Exclude,
            Financials::Auto => Financials::Keep,
            chosen => chosen,
        }
    }
}

/// Number each distinct text of `v` in order of first appearance.
fn number(v: &[String]) -> (Vec<u32>, Vec<String>) {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut names = Vec::new();
    let idx = v
        .iter()
        .map(|t| {
            *ids.entry(t.as_str()).or_insert_with(|| {
                names.push(t.clone());
                (names.len() - 1) as u32
            })
        })
        .collect();
    (idx, names)
}

fn text_col(
    df: &DataFrame,
    name: &str,
    n: usize,
    fallback: &str,
) -> Result<Vec<String>, EngineError> {
    match df.column(name) {
        Ok(c) => Ok(c
            .str()
            .map_err(|e| EngineError::column(name, e))?
            .iter()
            .map(|v| v.unwrap_or(fallback).to_string())
            .collect()),
        Err(_) => Ok(vec![fallback.to_string(); n]),
    }
}

/// The `date` column as days since 1970-01-01; a date no calendar holds is as good as none
/// (i32::MIN; tables made in code).
fn date_days(df: &DataFrame) -> Result<Vec<i32>, EngineError> {
    days_of(df, "date")
}

/// A date column as days since 1970-01-01, i32::MIN where missing or implausible.
fn days_of(df: &DataFrame, name: &str) -> Result<Vec<i32>, EngineError> {
    df.column(name)
        .and_then(|c| {
            c.date().map(|d| {
                d.physical()
                    .iter()
                    .map(|v| v.and_then(dates::plausible_days).unwrap_or(i32::MIN))
                    .collect()
            })
        })
        .map_err(|e| EngineError::column(name, e))
}

/// Per security: an A-share, by its code or its last row's market.
fn statutory_of(tickers: &[String], spans: &[Range<usize>], markets: &[String]) -> Vec<bool> {
    tickers
        .iter()
        .zip(spans)
        .map(|(t, span)| is_a_share(t, &markets[span.end - 1]))
        .collect()
}

/// The six-digit code of an A-share ticker, bare or with an exchange suffix or prefix
/// (600028.SH, 000001.SZ, 430047.BJ, SH600028, baostock's sh.600028).
pub fn a_share_code(ticker: &str) -> Option<String> {
    let t = ticker.trim().to_ascii_uppercase();
    let code = [".SH", ".SZ", ".BJ", ".SS"]
        .iter()
        .find_map(|x| t.strip_suffix(x))
        .or_else(|| {
            ["SH.", "SZ.", "BJ.", "SH", "SZ", "BJ"]
                .iter()
                .find_map(|x| t.strip_prefix(x))
        })
        .unwrap_or(&t);
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then(|| code.to_string())
}

/// Whether a security is an A-share: a six-digit code, bare or with an exchange suffix or
/// prefix (600028.SH, 000001.SZ, 430047.BJ, SH600028, baostock's sh.600028), or a
/// mainland market name.
pub fn is_a_share(ticker: &str, market: &str) -> bool {
    let six_digits = a_share_code(ticker).is_some();
    let m = market.trim().to_uppercase();
    six_digits
        || matches!(
            m.as_str(),
            "CN" | "CHINA"
                | "A"
                | "A股"
                | "A-SHARE"
                | "A-SHARES"
                | "SSE"
                | "SZSE"
                | "BSE"
                | "沪"
                | "深"
                | "京"
                | "沪市"
                | "深市"
                | "上海"
                | "深圳"
                | "上交所"
                | "深交所"
                | "北交所"
        )
}

/// The statutory deadline of an A-share report with this period end (days since
/// 1970-01-01): Q1 (31 March) and annual (31 December) reports by 30 April, half-year
/// (30 June) by 31 August, Q3 (30 September) by 31 October. None for other period ends.
pub fn statutory_deadline(period: i32) -> Option<i32> {
    use chrono::Datelike;
    let d = dates::from_epoch_days(period)?;
    let (y, m, day) = match (d.month(), d.day()) {
        (3, 31) => (d.year(), 4, 30),
        (6, 30) => (d.year(), 8, 31),
        (9, 30) => (d.year(), 10, 31),
        (12, 31) => (d.year() + 1, 4, 30),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, day).map(dates::to_epoch_days)
}

/// A numeric column's values as f64, NaN where missing; None for a column of another type.
pub fn numbers(c: &Column) -> Result<Option<Vec<f64>>, EngineError> {
    let name = c.name().as_str();
    if !c.dtype().is_primitive_numeric() || matches!(c.dtype(), DataType::Date) {
        return Ok(None);
    }
    let v = c
        .cast(&DataType::Float64)
        .map_err(|e| EngineError::column(name, e))?;
    let v = v
        .f64()
        .map_err(|e| EngineError::column(name, e))?
        .iter()
        .map(|x| x.unwrap_or(f64::NAN))
        .collect();
    Ok(Some(v))
}

impl Panel {
    /// Build from a canonical fundamentals table (sorted by ticker and date on load).
    pub fn from_frame(df: &DataFrame) -> Result<Panel, EngineError> {
        let n = df.height();
        let tickers_all = text_col(df, "ticker", n, "")?;
        let dates = date_days(df)?;
        let mut tickers = Vec::new();
        let mut spans = Vec::new();
        let mut start = 0;
        for i in 1..=n {
            if i == n || tickers_all[i] != tickers_all[start] {
                tickers.push(tickers_all[start].clone());
                spans.push(start..i);
                start = i;
            }
        }
        let mut fields = BTreeMap::new();
        for c in df.columns() {
            let name = c.name().as_str();
            let known_text = FIELDS
                .iter()
                .any(|f| f.id == name && f.ty != FieldType::Number);
            if !known_text && let Some(v) = numbers(c)? {
                fields.insert(name.to_string(), v);
            }
        }
        let markets = text_col(df, "market", n, "")?;
        let statutory = statutory_of(&tickers, &spans, &markets);
        let disclosed = if df.column("disclosure_date").is_ok() {
            days_of(df, "disclosure_date")?
        } else {
            Vec::new()
        };
        Ok(Panel {
            tickers,
            spans,
            dates,
            disclosed,
            statutory,
            names: text_col(df, "name", n, "")?,
            sectors: text_col(df, "sector", n, NO_SECTOR)?,
            industries: text_col(df, "industry", n, "")?,
            markets,
            fields,
            headers: BTreeMap::new(),
            dating: Dating::Reports,
            notes: Vec::new(),
            groups: Default::default(),
        })
    }

    /// A panel from a prices table alone (sector ETFs, indices, a fund list): one row per
    /// security with its name and group (the prices' `sector` column; none yet without
    /// one: see [`Panel::group_by_ticker`]), dated at its last price, known at any date, with no metric: performance by
    /// group works, the score has nothing to rest on and says so.
    pub fn from_prices(df: &DataFrame) -> Result<Panel, EngineError> {
        let n = df.height();
        let tickers_all = text_col(df, "ticker", n, "")?;
        let names_all = text_col(df, "name", n, "")?;
        let groups_all = text_col(df, "sector", n, "")?;
        let days = date_days(df)?;
        let mut p = Panel {
            dating: Dating::PricesOnly,
            ..Panel::default()
        };
        let last_text = |v: &[String], rows: std::ops::Range<usize>| {
            rows.rev()
                .map(|r| v[r].as_str())
                .find(|t| !t.is_empty())
                .map(str::to_string)
        };
        // Rows come sorted by (ticker, date) from the loader.
        let mut start = 0;
        for i in 1..=n {
            if i == n || tickers_all[i] != tickers_all[start] {
                let k = p.tickers.len();
                let ticker = tickers_all[start].clone();
                p.names
                    .push(last_text(&names_all, start..i).unwrap_or_default());
                p.sectors
                    .push(last_text(&groups_all, start..i).unwrap_or_default());
                p.industries.push(String::new());
                p.markets.push(String::new());
                p.dates
                    .push(days[start..i].iter().copied().max().unwrap_or(i32::MIN));
                p.spans.push(k..k + 1);
                p.tickers.push(ticker);
                start = i;
            }
        }
        Ok(p)
    }

    /// Each security without a group (prices alone, no sector column, no attributes
    /// row giving one) is its own group.
    pub fn group_by_ticker(&mut self) {
        for (s, span) in self.spans.iter().enumerate() {
            for r in span.clone() {
                if self.sectors[r].is_empty() {
                    self.sectors[r] = self.tickers[s].clone();
                }
            }
        }
        self.texts_changed();
    }

    /// The sectors and markets numbered (made once, until [`Panel::texts_changed`]).
    pub fn groups(&self) -> Arc<Groups> {
        self.groups
            .get_or_init(|| {
                let (sector, sector_names) = number(&self.sectors);
                let (market, market_names) = number(&self.markets);
                let own: Vec<String> = (0..self.sectors.len())
                    .map(|r| match self.industries[r].as_str() {
                        "" => self.sectors[r].clone(),
                        i => i.to_string(),
                    })
                    .collect();
                let (industry, names) = number(&own);
                let fin_sector: Vec<bool> = sector_names.iter().map(|n| is_financial(n)).collect();
                let fin_industry: Vec<bool> = names.iter().map(|n| is_financial(n)).collect();
                let financial = sector
                    .iter()
                    .zip(&industry)
                    .map(|(&s, &i)| fin_sector[s as usize] || fin_industry[i as usize])
                    .collect();
                Arc::new(Groups {
                    financial,
                    industry,
                    industries: names.len(),
                    tickers: Arc::new(self.tickers.clone()),
                    sector,
                    market,
                    sector_names,
                    market_names,
                })
            })
            .clone()
    }

    /// Say that tickers, sectors or markets were rewritten: [`Panel::groups`] numbers them
    /// again.
    pub fn texts_changed(&mut self) {
        self.groups = Default::default();
        // A market filled in (by an attributes table) may make a security an A-share.
        if self.dating != Dating::PricesOnly {
            self.statutory = statutory_of(&self.tickers, &self.spans, &self.markets);
        }
    }

    /// Most of its securities are A-shares: the data A-share defaults apply to.
    pub fn a_share_data(&self) -> bool {
        let n = self.statutory.iter().filter(|&&a| a).count();
        n > 0 && 2 * n > self.statutory.len()
    }

    /// Per row, the security it belongs to.
    pub fn owners(&self) -> Vec<usize> {
        self.spans
            .iter()
            .enumerate()
            .flat_map(|(s, r)| std::iter::repeat_n(s, r.len()))
            .collect()
    }

    /// Market caps the reports lack, derived where they give shares outstanding: shares x
    /// the security's close on the period date (its last close on or before it, at most
    /// 31 days before), when the caps the data reports agree with shares x close (median
    /// ratio within 0.5 to 2) or it reports none. The note says how many were derived, or
    /// why none was; None when no report lacks a cap.
    pub fn derive_caps(&mut self, prices: &DataFrame) -> Result<Option<Note>, EngineError> {
        if self.dating == Dating::PricesOnly {
            return Ok(None);
        }
        let Some(shares) = self.fields.get("shares_outstanding") else {
            return Ok(None);
        };
        let n = self.dates.len();
        let caps = self
            .fields
            .get("market_cap")
            .cloned()
            .unwrap_or_else(|| vec![f64::NAN; n]);
        let wanted: Vec<usize> = (0..n)
            .filter(|&r| caps[r].is_nan() && shares[r].is_finite() && shares[r] > 0.0)
            .collect();
        let Ok(close) = prices.column("close").and_then(|c| c.f64().cloned()) else {
            return Ok(None);
        };
        if wanted.is_empty() {
            return Ok(None);
        }
        let (tk, dt) = super::returns::tickers_and_days(prices)?;
        // Each security's closes by date (prices come sorted by ticker and date).
        let mut closes: HashMap<&str, Vec<(i32, f64)>> = HashMap::new();
        for i in 0..prices.height() {
            if let (Some(t), Some(d), Some(c)) = (tk.get(i), dt.get(i), close.get(i)) {
                closes.entry(t).or_default().push((d, c));
            }
        }
        let owner = self.owners();
        // The close on or before a row's date, at most 31 days before.
        let close_at = |r: usize| {
            let series = closes.get(self.tickers[owner[r]].as_str())?;
            let day = self.dates[r];
            let k = series.partition_point(|(d, _)| *d <= day);
            let &(d, c) = &series[k.checked_sub(1)?];
            (day - d <= 31).then_some(c)
        };
        // Reported caps must be in the units shares x close gives: checked on the rows
        // that have both (caps in 亿元 beside shares in 股 would outweigh all others).
        let derivable: Vec<(usize, f64)> = wanted
            .iter()
            .filter_map(|&r| close_at(r).map(|c| (r, c)))
            .collect();
        if derivable.is_empty() {
            return Ok(None);
        }
        let reported = caps.iter().any(|c| c.is_finite() && *c > 0.0);
        if reported {
            let mut ratios: Vec<f64> = (0..n)
                .filter(|&r| caps[r].is_finite() && caps[r] > 0.0 && shares[r] > 0.0)
                .filter_map(|r| close_at(r).map(|c| caps[r] / (shares[r] * c)))
                .filter(|x| x.is_finite())
                .collect();
            ratios.sort_by(f64::total_cmp);
            let median = (!ratios.is_empty()).then(|| ratios[ratios.len() / 2]);
            if !median.is_some_and(|m| (0.5..=2.0).contains(&m)) {
                return Ok(Some(Note::CapsNotDerived {
                    rows: derivable.len(),
                    ratio: median,
                }));
            }
        }
        let mut caps = caps;
        for &(r, c) in &derivable {
            caps[r] = shares[r] * c;
        }
        let rows = derivable.len();
        self.fields.insert("market_cap".into(), caps);
        Ok(Some(Note::CapsFromShares {
            rows,
            of: wanted.len(),
        }))
    }

    /// The column of `fields` a custom metric's `column` names: the column itself, or the
    /// header it was read from as the file writes it.
    pub fn resolve(&self, column: &str) -> Option<&str> {
        if let Some((k, _)) = self.fields.get_key_value(column) {
            return Some(k);
        }
        self.headers
            .get(column)
            .map(String::as_str)
            .filter(|k| self.fields.contains_key(*k))
    }

    /// The numeric columns a custom metric could use (not canonical fields), by header.
    pub fn custom_candidates(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(_, k)| {
                crate::data::schema::field(k).is_none() && self.fields.contains_key(*k)
            })
            .map(|(h, _)| h.clone())
            .collect()
    }

    pub fn field(&self, name: &str, row: usize) -> f64 {
        self.fields.get(name).map_or(f64::NAN, |v| v[row])
    }

    /// The rule that dates row `r` (of security `s`).
    pub fn known_by(&self, s: usize, r: usize) -> KnownBy {
        // An undated row's date is its last price's, known that day (the lag is 0 then):
        // no statutory deadline applies to it.
        if self.dating.undated() {
            KnownBy::Lag
        } else if self.disclosed.get(r).is_some_and(|d| *d != i32::MIN) {
            KnownBy::Disclosed
        } else if self.statutory.get(s) == Some(&true)
            && statutory_deadline(self.dates[r]).is_some()
        {
            KnownBy::Statutory
        } else {
            KnownBy::Lag
        }
    }

    /// The day row `r` of security `s` becomes known (days since 1970-01-01): its
    /// disclosure date (never before its period end), else the statutory deadline for an
    /// A-share, else its period end plus `lag` days. Never for a row without a date.
    pub fn known_day(&self, s: usize, r: usize, lag: u32) -> Option<i64> {
        let period = self.dates[r];
        if period == i32::MIN {
            return None;
        }
        Some(match self.known_by(s, r) {
            KnownBy::Disclosed => i64::from(self.disclosed[r].max(period)),
            KnownBy::Statutory => i64::from(statutory_deadline(period).unwrap_or(period)),
            KnownBy::Lag => i64::from(period) + i64::from(lag),
        })
    }

    /// The first and last days any report becomes known.
    pub fn known_span(&self, lag: u32) -> Option<(i64, i64)> {
        let lag = if self.dating.undated() { 0 } else { lag };
        self.spans
            .iter()
            .enumerate()
            .flat_map(|(s, span)| span.clone().map(move |r| (s, r)))
            .filter_map(|(s, r)| self.known_day(s, r, lag))
            .fold(None, |acc, d| match acc {
                None => Some((d, d)),
                Some((a, b)) => Some((a.min(d), b.max(d))),
            })
    }

    /// The latest date at which every report of the data is known: the default as-of.
    pub fn latest_known(&self, report_lag_days: u32) -> Option<NaiveDate> {
        let (_, last) = self.known_span(report_lag_days)?;
        dates::from_epoch_days(i32::try_from(last).ok()?)
    }

    /// The row of security `s` known at `as_of` (epoch days), if any: the latest period
    /// whose report is known by then, never a later report.
    fn known_row(&self, s: usize, as_of: i32, lag: u32) -> Option<usize> {
        let span = &self.spans[s];
        // A report is never known before its period ends: only those up to as_of count,
        // and of these usually the last or the one before is known.
        let k = self.dates[span.clone()].partition_point(|d| *d <= as_of);
        (span.start..span.start + k).rev().find(|&r| {
            self.known_day(s, r, lag)
                .is_some_and(|d| d <= i64::from(as_of))
        })
    }

    /// Why security `s` has no report known at `as_of`: the rule of its first report and
    /// the day it becomes known.
    fn nothing_known(&self, s: usize, as_of: NaiveDate, lag: u32) -> Exclusion {
        let first = self.spans[s]
            .clone()
            .filter_map(|r| Some((r, self.known_day(s, r, lag)?)))
            .min_by_key(|x| x.1);
        Exclusion::NoReport {
            as_of,
            rule: first.map_or(KnownBy::Lag, |(r, _)| self.known_by(s, r)),
            lag_days: lag,
            first: first.and_then(|(_, d)| dates::from_epoch_days(i32::try_from(d).ok()?)),
        }
    }

    /// How many reports each rule dates, when any is dated otherwise than by the lag:
    /// what the load and the ranking's notes say.
    pub fn known_note(&self) -> Option<Note> {
        if self.dating.undated() {
            return None;
        }
        let mut count = [0usize; 3];
        for (s, span) in self.spans.iter().enumerate() {
            for r in span.clone() {
                count[self.known_by(s, r) as usize] += 1;
            }
        }
        let [disclosed, statutory, lag] = count;
        (disclosed + statutory > 0).then_some(Note::KnownDates {
            disclosed,
            statutory,
            lag,
        })
    }
}

/// One as-of date's view: per security the report used, or why there is none, and the raw
/// value of every active metric.
#[derive(Clone, Debug)]
pub struct CrossSection {
    pub as_of: NaiveDate,
    pub tickers: Vec<String>,
    pub names: Vec<String>,
    pub sectors: Vec<String>,
    pub industries: Vec<String>,
    pub markets: Vec<String>,
    pub market_cap: Vec<f64>,
    /// The report used (row of the panel), None when excluded before scoring.
    pub rows: Vec<Option<usize>>,
    /// Why a security has no usable report ("stale data ..."), else None.
    pub unavailable: Vec<Option<Exclusion>>,
    pub metrics: Vec<ActiveMetric>,
    /// Per metric, per security: the raw value, NaN where missing.
    pub raw: Vec<Vec<f64>>,
    /// Per metric, per security: the inputs that were missing (for exclusion reasons).
    pub missing_inputs: Vec<Vec<Vec<String>>>,
    /// Custom metrics of the settings that name no column, each with the columns that
    /// could be used.
    pub unmatched: Vec<(String, Vec<String>)>,
    /// From prices alone: no fundamentals, nothing to score.
    pub prices_only: bool,
    /// The panel's notes on the data it was built from.
    pub data_notes: Vec<Note>,
}

impl CrossSection {
    pub fn len(&self) -> usize {
        self.tickers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tickers.is_empty()
    }
}

/// Positive denominators only: a zero or negative one gives a missing value, never inf.
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 && num.is_finite() && den.is_finite() {
        num / den
    } else {
        f64::NAN
    }
}

/// The metrics of this run: the defaults plus the user's custom columns.
pub fn active_metrics(settings: &ScoringSettings, panel: &Panel) -> Vec<ActiveMetric> {
    let has = |f: &str| panel.fields.contains_key(f);
    let mut out: Vec<ActiveMetric> = METRICS
        .iter()
        .filter(|m| !m.ratio_level || m.formula.inputs().into_iter().all(has))
        .map(|m| ActiveMetric {
            id: m.id.to_string(),
            pillar: m.pillar,
            direction: m.direction,
            formula: Some(m.formula),
            inputs: m.formula.inputs().iter().map(|s| s.to_string()).collect(),
            given: m.given.filter(|f| has(f)).map(str::to_string),
        })
        .collect();
    for c in &settings.custom_metrics {
        // Named as the user wrote it; its values from the column the header became.
        if let Some(key) = panel.resolve(&c.column)
            && !out.iter().any(|m| m.id == c.column)
        {
            // A custom metric on a ratio-level metric's column takes its place (one
            // column never counts twice; see `replaced_by_custom`).
            out.retain(|m| !(ratio_level(m) && m.inputs == [key]));
            // Nor as a formula metric's ready-made fallback.
            for m in out.iter_mut().filter(|m| m.given.as_deref() == Some(key)) {
                m.given = None;
            }
            out.push(ActiveMetric {
                id: c.column.clone(),
                pillar: c.pillar,
                direction: if c.direction < 0.0 { -1.0 } else { 1.0 },
                formula: None,
                inputs: vec![key.to_string()],
                given: None,
            });
        }
    }
    out
}

fn ratio_level(m: &ActiveMetric) -> bool {
    crate::engine::metrics::metric(&m.id).is_some_and(|d| d.ratio_level)
}

/// Metrics a custom metric on the same column replaced: (custom, metric, whether only
/// the metric's ready-made fallback was), for a ratio-level metric reading that column or
/// a formula metric falling back on it.
pub fn replaced_by_custom(
    settings: &ScoringSettings,
    panel: &Panel,
) -> Vec<(String, String, bool)> {
    settings
        .custom_metrics
        .iter()
        .filter_map(|c| {
            let key = panel.resolve(&c.column)?;
            let m = METRICS
                .iter()
                .find(|m| (m.ratio_level && m.formula.inputs() == [key]) || m.given == Some(key))?;
            Some((c.column.clone(), m.id.to_string(), !m.ratio_level))
        })
        .collect()
}

/// The custom metrics of the settings that name no column of the data.
pub fn unmatched_custom(settings: &ScoringSettings, panel: &Panel) -> Vec<String> {
    settings
        .custom_metrics
        .iter()
        .filter(|c| panel.resolve(&c.column).is_none())
        .map(|c| c.column.clone())
        .collect()
}

/// Which report each security uses at an as-of date, or why it has none.
pub struct Selection {
    pub as_of: NaiveDate,
    /// The report used (row of the panel), None when excluded before scoring.
    pub rows: Vec<Option<usize>>,
    pub unavailable: Vec<Option<Exclusion>>,
}

impl Selection {
    /// The row a security's names and groups come from: its report's, else its last.
    pub fn text_row(&self, panel: &Panel, s: usize) -> usize {
        self.rows[s].unwrap_or(panel.spans[s].end - 1)
    }
}

/// The point-in-time selection at `settings.as_of` (default: [`Panel::latest_known`]).
pub fn select(panel: &Panel, settings: &ScoringSettings) -> Result<Selection, EngineError> {
    let lag = settings.report_lag_days;
    let as_of = match settings.as_of {
        Some(d) => d,
        None => panel
            .latest_known(settings.report_lag_days)
            .ok_or(EngineError::NoDates)?,
    };
    let t = dates::to_epoch_days(as_of);
    let n = panel.tickers.len();
    let mut rows = Vec::with_capacity(n);
    let mut unavailable = Vec::with_capacity(n);
    let financials = settings.financials;
    // Prices alone have no financials to leave out: nothing is scored.
    let excluded = (panel.dating != Dating::PricesOnly
        && financials.resolve(panel) == Financials::Exclude)
        .then(|| panel.groups());
    for s in 0..n {
        let known = match panel.dating {
            Dating::Reports => panel.known_row(s, t, lag),
            // Known at any date: the security's one row.
            Dating::PricesOnly | Dating::Snapshot { .. } => Some(panel.spans[s].start),
        };
        // A financial with a known report is left out (one with none says so instead).
        if let (Some(g), Some(r)) = (&excluded, known)
            && g.financial[r]
        {
            rows.push(None);
            unavailable.push(Some(Exclusion::Financial {
                sector: panel.sectors[r].clone(),
                auto: financials == Financials::Auto,
            }));
            continue;
        }
        let Some(r) = known else {
            rows.push(None);
            unavailable.push(Some(panel.nothing_known(s, as_of, lag)));
            continue;
        };
        // An undated row is never stale: it has no period to age from.
        if panel.dating.undated() {
            rows.push(Some(r));
            unavailable.push(None);
            continue;
        }
        let known = panel.known_day(s, r, lag).unwrap_or(i64::MAX);
        let age = i64::from(t) - known;
        // A date no calendar holds (i32::MIN) is no report; the period's date is made only
        // for a stale report's reason (a conversion per security and date cost much).
        let stale = age > i64::from(settings.max_staleness_days);
        let day = panel.dates[r];
        let period = (stale && day != i32::MIN).then(|| dates::from_epoch_days(day));
        match period {
            None if day != i32::MIN => {
                rows.push(Some(r));
                unavailable.push(None);
            }
            Some(Some(period)) => {
                rows.push(None);
                unavailable.push(Some(Exclusion::Stale {
                    period,
                    age_days: age,
                    limit_days: settings.max_staleness_days,
                }));
            }
            _ => {
                rows.push(None);
                unavailable.push(Some(panel.nothing_known(s, as_of, lag)));
            }
        }
    }
    Ok(Selection {
        as_of,
        rows,
        unavailable,
    })
}

/// Each active metric's raw value per security of the selection (NaN where missing), and
/// the inputs missing where it has none when `why` asks for them (else empty lists), with
/// the securities' market caps.
pub struct MetricValues {
    pub raw: Vec<Vec<f64>>,
    pub missing_inputs: Vec<Vec<Vec<String>>>,
    pub market_cap: Vec<f64>,
}

/// The raw metric values at the selection. The industry concentration is computed within
/// each security's industry (its sector where no industry is given).
pub fn metric_values(
    panel: &Panel,
    sel: &Selection,
    metrics: &[ActiveMetric],
    why: bool,
) -> MetricValues {
    let rows = &sel.rows;
    let n = rows.len();
    // Columns looked up once, read by row: a lookup per security and metric was most of
    // the time of a backtest's preparation.
    let col = |name: &str| panel.fields.get(name).map(Vec::as_slice);
    let at = |c: Option<&[f64]>, s: usize| match (c, rows[s]) {
        (Some(c), Some(r)) => c[r],
        _ => f64::NAN,
    };
    let revenue = col("revenue");
    let market_cap: Vec<f64> = (0..n).map(|s| at(col("market_cap"), s)).collect();

    // Herfindahl per industry (sector where no industry is given) over this cross-section.
    let groups = panel.groups();
    let group: Vec<usize> = (0..n)
        .map(|s| groups.industry[sel.text_row(panel, s)] as usize)
        .collect();
    let mut totals = vec![0.0; groups.industries];
    for s in 0..n {
        let r = at(revenue, s);
        if r > 0.0 {
            totals[group[s]] += r;
        }
    }
    let mut hhi = vec![0.0; groups.industries];
    for s in 0..n {
        let r = at(revenue, s);
        if r > 0.0 {
            let share = r / totals[group[s]];
            hhi[group[s]] += share * share;
        }
    }

    let mut raw = Vec::with_capacity(metrics.len());
    let mut missing_inputs = Vec::with_capacity(metrics.len());
    let cfo = [col("operating_cash_flow"), col("total_assets")];
    for m in metrics {
        // The inputs' columns, in the order of `Formula::inputs` (a custom metric: its one).
        let ins: Vec<Option<&[f64]>> = m.inputs.iter().map(|f| col(f)).collect();
        let given = m.given.as_deref().and_then(col);
        let x = |i: usize, s: usize| at(ins[i], s);
        let mut vals = Vec::with_capacity(n);
        let mut miss = Vec::with_capacity(if why { n } else { 0 });
        for s in 0..n {
            let v = match m.formula {
                _ if rows[s].is_none() => f64::NAN,
                None | Some(Formula::Field(_)) => x(0, s),
                Some(Formula::Ratio(..)) => ratio(x(0, s), x(1, s)),
                Some(Formula::AbsRatio(..)) => ratio(x(0, s).abs(), x(1, s)),
                Some(Formula::SumRatio(..)) => ratio(x(0, s) + x(1, s), x(2, s)),
                Some(Formula::ReplacementValue) => ratio(x(0, s), x(1, s) + x(2, s) - x(3, s)),
                Some(Formula::IndustryConcentration) => {
                    if x(0, s) > 0.0 {
                        hhi[group[s]]
                    } else {
                        f64::NAN
                    }
                }
                Some(Formula::CfoStability) => match rows[s] {
                    Some(last) => cfo_stability(panel, cfo, s, last),
                    None => f64::NAN,
                },
            };
            // The export's own ratio where the report lacks the formula's inputs.
            let v = if v.is_nan() { at(given, s) } else { v };
            vals.push(v);
            if !why {
                continue;
            }
            miss.push(if v.is_nan() && rows[s].is_some() {
                let given = m.given.iter().map(|f| (f, given));
                m.inputs
                    .iter()
                    .zip(ins.iter().copied())
                    .chain(given)
                    .filter(|(_, c)| at(*c, s).is_nan())
                    .map(|(f, _)| f.clone())
                    .collect()
            } else {
                Vec::new()
            });
        }
        raw.push(vals);
        missing_inputs.push(miss);
    }
    MetricValues {
        raw,
        missing_inputs,
        market_cap,
    }
}

/// The point-in-time cross-section at `settings.as_of` (default: [`Panel::latest_known`]).
pub fn cross_section(
    panel: &Panel,
    settings: &ScoringSettings,
) -> Result<CrossSection, EngineError> {
    let sel = select(panel, settings)?;
    let metrics = active_metrics(settings, panel);
    let values = metric_values(panel, &sel, &metrics, true);
    Ok(assemble(panel, settings, sel, metrics, values))
}

/// The cross-section of a selection and its metric values: with each security's names and
/// groups from its report (else its last row).
pub fn assemble(
    panel: &Panel,
    settings: &ScoringSettings,
    sel: Selection,
    metrics: Vec<ActiveMetric>,
    values: MetricValues,
) -> CrossSection {
    let financials_note = financials_note(panel, settings, &sel);
    let pick = |v: &Vec<String>| -> Vec<String> {
        (0..sel.rows.len())
            .map(|s| v[sel.text_row(panel, s)].clone())
            .collect()
    };
    CrossSection {
        as_of: sel.as_of,
        tickers: panel.tickers.clone(),
        names: pick(&panel.names),
        sectors: pick(&panel.sectors),
        industries: pick(&panel.industries),
        markets: pick(&panel.markets),
        market_cap: values.market_cap,
        rows: sel.rows,
        unavailable: sel.unavailable,
        metrics,
        raw: values.raw,
        missing_inputs: values.missing_inputs,
        unmatched: unmatched_custom(settings, panel)
            .into_iter()
            .map(|c| (c, panel.custom_candidates()))
            .collect(),
        prices_only: panel.dating == Dating::PricesOnly,
        data_notes: panel
            .notes
            .iter()
            .cloned()
            .chain(financials_note)
            .chain(replaced_by_custom(settings, panel).into_iter().map(
                |(column, metric, fallback)| Note::CustomReplaces {
                    column,
                    metric,
                    fallback,
                },
            ))
            .collect(),
    }
}

/// What the financials rule did at this selection: how many were left out or scored
/// apart, and their sectors; None when it keeps them, or when `Auto` found none.
fn financials_note(panel: &Panel, settings: &ScoringSettings, sel: &Selection) -> Option<Note> {
    let rule = settings.financials.resolve(panel);
    if panel.dating == Dating::PricesOnly || rule == Financials::Keep {
        return None;
    }
    let groups = panel.groups();
    let members: Vec<usize> = (0..sel.rows.len())
        .filter(|&s| match rule {
            Financials::Apart => sel.rows[s].is_some() && groups.financial[sel.text_row(panel, s)],
            _ => matches!(sel.unavailable[s], Some(Exclusion::Financial { .. })),
        })
        .collect();
    let auto = settings.financials == Financials::Auto;
    if members.is_empty() && auto {
        return None;
    }
    let mut sectors: Vec<String> = members
        .iter()
        .map(|&s| panel.sectors[sel.text_row(panel, s)].clone())
        .collect();
    sectors.sort_unstable();
    sectors.dedup();
    Some(Note::Financials {
        rule,
        auto,
        count: members.len(),
        sectors,
    })
}

/// Minus the sample standard deviation of operating_cash_flow / total_assets over the last
/// 3 to 5 reports up to row `last`, the one known at the date (`ocf`, `assets`: the two
/// columns); missing with fewer than 3.
fn cfo_stability(panel: &Panel, [ocf, assets]: [Option<&[f64]>; 2], s: usize, last: usize) -> f64 {
    let (Some(ocf), Some(assets)) = (ocf, assets) else {
        return f64::NAN;
    };
    let first = panel.spans[s].start.max((last + 1).saturating_sub(5));
    // At most five values: on the stack (this runs per security at every rebalance).
    let mut x = [0.0; 5];
    let mut k = 0;
    for r in first..=last {
        let v = ratio(ocf[r], assets[r]);
        if v.is_finite() {
            x[k] = v;
            k += 1;
        }
    }
    let x = &x[..k];
    if x.len() < 3 {
        return f64::NAN;
    }
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (x.len() - 1) as f64;
    -var.sqrt()
}
