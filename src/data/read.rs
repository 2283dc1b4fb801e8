//! From a file's bytes to a raw table: format, encoding and delimiter sniffing, the header,
//! and a typed polars frame whose columns are still in file order and named by position.

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use polars::prelude::*;

use super::error::{BinaryKind, LoadError, NotText, Unreadable, Vanish};
use super::report::{LoadWarning, MAX_EXAMPLES, MAX_EXCLUDED_LISTED};
use super::schema;

/// A file as read, before any mapping: `df` has one column per header, named `c0`, `c1`, ...
pub struct RawTable {
    pub headers: Vec<String>,
    pub df: DataFrame,
    pub format: &'static str,
    pub encoding: &'static str,
    pub delimiter: Option<u8>,
    /// Numbers are written with a decimal comma (1,5): text cells convert with that rule.
    pub decimal_comma: bool,
    /// What reading found that the load report must say (lines in another encoding).
    pub warnings: Vec<LoadWarning>,
    /// Lines above the header that are not the table (a Wind or Choice title).
    pub preamble: Option<Preamble>,
}

/// Lines above the header that are not the table, as Wind and Choice head a single
/// security's export: a title ("中国石化(600028.SH)") or key-value lines
/// ("证券代码,600028.SH"), each with at most two filled fields and fewer than the header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preamble {
    /// Each line's filled fields, joined by a space.
    pub lines: Vec<String>,
    /// Physical lines they take (a quoted field may hold a line break).
    pub line_count: usize,
    /// The security they name, if they do.
    pub ticker: Option<String>,
    pub name: Option<String>,
}

/// At most this many lines above a header are taken for a preamble.
const MAX_PREAMBLE: usize = 5;

fn filled(rec: &[String]) -> Vec<&str> {
    rec.iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .collect()
}

/// The preamble of `head` (CSV text) and the byte its header starts at ([`preamble_of`]),
/// read with the delimiter the lines from the header on have (a semicolon file with
/// decimal commas is never split on its commas).
fn find_preamble(head: &[u8]) -> Option<(Preamble, usize)> {
    [b',', b';', b'\t', b'|'].into_iter().find_map(|d| {
        let mut recs: Vec<Vec<String>> = Vec::new();
        let mut starts = Vec::new();
        let mut pos = 0;
        while recs.len() < MAX_PREAMBLE + 2 && pos < head.len() {
            let (fields, next) = next_record(head, pos, d);
            recs.push(fields);
            starts.push(pos);
            pos = next;
        }
        let (mut p, header) = preamble_of(&recs)?;
        let at = starts[header];
        if sniff_delimiter(&head[at..]) != Some(d) {
            return None;
        }
        p.line_count = bytecount::count(&head[..at], b'\n');
        Some((p, at))
    })
}

/// A line above a header: blank, a title (one filled field), or a key-value pair whose
/// key names the ticker or the name and whose value names no column.
fn preamble_line(rec: &[String]) -> bool {
    match filled(rec).as_slice() {
        [] | [_] => true,
        [key, value] => {
            (schema::is_alias("ticker", key) || schema::is_alias("name", key))
                && !schema::FIELDS.iter().any(|f| schema::is_alias(f.id, value))
        }
        _ => false,
    }
}

/// The records above the header, when the first records are not the table: at most
/// [`MAX_PREAMBLE`] preamble lines ([`preamble_line`]), then the header: at
/// least two filled fields, none a number, the record after it as wide. Returns the
/// preamble (its `line_count` left to the caller) and the header's index.
fn preamble_of(recs: &[Vec<String>]) -> Option<(Preamble, usize)> {
    let header = recs.iter().position(|r| !preamble_line(r))?;
    let r = &recs[header];
    let is_header = (1..=MAX_PREAMBLE).contains(&header)
        && filled(r).len() >= 2
        && filled(r).iter().all(|f| f.parse::<f64>().is_err())
        && recs
            .get(header + 1)
            .is_some_and(|next| next.len() == r.len() && filled(next).len() >= 2);
    if !is_header {
        return None;
    }
    let mut p = Preamble::default();
    for r in &recs[..header] {
        let f = filled(r);
        if f.is_empty() {
            continue;
        }
        p.lines.push(f.join(" "));
        match f.as_slice() {
            [key, value] if schema::is_alias("ticker", key) => {
                p.ticker = Some(value.to_string());
            }
            // The other key-value line a preamble holds names the security.
            [_, value] => p.name = Some(value.to_string()),
            [title] => {
                let (name, code) = title_code(title);
                p.ticker = p.ticker.take().or(code);
                p.name = p.name.take().or(name);
            }
            _ => {}
        }
    }
    Some((p, header))
}

/// A title's security: "中国石化(600028.SH)" names 中国石化 and 600028.SH (a code in
/// brackets: ASCII letters, digits, dots, dashes, at most 20); "600028.SH" alone is a code
/// when it also has a digit or a dot.
fn title_code(title: &str) -> (Option<String>, Option<String>) {
    // Not a date ("(2024-05-01)") nor a plain number ("(2024)").
    let code_like = |s: &str| {
        !s.is_empty()
            && s.chars().count() <= 20
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && s.parse::<f64>().is_err()
            && super::dates::parse_any(s).is_none()
    };
    let bare_code = |s: &str| code_like(s) && s.chars().any(|c| c.is_ascii_digit() || c == '.');
    if let Some(open) = title.find(['(', '（']) {
        let inner = &title[open..];
        let inner = inner
            .trim_start_matches(['(', '（'])
            .split([')', '）'])
            .next()
            .unwrap_or("")
            .trim();
        if code_like(inner) {
            let name = title[..open].trim();
            return (
                (!name.is_empty()).then(|| name.to_string()),
                Some(inner.to_string()),
            );
        }
    }
    (None, bare_code(title).then(|| title.to_string()))
}

/// How to read one column, decided from its header before the body is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnPlan {
    /// Not used: not parsed at all (the CSV and Parquet readers skip it).
    Skip,
    /// Kept as text whatever it holds (tickers such as 000001.SZ keep their leading zeros).
    Text,
    /// A date: the reader parses ISO dates itself; other forms arrive as text.
    Date,
    /// Numbers, typed by the reader.
    Number,
}

/// Decides each column's [`ColumnPlan`] from the headers.
pub type Planner<'a> = &'a dyn Fn(&[String]) -> Vec<ColumnPlan>;

pub fn col_name(i: usize) -> String {
    format!("c{i}")
}

/// Cells that mean "no value" in exports: Bloomberg's #N/A family, Wind's "--", blanks.
/// NaN and inf are not here: they are numbers, reported as non-finite.
pub const MISSING_MARKERS: &[&str] = &[
    "",
    "NA",
    "N/A",
    "n/a",
    "#N/A",
    "#N/A N/A",
    "#N/A Field Not Applicable",
    "#N/A Invalid Security",
    "--",
    "-",
    "null",
    "NULL",
    "None",
    "—",
];

