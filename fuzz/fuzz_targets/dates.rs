//! Any text as a date, any number as an Excel serial or yyyymmdd, any sample as a column
//! to detect a format for: an answer or None, never a panic; a date read is in range.
#![no_main]

use chrono::Datelike;
use halo_workbench::data::dates;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(d) = dates::parse_any(text) {
        assert!(dates::YEARS.contains(&d.year()), "{text:?} -> {d}");
    }
    if let Ok(x) = text.trim().parse::<f64>() {
        let _ = dates::from_number(x);
    }
    let samples: Vec<&str> = text.split('\n').collect();
    let _ = dates::detect_format(samples.iter().copied());
    if data.len() >= 4 {
        let days = i32::from_le_bytes([data[0], data[1], data[2], data[3]]);
        let _ = dates::from_epoch_days(days).map(dates::to_epoch_days);
        let _ = dates::plausible_days(days);
    }
});
