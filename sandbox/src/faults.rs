//! Fault injection: rules that make the sandbox misbehave on purpose, for tests of
//! retries, timeouts and error handling. Programmed through `POST /_sandbox/faults` or
//! [`crate::Sandbox::inject`]; each rule applies to the next `times` matching requests, each
//! with its `probability` (random faults).

use std::sync::{Mutex, PoisonError};

use serde::Deserialize;

/// One way to misbehave.
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
    /// a business error, as CAMS sends them).
    Error {
        /// HTTP status.
        status: u16,
        /// Platform `Code`.
        code: String,
        /// Platform `Message`.
        #[serde(default)]
        message: Option<String>,
    },
    /// HTTP 200 whose body is not JSON.
    Malformed,
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
    /// spared by chance does not use up `times`.
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
}

/// The active rules, first match wins.
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
        let index = rules
            .iter()
            .position(|r| r.times > 0 && kind(&r.fault) && r.to.as_deref().is_none_or(|want| Some(want) == to))?;
        if rules[index].probability.is_some_and(|p| rand::random::<f64>() >= p) {
            return None;
        }
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
    fn drops_before_reading_are_taken_separately() {
        let faults = Faults::default();
        faults.add(serde_json::from_str(r#"{"fault":{"kind":"drop_before_read"}}"#).unwrap());
        assert_eq!(faults.take(None), None);
        assert!(faults.take_before_read(None));
        assert!(!faults.take_before_read(None));
    }
}
