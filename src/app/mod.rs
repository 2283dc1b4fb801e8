//! The egui application. Its state is in three parts: what persists between sessions
//! ([`PersistedState`]: preferences, settings, the view, the layout, the session's files),
//! what the session loaded and computed (the dataset, the engine's inputs, the results),
//! and view state (the panes' own state, the highlight, the maximised pane). Side effects
//! are [`Command`]s handled in one place, [`WorkbenchApp::handle`]; panes and controls only
//! read state, change settings and view, and push commands. The engine runs in the
//! supervised compute worker ([`compute`]) through the same pipeline the command line uses.

mod browser;
pub mod chart;
pub mod compute;
mod controls;
mod dataset;
pub mod figure;
pub mod fonts;
pub mod jobs;
pub mod messages;
pub mod panes;
mod raster;
pub mod vector;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use browser::FileBrowser;
pub use browser::Purpose;

use crate::data::{self, ColumnMapping, Dataset, LoadOptions, SourceFile, TableKind};
use crate::engine::compare::{Lens, LensName, MAX_PINS, Pin};
use crate::engine::pipeline::{Inputs, Results};
use crate::engine::settings::Settings;
use crate::i18n::{Lang, Localize, tr};
use crate::project::{DatasetSpec, Project};
use crate::view::ViewState;
use compute::{Computer, Done};
pub use figure::Figure;
use figure::{FigureRequest, Format, Scene};
use jobs::{ExportKind, Exporter, Keep, LoadJob, Loaded};
use messages::{AppError, Job, Status, Worker};
pub use panes::Pane;
use panes::{Highlight, PaneCtx, Panes};
use worker::Faults;

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
    /// What the charts show: the scenario, bars or lines, the ranking's order.
    pub view: ViewState,
    pub lang: Lang,
    /// Figure export: format, pixels per point (PNG), theme, folder, and whether to copy the
    /// image (PNG).
    pub export_format: Format,
    pub export_scale: f32,
    pub export_dark: bool,
    pub export_dir: Option<PathBuf>,
    pub export_to_clipboard: bool,
    /// The panes' arrangement.
    pub layout: Option<egui_tiles::Tree<Pane>>,
    /// Settings pinned as reference lenses beside the live one.
    pub pins: Vec<Pin>,
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
            view: ViewState::default(),
            lang: Lang::En,
            export_format: Format::Png,
            export_scale: 2.0,
            export_dark: false,
            export_dir: None,
            export_to_clipboard: false,
            layout: None,
            pins: Vec::new(),
        }
    }
}

const MAX_RECENT: usize = 10;

/// Everything the app can be asked to do.
#[derive(Clone, Debug)]
pub enum Command {
    /// Load data files as a new dataset: the dataset before stays if one of them fails.
    OpenData(Vec<PathBuf>),
    /// Add data files to the current dataset (each replaces the table of its kind).
    AddData(Vec<PathBuf>),
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
    /// Draw a chart or the dashboard as on screen, as PNG, SVG or PDF (and CSV), off the
    /// UI thread.
    Export(Figure),
    /// The cover and every chart as on screen, as one PDF and a folder of PNGs.
    ExportDeck,
    /// Pin the current settings as a reference lens (at most [`MAX_PINS`]).
    Pin,
    /// Unpin the pin at this index.
    Unpin(usize),
    UnpinAll,
}

/// Pins the current lens (Ctrl+P, ⌘P).
pub const PIN_SHORTCUT: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::P);

struct DialogJob {
    purpose: Purpose,
    started: Instant,
    rx: Receiver<Option<Vec<PathBuf>>>,
}

pub struct WorkbenchApp {
    pub state: PersistedState,
    pub dataset: Arc<Dataset>,
    /// Errors, newest last, shown in the window until dismissed.
    pub errors: Vec<AppError>,
    job: Option<LoadJob>,
    dialog: Option<DialogJob>,
    browser: Option<FileBrowser>,
    commands: Vec<Command>,
    ctx: egui::Context,
    faults: Arc<Faults>,
    /// The engine's inputs for the current dataset.
    pub inputs: Option<Arc<Inputs>>,
    computer: Computer,
    /// What the panes draw; replaced when a computation for newer settings finishes.
    pub results: Option<Arc<Results>>,
    /// The backtest shown is from earlier settings; the new one is on its way.
    pub backtest_pending: bool,
    pub compute_error: Option<AppError>,
    /// The settings last sent for computing, the weight sweep asked with them, and the
    /// pinned lenses asked after them.
    requested: Option<Requested>,
    /// The pinned lenses' results that are in (or why they could not be computed), by
    /// their settings.
    pinned: Vec<(Settings, Result<Arc<Results>, AppError>)>,
    /// The weight sweep of the current settings, as far as it has come.
    pub sweep: panes::sensitivity::SweepState,
    undo: Vec<Settings>,
    redo: Vec<Settings>,
    /// The settings as of the last undo step.
    committed: Settings,
    tree: egui_tiles::Tree<Pane>,
    pub panes: Panes,
    pub maximized: Option<Pane>,
    /// The sector lit across charts and tables.
    pub highlight: Highlight,
    exporter: Exporter,
    /// Presentation mode (F5).
    pub presentation: bool,
    /// The last export's outcome, shown in the status bar.
    pub export_message: Option<Status>,
    /// The sample was asked for: an empty dataset falls back to it only once.
    sample_tried: bool,
}

