//! What the file targets share: a fuzz input read as a file of a given name, as the
//! loader reads a user's file, within a memory budget below libFuzzer's RSS limit (a file
//! that would decode to more must be refused before it is decoded, and that refusal is
//! what the memory check promises).

use halo_workbench::data::{LoadError, LoadOptions, Table, TableKind, load_bytes};

/// Bytes of memory a load may use under the fuzzer (its RSS limit is 4 GB in CI).
pub const BUDGET: u64 = 256 << 20;

/// `data` read as the file `name`, guessed or taken as `kind`. A table that loads keeps
/// its report's counts consistent.
pub fn load(name: &str, data: &[u8], kind: Option<TableKind>) -> Result<Table, LoadError> {
    let opts = LoadOptions {
        kind,
        memory_budget: Some(BUDGET),
        ..Default::default()
    };
    let t = load_bytes(std::path::Path::new(name), data, &opts)?;
    let r = &t.report;
    assert_eq!(t.df.height(), r.rows_kept);
    assert!(r.rows_kept <= r.rows_read);
    Ok(t)
}

/// `data` after the format's `magic` (added unless it is there), read as `name`.
pub fn load_with_magic(name: &str, magic: &[u8], data: &[u8]) {
    let mut bytes = magic.to_vec();
    bytes.extend_from_slice(data.strip_prefix(magic).unwrap_or(data));
    let _ = load(name, &bytes, None);
}
