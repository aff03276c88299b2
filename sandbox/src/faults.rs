//! Fault injection: rules that make the sandbox misbehave on purpose, for tests of
//! retries, timeouts and error handling. Programmed through `POST /_sandbox/faults` or
//! [`crate::Sandbox::inject`], e.g.
//! `{"fault":{"kind":"throttle","retryAfterMs":300},"times":1,"to":"6591234567","probability":0.5}`.
//!
//! Kinds (`kind`, then the fields of each):
//!
//! | kind | fields | what the client gets | ledger |
//! |---|---|---|---|
//! | `throttle` | `retryAfterMs` | HTTP 400 `Throttling.User` with `x-acs-retry-after` | — |
//! | `error` | `status`, `code`?, `message`?, `headers`? | a gateway error body with that status and `Code` (none when `code` is absent); status 200 makes it a business error | — |
//! | `malformed` | — | HTTP 200 whose body is not JSON | — |
//! | `accept_then` | `status` (200), `body` (""), `headers`? | the message is accepted as usual (receipts too), then answered with this status and raw body instead | +1 if valid |
//! | `with_headers` | `headers` | the usual answer with these headers added, e.g. `{"x-acs-retry-after":"300"}` on a success | as usual |
//! | `latency` | `ms`, `jitterMs` (0) | the usual answer after `ms` plus a random `0..=jitterMs` | as usual |
//! | `hang` | — | accepted, never answered | +1 if valid |
//! | `drop` | — | the connection closes after the request is read | — |
//! | `drop_before_read` | — | the connection closes before the body is read | — |
//!
//! `headers` is a JSON object of header names to values (e.g. `{"Retry-After":"2"}`),
//! checked when the rule is added. A rule applies to the next `times` (default 1) requests
//! that match its optional `to`. Rules are tried in the order they were added: each matching
//! rule rolls its own `probability` (default 1), the first that fires is applied and uses up
//! one of its `times`, and a request a rule spared by chance is tried against the next.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;

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
        /// Platform `Code`; absent, the body has none (as a load balancer's 502 might).
        #[serde(default)]
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
    /// Accept the message (it enters the ledger) and never answer.
    Hang,
    /// Read the request, then drop the connection without answering (nothing is recorded).
    Drop,
    /// Drop the connection before reading the request body (only `to` rules can match
    /// requests whose `To` is in the query string).
    DropBeforeRead,
}

impl Fault {
    /// An [`Fault::Error`] answer with this HTTP status and, if given, platform `Code`.
    pub fn error(status: u16, code: Option<&str>) -> Self {
        Self::Error { status, code: code.map(str::to_owned), message: None, headers: Headers::default() }
    }
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

/// A fault and the requests it applies to.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// What to do.
    pub fault: Fault,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests whose `To` parameter equals this.
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
        Self { fault, times: 1, to: None, probability: None }
    }

    /// Whether the rule still applies to a request to `to` whose fault `kind` accepts.
    fn matches(&self, to: Option<&str>, kind: &impl Fn(&Fault) -> bool) -> bool {
        self.times > 0 && kind(&self.fault) && self.to.as_deref().is_none_or(|want| Some(want) == to)
    }

    /// Rolls the rule's chance: whether it fires for this request.
    fn fires(&self) -> bool {
        self.probability.is_none_or(|p| rand::random::<f64>() < p)
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

    /// The fault for a request to `to` once it has been read, if a rule matches; uses up
    /// one of its `times`.
    pub fn take(&self, to: Option<&str>) -> Option<Fault> {
        self.take_where(to, |fault| *fault != Fault::DropBeforeRead)
    }

    /// Whether a request to `to` is to be dropped before its body is read.
    pub fn take_before_read(&self, to: Option<&str>) -> bool {
        self.take_where(to, |fault| *fault == Fault::DropBeforeRead).is_some()
    }

    fn take_where(&self, to: Option<&str>, kind: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let mut rules = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let index = rules.iter().position(|rule| rule.matches(to, &kind) && rule.fires())?;
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
        assert_eq!(faults.take(Some("1")), Some(Fault::Throttle { retry_after_ms: 300 }));
        assert_eq!(faults.take(Some("659")), Some(Fault::Throttle { retry_after_ms: 300 }));
        assert_eq!(faults.take(Some("1")), None);
        assert_eq!(faults.take(Some("659")), Some(Fault::Hang));
        assert_eq!(faults.take(Some("659")), None);
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
        assert_eq!((0..100).filter_map(|_| faults.take(None)).count(), 0);
        faults.clear();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"malformed"},"times":3,"probability":0.5}"#).unwrap());
        assert_eq!((0..1000).filter_map(|_| faults.take(None)).count(), 3);
    }

    #[test]
    fn a_request_spared_by_one_rule_is_tried_against_the_next() {
        let faults = Faults::default();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"hang"},"times":1,"probability":0.0}"#).unwrap());
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"drop"},"times":2,"probability":1.0}"#).unwrap());
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"malformed"}}"#).unwrap());
        let taken: Vec<_> = (0..4).map(|_| faults.take(None)).collect();
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
        let taken: Vec<_> = (0..2000).map(|_| faults.take(None)).collect();
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
        assert_eq!(faults.take(None), None);
        assert!(faults.take_before_read(None));
        assert!(!faults.take_before_read(None));
    }
}
