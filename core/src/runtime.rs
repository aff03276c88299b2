//! The tokio runtime chatlane's I/O runs on, and the panic discipline at every binding's
//! edge: a panic inside the core becomes [`ErrorCode::Internal`], never a crash of the host.
//!
//! Bindings whose host has no tokio runtime (Python, Kotlin/Swift) use [`run`] / [`block_on`]
//! on the runtime owned here; a binding that already polls futures on a tokio runtime (napi's,
//! in Node) uses [`contained`] on it and saves a hop between threads.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use tokio::runtime::{Builder, Runtime};

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

/// Runs `future` on the chatlane runtime and awaits it from any executor (asyncio bridge,
/// napi, a UniFFI foreign executor). A panic inside becomes an internal error.
pub async fn run<T, F>(future: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    match runtime().spawn(future).await {
        Ok(result) => result,
        Err(join) if join.is_panic() => Err(Error::from_panic(join.into_panic().as_ref())),
        Err(join) => Err(Error::new(ErrorCode::Internal, format!("the send task was cancelled: {join}"))),
    }
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

/// A future that panics when polled: binding test suites send it through the same boundary
/// a send crosses ([`run`], [`block_on`] or [`contained`]) to prove that a core panic surfaces
/// as [`ErrorCode::Internal`] in their language and never crashes the host process.
#[doc(hidden)]
pub async fn panicking() -> Result<(), Error> {
    if std::hint::black_box(true) {
        panic!("chatlane panic probe: a deliberate panic inside the core");
    }
    Ok(())
}

/// [`panicking`] spawned on the chatlane runtime, the way Kotlin/Swift sends run.
#[doc(hidden)]
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
    fn panics_become_internal_errors() {
        let err = block_on(panic_probe()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(err.message().contains("deliberate panic"), "{err}");
    }
}
