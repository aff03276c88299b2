//! The Generic Cell Rate Algorithm as a pure function of time, with reservations.
//!
//! State per key is one instant, the theoretical arrival time (TAT). A request that
//! conforms now advances the TAT by one emission interval; one that does not may
//! *reserve* the next free slot and wait for it, so concurrent waiters are served in
//! order at exactly the configured rate and never as a burst.

use std::time::Duration;

/// A rate: `per_second` requests per second, of which `burst` may go back to back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quota {
    /// Sustained requests per second (> 0).
    pub per_second: f64,
    /// Requests that may go without spacing (≥ 1). With 1, requests are evenly spaced and
    /// no one-second window ever holds more than `per_second` of them.
    pub burst: u32,
}

impl Quota {
    /// `per_second` evenly spaced requests per second (burst 1).
    pub const fn per_second(per_second: f64) -> Self {
        Self { per_second, burst: 1 }
    }

    /// The emission interval: the spacing of requests at the sustained rate.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.per_second)
    }

    /// How far ahead of the TAT a request may still go (the burst allowance).
    fn tolerance(&self) -> Duration {
        self.interval() * self.burst.saturating_sub(1)
    }

    /// The most requests any one-second window may hold, `floor(per_second) + burst - 1`
    /// (at least 1), or `None` above [`super::WINDOW_CAP`].
    pub fn per_window(&self) -> Option<usize> {
        let count = (self.per_second.floor() as usize).saturating_add(self.burst as usize - 1).max(1);
        (count <= super::WINDOW_CAP).then_some(count)
    }

    /// Whether the quota can be enforced (a positive, finite rate and a burst of at least 1).
    pub fn is_valid(&self) -> bool {
        self.per_second.is_finite() && self.per_second > 0.0 && self.burst >= 1
    }
}

/// The outcome of asking for one slot at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Go at `now + wait`. The slot is reserved: store `tat`.
    Go {
        /// How long to wait first (zero: go now).
        wait: Duration,
        /// The new theoretical arrival time to store for the key.
        tat: Duration,
    },
    /// No slot within the allowed wait.
    Refused {
        /// How long the earliest slot is away.
        wait: Duration,
    },
}

/// Decides one request at time `now`, given the stored TAT (`None` for a new key) and the
/// longest acceptable wait. Times are offsets from any fixed origin.
pub fn admit(quota: &Quota, tat: Option<Duration>, now: Duration, max_wait: Duration) -> Admission {
    let tat = tat.map_or(now, |tat| tat.max(now));
    let earliest = tat.saturating_sub(quota.tolerance());
    let wait = earliest.saturating_sub(now);
    if wait > max_wait { Admission::Refused { wait } } else { Admission::Go { wait, tat: tat + quota.interval() } }
}

/// The TAT `tat` re-spaced from the rate of `from` to the rate of `to`: the slots reserved
/// beyond `now` take as long at the new rate as their count demands.
pub fn respace(tat: Duration, now: Duration, from: &Quota, to: &Quota) -> Duration {
    match tat.checked_sub(now) {
        Some(ahead) => now + ahead.mul_f64(from.per_second / to.per_second),
        None => tat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Runs `count` requests arriving at `arrivals(i)`, each waiting as long as needed.
    fn departures(quota: Quota, count: usize, arrival: impl Fn(usize) -> Duration) -> Vec<Duration> {
        let mut tat = None;
        (0..count)
            .map(|i| {
                let now = arrival(i);
                match admit(&quota, tat, now, Duration::MAX) {
                    Admission::Go { wait, tat: next } => {
                        tat = Some(next);
                        now + wait
                    }
                    Admission::Refused { .. } => unreachable!("an unbounded wait is never refused"),
                }
            })
            .collect()
    }

    #[test]
    fn simultaneous_requests_are_spaced_by_the_interval() {
        let out = departures(Quota::per_second(100.0), 5, |_| Duration::ZERO);
        assert_eq!(out, [0, 10, 20, 30, 40].map(|ms| ms * MS));
    }

    #[test]
    fn no_one_second_window_exceeds_the_rate_at_four_times_the_load() {
        let rate = 250;
        let out = departures(Quota::per_second(rate as f64), 4 * rate * 3, |i| Duration::from_micros(i as u64 * 1000));
        for (i, start) in out.iter().enumerate() {
            let in_window = out[i..].iter().take_while(|t| **t < *start + Duration::from_secs(1)).count();
            assert!(in_window <= rate, "window at {start:?} holds {in_window}");
        }
        let span = out.last().unwrap().as_secs_f64() - out[0].as_secs_f64();
        let achieved = (out.len() - 1) as f64 / span;
        assert!((achieved - rate as f64).abs() / (rate as f64) < 0.001, "{achieved}");
    }

    #[test]
    fn burst_lets_that_many_go_at_once_then_paces() {
        let out = departures(Quota { per_second: 10.0, burst: 3 }, 5, |_| Duration::ZERO);
        assert_eq!(out, [0, 0, 0, 100, 200].map(|ms| ms * MS));
    }

    #[test]
    fn idle_time_does_not_accumulate_beyond_the_burst() {
        let quota = Quota { per_second: 10.0, burst: 2 };
        let out = departures(quota, 4, |i| if i == 0 { Duration::ZERO } else { Duration::from_secs(10) });
        assert_eq!(out, [0, 10_000, 10_000, 10_100].map(|ms| ms * MS));
    }

    #[test]
    fn a_wait_beyond_the_maximum_is_refused_without_reserving() {
        let quota = Quota::per_second(10.0);
        let Admission::Go { tat, .. } = admit(&quota, None, Duration::ZERO, Duration::ZERO) else { panic!() };
        assert_eq!(admit(&quota, Some(tat), Duration::ZERO, Duration::ZERO), Admission::Refused { wait: 100 * MS });
        assert_eq!(admit(&quota, Some(tat), Duration::ZERO, 100 * MS), Admission::Go { wait: 100 * MS, tat: 200 * MS });
    }

    #[test]
    fn respacing_keeps_the_count_of_reserved_slots() {
        let (slow, fast) = (Quota::per_second(0.1), Quota::per_second(250.0));
        assert_eq!(respace(Duration::from_secs(21), Duration::from_secs(1), &slow, &fast), 1008 * MS);
        assert_eq!(respace(MS, 2 * MS, &slow, &fast), MS, "a TAT in the past stays");
    }

    #[test]
    fn windows_hold_the_rate_plus_the_burst() {
        assert_eq!(Quota::per_second(250.0).per_window(), Some(250));
        assert_eq!(Quota { per_second: 10.0, burst: 3 }.per_window(), Some(12));
        assert_eq!(Quota::per_second(0.5).per_window(), Some(1));
        assert_eq!(Quota::per_second(1e9).per_window(), None);
    }

    #[test]
    fn validity() {
        assert!(Quota::per_second(0.5).is_valid());
        for bad in [Quota::per_second(0.0), Quota::per_second(f64::NAN), Quota { per_second: 1.0, burst: 0 }] {
            assert!(!bad.is_valid(), "{bad:?}");
        }
    }
}
