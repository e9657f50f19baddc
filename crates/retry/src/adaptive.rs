//! Adaptive mode's client-side rate limiter: a token bucket whose fill rate follows the
//! throughput the service accepts, adjusted with CUBIC.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// CUBIC's multiplicative decrease on a throttle.
const BETA: f64 = 0.7;
/// CUBIC's scale constant.
const SCALE_CONSTANT: f64 = 0.4;
/// Weight of the newest measurement in the sending-rate average.
const SMOOTH: f64 = 0.8;
/// The fill rate never drops below this (tokens per second).
const MIN_FILL_RATE: f64 = 0.5;
/// The bucket always holds at least this much.
const MIN_CAPACITY: f64 = 1.0;
/// A new rate may be at most this many times the measured sending rate.
const MAX_RATE_ADJUST_SCALE: f64 = 2.0;
/// The longest delay the limiter asks for; keeps a hostile clock from overflowing a Duration.
const MAX_DELAY_S: f64 = 3600.0;

/// The client-side rate limiter of adaptive mode, shared by every call of a client (clones
/// share it).
///
/// It does nothing until the service first throttles the client. From then on each send takes
/// one token from a bucket that fills at a rate measured from the client's own successful
/// traffic and adjusted with CUBIC (β 0.7, C 0.4): cut to 70 % on a throttle, then grown back
/// along a cubic curve, never above twice the measured sending rate nor below 0.5 per second.
///
/// Time is passed in (seconds on any monotonic clock), so the limiter is deterministic.
///
/// ```
/// use std::time::Duration;
/// use signet_retry::ClientRateLimiter;
///
/// let limiter = ClientRateLimiter::new();
/// assert_eq!(limiter.acquire(Duration::ZERO, 1.0), Duration::ZERO); // not enabled yet
/// limiter.update(Duration::from_millis(100), true); // throttled
/// assert!(limiter.is_enabled());
/// assert_eq!(limiter.fill_rate(), 0.5); // nothing measured yet: the minimum
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientRateLimiter {
    state: Arc<Mutex<State>>,
}

impl ClientRateLimiter {
    /// A limiter that is off until the first throttle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a response received at `now`: `throttled` when it was a throttling error.
    pub fn update(&self, now: Duration, throttled: bool) {
        self.lock().update(now.as_secs_f64(), throttled);
    }

    /// Takes `amount` tokens for a send at `now` and returns how long to wait before sending
    /// (zero when the bucket covers it or the limiter is not enabled). A shortfall is taken
    /// as debt, so concurrent senders queue up behind each other.
    pub fn acquire(&self, now: Duration, amount: f64) -> Duration {
        let seconds = self.lock().acquire(now.as_secs_f64(), amount);
        Duration::try_from_secs_f64(seconds.clamp(0.0, MAX_DELAY_S)).unwrap_or_default()
    }

    /// Whether the limiter has seen a throttle and so limits sends.
    pub fn is_enabled(&self) -> bool {
        self.lock().enabled
    }

    /// The bucket's current fill rate in tokens (sends) per second.
    pub fn fill_rate(&self) -> f64 {
        self.lock().fill_rate
    }

