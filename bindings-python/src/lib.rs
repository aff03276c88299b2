//! The `chatlane._chatlane` extension module: a thin PyO3 layer over `chatlane-core`.
//!
//! Messages are the generated dataclasses of `chatlane._model`, converted once per call into
//! core types through their JSON shape ([`messages`]); sends run on the core's tokio runtime
//! with the interpreter released ([`client`]), and every core error becomes an instance of
//! the exception class of its category ([`errors`]).

mod aio;
mod client;
mod errors;
mod messages;
mod repr;

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
    m.add_function(wrap_pyfunction!(messages::violations, m)?)?;
    m.add_function(wrap_pyfunction!(messages::mass_violations, m)?)?;
    m.add_function(wrap_pyfunction!(messages::wire_params, m)?)?;
    m.add_function(wrap_pyfunction!(messages::mass_wire_params, m)?)?;
    m.add_function(wrap_pyfunction!(client::panic_probe, m)?)?;
    m.add_function(wrap_pyfunction!(client::panic_probe_async, m)?)?;
    aio::register(m)?;
    errors::register(m)
}
