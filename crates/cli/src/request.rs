//! A request as the command line describes it: method, URL, headers and body, kept exactly as
//! written so that the signature covers what goes on the wire.

use crate::args::RequestArgs;
use crate::error::Error;

/// A request to sign or send.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// `http` or `https`.
    pub(crate) scheme: String,
    /// The host and port as the `Host` header carries them.
    pub(crate) authority: String,
    /// The path and query, exactly as given.
    pub(crate) target: String,
    /// `(name, value)` as given; the value keeps its spaces (the signer trims).
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Request {
    /// From `-X`, `-H`, `-d`/`--data-file` and the URL. A `Host` header is added from the URL
    /// unless one is given.
    pub(crate) fn from_args(args: &RequestArgs) -> Result<Self, Error> {
        let (scheme, authority, target) = split_url(&args.url)?;
        let mut headers = Vec::with_capacity(args.headers.len() + 1);
        for h in &args.headers {
            headers.push(parse_header(h)?);
        }
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            headers.insert(0, ("Host".to_owned(), authority.clone()));
        }
        let body = match (&args.data, &args.data_file) {
            (Some(d), _) => Some(d.clone().into_bytes()),
            (None, Some(path)) => Some(std::fs::read(path).map_err(|e| {
                Error::usage(format!("cannot read the body from {}: {e}", path.display()))
            })?),
            (None, None) => None,
        };
        Ok(Self { method: args.method.clone(), scheme, authority, target, headers, body })
    }

    /// From `--request-file` (raw HTTP) or the command line's `-X`, `-H`, `-d` and URL.
    pub(crate) fn from_file_or_args(
        file: Option<&std::path::Path>,
        args: Option<&RequestArgs>,
    ) -> Result<Self, Error> {
        match (file, args) {
            (Some(path), _) => {
                let raw = std::fs::read(path)
                    .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?;
                Self::parse_raw(&raw)
            }
            (None, Some(args)) => Self::from_args(args),
            (None, None) => Err(Error::usage("no request").hint("give --request-file or a URL")),
        }
    }

    /// From raw HTTP/1.1 text: a request line, header lines, a blank line, the body. Line
    /// ends may be `\n` or `\r\n`.
    pub(crate) fn parse_raw(text: &[u8]) -> Result<Self, Error> {
        let bad =
            |why: &str| Error::usage(format!("the request file is not an HTTP request: {why}"));
        let (head, body) = split_head(text);
        let head = std::str::from_utf8(head).map_err(|_| bad("the head is not UTF-8"))?;
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let first = lines.next().unwrap_or_default();
        // `METHOD target HTTP/1.1`; the target may hold spaces (the suite's get-space cases).
        let (method, rest) = first.split_once(' ').unwrap_or((first, ""));
        let target = rest.rsplit_once(" HTTP/").map_or(rest, |(t, _)| t);
        if method.is_empty() || !target.starts_with('/') {
            return Err(bad("line 1 should be `METHOD /path HTTP/1.1`"));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        for (i, line) in lines.enumerate() {
            if line.is_empty() {
                continue;
            }
            if line.starts_with([' ', '\t']) {
                // A folded continuation of the previous header's value.
                let (_, value) = headers
                    .last_mut()
                    .ok_or_else(|| bad(&format!("line {} continues no header", i + 2)))?;
                value.push('\n');
                value.push_str(line);
                continue;
            }
            let (name, value) =
                line.split_once(':').ok_or_else(|| bad(&format!("line {} has no `:`", i + 2)))?;
            headers.push((name.to_owned(), value.to_owned()));
        }
        let authority = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))
            .map(|(_, v)| v.trim().to_owned())
            .ok_or_else(|| bad("it has no Host header"))?;
        Ok(Self {
            method: method.to_owned(),
            scheme: "https".to_owned(),
            authority,
            target: target.to_owned(),
            headers,
            body: if body.is_empty() { None } else { Some(body.to_vec()) },
        })
    }

    /// The headers as the signer takes them: a value folded over several lines (obsolete
    /// HTTP line folding, kept as written for display) is one line joined by spaces.
    pub(crate) fn signing_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(n, v)| {
                let value = if v.contains('\n') {
                    v.split('\n').map(|l| l.trim_end_matches('\r')).collect::<Vec<_>>().join(" ")
                } else {
                    v.clone()
                };
                (n.clone(), value)
            })
            .collect()
    }

    /// The full URL.
    pub(crate) fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority, self.target)
    }
}

