//! The tokio runtime chatlane's I/O runs on, shared by every binding, and the panic
//! discipline at its edge: a panic inside the core becomes [`ErrorCode::Internal`],
//! never a crash of the host process.

use std::future::Future;
use std::sync::LazyLock;

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

/// Runs `future` on the chatlane runtime and blocks the calling thread until it is done.
/// Call it only from a thread that is not a runtime worker (e.g. after releasing the GIL).
pub fn block_on<T, F>(future: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    runtime().block_on(run(future))
}

/// Panics on the chatlane runtime, through the same boundary a send crosses. Binding test
/// suites call it to prove that a core panic surfaces as [`ErrorCode::Internal`] in their
/// language and never crashes the host process.
#[doc(hidden)]
pub async fn panic_probe() -> Result<(), Error> {
    run(async {
        if std::hint::black_box(true) {
            panic!("chatlane panic probe: a deliberate panic inside the core");
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_pass_through() {
        assert_eq!(block_on(async { Ok::<_, Error>(7) }).unwrap(), 7);
    }

    #[test]
    fn panics_become_internal_errors() {
        let err = block_on(panic_probe()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(err.message().contains("deliberate panic"), "{err}");
    }
}
