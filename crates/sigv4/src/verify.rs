//! Verifying a received signature, for servers, proxies and test doubles.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind, printable};
use crate::key::Signature;
use crate::settings::{DEFAULT_EXCLUDED_HEADERS, SigningSettings};
use crate::signer::{ALGORITHM, MAX_PRESIGN_EXPIRY, SignableRequest, Signer};
use crate::time::AmzDate;

/// How far a header-signed request's `X-Amz-Date` may be from the verifier's clock, as AWS
/// allows: 15 minutes.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// Finds the credentials of an access key id, for [`Verifier`]. Any
/// `Fn(&str) -> Option<Credentials>` is one.
pub trait LookupSecret {
    /// The credentials (at least the secret) of `access_key_id`, or `None` if it is unknown.
    fn lookup(&self, access_key_id: &str) -> Option<Credentials>;
}

impl<F: Fn(&str) -> Option<Credentials>> LookupSecret for F {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self(access_key_id)
    }
}

/// Why a signature was not accepted: the reason a server puts in its error response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// Neither an `Authorization` header nor `X-Amz-Algorithm` in the query.
    MissingSignature,
    /// The signature, credential, date or expiry cannot be parsed; `what` says which.
    Malformed {
        /// What was wrong, and where.
        what: String,
    },
    /// The algorithm is not one this verifier checks.
    UnsupportedAlgorithm {
        /// The algorithm the request names.
        algorithm: String,
    },
    /// The access key id is not known to the lookup.
    UnknownAccessKey {
        /// The access key id (not a secret).
        access_key_id: String,
    },
    /// The signature does not match the one computed from the request.
    WrongSignature {
        /// The canonical request the verifier computed (session token redacted), to compare
        /// with the client's.
        canonical_request: String,
        /// The string to sign the verifier computed.
        string_to_sign: String,
    },
    /// A presigned URL used after `X-Amz-Date + X-Amz-Expires`.
    Expired {
        /// When it expired.
        expired_at: AmzDate,
    },
    /// The request time is further from the verifier's clock than allowed (header signing),
    /// or in the future (presigning).
    TimeSkewed {
        /// The request's `X-Amz-Date`.
        request_time: AmzDate,
    },
    /// A header listed in `SignedHeaders` is not in the request.
    MissingSignedHeader {
        /// The header's name.
        name: String,
    },
    /// A header that must be signed (`host`, `x-amz-date` in header signing) is not.
    UnsignedHeader {
        /// The header's name.
        name: &'static str,
    },
    /// The credential scope names another date, region or service than this verifier's.
    ScopeMismatch {
        /// `"date"`, `"region"` or `"service"`.
        what: &'static str,
        /// What the verifier expected.
        expected: String,
        /// What the request's scope says.
        found: String,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MissingSignature => f.write_str("the request is not signed"),
            Rejection::Malformed { what } => write!(f, "malformed signature: {what}"),
            Rejection::UnsupportedAlgorithm { algorithm } => {
                write!(f, "unsupported signing algorithm `{algorithm}`")
            }
            Rejection::UnknownAccessKey { access_key_id } => {
                write!(f, "unknown access key id `{access_key_id}`")
            }
            Rejection::WrongSignature { .. } => f.write_str(
                "the signature does not match the one computed from the request and the secret",
            ),
            Rejection::Expired { expired_at } => {
                write!(f, "the presigned URL expired at {expired_at}")
            }
            Rejection::TimeSkewed { request_time } => {
                write!(f, "the request time {request_time} is too far from the server's clock")
            }
            Rejection::MissingSignedHeader { name } => {
                write!(f, "signed header `{name}` is not in the request")
            }
            Rejection::UnsignedHeader { name } => write!(f, "header `{name}` must be signed"),
            Rejection::ScopeMismatch { what, expected, found } => {
                write!(f, "the credential scope's {what} is `{found}`, expected `{expected}`")
            }
        }
    }
}

