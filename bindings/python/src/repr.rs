//! Python-style `__repr__` strings built from Python's own `repr()` of each field.

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;

/// `Name(field=repr(value), ...)`, leaving out fields whose value is `None`.
pub fn call_like(name: &str, fields: &[(&str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let mut parts = Vec::with_capacity(fields.len());
    for (field, value) in fields {
        if !value.is_none() {
            parts.push(format!("{field}={}", value.repr()?));
        }
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

/// Converts a Rust value into a Python object for [`call_like`].
pub fn value<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> PyResult<Bound<'py, PyAny>> {
    value.into_bound_py_any(py)
}

/// `_redacted(text)`: `text` with any URL user information (`user:password@`) as `***@`,
/// by the core's rule ([`chatlane_core::redacted`]), for `repr`s that show a URL.
#[pyfunction]
#[pyo3(name = "_redacted")]
pub fn redacted(text: &str) -> String {
    chatlane_core::redacted(text)
}
