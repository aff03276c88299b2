//! Python values as the core's [`HostValue`]s, so the core judges every option the same
//! way in every language; and the keyword arguments that are functions, taken out first.

use chatlane_core::{Error, ErrorCode, HostValue};
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

/// Removes keyword argument `name` from a `Client`'s `options`: a function (a hook, the
/// credentials provider), not data for the core to read. `None` when absent or `None`; a
/// value that is not callable is a `ConfigurationError` (`InvalidConfig`).
pub fn pop_callable<'py>(options: Option<&Bound<'py, PyDict>>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(options) = options else { return Ok(None) };
    let Some(value) = options.get_item(name)? else { return Ok(None) };
    options.del_item(name)?;
    if value.is_none() {
        return Ok(None);
    }
    if !value.is_callable() {
        let error = Error::new(ErrorCode::InvalidConfig, format!("option {name:?} must be callable"));
        return Err(errors::to_pyerr(value.py(), &error));
    }
    Ok(Some(value))
}
