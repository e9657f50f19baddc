//! The canonical request, written once and generic over where it goes.
//!
//! The canonical request is written into a reused per-thread buffer and hashed once; its work
//! space (lower-cased names, re-encoded query, sort tables) is reused per thread too, so
//! steady-state signing does not allocate for it.

use crate::encode::{Stop, is_unreserved, push_reencoded, reencode_until, write_encoded};
use crate::error::{Error, ErrorKind, printable};
use crate::settings::{SessionTokenMode, SigningSettings, UriEncoding};
use crate::sink::{Buffers, Sink};

/// A header to sign: its lower-cased name (a range of the scratch buffer) and where its raw
/// value is (an index into the request's headers, or past them into the signer's own).
#[derive(Clone, Copy, Default)]
pub(crate) struct Hdr {
    name: (u32, u32),
    /// The first 24 bytes of the lower-case name, zero-padded, as big-endian words: names
    /// compare by key first, and by bytes only when both are longer than 24 bytes.
    key: [u64; 3],
    src: u32,
}

/// Headers and query parameters beyond this many go to the heap.
const INLINE: usize = 32;

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

/// The sorted headers and query parameters of one canonical request. Lower-cased header
/// names and re-encoded query components live in one scratch buffer, referenced by range.
pub(crate) struct Canonical<'a> {
    /// Reused per-thread work space: scratch bytes and the header and query tables.
    w: Box<Buffers>,
    input: &'a [(&'a str, &'a str)],
    /// Values of the signer's own headers: date, token, content hash.
    own: [&'a [u8]; 3],
}

/// Whether `order` lists each of `n` items exactly once, in the order `less` defines (a
/// strict total order, so equal items must still differ, by index): strictly increasing
/// neighbours are distinct, so a right-length `order` that passes is a permutation.
fn follows(n: usize, order: &[u16], less: impl Fn(u16, u16) -> bool) -> bool {
    order.len() == n
        && order.first().is_none_or(|&i| usize::from(i) < n)
        && order.windows(2).all(|p| less(p[0], p[1]))
}

/// Order of two names whose keys (first 24 bytes) are equal.
fn cmp_names(scratch: &[u8], a: &Hdr, b: &Hdr) -> std::cmp::Ordering {
    let an = &scratch[a.name.0 as usize..a.name.1 as usize];
    let bn = &scratch[b.name.0 as usize..b.name.1 as usize];
    cmp_bytes(an, bn)
}

/// Byte-wise order of two short strings, eight bytes at a time without calling `memcmp`.
#[inline]
fn cmp_bytes(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let (mut ac, mut bc) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut ac).zip(&mut bc) {
        let (x, y) = (u64::from_be_bytes(word(x)), u64::from_be_bytes(word(y)));
        if x != y {
            return x.cmp(&y);
        }
    }
    let done = a.len().min(b.len()) / 8 * 8;
    a[done..].iter().cmp(b[done..].iter())
}

