//! The egui application: state, commands and the window's frame. Side effects (open a
//! file, load a project, save) are [`Command`]s handled in one place, [`WorkbenchApp::handle`];
//! panels only read state and push commands.

mod browser;
mod charts;
pub mod compute;
mod controls;
mod dataset_view;
pub mod fonts;
pub mod i18n;
pub mod panes;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use browser::FileBrowser;
pub use browser::Purpose;

use crate::data::{self, ColumnMapping, Dataset, LoadOptions, Progress, SourceFile, TableKind};
use crate::engine::analysis::Inputs;
use crate::project::{DatasetSpec, Project};
use crate::settings::Settings;
use compute::{Computer, Results};
use i18n::{Lang, tr, tr_msg};
pub use panes::Pane;

/// What persists between sessions (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct PersistedState {
    pub dark_mode: bool,
    pub zoom: f32,
    pub recent_files: Vec<PathBuf>,
    /// The files of the last session's dataset; empty means the bundled sample.
    pub session_files: Vec<SourceFile>,
    pub session_name: String,
    pub browse_dir: Option<PathBuf>,
    pub project_path: Option<PathBuf>,
    /// Every setting of the scoring run: what the sliders change.
    pub settings: Settings,
    pub lang: Lang,
    /// Figure export: pixels per point, theme, folder, and whether to copy the image.
    pub export_scale: f32,
    pub export_dark: bool,
    pub export_dir: Option<PathBuf>,
    pub export_to_clipboard: bool,
    /// The panes' arrangement.
    pub layout: Option<egui_tiles::Tree<Pane>>,
}

impl Default for PersistedState {
    fn default() -> Self {
        Self {
            dark_mode: false,
            zoom: 1.0,
            recent_files: Vec::new(),
            session_files: Vec::new(),
            session_name: String::new(),
            browse_dir: None,
            project_path: None,
            settings: Settings::default(),
            lang: Lang::En,
            export_scale: 2.0,
            export_dark: false,
            export_dir: None,
            export_to_clipboard: false,
            layout: None,
        }
    }
}

const MAX_RECENT: usize = 10;

/// Everything the app can be asked to do.
#[derive(Clone, Debug)]
pub enum Command {
    /// Load data files into the current dataset (each replaces the table of its kind).
    OpenData(Vec<PathBuf>),
    /// Reload one table's file with an edited column mapping.
    Remap(TableKind, ColumnMapping),
    LoadSample,
    OpenProject(PathBuf),
    SaveProject(PathBuf),
    /// Ask the system file dialog, falling back to the built-in browser.
    Pick(Purpose),
    /// The built-in browser.
    Browse(Purpose),
    Undo,
    Redo,
    /// Back to the default settings (undoable).
    ResetSettings,
    ResetLayout,
    ApplyPreset(String),
    /// Render a chart or the dashboard to PNG (and CSV) off the UI thread.
    Export(Figure),
}

struct LoadJob {
    label: String,
    started: Instant,
    progress: Arc<Progress>,
    rx: Receiver<JobDone>,
}

struct JobDone {
    dataset: Dataset,
    /// The engine's inputs, built on the loading thread too.
    inputs: Result<Inputs, String>,
    errors: Vec<String>,
    loaded: Vec<PathBuf>,
}

struct DialogJob {
    purpose: Purpose,
    started: Instant,
    rx: Receiver<Option<Vec<PathBuf>>>,
}

/// What the ranking table's rows depend on besides the scores' generation.
pub type RowsKey = (u64, String, usize, bool);

