//! The `tokio` feature: run an async operation under a retry strategy.

use std::future::Future;

use crate::classify::{AttemptOutcome, Response};
use crate::strategy::{Attempt, CallRetries, Decision, RetryStrategy};

/// Runs `operation` until it succeeds or `strategy` says to stop, sleeping on tokio's clock
/// between attempts (and, in adaptive mode, before a send the rate limiter holds back).
///
/// `operation` gets the [`Attempt`] being made (for the `amz-sdk-request` header);
/// `describe` tells the strategy what an error was. On a final failure the last error is
/// returned unchanged.
///
/// ```
/// use signet_retry::{retry, AttemptOutcome, FixedRandom, Response, RetryConfig, RetryStrategy};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let strategy = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.5));
/// let result: Result<&str, u16> = retry(
///     &strategy,
///     |attempt| async move { if attempt.number() < 3 { Err(503) } else { Ok("done") } },
///     |status| AttemptOutcome::from(Response::new(*status)),
/// )
/// .await;
/// assert_eq!(result, Ok("done"));
/// # Ok(())
/// # }
/// ```
pub async fn retry<T, E, F, Fut, D>(
    strategy: &RetryStrategy,
    operation: F,
    describe: D,
) -> Result<T, E>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    D: for<'e> FnMut(&'e E) -> AttemptOutcome<'e>,
{
    retry_call(strategy.start_call(), operation, describe).await
}

/// As [`retry`], for a call already started: use it for a long-polling operation (SQS
/// `ReceiveMessage`, for example) with [`RetryStrategy::start_long_polling_call`], so that
/// under Retry Behavior 2.1 it still sleeps the backoff before returning a failure when the
/// retry quota is spent and a polling loop cannot spin.
pub async fn retry_call<T, E, F, Fut, D>(
    mut call: CallRetries,
    mut operation: F,
    mut describe: D,
) -> Result<T, E>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    D: for<'e> FnMut(&'e E) -> AttemptOutcome<'e>,
{
    loop {
        let wait = call.before_attempt();
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let result = operation(call.current()).await;
        let decision = match &result {
            Ok(_) => call.after_attempt(&AttemptOutcome::from(Response::new(200))),
            Err(e) => call.after_attempt(&describe(e)),
        };
        match decision {
            Decision::Retry(delay) => tokio::time::sleep(delay).await,
            Decision::RetryQuotaExceededAfter(delay) => {
                tokio::time::sleep(delay).await;
                return result;
            }
            _ => return result,
        }
    }
}
