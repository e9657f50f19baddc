//! The crate's one error type.

use std::fmt;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a provider (or the chain, or the cache) did not produce credentials.
///
/// `Display` says what this layer knows: which provider, and what was wrong with what it was
/// given (a file and key, an environment variable, a URI); the cause from a lower layer (an
/// I/O error, an STS or IMDS error) is in [`source()`](std::error::Error::source). For a chain
/// that found nothing, `Display` lists every provider and why it did not answer
/// ([`Error::attempts`]). No secret ever appears in `Display` or `Debug`.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    provider: Option<String>,
    message: String,
    source: Option<BoxError>,
    attempts: Vec<Error>,
}

/// What kind of failure an [`Error`] is; each kind is something a caller acts on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The source is not configured here (no environment variables, no profile, IMDS
    /// disabled). A chain moves on to its next provider.
    NotConfigured,
    /// The source is configured, but its configuration cannot work (a role without a source,
    /// a `FULL_URI` to a host that is not allowed, a profile cycle, a file that does not
    /// parse). A chain stops here.
    InvalidConfiguration,
    /// The source is configured but failed to answer (a file could not be read, a process
    /// exited non-zero, an HTTP or STS call failed). A chain stops here.
    ProviderFailed,
    /// The source answered with something that is not credentials (bad JSON, a missing
    /// field, a wrong version). A chain stops here.
    InvalidResponse,
    /// Loading took longer than the allowed time.
    Timeout,
    /// Every provider of a chain was not configured; see [`Error::attempts`].
    NoCredentials,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, provider: None, message: message.into(), source: None, attempts: Vec::new() }
    }

    /// The source is not configured; the chain goes on.
    pub(crate) fn not_configured(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotConfigured, message)
    }

    pub(crate) fn invalid_config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidConfiguration, message)
    }

    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ProviderFailed, message)
    }

    pub(crate) fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidResponse, message)
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Names the provider this error came from, unless it already names one.
    pub(crate) fn in_provider(mut self, name: &str) -> Self {
        if self.provider.is_none() {
            self.provider = Some(name.to_owned());
        }
        self
    }

    pub(crate) fn no_credentials(attempts: Vec<Error>) -> Self {
        let mut error = Self::new(ErrorKind::NoCredentials, "no credentials found in chain");
        error.attempts = attempts;
        error
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The provider that failed (`Environment`, `Profile`, `EcsContainer`, ...), if known.
    pub fn provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }

    /// For a [`NoCredentials`](ErrorKind::NoCredentials) error, why each provider of the chain
    /// did not answer, in chain order.
    pub fn attempts(&self) -> &[Error] {
        &self.attempts
    }

    /// Whether a chain should try its next provider after this error.
    pub fn is_not_configured(&self) -> bool {
        self.kind == ErrorKind::NotConfigured
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == ErrorKind::NoCredentials {
            f.write_str(&self.message)?;
            if !self.attempts.is_empty() {
                f.write_str(". Attempted:")?;
                for attempt in &self.attempts {
                    f.write_str("\n  ")?;
                    attempt.fmt_chain(f)?;
                }
            }
            return Ok(());
        }
        if let Some(provider) = &self.provider {
            write!(f, "{provider}: ")?;
        }
        match self.kind {
            ErrorKind::NotConfigured => {
                write!(f, "the credential provider was not enabled: {}", self.message)
            }
            ErrorKind::ProviderFailed => {
                write!(f, "an error occurred while loading credentials: {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl Error {
    /// Writes `Display` followed by every source, joined with `: `.
    fn fmt_chain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Renders an error and its whole source chain on one line, `outer: inner: innermost`.
pub(crate) fn chain_to_string(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