pub struct WorkbenchApp {
    pub state: PersistedState,
    pub dataset: Arc<Dataset>,
    /// Load errors, newest last, shown in the window until dismissed.
    pub errors: Vec<String>,
    /// The table whose report and mapping are shown.
    pub selected: TableKind,
    job: Option<LoadJob>,
    dialog: Option<DialogJob>,
    browser: Option<FileBrowser>,
    commands: Vec<Command>,
    /// Mapping being edited for the selected table, before it is applied.
    pending_mapping: Option<(TableKind, ColumnMapping)>,
    ctx: egui::Context,
    /// The engine's inputs for the current dataset.
    pub inputs: Option<Arc<Inputs>>,
    computer: Computer,
    /// What the panes draw; replaced when a computation for newer settings finishes.
    pub results: Option<Arc<Results>>,
    pub compute_error: Option<String>,
    /// The settings last sent for computing.
    requested: Option<Settings>,
    undo: Vec<Settings>,
    redo: Vec<Settings>,
    /// The settings as of the last undo step.
    committed: Settings,
    tree: egui_tiles::Tree<Pane>,
    pub maximized: Option<Pane>,
    /// The sector clicked in a chart or table (linked highlight).
    pub highlight: Option<String>,
    /// The sector under the pointer this frame, and the one from the last frame.
    pub hovered_sector: Option<String>,
    hover_highlight: Option<String>,
    pub selected_security: Option<String>,
    pub selected_scenario: usize,
    pub search: String,
    pub sort_column: usize,
    pub sort_descending: bool,
    /// The ranking table's rows (filtered and sorted), kept until the scores, the search
    /// or the sort change: (results generation, search, sort column, descending).
    pub ranking_rows: Option<(RowsKey, Arc<Vec<usize>>)>,
    pub sector_lines: bool,
    /// Draw only this figure (PNG export): a chart or the dashboard, with a title, a
    /// subtitle of the settings and no controls.
    pub figure: Option<Figure>,
    export: Option<Receiver<Result<ExportDone, String>>>,
    /// Presentation mode (F5).
    pub presentation: bool,
    /// The last export's outcome, shown in the status bar.
    pub export_message: Option<String>,
}

struct ExportDone {
    image: image::RgbaImage,
    written: crate::export::figure::Written,
}

/// The charts presentation mode steps through, in order.
const SLIDES: [Pane; 4] = [
    Pane::Sectors,
    Pane::Exposures,
    Pane::Scenarios,
    Pane::Backtest,
];

/// What a figure shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Chart(Pane),
    /// The four charts side by side.
    Dashboard,
}

