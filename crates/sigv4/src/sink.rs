//! Where canonical text goes: a hasher (the fast path) or a hasher that also keeps a copy
//! (the explain path). Canonicalisation is written once, generic over the sink.

use sha2::{Digest, Sha256};

/// A byte sink for canonical text.
pub(crate) trait Sink {
    fn write(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Canonical text is ASCII wherever it is written into a `String` (header names, encoded
/// components); anything else is replaced rather than trusted.
impl Sink for String {
    fn write(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.push_str(s),
            Err(_) => self.push_str(&String::from_utf8_lossy(bytes)),
        }
    }
}

/// SHA-256 with a small staging buffer, so that the many tiny writes of canonicalisation reach
/// the hasher as a few large updates.
pub(crate) struct HashSink {
    hasher: Sha256,
    buf: [u8; 256],
    len: usize,
}

impl HashSink {
    pub(crate) fn new() -> Self {
        Self { hasher: Sha256::new(), buf: [0; 256], len: 0 }
    }

    pub(crate) fn finish(mut self) -> [u8; 32] {
        self.hasher.update(&self.buf[..self.len]);
        self.hasher.finalize().into()
    }
}

impl Sink for HashSink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        if bytes.len() <= self.buf.len() - self.len {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.hasher.update(&self.buf[..self.len]);
        self.len = 0;
        if bytes.len() >= self.buf.len() {
            self.hasher.update(bytes);
        } else {
            self.buf[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }
}

/// Hashes and keeps a copy of the text, for explain output.
pub(crate) struct TeeSink {
    pub(crate) hash: HashSink,
    pub(crate) text: Vec<u8>,
}

impl Sink for TeeSink {
    fn write(&mut self, bytes: &[u8]) {
        self.hash.write(bytes);
        self.text.extend_from_slice(bytes);
    }
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}
