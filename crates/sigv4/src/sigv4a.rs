//! SigV4a (`AWS4-ECDSA-P256-SHA256`): the P-256 key derived from the secret, the region-set
//! scope, and header and query signing (feature `sigv4a`).

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use hmac::{KeyInit, Mac};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use zeroize::Zeroize;

use crate::canonical::{Added, Canonical, check_method, token_signed};
use crate::credentials::{Credentials, REDACTED};
use crate::encode::{hex32, write_encoded};
use crate::error::{Error, ErrorKind};
use crate::key::HmacSha256;
use crate::settings::SigningSettings;
use crate::signer::{
    PayloadHash, SignableRequest, Signer, append_params, check_expiry, push_u64,
    write_canonical_request,
};
use crate::sink::{Buffers, sha256};
use crate::time::AmzDate;

/// The SigV4a algorithm name.
pub const ALGORITHM_V4A: &str = "AWS4-ECDSA-P256-SHA256";

/// The order of P-256 minus two, big-endian: the largest HMAC output the key derivation keeps.
const N_MINUS_TWO: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x4f,
];

/// A SigV4a private key: the P-256 scalar derived from an access key id and its secret.
///
/// Deriving it costs a few HMACs; computing its public key costs a scalar multiplication.
/// Keep it for as long as the credentials last (it does not depend on the day, region or
/// service). Never printed.
///
/// ```
/// use signet_sigv4::SigV4aKey;
///
/// let key = SigV4aKey::derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let public = key.public_key();
/// assert_eq!(public.x_hex(), "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1");
/// let sig = key.sign(b"a string to sign");
/// assert!(public.verify(b"a string to sign", sig.as_der()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SigV4aKey {
    key: p256::ecdsa::SigningKey,
}

impl SigV4aKey {
    /// Derives the key: HMAC-SHA256 in counter mode (NIST SP 800-108) keyed with
    /// `"AWS4A" + secret`, retried with the next counter until the output is below the
    /// curve order minus one, plus one.
    pub fn derive(access_key_id: &str, secret_access_key: &str) -> Result<Self, Error> {
        let mut seed = Vec::with_capacity(5 + secret_access_key.len());
        seed.extend_from_slice(b"AWS4A");
        seed.extend_from_slice(secret_access_key.as_bytes());
        let keyed = <HmacSha256 as KeyInit>::new_from_slice(&seed)
            .map_err(|_| Error::new(ErrorKind::InvalidRequest("unusable secret".into())))?;
        seed.zeroize();
        for counter in 1u8..=254 {
            let mut mac = keyed.clone();
            for piece in [
                &1u32.to_be_bytes()[..],
                ALGORITHM_V4A.as_bytes(),
                &[0],
                access_key_id.as_bytes(),
                &[counter],
                &256u32.to_be_bytes(),
            ] {
                mac.update(piece);
            }
            let mut k0: [u8; 32] = mac.finalize().into_bytes().into();
            if k0 <= N_MINUS_TWO {
                // k0 + 1, big-endian; no carry out of the top byte since k0 < n - 1.
                for b in k0.iter_mut().rev() {
                    let (v, carry) = b.overflowing_add(1);
                    *b = v;
                    if !carry {
                        break;
                    }
                }
                let key = p256::ecdsa::SigningKey::from_slice(&k0);
                k0.zeroize();
                return key.map(|key| Self { key }).map_err(|_| {
                    Error::new(ErrorKind::InvalidRequest("SigV4a key derivation failed".into()))
                });
            }
            k0.zeroize();
        }
        Err(Error::new(ErrorKind::InvalidRequest(
            "SigV4a key derivation found no key in 254 tries".into(),
        )))
    }

    /// The public key, which a verifier checks signatures with.
    pub fn public_key(&self) -> SigV4aPublicKey {
        SigV4aPublicKey { key: *self.key.verifying_key() }
    }

    /// Signs a string to sign: ECDSA P-256 over its SHA-256, with a deterministic nonce
    /// (RFC 6979), DER-encoded.
    pub fn sign(&self, string_to_sign: &[u8]) -> EcdsaSignature {
        let sig: p256::ecdsa::DerSignature = self.key.sign(string_to_sign);
        EcdsaSignature { der: sig.as_bytes().to_vec() }
    }
}

impl fmt::Debug for SigV4aKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A SigV4a public key (a P-256 point).
#[derive(Clone, PartialEq, Eq)]
pub struct SigV4aPublicKey {
    key: p256::ecdsa::VerifyingKey,
}