impl WorkbenchApp {
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let state: PersistedState = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        Self::with_state(&cc.egui_ctx, state)
    }

    /// Build the app on a context with the given state, and start loading its dataset
    /// (the last session's files, else the bundled sample).
    pub fn with_state(ctx: &egui::Context, mut state: PersistedState) -> Self {
        fonts::install(ctx);
        let tree = state.layout.take().unwrap_or_else(panes::default_tree);
        let state_settings = state.settings.clone();
        let mut app = Self {
            state,
            dataset: Arc::new(Dataset::default()),
            errors: Vec::new(),
            selected: TableKind::Fundamentals,
            job: None,
            dialog: None,
            browser: None,
            commands: Vec::new(),
            pending_mapping: None,
            ctx: ctx.clone(),
            inputs: None,
            computer: Computer::new(ctx.clone()),
            results: None,
            compute_error: None,
            requested: None,
            undo: Vec::new(),
            redo: Vec::new(),
            committed: state_settings,
            tree,
            maximized: None,
            highlight: None,
            hovered_sector: None,
            hover_highlight: None,
            selected_security: None,
            selected_scenario: 0,
            search: String::new(),
            sort_column: 0,
            sort_descending: false,
            ranking_rows: None,
            sector_lines: false,
            figure: None,
            export: None,
            export_message: None,
            presentation: false,
        };
        app.apply_style();
        if app.state.session_files.is_empty() {
            app.handle(Command::LoadSample);
        } else {
            let name = app.state.session_name.clone();
            let files = app.state.session_files.clone();
            app.start_job(
                format!("Restoring {name}"),
                Dataset {
                    name,
                    ..Default::default()
                },
                files,
                true,
            );
        }
        app
    }

    fn apply_style(&self) {
        if self.presentation {
            // Projected in a meeting room: light, high contrast, larger type.
            self.ctx.set_theme(egui::Theme::Light);
            self.ctx.style_mut_of(egui::Theme::Light, |s| {
                s.visuals.override_text_color = Some(egui::Color32::BLACK);
                s.visuals.widgets.noninteractive.bg_stroke.width = 1.5;
            });
            self.ctx.set_zoom_factor(self.state.zoom * 1.4);
        } else {
            self.ctx.style_mut_of(egui::Theme::Light, |s| {
                s.visuals.override_text_color = None;
                s.visuals.widgets.noninteractive.bg_stroke.width = 1.0;
            });
            self.ctx.set_theme(if self.state.dark_mode {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.ctx.set_zoom_factor(self.state.zoom);
        }
    }

    /// Presentation mode: one chart fills the window, larger and in high contrast; the
    /// arrow keys step through the charts like slides; the sliders stay at hand.
    pub fn set_presentation(&mut self, on: bool) {
        self.presentation = on;
        self.maximized = on.then_some(
            self.maximized
                .filter(|p| SLIDES.contains(p))
                .unwrap_or(Pane::Sectors),
        );
        self.apply_style();
    }

    /// Line width: thicker in presentation mode.
    pub fn line_width(&self, w: f32) -> f32 {
        if self.presentation { w * 2.0 } else { w }
    }

    pub fn is_loading(&self) -> bool {
        self.job.is_some()
    }

    /// Queue a command; it runs at the start of the next frame.
    pub fn push(&mut self, cmd: Command) {
        self.commands.push(cmd);
    }

    /// Block until the running load finishes (tests and the headless paths).
    pub fn wait_for_load(&mut self) {
        if let Some(job) = self.job.take() {
            if let Ok(done) = job.rx.recv_timeout(Duration::from_secs(120)) {
                self.finish_job(done);
            } else {
                self.errors.push(format!("{}: timed out", job.label));
            }
        }
    }

    /// Run one command. All side effects of the UI go through here.
    pub fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::OpenData(paths) => {
                let files: Vec<SourceFile> = paths
                    .into_iter()
                    .map(|path| SourceFile {
                        path,
                        options: LoadOptions::default(),
                    })
                    .collect();
                let label = format!(
                    "Loading {}",
                    files
                        .iter()
                        .map(|f| file_name(&f.path))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                self.start_job(label, (*self.dataset).clone(), files, false);
            }
            Command::Remap(kind, mapping) => {
                let Some(src) = self
                    .dataset
                    .sources
                    .iter()
                    .find(|s| s.options.kind == Some(kind))
                    .cloned()
                else {
                    return;
                };
                let mut options = src.options.clone();
                options.mapping = mapping;
                let label = format!("Reloading {} with your mapping", file_name(&src.path));
                self.start_job(
                    label,
                    (*self.dataset).clone(),
                    vec![SourceFile {
                        path: src.path,
                        options,
                    }],
                    false,
                );
            }
            Command::LoadSample => {
                let base = Dataset {
                    name: "S&P 500 sample (fiscal 2012-2016)".into(),
                    ..Default::default()
                };
                self.start_job(
                    "Loading the bundled sample".into(),
                    base,
                    data::sample_files(),
                    true,
                );
            }
            Command::OpenProject(path) => match Project::open(&path) {
                Ok(p) => {
                    self.state.project_path = Some(path);
                    self.state.settings = p.settings.clone();
                    if let Ok(tree) = serde_json::from_str(&p.layout) {
                        self.tree = tree;
                        self.maximized = None;
                    }
                    let base = Dataset {
                        name: p.dataset.name.clone(),
                        ..Default::default()
                    };
                    self.start_job(
                        format!("Opening project {}", p.dataset.name),
                        base,
                        p.dataset.files,
                        true,
                    );
                }
                Err(e) => self.errors.push(format!("{e:#}")),
            },
            Command::SaveProject(path) => {
                let project = self.project();
                match project.save(&path) {
                    Ok(()) => self.state.project_path = Some(path),
                    Err(e) => self.errors.push(format!("{e:#}")),
                }
            }
            Command::Pick(purpose) => self.pick(purpose),
            Command::Undo => {
                if let Some(prev) = self.undo.pop() {
                    self.redo
                        .push(std::mem::replace(&mut self.state.settings, prev.clone()));
                    self.committed = prev;
                }
            }
            Command::Redo => {
                if let Some(next) = self.redo.pop() {
                    self.undo
                        .push(std::mem::replace(&mut self.state.settings, next.clone()));
                    self.committed = next;
                }
            }
            Command::ResetSettings => self.state.settings = Settings::default(),
            Command::ResetLayout => {
                self.tree = panes::default_tree();
                self.maximized = None;
            }
            Command::Export(figure) => self.start_export(figure),
            Command::ApplyPreset(id) => match crate::engine::presets::preset(&id) {
                Some(p) => p.apply(&mut self.state.settings),
                None => self.errors.push(format!("no preset named {id:?}")),
            },
            Command::Browse(purpose) => {
                let dir = self
                    .state
                    .browse_dir
                    .clone()
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_else(|| PathBuf::from("/"));
                self.browser = Some(FileBrowser::new(purpose, dir));
            }
        }
    }

    /// The current session as a project.
    pub fn project(&self) -> Project {
        Project {
            version: crate::project::VERSION,
            dataset: DatasetSpec {
                name: self.dataset.name.clone(),
                files: self.dataset.sources.clone(),
            },
            settings: self.state.settings.clone(),
            layout: serde_json::to_string(&self.tree).unwrap_or_default(),
        }
    }

    /// Load `files` on a worker thread, on top of `base`. The current dataset is replaced
    /// only by what loads; a file that fails leaves its table as it was.
    fn start_job(
        &mut self,
        label: String,
        base: Dataset,
        files: Vec<SourceFile>,
        replace_all: bool,
    ) {
        if self.job.is_some() {
            self.errors.push(format!(
                "{label}: another file is still loading; try again when it has finished"
            ));
            return;
        }
        let (tx, rx) = channel();
        let progress = Arc::new(Progress::default());
        let p = progress.clone();
        let ctx = self.ctx.clone();
        let fallback = (*self.dataset).clone();
        std::thread::spawn(move || {
            let mut ds = base;
            let mut errors = Vec::new();
            let mut loaded = Vec::new();
            for f in files {
                match data::load_file_with_progress(&f.path, &f.options, &p) {
                    Ok(t) => {
                        ds = ds.with_table(&f.path, &f.options, t);
                        loaded.push(f.path);
                    }
                    Err(e) => errors.push(e.to_string()),
                }
            }
            // Replacing everything (sample, project) that loaded nothing keeps what was there.
            if replace_all && ds.is_empty() {
                ds = fallback;
            }
            let inputs = Inputs::new(&ds).map_err(|e| e.to_string());
            let _ = tx.send(JobDone {
                dataset: ds,
                inputs,
                errors,
                loaded,
            });
            ctx.request_repaint();
        });
        self.job = Some(LoadJob {
            label,
            started: Instant::now(),
            progress,
            rx,
        });
    }

    fn finish_job(&mut self, done: JobDone) {
        self.errors.extend(done.errors);
        for p in done.loaded {
            self.state.recent_files.retain(|r| *r != p);
            self.state.recent_files.insert(0, p);
            self.state.recent_files.truncate(MAX_RECENT);
        }
        let is_sample = done
            .dataset
            .sources
            .iter()
            .all(|s| s.path.starts_with(data::sample_dir()));
        self.state.session_files = if is_sample {
            Vec::new()
        } else {
            done.dataset.sources.clone()
        };
        self.state.session_name = done.dataset.name.clone();
        if done.dataset.table(self.selected).is_none()
            && let Some(k) = TableKind::ALL
                .into_iter()
                .find(|k| done.dataset.table(*k).is_some())
        {
            self.selected = k;
        }
        self.dataset = Arc::new(done.dataset);
        self.pending_mapping = None;
        match done.inputs {
            Ok(i) => {
                self.inputs = Some(Arc::new(i));
                self.compute_error = None;
            }
            Err(e) => {
                self.inputs = None;
                self.compute_error = Some(e);
            }
        }
        self.results = None;
        self.requested = None;
        // Last session's files gone (moved, deleted): start from the sample instead.
        if self.dataset.is_empty() {
            self.handle(Command::LoadSample);
        }
    }

    fn poll_jobs(&mut self) {
        if let Some(job) = &self.job
            && let Ok(done) = job.rx.try_recv()
        {
            self.job = None;
            self.finish_job(done);
        }
        if let Some(d) = &self.dialog
            && let Ok(picked) = d.rx.try_recv()
        {
            let (purpose, fast) = (d.purpose, d.started.elapsed() < Duration::from_millis(400));
            self.dialog = None;
            match picked {
                Some(paths) => self.use_picked(purpose, paths),
                // Nobody cancels a real dialog this fast: there was no dialog to show.
                None if fast => self.handle(Command::Browse(purpose)),
                None => {}
            }
        }
    }

    fn use_picked(&mut self, purpose: Purpose, paths: Vec<PathBuf>) {
        if let Some(dir) = paths.first().and_then(|p| p.parent()) {
            self.state.browse_dir = Some(dir.to_path_buf());
        }
        match purpose {
            Purpose::OpenData => self.handle(Command::OpenData(paths)),
            Purpose::OpenProject => {
                if let Some(p) = paths.into_iter().next() {
                    self.handle(Command::OpenProject(p));
                }
            }
            Purpose::SaveProject => {
                if let Some(mut p) = paths.into_iter().next() {
                    if p.extension().is_none() {
                        p.set_extension("toml");
                    }
                    self.handle(Command::SaveProject(p));
                }
            }
        }
    }

    /// The system dialog runs on its own thread so the window keeps drawing.
    fn pick(&mut self, purpose: Purpose) {
        let (tx, rx) = channel();
        let ctx = self.ctx.clone();
        let dir = self.state.browse_dir.clone();
        std::thread::spawn(move || {
            let mut d = rfd::FileDialog::new();
            if let Some(dir) = dir {
                d = d.set_directory(dir);
            }
            let picked = match purpose {
                Purpose::OpenData => d
                    .add_filter(
                        "Data (CSV, Parquet, Excel)",
                        &["csv", "txt", "tsv", "parquet", "xlsx"],
                    )
                    .pick_files(),
                Purpose::OpenProject => d
                    .add_filter("HALO project", &["toml"])
                    .pick_file()
                    .map(|p| vec![p]),
                Purpose::SaveProject => d
                    .add_filter("HALO project", &["toml"])
                    .set_file_name("project.halo.toml")
                    .save_file()
                    .map(|p| vec![p]),
            };
            let _ = tx.send(picked);
            ctx.request_repaint();
        });
        self.dialog = Some(DialogJob {
            purpose,
            started: Instant::now(),
            rx,
        });
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(tr("File"), |ui| {
                if ui.button(tr("Open data…")).clicked() {
                    self.push(Command::Pick(Purpose::OpenData));
                }
                if ui.button(tr("Open path…")).clicked() {
                    self.push(Command::Browse(Purpose::OpenData));
                }
                if ui.button(tr("Load the bundled sample")).clicked() {
                    self.push(Command::LoadSample);
                }
                ui.separator();
                if ui.button(tr("Open project…")).clicked() {
                    self.push(Command::Pick(Purpose::OpenProject));
                }
                if ui.button(tr("Save project as…")).clicked() {
                    self.push(Command::Pick(Purpose::SaveProject));
                }
                ui.separator();
                if ui
                    .add(egui::Button::new(tr("Export dashboard")).shortcut_text("Ctrl+E"))
                    .clicked()
                {
                    self.push(Command::Export(Figure::Dashboard));
                }
                ui.horizontal(|ui| {
                    ui.label(tr("Export scale"));
                    for s in [1.0, 2.0, 3.0] {
                        ui.selectable_value(&mut self.state.export_scale, s, format!("{s}x"));
                    }
                });
                ui.checkbox(&mut self.state.export_dark, tr("Export in the dark theme"));
                ui.checkbox(
                    &mut self.state.export_to_clipboard,
                    tr("Copy exported images to the clipboard"),
                );
                ui.separator();
                ui.menu_button(tr("Recent files"), |ui| {
                    if self.state.recent_files.is_empty() {
                        ui.label(tr("None yet"));
                    }
                    for p in self.state.recent_files.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            self.push(Command::OpenData(vec![p]));
                        }
                    }
                });
            });
            ui.menu_button(tr("Edit"), |ui| {
                if ui
                    .add_enabled(
                        !self.undo.is_empty(),
                        egui::Button::new(tr("Undo")).shortcut_text("Ctrl+Z"),
                    )
                    .clicked()
                {
                    self.push(Command::Undo);
                }
                if ui
                    .add_enabled(
                        !self.redo.is_empty(),
                        egui::Button::new(tr("Redo")).shortcut_text("Ctrl+Shift+Z"),
                    )
                    .clicked()
                {
                    self.push(Command::Redo);
                }
                if ui
                    .add(egui::Button::new(tr("Reset settings")).shortcut_text("Ctrl+R"))
                    .clicked()
                {
                    self.push(Command::ResetSettings);
                }
            });
            ui.menu_button(tr("View"), |ui| {
                if ui
                    .checkbox(&mut self.state.dark_mode, tr("Dark theme"))
                    .changed()
                {
                    self.apply_style();
                }
                ui.horizontal(|ui| {
                    ui.label(tr("UI scale"));
                    if ui
                        .add(egui::Slider::new(&mut self.state.zoom, 0.75..=2.0).step_by(0.25))
                        .changed()
                    {
                        self.apply_style();
                    }
                });
                ui.horizontal(|ui| {
                    ui.label(tr("Language"));
                    ui.selectable_value(&mut self.state.lang, Lang::En, "English");
                    ui.selectable_value(&mut self.state.lang, Lang::Zh, "中文");
                });
                if ui.button(tr("Reset layout")).clicked() {
                    self.push(Command::ResetLayout);
                }
                let mut p = self.presentation;
                if ui
                    .checkbox(
                        &mut p,
                        tr("Presentation mode (F5; arrows step, Esc leaves)"),
                    )
                    .changed()
                {
                    self.set_presentation(p);
                }
            });
        });
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if let Some(job) = &self.job {
                ui.spinner();
                let f = job.progress.fraction();
                let stage = if f < 1.0 {
                    tr_msg(&format!("reading {:.0}%", f * 100.0))
                } else {
                    tr_msg("parsing and checking")
                };
                ui.label(tr_msg(&format!(
                    "{} — {stage} — {:.1} s",
                    job.label,
                    job.started.elapsed().as_secs_f32()
                )));
                ui.add(egui::ProgressBar::new(f).desired_width(160.0));
                // Keep the elapsed time and bar moving.
                ui.ctx().request_repaint_after(Duration::from_millis(100));
            } else if self.export.is_some() {
                ui.spinner();
                ui.label(tr("Exporting…"));
                ui.ctx().request_repaint_after(Duration::from_millis(100));
            } else if self.computer.busy() {
                ui.spinner();
                ui.label(tr("Computing…"));
                ui.ctx().request_repaint_after(Duration::from_millis(100));
            } else {
                let ds = &self.dataset;
                let tables = TableKind::ALL
                    .into_iter()
                    .filter(|k| ds.table(*k).is_some())
                    .count();
                ui.label(tr_msg(&format!("{} — {tables} table(s) loaded", ds.name)));
                if let Some(m) = &self.export_message {
                    ui.separator();
                    ui.label(m);
                }
                if let Some(p) = &self.state.project_path {
                    ui.separator();
                    ui.label(tr_msg(&format!("project {}", p.display())));
                }
            }
        });
    }

    fn errors_ui(&mut self, ui: &mut egui::Ui) {
        if self.errors.is_empty() {
            return;
        }
        let mut dismiss = None;
        egui::Frame::group(ui.style())
            .fill(ui.visuals().extreme_bg_color)
            .show(ui, |ui| {
                for (i, e) in self.errors.iter().enumerate() {
                    ui.horizontal_wrapped(|ui| {
                        if ui.small_button("Dismiss").clicked() {
                            dismiss = Some(i);
                        }
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{}: {}", tr("Error"), tr_msg(e)),
                        );
                    });
                }
            });
        if let Some(i) = dismiss {
            self.errors.remove(i);
        }
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            self.push(Command::OpenData(dropped));
        }
    }
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