/// Memory this process may still use: the least of what the system has available
/// (`/proc/meminfo`), what its cgroup allows beyond its use (a container's limit), and what
/// its address-space limit (`ulimit -v`) leaves; None where none of these is known (not
/// Linux).
pub fn available_memory() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let field = |text: &str, key: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok()
    };
    let mut limits = Vec::new();
    if let Some(info) = read("/proc/meminfo") {
        limits.extend(field(&info, "MemAvailable:").map(|kb| kb * 1024));
    }
    // cgroup v2, then v1: "max" (or a huge number) means no limit.
    let cgroup = [
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ];
    for (max, current) in cgroup {
        if let (Some(m), Some(c)) = (read(max).as_deref().and_then(number), read(current)) {
            if m < (1 << 60) {
                limits.push(m.saturating_sub(number(&c).unwrap_or(0)));
            }
            break;
        }
    }
    // The address-space limit counts virtual memory, so it is compared with the size of
    // the process's address space now.
    if let (Some(l), Some(status)) = (read("/proc/self/limits"), read("/proc/self/status")) {
        let soft = l
            .lines()
            .find(|x| x.starts_with("Max address space"))
            .and_then(|x| x.split_whitespace().nth(3))
            .and_then(number);
        if let (Some(soft), Some(vm)) = (soft, field(&status, "VmSize:")) {
            limits.push(soft.saturating_sub(vm * 1024));
        }
    }
    limits.into_iter().min()
}

/// How many bytes of memory loading a file of this size and format needs, roughly, with a
/// margin: CSV streams, so the table itself (at most about the text's size) plus chunks in
/// flight; Parquet and .xlsx are held whole and are compressed, so they expand.
pub fn memory_needed(len: u64, path: &Path) -> u64 {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let factor = match ext.as_str() {
        "parquet" | "pq" | "xlsx" | "xlsm" => 8,
        _ => 3,
    };
    len.saturating_mul(factor)
}

/// Read a whole source into memory, failing cleanly when it ends early or errors mid-way
/// (a network drive dropping, a file deleted or truncated while being read). The bytes are
/// copied rather than memory-mapped so that a truncated file cannot crash the process.
pub fn read_source(
    file: &str,
    reader: impl Read,
    expected_len: Option<u64>,
    progress: &Progress,
) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::with_capacity(expected_len.unwrap_or(0) as usize);
    progress
        .total
        .store(expected_len.unwrap_or(0), Ordering::Relaxed);
    read_rest(file, reader, expected_len, progress, &mut bytes)?;
    Ok(bytes)
}

/// Append the rest of a source to `bytes` (which may already hold its start), checking that
/// `expected_total` bytes arrive in all.
fn read_rest(
    file: &str,
    mut reader: impl Read,
    expected_total: Option<u64>,
    progress: &Progress,
    bytes: &mut Vec<u8>,
) -> Result<(), LoadError> {
    const CHUNK: u64 = 8 << 20;
    if let Some(n) = expected_total {
        bytes.reserve((n as usize).saturating_sub(bytes.len()));
    }
    loop {
        let got =
            (&mut reader)
                .take(CHUNK)
                .read_to_end(bytes)
                .map_err(|e| LoadError::Vanished {
                    file: file.into(),
                    how: Vanish::ReadFailed {
                        after: bytes.len() as u64,
                        error: e.into(),
                    },
                })?;
        progress.read.store(bytes.len() as u64, Ordering::Relaxed);
        if got == 0 {
            break;
        }
    }
    if let Some(n) = expected_total
        && bytes.len() as u64 != n
    {
        return Err(LoadError::Vanished {
            file: file.into(),
            how: Vanish::ShortRead {
                expected: n,
                got: bytes.len() as u64,
            },
        });
    }
    Ok(())
}

/// A Parquet file read sparsely: the footer, then only the byte ranges of the columns the
/// plan uses, into a zero-filled buffer of the file's size (pages never written are never
/// touched, so they cost no memory). Reads are plain seeks and reads, not a memory map, so
/// a file truncated meanwhile gives an error rather than a crash; they work alike on
/// Linux, macOS and Windows.
pub fn read_parquet_file(
    path: &Path,
    len: u64,
    planner: Planner,
    memory_budget: Option<u64>,
    progress: &Progress,
) -> Result<RawTable, LoadError> {
    let file = path.display().to_string();
    let f = open_file(path)?;
    let vanished = |e: std::io::Error| LoadError::Vanished {
        file: file.clone(),
        how: Vanish::Io(e.into()),
    };
    let n = len as usize;
    if n < 12 {
        return Err(LoadError::Unreadable {
            file,
            why: Unreadable::TooShortForParquet,
        });
    }
    progress.total.store(len, Ordering::Relaxed);
    let mut buf = vec![0u8; n];
    let mut tail = (64 << 10).min(n);
    read_exact_at(&f, &mut buf[n - tail..], (n - tail) as u64).map_err(vanished)?;
    let meta_len = u32::from_le_bytes([buf[n - 8], buf[n - 7], buf[n - 6], buf[n - 5]]) as usize;
    if meta_len + 8 > tail {
        let want = (meta_len + 8).min(n);
        read_exact_at(&f, &mut buf[n - want..n - tail], (n - want) as u64).map_err(vanished)?;
        tail = want;
    }
    let (headers, ranges) = plan_parquet(&file, &buf, planner, memory_budget)?;
    let mut done = tail as u64;
    for r in ranges {
        // The part of each column chunk not already read with the footer.
        let (a, b) = (r.start as usize, (r.end as usize).min(n - tail));
        if a < b {
            read_exact_at(&f, &mut buf[a..b], r.start).map_err(vanished)?;
            done += (b - a) as u64;
            progress.read.store(done, Ordering::Relaxed);
        }
    }
    // The file must still be the size we planned the reads for.
    if f.metadata().map(|m| m.len()).map_err(vanished)? != len {
        return Err(LoadError::Vanished {
            file,
            how: Vanish::SizeChanged,
        });
    }
    progress.read.store(len, Ordering::Relaxed);
    let plan = planner(&headers);
    read_parquet_planned(&file, buf, headers, &plan)
}

/// Fill `buf` from `offset` of the file: a portable positional read (std's `FileExt` differs
/// between Unix and Windows; a seek on `&File` is the same everywhere).
fn read_exact_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = f;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// Bytes read so far of a file being loaded, for a progress bar on another thread.
#[derive(Debug, Default)]
pub struct Progress {
    pub read: AtomicU64,
    pub total: AtomicU64,
}

impl Progress {
    /// Fraction of the file read, 0..1.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            0.0
        } else {
            self.read.load(Ordering::Relaxed) as f32 / total as f32
        }
    }
}

