//! The injected wall clock: one trait and two clocks for the whole workspace (docs/adr/0046).

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// Where "now" comes from: the signing time of a request, whether credentials have expired,
/// when to refresh them (docs/adr/0005).
///
/// [`SystemTimeSource`] is the real clock; tests and examples give a [`StaticTime`] or their
/// own source (one that follows tokio's paused clock, say). The signer itself takes the
/// signing time as an argument; the clients and providers above it take a `TimeSource`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{StaticTime, TimeSource, format_rfc3339};
///
/// let clock = StaticTime(UNIX_EPOCH + Duration::from_secs(1_440_938_160));
/// assert_eq!(format_rfc3339(clock.now()), "2015-08-30T12:36:00Z");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait TimeSource: Send + Sync + fmt::Debug {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

/// A shared clock is a clock, so an `Arc<dyn TimeSource>` can be handed on as it is.
impl<T: TimeSource + ?Sized> TimeSource for Arc<T> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

/// The operating system's wall clock: the workspace's one library reader of
/// `SystemTime::now`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTimeSource;

impl SystemTimeSource {
    /// The real clock (the same as writing `SystemTimeSource`).
    pub fn new() -> Self {
        Self
    }
}

impl TimeSource for SystemTimeSource {
    fn now(&self) -> SystemTime {
        // The one home of the real clock (docs/adr/0005, 0046): everything else is injected.
        #[allow(clippy::disallowed_methods)]
        SystemTime::now()
    }
}

/// A clock stopped at one instant, for tests and examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StaticTime(pub SystemTime);

impl TimeSource for StaticTime {
    fn now(&self) -> SystemTime {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn a_static_clock_stays_put_and_a_shared_clock_is_a_clock() {
        let at = UNIX_EPOCH + Duration::from_secs(1_632_249_686);
        let shared: Arc<dyn TimeSource> = Arc::new(StaticTime(at));
        assert_eq!(StaticTime(at).now(), at);
        assert_eq!(shared.now(), at);
        assert_eq!(Arc::new(shared).now(), at);
    }

    #[test]
    fn the_system_clock_is_after_this_code_was_written() {
        // 2026-11-22T00:00:00Z: any real clock reading is later.
        let written = UNIX_EPOCH + Duration::from_secs(1_795_305_600);
        assert!(SystemTimeSource::new().now() > written);
    }
}
