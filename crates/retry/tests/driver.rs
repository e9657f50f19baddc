//! The `tokio` driver, on tokio's paused clock (`cargo test -p signet-retry --features tokio`).
#![cfg(feature = "tokio")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use signet_retry::{
    AttemptOutcome, FixedRandom, MaxAttempts, Response, RetryConfig, RetryQuota, RetrySpec,
    RetryStrategy, TokioClock, TransportError, retry, retry_call,
};
use tokio::time::Instant;

#[derive(Debug, Clone, PartialEq)]
enum Failure {
    Status(u16, &'static str),
    Timeout,
}

fn describe(f: &Failure) -> AttemptOutcome<'_> {
    match f {
        Failure::Status(s, code) => Response::new(*s).with_error_code(code).into(),
        Failure::Timeout => TransportError::ReadTimeout.into(),
    }
}

#[tokio::test(start_paused = true)]
async fn sleeps_the_backoff_between_attempts() {
    let strategy = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(1.0));
    let start = Instant::now();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let log = sent.clone();
    let result = retry(
        &strategy,
        |attempt| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push((attempt.amz_sdk_request(), start.elapsed()));
                if attempt.number() < 3 {
                    Err(Failure::Status(500, "InternalError"))
                } else {
                    Ok(7)
                }
            }
        },
        describe,
    )
    .await;
    assert_eq!(result, Ok(7));
    let sent = sent.lock().unwrap().clone();
    assert_eq!(
        sent,
        [
            ("attempt=1; max=3".to_owned(), Duration::ZERO),
            ("attempt=2; max=3".to_owned(), Duration::from_secs(1)),
            ("attempt=3; max=3".to_owned(), Duration::from_secs(3)),
        ]
    );
    // Retried twice (5 + 5), then refunded the last cost.
    assert_eq!(strategy.quota().available(), 495);
}

#[tokio::test(start_paused = true)]
async fn returns_the_last_error_when_attempts_run_out() {
    let config = RetryConfig::standard().with_max_attempts(MaxAttempts::new(2).unwrap());
    let strategy = RetryStrategy::new(config).with_random(FixedRandom(0.5));
    let start = Instant::now();
    let result: Result<(), Failure> =
        retry(&strategy, |_| async { Err(Failure::Timeout) }, describe).await;
    assert_eq!(result, Err(Failure::Timeout));
    assert_eq!(start.elapsed(), Duration::from_millis(500));
    assert_eq!(strategy.quota().available(), 490);
}

#[tokio::test(start_paused = true)]
async fn does_not_retry_client_errors() {
    let strategy = RetryStrategy::new(RetryConfig::standard());
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let result: Result<(), Failure> = retry(
        &strategy,
        |_| {
            *c.lock().unwrap() += 1;
            async { Err(Failure::Status(400, "ValidationError")) }
        },
        describe,
    )
    .await;
    assert_eq!(result, Err(Failure::Status(400, "ValidationError")));
    assert_eq!(*calls.lock().unwrap(), 1);
}

#[tokio::test(start_paused = true)]
async fn adaptive_mode_holds_sends_back_after_throttling() {
    let strategy = RetryStrategy::new(RetryConfig::adaptive())
        .with_random(FixedRandom(0.0))
        .with_clock(TokioClock::new());
    let start = Instant::now();
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let result: Result<(), Failure> = retry(
        &strategy,
        |_| {
            t.lock().unwrap().push(start.elapsed());
            async { Err(Failure::Status(400, "ThrottlingException")) }
        },
        describe,
    )
    .await;
    assert_eq!(result, Err(Failure::Status(400, "ThrottlingException")));
    let limiter = strategy.rate_limiter().unwrap();
    assert!(limiter.is_enabled());
    // With no jitter the backoff is zero, so any wait comes from the limiter: after the first
    // throttle it fills at its minimum 0.5 per second, so the next send waits 2 s.
    assert_eq!(
        *times.lock().unwrap(),
        [Duration::ZERO, Duration::from_secs(2), Duration::from_secs(4)]
    );
}

#[tokio::test(start_paused = true)]
async fn long_polling_sleeps_the_backoff_when_the_quota_is_spent() {
    let empty = || RetryQuota::with_available(0, 500);
    let v21 = RetryConfig::standard().with_spec(RetrySpec::V2_1);
    let strategy = RetryStrategy::new(v21).with_random(FixedRandom(1.0)).with_quota(empty());
    let start = Instant::now();
    let result: Result<(), Failure> = retry_call(
        strategy.start_long_polling_call(),
        |_| async { Err(Failure::Status(500, "InternalError")) },
        describe,
    )
    .await;
    assert_eq!(result, Err(Failure::Status(500, "InternalError")));
    assert_eq!(start.elapsed(), Duration::from_millis(50));
    // An ordinary call, or a long-polling one under 2.0, gives up at once.
    let start = Instant::now();
    let _: Result<(), Failure> =
        retry(&strategy, |_| async { Err(Failure::Status(500, "x")) }, describe).await;
    let v20 = RetryStrategy::new(RetryConfig::standard()).with_quota(empty());
    let _: Result<(), Failure> = retry_call(
        v20.start_long_polling_call(),
        |_| async { Err(Failure::Status(500, "x")) },
        describe,
    )
    .await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}