/// Check that a file exists, is a file, and fits in memory; returns its size.
pub fn check_file(path: &Path, memory_budget: Option<u64>) -> Result<u64, LoadError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound { file: file.clone() },
        _ => LoadError::Io {
            file: file.clone(),
            error: e.into(),
        },
    })?;
    if meta.is_dir() {
        return Err(LoadError::IsFolder { file });
    }
    // A named pipe or a device would block a read forever, or never end.
    if !meta.is_file() {
        return Err(LoadError::NotAFile { file });
    }
    let len = meta.len();
    if let Some(avail) = memory_budget.or_else(available_memory) {
        let need = memory_needed(len, path);
        if need > avail {
            let mb = |b: u64| b as f64 / 1e6;
            return Err(LoadError::TooLarge {
                file,
                size_mb: mb(len),
                need_mb: mb(need),
                avail_mb: mb(avail),
            });
        }
    }
    Ok(len)
}

pub fn open_file(path: &Path) -> Result<std::fs::File, LoadError> {
    std::fs::File::open(path).map_err(|e| match e.kind() {
        // Listed a moment ago, gone now.
        std::io::ErrorKind::NotFound => LoadError::Vanished {
            file: path.display().to_string(),
            how: Vanish::DeletedBeforeOpen,
        },
        _ => LoadError::Io {
            file: path.display().to_string(),
            error: e.into(),
        },
    })
}

/// Known binary signatures, for a clearer message than "not text".
fn binary_kind(bytes: &[u8]) -> Option<BinaryKind> {
    const SIGS: &[(&[u8], BinaryKind)] = &[
        (b"%PDF", BinaryKind::Pdf),
        (b"\x89PNG", BinaryKind::Png),
        (b"\xFF\xD8\xFF", BinaryKind::Jpeg),
        (b"GIF8", BinaryKind::Gif),
        (b"\x7FELF", BinaryKind::Executable),
        (b"\xD0\xCF\x11\xE0", BinaryKind::OldOffice),
        (b"\x1F\x8B", BinaryKind::Gzip),
        (b"SQLite format 3", BinaryKind::Sqlite),
    ];
    SIGS.iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, k)| *k)
}

/// A text file must not look like a known binary format or hold NUL bytes near its start.
fn check_not_binary(file: &str, head: &[u8]) -> Result<(), LoadError> {
    if let Some(kind) = binary_kind(head) {
        return Err(LoadError::Binary {
            file: file.into(),
            why: NotText::LooksLike(kind),
        });
    }
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && let Some(pos) = head.iter().take(1 << 16).position(|&b| b == 0) {
        return Err(LoadError::Binary {
            file: file.into(),
            why: NotText::NulByte { offset: pos },
        });
    }
    Ok(())
}

/// Decode text to UTF-8: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"),
/// then GB18030, the superset of GBK that Wind and Choice export.
/// The text, its encoding, and the lines of a GB18030 file that were written in UTF-8.
type Decoded = (Vec<u8>, &'static str, Vec<usize>);

fn decode_text(file: &str, bytes: Vec<u8>) -> Result<Decoded, LoadError> {
    check_not_binary(file, &bytes)?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, bad) = enc.decode(&bytes);
        if bad {
            return Err(LoadError::Binary {
                file: file.into(),
                why: NotText::InvalidUtf16,
            });
        }
        return Ok((text.into_owned().into_bytes(), "UTF-16", Vec::new()));
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    if let Ok(t) = std::str::from_utf8(&bytes)
        && !gbk_lookalike(t, &bytes)
    {
        return Ok((bytes, "UTF-8", Vec::new()));
    }
    let text = decode_lines(&bytes).ok_or_else(|| LoadError::Binary {
        file: file.into(),
        why: NotText::UnknownEncoding,
    })?;
    Ok((text.0, "GB18030/GBK", text.1))
}

/// What GBK pairs decode to when read as UTF-8: combining marks (煤炭, C3 BA CC BF, is ú
/// and a combining mark) and C1 controls, which composed text in any language lacks.
fn gbk_marks(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c) || ('\u{80}'..='\u{9F}').contains(&c)
}

/// Valid UTF-8 that is GBK all the same: no character beyond two UTF-8 bytes (Chinese in
/// UTF-8 takes three), some [`gbk_marks`], and the bytes decode as GB18030.
fn gbk_lookalike(t: &str, bytes: &[u8]) -> bool {
    t.chars().all(|c| c < '\u{800}')
        && t.chars().any(gbk_marks)
        && encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
}

/// GB18030 text, line by line: a line that is valid UTF-8 with a character of three or
/// four bytes (as Chinese is in UTF-8) and none of [`gbk_marks`] was written as UTF-8
/// (pasted from another file) and is read as UTF-8 rather than garbled; a GBK line may be
/// valid UTF-8 too (煤炭). Returns the text and the UTF-8 lines' numbers.
fn decode_lines(bytes: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    let mut utf8_lines = Vec::new();
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(t) if t.chars().any(|c| c >= '\u{800}') && !t.chars().any(gbk_marks) => {
                utf8_lines.push(i + 1);
                out.extend_from_slice(line);
            }
            _ => {
                let t = encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(line)?;
                out.extend_from_slice(t.as_bytes());
            }
        }
    }
    Some((out, utf8_lines))
}

/// Split the first `max` records of CSV text, honouring double quotes (a quoted field may
/// hold the delimiter or a line break). Returns each record's fields.
pub fn split_records(text: &[u8], delim: u8, max: usize) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut pos = 0;
    while records.len() < max && pos < text.len() {
        let (fields, next) = next_record(text, pos, delim);
        pos = next;
        // A blank line is not a record.
        if !(fields.len() == 1 && fields[0].trim().is_empty()) {
            records.push(fields);
        }
    }
    records
}

/// Parse one record starting at byte `start`; returns its fields and where the next begins.
fn next_record(text: &[u8], start: usize, delim: u8) -> (Vec<String>, usize) {
    let mut fields = Vec::new();
    let mut field = Vec::new();
    let mut in_quotes = false;
    let mut i = start;
    while i < text.len() {
        let b = text[i];
        if in_quotes {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    field.push(b'"');
                    i += 1;
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(b);
            }
        } else if b == b'"' {
            in_quotes = true;
        } else if b == delim {
            fields.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
        } else if b == b'\n' || b == b'\r' {
            if b == b'\r' && text.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            fields.push(String::from_utf8_lossy(&field).into_owned());
            return (fields, i + 1);
        } else {
            field.push(b);
        }
        i += 1;
    }
    fields.push(String::from_utf8_lossy(&field).into_owned());
    (fields, text.len())
}

