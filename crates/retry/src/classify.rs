//! What happened on one attempt, and what kind of failure it was.

use std::fmt;
use std::sync::Arc;

use crate::config::RetrySpec;

/// The AWS error codes that mean "slow down" (identical in botocore, smithy-rs and
/// aws-sdk-go-v2).
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// The AWS error codes of transient failures. botocore also lists `PriorRequestNotComplete`
/// here, but it is a throttling code first, so it is classified as throttling.
pub const TRANSIENT_ERROR_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// The HTTP status codes that are retried whatever the error code says.
pub const TRANSIENT_STATUS_CODES: &[u16] = &[500, 502, 503, 504];

/// The outcome of one attempt, as the retry strategy needs to see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The service answered (with success or an error).
    Response(Response<'a>),
    /// No usable response arrived.
    Transport(TransportError),
}

impl<'a> From<Response<'a>> for AttemptOutcome<'a> {
    fn from(response: Response<'a>) -> Self {
        Self::Response(response)
    }
}

impl From<TransportError> for AttemptOutcome<'_> {
    fn from(error: TransportError) -> Self {
        Self::Transport(error)
    }
}

/// What a response says about retrying: its status, its parsed AWS error code and its
/// `x-amz-retry-after` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response<'a> {
    status: u16,
    error_code: Option<&'a str>,
    retry_after: Option<&'a str>,
    modeled: Option<ModeledError>,
}

impl<'a> Response<'a> {
    /// A response with this HTTP status and nothing else known.
    pub fn new(status: u16) -> Self {
        Self { status, error_code: None, retry_after: None, modeled: None }
    }

    /// The AWS error code parsed from the body or `x-amzn-errortype` (for example
    /// `ThrottlingException`).
    #[must_use]
    pub fn with_error_code(mut self, code: &'a str) -> Self {
        self.error_code = Some(code);
        self
    }

    /// The raw value of the `x-amz-retry-after` header (milliseconds). Anything that is not
    /// an integer is ignored; negative and huge values are clamped.
    #[must_use]
    pub fn with_retry_after(mut self, header_value: &'a str) -> Self {
        self.retry_after = Some(header_value);
        self
    }

    /// Says that the error code matched a modeled error of the operation, and what its Smithy
    /// `@retryable` trait says.
    #[must_use]
    pub fn with_modeled_error(mut self, modeled: ModeledError) -> Self {
        self.modeled = Some(modeled);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The AWS error code, if one was parsed.
    pub fn error_code(&self) -> Option<&'a str> {
        self.error_code
    }

    /// The raw `x-amz-retry-after` header value, if present.
    pub fn retry_after(&self) -> Option<&'a str> {
        self.retry_after
    }

    /// The modeled error the code matched, if any.
    pub fn modeled_error(&self) -> Option<ModeledError> {
        self.modeled
    }
}

/// A modeled error of the operation, by its Smithy `@retryable` trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ModeledError {
    /// No `@retryable` trait.
    NotRetryable,
    /// `@retryable`.
    Retryable,
    /// `@retryable(throttling: true)`.
    Throttling,
}

/// Why no response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportError {
    /// Connecting took too long.
    ConnectTimeout,
    /// The response (or part of it) took too long.
    ReadTimeout,
    /// The connection was refused, reset or closed early, or TLS failed mid-handshake.
    Connection,
    /// A temporary DNS failure (not a name that does not exist).
    DnsTemporary,
    /// The host name does not exist (NXDOMAIN): retrying will not help.
    DnsNotFound,
    /// The caller cancelled the request: never retried.
    Cancelled,
    /// Any other failure to send; not retried.
    Other,
}

/// What kind of outcome an attempt had, which decides whether and how it is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Classification {
    /// The operation succeeded.
    Success,
    /// The service asked the client to slow down.
    Throttling,
    /// A transient failure: 5xx, a transient error code, a connection error, a modeled
    /// retryable error.
    Transient,
    /// A connect or read timeout (costs more of the retry quota in Retry Behavior 2.0).
    Timeout,
    /// A failure that retrying will not fix.
    NotRetryable,
}

impl Classification {
    /// Whether this kind of outcome may be retried.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Throttling | Self::Transient | Self::Timeout)
    }
}

