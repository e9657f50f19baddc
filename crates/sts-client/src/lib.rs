//! An AWS Security Token Service client speaking the Query protocol: AssumeRole, web
//! identity, MFA sessions, GetCallerIdentity and the rest.
//!
//! # Where it fits
//!
//! Signs with `signet-sigv4`, retries with `signet-retry`, resolves endpoints with
//! `signet-endpoint-resolver` and reads settings from `signet-config-loader`.
//! `signet-credential-providers` uses it for role and web-identity credentials.
//!
//! # Status
//!
//! No code has landed yet; this crate currently exports nothing.
#![forbid(unsafe_code)]
