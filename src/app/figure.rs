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

use super::chart::{ChartCtx, Lenses, PinResults, Pinned, lens_mark, pillar_weights, pin_style};
use super::messages::{AppError, ExportError};
use super::panes::Pane;
use super::panes::sensitivity::SweepState;
use super::vector::Svg;
use crate::atomic::{FolderSet, SetError, write_with_manifest};
use crate::bi;
use crate::data::{self, Dataset, LoadReport, SourceFile, TableKind};
use crate::engine::compare::{Lens, LensName};
use crate::engine::pipeline::{Pipeline, Results};
use crate::i18n::{Lang, Localize, pick, set_lang, tr};
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

    /// Every figure of a pane, then the dashboard.
    pub fn all() -> Vec<Figure> {
        let mut v: Vec<Figure> = Pane::figures().into_iter().map(Figure::Chart).collect();
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

/// A figure's file format: PNG pixels, or SVG and PDF vectors drawn from the same frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    #[default]
    Png,
    Svg,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Png, Format::Svg, Format::Pdf];

    /// Its file extension, and its name in the export menu.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Pdf => "pdf",
        }
    }

    /// The format a file name asks for, by its extension (any case).
    pub fn of(path: &Path) -> Result<Format, ExportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.ext() == ext)
            .ok_or_else(|| ExportError::UnknownFigureFormat {
                path: path.display().to_string(),
                extension: ext,
            })
    }
}

/// The pixels per point of a deck's PNG pages.
pub const DECK_SCALE: f32 = 2.0;

/// A page the off-screen window draws: a deck's cover, or a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Cover,
    Figure(Figure),
}

impl Page {
    /// Its name in a deck's file names.
    pub fn id(self) -> &'static str {
        match self {
            Page::Cover => "cover",
            Page::Figure(f) => f.id(),
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
        Page::Figure(self.figure).size()
    }
}

