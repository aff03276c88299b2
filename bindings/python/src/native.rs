//! Received events as the generated event classes, built natively from the core's events
//! ([`crate::build`]), each keeping in its hidden `_native` slot the core event it was built
//! from and that event's JSON text: an event that still is what that text builds
//! ([`crate::same`]) gives its dedup key without being read back (no `to_dict()`).

use chatlane_core::events::Event;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::shape::Shapes;
use crate::{build, same};

/// `_Native`: what a received event was built from (its hidden `_native` slot), the core
/// event and its compact JSON text. It holds no Python object, so the garbage collector need
/// not see it.
#[pyclass(frozen, module = "chatlane._chatlane", name = "_Native")]
pub struct Native {
    event: Event,
    text: String,
}

/// Core events with their JSON text, made where the interpreter can be released.
pub struct Received(Vec<Native>);

impl Received {
    /// `events` and their JSON text.
    pub fn new(events: Vec<Event>) -> Self {
        let with_text = |event: Event| {
            let text = serde_json::to_string(&event).expect("events serialise");
            Native { event, text }
        };
        Self(events.into_iter().map(with_text).collect())
    }

    /// The events as the generated event classes, in order.
    pub fn into_list(self, py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
        let shapes = Shapes::get(py)?;
        let list = PyList::empty(py);
        for native in self.0 {
            let event = build::build(py, shapes, &native.text, &shapes.event)?;
            build::set_native(&event, Bound::new(py, native)?.as_any())?;
            list.append(event)?;
        }
        Ok(list)
    }
}

/// The dedup key of `event` from its hidden native value, when it has one and still is what
/// that value's text builds; `None` for anything else (an event built in Python, a copy, an
/// event changed since, not an event at all).
pub fn key(event: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let py = event.py();
    let Some(native) = event.getattr_opt(intern!(py, "_native"))? else {
        return Ok(None);
    };
    let Ok(native) = native.cast::<Native>() else {
        return Ok(None);
    };
    let shapes = Shapes::get(py)?;
    let native = native.get();
    Ok(same::same(shapes, event, &native.text, &shapes.event).then(|| native.event.dedup_key()))
}
