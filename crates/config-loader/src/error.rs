//! The crate's one error type.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why loading or reading a setting failed.
///
/// `Display` says what went wrong and where (a file path and line, or an environment variable);
/// it never repeats a secret value. The underlying I/O error, if any, is in
/// [`source()`](std::error::Error::source).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    path: Option<PathBuf>,
    line: Option<usize>,
    message: String,
    source: Option<std::io::Error>,
}

/// What kind of failure an [`Error`] is; each kind is something a caller acts on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file exists but could not be read (permissions, a directory, an I/O failure).
    /// A file that does not exist is not an error: it is an empty file.
    Read,
    /// A file was read but is not UTF-8.
    NotUtf8,
    /// A config or credentials file is malformed; the error names the path and line.
    Syntax,
    /// A setting has a value that cannot be used (a non-number for `max_attempts`, an unknown
    /// retry mode, ...); the error names the environment variable or file and line.
    InvalidValue,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file the error is about, if it is about a file.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The 1-based line in [`path`](Self::path) the error is about, if known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    pub(crate) fn read(path: &Path, source: std::io::Error) -> Self {
        Self {
            kind: ErrorKind::Read,
            path: Some(path.to_owned()),
            line: None,
            message: "could not read file".to_owned(),
            source: Some(source),
        }
    }

    pub(crate) fn not_utf8(path: &Path, valid_up_to: usize) -> Self {
        Self {
            kind: ErrorKind::NotUtf8,
            path: Some(path.to_owned()),
            line: None,
            message: format!("file is not UTF-8 (invalid byte at offset {valid_up_to})"),
            source: None,
        }
    }

    pub(crate) fn syntax(path: Option<&Path>, line: usize, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Syntax,
            path: path.map(Path::to_owned),
            line: Some(line),
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn invalid_value(
        path: Option<&Path>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind: ErrorKind::InvalidValue,
            path: path.map(Path::to_owned),
            line,
            message: message.into(),
            source: None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(path), Some(line)) => write!(f, "{}:{line}: {}", path.display(), self.message),
            (Some(path), None) => write!(f, "{}: {}", path.display(), self.message),
            (None, Some(line)) => write!(f, "line {line}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}