impl Page {
    /// Logical size in points (a deck's pages, cover included, are a chart's size).
    pub fn size(self) -> [f32; 2] {
        match self {
            Page::Figure(Figure::Dashboard) => [1600.0, 1000.0],
            Page::Figure(Figure::Chart(_)) | Page::Cover => [1100.0, 700.0],
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
    /// What each table was read from, for a deck's cover.
    pub sources: Vec<LoadReport>,
    /// The weight sweep on screen (the sensitivity figure's).
    pub sweep: SweepState,
    pub lang: Lang,
    /// The live lens's name and the pinned lenses drawn beside it.
    pub lenses: Lenses,
}

/// The load reports of a dataset's tables, in the order of the table kinds.
pub fn sources(ds: &Dataset) -> Vec<LoadReport> {
    TableKind::ALL
        .iter()
        .filter_map(|k| ds.table(*k))
        .map(|t| t.report.clone())
        .collect()
}

/// "Dataset, as of, weights, preset": the subtitle of a figure, in its language.
pub fn subtitle(results: &Results, dataset: &str) -> String {
    let s = &results.settings;
    let weights = pillar_weights(s);
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
        sweep: &scene.sweep,
        lit: None,
        figure: true,
        line_scale: 1.0,
        lenses: &scene.lenses,
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

/// A deck's cover: the dataset, its date, the lens and its weights, what each table was
/// read from, and the charts that follow.
fn draw_cover(ui: &mut egui::Ui, scene: &Scene) {
    egui::Frame::new()
        .inner_margin(40.0)
        .show(ui, |ui| cover(ui, scene));
}

fn cover(ui: &mut egui::Ui, scene: &Scene) {
    use egui::RichText;
    let r = &scene.results;
    let s = &r.settings;
    ui.label(RichText::new(tr("HALO Workbench")).size(34.0).strong());
    ui.label(RichText::new(tr("Research deck")).size(22.0));
    ui.add_space(28.0);
    let preset = crate::engine::presets::preset(&s.preset)
        .map(|p| pick(&p.name, &p.name_zh).to_string())
        .unwrap_or_else(|| s.preset.clone());
    let weights = pillar_weights(s);
    let metrics: Vec<String> = crate::engine::metrics::METRICS
        .iter()
        .filter_map(|m| {
            let w = s.weights.metrics.get(m.id).copied().unwrap_or(1.0);
            (w != 1.0).then(|| format!("{} {w:.2}", pick(m.label_en, m.label_zh)))
        })
        .collect();
    let metrics = if metrics.is_empty() {
        tr("every metric weighs 1").to_string()
    } else {
        metrics.join(", ")
    };
    let lines = [
        (tr("Dataset"), scene.dataset.clone()),
        (tr("As of"), r.as_of().to_string()),
        (tr("Preset"), preset),
        (tr("Pillar weights"), weights.clone()),
        (tr("Metric weights"), metrics),
    ];
    egui::Grid::new("cover")
        .spacing([20.0, 10.0])
        .show(ui, |ui| {
            for (k, v) in lines {
                ui.label(RichText::new(k).size(16.0).strong());
                ui.label(RichText::new(v).size(16.0));
                ui.end_row();
            }
        });
    // The pinned lenses every chart draws beside the live one.
    if !scene.lenses.pins.is_empty() {
        ui.add_space(16.0);
        ui.label(RichText::new(tr("Compare lenses")).size(16.0).strong());
        let live = scene.lenses.live.localize(scene.lang);
        ui.label(RichText::new(format!("{live} — {weights}")).size(14.0));
        for (k, p) in scene.lenses.pins.iter().enumerate() {
            let name = p.name.localize(scene.lang);
            let line = match &p.results {
                PinResults::Ready(r) => format!("{name} — {}", pillar_weights(&r.settings)),
                PinResults::Computing => {
                    bi!(scene.lang, "{name}: not computed yet", "{name}：尚未计算")
                }
                PinResults::Failed(e) => format!("{name}: {}", e.localize(scene.lang)),
            };
            let style = pin_style(k);
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(28.0, 14.0), egui::Sense::hover());
                lens_mark(ui.painter(), rect, Some(style), ui.visuals().text_color());
                ui.label(RichText::new(line).size(14.0));
            });
        }
    }
    ui.add_space(24.0);
    ui.label(RichText::new(tr("Data sources")).size(16.0).strong());
    for rep in &scene.sources {
        ui.label(source_line(rep, scene.lang));
    }
    ui.add_space(24.0);
    ui.label(RichText::new(tr("Charts")).size(16.0).strong());
    let charts = deck_panes(scene)
        .iter()
        .map(|p| p.title().to_string())
        .collect::<Vec<_>>()
        .join(" · ");
    ui.label(RichText::new(charts).size(16.0));
    let warn = ui.visuals().warn_fg_color;
    for (p, e) in not_drawn(scene) {
        let (title, why) = (p.title(), e.localize(scene.lang));
        let line = bi!(
            scene.lang,
            "Not drawn: {title}: {why}",
            "无法绘制：{title}：{why}"
        );
        ui.label(RichText::new(line).size(14.0).color(warn));
    }
    // The page a deck leaves out, and why.
    if !swept(scene) {
        let why = match &scene.sweep.done {
            Some(Err(e)) => e.localize(scene.lang),
            _ if scene.sweep.running() => bi!(
                scene.lang,
                "the weight sweep has not finished",
                "权重扫描尚未完成"
            ),
            _ => bi!(scene.lang, "the weight sweep was not run", "未运行权重扫描"),
        };
        ui.label(
            RichText::new(bi!(
                scene.lang,
                "No sensitivity page: {why}",
                "无敏感性页：{why}"
            ))
            .size(14.0)
            .color(warn),
        );
    }
}

/// The weight sweep finished (the sensitivity figure can be drawn).
fn swept(scene: &Scene) -> bool {
    scene.sweep.done.as_ref().is_some_and(|d| d.is_ok())
}

/// The panes a deck has a page for: every chart, and the sensitivity figure when the
/// weight sweep finished.
fn deck_panes(scene: &Scene) -> Vec<Pane> {
    Pane::figures()
        .into_iter()
        .filter(|p| p.is_chart() || swept(scene))
        .collect()
}

