//! Line diffs of canonical requests, and what a difference usually means.

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// In both.
    Same(&'a str),
    /// Only in AWS's canonical request.
    Expected(&'a str),
    /// Only in ours.
    Ours(&'a str),
}

/// The canonical request in a file holding AWS's `SignatureDoesNotMatch` message (the
/// `<CanonicalRequest>` element of S3's XML error, or the text after "The Canonical String
/// for this request should have been"), or the whole file when it is only a canonical request.
pub(crate) fn extract_canonical_request(text: &str) -> Option<String> {
    if let Some(start) = text.find("<CanonicalRequest>") {
        let rest = text.get(start + "<CanonicalRequest>".len()..)?;
        let end = rest.find("</CanonicalRequest>")?;
        return Some(xml_unescape(rest.get(..end)?));
    }
    const MARK: &str = "The Canonical String for this request should have been";
    if let Some(start) = text.find(MARK) {
        let rest = text.get(start + MARK.len()..)?;
        let open = rest.find('\'')?;
        let body = rest.get(open + 1..)?;
        let end =
            body.find("'\n\nThe String-to-Sign should have been").or_else(|| body.rfind('\''))?;
        return Some(body.get(..end)?.to_owned());
    }
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    if trimmed.lines().count() >= 5 { Some(trimmed.replace("\r\n", "\n")) } else { None }
}

/// The string to sign in AWS's answer, when it has one: S3's `<StringToSign>`, or the text
/// after "The String-to-Sign should have been".
pub(crate) fn extract_string_to_sign(text: &str) -> Option<String> {
    if let Some(start) = text.find("<StringToSign>") {
        let rest = text.get(start + "<StringToSign>".len()..)?;
        let end = rest.find("</StringToSign>")?;
        return Some(xml_unescape(rest.get(..end)?));
    }
    const MARK: &str = "The String-to-Sign should have been";
    let start = text.find(MARK)?;
    let rest = text.get(start + MARK.len()..)?;
    let body = rest.get(rest.find('\'')? + 1..)?;
    Some(body.get(..body.find('\'')?)?.to_owned())
}

/// What a differing string to sign (with identical canonical requests) means.
pub(crate) fn string_to_sign_hints(expected: &str, ours: &str) -> Vec<String> {
    let a: Vec<&str> = expected.split('\n').collect();
    let b: Vec<&str> = ours.split('\n').collect();
    fn line<'a>(v: &[&'a str], i: usize) -> &'a str {
        v.get(i).copied().unwrap_or_default()
    }
    let mut out = Vec::new();
    if line(&a, 1) != line(&b, 1) {
        out.push(format!(
            "the signing time differs (AWS {}, ours {}): sign with the time you send in X-Amz-Date (--time), and check the clock",
            line(&a, 1),
            line(&b, 1)
        ));
    }
    let (sa, sb) = (line(&a, 2), line(&b, 2));
    if sa != sb {
        let parts = |s: &str| s.split('/').map(str::to_owned).collect::<Vec<_>>();
        let (pa, pb) = (parts(sa), parts(sb));
        for (i, what) in [(1, "region"), (2, "service")] {
            if pa.get(i) != pb.get(i) {
                out.push(format!(
                    "the scope's {what} differs: AWS expects `{}`, we signed for `{}`",
                    pa.get(i).map_or("", String::as_str),
                    pb.get(i).map_or("", String::as_str)
                ));
            }
        }
    }
    out
}