/// Pick the delimiter that splits the header into more than one field and most sampled
/// lines into as many fields as the header (a ragged row is reported later, by row).
fn sniff_delimiter(text: &[u8]) -> Option<u8> {
    let head = &text[..text.len().min(64 * 1024)];
    // Each delimiter that splits the header: how many sampled lines agree with it. A lone
    // candidate wins even when a row disagrees (that row is reported as ragged later); among
    // several, most agreement, then most fields.
    let mut candidates: Vec<((usize, usize), u8)> = Vec::new();
    for d in [b',', b';', b'\t', b'|'] {
        let mut recs = split_records(head, d, 30);
        // The last sampled record may be cut by the 64 KiB window.
        if head.len() < text.len() && recs.len() > 1 {
            recs.pop();
        }
        let Some(first) = recs.first().map(|r| r.len()) else {
            continue;
        };
        if first > 1 {
            let agree = recs.iter().filter(|r| r.len() == first).count();
            candidates.push(((agree, first), d));
        }
    }
    candidates.into_iter().max_by_key(|c| c.0).map(|(_, d)| d)
}

/// The first record with more fields than the header (the parser pads rows with fewer):
/// row numbers as a spreadsheet shows them (header = row 1). `chunk` starts with the
/// header, of `header_len` bytes.
fn find_ragged_row(
    chunk: &[u8],
    header_len: usize,
    delim: u8,
    expected: usize,
) -> Option<(usize, usize)> {
    Records::new(&chunk[header_len..], delim)
        .enumerate()
        .find(|(_, r)| !r.empty && r.fields > expected)
        .map(|(i, r)| (i + 2, r.fields))
}

/// The records of a chunk's body with fewer fields than the header: the parser pads them
/// with missing values, which would hide a cut-off or misquoted line. Returns how many and
/// the first [`MAX_EXCLUDED_LISTED`] as (record number from 1, fields found). An empty
/// line is a record to the parser (a row of missing values, excluded for its missing
/// ticker or date), so it is numbered, but not reported here.
fn short_records(body: &[u8], delim: u8, expected: usize) -> (usize, Vec<(usize, usize)>) {
    let (mut count, mut examples) = (0usize, Vec::new());
    for (i, r) in Records::new(body, delim).enumerate() {
        if !r.empty && r.fields < expected {
            count += 1;
            if examples.len() < MAX_EXCLUDED_LISTED {
                examples.push((i + 1, r.fields));
            }
        }
    }
    (count, examples)
}

/// One record of a CSV body: how many fields it has, and whether it is an empty line.
struct Record {
    fields: usize,
    empty: bool,
}

/// The records of a CSV body, in order. A line without quotes (almost every line) is
/// counted with vectorised searches; a record with quotes is walked byte by byte, as it
/// may span lines.
struct Records<'a> {
    body: &'a [u8],
    pos: usize,
    delim: u8,
}

impl<'a> Records<'a> {
    fn new(body: &'a [u8], delim: u8) -> Self {
        Records {
            body,
            pos: 0,
            delim,
        }
    }

    /// A record from `self.pos` that holds quotes; moves past it.
    fn quoted(&mut self) -> Record {
        let (mut fields, mut quoted, mut empty) = (1usize, false, true);
        let rest = &self.body[self.pos..];
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b'"' => {
                    quoted = !quoted;
                    empty = false;
                }
                _ if quoted => {}
                b'\n' => {
                    self.pos += i + 1;
                    return Record { fields, empty };
                }
                b'\r' => {}
                _ if b == self.delim => {
                    fields += 1;
                    empty = false;
                }
                _ => empty = false,
            }
        }
        self.pos = self.body.len();
        Record { fields, empty }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.pos >= self.body.len() {
            return None;
        }
        let rest = &self.body[self.pos..];
        let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
        if memchr::memchr(b'"', line).is_some() {
            return Some(self.quoted());
        }
        self.pos += line.len() + 1;
        Some(Record {
            fields: 1 + bytecount::count(line, self.delim),
            empty: line.iter().all(|&b| b == b'\r'),
        })
    }
}

/// Check header names: duplicates are an error; blank ones get a positional name.
fn clean_headers(file: &str, raw: Vec<String>) -> Result<Vec<String>, LoadError> {
    let mut headers: Vec<String> = Vec::with_capacity(raw.len());
    for (i, h) in raw.into_iter().enumerate() {
        let h = h.trim().to_string();
        let h = if h.is_empty() {
            format!("column {}", i + 1)
        } else {
            h
        };
        if let Some(first) = headers.iter().position(|x| *x == h) {
            return Err(LoadError::DuplicateHeader {
                file: file.into(),
                header: h,
                first: first + 1,
                second: i + 1,
            });
        }
        headers.push(h);
    }
    Ok(headers)
}

/// How many reads are inside `guarded` now, on any thread.
static GUARDED_READS: AtomicUsize = AtomicUsize::new(0);

/// Counts one read in `GUARDED_READS` for as long as it lives (also while unwinding).
struct GuardedRead;

impl GuardedRead {
    fn start() -> GuardedRead {
        GUARDED_READS.fetch_add(1, Ordering::SeqCst);
        GuardedRead
    }
}

impl Drop for GuardedRead {
    fn drop(&mut self) {
        GUARDED_READS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether a panic is one `guarded` contains: raised inside the file reader's own code
/// (a polars crate) while a guarded read is under way.
fn contained(info: &std::panic::PanicHookInfo<'_>) -> bool {
    GUARDED_READS.load(Ordering::SeqCst) > 0
        && info.location().is_some_and(|l| {
            Path::new(l.file()).components().any(|c| {
                c.as_os_str()
                    .to_str()
                    .is_some_and(|s| s.starts_with("polars-"))
            })
        })
}

/// Make the panic hook silent for the reader's panics that `guarded` turns into a
/// [`Unreadable::ReaderFailed`] error (the user gets that message, not a backtrace), and
/// leave every other panic to the hook installed before (the default one, or a fuzzer's,
/// which aborts: a panic of this crate's own code is still found).
pub fn contain_reader_panics() {
    let before = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !contained(info) {
            before(info);
        }
    }));
}

/// Polars may panic on input it does not expect; a user's file must never take the app down.
fn guarded<T>(file: &str, f: impl FnOnce() -> PolarsResult<T>) -> Result<T, LoadError> {
    let _read = GuardedRead::start();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(LoadError::Unreadable {
            file: file.into(),
            why: Unreadable::Reader(e.to_string()),
        }),
        Err(_) => Err(LoadError::Unreadable {
            file: file.into(),
            why: Unreadable::ReaderFailed,
        }),
    }
}

/// Body bytes per chunk of a streamed CSV: small enough that the file is never held whole
/// (peak memory stays near the table's own size), large enough to keep polars' threads busy.
const CSV_BLOCK: usize = 8 << 20;

/// Why a streamed read stopped before parsing: the text turned out not to be UTF-8.
#[derive(Debug)]
pub enum ReadFailure {
    Load(LoadError),
    /// Valid UTF-8 at first, invalid later: reread the whole file as GB18030.
    NotUtf8,
}

impl From<LoadError> for ReadFailure {
    fn from(e: LoadError) -> Self {
        ReadFailure::Load(e)
    }
}

