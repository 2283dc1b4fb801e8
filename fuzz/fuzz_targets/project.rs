//! Any text as a project file: refused with a message, or read with its paths resolved.
#![no_main]

use halo_workbench::project::Project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Project::from_toml(text, std::path::Path::new("dir/fuzz.halo.toml"));
    }
});
