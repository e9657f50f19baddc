//! AWS partitions and the Smithy endpoint rules engine: where a request goes, and how it is
//! signed there.
//!
//! # Where it fits
//!
//! A bottom crate of the signet workspace, used by the STS client and the `signet` facade.
//! Its results (URL, headers, auth schemes) feed `signet-sigv4`'s settings directly.
//!
//! # Status
//!
//! No code has landed yet; this crate currently exports nothing.
//!
//! # Planned crate features
//!
//! - `runtime-rulesets`: load any service's rule set JSON at run time.
#![forbid(unsafe_code)]
