//! The one send pipeline every provider runs through.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;

use super::{Accepted, Call, CallAnswer, OutgoingRef, Provider};
use crate::client::SendReceipt;
use crate::error::{Error, ErrorCode};
use crate::limit::{LimitKey, Pacing, Quota, RateLimiter};
use crate::model::Message;
use crate::observe::{self, RetryEvent, SendObserver};
use crate::operation::Operation;
use crate::options::SendOptions;
use crate::outgoing::random_id;
use crate::retry::{self, Decision, RetryPolicy};
use crate::store::{self, EventStore, WindowPolicy, WindowVerdict};
use crate::transport::{BoxFuture, HttpRequest, HttpResponse, RequestTimeout, Transport};

/// A pipeline whose provider is erased, so one client type serves every provider.
pub(crate) trait Dispatch: Send + Sync {
    /// Prepares, paces, sends and classifies `outgoing`, retrying what provably had no effect.
    fn send<'a>(&'a self, outgoing: OutgoingRef<'a>, options: SendOptions)
    -> BoxFuture<'a, Result<SendReceipt, Error>>;

    /// Paces, sends and classifies `call`, retrying what provably had no effect (and, for a
    /// read, an answer lost on the way): the accepted answer, whose body the operation reads.
    fn call<'a>(&'a self, call: &'a Call, options: SendOptions) -> BoxFuture<'a, Result<CallAnswer, Error>>;
}

/// What every provider's sends share: transport, pacing, retries and hooks.
pub(crate) struct Pipeline<P> {
    /// What differs per API.
    pub(crate) provider: P,
    /// Where requests go out.
    pub(crate) transport: Arc<dyn Transport>,
    /// The client's quotas and longest wait.
    pub(crate) pacing: Pacing,
    /// Where pacing state lives.
    pub(crate) limiter: Arc<dyn RateLimiter>,
    /// Automatic retries of provably unprocessed requests.
    pub(crate) retry: RetryPolicy,
    /// Hooks on retries and outcomes.
    pub(crate) observer: Option<Arc<dyn SendObserver>>,
    /// Where sends of unknown outcome are recorded and windows are read.
    pub(crate) store: Option<Arc<dyn EventStore>>,
    /// What a free-form WhatsApp message to a closed window does (with a store).
    pub(crate) window: WindowPolicy,
}

impl<P: Provider> Dispatch for Pipeline<P> {
    fn send<'a>(
        &'a self,
        outgoing: OutgoingRef<'a>,
        options: SendOptions,
    ) -> BoxFuture<'a, Result<SendReceipt, Error>> {
        Box::pin(async move {
            let task_id = outgoing.task_id().map_or_else(random_id, str::to_owned);
            let prepared = self.provider.prepare(outgoing, &task_id)?;
            let OutgoingRef::Message(message) = outgoing else {
                return self.deliver(&prepared, task_id, options).await;
            };
            let tagged = |e: Error| e.with_task_id(Some(task_id.clone()));
            let result = match self.window(message).await.map_err(tagged)? {
                WindowVerdict::Send => self.deliver(&prepared, task_id.clone(), options).await,
                WindowVerdict::Substitute(fallback) => {
                    let prepared = self.provider.prepare(OutgoingRef::Message(&fallback), &task_id).map_err(tagged)?;
                    let receipt = self.deliver(&prepared, task_id.clone(), options).await;
                    receipt.map(|receipt| SendReceipt { fallback: true, ..receipt })
                }
            };
            if let Err(error) = &result
                && error.code() == ErrorCode::OutcomeUnknown
            {
                self.record_unknown(message, task_id).await;
            }
            result
        })
    }

    fn call<'a>(&'a self, call: &'a Call, options: SendOptions) -> BoxFuture<'a, Result<CallAnswer, Error>> {
        Box::pin(async move {
            let operation = call.operation();
            let span = tracing::info_span!(target: observe::TARGET, "chatlane.call", operation = operation.as_str());
            let result = self.attempts(&CallAttempt(call), options, Instant::now()).instrument(span).await;
            result.map(|(answer, _)| answer)
        })
    }
}

