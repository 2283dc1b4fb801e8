//! Analytics off the UI thread. Every settings change sends a job with a new generation;
//! the worker skips to the newest job and abandons a stale one between stages, so the
//! window never waits and work for an outdated slider position is cancelled.
//! Weight-independent work (prepared cross-sections, betas, the prepared backtest
//! history) is cached across jobs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::engine::analysis::{self, ExposureReport, Inputs};
use crate::engine::backtest::{BacktestResult, PreparedHistory};
use crate::engine::scenarios::{Betas, Outcome, Scenario, default_library};
use crate::engine::score::{Prepared, Scorer, Scores};
use crate::engine::sectors::SectorPerformance;
use crate::settings::Settings;

/// Everything the panes draw, for one settings generation. The worker sends it twice:
/// first without the backtest (the slow part), then complete.
#[derive(Clone)]
pub struct Results {
    pub generation: u64,
    pub settings: Settings,
    pub prep: Arc<Prepared>,
    pub scores: Arc<Scores>,
    pub sectors: Result<SectorPerformance, String>,
    pub exposures: ExposureReport,
    pub scenarios: Vec<Scenario>,
    pub outcomes: Vec<Result<Outcome, String>>,
    /// None while it is being computed for these settings.
    pub backtest: Option<Arc<Result<BacktestResult, String>>>,
    /// The backtest shown is from earlier settings; the new one is on its way.
    pub backtest_pending: bool,
    /// Benchmark weights (cap-weighted scored universe).
    pub benchmark: Vec<f64>,
    pub elapsed: Duration,
}

impl Results {
    pub fn is_complete(&self) -> bool {
        self.backtest.is_some() && !self.backtest_pending
    }
}

struct Job {
    generation: u64,
    inputs: Arc<Inputs>,
    settings: Settings,
}

/// What the betas were estimated with: as-of date, factors, lookback, shrinkage (bits).
type BetasKey = (chrono::NaiveDate, Vec<String>, u32, u64);

#[derive(Default)]
struct Cache {
    inputs: Option<Arc<Inputs>>,
    scorer: Scorer,
    /// Scores at the sector-performance window's start when it is not the as-of date.
    window_start: Scorer,
    betas: Option<(BetasKey, Betas)>,
    history: Option<PreparedHistory>,
}

pub struct Computer {
    jobs: Sender<Job>,
    done: Receiver<Result<Results, String>>,
    latest: Arc<AtomicU64>,
    pub generation: u64,
    pub started: Option<Instant>,
}

impl Computer {
    pub fn new(ctx: egui::Context) -> Self {
        let (jobs, rx) = channel::<Job>();
        let (tx, done) = channel();
        let latest = Arc::new(AtomicU64::new(0));
        let l = latest.clone();
        std::thread::Builder::new()
            .name("halo-compute".into())
            .spawn(move || {
                let mut cache = Cache::default();
                while let Ok(mut job) = rx.recv() {
                    // Skip to the newest job waiting.
                    loop {
                        match rx.try_recv() {
                            Ok(j) => job = j,
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Disconnected) => return,
                        }
                    }
                    let stale = || l.load(Ordering::Relaxed) != job.generation;
                    let send = |r: Result<Results, String>| {
                        let ok = tx.send(r).is_ok();
                        ctx.request_repaint();
                        ok
                    };
                    run(&mut cache, &job, &stale, &send);
                }
            })
            .ok();
        Self {
            jobs,
            done,
            latest,
            generation: 0,
            started: None,
        }
    }

    /// Start computing for these settings (abandoning any older job).
    pub fn request(&mut self, inputs: Arc<Inputs>, settings: Settings) {
        self.generation += 1;
        self.latest.store(self.generation, Ordering::Relaxed);
        self.started = Some(Instant::now());
        let _ = self.jobs.send(Job {
            generation: self.generation,
            inputs,
            settings,
        });
    }

    /// The newest result that arrived, if any (possibly still without its backtest).
    pub fn poll(&mut self) -> Option<Result<Results, String>> {
        let mut last = None;
        while let Ok(r) = self.done.try_recv() {
            last = Some(r);
        }
        match &last {
            Some(Ok(r)) if r.generation == self.generation && r.is_complete() => {
                self.started = None
            }
            Some(Err(_)) => self.started = None,
            _ => {}
        }
        last
    }

    pub fn busy(&self) -> bool {
        self.started.is_some()
    }

    /// Block until the current generation's result arrives (tests, benchmarks).
    pub fn wait(&mut self, timeout: Duration) -> Option<Result<Results, String>> {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if let Ok(r) = self.done.recv_timeout(Duration::from_millis(20)) {
                let current = match &r {
                    Ok(x) => x.generation == self.generation && x.is_complete(),
                    Err(_) => true,
                };
                if current {
                    self.started = None;
                    return Some(r);
                }
            }
        }
        None
    }
}

