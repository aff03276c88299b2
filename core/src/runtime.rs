//! The tokio runtime chatlane's I/O runs on, and the panic discipline at every binding's
//! edge: a panic inside the core becomes [`ErrorCode::Internal`], never a crash of the host.
//!
//! Bindings whose host has no tokio runtime (Python, Kotlin/Swift) use [`run`] / [`block_on`]
//! on the runtime owned here; a binding that already polls futures on a tokio runtime (napi's,
//! in Node) uses [`contained`] on it and saves a hop between threads.
//!
//! Cancellation is dropping: a send whose future is dropped while it waits for a pacing slot
//! or a retry backoff never goes out; one dropped while its request is being written or
//! awaited has an unknown outcome (reconcile it through receipts by its `TaskId`). [`run`]
//! keeps that true across the hop to the runtime: dropping its future aborts the task.

use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::Notify;
/// Aborts a task spawned on the chatlane runtime at its next wait (bindings that spawn
/// there themselves, e.g. Python's asyncio bridge, cancel with it).
pub use tokio::task::AbortHandle;
use tokio::task::{JoinError, JoinHandle};

use crate::error::{Error, ErrorCode};

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(4)))
        .thread_name("chatlane-io")
        .enable_all()
        .build()
        .expect("the OS refused to start chatlane's I/O threads")
});

/// The process-wide chatlane runtime (at most four worker threads), built on first use.
pub fn runtime() -> &'static Runtime {
    &RUNTIME
}

/// `future`, with any panic while polling it turned into an internal error. Works on any
/// executor; the future's I/O needs a tokio runtime (the caller's).
pub fn contained<T, F>(future: F) -> Contained<F>
where
    F: Future<Output = Result<T, Error>>,
{
    Contained { future: Box::pin(future) }
}

/// The future [`contained`] returns.
pub struct Contained<F> {
    future: Pin<Box<F>>,
}

impl<T, F> Future for Contained<F>
where
    F: Future<Output = Result<T, Error>>,
{
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Err(Error::from_panic(payload.as_ref()))),
        }
    }
}

/// Runs `future` on the chatlane runtime and awaits it from any executor (a UniFFI foreign
/// executor: Kotlin coroutines, Swift tasks). A panic inside becomes an internal error;
/// dropping the returned future (a cancelled coroutine or task) aborts `future` at its next
/// wait, so a send waiting for a pacing slot or a retry backoff never goes out.
pub async fn run<T, F>(future: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    match Aborting(runtime().spawn(future)).await {
        Ok(result) => result,
        Err(join) if join.is_panic() => Err(Error::from_panic(join.into_panic().as_ref())),
        Err(join) => Err(Error::new(ErrorCode::Internal, format!("the send task was cancelled: {join}"))),
    }
}

/// A spawned task's handle that aborts the task when dropped (a plain [`JoinHandle`] detaches
/// it); aborting a finished task does nothing.
pub(crate) struct Aborting<T>(pub(crate) JoinHandle<T>);

impl<T> Future for Aborting<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for Aborting<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A cancellation a host triggers from outside the operation it cancels (Node's
/// `AbortSignal`); see [`cancellable`]. Clones trigger the same cancellation.
#[derive(Clone, Debug, Default)]
pub struct Cancellation(Arc<Notify>);

impl Cancellation {
    /// Cancels the operation, also one not started yet.
    pub fn cancel(&self) {
        self.0.notify_one();
    }
}

/// `future`'s output, or `None` once `cancellation` is cancelled: `future` is then dropped,
/// so a send waiting for a pacing slot or a retry backoff never goes out.
pub async fn cancellable<F: Future>(future: F, cancellation: &Cancellation) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cancelled = pin!(cancellation.0.notified());
    poll_fn(|cx| match cancelled.as_mut().poll(cx) {
        Poll::Ready(()) => Poll::Ready(None),
        Poll::Pending => future.as_mut().poll(cx).map(Some),
    })
    .await
}

/// Polls `future` on the calling thread, within the chatlane runtime's context (its I/O
/// driver and timers), until it is done: no hand-off to a worker thread and back. Call it
/// only from a thread that is not a runtime worker (e.g. after releasing the GIL).
pub fn block_on<T, F>(future: F) -> Result<T, Error>
where
    F: Future<Output = Result<T, Error>>,
{
    runtime().block_on(contained(future))
}

/// Finished work handed from the runtime's threads to a host thread (an asyncio loop, a JS
/// environment), which is woken once per batch rather than once per item: under load, with
/// many sends in flight, those wake-ups are most of a binding's cost.
#[derive(Debug)]
pub struct Handoff<T> {
    pending: Mutex<Vec<T>>,
    scheduled: AtomicBool,
}

impl<T> Default for Handoff<T> {
    fn default() -> Self {
        Self { pending: Mutex::new(Vec::new()), scheduled: AtomicBool::new(false) }
    }
}