/// What a verified request was signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The access key id that signed it.
    pub access_key_id: String,
    /// The signing time.
    pub date: AmzDate,
    /// The signed header names, `;`-separated.
    pub signed_headers: String,
    /// For a presigned URL, when it expires.
    pub expires_at: Option<SystemTime>,
}

/// Checks received signatures (header-signed or presigned) for one region and service.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, Verifier};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let host = [("host", "example.amazonaws.com")];
/// let url = Signer::new(&creds, "us-east-1", "service", time)?
///     .presign(&SignableRequest::new("GET", "/", &host, Payload::Empty), Duration::from_secs(60))?
///     .apply_to("/");
///
/// // The server side: a lookup from access key id to credentials, and its own clock.
/// let verifier = Verifier::new(
///     |akid: &str| (akid == "AKIDEXAMPLE").then(|| creds.clone()),
///     "us-east-1",
///     "service",
/// );
/// let received = SignableRequest::new("GET", &url, &host, Payload::Empty);
/// let ok = verifier.verify(&received, time + Duration::from_secs(30))?;
/// assert_eq!(ok.access_key_id, "AKIDEXAMPLE");
/// let late = verifier.verify(&received, time + Duration::from_secs(61)).unwrap_err();
/// assert!(late.rejection().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Verifier<'a, L> {
    lookup: L,
    region: &'a str,
    service: &'a str,
    settings: Cow<'a, SigningSettings>,
    max_skew: Duration,
}

impl<'a, L: LookupSecret> Verifier<'a, L> {
    /// A verifier for requests to `region` and `service`, finding secrets with `lookup`.
    pub fn new(lookup: L, region: &'a str, service: &'a str) -> Self {
        Self {
            lookup,
            region,
            service,
            settings: Cow::Owned(SigningSettings::DEFAULT),
            max_skew: DEFAULT_MAX_SKEW,
        }
    }

    /// The service's canonicalisation settings (for S3, [`SigningSettings::S3`]). Which headers
    /// are signed is read from the request, and `x-amz-content-sha256` is taken as sent.
    pub fn with_settings(mut self, settings: impl Into<Cow<'a, SigningSettings>>) -> Self {
        self.settings = settings.into();
        self
    }

