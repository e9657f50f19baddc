//! Header signing, presigning and explain output.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use hmac::Mac;

use crate::canonical::{Added, Canonical, check_method, token_signed, write_canonical_uri};
use crate::credentials::{Credentials, REDACTED};
use crate::encode::{hex32, write_encoded};
use crate::error::{Error, ErrorKind};
use crate::key::{Signature, SigningKey, cached_key, cached_mac};
use crate::settings::SigningSettings;
use crate::sink::{Buffers, Sink, sha256};
use crate::time::AmzDate;

/// The SigV4 algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The hex SHA-256 of an empty payload.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The longest lifetime of a presigned URL: 7 days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(604_800);

/// The request body as the signature sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// No body: the hash of the empty string.
    Empty,
    /// The body itself; the signer hashes it.
    Bytes(&'a [u8]),
    /// The hex SHA-256 of the body, computed by the caller (or any literal AWS accepts as
    /// `x-amz-content-sha256`).
    Precomputed(&'a str),
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature (S3 presigned URLs).
    Unsigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: aws-chunked, each chunk signed.
    StreamingSigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and a signed trailer.
    StreamingSignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks with a trailing checksum.
    StreamingUnsignedTrailer,
}

/// A payload hash: 64 hex digits or one of the literal payload markers.
#[derive(Clone, Copy)]
pub(crate) enum PayloadHash<'a> {
    Hex([u8; 64]),
    Text(&'a str),
}

impl PayloadHash<'_> {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            PayloadHash::Hex(h) => h,
            PayloadHash::Text(t) => t.as_bytes(),
        }
    }
}

impl<'a> Payload<'a> {
    pub(crate) fn hash(self) -> PayloadHash<'a> {
        match self {
            Payload::Empty => PayloadHash::Text(EMPTY_SHA256),
            Payload::Bytes([]) => PayloadHash::Text(EMPTY_SHA256),
            Payload::Bytes(b) => PayloadHash::Hex(hex32(&sha256(b))),
            Payload::Precomputed(h) => PayloadHash::Text(h),
            Payload::Unsigned => PayloadHash::Text("UNSIGNED-PAYLOAD"),
            Payload::StreamingSigned => PayloadHash::Text("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            Payload::StreamingSignedTrailer => {
                PayloadHash::Text("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
            }
            Payload::StreamingUnsignedTrailer => {
                PayloadHash::Text("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
            }
        }
    }
}

/// A request described plainly, as it will be sent.
///
/// The path and query are taken exactly as they go on the wire (already percent-encoded);
/// nothing is parsed into a URL type, so any byte the wire carries can be signed. Headers are
/// `(name, value)` pairs in any case, repeated names allowed, and must include `host`.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) payload: Payload<'a>,
}

impl<'a> SignableRequest<'a> {
    /// A request: method, the request target as sent (`/path?query`), headers and payload.
    pub fn new(
        method: &'a str,
        path_and_query: &'a str,
        headers: &'a [(&'a str, &'a str)],
        payload: Payload<'a>,
    ) -> Self {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        Self { method, path, query, headers, payload }
    }
}

/// Signs requests for one set of credentials, region, service and time.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{Credentials, Payload, SignableRequest, Signer};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
/// let signer = Signer::new(&creds, "us-east-1", "service", time)?;
/// let headers = [("Host", "example.amazonaws.com")];
/// let request = SignableRequest::new("GET", "/", &headers, Payload::Empty);
/// let signed = signer.sign_headers(&request)?;
/// assert_eq!(
///     signed.authorization(),
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
///      SignedHeaders=host;x-amz-date, \
///      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer<'a> {
    pub(crate) credentials: &'a Credentials,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    pub(crate) date: AmzDate,
    pub(crate) settings: Cow<'a, SigningSettings>,
    key: Option<&'a SigningKey>,
}

static DEFAULT_SETTINGS: SigningSettings = SigningSettings::DEFAULT;

enum Mode {
    Header,
    Query { expires: u64 },
}

impl<'a> Signer<'a> {
    /// A signer for `region` and `service` (the signing name, e.g. `s3`, `sts`,
    /// `execute-api`) at `time`. Sub-seconds are dropped.
    pub fn new(
        credentials: &'a Credentials,
        region: &'a str,
        service: &'a str,
        time: SystemTime,
    ) -> Result<Self, Error> {
        check_scope_part(region, "region")?;
        check_scope_part(service, "service")?;
        Ok(Self {
            credentials,
            region,
            service,
            date: AmzDate::new(time)?,
            settings: Cow::Borrowed(&DEFAULT_SETTINGS),
            key: None,
        })
    }

