//! One scenario's outcome: the HALO basket, benchmark, anti-HALO, long-short and blend
//! returns, and each sector's contribution to the basket's.

use egui::RichText;
use polars::prelude::DataFrame;

use super::PaneView;
use super::sensitivity::SweepState;
use crate::app::chart::{
    ChartCtx, ChartResponse, Row, bar_rows, pct, sector_color, series_color, series_name, source,
    title,
};
use crate::app::messages::ExportError;
use crate::engine::notes::SeriesId;
use crate::engine::pipeline::Results;
use crate::i18n::{Localize, pick, tr};
use crate::view::ViewState;

#[derive(Default)]
pub struct ScenariosPane;

/// The scenario the view names (by name), else the first.
pub fn selected(r: &Results, view: &ViewState) -> usize {
    view.scenario
        .as_deref()
        .and_then(|name| r.scenarios.iter().position(|s| s.name == name))
        .unwrap_or(0)
}

impl PaneView for ScenariosPane {
    const CHART: bool = true;

    fn title() -> &'static str {
        tr("Scenario outcomes")
    }

    fn draw(ui: &mut egui::Ui, ctx: &ChartCtx) -> ChartResponse {
        let r = ctx.results;
        let i = selected(r, ctx.view);
        let Some(o) = r.outcomes.get(i) else {
            ui.label(tr("No scenario is defined."));
            return ChartResponse::default();
        };
        let o = match o {
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e.text());
                return ChartResponse::default();
            }
            Ok(o) => o,
        };
        let named = r.scenarios.get(i);
        let name = named.map_or(o.scenario.as_str(), |s| pick(&s.name, &s.name_zh));
        title(ui, &format!("{}: {name}", tr("Scenario outcomes")));
        let rows: Vec<Row> = o
            .portfolios
            .iter()
            .map(|p| Row {
                name: series_name(&p.portfolio),
                value: pct(p.r#return),
                color: series_color(ui, &p.portfolio),
                group: series_name(&p.portfolio),
            })
            .collect();
        let h = (ui.available_height() * 0.45).max(120.0);
        ui.allocate_ui(egui::vec2(ui.available_width(), h), |ui| {
            bar_rows(
                ui,
                "scenario_bars",
                tr("Return (%)"),
                &rows,
                None,
                None,
                ctx.figure,
            );
        });
        let basket = o
            .portfolios
            .iter()
            .find(|p| p.portfolio == SeriesId::HaloBasket);
        ui.label(
            RichText::new(format!(
                "{} — {}",
                tr("Contribution by sector (%)"),
                series_name(&SeriesId::HaloBasket)
            ))
            .strong(),
        );
        let mut contrib: Vec<(&String, f64)> = basket
            .map(|b| b.contributions.iter().map(|(s, v)| (s, *v)).collect())
            .unwrap_or_default();
        contrib.sort_by(|a, b| b.1.total_cmp(&a.1));
        let rows: Vec<Row> = contrib
            .iter()
            .map(|(s, v)| Row {
                name: s.to_string(),
                value: pct(*v),
                color: sector_color(s),
                group: tr("Sector").to_string(),
            })
            .collect();
        let at = bar_rows(
            ui,
            "scenario_contrib",
            tr("Return (%)"),
            &rows,
            ctx.lit,
            None,
            ctx.figure,
        );
        let src = named.map_or("", |s| pick(&s.source, &s.source_zh));
        source(ui, ctx.dataset, r.as_of(), src);
        ChartResponse::sector(ui, at.map(|k| contrib[k].0.clone()))
    }

    /// The scenario shown: each portfolio's return and every sector's contribution.
    fn table(r: &Results, view: &ViewState, _: &SweepState) -> Result<DataFrame, ExportError> {
        match r.outcomes.get(selected(r, view)) {
            Some(Ok(o)) => crate::export::scenario_table(std::iter::once(o)),
            Some(Err(e)) => Err(ExportError::Chart(e.clone())),
            None => Err(ExportError::NoResults),
        }
    }
}
