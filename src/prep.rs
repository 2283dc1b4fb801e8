//! `halo-workbench prep-sample`: rebuild `sample_data/` from the raw public files in
//! `../shared/data`, deterministically. Every derivation here is documented in
//! `sample_data/README.md`; change both together.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use chrono::{Datelike, NaiveDate};
use polars::prelude::SerReader;
use polars::prelude::{
    Column, CsvReadOptions, CsvWriter, DataFrame, DataType, Int32Chunked, IntoColumn, IntoLazy,
    ParquetCompression, ParquetWriter, SerWriter, StrptimeOptions, col,
};

use crate::atomic::write_atomic;
use crate::data::dates;
use crate::data::schema::{FIELDS, FieldType, TableKind, allowed};

pub struct PrepOptions {
    /// `shared/data`.
    pub raw: PathBuf,
    /// Where the outputs go (`sample_data`).
    pub out: PathBuf,
    /// The GICS sub-industry -> NAICS table; default `<out>/mapping/gics_subindustry_to_naics.csv`.
    pub mapping: Option<PathBuf>,
    /// Also write the full daily price set as one long file (.csv or .parquet), for benchmarks.
    pub daily_out: Vec<PathBuf>,
}

/// Read a CSV with every column as text (the raw files mix types; we parse explicitly).
fn read_text_csv(path: &Path) -> Result<DataFrame> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .with_context(|| format!("parsing {}", path.display()))
}

fn strings(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let c = df.column(name).with_context(|| format!("column {name}"))?;
    Ok(c.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

fn numbers(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    Ok(strings(df, name)?
        .into_iter()
        .map(|v| v.and_then(|s| s.trim().parse::<f64>().ok()))
        .collect())
}

fn month_key(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn month_end(key: i32) -> NaiveDate {
    let (y, m) = (key.div_euclid(12), key.rem_euclid(12) as u32 + 1);
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    first_next.and_then(|d| d.pred_opt()).expect("valid month")
}

/// One daily observation.
#[derive(Clone, Copy)]
struct Day {
    date: NaiveDate,
    close: f64,
    adj: f64,
    dividend: f64,
}

/// Days per ticker, the files skipped and why, and each file's frame (for --daily-out).
type Daily2021 = (BTreeMap<String, Vec<Day>>, Vec<String>, Vec<DataFrame>);

/// Daily prices per ticker from the 2021 set (Alpha Vantage layout, 1999-11 to 2021-04).
fn read_daily_2021(dir: &Path) -> Result<Daily2021> {
    let mut out = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut frames = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let fname = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(ticker) = fname
            .strip_prefix("DA-")
            .and_then(|s| s.strip_suffix("-T-2021-04-21.csv"))
        else {
            continue;
        };
        let df = match read_text_csv(&path) {
            Ok(df) if df.column("adjusted_close").is_ok() => df,
            // DA-BF.B is an error page, not data.
            _ => {
                skipped.push(format!("{fname}: not a price table"));
                continue;
            }
        };
        let ds = strings(&df, "timestamp")?;
        let (close, adj, div) = (
            numbers(&df, "close")?,
            numbers(&df, "adjusted_close")?,
            numbers(&df, "dividend_amount")?,
        );
        let mut days: Vec<Day> = (0..df.height())
            .filter_map(|i| {
                Some(Day {
                    date: dates::parse_with(ds[i].as_deref()?, "%Y-%m-%d")?,
                    close: close[i]?,
                    adj: adj[i]?,
                    dividend: div[i].unwrap_or(0.0),
                })
            })
            .collect();
        days.sort_by_key(|d| d.date);
        let n = df.height();
        let mut long = df;
        long.with_column(Column::new("ticker".into(), vec![ticker; n]))?;
        frames.push(long);
        out.insert(ticker.to_string(), days);
    }
    Ok((out, skipped, frames))
}

/// Daily prices per ticker from the 2012-12..2017-12 set (Yahoo layout; its close is
/// already split- and spin-off-adjusted).
fn read_daily_2017(file: &Path) -> Result<BTreeMap<String, Vec<Day>>> {
    let df = read_text_csv(file)?;
    let (ds, names) = (strings(&df, "date")?, strings(&df, "Name")?);
    let (close, adj) = (numbers(&df, "close")?, numbers(&df, "adj_close")?);
    let mut out: BTreeMap<String, Vec<Day>> = BTreeMap::new();
    for i in 0..df.height() {
        let (Some(t), Some(d), Some(c), Some(a)) = (
            &names[i],
            ds[i]
                .as_deref()
                .and_then(|s| dates::parse_with(s, "%Y-%m-%d")),
            close[i],
            adj[i],
        ) else {
            continue;
        };
        out.entry(t.clone()).or_default().push(Day {
            date: d,
            close: c,
            adj: a,
            dividend: 0.0,
        });
    }
    for v in out.values_mut() {
        v.sort_by_key(|d| d.date);
    }
    Ok(out)
}

/// Last observation of each month: month key -> (date, adjusted close).
fn month_ends(days: &[Day]) -> BTreeMap<i32, Day> {
    let mut m = BTreeMap::new();
    for d in days {
        m.insert(month_key(d.date), *d);
    }
    m
}

/// The two price sets.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PriceSet {
    /// `sp500-daily-prices-2012-2017` (Yahoo layout), its `adj_close`.
    Yahoo2017,
    /// `sp500-daily-prices` (Alpha Vantage layout), its `adjusted_close`.
    AlphaVantage2021,
}

impl PriceSet {
    fn label(self) -> &'static str {
        match self {
            Self::Yahoo2017 => "yahoo-2012-2017",
            Self::AlphaVantage2021 => "alphavantage-2021",
        }
    }
}