/// A caller's own classification rule, consulted before the AWS rules. Returning `None`
/// defers to the next classifier.
///
/// ```
/// use signet_retry::{AttemptOutcome, Classification, ClassifyRetry, RetrySpec};
///
/// /// Retries a service's own "try later" code.
/// #[derive(Debug)]
/// struct Busy;
/// impl ClassifyRetry for Busy {
///     fn classify(&self, outcome: &AttemptOutcome<'_>, _: RetrySpec) -> Option<Classification> {
///         match outcome {
///             AttemptOutcome::Response(r) if r.error_code() == Some("Busy") => {
///                 Some(Classification::Transient)
///             }
///             _ => None,
///         }
///     }
/// }
/// ```
pub trait ClassifyRetry: Send + Sync + fmt::Debug {
    /// The classification of `outcome`, or `None` to let the next classifier decide.
    fn classify(&self, outcome: &AttemptOutcome<'_>, spec: RetrySpec) -> Option<Classification>;
}

/// Classifies responses whose AWS error code is one of a list, for service-specific rules
/// such as STS's `IDPCommunicationError`.
///
/// ```
/// use signet_retry::{AttemptOutcome, Classification, Classifier, ErrorCodes, Response, RetrySpec};
///
/// let classifier = Classifier::aws()
///     .with(ErrorCodes::new(Classification::Transient, ["IDPCommunicationError"]));
/// let outcome = AttemptOutcome::from(Response::new(400).with_error_code("IDPCommunicationError"));
/// assert_eq!(classifier.classify(&outcome, RetrySpec::V2_0), Classification::Transient);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCodes {
    class: Classification,
    codes: Vec<String>,
}

impl ErrorCodes {
    /// Responses with one of `codes` get `class`.
    pub fn new<I, S>(class: Classification, codes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self { class, codes: codes.into_iter().map(Into::into).collect() }
    }
}

impl ClassifyRetry for ErrorCodes {
    fn classify(&self, outcome: &AttemptOutcome<'_>, _spec: RetrySpec) -> Option<Classification> {
        match outcome {
            AttemptOutcome::Response(r) => {
                let code = r.error_code?;
                self.codes.iter().any(|c| c == code).then_some(self.class)
            }
            AttemptOutcome::Transport(_) => None,
        }
    }
}

/// The AWS classification rules, after any caller-supplied classifiers.
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    custom: Vec<Arc<dyn ClassifyRetry>>,
}

impl Classifier {
    /// The AWS rules alone.
    pub fn aws() -> Self {
        Self::default()
    }

    /// Adds a classifier that is consulted before the AWS rules (and after those added
    /// earlier).
    #[must_use]
    pub fn with(mut self, classifier: impl ClassifyRetry + 'static) -> Self {
        self.custom.push(Arc::new(classifier));
        self
    }

    /// Classifies one attempt's outcome under `spec`.
    pub fn classify(&self, outcome: &AttemptOutcome<'_>, spec: RetrySpec) -> Classification {
        self.custom
            .iter()
            .find_map(|c| c.classify(outcome, spec))
            .unwrap_or_else(|| aws_classify(outcome, spec))
    }
}

/// The rules shared by the AWS SDKs' standard and adaptive modes.
fn aws_classify(outcome: &AttemptOutcome<'_>, spec: RetrySpec) -> Classification {
    let r = match outcome {
        AttemptOutcome::Transport(t) => {
            return match t {
                TransportError::ConnectTimeout | TransportError::ReadTimeout => {
                    Classification::Timeout
                }
                TransportError::Connection | TransportError::DnsTemporary => {
                    Classification::Transient
                }
                TransportError::DnsNotFound | TransportError::Cancelled | TransportError::Other => {
                    Classification::NotRetryable
                }
            };
        }
        AttemptOutcome::Response(r) => r,
    };
    if (200..300).contains(&r.status) {
        return Classification::Success;
    }
    let code = r.error_code.unwrap_or_default();
    if THROTTLING_ERROR_CODES.contains(&code) {
        return Classification::Throttling;
    }
    match r.modeled {
        Some(ModeledError::Throttling) => return Classification::Throttling,
        Some(ModeledError::Retryable) => return Classification::Transient,
        Some(ModeledError::NotRetryable) | None => {}
    }
    if TRANSIENT_ERROR_CODES.contains(&code) || TRANSIENT_STATUS_CODES.contains(&r.status) {
        return Classification::Transient;
    }
    // Retry Behavior 2.1: a 429 whose code is not a modeled error of the operation is
    // throttling. 2.0 does not retry a bare 429 (botocore, smithy-rs and Go agree).
    if r.status == 429 && r.modeled.is_none() && spec == RetrySpec::V2_1 {
        return Classification::Throttling;
    }
    Classification::NotRetryable
}