#[inline]
pub(crate) fn word(chunk: &[u8]) -> [u8; 8] {
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    w
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

impl<'a> Canonical<'a> {
    /// Checks and collects the headers to sign and the query parameters; `extra` is room for
    /// the auth parameters of query mode.
    pub(crate) fn new(
        headers: &'a [(&'a str, &'a str)],
        added: &Added<'a>,
        settings: &SigningSettings,
        raw_query: &str,
        drop_auth_params: bool,
        mut w: Box<Buffers>,
    ) -> Result<Self, Error> {
        w.clear_tables();
        let own = [
            added.date.unwrap_or_default(),
            added.token.unwrap_or_default(),
            added.content_sha256.unwrap_or_default(),
        ];
        let mut c = Canonical { w, input: headers, own };
        for (i, (name, value)) in headers.iter().enumerate() {
            let lower = c.push_lower_name(name)?;
            check_value(name, value.as_bytes())?;
            // The signer's own headers replace the request's copies.
            let replaced = match &c.w.scratch[lower..] {
                b"x-amz-date" if added.date.is_some() => true,
                b"x-amz-security-token" if added.token.is_some() => true,
                b"x-amz-content-sha256" if added.content_sha256.is_some() => true,
                name => settings.is_excluded_lower(name),
            };
            if replaced {
                c.w.scratch.truncate(lower);
                continue;
            }
            c.push_header(lower, i as u32);
        }
        let own_src = headers.len() as u32;
        for (name, present, src) in [
            ("x-amz-date", added.date.is_some(), own_src),
            ("x-amz-security-token", added.token.is_some(), own_src + 1),
            ("x-amz-content-sha256", added.content_sha256.is_some(), own_src + 2),
        ] {
            if present {
                let start = c.w.scratch.len();
                c.w.scratch.extend_from_slice(name.as_bytes());
                c.push_header(start, src);
            }
        }
        c.sort_headers();

        c.push_query(raw_query.as_bytes(), drop_auth_params);
        Ok(c)
    }

    /// Splits the raw query into `&`-separated pairs (empty ones dropped) and each at its
    /// first `=`, re-encoding keys and values in the same pass.
    fn push_query(&mut self, raw: &[u8], drop_auth_params: bool) {
        let scratch = &mut self.w.scratch;
        let mut i = 0;
        while let Some(rest) = raw.get(i..).filter(|r| !r.is_empty()) {
            if rest[0] == b'&' {
                i += 1;
                continue;
            }
            let ks = scratch.len();
            i += reencode_until(scratch, rest, Stop::AmpOrEq);
            let ke = scratch.len();
            scratch.push(b'=');
            if raw.get(i) == Some(&b'=') {
                i += 1;
                i += reencode_until(scratch, raw.get(i..).unwrap_or_default(), Stop::Amp);
            }
            // `i` is at the `&` that ends the pair, or at the end.
            i += 1;
            // The auth parameters' names are all unreserved characters, so a key decodes
            // to one of them exactly when its canonical encoding is that name.
            if drop_auth_params && AUTH_PARAMS.iter().any(|a| scratch[ks..ke] == *a.as_bytes()) {
                scratch.truncate(ks);
                continue;
            }
            self.w.query.push((ks as u32, ke as u32, scratch.len() as u32));
        }
    }

    /// Appends the lower-cased `name` to the scratch buffer, checking in the same pass that
    /// it is a valid header name, and returns where it starts.
    fn push_lower_name(&mut self, name: &str) -> Result<usize, Error> {
        let start = self.w.scratch.len();
        let mut valid = !name.is_empty();
        self.w.scratch.extend(name.bytes().map(|b| {
            let lower = LOWER_TCHAR[usize::from(b)];
            valid &= lower != 0;
            lower
        }));
        if !valid {
            return Err(Error::new(ErrorKind::InvalidHeaderName { name: printable(name) }));
        }
        Ok(start)
    }

    /// Adds the header whose lower-case name is the end of the scratch buffer from `start`.
    fn push_header(&mut self, start: usize, src: u32) {
        let scratch = &mut self.w.scratch;
        let end = scratch.len();
        // The key is read from 24 fixed bytes: the name followed by zeros, which are then
        // dropped again (a fixed-size read needs no call to `memcpy`).
        scratch.extend_from_slice(&[0; 24]);
        let mut key = [0u64; 3];
        if let Some(padded) = scratch.get(start..start + 24) {
            for (k, chunk) in key.iter_mut().zip(padded.chunks_exact(8)) {
                *k = u64::from_be_bytes(word(chunk));
            }
        }
        scratch.truncate(end);
        self.w.hdrs.push(Hdr { name: (start as u32, end as u32), key, src });
    }

    fn name(&self, h: &Hdr) -> &[u8] {
        &self.w.scratch[h.name.0 as usize..h.name.1 as usize]
    }

    /// The raw value of a header.
    fn value(&self, h: &Hdr) -> &'a [u8] {
        let i = h.src as usize;
        match self.input.get(i) {
            Some((_, v)) => v.as_bytes(),
            None => self.own.get(i - self.input.len()).copied().unwrap_or_default(),
        }
    }

    /// Orders the headers by lower-case name, repeated names in input order (headers are
    /// pushed in input order, so their index breaks ties).
    fn sort_headers(&mut self) {
        let w = &mut self.w;
        if w.hdrs.iter().all(|h| h.name.1 - h.name.0 <= 24) {
            // The keys hold whole names: sort plain integer tuples. A client signs the same
            // operation's headers again and again, so the last order is tried first: it is
            // kept when it sorts these keys too (checked in one pass).
            let hdrs = &w.hdrs;
            let key = |i: u16| hdrs.get(usize::from(i)).map(|h| (h.key, i));
            if follows(
                hdrs.len(),
                &w.last_order,
                |a, b| matches!((key(a), key(b)), (Some(a), Some(b)) if a < b),
            ) {
                w.sorted.extend_from_slice(&w.last_order);
                return;
            }
            w.keys.extend(
                w.hdrs.iter().enumerate().map(|(i, h)| (h.key[0], h.key[1], h.key[2], i as u16)),
            );
            w.keys.sort_unstable();
            w.sorted.extend(w.keys.iter().map(|k| k.3));
            w.last_order.clear();
            w.last_order.extend_from_slice(&w.sorted);
        } else {
            w.sorted.extend(0..w.hdrs.len() as u16);
            let (scratch, hdrs) = (&w.scratch, &w.hdrs);
            w.sorted.sort_unstable_by(|&a, &b| {
                let (ha, hb) = (&hdrs[usize::from(a)], &hdrs[usize::from(b)]);
                ha.key.cmp(&hb.key).then_with(|| cmp_names(scratch, ha, hb)).then(a.cmp(&b))
            });
        }
    }

    /// The headers in canonical order.
    fn in_order(&self) -> impl Iterator<Item = &Hdr> {
        let hdrs = &self.w.hdrs;
        self.w.sorted.iter().map(move |&i| &hdrs[usize::from(i)])
    }

    /// Whether two headers have the same name (cheaply, by key, for names up to 24 bytes).
    #[inline]
    fn same_name(&self, a: &Hdr, b: &Hdr) -> bool {
        let (la, lb) = (a.name.1 - a.name.0, b.name.1 - b.name.0);
        a.key == b.key && la == lb && (la <= 24 || self.name(a) == self.name(b))
    }

    /// Adds a query pair whose key is canonical already and whose value `value` writes in
    /// canonical encoding.
    pub(crate) fn push_param(&mut self, key: &[u8], value: impl FnOnce(&mut Vec<u8>)) {
        let ks = self.w.scratch.len();
        self.w.scratch.extend_from_slice(key);
        let ke = self.w.scratch.len();
        self.w.scratch.push(b'=');
        value(&mut self.w.scratch);
        self.w.query.push((ks as u32, ke as u32, self.w.scratch.len() as u32));
    }

    /// Writes the signed header names, lower-case, distinct, with `sep` between them.
    pub(crate) fn write_signed_headers(&self, sink: &mut impl Sink, sep: &[u8]) {
        let mut prev: Option<&Hdr> = None;
        for h in self.in_order() {
            if prev.is_some_and(|p| self.same_name(p, h)) {
                continue;
            }
            if prev.is_some() {
                sink.write(sep);
            }
            sink.write(self.name(h));
            prev = Some(h);
        }
    }

    /// Adds the `X-Amz-SignedHeaders` query parameter, copying the names from the scratch
    /// buffer itself.
    pub(crate) fn push_signed_headers_param(&mut self) {
        let ks = self.w.scratch.len();
        self.w.scratch.extend_from_slice(b"X-Amz-SignedHeaders");
        let ke = self.w.scratch.len();
        self.w.scratch.push(b'=');
        let mut prev: Option<Hdr> = None;
        for i in 0..self.w.sorted.len() {
            let h = self.w.hdrs[usize::from(self.w.sorted[i])];
            if prev.is_some_and(|p| self.same_name(&p, &h)) {
                continue;
            }
            if prev.is_some() {
                self.w.scratch.extend_from_slice(b"%3B");
            }
            self.w.scratch.extend_from_within(h.name.0 as usize..h.name.1 as usize);
            prev = Some(h);
        }
        self.w.query.push((ks as u32, ke as u32, self.w.scratch.len() as u32));
    }

    /// Gives the work space back for reuse.
    pub(crate) fn into_buffers(self) -> Box<Buffers> {
        self.w
    }

    /// Writes the canonical header block: `name:v1,v2\n` per distinct name.
    pub(crate) fn write_canonical_headers(&self, sink: &mut Vec<u8>) {
        let mut prev: Option<&Hdr> = None;
        for h in self.in_order() {
            if prev.is_some_and(|p| self.same_name(p, h)) {
                sink.push(b',');
            } else {
                if prev.is_some() {
                    sink.push(b'\n');
                }
                sink.extend_from_slice(self.name(h));
                sink.push(b':');
            }
            write_trimmed(sink, self.value(h));
            prev = Some(h);
        }
        if prev.is_some() {
            sink.push(b'\n');
        }
    }

    pub(crate) fn sort_query(&mut self) {
        let w = &mut self.w;
        let buf = &w.scratch;
        // Sort by a 16-byte prefix of the key first (zero-padded: canonical text has no zero
        // bytes, so padding keeps the order), and compare whole keys and values only on ties.
        let prefix = |p: &(u32, u32, u32)| {
            let key = &buf[p.0 as usize..p.1 as usize];
            let mut padded = [0u8; 16];
            let n = key.len().min(16);
            padded[..n].copy_from_slice(&key[..n]);
            u128::from_be_bytes(padded)
        };
        w.keyed.extend(w.query.iter().enumerate().map(|(i, p)| (prefix(p), i as u16)));
        let pairs = &w.query;
        // The canonical order, made strict by the index (equal pairs are equal text, so their
        // order does not show).
        let cmp = |a: &(u128, u16), b: &(u128, u16)| {
            a.0.cmp(&b.0)
                .then_with(|| {
                    let (a, b) = (&pairs[usize::from(a.1)], &pairs[usize::from(b.1)]);
                    // The value starts after the `=` that follows the key.
                    let (ak, av) =
                        (&buf[a.0 as usize..a.1 as usize], &buf[a.1 as usize + 1..a.2 as usize]);
                    let (bk, bv) =
                        (&buf[b.0 as usize..b.1 as usize], &buf[b.1 as usize + 1..b.2 as usize]);
                    ak.cmp(bk).then_with(|| av.cmp(bv))
                })
                .then(a.1.cmp(&b.1))
        };
        // The last order is kept when it sorts these pairs too, as for the headers.
        let keyed = &w.keyed;
        let less = |a: u16, b: u16| match (keyed.get(usize::from(a)), keyed.get(usize::from(b))) {
            (Some(a), Some(b)) => cmp(a, b).is_lt(),
            _ => false,
        };
        if follows(keyed.len(), &w.last_query_order, less) {
            w.query_sorted.extend(w.last_query_order.iter().map(|&i| pairs[usize::from(i)]));
        } else {
            w.keyed.sort_unstable_by(cmp);
            w.query_sorted.extend(w.keyed.iter().map(|k| pairs[usize::from(k.1)]));
            w.last_query_order.clear();
            w.last_query_order.extend(w.keyed.iter().map(|k| k.1));
        }
        std::mem::swap(&mut w.query, &mut w.query_sorted);
    }

    pub(crate) fn write_query(&self, sink: &mut impl Sink) {
        // Each pair is stored as `key=value`, contiguous.
        for (i, &(ks, _, ve)) in self.w.query.iter().enumerate() {
            if i > 0 {
                sink.write(b"&");
            }
            sink.write(&self.w.scratch[ks as usize..ve as usize]);
        }
    }
}