/// "Fundamentals: file.csv (CSV, GB18030/GBK; 300 of 302 rows, 300 tickers, 2020-12-31 to
/// 2024-12-31)": one table's source on a deck's cover.
fn source_line(r: &LoadReport, lang: Lang) -> String {
    let kind = super::panes::data::kind_label(r.kind);
    let (file, format) = (&r.file, &r.format);
    let enc = if r.encoding.is_empty() {
        String::new()
    } else {
        format!(", {}", r.encoding)
    };
    let (kept, read) = (r.rows_kept, r.rows_read);
    let mut facts = vec![bi!(
        lang,
        "{kept} of {read} rows",
        "{read} 行中保留 {kept} 行"
    )];
    if let Some(n) = r.tickers {
        let noun = crate::i18n::plural(n, "ticker", "tickers");
        facts.push(bi!(lang, "{n} {noun}", "{n} 只证券"));
    }
    if let (Some(a), Some(b)) = (&r.first_date, &r.last_date) {
        facts.push(bi!(lang, "{a} to {b}", "{a} 至 {b}"));
    }
    let facts = facts.join(bi!(lang, ", ", "，").as_str());
    bi!(
        lang,
        "{kind}: {file} ({format}{enc}; {facts})",
        "{kind}：{file}（{format}{enc}；{facts}）"
    )
}

/// Draw a page: a deck's cover or a figure.
fn draw_page(ui: &mut egui::Ui, scene: &Scene, page: Page) {
    match page {
        Page::Cover => draw_cover(ui, scene),
        Page::Figure(f) => draw(ui, scene, f),
    }
}

/// The off-screen window figures are drawn in: a central panel, as in the app.
#[derive(Default)]
struct FigureApp {
    job: Option<(Scene, Page)>,
}

impl eframe::App for FigureApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some((scene, page)) = &self.job {
                set_lang(scene.lang);
                draw_page(ui, scene, *page);
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

/// A figure drawn: its pixels, or its frame's shapes as SVG (written as SVG or as PDF).
pub enum Drawing {
    Png(image::RgbaImage),
    Svg(Svg),
    Pdf(Svg),
}

/// The size of a written figure: pixels for PNG, points for SVG and PDF.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Extent {
    Pixels { width: u32, height: u32 },
    Points { width: f32, height: f32 },
}

impl Localize for Extent {
    fn localize(&self, lang: Lang) -> String {
        match *self {
            Extent::Pixels { width, height } => {
                bi!(lang, "{width} x {height} px", "{width} x {height} 像素")
            }
            Extent::Points { width, height } => {
                bi!(
                    lang,
                    "{width} x {height} pt, vector",
                    "{width} x {height} 磅，矢量"
                )
            }
        }
    }
}

impl Drawing {
    pub fn extent(&self) -> Extent {
        match self {
            Drawing::Png(img) => Extent::Pixels {
                width: img.width(),
                height: img.height(),
            },
            Drawing::Svg(s) | Drawing::Pdf(s) => Extent::Points {
                width: s.size[0],
                height: s.size[1],
            },
        }
    }

    /// The file's bytes.
    pub fn encode(&self) -> Result<Vec<u8>, ExportError> {
        match self {
            Drawing::Png(img) => png_bytes(img),
            // Read back as the PDF writer reads it: a file no reader takes is never written.
            Drawing::Svg(s) => {
                super::vector::parse(s)?;
                Ok(s.text.clone().into_bytes())
            }
            Drawing::Pdf(s) => super::vector::pdf(std::slice::from_ref(s), &s.title),
        }
    }
}

