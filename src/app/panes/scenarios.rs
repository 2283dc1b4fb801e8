//! One scenario's outcome: the HALO basket, benchmark, anti-HALO, long-short and blend
//! returns, and each sector's contribution to the basket's.

use egui::RichText;
use polars::prelude::DataFrame;

use super::PaneView;
use super::sensitivity::SweepState;
use crate::app::chart::{
    ChartCtx, ChartResponse, Row, bar_rows, lens_legend, pct, sector_color, series_color,
    series_name, source, title,
};
use crate::app::messages::ExportError;
use crate::engine::notes::SeriesId;
use crate::engine::pipeline::Results;
use crate::engine::scenarios::Outcome;
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
        lens_legend(ui, ctx);
        // A pinned lens's outcome of the same scenario (by name).
        let outcome = |pr: &Results| -> Option<Outcome> {
            let k = pr.scenarios.iter().position(|s| s.name == o.scenario)?;
            pr.outcomes.get(k)?.as_ref().ok().cloned()
        };
        let rows = ctx.with_ghosts(None, |pr| {
            outcome(pr)
                .map(|o| {
                    o.portfolios
                        .iter()
                        .map(|p| {
                            let name = series_name(&p.portfolio);
                            Row::new(
                                name.clone(),
                                pct(p.r#return),
                                series_color(ui, &p.portfolio),
                                name,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
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
        ui.label(
            RichText::new(format!(
                "{} — {}",
                tr("Contribution by sector (%)"),
                series_name(&SeriesId::HaloBasket)
            ))
            .strong(),
        );
        let contributions = |o: &Outcome| -> Vec<(String, f64)> {
            let mut c: Vec<(String, f64)> = o
                .portfolios
                .iter()
                .find(|p| p.portfolio == SeriesId::HaloBasket)
                .map(|b| b.contributions.iter().map(|(s, v)| (s.clone(), *v)).collect())
                .unwrap_or_default();
            c.sort_by(|a, b| b.1.total_cmp(&a.1));
            c
        };
        // A sector only a pinned basket holds contributes nothing to the live one: its bar
        // is 0 with the pin's ghost, in order among the others.
        let mut rows = ctx.with_ghosts(Some(0.0), |pr| {
            let c = if std::ptr::eq(pr, r) {
                contributions(o)
            } else {
                outcome(pr).map(|o| contributions(&o)).unwrap_or_default()
            };
            c.iter()
                .map(|(s, v)| Row::new(s.clone(), pct(*v), sector_color(s), tr("Sector").into()))
                .collect()
        });
        rows.sort_by(|a, b| b.value.total_cmp(&a.value));
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
        ChartResponse::sector(ui, at.map(|k| rows[k].name.clone()))
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