/// RFC 9110 `tchar`, as a lookup table.
const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        i += 1;
    }
    t
};

#[inline]
fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

/// Each RFC 9110 `tchar` lower-cased, and zero for every other byte.
const LOWER_TCHAR: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if TCHAR[i] {
            t[i] = (i as u8).to_ascii_lowercase();
        }
        i += 1;
    }
    t
};

fn check_value(name: &str, value: &[u8]) -> Result<(), Error> {
    if has_control(value) {
        return Err(Error::new(ErrorKind::InvalidHeaderValue { name: printable(name) }));
    }
    Ok(())
}

/// Whether `value` has a control byte other than tab: eight bytes at a time, and byte by
/// byte only for a word that may hold one.
fn has_control(value: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let bad_byte = |b: u8| (b < 0x20 && b != b'\t') || b == 0x7f;
    let mut chunks = value.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(word(chunk));
        let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
        let y = x ^ (ONES * 0x7f);
        let del = y.wrapping_sub(ONES) & !y & HIGHS;
        if (below_space | del) != 0 && chunk.iter().any(|&b| bad_byte(b)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| bad_byte(b))
}

pub(crate) fn check_method(method: &str) -> Result<(), Error> {
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(Error::new(ErrorKind::InvalidMethod));
    }
    Ok(())
}

