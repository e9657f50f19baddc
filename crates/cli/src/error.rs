//! The command's one error type: one or two lines a person can act on, and an exit code.

use std::fmt;

/// Why a command failed, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// The operation could not be done: credentials, network, a service error, a file.
    Failed,
    /// Bad arguments or settings (no region, a profile that does not exist, a bad time).
    Usage,
}

/// A failure, with an optional second line saying what to do about it.
#[derive(Debug)]
pub(crate) struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
}

impl Error {
    /// The operation failed.
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Failed, message: message.into(), hint: None }
    }

    /// The arguments or settings are wrong.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Usage, message: message.into(), hint: None }
    }

    /// Adds what to do about it.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The process exit code: 1 for failures, 2 for usage errors (as clap's own).
    pub(crate) fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// An error from a lower crate, as a failure: its `Display` and each `source()` in turn.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

/// Exit codes beyond 0, 1 and 2.
pub(crate) mod exit {
    /// A check found a problem: config errors, a rejected signature, a canonical-request diff.
    pub(crate) const CHECK_FAILED: u8 = 3;
    /// `signet curl` got an HTTP status of 400 or more.
    pub(crate) const HTTP_ERROR: u8 = 4;
}