fn png_bytes(img: &image::RgbaImage) -> Result<Vec<u8>, ExportError> {
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| ExportError::Encode(e.to_string()))?;
    Ok(png)
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

    /// Lay out one page of `scene` in the theme and at the pixels per point asked for.
    fn lay_out(&mut self, scene: &Scene, page: Page, scale: f32, dark: bool) {
        let theme = if dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        };
        self.h.ctx.set_theme(theme);
        self.h.set_size(page.size().into());
        // The pixels per point of the off-screen window, as the harness's builder sets it.
        if let Some(v) = self
            .h
            .input_mut()
            .viewports
            .get_mut(&egui::ViewportId::ROOT)
        {
            v.native_pixels_per_point = Some(scale);
        }
        self.h.state_mut().job = Some((scene.clone(), page));
        // No hover, no tooltip: the pointer is gone before the frames that are drawn.
        self.h.remove_cursor();
        self.h.run_steps(3);
    }

    fn raster(&mut self) -> Result<image::RgbaImage, ExportError> {
        let img = self.h.render().map_err(ExportError::Render);
        self.h.state_mut().job = None;
        img
    }

    /// The last frame's shapes as SVG, titled "<page>: <dataset>, as of <date>".
    fn frame_svg(&self, scene: &Scene, page: Page) -> Result<Svg, ExportError> {
        let bg = self.h.ctx.global_style().visuals.panel_fill;
        let name = match page {
            Page::Cover => tr("Research deck"),
            Page::Figure(Figure::Chart(p)) => p.title(),
            Page::Figure(Figure::Dashboard) => tr("HALO Workbench"),
        };
        let title = format!(
            "{name}: {}, {} {}",
            scene.dataset,
            tr("as of"),
            scene.results.as_of()
        );
        super::vector::svg(&self.h.output().shapes, page.size(), bg, &title)
    }

    /// Draw one figure of `scene` as pixels.
    pub fn render(
        &mut self,
        scene: &Scene,
        req: &FigureRequest,
    ) -> Result<image::RgbaImage, ExportError> {
        self.lay_out(scene, Page::Figure(req.figure), req.scale, req.dark);
        self.raster()
    }

    /// Draw one figure of `scene` as SVG, from the frame [`Self::render`] rasterizes (laid
    /// out at one pixel per point: a vector has no pixels, so its scale is not asked).
    pub fn svg(&mut self, scene: &Scene, req: &FigureRequest) -> Result<Svg, ExportError> {
        let page = Page::Figure(req.figure);
        self.lay_out(scene, page, 1.0, req.dark);
        let svg = self.frame_svg(scene, page);
        self.h.state_mut().job = None;
        svg
    }

    /// Draw one figure in a format.
    pub fn draw(
        &mut self,
        scene: &Scene,
        req: &FigureRequest,
        format: Format,
    ) -> Result<Drawing, ExportError> {
        Ok(match format {
            Format::Png => Drawing::Png(self.render(scene, req)?),
            Format::Svg => Drawing::Svg(self.svg(scene, req)?),
            Format::Pdf => Drawing::Pdf(self.svg(scene, req)?),
        })
    }

    /// Draw a deck of `scene`.
    pub fn deck(&mut self, scene: &Scene, dark: bool) -> Result<Deck, ExportError> {
        let mut pages = vec![Page::Cover];
        pages.extend(
            deck_panes(scene)
                .into_iter()
                .map(|p| Page::Figure(Figure::Chart(p))),
        );
        let pages = pages
            .into_iter()
            .map(|page| {
                self.lay_out(scene, page, DECK_SCALE, dark);
                let svg = self.frame_svg(scene, page)?;
                Ok((page, svg, self.raster()?))
            })
            .collect::<Result<_, ExportError>>()?;
        Ok(Deck {
            pages,
            not_drawn: not_drawn(scene),
        })
    }
}

/// A deck's pages drawn (cover, then each chart), each as SVG and as pixels at
/// [`DECK_SCALE`], and the charts whose page says why it could not be drawn.
pub struct Deck {
    pub pages: Vec<(Page, Svg, image::RgbaImage)>,
    pub not_drawn: Vec<(Pane, ExportError)>,
}

/// The deck's charts that cannot be drawn on this data, and why (their page says it too).
fn not_drawn(scene: &Scene) -> Vec<(Pane, ExportError)> {
    deck_panes(scene)
        .into_iter()
        .filter_map(|p| {
            p.table(&scene.results, &scene.view, &scene.sweep)
                .err()
                .map(|e| (p, e))
        })
        .collect()
}