/// Where the two sets' returns for a month differ by more than this, the month is checked
/// by hand against the corporate event behind it and listed in [`CHECKED`].
const DISAGREEMENT: f64 = 0.05;

/// Every ticker-month of 2013-01..2017-11 where the two price sets' monthly returns differ
/// by more than 5 points, checked against the event behind it: the set whose return is
/// right, and why. Listed in `sample_data/README.md`; prep-sample fails on a disagreement
/// not listed here, so no such month is chosen in silence.
const CHECKED: &[(&str, &str, PriceSet, &str)] = &[
    (
        "APD",
        "2016-10",
        PriceSet::Yahoo2017,
        "Versum Materials spin-off (1 for 2): the 2021 set records only the cash dividend",
    ),
    (
        "DHR",
        "2016-07",
        PriceSet::AlphaVantage2021,
        "Fortive spin-off (1 for 2): the 2021 set records the $24.77 distribution; the 2012-2017 set's adj_close adjusts its already spin-off-adjusted close a second time (+55.6%)",
    ),
    (
        "HBI",
        "2015-03",
        PriceSet::Yahoo2017,
        "4-for-1 split: the 2021 set records a $3.00 dividend on the split day (the quarterly dividend was $0.10 after it)",
    ),
    (
        "HPQ",
        "2015-11",
        PriceSet::Yahoo2017,
        "Hewlett Packard Enterprise separation (1 for 1): the 2012-2017 set's return is the one the 2021 set's own $14.72 distribution implies",
    ),
    (
        "ISRG",
        "2013-02",
        PriceSet::Yahoo2017,
        "the 2021 set's 2013-02-28 bar is flat (open = high = low = close = 573.52), a stale print: the fall that day lands in March there",
    ),
    (
        "ISRG",
        "2013-03",
        PriceSet::Yahoo2017,
        "as 2013-02 (the two months compound to the same -14.5% in both sets)",
    ),
    (
        "JCI",
        "2016-10",
        PriceSet::Yahoo2017,
        "Adient spin-off (1 for 10): the 2021 set records no distribution",
    ),
    (
        "MET",
        "2017-08",
        PriceSet::Yahoo2017,
        "Brighthouse Financial spin-off (1 for 11): the 2021 set records both a $5.87 distribution and a 1.122 split factor, counting it twice",
    ),
    (
        "TEL",
        "2014-05",
        PriceSet::Yahoo2017,
        "the 2021 set records a $7.00 dividend on 2014-05-15 that was not paid (the quarterly dividend was $0.29)",
    ),
    (
        "VTR",
        "2015-08",
        PriceSet::AlphaVantage2021,
        "Care Capital Properties spin-off (1 for 4): the 2021 set records the $8.51 distribution; the 2012-2017 set shows the raw fall (-28.2%)",
    ),
    (
        "WRK",
        "2016-05",
        PriceSet::Yahoo2017,
        "Ingevity spin-off (1 for 6): the 2021 set records only the cash dividend",
    ),
];

