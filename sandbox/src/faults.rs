//! Fault injection: rules that make the sandbox misbehave on purpose, for tests of
//! retries, timeouts and error handling. Programmed through `POST /_sandbox/faults` or
//! [`crate::Sandbox::inject`], e.g.
//! `{"fault":{"kind":"throttle","retryAfterMs":300},"times":1,"to":"6591234567","probability":0.5}`.
//!
//! A rule targets one API face with `api`: `cams` (the default: the gateway on `POST /`) or
//! `meta` (`POST /{version}/{phone-number-id}/messages`, see [`crate::meta`]). The kinds are
//! the same on both faces; each face words the answers in its own format ([`Face`]).
//!
//! Kinds (`kind`, then the fields of each):
//!
//! | kind | fields | what the client gets | ledger |
//! |---|---|---|---|
//! | `throttle` | `retryAfterMs` | CAMS: HTTP 400 `Throttling.User` with `x-acs-retry-after`; Meta: the throughput error `130429` (`retryAfterMs` unused: Meta sends no retry header) | — |
//! | `error` | `status`, `code`?, `message`?, `headers`? | CAMS: a gateway error body with that status and `Code` (none when `code` is absent), status 200 makes it a business error; Meta: the Graph error envelope of that numeric `code` (e.g. `130429`, `131056`, `190`, `131047`, `131026`, `2`) with that status, no body at all when `code` is absent (or not a number) | — |
//! | `malformed` | — | HTTP 200 whose body is not JSON | — |
//! | `accept_then` | `status` (200), `body` (""), `headers`? | the message is accepted as usual (receipts too), then answered with this status and raw body instead | +1 if valid |
//! | `accept_then_drop` | — | the message is accepted as usual, then the connection closes without an answer | +1 if valid |
//! | `with_headers` | `headers` | the usual answer with these headers added, e.g. `{"x-acs-retry-after":"300"}` on a success | as usual |
//! | `latency` | `ms`, `jitterMs` (0) | the usual answer after `ms` plus a random `0..=jitterMs` | as usual |
//! | `hang` | — | accepted, never answered | +1 if valid |
//! | `drop` | — | the connection closes after the request is read | — |
//! | `drop_before_read` | — | the connection closes before the body is read | — |
//! | `duplicate` | `count` (≥ 1) | a push (receipt, status webhook, inbound message) is delivered `count` times, as at-least-once redelivery does | as usual |
//! | `delay` | `ms` | a push is held back `ms` before it is delivered (and the pushes queued behind it with it) | as usual |
//!
//! `code` may be given as a string or a number. `headers` is a JSON object of header names
//! to values (e.g. `{"Retry-After":"2"}`), checked when the rule is added. A rule applies to
//! the next `times` (default 1) requests of its face that match its optional `to` (CAMS: the
//! `To` parameter; Meta: the body's `to`, else its `recipient`). Rules are tried in the order
//! they were added: each matching rule rolls its own `probability` (default 1), the first that
//! fires is applied and uses up one of its `times`, and a request a rule spared by chance is
//! tried against the next.
//!
//! `duplicate` and `delay` are push faults: they never touch a request, and their `times`
//! count pushes, one per receipt or webhook (a message's `sent`, `delivered` and `read` are
//! three). Their `to` is the user a push is about: a receipt's recipient (CAMS: the `To`, each
//! recipient's of a mass send; Meta: the send's `to`, else its `recipient`, as given), an
//! inbound message's sender (CAMS: `from` as given; Meta: its digits, the `wa_id`). E.g. every
//! status webhook of the next Meta message delivered three times:
//! `{"api":"meta","fault":{"kind":"duplicate","count":3},"times":3}`. Without push faults, every
//! push is delivered once, at once.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Deserializer};
use tokio::sync::watch;

