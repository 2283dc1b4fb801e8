//! PNG figures rendered off screen: the real app's chart code, drawn by egui on wgpu into
//! a texture at the requested pixels per point (a 2x figure is rendered at 2x, never
//! upscaled), in the chosen theme, without controls, hover or cursor; the chart's numbers
//! go to a CSV beside it. Without a GPU, Mesa's software Vulkan (or OpenGL) renders.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use egui_kittest::Harness;
use polars::prelude::{Column, DataFrame};

use crate::app::compute::Results;
use crate::app::{Figure, Pane, PersistedState, WorkbenchApp};
use crate::atomic::write_atomic;

#[derive(Clone, Copy, Debug)]
pub struct FigureRequest {
    pub figure: Figure,
    /// Pixels per point: 1, 2 or 3.
    pub scale: f32,
    pub dark: bool,
}

impl FigureRequest {
    /// Logical size of the figure in points.
    pub fn size(&self) -> [f32; 2] {
        match self.figure {
            Figure::Dashboard => [1600.0, 1000.0],
            Figure::Chart(_) => [1100.0, 700.0],
        }
    }
}

pub fn parse_chart(s: &str) -> Option<Figure> {
    Some(match s {
        "sectors" => Figure::Chart(Pane::Sectors),
        "exposures" => Figure::Chart(Pane::Exposures),
        "scenarios" => Figure::Chart(Pane::Scenarios),
        "backtest" => Figure::Chart(Pane::Backtest),
        "dashboard" => Figure::Dashboard,
        _ => return None,
    })
}

/// Run frames until loads and computations are done (they run off the UI thread).
pub fn settle(h: &mut Harness<'static, WorkbenchApp>) {
    h.run_steps(2);
    while h.state().is_loading() || h.state().is_computing() {
        h.state_mut().wait_for_load();
        h.state_mut().wait_for_results();
        h.run_steps(2);
    }
    h.run();
}

/// The app opened off screen at a figure's scale and theme, ready to draw figures.
pub struct Renderer {
    h: Harness<'static, WorkbenchApp>,
}

impl Renderer {
    /// Open the app with `state` (its session files, or the sample) and compute everything.
    pub fn new(state: PersistedState, req: &FigureRequest) -> Result<Renderer> {
        let mut state = state;
        state.dark_mode = req.dark;
        let theme = if req.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        };
        let mut h = Harness::builder()
            .with_size(req.size())
            .with_pixels_per_point(req.scale)
            .with_theme(theme)
            .with_render_cursor(false)
            .build_eframe(move |cc| WorkbenchApp::with_state(&cc.egui_ctx, state));
        settle(&mut h);
        if let Some(e) = h.state().errors.first() {
            bail!("{e}");
        }
        Ok(Renderer { h })
    }

    /// Draw one figure.
    pub fn render(&mut self, figure: Figure) -> Result<(image::RgbaImage, Arc<Results>)> {
        let results = self
            .h
            .state()
            .results
            .clone()
            .context("no results to draw: is a fundamentals table loaded?")?;
        self.h.state_mut().figure = Some(figure);
        // No hover, no tooltip: the pointer is gone before the frames that are drawn.
        self.h.remove_cursor();
        self.h.run_steps(3);
        let img = self
            .h
            .render()
            .map_err(|e| anyhow::anyhow!("rendering failed: {e}"))?;
        Ok((img, results))
    }
}

/// Render a figure of the app opened with `state` (its session files or the sample).
pub fn render(
    state: PersistedState,
    req: &FigureRequest,
) -> Result<(image::RgbaImage, Arc<Results>)> {
    Renderer::new(state, req)?.render(req.figure)
}