/// The set [`CHECKED`] names for `ticker`'s month `k`, and why.
fn checked(ticker: &str, k: i32) -> Option<(PriceSet, &'static str)> {
    let month = month_end(k).format("%Y-%m").to_string();
    CHECKED
        .iter()
        .find(|(t, m, _, _)| *t == ticker && *m == month)
        .map(|c| (c.2, c.3))
}

/// Monthly total returns from adjusted closes, `(month, return, source)`, choosing per
/// month the source that covers it: the 2012-2017 set for 2013-01..2017-11, else the 2021
/// set, and where both cover a month and disagree by more than [`DISAGREEMENT`] the set
/// [`CHECKED`] names (an error if it names none). `IR` in the 2021 set is a different
/// company and is not used. Each checked month adds a line to `lines`.
fn monthly_returns(
    ticker: &str,
    y17: Option<&Vec<Day>>,
    av: Option<&Vec<Day>>,
    lines: &mut Vec<String>,
) -> Result<Vec<(i32, f64, &'static str)>> {
    let first_y17 = month_key(NaiveDate::from_ymd_opt(2013, 1, 1).expect("date"));
    let last_y17 = month_key(NaiveDate::from_ymd_opt(2017, 11, 1).expect("date"));
    let last_av = month_key(NaiveDate::from_ymd_opt(2021, 3, 1).expect("date"));
    let first_out = month_key(NaiveDate::from_ymd_opt(2010, 1, 1).expect("date"));
    let y17m = y17.map(|d| month_ends(d)).unwrap_or_default();
    let avm = if ticker == "IR" {
        BTreeMap::new()
    } else {
        av.map(|d| month_ends(d)).unwrap_or_default()
    };
    let ret = |m: &BTreeMap<i32, Day>, k: i32| Some(m.get(&k)?.adj / m.get(&(k - 1))?.adj - 1.0);
    let mut out = Vec::new();
    for k in first_out..=last_av {
        let (y, a) = (ret(&y17m, k), ret(&avm, k));
        let chosen = if (first_y17..=last_y17).contains(&k) {
            match (y, a) {
                (Some(y), Some(a)) if (y - a).abs() > DISAGREEMENT => {
                    let month = month_end(k).format("%Y-%m");
                    match checked(ticker, k) {
                        Some((set, why)) => {
                            let r = if set == PriceSet::Yahoo2017 { y } else { a };
                            lines.push(format!(
                                "checked {ticker} {month}: {} {:+.2}% (2012-2017 set {:+.2}%, 2021 set {:+.2}%): {why}",
                                set.label(),
                                100.0 * r,
                                100.0 * y,
                                100.0 * a
                            ));
                            Some((r, set))
                        }
                        None => bail!(
                            "{ticker} {month}: the price sets' returns differ by {:.1} points ({:+.2}% and {:+.2}%) and the month is not checked in CHECKED",
                            100.0 * (y - a).abs(),
                            100.0 * y,
                            100.0 * a
                        ),
                    }
                }
                (Some(y), _) => Some((y, PriceSet::Yahoo2017)),
                (None, a) => a.map(|a| (a, PriceSet::AlphaVantage2021)),
            }
        } else {
            a.map(|a| (a, PriceSet::AlphaVantage2021))
        };
        if let Some((r, set)) = chosen {
            out.push((k, r, set.label()));
        }
    }
    Ok(out)
}

/// Raw close on or before `date` (for market cap), from the 2021 set's raw close, else
/// the 2012-2017 set's split-adjusted close.
fn close_on(days: Option<&Vec<Day>>, date: NaiveDate) -> Option<f64> {
    let days = days?;
    let i = days.partition_point(|d| d.date <= date);
    let d = days.get(i.checked_sub(1)?)?;
    ((date - d.date).num_days() <= 7).then_some(d.close)
}

fn percentile_rank(sorted: &[f64], x: f64) -> f64 {
    let below = sorted.partition_point(|v| *v < x) as f64;
    let equal = sorted.partition_point(|v| *v <= x) as f64 - below;
    (below + 0.5 * equal) / sorted.len() as f64
}

