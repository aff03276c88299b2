//! Python values as the core's [`HostValue`]s, so the core judges every option the same
//! way in every language; the keyword arguments that are not data (functions, chatlane
//! objects), taken out first; and expiry times.

use std::time::{Duration, SystemTime};

use chatlane_core::{Error, ErrorCode, HostValue};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

use crate::errors;

/// `value` as the core reads options: `None` is absent; an integer beyond `i128`
/// saturates (out of every range anyway); a string with a lone surrogate is not text.
pub fn value(value: &Bound<'_, PyAny>) -> HostValue {
    if value.is_none() {
        return HostValue::Absent;
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return HostValue::Bool(flag.is_true());
    }
    if value.is_instance_of::<PyInt>() {
        return HostValue::Integer(
            value.extract::<i128>().unwrap_or_else(
                |_| {
                    if value.lt(0).unwrap_or(false) { i128::MIN } else { i128::MAX }
                },
            ),
        );
    }
    if let Ok(number) = value.cast::<PyFloat>() {
        return HostValue::Float(number.value());
    }
    if let Ok(text) = value.cast::<PyString>() {
        return match text.to_str() {
            Ok(text) => HostValue::Text(text.to_owned()),
            Err(_) => HostValue::Other,
        };
    }
    HostValue::Other
}

/// Removes keyword argument `name` from a `Client`'s `options` and returns it; `None` when
/// absent or `None`.
pub fn pop<'py>(options: &Bound<'py, PyDict>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(value) = options.get_item(name)? else { return Ok(None) };
    options.del_item(name)?;
    Ok(Some(value).filter(|value| !value.is_none()))
}

/// Removes keyword argument `name` from a `Client`'s `options`: a function (a hook, the
/// credentials provider), not data for the core to read. `None` when absent or `None`; a
/// value that is not callable is a `ConfigurationError` (`InvalidConfig`).
pub fn pop_callable<'py>(options: Option<&Bound<'py, PyDict>>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(options) = options else { return Ok(None) };
    match pop(options, name)? {
        Some(value) if !value.is_callable() => Err(wrong(options.py(), name, "callable")),
        value => Ok(value),
    }
}

/// The `ConfigurationError` (`InvalidConfig`) for option `name`, which must be `expected`.
pub fn wrong(py: Python<'_>, name: &str, expected: &str) -> PyErr {
    invalid(py, format!("option {name:?} must be {expected}"))
}

/// A `ConfigurationError` (`InvalidConfig`) saying `why`.
pub fn invalid(py: Python<'_>, why: impl Into<String>) -> PyErr {
    errors::to_pyerr(py, &Error::new(ErrorCode::InvalidConfig, why))
}

/// The end of year 9999, in seconds after 1970: no `datetime` (nor the core's time) goes further.
const END_OF_9999: Duration = Duration::from_secs(253_402_300_800);

/// `expires_at` as a time: an aware `datetime` (its `timestamp()`) or POSIX seconds, from
/// 1970 to 9999. `TypeError` for anything else, `ValueError` for a time out of that range.
pub fn expiry(expires_at: &Bound<'_, PyAny>) -> PyResult<SystemTime> {
    let seconds = match expires_at.call_method0(intern!(expires_at.py(), "timestamp")) {
        Ok(timestamp) => timestamp.extract::<f64>(),
        Err(_) => expires_at.extract::<f64>(),
    }
    .map_err(|_| PyTypeError::new_err("expires_at must be a datetime or POSIX seconds"))?;
    match Duration::try_from_secs_f64(seconds) {
        Ok(since_epoch) if since_epoch < END_OF_9999 => Ok(SystemTime::UNIX_EPOCH + since_epoch),
        _ => Err(PyValueError::new_err("expires_at must be a time from 1970 to 9999")),
    }
}
