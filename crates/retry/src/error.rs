//! The crate's one error type.

use std::fmt;

/// Why a retry setting could not be accepted.
///
/// Only settings are fallible in this crate: deciding about an attempt never fails (bad
/// input such as a garbage `x-amz-retry-after` header is ignored or clamped instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    /// The offending value, as given (retry settings are never secret).
    value: String,
}

/// What kind of setting was wrong; see [`Error::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A retry mode other than `standard`, `adaptive` or `legacy`.
    InvalidRetryMode,
    /// A max-attempts value that is not an integer of at least 1.
    InvalidMaxAttempts,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, value: impl Into<String>) -> Self {
        Self { kind, value: value.into() }
    }

    /// What was wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The value that was rejected, exactly as given.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::InvalidRetryMode => write!(
                f,
                "invalid retry mode {:?}: expected `standard`, `adaptive` or `legacy`",
                self.value
            ),
            ErrorKind::InvalidMaxAttempts => write!(
                f,
                "invalid max attempts {:?}: expected an integer of at least 1",
                self.value
            ),
        }
    }
}

impl std::error::Error for Error {}