impl WorkbenchApp {
    /// The highlighted sector: the one under the pointer, else the one clicked.
    pub fn lit(&self) -> Option<&str> {
        self.hover_highlight
            .as_deref()
            .or(self.highlight.as_deref())
    }

    /// Recompute when the settings differ from what was last requested (no apply button).
    fn request_if_changed(&mut self) {
        let Some(inputs) = &self.inputs else { return };
        if self.requested.as_ref() != Some(&self.state.settings) {
            self.requested = Some(self.state.settings.clone());
            self.computer
                .request(inputs.clone(), self.state.settings.clone());
        }
    }

    fn poll_compute(&mut self) {
        match self.computer.poll() {
            Some(Ok(mut r)) => {
                // Until the new backtest arrives, keep showing the last one, marked pending.
                if r.backtest.is_none() {
                    r.backtest = self.results.as_ref().and_then(|old| old.backtest.clone());
                    r.backtest_pending = true;
                }
                self.results = Some(Arc::new(r));
                self.compute_error = None;
            }
            Some(Err(e)) => self.compute_error = Some(e),
            None => {}
        }
    }

    /// Block until the results for the current settings are in (tests, benchmarks).
    pub fn wait_for_results(&mut self) {
        self.request_if_changed();
        if self.computer.busy()
            && let Some(r) = self.computer.wait(Duration::from_secs(120))
        {
            match r {
                Ok(r) => self.results = Some(Arc::new(r)),
                Err(e) => self.compute_error = Some(e),
            }
        }
    }

