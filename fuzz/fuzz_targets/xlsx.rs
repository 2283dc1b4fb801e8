//! Any bytes after a zip header, read as an .xlsx workbook.
#![no_main]

use libfuzzer_sys::fuzz_target;

// As in the Parquet target, the reader's own panics are contained.
fuzz_target!(init: halo_workbench::data::read::contain_reader_panics(), |data: &[u8]| {
    halo_workbench_fuzz::load_with_magic("fuzz.xlsx", b"PK\x03\x04", data);
});