/// Whether a byte of a header value is whitespace for trimming.
///
/// The reference signer (aws-c-auth) trims with ASCII `isspace`. Values reaching the
/// canonicaliser have no control bytes but tab (`check_value` rejects the others), so the
/// only whitespace that can occur is space and tab, and one comparison finds both.
#[inline]
fn is_space(b: u8) -> bool {
    b <= b' '
}

/// Writes a header value trimmed, with inner runs of whitespace collapsed to one space: the
/// value is copied whole, then compacted in place, a word at a time.
fn write_trimmed(out: &mut Vec<u8>, value: &[u8]) {
    let base = out.len();
    out.extend_from_slice(value);
    let buf = &mut out[base..];
    let n = buf.len();
    let (mut r, mut w) = (0, 0);
    loop {
        while r < n && is_space(buf[r]) {
            r += 1;
        }
        if r == n {
            break;
        }
        if w > 0 {
            buf[w] = b' ';
            w += 1;
        }
        if w == r {
            // Nothing dropped yet: the word is in place already.
            while r < n && !is_space(buf[r]) {
                r += 1;
            }
            w = r;
        } else {
            while r < n && !is_space(buf[r]) {
                buf[w] = buf[r];
                w += 1;
                r += 1;
            }
        }
    }
    out.truncate(base + w);
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

/// Whether the session token goes into the signature.
#[inline]
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
        write_trimmed(&mut out, b"  a \t b\tc   \"x   y\"  ");
        assert_eq!(out, b"a b c \"x y\"");
        let mut out = Vec::new();
        write_trimmed(&mut out, "a\u{a0}\u{a0}b".as_bytes());
        assert_eq!(out, "a\u{a0}\u{a0}b".as_bytes(), "U+00A0 is not ASCII whitespace");
        for (input, expected) in [
            ("", ""),
            ("   ", ""),
            ("a", "a"),
            ("a b", "a b"),
            ("a\tb", "a b"),
            (" a  b ", "a b"),
            ("a \t b  c d", "a b c d"),
            ("  value   with    spaces 12  ", "value with spaces 12"),
            ("abcdefghijklmnopq", "abcdefghijklmnopq"),
            ("        ab        cd        ", "ab cd"),
        ] {
            let mut out = b"prefix".to_vec();
            write_trimmed(&mut out, input.as_bytes());
            assert_eq!(String::from_utf8(out).unwrap(), format!("prefix{expected}"), "{input:?}");
        }
    }

    /// Trimming against the definition (split on whitespace, join with one
    /// space), for every string of up to 11 bytes over `a`, space and tab, and for long runs.
    #[test]
    fn trimming_agrees_with_split_and_join_exhaustively() {
        let reference = |v: &[u8]| -> Vec<u8> {
            let words: Vec<&[u8]> =
                v.split(|&b| b == b' ' || b == b'\t').filter(|w| !w.is_empty()).collect();
            words.join(&b' ')
        };
        let alphabet = [b'a', b' ', b'\t'];
        let mut input = Vec::new();
        for len in 0..=11u32 {
            for mut n in 0..3usize.pow(len) {
                input.clear();
                for _ in 0..len {
                    input.push(alphabet[n % 3]);
                    n /= 3;
                }
                let mut out = Vec::new();
                write_trimmed(&mut out, &input);
                assert_eq!(out, reference(&input), "{:?}", String::from_utf8_lossy(&input));
            }
        }
        for (word, gap) in [(1, 9), (9, 1), (17, 17), (8, 8), (7, 16)] {
            let v: Vec<u8> =
                (0..200).map(|i| if i % (word + gap) < word { b'x' } else { b' ' }).collect();
            let mut out = Vec::new();
            write_trimmed(&mut out, &v);
            assert_eq!(out, reference(&v));
        }
    }

    /// The canonical header block of `headers`, written with the given work space, which is
    /// handed back for the next call.
    fn header_block(headers: &[(&str, &str)], w: Box<Buffers>) -> (String, Box<Buffers>) {
        let added = Added { date: None, token: None, content_sha256: None };
        let c = Canonical::new(headers, &added, &SigningSettings::DEFAULT, "", false, w).unwrap();
        let mut out = Vec::new();
        c.write_canonical_headers(&mut out);
        (String::from_utf8(out).unwrap(), c.into_buffers())
    }

    /// Writes each input (forwards, then backwards) with one work space carried from call to
    /// call, checks it against a fresh work space, and returns the carried one.
    fn agrees_with_fresh<T: std::fmt::Debug>(
        inputs: &[T],
        write: impl Fn(&T, Box<Buffers>) -> (String, Box<Buffers>),
    ) -> Box<Buffers> {
        let mut w = Box::default();
        for input in inputs.iter().chain(inputs.iter().rev()) {
            let (fresh, _) = write(input, Box::default());
            let (reused, back) = write(input, w);
            w = back;
            assert_eq!(reused, fresh, "{input:?}");
        }
        w
    }

    #[test]
    fn the_last_order_is_reused_only_when_it_still_sorts() {
        let sets: &[&[(&str, &str)]] = &[
            &[("b", "1"), ("a", "2"), ("c", "3")],
            &[("b", "1"), ("a", "2"), ("c", "3")],
            &[("a", "1"), ("b", "2"), ("c", "3")],
            &[("c", "1"), ("b", "2"), ("a", "3")],
            &[("x", "1"), ("x", "2"), ("a", "3")],
            &[("a", "3"), ("x", "1"), ("x", "2")],
            &[("x", "2"), ("a", "3"), ("x", "1")],
            &[("b", "1"), ("a", "2")],
            &[("b", "1"), ("a", "2"), ("c", "3"), ("d", "4")],
            &[],
            &[("z", "1")],
        ];
        let w = agrees_with_fresh(sets, |set, w| header_block(set, w));
        assert_eq!(header_block(&[("x", "2"), ("a", "3"), ("x", "1")], w).0, "a:3\nx:2,1\n");
    }

    #[test]
    fn the_last_query_order_is_reused_only_when_it_still_sorts() {
        let queries = [
            "b=1&a=2&c=3",
            "b=1&a=2&c=3",
            "b=9&a=2&c=3",
            "a=1&b=2&c=3",
            "x=2&x=1&a",
            "x=1&x=2&a",
            "x=1&a&x=1",
            "key%201=v&key%2010=v&key%202=v",
            "key%2010=v&key%201=v&key%202=v",
            "b=1&a=2",
            "",
            "z",
        ];
        let canonical = |raw: &str, w: Box<Buffers>| {
            let added = Added { date: None, token: None, content_sha256: None };
            let mut q =
                Canonical::new(&[], &added, &SigningSettings::DEFAULT, raw, false, w).unwrap();
            q.sort_query();
            let mut out = Vec::new();
            q.write_query(&mut out);
            (String::from_utf8(out).unwrap(), q.into_buffers())
        };
        let w = agrees_with_fresh(&queries, |raw, w| canonical(raw, w));
        assert_eq!(canonical("x=2&x=1&a", w).0, "a=&x=1&x=2");
    }

    #[test]
    fn query_sorts_after_encoding_and_keeps_repeated_keys() {
        let added = Added { date: None, token: None, content_sha256: None };
        let raw = "Param=v&%E1%88%B4=x&b=2&b=1&flag&a+b=c d";
        let mut q =
            Canonical::new(&[], &added, &SigningSettings::DEFAULT, raw, false, Box::default())
                .unwrap();
        q.sort_query();
        let mut out = Vec::new();
        q.write_query(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "%E1%88%B4=x&Param=v&a%2Bb=c%20d&b=1&b=2&flag="
        );
    }
}