    /// Use a dataset built in code (synthetic universes for benchmarks), as if loaded.
    pub fn set_dataset(&mut self, ds: Dataset) {
        let inputs = Inputs::new(&ds).map_err(|e| e.to_string());
        self.finish_job(JobDone {
            dataset: ds,
            inputs,
            errors: Vec::new(),
            loaded: Vec::new(),
        });
    }

    pub fn is_computing(&self) -> bool {
        self.computer.busy()
    }

    /// An undo step is taken when a change is complete (no slider still being dragged).
    fn commit_undo_step(&mut self, ctx: &egui::Context) {
        if self.state.settings != self.committed && !ctx.input(|i| i.pointer.any_down()) {
            self.undo.push(std::mem::replace(
                &mut self.committed,
                self.state.settings.clone(),
            ));
            self.redo.clear();
            if self.undo.len() > 200 {
                self.undo.remove(0);
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let sc = |m: Modifiers, k: Key| {
            ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(m, k)))
        };
        if sc(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z) {
            self.push(Command::Redo);
        }
        if sc(Modifiers::COMMAND, Key::Z) {
            self.push(Command::Undo);
        }
        if sc(Modifiers::COMMAND, Key::O) {
            self.push(Command::Pick(Purpose::OpenData));
        }
        if sc(Modifiers::COMMAND, Key::S) {
            match self.state.project_path.clone() {
                Some(p) => self.push(Command::SaveProject(p)),
                None => self.push(Command::Pick(Purpose::SaveProject)),
            }
        }
        if sc(Modifiers::COMMAND, Key::R) {
            self.push(Command::ResetSettings);
        }
        if sc(Modifiers::COMMAND, Key::E) {
            self.push(Command::Export(Figure::Dashboard));
        }
        if sc(Modifiers::NONE, Key::F5) {
            self.set_presentation(!self.presentation);
        }
        if self.presentation && !ctx.egui_wants_keyboard_input() {
            let step = |d: isize, m: Option<Pane>| {
                let i = m
                    .and_then(|p| SLIDES.iter().position(|x| *x == p))
                    .unwrap_or(0) as isize;
                SLIDES[(i + d).rem_euclid(SLIDES.len() as isize) as usize]
            };
            if sc(Modifiers::NONE, Key::ArrowRight) {
                self.maximized = Some(step(1, self.maximized));
            }
            if sc(Modifiers::NONE, Key::ArrowLeft) {
                self.maximized = Some(step(-1, self.maximized));
            }
            if sc(Modifiers::NONE, Key::Escape) {
                self.set_presentation(false);
            }
        }
    }

