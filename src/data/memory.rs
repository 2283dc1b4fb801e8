//! How much memory the process and its tables hold, for the benchmarks and `bench-load`.
//! Resident sizes come from `/proc/self/status` (Linux); elsewhere they are unknown (None)
//! and the benchmarks say so rather than print a zero.

/// A field of `/proc/self/status` in bytes ("VmHWM", "VmRSS").
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

/// Peak resident memory of this process so far (since the last [`reset_peak`]).
pub fn peak_rss() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// Resident memory of this process now.
pub fn current_rss() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// Start the peak over from the current resident size (Linux 4.0 and later); false where
/// that is not possible, and the peak then counts from the process's start.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Bytes a table holds in memory. polars' `estimated_size` counts a string column's bytes
/// but not its 16-byte views (one per row), so those are added.
pub fn table_bytes(df: &polars::prelude::DataFrame) -> usize {
    let views: usize = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &polars::prelude::DataType::String)
        .map(|c| c.len() * 16)
        .sum();
    df.estimated_size() + views
}
