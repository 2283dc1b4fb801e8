//! The chart panes, side by side in an egui_tiles layout the user can rearrange, resize,
//! maximise and restore. Each pane has its own small options row. Hovering or clicking a
//! sector highlights it in every pane and in the table.

use std::sync::Arc;

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints, VLine};
use serde::{Deserialize, Serialize};

use super::WorkbenchApp;
use super::charts::{self, ANTI, BENCH, HALO, legend_strip, sector_color, source, title};
use super::compute::Results;
use super::dataset_view;
use super::i18n::{pick, tr, tr_msg};
use crate::engine::metrics::Pillar;
use crate::engine::sectors::{GroupKind, GroupWeighting};
use crate::settings::Rebalance;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Pane {
    Sectors,
    Exposures,
    Scenarios,
    Backtest,
    Ranking,
    Excluded,
    Data,
}

impl Pane {
    pub const ALL: [Pane; 7] = [
        Pane::Sectors,
        Pane::Exposures,
        Pane::Scenarios,
        Pane::Backtest,
        Pane::Ranking,
        Pane::Excluded,
        Pane::Data,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Sectors => tr("Sector performance"),
            Pane::Exposures => tr("Factor exposures"),
            Pane::Scenarios => tr("Scenario outcomes"),
            Pane::Backtest => tr("Backtest"),
            Pane::Ranking => tr("Ranking"),
            Pane::Excluded => tr("Excluded"),
            Pane::Data => tr("Data"),
        }
    }
}

/// The default layout: the four charts in a grid, the tables as tabs beneath.
pub fn default_tree() -> egui_tiles::Tree<Pane> {
    let mut tiles = egui_tiles::Tiles::default();
    let charts: Vec<_> = [
        Pane::Sectors,
        Pane::Exposures,
        Pane::Scenarios,
        Pane::Backtest,
    ]
    .into_iter()
    .map(|p| tiles.insert_pane(p))
    .collect();
    let grid = tiles.insert_grid_tile(charts);
    let tables: Vec<_> = [Pane::Ranking, Pane::Excluded, Pane::Data]
        .into_iter()
        .map(|p| tiles.insert_pane(p))
        .collect();
    let tabs = tiles.insert_tab_tile(tables);
    let root = tiles.insert_vertical_tile(vec![grid, tabs]);
    if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(l))) = tiles.get_mut(root)
    {
        l.shares.set_share(grid, 2.0);
        l.shares.set_share(tabs, 1.0);
    }
    egui_tiles::Tree::new(egui::Id::unique("halo_layout"), root, tiles)
}

pub struct Behavior<'a> {
    pub app: &'a mut WorkbenchApp,
}

impl egui_tiles::Behavior<Pane> for Behavior<'_> {
    fn pane_ui(
        &mut self,
        ui: &mut egui::Ui,
        _tile_id: egui_tiles::TileId,
        pane: &mut Pane,
    ) -> egui_tiles::UiResponse {
        pane_ui(self.app, ui, *pane);
        egui_tiles::UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        pane.title().into()
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..Default::default()
        }
    }
}

/// One pane, with its options row and the maximise / restore button.
pub fn pane_ui(app: &mut WorkbenchApp, ui: &mut egui::Ui, pane: Pane) {
    egui::Frame::new().inner_margin(4.0).show(ui, |ui| {
        // A figure for export has no controls.
        if app.figure.is_none() {
            // Wrapped, so a narrow pane keeps its options and its title inside it.
            ui.horizontal_wrapped(|ui| {
                let max = app.maximized == Some(pane);
                if ui
                    .small_button(if max { tr("Restore") } else { tr("Maximise") })
                    .clicked()
                {
                    app.maximized = if max { None } else { Some(pane) };
                }
                if matches!(
                    pane,
                    Pane::Sectors | Pane::Exposures | Pane::Scenarios | Pane::Backtest
                ) && ui
                    .small_button(tr("Export"))
                    .on_hover_text(tr(
                        "PNG and CSV, at the scale and theme set in the File menu",
                    ))
                    .clicked()
                {
                    app.push(super::Command::Export(super::Figure::Chart(pane)));
                }
                options_row(app, ui, pane);
            });
        }
        let Some(r) = app.results.clone() else {
            if pane == Pane::Data {
                dataset_view::details(app, ui);
            } else {
                ui.label(tr("No results yet."));
            }
            return;
        };
        match pane {
            Pane::Sectors => sectors(app, ui, &r),
            Pane::Exposures => exposures(app, ui, &r),
            Pane::Scenarios => scenarios(app, ui, &r),
            Pane::Backtest => backtest(app, ui, &r),
            Pane::Ranking => ranking(app, ui, &r),
            Pane::Excluded => excluded(ui, &r),
            Pane::Data => dataset_view::details(app, ui),
        }
    });
}