/// Position just past the last line break outside quotes (the end of the last complete
/// record); `body` starts at a record boundary.
fn last_record_end(body: &[u8]) -> Option<usize> {
    let quotes = memchr::memchr_iter(b'"', body).count();
    let mut end = body.len();
    let mut quotes_after = 0;
    while let Some(p) = memchr::memrchr(b'\n', &body[..end]) {
        if quotes > 0 {
            quotes_after += memchr::memchr_iter(b'"', &body[p..end]).count();
        }
        if (quotes - quotes_after).is_multiple_of(2) {
            return Some(p + 1);
        }
        end = p;
    }
    None
}

fn read_more(
    file: &str,
    reader: &mut impl Read,
    buf: &mut Vec<u8>,
    max: usize,
) -> Result<usize, LoadError> {
    let before = buf.len();
    reader
        .take(max as u64)
        .read_to_end(buf)
        .map_err(|e| LoadError::Vanished {
            file: file.into(),
            how: Vanish::ReadFailed {
                after: before as u64,
                error: e.into(),
            },
        })
}

/// One chunk of a CSV for polars: the header record followed by whole records.
type Chunk = Result<Vec<u8>, ReadFailure>;

#[allow(clippy::too_many_arguments)]
/// The reader side of the stream: cut the file into chunks at record boundaries, each
/// starting with the header (so polars checks every row's field count), validate UTF-8,
/// and check at the end that the whole file was read.
fn produce_chunks(
    file: &str,
    mut buf: Vec<u8>,
    header: &[u8],
    mut reader: impl Read,
    expected_len: Option<u64>,
    mut consumed: u64,
    progress: &Progress,
    tx: std::sync::mpsc::SyncSender<Chunk>,
) {
    let send = |c: Chunk| tx.send(c).is_ok();
    let mut eof = false;
    loop {
        while !eof && buf.len() < header.len() + CSV_BLOCK {
            let want = header.len() + CSV_BLOCK - buf.len();
            match read_more(file, &mut reader, &mut buf, want) {
                Ok(0) => eof = true,
                Ok(n) => {
                    consumed += n as u64;
                    progress.read.store(consumed, Ordering::Relaxed);
                }
                Err(e) => {
                    send(Err(e.into()));
                    return;
                }
            }
        }
        let body = &buf[header.len()..];
        let end = if eof {
            Some(body.len())
        } else {
            last_record_end(body)
        };
        let Some(end) = end else {
            // One record longer than a block: read on until it ends.
            match read_more(file, &mut reader, &mut buf, CSV_BLOCK) {
                Ok(0) => eof = true,
                Ok(n) => consumed += n as u64,
                Err(e) => {
                    send(Err(e.into()));
                    return;
                }
            }
            continue;
        };
        if std::str::from_utf8(&body[..end]).is_err() {
            send(Err(ReadFailure::NotUtf8));
            return;
        }
        let has_rows = end > 0 && !body[..end].iter().all(u8::is_ascii_whitespace);
        let rest = buf.split_off(header.len() + end);
        if has_rows && !send(Ok(buf)) {
            return;
        }
        if eof && rest.is_empty() {
            break;
        }
        buf = Vec::with_capacity(header.len() + rest.len() + CSV_BLOCK);
        buf.extend_from_slice(header);
        buf.extend_from_slice(&rest);
    }
    if let Some(n) = expected_len
        && consumed != n
    {
        send(Err(LoadError::Vanished {
            file: file.into(),
            how: Vanish::ShortRead {
                expected: n,
                got: consumed,
            },
        }
        .into()));
    }
}

