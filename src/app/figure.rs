//! Figures: a chart or the dashboard drawn off screen from a [`Scene`] (the results and the
//! view choices that are on screen) by the very functions the panes draw with, laid out by
//! egui at the requested pixels per point (a 2x figure is drawn at 2x, never upscaled) and
//! rasterized on the CPU ([`super::raster`], no GPU needed), in the chosen theme, without
//! controls, hover or cursor; the chart's numbers go to CSV beside it. Nothing is reloaded
//! or recomputed: the window exports what it shows, and the headless command exports what
//! a project's window would show, through the same pipeline.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::Harness;

use super::chart::ChartCtx;
use super::messages::{AppError, ExportError};
use super::panes::Pane;
use crate::atomic::write_with_manifest;
use crate::data::{self, Dataset, SourceFile};
use crate::engine::metrics::Pillar;
use crate::engine::pipeline::{Pipeline, Results};
use crate::i18n::{Lang, pick, set_lang, tr};
use crate::project::Project;
use crate::view::ViewState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Chart(Pane),
    Dashboard,
}

impl Figure {
    /// Its name on the command line and in file names.
    pub fn id(self) -> &'static str {
        match self {
            Figure::Chart(p) => p.id(),
            Figure::Dashboard => "dashboard",
        }
    }

    pub fn parse(s: &str) -> Result<Figure, ExportError> {
        Figure::all()
            .into_iter()
            .find(|f| f.id() == s)
            .ok_or_else(|| ExportError::UnknownChart {
                name: s.to_string(),
                charts: Figure::all().iter().map(|f| f.id().to_string()).collect(),
            })
    }

    /// Every chart, then the dashboard.
    pub fn all() -> Vec<Figure> {
        let mut v: Vec<Figure> = Pane::charts().into_iter().map(Figure::Chart).collect();
        v.push(Figure::Dashboard);
        v
    }

    /// The charts it holds.
    pub fn panes(self) -> Vec<Pane> {
        match self {
            Figure::Chart(p) => vec![p],
            Figure::Dashboard => Pane::charts(),
        }
    }
}

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

/// Everything a figure is drawn from: a snapshot of what is on screen.
#[derive(Clone)]
pub struct Scene {
    pub results: Arc<Results>,
    pub view: ViewState,
    /// The dataset's name, for the subtitle and the source lines.
    pub dataset: String,
    pub lang: Lang,
}

/// "Dataset, as of, weights, preset": the subtitle of a figure, in its language.
pub fn subtitle(results: &Results, dataset: &str) -> String {
    let s = &results.settings;
    let weights = Pillar::ALL
        .map(|p| {
            let label = pick(p.label_en(), p.label_zh());
            format!("{label} {:.2}", s.weights.pillar(p))
        })
        .join(", ");
    let preset = crate::engine::presets::preset(&s.preset)
        .map(|p| pick(&p.name, &p.name_zh).to_string())
        .unwrap_or_else(|| s.preset.clone());
    format!(
        "{dataset}, {} {}; {}: {weights}; {}: {preset}",
        tr("as of"),
        results.as_of(),
        tr("Pillar weights"),
        tr("Preset"),
    )
}

/// Draw a figure: title, subtitle, then its chart or the dashboard's grid of charts.
pub fn draw(ui: &mut egui::Ui, scene: &Scene, figure: Figure) {
    let title = match figure {
        Figure::Chart(p) => p.title().to_string(),
        Figure::Dashboard => tr("HALO Workbench").to_string(),
    };
    ui.label(egui::RichText::new(title).size(22.0).strong());
    ui.label(egui::RichText::new(subtitle(&scene.results, &scene.dataset)).weak());
    ui.separator();
    let ctx = ChartCtx {
        results: &scene.results,
        backtest_pending: false,
        dataset: &scene.dataset,
        view: &scene.view,
        lit: None,
        figure: true,
        line_scale: 1.0,
    };
    // Each chart in the margin a pane gives it.
    let chart = |ui: &mut egui::Ui, p: Pane| {
        egui::Frame::new().inner_margin(4.0).show(ui, |ui| {
            p.draw(ui, &ctx);
        });
    };
    match figure {
        Figure::Chart(p) => chart(ui, p),
        Figure::Dashboard => {
            let charts = Pane::charts();
            let (w, h) = (
                ui.available_width() / 2.0 - 6.0,
                ui.available_height() / charts.len().div_ceil(2) as f32 - 6.0,
            );
            for row in charts.chunks(2) {
                ui.horizontal(|ui| {
                    for p in row {
                        ui.allocate_ui_with_layout(
                            egui::vec2(w, h),
                            egui::Layout::top_down(egui::Align::Min),
                            |ui| {
                                ui.set_min_size(egui::vec2(w, h));
                                ui.set_max_size(egui::vec2(w, h));
                                ui.push_id(p, |ui| chart(ui, *p));
                            },
                        );
                    }
                });
            }
        }
    }
}

/// The off-screen window figures are drawn in: a central panel, as in the app.
#[derive(Default)]
struct FigureApp {
    job: Option<(Scene, Figure)>,
}

impl eframe::App for FigureApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some((scene, figure)) = &self.job {
                set_lang(scene.lang);
                draw(ui, scene, *figure);
            }
        });
    }
}