fn options_row(app: &mut WorkbenchApp, ui: &mut egui::Ui, pane: Pane) {
    let a = &mut app.state.settings.analytics;
    match pane {
        Pane::Sectors => {
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
            ui.selectable_value(&mut app.sector_lines, false, tr("bars"));
            ui.selectable_value(&mut app.sector_lines, true, tr("lines"));
        }
        Pane::Backtest => {
            let l = ui.label(tr("Quantiles"));
            ui.add(egui::DragValue::new(&mut a.quantiles).range(2..=10))
                .labelled_by(l.id);
            ui.selectable_value(&mut a.rebalance, Rebalance::Monthly, tr("monthly"));
            ui.selectable_value(&mut a.rebalance, Rebalance::Quarterly, tr("quarterly"));
            let l = ui.label(tr("Cost (bps)"));
            ui.add(egui::DragValue::new(&mut a.cost_bps).range(0.0..=200.0))
                .labelled_by(l.id);
            ui.checkbox(&mut a.within_sector, tr("Within sector"));
        }
        _ => {}
    }
    if let Some(h) = &app.highlight {
        ui.separator();
        ui.label(format!("{}: {h}", tr("Highlight")));
        if ui.small_button("×").clicked() {
            app.highlight = None;
        }
    }
}

fn pct(x: f64) -> f64 {
    x * 100.0
}

/// One bar: its label, value, colour, and the legend entry it belongs to.
struct Row {
    name: String,
    value: f64,
    color: Color32,
    group: &'static str,
}

