//! Loading and exporting off the UI thread, supervised: a panic becomes an error naming
//! the worker and the window goes on; a worker that ends without answering is noticed.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::{Duration, Instant};

use super::figure::{
    Drawing, FigureRequest, Format, Renderer, Scene, Written, WrittenDeck, write, write_deck,
};
use super::messages::{AppError, Job, Worker};
use super::worker::{Faults, guarded};
use crate::data::{self, Dataset, Progress, SourceFile};
use crate::engine::pipeline::Inputs;

/// A finished load: the new dataset with the engine's inputs built from it (on the
/// loading thread too), the files that failed, and those that loaded.
pub struct Loaded {
    /// None when the load changes nothing: a file failed and the dataset before stays, or
    /// nothing loaded.
    pub changed: Option<(Dataset, Result<Inputs, AppError>)>,
    pub errors: Vec<AppError>,
    pub loaded: Vec<PathBuf>,
}

pub struct LoadJob {
    pub job: Job,
    pub started: Instant,
    pub progress: Arc<Progress>,
    rx: Receiver<Result<Loaded, AppError>>,
}

/// When a load keeps the dataset that was there instead of what it built.
pub enum Keep {
    /// When no file loaded (the sample, a project or session whose files are all gone).
    IfNothingLoaded,
    /// When a file the user named failed: the user's files, all of them, or nothing
    /// changes (a file found in a folder that fails is reported, the others load).
    IfAnyFailed,
}

impl LoadJob {
    /// Load `files` on a worker thread on top of `base`; `keep` says when the dataset that
    /// was there stays instead.
    pub fn start(
        job: Job,
        base: Dataset,
        files: Vec<SourceFile>,
        keep: Keep,
        ctx: egui::Context,
        faults: Arc<Faults>,
    ) -> LoadJob {
        let (tx, rx) = channel();
        let progress = Arc::new(Progress::default());
        let p = progress.clone();
        let _ = std::thread::Builder::new()
            .name("halo-load".into())
            .spawn(move || {
                let r = guarded(Worker::Loader, &faults, || {
                    // A file named by the user that fails undoes the load (as `keep` says);
                    // one found in a folder is reported and the others load.
                    let loads = data::load_files(&files, &p);
                    let mut required_failed = !loads.failed.is_empty();
                    let mut errors: Vec<AppError> = loads
                        .failed
                        .into_iter()
                        .chain(loads.skipped)
                        .map(AppError::Load)
                        .collect();
                    let tables = loads.tables;
                    let loaded: Vec<PathBuf> = tables.iter().map(|(f, _)| f.path.clone()).collect();
                    let ds = match base.with_tables(tables) {
                        Ok(ds) => ds,
                        Err(e) => {
                            errors.push(AppError::Load(e));
                            required_failed = true;
                            base
                        }
                    };
                    let unchanged = match keep {
                        Keep::IfNothingLoaded => ds.is_empty(),
                        Keep::IfAnyFailed => required_failed,
                    };
                    if unchanged {
                        // Nothing changes: not even the recent files.
                        return Loaded {
                            changed: None,
                            errors,
                            loaded: Vec::new(),
                        };
                    }
                    let inputs = Inputs::new(&ds).map_err(AppError::Engine);
                    Loaded {
                        changed: Some((ds, inputs)),
                        errors,
                        loaded,
                    }
                });
                let _ = tx.send(r);
                ctx.request_repaint();
            });
        LoadJob {
            job,
            started: Instant::now(),
            progress,
            rx,
        }
    }

    /// The load's outcome once it is done; a loader that died unanswered is an error.
    pub fn poll(&self) -> Option<Result<Loaded, AppError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(AppError::WorkerStopped {
                worker: Worker::Loader,
            })),
        }
    }

    /// Block until done (tests and benchmarks).
    pub fn wait(&self, timeout: Duration) -> Result<Loaded, AppError> {
        self.rx.recv_timeout(timeout).unwrap_or_else(|e| match e {
            std::sync::mpsc::RecvTimeoutError::Timeout => Err(AppError::TimedOut {
                job: self.job.clone(),
            }),
            std::sync::mpsc::RecvTimeoutError::Disconnected => Err(AppError::WorkerStopped {
                worker: Worker::Loader,
            }),
        })
    }
}