impl WorkbenchApp {
    /// The window: the last session's state, else the defaults in the language of the
    /// command line's `--lang` or the locale; `lang` (an explicit `--lang`) wins over the
    /// session's.
    pub fn new(cc: &eframe::CreationContext<'_>, start: Start, lang: Option<Lang>) -> Self {
        let mut state: PersistedState = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_else(|| PersistedState {
                lang: crate::i18n::lang(),
                ..Default::default()
            });
        if let Some(l) = lang {
            state.lang = l;
        }
        Self::starting(&cc.egui_ctx, state, start)
    }

    /// Build the app on a context with the given state, and start loading its dataset
    /// (the last session's files, else the bundled sample).
    pub fn with_state(ctx: &egui::Context, state: PersistedState) -> Self {
        Self::starting(ctx, state, Start::Session)
    }

    /// Build the app and start loading what `start` says.
    pub fn starting(ctx: &egui::Context, mut state: PersistedState, start: Start) -> Self {
        fonts::install(ctx);
        let tree = state.layout.take().unwrap_or_else(panes::default_tree);
        // A restored session is checked like a settings file: a NaN weight or an absurd
        // lag would otherwise recompute forever or compute nonsense.
        let mut errors = Vec::new();
        if let Err(e) = state.settings.validate() {
            errors.push(AppError::SessionSettings(e));
            state.settings = Settings::default();
        }
        state.pins.truncate(MAX_PINS);
        let mut k = 0;
        state.pins.retain(|p| {
            k += 1;
            match p.settings.validate() {
                Ok(()) => true,
                Err(error) => {
                    errors.push(AppError::SessionPin { pin: k, error });
                    false
                }
            }
        });
        let faults = Arc::new(Faults::default());
        let committed = state.settings.clone();
        let mut app = Self {
            state,
            dataset: Arc::new(Dataset::default()),
            errors,
            job: None,
            dialog: None,
            browser: None,
            commands: Vec::new(),
            ctx: ctx.clone(),
            faults: faults.clone(),
            inputs: None,
            computer: Computer::new(ctx.clone(), faults.clone()),
            results: None,
            backtest_pending: false,
            compute_error: None,
            requested: None,
            pinned: Vec::new(),
            sweep: Default::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            committed,
            tree,
            panes: Panes::default(),
            maximized: None,
            highlight: Highlight::default(),
            exporter: Exporter::new(ctx.clone(), faults),
            presentation: false,
            export_message: None,
            sample_tried: false,
        };
        app.apply_style();
        match start {
            Start::Files(paths) => app.handle(Command::OpenData(paths)),
            Start::Project(path) => app.handle(Command::OpenProject(path)),
            Start::Session => {}
        }
        // Files asked for fall back to the sample if none loads; a project that cannot be
        // opened (its error is shown), or no start at all, restores the last session.
        if app.job.is_some() {
            return app;
        }
        if app.state.session_files.is_empty() {
            app.handle(Command::LoadSample);
        } else {
            let name = app.state.session_name.clone();
            let files = app.state.session_files.clone();
            app.start_load(
                Job::Restoring { name: name.clone() },
                Dataset {
                    name,
                    ..Default::default()
                },
                files,
                LoadMode::Restore,
            );
        }
        app
    }

