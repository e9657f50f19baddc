//! Credential providers, the AWS default provider chain, and a single-flight cache.
//!
//! # Where it fits
//!
//! Composes `signet-config-loader`, `signet-imds-client` and `signet-sts-client` into the
//! providers an application needs. Most applications get it through `signet::load()`.
//!
//! # Status
//!
//! No code has landed yet; this crate currently exports nothing.
#![forbid(unsafe_code)]
