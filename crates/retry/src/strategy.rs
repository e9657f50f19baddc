//! The decision: whether and when to send an operation again.

use std::sync::Arc;
use std::time::Duration;

use crate::adaptive::ClientRateLimiter;
use crate::classify::{AttemptOutcome, Classification, Classifier};
use crate::clock::{Clock, MonotonicClock};
use crate::config::{RetryConfig, RetryMode, RetrySpec};
use crate::quota::RetryQuota;
use crate::rng::{RandomSource, SeededRandom, unit};

/// Tokens given back to the quota when an operation succeeds on its first attempt.
const NO_RETRY_INCREMENT: u32 = 1;
/// Base delay for throttling errors, in every spec.
const THROTTLING_BASE: Duration = Duration::from_secs(1);
/// Retry Behavior 2.1: how far beyond the computed backoff `x-amz-retry-after` may push.
const RETRY_AFTER_MAX_ADDITIONAL_S: f64 = 5.0;
/// Largest exponent of the backoff; 2^62 seconds exceeds any cap already.
const MAX_EXPONENT: u32 = 62;

/// A client's retry policy: its settings plus the state its calls share (the retry quota,
/// adaptive mode's rate limiter), the classifier, and the injected randomness and clock.
///
/// Clones share that state, so make one per client and clone it into each call site.
///
/// ```
/// use signet_retry::{Decision, FixedRandom, Response, RetryConfig, RetryStrategy};
/// use std::time::Duration;
///
/// let strategy = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.5));
/// let mut call = strategy.start_call();
/// let throttled = Response::new(400).with_error_code("ThrottlingException");
/// assert_eq!(call.after_attempt(&throttled.into()), Decision::Retry(Duration::from_millis(500)));
/// assert_eq!(call.attempt(), 2);
/// assert_eq!(call.after_attempt(&Response::new(200).into()), Decision::Success);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RetryStrategy {
    config: RetryConfig,
    quota: RetryQuota,
    limiter: Option<ClientRateLimiter>,
    classifier: Classifier,
    random: Arc<dyn RandomSource>,
    clock: Arc<dyn Clock>,
}

impl RetryStrategy {
    /// A strategy with a fresh, full retry quota, the AWS classifier, entropy-seeded jitter and
    /// the operating system's monotonic clock.
    pub fn new(config: RetryConfig) -> Self {
        Self {
            config,
            quota: RetryQuota::new(),
            limiter: (config.mode() == RetryMode::Adaptive).then(ClientRateLimiter::new),
            classifier: Classifier::aws(),
            random: Arc::new(SeededRandom::from_entropy()),
            clock: Arc::new(MonotonicClock::new()),
        }
    }

    /// Uses `quota` (for example one shared with another strategy of the same client).
    #[must_use]
    pub fn with_quota(mut self, quota: RetryQuota) -> Self {
        self.quota = quota;
        self
    }

    /// Uses `classifier` instead of the plain AWS rules.
    #[must_use]
    pub fn with_classifier(mut self, classifier: Classifier) -> Self {
        self.classifier = classifier;
        self
    }

    /// Uses `random` for the jitter.
    #[must_use]
    pub fn with_random(mut self, random: impl RandomSource + 'static) -> Self {
        self.random = Arc::new(random);
        self
    }

    /// Uses `clock` for adaptive mode's rate limiter.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Uses `limiter` for adaptive mode (ignored in standard mode).
    #[must_use]
    pub fn with_rate_limiter(mut self, limiter: ClientRateLimiter) -> Self {
        if self.config.mode() == RetryMode::Adaptive {
            self.limiter = Some(limiter);
        }
        self
    }

    /// The settings.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// The retry quota the calls share.
    pub fn quota(&self) -> &RetryQuota {
        &self.quota
    }

    /// Adaptive mode's rate limiter (`None` in standard mode).
    pub fn rate_limiter(&self) -> Option<&ClientRateLimiter> {
        self.limiter.as_ref()
    }

    /// Begins one operation call: attempt 1.
    pub fn start_call(&self) -> CallRetries {
        CallRetries { strategy: self.clone(), attempt: 1, last_cost: None, long_polling: false }
    }

