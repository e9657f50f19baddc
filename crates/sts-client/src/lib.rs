//! An AWS Security Token Service client speaking the Query protocol itself: AssumeRole, web
//! identity, SAML, MFA sessions, GetCallerIdentity and the rest, with typed results and errors.
//!
//! # Where it fits
//!
//! Signs with `signet-sigv4`, retries with `signet-retry`, resolves endpoints with
//! `signet-endpoint-resolver`'s STS rule set and reads settings from `signet-config-loader`.
//! `signet-credential-providers` uses it for role and web-identity credentials; you probably
//! want the `signet` facade (`signet::sts`), or this crate alone to call STS directly.
//!
//! ```
//! use signet_config_loader::{Env, Fs, Settings};
//! use signet_sigv4::Credentials;
//! use signet_sts_client::{AssumeRoleInput, ErrorKind, GetSessionTokenInput, StsClient};
//!
//! // Settings from an injected environment (tests never read the real one).
//! let env = Env::from_map([("AWS_REGION", "eu-west-1")]);
//! let settings = Settings::load(&env, &Fs::from_map::<&str, &str>([]))?;
//! let client = StsClient::from_settings(&settings)?
//!     .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
//!     .build()?;
//! assert_eq!(client.endpoint_url(), "https://sts.eu-west-1.amazonaws.com/");
//!
//! // An MFA session (`aws sts get-session-token --serial-number ... --token-code ...`) and a
//! // role, built as values; `client.get_session_token(&mfa).await?` sends it.
//! let mfa = GetSessionTokenInput::new()
//!     .with_duration_seconds(3600)
//!     .with_mfa("arn:aws:iam::123456789012:mfa/me", "123456");
//! let role = AssumeRoleInput::new("arn:aws:iam::123456789012:role/deploy", "ci-42")
//!     .with_duration_seconds(900);
//! # let _ = (mfa, role);
//!
//! // Inputs are checked before anything is sent.
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let bad = AssumeRoleInput::new("arn:aws:iam::123456789012:role/deploy", "a session");
//! let err = runtime.block_on(client.assume_role(&bad)).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidInput);
//! assert!(err.to_string().contains("RoleSessionName has ` `"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it covers
//!
//! - The awsQuery protocol: a form-encoded `POST /` with `Action` and `Version=2011-06-15`,
//!   lists as `Name.member.N` (`PolicyArns.member.1.arn`, `Tags.member.1.Key`, ...); XML
//!   responses read by name in any order, with quick-xml.
//! - Every STS operation: [`AssumeRoleInput`], [`AssumeRoleWithWebIdentityInput`] and
//!   [`AssumeRoleWithSamlInput`] (both unsigned), [`GetSessionTokenInput`],
//!   `GetCallerIdentity`, [`GetFederationTokenInput`], `GetAccessKeyInfo`,
//!   `DecodeAuthorizationMessage`. Credentials come back as `signet_sigv4::Credentials` with
//!   their expiration and account id.
//! - Validation before sending ([`ErrorKind::InvalidInput`]): session names, durations,
//!   ARNs, MFA codes, list sizes.
//! - STS's error document as an [`Error`] whose `Display` shows the code, message and request
//!   id ([`ServiceError`], [`ErrorCode`]); a body that is not the expected XML is
//!   [`ErrorKind::MalformedResponse`] with the status and a redacted excerpt.
//! - Endpoints from the STS rule set (regional by default, the legacy global endpoint, FIPS,
//!   dual-stack, custom endpoints), standard and adaptive retries (`IDPCommunicationError`
//!   retried), and a one-time clock-skew correction from the server's `Date`.
//!
//! Decisions are recorded in `docs/adr/0026` to `0029`.
//!
//! # Crate features
//!
//! None. The crate always pulls reqwest (rustls with the ring provider, no OpenSSL), tokio
//! (`time`) and quick-xml.
#![forbid(unsafe_code)]

/// The README's example, compiled as a doctest so that it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;

mod client;
mod error;
mod model;
mod query;
mod time;
mod validate;
mod xml;

pub use crate::client::{DEFAULT_ATTEMPT_TIMEOUT, StsClient, StsClientBuilder};
pub use crate::error::{Error, ErrorCode, ErrorKind, ServiceError};
pub use crate::model::{
    AssumeRoleInput, AssumeRoleOutput, AssumeRoleWithSamlInput, AssumeRoleWithSamlOutput,
    AssumeRoleWithWebIdentityInput, AssumeRoleWithWebIdentityOutput, AssumedRoleUser,
    DecodeAuthorizationMessageOutput, FederatedUser, GetAccessKeyInfoOutput,
    GetCallerIdentityOutput, GetFederationTokenInput, GetFederationTokenOutput,
    GetSessionTokenInput, GetSessionTokenOutput, ProvidedContext, Tag,
};
pub use crate::query::API_VERSION;
pub use signet_sigv4::{StaticTime, SystemTimeSource, TimeSource};