    /// Allows request times this far from `now` instead of 15 minutes.
    pub fn with_max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// Verifies `request` (as received: the target with its query, every header, and the
    /// payload as the server knows it; for S3 pass `Payload::Precomputed` with the
    /// `x-amz-content-sha256` value) at the server's time `now`.
    ///
    /// A rejection is an [`Error`] whose [`Error::rejection`] says why.
    pub fn verify(
        &self,
        request: &SignableRequest<'_>,
        now: SystemTime,
    ) -> Result<Verified, Error> {
        let auth = header(request, "authorization");
        let parsed = match auth {
            Some(auth) => parse_authorization(auth)?,
            None => parse_query(request.query)?,
        };
        let v4a = parsed.algorithm == "AWS4-ECDSA-P256-SHA256";
        if parsed.algorithm != ALGORITHM && !(v4a && cfg!(feature = "sigv4a")) {
            return Err(reject(Rejection::UnsupportedAlgorithm {
                algorithm: printable(&parsed.algorithm),
            }));
        }
        let [akid, date, region, service] = parsed.scope(v4a)?;
        let date_text = match auth {
            Some(_) => header(request, "x-amz-date")
                .ok_or_else(|| reject(Rejection::UnsignedHeader { name: "x-amz-date" }))?,
            None => parsed.date.as_deref().unwrap_or_default(),
        };
        let time = AmzDate::parse(date_text.trim())
            .map_err(|_| malformed(format!("`{}` is not an X-Amz-Date", printable(date_text))))?;
        // SigV4a: the region is the region set, from its header or parameter.
        let region = match (v4a, auth) {
            (false, _) => region,
            (true, Some(_)) => header(request, "x-amz-region-set")
                .ok_or_else(|| reject(Rejection::UnsignedHeader { name: "x-amz-region-set" }))?,
            (true, None) => parsed
                .region_set
                .as_deref()
                .ok_or_else(|| malformed("the query has no X-Amz-Region-Set".into()))?,
        };
        let region_ok = if v4a {
            region.split(',').any(|r| region_matches(r.trim(), self.region))
        } else {
            region == self.region
        };
        for (what, ok, expected, found) in [
            ("date", time.date() == date, time.date(), date),
            ("region", region_ok, self.region, region),
            ("service", self.service == service, self.service, service),
        ] {
            if !ok {
                return Err(reject(Rejection::ScopeMismatch {
                    what,
                    expected: expected.to_owned(),
                    found: printable(found),
                }));
            }
        }
        let expires_at = self.check_time(time, parsed.expires.as_deref(), now)?;

        let names: Vec<&str> = parsed.signed_headers.split(';').collect();
        if !names.contains(&"host") {
            return Err(reject(Rejection::UnsignedHeader { name: "host" }));
        }
        if auth.is_some() && !names.contains(&"x-amz-date") {
            return Err(reject(Rejection::UnsignedHeader { name: "x-amz-date" }));
        }
        for name in &names {
            if header(request, name).is_none() {
                return Err(reject(Rejection::MissingSignedHeader { name: printable(name) }));
            }
        }
        let found = self.lookup.lookup(akid).ok_or_else(|| {
            reject(Rejection::UnknownAccessKey { access_key_id: printable(akid) })
        })?;

        // Sign what was signed: exactly the listed headers, with the request's own token.
        let mut creds = Credentials::new(akid, found.secret_access_key());
        let token = match auth {
            Some(_) if names.contains(&"x-amz-security-token") => {
                header(request, "x-amz-security-token")
            }
            Some(_) => None,
            None => parsed.token.as_deref(),
        };
        if let Some(token) = token {
            creds = creds.with_session_token(token);
        }
        // The caller's canonicalisation, but none of its header choices: the request's
        // SignedHeaders list says what was signed.
        let mut settings = SigningSettings::DEFAULT;
        settings.uri_encoding = self.settings.uri_encoding;
        settings.normalize_path = self.settings.normalize_path;
        settings.session_token = self.settings.session_token;
        for name in &names {
            if DEFAULT_EXCLUDED_HEADERS.contains(name) {
                settings.sign_header(name.to_string());
            }
        }
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .filter(|(n, _)| names.iter().any(|s| n.eq_ignore_ascii_case(s)))
            .copied()
            .collect();
        let signed = SignableRequest { headers: &headers, ..*request };
        let expires =
            expires_at.map(|_| parsed.expires_secs()).transpose()?.map(Duration::from_secs);
        let at = time.to_system_time();
        if v4a {
            #[cfg(feature = "sigv4a")]
            verify_v4a(&creds, region, self.service, at, &settings, &signed, expires, &parsed)?;
        } else {
            let received = Signature::from_hex(&parsed.signature)
                .ok_or_else(|| malformed("the signature is not 64 hex digits".into()))?;
            let signer =
                Signer::new(&creds, self.region, self.service, at)?.with_settings(&settings);
            let (computed, computed_names) = match expires {
                None => {
                    let s = signer.sign_headers(&signed)?;
                    let names = s
                        .authorization()
                        .split("SignedHeaders=")
                        .nth(1)
                        .and_then(|r| r.split(',').next());
                    (s.signature(), names.map(str::to_owned))
                }
                Some(expires) => (signer.presign(&signed, expires)?.signature(), None),
            };
            let names_agree = computed_names.is_none_or(|n| n == parsed.signed_headers);
            if !names_agree || !constant_time_eq(computed.as_bytes(), received.as_bytes()) {
                let ex = match expires {
                    None => signer.explain_headers(&signed)?,
                    Some(expires) => signer.explain_presign(&signed, expires)?,
                };
                return Err(reject(Rejection::WrongSignature {
                    canonical_request: ex.redacted(ex.canonical_request()),
                    string_to_sign: ex.string_to_sign().to_owned(),
                }));
            }
        }
        Ok(Verified {
            access_key_id: akid.to_owned(),
            date: time,
            signed_headers: parsed.signed_headers.clone(),
            expires_at,
        })
    }