/// Sorted horizontal bars, best at the top; returns the group under the pointer. `fit`:
/// squeeze the rows into the space there is (a figure cannot scroll).
fn bar_rows(
    ui: &mut egui::Ui,
    id: &str,
    x_label: &str,
    rows: &[Row],
    highlight: Option<&str>,
    threshold: Option<f64>,
    fit: bool,
) -> Option<String> {
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    // One bar chart per legend group, so the legend says what the colours mean.
    let mut groups: Vec<(&str, Color32, Vec<Bar>)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let lit = highlight == Some(r.name.as_str());
        let bar = Bar::new((n - 1 - i) as f64, r.value)
            .name(&r.name)
            .fill(if lit {
                r.color
            } else {
                r.color.gamma_multiply(0.75)
            })
            .stroke(egui::Stroke::new(
                if lit { 2.5 } else { 0.0 },
                Color32::BLACK,
            ));
        match groups.iter_mut().find(|g| g.0 == r.group) {
            Some(g) => {
                // A group of many colours (the sectors) gets a neutral legend mark.
                if g.1 != r.color {
                    g.1 = Color32::GRAY;
                }
                g.2.push(bar)
            }
            None => groups.push((r.group, r.color, vec![bar])),
        }
    }
    let label_names = names.clone();
    // Room on the right for the legend, so it never sits on a bar.
    let (lo, hi) = rows.iter().fold((0.0f64, 0.0f64), |(lo, hi), r| {
        (lo.min(r.value), hi.max(r.value))
    });
    let room = hi + 0.45 * (hi - lo).max(1e-9);
    // Rows tall enough for every label; the chart scrolls when the pane is shorter.
    let max_h = (ui.available_height() - 20.0).max(120.0);
    let height = if fit {
        max_h
    } else {
        (n as f32 * 17.0 + 50.0).max((ui.available_height() - 24.0).max(120.0))
    };
    let resp = egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(max_h)
        .show(ui, |ui| {
            Plot::new(id)
                .height(height)
                .allow_scroll(false)
                .allow_zoom(false)
                .allow_drag(false)
                .x_axis_label(x_label)
                .custom_y_axes(vec![
                    egui_plot::AxisHints::new_y()
                        .formatter(move |m, _| {
                            let i = m.value.round() as i64;
                            if (m.value - i as f64).abs() < 1e-6 && i >= 0 && (i as usize) < n {
                                label_names[n - 1 - i as usize].clone()
                            } else {
                                String::new()
                            }
                        })
                        .min_thickness(150.0)
                        // Every bar's label stays visible down to tight rows.
                        .label_spacing(6.0..=10.0),
                ])
                // A mark (and so a label) at every bar.
                .y_grid_spacer(move |_| {
                    (0..n)
                        .map(|i| egui_plot::GridMark {
                            value: i as f64,
                            step_size: 1.0,
                        })
                        .collect()
                })
                .include_x(room)
                .legend(Legend::default().position(egui_plot::Corner::RightBottom))
                .show(ui, |p| {
                    for (group, color, bars) in groups {
                        p.bar_chart(
                            BarChart::new(group, bars)
                                .color(color)
                                .horizontal()
                                .width(0.7),
                        );
                    }
                    if let Some(t) = threshold {
                        p.vline(VLine::new("±2/√EN", t).color(Color32::GRAY));
                        p.vline(VLine::new("±2/√EN", -t).color(Color32::GRAY));
                    }
                    p.pointer_coordinate()
                })
        })
        .inner;
    let at = resp.inner?;
    if !resp.response.hovered() {
        return None;
    }
    let i = at.y.round();
    (i >= 0.0 && (i as usize) < n).then(|| names[n - 1 - i as usize].clone())
}

/// One line of a cumulative-return chart.
struct CumLine<'a> {
    name: String,
    color: Color32,
    /// Cumulative return per point of the x axis (0.05 = +5%).
    cumulative: &'a [f64],
    /// Line width before presentation mode's scaling.
    width: f32,
}

/// Cumulative returns (%) over time, the legend above the plot so it never covers a line;
/// long series are decimated for drawing.
fn cumulative_chart(app: &WorkbenchApp, ui: &mut egui::Ui, id: &str, x: &[f64], lines: &[CumLine]) {
    let entries: Vec<(String, Color32)> = lines.iter().map(|l| (l.name.clone(), l.color)).collect();
    legend_strip(ui, &entries);
    Plot::new(id)
        .height((ui.available_height() - 24.0).max(120.0))
        .x_axis_label(tr("Month"))
        .y_axis_label(tr("Cumulative return (%)"))
        .x_grid_spacer(charts::month_grid)
        .x_axis_formatter(charts::month_label)
        .show(ui, |p| {
            for l in lines {
                let pts: Vec<[f64; 2]> = x
                    .iter()
                    .zip(l.cumulative)
                    .map(|(a, v)| [*a, pct(*v)])
                    .collect();
                p.line(
                    Line::new(
                        l.name.as_str(),
                        PlotPoints::from(charts::decimate(&pts, 2000)),
                    )
                    .color(l.color)
                    .width(app.line_width(l.width)),
                );
            }
        });
}

