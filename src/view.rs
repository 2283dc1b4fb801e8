//! What a figure needs besides the results: the choices made on screen (the scenario
//! shown, bars or lines, the ranking's order). The window keeps it, the project file saves
//! it as its `[view]` section, and the headless export draws with it, so a saved project
//! exported without a window gives the figure the window showed.

use serde::{Deserialize, Serialize};

use crate::engine::notes::SeriesId;

/// The sector chart's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectorChart {
    /// Total return over the window, one bar per group.
    #[default]
    Bars,
    /// Cumulative return month by month, one line per group.
    Lines,
    /// One series' growth relative to another's: a style comparison.
    Relative,
}

/// The ranking table's sort column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Rank,
    Ticker,
    Name,
    Sector,
    HeavyAssets,
    LowObsolescence,
    SupplyConstraint,
    CashFlowStability,
    Weight,
    /// The share of the weight sweep's settings whose basket keeps the name.
    Kept,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RankingView {
    pub sort: SortKey,
    pub descending: bool,
    /// Text matched against ticker, name and sector.
    pub search: String,
}

/// What the sensitivity pane's lines measure at each weight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepMeasure {
    #[default]
    IcMean,
    IcT,
    Spread,
    HaloMinusBenchmark,
    NamesKept,
    WeightKept,
}

impl SweepMeasure {
    pub const ALL: [SweepMeasure; 6] = [
        SweepMeasure::IcMean,
        SweepMeasure::IcT,
        SweepMeasure::Spread,
        SweepMeasure::HaloMinusBenchmark,
        SweepMeasure::NamesKept,
        SweepMeasure::WeightKept,
    ];
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SensitivityView {
    /// Sweep the pillar weights after each change (off: the sweep's work is not done).
    pub run: bool,
    /// Sweep each metric's weight within its pillar too.
    pub metrics: bool,
    pub measure: SweepMeasure,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ViewState {
    /// The scenario the scenario pane shows, by name; none: the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The sector-performance chart: `bars`, `lines` or `relative`.
    pub sectors: SectorChart,
    /// The lines drawn (`lines`); empty: every group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<SeriesId>,
    /// The series compared (`relative`), the first against the second; none, or a pair
    /// not in the window: the first sector against the benchmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative: Option<(SeriesId, SeriesId)>,
    pub ranking: RankingView,
    pub sensitivity: SensitivityView,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_section_reads_as_written() {
        let v: ViewState = toml::from_str(
            "scenario = \"Higher for longer\"\nsectors = \"lines\"\n[ranking]\nsort = \"weight\"\ndescending = true\n",
        )
        .unwrap();
        assert_eq!(v.scenario.as_deref(), Some("Higher for longer"));
        assert_eq!(v.sectors, SectorChart::Lines);
        assert_eq!(v.ranking.sort, SortKey::Weight);
        assert!(v.ranking.descending);
        let back: ViewState = toml::from_str(&toml::to_string(&v).unwrap()).unwrap();
        assert_eq!(back, v);
        // The chosen lines and the relative pair survive the project file.
        let chosen = ViewState {
            sectors: SectorChart::Relative,
            lines: vec![SeriesId::Sector("电力".into()), SeriesId::Benchmark],
            relative: Some((SeriesId::Sector("Energy".into()), SeriesId::Benchmark)),
            ..v.clone()
        };
        let text = toml::to_string(&chosen).unwrap();
        assert_eq!(
            toml::from_str::<ViewState>(&text).unwrap(),
            chosen,
            "{text}"
        );
        // A misspelt key is an error, not silently the default.
        assert!(toml::from_str::<ViewState>("sector = \"lines\"\n").is_err());
    }
}
