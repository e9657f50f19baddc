//! The rules engine's standard library on plain strings (the evaluator wires them to values).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// `substring(input, start, stop, reverse)`: `None` unless `0 <= start < stop <= len` and the
/// input is all ASCII.
pub(crate) fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<Range<usize>> {
    let start = usize::try_from(start).ok()?;
    let stop = usize::try_from(stop).ok()?;
    if start >= stop || input.len() < stop || !input.is_ascii() {
        return None;
    }
    if reverse { Some(input.len() - stop..input.len() - start) } else { Some(start..stop) }
}

/// `uriEncode`: percent-encodes everything but `A-Za-z0-9-_.~`, with uppercase hex.
pub(crate) fn uri_encode(input: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

/// Whether `uriEncode` would change `input`.
pub(crate) fn needs_uri_encoding(input: &str) -> bool {
    !input.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// `isValidHostLabel(value, allowSubDomains)`: RFC 1123 labels of 1 to 63 characters from
/// `A-Za-z0-9-`, neither starting nor ending with `-` (botocore's rule).
pub(crate) fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains { value.split('.').all(is_one_label) } else { is_one_label(value) }
}

/// The bytes a host label may contain (ASCII letters, digits and `-`), by byte value: one
/// load per byte instead of three range tests.
const LABEL_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-';
        b += 1;
    }
    table
};