fn sectors(app: &mut WorkbenchApp, ui: &mut egui::Ui, r: &Results) {
    // A figure cannot scroll: its bar charts fit their cells.
    let fit = app.figure.is_some();
    let name = app.dataset.name.clone();
    match &r.sectors {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, tr_msg(e));
        }
        Ok(perf) => {
            title(
                ui,
                &format!("{} {} – {}", tr("Sector performance"), perf.from, perf.to),
            );
            let color = |g: &crate::engine::sectors::GroupPerformance| match g.kind {
                GroupKind::Basket => HALO,
                GroupKind::AntiBasket => ANTI,
                GroupKind::Benchmark => BENCH,
                GroupKind::Sector => sector_color(&g.group),
            };
            if app.sector_lines {
                let x: Vec<f64> = perf
                    .months
                    .iter()
                    .map(|m| charts::year_fraction(*m))
                    .collect();
                let hl = app.lit();
                let lines: Vec<CumLine> = perf
                    .groups
                    .iter()
                    .map(|g| CumLine {
                        name: tr(&g.group).to_string(),
                        color: color(g),
                        cumulative: &g.cumulative,
                        width: if hl == Some(g.group.as_str()) {
                            4.0
                        } else {
                            1.5
                        },
                    })
                    .collect();
                cumulative_chart(app, ui, "sector_lines", &x, &lines);
            } else {
                let mut rows: Vec<Row> = perf
                    .groups
                    .iter()
                    .map(|g| Row {
                        name: tr(&g.group).to_string(),
                        value: pct(g.total),
                        color: color(g),
                        group: match g.kind {
                            GroupKind::Basket => tr("HALO basket"),
                            GroupKind::AntiBasket => tr("anti-HALO basket"),
                            GroupKind::Benchmark => tr("Benchmark"),
                            GroupKind::Sector => tr("Sector"),
                        },
                    })
                    .collect();
                rows.sort_by(|a, b| b.value.total_cmp(&a.value));
                if let Some(h) = bar_rows(
                    ui,
                    "sector_bars",
                    tr("Return (%)"),
                    &rows,
                    app.lit(),
                    None,
                    fit,
                ) && perf
                    .groups
                    .iter()
                    .any(|g| g.group == h && g.kind == GroupKind::Sector)
                {
                    app.hovered_sector = Some(h.clone());
                    if ui.input(|i| i.pointer.primary_clicked()) {
                        app.highlight = if app.highlight.as_deref() == Some(h.as_str()) {
                            None
                        } else {
                            Some(h)
                        };
                    }
                }
            }
            source(ui, &name, r.prep.cs.as_of, "");
        }
    }
}

/// A pillar ("pillar_<id>", marked »), a registry metric by its label in the interface's
/// language, or a custom metric by its column name.
fn exposure_label(name: &str) -> String {
    if let Some(p) = name.strip_prefix("pillar_").and_then(Pillar::parse) {
        return format!("» {}", pick(p.label_en(), p.label_zh()));
    }
    crate::engine::metrics::metric(name)
        .map_or(name, |m| pick(m.label_en, m.label_zh))
        .to_string()
}

