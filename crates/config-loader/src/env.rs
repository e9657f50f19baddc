//! The injected view of environment variables.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A read-only view of environment variables.
///
/// Every signet crate reads the environment through an `Env`, never through `std::env`, so that
/// tests can give each case exactly the variables it needs. [`Env::from_process`] is the one
/// place that reads the real process environment; [`Env::from_map`] builds a fixed one.
///
/// Cloning is cheap. `Debug` lists variable names only, never values (they may be secrets).
///
/// ```
/// use signet_config_loader::Env;
///
/// let env = Env::from_map([("AWS_REGION", "eu-west-1")]);
/// assert_eq!(env.get("AWS_REGION").as_deref(), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_PROFILE"), None);
/// ```
#[derive(Clone)]
pub struct Env {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Process,
    Map(Arc<BTreeMap<String, String>>),
}

impl Env {
    /// The real process environment, read at each [`get`](Self::get).
    pub fn from_process() -> Self {
        Self { inner: Inner::Process }
    }

    /// A fixed environment holding exactly these variables.
    pub fn from_map<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Self { inner: Inner::Map(Arc::new(map)) }
    }

    /// An environment with no variables at all.
    pub fn empty() -> Self {
        Self::from_map(std::iter::empty::<(String, String)>())
    }

    /// The value of variable `name`, or `None` if it is unset (or, for the process
    /// environment, not valid Unicode).
    pub fn get(&self, name: &str) -> Option<String> {
        match &self.inner {
            // The one home in this crate that reads the process environment (docs/adr/0005).
            #[allow(clippy::disallowed_methods)]
            Inner::Process => std::env::var(name).ok(),
            Inner::Map(map) => map.get(name).cloned(),
        }
    }

    /// The value of `name` if it is set to something other than blanks; the AWS SDKs treat
    /// `AWS_REGION=""` and `AWS_REGION=" "` as unset.
    pub fn get_non_blank(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Process => f.write_str("Env::Process"),
            Inner::Map(map) => f.debug_tuple("Env::Map").field(&map.keys()).finish(),
        }
    }
}

/// The path conventions to use when finding the home directory and default file locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// Linux, macOS and other Unix systems: home is `HOME`, the separator is `/`.
    Unix,
    /// Windows: home is `HOME`, then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`; the separator
    /// is `\`.
    Windows,
}

impl Platform {
    /// The platform this program was compiled for.
    pub fn current() -> Self {
        if cfg!(windows) { Self::Windows } else { Self::Unix }
    }

    pub(crate) fn separator(self) -> char {
        match self {
            Self::Unix => '/',
            Self::Windows => '\\',
        }
    }
}
