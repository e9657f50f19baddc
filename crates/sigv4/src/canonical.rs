//! The canonical request, written once and generic over where it goes.
//!
//! The fast path streams it into SHA-256 without ever assembling it; the explain path also
//! keeps the text. Work space lives on the stack for ordinary requests (up to 64 headers and
//! 64 query parameters); only the re-encoded query needs a heap buffer.

use crate::encode::{is_unreserved, push_reencoded, write_encoded};
use crate::error::{Error, ErrorKind, printable};
use crate::settings::{SessionTokenMode, SigningSettings, UriEncoding};
use crate::sink::Sink;

/// A header as the canonicaliser sees it: a name in any case and a raw value.
#[derive(Clone, Copy, Default)]
pub(crate) struct Hdr<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a [u8],
    /// Position in the input, so that repeated headers keep their order.
    order: u32,
}

/// Headers and query parameters beyond this many go to the heap.
const INLINE: usize = 64;

/// A vector that lives on the stack up to `INLINE` elements.
pub(crate) enum Small<T: Copy + Default> {
    Inline([T; INLINE], usize),
    Heap(Vec<T>),
}

impl<T: Copy + Default> Small<T> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        if n <= INLINE {
            Small::Inline([T::default(); INLINE], 0)
        } else {
            Small::Heap(Vec::with_capacity(n))
        }
    }

    pub(crate) fn push(&mut self, item: T) {
        match self {
            Small::Inline(arr, len) if *len < INLINE => {
                arr[*len] = item;
                *len += 1;
            }
            Small::Inline(arr, len) => {
                let mut v = Vec::with_capacity(INLINE * 2);
                v.extend_from_slice(&arr[..*len]);
                v.push(item);
                *self = Small::Heap(v);
            }
            Small::Heap(v) => v.push(item),
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Small::Inline(arr, len) => &mut arr[..*len],
            Small::Heap(v) => v,
        }
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Small::Inline(arr, len) => &arr[..*len],
            Small::Heap(v) => v,
        }
    }
}

/// Headers the signer owns in header mode: the request's own copies are replaced.
pub(crate) struct Added<'a> {
    pub(crate) date: Option<&'a [u8]>,
    pub(crate) token: Option<&'a [u8]>,
    pub(crate) content_sha256: Option<&'a [u8]>,
}

/// Checks and sorts the headers to sign: lower-case name order, repeated names in input order.
pub(crate) fn sorted_headers<'a>(
    headers: &'a [(&'a str, &'a str)],
    added: &Added<'a>,
    settings: &SigningSettings,
) -> Result<Small<Hdr<'a>>, Error> {
    let mut out = Small::with_capacity(headers.len() + 3);
    for (i, (name, value)) in headers.iter().enumerate() {
        check_name(name)?;
        check_value(name, value.as_bytes())?;
        let replaced = (added.date.is_some() && name.eq_ignore_ascii_case("x-amz-date"))
            || (name.eq_ignore_ascii_case("x-amz-security-token") && added.token.is_some())
            || (added.content_sha256.is_some()
                && name.eq_ignore_ascii_case("x-amz-content-sha256"));
        if replaced || settings.is_excluded(name) {
            continue;
        }
        out.push(Hdr { name, value: value.as_bytes(), order: i as u32 });
    }
    let base = headers.len() as u32;
    if let Some(value) = added.date {
        out.push(Hdr { name: "x-amz-date", value, order: base });
    }
    if let Some(value) = added.token {
        out.push(Hdr { name: "x-amz-security-token", value, order: base + 1 });
    }
    if let Some(value) = added.content_sha256 {
        out.push(Hdr { name: "x-amz-content-sha256", value, order: base + 2 });
    }
    out.as_mut_slice()
        .sort_unstable_by(|a, b| cmp_lower(a.name, b.name).then(a.order.cmp(&b.order)));
    Ok(out)
}

fn cmp_lower(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn check_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(Error::new(ErrorKind::InvalidHeaderName { name: printable(name) }));
    }
    Ok(())
}

fn check_value(name: &str, value: &[u8]) -> Result<(), Error> {
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(Error::new(ErrorKind::InvalidHeaderValue { name: printable(name) }));
    }
    Ok(())
}

pub(crate) fn check_method(method: &str) -> Result<(), Error> {
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(Error::new(ErrorKind::InvalidMethod));
    }
    Ok(())
}

