//! Verification round trips: whatever the signer produces verifies; any single-byte change to
//! the method, path, query, a signed header, the body hash or the time is rejected, each with
//! its typed reason.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signet_sigv4::{
    Credentials, Payload, Rejection, SessionTokenMode, SignableRequest, Signer, SigningSettings,
    Verifier,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "CANARY-TOKEN-5ec4e7+/=";

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn lookup(akid: &str) -> Option<Credentials> {
    (akid == "AKIDEXAMPLE").then(|| Credentials::new("AKIDEXAMPLE", SECRET))
}

fn settings_cases() -> Vec<(&'static str, SigningSettings, bool)> {
    let mut omit = SigningSettings::DEFAULT;
    omit.session_token = SessionTokenMode::Exclude;
    let mut ua = SigningSettings::DEFAULT;
    ua.sign_header("user-agent");
    vec![
        ("default", SigningSettings::DEFAULT, false),
        ("default+token", SigningSettings::DEFAULT, true),
        ("s3", SigningSettings::S3, false),
        ("s3+token", SigningSettings::S3, true),
        ("omit-token", omit, true),
        ("user-agent signed", ua, false),
    ]
}

struct Sent {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Sent {
    fn pairs(&self) -> Vec<(&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
    }
}

/// Signs a request in header or query mode and returns it as a server would receive it.
fn sign(settings: &SigningSettings, token: bool, presign: bool) -> Sent {
    let mut creds = Credentials::new("AKIDEXAMPLE", SECRET);
    if token {
        creds = creds.with_session_token(TOKEN);
    }
    let signer =
        Signer::new(&creds, "us-east-1", "service", time()).unwrap().with_settings(settings);
    let headers = vec![
        ("Host".to_owned(), "example.amazonaws.com".to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("X-Custom".to_owned(), "  a   b ".to_owned()),
        ("User-Agent".to_owned(), "test/1.0".to_owned()),
    ];
    let body = b"{\"hello\":\"world\"}".to_vec();
    let target = "/path/to/a%20b?z=1&a=2&x=y%2Fz".to_owned();
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let request = SignableRequest::new("POST", &target, &pairs, Payload::Bytes(&body));
    let mut sent = Sent {
        method: "POST".into(),
        target: target.clone(),
        headers: headers.clone(),
        body: body.clone(),
    };
    if presign {
        let q = signer.presign(&request, Duration::from_secs(600)).unwrap();
        sent.target = q.apply_to(&target);
    } else {
        let h = signer.sign_headers(&request).unwrap();
        for (n, v) in h.headers() {
            sent.headers.push((n.to_owned(), v.to_owned()));
        }
    }
    sent
}

fn verify(settings: &SigningSettings, sent: &Sent, now: SystemTime) -> Result<(), Rejection> {
    let verifier = Verifier::new(lookup, "us-east-1", "service").with_settings(settings);
    let pairs = sent.pairs();
    let content = pairs.iter().find(|(n, _)| *n == "x-amz-content-sha256").map(|(_, v)| *v);
    let body_hash;
    let payload = match content {
        Some(v) => {
            // What an S3 server does: check the body against the header, then sign with it.
            body_hash = v.to_owned();
            Payload::Precomputed(&body_hash)
        }
        None => Payload::Bytes(&sent.body),
    };
    let request = SignableRequest::new(&sent.method, &sent.target, &pairs, payload);
    verifier.verify(&request, now).map(|_| ()).map_err(|e| e.rejection().cloned().unwrap())
}

fn flip(s: &mut String, at: usize) {
    let mut bytes = std::mem::take(s).into_bytes();
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    *s = String::from_utf8(bytes).unwrap();
}

fn is_wrong(r: Result<(), Rejection>) -> bool {
    matches!(r, Err(Rejection::WrongSignature { .. }))
}

#[test]
fn everything_the_signer_produces_verifies_and_every_tamper_is_rejected() {
    for (name, settings, token) in settings_cases() {
        for presign in [false, true] {
            let case = format!("{name} presign={presign}");
            let sent = sign(&settings, token, presign);
            assert_eq!(verify(&settings, &sent, time()), Ok(()), "{case}");
            assert_eq!(
                verify(&settings, &sent, time() + Duration::from_secs(599)),
                Ok(()),
                "{case}"
            );

            // Every byte of the method.
            for at in 0..sent.method.len() {
                let mut m = sign(&settings, token, presign);
                flip(&mut m.method, at);
                assert!(is_wrong(verify(&settings, &m, time())), "{case}: method byte {at}");
            }

            // Every byte of the path, and of the query outside the auth parameters.
            let (path, query) = sent.target.split_once('?').unwrap();
            for at in 1..path.len() {
                let mut t = sign(&settings, token, presign);
                flip(&mut t.target, at);
                let r = verify(&settings, &t, time());
                // Flipping a `%` escape can still be the same canonical path in rare cases;
                // here every flip must change it.
                assert!(is_wrong(r.clone()), "{case}: path byte {at}: {r:?}");
            }
            let own = query
                .split("&X-Amz-")
                .next()
                .unwrap()
                .len()
                .min(query.find("X-Amz-").unwrap_or(query.len()));
            for at in 0..own {
                let mut t = sign(&settings, token, presign);
                flip(&mut t.target, path.len() + 1 + at);
                let r = verify(&settings, &t, time());
                assert!(r.is_err(), "{case}: query byte {at}");
            }

            // Every byte of each signed header value.
            for (i, (hname, value)) in sent.headers.iter().enumerate() {
                let signed = match hname.to_ascii_lowercase().as_str() {
                    "authorization" => false,
                    "user-agent" => name == "user-agent signed",
                    "x-amz-security-token" => name != "omit-token",
                    _ => true,
                };
                for at in 0..value.len() {
                    let mut t = sign(&settings, token, presign);
                    if value.as_bytes()[at] == b' ' {
                        continue; // whitespace is canonicalised
                    }
                    flip(&mut t.headers[i].1, at);
                    let r = verify(&settings, &t, time());
                    if signed {
                        assert!(r.is_err(), "{case}: header {hname} byte {at}");
                    } else if hname.eq_ignore_ascii_case("user-agent") {
                        assert_eq!(r, Ok(()), "{case}: unsigned {hname}");
                    }
                }
            }

            // The body (its hash).
            let mut b = sign(&settings, token, presign);
            b.body[0] ^= 1;
            let has_content_header = b.headers.iter().any(|(n, _)| n == "x-amz-content-sha256");
            if !has_content_header {
                assert!(is_wrong(verify(&settings, &b, time())), "{case}: body");
            } else {
                let i = b.headers.iter().position(|(n, _)| n == "x-amz-content-sha256").unwrap();
                flip(&mut b.headers[i].1, 3);
                assert!(is_wrong(verify(&settings, &b, time())), "{case}: body hash");
            }

            // The time: one second later in X-Amz-Date.
            let mut d = sign(&settings, token, presign);
            if presign {
                d.target = d.target.replace("T123600Z", "T123601Z");
            } else {
                let i = d.headers.iter().position(|(n, _)| n == "x-amz-date").unwrap();
                d.headers[i].1 = "20150830T123601Z".into();
            }
            assert!(is_wrong(verify(&settings, &d, time())), "{case}: time");
        }
    }
}

#[test]
fn typed_reasons() {
    let s = SigningSettings::DEFAULT;
    // Unknown key.
    let creds = Credentials::new("AKIDOTHER", SECRET);
    let signer = Signer::new(&creds, "us-east-1", "service", time()).unwrap();
    let host = [("host", "h")];
    let req = SignableRequest::new("GET", "/", &host, Payload::Empty);
    let url = signer.presign(&req, Duration::from_secs(60)).unwrap().apply_to("/");
    let verifier = Verifier::new(lookup, "us-east-1", "service");
    let got = verifier.verify(&SignableRequest::new("GET", &url, &host, Payload::Empty), time());
    assert_eq!(
        got.unwrap_err().rejection(),
        Some(&Rejection::UnknownAccessKey { access_key_id: "AKIDOTHER".into() })
    );

    let sent = sign(&s, false, true);
    // Expired presign.
    let late = verify(&s, &sent, time() + Duration::from_secs(601));
    assert!(
        matches!(late, Err(Rejection::Expired { ref expired_at }) if expired_at.as_str() == "20150830T124600Z")
    );
    // A presign from the future.
    assert!(matches!(
        verify(&s, &sent, time() - Duration::from_secs(16 * 60)),
        Err(Rejection::TimeSkewed { .. })
    ));

    let sent = sign(&s, false, false);
    // The verifier's own header exclusions do not matter: the request says what was signed.
    let mut excluding = SigningSettings::DEFAULT;
    excluding.exclude_header("x-custom");
    assert_eq!(verify(&excluding, &sent, time()), Ok(()));
    // Header signing: outside ±15 minutes.
    for off in [-(15 * 60 + 1), 15 * 60 + 1] {
        let now = if off < 0 {
            time() - Duration::from_secs(901)
        } else {
            time() + Duration::from_secs(901)
        };
        assert!(matches!(verify(&s, &sent, now), Err(Rejection::TimeSkewed { .. })), "{off}");
    }
    assert_eq!(verify(&s, &sent, time() + Duration::from_secs(900)), Ok(()));
    // A signed header removed.
    let mut missing = sign(&s, false, false);
    missing.headers.retain(|(n, _)| n != "X-Custom");
    assert_eq!(
        verify(&s, &missing, time()),
        Err(Rejection::MissingSignedHeader { name: "x-custom".into() })
    );
    // Scope mismatch: region and service.
    let pairs = sent.pairs();
    let request = SignableRequest::new("POST", &sent.target, &pairs, Payload::Bytes(&sent.body));
    for (region, service, what) in
        [("eu-west-1", "service", "region"), ("us-east-1", "s3", "service")]
    {
        let v = Verifier::new(lookup, region, service);
        let r = v.verify(&request, time()).unwrap_err();
        assert!(
            matches!(r.rejection(), Some(Rejection::ScopeMismatch { what: w, .. }) if *w == what),
            "{r}"
        );
    }
    // Not signed at all.
    let r = verifier.verify(&SignableRequest::new("GET", "/", &host, Payload::Empty), time());
    assert_eq!(r.unwrap_err().rejection(), Some(&Rejection::MissingSignature));
    // A wrong signature shows the canonical request we computed, with the token redacted.
    let mut t = sign(&s, true, false);
    t.method = "PUT".into();
    match verify(&s, &t, time()) {
        Err(Rejection::WrongSignature { canonical_request, string_to_sign }) => {
            assert!(
                canonical_request.starts_with("PUT\n/path/to/a%2520b\n"),
                "{canonical_request}"
            );
            assert!(
                !canonical_request.contains(TOKEN) && canonical_request.contains("** redacted **")
            );
            assert!(string_to_sign.starts_with("AWS4-HMAC-SHA256\n20150830T123600Z\n"));
        }
        other => panic!("{other:?}"),
    }
    // Malformed input is a rejection, not a panic.
    for auth in [
        "",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=00",
        "X y",
    ] {
        let headers = [("host", "h"), ("authorization", auth), ("x-amz-date", "20150830T123600Z")];
        let r =
            verifier.verify(&SignableRequest::new("GET", "/", &headers, Payload::Empty), time());
        assert!(r.unwrap_err().rejection().is_some(), "{auth}");
    }
}

/// SigV4a round trips (feature `sigv4a`): region sets with wildcards, both modes, a session
/// token; tampering with the path or a signed header is rejected.
#[cfg(feature = "sigv4a")]
#[test]
fn sigv4a_round_trips() {
    use signet_sigv4::SignerV4a;
    let creds = Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN);
    for region_set in ["us-east-1", "us-*", "*", "eu-west-1,us-east-1"] {
        let signer = SignerV4a::new(&creds, region_set, "service", time()).unwrap();
        let headers = [("host", "example.amazonaws.com"), ("x-custom", "v")];
        let request = SignableRequest::new("GET", "/a/b?x=1", &headers, Payload::Empty);
        let verifier = Verifier::new(lookup, "us-east-1", "service");

        let signed = signer.sign_headers(&request).unwrap();
        let mut received: Vec<(&str, &str)> = headers.to_vec();
        received.extend(signed.headers());
        let ok = SignableRequest::new("GET", "/a/b?x=1", &received, Payload::Empty);
        assert!(verifier.verify(&ok, time()).is_ok(), "{region_set}");
        let bad_path = SignableRequest::new("GET", "/a/c?x=1", &received, Payload::Empty);
        let err = verifier.verify(&bad_path, time()).unwrap_err();
        assert!(matches!(err.rejection(), Some(Rejection::WrongSignature { .. })), "{err}");
        let mut tampered = received.clone();
        tampered[1].1 = "w";
        let bad_header = SignableRequest::new("GET", "/a/b?x=1", &tampered, Payload::Empty);
        assert!(verifier.verify(&bad_header, time()).is_err());

        let url = signer.presign(&request, Duration::from_secs(60)).unwrap().apply_to("/a/b?x=1");
        let ok = SignableRequest::new("GET", &url, &headers, Payload::Empty);
        assert!(verifier.verify(&ok, time()).is_ok(), "{region_set} presigned");
        let err = verifier.verify(&ok, time() + Duration::from_secs(61)).unwrap_err();
        assert!(matches!(err.rejection(), Some(Rejection::Expired { .. })), "{err}");
        match verifier.verify(&SignableRequest::new("PUT", &url, &headers, Payload::Empty), time())
        {
            Err(e) => match e.rejection() {
                Some(Rejection::WrongSignature { canonical_request, .. }) => {
                    assert!(!canonical_request.contains("CANARY-TOKEN"), "{canonical_request}");
                }
                other => panic!("{other:?}"),
            },
            Ok(_) => panic!("a changed method verified"),
        }
    }
}

/// `Verifier::verify_http` (feature `http`): what `sign_http_request` signs verifies, with or
/// without a `Host` header, and a changed header does not.
#[cfg(feature = "http")]
#[test]
fn http_requests_verify() {
    use signet_sigv4::sign_http_request;
    let creds = Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN);
    let signer = Signer::new(&creds, "us-east-1", "service", time()).unwrap();
    let verifier = Verifier::new(lookup, "us-east-1", "service");
    let mut request = http::Request::post("https://example.amazonaws.com:443/a%20b?x=1&y")
        .header("x-custom", "v")
        .body(b"body".to_vec())
        .unwrap();
    sign_http_request(&mut request, &signer, Payload::Bytes(b"body")).unwrap();
    assert!(verifier.verify_http(&request, Payload::Bytes(b"body"), time()).is_ok());
    // HTTP/2: no Host header, the authority is in the URI.
    let mut h2 = request.clone();
    h2.headers_mut().remove("host");
    assert!(verifier.verify_http(&h2, Payload::Bytes(b"body"), time()).is_ok());
    let mut tampered = request.clone();
    tampered.headers_mut().insert("x-custom", http::HeaderValue::from_static("w"));
    let err = verifier.verify_http(&tampered, Payload::Bytes(b"body"), time()).unwrap_err();
    assert!(matches!(err.rejection(), Some(Rejection::WrongSignature { .. })), "{err}");
    let err = verifier.verify_http(&request, Payload::Bytes(b"bodx"), time()).unwrap_err();
    assert!(matches!(err.rejection(), Some(Rejection::WrongSignature { .. })), "{err}");
}
