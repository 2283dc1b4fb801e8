//! The HALO basket's factor exposures: active exposure to every pillar and metric against
//! the cap-weighted benchmark, and the regression of its excess return on the factors.

use egui::RichText;
use polars::prelude::{Column, DataFrame};

use super::PaneView;
use super::sensitivity::SweepState;
use crate::app::chart::{
    BENCH, ChartCtx, ChartResponse, HALO, Row, bar_rows, fmt_num, lens_legend, notes, source,
    title,
};
use crate::app::messages::ExportError;
use crate::engine::metrics::Pillar;
use crate::engine::pipeline::Results;
use crate::i18n::{Localize, pick, tr};
use crate::view::ViewState;

#[derive(Default)]
pub struct ExposuresPane;

/// A pillar ("pillar_<id>", marked »), a registry metric by its label in the interface's
/// language, or a custom metric by its column name.
pub fn exposure_label(name: &str) -> String {
    if let Some(p) = name.strip_prefix("pillar_").and_then(Pillar::parse) {
        return format!("» {}", pick(p.label_en(), p.label_zh()));
    }
    crate::engine::metrics::metric(name)
        .map_or(name, |m| pick(m.label_en, m.label_zh))
        .to_string()
}

/// A regressor's name: the intercept and the market in the interface's language, the
/// data's own factors as the data names them.
fn regressor_label(name: &str) -> String {
    match name {
        "const" => tr("const").to_string(),
        other => crate::engine::error::factor_name(other, crate::i18n::lang()),
    }
}

/// The basket's regression on the factors: betas with classical and Newey-West t.
fn regression(ui: &mut egui::Ui, r: &Results) {
    match (&r.exposures.regression, &r.exposures.regression_error) {
        (Some(reg), _) => {
            ui.label(
                RichText::new(format!(
                    "{}: {} ({} – {}, n = {}, R² = {:.3})",
                    tr("Regression"),
                    reg.dependent.text(),
                    reg.from,
                    reg.to,
                    reg.result.nobs,
                    reg.result.r2
                ))
                .strong(),
            );
            egui::Grid::new("reg").striped(true).show(ui, |ui| {
                for h in [
                    tr("Factor"),
                    tr("Beta"),
                    tr("t (classical)"),
                    tr("t (Newey-West)"),
                ] {
                    ui.strong(h);
                }
                ui.end_row();
                let x = &reg.result;
                for i in 0..x.names.len() {
                    ui.label(regressor_label(&x.names[i]));
                    ui.label(fmt_num(x.params[i], 4));
                    ui.label(fmt_num(x.t[i], 2));
                    ui.label(fmt_num(x.t_nw[i], 2));
                    ui.end_row();
                }
            });
        }
        (None, Some(e)) => {
            ui.label(e.text());
        }
        _ => {}
    }
}

impl PaneView for ExposuresPane {
    const CHART: bool = true;

    fn title() -> &'static str {
        tr("Factor exposures")
    }

    fn draw(ui: &mut egui::Ui, ctx: &ChartCtx) -> ChartResponse {
        let r = ctx.results;
        let c = &r.exposures.characteristic;
        if r.scores().basket.members.is_empty() {
            // Nothing scored: no exposure to draw (an empty basket has no names to count).
            title(ui, tr("Factor exposures"));
            ui.colored_label(
                ui.visuals().error_fg_color,
                crate::engine::EngineError::EmptyBasket.text(),
            );
            source(ui, ctx.dataset, r.as_of(), "");
            return ChartResponse::default();
        }
        title(
            ui,
            &format!("{} (EN {:.0})", tr("Factor exposures"), c.effective_names),
        );
        lens_legend(ui, ctx);
        // What the benchmark and the regression were computed from, before the numbers.
        notes(ui, "exposure_notes", &r.exposures.notes, ctx.figure);
        let rows = ctx.with_ghosts(None, |r| {
            r.exposures
                .characteristic
                .exposures
                .iter()
                .map(|e| {
                    let group = if e.significant {
                        tr("|active| > 2/√EN")
                    } else {
                        tr("not significant")
                    };
                    let color = if e.significant { HALO } else { BENCH };
                    Row::new(exposure_label(&e.name), e.active, color, group.to_string())
                })
                .collect()
        });
        let bars = |ui: &mut egui::Ui, fit: bool| {
            bar_rows(
                ui,
                "exposure_bars",
                tr("Active exposure (sd)"),
                &rows,
                None,
                Some(c.threshold),
                fit,
            );
        };
        if ctx.figure {
            // A figure cannot scroll: the bars take the cell's height, the regression beside.
            ui.horizontal_top(|ui| {
                let size = egui::vec2(ui.available_width() * 0.6, ui.available_height() - 18.0);
                ui.allocate_ui(size, |ui| bars(ui, true));
                ui.vertical(|ui| regression(ui, r));
            });
        } else {
            let h = (ui.available_height() * 0.6).max(140.0);
            ui.allocate_ui(egui::vec2(ui.available_width(), h), |ui| bars(ui, false));
            regression(ui, r);
        }
        source(ui, ctx.dataset, r.as_of(), "");
        ChartResponse::default()
    }

    fn table(r: &Results, _view: &ViewState, _: &SweepState) -> Result<DataFrame, ExportError> {
        let e = &r.exposures.characteristic.exposures;
        DataFrame::new(
            e.len(),
            vec![
                Column::new(
                    "exposure".into(),
                    e.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
                ),
                Column::new(
                    "basket".into(),
                    e.iter().map(|x| x.basket).collect::<Vec<_>>(),
                ),
                Column::new(
                    "benchmark".into(),
                    e.iter().map(|x| x.benchmark).collect::<Vec<_>>(),
                ),
                Column::new(
                    "active".into(),
                    e.iter().map(|x| x.active).collect::<Vec<_>>(),
                ),
                Column::new(
                    "significant".into(),
                    e.iter().map(|x| x.significant).collect::<Vec<_>>(),
                ),
            ],
        )
        .map_err(|e| ExportError::Encode(e.to_string()))
    }
}