fn exposures(app: &mut WorkbenchApp, ui: &mut egui::Ui, r: &Results) {
    let c = &r.exposures.characteristic;
    title(
        ui,
        &format!("{} (EN {:.0})", tr("Factor exposures"), c.effective_names),
    );
    let rows: Vec<Row> = c
        .exposures
        .iter()
        .map(|e| Row {
            name: exposure_label(&e.name),
            value: e.active,
            color: if e.significant { HALO } else { BENCH },
            group: if e.significant {
                "|active| > 2/√EN"
            } else {
                tr("not significant")
            },
        })
        .collect();
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
    if app.figure.is_some() {
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
    source(ui, &app.dataset.name, r.prep.cs.as_of, "");
}

/// The basket's regression on the factors: betas with classical and Newey-West t.
fn regression(ui: &mut egui::Ui, r: &Results) {
    match (&r.exposures.regression, &r.exposures.regression_error) {
        (Some(reg), _) => {
            ui.label(
                RichText::new(format!(
                    "{}: {} ({} – {}, n = {}, R² = {:.3})",
                    tr("Regression"),
                    tr(&reg.dependent),
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
                    ui.label(&x.names[i]);
                    ui.label(format!("{:.4}", x.params[i]));
                    ui.label(format!("{:.2}", x.t[i]));
                    ui.label(format!("{:.2}", x.t_nw[i]));
                    ui.end_row();
                }
            });
        }
        (None, Some(e)) => {
            ui.label(tr_msg(e));
        }
        _ => {}
    }
}

fn scenarios(app: &mut WorkbenchApp, ui: &mut egui::Ui, r: &Results) {
    // A figure cannot scroll: its bar charts fit their cells.
    let fit = app.figure.is_some();
    let i = app
        .selected_scenario
        .min(r.outcomes.len().saturating_sub(1));
    let Some(o) = r.outcomes.get(i) else { return };
    match o {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, tr_msg(e));
        }
        Ok(o) => {
            let named = r.scenarios.get(i);
            let name = named.map_or(o.scenario.as_str(), |s| pick(&s.name, &s.name_zh));
            title(ui, &format!("{}: {name}", tr("Scenario outcomes")));
            let colors = [
                HALO,
                BENCH,
                ANTI,
                Color32::from_rgb(90, 90, 200),
                Color32::from_rgb(200, 140, 0),
            ];
            let rows: Vec<Row> = o
                .portfolios
                .iter()
                .zip(colors)
                .zip([
                    "HALO basket",
                    "benchmark",
                    "anti-HALO",
                    "long-short",
                    "blend",
                ])
                .map(|((p, color), group)| Row {
                    name: tr(&p.portfolio).to_string(),
                    value: pct(p.r#return),
                    color,
                    group: tr(group),
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
                    fit,
                );
            });
            ui.label(
                RichText::new(format!(
                    "{} — {}",
                    tr("Contribution by sector (%)"),
                    tr("HALO basket")
                ))
                .strong(),
            );
            let mut contrib: Vec<Row> = o.portfolios[0]
                .contributions
                .iter()
                .map(|(s, v)| Row {
                    name: s.clone(),
                    value: pct(*v),
                    color: sector_color(s),
                    group: tr("Sector"),
                })
                .collect();
            contrib.sort_by(|a, b| b.value.total_cmp(&a.value));
            if let Some(h) = bar_rows(
                ui,
                "scenario_contrib",
                tr("Return (%)"),
                &contrib,
                app.lit(),
                None,
                fit,
            ) {
                app.hovered_sector = Some(h.clone());
                if ui.input(|i| i.pointer.primary_clicked()) {
                    app.highlight = Some(h);
                }
            }
            let src = named.map_or("", |s| pick(&s.source, &s.source_zh));
            source(ui, &app.dataset.name, r.prep.cs.as_of, src);
        }
    }
}

fn backtest(app: &mut WorkbenchApp, ui: &mut egui::Ui, r: &Results) {
    let Some(bt) = r.backtest.as_deref() else {
        ui.label(tr("Computing…"));
        return;
    };
    if r.backtest_pending {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(tr("Computing…"));
        });
    }
    match bt {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, tr_msg(e));
        }
        Ok(b) => {
            title(
                ui,
                &format!(
                    "{}: {} {:.3} (t {:.2}), {} {:.2}%",
                    tr("Backtest"),
                    tr("IC mean"),
                    b.ic_mean,
                    b.ic_t,
                    tr("Spread"),
                    pct(b.spread_mean)
                ),
            );
            let x: Vec<f64> = b.dates.iter().map(|d| charts::year_fraction(*d)).collect();
            let n = b.series.len();
            let color = |k: usize, name: &str| match name {
                "HALO basket" => HALO,
                "benchmark" => BENCH,
                _ if k == n - 3 => ui.visuals().strong_text_color(),
                _ => charts::PALETTE[k % charts::PALETTE.len()],
            };
            let lines: Vec<CumLine> = b
                .series
                .iter()
                .enumerate()
                .map(|(k, s)| CumLine {
                    name: tr(&s.name).to_string(),
                    color: color(k, &s.name),
                    cumulative: &s.cumulative,
                    width: if s.name == "HALO basket" { 3.0 } else { 1.5 },
                })
                .collect();
            cumulative_chart(app, ui, "backtest_lines", &x, &lines);
            source(
                ui,
                &app.dataset.name,
                r.prep.cs.as_of,
                tr("point in time; survivorship-biased prices overstate returns"),
            );
        }
    }
}