    /// Begins a call of a long-polling operation (SQS `ReceiveMessage`, for example): under
    /// Retry Behavior 2.1, when the retry quota is spent it still backs off before giving up
    /// ([`Decision::RetryQuotaExceededAfter`]), so a polling loop cannot spin.
    pub fn start_long_polling_call(&self) -> CallRetries {
        CallRetries { long_polling: true, ..self.start_call() }
    }

    /// The backoff before retrying after attempt number `failed_attempt` (1-based) failed
    /// with `class`: `b × min(x × 2^(failed_attempt − 1), max_backoff)` with `b` uniform in
    /// `[0, 1)` and `x` the base delay for that class.
    pub fn backoff(&self, class: Classification, failed_attempt: u32) -> Duration {
        let base = if class == Classification::Throttling {
            THROTTLING_BASE
        } else {
            self.config.non_throttling_base_delay()
        };
        let exponent = failed_attempt.saturating_sub(1).min(MAX_EXPONENT);
        let max = self.config.max_backoff().as_secs_f64();
        // `exponent` ≤ 62 fits an i32.
        let uncapped = base.as_secs_f64() * 2f64.powi(exponent as i32);
        seconds(unit(self.random.as_ref()) * uncapped.min(max))
    }

    fn cost(&self, class: Classification) -> u32 {
        let spec = self.config.spec();
        match class {
            Classification::Throttling => spec.throttling_retry_cost(),
            Classification::Timeout => spec.timeout_retry_cost(),
            _ => spec.retry_cost(),
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// The operation succeeded; return its result.
    Success,
    /// Wait this long, then send again.
    Retry(Duration),
    /// The failure is not retryable; return it.
    NotRetryable,
    /// The failure was retryable but this was the last allowed attempt; return it.
    MaxAttemptsExceeded,
    /// The failure was retryable but the client's retry quota is spent; return it.
    RetryQuotaExceeded,
    /// As [`Decision::RetryQuotaExceeded`], for a long-polling call under Retry Behavior 2.1:
    /// wait this long (the backoff a retry would have had), then return the failure.
    RetryQuotaExceededAfter(Duration),
}

impl Decision {
    /// The delay before the next attempt, if there is one.
    pub fn retry_delay(self) -> Option<Duration> {
        match self {
            Self::Retry(d) => Some(d),
            _ => None,
        }
    }

    /// How long to wait before acting on this decision: before the next attempt, or before
    /// a long-polling call returns its failure.
    pub fn delay(self) -> Option<Duration> {
        match self {
            Self::Retry(d) | Self::RetryQuotaExceededAfter(d) => Some(d),
            _ => None,
        }
    }
}

/// Which attempt of an operation call is being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attempt {
    number: u32,
    max: u32,
}

impl Attempt {
    /// The 1-based attempt number.
    pub fn number(self) -> u32 {
        self.number
    }

    /// The most attempts the call may make.
    pub fn max(self) -> u32 {
        self.max
    }

    /// The value of the `amz-sdk-request` header, sent on every attempt:
    /// `attempt=1; max=3`.
    pub fn amz_sdk_request(self) -> String {
        format!("attempt={}; max={}", self.number, self.max)
    }
}

/// The retry state of one operation call. Not shared: one per call.
#[derive(Debug)]
pub struct CallRetries {
    strategy: RetryStrategy,
    attempt: u32,
    last_cost: Option<u32>,
    long_polling: bool,
}

impl CallRetries {
    /// The 1-based number of the attempt about to be sent (or just sent).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The current attempt's number and the attempt limit, as the operation needs them.
    pub fn current(&self) -> Attempt {
        Attempt { number: self.attempt, max: self.strategy.config.max_attempts().get() }
    }

    /// Call right before sending: in adaptive mode takes a send token from the client's rate
    /// limiter and returns how long to wait first. Zero in standard mode.
    pub fn before_attempt(&mut self) -> Duration {
        match &self.strategy.limiter {
            Some(limiter) => limiter.acquire(self.strategy.clock.now(), 1.0),
            None => Duration::ZERO,
        }
    }

