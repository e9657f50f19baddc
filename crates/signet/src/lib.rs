//! signet: everything an application needs to make authenticated, signed calls to AWS, and
//! nothing it doesn't.
//!
//! This facade re-exports the signet micro-crates, each behind a cargo feature, so that an
//! application pulls only the parts it uses.
//!
//! # Crate features
//!
//! | feature | module | crate |
//! | --- | --- | --- |
//! | `sigv4` | [`sigv4`] | `signet-sigv4` |
//! | `retry` | [`retry`] | `signet-retry` |
//! | `endpoints` | [`endpoints`] | `signet-endpoint-resolver` |
//! | `config` | [`config`] | `signet-config-loader` |
//! | `imds` | [`imds`] | `signet-imds-client` |
//! | `sts` | [`sts`] | `signet-sts-client` |
//! | `credentials` | [`credentials`] | `signet-credential-providers` |
//!
//! All are on by default.
//!
//! # Status
//!
//! The one-line loader (`signet::load()`) and the signed HTTP client have not landed yet;
//! today the facade only re-exports the parts.
#![forbid(unsafe_code)]

#[cfg(feature = "config")]
pub use signet_config_loader as config;
#[cfg(feature = "credentials")]
pub use signet_credential_providers as credentials;
#[cfg(feature = "endpoints")]
pub use signet_endpoint_resolver as endpoints;
#[cfg(feature = "imds")]
pub use signet_imds_client as imds;
#[cfg(feature = "retry")]
pub use signet_retry as retry;
#[cfg(feature = "sigv4")]
pub use signet_sigv4 as sigv4;
#[cfg(feature = "sts")]
pub use signet_sts_client as sts;
