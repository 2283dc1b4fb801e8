//! The HALO engine: pure functions of (data, settings). It never imports egui; the GUI and
//! the CLI call the same functions with the same settings, so their numbers agree.

pub mod basket;
pub mod metrics;
pub mod presets;
pub mod score;
pub mod stats;
pub mod synth;
pub mod universe;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("no data: {0}")]
    NoData(String),
    #[error("the loaded data cannot be used: {0}")]
    Data(String),
}

impl EngineError {
    pub fn data(e: impl std::fmt::Display) -> Self {
        EngineError::Data(e.to_string())
    }
}
