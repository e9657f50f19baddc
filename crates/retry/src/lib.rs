//! The AWS retry modes as a sans-IO core: classify an attempt, decide whether and when to
//! retry, and account for the shared retry quota.
//!
//! # Where it fits
//!
//! A bottom crate of the signet workspace, used by the IMDS and STS clients and the `signet`
//! facade's signed HTTP client. It implements the AWS algorithms itself (the `backoff` crate
//! is unmaintained and does not model them; see `docs/adr/0003`).
//!
//! # Status
//!
//! No code has landed yet; this crate currently exports nothing.
//!
//! # Planned crate features
//!
//! - `tokio`: a driver that runs an async operation under a retry policy.
#![forbid(unsafe_code)]