impl<P: Provider> Pipeline<P> {
    /// Sends `prepared` inside the send's `chatlane.send` span; reports the outcome (see
    /// [`crate::observe`]).
    async fn deliver(
        &self,
        prepared: &P::Prepared,
        task_id: String,
        options: SendOptions,
    ) -> Result<SendReceipt, Error> {
        let operation = self.provider.operation(prepared);
        let span = tracing::info_span!(
            target: observe::TARGET,
            "chatlane.send",
            operation = operation.as_str(),
            task_id = %task_id
        );
        let started = Instant::now();
        let send = SendAttempt { operation, prepared, task_id: &task_id };
        let result = self
            .attempts(&send, options, started)
            .instrument(span.clone())
            .await
            .map(|(accepted, attempts)| SendReceipt {
                message_id: accepted.message_id,
                request_id: accepted.request_id,
                task_id: task_id.clone(),
                attempts,
                fallback: false,
            })
            .map_err(|error| error.with_task_id(Some(task_id.clone())));
        span.in_scope(|| observe::finished(self.observer.as_deref(), operation, &result, started));
        result
    }

    /// The attempts of one request, from `started`, until its answer (with how many attempts
    /// it took) or an error to surface.
    async fn attempts<A: Attempt<P>>(
        &self,
        attempt: &A,
        options: SendOptions,
        started: Instant,
    ) -> Result<(A::Output, u32), Error> {
        let operation = attempt.operation();
        let mut attempts = 0;
        loop {
            let authority = self.provider.authority().await.map_err(|e| e.with_attempts(attempts))?;
            self.pace(attempt.limits(&self.provider, &authority, &self.pacing))
                .await
                .map_err(|e| e.with_attempts(attempts))?;
            attempts += 1;
            let attempt_started = Instant::now();
            let classified = match self.send_once(attempt.request(&self.provider, &authority), options).await {
                Ok(answer) => attempt.classify(&self.provider, answer, &authority),
                Err(error) => Err(error),
            };
            observe::attempt_ended(attempts, classified.as_ref().err(), attempt_started);
            let error = match classified {
                Ok(output) => return Ok((output, attempts)),
                Err(error) => error,
            };
            match retry::decide(&self.retry, operation, attempts, started.elapsed(), &error, rand::random()) {
                Decision::RetryAfter(delay) => {
                    let event = RetryEvent {
                        operation,
                        task_id: attempt.task_id().to_owned(),
                        attempt: attempts,
                        code: error.code(),
                        http_status: error.http_status(),
                        delay,
                    };
                    observe::retrying(self.observer.as_deref(), event);
                    tokio::time::sleep(delay).await
                }
                Decision::GiveUp => return Err(error.with_attempts(attempts)),
            }
        }
    }

    /// What the window policy makes of `message` by what the store knows of its window: send
    /// it, send the fallback template instead, or refuse it (nothing sent or paced).
    async fn window(&self, message: &Message) -> Result<WindowVerdict, Error> {
        let Some(store) = &self.store else { return Ok(WindowVerdict::Send) };
        if self.window == WindowPolicy::Ignore || !store::needs_window(message) {
            return Ok(WindowVerdict::Send);
        }
        let (store, provider) = (Arc::clone(store), P::KIND);
        let (from, to) = (message.from.clone(), message.to.clone());
        let last = store::blocking(move || store.last_inbound(provider, &from, &to)).await?;
        self.window.judge(message, last, store::now_ms())
    }