/// What an export writes: one figure in a format, or a deck (a PDF of the cover and every
/// chart, and its pages as PNG).
#[derive(Clone, Copy, Debug)]
pub enum ExportKind {
    Figure { req: FigureRequest, format: Format },
    Deck { dark: bool },
}

/// A written figure and its image (a PNG's, for the clipboard), or a written deck.
pub enum Exported {
    Figure {
        image: Option<image::RgbaImage>,
        written: Written,
    },
    Deck(WrittenDeck),
}

struct ExportJob {
    scene: Scene,
    kind: ExportKind,
    out: PathBuf,
}

/// The export worker: keeps one off-screen renderer (its GPU device is made once, so an
/// export only draws and writes).
pub struct Exporter {
    jobs: Sender<ExportJob>,
    done: Receiver<Result<Exported, AppError>>,
    thread: Option<std::thread::JoinHandle<()>>,
    ctx: egui::Context,
    faults: Arc<Faults>,
    pending: usize,
}

type Spawned = (
    Sender<ExportJob>,
    Receiver<Result<Exported, AppError>>,
    Option<std::thread::JoinHandle<()>>,
);

fn spawn_exporter(ctx: egui::Context, faults: Arc<Faults>) -> Spawned {
    let (jobs, rx) = channel::<ExportJob>();
    let (tx, done) = channel();
    let thread = std::thread::Builder::new()
        .name("halo-export".into())
        .spawn(move || {
            let mut renderer: Option<Renderer> = None;
            while let Ok(job) = rx.recv() {
                let r = guarded(Worker::Export, &faults, || {
                    let r = renderer.get_or_insert_with(Renderer::new);
                    Ok::<_, AppError>(match job.kind {
                        ExportKind::Figure { req, format } => {
                            let drawing = r.draw(&job.scene, &req, format)?;
                            let written = write(&drawing, &job.scene, req.figure, &job.out)?;
                            let image = match drawing {
                                Drawing::Png(img) => Some(img),
                                Drawing::Svg(_) | Drawing::Pdf(_) => None,
                            };
                            Exported::Figure { image, written }
                        }
                        ExportKind::Deck { dark } => {
                            let deck = r.deck(&job.scene, dark)?;
                            Exported::Deck(write_deck(&deck, &job.out)?)
                        }
                    })
                });
                let r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        // Rebuild the renderer: a panic may have left it mid-frame.
                        renderer = None;
                        Err(e)
                    }
                };
                let _ = tx.send(r);
                ctx.request_repaint();
            }
        })
        .ok();
    (jobs, done, thread)
}

impl Exporter {
    pub fn new(ctx: egui::Context, faults: Arc<Faults>) -> Exporter {
        let (jobs, done, thread) = spawn_exporter(ctx.clone(), faults.clone());
        Exporter {
            jobs,
            done,
            thread,
            ctx,
            faults,
            pending: 0,
        }
    }

    pub fn start(&mut self, scene: Scene, kind: ExportKind, out: PathBuf) {
        let job = ExportJob { scene, kind, out };
        if let Err(std::sync::mpsc::SendError(job)) = self.jobs.send(job) {
            self.respawn();
            let _ = self.jobs.send(job);
        }
        self.pending += 1;
    }

    fn respawn(&mut self) {
        let (jobs, done, thread) = spawn_exporter(self.ctx.clone(), self.faults.clone());
        (self.jobs, self.done, self.thread) = (jobs, done, thread);
    }

    pub fn busy(&self) -> bool {
        self.pending > 0
    }

    /// A finished export, if any.
    pub fn poll(&mut self) -> Option<Result<Exported, AppError>> {
        if self.pending == 0 {
            return None;
        }
        let r = match self.done.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => {
                self.respawn();
                self.pending = 1;
                Err(AppError::WorkerStopped {
                    worker: Worker::Export,
                })
            }
        };
        self.pending -= 1;
        Some(r)
    }

    /// Block until the next export is done (tests).
    pub fn wait(&mut self, timeout: Duration) -> Option<Result<Exported, AppError>> {
        if self.pending == 0 {
            return None;
        }
        let r = self.done.recv_timeout(timeout).ok()?;
        self.pending -= 1;
        Some(r)
    }
}

impl Drop for Exporter {
    /// Close the worker's queue and wait for it: its renderer (a GPU device) is released
    /// before the app is gone, never while the process is exiting.
    fn drop(&mut self) {
        let (closed, _) = channel();
        drop(std::mem::replace(&mut self.jobs, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
