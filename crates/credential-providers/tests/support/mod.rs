//! Test support: a loopback HTTP server that replays smithy-rs "dvr" recordings
//! (`http-traffic.json`) and records what it was asked.

#![allow(dead_code, unreachable_pub)]

pub mod replay;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signet_credential_providers::TimeSource;

/// A clock stopped at a fixed time.
#[derive(Debug, Clone, Copy)]
pub struct FixedTime(pub SystemTime);

impl TimeSource for FixedTime {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A wall clock that follows tokio's (possibly paused) clock from `base`.
#[derive(Debug, Clone, Copy)]
pub struct TokioTime {
    pub base: SystemTime,
    pub start: tokio::time::Instant,
}

impl TokioTime {
    pub fn starting_at(secs: u64) -> Self {
        Self { base: UNIX_EPOCH + Duration::from_secs(secs), start: tokio::time::Instant::now() }
    }
}

impl TimeSource for TokioTime {
    fn now(&self) -> SystemTime {
        self.base + self.start.elapsed()
    }
}