    /// Records a send whose outcome is unknown, so that a receipt carrying its task ID can
    /// resolve it; a store failure is logged and the send's own error stands.
    async fn record_unknown(&self, message: &Message, task_id: String) {
        let Some(store) = &self.store else { return };
        let (store, provider) = (Arc::clone(store), P::KIND);
        let (from, to) = (message.from.clone(), message.to.clone());
        let recorded =
            store::blocking(move || store.record_unknown(provider, &task_id, &from, &to, store::now_ms())).await;
        if let Err(error) = recorded {
            tracing::warn!(target: observe::TARGET, code = error.code().as_str(), "could not record a send of unknown outcome: {}", error.message());
        }
    }

    /// Waits for a slot of each budget in `limits` (fails with `RateLimited`, nothing sent).
    async fn pace(&self, limits: Vec<(LimitKey, Quota)>) -> Result<(), Error> {
        let max_wait = self.pacing.max_wait.unwrap_or(Duration::MAX);
        for (key, quota) in limits {
            self.limiter.acquire(&key, quota, max_wait).await?;
        }
        Ok(())
    }

    /// Sends `request` (freshly authenticated) with this call's timeout.
    async fn send_once(
        &self,
        request: Result<HttpRequest, Error>,
        options: SendOptions,
    ) -> Result<HttpResponse, Error> {
        let mut request = request?;
        if let Some(timeout) = options.request_timeout {
            request.extensions_mut().insert(RequestTimeout(timeout));
        }
        self.transport.send(request).await
    }
}

/// What one kind of request does at each step of the attempt loop.
trait Attempt<P: Provider>: Sync {
    /// What an accepted answer gives.
    type Output;

    /// The operation it calls.
    fn operation(&self) -> Operation;

    /// The correlation ID retries are reported with (a send's `TaskId`; empty for a call).
    fn task_id(&self) -> &str;

    /// The budgets one attempt takes a slot of.
    fn limits(&self, provider: &P, authority: &P::Authority, pacing: &Pacing) -> Vec<(LimitKey, Quota)>;

    /// One request, freshly authenticated.
    fn request(&self, provider: &P, authority: &P::Authority) -> Result<HttpRequest, Error>;

    /// What the answer means.
    fn classify(&self, provider: &P, answer: HttpResponse, authority: &P::Authority) -> Result<Self::Output, Error>;
}

/// A send of a prepared message.
struct SendAttempt<'a, P: Provider> {
    operation: Operation,
    prepared: &'a P::Prepared,
    task_id: &'a str,
}

impl<P: Provider> Attempt<P> for SendAttempt<'_, P> {
    type Output = Accepted;

    fn operation(&self) -> Operation {
        self.operation
    }

    fn task_id(&self) -> &str {
        self.task_id
    }

    fn limits(&self, provider: &P, authority: &P::Authority, pacing: &Pacing) -> Vec<(LimitKey, Quota)> {
        provider.limits(self.prepared, authority, pacing)
    }

    fn request(&self, provider: &P, authority: &P::Authority) -> Result<HttpRequest, Error> {
        provider.request(self.prepared, authority)
    }

    fn classify(&self, provider: &P, answer: HttpResponse, authority: &P::Authority) -> Result<Accepted, Error> {
        provider.classify(&answer, authority)
    }
}

/// A call of another operation; its answer's body is the operation's to read.
struct CallAttempt<'a>(&'a Call);

impl<P: Provider> Attempt<P> for CallAttempt<'_> {
    type Output = CallAnswer;

    fn operation(&self) -> Operation {
        self.0.operation()
    }

    fn task_id(&self) -> &str {
        ""
    }

    fn limits(&self, provider: &P, authority: &P::Authority, pacing: &Pacing) -> Vec<(LimitKey, Quota)> {
        provider.call_limits(self.0, authority, pacing)
    }

    fn request(&self, provider: &P, authority: &P::Authority) -> Result<HttpRequest, Error> {
        provider.call_request(self.0, authority)
    }

    fn classify(&self, provider: &P, answer: HttpResponse, authority: &P::Authority) -> Result<CallAnswer, Error> {
        provider.classify_call(answer, authority)
    }
}
