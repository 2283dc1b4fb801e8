//! Supervision of the window's worker threads: a panic in a worker becomes an error that
//! names the worker, the worker's state is dropped and rebuilt, and the window goes on.
//! A worker that ends without answering is noticed by its closed channel.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::messages::{AppError, Worker, panic_text};

/// Faults a test can arm in one app's workers: the next job of that worker panics. (Each
/// app has its own set, so tests running side by side do not disturb each other.)
#[derive(Debug, Default)]
pub struct Faults {
    loader: AtomicBool,
    compute: AtomicBool,
    export: AtomicBool,
}

impl Faults {
    fn flag(&self, w: Worker) -> &AtomicBool {
        match w {
            Worker::Loader => &self.loader,
            Worker::Compute => &self.compute,
            Worker::Export => &self.export,
        }
    }

    /// Make the next job of `w` panic (tests of the supervision).
    pub fn arm(&self, w: Worker) {
        self.flag(w).store(true, Ordering::SeqCst);
    }

    /// Called at the start of each job: panics once when armed.
    fn check(&self, w: Worker) {
        if self.flag(w).swap(false, Ordering::SeqCst) {
            panic!("fault injected in the {w:?} worker");
        }
    }
}

/// Run one job of worker `w`, turning a panic into [`AppError::WorkerFailed`].
pub fn guarded<T>(w: Worker, faults: &Arc<Faults>, job: impl FnOnce() -> T) -> Result<T, AppError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        faults.check(w);
        job()
    }))
    .map_err(|p| AppError::WorkerFailed {
        worker: w,
        panic: panic_text(&*p),
    })
}