/// One way to misbehave (see the module documentation for the JSON of each).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// HTTP 400 `Throttling.User` with an `x-acs-retry-after` header (milliseconds).
    Throttle {
        /// The `x-acs-retry-after` value.
        #[serde(rename = "retryAfterMs")]
        retry_after_ms: u64,
    },
    /// An error answer with this HTTP status and platform `Code` (a status of 200 makes it
    /// a business error, as CAMS sends them), the message unprocessed.
    Error {
        /// HTTP status.
        status: u16,
        /// Platform `Code` (Meta: the Graph error code); absent, the body has none (as a
        /// load balancer's 502 might) or, on Meta's face, there is no body.
        #[serde(default, deserialize_with = "text_or_number")]
        code: Option<String>,
        /// Platform `Message`.
        #[serde(default)]
        message: Option<String>,
        /// Headers added to the answer, e.g. `Retry-After` on a 429.
        #[serde(default)]
        headers: Headers,
    },
    /// HTTP 200 whose body is not JSON, the message unprocessed.
    Malformed,
    /// Process the message as usual (accepted into the ledger, receipts pushed), then answer
    /// with `status` and the raw `body` instead of the real answer.
    AcceptThen {
        /// HTTP status of the answer.
        #[serde(default = "ok")]
        status: u16,
        /// The answer's body, sent as is.
        #[serde(default)]
        body: String,
        /// Headers added to the answer.
        #[serde(default)]
        headers: Headers,
    },
    /// Answer as usual, with these headers added (e.g. `x-acs-retry-after` on a success).
    WithHeaders {
        /// The headers to add.
        headers: Headers,
    },
    /// Answer normally, after a delay of `ms` plus a random `0..=jitterMs`.
    Latency {
        /// The fixed delay in milliseconds.
        ms: u64,
        /// The largest random extra delay in milliseconds.
        #[serde(default, rename = "jitterMs")]
        jitter_ms: u64,
    },
    /// Accept the message (it enters the ledger), then drop the connection without answering.
    AcceptThenDrop,
    /// Accept the message (it enters the ledger) and never answer.
    Hang,
    /// Read the request, then drop the connection without answering (nothing is recorded).
    Drop,
    /// Drop the connection before reading the request body (a `to` rule can match only a
    /// CAMS request whose `To` is in the query string; Meta's recipient is in the body).
    DropBeforeRead,
    /// Deliver a push `count` times (a push fault).
    Duplicate {
        /// How many times the push is delivered.
        count: NonZeroU32,
    },
    /// Hold a push back `ms` milliseconds before delivering it (a push fault).
    Delay {
        /// The delay in milliseconds.
        ms: u64,
    },
}

/// When a fault acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Before the request body is read.
    BeforeRead,
    /// On the answer to a request.
    Answer,
    /// On a push the sandbox makes.
    Push,
}

impl Fault {
    /// An [`Fault::Error`] answer with this HTTP status and, if given, platform `Code`.
    pub fn error(status: u16, code: Option<&str>) -> Self {
        Self::Error { status, code: code.map(str::to_owned), message: None, headers: Headers::default() }
    }

    /// When the fault acts.
    fn stage(&self) -> Stage {
        match self {
            Self::DropBeforeRead => Stage::BeforeRead,
            Self::Duplicate { .. } | Self::Delay { .. } => Stage::Push,
            _ => Stage::Answer,
        }
    }

    /// The answer that replaces processing the request, and the outcome the journal records
    /// for it; `None` for faults that let the request be processed.
    fn instead(&self, face: &impl Face) -> Option<(Response, String)> {
        let answered = match self {
            Self::Throttle { retry_after_ms } => face.throttled(*retry_after_ms),
            Self::Error { status, code, message, headers } => {
                let status = status_code(*status);
                let mut response = face.error(status, code.as_deref(), message.as_deref());
                headers.apply(response.headers_mut());
                (response, code.clone().unwrap_or_else(|| format!("HTTP {}", status.as_u16())))
            }
            Self::Malformed => (face.malformed(), "malformed".to_owned()),
            Self::Drop => (dropped_connection(), "drop".to_owned()),
            Self::AcceptThen { .. }
            | Self::AcceptThenDrop
            | Self::WithHeaders { .. }
            | Self::Latency { .. }
            | Self::Hang
            | Self::DropBeforeRead
            | Self::Duplicate { .. }
            | Self::Delay { .. } => return None,
        };
        Some(answered)
    }

    /// The answer to a processed request whose own answer is `response`: withheld, replaced
    /// or completed as the fault says. A hang lasts until `stopping` turns true.
    async fn after(self, face: &impl Face, response: Response, mut stopping: watch::Receiver<bool>) -> Response {
        match self {
            Self::Hang => {
                let _ = stopping.wait_for(|stop| *stop).await;
                dropped_connection()
            }
            Self::AcceptThenDrop => dropped_connection(),
            Self::AcceptThen { status, body, headers } => {
                let mut response = face.raw(status_code(status), body);
                headers.apply(response.headers_mut());
                response
            }
            Self::WithHeaders { headers } => {
                let mut response = response;
                headers.apply(response.headers_mut());
                response
            }
            _ => response,
        }
    }
}