struct SubIndustry {
    naics: String,
    aiie: f64,
    exposure: f64,
    regulated: f64,
}

/// AI exposure per GICS sub-industry: the mean AIIE of the mapped NAICS industries (a code
/// with several AIIE rows counts as their mean), as a percentile of all NAICS industries.
fn ai_exposure(raw: &Path, mapping: &Path) -> Result<BTreeMap<(String, String), SubIndustry>> {
    let aiie = read_text_csv(&raw.join("aiie-by-industry/aiie_by_naics4.csv"))?;
    let (codes, vals) = (strings(&aiie, "naics4")?, numbers(&aiie, "aiie")?);
    let mut by_code: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (c, v) in codes.into_iter().zip(vals) {
        if let (Some(c), Some(v)) = (c, v) {
            by_code.entry(c).or_default().push(v);
        }
    }
    let code_mean: BTreeMap<String, f64> = by_code
        .into_iter()
        .map(|(c, v)| (c, v.iter().sum::<f64>() / v.len() as f64))
        .collect();
    let mut dist: Vec<f64> = code_mean.values().copied().collect();
    dist.sort_by(f64::total_cmp);

    let map = read_text_csv(mapping)?;
    let (sec, sub, naics, reg) = (
        strings(&map, "gics_sector")?,
        strings(&map, "gics_sub_industry")?,
        strings(&map, "naics4")?,
        numbers(&map, "regulated")?,
    );
    let mut res = BTreeMap::new();
    for i in 0..map.height() {
        let (Some(s), Some(si), Some(n)) = (&sec[i], &sub[i], &naics[i]) else {
            bail!("mapping row {} is incomplete", i + 2)
        };
        let scores: Vec<f64> = n
            .split(';')
            .map(|c| {
                code_mean.get(c.trim()).copied().with_context(|| {
                    format!("mapping row {}: NAICS {c} not in the AIIE file", i + 2)
                })
            })
            .collect::<Result<_>>()?;
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        res.insert(
            (s.clone(), si.clone()),
            SubIndustry {
                naics: n.clone(),
                aiie: mean,
                exposure: percentile_rank(&dist, mean),
                regulated: reg[i].unwrap_or(0.0),
            },
        );
    }
    Ok(res)
}

fn write_csv(path: &Path, df: &mut DataFrame) -> Result<()> {
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf).finish(df)?;
    write_atomic(path, &buf).with_context(|| format!("writing {}", path.display()))
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<()> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(df)?;
    write_atomic(path, &buf).with_context(|| format!("writing {}", path.display()))
}

fn date_column(name: &str, ds: &[NaiveDate]) -> Column {
    Int32Chunked::from_vec(
        name.into(),
        ds.iter().map(|d| dates::to_epoch_days(*d)).collect(),
    )
    .into_date()
    .into_column()
}

