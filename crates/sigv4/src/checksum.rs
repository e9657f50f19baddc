//! The flexible checksums S3 accepts in an aws-chunked trailer, and base64, without
//! dependencies beyond sha2.

use sha2::{Digest, Sha256};

/// A checksum algorithm for the trailer of an aws-chunked upload (`x-amz-checksum-*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumAlgorithm {
    /// CRC-32 (IEEE 802.3), header `x-amz-checksum-crc32`.
    Crc32,
    /// CRC-32C (Castagnoli), header `x-amz-checksum-crc32c`.
    Crc32c,
    /// SHA-256, header `x-amz-checksum-sha256`.
    Sha256,
}

impl ChecksumAlgorithm {
    /// The trailer header that carries the checksum, lower case.
    pub fn header_name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "x-amz-checksum-crc32",
            ChecksumAlgorithm::Crc32c => "x-amz-checksum-crc32c",
            ChecksumAlgorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The length of the base64 value in the trailer.
    pub(crate) fn value_len(self) -> usize {
        match self {
            ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 8,
            ChecksumAlgorithm::Sha256 => 44,
        }
    }

    /// A running checksum of this kind.
    pub(crate) fn start(self) -> Checksum {
        match self {
            ChecksumAlgorithm::Crc32 => Checksum::Crc(!0, &CRC32),
            ChecksumAlgorithm::Crc32c => Checksum::Crc(!0, &CRC32C),
            ChecksumAlgorithm::Sha256 => Checksum::Sha256(Box::default()),
        }
    }
}

/// A running checksum.
#[derive(Clone)]
pub(crate) enum Checksum {
    Crc(u32, &'static [[u32; 256]; 8]),
    Sha256(Box<Sha256>),
}

impl Checksum {
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Checksum::Crc(state, table) => *state = crc_update(*state, table, data),
            Checksum::Sha256(h) => h.update(data),
        }
    }

    /// The value as S3 writes it: base64 of the big-endian bytes.
    pub(crate) fn finish_base64(self) -> String {
        match self {
            Checksum::Crc(state, _) => base64(&(!state).to_be_bytes()),
            Checksum::Sha256(h) => base64(&h.finalize()),
        }
    }
}

const fn crc_tables(poly: u32) -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ poly } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut j = 1;
        while j < 8 {
            let prev = t[j - 1][i];
            t[j][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            j += 1;
        }
        i += 1;
    }
    t
}

static CRC32: [[u32; 256]; 8] = crc_tables(0xEDB8_8320);
static CRC32C: [[u32; 256]; 8] = crc_tables(0x82F6_3B78);

/// Slicing-by-8 CRC over a reflected polynomial.
fn crc_update(mut crc: u32, t: &[[u32; 256]; 8], data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        crc = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][usize::from(c[4])]
            ^ t[2][usize::from(c[5])]
            ^ t[1][usize::from(c[6])]
            ^ t[0][usize::from(c[7])];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ u32::from(b)) & 0xff) as usize];
    }
    crc
}

/// CRC-32 (IEEE) of `data`, as the event-stream framing uses it.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    !crc_update(!0, &CRC32, data)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub(crate) fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b = [c[0], c.get(1).copied().unwrap_or(0), c.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= c.len() {
                out.push(char::from(B64[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(alg: ChecksumAlgorithm, data: &[u8]) -> String {
        let mut c = alg.start();
        c.update(data);
        c.finish_base64()
    }

    #[test]
    fn known_check_values() {
        // The standard check inputs: CRC-32("123456789") = cbf43926, CRC-32C = e3069283.
        assert_eq!(
            value(ChecksumAlgorithm::Crc32, b"123456789"),
            base64(&[0xcb, 0xf4, 0x39, 0x26])
        );
        assert_eq!(
            value(ChecksumAlgorithm::Crc32c, b"123456789"),
            base64(&[0xe3, 0x06, 0x92, 0x83])
        );
        // S3's documented example: "Hello world" has CRC32 i9aeUg== .
        assert_eq!(value(ChecksumAlgorithm::Crc32, b"Hello world"), "i9aeUg==");
        assert_eq!(
            value(ChecksumAlgorithm::Sha256, b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        for alg in [ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c, ChecksumAlgorithm::Sha256]
        {
            assert_eq!(value(alg, b"abc").len(), alg.value_len());
            // Split updates agree with one update.
            let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
            let mut c = alg.start();
            c.update(&data[..333]);
            c.update(&data[333..]);
            assert_eq!(c.finish_base64(), value(alg, &data));
        }
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }
}
