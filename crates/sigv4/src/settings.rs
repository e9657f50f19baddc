//! Per-service signing settings.

use std::borrow::Cow;

/// How the request path becomes the canonical URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriEncoding {
    /// Encode the path as sent once more (`%` becomes `%25`): every service but S3.
    Double,
    /// Use the path's single, strict encoding: S3, and any endpoint whose auth scheme says
    /// `disableDoubleEncoding`.
    Single,
}

/// Whether the session token is part of the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Sign `X-Amz-Security-Token` like any header or query parameter (the default).
    Include,
    /// Leave it out of the signature and add it afterwards, for the services that want that.
    Exclude,
}

/// Headers that are never signed by default: proxies and clients change or drop them
/// (`authorization` is replaced by the signature itself).
pub const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "expect",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Settings that differ between services. [`SigningSettings::DEFAULT`] fits most services;
/// [`SigningSettings::S3`] fits S3.
///
/// ```
/// use signet_sigv4::{SigningSettings, UriEncoding};
///
/// let mut settings = SigningSettings::S3;
/// settings.sign_header("user-agent").exclude_header("x-custom-proxy-header");
/// assert_eq!(settings.uri_encoding, UriEncoding::Single);
/// assert!(!settings.is_excluded("User-Agent"));
/// assert!(settings.is_excluded("X-Custom-Proxy-Header"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Double encoding (most services) or single (S3).
    pub uri_encoding: UriEncoding,
    /// Remove `.`/`..` segments and empty segments from the path before encoding (not S3).
    pub normalize_path: bool,
    /// Add and sign `x-amz-content-sha256` with the payload hash in header signing (S3).
    pub content_sha256_header: bool,
    /// Whether the session token is signed.
    pub session_token: SessionTokenMode,
    extra_excluded: Vec<Cow<'static, str>>,
    signed_anyway: Vec<Cow<'static, str>>,
}

impl SigningSettings {
    /// The settings for most services: double encoding, path normalisation, no
    /// `x-amz-content-sha256`, the session token signed.
    pub const DEFAULT: Self = Self {
        uri_encoding: UriEncoding::Double,
        normalize_path: true,
        content_sha256_header: false,
        session_token: SessionTokenMode::Include,
        extra_excluded: Vec::new(),
        signed_anyway: Vec::new(),
    };

    /// The settings for S3: single encoding, no normalisation, `x-amz-content-sha256` signed.
    pub const S3: Self = Self {
        uri_encoding: UriEncoding::Single,
        normalize_path: false,
        content_sha256_header: true,
        session_token: SessionTokenMode::Include,
        extra_excluded: Vec::new(),
        signed_anyway: Vec::new(),
    };

    /// Never sign `name` (case-insensitive), on top of [`DEFAULT_EXCLUDED_HEADERS`].
    pub fn exclude_header(&mut self, name: impl Into<Cow<'static, str>>) -> &mut Self {
        self.extra_excluded.push(name.into());
        self
    }

    /// Sign `name` even though it is in [`DEFAULT_EXCLUDED_HEADERS`]. `authorization` is
    /// always left out.
    pub fn sign_header(&mut self, name: impl Into<Cow<'static, str>>) -> &mut Self {
        self.signed_anyway.push(name.into());
        self
    }

    /// Whether a header of this name is left out of the signature.
    pub fn is_excluded(&self, name: &str) -> bool {
        if name.eq_ignore_ascii_case("authorization") {
            return true;
        }
        let listed = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        if self.extra_excluded.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return true;
        }
        listed(DEFAULT_EXCLUDED_HEADERS)
            && !self.signed_anyway.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl From<SigningSettings> for Cow<'_, SigningSettings> {
    fn from(settings: SigningSettings) -> Self {
        Cow::Owned(settings)
    }
}

impl<'a> From<&'a SigningSettings> for Cow<'a, SigningSettings> {
    fn from(settings: &'a SigningSettings) -> Self {
        Cow::Borrowed(settings)
    }
}
