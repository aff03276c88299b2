//! A [`Transport`] for the client's tests: canned answers in order, every request kept.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::{BoxFuture, HttpRequest, HttpResponse, Transport};
use crate::error::Error;

/// Answers each request with the next canned answer and keeps it.
#[derive(Default)]
pub(crate) struct Scripted {
    answers: Mutex<VecDeque<Result<HttpResponse, Error>>>,
    /// The requests sent so far.
    pub(crate) requests: Mutex<Vec<HttpRequest>>,
}

impl Scripted {
    /// A transport giving `answers`, in order.
    pub(crate) fn new(answers: Vec<Result<HttpResponse, Error>>) -> Self {
        Self { answers: Mutex::new(answers.into()), ..Self::default() }
    }
}

impl Transport for Scripted {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        self.requests.lock().unwrap().push(request);
        let answer = self.answers.lock().unwrap().pop_front().expect("an answer for every request");
        Box::pin(async move { answer })
    }
}

/// An answer with `status` and `body`.
pub(crate) fn answer(status: u16, body: &str) -> Result<HttpResponse, Error> {
    Ok(HttpResponse { status, body: body.as_bytes().to_vec(), ..HttpResponse::default() })
}
