//! Python values as the core's [`HostValue`]s, so the core judges every option the same
//! way in every language.

use chatlane_core::HostValue;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

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