/// Read a delimited UTF-8 text stream, parsing only the columns the plan uses. `head` is
/// the start of the file, already read; the rest streams from `reader` in chunks parsed
/// while the next one is read, so the file is never held in memory whole.
#[allow(clippy::too_many_arguments)]
fn read_csv_stream(
    file: &str,
    mut head: Vec<u8>,
    mut reader: impl Read + Send,
    expected_len: Option<u64>,
    encoding: &'static str,
    planner: Planner,
    progress: &Progress,
) -> Result<RawTable, ReadFailure> {
    let mut consumed = head.len() as u64;
    if let Some(rest) = head.strip_prefix(b"\xEF\xBB\xBF") {
        head = rest.to_vec();
    }
    // The header must be whole before it can be parsed, and the lines a preamble may
    // take above it.
    while bytecount::count(&head, b'\n') < MAX_PREAMBLE + 2 {
        match read_more(file, &mut reader, &mut head, CSV_BLOCK)? {
            0 => break,
            n => consumed += n as u64,
        }
    }
    let preamble = find_preamble(&head).map(|(p, at)| {
        head.drain(..at);
        p
    });
    let skipped = preamble.as_ref().map_or(0, |p| p.line_count);
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(LoadError::Empty { file: file.into() }.into());
    }
    let delim = match sniff_delimiter(&head) {
        Some(d) => d,
        None => {
            let first = split_records(&head, b',', 1)
                .into_iter()
                .next()
                .unwrap_or_default()
                .join(",");
            let header: String = first.chars().take(120).collect();
            return Err(LoadError::OneColumn {
                file: file.into(),
                header,
            }
            .into());
        }
    };
    // The header may hold quoted line breaks (Wind's do); its bytes start every chunk.
    let (header_rec, body_start) = next_record(&head, 0, delim);
    let headers = clean_headers(file, header_rec)?;
    let header_bytes = head[..body_start].to_vec();
    let n = headers.len();
    let plan = planner(&headers);
    let projection = planned_projection(n, &plan);
    let decimal_comma = delim == b';' && looks_decimal_comma(&head);
    let names: Vec<PlSmallStr> = projection.iter().map(|&i| col_name(i).into()).collect();

    let parse = |chunk: &[u8], all_text: bool| {
        // Every column typed up front (positionally): no inference pass, and text in a
        // number column fails fast, sending us to the all-text read that reports it by row.
        let dtypes: Vec<DataType> = (0..n)
            .map(|i| match plan.get(i) {
                _ if all_text => DataType::String,
                Some(ColumnPlan::Number) => DataType::Float64,
                Some(ColumnPlan::Date) => DataType::Date,
                _ => DataType::String,
            })
            .collect();
        let opts = CsvReadOptions::default()
            .with_has_header(true)
            .with_projection(Some(Arc::new(projection.clone())))
            .with_dtype_overwrite(Some(Arc::new(dtypes)))
            .with_infer_schema_length(Some(0))
            .map_parse_options(|p| {
                p.with_separator(delim)
                    .with_missing_is_null(true)
                    .with_null_values(Some(NullValues::AllColumns(
                        MISSING_MARKERS.iter().map(|s| (*s).into()).collect(),
                    )))
            });
        guarded(file, || {
            let mut df = opts
                .into_reader_with_file_handle(Cursor::new(chunk))
                .finish()?;
            df.set_column_names(&names)?;
            Ok(df)
        })
    };

    let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(1);
    // Decimal commas ("1,5") are read as text and converted by the normalizer, which
    // knows which columns hold numbers.
    let mut all_text = decimal_comma;
    let mut frames: Vec<DataFrame> = Vec::new();
    let mut rows = 0usize;
    let mut short: (usize, Vec<(usize, usize)>) = (0, Vec::new());
    let result: Result<(), ReadFailure> = std::thread::scope(|scope| {
        let header = &header_bytes;
        scope.spawn(move || {
            produce_chunks(
                file,
                head,
                header,
                reader,
                expected_len,
                consumed,
                progress,
                tx,
            )
        });
        for chunk in rx {
            let chunk = chunk?;
            let df = match parse(&chunk, all_text) {
                Ok(df) => df,
                Err(first_err) => {
                    if let Some((row, found)) = find_ragged_row(&chunk, header.len(), delim, n) {
                        return Err(LoadError::Ragged {
                            file: file.into(),
                            row: rows + row + skipped,
                            found,
                            expected: n,
                        }
                        .into());
                    }
                    // Text where numbers or ISO dates were planned: from here on read text;
                    // the normalizer converts it and reports the offending cells by row.
                    let df = parse(&chunk, true).map_err(|_| first_err)?;
                    if !all_text {
                        all_text = true;
                        for f in &mut frames {
                            let cols = f
                                .columns()
                                .iter()
                                .map(|c| c.cast(&DataType::String))
                                .collect::<PolarsResult<Vec<_>>>();
                            *f = cols
                                .and_then(|c| DataFrame::new(f.height(), c))
                                .map_err(|e| LoadError::Unreadable {
                                    file: file.into(),
                                    why: Unreadable::Reader(e.to_string()),
                                })?;
                        }
                    }
                    df
                }
            };
            let body = &chunk[header.len()..];
            // Without quotes, and with no row too long (the parser refuses those), a chunk
            // whose delimiters are exactly (fields - 1) per row has no short row either:
            // two vectorised passes instead of a walk of every line.
            let whole = memchr::memchr(b'"', body).is_none()
                && bytecount::count(body, delim) == (n - 1) * df.height();
            if n > 1 && !whole {
                let (count, examples) = short_records(body, delim, n);
                short.0 += count;
                for (record, found) in examples {
                    if short.1.len() < MAX_EXCLUDED_LISTED {
                        // Spreadsheet rows: the header is row 1.
                        short.1.push((rows + record + 1, found));
                    }
                }
            }
            rows += df.height();
            frames.push(df);
        }
        Ok(())
    });
    result?;
    let Some(mut df) = frames.first().cloned() else {
        return Err(LoadError::NoRows { file: file.into() }.into());
    };
    for f in &frames[1..] {
        df.vstack_mut(f).map_err(|e| LoadError::Unreadable {
            file: file.into(),
            why: Unreadable::Reader(e.to_string()),
        })?;
    }
    let warnings = if short.0 > 0 {
        vec![LoadWarning::ShortRows {
            count: short.0,
            rows: short.1,
            expected: n,
        }]
    } else {
        Vec::new()
    };
    Ok(RawTable {
        headers,
        df,
        format: "CSV",
        encoding,
        delimiter: Some(delim),
        decimal_comma,
        warnings,
        preamble,
    })
}

/// Semicolon files from European locales write 1,5 for 1.5.
fn looks_decimal_comma(text: &[u8]) -> bool {
    let recs = split_records(&text[..text.len().min(16 * 1024)], b';', 20);
    let cells = recs.iter().skip(1).flatten();
    let (mut comma, mut dot) = (0, 0);
    for c in cells {
        let t = c.trim();
        let numeric = !t.is_empty()
            && t.chars()
                .all(|ch| ch.is_ascii_digit() || matches!(ch, ',' | '.' | '-' | '+'));
        if numeric && t.contains(',') {
            comma += 1;
        } else if numeric && t.contains('.') {
            dot += 1;
        }
    }
    comma > dot
}

fn read_parquet(
    file: &str,
    bytes: Vec<u8>,
    planner: Planner,
    memory_budget: Option<u64>,
) -> Result<RawTable, LoadError> {
    let (headers, _) = plan_parquet(file, &bytes, planner, memory_budget)?;
    let plan = planner(&headers);
    read_parquet_planned(file, bytes, headers, &plan)
}

/// Check a Parquet file's footer (in `buf`, where only the footer need have been read),
/// read its schema, and find the byte ranges of the column chunks the plan reads. Fails
/// when decoding them would not fit in memory: the sizes the footer declares are checked
/// before anything is decoded, so a small file that decompresses to gigabytes is an error,
/// not an aborted process.
fn plan_parquet(
    file: &str,
    buf: &[u8],
    planner: Planner,
    memory_budget: Option<u64>,
) -> Result<(Vec<String>, Vec<std::ops::Range<u64>>), LoadError> {
    super::footer::check(buf).map_err(|f| LoadError::Unreadable {
        file: file.into(),
        why: Unreadable::Footer(f),
    })?;
    let (headers, ranges, decoded) = guarded(file, || {
        let mut reader = ParquetReader::new(Cursor::new(buf));
        let headers: Vec<String> = reader
            .schema()?
            .iter_names()
            .map(|s| s.to_string())
            .collect();
        let plan = planner(&headers);
        let meta = reader.get_metadata()?.clone();
        let mut ranges = Vec::new();
        // The decompressed pages, and the values decoded from them (at least 8 bytes each:
        // a run-length or dictionary encoded column decompresses to almost nothing).
        let mut decoded = 0u64;
        for rg in &meta.row_groups {
            for (i, h) in headers.iter().enumerate() {
                if plan.get(i) != Some(&ColumnPlan::Skip) {
                    for c in rg.columns_under_root_iter(h).into_iter().flatten() {
                        ranges.push(c.byte_range());
                        let pages = c.uncompressed_size().max(0) as u64;
                        let values = (c.num_values().max(0) as u64).saturating_mul(8);
                        decoded = decoded.saturating_add(pages).saturating_add(values);
                    }
                }
            }
        }
        Ok((headers, ranges, decoded))
    })?;
    if let Some(avail) = memory_budget.or_else(available_memory) {
        let need = decoded.saturating_add(buf.len() as u64);
        if need > avail {
            let mb = |b: u64| b as f64 / 1e6;
            return Err(LoadError::TooLarge {
                file: file.into(),
                size_mb: mb(buf.len() as u64),
                need_mb: mb(need),
                avail_mb: mb(avail),
            });
        }
    }
    Ok((headers, ranges))
}

