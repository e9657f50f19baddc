//! The injected clock and RFC 3339 timestamps.

use std::fmt;
use std::time::SystemTime;

/// Where "now" comes from: the system clock in production, anything in tests.
pub trait TimeSource: Send + Sync + fmt::Debug {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

/// The system clock: the crate's one reader of `SystemTime::now`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTimeSource;

impl TimeSource for SystemTimeSource {
    fn now(&self) -> SystemTime {
        // The one home in this crate that reads the real clock (docs/adr/0005).
        #[allow(clippy::disallowed_methods)]
        SystemTime::now()
    }
}

pub(crate) use signet_sigv4::{format_rfc3339, parse_rfc3339};

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn parses_the_forms_aws_sends() {
        let at = |s| parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
        assert_eq!(at("2021-09-21T18:41:26Z"), Some(1_632_249_686));
        assert_eq!(at("2022-05-02T18:36:00+00:00"), Some(1_651_516_560));
        assert_eq!(at("2022-05-02T20:36:00+02:00"), Some(1_651_516_560));
        assert_eq!(at("2009-02-13T23:31:30.123Z"), Some(1_234_567_890));
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(0));
        for bad in [
            "",
            "2021-09-21",
            "2021-13-01T00:00:00Z",
            "2021-09-21T18:41:26",
            "x",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
        assert_eq!(
            format_rfc3339(UNIX_EPOCH + Duration::from_secs(1_632_249_686)),
            "2021-09-21T18:41:26Z"
        );
    }
}
