//! `signet`: a command for people who debug AWS authentication.
//!
//! # Status
//!
//! No commands have landed yet: the binary prints its version and what is planned.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)] // printing is this crate's job

fn main() {
    println!("signet {} (no commands yet; see issue #12)", env!("CARGO_PKG_VERSION"));
}
