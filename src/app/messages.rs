//! What the window says: errors of every layer, the work in progress, and its status
//! line, as enums with their fields, each written in both languages.

use super::figure::Extent;
use crate::bi;
use crate::data::LoadError;
use crate::engine::EngineError;
use crate::engine::settings::ConfigError;
pub use crate::export::ExportError;
use crate::i18n::{Lang, Localize};

/// A thread the window hands work to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Worker {
    /// Reads files into a dataset.
    Loader,
    /// Turns data and settings into results.
    Compute,
    /// Draws and writes figures.
    Export,
}

impl Localize for Worker {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Worker::Loader => bi!(lang, "loading", "载入"),
            Worker::Compute => bi!(lang, "computing", "计算"),
            Worker::Export => bi!(lang, "exporting", "导出"),
        }
    }
}

/// Work that runs off the UI thread, as the status bar names it.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    Loading { files: Vec<String> },
    Reloading { file: String },
    Sample,
    OpeningProject { name: String },
    Restoring { name: String },
}

impl Localize for Job {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Job::Loading { files } => {
                let f = crate::i18n::join(lang, files);
                bi!(lang, "Loading {f}", "正在载入 {f}")
            }
            Job::Reloading { file } => bi!(
                lang,
                "Reloading {file} with your mapping",
                "正在按您的映射重新载入 {file}"
            ),
            Job::Sample => bi!(lang, "Loading the bundled sample", "正在载入内置样本"),
            Job::OpeningProject { name } => {
                bi!(lang, "Opening project {name}", "正在打开项目 {name}")
            }
            Job::Restoring { name } => bi!(lang, "Restoring {name}", "正在恢复 {name}"),
        }
    }
}

/// Everything the window shows as an error.
#[derive(Clone, Debug, PartialEq)]
pub enum AppError {
    Load(LoadError),
    Engine(EngineError),
    Config(ConfigError),
    Export(ExportError),
    /// A worker thread panicked; it was restarted and the app goes on.
    WorkerFailed {
        worker: Worker,
        panic: String,
    },
    /// A worker thread ended without answering.
    WorkerStopped {
        worker: Worker,
    },
    /// A load was asked for while another one runs.
    Busy {
        job: Job,
    },
    TimedOut {
        job: Job,
    },
    NoPreset {
        id: String,
    },
    /// The last session's settings held a value out of range; the defaults are used.
    SessionSettings(crate::engine::settings::OutOfRange),
    /// A pinned lens of the last session held a value out of range (pin `pin`, from 1);
    /// it was unpinned.
    SessionPin {
        pin: usize,
        error: crate::engine::settings::OutOfRange,
    },
    /// A pin asked for with [`crate::engine::compare::MAX_PINS`] lenses pinned already.
    TooManyPins {
        max: usize,
    },
    /// The current lens is already pinned, as pin `pin` (from 1).
    AlreadyPinned {
        pin: usize,
    },
}