    /// Uses these settings instead of [`SigningSettings::DEFAULT`]: a reference, or a value
    /// such as `SigningSettings::S3`.
    pub fn with_settings(mut self, settings: impl Into<Cow<'a, SigningSettings>>) -> Self {
        self.settings = settings.into();
        self
    }

    /// Uses a signing key the caller derived and kept (see [`Signer::signing_key`]) instead
    /// of the per-thread cache. It must match the credentials, day, region and service.
    pub fn with_signing_key(mut self, key: &'a SigningKey) -> Self {
        self.key = Some(key);
        self
    }

    /// The signing time as written in `X-Amz-Date`.
    pub fn date(&self) -> AmzDate {
        self.date
    }

    /// The credential scope: `20150830/us-east-1/service/aws4_request`.
    pub fn scope(&self) -> String {
        format!("{}/{}/{}/aws4_request", self.date.date(), self.region, self.service)
    }

    /// The signing key for this signer's secret, day, region and service.
    pub fn signing_key(&self) -> SigningKey {
        match self.key {
            Some(k) => k.clone(),
            None => cached_key(
                self.credentials.secret_access_key(),
                self.date.date(),
                self.region,
                self.service,
            ),
        }
    }

    /// Signs for the `Authorization` header. The result lists every header to set on the
    /// request ([`HeaderSignature::headers`]), replacing any the request already has.
    pub fn sign_headers(
        &self,
        request: &SignableRequest<'_>,
    ) -> Result<HeaderSignature<'a>, Error> {
        let payload = request.payload.hash();
        let akid = self.credentials.access_key_id();
        let mut auth = Vec::with_capacity(
            ALGORITHM.len()
                + 120
                + akid.len()
                + self.region.len()
                + self.service.len()
                + request.headers.len() * 24,
        );
        auth.extend_from_slice(ALGORITHM.as_bytes());
        auth.extend_from_slice(b" Credential=");
        auth.extend_from_slice(akid.as_bytes());
        auth.push(b'/');
        self.push_scope(&mut auth);
        auth.extend_from_slice(b", SignedHeaders=");
        let (signature, _) =
            self.run(request, &payload, Mode::Header, None, None, (&mut auth, b";"))?;
        auth.extend_from_slice(b", Signature=");
        auth.extend_from_slice(&signature.to_hex());
        // Every piece is ASCII: the algorithm, scope parts and names were validated.
        let auth = String::from_utf8(auth).map_err(|_| {
            Error::new(ErrorKind::InvalidRequest("the access key id is not UTF-8".into()))
        })?;
        Ok(HeaderSignature {
            authorization: auth,
            date: self.date,
            security_token: self.credentials.session_token(),
            content_sha256: self.settings.content_sha256_header.then_some(payload_owned(&payload)),
            signature,
        })
    }

    /// Presigns: the signature goes into the query, valid for `expires_in` (1 s to 7 days).
    pub fn presign(
        &self,
        request: &SignableRequest<'_>,
        expires_in: Duration,
    ) -> Result<QuerySignature, Error> {
        let expires = check_expiry(expires_in)?;
        let payload = request.payload.hash();
        let token_len = self.credentials.session_token().map_or(0, str::len);
        let mut params = Vec::with_capacity(300 + token_len * 3 + request.headers.len() * 24);
        self.write_auth_prefix(&mut params, expires);
        let mode = Mode::Query { expires };
        let (signature, _) =
            self.run(request, &payload, mode, None, None, (&mut params, b"%3B"))?;
        params.extend_from_slice(b"&X-Amz-Signature=");
        params.extend_from_slice(&signature.to_hex());
        Ok(QuerySignature { params: String::from_utf8(params).unwrap_or_default(), signature })
    }

    /// Header signing with its working shown: canonical request, string to sign, signed
    /// headers and signature, to compare with what AWS reports in `SignatureDoesNotMatch`.
    pub fn explain_headers(&self, request: &SignableRequest<'_>) -> Result<Explanation, Error> {
        self.explain(request, Mode::Header)
    }

    /// Presigning with its working shown (see [`Signer::explain_headers`]).
    pub fn explain_presign(
        &self,
        request: &SignableRequest<'_>,
        expires_in: Duration,
    ) -> Result<Explanation, Error> {
        self.explain(request, Mode::Query { expires: check_expiry(expires_in)? })
    }

    fn explain(&self, request: &SignableRequest<'_>, mode: Mode) -> Result<Explanation, Error> {
        let payload = request.payload.hash();
        let mut text_out = Vec::new();
        let mut sts = Vec::new();
        let mut names = Vec::new();
        let (signature, creq_hash) = self.run(
            request,
            &payload,
            mode,
            Some(&mut text_out),
            Some(&mut sts),
            (&mut names, b";"),
        )?;
        let text = |v: Vec<u8>| {
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        };
        Ok(Explanation {
            canonical_request: text(text_out),
            canonical_request_sha256: hex32(&creq_hash),
            string_to_sign: text(sts),
            signed_headers: text(names),
            signature,
            secret: self.credentials.session_token().map(str::to_owned),
        })
    }

    /// Canonicalises into `sink`, then signs the string to sign (kept in `sts` if given).
    /// The signed header names are written to `names.0`, separated by `names.1`. Returns the
    /// signature and the hash of the canonical request.
    fn run<N: Sink>(
        &self,
        request: &SignableRequest<'_>,
        payload: &PayloadHash<'_>,
        mode: Mode,
        creq_out: Option<&mut Vec<u8>>,
        sts: Option<&mut Vec<u8>>,
        names: (&mut N, &[u8]),
    ) -> Result<(Signature, [u8; 32]), Error> {
        check_method(request.method)?;
        let token = self
            .credentials
            .session_token()
            .filter(|_| token_signed(&self.settings))
            .map(str::as_bytes);
        let date = self.date_bytes();
        let mut bufs = Buffers::take();
        let mut creq = std::mem::take(&mut bufs.creq);
        let mut canon = match mode {
            Mode::Header => {
                let added = Added {
                    date: Some(date),
                    token,
                    content_sha256: self.settings.content_sha256_header.then(|| payload.as_bytes()),
                };
                Canonical::new(request.headers, &added, &self.settings, request.query, false, bufs)?
            }
            Mode::Query { expires } => {
                let added = Added { date: None, token: None, content_sha256: None };
                let mut c = Canonical::new(
                    request.headers,
                    &added,
                    &self.settings,
                    request.query,
                    true,
                    bufs,
                )?;
                self.push_auth_params(&mut c, expires, token);
                c
            }
        };
        canon.sort_query();

        let signed =
            write_canonical_request(&mut creq, request, &canon, &self.settings, payload.as_bytes());
        let creq_hash = sha256(&creq);
        if let Some(out) = creq_out {
            out.extend_from_slice(&creq);
        }
        match creq.get(signed) {
            // The `;`-separated list is already a line of the canonical request.
            Some(list) if names.1 == b";" => names.0.write(list),
            _ => canon.write_signed_headers(names.0, names.1),
        }
        let mut bufs = canon.into_buffers();
        bufs.creq = creq;
        bufs.give_back();

        let mut mac = match self.key {
            Some(k) => k.mac(),
            None => cached_mac(
                self.credentials.secret_access_key(),
                self.date.date(),
                self.region,
                self.service,
            ),
        };
        let creq_hex = hex32(&creq_hash);
        let pieces: [&[u8]; 11] = [
            ALGORITHM.as_bytes(),
            b"\n",
            date,
            b"\n",
            self.date.date().as_bytes(),
            b"/",
            self.region.as_bytes(),
            b"/",
            self.service.as_bytes(),
            b"/aws4_request\n",
            &creq_hex,
        ];
        let mut sts = sts;
        for piece in pieces {
            mac.update(piece);
            if let Some(sts) = sts.as_deref_mut() {
                sts.extend_from_slice(piece);
            }
        }
        Ok((Signature(mac.finalize().into_bytes().into()), creq_hash))
    }

    fn date_bytes(&self) -> &[u8] {
        self.date.as_str().as_bytes()
    }

    fn push_scope(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.date.date().as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.region.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.service.as_bytes());
        out.extend_from_slice(b"/aws4_request");
    }

    fn write_credential(&self, out: &mut Vec<u8>) {
        write_encoded(out, self.credentials.access_key_id().as_bytes(), false);
        out.extend_from_slice(b"%2F");
        out.extend_from_slice(self.date.date().as_bytes());
        out.extend_from_slice(b"%2F");
        write_encoded(out, self.region.as_bytes(), false);
        out.extend_from_slice(b"%2F");
        write_encoded(out, self.service.as_bytes(), false);
        out.extend_from_slice(b"%2Faws4_request");
    }

    fn push_auth_params(&self, c: &mut Canonical<'_>, expires: u64, token: Option<&[u8]>) {
        c.push_param(b"X-Amz-Algorithm", |b| b.extend_from_slice(ALGORITHM.as_bytes()));
        c.push_param(b"X-Amz-Credential", |b| self.write_credential(b));
        c.push_param(b"X-Amz-Date", |b| b.extend_from_slice(self.date_bytes()));
        c.push_param(b"X-Amz-Expires", |b| push_u64(b, expires));
        if let Some(token) = token {
            c.push_param(b"X-Amz-Security-Token", |b| write_encoded(b, token, false));
        }
        c.push_signed_headers_param();
    }

    /// The auth query parameters in canonical (alphabetical) order, as the S3 documentation
    /// writes them, up to `X-Amz-SignedHeaders=` (the names and the signature follow). An
    /// excluded session token is still added: after signing.
    fn write_auth_prefix(&self, out: &mut Vec<u8>, expires: u64) {
        out.extend_from_slice(b"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
        self.write_credential(out);
        out.extend_from_slice(b"&X-Amz-Date=");
        out.extend_from_slice(self.date_bytes());
        out.extend_from_slice(b"&X-Amz-Expires=");
        push_u64(out, expires);
        if let Some(t) = self.credentials.session_token() {
            out.extend_from_slice(b"&X-Amz-Security-Token=");
            write_encoded(out, t.as_bytes(), false);
        }
        out.extend_from_slice(b"&X-Amz-SignedHeaders=");
    }
}

