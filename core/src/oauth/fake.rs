//! A [`Transport`] for tests: canned answers in order, every request recorded.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::error::Error;
use crate::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};

/// What a request was: its method, URI, `content-type` and body.
#[derive(Clone, Debug)]
pub(super) struct Recorded {
    pub(super) method: http::Method,
    pub(super) uri: http::Uri,
    pub(super) content_type: Option<String>,
    pub(super) body: Vec<u8>,
}

/// Answers each request with the next canned outcome and records it.
pub(super) struct FakeTransport {
    answers: Mutex<VecDeque<Result<HttpResponse, Error>>>,
    requests: Mutex<Vec<Recorded>>,
}

impl FakeTransport {
    /// A transport giving these answers (status, JSON body), in order.
    pub(super) fn answering(answers: &[(u16, &str)]) -> Self {
        let answers = answers.iter().map(|&(status, body)| {
            Ok(HttpResponse { status, body: body.as_bytes().to_vec(), ..HttpResponse::default() })
        });
        Self { answers: Mutex::new(answers.collect()), requests: Mutex::default() }
    }

    /// A transport failing every request with `error`.
    pub(super) fn failing(error: Error) -> Self {
        Self { answers: Mutex::new(VecDeque::from([Err(error)])), requests: Mutex::default() }
    }

    /// The requests sent so far.
    pub(super) fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The form fields of the `index`th request's body, else of its query.
    pub(super) fn fields(&self, index: usize) -> Vec<(String, String)> {
        let request = &self.requests()[index];
        let source = if request.body.is_empty() {
            request.uri.query().unwrap_or_default().as_bytes().to_vec()
        } else {
            request.body.clone()
        };
        url::form_urlencoded::parse(&source).into_owned().collect()
    }

    /// The value of field `name` in the `index`th request.
    pub(super) fn field(&self, index: usize, name: &str) -> Option<String> {
        self.fields(index).into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
    }
}

impl Transport for FakeTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        let content_type = request.headers().get(http::header::CONTENT_TYPE);
        self.requests.lock().unwrap().push(Recorded {
            method: request.method().clone(),
            uri: request.uri().clone(),
            content_type: content_type.and_then(|value| value.to_str().ok()).map(str::to_owned),
            body: request.body().to_vec(),
        });
        let answer = self.answers.lock().unwrap().pop_front().expect("a canned answer for every request");
        Box::pin(async move { answer })
    }
}