    fn controls(&mut self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical()
            .id_salt("controls")
            .show(ui, |ui| {
                dataset_view::summary(self, ui);
                ui.separator();
                controls::weights(self, ui);
                controls::options(self, ui);
                controls::basket(self, ui);
                ui.separator();
                controls::lens_presets(self, ui);
                ui.separator();
                controls::scenarios(self, ui);
            });
    }

    /// Render a figure with the current data and settings on a worker thread (its own
    /// off-screen app), write PNG and CSV to the export folder.
    fn start_export(&mut self, figure: Figure) {
        use crate::export::figure::{FigureRequest, Renderer, write};
        let sample = self
            .dataset
            .sources
            .iter()
            .all(|s| s.path.starts_with(data::sample_dir()));
        let state = PersistedState {
            session_files: if sample {
                Vec::new()
            } else {
                self.dataset.sources.clone()
            },
            session_name: self.dataset.name.clone(),
            settings: self.state.settings.clone(),
            lang: self.state.lang,
            ..Default::default()
        };
        let req = FigureRequest {
            figure,
            scale: self.state.export_scale,
            dark: self.state.export_dark,
        };
        let name = match figure {
            Figure::Chart(p) => format!("{p:?}").to_lowercase(),
            Figure::Dashboard => "dashboard".into(),
        };
        let as_of = self
            .results
            .as_ref()
            .map(|r| r.prep.cs.as_of.to_string())
            .unwrap_or_default();
        let dir = self
            .state
            .export_dir
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let out = dir.join(format!("halo_{name}_{as_of}_{}x.png", req.scale));
        let (tx, rx) = channel();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let r = Renderer::new(state, &req)
                .and_then(|mut r| r.render(figure))
                .and_then(|(image, results)| {
                    let written = write(&image, &results, figure, &out)?;
                    Ok(ExportDone { image, written })
                });
            let _ = tx.send(r.map_err(|e| format!("{e:#}")));
            ctx.request_repaint();
        });
        self.export = Some(rx);
        self.export_message = None;
    }

    fn poll_export(&mut self) {
        let Some(rx) = &self.export else { return };
        let Ok(done) = rx.try_recv() else { return };
        self.export = None;
        match done {
            Ok(d) => {
                if self.state.export_to_clipboard {
                    let size = [d.image.width() as usize, d.image.height() as usize];
                    self.ctx
                        .copy_image(egui::ColorImage::from_rgba_unmultiplied(
                            size,
                            d.image.as_raw(),
                        ));
                }
                self.export_message = Some(format!(
                    "{} {} ({} x {} px)",
                    tr("Saved"),
                    d.written.png.display(),
                    d.written.width,
                    d.written.height
                ));
            }
            Err(e) => self.errors.push(e),
        }
    }

    pub fn is_exporting(&self) -> bool {
        self.export.is_some()
    }

    /// Block until the running export finishes (tests).
    pub fn wait_for_export(&mut self) {
        if let Some(rx) = &self.export
            && let Ok(done) = rx.recv_timeout(Duration::from_secs(120))
        {
            let (tx, rx2) = channel();
            let _ = tx.send(done);
            self.export = Some(rx2);
            self.poll_export();
        }
    }

    /// "Dataset, as of, weights, preset": the subtitle of an exported figure, in the
    /// interface's language.
    pub fn figure_subtitle(&self) -> String {
        use crate::engine::metrics::Pillar;
        let s = &self.state.settings;
        let as_of = self
            .results
            .as_ref()
            .map(|r| r.prep.cs.as_of.to_string())
            .unwrap_or_default();
        let weights = Pillar::ALL
            .map(|p| {
                let label = i18n::pick(p.label_en(), p.label_zh());
                format!("{label} {:.2}", s.weights.pillar(p))
            })
            .join(", ");
        let preset = crate::engine::presets::preset(&s.preset)
            .map(|p| i18n::pick(&p.name, &p.name_zh).to_string())
            .unwrap_or_else(|| s.preset.clone());
        format!(
            "{}, {} {as_of}; {}: {weights}; {}: {preset}",
            self.dataset.name,
            tr("as of"),
            tr("Pillar weights"),
            tr("Preset"),
        )
    }

    fn figure_ui(&mut self, ui: &mut egui::Ui, f: Figure) {
        let title = match f {
            Figure::Chart(p) => p.title().to_string(),
            Figure::Dashboard => "HALO Workbench".to_string(),
        };
        ui.label(egui::RichText::new(title).size(22.0).strong());
        ui.label(egui::RichText::new(self.figure_subtitle()).weak());
        ui.separator();
        match f {
            Figure::Chart(p) => panes::pane_ui(self, ui, p),
            Figure::Dashboard => {
                let (w, h) = (
                    ui.available_width() / 2.0 - 6.0,
                    ui.available_height() / 2.0 - 6.0,
                );
                for row in [
                    [Pane::Sectors, Pane::Exposures],
                    [Pane::Scenarios, Pane::Backtest],
                ] {
                    ui.horizontal(|ui| {
                        for p in row {
                            ui.allocate_ui_with_layout(
                                egui::vec2(w, h),
                                egui::Layout::top_down(egui::Align::Min),
                                |ui| {
                                    ui.set_min_size(egui::vec2(w, h));
                                    ui.set_max_size(egui::vec2(w, h));
                                    ui.push_id(p, |ui| panes::pane_ui(self, ui, p));
                                },
                            );
                        }
                    });
                }
            }
        }
    }

    fn central(&mut self, ui: &mut egui::Ui) {
        if let Some(f) = self.figure {
            self.figure_ui(ui, f);
            return;
        }
        self.errors_ui(ui);
        if let Some(e) = &self.compute_error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{}: {}", tr("Error"), tr_msg(e)),
            );
        }
        if let Some(p) = self.maximized {
            panes::pane_ui(self, ui, p);
            return;
        }
        let mut tree = std::mem::replace(
            &mut self.tree,
            egui_tiles::Tree::empty(egui::Id::unique("halo_layout")),
        );
        tree.ui(&mut panes::Behavior { app: self }, ui);
        self.tree = tree;
    }
}

