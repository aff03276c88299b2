//! `Template` and `Text`: immutable Python views of a core [`Message`], converted once
//! at construction. Validation happens when the message is sent, reporting every violation.

use std::sync::Arc;

use chatlane_core::{Body, Channel, Message, SendOptions, TemplateParams};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::{errors, repr};

/// A pre-approved template message (`Type=template`), allowed at any time.
#[pyclass(frozen, eq, module = "chatlane")]
#[derive(PartialEq, Eq)]
pub struct Template {
    message: Arc<Message>,
}

/// A free-form text message (`Type=message`, `MessageType=text`).
#[pyclass(frozen, eq, module = "chatlane")]
#[derive(PartialEq, Eq)]
pub struct Text {
    message: Arc<Message>,
}

/// The core message behind a Python `Template` or `Text`.
pub fn core_message(message: &Bound<'_, PyAny>) -> PyResult<Arc<Message>> {
    if let Ok(template) = message.cast::<Template>() {
        return Ok(Arc::clone(&template.get().message));
    }
    if let Ok(text) = message.cast::<Text>() {
        return Ok(Arc::clone(&text.get().message));
    }
    Err(PyTypeError::new_err(format!(
        "message must be chatlane.Template or chatlane.Text, not {}",
        message.get_type().name()?
    )))
}

fn envelope(
    py: Python<'_>,
    sender: String,
    to: String,
    body: Body,
    channel: &str,
    task_id: Option<String>,
    cust_space_id: Option<String>,
) -> PyResult<Arc<Message>> {
    let channel = Channel::parse(channel).map_err(|e| errors::to_pyerr(py, &e))?;
    Ok(Arc::new(Message { channel, from: sender, to, body, options: SendOptions { task_id, cust_space_id } }))
}

/// The fields every message shares, for `__repr__`.
fn common_fields<'py>(py: Python<'py>, m: &Message) -> PyResult<[(&'static str, Bound<'py, PyAny>); 5]> {
    Ok([
        ("sender", repr::value(py, &m.from)?),
        ("to", repr::value(py, &m.to)?),
        ("channel", repr::value(py, m.channel.as_str())?),
        ("task_id", repr::value(py, &m.options.task_id)?),
        ("cust_space_id", repr::value(py, &m.options.cust_space_id)?),
    ])
}

#[pymethods]
impl Template {
    /// A template message; `params` keeps its order on the wire, `payload` has one entry
    /// per quick-reply button.
    #[new]
    #[pyo3(signature = (
        *, sender, to, code, language, params=None, payload=None,
        channel="whatsapp", task_id=None, cust_space_id=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        sender: String,
        to: String,
        code: String,
        language: String,
        params: Option<Bound<'_, PyDict>>,
        payload: Option<Vec<String>>,
        channel: &str,
        task_id: Option<String>,
        cust_space_id: Option<String>,
    ) -> PyResult<Self> {
        let mut ordered = TemplateParams::new();
        for (name, value) in params.iter().flat_map(|dict| dict.iter()) {
            ordered.insert(name.extract()?, value.extract()?);
        }
        let template =
            chatlane_core::Template { code, language, params: ordered, payload: payload.unwrap_or_default() };
        let message = envelope(py, sender, to, Body::Template(template), channel, task_id, cust_space_id)?;
        Ok(Self { message })
    }

    /// The sender (`From`): business phone number, page, account or service ID.
    #[getter]
    fn sender(&self) -> &str {
        &self.message.from
    }

    /// The recipient (`To`).
    #[getter]
    fn to(&self) -> &str {
        &self.message.to
    }

    /// The template code (`TemplateCode`).
    #[getter]
    fn code(&self) -> &str {
        &self.template().code
    }

    /// The template language (`Language`).
    #[getter]
    fn language(&self) -> &str {
        &self.template().language
    }

    /// A copy of the template variables, in their original order (`TemplateParams`).
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in &self.template().params {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    /// A copy of the quick-reply button payloads (`Payload`).
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, &self.template().payload)
    }

    /// The chat app (`ChannelType`), e.g. `"whatsapp"`.
    #[getter]
    fn channel(&self) -> &'static str {
        self.message.channel.as_str()
    }

    /// The caller-defined ID echoed in status receipts (`TaskId`).
    #[getter]
    fn task_id(&self) -> Option<&str> {
        self.message.options.task_id.as_deref()
    }

    /// The channel instance (`CustSpaceId`), overriding the client's default.
    #[getter]
    fn cust_space_id(&self) -> Option<&str> {
        self.message.options.cust_space_id.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let template = self.template();
        let [sender, to, channel, task_id, cust_space_id] = common_fields(py, &self.message)?;
        let params = (!template.params.is_empty()).then(|| self.params(py)).transpose()?;
        let payload = (!template.payload.is_empty()).then(|| self.payload(py)).transpose()?;
        repr::call_like(
            "Template",
            &[
                sender,
                to,
                ("code", repr::value(py, &template.code)?),
                ("language", repr::value(py, &template.language)?),
                ("params", repr::value(py, params)?),
                ("payload", repr::value(py, payload)?),
                channel,
                task_id,
                cust_space_id,
            ],
        )
    }
}

impl Template {
    fn template(&self) -> &chatlane_core::Template {
        let Body::Template(template) = &self.message.body else {
            unreachable!("a Template is only ever built with a template body")
        };
        template
    }
}

#[pymethods]
impl Text {
    /// A free-form text message (WhatsApp: only within 24 h of the user's last message).
    #[new]
    #[pyo3(signature = (*, sender, to, text, channel="whatsapp", task_id=None, cust_space_id=None))]
    fn new(
        py: Python<'_>,
        sender: String,
        to: String,
        text: String,
        channel: &str,
        task_id: Option<String>,
        cust_space_id: Option<String>,
    ) -> PyResult<Self> {
        let body = Body::Text(chatlane_core::Text { text });
        Ok(Self { message: envelope(py, sender, to, body, channel, task_id, cust_space_id)? })
    }

    /// The sender (`From`): business phone number, page, account or service ID.
    #[getter]
    fn sender(&self) -> &str {
        &self.message.from
    }

    /// The recipient (`To`).
    #[getter]
    fn to(&self) -> &str {
        &self.message.to
    }

    /// The text to send.
    #[getter]
    fn text(&self) -> &str {
        let Body::Text(text) = &self.message.body else { unreachable!("a Text is only ever built with a text body") };
        &text.text
    }

    /// The chat app (`ChannelType`), e.g. `"whatsapp"`.
    #[getter]
    fn channel(&self) -> &'static str {
        self.message.channel.as_str()
    }

    /// The caller-defined ID echoed in status receipts (`TaskId`).
    #[getter]
    fn task_id(&self) -> Option<&str> {
        self.message.options.task_id.as_deref()
    }

    /// The channel instance (`CustSpaceId`), overriding the client's default.
    #[getter]
    fn cust_space_id(&self) -> Option<&str> {
        self.message.options.cust_space_id.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let [sender, to, channel, task_id, cust_space_id] = common_fields(py, &self.message)?;
        repr::call_like("Text", &[sender, to, ("text", repr::value(py, self.text())?), channel, task_id, cust_space_id])
    }
}