pub struct Written {
    pub figure: PathBuf,
    pub csv: Vec<PathBuf>,
    pub extent: Extent,
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

/// Write a drawn figure (PNG, SVG or PDF) and its charts' numbers (CSV) beside it, as one
/// set with a manifest written last (`<figure>.manifest.json`).
pub fn write(
    drawing: &Drawing,
    scene: &Scene,
    figure: Figure,
    out: &Path,
) -> Result<Written, ExportError> {
    // The image and its tables are one set: a reader of the manifest never sees the
    // image of one export beside the tables of another.
    let mut files = vec![(out.to_path_buf(), drawing.encode()?)];
    let mut csv = Vec::new();
    for p in figure.panes() {
        let path = csv_path(out, figure, p);
        let table = p.table(&scene.results, &scene.view, &scene.sweep)?;
        files.push((path.clone(), crate::export::table_bytes(&table, &path)?));
        csv.push(path);
    }
    write_set(&files, out)?;
    Ok(Written {
        figure: out.to_path_buf(),
        csv,
        extent: drawing.extent(),
    })
}

/// A folder where one of the files goes, named.
fn no_folder_at<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<(), ExportError> {
    match paths.into_iter().find(|p| p.is_dir()) {
        Some(p) => Err(ExportError::write(
            p,
            std::io::ErrorKind::IsADirectory.into(),
        )),
        None => Ok(()),
    }
}

/// Write files as one set, the manifest `<out>.manifest.json` last. A folder in the
/// place of one of them is named before anything is written.
fn write_set(files: &[(PathBuf, Vec<u8>)], out: &Path) -> Result<(), ExportError> {
    let manifest = out.with_extension("manifest.json");
    no_folder_at(
        files
            .iter()
            .map(|(p, _)| p.as_path())
            .chain([manifest.as_path()]),
    )?;
    write_with_manifest(files, &manifest).map_err(|e| ExportError::write(out, e))
}

/// A written deck: the PDF, the folder of its pages as PNG, and how many pages.
pub struct WrittenDeck {
    pub pdf: PathBuf,
    pub folder: PathBuf,
    pub pages: usize,
    pub not_drawn: Vec<(Pane, ExportError)>,
}

/// A deck is one PDF: its name must end in .pdf.
pub fn deck_path(out: &Path) -> Result<(), ExportError> {
    match Format::of(out) {
        Ok(Format::Pdf) => Ok(()),
        _ => Err(ExportError::DeckNotPdf {
            path: out.display().to_string(),
        }),
    }
}

/// The folder a deck's PNG pages go in: the PDF's name without `.pdf`.
pub fn deck_folder(out: &Path) -> PathBuf {
    out.with_extension("")
}

/// Write a deck: each page as PNG (`NN_<page>.png`) in the folder beside the PDF, that
/// folder written as one; then the PDF of the pages, with its manifest written last.
pub fn write_deck(deck: &Deck, out: &Path) -> Result<WrittenDeck, ExportError> {
    deck_path(out)?;
    // Before the pages' folder is replaced: the PDF and its manifest can go where they go.
    no_folder_at([out, out.with_extension("manifest.json").as_path()])?;
    let pages = &deck.pages;
    let svgs: Vec<Svg> = pages.iter().map(|(_, s, _)| s.clone()).collect();
    // The deck is titled as its cover.
    let title = svgs.first().map(|s| s.title.clone()).unwrap_or_default();
    let pdf = super::vector::pdf(&svgs, &title)?;
    if let Some(dir) = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        return Err(ExportError::NoFolder {
            path: out.display().to_string(),
            folder: dir.display().to_string(),
        });
    }
    // The pages' folder is replaced whole (never a mix of two decks), and only when it
    // holds nothing but a deck's pages; then the PDF and its manifest.
    let folder = deck_folder(out);
    let page_name = |i: usize, page: Page| format!("{i:02}_{}.png", page.id());
    let names: Vec<String> = pages
        .iter()
        .enumerate()
        .map(|(i, (page, _, _))| page_name(i, *page))
        .collect();
    // Any deck's pages are a deck's (one with the sensitivity page, one without).
    let mut kinds = vec![Page::Cover];
    kinds.extend(
        Pane::figures()
            .into_iter()
            .map(|p| Page::Figure(Figure::Chart(p))),
    );
    let any: Vec<String> = (0..kinds.len())
        .flat_map(|i| kinds.iter().map(move |k| page_name(i, *k)))
        .collect();
    let any: Vec<&str> = any.iter().map(String::as_str).collect();
    let set = FolderSet::new(&folder, &any).map_err(|e| match e {
        SetError::Foreign { file } => ExportError::DeckFolderInUse {
            folder: folder.display().to_string(),
            file: file.display().to_string(),
        },
        SetError::Io(e) => ExportError::write(&folder, e),
    })?;
    for (name, (_, _, img)) in names.iter().zip(pages) {
        set.write(name, &png_bytes(img)?)
            .map_err(|e| ExportError::write(&folder.join(name), e))?;
    }
    set.commit().map_err(|e| ExportError::write(&folder, e))?;
    write_set(&[(out.to_path_buf(), pdf)], out)?;
    Ok(WrittenDeck {
        pdf: out.to_path_buf(),
        folder,
        pages: pages.len(),
        not_drawn: deck.not_drawn.clone(),
    })
}

