//! The crate's one error type, and the STS error document it carries.

use std::fmt;

/// Why an STS call, or building a client, failed.
///
/// `Display` says what this layer knows: for an error STS returned, the AWS error code,
/// message and request id; for local validation, the field and the rule it broke; for a
/// response that is not the expected XML, the HTTP status and a short excerpt (with any
/// secret in it redacted). Lower layers (HTTP, signing) are in [`std::error::Error::source`].
/// No secret (keys, session tokens, web identity tokens, SAML assertions, MFA codes) ever
/// appears in `Display` or `Debug`.
#[derive(Debug)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    detail: Detail,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

#[derive(Debug)]
enum Detail {
    Message(String),
    Service(ServiceError),
    Response { status: u16, why: String, excerpt: String },
}

/// What went wrong, for a caller to act on. New kinds may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An input broke a rule STS enforces (a session name too short, a duration out of
    /// range, a role ARN that does not parse); nothing was sent. A programmer's or user's
    /// mistake, not a service failure.
    InvalidInput,
    /// The client cannot be set up: no region, an endpoint the rule set rejects (FIPS with a
    /// custom endpoint, for example), or a setting that does not parse.
    Configuration,
    /// A signed operation was called on a client that has no credentials.
    NoCredentials,
    /// STS answered with its error document; see [`Error::service_error`].
    Service,
    /// The response body is not the XML STS sends (truncated, not XML, missing elements).
    /// Hostile or broken input, never a panic; [`Error::status`] has the HTTP status.
    MalformedResponse,
    /// The request could not be sent or the response not read (connection refused, timeout).
    Transport,
    /// The request could not be signed (the credentials or the endpoint's signing region
    /// cannot go into a SigV4 scope).
    Signing,
}

