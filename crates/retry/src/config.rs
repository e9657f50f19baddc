//! Retry settings: mode, max attempts and which generation of the AWS rules applies.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, ErrorKind};

/// The retry mode, as named by `AWS_RETRY_MODE` and the profile's `retry_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RetryMode {
    /// Exponential backoff with full jitter and a per-client retry quota.
    #[default]
    Standard,
    /// Standard mode plus a client-side rate limiter that slows every request of the client
    /// after the service throttles it (CUBIC). Meant for single-resource, throttling-heavy,
    /// latency-tolerant clients.
    Adaptive,
}

impl FromStr for RetryMode {
    type Err = Error;

    /// Parses `standard`, `adaptive` or `legacy` (any ASCII case, surrounding whitespace
    /// ignored). `legacy` names each SDK's pre-2020 behaviour; like the Kotlin and Swift SDKs,
    /// which never had one, this crate runs it as `standard` (`docs/adr/0014`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("standard") || t.eq_ignore_ascii_case("legacy") {
            Ok(Self::Standard)
        } else if t.eq_ignore_ascii_case("adaptive") {
            Ok(Self::Adaptive)
        } else {
            Err(Error::new(ErrorKind::InvalidRetryMode, s))
        }
    }
}

impl fmt::Display for RetryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Standard => "standard",
            Self::Adaptive => "adaptive",
        })
    }
}

/// How many times an operation may be sent in total (the first attempt included): at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MaxAttempts(NonZeroU32);

impl MaxAttempts {
    /// The AWS default for standard and adaptive mode: 3.
    pub const DEFAULT: Self = Self(NonZeroU32::MIN.saturating_add(2));

    /// Accepts any value of at least 1 (1 means "never retry").
    pub fn new(attempts: u32) -> Result<Self, Error> {
        NonZeroU32::new(attempts)
            .map(Self)
            .ok_or_else(|| Error::new(ErrorKind::InvalidMaxAttempts, attempts.to_string()))
    }

    /// The number of attempts.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl Default for MaxAttempts {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl FromStr for MaxAttempts {
    type Err = Error;

    /// Parses a decimal integer of at least 1, as `AWS_MAX_ATTEMPTS` and the profile's
    /// `max_attempts` hold it (surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse::<NonZeroU32>()
            .map(Self)
            .map_err(|_| Error::new(ErrorKind::InvalidMaxAttempts, s))
    }
}

impl fmt::Display for MaxAttempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which generation of the AWS retry rules applies (`docs/adr/0014`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RetrySpec {
    /// Retry Behavior 2.0, what AWS SDKs ship unless opted in to the 2026 update: base delay
    /// 1 s, retry cost 5, timeout cost 10, `x-amz-retry-after` ignored, a bare 429 not retried.
    #[default]
    V2_0,
    /// Retry Behavior 2.1, the 2026 update (`AWS_NEW_RETRIES_2026=true`): base delay 50 ms
    /// for ordinary errors and 1 s for throttling, retry cost 14 and 5 for throttling,
    /// `x-amz-retry-after` honoured within `[backoff, backoff + 5 s]`, 429 is throttling.
    V2_1,
}

impl RetrySpec {
    /// The spec selected by the value of `AWS_NEW_RETRIES_2026`: 2.1 when it is `true` (any
    /// ASCII case, whitespace ignored), 2.0 otherwise, including when the variable is unset.
    pub fn from_new_retries_2026(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.trim().eq_ignore_ascii_case("true") => Self::V2_1,
            _ => Self::V2_0,
        }
    }

    /// The spec for an already-parsed opt-in flag (the config loader's
    /// `new_retries_2026()` setting): 2.1 when `true`.
    pub fn from_opt_in(new_retries_2026: bool) -> Self {
        if new_retries_2026 { Self::V2_1 } else { Self::V2_0 }
    }

    /// Reads `AWS_NEW_RETRIES_2026` from the process environment. Libraries and tests should
    /// prefer [`RetrySpec::from_new_retries_2026`] with an injected value.
    pub fn from_process_env() -> Self {
        // The crate's one home for the process environment (docs/adr/0005): the variable is
        // read only from the environment, never from a profile.
        #[allow(clippy::disallowed_methods)]
        let value = std::env::var("AWS_NEW_RETRIES_2026").ok();
        Self::from_new_retries_2026(value.as_deref())
    }

    pub(crate) fn retry_cost(self) -> u32 {
        match self {
            Self::V2_0 => 5,
            Self::V2_1 => 14,
        }
    }

    pub(crate) fn timeout_retry_cost(self) -> u32 {
        match self {
            Self::V2_0 => 10,
            Self::V2_1 => 14,
        }
    }

    pub(crate) const fn throttling_retry_cost(self) -> u32 {
        5
    }

    pub(crate) fn default_non_throttling_base(self) -> Duration {
        match self {
            Self::V2_0 => Duration::from_secs(1),
            Self::V2_1 => Duration::from_millis(50),
        }
    }
}