impl fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("date", &self.date)
            .field("settings", &self.settings)
            .finish()
    }
}

/// Writes the canonical request from collected and sorted headers and query, and returns
/// where its signed-headers line is.
#[inline]
pub(crate) fn write_canonical_request(
    sink: &mut Vec<u8>,
    request: &SignableRequest<'_>,
    canon: &Canonical<'_>,
    settings: &SigningSettings,
    payload: &[u8],
) -> std::ops::Range<usize> {
    sink.write(request.method.as_bytes());
    sink.write(b"\n");
    write_canonical_uri(sink, request.path, settings);
    sink.write(b"\n");
    canon.write_query(sink);
    sink.write(b"\n");
    canon.write_canonical_headers(sink);
    sink.write(b"\n");
    let start = sink.len();
    canon.write_signed_headers(sink, b";");
    let end = sink.len();
    sink.write(b"\n");
    sink.write(payload);
    start..end
}

fn payload_owned(p: &PayloadHash<'_>) -> ContentSha256 {
    let mut buf = [0u8; 64];
    let bytes = p.as_bytes();
    let len = bytes.len().min(64);
    buf[..len].copy_from_slice(&bytes[..len]);
    if bytes.len() > 64 {
        return ContentSha256::Long(String::from_utf8_lossy(bytes).into_owned());
    }
    ContentSha256::Inline(buf, len as u8)
}

