//! Any bytes as a CSV (or any text) file, read as each kind of table: an error is fine, a
//! panic or a hang is not.
#![no_main]

use halo_workbench::data::TableKind;
use libfuzzer_sys::fuzz_target;

// As in the Parquet target, the reader's own panics are contained.
fuzz_target!(init: halo_workbench::data::read::contain_reader_panics(), |data: &[u8]| {
    for kind in [None, Some(TableKind::Fundamentals), Some(TableKind::Prices), Some(TableKind::Factors)] {
        let _ = halo_workbench_fuzz::load("fuzz.csv", data, kind);
    }
});