/// Draw and write one figure with a renderer of its own, in the format of `out`'s
/// extension.
pub fn export(scene: &Scene, req: &FigureRequest, out: &Path) -> Result<Written, ExportError> {
    let format = Format::of(out)?;
    let drawing = Renderer::new().draw(scene, req, format)?;
    write(&drawing, scene, req.figure, out)
}

/// Draw and write a deck with a renderer of its own.
pub fn export_deck(scene: &Scene, dark: bool, out: &Path) -> Result<WrittenDeck, ExportError> {
    deck_path(out)?;
    let pages = Renderer::new().deck(scene, dark)?;
    write_deck(&pages, out)
}

/// The scene a project's window shows (or the bundled sample's with default settings),
/// computed through the same pipeline: for the headless export. `scenario` picks the
/// scenario pane's scenario, overriding the project's view; `sweep` runs the weight sweep
/// (the sensitivity figure's) also when the project's view does not.
pub fn project_scene(
    project: Option<&Path>,
    scenario: Option<String>,
    sweep: bool,
    lang: Lang,
) -> Result<Scene, AppError> {
    let (ds, settings, mut view, pins) = match project {
        Some(p) => {
            let project = Project::open(p)?;
            let ds = load_files(&project.dataset.name, &project.dataset.files)?;
            (ds, project.settings, project.view, project.pins)
        }
        None => (
            data::load_sample()?,
            Default::default(),
            ViewState::default(),
            Vec::new(),
        ),
    };
    if scenario.is_some() {
        view.scenario = scenario;
    }
    view.sensitivity.run |= sweep;
    let mut pipeline = Pipeline::from_dataset(&ds)?;
    let results = pipeline.results(&settings)?;
    // A scenario asked for by name (English or Chinese) must exist: never the first one
    // in its place.
    if let Some(name) = view.scenario.clone() {
        match results
            .scenarios
            .iter()
            .find(|s| s.name == name || (!s.name_zh.is_empty() && s.name_zh == name))
        {
            Some(s) => view.scenario = Some(s.name.clone()),
            None => {
                return Err(ExportError::NoScenario {
                    name,
                    available: results.scenarios.iter().map(|s| s.name.clone()).collect(),
                }
                .into());
            }
        }
    }
    // The sweep the window's sensitivity pane would show, whole.
    let sweep = if view.sensitivity.run {
        let spec = super::panes::sensitivity::spec(view.sensitivity).unwrap_or_default();
        let sw = crate::engine::sensitivity::sweep(&mut pipeline, &settings, spec, &mut |_| true);
        SweepState::finished(sw.map(Arc::new))
    } else {
        SweepState::default()
    };
    // The project's pinned lenses, through the same pipeline.
    let pins = pins
        .iter()
        .enumerate()
        .map(|(k, pin)| Pinned {
            name: LensName::of(Lens::Pinned(k), &pin.settings),
            results: match pipeline.results(&pin.settings) {
                Ok(r) => PinResults::Ready(Arc::new(r)),
                Err(e) => PinResults::Failed(e.into()),
            },
        })
        .collect();
    let lenses = Lenses {
        live: LensName::of(Lens::Live, &settings),
        pins,
    };
    Ok(Scene {
        lenses,
        results: Arc::new(results),
        view,
        sweep,
        sources: sources(&ds),
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
