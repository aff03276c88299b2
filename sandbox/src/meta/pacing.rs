//! Meta's pacing (spec §4): the business numbers with their throughput, a sliding one-second
//! window per number (the sandbox's [`Throttle`]: over it, `130429`), and the pair rate per
//! (number, recipient) as a GCRA (the core's [`gcra`]: one message per interval after a burst,
//! over it `131056`). A message counts against its number's throughput before its pair is
//! checked, so one refused for the pair rate still used a slot of the number's second.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chatlane_core::limit::gcra::{self, Admission, Quota};

use super::config::MetaConfig;
use super::errors::GraphError;
use crate::throttle::Throttle;

/// Throughput is counted per number under this action name in the [`Throttle`].
const ACTION: &str = "meta:messages";

/// The business numbers and their pacing state.
#[derive(Debug)]
pub struct Pacing {
    throughput: Mutex<HashMap<String, NonZeroU32>>,
    numbers: Throttle,
    pair: Quota,
    /// The theoretical arrival time per (number, recipient), since `origin`.
    pairs: Mutex<HashMap<(String, String), Duration>>,
    origin: Instant,
}

impl Pacing {
    /// The configured numbers and pair rate, nothing sent yet.
    pub fn new(config: &MetaConfig) -> Self {
        let rate = config.pair_rate;
        Self {
            throughput: Mutex::new(config.phone_numbers.iter().map(|n| (n.id.clone(), n.throughput)).collect()),
            numbers: Throttle::default(),
            pair: Quota { per_second: 1_000.0 / rate.interval_ms.get() as f64, burst: rate.burst.get() },
            pairs: Mutex::default(),
            origin: Instant::now(),
        }
    }

    /// The messages per second of a registered number; `None` for an unknown one.
    pub fn throughput(&self, number: &str) -> Option<NonZeroU32> {
        self.throughput.lock().unwrap_or_else(PoisonError::into_inner).get(number).copied()
    }

    /// Registers `number`, or changes its throughput.
    pub fn set_throughput(&self, number: &str, per_second: NonZeroU32) {
        self.throughput.lock().unwrap_or_else(PoisonError::into_inner).insert(number.to_owned(), per_second);
    }

    /// Admits a message from `number` (sending at `per_second`) to `recipient` at `now`.
    pub fn admit(&self, number: &str, per_second: NonZeroU32, recipient: &str, now: Instant) -> Result<(), GraphError> {
        if self.numbers.admit(number, ACTION, per_second.get(), now).is_err() {
            return Err(GraphError::known(130429));
        }
        let mut pairs = self.pairs.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (number.to_owned(), recipient.to_owned());
        let since = now.saturating_duration_since(self.origin);
        match gcra::admit(&self.pair, pairs.get(&key).copied(), since, Duration::ZERO) {
            Admission::Go { tat, .. } => {
                pairs.insert(key, tat);
                Ok(())
            }
            Admission::Refused { .. } => Err(GraphError::known(131056)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SandboxConfig;

    fn code(result: Result<(), GraphError>) -> u32 {
        result.map_or_else(|error| error.code, |()| 0)
    }

    #[test]
    fn numbers_are_limited_per_second_and_pairs_by_their_burst_then_interval() {
        let config = SandboxConfig::parse(r#"{"meta": {"pairRate": {"burst": 2, "intervalMs": 100}}}"#).unwrap();
        let pacing = Pacing::new(&config.meta);
        let number = super::super::DEFAULT_PHONE_NUMBER_ID;
        let rate = pacing.throughput(number).unwrap();
        assert_eq!((rate.get(), pacing.throughput("unknown")), (80, None));
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        assert_eq!([0, 0, 0].map(|_| code(pacing.admit(number, rate, "a", t0))), [0, 0, 131056]);
        assert_eq!(code(pacing.admit(number, rate, "b", t0)), 0, "another recipient has its own pair");
        assert_eq!(code(pacing.admit(number, rate, "a", at(100))), 0, "one more after the interval");
        assert_eq!(code(pacing.admit(number, rate, "a", at(150))), 131056);

        pacing.set_throughput(number, NonZeroU32::new(2).unwrap());
        let rate = pacing.throughput(number).unwrap();
        let later = at(5_000);
        let codes = ["c", "d", "e"].map(|to| code(pacing.admit(number, rate, to, later)));
        assert_eq!(codes, [0, 0, 130429]);
        assert_eq!(code(pacing.admit(number, rate, "e", later + Duration::from_secs(1))), 0);
    }
}