/// Splits the head (request line and headers) from the body at the first blank line.
fn split_head(text: &[u8]) -> (&[u8], &[u8]) {
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(b"\r\n\r\n") {
            return (&text[..i], &text[i + 4..]);
        }
        if text[i..].starts_with(b"\n\n") {
            return (&text[..i], &text[i + 2..]);
        }
        i += 1;
    }
    (text, &[])
}

/// `Name: value`, as curl takes it. The value keeps its spaces; the signer trims.
pub(crate) fn parse_header(text: &str) -> Result<(String, String), Error> {
    let (name, value) = text.split_once(':').ok_or_else(|| {
        Error::usage(format!("header `{}` has no `:`", printable(text)))
            .hint("write headers as -H 'Name: value'")
    })?;
    if name.trim().is_empty() {
        return Err(Error::usage(format!("header `{}` has no name", printable(text))));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// `https://host[:port]/path?query` into scheme, authority (user info dropped, default ports
/// dropped) and the path and query as written (`/` when there is no path). The fragment is
/// dropped.
pub(crate) fn split_url(url: &str) -> Result<(String, String, String), Error> {
    let bad = |why: &str| {
        Error::usage(format!("`{}` is not a URL: {why}", printable(url)))
            .hint("give a full URL such as https://sts.us-east-1.amazonaws.com/")
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("it has no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad("the scheme is not http or https"));
    }
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let cut = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(cut);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if authority.is_empty() {
        return Err(bad("it has no host"));
    }
    if authority.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(bad("the host has a space or control character"));
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority.strip_suffix(default_port).unwrap_or(authority).to_owned();
    let target = match target.strip_prefix('?') {
        Some(_) => format!("/{target}"),
        None if target.is_empty() => "/".to_owned(),
        None => target.to_owned(),
    };
    Ok((scheme, authority, target))
}

/// Text with control characters escaped, for error messages.
pub(crate) fn printable(text: &str) -> String {
    text.chars().flat_map(char::escape_debug).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_as_written() {
        let s = |u: &str| split_url(u).unwrap();
        assert_eq!(
            s("https://a.b/x/../y?b=1&a=2#f"),
            ("https".into(), "a.b".into(), "/x/../y?b=1&a=2".into())
        );
        assert_eq!(s("http://u:p@h:80"), ("http".into(), "h".into(), "/".into()));
        assert_eq!(s("https://h:8443?x"), ("https".into(), "h:8443".into(), "/?x".into()));
        assert!(split_url("ftp://h/").is_err());
        assert!(split_url("h/").is_err());
        assert!(split_url("https:///x").is_err());
    }

    #[test]
    fn raw_requests_parse() {
        let r = Request::parse_raw(b"POST /a?b HTTP/1.1\r\nHost:h\r\nX: y\r\n\r\nbody").unwrap();
        assert_eq!(
            (r.method.as_str(), r.target.as_str(), r.authority.as_str()),
            ("POST", "/a?b", "h")
        );
        assert_eq!(r.headers[1], ("X".to_owned(), " y".to_owned()));
        assert_eq!(r.body.as_deref(), Some(&b"body"[..]));
        assert!(Request::parse_raw(b"nonsense").is_err());
        assert!(Request::parse_raw(b"GET / HTTP/1.1\nX: y\n\n").is_err());
    }
}
