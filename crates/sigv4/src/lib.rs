//! AWS Signature Version 4 request signing, sans-IO.
//!
//! `signet-sigv4` turns a plainly described HTTP request (method, path as sent, query,
//! headers, payload hash) plus credentials and a signing time into the
//! `Authorization` header or a presigned URL, byte for byte as AWS computes them.
//!
//! # Where it fits
//!
//! This is the bottom of the signet workspace: it knows nothing of async runtimes, HTTP
//! clients or credential providers. Most applications want the `signet` facade, which
//! resolves credentials, endpoints and retries and calls this crate for you.
//!
//! # Status
//!
//! No signing code has landed yet; this crate currently exports nothing.
//!
//! # Planned crate features
//!
//! - `http`: sign an `http::Request` in place and presign an `http::Uri`.
//! - `sigv4a`: SigV4a (`AWS4-ECDSA-P256-SHA256`) with pure-Rust `p256`.
//! - `stream`: a `futures` stream adapter for aws-chunked bodies.
#![forbid(unsafe_code)]
