//! The operations beyond sending (`Client.list_messages`, `iter_templates`, `template`,
//! `phone_numbers`, their `_async` twins) and `chatlane.operation_params`.
//!
//! `chatlane/_ops.py` holds their Python surface: it reads the keyword arguments into the
//! query's JSON shape (through the generated query classes), walks pages by `next_page`, and
//! reads answers into the generated record classes. Here a query's JSON text becomes the
//! core's typed query, whose call runs on the core's runtime like a send (blocking with the
//! interpreter released, or as a cancellable coroutine) and answers with its JSON text.

use chatlane_core::cams::ops::params_of;
use chatlane_core::ops::{HistoryQuery, PhoneNumberQuery, TemplateQuery, TemplateRef};
use chatlane_core::{Error, ErrorCode};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use serde_json::Value;

use crate::client::Client;
use crate::{errors, guarded};

/// One call: the core's query of one operation.
pub enum Ask {
    /// `ListChatappMessage`.
    History(HistoryQuery),
    /// `ListChatappTemplate`.
    Templates(TemplateQuery),
    /// `GetChatappTemplateDetail`.
    Template(TemplateRef),
    /// `QueryChatappPhoneNumbers`.
    Numbers(PhoneNumberQuery),
}

impl Ask {
    /// The call of `operation` (a CAMS action name) with `query`, its query's JSON text. A
    /// query of the wrong shape is the core's `InvalidParameter` error naming the field.
    pub fn parse(operation: &str, query: &str) -> Result<Self, Error> {
        let query = json_query(query)?;
        // When the query cannot be read, the core's own reader (in `params_of`) reads it again
        // for its error, which names the failing field.
        let refused = |failure: serde_json::Error| match params_of(operation, query.clone(), None) {
            Err(error) => error,
            Ok(_) => Error::new(ErrorCode::InvalidParameter, failure.to_string()),
        };
        Ok(match operation {
            "ListChatappMessage" => Self::History(serde_json::from_value(query.clone()).map_err(refused)?),
            "ListChatappTemplate" => Self::Templates(serde_json::from_value(query.clone()).map_err(refused)?),
            "GetChatappTemplateDetail" => Self::Template(serde_json::from_value(query.clone()).map_err(refused)?),
            "QueryChatappPhoneNumbers" => Self::Numbers(serde_json::from_value(query.clone()).map_err(refused)?),
            other => return Err(params_of(other, query, None).expect_err("the other operations are no CAMS queries")),
        })
    }

    /// Runs the call through `client`: the JSON text of its answer.
    pub async fn run(self, client: chatlane_core::Client) -> Result<String, Error> {
        let answer = match self {
            Self::History(query) => serde_json::to_string(&client.list_messages(&query).await?),
            Self::Templates(query) => serde_json::to_string(&client.list_templates(&query).await?),
            Self::Template(template) => serde_json::to_string(&client.template(&template).await?),
            Self::Numbers(query) => serde_json::to_string(&client.phone_numbers(&query).await?),
        };
        Ok(answer.expect("records serialise"))
    }
}

/// A query's JSON text as JSON; text that is not JSON is an `InvalidParameter` error.
fn json_query(query: &str) -> Result<Value, Error> {
    serde_json::from_str(query)
        .map_err(|e| Error::new(ErrorCode::InvalidParameter, format!("the query is not JSON: {e}")))
}

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
        let params = json_query(query)
            .and_then(|query| params_of(operation, query, client_cust_space_id))
            .map_err(|e| errors::to_pyerr(py, &e))?;
        let dict = PyDict::new(py);
        for (name, value) in params.iter() {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    })
}

/// Hands a public method of `Client` to `chatlane._ops.<helper>(client, method, args,
/// kwargs)`: `ask` (one call, blocking), `ask_async` (a coroutine), `walk` (an iterator over
/// every page's items) or `walk_async` (an async generator).
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