impl<T> Handoff<T> {
    /// Queues `item`; true when the caller must wake the host thread, which then calls
    /// [`Handoff::take`] (no wake-up is on its way yet).
    pub fn push(&self, item: T) -> bool {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner).push(item);
        !self.scheduled.swap(true, Ordering::SeqCst)
    }

    /// Everything queued, on the woken host thread; an item pushed from now on asks for a
    /// new wake-up, so none is left behind.
    pub fn take(&self) -> Vec<T> {
        self.scheduled.store(false, Ordering::SeqCst);
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A future that panics when polled: binding test suites send it through the same boundary
/// a send crosses ([`run`], [`block_on`] or [`contained`]) to prove that a core panic surfaces
/// as [`ErrorCode::Internal`] in their language and never crashes the host process.
#[cfg(any(test, feature = "test-hooks"))]
pub async fn panicking() -> Result<(), Error> {
    if std::hint::black_box(true) {
        panic!("chatlane panic probe: a deliberate panic inside the core");
    }
    Ok(())
}

/// Panics at once: binding suites call it inside the guard of their synchronous entry
/// points, to prove a panic there surfaces as [`ErrorCode::Internal`] too.
#[cfg(any(test, feature = "test-hooks"))]
pub fn panic_now() -> Result<(), Error> {
    if std::hint::black_box(true) {
        panic!("chatlane panic probe: a deliberate panic inside the core");
    }
    Ok(())
}

/// [`panicking`] spawned on the chatlane runtime, the way Kotlin/Swift sends run.
#[cfg(any(test, feature = "test-hooks"))]
pub async fn panic_probe() -> Result<(), Error> {
    run(panicking()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_pass_through() {
        assert_eq!(block_on(async { Ok::<_, Error>(7) }).unwrap(), 7);
    }

    #[tokio::test]
    async fn contained_panics_become_internal_errors_on_the_callers_runtime() {
        let err = contained(panicking()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Internal);
        assert_eq!(contained(async { Ok::<_, Error>(3) }).await.unwrap(), 3);
    }

    #[test]
    fn a_handoff_asks_for_one_wake_up_per_batch_and_loses_nothing() {
        let handoff = Handoff::default();
        assert!(handoff.push(1));
        assert!(!handoff.push(2), "a wake-up is already on its way");
        assert_eq!(handoff.take(), [1, 2]);
        assert!(handoff.push(3), "pushed after the take: a new wake-up");
        assert_eq!(handoff.take(), [3]);
        assert!(handoff.take().is_empty());
    }

    #[test]
    fn concurrent_pushes_are_all_taken_by_the_wake_ups_they_ask_for() {
        let handoff = std::sync::Arc::new(Handoff::default());
        let (wake, woken) = std::sync::mpsc::channel();
        let pushers: Vec<_> = (0..4)
            .map(|t| {
                let (handoff, wake) = (std::sync::Arc::clone(&handoff), wake.clone());
                std::thread::spawn(move || {
                    for i in 0..1_000 {
                        if handoff.push(t * 1_000 + i) {
                            wake.send(()).unwrap();
                        }
                    }
                })
            })
            .collect();
        drop(wake);
        let mut taken: Vec<i32> = woken.iter().flat_map(|()| handoff.take()).collect();
        for pusher in pushers {
            pusher.join().unwrap();
        }
        taken.sort_unstable();
        assert_eq!(taken, (0..4_000).collect::<Vec<_>>());
    }

    #[test]
    fn dropping_a_run_future_aborts_its_task() {
        let (held, released) = tokio::sync::oneshot::channel::<()>();
        let running = run(async move {
            let _held = held;
            std::future::pending::<Result<(), Error>>().await
        });
        block_on(async {
            let mut running = Box::pin(running);
            let waited = tokio::time::timeout(std::time::Duration::from_millis(20), &mut running).await;
            assert!(waited.is_err(), "the task is still running");
            drop(running);
            let aborted = tokio::time::timeout(std::time::Duration::from_secs(5), released).await;
            assert!(matches!(aborted, Ok(Err(_))), "the task outlived its dropped future");
            Ok(())
        })
        .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancellation_drops_the_operation_even_one_cancelled_before_it_starts() {
        let cancellation = Cancellation::default();
        let sleeping = tokio::time::sleep(std::time::Duration::from_secs(1));
        let canceller = cancellation.clone();
        tokio::spawn(async move { canceller.cancel() });
        assert_eq!(cancellable(sleeping, &cancellation).await, None);
        let early = Cancellation::default();
        early.cancel();
        assert_eq!(cancellable(async { 1 }, &early).await, None);
        assert_eq!(cancellable(async { 2 }, &Cancellation::default()).await, Some(2));
    }

    #[test]
    fn panics_become_internal_errors() {
        let err = block_on(panic_probe()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(err.message().contains("deliberate panic"), "{err}");
    }
}
