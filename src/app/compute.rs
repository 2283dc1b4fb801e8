//! The engine's pipeline off the UI thread. Every settings change sends a job with a new
//! generation; the worker skips to the newest job and abandons a stale one between
//! stages, so the window never waits and work for an outdated slider position is
//! cancelled. The worker keeps one [`Pipeline`] per dataset (its caches), is supervised
//! (a panic is reported, the pipeline rebuilt, the worker goes on), and is restarted if
//! its thread ever ends. Ticking the weight sweep sends a job for the sweep alone: the
//! results on screen are already those settings'. The pinned lenses the window lacks go
//! with a job and are computed after its live results, on a pipeline of their own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::{Duration, Instant};

use super::messages::{AppError, Worker};
use super::worker::{Faults, guarded};
use crate::engine::EngineError;
use crate::engine::pipeline::{Inputs, Pipeline, Results};
use crate::engine::sensitivity::{Sweep, SweepPoint, SweepSpec, sweep};
use crate::engine::settings::Settings;

/// What the worker sends back for a generation.
pub enum Done {
    /// The fast panes, without the backtest.
    Fast(u64, Results),
    Complete(u64, Results),
    Failed(u64, AppError),
    /// One setting of the weight sweep (asked for with the job), as it is computed.
    SweepPoint(u64, SweepPoint),
    /// The whole sweep, or why it could not run.
    Sweep(u64, Result<Arc<Sweep>, EngineError>),
    /// A pinned lens's results (computed after the live ones), for the data of this
    /// inputs id: kept whatever the generation, while the pin and the data are there.
    Pinned(u64, Settings, Result<Arc<Results>, AppError>),
}

struct Job {
    generation: u64,
    inputs: Arc<Inputs>,
    settings: Settings,
    /// Compute the results (false: the window has these settings' results, and asks for
    /// the sweep alone).
    results: bool,
    /// Sweep the weights once the results are sent.
    sweep: Option<SweepSpec>,
    /// Pinned lenses whose results the window lacks: computed after the live results,
    /// before the sweep, on a pipeline of their own (the live one's caches stay the live
    /// lens's).
    pins: Vec<Settings>,
}

pub struct Computer {
    jobs: Sender<Job>,
    done: Receiver<Done>,
    latest: Arc<AtomicU64>,
    ctx: egui::Context,
    faults: Arc<Faults>,
    pub generation: u64,
    pub started: Option<Instant>,
}

fn spawn(
    ctx: egui::Context,
    latest: Arc<AtomicU64>,
    faults: Arc<Faults>,
) -> (Sender<Job>, Receiver<Done>) {
    let (jobs, rx) = channel::<Job>();
    let (tx, done) = channel();
    // If no thread can be started, the closure (and its sender) is dropped: the receiver
    // sees a closed channel and the window reports it.
    let _ = std::thread::Builder::new()
        .name("halo-compute".into())
        .spawn(move || {
            let mut pipeline: Option<Pipeline> = None;
            let mut pinned: Option<Pipeline> = None;
            while let Ok(mut job) = rx.recv() {
                // Skip to the newest job waiting.
                loop {
                    match rx.try_recv() {
                        Ok(j) => job = j,
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => return,
                    }
                }
                let g = job.generation;
                let stale = || latest.load(Ordering::Relaxed) != g;
                let send = |d: Done| {
                    let ok = tx.send(d).is_ok();
                    ctx.request_repaint();
                    ok
                };
                // One pipeline per dataset: its caches belong to that data alone.
                if pipeline
                    .as_ref()
                    .is_none_or(|p| p.inputs().id != job.inputs.id)
                {
                    pipeline = Some(Pipeline::new(job.inputs.clone()));
                }
                if pinned
                    .as_ref()
                    .is_none_or(|p| p.inputs().id != job.inputs.id)
                {
                    pinned = Some(Pipeline::new(job.inputs.clone()));
                }
                let r = if job.results {
                    guarded(Worker::Compute, &faults, || {
                        pipeline.as_mut().and_then(|p| {
                            p.run(&job.settings, &stale, &|fast| {
                                send(Done::Fast(g, fast.clone()))
                            })
                        })
                    })
                } else {
                    Ok(None)
                };
                // (The pinned lenses are computed even when the live one fails: they are
                // other settings.)
                let live_ok = match r {
                    Ok(Some(Ok(results))) => {
                        send(Done::Complete(g, results));
                        true
                    }
                    Ok(Some(Err(e))) => {
                        send(Done::Failed(g, e.into()));
                        false
                    }
                    // Stale (a newer job is waiting), or the sweep alone was asked.
                    Ok(None) => true,
                    Err(e) => {
                        // Its caches may be half-built: start again from the data.
                        pipeline = None;
                        send(Done::Failed(g, e));
                        false
                    }
                };
                for pin in &job.pins {
                    if stale() {
                        break;
                    }
                    let r = guarded(Worker::Compute, &faults, || {
                        pinned.as_mut().and_then(|p| p.run(pin, &stale, &|_| true))
                    });
                    let r = match r {
                        Ok(Some(r)) => r.map(Arc::new).map_err(AppError::from),
                        Ok(None) => break,
                        Err(e) => {
                            // Half-built caches: the next pin starts from the data.
                            pinned = Some(Pipeline::new(job.inputs.clone()));
                            Err(e)
                        }
                    };
                    send(Done::Pinned(job.inputs.id, pin.clone(), r));
                }
                // On the same pipeline: its per-date pillar scores serve every setting.
                // Each point is sent as it comes; a newer job stops it.
                if let Some(spec) = job.sweep
                    && live_ok
                    && !stale()
                    && let Some(p) = pipeline.as_mut()
                {
                    let r = guarded(Worker::Compute, &faults, || {
                        let mut go_on =
                            |x: &SweepPoint| send(Done::SweepPoint(g, x.clone())) && !stale();
                        sweep(p, &job.settings, spec, &mut go_on)
                    });
                    match r {
                        Ok(Ok(sw)) if sw.complete => {
                            send(Done::Sweep(g, Ok(Arc::new(sw))));
                        }
                        // Stopped for newer settings.
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => {
                            send(Done::Sweep(g, Err(e)));
                        }
                        Err(e) => {
                            pipeline = None;
                            send(Done::Failed(g, e));
                        }
                    }
                }
            }
        });
    (jobs, done)
}