    /// Call with the outcome of the current attempt; returns what to do next. After
    /// [`Decision::Retry`] the attempt number has moved on.
    ///
    /// The order follows the AWS rules: classify; on success refund the quota; a
    /// non-retryable failure, then the attempt limit, then the quota end the call; otherwise
    /// take the retry's cost from the quota and back off.
    pub fn after_attempt(&mut self, outcome: &AttemptOutcome<'_>) -> Decision {
        let s = &self.strategy;
        let spec = s.config.spec();
        let class = s.classifier.classify(outcome, spec);
        if let Some(limiter) = &s.limiter {
            limiter.update(s.clock.now(), class == Classification::Throttling);
        }
        match class {
            Classification::Success => {
                s.quota.release(self.last_cost.unwrap_or(NO_RETRY_INCREMENT));
                return Decision::Success;
            }
            Classification::NotRetryable => return Decision::NotRetryable,
            _ => {}
        }
        if self.attempt >= s.config.max_attempts().get() {
            return Decision::MaxAttemptsExceeded;
        }
        let cost = s.cost(class);
        if !s.quota.try_acquire(cost) {
            return if self.long_polling && spec == RetrySpec::V2_1 {
                Decision::RetryQuotaExceededAfter(s.backoff(class, self.attempt))
            } else {
                Decision::RetryQuotaExceeded
            };
        }
        self.last_cost = Some(cost);
        let mut delay = s.backoff(class, self.attempt);
        if spec == RetrySpec::V2_1 {
            if let AttemptOutcome::Response(r) = outcome {
                if let Some(after) = r.retry_after().and_then(parse_retry_after_ms) {
                    delay = clamp_retry_after(after, delay);
                }
            }
        }
        self.attempt = self.attempt.saturating_add(1);
        Decision::Retry(delay)
    }
}

/// `x-amz-retry-after` in seconds: an integer number of milliseconds, optionally signed.
/// Garbage gives `None`; an integer too large for `i64` saturates.
fn parse_retry_after_ms(value: &str) -> Option<f64> {
    let v = value.trim();
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms = v.parse::<i64>().unwrap_or(if v.starts_with('-') { i64::MIN } else { i64::MAX });
    Some(ms as f64 / 1000.0)
}

/// Retry Behavior 2.1: the server's hint, kept within `[backoff, backoff + 5 s]`.
fn clamp_retry_after(after_s: f64, backoff: Duration) -> Duration {
    let t = backoff.as_secs_f64();
    seconds(after_s.clamp(t, t + RETRY_AFTER_MAX_ADDITIONAL_S))
}

/// Seconds to a `Duration`, with NaN and negatives as zero and overflow saturated.
fn seconds(s: f64) -> Duration {
    if s.is_nan() || s <= 0.0 {
        Duration::ZERO
    } else {
        Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after_ms("1500"), Some(1.5));
        assert_eq!(parse_retry_after_ms(" 20 "), Some(0.02));
        assert_eq!(parse_retry_after_ms("-20"), Some(-0.02));
        assert_eq!(parse_retry_after_ms("99999999999999999999999"), Some(i64::MAX as f64 / 1000.0));
        assert_eq!(
            parse_retry_after_ms("-99999999999999999999999"),
            Some(i64::MIN as f64 / 1000.0)
        );
        for garbage in ["", "-", "+", "1.5", "soon", "1e3", "0x10", "Tue, 01 Dec 2026 00:00:00 GMT"]
        {
            assert_eq!(parse_retry_after_ms(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn retry_after_is_clamped() {
        let b = Duration::from_millis(100);
        assert_eq!(clamp_retry_after(-5.0, b), b);
        assert_eq!(clamp_retry_after(1e300, b), Duration::from_millis(5100));
        assert_eq!(clamp_retry_after(2.0, b), Duration::from_secs(2));
    }

    #[test]
    fn seconds_never_panics() {
        assert_eq!(seconds(f64::NAN), Duration::ZERO);
        assert_eq!(seconds(-1.0), Duration::ZERO);
        assert_eq!(seconds(f64::INFINITY), Duration::MAX);
        assert_eq!(seconds(1e300), Duration::MAX);
    }
}
