//! Which credentials an application ends up with, and why: the AWS credential providers, the
//! default chain in the AWS SDKs' order, and a single-flight cache that survives a fleet.
//!
//! # Where it fits
//!
//! Composes `signet-config-loader` (settings, environment and files through its injected
//! [`Env`](signet_config_loader::Env) and [`Fs`](signet_config_loader::Fs)),
//! `signet-sts-client` (roles, web identity) and `signet-imds-client` (instance profiles);
//! every provider returns [`signet_sigv4::Credentials`]. Most applications get it through the
//! `signet` facade; use it directly to build a chain of your own or to explain one.
//!
//! ```
//! use signet_config_loader::{Env, Fs};
//! use signet_credential_providers::{DefaultChainBuilder, ProvideCredentials};
//!
//! // Tests inject the environment and files; production passes Env::from_process(), Fs::real().
//! let env = Env::from_map([("HOME", "/home/me"), ("AWS_PROFILE", "dev"), ("AWS_EC2_METADATA_DISABLED", "true")]);
//! let fs = Fs::from_map([(
//!     "/home/me/.aws/credentials",
//!     "[dev]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n",
//! )]);
//! let credentials = DefaultChainBuilder::new(env, fs).build_cached();
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let creds = runtime.block_on(credentials.provide_credentials())?;
//! assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
//! assert_eq!(credentials.load_count(), 1);
//! runtime.block_on(credentials.provide_credentials())?; // served from the cache
//! assert_eq!(credentials.load_count(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it covers
//!
//! - [`ProvideCredentials`] (async, object safe) and [`SharedCredentialsProvider`].
//! - Providers: explicit ([`StaticProvider`], or [`Credentials`](signet_sigv4::Credentials)
//!   itself), [`EnvironmentProvider`], [`ProfileProvider`] (static keys, role chains with
//!   cycle detection, `credential_source`, web identity, SSO, `credential_process`, MFA),
//!   [`WebIdentityProvider`], [`ContainerProvider`] (ECS, EKS Pod Identity),
//!   [`InstanceProfileProvider`] (IMDS, with static stability), [`SsoProvider`],
//!   [`ProcessProvider`].
//! - [`resolve_profile_chain`]: profiles to one base provider and the roles assumed from it,
//!   with no I/O.
//! - [`DefaultChainBuilder`] and [`CredentialsChain`]: the first configured provider wins; a
//!   chain that finds nothing says, for every provider, why ([`Error::attempts`],
//!   [`CredentialsChain::explain`]).
//! - [`CredentialsCache`]: lazy, single flight, refreshed 5 minutes before expiry, readers
//!   never wait for a refresh while credentials are valid, a load timeout, static stability.
//!
//! No secret appears in any `Debug`, `Display`, error or log line. Decisions: `docs/adr/0034`
//! to `0037`.
//!
//! # Crate features
//!
//! None. The crate always pulls in reqwest (rustls with the ring provider), tokio (`process`
//! for `credential_process`, `time`, `sync`, `rt`), serde_json, sha1 (SSO cache file names),
//! url, tracing and async-trait, plus the signet crates above.
#![forbid(unsafe_code)]

mod cache;
mod chain;
mod container;
mod context;
mod default_chain;
mod environment;
mod error;
mod http;
mod imds;
mod json;
mod process;
mod profile;
mod profile_chain;
mod provider;
mod sso;
mod sts;
mod web_identity;

pub use crate::cache::{
    CredentialsCache, CredentialsCacheBuilder, DEFAULT_LOAD_TIMEOUT, DEFAULT_REFRESH_BUFFER,
    JitterSource,
};
pub use crate::chain::{Attempt, CredentialsChain};
pub use crate::container::{ContainerProvider, ContainerRequest, ECS_HOST};
pub use crate::default_chain::DefaultChainBuilder;
pub use crate::environment::EnvironmentProvider;
pub use crate::error::{Error, ErrorKind};
pub use crate::imds::InstanceProfileProvider;
pub use crate::process::ProcessProvider;
pub use crate::profile::{MfaTokenCallback, ProfileProvider};
pub use crate::profile_chain::{
    BaseProvider, NamedSource, ProfileChain, RoleStep, Sensitive, SsoConfig, StaticKeys,
    resolve_profile_chain,
};
pub use crate::provider::{ProvideCredentials, SharedCredentialsProvider, StaticProvider};
pub use crate::sso::{SsoProvider, SsoToken};
pub use crate::web_identity::WebIdentityProvider;
pub use signet_sigv4::{StaticTime, SystemTimeSource, TimeSource};