    /// The smoothed rate at which this client has been receiving responses, per second.
    pub fn measured_tx_rate(&self) -> f64 {
        self.lock().measured_tx_rate
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain numbers; a panic elsewhere cannot leave it unusable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The limiter's numbers, with time in seconds.
#[derive(Debug, Clone, Default)]
struct State {
    fill_rate: f64,
    max_capacity: f64,
    current_capacity: f64,
    last_timestamp: Option<f64>,
    enabled: bool,
    measured_tx_rate: f64,
    last_tx_rate_bucket: f64,
    request_count: u64,
    last_max_rate: f64,
    time_of_last_throttle: f64,
}

impl State {
    fn update(&mut self, t: f64, throttled: bool) {
        if !t.is_finite() {
            return;
        }
        self.update_measured_rate(t);
        let calculated = if throttled {
            let rate_to_use = if self.enabled {
                self.measured_tx_rate.min(self.fill_rate)
            } else {
                self.measured_tx_rate
            };
            self.last_max_rate = rate_to_use;
            self.time_of_last_throttle = t;
            self.enabled = true;
            cubic_throttle(rate_to_use)
        } else {
            cubic_success(t, self.last_max_rate, self.time_of_last_throttle)
        };
        let new_rate = calculated.min(MAX_RATE_ADJUST_SCALE * self.measured_tx_rate);
        self.set_fill_rate(t, new_rate);
    }

    fn update_measured_rate(&mut self, t: f64) {
        let bucket = (t * 2.0).floor() / 2.0;
        self.request_count = self.request_count.saturating_add(1);
        if bucket > self.last_tx_rate_bucket {
            let current = self.request_count as f64 / (bucket - self.last_tx_rate_bucket);
            self.measured_tx_rate = current * SMOOTH + self.measured_tx_rate * (1.0 - SMOOTH);
            self.request_count = 0;
            self.last_tx_rate_bucket = bucket;
        }
    }

    fn set_fill_rate(&mut self, t: f64, new_rate: f64) {
        // Refill at the old rate up to now before switching.
        self.refill(t);
        self.fill_rate = new_rate.max(MIN_FILL_RATE);
        self.max_capacity = new_rate.max(MIN_CAPACITY);
        self.current_capacity = self.current_capacity.min(self.max_capacity);
    }

    fn refill(&mut self, t: f64) {
        if let Some(last) = self.last_timestamp {
            let elapsed = (t - last).max(0.0);
            self.current_capacity =
                self.max_capacity.min(self.current_capacity + elapsed * self.fill_rate);
        }
        self.last_timestamp = Some(self.last_timestamp.map_or(t, |last| last.max(t)));
    }

    fn acquire(&mut self, t: f64, amount: f64) -> f64 {
        if !self.enabled || !t.is_finite() || !amount.is_finite() || amount <= 0.0 {
            return 0.0;
        }
        self.refill(t);
        self.current_capacity -= amount;
        if self.current_capacity >= 0.0 || self.fill_rate <= 0.0 {
            0.0
        } else {
            -self.current_capacity / self.fill_rate
        }
    }
}

/// CUBIC's window: how long after a throttle the rate regains `last_max_rate`.
fn time_window(last_max_rate: f64) -> f64 {
    (last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
}

/// The rate `t` seconds into the process after the last throttle at `time_of_last_throttle`.
fn cubic_success(t: f64, last_max_rate: f64, time_of_last_throttle: f64) -> f64 {
    let k = time_window(last_max_rate);
    SCALE_CONSTANT * (t - time_of_last_throttle - k).powi(3) + last_max_rate
}

fn cubic_throttle(rate_to_use: f64) -> f64 {
    rate_to_use * BETA
}

#[cfg(test)]
mod tests {
    //! The adaptive vectors of `tests/data/adaptive-cubic-vectors.json`. They live here
    //! because they drive the CUBIC formulas directly, which are not public.

    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/adaptive-cubic-vectors.json");
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn rows<'a>(v: &'a Value, table: &str) -> &'a Vec<Value> {
        v["tables"][table]["rows"].as_array().unwrap()
    }

    fn num(v: &Value, key: &str) -> f64 {
        v[key].as_f64().unwrap_or_else(|| panic!("{key} missing in {v}"))
    }

    fn close(table: &str, row: usize, what: &str, expected: f64, actual: f64, tol: f64) {
        assert!(
            (expected - actual).abs() <= tol,
            "{table} row {row}: {what} expected {expected}, got {actual}"
        );
    }

    #[test]
    fn constants_match_the_vectors() {
        let v = vectors();
        let c = &v["constants"];
        assert_eq!(num(c, "beta"), BETA);
        assert_eq!(num(c, "scale_constant_C"), SCALE_CONSTANT);
        assert_eq!(num(c, "smoothing"), SMOOTH);
        assert_eq!(num(c, "min_fill_rate"), MIN_FILL_RATE);
        assert_eq!(num(c, "min_capacity"), MIN_CAPACITY);
        assert_eq!(num(c, "max_rate_vs_measured_factor"), MAX_RATE_ADJUST_SCALE);
    }

    #[test]
    fn cubic_success_only() {
        let v = vectors();
        let tol = num(&v, "tolerance");
        let init = &v["tables"]["cubic_success_only"]["initial_state"];
        let (last_throttle, last_max) =
            (num(init, "time_of_last_throttle"), num(init, "last_max_rate"));
        let table = rows(&v, "cubic_success_only");
        assert!(!table.is_empty());
        for (i, row) in table.iter().enumerate() {
            let got = cubic_success(num(row, "t"), last_max, last_throttle);
            close("cubic_success_only", i, "rate", num(row, "calculated_rate"), got, tol);
        }
    }

    #[test]
    fn cubic_with_throttles() {
        let v = vectors();
        let tol = num(&v, "tolerance");
        let init = &v["tables"]["cubic_with_throttles"]["initial_state"];
        let mut last_throttle = num(init, "time_of_last_throttle");
        let mut last_max = num(init, "last_max_rate");
        let mut rate = num(init, "calculated_rate");
        let table = rows(&v, "cubic_with_throttles");
        assert!(!table.is_empty());
        for (i, row) in table.iter().enumerate() {
            let t = num(row, "t");
            if row["throttled"].as_bool().unwrap() {
                rate = cubic_throttle(rate);
                last_throttle = t;
                last_max = rate;
            } else {
                rate = cubic_success(t, last_max, last_throttle);
            }
            close("cubic_with_throttles", i, "rate", num(row, "calculated_rate"), rate, tol);
        }
    }

    #[test]
    fn client_sending_rates() {
        let v = vectors();
        let tol = num(&v, "tolerance");
        let limiter = ClientRateLimiter::new();
        let table = rows(&v, "client_sending_rates");
        assert!(!table.is_empty());
        for (i, row) in table.iter().enumerate() {
            let t = Duration::from_secs_f64(num(row, "t"));
            limiter.update(t, row["throttled"].as_bool().unwrap());
            let (measured, fill) = (limiter.measured_tx_rate(), limiter.fill_rate());
            close(
                "client_sending_rates",
                i,
                "measured_tx_rate",
                num(row, "measured_tx_rate"),
                measured,
                tol,
            );
            close("client_sending_rates", i, "fill_rate", num(row, "fill_rate"), fill, tol);
        }
    }

    #[test]
    fn acquire_waits_for_the_shortfall_and_queues_senders() {
        let limiter = ClientRateLimiter::new();
        limiter.update(Duration::ZERO, true); // fill rate 0.5/s, capacity 1, empty bucket
        assert_eq!(limiter.acquire(Duration::ZERO, 1.0), Duration::from_secs(2));
        // The second sender queues behind the first one's debt.
        assert_eq!(limiter.acquire(Duration::ZERO, 1.0), Duration::from_secs(4));
        // After 4 s the debt is paid; the bucket then fills up to its capacity of 1.
        assert_eq!(limiter.acquire(Duration::from_secs(6), 1.0), Duration::ZERO);
    }

    #[test]
    fn hostile_times_do_not_break_the_limiter() {
        let limiter = ClientRateLimiter::new();
        limiter.update(Duration::from_secs(10), true);
        // A clock that goes backwards counts as no time passing.
        let d = limiter.acquire(Duration::from_secs(1), 1.0);
        assert!(d <= Duration::from_secs(2));
        let mut s = State::default();
        s.update(f64::NAN, true);
        assert!(!s.enabled);
        s.update(1.0, true);
        assert_eq!(s.acquire(f64::INFINITY, 1.0), 0.0);
        assert_eq!(s.acquire(2.0, f64::NAN), 0.0);
        // An absurd request is capped, not an overflow.
        assert!(limiter.acquire(Duration::from_secs(11), 1e300) <= Duration::from_secs(3600));
    }
}
