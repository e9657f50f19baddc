//! Test support: a loopback HTTP server that replays smithy-rs "dvr" recordings
//! (`http-traffic.json`) and records what it was asked.

#![allow(dead_code, unreachable_pub)]

pub mod replay;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signet_credential_providers::TimeSource;

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

/// A subscriber that keeps every formatted log line, to prove no secret is logged.
pub struct Capture(pub Arc<Mutex<Vec<String>>>);

pub struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