impl eframe::App for WorkbenchApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        i18n::set_lang(self.state.lang);
        self.poll_jobs();
        self.poll_compute();
        self.poll_export();
        self.dropped_files(&ctx);
        self.shortcuts(&ctx);
        for cmd in std::mem::take(&mut self.commands) {
            self.handle(cmd);
        }
        self.hover_highlight = self.hovered_sector.take();
        if self.figure.is_none() {
            egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
            egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
            // A narrower panel on a small screen leaves the charts room.
            let width = (ui.available_width() * 0.28).clamp(240.0, 320.0);
            egui::Panel::left("controls")
                .resizable(true)
                .default_size(width)
                .show(ui, |ui| self.controls(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.central(ui));
        if let Some(b) = &mut self.browser
            && let Some(result) = b.show(&ctx)
        {
            let purpose = b.purpose;
            self.state.browse_dir = Some(b.dir.clone());
            self.browser = None;
            if let Ok(path) = result {
                self.use_picked(purpose, vec![path]);
            }
        }
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            egui::Area::new(egui::Id::unique("drop_hint"))
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
                .show(&ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.heading(tr("Or drop CSV, Parquet or .xlsx files on the window."))
                    });
                });
        }
        self.commit_undo_step(&ctx);
        self.request_if_changed();
        if self.computer.busy() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.state.layout = Some(self.tree.clone());
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
        self.state.layout = None;
    }
}

/// Open the window.
pub fn run() -> std::process::ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("HALO Workbench")
            .with_inner_size([1400.0, 900.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    match eframe::run_native(
        "HALO Workbench",
        options,
        Box::new(|cc| Ok(Box::new(WorkbenchApp::new(cc)))),
    ) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
