//! The AWS retry modes as a sans-IO core: classify an attempt's outcome, decide whether and
//! when to send again, and account for the client's shared retry quota.
//!
//! # Where it fits
//!
//! A bottom crate of the signet workspace, used by the IMDS and STS clients and the `signet`
//! facade; you probably want the facade (`signet::retry`). It implements the AWS algorithms
//! itself, exactly as the AWS SDKs specify them (the `backoff` crate is unmaintained and does
//! not model them; see `docs/adr/0003`):
//!
//! - **standard** mode: full-jitter exponential backoff `b × min(x × 2^i, 20 s)` and a
//!   500-token retry quota per client, with the AWS error classification;
//! - **Retry Behavior 2.0 and 2.1**: [`RetrySpec`] switches between today's rules and the
//!   2026 update (`AWS_NEW_RETRIES_2026=true`): 50 ms base for ordinary errors, 1 s for
//!   throttling, retry cost 14 (5 for throttling), `x-amz-retry-after` honoured within
//!   `[backoff, backoff + 5 s]`, 429 counted as throttling;
//! - **adaptive** mode: standard plus the CUBIC client-side rate limiter
//!   ([`ClientRateLimiter`]).
//!
//! Settings are plain values ([`RetryMode`], [`MaxAttempts`], [`RetrySpec`]) so the config
//! loader's typed settings, or code, feed them in. Randomness ([`RandomSource`]) and time
//! ([`Clock`]) are injected, so every decision can be reproduced in a test.
//!
//! ```
//! use std::time::Duration;
//! use signet_retry::{
//!     Decision, FixedRandom, MaxAttempts, Response, RetryConfig, RetrySpec, RetryStrategy,
//! };
//!
//! // One strategy per client; its retry quota is shared by every call.
//! let config = RetryConfig::new("standard".parse()?)
//!     .with_max_attempts("3".parse::<MaxAttempts>()?)
//!     .with_spec(RetrySpec::from_new_retries_2026(Some("true")));
//! let strategy = RetryStrategy::new(config).with_random(FixedRandom(1.0));
//!
//! let mut call = strategy.start_call();
//! let busy = Response::new(503);
//! assert_eq!(call.after_attempt(&busy.into()), Decision::Retry(Duration::from_millis(50)));
//! assert_eq!(strategy.quota().available(), 486);
//! assert_eq!(call.current().amz_sdk_request(), "attempt=2; max=3");
//! assert_eq!(call.after_attempt(&Response::new(200).into()), Decision::Success);
//! assert_eq!(strategy.quota().available(), 500);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The decisions and their sources are recorded in `docs/adr/0014` to `0017`.
//!
//! # Crate features
//!
//! - `tokio` (off by default): `retry` and `retry_call`, drivers that run an async
//!   operation under a strategy, sleeping on tokio's clock, and `TokioClock`. Pulls in
//!   `tokio` with its `time` feature. Without it the crate has no dependencies at all.
#![forbid(unsafe_code)]

mod adaptive;
mod classify;
mod clock;
mod config;
#[cfg(feature = "tokio")]
mod driver;
mod error;
mod quota;
mod rng;
mod strategy;

pub use crate::adaptive::ClientRateLimiter;
pub use crate::classify::{
    AttemptOutcome, Classification, Classifier, ClassifyRetry, ErrorCodes, ModeledError, Response,
    THROTTLING_ERROR_CODES, TRANSIENT_ERROR_CODES, TRANSIENT_STATUS_CODES, TransportError,
};
#[cfg(feature = "tokio")]
pub use crate::clock::TokioClock;
pub use crate::clock::{Clock, ManualClock, MonotonicClock};
pub use crate::config::{MaxAttempts, RetryConfig, RetryMode, RetrySpec};
#[cfg(feature = "tokio")]
pub use crate::driver::{retry, retry_call};
pub use crate::error::{Error, ErrorKind};
pub use crate::quota::RetryQuota;
pub use crate::rng::{FixedRandom, RandomSource, SeededRandom};
pub use crate::strategy::{Attempt, CallRetries, Decision, RetryStrategy};
