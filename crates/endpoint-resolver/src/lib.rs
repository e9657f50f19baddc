//! AWS partitions and the Smithy endpoint rules engine: where a request goes, and how it is
//! signed there.
//!
//! # Where it fits
//!
//! A bottom crate of the signet workspace, used by the STS client and the `signet` facade
//! (you probably want `signet::endpoints`). It evaluates AWS's official endpoint rule sets,
//! so region, partition, FIPS, dual-stack and custom endpoints behave exactly as in the AWS
//! SDKs. The STS and S3 rule sets and the partitions are shipped; with the
//! `runtime-rulesets` feature any other service's rule set can be loaded from JSON.
//!
//! Results are plain data: the URL, headers, and the auth schemes (signing name, signing
//! region or region set, `disableDoubleEncoding`) that `signet-sigv4`'s settings take.
//! Custom endpoints (code, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile)
//! are picked by [`EndpointUrlSources`] from values the config loader provides.
//!
//! ```
//! use signet_endpoint_resolver::{BuiltIn, EndpointUrlSources, RuleSet, SchemeKind};
//!
//! let sts = RuleSet::sts()?;
//! let mut params = sts.params();
//! params.set_built_in(BuiltIn::Region, "eu-west-1")?;
//! params.set_built_in(BuiltIn::UseFips, true)?;
//! let endpoint = sts.resolve(&params)?;
//! assert_eq!(endpoint.url(), "https://sts-fips.eu-west-1.amazonaws.com");
//!
//! // A local emulator, configured with `AWS_ENDPOINT_URL`.
//! let sources = EndpointUrlSources::new().env_global("http://127.0.0.1:4566");
//! let mut params = sts.params();
//! params.set_built_in(BuiltIn::Region, "us-east-1")?;
//! if let Some((url, _source)) = sources.select() {
//!     params.set_built_in(BuiltIn::Endpoint, url)?;
//! }
//! assert_eq!(sts.resolve(&params)?.url(), "http://127.0.0.1:4566");
//!
//! // S3 signing properties for the signer.
//! let s3 = RuleSet::s3()?;
//! let mut params = s3.params();
//! params.set("Region", "us-west-2")?.set("Bucket", "my-bucket")?;
//! let endpoint = s3.resolve(&params)?;
//! assert_eq!(endpoint.url(), "https://my-bucket.s3.us-west-2.amazonaws.com");
//! let scheme = endpoint.auth_schemes().next().ok_or("no auth scheme")?;
//! assert_eq!(scheme.kind(), SchemeKind::SigV4);
//! assert_eq!((scheme.signing_name(), scheme.signing_region()), (Some("s3"), Some("us-west-2")));
//! assert!(scheme.disable_double_encoding());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `runtime-rulesets` (off by default, no extra dependencies): `RuleSet::from_json`,
//!   `RuleSet::from_json_with_partitions` and `Partitions::from_json`, to resolve
//!   endpoints for services whose rule sets are not shipped.
//!
//! The only dependency is `serde_json`, which reads the embedded JSON once (docs/adr/0018).
#![forbid(unsafe_code)]

mod custom;
mod endpoint;
mod error;
mod eval;
mod flatten;
mod params;
mod partition;
mod regex;
mod ruleset;
mod stdlib;

/// The README's example, compiled and run as a doctest so that it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;

pub use crate::{
    custom::{EndpointUrlSource, EndpointUrlSources},
    endpoint::{AuthScheme, Document, Endpoint, List, Properties, SchemeKind},
    error::{Error, ErrorKind},
    params::{BuiltIn, Params},
    partition::{OutputValue, PartitionOutputs, Partitions},
    ruleset::{ParamType, ParamValue, Parameter, RuleSet},
};
