//! The AWS shared `config` and `credentials` files and environment variables, parsed into
//! typed settings that remember where each value came from.
//!
//! # Where it fits
//!
//! A bottom crate of the signet workspace. The environment and file system are injected, so
//! every other crate (and every test) reads settings through this crate, never through
//! `std::env` directly.
//!
//! # Status
//!
//! No code has landed yet; this crate currently exports nothing.
#![forbid(unsafe_code)]
