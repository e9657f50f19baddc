//! A setting's value together with where it came from.

use std::fmt;

use crate::Location;
use crate::profile::is_sensitive;

/// Where a setting's value came from. This is what answers "which setting won, and why".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Set in code through the [`Loader`](crate::Loader).
    Code,
    /// An environment variable.
    Env {
        /// The variable's name, such as `AWS_REGION`.
        var: String,
    },
    /// A key in a section of the config or credentials file.
    File {
        /// The section as written in the file's terms, such as `profile dev` or `services local`.
        section: String,
        /// The key, such as `region`, or `sts.endpoint_url` for a sub-property.
        key: String,
        /// The file and line.
        location: Location,
    },
    /// Nothing configured it; this is the SDK's default.
    Default,
}

impl Source {
    pub(crate) fn env(var: &str) -> Self {
        Self::Env { var: var.to_owned() }
    }

    fn is_sensitive(&self) -> bool {
        match self {
            Self::Env { var } => is_sensitive(&var.to_ascii_lowercase()),
            Self::File { key, .. } => is_sensitive(key),
            Self::Code | Self::Default => false,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code => f.write_str("set in code"),
            Self::Env { var } => write!(f, "environment variable {var}"),
            Self::File { section, key, location } => {
                write!(f, "`{key}` in [{section}] at {location}")
            }
            Self::Default => f.write_str("default"),
        }
    }
}

/// A setting's value and its [`Source`].
///
/// `Debug` redacts the value when the source names a secret (such as `aws_secret_access_key`).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where the value came from.
    pub source: Source,
}

impl<T> Setting<T> {
    /// A value from `source`.
    pub fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }

    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Where the value came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The value, dropping its source.
    pub fn into_value(self) -> T {
        self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Setting<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Setting");
        if self.source.is_sensitive() {
            s.field("value", &"** redacted **");
        } else {
            s.field("value", &self.value);
        }
        s.field("source", &self.source).finish()
    }
}

impl<T: fmt::Display> fmt::Display for Setting<T> {
    /// `value (source)`, or `** redacted ** (source)` for secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_sensitive() {
            write!(f, "** redacted ** ({})", self.source)
        } else {
            write!(f, "{} ({})", self.value, self.source)
        }
    }
}
