//! The exception hierarchy: `ChatlaneError` plus one subclass per core
//! [`ErrorCategory`], created at import from [`ErrorCategory::ALL`], and the projection
//! of a core [`Error`] onto an instance of its category's class.

use std::ffi::CString;

use chatlane_core::{Error, ErrorCategory, ErrorCode};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyType};

use crate::repr;

/// One reason a message cannot be sent: a stable `code`, the field `path` and a readable
/// `message` (the items of `ValidationError.violations`).
#[pyclass(frozen, eq, module = "chatlane")]
#[derive(PartialEq, Eq)]
pub struct Violation {
    /// Stable machine code, e.g. `"required"` or `"digits_only"`.
    #[pyo3(get)]
    code: String,
    /// Field path in the message, e.g. `"text.text"` or `"from"`.
    #[pyo3(get)]
    path: String,
    /// Readable explanation.
    #[pyo3(get)]
    message: String,
}

#[pymethods]
impl Violation {
    /// A violation from its parts (chatlane creates these; the constructor serves tests).
    #[new]
    #[pyo3(signature = (*, code, path, message))]
    fn new(code: String, path: String, message: String) -> Self {
        Self { code, path, message }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr::call_like(
            "Violation",
            &[
                ("code", repr::value(py, &self.code)?),
                ("path", repr::value(py, &self.path)?),
                ("message", repr::value(py, &self.message)?),
            ],
        )
    }
}

impl From<&chatlane_core::Violation> for Violation {
    fn from(v: &chatlane_core::Violation) -> Self {
        Self { code: v.code.to_owned(), path: v.path.clone(), message: v.message.clone() }
    }
}

/// The exception classes, created once per process.
struct Classes {
    base: Py<PyType>,
    by_category: Vec<(ErrorCategory, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

/// Creates the classes (once) and adds them to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = classes(py)?;
    m.add("ChatlaneError", classes.base.bind(py))?;
    for (category, class) in &classes.by_category {
        m.add(category.class_name(), class.bind(py))?;
    }
    Ok(())
}

fn classes(py: Python<'_>) -> PyResult<&'static Classes> {
    CLASSES.get_or_try_init(py, || {
        let base = PyErr::new_type(
            py,
            c"chatlane.ChatlaneError",
            Some(
                c"Base class of every chatlane error. Attributes: code, category, message, \
                  platform_code, request_id, http_status, retry_after, task_id, attempts, \
                  violations.",
            ),
            Some(&py.get_type::<PyException>()),
            None,
        )?;
        let by_category = ErrorCategory::ALL
            .into_iter()
            .map(|category| {
                let name = c_string(format!("chatlane.{}", category.class_name()))?;
                let doc = c_string(category_doc(category))?;
                let class = PyErr::new_type(py, &name, Some(&doc), Some(base.bind(py)), None)?;
                Ok((category, class))
            })
            .collect::<PyResult<_>>()?;
        Ok(Classes { base, by_category })
    })
}

fn category_doc(category: ErrorCategory) -> String {
    let codes: Vec<_> =
        ErrorCode::ALL.iter().filter(|code| code.category() == category).map(|code| code.as_str()).collect();
    format!("{} (category {:?}; codes: {}.)", category.doc(), category.as_str(), codes.join(", "))
}

fn c_string(text: String) -> PyResult<CString> {
    CString::new(text).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The Python exception for a core error: an instance of the category's class whose
/// `str()` is the core message and whose attributes carry every detail.
pub fn to_pyerr(py: Python<'_>, error: &Error) -> PyErr {
    build(py, error).unwrap_or_else(|failure| failure)
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let classes = classes(py)?;
    let category = error.category();
    let class = classes
        .by_category
        .iter()
        .find_map(|(c, class)| (*c == category).then_some(class))
        .unwrap_or(&classes.base)
        .bind(py);
    let exception = class.call1((error.message(),))?;
    let violations: Vec<Violation> = error.violations().iter().map(Violation::from).collect();
    exception.setattr("code", error.code().as_str())?;
    exception.setattr("category", category.as_str())?;
    exception.setattr("message", error.message())?;
    exception.setattr("platform_code", error.platform_code())?;
    exception.setattr("request_id", error.request_id())?;
    exception.setattr("http_status", error.http_status())?;
    exception.setattr("retry_after", error.retry_after().map(|d| d.as_secs_f64()))?;
    exception.setattr("task_id", error.task_id())?;
    exception.setattr("attempts", error.attempts())?;
    exception.setattr("violations", PyList::new(py, violations)?)?;
    Ok(PyErr::from_value(exception))
}