/// The numbers behind a chart, as a table.
pub fn chart_table(r: &Results, pane: Pane) -> Result<DataFrame> {
    let f64col = |name: &str, v: Vec<f64>| Column::new(name.into(), v);
    let strcol = |name: &str, v: Vec<String>| Column::new(name.into(), v);
    Ok(match pane {
        Pane::Sectors => {
            let p = r.sectors.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let g = &p.groups;
            DataFrame::new(
                g.len(),
                vec![
                    strcol("group", g.iter().map(|x| x.group.clone()).collect()),
                    f64col("return", g.iter().map(|x| x.total).collect()),
                    strcol("weighting", g.iter().map(|x| x.weighting.clone()).collect()),
                    Column::new(
                        "members".into(),
                        g.iter().map(|x| x.members as u64).collect::<Vec<_>>(),
                    ),
                ],
            )?
        }
        Pane::Exposures => {
            let e = &r.exposures.characteristic.exposures;
            DataFrame::new(
                e.len(),
                vec![
                    strcol("exposure", e.iter().map(|x| x.name.clone()).collect()),
                    f64col("basket", e.iter().map(|x| x.basket).collect()),
                    f64col("benchmark", e.iter().map(|x| x.benchmark).collect()),
                    f64col("active", e.iter().map(|x| x.active).collect()),
                    Column::new(
                        "significant".into(),
                        e.iter().map(|x| x.significant).collect::<Vec<_>>(),
                    ),
                ],
            )?
        }
        Pane::Scenarios => {
            let mut scen = Vec::new();
            let mut port = Vec::new();
            let mut ret = Vec::new();
            for o in r.outcomes.iter().flatten() {
                for p in &o.portfolios {
                    scen.push(o.scenario.clone());
                    port.push(p.portfolio.clone());
                    ret.push(p.r#return);
                }
            }
            DataFrame::new(
                scen.len(),
                vec![
                    strcol("scenario", scen),
                    strcol("portfolio", port),
                    f64col("return", ret),
                ],
            )?
        }
        Pane::Backtest => {
            let b = r
                .backtest
                .as_deref()
                .context("the backtest is not ready")?
                .as_ref()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut cols = vec![strcol(
                "date",
                b.dates.iter().map(|d| d.to_string()).collect(),
            )];
            for s in &b.series {
                cols.push(f64col(
                    &format!("{} cumulative", s.name),
                    s.cumulative.clone(),
                ));
            }
            DataFrame::new(b.dates.len(), cols)?
        }
        other => bail!("{other:?} is not a chart"),
    })
}

pub struct Written {
    pub png: PathBuf,
    pub csv: Vec<PathBuf>,
    pub width: u32,
    pub height: u32,
}

/// Render and write `out` (PNG) and the chart data beside it: `out` with .csv for a chart,
/// one `<stem>_<chart>.csv` per chart for the dashboard.
pub fn export(state: PersistedState, req: &FigureRequest, out: &Path) -> Result<Written> {
    let (img, results) = render(state, req)?;
    write(&img, &results, req.figure, out)
}

/// Write a rendered figure (PNG, atomically) and its charts' numbers (CSV) beside it.
pub fn write(
    img: &image::RgbaImage,
    results: &Results,
    figure: Figure,
    out: &Path,
) -> Result<Written> {
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .context("encoding the PNG")?;
    write_atomic(out, &png).with_context(|| format!("{}: cannot write", out.display()))?;
    let panes: Vec<Pane> = match figure {
        Figure::Chart(p) => vec![p],
        Figure::Dashboard => vec![
            Pane::Sectors,
            Pane::Exposures,
            Pane::Scenarios,
            Pane::Backtest,
        ],
    };
    let mut csv = Vec::new();
    for p in panes {
        let path = match figure {
            Figure::Chart(_) => out.with_extension("csv"),
            Figure::Dashboard => {
                let stem = out
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("dashboard");
                out.with_file_name(format!("{stem}_{}.csv", format!("{p:?}").to_lowercase()))
            }
        };
        super::write_table(&chart_table(results, p)?, &path)?;
        csv.push(path);
    }
    Ok(Written {
        png: out.to_path_buf(),
        csv,
        width: img.width(),
        height: img.height(),
    })
}