#[derive(Clone)]
enum ContentSha256 {
    Inline([u8; 64], u8),
    Long(String),
}

impl ContentSha256 {
    fn as_str(&self) -> &str {
        match self {
            ContentSha256::Inline(b, n) => {
                std::str::from_utf8(&b[..usize::from(*n)]).unwrap_or_default()
            }
            ContentSha256::Long(s) => s,
        }
    }
}

pub(crate) fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

pub(crate) fn check_expiry(expires_in: Duration) -> Result<u64, Error> {
    let secs = expires_in.as_secs();
    if secs == 0 || expires_in > MAX_PRESIGN_EXPIRY {
        return Err(Error::new(ErrorKind::ExpiresOutOfRange { seconds: secs }));
    }
    Ok(secs)
}

pub(crate) fn check_scope_part(value: &str, what: &'static str) -> Result<(), Error> {
    if value.is_empty() || value.bytes().any(|b| b == b'/' || b <= b' ' || b == 0x7f) {
        return Err(Error::new(ErrorKind::InvalidScope { what }));
    }
    Ok(())
}

/// The result of [`Signer::sign_headers`]: the headers to set on the request.
#[derive(Clone)]
pub struct HeaderSignature<'a> {
    authorization: String,
    date: AmzDate,
    security_token: Option<&'a str>,
    content_sha256: Option<ContentSha256>,
    signature: Signature,
}

impl<'a> HeaderSignature<'a> {
    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The `X-Amz-Date` header value.
    pub fn date(&self) -> AmzDate {
        self.date
    }

