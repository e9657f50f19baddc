//! signet: everything an application needs to make authenticated, signed calls to AWS, and
//! nothing it doesn't.
//!
//! # Where it fits
//!
//! The facade on top of the signet micro-crates: it loads settings, the region, the default
//! credentials chain and the retry policy in one line ([`load`]), and gives a signed, retried
//! [`Client`] for any AWS API. Each part is also re-exported as a module behind its own
//! feature (`signet::sigv4`, `signet::sts`, ...), so an application can take one alone.
//! Tests and examples inject the environment and files; production code calls [`load`].
//!
//! ```
//! use signet::config::{Env, Fs};
//! use signet::{ConfigLoader, RegionSource};
//!
//! let env = Env::from_map([
//!     ("HOME", "/home/me"),
//!     ("AWS_REGION", "eu-west-1"),
//!     ("AWS_EC2_METADATA_DISABLED", "true"),
//! ]);
//! let fs = Fs::from_map([(
//!     "/home/me/.aws/credentials",
//!     "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n",
//! )]);
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let config = runtime.block_on(ConfigLoader::with_env(env, fs).load())?;
//! assert_eq!(config.region().source, RegionSource::Environment { var: "AWS_REGION".into() });
//! let creds = runtime.block_on(config.credentials())?;
//! assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
//!
//! let sts = runtime.block_on(config.sts_client())?;
//! assert_eq!(sts.endpoint_url(), "https://sts.eu-west-1.amazonaws.com/");
//! // runtime.block_on(sts.get_caller_identity())? would send it.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The guide
//!
//! ## Load, then call STS
//!
//! [`load`] reads the process environment and `~/.aws/config`/`credentials`;
//! [`ConfigLoader::with_env`] gives it a map and a file view instead, which is how every
//! example here runs without touching the machine. The region comes from code,
//! `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile, the instance metadata service, or else
//! the default `us-east-1` (logged as such; [`ConfigLoader::strict_region`] makes it an
//! error); [`Config::region`] says which. Credentials come from the default chain
//! (environment, profile, web identity, container, instance profile) behind a cache, loaded
//! on first use.
//!
//! In production that is one line:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = signet::load().await?;
//! println!("region {}", config.region()); // eu-west-1 (environment variable AWS_REGION)
//! let me = config.sts_client().await?.get_caller_identity().await?;
//! println!("{me:?}");
//! # Ok(())
//! # }
//! ```
//!
//! ## Any API, signed and retried
//!
//! [`Client::request`] takes the [`Service`] (its signing name, and its endpoint from AWS's
//! rules for STS and S3 or from the partition for the rest), the method and the path;
//! headers, query and body are options. [`RequestBuilder::send`] resolves credentials,
//! signs (SigV4, or SigV4a when the endpoint's auth scheme says so), sends, and retries in
//! the configured mode. A service error is an [`Error`] with the AWS code, message and
//! request id ([`ServiceError`]). [`Client::sign_reqwest`] and [`Client::sign_http`] sign a
//! request built elsewhere.
//!
//! ## Presign an S3 GET
//!
//! ```
//! use std::time::Duration;
//! use signet::config::{Env, Fs};
//! use signet::sigv4::Credentials;
//! use signet::{ConfigLoader, Method, Service};
//!
//! let env = Env::from_map([("AWS_REGION", "us-west-2")]);
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let config = runtime.block_on(
//!     ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([]))
//!         .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG"))
//!         .load(),
//! )?;
//! let url = runtime.block_on(config.client().presign(
//!     &Service::S3,
//!     Method::GET,
//!     "/my-bucket/report.csv",
//!     Duration::from_secs(900),
//! ))?;
//! assert!(url.starts_with("https://s3.us-west-2.amazonaws.com/my-bucket/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"));
//! assert!(url.contains("X-Amz-Expires=900"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## A local emulator or a VPC endpoint
//!
//! One endpoint URL for every service, in code ([`ConfigLoader::endpoint_url`]) or as
//! `AWS_ENDPOINT_URL`; per service with `AWS_ENDPOINT_URL_<SERVICE_ID>` or the profile's
//! `[services]` section. Requests are still signed for the configured region.
//!
//! ```
//! use signet::config::{Env, Fs};
//! use signet::{ConfigLoader, Service};
//!
//! let env = Env::from_map([
//!     ("AWS_REGION", "eu-central-1"),
//!     ("AWS_ENDPOINT_URL_STS", "https://vpce-0abc-sts.sts.eu-central-1.vpce.amazonaws.com"),
//! ]);
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let config = runtime.block_on(ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([])).load())?;
//! let client = config.client();
//! assert_eq!(client.endpoint_url(&Service::STS)?, "https://vpce-0abc-sts.sts.eu-central-1.vpce.amazonaws.com");
//! assert_eq!(client.endpoint_url(&Service::new("dynamodb"))?, "https://dynamodb.eu-central-1.amazonaws.com");
//!
//! let local = runtime.block_on(
//!     ConfigLoader::with_env(Env::from_map([("AWS_REGION", "us-east-1")]), Fs::from_map::<&str, &str>([]))
//!         .endpoint_url("http://127.0.0.1:5000")
//!         .load(),
//! )?;
//! assert_eq!(local.client().endpoint_url(&Service::new("dynamodb"))?, "http://127.0.0.1:5000");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## One micro-crate alone
//!
//! Each part stands alone: `signet-sigv4` signs for any HTTP stack with no runtime. With
//! `default-features = false, features = ["sigv4"]`, `signet` is only that crate:
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use signet::sigv4::{Credentials, Payload, SignableRequest, Signer};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let signer = Signer::new(&creds, "us-east-1", "service", UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
//! let headers = [("host", "example.amazonaws.com")];
//! let signed = signer.sign_headers(&SignableRequest::new("GET", "/", &headers, Payload::Empty))?;
//! assert!(signed.authorization().ends_with("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Debugging
//!
//! The facade emits `tracing` spans and events: a `signet.call` span per call (service,
//! method, region, endpoint), the region and where it came from at load, which credentials
//! provider answered (from `signet-credential-providers`), and each retry with its reason
//! and delay. No secret is ever logged.
//!
//! # Crate features
//!
//! | feature | module or items | pulls in |
//! | --- | --- | --- |
//! | `sigv4` | [`sigv4`] | `signet-sigv4` |
//! | `retry` | [`retry`] | `signet-retry` |
//! | `endpoints` | [`endpoints`] | `signet-endpoint-resolver` |
//! | `config` | [`config`] | `signet-config-loader` |
//! | `imds` | [`imds`] | `signet-imds-client` |
//! | `sts` | [`sts`] | `signet-sts-client` |
//! | `credentials` | [`credentials`] | `signet-credential-providers` |
//! | `client` | [`load`], [`Config`], [`Client`] | every part, reqwest, tokio, tracing, serde_json, and SigV4a (`p256`) |
//!
//! All are on by default.
#![forbid(unsafe_code)]

/// The README's example, compiled as a doctest so that it cannot rot.
#[cfg(all(doctest, feature = "client"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;

#[cfg(feature = "client")]
mod aws_error;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod endpoint;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod loader;

#[cfg(feature = "client")]
pub use crate::{
    client::{Client, RequestBuilder, Response},
    endpoint::Service,
    error::{Error, ErrorKind, ServiceError},
    loader::{
        Config, ConfigLoader, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REGION, Region, RegionSource, load,
    },
};
/// HTTP methods (the `http` crate's, which reqwest uses too).
#[cfg(feature = "client")]
pub use http::Method;

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
