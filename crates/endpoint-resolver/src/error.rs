//! The crate's one error type.

use std::fmt;

/// What went wrong while loading a rule set or resolving an endpoint.
///
/// [`Error::kind`] says what the caller can act on; `Display` says what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

/// The kinds of [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The rule set's JSON is malformed or breaks the rules-engine specification (an unknown
    /// function, a wrong number of arguments, a reference to an unknown name, a bad
    /// template, ...). The message names the place, for example `rules[3].conditions[0]`.
    InvalidRuleSet,
    /// The partitions JSON is malformed.
    InvalidPartitions,
    /// A parameter name that the rule set does not declare.
    UnknownParameter,
    /// A parameter value of the wrong type (a string for a boolean parameter, ...).
    ParameterType,
    /// A required parameter without a default was not set.
    MissingParameter,
    /// The parameters were made for another rule set.
    WrongRuleSet,
    /// The rule set chose an error rule: the configuration cannot be served (for example
    /// "Invalid Configuration: Missing Region"). The message is the rule set's own.
    Rule,
    /// No rule matched the parameters and the rule set has no fallback error rule.
    NoRuleMatched,
    /// A value had the wrong shape while the rules were evaluated (for example a template
    /// that refers to an unset value). The rule set does not fit its own declarations.
    Evaluation,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message without any prefix. For [`ErrorKind::Rule`] this is exactly the rule
    /// set's error string, which the official test cases compare.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.kind {
            // The rule set's message is written for the user: show it as it is.
            ErrorKind::Rule => return f.write_str(&self.message),
            ErrorKind::InvalidRuleSet => "invalid endpoint rule set",
            ErrorKind::InvalidPartitions => "invalid partitions",
            ErrorKind::UnknownParameter => "unknown endpoint parameter",
            ErrorKind::ParameterType => "endpoint parameter of the wrong type",
            ErrorKind::MissingParameter => "missing endpoint parameter",
            ErrorKind::WrongRuleSet => "endpoint parameters used with another rule set",
            ErrorKind::NoRuleMatched => "no endpoint rule matched",
            ErrorKind::Evaluation => "endpoint rule evaluation failed",
        };
        write!(f, "{prefix}: {}", self.message)
    }
}

impl std::error::Error for Error {}

/// Short for `Result<T, Error>`.
pub(crate) type Result<T> = std::result::Result<T, Error>;