impl Localize for AppError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            AppError::Load(e) => e.localize(lang),
            AppError::Engine(e) => e.localize(lang),
            AppError::Config(e) => e.localize(lang),
            AppError::Export(e) => e.localize(lang),
            AppError::WorkerFailed { worker, panic } => {
                let w = worker.localize(lang);
                bi!(
                    lang,
                    "{w} failed unexpectedly ({panic}); it was restarted and what you had loaded is kept. Please report this with the file that caused it",
                    "{w}意外失败（{panic}）；已重新启动，已载入的内容保持不变。请连同引起问题的文件一起报告"
                )
            }
            AppError::WorkerStopped { worker } => {
                let w = worker.localize(lang);
                bi!(
                    lang,
                    "{w} stopped without an answer; it was restarted",
                    "{w}未给出结果就停止了；已重新启动"
                )
            }
            AppError::Busy { job } => {
                let j = job.localize(lang);
                bi!(
                    lang,
                    "{j}: another file is still loading; try again when it has finished",
                    "{j}：另一个文件仍在载入；请在其完成后重试"
                )
            }
            AppError::TimedOut { job } => {
                let j = job.localize(lang);
                bi!(lang, "{j}: timed out", "{j}：超时")
            }
            AppError::NoPreset { id } => {
                bi!(lang, "no preset named {id:?}", "没有名为 {id:?} 的预设")
            }
            AppError::SessionPin { pin, error } => {
                let (key, value, allowed) =
                    (&error.key, &error.value, error.allowed.localize(lang));
                bi!(
                    lang,
                    "pinned lens {pin} of the last session was unpinned: {key} = {value}, but it must be {allowed}",
                    "上次会话的参照视角 {pin} 已取消：{key} = {value}，但它必须为 {allowed}"
                )
            }
            AppError::TooManyPins { max } => bi!(
                lang,
                "at most {max} lenses can be pinned: unpin one first",
                "最多固定 {max} 个参照视角：请先取消一个"
            ),
            AppError::AlreadyPinned { pin } => bi!(
                lang,
                "these settings are already pinned, as pinned lens {pin}",
                "当前设置已固定为参照视角 {pin}"
            ),
            AppError::SessionSettings(e) => {
                let (key, value, allowed) = (&e.key, &e.value, e.allowed.localize(lang));
                bi!(
                    lang,
                    "the last session's settings were not restored: {key} = {value}, but it must be {allowed}; the defaults are in place",
                    "未恢复上次会话的设置：{key} = {value}，但它必须为 {allowed}；已改用默认设置"
                )
            }
        }
    }
}

impl From<LoadError> for AppError {
    fn from(e: LoadError) -> Self {
        AppError::Load(e)
    }
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        AppError::Engine(e)
    }
}

impl From<ConfigError> for AppError {
    fn from(e: ConfigError) -> Self {
        AppError::Config(e)
    }
}

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        AppError::Export(e)
    }
}

/// What the status bar says.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Reading {
        job: Job,
        percent: f32,
        seconds: f32,
    },
    Parsing {
        job: Job,
        seconds: f32,
    },
    Ready {
        dataset: String,
        tables: usize,
    },
    Saved {
        path: String,
        extent: Extent,
    },
    SavedDeck {
        path: String,
        folder: String,
        pages: usize,
        /// The charts whose page says why it could not be drawn.
        not_drawn: Vec<String>,
    },
    Project {
        path: String,
    },
}

impl Localize for Status {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Status::Reading {
                job,
                percent,
                seconds,
            } => {
                let j = job.localize(lang);
                bi!(
                    lang,
                    "{j} — reading {percent:.0}% — {seconds:.1} s",
                    "{j} — 读取中 {percent:.0}% — {seconds:.1} 秒"
                )
            }
            Status::Parsing { job, seconds } => {
                let j = job.localize(lang);
                bi!(
                    lang,
                    "{j} — parsing and checking — {seconds:.1} s",
                    "{j} — 解析与检查中 — {seconds:.1} 秒"
                )
            }
            Status::Ready { dataset, tables } => bi!(
                lang,
                "{dataset} — {tables} table(s) loaded",
                "{dataset} — 已载入 {tables} 张表"
            ),
            Status::Saved { path, extent } => {
                let extent = extent.localize(lang);
                bi!(lang, "Saved {path} ({extent})", "已保存 {path}（{extent}）")
            }
            Status::SavedDeck {
                path,
                folder,
                pages,
                not_drawn,
            } => {
                let saved = bi!(
                    lang,
                    "Saved the deck {path} ({pages} pages) and its pages as PNG in {folder}",
                    "已保存简报 {path}（{pages} 页），其各页 PNG 在 {folder}"
                );
                if not_drawn.is_empty() {
                    saved
                } else {
                    let list = crate::i18n::join(lang, not_drawn);
                    bi!(
                        lang,
                        "{saved}; not drawn on this data (their pages and the cover say why): {list}",
                        "{saved}；以下图表在此数据上无法绘制（其页面与封面说明原因）：{list}"
                    )
                }
            }
            Status::Project { path } => bi!(lang, "project {path}", "项目 {path}"),
        }
    }
}

crate::english_display!(Worker, Job, AppError, Status);

/// The message of a caught panic.
pub fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