/// Monthly macro factors (month-end dates) from 2000-01.
fn factors(raw: &Path) -> Result<DataFrame> {
    let series: [(&str, &str, &str, &str); 8] = [
        (
            "wti",
            "datasets-oil-prices/wti-monthly.csv",
            "Date",
            "Price",
        ),
        (
            "brent",
            "datasets-oil-prices/brent-monthly.csv",
            "Date",
            "Price",
        ),
        ("gold", "datasets-gold-prices/monthly.csv", "Date", "Price"),
        (
            "us10y",
            "datasets-bond-yields-us-10y/monthly.csv",
            "Date",
            "Rate",
        ),
        ("cpi", "datasets-cpi-us/cpiai.csv", "Date", "Index"),
        (
            "vix",
            "datasets-finance-vix/vix-monthly.csv",
            "Date",
            "Close",
        ),
        (
            "natgas",
            "datasets-natural-gas/monthly.csv",
            "Month",
            "Price",
        ),
        ("sp500", "datasets-sp500-shiller/data.csv", "Date", "SP500"),
    ];
    let start = month_key(NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"));
    let mut table: BTreeMap<i32, [Option<f64>; 8]> = BTreeMap::new();
    for (j, (_, file, dcol, vcol)) in series.iter().enumerate() {
        let df = read_text_csv(&raw.join(file))?;
        for (d, v) in strings(&df, dcol)?.into_iter().zip(numbers(&df, vcol)?) {
            let (Some(d), Some(v)) = (d.as_deref().and_then(dates::parse_any), v) else {
                continue;
            };
            // Shiller writes missing recent values as 0.0.
            if v == 0.0 || month_key(d) < start {
                continue;
            }
            table.entry(month_key(d)).or_insert([None; 8])[j] = Some(v);
        }
    }
    let keys: Vec<i32> = table.keys().copied().collect();
    let mut cols = vec![date_column(
        "date",
        &keys.iter().map(|k| month_end(*k)).collect::<Vec<_>>(),
    )];
    for (j, (name, ..)) in series.iter().enumerate() {
        let v: Vec<Option<f64>> = keys.iter().map(|k| table[k][j]).collect();
        cols.push(Column::new((*name).into(), v));
    }
    Ok(DataFrame::new(keys.len(), cols)?)
}

pub struct PrepSummary {
    pub lines: Vec<String>,
}

pub fn run(opts: &PrepOptions) -> Result<PrepSummary> {
    let raw = &opts.raw;
    let mut lines = Vec::new();
    std::fs::create_dir_all(&opts.out)?;

    // Securities: name, GICS sector and sub-industry.
    let sec = read_text_csv(&raw.join("nyse-kaggle/securities.csv"))?;
    let (st, sn, ss, si) = (
        strings(&sec, "Ticker symbol")?,
        strings(&sec, "Security")?,
        strings(&sec, "GICS Sector")?,
        strings(&sec, "GICS Sub Industry")?,
    );
    let mut securities: HashMap<String, (String, String, String)> = HashMap::new();
    for i in 0..sec.height() {
        if let (Some(t), Some(n), Some(s), Some(sub)) = (&st[i], &sn[i], &ss[i], &si[i]) {
            securities.insert(t.clone(), (n.clone(), s.clone(), sub.clone()));
        }
    }
    let mapping = opts
        .mapping
        .clone()
        .unwrap_or_else(|| opts.out.join("mapping/gics_subindustry_to_naics.csv"));
    let subs = ai_exposure(raw, &mapping)?;

    let (av, skipped, frames) = read_daily_2021(&raw.join("sp500-daily-prices/daily_adjusted"))?;
    lines.extend(skipped.into_iter().map(|s| format!("skipped {s}")));
    let y17 = read_daily_2017(
        &raw.join("sp500-daily-prices-2012-2017/yahoo_adj_5yr_2012-12_2017-12.csv"),
    )?;

    // Fundamentals, fiscal 2012-2016 (period ends 2012-01-01 .. 2017-06-30; COTY's
    // 2003-2007 rows fall outside and are left out).
    let f = read_text_csv(&raw.join("nyse-kaggle/fundamentals.csv"))?;
    let tick = strings(&f, "Ticker Symbol")?;
    let period: Vec<Option<NaiveDate>> = strings(&f, "Period Ending")?
        .iter()
        .map(|d| d.as_deref().and_then(dates::parse_any))
        .collect();
    let num = |c: &str| numbers(&f, c);
    let (ta, ppe, capex, dep, rev, rnd) = (
        num("Total Assets")?,
        num("Fixed Assets")?,
        num("Capital Expenditures")?,
        num("Depreciation")?,
        num("Total Revenue")?,
        num("Research and Development")?,
    );
    let (intang, gw, cfo, ni, ebit) = (
        num("Intangible Assets")?,
        num("Goodwill")?,
        num("Net Cash Flow-Operating")?,
        num("Net Income")?,
        num("Earnings Before Interest and Tax")?,
    );
    let (ltd, std_, cash, shares) = (
        num("Long-Term Debt")?,
        num("Short-Term Debt / Current Portion of Long-Term Debt")?,
        num("Cash and Cash Equivalents")?,
        num("Estimated Shares Outstanding")?,
    );
    let lo = NaiveDate::from_ymd_opt(2012, 1, 1).expect("date");
    let hi = NaiveDate::from_ymd_opt(2017, 6, 30).expect("date");
    let rows: Vec<usize> = (0..f.height())
        .filter(|&i| tick[i].is_some() && period[i].is_some_and(|d| (lo..=hi).contains(&d)))
        .collect();
    lines.push(format!(
        "fundamentals: {} of {} firm-years kept (period end 2012-01-01..2017-06-30)",
        rows.len(),
        f.height()
    ));

    // Shares = net income / EPS is unreliable: a year more than 2x away from the ticker's
    // median estimate is replaced by that median.
    let mut by_ticker: HashMap<&str, Vec<f64>> = HashMap::new();
    for &i in &rows {
        if let (Some(t), Some(s)) = (&tick[i], shares[i])
            && s > 0.0
        {
            by_ticker.entry(t.as_str()).or_default().push(s);
        }
    }
    let med: HashMap<&str, f64> = by_ticker
        .iter_mut()
        .map(|(t, v)| (*t, crate::engine::stats::median(v)))
        .collect();
    let mut shares_fixed = 0;

    let mut out_rows: Vec<(String, NaiveDate, usize)> = rows
        .iter()
        .map(|&i| {
            (
                tick[i].clone().unwrap_or_default(),
                period[i].expect("filtered"),
                i,
            )
        })
        .collect();
    out_rows.sort();
    let n = out_rows.len();
    let mut c_t = Vec::with_capacity(n);
    let mut c_d = Vec::with_capacity(n);
    let (mut c_name, mut c_sec, mut c_ind) = (Vec::new(), Vec::new(), Vec::new());
    let mut nums: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
    let mut missing_meta = 0;
    for (t, d, i) in &out_rows {
        let (name, sector, sub) = match securities.get(t) {
            Some(m) => (Some(m.0.clone()), Some(m.1.clone()), Some(m.2.clone())),
            None => {
                missing_meta += 1;
                (None, None, None)
            }
        };
        let sh = match (shares[*i], med.get(t.as_str())) {
            (Some(x), Some(&m)) if x > 0.0 && x / m <= 2.0 && m / x <= 2.0 => Some(x),
            (_, Some(&m)) => {
                shares_fixed += 1;
                Some(m)
            }
            (x, None) => x.filter(|v| *v > 0.0),
        };
        let avd = if t == "IR" { None } else { av.get(t) };
        let price = close_on(avd, *d).or_else(|| close_on(y17.get(t), *d));
        let dps: Option<f64> = avd.map(|days| {
            days.iter()
                .filter(|x| x.date <= *d && (*d - x.date).num_days() < 365)
                .map(|x| x.dividend)
                .sum()
        });
        let mut put = |k: &'static str, v: Option<f64>| nums.entry(k).or_default().push(v);
        put("market_cap", price.zip(sh).map(|(p, s)| p * s));
        put("total_assets", ta[*i]);
        put("ppe_net", ppe[*i]);
        put("capex", capex[*i]);
        put("depreciation", dep[*i]);
        put("revenue", rev[*i]);
        put("rnd", rnd[*i]);
        put("intangibles", intang[*i]);
        put("goodwill", gw[*i]);
        put("operating_cash_flow", cfo[*i]);
        put("dividends", dps.zip(sh).map(|(p, s)| p * s));
        put("net_income", ni[*i]);
        put("ebitda", ebit[*i].zip(dep[*i]).map(|(a, b)| a + b));
        put(
            "total_debt",
            match (ltd[*i], std_[*i]) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
            },
        );
        put("cash", cash[*i]);
        put("shares_outstanding", sh);
        c_t.push(t.clone());
        c_d.push(*d);
        c_name.push(name);
        c_sec.push(sector);
        c_ind.push(sub);
    }
    lines.push(format!("fundamentals: shares outstanding replaced by the ticker median in {shares_fixed} rows; {missing_meta} rows without a GICS entry"));
    let mut cols = vec![
        Column::new("ticker".into(), c_t.clone()),
        Column::new("name".into(), c_name),
        date_column("date", &c_d),
        Column::new("sector".into(), c_sec),
        Column::new("industry".into(), c_ind),
        Column::new("market".into(), vec!["US"; n]),
    ];
    // Numeric columns in the canonical order of the field registry.
    for f in FIELDS
        .iter()
        .filter(|f| f.ty == FieldType::Number && allowed(TableKind::Fundamentals, f.id))
    {
        if let Some(v) = nums.remove(f.id) {
            cols.push(Column::new(f.id.into(), v));
        }
    }
    let mut fdf = DataFrame::new(n, cols)?;
    write_csv(&opts.out.join("fundamentals.csv"), &mut fdf)?;

    // Monthly total returns for the fundamentals' tickers, chained into an index from 100.
    let mut tickers: Vec<String> = c_t;
    tickers.dedup();
    let (mut p_t, mut p_d, mut p_c, mut p_r, mut p_s) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut priced = 0;
    for t in &tickers {
        let rets = monthly_returns(t, y17.get(t), av.get(t), &mut lines)?;
        if rets.is_empty() {
            continue;
        }
        priced += 1;
        let mut level = 100.0;
        for (k, r, src) in rets {
            level *= 1.0 + r;
            p_t.push(t.clone());
            p_d.push(month_end(k));
            p_c.push(level);
            p_r.push(r);
            p_s.push(src);
        }
    }
    lines.push(format!(
        "prices: {} monthly returns for {priced} of {} tickers",
        p_t.len(),
        tickers.len()
    ));
    let mut pdf = DataFrame::new(
        p_t.len(),
        vec![
            Column::new("ticker".into(), p_t),
            date_column("date", &p_d),
            Column::new("close".into(), p_c),
            Column::new("return".into(), p_r),
            Column::new("source".into(), p_s),
        ],
    )?;
    write_parquet(&opts.out.join("prices.parquet"), &mut pdf)?;

    let mut fac = factors(raw)?;
    lines.push(format!(
        "factors: {} months x {} series",
        fac.height(),
        fac.width() - 1
    ));
    write_csv(&opts.out.join("factors.csv"), &mut fac)?;

    let mut sub_rows: Vec<(&(String, String), &SubIndustry)> = subs.iter().collect();
    sub_rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut sdf = DataFrame::new(
        sub_rows.len(),
        vec![
            Column::new(
                "gics_sector".into(),
                sub_rows.iter().map(|r| r.0.0.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "gics_sub_industry".into(),
                sub_rows.iter().map(|r| r.0.1.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "naics4".into(),
                sub_rows
                    .iter()
                    .map(|r| r.1.naics.clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "aiie_mean".into(),
                sub_rows.iter().map(|r| r.1.aiie).collect::<Vec<_>>(),
            ),
            Column::new(
                "ai_exposure".into(),
                sub_rows.iter().map(|r| r.1.exposure).collect::<Vec<_>>(),
            ),
            Column::new(
                "regulated".into(),
                sub_rows.iter().map(|r| r.1.regulated).collect::<Vec<_>>(),
            ),
        ],
    )?;
    write_csv(&opts.out.join("ai_exposure_by_subindustry.csv"), &mut sdf)?;

    if !opts.daily_out.is_empty() {
        let mut long = frames.first().cloned().context("no daily price files")?;
        for f in &frames[1..] {
            long.vstack_mut(f)?;
        }
        long.rechunk_mut();
        let cols = [
            "ticker",
            "timestamp",
            "open",
            "high",
            "low",
            "close",
            "adjusted_close",
            "volume",
            "dividend_amount",
            "split_coefficient",
        ];
        long = long.select(cols)?;
        lines.push(format!(
            "daily: {} rows x {} columns",
            long.height(),
            long.width()
        ));
        for p in &opts.daily_out {
            match p.extension().and_then(|e| e.to_str()) {
                Some("parquet") => {
                    // Typed like a user's Parquet export: dates as dates, prices as floats.
                    let mut typed = long
                        .clone()
                        .lazy()
                        .with_columns([
                            col("timestamp").str().to_date(StrptimeOptions {
                                format: Some("%Y-%m-%d".into()),
                                ..Default::default()
                            }),
                            col("open").cast(DataType::Float64),
                            col("high").cast(DataType::Float64),
                            col("low").cast(DataType::Float64),
                            col("close").cast(DataType::Float64),
                            col("adjusted_close").cast(DataType::Float64),
                            col("volume").cast(DataType::Float64),
                            col("dividend_amount").cast(DataType::Float64),
                            col("split_coefficient").cast(DataType::Float64),
                        ])
                        .collect()?;
                    write_parquet(p, &mut typed)?
                }
                _ => {
                    let mut buf = Vec::new();
                    CsvWriter::new(&mut buf).finish(&mut long)?;
                    write_atomic(p, &buf)?;
                }
            }
            lines.push(format!("daily: wrote {}", p.display()));
        }
    }
    Ok(PrepSummary { lines })
}
