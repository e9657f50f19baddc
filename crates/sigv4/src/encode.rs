//! Percent-encoding and hex, written straight into a [`Sink`] without allocating.

use crate::sink::Sink;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        i += 1;
    }
    t
};

/// `true` for the RFC 3986 unreserved characters, which SigV4 never encodes.
#[inline]
pub(crate) const fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

/// Writes `bytes` with every byte but the unreserved ones (and `/` when `keep_slash`)
/// percent-encoded in upper-case hex.
pub(crate) fn write_encoded(sink: &mut impl Sink, bytes: &[u8], keep_slash: bool) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        sink.write(&bytes[start..i]);
        sink.write(&[b'%', HEX_UPPER[usize::from(b >> 4)], HEX_UPPER[usize::from(b & 0xf)]]);
        start = i + 1;
    }
    sink.write(&bytes[start..]);
}

/// Appends `value` to `out` in SigV4's strict URI encoding: every byte but the RFC 3986
/// unreserved characters (`A-Z a-z 0-9 - _ . ~`) as `%XX` in upper-case hex. This is how
/// canonical query components are written, and how AWS Query-protocol bodies (STS, IAM)
/// encode their values.
///
/// ```
/// let mut out = String::from("RoleSessionName=");
/// signet_sigv4::uri_encode("me@example.com/1", &mut out);
/// assert_eq!(out, "RoleSessionName=me%40example.com%2F1");
/// ```
pub fn uri_encode(value: &str, out: &mut String) {
    write_encoded(out, value.as_bytes(), false);
}

/// Appends the strict encoding of the percent-decoding of `raw` to `out`.
///
/// Decoding is percent-only: `+` stays `+` (and so becomes `%2B`), and a `%` that does not
/// start a valid escape is kept literally (and so becomes `%25`).
pub(crate) fn push_reencoded(out: &mut Vec<u8>, raw: &[u8]) {
    reencode_until(out, raw, Stop::Never);
}

/// Where a query component ends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// At the end of the input.
    Never,
    /// At the first `&` (a value).
    Amp,
    /// At the first `&` or `=` (a key).
    AmpOrEq,
}

/// Like [`push_reencoded`], but stops before the first byte `stop` names (which is never
/// part of a canonical run) and returns how many bytes of `raw` it consumed.
#[inline]
pub(crate) fn reencode_until(out: &mut Vec<u8>, raw: &[u8], stop: Stop) -> usize {
    let mut i = 0;
    while i < raw.len() {
        // Copy a run that is already canonical in one go: unreserved bytes, and escapes in
        // upper-case hex of bytes that must stay escaped.
        let run = canonical_run(&raw[i..]);
        if run > 0 {
            out.extend_from_slice(&raw[i..i + run]);
            i += run;
            continue;
        }
        let mut b = raw[i];
        match (stop, b) {
            (Stop::Amp | Stop::AmpOrEq, b'&') | (Stop::AmpOrEq, b'=') => return i,
            _ => {}
        }
        if b == b'%' {
            if let (Some(h), Some(l)) =
                (raw.get(i + 1).and_then(hex_val), raw.get(i + 2).and_then(hex_val))
            {
                b = (h << 4) | l;
                i += 2;
            }
        }
        if is_unreserved(b) {
            out.push(b);
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX_UPPER[usize::from(b >> 4)],
                HEX_UPPER[usize::from(b & 0xf)],
            ]);
        }
        i += 1;
    }
    i
}

/// The length of the prefix of `raw` that is already in canonical encoding.
#[inline]
fn canonical_run(raw: &[u8]) -> usize {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if is_unreserved(b) {
            i += 1;
        } else if b == b'%' {
            match (raw.get(i + 1), raw.get(i + 2)) {
                (Some(&h), Some(&l)) if is_upper_hex(h) && is_upper_hex(l) => {
                    let decoded = (hex_digit(h) << 4) | hex_digit(l);
                    if is_unreserved(decoded) {
                        return i;
                    }
                    i += 3;
                }
                _ => return i,
            }
        } else {
            return i;
        }
    }
    i
}

#[inline]
fn is_upper_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'A'..=b'F').contains(&b)
}

#[inline]
fn hex_digit(b: u8) -> u8 {
    if b.is_ascii_digit() { b - b'0' } else { b - b'A' + 10 }
}

fn hex_val(b: &u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Lower-case hex of 32 bytes, as a fixed-size ASCII array.
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX_LOWER[usize::from(b >> 4)];
        out[2 * i + 1] = HEX_LOWER[usize::from(b & 0xf)];
    }
    out
}

/// Parses 64 hex digits (either case) into 32 bytes.
pub(crate) fn unhex32(text: &[u8]) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.chunks_exact(2).enumerate() {
        out[i] = (hex_val(&pair[0])? << 4) | hex_val(&pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reencode(s: &str) -> String {
        let mut v = Vec::new();
        push_reencoded(&mut v, s.as_bytes());
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn query_components_are_decoded_then_strictly_encoded() {
        assert_eq!(reencode("a b"), "a%20b");
        assert_eq!(reencode("a%20b"), "a%20b");
        assert_eq!(reencode("a+b"), "a%2Bb", "`+` is a literal plus, never a space");
        assert_eq!(reencode("%7e%2f"), "~%2F", "escapes of unreserved bytes are decoded");
        assert_eq!(reencode("100%"), "100%25", "a stray `%` is kept literally");
        assert_eq!(reencode("%zz"), "%25zz");
        assert_eq!(reencode("ሴ"), "%E1%88%B4");
    }

    #[test]
    fn path_encoding_keeps_slashes_only_when_asked() {
        let mut s = Vec::new();
        write_encoded(&mut s, b"/a b/%3A$", true);
        assert_eq!(s, b"/a%20b/%253A%24");
        let mut s = Vec::new();
        write_encoded(&mut s, b"a/b", false);
        assert_eq!(s, b"a%2Fb");
    }

    #[test]
    fn hex_round_trips() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(unhex32(&hex32(&bytes)), Some(bytes));
        assert_eq!(unhex32(b"zz"), None);
    }
}
