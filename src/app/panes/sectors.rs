//! Sector performance over the window: each sector, the benchmark and the two baskets, as
//! total-return bars or cumulative lines.

use polars::prelude::DataFrame;

use super::PaneView;
use super::sensitivity::SweepState;
use crate::app::chart::{
    ChartCtx, ChartResponse, CumLine, LensLines, Row, bar_rows, cumulative_chart, lens_legend,
    notes, pct, series_color, series_name, source, title, year_fraction,
};
use crate::app::messages::ExportError;
use crate::engine::notes::SeriesId;
use crate::engine::pipeline::Results;
use crate::engine::sectors::{GroupPerformance, GroupWeighting, SectorPerformance};
use crate::engine::settings::Settings;
use crate::i18n::tr;
use crate::view::{SectorChart, ViewState};

#[derive(Default)]
pub struct SectorsPane {
    /// The window's series, from the last results drawn: what the pickers offer.
    series: Vec<SeriesId>,
    /// The relative chart's pair drawn last ([`shown_pair`]).
    pair: Option<(SeriesId, SeriesId)>,
}

/// The pair a relative chart shows: the one chosen when this window has both, else the
/// default ([`SectorPerformance::default_pair`]).
fn shown_pair(perf: &SectorPerformance, view: &ViewState) -> Option<(SeriesId, SeriesId)> {
    view.relative
        .clone()
        .filter(|(a, b)| a != b && perf.group(a).is_some() && perf.group(b).is_some())
        .or_else(|| perf.default_pair())
}

/// The lines drawn: the ones chosen that this window has; none chosen (or none of them
/// here): every group.
fn shown_lines<'a>(perf: &'a SectorPerformance, view: &ViewState) -> Vec<&'a GroupPerformance> {
    let chosen: Vec<&GroupPerformance> = perf
        .groups
        .iter()
        .filter(|g| view.lines.contains(&g.id))
        .collect();
    if chosen.is_empty() {
        perf.groups.iter().collect()
    } else {
        chosen
    }
}

