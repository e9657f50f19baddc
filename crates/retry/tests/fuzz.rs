//! Property-based fuzz targets (docs/adr/0007): no input makes the strategy panic, delays stay
//! within their bounds, and the quota never exceeds its capacity.

use std::time::Duration;

use proptest::prelude::*;
use signet_retry::{
    AttemptOutcome, ClientRateLimiter, Decision, FixedRandom, MaxAttempts, ModeledError, Response,
    RetryConfig, RetryMode, RetryQuota, RetrySpec, RetryStrategy, TransportError,
};

fn transport() -> impl Strategy<Value = TransportError> {
    prop_oneof![
        Just(TransportError::ConnectTimeout),
        Just(TransportError::ReadTimeout),
        Just(TransportError::Connection),
        Just(TransportError::DnsTemporary),
        Just(TransportError::DnsNotFound),
        Just(TransportError::Cancelled),
        Just(TransportError::Other),
    ]
}

fn modeled() -> impl Strategy<Value = Option<ModeledError>> {
    prop_oneof![
        Just(None),
        Just(Some(ModeledError::NotRetryable)),
        Just(Some(ModeledError::Retryable)),
        Just(Some(ModeledError::Throttling)),
    ]
}

/// An arbitrary attempt: (status, code, retry-after, modeled) or a transport error.
type Step = Result<(u16, Option<String>, Option<String>, Option<ModeledError>), TransportError>;

fn step() -> impl Strategy<Value = Step> {
    let code = proptest::option::of(prop_oneof![
        Just("Throttling".to_owned()),
        Just("RequestTimeout".to_owned()),
        Just("ValidationError".to_owned()),
        ".{0,20}",
    ]);
    let retry_after = proptest::option::of(prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9]{20,40}",
        ".{0,12}",
    ]);
    prop_oneof![
        (any::<u16>(), code, retry_after, modeled()).prop_map(Ok),
        transport().prop_map(Err),
    ]
}

proptest! {
    #[test]
    fn decisions_never_panic_and_stay_bounded(
        steps in proptest::collection::vec(step(), 1..20),
        max in 1u32..20,
        tokens in 0u32..600,
        b in any::<f64>(),
        max_backoff_ms in 0u64..100_000,
        v21 in any::<bool>(),
        adaptive in any::<bool>(),
    ) {
        let spec = if v21 { RetrySpec::V2_1 } else { RetrySpec::V2_0 };
        let mode = if adaptive { RetryMode::Adaptive } else { RetryMode::Standard };
        let max_backoff = Duration::from_millis(max_backoff_ms);
        let config = RetryConfig::new(mode)
            .with_spec(spec)
            .with_max_attempts(MaxAttempts::new(max).unwrap())
            .with_max_backoff(max_backoff);
        let strategy = RetryStrategy::new(config)
            .with_quota(RetryQuota::with_available(tokens, 500))
            .with_random(FixedRandom(b));
        let mut call = strategy.start_call();
        for s in &steps {
            let _ = call.before_attempt();
            let outcome = match s {
                Ok((status, code, ra, m)) => {
                    let mut r = Response::new(*status);
                    if let Some(c) = code { r = r.with_error_code(c); }
                    if let Some(h) = ra { r = r.with_retry_after(h); }
                    if let Some(m) = m { r = r.with_modeled_error(*m); }
                    AttemptOutcome::from(r)
                }
                Err(t) => AttemptOutcome::from(*t),
            };
            let before = call.attempt();
            let d = call.after_attempt(&outcome);
            prop_assert!(strategy.quota().available() <= 500);
            if let Decision::Retry(delay) = d {
                prop_assert!(before < max);
                prop_assert!(delay <= max_backoff + Duration::from_secs(5));
                if !v21 { prop_assert!(delay <= max_backoff); }
            } else {
                prop_assert_eq!(call.attempt(), before);
                break;
            }
        }
    }

    #[test]
    fn setting_parsers_never_panic(s in ".{0,40}") {
        let _ = s.parse::<RetryMode>();
        if let Ok(m) = s.parse::<MaxAttempts>() { prop_assert!(m.get() >= 1); }
        let _ = RetrySpec::from_new_retries_2026(Some(&s));
    }

    #[test]
    fn the_rate_limiter_never_panics(
        events in proptest::collection::vec((0u64..10_000_000, any::<bool>(), 0.0f64..100.0), 0..60),
    ) {
        let limiter = ClientRateLimiter::new();
        for (ms, throttled, amount) in events {
            let now = Duration::from_millis(ms);
            limiter.update(now, throttled);
            let wait = limiter.acquire(now, amount);
            prop_assert!(wait <= Duration::from_secs(3600));
            if limiter.is_enabled() { prop_assert!(limiter.fill_rate() >= 0.5); }
        }
    }
}