/// The columns the plan reads. When it would read none (no header is one the kind
/// needs), the first is read anyway: the readers refuse an empty projection, and the
/// normalizer then names the missing columns, which is the message the user needs.
fn planned_projection(n: usize, plan: &[ColumnPlan]) -> Vec<usize> {
    let mut projection: Vec<usize> = (0..n)
        .filter(|&i| plan.get(i) != Some(&ColumnPlan::Skip))
        .collect();
    if projection.is_empty() && n > 0 {
        projection.push(0);
    }
    projection
}

/// Decode the planned columns of a Parquet file held in `bytes`.
fn read_parquet_planned(
    file: &str,
    bytes: Vec<u8>,
    headers: Vec<String>,
    plan: &[ColumnPlan],
) -> Result<RawTable, LoadError> {
    let projection = planned_projection(headers.len(), plan);
    let df = guarded(file, || {
        let mut df = ParquetReader::new(Cursor::new(bytes))
            .with_projection(Some(projection.clone()))
            .finish()?;
        let names: Vec<PlSmallStr> = projection.iter().map(|&i| col_name(i).into()).collect();
        df.set_column_names(&names)?;
        Ok(df)
    })?;
    if df.height() == 0 {
        return Err(LoadError::NoRows { file: file.into() });
    }
    Ok(RawTable {
        headers,
        df,
        format: "Parquet",
        encoding: "",
        delimiter: None,
        decimal_comma: false,
        warnings: Vec::new(),
        preamble: None,
    })
}

/// The first worksheet with data. Dates stay Excel serial numbers; the date parser reads them.
fn read_xlsx(file: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<RawTable, LoadError> {
    use calamine::{Data, DataType as _, Reader, Xlsx};
    let fail = |why: Unreadable| LoadError::Unreadable {
        file: file.into(),
        why,
    };
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| fail(Unreadable::NotXlsx(e.to_string())))?;
    let names = wb.sheet_names();
    let chosen = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                fail(Unreadable::NoSheet {
                    sheet: s.to_string(),
                    sheets: names.clone(),
                })
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| fail(Unreadable::NoSheets))?,
    };
    let range = wb.worksheet_range(&chosen).map_err(|e| {
        fail(Unreadable::Sheet {
            sheet: chosen.clone(),
            error: e.to_string(),
        })
    })?;
    // A title row or key-value rows above the header (Choice's and Wind's exports).
    let top: Vec<Vec<String>> = range
        .rows()
        .take(MAX_PREAMBLE + 2)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let preamble = preamble_of(&top);
    let skip = preamble.as_ref().map_or(0, |(_, h)| *h);
    // The sheet's used range may start below its first row (blank rows above): row
    // numbers count those too.
    let blank_above = range.start().map_or(0, |(row, _)| row as usize);
    let preamble = match preamble {
        Some((mut p, h)) => {
            p.line_count = h + blank_above;
            Some(p)
        }
        None if blank_above > 0 => Some(Preamble {
            line_count: blank_above,
            ..Default::default()
        }),
        None => None,
    };
    let mut rows = range.rows().skip(skip);
    let header_row = rows.next().ok_or(LoadError::Empty { file: file.into() })?;
    let headers = clean_headers(file, header_row.iter().map(|c| c.to_string()).collect())?;
    let body: Vec<&[Data]> = rows.collect();
    if body.is_empty() {
        return Err(LoadError::NoRows { file: file.into() });
    }
    let mut cols = Vec::with_capacity(headers.len());
    for i in 0..headers.len() {
        let cells = body.iter().map(|r| r.get(i).unwrap_or(&Data::Empty));
        let numeric = cells.clone().all(|c| {
            matches!(
                c,
                Data::Empty | Data::Int(_) | Data::Float(_) | Data::DateTime(_)
            )
        });
        let col = if numeric {
            let v: Vec<Option<f64>> = cells
                .map(|c| match c {
                    Data::Empty => None,
                    Data::DateTime(dt) => Some(dt.as_f64()),
                    other => Some(other.as_f64().unwrap_or(f64::NAN)),
                })
                .collect();
            Column::new(col_name(i).into(), v)
        } else {
            let v: Vec<Option<String>> = cells
                .map(|c| match c {
                    Data::Empty => None,
                    other => {
                        let s = other.to_string();
                        (!MISSING_MARKERS.contains(&s.trim())).then_some(s)
                    }
                })
                .collect();
            Column::new(col_name(i).into(), v)
        };
        cols.push(col);
    }
    let df =
        DataFrame::new(body.len(), cols).map_err(|e| fail(Unreadable::Reader(e.to_string())))?;
    Ok(RawTable {
        headers,
        df,
        format: "Excel .xlsx",
        encoding: "",
        delimiter: None,
        decimal_comma: false,
        warnings: Vec::new(),
        preamble,
    })
}

/// What the first bytes of a file say it is.
fn is_text_stream(head: &[u8]) -> bool {
    !(head.starts_with(b"PAR1") || head.starts_with(b"PK\x03\x04"))
}

/// Read any supported file into a raw table, choosing the reader by content. CSV streams;
/// Parquet and .xlsx are read whole (their readers need the footer / the zip directory).
pub fn read_raw(
    file: &str,
    mut reader: impl Read + Send,
    expected_len: Option<u64>,
    sheet: Option<&str>,
    planner: Planner,
    memory_budget: Option<u64>,
    progress: &Progress,
) -> Result<RawTable, ReadFailure> {
    progress
        .total
        .store(expected_len.unwrap_or(0), Ordering::Relaxed);
    let mut head = Vec::with_capacity(1 << 20);
    read_more(file, &mut reader, &mut head, 1 << 20)?;
    progress.read.store(head.len() as u64, Ordering::Relaxed);
    if head.is_empty() {
        return Err(LoadError::Empty { file: file.into() }.into());
    }
    if !is_text_stream(&head) {
        let mut bytes = head;
        read_rest(file, reader, expected_len, progress, &mut bytes)?;
        return if bytes.starts_with(b"PAR1") {
            Ok(read_parquet(file, bytes, planner, memory_budget)?)
        } else {
            Ok(read_xlsx(file, bytes, sheet)?)
        };
    }
    check_not_binary(file, &head)?;
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    // A multi-byte character may be cut at the end of the head: that is not an error.
    let utf8 =
        !utf16 && std::str::from_utf8(&head).map_or_else(|e| e.error_len().is_none(), |_| true);
    if utf8 && !cr_only(&head) {
        return read_csv_stream(file, head, reader, expected_len, "UTF-8", planner, progress);
    }
    let mut bytes = head;
    read_rest(file, reader, expected_len, progress, &mut bytes)?;
    Ok(read_raw_decoded(file, bytes, planner)?)
}

/// Lines ended by a carriage return alone, as old Mac programs write them: the CSV parser
/// would see a single line.
fn cr_only(head: &[u8]) -> bool {
    head.contains(&b'\r') && !head.contains(&b'\n')
}