/// One job: sends the results without the backtest, then complete; stops when it goes
/// stale part-way. The fast panes and the backtest run side by side: the first is mostly
/// one thread's work, and the backtest's dates spread over whatever is left.
fn run(
    cache: &mut Cache,
    job: &Job,
    stale: &(dyn Fn() -> bool + Sync),
    send: &(dyn Fn(Result<Results, String>) -> bool + Sync),
) -> Option<()> {
    let t0 = Instant::now();
    let inputs = &job.inputs;
    if !cache
        .inputs
        .as_ref()
        .is_some_and(|i| Arc::ptr_eq(i, inputs))
    {
        *cache = Cache {
            inputs: Some(inputs.clone()),
            ..Default::default()
        };
    }
    let Cache {
        scorer,
        window_start,
        betas,
        history,
        ..
    } = cache;
    let (fast, backtest) = rayon::join(
        || {
            let r = fast_panes(scorer, window_start, betas, job, t0);
            let sent = match &r {
                Ok(x) => !stale() && send(Ok(x.clone())),
                Err(e) => {
                    send(Err(e.clone()));
                    false
                }
            };
            r.ok().filter(|_| sent)
        },
        || backtest_stage(history, job, stale),
    );
    let mut results = fast?;
    results.backtest = Some(Arc::new(backtest?));
    results.elapsed = t0.elapsed();
    if stale() {
        return None;
    }
    send(Ok(results));
    Some(())
}

/// Everything but the backtest: scores, sector performance, exposures, scenarios.
fn fast_panes(
    scorer: &mut Scorer,
    window_start: &mut Scorer,
    betas: &mut Option<(BetasKey, Betas)>,
    job: &Job,
    t0: Instant,
) -> Result<Results, String> {
    let (inputs, s) = (&job.inputs, &job.settings);
    let scores = scorer.score(&inputs.panel, s).map_err(|e| e.to_string())?;
    let prep = scorer.prepared().ok_or("nothing prepared")?.clone();
    let benchmark = crate::engine::exposures::benchmark_weights(&prep, &scores);
    let sectors = analysis::window(inputs, prep.cs.as_of, s)
        .and_then(|w| analysis::sectors(inputs, &prep, &scores, s, w, window_start))
        .map_err(|e| e.to_string());
    let exposures = analysis::exposures(inputs, &prep, &scores, s);
    let scenarios = if s.scenarios.is_empty() {
        default_library()
    } else {
        s.scenarios.clone()
    };
    let names = analysis::scenario_factors(s, &scenarios);
    let key = (
        prep.cs.as_of,
        names.clone(),
        s.analytics.lookback_months,
        s.analytics.shrinkage.to_bits(),
    );
    if inputs.has_returns() && betas.as_ref().is_none_or(|(k, _)| *k != key) {
        *betas = analysis::betas(inputs, &prep, s, &names)
            .ok()
            .map(|b| (key, b));
    }
    let outcomes = analysis::run_scenarios(
        inputs,
        &prep,
        &scores,
        s,
        &scenarios,
        betas.as_ref().map(|b| &b.1),
    );
    Ok(Results {
        generation: job.generation,
        settings: s.clone(),
        prep,
        scores: Arc::new(scores),
        sectors,
        exposures,
        scenarios,
        outcomes,
        backtest: None,
        backtest_pending: false,
        benchmark,
        elapsed: t0.elapsed(),
    })
}

/// The backtest for the job's settings, re-using the prepared history when the scoring
/// options and calendar are unchanged; None when the job went stale.
fn backtest_stage(
    history: &mut Option<PreparedHistory>,
    job: &Job,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<Result<BacktestResult, String>> {
    let (inputs, s) = (&job.inputs, &job.settings);
    if !inputs.has_returns() {
        return Some(Err("the backtest needs prices".to_string()));
    }
    if history
        .as_ref()
        .is_none_or(|h| h.key != PreparedHistory::key_of(s))
    {
        *history = Some(PreparedHistory::build(&inputs.panel, &inputs.returns, s));
    }
    if stale() {
        return None;
    }
    let h = history.as_mut()?;
    Some(h.backtest(&inputs.returns, s).map_err(|e| e.to_string()))
}
