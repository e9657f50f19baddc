//! The derived signing key, and a small per-thread cache of it.

use std::cell::RefCell;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

use crate::credentials::REDACTED;

pub(crate) type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The SigV4 signing key for one secret, day, region and service:
/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
///
/// Deriving it costs four HMACs; keep it and reuse it for every signature of that day, region
/// and service (the signer also caches it per thread). It is wiped from memory on drop and
/// never printed.
///
/// ```
/// use signet_sigv4::SigningKey;
///
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
/// let sig = key.sign(b"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
/// assert_eq!(sig.to_string(), "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
/// ```
#[derive(Clone)]
pub struct SigningKey {
    key: [u8; 32],
    /// The HMAC state after absorbing the key, cloned for each signature.
    keyed: HmacSha256,
}

impl SigningKey {
    /// Derives the key. `date` is the scope date, `YYYYMMDD`.
    pub fn derive(secret_access_key: &str, date: &str, region: &str, service: &str) -> Self {
        let mut seed = [0u8; 128];
        let secret = secret_access_key.as_bytes();
        let k_date = if secret.len() + 4 <= seed.len() {
            seed[..4].copy_from_slice(b"AWS4");
            seed[4..4 + secret.len()].copy_from_slice(secret);
            let k = hmac(&seed[..4 + secret.len()], date.as_bytes());
            seed.zeroize();
            k
        } else {
            let mut long = Vec::with_capacity(secret.len() + 4);
            long.extend_from_slice(b"AWS4");
            long.extend_from_slice(secret);
            let k = hmac(&long, date.as_bytes());
            long.zeroize();
            k
        };
        let k_region = hmac(&k_date, region.as_bytes());
        let k_service = hmac(&k_region, service.as_bytes());
        let key = hmac(&k_service, b"aws4_request");
        Self::from_bytes(key)
    }

    fn from_bytes(key: [u8; 32]) -> Self {
        let keyed =
            <HmacSha256 as KeyInit>::new_from_slice(&key).unwrap_or_else(|_| unreachable!());
        Self { key, keyed }
    }

    /// Signs a string to sign.
    pub fn sign(&self, string_to_sign: &[u8]) -> Signature {
        let mut mac = self.keyed.clone();
        mac.update(string_to_sign);
        Signature(mac.finalize().into_bytes().into())
    }

    /// A MAC to feed a string to sign in pieces, without assembling it.
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A SigV4 signature: 32 bytes, shown as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub(crate) [u8; 32]);

impl Signature {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The lower-case hex form, as it appears in `Authorization` and `X-Amz-Signature`.
    pub fn to_hex(&self) -> [u8; 64] {
        crate::encode::hex32(&self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(hex: &str) -> Option<Self> {
        crate::encode::unhex32(hex.as_bytes()).map(Self)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Hex digits are ASCII.
        f.write_str(std::str::from_utf8(&self.to_hex()).unwrap_or_default())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

/// A cache entry: the inputs (the secret kept only to compare, wiped on drop) and the key.
struct Entry {
    secret: Vec<u8>,
    scope: Vec<u8>,
    key: SigningKey,
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

const CACHE_SLOTS: usize = 4;

thread_local! {
    /// Most recently used first. Per thread, so signing never takes a lock.
    static CACHE: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// The signing key for these inputs, from this thread's cache or freshly derived.
pub(crate) fn cached_key(secret: &str, date: &str, region: &str, service: &str) -> SigningKey {
    with_cached_key(secret, date, region, service, SigningKey::clone)
}

/// The keyed MAC for these inputs: one clone of the HMAC state on a cache hit.
pub(crate) fn cached_mac(secret: &str, date: &str, region: &str, service: &str) -> HmacSha256 {
    with_cached_key(secret, date, region, service, SigningKey::mac)
}

/// Runs `f` on the cached key for these inputs, deriving and caching it on a miss. The key is
/// identified by the secret and the scope `date/region/service`.
fn with_cached_key<T>(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
    f: impl Fn(&SigningKey) -> T,
) -> T {
    let matches = |e: &Entry| {
        let s = &e.scope;
        s.len() == date.len() + region.len() + service.len() + 2
            && s.starts_with(date.as_bytes())
            && s[date.len() + 1..].starts_with(region.as_bytes())
            && s.ends_with(service.as_bytes())
            && e.secret == secret.as_bytes()
    };
    let found = CACHE.with(|cache| {
        let mut cache = cache.try_borrow_mut().ok()?;
        let pos = cache.iter().position(matches)?;
        if pos != 0 {
            let entry = cache.remove(pos);
            cache.insert(0, entry);
        }
        cache.first().map(|e| f(&e.key))
    });
    if let Some(found) = found {
        return found;
    }
    let key = SigningKey::derive(secret, date, region, service);
    let out = f(&key);
    CACHE.with(|cache| {
        if let Ok(mut cache) = cache.try_borrow_mut() {
            if cache.len() == CACHE_SLOTS {
                cache.pop();
            }
            let scope = [date, region, service].join("/").into_bytes();
            cache.insert(0, Entry { secret: secret.as_bytes().to_vec(), scope, key });
        }
    });
    out
}