impl SigV4aPublicKey {
    /// The key from its affine coordinates, big-endian (as `public-key.json` writes them).
    pub fn from_coordinates(x: &[u8; 32], y: &[u8; 32]) -> Option<Self> {
        let mut sec1 = [0u8; 65];
        sec1[0] = 4;
        sec1[1..33].copy_from_slice(x);
        sec1[33..].copy_from_slice(y);
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).ok().map(|key| Self { key })
    }

    fn coordinate(&self, which: usize) -> [u8; 32] {
        let point = self.key.to_sec1_point(false);
        let mut out = [0u8; 32];
        if let Some(bytes) = point.as_bytes().get(1 + which * 32..33 + which * 32) {
            out.copy_from_slice(bytes);
        }
        out
    }

    /// The x coordinate, lower-case hex.
    pub fn x_hex(&self) -> String {
        hex_string(&self.coordinate(0))
    }

    /// The y coordinate, lower-case hex.
    pub fn y_hex(&self) -> String {
        hex_string(&self.coordinate(1))
    }

    /// Whether `der` is a valid signature of `string_to_sign` under this key.
    pub fn verify(&self, string_to_sign: &[u8], der: &[u8]) -> bool {
        p256::ecdsa::DerSignature::try_from(der)
            .is_ok_and(|sig| self.key.verify(string_to_sign, &sig).is_ok())
    }
}

impl fmt::Debug for SigV4aPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigV4aPublicKey({}, {})", self.x_hex(), self.y_hex())
    }
}

fn hex_string(bytes: &[u8; 32]) -> String {
    String::from_utf8_lossy(&hex32(bytes)).into_owned()
}

/// A DER-encoded ECDSA signature, shown as lower-case hex.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EcdsaSignature {
    der: Vec<u8>,
}

impl EcdsaSignature {
    /// The DER bytes.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// Parses the hex form.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() % 2 != 0 || bytes.len() > 256 {
            return None;
        }
        let digit = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
        let der = bytes
            .chunks_exact(2)
            .map(|p| Some((digit(p[0])? << 4) | digit(p[1])?))
            .collect::<Option<Vec<u8>>>()?;
        Some(Self { der })
    }
}

impl fmt::Display for EcdsaSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.der {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for EcdsaSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EcdsaSignature({self})")
    }
}

/// Signs requests with SigV4a for one set of credentials, region set, service and time.
///
/// The region set (`us-east-1`, `us-*`, `*`, or a comma-separated list) goes into the
/// `X-Amz-Region-Set` header or query parameter; the credential scope has no region.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{Credentials, Payload, SignableRequest, SignerV4a};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let signer = SignerV4a::new(&creds, "us-east-1", "service", time)?;
/// let headers = [("host", "example.amazonaws.com")];
/// let signed = signer.sign_headers(&SignableRequest::new("GET", "/", &headers, Payload::Empty))?;
/// assert!(signed.authorization().starts_with(
///     "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, \
///      SignedHeaders=host;x-amz-date;x-amz-region-set, Signature="));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SignerV4a<'a> {
    /// A SigV4 signer whose region is the region set: it holds the credentials, service,
    /// time and settings, and its canonicalisation is shared.
    base: Signer<'a>,
    key: Option<&'a SigV4aKey>,
}

impl<'a> SignerV4a<'a> {
    /// A signer for `region_set` and `service` at `time`.
    pub fn new(
        credentials: &'a Credentials,
        region_set: &'a str,
        service: &'a str,
        time: SystemTime,
    ) -> Result<Self, Error> {
        Ok(Self { base: Signer::new(credentials, region_set, service, time)?, key: None })
    }

    /// Uses these settings instead of [`SigningSettings::DEFAULT`].
    pub fn with_settings(mut self, settings: impl Into<Cow<'a, SigningSettings>>) -> Self {
        self.base = self.base.with_settings(settings);
        self
    }

    /// Uses a key derived and kept by the caller instead of deriving it per signature.
    pub fn with_key(mut self, key: &'a SigV4aKey) -> Self {
        self.key = Some(key);
        self
    }

    /// The signing time as written in `X-Amz-Date`.
    pub fn date(&self) -> AmzDate {
        self.base.date
    }

    /// The credential scope: `20150830/service/aws4_request`.
    pub fn scope(&self) -> String {
        format!("{}/{}/aws4_request", self.base.date.date(), self.base.service)
    }

    fn with_derived<T>(&self, f: impl FnOnce(&SigV4aKey) -> T) -> Result<T, Error> {
        match self.key {
            Some(k) => Ok(f(k)),
            None => {
                let k = SigV4aKey::derive(
                    self.base.credentials.access_key_id(),
                    self.base.credentials.secret_access_key(),
                )?;
                Ok(f(&k))
            }
        }
    }

