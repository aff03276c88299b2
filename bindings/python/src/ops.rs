//! The operations beyond sending (`Client.list_messages`, `iter_templates`, `template`,
//! `phone_numbers`, `create_template`, `modify_template`, `delete_template`, `upload_media`,
//! their `_async` twins), `chatlane.operation_params` and `chatlane.meta_request`.
//!
//! `chatlane/_ops.py` holds their Python surface: it reads the keyword arguments into the
//! query's JSON shape (through the generated query classes) and walks pages by `next_page`.
//! `Client._ask` hands a query's JSON text to the core (`chatlane_core::ops::Query`), whose
//! call runs on the core's runtime like a send (blocking with the interpreter released, or as
//! a cancellable coroutine) and answers with its JSON text, which `_answer` builds natively
//! into the generated record classes ([`crate::build`]). `upload_media` hands its file over
//! directly instead (`Client._upload`: bytes, or a path the core reads, never JSON), and its
//! `UploadedMedia` comes back the same way.

use std::path::PathBuf;
use std::sync::Arc;

use chatlane_core::ListingPage;
use chatlane_core::cams::ops::params_of;
use chatlane_core::meta::calls::request_of;
use chatlane_core::ops::MediaSource;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyTuple};

use crate::aio::LoopCompletions;
use crate::build;
use crate::client::Client;
use crate::shape::{Shape, Shapes};
use crate::{blocking, errors, guarded, values};

/// `_operation_params(operation, query, client_cust_space_id)`: the wire parameters of a call
/// of `operation` with `query` (its query's JSON text), with the client's default
/// `CustSpaceId`, as the core maps them (for `chatlane.operation_params`).
#[pyfunction]
#[pyo3(name = "_operation_params", signature = (operation, query, client_cust_space_id=None))]
pub fn operation_params<'py>(
    py: Python<'py>,
    operation: &str,
    query: &str,
    client_cust_space_id: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    guarded(py, || {
        let params = params_of(operation, query, client_cust_space_id).map_err(|e| errors::to_pyerr(py, &e))?;
        let dict = PyDict::new(py);
        for (name, value) in params.iter() {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    })
}

/// `_meta_request(operation, query, waba_id)`: the first Graph request (method, path) a Meta
/// client of WABA `waba_id` makes for `query` (its query's JSON text), as the core maps it
/// (for `chatlane.meta_request`).
#[pyfunction]
#[pyo3(name = "_meta_request", signature = (operation, query, waba_id=None))]
pub fn meta_request(py: Python<'_>, operation: &str, query: &str, waba_id: Option<&str>) -> PyResult<(String, String)> {
    guarded(py, || {
        let request = request_of(operation, query, waba_id).map_err(|e| errors::to_pyerr(py, &e))?;
        Ok((request.method, request.path))
    })
}

/// A walk over every page of a listing (`Client._walk`, for `chatlane._ops`' `iter_*`): the
/// core asks for the pages ahead while Python builds and uses earlier ones.
#[pyclass(frozen, module = "chatlane._chatlane", name = "_Pages")]
pub struct Pages {
    pages: Arc<chatlane_core::JsonPages>,
    /// The client's asyncio completions, for `next_async`.
    completions: LoopCompletions,
}

impl Pages {
    /// The walk `pages`, whose coroutines complete through `completions`.
    pub fn new(pages: chatlane_core::JsonPages, completions: LoopCompletions) -> Self {
        Self { pages: Arc::new(pages), completions }
    }
}

#[pymethods]
impl Pages {
    /// The next page, built by `shape` (a class of `chatlane._model._SHAPES`) straight from
    /// the core's values ([`crate::values`]), `None` after the last; blocks this thread with
    /// the interpreter released while it waits.
    fn next<'py>(&self, shape: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = shape.py();
        guarded(py, || {
            let shapes = Shapes::get(py)?;
            let shape = shapes.compile(shape)?;
            let pages = Arc::clone(&self.pages);
            let page = blocking(py, async move { pages.next_page().await })?;
            page.map(|page| values::build(py, shapes, &page, &shape)).transpose()
        })
    }

    /// `next` as a coroutine.
    fn next_async<'py>(&self, shape: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = shape.py();
        guarded(py, || {
            let shape = Shapes::get(py)?.compile(shape)?;
            let pages = Arc::clone(&self.pages);
            self.completions.coroutine(py, async move { Ok(Built(pages.next_page().await?, shape)) })
        })
    }
}

/// A walk's next page (`None` after the last) and its shape: built into the shape's class on
/// the thread that resolves the coroutine.
struct Built(Option<ListingPage>, Shape);

impl<'py> IntoPyObject<'py> for Built {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            Some(page) => values::build(py, Shapes::get(py)?, &page, &self.1),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

/// `_answer(shape, text)`: an operation's answer, the JSON text `text` the core wrote, built
/// by `shape` (a class of `chatlane._model._SHAPES`, or `("list", class)`) without checking it
/// again.
#[pyfunction]
#[pyo3(name = "_answer")]
pub fn answer<'py>(shape: &Bound<'py, PyAny>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let py = shape.py();
    guarded(py, || {
        let shapes = Shapes::get(py)?;
        build::build(py, shapes, text, &shapes.compile(shape)?)
    })
}

/// What `upload_media` uploads: the content of `bytes` or a `bytearray` (copied, so the upload
/// runs with the interpreter released), else the path of a `str` or `os.PathLike`, read by the
/// core off the interpreter's thread. `TypeError` for anything else.
pub fn media_source(data_or_path: &Bound<'_, PyAny>) -> PyResult<MediaSource> {
    if let Ok(bytes) = data_or_path.cast::<PyBytes>() {
        return Ok(MediaSource::Bytes(bytes.as_bytes().to_vec()));
    }
    if let Ok(array) = data_or_path.cast::<PyByteArray>() {
        return Ok(MediaSource::Bytes(array.to_vec()));
    }
    data_or_path.extract::<PathBuf>().map(MediaSource::Path).map_err(|_| {
        let found = data_or_path.get_type().name().map(|name| name.to_string()).unwrap_or_default();
        PyTypeError::new_err(format!(
            "data_or_path must be bytes, a bytearray, a str or an os.PathLike path, not {found}"
        ))
    })
}

/// Hands a public method of `Client` to `chatlane._ops.<helper>(client, method, args,
/// kwargs)`: `ask` (one call, blocking), `ask_async` (a coroutine), `walk` (an iterator over
/// every page's items), `walk_async` (an async generator), `upload` (an upload, blocking) or
/// `upload_async` (a coroutine).
pub fn delegate<'py>(
    client: &Bound<'py, Client>,
    helper: &str,
    method: &str,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    static OPS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let py = client.py();
    let ops = OPS.get_or_try_init(py, || py.import("chatlane._ops").map(Bound::unbind))?;
    ops.bind(py).getattr(helper)?.call1((client, method, args, kwargs))
}