/// A combo box choosing one of `series`.
fn pick_series(ui: &mut egui::Ui, id: &str, label: &str, value: &mut SeriesId, series: &[SeriesId]) {
    let l = ui.label(label);
    egui::ComboBox::from_id_salt(id)
        .selected_text(series_name(value))
        .show_ui(ui, |ui| {
            for s in series {
                ui.selectable_value(value, s.clone(), series_name(s));
            }
        })
        .response
        .labelled_by(l.id);
}

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
        ui.selectable_value(&mut view.sectors, SectorChart::Relative, tr("relative"))
            .on_hover_text(tr(
                "One series' growth against another's: (1 + return of the first) / (1 + return of the second) - 1.",
            ));
        match view.sectors {
            SectorChart::Lines if !self.series.is_empty() => {
                let n = view.lines.len();
                let label = if n == 0 {
                    tr("all series").to_string()
                } else {
                    crate::bi!(crate::i18n::lang(), "{n} series", "{n} 个序列")
                };
                ui.menu_button(label, |ui| {
                    if ui.button(tr("All series")).clicked() {
                        view.lines.clear();
                    }
                    for s in &self.series {
                        let mut on = view.lines.is_empty() || view.lines.contains(s);
                        if ui.checkbox(&mut on, series_name(s)).changed() {
                            if view.lines.is_empty() {
                                view.lines = self.series.clone();
                            }
                            view.lines.retain(|x| x != s);
                            if on {
                                view.lines.push(s.clone());
                            }
                            if view.lines.len() == self.series.len() {
                                view.lines.clear();
                            }
                        }
                    }
                });
            }
            SectorChart::Relative => {
                if let Some((mut a, mut b)) = self.pair.clone() {
                    pick_series(ui, "relative_of", tr("of"), &mut a, &self.series);
                    pick_series(ui, "relative_to", tr("against"), &mut b, &self.series);
                    if view.relative.as_ref() != Some(&(a.clone(), b.clone())) {
                        view.relative = Some((a, b));
                    }
                }
            }
            _ => {}
        }
    }

    fn observe(&mut self, results: &Results, view: &ViewState) {
        if let Ok(p) = &results.sectors {
            self.series = p.groups.iter().map(|g| g.id.clone()).collect();
            self.pair = shown_pair(p, view);
        }
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
        lens_legend(ui, ctx);
        // Above the chart, which takes the height left: below it they were cut off.
        notes(ui, "sector_notes", &perf.notes, ctx.figure);
        let sector_of = |id: &SeriesId| match id {
            SeriesId::Sector(s) => Some(s.clone()),
            _ => None,
        };
        let mut hovered = None;
        // Each lens's lines (its own window), the live lens's first.
        let lines_of = |r: &Results, lens_lines: &dyn Fn(&SectorPerformance) -> Vec<CumLine>| {
            let perf = r.sectors.as_ref().ok()?;
            let x = perf.curve_dates().iter().map(|m| year_fraction(*m)).collect();
            let lines = lens_lines(perf);
            (!lines.is_empty()).then_some(LensLines { x, lines })
        };
        match ctx.view.sectors {
            SectorChart::Lines => {
                let lenses = ctx.per_lens(|r| {
                    lines_of(r, &|perf| {
                        shown_lines(perf, ctx.view)
                            .iter()
                            .map(|g| CumLine {
                                name: series_name(&g.id),
                                color: series_color(ui, &g.id),
                                cumulative: g.curve(),
                                width: if ctx.lit.is_some()
                                    && sector_of(&g.id).as_deref() == ctx.lit
                                {
                                    4.0
                                } else {
                                    1.5
                                },
                            })
                            .collect()
                    })
                });
                cumulative_chart(ui, ctx, "sector_lines", &lenses, 0.0);
            }
            SectorChart::Relative => {
                // A pinned lens's relative line is the same pair's.
                let pair = relative_line(perf, ctx.view).map(|(id, _)| id);
                let lenses = ctx.per_lens(|r| {
                    lines_of(r, &|p| {
                        let Some(SeriesId::Relative { of, to }) = &pair else {
                            return Vec::new();
                        };
                        p.relative(of, to)
                            .map(|curve| CumLine {
                                name: series_name(pair.as_ref().unwrap_or(of)),
                                color: series_color(ui, of),
                                cumulative: curve,
                                width: 2.5,
                            })
                            .into_iter()
                            .collect()
                    })
                });
                if pair.is_some() {
                    cumulative_chart(ui, ctx, "sector_relative", &lenses, 0.0);
                } else {
                    ui.label(tr("A relative chart needs two series in the window."));
                }
            }
            SectorChart::Bars => {
                fn order(perf: &SectorPerformance) -> Vec<&GroupPerformance> {
                    let mut groups: Vec<_> = perf.groups.iter().collect();
                    groups.sort_by(|a, b| b.total.total_cmp(&a.total));
                    groups
                }
                let groups = order(perf);
                let rows = ctx.with_ghosts(None, |r| {
                    let Ok(perf) = &r.sectors else {
                        return Vec::new();
                    };
                    order(perf)
                        .iter()
                        .map(|g| {
                            Row::new(
                                series_name(&g.id),
                                pct(g.total),
                                series_color(ui, &g.id),
                                legend_group(&g.id),
                            )
                        })
                        .collect()
                });
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
    fn table(r: &Results, view: &ViewState, _: &SweepState) -> Result<DataFrame, ExportError> {
        let p = r.sectors.as_ref().map_err(|e| ExportError::Chart(e.clone()))?;
        match view.sectors {
            SectorChart::Bars => crate::export::sectors_table(p),
            SectorChart::Lines => {
                let groups = shown_lines(p, view);
                let curves: Vec<Vec<f64>> = groups.iter().map(|g| g.curve()).collect();
                crate::export::cumulative_table(
                    &p.curve_dates(),
                    groups.iter().zip(&curves).map(|(g, c)| (&g.id, &c[..])),
                )
            }
            SectorChart::Relative => {
                let (id, curve) = relative_line(p, view).ok_or(ExportError::NoResults)?;
                crate::export::cumulative_table(
                    &p.curve_dates(),
                    std::iter::once((&id, &curve[..])),
                )
            }
        }
    }
}

/// The relative chart's one line: its identity and its values at the curve dates.
fn relative_line(perf: &SectorPerformance, view: &ViewState) -> Option<(SeriesId, Vec<f64>)> {
    let (a, b) = shown_pair(perf, view)?;
    let curve = perf.relative(&a, &b)?;
    Some((
        SeriesId::Relative {
            of: Box::new(a),
            to: Box::new(b),
        },
        curve,
    ))
}