    /// Header signing: the time within the allowed skew. Presigning: not in the future (beyond
    /// the skew) and not expired. Returns the expiry of a presigned URL.
    fn check_time(
        &self,
        time: AmzDate,
        expires: Option<&str>,
        now: SystemTime,
    ) -> Result<Option<SystemTime>, Error> {
        let at = time.to_system_time();
        let skewed = || reject(Rejection::TimeSkewed { request_time: time });
        let ahead = at.duration_since(now).unwrap_or_default();
        if ahead > self.max_skew {
            return Err(skewed());
        }
        let Some(expires) = expires else {
            let behind = now.duration_since(at).unwrap_or_default();
            return if behind > self.max_skew { Err(skewed()) } else { Ok(None) };
        };
        let secs: u64 = expires
            .parse()
            .ok()
            .filter(|s| (1..=MAX_PRESIGN_EXPIRY.as_secs()).contains(s))
            .ok_or_else(|| {
                malformed("X-Amz-Expires is not a number of seconds in 1..=604800".into())
            })?;
        let end = at + Duration::from_secs(secs);
        if now > end {
            let expired_at = AmzDate::new(end)?;
            return Err(reject(Rejection::Expired { expired_at }));
        }
        Ok(Some(end))
    }
}

impl<L> fmt::Debug for Verifier<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("max_skew", &self.max_skew)
            .finish_non_exhaustive()
    }
}

/// The signature fields of a request, from its `Authorization` header or its query.
struct Parsed {
    algorithm: String,
    credential: String,
    signed_headers: String,
    signature: String,
    date: Option<String>,
    expires: Option<String>,
    token: Option<String>,
    region_set: Option<String>,
}

impl Parsed {
    /// `AKID/date/region/service/aws4_request` (SigV4a: no region; `""` is returned for it).
    fn scope(&self, v4a: bool) -> Result<[&str; 4], Error> {
        let bad = || {
            malformed(if v4a {
                "the credential is not AKID/date/service/aws4_request".into()
            } else {
                "the credential is not AKID/date/region/service/aws4_request".into()
            })
        };
        let rest = self.credential.strip_suffix("/aws4_request").ok_or_else(bad)?;
        let mut parts = rest.rsplitn(if v4a { 3 } else { 4 }, '/');
        let mut next = || parts.next().filter(|p| !p.is_empty()).ok_or_else(bad);
        let service = next()?;
        let region = if v4a { "" } else { next()? };
        let date = next()?;
        let akid = next()?;
        Ok([akid, date, region, service])
    }

    fn expires_secs(&self) -> Result<u64, Error> {
        self.expires
            .as_deref()
            .and_then(|e| e.parse().ok())
            .ok_or_else(|| malformed("X-Amz-Expires is missing".into()))
    }
}

fn parse_authorization(value: &str) -> Result<Parsed, Error> {
    let value = value.trim();
    let (algorithm, rest) = value
        .split_once(' ')
        .ok_or_else(|| malformed("the Authorization header has no fields".into()))?;
    let mut fields = [None, None, None];
    for part in rest.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else { continue };
        let slot = match k {
            "Credential" => 0,
            "SignedHeaders" => 1,
            "Signature" => 2,
            _ => continue,
        };
        fields[slot] = Some(v.to_owned());
    }
    let [Some(credential), Some(signed_headers), Some(signature)] = fields else {
        return Err(malformed(
            "the Authorization header lacks Credential, SignedHeaders or Signature".into(),
        ));
    };
    Ok(Parsed {
        algorithm: algorithm.to_owned(),
        credential,
        signed_headers,
        signature,
        date: None,
        expires: None,
        token: None,
        region_set: None,
    })
}

