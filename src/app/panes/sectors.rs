//! Sector performance over the window: each sector, the benchmark and the two baskets, as
//! total-return bars or cumulative lines.

use polars::prelude::DataFrame;

use super::PaneView;
use crate::app::chart::{
    ChartCtx, ChartResponse, CumLine, Row, bar_rows, cumulative_chart, pct, series_color,
    notes, series_name, source, title, year_fraction,
};
use crate::app::messages::ExportError;
use crate::engine::notes::SeriesId;
use crate::engine::pipeline::Results;
use crate::engine::sectors::GroupWeighting;
use crate::engine::settings::Settings;
use crate::i18n::tr;
use crate::view::{SectorChart, ViewState};

#[derive(Default)]
pub struct SectorsPane;

fn legend_group(id: &SeriesId) -> String {
    match id {
        SeriesId::Sector(_) => tr("Sector").to_string(),
        other => series_name(other),
    }
}

impl PaneView for SectorsPane {
    const CHART: bool = true;

    fn title() -> &'static str {
        tr("Sector performance")
    }

    fn options(&mut self, ui: &mut egui::Ui, view: &mut ViewState, settings: &mut Settings) {
        let a = &mut settings.analytics;
        ui.selectable_value(
            &mut a.group_weighting,
            GroupWeighting::Cap,
            tr("cap-weighted"),
        );
        ui.selectable_value(
            &mut a.group_weighting,
            GroupWeighting::Equal,
            tr("equal-weighted"),
        );
        ui.separator();
        ui.selectable_value(&mut view.sectors, SectorChart::Bars, tr("bars"));
        ui.selectable_value(&mut view.sectors, SectorChart::Lines, tr("lines"));
    }

    fn draw(ui: &mut egui::Ui, ctx: &ChartCtx) -> ChartResponse {
        let r = ctx.results;
        let perf = match &r.sectors {
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, crate::i18n::Localize::text(e));
                return ChartResponse::default();
            }
            Ok(p) => p,
        };
        title(
            ui,
            &format!("{} {} – {}", tr("Sector performance"), perf.from, perf.to),
        );
        let sector_of = |id: &SeriesId| match id {
            SeriesId::Sector(s) => Some(s.clone()),
            _ => None,
        };
        let mut hovered = None;
        match ctx.view.sectors {
            SectorChart::Lines => {
                let x: Vec<f64> = perf
                    .curve_dates()
                    .iter()
                    .map(|m| year_fraction(*m))
                    .collect();
                let curves: Vec<Vec<f64>> = perf.groups.iter().map(|g| g.curve()).collect();
                let lines: Vec<CumLine> = perf
                    .groups
                    .iter()
                    .zip(&curves)
                    .map(|(g, curve)| CumLine {
                        name: series_name(&g.id),
                        color: series_color(ui, &g.id),
                        cumulative: curve,
                        width: if sector_of(&g.id).as_deref() == ctx.lit && ctx.lit.is_some() {
                            4.0
                        } else {
                            1.5
                        },
                    })
                    .collect();
                cumulative_chart(ui, ctx, "sector_lines", &x, &lines);
            }
            SectorChart::Bars => {
                let mut groups: Vec<_> = perf.groups.iter().collect();
                groups.sort_by(|a, b| b.total.total_cmp(&a.total));
                let rows: Vec<Row> = groups
                    .iter()
                    .map(|g| Row {
                        name: series_name(&g.id),
                        value: pct(g.total),
                        color: series_color(ui, &g.id),
                        group: legend_group(&g.id),
                    })
                    .collect();
                let at = bar_rows(
                    ui,
                    "sector_bars",
                    tr("Return (%)"),
                    &rows,
                    ctx.lit,
                    None,
                    ctx.figure,
                );
                hovered = at.and_then(|i| sector_of(&groups[i].id));
            }
        }
        notes(ui, "sector_notes", &perf.notes, ctx.figure);
        let weighting = perf
            .groups
            .iter()
            .find(|g| g.id == SeriesId::Benchmark)
            .map(|g| crate::i18n::Localize::text(&g.weighting))
            .unwrap_or_default();
        let (pf, pt) = (perf.priced_from, perf.priced_to);
        let priced = crate::bi!(
            crate::i18n::lang(),
            "prices of {pf} and {pt}",
            "{pf} 与 {pt} 的价格"
        );
        source(ui, ctx.dataset, r.as_of(), &format!("{weighting}; {priced}"));
        ChartResponse::sector(ui, hovered)
    }

    /// Bars: each group's total return; lines: each group's cumulative return by month.
    fn table(r: &Results, view: &ViewState) -> Result<DataFrame, ExportError> {
        let p = r.sectors.as_ref().map_err(|e| ExportError::Chart(e.clone()))?;
        match view.sectors {
            SectorChart::Bars => crate::export::sectors_table(p),
            SectorChart::Lines => {
                let curves: Vec<Vec<f64>> = p.groups.iter().map(|g| g.curve()).collect();
                crate::export::cumulative_table(
                    &p.curve_dates(),
                    p.groups.iter().zip(&curves).map(|(g, c)| (&g.id, &c[..])),
                )
            }
        }
    }
}