/// How one API face words the answers a fault puts in place of its own: CAMS's gateway and
/// Meta's Graph API each answer throttling, errors and raw bodies in their own format.
pub trait Face {
    /// The face's throttling answer, and the code the journal records for it.
    fn throttled(&self, retry_after_ms: u64) -> (Response, String);
    /// An error answer with this status and, when given, the platform's code and message.
    fn error(&self, status: StatusCode, code: Option<&str>, message: Option<&str>) -> Response;
    /// An HTTP 200 answer whose body is not JSON.
    fn malformed(&self) -> Response;
    /// An answer with this status and body, sent as is.
    fn raw(&self, status: StatusCode, body: String) -> Response;
}

/// Answers a request its face admitted, under `fault` if one matched: `process` handles the
/// request (and returns its answer and outcome) unless the fault answers instead; the outcome
/// goes to `journal` before the answer is delayed, withheld or altered. A hang lasts until
/// `stopping` turns true.
pub async fn answer(
    fault: Option<Fault>,
    face: &impl Face,
    stopping: watch::Receiver<bool>,
    journal: impl FnOnce(&str),
    process: impl FnOnce() -> (Response, String),
) -> Response {
    let Some(fault) = fault else {
        let (response, outcome) = process();
        journal(&outcome);
        return response;
    };
    if let Some((response, outcome)) = fault.instead(face) {
        journal(&outcome);
        return response;
    }
    if let Fault::Latency { ms, jitter_ms } = &fault {
        let jitter = rand::random_range(0..=*jitter_ms);
        tokio::time::sleep(Duration::from_millis(ms.saturating_add(jitter))).await;
    }
    let (response, outcome) = process();
    journal(&outcome);
    fault.after(face, response, stopping).await
}

/// A response whose body fails at once: hyper closes the connection without an answer.
pub fn dropped_connection() -> Response {
    let failure = std::io::Error::other("sandbox fault: connection dropped");
    Response::new(Body::from_stream(futures_util::stream::once(std::future::ready(Err::<Bytes, _>(failure)))))
}

/// `status` as an HTTP status; an invalid one is a 500.
fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A code given as a JSON string or number (or `null`), kept as text.
fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Code {
        Text(String),
        Number(u64),
    }
    Ok(Option::<Code>::deserialize(deserializer)?.map(|code| match code {
        Code::Text(text) => text,
        Code::Number(number) => number.to_string(),
    }))
}

/// Headers a fault adds to its answer: a JSON object of names to values, checked when the
/// rule is parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "BTreeMap<String, String>")]
pub struct Headers(Vec<(HeaderName, HeaderValue)>);

impl TryFrom<BTreeMap<String, String>> for Headers {
    type Error = String;

    fn try_from(map: BTreeMap<String, String>) -> Result<Self, String> {
        let header = |(name, value): (String, String)| {
            let parsed = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()));
            match parsed {
                (Ok(name), Ok(value)) => Ok((name, value)),
                _ => Err(format!("not a valid header: {name}: {value}")),
            }
        };
        map.into_iter().map(header).collect::<Result<_, _>>().map(Self)
    }
}

impl Headers {
    /// Adds these headers to `headers`, replacing any of the same name.
    pub fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.0 {
            headers.insert(name.clone(), value.clone());
        }
    }
}

fn ok() -> u16 {
    200
}

/// The API face a rule applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// CAMS's gateway (`POST /`).
    #[default]
    Cams,
    /// Meta's Graph API messages endpoint (`POST /{version}/{phone-number-id}/messages`).
    Meta,
}

/// A fault and the requests it applies to.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// What to do.
    pub fault: Fault,
    /// The face whose requests it applies to (default CAMS).
    #[serde(default)]
    pub api: Api,
    /// How many matching requests (pushes, for a push fault) it applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests to this recipient (CAMS: `To`; Meta: `to`, else `recipient`); for a push
    /// fault, only pushes about this user (a receipt's recipient, an inbound message's sender).
    #[serde(default)]
    pub to: Option<String>,
    /// The chance (0–1) that a matching request gets the fault (default 1); a request
    /// spared by chance does not use up `times` and is tried against the next rules.
    #[serde(default)]
    pub probability: Option<f64>,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    /// A rule that applies `fault` to the next request, whatever its recipient.
    pub fn once(fault: Fault) -> Self {
        Self { fault, api: Api::Cams, times: 1, to: None, probability: None }
    }

    /// Whether the rule still applies, at `stage`, to a request (or push) of `api` to `to`.
    fn matches(&self, api: Api, to: Option<&str>, stage: Stage) -> bool {
        self.times > 0
            && self.api == api
            && self.fault.stage() == stage
            && self.to.as_deref().is_none_or(|want| Some(want) == to)
    }

    /// Rolls the rule's chance: whether it fires for this request.
    fn fires(&self) -> bool {
        self.probability.is_none_or(|p| rand::random::<f64>() < p)
    }
}

