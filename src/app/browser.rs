//! A built-in file browser: the fallback when no system file dialog can be shown (rfd's
//! portal backend shows nothing where no desktop portal runs), and always available as
//! File > Open path… for typing or pasting a path.

use std::path::{Path, PathBuf};

use crate::data::error::IoFailure;
use crate::i18n::{Localize, tr};

/// What the chosen path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    OpenData,
    AddData,
    /// A folder of data files (one per ticker, say), as a new dataset.
    OpenFolder,
    OpenProject,
    SaveProject,
}

impl Purpose {
    fn title(self) -> &'static str {
        match self {
            Purpose::OpenData => tr("Open data file"),
            Purpose::AddData => tr("Add data to the dataset"),
            Purpose::OpenFolder => tr("Open a folder of data files"),
            Purpose::OpenProject => tr("Open project"),
            Purpose::SaveProject => tr("Save project as"),
        }
    }

    fn shows(self, p: &Path) -> bool {
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match self {
            Purpose::OpenData | Purpose::AddData => matches!(
                ext.as_str(),
                "csv" | "txt" | "tsv" | "parquet" | "pq" | "xlsx" | "xlsm"
            ),
            Purpose::OpenProject | Purpose::SaveProject => ext == "toml",
            Purpose::OpenFolder => false,
        }
    }
}

pub struct FileBrowser {
    pub purpose: Purpose,
    pub dir: PathBuf,
    /// The path being typed (a file name in `dir`, or a full path).
    pub input: String,
    entries: Vec<(String, bool)>,
    error: Option<(PathBuf, IoFailure)>,
}

impl FileBrowser {
    pub fn new(purpose: Purpose, dir: PathBuf) -> Self {
        let mut b = Self {
            purpose,
            dir,
            input: String::new(),
            entries: Vec::new(),
            error: None,
        };
        b.refresh();
        b
    }

    fn refresh(&mut self) {
        self.entries.clear();
        match std::fs::read_dir(&self.dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let p = e.path();
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = p.is_dir();
                    if is_dir || self.purpose.shows(&p) {
                        self.entries.push((name, is_dir));
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase()))
                });
                self.error = None;
            }
            Err(e) => self.error = Some((self.dir.clone(), e.into())),
        }
    }

    fn target(&self) -> PathBuf {
        let typed = PathBuf::from(self.input.trim());
        if typed.is_absolute() {
            typed
        } else {
            self.dir.join(typed)
        }
    }

    /// Draw the browser; returns the chosen path, or `Err(())` when cancelled.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<Result<PathBuf, ()>> {
        let mut result = None;
        let mut open = true;
        egui::Window::new(self.purpose.title())
            .open(&mut open)
            .collapsible(false)
            .default_size([520.0, 420.0])
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    if ui.button(tr("↑ Up")).clicked()
                        && let Some(parent) = self.dir.parent()
                    {
                        self.dir = parent.to_path_buf();
                        self.refresh();
                    }
                    ui.label(self.dir.display().to_string());
                });
                if let Some((dir, e)) = &self.error {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("{}: {}", dir.display(), e.text()),
                    );
                }
                ui.separator();
                let mut go_into = None;
                egui::ScrollArea::vertical()
                    .max_height(260.0)
                    .show(ui, |ui| {
                        for (name, is_dir) in &self.entries {
                            let label = if *is_dir {
                                format!("{name}/")
                            } else {
                                format!("  {name}")
                            };
                            let r = ui.selectable_label(self.input == *name, label);
                            if r.clicked() {
                                if *is_dir {
                                    go_into = Some(name.clone());
                                } else {
                                    self.input = name.clone();
                                }
                            }
                            if r.double_clicked() && !is_dir {
                                result = Some(Ok(self.dir.join(name)));
                            }
                        }
                    });
                if let Some(d) = go_into {
                    self.dir = self.dir.join(d);
                    self.input.clear();
                    self.refresh();
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let l = ui.label(tr("Path:"));
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.input)
                                .desired_width(320.0)
                                .hint_text(tr("file name or full path")),
                        )
                        .labelled_by(l.id);
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let verb = if self.purpose == Purpose::SaveProject {
                        tr("Save")
                    } else {
                        tr("Open")
                    };
                    if (ui.button(verb).clicked() || enter) && !self.input.trim().is_empty() {
                        let t = self.target();
                        if t.is_dir() {
                            self.dir = t;
                            self.input.clear();
                            self.refresh();
                        } else {
                            result = Some(Ok(t));
                        }
                    }
                    if self.purpose == Purpose::OpenFolder
                        && ui.button(tr("Open this folder")).clicked()
                    {
                        result = Some(Ok(self.dir.clone()));
                    }
                    if ui.button(tr("Cancel")).clicked() {
                        result = Some(Err(()));
                    }
                });
            });
        if !open {
            result = Some(Err(()));
        }
        result
    }
}