fn is_one_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|b| LABEL_BYTES[usize::from(*b)])
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`: a valid host label (or dotted
/// labels), 3 to 63 characters, no uppercase letters, not shaped like an IPv4 address
/// (`^\d+\.\d+\.\d+\.\d+$`, which botocore and smithy-rs refuse as a bucket name).
///
/// One pass over the bytes, stopping at the first one that cannot be in a bucket name: this
/// runs on every S3 resolution with a bucket, ARNs included.
pub(crate) fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    let bytes = value.as_bytes();
    if !(3..=63).contains(&bytes.len()) {
        return false;
    }
    // `prev` starts as a dot: a label may not start with `-` or be empty.
    let (mut prev, mut dots, mut digits_and_dots) = (b'.', 0, true);
    for &b in bytes {
        match b {
            b'0'..=b'9' => {}
            b'a'..=b'z' => digits_and_dots = false,
            b'-' if prev != b'.' => digits_and_dots = false,
            b'.' if allow_sub_domains && prev != b'.' && prev != b'-' => dots += 1,
            _ => return false,
        }
        prev = b;
    }
    prev != b'-' && prev != b'.' && !(digits_and_dots && dots == 3)
}

/// The pieces of a URL accepted by `parseURL`, as byte ranges of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts {
    pub(crate) scheme: Range<usize>,
    pub(crate) authority: Range<usize>,
    pub(crate) path: Range<usize>,
    pub(crate) is_ip: bool,
}

/// `parseURL`: `http` or `https`, an authority with a valid optional port, no query and no
/// fragment. The authority drops any user information.
pub(crate) fn parse_url(input: &str) -> Option<UrlParts> {
    let sep = input.find("://")?;
    let scheme = input.get(..sep)?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if input.contains(['?', '#']) || input.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let rest_start = sep + 3;
    let rest = input.get(rest_start..)?;
    let authority_len = rest.find('/').unwrap_or(rest.len());
    let full_authority = rest.get(..authority_len)?;
    // Drop `user:password@`.
    let host_start = full_authority.rfind('@').map_or(0, |i| i + 1);
    let authority = full_authority.get(host_start..)?;
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let close = inner.find(']')?;
        let ip = inner.get(..close)?;
        ip.parse::<Ipv6Addr>().ok()?;
        let after = inner.get(close + 1..)?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (authority.get(..close + 2)?, port)
    } else {
        match authority.rfind(':') {
            Some(i) => (authority.get(..i)?, Some(authority.get(i + 1..)?)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        port.parse::<u16>().ok()?;
    }
    let is_ip = host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok();
    let authority_start = rest_start + host_start;
    let path_start = rest_start + authority_len;
    Some(UrlParts {
        scheme: 0..sep,
        authority: authority_start..path_start,
        path: path_start..input.len(),
        is_ip,
    })
}

/// The pieces of an ARN accepted by `aws.parseArn`, as byte ranges of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnParts {
    pub(crate) partition: Range<usize>,
    pub(crate) service: Range<usize>,
    pub(crate) region: Range<usize>,
    pub(crate) account_id: Range<usize>,
    pub(crate) resource: Range<usize>,
    /// The first pieces of the resource split on `:` and `/` (`resourceId[n]`), so that
    /// reading one is an index; `id_count` counts all of them.
    pub(crate) ids: [Range<usize>; ARN_IDS],
    pub(crate) id_count: usize,
}

/// How many resource-id pieces an `ArnParts` keeps at hand (S3 access points use 2, Outposts
/// 4); later ones are found by splitting again.
pub(crate) const ARN_IDS: usize = 4;

/// `aws.parseArn`: `arn:partition:service:region:account:resource` with a non-empty
/// partition, service and resource.
pub(crate) fn parse_arn(input: &str) -> Option<ArnParts> {
    if !input.starts_with("arn:") {
        return None;
    }
    // The four colons after `arn:`, in one pass over the bytes.
    let mut fields = [0..0, 0..0, 0..0, 0..0];
    let mut found = 0;
    let mut pos = 4;
    for (i, b) in input.bytes().enumerate().skip(4) {
        if b == b':' {
            let Some(field) = fields.get_mut(found) else { break };
            *field = pos..i;
            pos = i + 1;
            found += 1;
        }
    }
    if found < fields.len() {
        return None;
    }
    let [partition, service, region, account_id] = fields;
    let resource = pos..input.len();
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let mut ids = [0..0, 0..0, 0..0, 0..0];
    let mut id_count = 0;
    let mut start = resource.start;
    let ends = input.bytes().enumerate().skip(start).filter(|(_, b)| *b == b':' || *b == b'/');
    for end in ends.map(|(i, _)| i).chain(std::iter::once(input.len())) {
        if let Some(id) = ids.get_mut(id_count) {
            *id = start..end;
        }
        id_count += 1;
        start = end + 1;
    }
    Some(ArnParts { partition, service, region, account_id, resource, ids, id_count })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Option<(String, String, String, bool)> {
        parse_url(s).map(|p| {
            (s[p.scheme].to_owned(), s[p.authority].to_owned(), s[p.path].to_owned(), p.is_ip)
        })
    }

    #[test]
    fn urls() {
        assert_eq!(
            url("https://user:pw@example.com:8443/a/b"),
            Some(("https".into(), "example.com:8443".into(), "/a/b".into(), false))
        );
        assert_eq!(url("http://[::1]:80").map(|u| (u.1, u.3)), Some(("[::1]:80".into(), true)));
        assert_eq!(url("http://10.0.0.1").map(|u| u.3), Some(true));
        for bad in ["ftp://a", "http://", "http://a:/", "http://a:99999", "http://[zz]", "a/b"] {
            assert_eq!(url(bad), None, "{bad}");
        }
    }

    #[test]
    fn arns() {
        let s = "arn:aws:s3:us-east-1:123:accesspoint/x";
        let p = parse_arn(s).unwrap();
        assert_eq!((&s[p.region], &s[p.resource]), ("us-east-1", "accesspoint/x"));
        assert_eq!(
            (&s[p.ids[0].clone()], &s[p.ids[1].clone()], p.id_count),
            ("accesspoint", "x", 2)
        );
        let s = "arn:aws:s3-outposts:us-west-2:123:outpost/op-01:accesspoint/ap/x:y";
        let p = parse_arn(s).unwrap();
        let ids: Vec<&str> = p.ids.iter().map(|r| &s[r.clone()]).collect();
        assert_eq!((ids, p.id_count), (vec!["outpost", "op-01", "accesspoint", "ap"], 6));
        assert_eq!(parse_arn("arn:aws:s3:::"), None);
        assert_eq!(parse_arn("arn:aws:s3:us-east-1:123"), None);
    }

    #[test]
    fn labels_and_buckets() {
        assert!(is_valid_host_label("a-b", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_virtual_hostable_s3_bucket("1.2.3.4", true));
        assert!(is_virtual_hostable_s3_bucket("1.2.3.4a", true));
    }

    /// The definition, spelled out: the one-pass check must agree with it.
    fn bucket_reference(value: &str, allow_sub_domains: bool) -> bool {
        let ipv4 = value.split('.').count() == 4
            && value.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        (3..=63).contains(&value.len())
            && !value.bytes().any(|b| b.is_ascii_uppercase())
            && !ipv4
            && is_valid_host_label(value, allow_sub_domains)
    }

    #[test]
    fn bucket_check_agrees_with_its_definition() {
        const ALPHABET: &[u8] = b"a1-.A_";
        let mut checked = 0;
        for len in 0..=7u32 {
            for mut n in 0..ALPHABET.len().pow(len) {
                let mut s = String::new();
                for _ in 0..len {
                    s.push(char::from(ALPHABET[n % ALPHABET.len()]));
                    n /= ALPHABET.len();
                }
                for sub in [false, true] {
                    let want = bucket_reference(&s, sub);
                    assert_eq!(is_virtual_hostable_s3_bucket(&s, sub), want, "{s:?} {sub}");
                    checked += 1;
                }
            }
        }
        for s in ["1.2.3.4", "1.2.3", "1.2.3.4.5", "a".repeat(63).as_str(), "a".repeat(64).as_str()]
        {
            for sub in [false, true] {
                assert_eq!(is_virtual_hostable_s3_bucket(s, sub), bucket_reference(s, sub), "{s}");
            }
        }
        assert!(checked > 500_000);
    }

    #[test]
    fn substrings() {
        assert_eq!(substring("abcdef", 0, 4, true), Some(2..6));
        assert_eq!(substring("abc", -1, 2, false), None);
        assert_eq!(substring("é", 0, 1, false), None);
    }
}
