//! Any text as a settings file; the settings it is accepted as then drive the whole
//! pipeline on a small synthetic universe: every setting a file can hold either is refused
//! with its key named or computes without panicking.
#![no_main]

use std::sync::{Arc, OnceLock};

use halo_workbench::engine::pipeline::{Inputs, Pipeline};
use halo_workbench::engine::settings::Settings;
use halo_workbench::engine::synth;
use libfuzzer_sys::fuzz_target;

fn inputs() -> Arc<Inputs> {
    static INPUTS: OnceLock<Arc<Inputs>> = OnceLock::new();
    INPUTS
        .get_or_init(|| {
            let ds = synth::generate(40, 36, 7)
                .expect("universe")
                .dataset("fuzz");
            Arc::new(Inputs::new(&ds).expect("inputs"))
        })
        .clone()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(settings) = Settings::from_toml(text, "fuzz.toml") else {
        return;
    };
    let mut p = Pipeline::new(inputs());
    let _ = p.results(&settings);
});