impl Computer {
    pub fn new(ctx: egui::Context, faults: Arc<Faults>) -> Self {
        let latest = Arc::new(AtomicU64::new(0));
        let (jobs, done) = spawn(ctx.clone(), latest.clone(), faults.clone());
        Self {
            jobs,
            done,
            latest,
            ctx,
            faults,
            generation: 0,
            started: None,
        }
    }

    /// Start computing for these settings (abandoning any older job).
    /// `pins`: the pinned lenses to compute after it.
    pub fn request(
        &mut self,
        inputs: Arc<Inputs>,
        settings: Settings,
        sweep: Option<SweepSpec>,
        pins: Vec<Settings>,
    ) {
        self.send(inputs, settings, true, sweep, pins);
        self.started = Some(Instant::now());
    }

    /// Sweep the weights of the settings whose results the window has, without computing
    /// them again (abandoning any older job).
    pub fn request_sweep(&mut self, inputs: Arc<Inputs>, settings: Settings, spec: SweepSpec) {
        self.send(inputs, settings, false, Some(spec), Vec::new());
        self.started = None;
    }

    /// Stop what is running (a sweep no longer asked for): its answers are dropped.
    pub fn cancel(&mut self) {
        self.generation += 1;
        self.latest.store(self.generation, Ordering::Relaxed);
        self.started = None;
    }

    fn send(
        &mut self,
        inputs: Arc<Inputs>,
        settings: Settings,
        results: bool,
        sweep: Option<SweepSpec>,
        pins: Vec<Settings>,
    ) {
        self.generation += 1;
        self.latest.store(self.generation, Ordering::Relaxed);
        let job = Job {
            generation: self.generation,
            inputs,
            settings,
            results,
            sweep,
            pins,
        };
        if let Err(std::sync::mpsc::SendError(job)) = self.jobs.send(job) {
            // The worker's thread is gone: start a new one and hand it the job.
            self.restart();
            let _ = self.jobs.send(job);
        }
    }

    fn restart(&mut self) {
        let (jobs, done) = spawn(self.ctx.clone(), self.latest.clone(), self.faults.clone());
        self.jobs = jobs;
        self.done = done;
    }

    /// What arrived for the current generation, newest last; a worker that died is
    /// reported (and restarted).
    pub fn poll(&mut self) -> Vec<Done> {
        let mut out = Vec::new();
        loop {
            match self.done.try_recv() {
                Ok(d) => out.push(d),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    out.push(Done::Failed(
                        self.generation,
                        AppError::WorkerStopped {
                            worker: Worker::Compute,
                        },
                    ));
                    self.restart();
                    break;
                }
            }
        }
        out.retain(|d| self.current(d));
        if out
            .iter()
            .any(|d| matches!(d, Done::Complete(..) | Done::Failed(..)))
        {
            self.started = None;
        }
        out
    }

    fn current(&self, d: &Done) -> bool {
        let g = match d {
            // (The window checks a pin's data and that it is still pinned.)
            Done::Pinned(..) => return true,
            Done::Fast(g, _)
            | Done::Complete(g, _)
            | Done::Failed(g, _)
            | Done::SweepPoint(g, _)
            | Done::Sweep(g, _) => *g,
        };
        g == self.generation
    }

    /// The next answer for the current generation (or a pinned lens's), waiting at most
    /// `timeout` (tests: the pinned lenses come after the live results).
    pub fn next(&mut self, timeout: Duration) -> Option<Done> {
        let end = Instant::now() + timeout;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.done.recv_timeout(left) {
                Ok(d) if self.current(&d) => {
                    if matches!(d, Done::Complete(..) | Done::Failed(..)) {
                        self.started = None;
                    }
                    return Some(d);
                }
                Ok(_) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => return None,
                // The worker is gone: reported (and restarted) as `poll` does.
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return self.poll().pop();
                }
            }
        }
        None
    }

    pub fn busy(&self) -> bool {
        self.started.is_some()
    }

    /// Block until the current generation is complete or failed (tests, benchmarks).
    pub fn wait(&mut self, timeout: Duration) -> Vec<Done> {
        let end = Instant::now() + timeout;
        let mut out = Vec::new();
        while Instant::now() < end {
            match self.done.recv_timeout(Duration::from_millis(20)) {
                Ok(d) if self.current(&d) => {
                    let last = matches!(d, Done::Complete(..) | Done::Failed(..));
                    out.push(d);
                    if last {
                        self.started = None;
                        return out;
                    }
                }
                Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    out.extend(self.poll());
                    return out;
                }
            }
        }
        out
    }
}
