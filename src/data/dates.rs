//! Dates as users' exports write them: 2026-03-18, 2026/3/18, 20260318, 18-Mar-26,
//! 2026年3月18日, 03/18/2026, a month "2026-03", or an Excel serial number (46099).

use chrono::{Datelike, NaiveDate};

/// Polars stores dates as days since 1970-01-01.
const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch");

/// Years a text or number can be read as a date in at all: the widest a format may
/// produce before it is taken for a misreading (a number read as a date).
pub const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// The years a date of a user's data may have unless the file's options say otherwise:
/// a date outside them is a typing or export error (9999-12-31 for "no end").
pub const DEFAULT_YEARS: [i32; 2] = [1900, 2100];

pub fn to_epoch_days(d: NaiveDate) -> i32 {
    (d - EPOCH).num_days() as i32
}

/// The date `days` after 1970-01-01; None outside what a calendar date can hold (a Parquet
/// date column may hold any 32-bit number).
pub fn from_epoch_days(days: i32) -> Option<NaiveDate> {
    EPOCH.checked_add_signed(chrono::TimeDelta::try_days(days as i64)?)
}

/// Epoch days of a date in [`YEARS`], None for any other value.
pub fn plausible_days(days: i32) -> Option<i32> {
    from_epoch_days(days)
        .filter(|d| YEARS.contains(&d.year()))
        .map(|_| days)
}

/// Excel's day 0 is 1899-12-30 (the 1900 leap-year bug folded in, as Excel and pandas do).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// Serial numbers between 1927 and 2173 are read as Excel dates; 8-digit numbers are
/// yyyymmdd. Anything else numeric is not a date.
pub fn from_number(x: f64) -> Option<NaiveDate> {
    if !x.is_finite() || x.fract() != 0.0 {
        return from_excel_serial(x);
    }
    let n = x as i64;
    if (10_000_000..=99_991_231).contains(&n) {
        let (y, m, d) = (n / 10_000, (n / 100) % 100, n % 100);
        return NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
            .filter(|d| YEARS.contains(&d.year()));
    }
    from_excel_serial(x)
}

fn from_excel_serial(x: f64) -> Option<NaiveDate> {
    if !(10_000.0..100_000.0).contains(&x) {
        return None;
    }
    excel_epoch().checked_add_signed(chrono::Duration::days(x.floor() as i64))
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// chrono formats tried in order; a column's format is the first one that reads every
/// sampled value. Day-first and month-first slashes are both listed: when a sample
/// fits both, the month-first reading (Bloomberg's US default) is taken.
pub const FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
];

/// Strip a time part ("2026-03-18 00:00:00", "2026-03-18T00:00:00Z").
fn date_part(s: &str) -> &str {
    let s = s.trim();
    match s.find(['T', ' ']) {
        // Only cut when what follows looks like a clock time, not "18 Mar 2026".
        Some(i) if s[i + 1..].contains(':') && !s[..i].contains(' ') => &s[..i],
        _ => s,
    }
}

/// Read one date in any supported form; None for a date outside [`YEARS`] (a month "2912-9"
/// or a number 99991231 is no date of any data).
pub fn parse_any(s: &str) -> Option<NaiveDate> {
    let s = date_part(s);
    if s.is_empty() {
        return None;
    }
    if let Some(d) = FORMATS.iter().find_map(|f| parse_with(s, f)) {
        return Some(d);
    }
    parse_month(s)
        .or_else(|| s.parse::<f64>().ok().and_then(from_number))
        .filter(|d| YEARS.contains(&d.year()))
}

/// A month "2026-03" / "2026/03" / "2026年3月" is read as its last day, the convention
/// for monthly data (a value observed over the month).
fn parse_month(s: &str) -> Option<NaiveDate> {
    let s = s.trim_end_matches('月');
    let (y, m) = s.split_once(['-', '/', '年', '.'])?;
    if y.len() != 4 {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    last_day_of_month(y, m)
}

pub fn parse_with(s: &str, fmt: &str) -> Option<NaiveDate> {
    let s = date_part(s);
    let d = NaiveDate::parse_from_str(s, fmt).ok()?;
    // chrono reads "%y" 26 as 2026 and 70 as 1970, the usual pivot; "%Y%m%d" would happily
    // read a 5-digit Excel serial as year 4 + month + day, so insist on 8 digits there.
    if fmt == "%Y%m%d" && (s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    YEARS.contains(&d.year()).then_some(d)
}

/// The format that reads every sample (None when the samples need per-cell parsing).
pub fn detect_format<'a>(samples: impl Iterator<Item = &'a str> + Clone) -> Option<&'static str> {
    FORMATS
        .iter()
        .copied()
        .find(|f| samples.clone().all(|s| parse_with(s, f).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_form_the_issue_names() {
        for s in [
            "2026-03-18",
            "2026/3/18",
            "20260318",
            "18-Mar-26",
            "2026-03-18 00:00:00",
            "2026年3月18日",
            "03/18/2026",
        ] {
            assert_eq!(parse_any(s), Some(d(2026, 3, 18)), "{s}");
        }
        // Excel serial: 46099 days after 1899-12-30 is 2026-03-18 (=DATE(2026,3,18) in Excel).
        assert_eq!(from_number(46099.0), Some(d(2026, 3, 18)));
        assert_eq!(parse_any("46099"), Some(d(2026, 3, 18)));
        assert_eq!(from_number(20260318.0), Some(d(2026, 3, 18)));
        assert_eq!(parse_any("2026-02"), Some(d(2026, 2, 28)));
        assert_eq!(parse_any("2024-02"), Some(d(2024, 2, 29)));
    }

    #[test]
    fn rejects_non_dates() {
        // Months and yyyymmdd numbers outside the years of any data too (found by fuzzing).
        for s in [
            "",
            "abc",
            "2026-13-01",
            "2026-02-30",
            "12.5",
            "N/A",
            "2912-9",
            "99991231",
        ] {
            assert_eq!(parse_any(s), None, "{s}");
        }
    }

    #[test]
    fn detection_prefers_a_format_that_reads_all_samples() {
        let s = ["18/03/2026", "01/02/2026"];
        assert_eq!(detect_format(s.iter().copied()), Some("%d/%m/%Y"));
        let s = ["03/18/2026", "01/02/2026"];
        assert_eq!(detect_format(s.iter().copied()), Some("%m/%d/%Y"));
        let s = ["2026-03-18", "20260318"];
        assert_eq!(detect_format(s.iter().copied()), None);
    }

    #[test]
    fn epoch_days_round_trip() {
        let x = d(2016, 12, 31);
        assert_eq!(from_epoch_days(to_epoch_days(x)), Some(x));
        assert_eq!(to_epoch_days(d(1970, 1, 2)), 1);
        // What a Parquet date column may hold, far outside any calendar.
        assert_eq!(from_epoch_days(i32::MAX), None);
        assert_eq!(from_epoch_days(i32::MIN), None);
        assert_eq!(plausible_days(to_epoch_days(d(9999, 12, 31))), None);
        assert_eq!(plausible_days(to_epoch_days(x)), Some(to_epoch_days(x)));
    }
}
