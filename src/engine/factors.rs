//! Factor return series aligned to the return panel's months: macro factors from the
//! factors table (levels turned into monthly changes), the market (the universe's
//! equal-weighted return), and long-short factors built from any metric.

use chrono::NaiveDate;
use polars::prelude::DataFrame;
use serde::Serialize;

use super::EngineError;
use super::returns::ReturnPanel;
use crate::data::dates;

/// How a level series becomes a monthly factor return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Percentage change: prices and indices (oil +10% is 0.10).
    PctChange,
    /// Difference in the series' own unit: yields and rates (+0.5 is 50 basis points).
    Diff,
    /// Already a return.
    Return,
}

impl Transform {
    /// Yields and rates move in points, everything else in percent.
    pub fn for_name(name: &str) -> Transform {
        let n = name.to_ascii_lowercase();
        if ["10y", "2y", "yield", "rate", "spread", "bond"]
            .iter()
            .any(|k| n.contains(k))
        {
            Transform::Diff
        } else {
            Transform::PctChange
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Transform::PctChange | Transform::Return => "return (0.10 = +10%)",
            Transform::Diff => "change in points (0.5 = +50 bp)",
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct FactorPanel {
    pub names: Vec<String>,
    pub transforms: Vec<Transform>,
    /// Per factor, per month of the return panel; NaN where missing.
    pub values: Vec<Vec<f64>>,
}

impl FactorPanel {
    pub fn get(&self, name: &str) -> Option<&Vec<f64>> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.values[i])
    }

    pub fn push(&mut self, name: &str, t: Transform, v: Vec<f64>) {
        self.names.push(name.into());
        self.transforms.push(t);
        self.values.push(v);
    }
}

/// Month-end levels of each factor column, turned into monthly changes on `months`. A
/// month without a level, or after one, is missing (gaps are not bridged).
pub fn macro_factors(
    factors: &DataFrame,
    months: &[NaiveDate],
) -> Result<FactorPanel, EngineError> {
    let d = factors
        .column("date")
        .and_then(|c| c.date().map(|x| x.physical().clone()))
        .map_err(|e| EngineError::column("date", e))?;
    let mut out = FactorPanel::default();
    for c in factors.columns() {
        let name = c.name().as_str();
        if name == "date" || !c.dtype().is_primitive_numeric() {
            continue;
        }
        let v = c
            .cast(&polars::prelude::DataType::Float64)
            .map_err(|e| EngineError::column(name, e))?;
        let v = v.f64().map_err(|e| EngineError::column(name, e))?;
        // Level at each month of the panel (the table's row in that calendar month).
        let mut level = vec![f64::NAN; months.len()];
        for i in 0..factors.height() {
            let (Some(day), Some(x)) = (d.get(i), v.get(i)) else {
                continue;
            };
            let Some(day) = dates::from_epoch_days(day) else {
                continue;
            };
            if let Ok(k) = months.binary_search_by(|m| (m.year_month()).cmp(&day.year_month())) {
                level[k] = x;
            }
        }
        let t = Transform::for_name(name);
        let change: Vec<f64> = (0..months.len())
            .map(|k| {
                if k == 0 {
                    return f64::NAN;
                }
                let (a, b) = (level[k - 1], level[k]);
                match t {
                    Transform::Diff => b - a,
                    _ if a > 0.0 => b / a - 1.0,
                    _ => f64::NAN,
                }
            })
            .collect();
        out.push(name, t, change);
    }
    Ok(out)
}

trait YearMonth {
    fn year_month(&self) -> (i32, u32);
}

impl YearMonth for NaiveDate {
    fn year_month(&self) -> (i32, u32) {
        use chrono::Datelike;
        (self.year(), self.month())
    }
}

/// The universe's equal-weighted return each month.
pub fn market(rp: &ReturnPanel) -> Vec<f64> {
    rp.r.iter()
        .map(|row| {
            let (s, n) = row
                .iter()
                .filter(|v| v.is_finite())
                .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            if n == 0 { f64::NAN } else { s / n as f64 }
        })
        .collect()
}