    /// Signs for the `Authorization` header; the result lists every header to set.
    pub fn sign_headers(
        &self,
        request: &SignableRequest<'_>,
    ) -> Result<V4aHeaderSignature<'a>, Error> {
        let payload = request.payload.hash();
        let (creq, names) = self.canonical(request, &payload, None)?;
        let sts = self.string_to_sign(&creq);
        let signature = self.with_derived(|k| k.sign(sts.as_bytes()))?;
        let authorization = format!(
            "{ALGORITHM_V4A} Credential={}/{}, SignedHeaders={names}, Signature={signature}",
            self.base.credentials.access_key_id(),
            self.scope()
        );
        Ok(V4aHeaderSignature {
            authorization,
            date: self.base.date,
            region_set: self.base.region,
            security_token: self.base.credentials.session_token(),
            content_sha256: self
                .base
                .settings
                .content_sha256_header
                .then(|| String::from_utf8_lossy(payload.as_bytes()).into_owned()),
            signature,
        })
    }

    /// Presigns: the signature goes into the query, valid for `expires_in` (1 s to 7 days).
    pub fn presign(
        &self,
        request: &SignableRequest<'_>,
        expires_in: Duration,
    ) -> Result<V4aQuerySignature, Error> {
        let expires = check_expiry(expires_in)?;
        let payload = request.payload.hash();
        let (creq, names) = self.canonical(request, &payload, Some(expires))?;
        let sts = self.string_to_sign(&creq);
        let signature = self.with_derived(|k| k.sign(sts.as_bytes()))?;
        let mut params = Vec::with_capacity(400);
        params.extend_from_slice(b"X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=");
        self.write_credential(&mut params);
        params.extend_from_slice(b"&X-Amz-Date=");
        params.extend_from_slice(self.base.date.as_str().as_bytes());
        params.extend_from_slice(b"&X-Amz-Expires=");
        push_u64(&mut params, expires);
        params.extend_from_slice(b"&X-Amz-Region-Set=");
        write_encoded(&mut params, self.base.region.as_bytes(), false);
        if let Some(t) = self.base.credentials.session_token() {
            params.extend_from_slice(b"&X-Amz-Security-Token=");
            write_encoded(&mut params, t.as_bytes(), false);
        }
        params.extend_from_slice(b"&X-Amz-SignedHeaders=");
        write_encoded(&mut params, names.as_bytes(), false);
        params.extend_from_slice(b"&X-Amz-Signature=");
        params.extend_from_slice(signature.to_string().as_bytes());
        Ok(V4aQuerySignature { params: String::from_utf8_lossy(&params).into_owned(), signature })
    }

    /// Header signing with its working shown (canonical request and string to sign).
    pub fn explain_headers(&self, request: &SignableRequest<'_>) -> Result<V4aExplanation, Error> {
        self.explain(request, None)
    }

    /// Presigning with its working shown.
    pub fn explain_presign(
        &self,
        request: &SignableRequest<'_>,
        expires_in: Duration,
    ) -> Result<V4aExplanation, Error> {
        self.explain(request, Some(check_expiry(expires_in)?))
    }

    fn explain(
        &self,
        request: &SignableRequest<'_>,
        expires: Option<u64>,
    ) -> Result<V4aExplanation, Error> {
        let payload = request.payload.hash();
        let (creq, names) = self.canonical(request, &payload, expires)?;
        let string_to_sign = self.string_to_sign(&creq);
        let signature = self.with_derived(|k| k.sign(string_to_sign.as_bytes()))?;
        Ok(V4aExplanation {
            canonical_request: String::from_utf8_lossy(&creq).into_owned(),
            string_to_sign,
            signed_headers: names,
            signature,
        })
    }

    fn string_to_sign(&self, creq: &[u8]) -> String {
        let hash = hex32(&sha256(creq));
        format!(
            "{ALGORITHM_V4A}\n{}\n{}\n{}",
            self.base.date,
            self.scope(),
            String::from_utf8_lossy(&hash)
        )
    }

    fn write_credential(&self, out: &mut Vec<u8>) {
        write_encoded(out, self.base.credentials.access_key_id().as_bytes(), false);
        out.extend_from_slice(b"%2F");
        out.extend_from_slice(self.base.date.date().as_bytes());
        out.extend_from_slice(b"%2F");
        write_encoded(out, self.base.service.as_bytes(), false);
        out.extend_from_slice(b"%2Faws4_request");
    }

    /// The canonical request and the signed header names (`;`-separated).
    fn canonical(
        &self,
        request: &SignableRequest<'_>,
        payload: &PayloadHash<'_>,
        expires: Option<u64>,
    ) -> Result<(Vec<u8>, String), Error> {
        check_method(request.method)?;
        let token = self
            .base
            .credentials
            .session_token()
            .filter(|_| token_signed(&self.base.settings))
            .map(str::as_bytes);
        let date = self.base.date.as_str().as_bytes();
        let query: String = request
            .query
            .split('&')
            .filter(|p| {
                let k = p.split_once('=').map_or(*p, |(k, _)| k);
                !k.eq_ignore_ascii_case("X-Amz-Region-Set")
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("x-amz-region-set"))
            .copied()
            .collect();
        if expires.is_none() {
            headers.push(("x-amz-region-set", self.base.region));
        }
        let mut bufs = Buffers::take();
        let mut creq = std::mem::take(&mut bufs.creq);
        let mut canon = match expires {
            None => {
                let added = Added {
                    date: Some(date),
                    token,
                    content_sha256: self
                        .base
                        .settings
                        .content_sha256_header
                        .then(|| payload.as_bytes()),
                };
                Canonical::new(&headers, &added, &self.base.settings, &query, false, bufs)?
            }
            Some(expires) => {
                let added = Added { date: None, token: None, content_sha256: None };
                let mut c =
                    Canonical::new(&headers, &added, &self.base.settings, &query, true, bufs)?;
                c.push_param(b"X-Amz-Algorithm", |b| b.extend_from_slice(ALGORITHM_V4A.as_bytes()));
                c.push_param(b"X-Amz-Credential", |b| self.write_credential(b));
                c.push_param(b"X-Amz-Date", |b| b.extend_from_slice(date));
                c.push_param(b"X-Amz-Expires", |b| push_u64(b, expires));
                c.push_param(b"X-Amz-Region-Set", |b| {
                    write_encoded(b, self.base.region.as_bytes(), false);
                });
                if let Some(token) = token {
                    c.push_param(b"X-Amz-Security-Token", |b| write_encoded(b, token, false));
                }
                c.push_signed_headers_param();
                c
            }
        };
        canon.sort_query();
        write_canonical_request(
            &mut creq,
            request,
            &canon,
            &self.base.settings,
            payload.as_bytes(),
        );
        let mut names = String::new();
        canon.write_signed_headers(&mut names, b";");
        let out = creq.clone();
        let mut bufs = canon.into_buffers();
        bufs.creq = creq;
        bufs.give_back();
        Ok((out, names))
    }
}

