//! The crate's one error type.

use std::fmt;

/// Why a request could not be signed (or, later, verified).
///
/// `Display` says what was wrong and where; it never includes a secret or a header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong. New kinds may be added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A header name is not an HTTP token (empty, or has a space, `:` or a control byte).
    InvalidHeaderName {
        /// The offending name, with non-printable bytes escaped.
        name: String,
    },
    /// A header value has a control byte (other than tab) and cannot be sent or signed.
    InvalidHeaderValue {
        /// The header's name (the value is not repeated: it may be a secret).
        name: String,
    },
    /// The HTTP method is empty or not an HTTP token.
    InvalidMethod,
    /// The region or service for the credential scope is empty or has `/`, whitespace or a
    /// control byte.
    InvalidScope {
        /// `"region"` or `"service"`.
        what: &'static str,
    },
    /// A presigned URL's lifetime is outside 1 s ..= 604800 s (7 days).
    ExpiresOutOfRange {
        /// The requested lifetime in seconds.
        seconds: u64,
    },
    /// The signing time cannot be written as `YYYYMMDDTHHMMSSZ`.
    InvalidTime(String),
    /// A URL or request that cannot be signed (for example, no host to sign).
    InvalidRequest(String),
    /// [`Verifier::verify`](crate::Verifier::verify) did not accept a received signature.
    Rejected(crate::verify::Rejection),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Why a received signature was rejected, if that is what this error is.
    pub fn rejection(&self) -> Option<&crate::verify::Rejection> {
        match &self.kind {
            ErrorKind::Rejected(r) => Some(r),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidHeaderName { name } => {
                write!(f, "header name `{name}` is not a valid HTTP token")
            }
            ErrorKind::InvalidHeaderValue { name } => {
                write!(f, "the value of header `{name}` has a control character")
            }
            ErrorKind::InvalidMethod => f.write_str("the HTTP method is empty or not a token"),
            ErrorKind::InvalidScope { what } => write!(
                f,
                "the signing {what} is empty or contains `/`, whitespace or a control character"
            ),
            ErrorKind::ExpiresOutOfRange { seconds } => write!(
                f,
                "a presigned URL must expire in 1 to 604800 seconds (7 days), not {seconds}"
            ),
            ErrorKind::InvalidTime(why) => write!(f, "invalid signing time: {why}"),
            ErrorKind::InvalidRequest(why) => write!(f, "cannot sign the request: {why}"),
            ErrorKind::Rejected(why) => write!(f, "signature rejected: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// A name with control and non-ASCII bytes escaped, for error messages.
pub(crate) fn printable(name: &str) -> String {
    name.escape_default().take(100).collect()
}