/// An off-screen window drawing figures on the CPU ([`super::raster`]), kept between
/// figures so each export only lays out and draws.
pub struct Renderer {
    h: Harness<'static, FigureApp>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Renderer {
        Self::drawing_with(super::raster::CpuRenderer::default())
    }

    /// A renderer drawing with another kittest renderer (the tests compare the CPU
    /// drawing with egui-wgpu's).
    pub fn drawing_with(renderer: impl egui_kittest::TestRenderer + 'static) -> Renderer {
        let h = Harness::builder()
            .with_size([1100.0, 700.0])
            .with_render_cursor(false)
            .renderer(renderer)
            .with_context_setup(super::fonts::install)
            .build_eframe(|_| FigureApp::default());
        Renderer { h }
    }

    /// Draw one figure of `scene`.
    pub fn render(
        &mut self,
        scene: &Scene,
        req: &FigureRequest,
    ) -> Result<image::RgbaImage, ExportError> {
        let theme = if req.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        };
        self.h.ctx.set_theme(theme);
        self.h.set_size(req.size().into());
        // The pixels per point of the off-screen window, as the harness's builder sets it.
        if let Some(v) = self
            .h
            .input_mut()
            .viewports
            .get_mut(&egui::ViewportId::ROOT)
        {
            v.native_pixels_per_point = Some(req.scale);
        }
        self.h.state_mut().job = Some((scene.clone(), req.figure));
        // No hover, no tooltip: the pointer is gone before the frames that are drawn.
        self.h.remove_cursor();
        self.h.run_steps(3);
        let img = self.h.render().map_err(ExportError::Render);
        self.h.state_mut().job = None;
        img
    }
}

pub struct Written {
    pub png: PathBuf,
    pub csv: Vec<PathBuf>,
    pub width: u32,
    pub height: u32,
}

/// Where a figure's CSV goes: `out` with .csv for a chart, `<stem>_<chart>.csv` for each
/// chart of the dashboard.
fn csv_path(out: &Path, figure: Figure, pane: Pane) -> PathBuf {
    match figure {
        Figure::Chart(_) => out.with_extension("csv"),
        Figure::Dashboard => {
            let stem = out
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("dashboard");
            out.with_file_name(format!("{stem}_{}.csv", pane.id()))
        }
    }
}

/// Write a rendered figure (PNG) and its charts' numbers (CSV) beside it, as one set with
/// a manifest written last (`<figure>.manifest.json`).
pub fn write(
    img: &image::RgbaImage,
    scene: &Scene,
    figure: Figure,
    out: &Path,
) -> Result<Written, ExportError> {
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| ExportError::Encode(e.to_string()))?;
    // The image and its tables are one set: a reader of the manifest never sees the
    // image of one export beside the tables of another.
    let mut files = vec![(out.to_path_buf(), png)];
    let mut csv = Vec::new();
    for p in figure.panes() {
        let path = csv_path(out, figure, p);
        let table = p.table(&scene.results, &scene.view)?;
        files.push((path.clone(), crate::export::table_bytes(&table, &path)?));
        csv.push(path);
    }
    let manifest = out.with_extension("manifest.json");
    write_with_manifest(&files, &manifest).map_err(|e| ExportError::write(out, e))?;
    Ok(Written {
        png: out.to_path_buf(),
        csv,
        width: img.width(),
        height: img.height(),
    })
}

/// Render and write one figure with a renderer of its own.
pub fn export(scene: &Scene, req: &FigureRequest, out: &Path) -> Result<Written, ExportError> {
    let img = Renderer::new().render(scene, req)?;
    write(&img, scene, req.figure, out)
}

/// The scene a project's window shows (or the bundled sample's with default settings),
/// computed through the same pipeline: for the headless export. `scenario` picks the
/// scenario pane's scenario, overriding the project's view.
pub fn project_scene(
    project: Option<&Path>,
    scenario: Option<String>,
    lang: Lang,
) -> Result<Scene, AppError> {
    let (ds, settings, mut view) = match project {
        Some(p) => {
            let project = Project::open(p)?;
            let ds = load_files(&project.dataset.name, &project.dataset.files)?;
            (ds, project.settings, project.view)
        }
        None => (
            data::load_sample()?,
            Default::default(),
            ViewState::default(),
        ),
    };
    if scenario.is_some() {
        view.scenario = scenario;
    }
    let results = Pipeline::from_dataset(&ds)?.results(&settings)?;
    // A scenario asked for by name must exist: never the first one in its place.
    if let Some(name) = &view.scenario
        && !results.scenarios.iter().any(|s| &s.name == name)
    {
        return Err(ExportError::NoScenario {
            name: name.clone(),
            available: results.scenarios.iter().map(|s| s.name.clone()).collect(),
        }
        .into());
    }
    Ok(Scene {
        results: Arc::new(results),
        view,
        dataset: ds.name,
        lang,
    })
}

/// A project's files; a file of a folder it names that fails is an error here too (a
/// figure has nowhere to say it was left out).
fn load_files(name: &str, files: &[SourceFile]) -> Result<Dataset, AppError> {
    let (ds, skipped) = Dataset::load(name, files)?;
    match skipped.into_iter().next() {
        Some(e) => Err(e.into()),
        None => Ok(ds),
    }
}
