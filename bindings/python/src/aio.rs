//! The asyncio side of every coroutine chatlane offers (`Client.send_async`, the OAuth calls
//! of `MetaApp`), built for throughput: each operation runs on the core's runtime; its
//! outcome is queued for its event loop (the core's [`Handoff`]), and the loop is woken once
//! per batch of finished operations (one `call_soon_threadsafe`, one interpreter attach)
//! instead of once per operation, by a waker thread rather than the I/O thread. Under load —
//! many sends in flight — that is most of the bridge's cost.
//!
//! Cancelling the awaiting task aborts the operation's task on the runtime: a send waiting
//! for a pacing slot or a retry backoff never goes out. And no thread of chatlane's attaches
//! to the interpreter once it is shutting down (see [`attach`]), so exiting with sends in
//! flight is clean.

use std::future::Future;
use std::sync::mpsc::{self, SendError, Sender};
use std::sync::{Arc, LazyLock, Mutex, PoisonError, RwLock};
use std::thread;

use chatlane_core::Error;
use chatlane_core::runtime::{self, AbortHandle, Handoff};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use pyo3::{IntoPyObjectExt, intern};

use crate::errors;

/// A finished operation's value, made the Python object its future resolves with on the
/// loop's thread.
pub trait Resolved: Send {
    /// The value as a Python object.
    fn into_python(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl<T: for<'py> IntoPyObject<'py> + Send> Resolved for T {
    fn into_python(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        (*self).into_py_any(py)
    }
}

/// What a finished operation hands to its asyncio future.
type Outcome = Result<Box<dyn Resolved>, Error>;

/// The finished operations of one event loop, waiting for the loop's thread.
#[pyclass(frozen, module = "chatlane._chatlane")]
pub struct Completions {
    event_loop: Py<PyAny>,
    finished: Handoff<(Py<PyAny>, Outcome)>,
}

#[pymethods]
impl Completions {
    /// Hands every queued outcome to its future; runs on the loop's thread. A future that
    /// was cancelled meanwhile is left alone.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        for (future, outcome) in self.finished.take() {
            let future = future.bind(py);
            if future.call_method0(intern!(py, "done"))?.is_truthy()? {
                continue;
            }
            match outcome.map_err(|error| errors::to_pyerr(py, &error)).and_then(|value| value.into_python(py)) {
                Ok(value) => future.call_method1(intern!(py, "set_result"), (value,))?,
                Err(exception) => future.call_method1(intern!(py, "set_exception"), (exception.into_value(py),))?,
            };
        }
        Ok(())
    }
}

impl Completions {
    /// Completions for `event_loop`: `cached` when it belongs to that loop, else new ones.
    pub fn for_loop(
        py: Python<'_>,
        event_loop: &Bound<'_, PyAny>,
        cached: Option<&Py<Completions>>,
    ) -> PyResult<Py<Self>> {
        match cached {
            Some(completions) if completions.get().event_loop.bind(py).is(event_loop) => Ok(completions.clone_ref(py)),
            _ => Py::new(py, Self { event_loop: event_loop.clone().unbind(), finished: Handoff::default() }),
        }
    }

    /// Queues `outcome` for `future` and, unless a wake-up is already pending, has the loop
    /// scheduled to drain the queue (see [`wake`]).
    fn deliver(this: Py<Self>, future: Py<PyAny>, outcome: Outcome) {
        if this.get().finished.push((future, outcome)) {
            wake(this);
        }
    }

    /// Schedules `drain` on the loop's thread (`call_soon_threadsafe`).
    fn schedule_drain(this: &Bound<'_, Self>) {
        let py = this.py();
        let scheduled = this.getattr(intern!(py, "drain")).and_then(|drain| {
            this.get().event_loop.bind(py).call_method1(intern!(py, "call_soon_threadsafe"), (drain,))
        });
        // A closed loop has nobody left to await its futures.
        drop(scheduled);
    }
}

/// Hands `completions` to the waker thread, which schedules their drain: the I/O thread that
/// finished a send goes back to its sockets instead of waiting for the interpreter, which the
/// loop's own thread holds most of the time under load (~75 µs per wake-up, measured). The
/// thread starts with the first wake-up; if it cannot, the calling thread wakes the loop.
fn wake(completions: Py<Completions>) {
    static WAKER: LazyLock<Option<Sender<Py<Completions>>>> = LazyLock::new(|| {
        let (sender, receiver) = mpsc::channel::<Py<Completions>>();
        let waker = move || {
            while let Ok(first) = receiver.recv() {
                attach(|py| {
                    for completions in std::iter::once(first).chain(receiver.try_iter()) {
                        Completions::schedule_drain(completions.bind(py));
                    }
                });
            }
        };
        thread::Builder::new().name("chatlane-asyncio".to_owned()).spawn(waker).ok().map(|_| sender)
    });
    let unsent = match &*WAKER {
        Some(waker) => waker.send(completions).err().map(|SendError(completions)| completions),
        None => Some(completions),
    };
    if let Some(completions) = unsent {
        attach(|py| Completions::schedule_drain(completions.bind(py)));
    }
}

