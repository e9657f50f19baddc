//! Test doubles shared by signet's integration tests (a dev-dependency only, never published).
//!
//! - [`moto`]: a moto server for one test, on 127.0.0.1 at a free port, killed with the test
//!   process even on a panic.
//! - [`mock`]: a scripted HTTP/1.1 server on 127.0.0.1:0 for what moto does not do (faults,
//!   throttling, malformed bodies), recording every request.
//! - [`query`]: form bodies for moto's Query APIs (IAM, STS) and reading their XML answers.
//!
//! Both bind loopback only: the test runs happen in a network namespace with only `lo`.
#![forbid(unsafe_code)]
#![allow(clippy::disallowed_methods)] // test support may read SIGNET_MOTO_SERVER

pub mod mock;
pub mod moto;
pub mod query;