fn parse_query(query: &str) -> Result<Parsed, Error> {
    let mut found: [Option<String>; 8] = Default::default();
    const NAMES: [&str; 8] = [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-Security-Token",
        "X-Amz-Region-Set",
    ];
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if let Some(i) = NAMES.iter().position(|n| *n == k) {
            found[i] = Some(percent_decode(v)?);
        }
    }
    let [algorithm, credential, signed_headers, signature, date, expires, token, region_set] =
        found;
    let Some(algorithm) = algorithm else {
        return Err(reject(Rejection::MissingSignature));
    };
    let missing = |name: &str| malformed(format!("the query has no {name}"));
    Ok(Parsed {
        algorithm,
        credential: credential.ok_or_else(|| missing("X-Amz-Credential"))?,
        signed_headers: signed_headers.ok_or_else(|| missing("X-Amz-SignedHeaders"))?,
        signature: signature.ok_or_else(|| missing("X-Amz-Signature"))?,
        date: Some(date.ok_or_else(|| missing("X-Amz-Date"))?),
        expires: Some(expires.ok_or_else(|| missing("X-Amz-Expires"))?),
        token,
        region_set,
    })
}

fn percent_decode(v: &str) -> Result<String, Error> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = v.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| malformed("a signature parameter is not UTF-8".into()))
}

/// Whether a region-set entry (`us-east-1`, `us-*`, `*`) covers `region`.
fn region_matches(pattern: &str, region: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => region.starts_with(prefix),
        None => pattern == region,
    }
}

/// SigV4a: recompute the string to sign and check the ECDSA signature with the public key
/// derived from the secret.
#[cfg(feature = "sigv4a")]
#[allow(clippy::too_many_arguments)]
fn verify_v4a(
    creds: &Credentials,
    region_set: &str,
    service: &str,
    at: SystemTime,
    settings: &SigningSettings,
    signed: &SignableRequest<'_>,
    expires: Option<Duration>,
    parsed: &Parsed,
) -> Result<(), Error> {
    use crate::sigv4a::{EcdsaSignature, SigV4aKey, SignerV4a};
    let received = EcdsaSignature::from_hex(&parsed.signature)
        .ok_or_else(|| malformed("the signature is not hex".into()))?;
    let key = SigV4aKey::derive(creds.access_key_id(), creds.secret_access_key())?;
    let signer =
        SignerV4a::new(creds, region_set, service, at)?.with_settings(settings).with_key(&key);
    let ex = match expires {
        None => signer.explain_headers(signed)?,
        Some(expires) => signer.explain_presign(signed, expires)?,
    };
    let names_agree = expires.is_some() || ex.signed_headers() == parsed.signed_headers;
    if !names_agree || !key.public_key().verify(ex.string_to_sign().as_bytes(), received.as_der()) {
        let mut creq = ex.canonical_request().to_owned();
        if let Some(token) = creds.session_token().filter(|t| !t.is_empty()) {
            let mut encoded = Vec::new();
            crate::encode::write_encoded(&mut encoded, token.as_bytes(), false);
            creq = creq
                .replace(token, crate::credentials::REDACTED)
                .replace(&*String::from_utf8_lossy(&encoded), crate::credentials::REDACTED);
        }
        return Err(reject(Rejection::WrongSignature {
            canonical_request: creq,
            string_to_sign: ex.string_to_sign().to_owned(),
        }));
    }
    Ok(())
}

fn header<'r>(request: &SignableRequest<'r>, name: &str) -> Option<&'r str> {
    request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
}

/// Compares two signatures in time independent of where they differ.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn reject(rejection: Rejection) -> Error {
    Error::new(ErrorKind::Rejected(rejection))
}

fn malformed(what: String) -> Error {
    reject(Rejection::Malformed { what })
}