/// Writes `a;b;c`: the distinct lower-case names, with `sep` between them.
pub(crate) fn write_signed_headers(sink: &mut impl Sink, headers: &[Hdr<'_>], sep: &[u8]) {
    let mut prev: Option<&str> = None;
    for h in headers {
        if prev.is_some_and(|p| p.eq_ignore_ascii_case(h.name)) {
            continue;
        }
        if prev.is_some() {
            sink.write(sep);
        }
        write_lower(sink, h.name);
        prev = Some(h.name);
    }
}

fn write_lower(sink: &mut impl Sink, name: &str) {
    if !name.bytes().any(|b| b.is_ascii_uppercase()) {
        sink.write(name.as_bytes());
        return;
    }
    let mut buf = [0u8; 64];
    for chunk in name.as_bytes().chunks(buf.len()) {
        for (dst, src) in buf.iter_mut().zip(chunk) {
            *dst = src.to_ascii_lowercase();
        }
        sink.write(&buf[..chunk.len()]);
    }
}

/// ASCII `isspace`, as the reference signer (aws-c-auth) trims header values.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Writes a header value trimmed, with inner runs of whitespace collapsed to one space.
fn write_trimmed(sink: &mut impl Sink, value: &[u8]) {
    let mut first = true;
    for word in value.split(|&b| is_space(b)).filter(|w| !w.is_empty()) {
        if !first {
            sink.write(b" ");
        }
        sink.write(word);
        first = false;
    }
}

/// Writes the canonical header block: `name:v1,v2\n` per distinct name.
pub(crate) fn write_canonical_headers(sink: &mut impl Sink, headers: &[Hdr<'_>]) {
    let mut prev: Option<&str> = None;
    for h in headers {
        if prev.is_some_and(|p| p.eq_ignore_ascii_case(h.name)) {
            sink.write(b",");
        } else {
            if prev.is_some() {
                sink.write(b"\n");
            }
            write_lower(sink, h.name);
            sink.write(b":");
        }
        write_trimmed(sink, h.value);
        prev = Some(h.name);
    }
    if prev.is_some() {
        sink.write(b"\n");
    }
}

/// Writes the canonical URI of `path` (the path as sent, without the query).
pub(crate) fn write_canonical_uri(sink: &mut impl Sink, path: &str, settings: &SigningSettings) {
    let path = path.as_bytes();
    if path.is_empty() || path == b"/" {
        sink.write(b"/");
        return;
    }
    if !settings.normalize_path {
        write_path_piece(sink, path, settings.uri_encoding);
        return;
    }
    // RFC 3986 remove_dot_segments over `/`-separated segments, dropping empty ones. The
    // result ends with `/` when the input's last segment is empty, `.` or `..`.
    let mut segs: Small<(u32, u32)> = Small::with_capacity(8);
    let mut depth = 0usize;
    let mut offset = 0usize;
    let mut trailing = false;
    for part in path.split(|&b| b == b'/') {
        let seg = (offset as u32, (offset + part.len()) as u32);
        offset += part.len() + 1;
        trailing = matches!(part, b"" | b"." | b"..");
        match part {
            b"" | b"." => {}
            b".." => depth = depth.saturating_sub(1),
            _ => {
                if depth < segs.as_slice().len() {
                    segs.as_mut_slice()[depth] = seg;
                } else {
                    segs.push(seg);
                }
                depth += 1;
            }
        }
    }
    let Some(segs) = segs.as_slice().get(..depth).filter(|s| !s.is_empty()) else {
        sink.write(b"/");
        return;
    };
    for &(s, e) in segs {
        sink.write(b"/");
        write_path_piece(sink, &path[s as usize..e as usize], settings.uri_encoding);
    }
    if trailing {
        sink.write(b"/");
    }
}

fn write_path_piece(sink: &mut impl Sink, piece: &[u8], encoding: UriEncoding) {
    match encoding {
        UriEncoding::Double => write_encoded(sink, piece, true),
        UriEncoding::Single => {
            if piece.iter().all(|&b| is_unreserved(b) || b == b'/') {
                sink.write(piece);
            } else {
                // Slashes as sent separate segments; an escaped `%2F` stays escaped.
                let mut buf = Vec::with_capacity(piece.len() + 16);
                for (i, part) in piece.split(|&b| b == b'/').enumerate() {
                    if i > 0 {
                        buf.push(b'/');
                    }
                    push_reencoded(&mut buf, part);
                }
                sink.write(&buf);
            }
        }
    }
}

/// The canonical query: re-encoded pairs in one buffer, sorted by key then value.
pub(crate) struct Query {
    buf: Vec<u8>,
    /// (key start, key end, value end): the value starts at key end.
    pairs: Small<(u32, u32, u32)>,
}

/// Query parameters the signer owns in query mode; the request's own copies are dropped.
const AUTH_PARAMS: &[&str] = &[
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

impl Query {
    pub(crate) fn parse(raw: &str, drop_auth_params: bool, extra_capacity: usize) -> Self {
        let mut q = Query {
            buf: if raw.is_empty() && extra_capacity == 0 {
                Vec::new()
            } else {
                Vec::with_capacity(raw.len() + raw.len() / 2 + extra_capacity)
            },
            pairs: Small::with_capacity(raw.len() / 4),
        };
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if drop_auth_params && AUTH_PARAMS.iter().any(|a| decoded_eq(k, a)) {
                continue;
            }
            let ks = q.buf.len();
            push_reencoded(&mut q.buf, k.as_bytes());
            let ke = q.buf.len();
            push_reencoded(&mut q.buf, v.as_bytes());
            q.pairs.push((ks as u32, ke as u32, q.buf.len() as u32));
        }
        q
    }

    /// Adds a pair whose key and value are already in canonical encoding.
    pub(crate) fn push_encoded(&mut self, key: &[u8], value: impl FnOnce(&mut Vec<u8>)) {
        let ks = self.buf.len();
        self.buf.extend_from_slice(key);
        let ke = self.buf.len();
        value(&mut self.buf);
        self.pairs.push((ks as u32, ke as u32, self.buf.len() as u32));
    }

    pub(crate) fn sort(&mut self) {
        let buf = &self.buf;
        self.pairs.as_mut_slice().sort_unstable_by(|a, b| {
            let (ak, av) = (&buf[a.0 as usize..a.1 as usize], &buf[a.1 as usize..a.2 as usize]);
            let (bk, bv) = (&buf[b.0 as usize..b.1 as usize], &buf[b.1 as usize..b.2 as usize]);
            ak.cmp(bk).then(av.cmp(bv))
        });
    }

    pub(crate) fn write(&self, sink: &mut impl Sink) {
        for (i, &(ks, ke, ve)) in self.pairs.as_slice().iter().enumerate() {
            if i > 0 {
                sink.write(b"&");
            }
            sink.write(&self.buf[ks as usize..ke as usize]);
            sink.write(b"=");
            sink.write(&self.buf[ke as usize..ve as usize]);
        }
    }
}

/// Whether the percent-decoding of `raw` equals `name` (ASCII case-sensitive, as AWS is).
fn decoded_eq(raw: &str, name: &str) -> bool {
    if !raw.contains('%') {
        return raw == name;
    }
    let mut buf = Vec::with_capacity(raw.len());
    push_reencoded(&mut buf, raw.as_bytes());
    buf == name.as_bytes()
}

/// Whether the session token goes into the signature.
pub(crate) fn token_signed(settings: &SigningSettings) -> bool {
    settings.session_token == SessionTokenMode::Include
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(path: &str, normalize: bool, enc: UriEncoding) -> String {
        let mut s = SigningSettings::DEFAULT;
        s.normalize_path = normalize;
        s.uri_encoding = enc;
        let mut out = Vec::new();
        write_canonical_uri(&mut out, path, &s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn normalisation_follows_remove_dot_segments() {
        let n = |p| uri(p, true, UriEncoding::Double);
        assert_eq!(n(""), "/");
        assert_eq!(n("/example/.."), "/");
        assert_eq!(n("/example1/example2/../.."), "/");
        assert_eq!(n("/./"), "/");
        assert_eq!(n("//"), "/");
        assert_eq!(n("//example//"), "/example/");
        assert_eq!(n("/a/b/.."), "/a/");
        assert_eq!(n("/a/./b"), "/a/b");
        assert_eq!(n("/a/b/"), "/a/b/");
        assert_eq!(n("/../a"), "/a");
    }

    #[test]
    fn s3_paths_are_kept_and_encoded_once() {
        let s = |p| uri(p, false, UriEncoding::Single);
        assert_eq!(s("//a/./b"), "//a/./b");
        assert_eq!(s("/test$file.text"), "/test%24file.text");
        assert_eq!(s("/a%20b"), "/a%20b");
        assert_eq!(s("/a b"), "/a%20b");
        assert_eq!(uri("/a%3Ab", true, UriEncoding::Double), "/a%253Ab");
    }

    #[test]
    fn header_values_are_trimmed_and_collapsed_with_ascii_whitespace_only() {
        let mut out = Vec::new();
        write_trimmed(&mut out, b"  a \t b\x0b\x0cc   \"x   y\"  ");
        assert_eq!(out, b"a b c \"x y\"");
        let mut out = Vec::new();
        write_trimmed(&mut out, "a\u{a0}\u{a0}b".as_bytes());
        assert_eq!(out, "a\u{a0}\u{a0}b".as_bytes(), "U+00A0 is not ASCII whitespace");
    }

    #[test]
    fn query_sorts_after_encoding_and_keeps_repeated_keys() {
        let mut q = Query::parse("Param=v&%E1%88%B4=x&b=2&b=1&flag&a+b=c d", false, 0);
        q.sort();
        let mut out = Vec::new();
        q.write(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "%E1%88%B4=x&Param=v&a%2Bb=c%20d&b=1&b=2&flag="
        );
    }
}