/// How one push is delivered: held back `delay`, then delivered `copies` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PushPlan {
    /// How long the push is held back.
    pub delay: Duration,
    /// How many times it is delivered.
    pub copies: NonZeroU32,
}

impl Default for PushPlan {
    /// Once, at once.
    fn default() -> Self {
        Self { delay: Duration::ZERO, copies: NonZeroU32::MIN }
    }
}

/// The active rules, tried in order; the first matching rule that fires wins.
#[derive(Debug, Default)]
pub struct Faults(Mutex<Vec<FaultRule>>);

impl Faults {
    /// Adds a rule after the existing ones.
    pub fn add(&self, rule: FaultRule) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(rule);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The fault for a request of `api` to `to` once it has been read, if a rule matches;
    /// uses up one of its `times`.
    pub fn take(&self, api: Api, to: Option<&str>) -> Option<Fault> {
        self.take_at(Stage::Answer, api, to)
    }

    /// Whether a request of `api` to `to` is to be dropped before its body is read.
    pub fn take_before_read(&self, api: Api, to: Option<&str>) -> bool {
        self.take_at(Stage::BeforeRead, api, to).is_some()
    }

    /// How a push of `api` about user `to` is to be delivered: as the push fault of a matching
    /// rule says (using up one of its `times`), else once, at once.
    pub fn take_push(&self, api: Api, to: &str) -> PushPlan {
        match self.take_at(Stage::Push, api, Some(to)) {
            Some(Fault::Duplicate { count }) => PushPlan { copies: count, ..PushPlan::default() },
            Some(Fault::Delay { ms }) => PushPlan { delay: Duration::from_millis(ms), ..PushPlan::default() },
            _ => PushPlan::default(),
        }
    }

