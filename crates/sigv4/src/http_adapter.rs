//! Signing `http` crate types (feature `http`).

use std::time::Duration;

use http::header::{HOST, HeaderName, HeaderValue};
use http::{HeaderMap, Method, Request, Uri};

use crate::error::{Error, ErrorKind, printable};
use crate::signer::{Payload, SignableRequest, Signer};

/// Signs an `http::Request` in place: sets `Authorization`, `X-Amz-Date` and, where they
/// apply, `X-Amz-Security-Token` and `X-Amz-Content-Sha256`. A missing `Host` header is added
/// from the URI, without the scheme's default port, so that what is signed is what is sent.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{Credentials, Payload, Signer, sign_http_request};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let signer = Signer::new(&creds, "us-east-1", "service", time)?;
/// let mut request = http::Request::get("https://example.amazonaws.com:443/").body(())?;
/// sign_http_request(&mut request, &signer, Payload::Empty)?;
/// assert_eq!(request.headers()["host"], "example.amazonaws.com");
/// assert!(request.headers()["authorization"].to_str()?.ends_with(
///     "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_http_request<B>(
    request: &mut Request<B>,
    signer: &Signer<'_>,
    payload: Payload<'_>,
) -> Result<(), Error> {
    let uri = request.uri().clone();
    ensure_host(&uri, request.headers_mut())?;
    let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let headers = header_pairs(request.headers())?;
    let method = request.method().as_str();
    let signed = signer.sign_headers(&SignableRequest::new(method, target, &headers, payload))?;
    let mut set = Vec::with_capacity(4);
    for (name, value) in signed.headers() {
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::new(ErrorKind::InvalidHeaderValue { name: name.to_owned() }))?;
        set.push((HeaderName::from_static(name), value));
    }
    for (name, mut value) in set {
        if name == "authorization" || name == "x-amz-security-token" {
            value.set_sensitive(true);
        }
        request.headers_mut().insert(name, value);
    }
    Ok(())
}

/// Presigns a request given as method, URI and headers (which must include any header the
/// URL's user will send and want signed; `host` is taken from the URI when missing), and
/// returns the URI with the signature in its query.
pub fn presign_http_request(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    signer: &Signer<'_>,
    payload: Payload<'_>,
    expires_in: Duration,
) -> Result<Uri, Error> {
    let mut headers = headers.clone();
    ensure_host(uri, &mut headers)?;
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let pairs = header_pairs(&headers)?;
    let request = SignableRequest::new(method.as_str(), target, &pairs, payload);
    let signed = signer.presign(&request, expires_in)?;
    let url = signed.apply_to(&uri.to_string());
    url.parse().map_err(|_| {
        Error::new(ErrorKind::InvalidRequest("the presigned URL does not parse".into()))
    })
}

pub(crate) fn header_pairs(headers: &HeaderMap) -> Result<Vec<(&str, &str)>, Error> {
    headers
        .iter()
        .map(|(name, value)| {
            std::str::from_utf8(value.as_bytes()).map(|v| (name.as_str(), v)).map_err(|_| {
                Error::new(ErrorKind::InvalidHeaderValue { name: printable(name.as_str()) })
            })
        })
        .collect()
}

/// Adds `Host` from the URI when the request has none.
fn ensure_host(uri: &Uri, headers: &mut HeaderMap) -> Result<(), Error> {
    if headers.contains_key(HOST) {
        return Ok(());
    }
    let value = host_header(uri).ok_or_else(|| {
        Error::new(ErrorKind::InvalidRequest("the URI has no host to sign".into()))
    })?;
    let value = HeaderValue::from_str(&value)
        .map_err(|_| Error::new(ErrorKind::InvalidHeaderValue { name: "host".into() }))?;
    headers.insert(HOST, value);
    Ok(())
}

/// The `Host` value a client sends for `uri`: the default port of the scheme dropped.
pub(crate) fn host_header(uri: &Uri) -> Option<String> {
    let host = uri.host()?;
    let default_port = match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    };
    Some(match uri.port_u16() {
        Some(port) if Some(port) != default_port => format!("{host}:{port}"),
        _ => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_are_dropped_and_others_kept() {
        let h = |u: &str| host_header(&u.parse().unwrap()).unwrap();
        assert_eq!(h("https://s3.amazonaws.com:443/b"), "s3.amazonaws.com");
        assert_eq!(h("http://s3.amazonaws.com:80/b"), "s3.amazonaws.com");
        assert_eq!(h("http://localhost:443/"), "localhost:443");
        assert_eq!(h("https://127.0.0.1:9000/"), "127.0.0.1:9000");
        assert_eq!(h("http://[::1]:8080/"), "[::1]:8080");
    }

    #[test]
    fn a_uri_without_host_is_a_typed_error() {
        let creds = crate::Credentials::new("AKID", "SECRET");
        let signer = Signer::new(&creds, "us-east-1", "s3", std::time::UNIX_EPOCH).unwrap();
        let mut req = Request::get("/relative").body(()).unwrap();
        let err = sign_http_request(&mut req, &signer, Payload::Empty).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{err}");
    }
}
