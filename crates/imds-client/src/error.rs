//! The crate's one error type.

use std::fmt;
use std::sync::Arc;

/// Why an IMDS call failed.
///
/// `Display` says what this layer knows: the metadata path, the HTTP status and what it means.
/// It never contains a session token, a secret key or a response body that may hold one. The
/// underlying cause (an I/O or HTTP error, a settings error) is in
/// [`source()`](std::error::Error::source).
///
/// Errors are cheap to clone, because callers waiting on one shared token request all receive
/// its failure.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    path: Option<String>,
    status: Option<u16>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// What kind of failure an [`Error`] is; each kind is something a caller acts on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// IMDS is turned off (`AWS_EC2_METADATA_DISABLED=true`); no request was sent.
    Disabled,
    /// A setting (environment variable, profile key or value set in code) cannot be used: an
    /// invalid endpoint URI, an unknown endpoint mode, an empty instance profile name.
    InvalidConfig,
    /// A programmer's mistake: a token TTL out of range, a path that is not a metadata path.
    Misuse,
    /// No connection could be made (refused, unreachable, or the connect timed out). Off EC2
    /// this is the usual answer, and it comes fast: it is not retried.
    Connect,
    /// The service accepted connections but did not answer within the timeout, on every
    /// attempt.
    Timeout,
    /// The connection broke while sending or reading (reset, closed early), on every attempt.
    Transport,
    /// The session-token request was refused (400, or 403/404/405 with the IMDSv1 fallback
    /// turned off by `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`).
    TokenRejected,
    /// The path does not exist on this instance (HTTP 404).
    NotFound,
    /// The instance has no IAM role (instance profile) attached.
    NoInstanceProfile,
    /// The metadata service reported that it could not give out role credentials
    /// (`Code` other than `Success`), such as a role without a trust relationship with EC2.
    CredentialsUnavailable,
    /// Any other HTTP error status (401 after a token refresh, 403, 5xx after every attempt).
    Http,
    /// The response could not be used: not UTF-8, malformed JSON, a missing member, a bad
    /// timestamp, an oversized body.
    MalformedResponse,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), path: None, status: None, source: None }
    }

    pub(crate) fn with_path(mut self, path: &str) -> Self {
        self.path = Some(path.to_owned());
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The metadata path the failed request was for (`/latest/meta-data/placement/region`),
    /// if a request was made.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The HTTP status of the last response, if one arrived.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IMDS")?;
        if let Some(path) = &self.path {
            write!(f, " {path}")?;
        }
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}
