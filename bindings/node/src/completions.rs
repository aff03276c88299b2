//! The promises of async calls, built for throughput: each call's future runs on napi's
//! tokio runtime; its outcome is queued for its JS environment (the core's
//! [`Handoff`], as for Python's asyncio), whose thread is woken once per batch through one
//! long-lived threadsafe function, instead of through a threadsafe function created and
//! released per promise (what napi's `spawn_future*` do). Under load — many sends in
//! flight — that was most of the bridge's cost.
//!
//! The threadsafe function keeps Node's event loop alive only while promises are pending: a
//! pending send holds the process open, an idle client does not.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::ptr;
use std::rc::Rc;
use std::sync::Arc;

use chatlane_core::Error;
use chatlane_core::runtime::{self, Handoff};
use napi::bindgen_prelude::{PromiseRaw, ToNapiValue, Unknown, spawn};
use napi::threadsafe_function::{ThreadsafeCallContext, ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, JsError, JsValue, Status, check_status, sys};

use crate::rethrowable;

/// Builds the JS value of a finished call's output, on its environment's thread.
type Output = Box<dyn for<'env> FnOnce(&'env Env) -> napi::Result<Unknown<'env>> + Send>;

/// The threadsafe function that wakes an environment's thread: argument-less, created weak
/// (not keeping the event loop alive).
type Wake = ThreadsafeFunction<(), (), (), Status, false, true>;

thread_local! {
    /// The completions of the environment this thread runs (Node runs one per thread: the
    /// main one and one per worker), made for its first promise and dropped at its teardown.
    static COMPLETIONS: RefCell<Option<Rc<Completions>>> = const { RefCell::new(None) };
}

/// A promise of `future`, polled on napi's tokio runtime with any panic turned into an
/// `Internal` error; it resolves with the JS value of its output, or rejects with the JS
/// projection of its error (built on the JS thread, so every field survives).
pub fn settled<'env, T, V, F>(env: &'env Env, future: F) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: From<T> + ToNapiValue + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let completions = Completions::of(env)?;
    let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: `env` is the environment of this thread, and both out-pointers are valid.
    check_status!(
        unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) },
        "could not create a promise"
    )?;
    completions.hold(env);
    let deferred = Deferred(deferred);
    let queue = Arc::clone(&completions.queue);
    spawn(async move {
        let outcome = runtime::contained(future).await.map(output::<T, V>);
        queue.deliver(Finished { deferred, outcome });
    });
    Ok(PromiseRaw::new(env.raw(), promise))
}

/// The [`Output`] of a call that finished with `value`.
fn output<T: Send + 'static, V: From<T> + ToNapiValue + 'static>(value: T) -> Output {
    Box::new(move |env| V::from(value).into_unknown(env))
}

/// A promise's `napi_deferred`, settled once, on its environment's thread (one whose
/// environment is torn down first is dropped unsettled: Node-API has no other way out).
struct Deferred(sys::napi_deferred);

// SAFETY: a `napi_deferred` is an opaque handle that other threads only move; it goes back
// to Node-API only in `Finished::settle`, on the thread of the environment that created it.
unsafe impl Send for Deferred {}

/// A finished call waiting for its environment's thread.
struct Finished {
    /// The promise of the call.
    deferred: Deferred,
    /// What the call finished with.
    outcome: Result<Output, Error>,
}

impl Finished {
    /// Resolves or rejects the promise with the JS value of the outcome. A promise Node-API
    /// refuses to settle (its environment is shutting down) stays pending: nobody is left to
    /// await it.
    fn settle(self, env: &Env) {
        let settlement = match self.outcome {
            Ok(output) => output(env),
            Err(error) => Err(rethrowable(env, &error)),
        };
        let (value, resolved) = match settlement {
            Ok(value) => (value.raw(), true),
            Err(error) => (JsError::from(error).into_unknown(*env).raw(), false),
        };
        // SAFETY: this is the thread of the environment that created the deferred, which is
        // consumed here, so settled at most once, with a value of that environment.
        unsafe {
            if resolved {
                sys::napi_resolve_deferred(env.raw(), self.deferred.0, value)
            } else {
                sys::napi_reject_deferred(env.raw(), self.deferred.0, value)
            }
        };
    }
}

/// The finished calls of one environment, shared with the runtime's threads.
struct Queue {
    /// Finished calls not yet settled.
    finished: Handoff<Finished>,
    /// The wake-up; its JS-thread callback drains `finished`.
    wake: Wake,
}

impl Queue {
    /// Queues `finished`, waking the environment's thread unless a wake-up is on its way.
    fn deliver(&self, finished: Finished) {
        if self.finished.push(finished) {
            // Fails only once the environment is torn down: nobody is left to await it.
            self.wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// One environment's completions, as its JS thread sees them.
struct Completions {
    /// What the runtime's threads deliver to.
    queue: Arc<Queue>,
    /// Promises made and not yet settled; the wake-up keeps the event loop alive while
    /// there are any.
    in_flight: Cell<usize>,
}

impl Completions {
    /// The completions of `env` (this thread's environment), made on first use.
    fn of(env: &Env) -> napi::Result<Rc<Self>> {
        if let Some(completions) = COMPLETIONS.with_borrow(Option::clone) {
            return Ok(completions);
        }
        let wake = env
            .create_function_from_closure::<(), (), _>("chatlaneSettle", |_| Ok(()))?
            .build_threadsafe_function::<()>()
            .weak::<true>()
            .build_callback(|context: ThreadsafeCallContext<()>| {
                if let Some(completions) = COMPLETIONS.with_borrow(Option::clone) {
                    completions.drain(&context.env);
                }
                Ok(())
            })?;
        let queue = Arc::new(Queue { finished: Handoff::default(), wake });
        let completions = Rc::new(Self { queue, in_flight: Cell::new(0) });
        env.add_env_cleanup_hook((), |()| drop(COMPLETIONS.try_with(RefCell::take)))?;
        COMPLETIONS.set(Some(Rc::clone(&completions)));
        Ok(completions)
    }

    /// Settles every finished call; runs on the environment's thread, woken by the queue.
    fn drain(&self, env: &Env) {
        let batch = self.queue.finished.take();
        let settled = batch.len();
        for finished in batch {
            finished.settle(env);
        }
        let in_flight = self.in_flight.get().saturating_sub(settled);
        self.in_flight.set(in_flight);
        if in_flight == 0 {
            self.keep_alive(env, false);
        }
    }

    /// Counts a new pending promise; the first keeps the event loop alive.
    fn hold(&self, env: &Env) {
        let in_flight = self.in_flight.get();
        self.in_flight.set(in_flight + 1);
        if in_flight == 0 {
            self.keep_alive(env, true);
        }
    }

    /// Makes the wake-up keep the event loop alive, or not. A failure only means the
    /// environment is shutting down, when that no longer matters.
    fn keep_alive(&self, env: &Env, alive: bool) {
        let wake = &self.queue.wake;
        if wake.aborted() {
            return;
        }
        // SAFETY: this is the thread of the environment that owns the threadsafe function,
        // and the only one that finalizes it; it is not aborted, so not finalized yet.
        unsafe {
            if alive {
                sys::napi_ref_threadsafe_function(env.raw(), wake.raw())
            } else {
                sys::napi_unref_threadsafe_function(env.raw(), wake.raw())
            }
        };
    }
}
