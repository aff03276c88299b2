//! Server-side QPS limits per account and operation, answered as the gateway does:
//! HTTP 400 `Throttling.User` with `x-acs-retry-after` (milliseconds).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Accepted request times of the last second, per (key, action): an AccessKey ID and an
/// operation, or a Meta business number and its messages endpoint.
#[derive(Debug, Default)]
pub struct Throttle(Mutex<HashMap<(String, String), VecDeque<Instant>>>);

impl Throttle {
    /// Admits a request at `now` if fewer than `per_second` were admitted in the second
    /// before; otherwise returns how long until one would be.
    pub fn admit(&self, access_key_id: &str, action: &str, per_second: u32, now: Instant) -> Result<(), Duration> {
        const WINDOW: Duration = Duration::from_secs(1);
        let mut windows = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let window = windows.entry((access_key_id.to_owned(), action.to_owned())).or_default();
        while window.front().is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW) {
            window.pop_front();
        }
        if window.len() >= per_second as usize {
            let oldest = *window.front().expect("a full window has a front");
            return Err((oldest + WINDOW).saturating_duration_since(now).max(Duration::from_millis(1)));
        }
        window.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_the_limit_per_second_per_account_and_action() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            throttle.admit("a", "Send", 3, t0).unwrap();
        }
        let wait = throttle.admit("a", "Send", 3, t0 + Duration::from_millis(400)).unwrap_err();
        assert_eq!(wait, Duration::from_millis(600));
        throttle.admit("b", "Send", 3, t0).unwrap();
        throttle.admit("a", "Mass", 3, t0).unwrap();
        throttle.admit("a", "Send", 3, t0 + Duration::from_secs(1)).unwrap();
    }
}