    /// Make the next job of a worker panic (tests of the supervision).
    pub fn inject_fault(&self, worker: Worker) {
        self.faults.arm(worker);
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
                .filter(|p| p.is_chart())
                .unwrap_or(Pane::Sectors),
        );
        self.apply_style();
    }

    /// Line widths are multiplied by this: thicker in presentation mode.
    pub fn line_scale(&self) -> f32 {
        if self.presentation { 2.0 } else { 1.0 }
    }

    pub fn is_loading(&self) -> bool {
        self.job.is_some()
    }

    /// Queue a command; it runs at the start of the next frame.
    pub fn push(&mut self, cmd: Command) {
        self.commands.push(cmd);
    }

    /// Block until the running load finishes (tests and benchmarks).
    pub fn wait_for_load(&mut self) {
        if let Some(job) = self.job.take() {
            let r = job.wait(Duration::from_secs(120));
            self.finish_load(r);
        }
    }

    /// Run one command. All side effects of the UI go through here.
    pub fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::OpenData(paths) | Command::AddData(paths) if paths.is_empty() => {}
            Command::OpenData(paths) => {
                let base = Dataset {
                    name: data::name_of(&paths),
                    ..Default::default()
                };
                let (job, files) = loading(paths);
                self.start_load(job, base, files, LoadMode::New);
            }
            Command::AddData(paths) => {
                let mut base = (*self.dataset).clone();
                base.name = if base.is_empty() {
                    data::name_of(&paths)
                } else {
                    format!("{} + {}", base.name, data::name_of(&paths))
                };
                let (job, files) = loading(paths);
                self.start_load(job, base, files, LoadMode::Add);
            }
            Command::Remap(kind, mapping) => {
                // Every file of the table (one table may be several files), remapped.
                let files: Vec<SourceFile> = self
                    .dataset
                    .sources
                    .iter()
                    .filter(|s| s.options.kind == Some(kind))
                    .map(|s| {
                        let mut f = s.clone();
                        f.options.mapping = mapping.clone();
                        f
                    })
                    .collect();
                if files.is_empty() {
                    return;
                }
                let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
                let job = Job::Reloading {
                    file: data::name_of(&paths),
                };
                self.start_load(job, (*self.dataset).clone(), files, LoadMode::Add);
            }
            Command::LoadSample => {
                self.sample_tried = true;
                let base = Dataset {
                    name: "S&P 500 sample (fiscal 2012-2016)".into(),
                    ..Default::default()
                };
                self.start_load(Job::Sample, base, data::sample_files(), LoadMode::Restore);
            }
            Command::OpenProject(path) => match Project::open(&path) {
                Ok(p) => {
                    self.state.project_path = Some(path);
                    self.state.settings = p.settings.clone();
                    self.state.view = p.view.clone();
                    self.state.pins = p.pins.clone();
                    if let Ok(tree) = serde_json::from_str(&p.layout) {
                        self.tree = tree;
                        self.maximized = None;
                    }
                    let base = Dataset {
                        name: p.dataset.name.clone(),
                        ..Default::default()
                    };
                    self.start_load(
                        Job::OpeningProject {
                            name: p.dataset.name.clone(),
                        },
                        base,
                        p.dataset.files,
                        LoadMode::Restore,
                    );
                }
                Err(e) => self.errors.push(e.into()),
            },
            Command::SaveProject(path) => {
                let project = self.project();
                match project.save(&path) {
                    Ok(()) => self.state.project_path = Some(path),
                    Err(e) => self.errors.push(e.into()),
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
            Command::ExportDeck => self.start_deck(),
            Command::ApplyPreset(id) => match crate::engine::presets::preset(&id) {
                Some(p) => p.apply(&mut self.state.settings),
                None => self.errors.push(AppError::NoPreset { id }),
            },
            Command::Pin => self.pin(),
            Command::Unpin(k) => {
                if k < self.state.pins.len() {
                    self.state.pins.remove(k);
                }
                self.forget_unpinned();
            }
            Command::UnpinAll => {
                self.state.pins.clear();
                self.forget_unpinned();
            }
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
            view: self.state.view.clone(),
            pins: self.state.pins.clone(),
        }
    }

    /// Pin the current settings: refused beyond [`MAX_PINS`] or when they are pinned
    /// already. The results on screen are the pin's when they are these settings' and
    /// complete; else the pin is computed after the live lens.
    fn pin(&mut self) {
        let settings = &self.state.settings;
        if let Some(k) = self.state.pins.iter().position(|p| p.settings == *settings) {
            self.errors.push(AppError::AlreadyPinned { pin: k + 1 });
            return;
        }
        if self.state.pins.len() >= MAX_PINS {
            self.errors.push(AppError::TooManyPins { max: MAX_PINS });
            return;
        }
        self.state.pins.push(Pin {
            settings: settings.clone(),
        });
        if let Some(r) = &mut self.requested {
            r.pins.retain(|s| s != settings);
        }
        if let Some(r) = &self.results
            && r.settings == *settings
            && !self.backtest_pending
            && r.backtest.is_some()
            && self.compute_error.is_none()
        {
            let r = r.clone();
            self.keep_pinned(settings.clone(), Ok(r));
        }
    }

    /// A pinned lens's results, kept while it is pinned (results replace a failure: a
    /// worker's panic is not the settings' fault).
    fn keep_pinned(&mut self, settings: Settings, r: Result<Arc<Results>, AppError>) {
        if !self.state.pins.iter().any(|p| p.settings == settings) {
            return;
        }
        match self.pinned.iter_mut().find(|(s, _)| *s == settings) {
            None => self.pinned.push((settings, r)),
            Some(had) if had.1.is_err() && r.is_ok() => had.1 = r,
            Some(_) => {}
        }
    }

    /// Drop the results of lenses no longer pinned, and forget they were asked for (pinned
    /// again, they are asked again).
    fn forget_unpinned(&mut self) {
        let pins = &self.state.pins;
        self.pinned
            .retain(|(s, _)| pins.iter().any(|p| p.settings == *s));
        if let Some(r) = &mut self.requested {
            r.pins.retain(|s| pins.iter().any(|p| p.settings == *s));
        }
    }

    /// The pinned lenses whose results are not in.
    fn missing_pins(&self) -> Vec<Settings> {
        self.state
            .pins
            .iter()
            .filter(|p| !self.pinned.iter().any(|(s, _)| *s == p.settings))
            .map(|p| p.settings.clone())
            .collect()
    }

    /// Each pinned lens, named, with its results or their state.
    pub fn pin_views(&self) -> Vec<chart::Pinned> {
        self.state
            .pins
            .iter()
            .enumerate()
            .map(|(k, p)| chart::Pinned {
                name: LensName::of(Lens::Pinned(k), &p.settings),
                results: match self.pinned.iter().find(|(s, _)| *s == p.settings) {
                    Some((_, Ok(r))) => chart::PinResults::Ready(r.clone()),
                    Some((_, Err(e))) => chart::PinResults::Failed(e.clone()),
                    None => chart::PinResults::Computing,
                },
            })
            .collect()
    }

    /// The lenses the charts draw: the live one's name and the pins.
    pub fn lenses(&self) -> chart::Lenses {
        chart::Lenses {
            live: LensName::of(Lens::Live, &self.state.settings),
            pins: self.pin_views(),
        }
    }

    /// Load `files` on a worker thread, on top of `base`. The current dataset is replaced
    /// only by what loads; a file that fails leaves its table as it was.
    fn start_load(&mut self, job: Job, base: Dataset, files: Vec<SourceFile>, mode: LoadMode) {
        if self.job.is_some() {
            self.errors.push(AppError::Busy { job });
            return;
        }
        let keep = match mode {
            LoadMode::Add | LoadMode::New => Keep::IfAnyFailed,
            LoadMode::Restore => Keep::IfNothingLoaded,
        };
        self.job = Some(LoadJob::start(
            job,
            base,
            files,
            keep,
            self.ctx.clone(),
            self.faults.clone(),
        ));
    }

    fn finish_load(&mut self, done: Result<Loaded, AppError>) {
        let done = match done {
            Ok(d) => d,
            // The loader failed: what was loaded stays.
            Err(e) => {
                self.errors.push(e);
                return;
            }
        };
        self.errors.extend(done.errors);
        let Some((dataset, inputs)) = done.changed else {
            // Nothing changed (a file failed, or nothing loaded): what is on screen stays;
            // with nothing on screen at all, the sample, once.
            self.fall_back_to_sample();
            return;
        };
        for p in done.loaded {
            self.state.recent_files.retain(|r| *r != p);
            self.state.recent_files.insert(0, p);
            self.state.recent_files.truncate(MAX_RECENT);
        }
        let is_sample = dataset
            .sources
            .iter()
            .all(|s| s.path.starts_with(data::sample_dir()));
        self.state.session_files = if is_sample {
            Vec::new()
        } else {
            dataset.sources.clone()
        };
        self.state.session_name = dataset.name.clone();
        let shown = self.panes.data.selected;
        if dataset.table(shown).is_none()
            && let Some(k) = TableKind::ALL
                .into_iter()
                .find(|k| dataset.table(*k).is_some())
        {
            self.panes.data.selected = k;
        }
        self.dataset = Arc::new(dataset);
        self.panes.data.pending = None;
        match inputs {
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
        // What the worker still sends is the old data's: dropped.
        self.computer.cancel();
        // The pins stay; their results are the new data's, computed after the live lens.
        self.pinned.clear();
        self.fall_back_to_sample();
    }

    /// Last session's files gone (moved, deleted), or the files asked for at start failed:
    /// the sample instead; tried once, so a missing sample does not load forever.
    fn fall_back_to_sample(&mut self) {
        if self.dataset.is_empty() && !self.sample_tried {
            self.handle(Command::LoadSample);
        }
    }

    fn poll_jobs(&mut self) {
        if let Some(job) = &self.job
            && let Some(done) = job.poll()
        {
            self.job = None;
            self.finish_load(done);
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
            Purpose::OpenData | Purpose::OpenFolder => self.handle(Command::OpenData(paths)),
            Purpose::AddData => self.handle(Command::AddData(paths)),
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
        let (data_filter, project_filter) = (tr("Data (CSV, Parquet, Excel)"), tr("HALO project"));
        std::thread::spawn(move || {
            let mut d = rfd::FileDialog::new();
            if let Some(dir) = dir {
                d = d.set_directory(dir);
            }
            let picked = match purpose {
                Purpose::OpenData | Purpose::AddData => d
                    .add_filter(data_filter, &["csv", "txt", "tsv", "parquet", "xlsx"])
                    .pick_files(),
                Purpose::OpenFolder => d.pick_folder().map(|p| vec![p]),
                Purpose::OpenProject => d
                    .add_filter(project_filter, &["toml"])
                    .pick_file()
                    .map(|p| vec![p]),
                Purpose::SaveProject => d
                    .add_filter(project_filter, &["toml"])
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
                if let Some(cmd) = dataset::open_buttons(ui) {
                    self.push(cmd);
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
                if ui
                    .button(tr("Export deck (PDF and PNGs)"))
                    .on_hover_text(tr(
                        "A cover (dataset, date, lens and weights, data sources) and one page per chart, in the interface's language",
                    ))
                    .clicked()
                {
                    self.push(Command::ExportDeck);
                }
                ui.horizontal(|ui| {
                    ui.label(tr("Export format"));
                    for f in Format::ALL {
                        ui.selectable_value(
                            &mut self.state.export_format,
                            f,
                            f.ext().to_ascii_uppercase(),
                        )
                        .on_hover_text(match f {
                            Format::Png => tr("Pixels, at the export scale"),
                            Format::Svg | Format::Pdf => {
                                tr("Vectors: text stays text, lines stay lines")
                            }
                        });
                    }
                });
                // The scale and the clipboard are a PNG's: a vector has no pixels.
                ui.add_enabled_ui(self.state.export_format == Format::Png, |ui| {
                    ui.horizontal(|ui| {
                        ui.label(tr("Export scale"));
                        for s in [1.0, 2.0, 3.0] {
                            ui.selectable_value(&mut self.state.export_scale, s, format!("{s}x"));
                        }
                    });
                    ui.checkbox(
                        &mut self.state.export_to_clipboard,
                        tr("Copy exported images to the clipboard"),
                    );
                });
                ui.checkbox(&mut self.state.export_dark, tr("Export in the dark theme"));
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
                    let l = ui.label(tr("UI scale"));
                    if ui
                        .add(
                            egui::Slider::new(&mut self.state.zoom, 0.75..=2.0)
                                .step_by(0.25)
                                .clamping(egui::SliderClamping::Edits),
                        )
                        .labelled_by(l.id)
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
                let seconds = job.started.elapsed().as_secs_f32();
                let status = if f < 1.0 {
                    Status::Reading {
                        job: job.job.clone(),
                        percent: f * 100.0,
                        seconds,
                    }
                } else {
                    Status::Parsing {
                        job: job.job.clone(),
                        seconds,
                    }
                };
                ui.label(status.text());
                ui.add(egui::ProgressBar::new(f).desired_width(160.0));
                // Keep the elapsed time and bar moving.
                ui.ctx().request_repaint_after(Duration::from_millis(100));
            } else if self.exporter.busy() {
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
                let ready = Status::Ready {
                    dataset: ds.name.clone(),
                    tables,
                };
                ui.label(ready.text());
                if let Some(m) = &self.export_message {
                    ui.separator();
                    ui.label(m.text());
                }
                if let Some(p) = &self.state.project_path {
                    ui.separator();
                    let project = Status::Project {
                        path: p.display().to_string(),
                    };
                    ui.label(project.text());
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
                        if ui.small_button(tr("Dismiss")).clicked() {
                            dismiss = Some(i);
                        }
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{}: {}", tr("Error"), e.text()),
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
        // A new dataset, or with Shift held added to this one.
        if !dropped.is_empty() {
            if ctx.input(|i| i.modifiers.shift) {
                self.push(Command::AddData(dropped));
            } else {
                self.push(Command::OpenData(dropped));
            }
        }
    }

    /// Recompute when the settings differ from what was last requested (no apply button),
    /// or a pinned lens's results are missing and were not asked for.
    fn request_if_changed(&mut self) {
        let Some(inputs) = &self.inputs else { return };
        let sweep = panes::sensitivity::spec(self.state.view.sensitivity);
        let mut missing = self.missing_pins();
        // A pin of the settings being computed gets the live results when they come.
        if self.computer.busy()
            && let Some(r) = &self.requested
            && r.settings == self.state.settings
        {
            missing.retain(|m| *m != r.settings);
        }
        // (Compared in place: this runs every frame, and the settings are cloned only to send.)
        let (same_settings, same_sweep, pins_asked) = match &self.requested {
            Some(r) => (
                r.settings == self.state.settings,
                r.sweep == sweep,
                missing.iter().all(|m| r.pins.contains(m)),
            ),
            None => (false, false, false),
        };
        if same_settings && same_sweep && pins_asked {
            return;
        }
        self.requested = Some(Requested {
            settings: self.state.settings.clone(),
            sweep,
            pins: missing.clone(),
        });
        // Only the sweep's tick changed, and the results on screen are these settings':
        // sweep them, or stop the sweep, without computing the results again (unless a
        // pinned lens is to be computed: it goes with a job of the live lens).
        let shown = self.results.is_some() && self.compute_error.is_none();
        if same_settings && shown && !self.computer.busy() && missing.is_empty() {
            match sweep {
                Some(spec) => {
                    self.computer
                        .request_sweep(inputs.clone(), self.state.settings.clone(), spec)
                }
                None => self.computer.cancel(),
            }
        } else {
            self.computer
                .request(inputs.clone(), self.state.settings.clone(), sweep, missing);
        }
        self.sweep.expect(self.computer.generation, sweep.is_some());
    }

    fn take(&mut self, done: Vec<Done>) {
        for d in done {
            match d {
                Done::Fast(_, r) => {
                    // Until the new backtest arrives, keep showing the last one, marked.
                    let mut r = r;
                    r.backtest = self.results.as_ref().and_then(|old| old.backtest.clone());
                    self.backtest_pending = true;
                    self.results = Some(Arc::new(r));
                    self.compute_error = None;
                }
                Done::Complete(_, r) => {
                    self.backtest_pending = false;
                    let r = Arc::new(r);
                    // A lens pinned while these settings computed has them as its results.
                    self.keep_pinned(r.settings.clone(), Ok(r.clone()));
                    self.results = Some(r);
                    self.compute_error = None;
                }
                Done::Failed(g, e) => {
                    self.backtest_pending = false;
                    if matches!(e, AppError::WorkerStopped { .. }) {
                        // Its job is lost: everything is asked for again.
                        self.requested = None;
                    } else if let Some(s) = self.requested.as_ref().map(|r| r.settings.clone()) {
                        self.keep_pinned(s, Err(e.clone()));
                    }
                    self.compute_error = Some(e);
                    self.sweep.fail(g);
                }
                Done::Pinned(id, settings, r) => {
                    if self.inputs.as_ref().is_some_and(|i| i.id == id) {
                        self.keep_pinned(settings, r);
                    }
                }
                Done::SweepPoint(g, x) => self.sweep.point(g, x),
                Done::Sweep(g, r) => self.sweep.finish(g, r),
            }
        }
    }

    fn poll_compute(&mut self) {
        let done = self.computer.poll();
        self.take(done);
    }

    /// Block until the results for the current settings are in (tests, benchmarks).
    pub fn wait_for_results(&mut self) {
        self.request_if_changed();
        if self.computer.busy() {
            let done = self.computer.wait(Duration::from_secs(120));
            self.take(done);
        }
        // The pinned lenses, computed after the live one.
        let end = Instant::now() + Duration::from_secs(120);
        while self.inputs.is_some() && !self.missing_pins().is_empty() && Instant::now() < end {
            self.request_if_changed();
            if let Some(d) = self.computer.next(Duration::from_millis(200)) {
                self.take(vec![d]);
            }
        }
    }

    /// Use a dataset built in code (synthetic universes for benchmarks), as if loaded.
    pub fn set_dataset(&mut self, ds: Dataset) {
        let inputs = Inputs::new(&ds).map_err(AppError::Engine);
        self.finish_load(Ok(Loaded {
            changed: Some((ds, inputs)),
            errors: Vec::new(),
            loaded: Vec::new(),
        }));
    }

    /// The live lens, or a pinned one, is being computed.
    pub fn is_computing(&self) -> bool {
        self.computer.busy() || (self.inputs.is_some() && !self.missing_pins().is_empty())
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

    /// Whether Edit > Undo has a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
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
        if ctx.input_mut(|i| i.consume_shortcut(&PIN_SHORTCUT)) {
            self.push(Command::Pin);
        }
        if sc(Modifiers::COMMAND, Key::E) {
            self.push(Command::Export(Figure::Dashboard));
        }
        if sc(Modifiers::NONE, Key::F5) {
            self.set_presentation(!self.presentation);
        }
        if self.presentation && !ctx.egui_wants_keyboard_input() {
            let slides = Pane::charts();
            let step = |d: isize, m: Option<Pane>| {
                let i = m
                    .and_then(|p| slides.iter().position(|x| *x == p))
                    .unwrap_or(0) as isize;
                slides[(i + d).rem_euclid(slides.len() as isize) as usize]
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
                dataset::summary(self, ui);
                ui.separator();
                controls::weights(self, ui);
                controls::options(self, ui);
                controls::basket(self, ui);
                ui.separator();
                controls::lens_presets(self, ui);
                ui.separator();
                controls::compare(self, ui);
                ui.separator();
                controls::scenarios(self, ui);
            });
    }

    /// What is on screen, for a figure: the results shown and the view they are shown in.
    pub fn scene(&self) -> Option<Scene> {
        Some(Scene {
            results: self.results.clone()?,
            view: self.state.view.clone(),
            dataset: self.dataset.name.clone(),
            sources: figure::sources(&self.dataset),
            sweep: self.sweep.settled(),
            lang: self.state.lang,
            lenses: self.lenses(),
        })
    }

    /// Draw a figure of what is on screen on the export worker, and write it (in the
    /// export format) and its CSV to the export folder. Nothing is reloaded or recomputed.
    fn start_export(&mut self, figure: Figure) {
        let Some(scene) = self.scene() else {
            self.errors.push(messages::ExportError::NoResults.into());
            return;
        };
        let req = FigureRequest {
            figure,
            scale: self.state.export_scale,
            dark: self.state.export_dark,
        };
        let format = self.state.export_format;
        let scale = match format {
            Format::Png => format!("_{}x", req.scale),
            Format::Svg | Format::Pdf => String::new(),
        };
        let out = self.export_folder().join(format!(
            "halo_{}_{}{scale}.{}",
            figure.id(),
            scene.results.as_of(),
            format.ext()
        ));
        self.exporter
            .start(scene, ExportKind::Figure { req, format }, out);
        self.export_message = None;
    }

    /// The export folder: the one chosen, else the working folder.
    fn export_folder(&self) -> PathBuf {
        self.state
            .export_dir
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default()
    }

    /// Draw the deck of what is on screen on the export worker: `halo_deck_<date>.pdf` and
    /// the folder of its pages as PNG.
    fn start_deck(&mut self) {
        let Some(scene) = self.scene() else {
            self.errors.push(messages::ExportError::NoResults.into());
            return;
        };
        let out = self
            .export_folder()
            .join(format!("halo_deck_{}.pdf", scene.results.as_of()));
        let kind = ExportKind::Deck {
            dark: self.state.export_dark,
        };
        self.exporter.start(scene, kind, out);
        self.export_message = None;
    }

    fn finish_export(&mut self, done: Result<jobs::Exported, AppError>) {
        match done {
            Ok(jobs::Exported::Figure { image, written }) => {
                if let Some(image) = image.filter(|_| self.state.export_to_clipboard) {
                    let size = [image.width() as usize, image.height() as usize];
                    self.ctx
                        .copy_image(egui::ColorImage::from_rgba_unmultiplied(
                            size,
                            image.as_raw(),
                        ));
                }
                self.export_message = Some(Status::Saved {
                    path: written.figure.display().to_string(),
                    extent: written.extent,
                });
            }
            Ok(jobs::Exported::Deck(d)) => {
                self.export_message = Some(Status::SavedDeck {
                    path: d.pdf.display().to_string(),
                    folder: d.folder.display().to_string(),
                    pages: d.pages,
                    not_drawn: d
                        .not_drawn
                        .iter()
                        .map(|(p, _)| p.title().to_string())
                        .collect(),
                });
            }
            Err(e) => self.errors.push(e),
        }
    }

    fn poll_export(&mut self) {
        if let Some(done) = self.exporter.poll() {
            self.finish_export(done);
        }
    }

    pub fn is_exporting(&self) -> bool {
        self.exporter.busy()
    }

    /// Block until the running export finishes (tests).
    pub fn wait_for_export(&mut self) {
        if let Some(done) = self.exporter.wait(Duration::from_secs(120)) {
            self.finish_export(done);
        }
    }

    fn central(&mut self, ui: &mut egui::Ui) {
        self.errors_ui(ui);
        if let Some(e) = &self.compute_error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{}: {}", tr("Error"), e.text()),
            );
        }
        let line_scale = self.line_scale();
        let lenses = self.lenses();
        let mut ctx = PaneCtx {
            results: self.results.as_ref(),
            backtest_pending: self.backtest_pending,
            dataset: &self.dataset,
            inputs: self.inputs.as_ref(),
            view: &mut self.state.view,
            settings: &mut self.state.settings,
            highlight: &mut self.highlight,
            commands: &mut self.commands,
            sweep: &self.sweep,
            figure: false,
            line_scale,
            lenses: &lenses,
        };
        if let Some(p) = self.maximized {
            panes::pane_ui(&mut self.panes, ui, p, &mut ctx, &mut self.maximized);
            return;
        }
        let mut behavior = panes::Behavior {
            panes: &mut self.panes,
            ctx,
            maximized: &mut self.maximized,
        };
        self.tree.ui(&mut behavior, ui);
    }
}

use data::file_name;

/// What was last sent for computing.
struct Requested {
    settings: Settings,
    sweep: Option<crate::engine::sensitivity::SweepSpec>,
    /// The pinned lenses asked for after the live one.
    pins: Vec<Settings>,
}

/// How a load relates to the dataset on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LoadMode {
    /// Tables added to it (or one reloaded with a new mapping): it stays as it was if one
    /// of the files fails.
    Add,
    /// A new dataset of the user's files: the one before stays if one of them fails.
    New,
    /// The sample, a project, the last session: it stays only if nothing loads.
    Restore,
}

/// The job and the files of loading `paths` with their formats guessed.
fn loading(paths: Vec<PathBuf>) -> (Job, Vec<SourceFile>) {
    let files: Vec<SourceFile> = paths
        .into_iter()
        .map(|path| SourceFile {
            path,
            options: LoadOptions::default(),
        })
        .collect();
    let job = Job::Loading {
        files: files.iter().map(|f| file_name(&f.path)).collect(),
    };
    (job, files)
}

impl eframe::App for WorkbenchApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        crate::i18n::set_lang(self.state.lang);
        self.poll_jobs();
        self.poll_compute();
        self.poll_export();
        self.dropped_files(&ctx);
        self.shortcuts(&ctx);
        for cmd in std::mem::take(&mut self.commands) {
            self.handle(cmd);
        }
        self.highlight.next_frame();
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        // A narrower panel on a small screen leaves the charts room.
        let width = (ui.available_width() * 0.28).clamp(240.0, 320.0);
        egui::Panel::left("controls")
            .resizable(true)
            .default_size(width)
            .show(ui, |ui| self.controls(ui));
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
                        ui.heading(tr("Drop to open as a new dataset (hold Shift to add)"))
                    });
                });
        }
        self.commit_undo_step(&ctx);
        self.request_if_changed();
        if self.is_computing() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.state.layout = Some(self.tree.clone());
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
        self.state.layout = None;
    }
}

/// Open the window, loading `files` when given (else the last session, or the sample).
/// What the window opens with.
#[derive(Clone, Debug)]
pub enum Start {
    /// The last session's files, else the sample.
    Session,
    /// These data files, as a new dataset (`halo-workbench FILE...`).
    Files(Vec<PathBuf>),
    /// A project file.
    Project(PathBuf),
}

impl Start {
    /// From the command line's files: one `.toml` is a project, anything else data.
    pub fn from_args(files: Vec<PathBuf>) -> Start {
        match files.as_slice() {
            [] => Start::Session,
            [p] if p
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml")) =>
            {
                Start::Project(p.clone())
            }
            _ => Start::Files(files),
        }
    }
}

/// Open the window; `lang`: the language asked for on the command line.
pub fn run(start: Start, lang: Option<Lang>) -> std::process::ExitCode {
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
        Box::new(move |cc| Ok(Box::new(WorkbenchApp::new(cc, start, lang)))),
    ) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