/// Whether chatlane's threads may still attach to the interpreter; [`stop_attaching`] clears
/// it. Attaching holds the read lock, so clearing it waits for those attached now.
static ATTACHABLE: RwLock<bool> = RwLock::new(true);

/// Runs `f` attached to the interpreter from one of chatlane's threads, unless the
/// interpreter is shutting down: a thread that attaches once finalization has begun is
/// stopped or killed by CPython (an abort or a crash of the whole process). What is not
/// done then had nobody left to receive it (`None`).
pub fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    let attachable = ATTACHABLE.read().unwrap_or_else(PoisonError::into_inner);
    if *attachable { Python::try_attach(f) } else { None }
}

/// `atexit` hook (see [`register`]): from now on no thread of chatlane's attaches to the
/// interpreter. Runs before finalization begins; waits, detached, for threads attached now.
#[pyfunction]
fn stop_attaching(py: Python<'_>) {
    py.detach(|| *ATTACHABLE.write().unwrap_or_else(PoisonError::into_inner) = false);
}

/// Registers [`stop_attaching`] with `atexit`, at module import.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let hook = wrap_pyfunction!(stop_attaching, m)?;
    py.import("atexit")?.call_method1(intern!(py, "register"), (hook,))?;
    Ok(())
}

/// Aborts a send's task on the runtime when called: `chatlane._aio.await_later` calls it
/// when the awaiting task is cancelled. A send still waiting for a pacing slot or a retry
/// backoff then never goes out; one whose request is on its way has an unknown outcome.
#[pyclass(frozen, module = "chatlane._chatlane")]
pub struct Cancel(AbortHandle);

#[pymethods]
impl Cancel {
    fn __call__(&self) {
        self.0.abort();
    }
}

/// The running event loop (`asyncio.get_running_loop()`); raises outside one.
pub fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?.call0()
}

/// Runs `operation` on the core's runtime (panics contained); returns an asyncio future of
/// the loop behind `completions` that receives its outcome, and what cancels it.
pub fn spawn<'py, T: Resolved + 'static>(
    py: Python<'py>,
    completions: Py<Completions>,
    operation: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> PyResult<(Bound<'py, PyAny>, Cancel)> {
    let future = completions.get().event_loop.bind(py).call_method0(intern!(py, "create_future"))?;
    let handle = future.clone().unbind();
    let task = runtime::runtime().spawn(async move {
        let outcome = runtime::contained(operation).await.map(|value| Box::new(value) as Box<dyn Resolved>);
        Completions::deliver(completions, handle, outcome);
    });
    Ok((future, Cancel(task.abort_handle())))
}

/// The completions of the event loop an object's coroutines last ran in, reused while that
/// loop stays the same; clones share them.
#[derive(Clone, Default)]
pub struct LoopCompletions(Arc<Mutex<Option<Py<Completions>>>>);

impl LoopCompletions {
    /// A coroutine that, once awaited (inside the running event loop), runs `operation` on
    /// the core's runtime and resolves with its value or raises its error; cancelling the
    /// awaiting task aborts the operation. A Rust future does nothing until polled, so
    /// nothing starts before the first await.
    pub fn coroutine<'py, T: Resolved + 'static>(
        &self,
        py: Python<'py>,
        operation: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (cache, operation) = (self.clone(), Mutex::new(Some(operation)));
        let start = PyCFunction::new_closure(py, Some(c"start"), None, move |args, _kwargs| {
            let py = args.py();
            let operation = operation.lock().unwrap_or_else(PoisonError::into_inner).take();
            let operation = operation.ok_or_else(|| PyRuntimeError::new_err("this coroutine has already started"))?;
            spawn(py, cache.running(py)?, operation).map(|(future, cancel)| (future.unbind(), cancel))
        })?;
        await_later(py)?.call1((start,))
    }

    /// The completions of the running event loop.
    fn running(&self, py: Python<'_>) -> PyResult<Py<Completions>> {
        let event_loop = running_loop(py)?;
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let completions = Completions::for_loop(py, &event_loop, cached.as_ref())?;
        *cached = Some(completions.clone_ref(py));
        Ok(completions)
    }
}

/// `chatlane._aio.await_later`: wraps a function returning an asyncio future and its
/// canceller into a coroutine, so `asyncio.run`, `create_task` and task groups accept what
/// [`LoopCompletions::coroutine`] returns, and cancelling the task cancels the operation.
fn await_later(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static AWAIT_LATER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    AWAIT_LATER.import(py, "chatlane._aio", "await_later")
}
