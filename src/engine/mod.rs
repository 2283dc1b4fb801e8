//! The HALO engine: pure functions of (data, settings). It never imports egui; the GUI and
//! the CLI call the same functions with the same settings, so their numbers agree.

pub mod analysis;
pub mod backtest;
pub mod basket;
pub mod exposures;
pub mod factors;
pub mod metrics;
pub mod ols;
pub mod performance;
pub mod presets;
pub mod returns;
pub mod scenarios;
pub mod score;
pub mod sectors;
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
    #[error("invalid window: {0}")]
    Window(String),
    #[error("the regression cannot be solved: {0}")]
    Singular(String),
    #[error("{0}")]
    Invalid(String),
}

impl EngineError {
    pub fn data(e: impl std::fmt::Display) -> Self {
        EngineError::Data(e.to_string())
    }
}
