//! Any bytes after a Parquet header, read as a table: the footer, the schema and the pages
//! all come from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The reader's own panics are contained and reported as an unreadable file (the app's
// hook does the same); a panic anywhere else still aborts the run and is a finding.
fuzz_target!(init: halo_workbench::data::read::contain_reader_panics(), |data: &[u8]| {
    halo_workbench_fuzz::load_with_magic("fuzz.parquet", b"PAR1", data);
});