impl fmt::Display for RetrySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V2_0 => "2.0",
            Self::V2_1 => "2.1",
        })
    }
}

/// The settings of a retry strategy: plain values, so the config loader's typed settings (or
/// code) can feed them in.
///
/// ```
/// use signet_retry::{MaxAttempts, RetryConfig, RetryMode, RetrySpec};
///
/// // As the config loader would hand them over: AWS_RETRY_MODE, AWS_MAX_ATTEMPTS,
/// // AWS_NEW_RETRIES_2026.
/// let config = RetryConfig::new("adaptive".parse::<RetryMode>()?)
///     .with_max_attempts("5".parse::<MaxAttempts>()?)
///     .with_spec(RetrySpec::from_new_retries_2026(Some("true")));
/// assert_eq!(config.max_attempts().get(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    mode: RetryMode,
    max_attempts: MaxAttempts,
    spec: RetrySpec,
    max_backoff: Duration,
    non_throttling_base: Option<Duration>,
}

impl RetryConfig {
    /// The AWS defaults for `mode`: 3 attempts, Retry Behavior 2.0, backoff capped at 20 s.
    pub fn new(mode: RetryMode) -> Self {
        Self {
            mode,
            max_attempts: MaxAttempts::DEFAULT,
            spec: RetrySpec::V2_0,
            max_backoff: Duration::from_secs(20),
            non_throttling_base: None,
        }
    }

    /// Standard mode with the AWS defaults.
    pub fn standard() -> Self {
        Self::new(RetryMode::Standard)
    }

    /// Adaptive mode with the AWS defaults.
    pub fn adaptive() -> Self {
        Self::new(RetryMode::Adaptive)
    }

    /// Sets how many times an operation may be sent in total.
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: MaxAttempts) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Chooses the generation of the AWS rules.
    #[must_use]
    pub fn with_spec(mut self, spec: RetrySpec) -> Self {
        self.spec = spec;
        self
    }

    /// Caps the exponential backoff (20 s by default).
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Overrides the base delay for non-throttling errors (1 s in 2.0, 50 ms in 2.1; 2.1 uses
    /// 25 ms for DynamoDB). Throttling errors keep their 1 s base.
    #[must_use]
    pub fn with_non_throttling_base_delay(mut self, base: Duration) -> Self {
        self.non_throttling_base = Some(base);
        self
    }

    /// The retry mode.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// The maximum number of attempts, the first included.
    pub fn max_attempts(&self) -> MaxAttempts {
        self.max_attempts
    }

    /// The generation of the AWS rules.
    pub fn spec(&self) -> RetrySpec {
        self.spec
    }

    /// The cap on the exponential backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The base delay for non-throttling errors.
    pub fn non_throttling_base_delay(&self) -> Duration {
        self.non_throttling_base.unwrap_or_else(|| self.spec.default_non_throttling_base())
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}
