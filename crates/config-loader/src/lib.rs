//! The AWS shared `config` and `credentials` files and environment variables, parsed into
//! typed settings that remember where each value came from.
//!
//! # Where it fits
//!
//! A bottom crate of the signet workspace, with no dependencies. You probably want the
//! `signet` facade, which loads [`Settings`] for you; use this crate directly to read settings,
//! to explain them ("which setting won, and why": every value is a [`Setting`] with its
//! [`Source`]), or to [check](Settings::check) a pair of files.
//!
//! The environment and the file system are injected: [`Env`] and [`Fs`] are the views every
//! other signet crate (IMDS, STS, credential providers) reads through, so tests give them a map
//! and an in-memory or rooted file system. [`Env::from_process`] and [`Fs::real`] are the only
//! ways to the real ones.
//!
//! ```
//! use signet_config_loader::{Env, Fs, Settings, Source};
//!
//! let env = Env::from_map([("HOME", "/home/me"), ("AWS_PROFILE", "dev"), ("AWS_ENDPOINT_URL_STS", "http://localhost:4566")]);
//! let fs = Fs::from_map([
//!     ("/home/me/.aws/config", "[profile dev]\nregion = eu-west-1\nretry_mode = adaptive\n"),
//!     ("/home/me/.aws/credentials", "[dev]\naws_access_key_id = AKIDEXAMPLE\n"),
//! ]);
//! let settings = Settings::load(&env, &fs)?;
//!
//! let region = settings.region()?.expect("the profile sets a region");
//! assert_eq!(region.value, "eu-west-1");
//! println!("region {region}"); // region eu-west-1 (`region` in [profile dev] at /home/me/.aws/config:2)
//! let sts = settings.endpoint_url("STS")?.expect("set in the environment");
//! assert_eq!(sts.source, Source::Env { var: "AWS_ENDPOINT_URL_STS".into() });
//! assert_eq!(settings.max_attempts()?.value, 3); // the default
//! assert_eq!(settings.profile_value("aws_access_key_id").unwrap().value, "AKIDEXAMPLE");
//! assert!(settings.check().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it covers
//!
//! - The config-file format, parsed by hand ([`ProfileSet`]): `[default]`, `[profile NAME]`,
//!   the credentials file's `[NAME]`, `[sso-session NAME]`, `[services NAME]`, sub-properties,
//!   `#`/`;` comments, continuation lines, merging of repeated sections and of the two files.
//!   It passes the AWS SDKs' shared parser and file-location suites.
//! - File locations ([`FileLocations`]): `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `~`.
//! - Typed settings ([`Settings`]): profile, region, retry mode and attempts, the 2026 retry
//!   switch, endpoint URLs, FIPS and dual-stack, STS endpoints, IMDS ([`ImdsSettings`]), the
//!   app id, and any raw profile key.
//! - An explanation of every setting: each place that sets it, in precedence order
//!   ([`Settings::explain`]).
//! - A checker ([`Settings::check`], [`Diagnostic`]).
//!
//! # Crate features
//!
//! None: the crate has no dependencies and no optional parts.
#![forbid(unsafe_code)]

mod check;
mod env;
mod error;
mod fs;
mod location;
mod parse;
mod profile;
mod settings;
mod source;

pub use crate::check::{Diagnostic, Severity};
pub use crate::env::{Env, Platform};
pub use crate::error::{Error, ErrorKind};
pub use crate::fs::Fs;
pub use crate::location::FileLocations;
pub use crate::profile::{FileKind, Location, ProfileSet, Property, Section};
pub use crate::settings::{
    Explanation, ImdsEndpointMode, ImdsSettings, Loader, RetryMode, Settings, StsRegionalEndpoints,
};
pub use crate::source::{Setting, Source};
