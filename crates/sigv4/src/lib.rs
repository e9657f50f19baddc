//! AWS Signature Version 4 request signing, sans-IO, byte-exact and fast.
//!
//! `signet-sigv4` turns a plainly described request (method, path and query as sent,
//! headers, payload) plus [`Credentials`], a region, a service and a signing time into the
//! `Authorization` header or a presigned URL, exactly as AWS computes them. It passes every
//! case of the official AWS SigV4 test suites (see `tests/`).
//!
//! # Where it fits
//!
//! The bottom of the signet workspace: no async runtime, no HTTP client, no credential
//! providers, no procedural macros. Most applications want the `signet` facade, which resolves
//! credentials, endpoints and retries and calls this crate; use it alone to sign requests for
//! any HTTP stack, or in a proxy or test double.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, SigningSettings};
//!
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
//! let time = UNIX_EPOCH + Duration::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
//! let signer = Signer::new(&creds, "us-east-1", "s3", time)?.with_settings(SigningSettings::S3);
//!
//! // Header signing: set every header of `signed.headers()` on the request.
//! let headers = [("host", "examplebucket.s3.amazonaws.com"), ("range", "bytes=0-9")];
//! let signed = signer.sign_headers(&SignableRequest::new("GET", "/test.txt", &headers, Payload::Empty))?;
//! assert!(signed.authorization().ends_with("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
//!
//! // A presigned URL, valid for a day.
//! let host = [("host", "examplebucket.s3.amazonaws.com")];
//! let get = SignableRequest::new("GET", "/test.txt", &host, Payload::Unsigned);
//! let url = signer.presign(&get, Duration::from_secs(86_400))?.apply_to("https://examplebucket.s3.amazonaws.com/test.txt");
//! assert!(url.ends_with("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! When AWS answers `SignatureDoesNotMatch`, [`Signer::explain_headers`] shows the canonical
//! request and string to sign to compare with the ones in AWS's error.
//!
//! # Beyond one request
//!
//! - **Streaming uploads** ([`AwsChunked`], [`ChunkSigner`]): aws-chunked bodies with signed
//!   chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`), a signed or unsigned trailing checksum
//!   (`x-amz-checksum-crc32`/`crc32c`/`sha256`), both lengths computed, encoded from any
//!   `std::io::Read` (or a `Stream`, feature `stream`).
//! - **SigV4a** (`SignerV4a`, feature `sigv4a`): `AWS4-ECDSA-P256-SHA256` with the key
//!   derived from the secret and an `X-Amz-Region-Set`, header and query modes.
//! - **Browser uploads** ([`PostPolicy`]): the S3 POST policy and the form fields to post.
//! - **Event streams** ([`EventStreamSigner`]): each message framed with `:date` and
//!   `:chunk-signature`, chained over the previous signature.
//! - **Verification** ([`Verifier`]): whether a received request's signature (header or
//!   presigned) is valid, and if not, a typed [`Rejection`] saying why.
//! - **The clock** ([`TimeSource`], [`SystemTimeSource`], [`StaticTime`]): the one wall-clock
//!   abstraction of the workspace. The signer takes its time as an argument; the clients and
//!   credential providers above take a `TimeSource` and re-export these three types.
//!
//! # What it guarantees
//!
//! - Canonicalisation as the reference signer (aws-c-auth) does it: path normalisation and
//!   double encoding for most services, neither for S3 ([`SigningSettings::S3`]); query
//!   parameters decoded (percent-only: `+` is a plus) and re-encoded strictly, sorted by key then
//!   value; header names lower-cased, values trimmed with ASCII whitespace runs collapsed,
//!   repeated headers joined with `,` in order; hop-by-hop headers, `user-agent`, `expect` and
//!   `x-amzn-trace-id` never signed ([`DEFAULT_EXCLUDED_HEADERS`], configurable).
//! - The signing key is derived once per secret, day, region and service and cached per
//!   thread; callers can also keep a [`SigningKey`].
//! - Secrets never appear in `Debug`, `Display` or errors; [`Credentials`] wipes its secret on
//!   drop. Bad input is a typed [`Error`], never a panic.
//!
//! # Crate features
//!
//! - `http`: sign an `http::Request` (http 1.x) in place, presign an `http::Uri`, and verify
//!   a received `http::Request` (`Verifier::verify_http`); pulls in the `http` crate.
//! - `sigv4a`: SigV4a signing (`SignerV4a`, `SigV4aKey`); pulls in RustCrypto's pure-Rust
//!   `p256` (ECDSA over P-256; about 30 crates, no procedural macros).
//! - `stream`: the aws-chunked encoder as a `futures_core::Stream`
//!   (`AwsChunked::encode_stream`); pulls in `futures-core`.
#![forbid(unsafe_code)]

mod canonical;
mod checksum;
mod chunked;
#[cfg(feature = "stream")]
mod chunked_stream;
mod clock;
mod credentials;
mod encode;
mod error;
mod event_stream;
#[cfg(feature = "http")]
mod http_adapter;
mod key;
mod post_policy;
mod settings;
mod signer;
#[cfg(feature = "sigv4a")]
mod sigv4a;
mod sink;
mod time;
mod verify;
#[cfg(feature = "http")]
mod verify_http;

pub use crate::checksum::ChecksumAlgorithm;
pub use crate::chunked::{
    AwsChunked, AwsChunkedReader, ChunkSigner, DEFAULT_CHUNK_SIZE, MIN_CHUNK_SIZE,
};
#[cfg(feature = "stream")]
pub use crate::chunked_stream::AwsChunkedStream;
pub use crate::clock::{StaticTime, SystemTimeSource, TimeSource};
pub use crate::credentials::Credentials;
pub use crate::encode::uri_encode;
pub use crate::error::{Error, ErrorKind};
pub use crate::event_stream::{EventStreamSigner, SignedEvent};
#[cfg(feature = "http")]
pub use crate::http_adapter::{presign_http_request, sign_http_request};
pub use crate::key::{Signature, SigningKey};
pub use crate::post_policy::{Condition, PostForm, PostPolicy};
pub use crate::settings::{
    DEFAULT_EXCLUDED_HEADERS, SessionTokenMode, SigningSettings, UriEncoding,
};
pub use crate::signer::{
    ALGORITHM, EMPTY_SHA256, Explanation, HeaderSignature, MAX_PRESIGN_EXPIRY, Payload,
    QuerySignature, SignableRequest, Signer, string_to_sign,
};
#[cfg(feature = "sigv4a")]
pub use crate::sigv4a::{
    ALGORITHM_V4A, EcdsaSignature, SigV4aKey, SigV4aPublicKey, SignerV4a, V4aExplanation,
    V4aHeaderSignature, V4aQuerySignature,
};
pub use crate::time::{AmzDate, format_rfc3339, parse_rfc3339};
pub use crate::verify::{DEFAULT_MAX_SKEW, LookupSecret, Rejection, Verified, Verifier};
