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

impl SigningSettings {
    /// [`SigningSettings::is_excluded`] for a lower-case name, without scanning the default
    /// list when no header was added or re-included.
    #[inline]
    pub(crate) fn is_excluded_lower(&self, lower: &[u8]) -> bool {
        if self.extra_excluded.is_empty() && self.signed_anyway.is_empty() {
            is_default_excluded(lower)
        } else {
            std::str::from_utf8(lower).is_ok_and(|name| self.is_excluded(name))
        }
    }
}

/// Membership of a lower-case name in [`DEFAULT_EXCLUDED_HEADERS`], dispatched on length.
fn is_default_excluded(lower: &[u8]) -> bool {
    let any = |names: &[&str]| names.iter().any(|n| n.as_bytes() == lower);
    match lower.len() {
        2 => any(&["te"]),
        6 => any(&["expect"]),
        7 => any(&["trailer", "upgrade"]),
        10 => any(&["connection", "keep-alive", "user-agent"]),
        13 => any(&["authorization"]),
        15 => any(&["x-amzn-trace-id"]),
        16 => any(&["proxy-connection"]),
        17 => any(&["transfer-encoding"]),
        18 => any(&["proxy-authenticate"]),
        19 => any(&["proxy-authorization"]),
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_dispatch_agrees_with_the_list() {
        for name in DEFAULT_EXCLUDED_HEADERS {
            assert!(is_default_excluded(name.as_bytes()), "{name}");
        }
        let listed = |n: &str| DEFAULT_EXCLUDED_HEADERS.contains(&n);
        for name in ["host", "x-amz-date", "content-type", "te", "expects", "x-amzn-trace-ie"] {
            assert_eq!(is_default_excluded(name.as_bytes()), listed(name), "{name}");
        }
    }

    #[test]
    fn custom_lists_apply_to_lower_case_names() {
        let mut s = SigningSettings::DEFAULT;
        assert!(s.is_excluded_lower(b"user-agent"));
        assert!(!s.is_excluded_lower(b"x-custom"));
        s.exclude_header("X-Custom").sign_header("User-Agent");
        assert!(s.is_excluded_lower(b"x-custom"));
        assert!(!s.is_excluded_lower(b"user-agent"));
        assert!(s.is_excluded_lower(b"authorization"), "authorization is never signed");
    }
}