    fn take_at(&self, stage: Stage, api: Api, to: Option<&str>) -> Option<Fault> {
        let mut rules = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let index = rules.iter().position(|rule| rule.matches(api, to, stage) && rule.fires())?;
        let rule = &mut rules[index];
        rule.times -= 1;
        let fault = rule.fault.clone();
        if rule.times == 0 {
            rules.remove(index);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_from_json_and_are_used_up_in_order() {
        let faults = Faults::default();
        let rule: FaultRule =
            serde_json::from_str(r#"{"fault":{"kind":"throttle","retryAfterMs":300},"times":2}"#).unwrap();
        faults.add(rule);
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"hang"},"to":"659"}"#).unwrap());
        assert_eq!(faults.take(Api::Cams, Some("1")), Some(Fault::Throttle { retry_after_ms: 300 }));
        assert_eq!(faults.take(Api::Cams, Some("659")), Some(Fault::Throttle { retry_after_ms: 300 }));
        assert_eq!(faults.take(Api::Cams, Some("1")), None);
        assert_eq!(faults.take(Api::Cams, Some("659")), Some(Fault::Hang));
        assert_eq!(faults.take(Api::Cams, Some("659")), None);
    }

    #[test]
    fn unknown_kinds_and_fields_are_refused() {
        assert!(serde_json::from_str::<FaultRule>(r#"{"fault":{"kind":"explode"}}"#).is_err());
        assert!(serde_json::from_str::<FaultRule>(r#"{"fault":{"kind":"hang"},"tmes":1}"#).is_err());
    }

    #[test]
    fn probability_spares_requests_without_using_up_the_rule() {
        let faults = Faults::default();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"malformed"},"times":1,"probability":0.0}"#).unwrap());
        assert_eq!((0..100).filter_map(|_| faults.take(Api::Cams, None)).count(), 0);
        faults.clear();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"malformed"},"times":3,"probability":0.5}"#).unwrap());
        assert_eq!((0..1000).filter_map(|_| faults.take(Api::Cams, None)).count(), 3);
    }

    #[test]
    fn a_request_spared_by_one_rule_is_tried_against_the_next() {
        let faults = Faults::default();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"hang"},"times":1,"probability":0.0}"#).unwrap());
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"drop"},"times":2,"probability":1.0}"#).unwrap());
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"malformed"}}"#).unwrap());
        let taken: Vec<_> = (0..4).map(|_| faults.take(Api::Cams, None)).collect();
        assert_eq!(taken, [Some(Fault::Drop), Some(Fault::Drop), Some(Fault::Malformed), None]);
        assert_eq!(faults.0.lock().unwrap().len(), 1, "the rule that never fired keeps its times");
    }

    #[test]
    fn several_random_rules_each_roll_their_own_chance() {
        let faults = Faults::default();
        for kind in ["hang", "drop"] {
            let rule = format!(r#"{{"fault":{{"kind":"{kind}"}},"times":10000,"probability":0.5}}"#);
            faults.add(serde_json::from_str(&rule).unwrap());
        }
        let taken: Vec<_> = (0..2000).map(|_| faults.take(Api::Cams, None)).collect();
        let count = |fault: Option<Fault>| taken.iter().filter(|t| **t == fault).count();
        // Expected 1000, 500 and 500; each bound is more than 7 standard deviations away.
        assert!((800..1200).contains(&count(Some(Fault::Hang))), "{}", count(Some(Fault::Hang)));
        assert!((350..650).contains(&count(Some(Fault::Drop))), "{}", count(Some(Fault::Drop)));
        assert!((350..650).contains(&count(None)), "{}", count(None));
    }

    #[test]
    fn the_new_kinds_parse_with_their_defaults_and_checked_headers() {
        let rule: FaultRule = serde_json::from_str(r#"{"fault":{"kind":"accept_then","body":"<html>"}}"#).unwrap();
        assert_eq!(rule.fault, Fault::AcceptThen { status: 200, body: "<html>".into(), headers: Headers::default() });
        let rule: FaultRule =
            serde_json::from_str(r#"{"fault":{"kind":"with_headers","headers":{"x-acs-retry-after":"300"}}}"#).unwrap();
        let Fault::WithHeaders { headers } = rule.fault else { panic!("{:?}", rule.fault) };
        let mut map = HeaderMap::new();
        headers.apply(&mut map);
        assert_eq!(map["x-acs-retry-after"], "300");
        let rule: FaultRule = serde_json::from_str(r#"{"fault":{"kind":"error","status":502}}"#).unwrap();
        assert_eq!(rule.fault, Fault::Error { status: 502, code: None, message: None, headers: Headers::default() });
        let bad = r#"{"fault":{"kind":"with_headers","headers":{"bad name":"1"}}}"#;
        assert!(serde_json::from_str::<FaultRule>(bad).is_err());
    }

    #[test]
    fn drops_before_reading_are_taken_separately() {
        let faults = Faults::default();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"drop_before_read"}}"#).unwrap());
        assert_eq!(faults.take(Api::Cams, None), None);
        assert!(faults.take_before_read(Api::Cams, None));
        assert!(!faults.take_before_read(Api::Cams, None));
    }

    #[test]
    fn rules_apply_to_their_own_face_and_codes_may_be_numbers() {
        let faults = Faults::default();
        let rule = r#"{"api":"meta","fault":{"kind":"error","status":400,"code":131056},"to":"US.1a"}"#;
        faults.add(serde_json::from_str(rule).unwrap());
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"accept_then_drop"}}"#).unwrap());
        assert_eq!(faults.take(Api::Meta, Some("16505551234")), None);
        assert_eq!(faults.take(Api::Meta, Some("US.1a")), Some(Fault::error(400, Some("131056"))));
        assert_eq!(faults.take(Api::Meta, None), None, "the CAMS rule is not Meta's");
        assert_eq!(faults.take(Api::Cams, None), Some(Fault::AcceptThenDrop));
        assert!(serde_json::from_str::<FaultRule>(r#"{"api":"graph","fault":{"kind":"hang"}}"#).is_err());
    }

    #[test]
    fn push_faults_apply_to_pushes_only() {
        let faults = Faults::default();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"duplicate","count":3},"to":"659","times":2}"#).unwrap());
        faults.add(serde_json::from_str(r#"{"api":"meta","fault":{"kind":"delay","ms":250}}"#).unwrap());
        assert_eq!(faults.take(Api::Cams, Some("659")), None, "a push fault never answers a request");
        assert_eq!(faults.take_push(Api::Cams, "1"), PushPlan::default());
        let tripled = PushPlan { copies: NonZeroU32::new(3).unwrap(), ..PushPlan::default() };
        assert_eq!([faults.take_push(Api::Cams, "659"), faults.take_push(Api::Cams, "659")], [tripled; 2]);
        assert_eq!(faults.take_push(Api::Cams, "659"), PushPlan::default(), "used up");
        let delayed = faults.take_push(Api::Meta, "16505551234");
        assert_eq!((delayed.delay, delayed.copies.get()), (Duration::from_millis(250), 1));
        assert!(serde_json::from_str::<FaultRule>(r#"{"fault":{"kind":"duplicate","count":0}}"#).is_err());
    }
}
