//! HALO Workbench: a research workbench for the HALO equity strategy (Heavy Assets, Low
//! Obsolescence).
//!
//! Data flows one way: files -> [`data`] (canonical tables with load reports) -> the
//! engine -> results -> the [`app`] panes and the [`cli`]. The data layer and engine never
//! import egui; the UI never computes finance.

// The numeric code indexes several parallel arrays (securities x metrics x months) with
// one index; an index loop says that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

pub mod app;
pub mod atomic;
pub mod cli;
pub mod data;
pub mod engine;
pub mod export;
pub mod i18n;
pub mod project;
pub mod view;