    /// The signature alone.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// Every header to set (replacing the request's own), lower-case names:
    /// `authorization`, `x-amz-date`, then `x-amz-security-token` and
    /// `x-amz-content-sha256` where they apply.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        [
            Some(("authorization", self.authorization.as_str())),
            Some(("x-amz-date", self.date.as_str())),
            self.security_token.map(|t| ("x-amz-security-token", t)),
            self.content_sha256.as_ref().map(|c| ("x-amz-content-sha256", c.as_str())),
        ]
        .into_iter()
        .flatten()
    }
}

impl fmt::Debug for HeaderSignature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderSignature")
            .field("authorization", &self.authorization)
            .field("date", &self.date)
            .field("security_token", &self.security_token.map(|_| REDACTED))
            .field("content_sha256", &self.content_sha256.as_ref().map(ContentSha256::as_str))
            .finish()
    }
}

/// The result of [`Signer::presign`]: query parameters to append to the URL.
#[derive(Clone)]
pub struct QuerySignature {
    params: String,
    signature: Signature,
}

impl QuerySignature {
    /// `X-Amz-Algorithm=...&X-Amz-Credential=...&...&X-Amz-Signature=...`, encoded.
    pub fn query_params(&self) -> &str {
        &self.params
    }

    /// The signature alone.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// The request target (or whole URL) with the parameters appended. Auth parameters the
    /// target already had (from an earlier presign) are dropped, as they were not signed.
    pub fn apply_to(&self, url: &str) -> String {
        append_params(url, &self.params)
    }
}

/// `url` with its auth parameters (from an earlier presign) dropped and `params` appended.
pub(crate) fn append_params(url: &str, params: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut out = String::with_capacity(url.len() + params.len() + 1);
    out.push_str(base);
    out.push('?');
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        if is_auth_param(key) {
            continue;
        }
        out.push_str(pair);
        out.push('&');
    }
    out.push_str(params);
    out
}

fn is_auth_param(key: &str) -> bool {
    key.starts_with("X-Amz-")
        && matches!(
            &key[6..],
            "Algorithm"
                | "Credential"
                | "Date"
                | "Expires"
                | "SignedHeaders"
                | "Security-Token"
                | "Signature"
                | "Region-Set"
        )
}

impl fmt::Debug for QuerySignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The parameters may carry the session token.
        f.debug_struct("QuerySignature").field("signature", &self.signature).finish_non_exhaustive()
    }
}

/// The working of a signature: what AWS computes on its side and reports in a
/// `SignatureDoesNotMatch` error.
///
/// The accessors return the exact text. `Display` and `Debug` show it with the session token
/// replaced by `** redacted **`, so an explanation can be logged.
#[derive(Clone)]
pub struct Explanation {
    canonical_request: String,
    canonical_request_sha256: [u8; 64],
    string_to_sign: String,
    signed_headers: String,
    signature: Signature,
    secret: Option<String>,
}

impl Explanation {
    /// The canonical request, exactly (it includes the session token if one is signed).
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The hex SHA-256 of the canonical request (the last line of the string to sign).
    pub fn canonical_request_sha256(&self) -> &str {
        std::str::from_utf8(&self.canonical_request_sha256).unwrap_or_default()
    }

    /// The string to sign, exactly.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signed header names, `;`-separated.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The signature.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    pub(crate) fn redacted(&self, text: &str) -> String {
        match &self.secret {
            Some(token) if !token.is_empty() => {
                let mut encoded = Vec::new();
                write_encoded(&mut encoded, token.as_bytes(), false);
                let encoded = String::from_utf8(encoded).unwrap_or_default();
                text.replace(token.as_str(), REDACTED).replace(&encoded, REDACTED)
            }
            _ => text.to_owned(),
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Canonical request:\n{}\n", self.redacted(&self.canonical_request))?;
        writeln!(f, "String to sign:\n{}\n", self.string_to_sign)?;
        writeln!(f, "Signed headers: {}", self.signed_headers)?;
        write!(f, "Signature: {}", self.signature)
    }
}

impl fmt::Debug for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explanation")
            .field("canonical_request", &self.redacted(&self.canonical_request))
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .finish()
    }
}

/// Builds a string to sign from a canonical request, for checking a canonical request that
/// AWS reported (or one from a test suite) without a request.
pub fn string_to_sign(
    date: AmzDate,
    region: &str,
    service: &str,
    canonical_request: &[u8],
) -> String {
    let hash = hex32(&sha256(canonical_request));
    format!(
        "{ALGORITHM}\n{date}\n{}/{region}/{service}/aws4_request\n{}",
        date.date(),
        std::str::from_utf8(&hash).unwrap_or_default()
    )
}
