//! An EC2 Instance Metadata Service client: IMDSv2 sessions, bounded timeouts and retries,
//! and typed reads (region, identity document, role credentials).
//!
//! # Where it fits
//!
//! Sits on `signet-config-loader` (settings), `signet-retry` (backoff) and `signet-sigv4`
//! (the `Credentials` type). `signet-credential-providers` uses it for instance-profile
//! credentials.
//!
//! # Status
//!
//! No code has landed yet; this crate currently exports nothing.
#![forbid(unsafe_code)]
