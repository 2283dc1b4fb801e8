//! The HALO engine: pure functions of (data, settings). It never imports egui; the GUI and
//! the CLI call the same functions with the same settings, so their numbers agree.

pub mod attributes;
pub mod backtest;
pub mod basket;
pub mod compare;
pub mod error;
pub mod exposures;
pub mod factors;
pub mod metrics;
pub mod notes;
pub mod ols;
pub mod performance;
pub mod pipeline;
pub mod presets;
pub mod returns;
pub mod scenarios;
pub mod score;
pub mod sectors;
pub mod sensitivity;
pub mod settings;
pub mod shenwan;
pub mod stats;
pub mod synth;
pub mod trading;
pub mod universe;

pub use error::EngineError;