fn xml_unescape(text: &str) -> String {
    text.replace("&#10;", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The largest LCS table built (lines x lines), about 32 MiB.
const MAX_LCS_CELLS: usize = 4_000_000;

/// A longest-common-subsequence line diff (canonical requests are short).
pub(crate) fn diff_lines<'a>(expected: &'a str, ours: &'a str) -> Vec<Line<'a>> {
    let a: Vec<&str> = expected.split('\n').collect();
    let b: Vec<&str> = ours.split('\n').collect();
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > MAX_LCS_CELLS {
        // Too large for the table (not a canonical request AWS would send): pair lines by
        // position instead.
        let mut out = Vec::with_capacity(n.max(m));
        for i in 0..n.max(m) {
            match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) if x == y => out.push(Line::Same(x)),
                (x, y) => {
                    out.extend(x.map(|x| Line::Expected(x)));
                    out.extend(y.map(|y| Line::Ours(y)));
                }
            }
        }
        return out;
    }
    // lcs[i][j]: the LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] =
                if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n && j < m {
        if a[i] == b[j] {
            out.push(Line::Same(a[i]));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(Line::Expected(a[i]));
            i += 1;
        } else {
            out.push(Line::Ours(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| Line::Expected(l)));
    out.extend(b[j..].iter().map(|l| Line::Ours(l)));
    out
}

/// What the differing parts usually mean, by canonical-request section.
pub(crate) fn hints(expected: &str, ours: &str) -> Vec<String> {
    let a: Vec<&str> = expected.split('\n').collect();
    let b: Vec<&str> = ours.split('\n').collect();
    let mut out = Vec::new();
    let line = |v: &[&str], i: usize| v.get(i).copied().unwrap_or_default().to_owned();
    if line(&a, 0) != line(&b, 0) {
        out.push("the method differs: sign with the method you send (-X)".to_owned());
    }
    if line(&a, 1) != line(&b, 1) {
        out.push(
            "the path differs: sign the path the server sees (a proxy or API stage may rewrite it); S3 neither normalises nor double-encodes paths (--s3), other services do both"
                .to_owned(),
        );
    }
    if line(&a, 2) != line(&b, 2) {
        out.push(
            "the query differs: parameters are sorted and encoded strictly (space as %20, never +)"
                .to_owned(),
        );
    }
    let (la, lb) = (a.len(), b.len());
    if la >= 2 && lb >= 2 {
        if a[la - 1] != b[lb - 1] {
            out.push("the payload hash differs: the body sent is not the body signed, or UNSIGNED-PAYLOAD is expected (--unsigned-payload)".to_owned());
        }
        if a[la - 2] != b[lb - 2] {
            out.push("the signed headers differ: a proxy may add or drop headers; sign only the headers you send".to_owned());
        }
    }
    let headers = |v: &[&str]| -> Vec<String> {
        v.iter().skip(3).take_while(|l| !l.is_empty()).map(|l| (*l).to_owned()).collect()
    };
    if headers(&a) != headers(&b) && out.iter().all(|h| !h.starts_with("the signed headers")) {
        out.push("a header value differs: check what the HTTP client or a proxy changes (host with a port, content-type, content-length)".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_changed_lines() {
        let d = diff_lines("GET\n/a\n\nh\n", "GET\n/b\n\nh\n");
        assert_eq!(
            d,
            [
                Line::Same("GET"),
                Line::Expected("/a"),
                Line::Ours("/b"),
                Line::Same(""),
                Line::Same("h"),
                Line::Same("")
            ]
        );
    }

    #[test]
    fn huge_inputs_are_paired_by_position() {
        let a = "x\n".repeat(3000);
        let b = format!("y\n{}", "x\n".repeat(2999));
        let d = diff_lines(&a, &b);
        assert_eq!(&d[..3], [Line::Expected("x"), Line::Ours("y"), Line::Same("x")]);
    }

    #[test]
    fn extracts_from_s3_xml_and_sts_messages() {
        let xml = "<Error><CanonicalRequest>GET\n/\n\nhost:a&amp;b\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>";
        assert_eq!(
            extract_canonical_request(xml).unwrap(),
            "GET\n/\n\nhost:a&b\n\nhost\nUNSIGNED-PAYLOAD"
        );
        let msg = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/\n\nhost:sts.amazonaws.com\n\nhost\nabc'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n...'\n";
        assert_eq!(
            extract_canonical_request(msg).unwrap(),
            "POST\n/\n\nhost:sts.amazonaws.com\n\nhost\nabc"
        );
        assert_eq!(extract_canonical_request("one line"), None);
        assert_eq!(extract_string_to_sign(msg).unwrap(), "AWS4-HMAC-SHA256\n...");
        let xml = "<Error><StringToSign>AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/s3/aws4_request\nabc</StringToSign></Error>";
        let sts = extract_string_to_sign(xml).unwrap();
        let ours = "AWS4-HMAC-SHA256\n20150830T123700Z\n20150830/eu-west-1/s3/aws4_request\nabc";
        let hints = string_to_sign_hints(&sts, ours);
        assert_eq!(hints.len(), 2, "{hints:?}");
        assert!(
            hints[1].contains("region differs: AWS expects `us-east-1`, we signed for `eu-west-1`")
        );
    }
}
