//! The facade's one error type, and the AWS error a service answered with.

use std::fmt;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why loading a [`Config`](crate::Config) or a signed call failed.
///
/// `Display` says what the facade knows: for an error the service returned, the AWS error
/// code, message and request id ([`ServiceError`]); for settings, which one and why; the
/// cause from a lower crate (credentials, endpoint rules, the HTTP stack) is in
/// [`source()`](std::error::Error::source). No secret appears in `Display` or `Debug`.
#[derive(Debug)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    service: Option<ServiceError>,
    source: Option<BoxError>,
}

/// What kind of failure an [`Error`] is; each kind is something a caller acts on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A setting is missing or does not parse (a bad `AWS_MAX_ATTEMPTS`, no region while
    /// [`strict_region`](crate::ConfigLoader::strict_region) is on, a profile file that does
    /// not parse).
    Configuration,
    /// The request itself is wrong: a programmer's mistake (a method or header that is not
    /// valid HTTP, a path without a leading `/`, a URL that does not parse). Nothing was sent.
    InvalidRequest,
    /// No endpoint could be resolved for the service and region.
    Endpoint,
    /// The credentials provider chain did not produce credentials; the source says why, for
    /// every provider.
    Credentials,
    /// The request could not be signed (credentials or a region that cannot go in a scope).
    Signing,
    /// The request could not be sent or the response not read (connection refused, reset).
    Transport,
    /// An attempt took longer than the configured attempt timeout.
    Timeout,
    /// The service answered with an error; see [`Error::service_error`].
    Service,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner { kind, message: message.into(), service: None, source: None }),
        }
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn service(error: ServiceError) -> Self {
        let mut e = Self::new(ErrorKind::Service, String::new());
        e.inner.service = Some(error);
        e
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The error the service answered with, when it answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.inner.service.as_ref()
    }

    /// The AWS error code (`ThrottlingException`, `AccessDenied`, ...), when the service
    /// answered with an error.
    pub fn code(&self) -> Option<&str> {
        self.inner.service.as_ref().and_then(ServiceError::code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.service {
            Some(service) => service.fmt(f),
            None => f.write_str(&self.inner.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// An error response from an AWS service: the HTTP status, and the AWS error code, message
/// and request id parsed from whichever shape the service uses (Query/EC2 XML, REST XML,
/// JSON, or the `x-amzn-errortype` header).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    status: u16,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
}

impl ServiceError {
    pub(crate) fn new(
        status: u16,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
    ) -> Self {
        Self { status, code, message, request_id }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The AWS error code, such as `ThrottlingException` (namespace and URI parts removed).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id (`x-amzn-requestid`, `x-amz-request-id` or the body's `RequestId`), to
    /// quote to AWS support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the service answered HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        match &self.request_id {
            Some(id) => write!(f, " (request id {id})"),
            None => f.write_str(" (no request id)"),
        }
    }
}