impl fmt::Debug for SignerV4a<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerV4a").field("base", &self.base).finish_non_exhaustive()
    }
}

/// The result of [`SignerV4a::sign_headers`]: the headers to set on the request.
#[derive(Clone)]
pub struct V4aHeaderSignature<'a> {
    authorization: String,
    date: AmzDate,
    region_set: &'a str,
    security_token: Option<&'a str>,
    content_sha256: Option<String>,
    signature: EcdsaSignature,
}

impl V4aHeaderSignature<'_> {
    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The signature alone.
    pub fn signature(&self) -> &EcdsaSignature {
        &self.signature
    }

    /// Every header to set (replacing the request's own): `authorization`, `x-amz-date`,
    /// `x-amz-region-set`, then `x-amz-security-token` and `x-amz-content-sha256` where they
    /// apply.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        [
            Some(("authorization", self.authorization.as_str())),
            Some(("x-amz-date", self.date.as_str())),
            Some(("x-amz-region-set", self.region_set)),
            self.security_token.map(|t| ("x-amz-security-token", t)),
            self.content_sha256.as_deref().map(|c| ("x-amz-content-sha256", c)),
        ]
        .into_iter()
        .flatten()
    }
}

impl fmt::Debug for V4aHeaderSignature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V4aHeaderSignature")
            .field("authorization", &self.authorization)
            .field("date", &self.date)
            .field("region_set", &self.region_set)
            .field("security_token", &self.security_token.map(|_| REDACTED))
            .finish_non_exhaustive()
    }
}

/// The result of [`SignerV4a::presign`]: query parameters to append to the URL.
#[derive(Clone)]
pub struct V4aQuerySignature {
    params: String,
    signature: EcdsaSignature,
}

impl V4aQuerySignature {
    /// The encoded auth parameters, `X-Amz-Signature` last.
    pub fn query_params(&self) -> &str {
        &self.params
    }

    /// The signature alone.
    pub fn signature(&self) -> &EcdsaSignature {
        &self.signature
    }

    /// The request target (or URL) with the parameters appended, replacing earlier ones.
    pub fn apply_to(&self, url: &str) -> String {
        append_params(url, &self.params)
    }
}

impl fmt::Debug for V4aQuerySignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V4aQuerySignature")
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

/// The working of a SigV4a signature.
///
/// `Debug` leaves out the canonical request, which may carry the session token.
#[derive(Clone)]
pub struct V4aExplanation {
    canonical_request: String,
    string_to_sign: String,
    signed_headers: String,
    signature: EcdsaSignature,
}

impl V4aExplanation {
    /// The canonical request, exactly.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign, exactly.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signed header names, `;`-separated.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The signature (randomised by nothing but the message: the nonce is RFC 6979's).
    pub fn signature(&self) -> &EcdsaSignature {
        &self.signature
    }
}

impl fmt::Debug for V4aExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V4aExplanation")
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}