impl Error {
    fn from_parts(kind: ErrorKind, detail: Detail) -> Self {
        Self { inner: Box::new(Inner { kind, operation: None, detail, source: None }) }
    }

    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::from_parts(kind, Detail::Message(message.into()))
    }

    pub(crate) fn service(error: ServiceError) -> Self {
        Self::from_parts(ErrorKind::Service, Detail::Service(error))
    }

    pub(crate) fn malformed(status: u16, why: impl Into<String>, body: &[u8]) -> Self {
        let detail = Detail::Response { status, why: why.into(), excerpt: excerpt(body) };
        Self::from_parts(ErrorKind::MalformedResponse, detail)
    }

    pub(crate) fn invalid_input(field: &str, rule: impl fmt::Display) -> Self {
        Self::new(ErrorKind::InvalidInput, format!("{field} {rule}"))
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn in_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The STS operation that failed (`AssumeRole`, ...), when the error came from a call.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The error document STS returned, for [`ErrorKind::Service`].
    pub fn service_error(&self) -> Option<&ServiceError> {
        match &self.inner.detail {
            Detail::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The AWS error code, for [`ErrorKind::Service`]: `AccessDenied`, `ExpiredToken`, ...
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(ServiceError::code)
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match &self.inner.detail {
            Detail::Service(e) => Some(e.status),
            Detail::Response { status, .. } => Some(*status),
            Detail::Message(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.inner.operation {
            write!(f, "STS {op}: ")?;
        }
        match &self.inner.detail {
            Detail::Message(m) => f.write_str(m),
            Detail::Service(e) => fmt::Display::fmt(e, f),
            Detail::Response { status, why, excerpt } => {
                write!(f, "HTTP {status} response is not the XML STS sends ({why})")?;
                if excerpt.is_empty() {
                    f.write_str("; the body is empty")
                } else {
                    write!(f, "; body starts `{excerpt}`")
                }
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The STS error document: `<ErrorResponse><Error><Type/><Code/><Message/></Error>
/// <RequestId/></ErrorResponse>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: Option<String>,
    pub(crate) error_type: Option<String>,
    pub(crate) request_id: Option<String>,
}

impl ServiceError {
    /// The HTTP status it came with.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The AWS error code exactly as sent (`AccessDenied`, `ExpiredTokenException`, ...).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The code as a known [`ErrorCode`], or [`ErrorCode::Other`].
    pub fn error_code(&self) -> ErrorCode {
        ErrorCode::from_code(&self.code)
    }

    /// STS's message, if it sent one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// `Sender` (the caller's fault) or `Receiver` (STS's), if sent.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The request id, to quote to AWS support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        match &self.request_id {
            Some(id) => write!(f, " (request id {id})"),
            None => f.write_str(" (no request id)"),
        }
    }
}

/// The STS error codes a caller is likely to act on. New codes may be added; anything else is
/// [`ErrorCode::Other`] (the exact code is in [`ServiceError::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `ExpiredToken` / `ExpiredTokenException`: the credentials or the web identity token
    /// used for the call have expired.
    ExpiredToken,
    /// `AccessDenied`: the caller may not do this (a trust policy, an identity policy, an SCP).
    AccessDenied,
    /// `RegionDisabledException`: STS is not activated in this region for the account.
    RegionDisabled,
    /// `MalformedPolicyDocument`: the session policy is not valid.
    MalformedPolicyDocument,
    /// `PackedPolicyTooLarge`: session policies and tags are too large once packed.
    PackedPolicyTooLarge,
    /// `InvalidIdentityToken`: the web identity token or SAML assertion is not valid.
    InvalidIdentityToken,
    /// `IDPRejectedClaim`: the identity provider rejected the claim.
    IdpRejectedClaim,
    /// `IDPCommunicationError`: STS could not reach the identity provider (retried).
    IdpCommunicationError,
    /// `InvalidAuthorizationMessageException`: the message to decode is not valid.
    InvalidAuthorizationMessage,
    /// A throttling code (`Throttling`, `ThrottlingException`, ...): retried with backoff.
    Throttling,
    /// `SignatureDoesNotMatch`: the secret does not match the access key, or the request
    /// was changed after signing.
    SignatureDoesNotMatch,
    /// `InvalidClientTokenId`: the access key id or session token is not known.
    InvalidClientTokenId,
    /// A request-time error (`RequestExpired`, `RequestTimeTooSkewed`): the clock is off.
    ClockSkew,
    /// Any other code.
    Other,
}

impl ErrorCode {
    /// The known code `code` stands for.
    pub fn from_code(code: &str) -> Self {
        match code {
            "ExpiredToken" | "ExpiredTokenException" => Self::ExpiredToken,
            "AccessDenied" | "AccessDeniedException" => Self::AccessDenied,
            "RegionDisabledException" | "RegionDisabled" => Self::RegionDisabled,
            "MalformedPolicyDocument" | "MalformedPolicyDocumentException" => {
                Self::MalformedPolicyDocument
            }
            "PackedPolicyTooLarge" | "PackedPolicyTooLargeException" => Self::PackedPolicyTooLarge,
            "InvalidIdentityToken" | "InvalidIdentityTokenException" => Self::InvalidIdentityToken,
            "IDPRejectedClaim" | "IDPRejectedClaimException" => Self::IdpRejectedClaim,
            "IDPCommunicationError" | "IDPCommunicationErrorException" => {
                Self::IdpCommunicationError
            }
            "InvalidAuthorizationMessageException" => Self::InvalidAuthorizationMessage,
            "SignatureDoesNotMatch" => Self::SignatureDoesNotMatch,
            "InvalidClientTokenId" => Self::InvalidClientTokenId,
            "RequestExpired" | "RequestTimeTooSkewed" | "RequestInTheFuture" => Self::ClockSkew,
            c if signet_retry::THROTTLING_ERROR_CODES.contains(&c) => Self::Throttling,
            _ => Self::Other,
        }
    }
}

/// Longest excerpt of a response body quoted in an error.
const EXCERPT_CHARS: usize = 160;

/// The start of a body, printable and with secrets removed: the text after an opening
/// `SecretAccessKey` or `SessionToken` tag (up to the next `<`, or the end of a truncated
/// body) becomes `** redacted **`.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut redacted = String::with_capacity(text.len().min(4096));
    let mut rest: &str = &text;
    while let Some(pos) = find_secret_tag(rest) {
        let (head, tail) = rest.split_at(pos);
        redacted.push_str(head);
        let close = tail.find('>').map_or(tail.len(), |i| i + 1);
        let (tag, after) = tail.split_at(close);
        redacted.push_str(tag);
        let end = after.find('<').unwrap_or(after.len());
        if end > 0 {
            redacted.push_str("** redacted **");
        }
        rest = after.get(end..).unwrap_or("");
        if redacted.len() > 4 * EXCERPT_CHARS {
            break;
        }
    }
    redacted.push_str(rest);
    let mut out = String::new();
    for c in redacted.trim().chars().take(EXCERPT_CHARS) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn find_secret_tag(text: &str) -> Option<usize> {
    ["<SecretAccessKey", "<SessionToken", "<sts:SecretAccessKey", "<sts:SessionToken"]
        .iter()
        .filter_map(|t| text.find(t))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_never_show_secrets() {
        let body = b"<R><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>t0k";
        let e = excerpt(body);
        assert!(!e.contains("s3cr3t") && !e.contains("t0k"), "{e}");
        assert!(e.contains("ASIA1"), "{e}");
    }

    #[test]
    fn excerpts_are_short_and_printable() {
        let body = "a\u{0}b\n".repeat(200);
        let e = excerpt(body.as_bytes());
        assert!(e.chars().count() <= EXCERPT_CHARS * 3);
        assert!(!e.contains('\0') && !e.contains('\n'));
    }
}