/// The ranking table's rows: the scored names matching the search, in the sort's order.
fn ranking_rows(app: &WorkbenchApp, r: &Results) -> Vec<usize> {
    let (cs, sc) = (&r.prep.cs, &r.scores);
    let q = app.search.to_lowercase();
    let mut rows: Vec<usize> = (0..cs.len())
        .filter(|&s| sc.rank[s] > 0)
        .filter(|&s| {
            q.is_empty()
                || cs.tickers[s].to_lowercase().contains(&q)
                || cs.names[s].to_lowercase().contains(&q)
                || cs.sectors[s].to_lowercase().contains(&q)
        })
        .collect();
    let key = app.sort_column;
    rows.sort_by(|&a, &b| {
        let o = match key {
            0 => sc.rank[a].cmp(&sc.rank[b]),
            1 => cs.tickers[a].cmp(&cs.tickers[b]),
            2 => cs.sectors[a].cmp(&cs.sectors[b]),
            k @ 3..=6 => sc.pillars[k - 3][b].total_cmp(&sc.pillars[k - 3][a]),
            _ => sc.basket.weights[b].total_cmp(&sc.basket.weights[a]),
        };
        if app.sort_descending { o.reverse() } else { o }
    });
    rows
}

fn ranking(app: &mut WorkbenchApp, ui: &mut egui::Ui, r: &Results) {
    use egui_extras::{Column, TableBuilder};
    let cs = &r.prep.cs;
    let sc = &r.scores;
    ui.horizontal(|ui| {
        ui.label(tr("Search"));
        ui.add(
            egui::TextEdit::singleline(&mut app.search)
                .desired_width(160.0)
                .hint_text("XOM, 能源 …"),
        );
    });
    // What scoring had to adjust or leave out (a loosened cap, an empty metric).
    for n in &sc.notes {
        ui.colored_label(ui.visuals().warn_fg_color, tr_msg(n));
    }
    let key = (
        r.generation,
        app.search.clone(),
        app.sort_column,
        app.sort_descending,
    );
    let rows = match &app.ranking_rows {
        Some((k, rows)) if *k == key => rows.clone(),
        _ => {
            let rows = Arc::new(ranking_rows(app, r));
            app.ranking_rows = Some((key, rows.clone()));
            rows
        }
    };
    let detail_h = if app.selected_security.is_some() {
        150.0
    } else {
        20.0
    };
    let heads = [
        tr("Rank"),
        tr("Ticker"),
        tr("Sector"),
        tr("Heavy assets"),
        tr("Low obsolescence"),
        tr("Supply constraint"),
        tr("Cash-flow stability"),
        tr("Weight"),
    ];
    let table_h = (ui.available_height() - detail_h).max(80.0);
    TableBuilder::new(ui)
        .striped(true)
        .max_scroll_height(table_h)
        .column(Column::auto().at_least(40.0))
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(120.0))
        .columns(Column::auto().at_least(70.0), 5)
        .header(20.0, |mut h| {
            for (i, name) in heads.iter().enumerate() {
                h.col(|ui| {
                    let arrow = if app.sort_column == i {
                        if app.sort_descending { " ▼" } else { " ▲" }
                    } else {
                        ""
                    };
                    if ui.button(format!("{name}{arrow}")).clicked() {
                        if app.sort_column == i {
                            app.sort_descending = !app.sort_descending;
                        } else {
                            app.sort_column = i;
                            app.sort_descending = false;
                        }
                    }
                });
            }
        })
        .body(|body| {
            body.rows(18.0, rows.len(), |mut row| {
                let s = rows[row.index()];
                let lit = app.lit() == Some(cs.sectors[s].as_str())
                    || app.selected_security.as_deref() == Some(cs.tickers[s].as_str());
                let text = |t: String| {
                    if lit {
                        RichText::new(t).strong()
                    } else {
                        RichText::new(t)
                    }
                };
                row.col(|ui| {
                    ui.label(text(sc.rank[s].to_string()));
                });
                row.col(|ui| {
                    if ui
                        .selectable_label(
                            app.selected_security.as_deref() == Some(cs.tickers[s].as_str()),
                            text(cs.tickers[s].clone()),
                        )
                        .on_hover_text(&cs.names[s])
                        .clicked()
                    {
                        app.selected_security = Some(cs.tickers[s].clone());
                    }
                });
                row.col(|ui| {
                    if ui.label(text(cs.sectors[s].clone())).hovered() {
                        app.hovered_sector = Some(cs.sectors[s].clone());
                    }
                });
                for k in 0..4 {
                    row.col(|ui| {
                        ui.label(text(format!("{:.2}", sc.pillars[k][s])));
                    });
                }
                row.col(|ui| {
                    let w = sc.basket.weights[s];
                    ui.label(text(if w > 0.0 {
                        format!("{:.2}%", w * 100.0)
                    } else {
                        "–".into()
                    }));
                });
            });
        });
    let Some(t) = app.selected_security.clone() else {
        ui.label(RichText::new(tr("Click a row to see its metrics.")).weak());
        return;
    };
    let Some(s) = cs.tickers.iter().position(|x| *x == t) else {
        return;
    };
    ui.separator();
    let report = cs.rows[s].map(|row| {
        crate::data::dates::from_epoch_days(app.inputs.as_ref().map_or(0, |i| i.panel.dates[row]))
    });
    let file = app
        .dataset
        .fundamentals
        .as_ref()
        .map(|f| f.report.file.clone())
        .unwrap_or_default();
    ui.label(
        RichText::new(format!(
            "{} — {} — {} {:.2}",
            cs.tickers[s],
            cs.names[s],
            tr("HALO score"),
            sc.halo[s]
        ))
        .strong(),
    );
    ui.label(format!(
        "{}: {} ({})",
        tr("Report used"),
        report.map(|d| d.to_string()).unwrap_or_default(),
        file
    ));
    egui::ScrollArea::horizontal()
        .id_salt("detail")
        .show(ui, |ui| {
            egui::Grid::new("detail_grid").striped(true).show(ui, |ui| {
                ui.strong(tr("Metric"));
                for m in &cs.metrics {
                    ui.label(&m.id);
                }
                ui.end_row();
                ui.strong(tr("Value"));
                for k in 0..cs.metrics.len() {
                    ui.label(format!("{:.4}", cs.raw[k][s]));
                }
                ui.end_row();
                ui.strong(tr("z-score"));
                for k in 0..cs.metrics.len() {
                    ui.label(format!("{:.2}", r.prep.z[k][s]));
                }
                ui.end_row();
            });
        });
}

fn excluded(ui: &mut egui::Ui, r: &Results) {
    let cs = &r.prep.cs;
    let sc = &r.scores;
    let out: Vec<usize> = (0..cs.len()).filter(|&s| !sc.included[s]).collect();
    ui.label(format!("{}: {}", tr("Excluded"), out.len()));
    egui::ScrollArea::vertical()
        .id_salt("excluded")
        .show(ui, |ui| {
            egui::Grid::new("excluded_grid")
                .striped(true)
                .show(ui, |ui| {
                    for h in [tr("Ticker"), tr("Name"), tr("Sector"), tr("Reason")] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for &s in &out {
                        ui.label(&cs.tickers[s]);
                        ui.label(&cs.names[s]);
                        ui.label(&cs.sectors[s]);
                        ui.label(tr_msg(&sc.excluded_reason[s]));
                        ui.end_row();
                    }
                });
        });
}
