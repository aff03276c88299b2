//! Replay protection: each `x-acs-signature-nonce` is accepted once per AccessKey within
//! the window in which its `x-acs-date` is valid.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::gateway::CLOCK_SKEW;

/// Nonces seen recently, per AccessKey ID.
#[derive(Debug, Default)]
pub struct Nonces(Mutex<HashMap<(String, String), Instant>>);

impl Nonces {
    /// Records `nonce` for `access_key_id`; `false` when it was already used.
    pub fn first_use(&self, access_key_id: &str, nonce: &str, now: Instant) -> bool {
        /// A dated request can be replayed for twice the skew (15 min either side).
        const REMEMBER: Duration = CLOCK_SKEW.saturating_mul(2);
        let mut seen = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.len() % 1024 == 1023 {
            seen.retain(|_, at| now.saturating_duration_since(*at) < REMEMBER);
        }
        let key = (access_key_id.to_owned(), nonce.to_owned());
        match seen.get(&key) {
            Some(at) if now.saturating_duration_since(*at) < REMEMBER => false,
            _ => {
                seen.insert(key, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_counts_once_per_key() {
        let nonces = Nonces::default();
        let now = Instant::now();
        assert!(nonces.first_use("ak", "n1", now));
        assert!(!nonces.first_use("ak", "n1", now));
        assert!(nonces.first_use("other", "n1", now));
        assert!(nonces.first_use("ak", "n2", now));
        assert!(nonces.first_use("ak", "n1", now + CLOCK_SKEW * 2));
    }
}