/// Read text in an encoding other than UTF-8, or with carriage-return line ends: the whole
/// file is decoded to UTF-8 (and its line ends made line feeds) first.
pub fn read_raw_decoded(
    file: &str,
    bytes: Vec<u8>,
    planner: Planner,
) -> Result<RawTable, LoadError> {
    let (mut text, encoding, utf8_lines) = decode_text(file, bytes)?;
    // A carriage return byte never occurs inside a UTF-8 character.
    if cr_only(&text[..text.len().min(1 << 20)]) {
        for b in text.iter_mut().filter(|b| **b == b'\r') {
            *b = b'\n';
        }
    }
    let mut raw = match read_csv_stream(
        file,
        Vec::new(),
        text.as_slice(),
        None,
        encoding,
        planner,
        &Progress::default(),
    ) {
        Ok(t) => t,
        Err(ReadFailure::Load(e)) => return Err(e),
        Err(ReadFailure::NotUtf8) => {
            return Err(LoadError::Binary {
                file: file.into(),
                why: NotText::UnknownEncoding,
            });
        }
    };
    if !utf8_lines.is_empty() {
        raw.warnings.push(LoadWarning::MixedEncoding {
            count: utf8_lines.len(),
            lines: utf8_lines.into_iter().take(MAX_EXAMPLES).collect(),
        });
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small Parquet file that decodes to 6 million values (48 MB): the memory
    /// check goes by what the footer says decoding needs, not by the file's size.
    #[test]
    fn parquet_that_decodes_beyond_the_budget_is_refused_before_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("constant.parquet");
        let n = 2_000_000;
        // A thousand tickers a day for 2,000 days from 2000-01-01 (day 10957).
        let tickers: Vec<String> = (0..n).map(|i| format!("T{}", i % 1000)).collect();
        let days: Vec<i32> = (0..n).map(|i| 10957 + (i / 1000) as i32).collect();
        let mut df = df!("ticker" => tickers, "date" => days, "close" => vec![1.0f64; n])
            .unwrap()
            .lazy()
            .with_column(col("date").cast(DataType::Date))
            .collect()
            .unwrap();
        let mut f = std::fs::File::create(&path).unwrap();
        ParquetWriter::new(&mut f)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut df)
            .unwrap();
        let len = std::fs::metadata(&path).unwrap().len();
        assert!(len < 200_000, "the file is small: {len} bytes");
        let opts = |budget| crate::data::LoadOptions {
            kind: Some(crate::data::TableKind::Prices),
            memory_budget: Some(budget),
            ..Default::default()
        };
        let err = crate::data::load_file(&path, &opts(10_000_000)).unwrap_err();
        assert!(
            matches!(err, LoadError::TooLarge { need_mb, .. } if need_mb > 48.0),
            "{err}"
        );
        let t = crate::data::load_file(&path, &opts(400_000_000)).unwrap();
        assert_eq!(t.df.height(), n);
    }

    #[test]
    fn short_records_are_counted_outside_quotes() {
        let body = b"1,2\n\n\"x,\ny\",2,3\n4\r\n5,6,7";
        // The empty line is record 2 (the parser reads it as a row of missing values).
        assert_eq!(short_records(body, b',', 3), (2, vec![(1, 2), (4, 1)]));
        let chunk = b"a,b\n1,2\n\n3,4,5\n";
        assert_eq!(find_ragged_row(chunk, 4, b',', 2), Some((4, 3)));
        assert_eq!(short_records(b"1\t2\t3\n", b'\t', 3), (0, vec![]));
        // The last record needs no line end; a file's final line break is no record.
        assert_eq!(short_records(b"1,2,3\n4,5", b',', 3), (1, vec![(2, 2)]));
        assert_eq!(short_records(b"1,2,3\n", b',', 3), (0, vec![]));
    }

    #[test]
    fn quoted_fields_keep_delimiters_and_newlines() {
        let recs = split_records(b"a,\"b,c\",\"x\ny\"\r\n1,2,3\n", b',', 10);
        assert_eq!(recs, vec![vec!["a", "b,c", "x\ny"], vec!["1", "2", "3"]]);
    }

    #[test]
    fn sniffs_comma_semicolon_and_tab() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), Some(b','));
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2,5;3\n"), Some(b';'));
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n"), Some(b'\t'));
        assert_eq!(sniff_delimiter(b"a:b:c\n1:2:3\n"), None);
    }

    #[test]
    fn decimal_comma_detected_only_when_it_dominates() {
        assert!(looks_decimal_comma(b"a;b\n1,5;2,25\n3,0;4,1\n"));
        assert!(!looks_decimal_comma(b"a;b\n1.5;2.25\n"));
    }

    #[test]
    fn gbk_text_is_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("证券代码,收盘价\n600028.SH,5.1\n");
        let (utf8, enc, _) = decode_text("x.csv", gbk.into_owned()).unwrap();
        assert_eq!(enc, "GB18030/GBK");
        assert!(String::from_utf8(utf8).unwrap().starts_with("证券代码"));
    }

    /// 煤炭 in GBK (C3 BA CC BF) is valid UTF-8 (ú and a combining mark): a line, or a
    /// whole file, of such characters is still GBK; UTF-8 with European accents stays.
    #[test]
    fn gbk_that_happens_to_be_valid_utf8_is_read_as_gbk() {
        let text = "代码,行业\n601088.SH,煤炭\n600028.SH,石油石化\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (out, enc, utf8_lines) = decode_text("x.csv", gbk.into_owned()).unwrap();
        assert_eq!((enc, utf8_lines), ("GB18030/GBK", vec![]));
        assert_eq!(String::from_utf8(out).unwrap(), text);
        let (gbk, _, _) = encoding_rs::GBK.encode("601088.SH,煤炭\n");
        assert!(std::str::from_utf8(&gbk).is_ok(), "valid UTF-8 as bytes");
        let (out, enc, _) = decode_text("x.csv", gbk.into_owned()).unwrap();
        assert_eq!(enc, "GB18030/GBK");
        assert_eq!(String::from_utf8(out).unwrap(), "601088.SH,煤炭\n");
        // A UTF-8 line with Chinese and an accent, pasted into a GBK file: UTF-8.
        let mut mixed = encoding_rs::GBK
            .encode("代码,名称\n600028.SH,中国石化\n")
            .0
            .into_owned();
        mixed.extend_from_slice("NESN,雀巢 Nestlé\n".as_bytes());
        let (out, _, utf8_lines) = decode_text("x.csv", mixed).unwrap();
        assert_eq!(utf8_lines, vec![3]);
        assert!(String::from_utf8(out).unwrap().ends_with("雀巢 Nestlé\n"));
        let european = "ticker,name\nNESN,Nestlé\nGLE,Société Générale\n";
        let (out, enc, _) = decode_text("x.csv", european.as_bytes().to_vec()).unwrap();
        assert_eq!(
            (enc, String::from_utf8(out).unwrap().as_str()),
            ("UTF-8", european)
        );
    }
}
