//! The `chatlane._chatlane` extension module: a thin PyO3 layer over `chatlane-core`.
//!
//! Messages are the generated dataclasses of `chatlane._model`, converted once per call into
//! core types through their JSON shape ([`messages`]); sends and Meta's OAuth calls
//! ([`client`], [`oauth`]) run on the core's tokio runtime with the interpreter released, or
//! as asyncio coroutines ([`aio`]), and every core error becomes an instance of the exception
//! class of its category ([`errors`]). Received webhooks are read by the core's parsers and
//! their events built natively into the generated event classes, each keeping the core event
//! it came from for its dedup key ([`events`], [`native`]); `chatlane.Receiver` answers
//! webhook requests through the core's receiver ([`receiver`]). The operations beyond sending
//! (history, templates, numbers) cross as their queries' JSON text, written by
//! `chatlane/_ops.py`, and their answers are built natively ([`ops`]). What the core hands
//! over is built by the shapes the generated model describes ([`shape`], [`build`], [`same`]).

mod aio;
mod build;
mod client;
mod data;
mod errors;
mod events;
mod host;
mod keys;
mod messages;
mod native;
mod oauth;
mod observe;
mod ops;
mod provider;
mod receiver;
mod recent;
mod repr;
mod same;
mod shape;
mod values;

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chatlane_core::{Error, runtime};
use pyo3::prelude::*;

/// The package version, shared with the Rust crates.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The native part of the `chatlane` package; import from `chatlane` instead.
#[pymodule]
fn _chatlane(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", VERSION)?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::SendReceipt>()?;
    m.add_class::<errors::Violation>()?;
    m.add_class::<observe::PyRetryEvent>()?;
    m.add_class::<observe::PyOutcomeEvent>()?;
    m.add_class::<oauth::MetaApp>()?;
    m.add_class::<oauth::AccessToken>()?;
    m.add_class::<oauth::TokenInfo>()?;
    m.add_class::<oauth::GranularScope>()?;
    m.add_class::<receiver::Receiver>()?;
    m.add_class::<ops::Pages>()?;
    m.add_class::<receiver::SendRecord>()?;
    m.add_function(wrap_pyfunction!(observe::enable_logging, m)?)?;
    m.add_function(wrap_pyfunction!(repr::redacted, m)?)?;
    m.add_function(wrap_pyfunction!(messages::violations, m)?)?;
    m.add_function(wrap_pyfunction!(messages::mass_violations, m)?)?;
    m.add_function(wrap_pyfunction!(messages::wire_params, m)?)?;
    m.add_function(wrap_pyfunction!(messages::mass_wire_params, m)?)?;
    m.add_function(wrap_pyfunction!(messages::meta_body, m)?)?;
    m.add_function(wrap_pyfunction!(events::parse_cams_push, m)?)?;
    m.add_function(wrap_pyfunction!(events::parse_meta_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(events::dedup_key, m)?)?;
    m.add_function(wrap_pyfunction!(events::verify_meta_signature, m)?)?;
    m.add_function(wrap_pyfunction!(events::verify_meta_challenge, m)?)?;
    m.add_function(wrap_pyfunction!(ops::operation_params, m)?)?;
    m.add_function(wrap_pyfunction!(ops::meta_request, m)?)?;
    m.add_function(wrap_pyfunction!(ops::answer, m)?)?;
    #[cfg(feature = "test-hooks")]
    {
        m.add_function(wrap_pyfunction!(client::panic_probe, m)?)?;
        m.add_function(wrap_pyfunction!(client::panic_probe_async, m)?)?;
        m.add_function(wrap_pyfunction!(client::panic_probe_sync, m)?)?;
    }
    aio::register(m)?;
    errors::register(m)
}

/// Runs the body of a Python-facing function: a panic inside it becomes
/// `chatlane.InternalError`, not pyo3's `PanicException` (a `BaseException` that
/// `except Exception` would miss).
fn guarded<T>(py: Python<'_>, body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| Err(errors::to_pyerr(py, &Error::from_panic(&*panic))))
}

/// Runs `operation` on the core's runtime (panics contained), blocking this thread with the
/// interpreter released; a core error becomes its Python exception.
fn blocking<T: Send>(py: Python<'_>, operation: impl Future<Output = Result<T, Error>> + Send) -> PyResult<T> {
    py.detach(|| runtime::block_on(operation)).map_err(|e| errors::to_pyerr(py, &e))
}
