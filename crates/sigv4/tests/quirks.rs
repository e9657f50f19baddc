//! One test per SigV4 quirk the suites do not pin down on their own, plus the error paths and
//! the no-secrets rule.

use std::time::{Duration, UNIX_EPOCH};

use signet_sigv4::{
    Credentials, ErrorKind, Payload, SessionTokenMode, SignableRequest, Signer, SigningKey,
    SigningSettings,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "CANARY-TOKEN-5ec4e7+/=";

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET)
}

fn time() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn creq(signer: &Signer<'_>, method: &str, target: &str, headers: &[(&str, &str)]) -> String {
    let req = SignableRequest::new(method, target, headers, Payload::Empty);
    signer.explain_headers(&req).unwrap().canonical_request().to_owned()
}

fn lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

#[test]
fn tab_and_other_ascii_whitespace_collapse_in_header_values() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let text = creq(&s, "GET", "/", &[("host", "h"), ("x-a", "\ta\t\t b  \t c\t")]);
    assert!(lines(&text).contains(&"x-a:a b c"), "{text}");
    // Other control characters cannot be sent in a header at all.
    let req = SignableRequest::new("GET", "/", &[("host", "h"), ("x-a", "a\x0bb")], Payload::Empty);
    assert!(matches!(
        s.sign_headers(&req).unwrap_err().kind(),
        ErrorKind::InvalidHeaderValue { .. }
    ));
}

#[test]
fn hop_by_hop_user_agent_and_expect_are_never_signed() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let headers = [
        ("Host", "h"),
        ("Expect", "100-continue"),
        ("Connection", "keep-alive"),
        ("Transfer-Encoding", "chunked"),
        ("User-Agent", "signet"),
        ("X-Amzn-Trace-Id", "Root=1"),
        ("Authorization", "stale"),
        ("X-Kept", "1"),
    ];
    let req = SignableRequest::new("PUT", "/", &headers, Payload::Empty);
    let ex = s.explain_headers(&req).unwrap();
    assert_eq!(ex.signed_headers(), "host;x-amz-date;x-kept");

    let mut settings = SigningSettings::DEFAULT;
    settings.sign_header("user-agent").exclude_header("x-kept");
    let s = s.with_settings(&settings);
    assert_eq!(s.explain_headers(&req).unwrap().signed_headers(), "host;user-agent;x-amz-date");
}

#[test]
fn plus_in_the_query_is_a_literal_plus_and_space_is_percent_20() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let text = creq(&s, "GET", "/?q=a+b&r=c%20d&s=e f", &[("host", "h")]);
    assert_eq!(lines(&text)[2], "q=a%2Bb&r=c%20d&s=e%20f");
    assert!(!text.contains('+'));
}

#[test]
fn s3_keeps_double_slashes_and_dot_segments() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "s3", time()).unwrap().with_settings(SigningSettings::S3);
    let text = creq(&s, "GET", "/bucket//a/./b/../key%2Bwith+plus", &[("host", "h")]);
    assert_eq!(lines(&text)[1], "/bucket//a/./b/../key%2Bwith%2Bplus");
    let d = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    assert_eq!(
        lines(&creq(&d, "GET", "/bucket//a/./b/../key", &[("host", "h")]))[1],
        "/bucket/a/key"
    );
}

#[test]
fn session_token_is_signed_or_appended_after_signing() {
    let c = creds().with_session_token(TOKEN);
    let req_headers = [("host", "h")];
    let req = SignableRequest::new("GET", "/", &req_headers, Payload::Empty);
    let signed_in = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let ex = signed_in.explain_headers(&req).unwrap();
    assert_eq!(ex.signed_headers(), "host;x-amz-date;x-amz-security-token");

    let mut omit = SigningSettings::DEFAULT;
    omit.session_token = SessionTokenMode::Exclude;
    let after = Signer::new(&c, "us-east-1", "service", time()).unwrap().with_settings(&omit);
    let ex = after.explain_headers(&req).unwrap();
    assert_eq!(ex.signed_headers(), "host;x-amz-date");
    let signed = after.sign_headers(&req).unwrap();
    assert!(signed.headers().any(|(n, v)| n == "x-amz-security-token" && v == TOKEN));

    // Presigned: in the canonical query, or only in the URL.
    let url = signed_in.presign(&req, Duration::from_secs(60)).unwrap().apply_to("/");
    assert!(url.contains("X-Amz-Security-Token=CANARY-TOKEN-5ec4e7%2B%2F%3D"), "{url}");
    let ex = after.explain_presign(&req, Duration::from_secs(60)).unwrap();
    assert!(!ex.canonical_request().contains("Security-Token"));
    let url = after.presign(&req, Duration::from_secs(60)).unwrap().apply_to("/");
    assert!(url.contains("X-Amz-Security-Token="), "{url}");
}

#[test]
fn presign_expiry_is_one_second_to_seven_days() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "s3", time()).unwrap();
    let h = [("host", "h")];
    let req = SignableRequest::new("GET", "/k", &h, Payload::Unsigned);
    for ok in [1, 3600, 604_800] {
        assert!(s.presign(&req, Duration::from_secs(ok)).is_ok(), "{ok}");
    }
    for bad in [0, 604_801, u64::MAX] {
        let err = s.presign(&req, Duration::from_secs(bad)).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::ExpiresOutOfRange { seconds: bad });
        assert!(err.to_string().contains("604800"), "{err}");
    }
}

#[test]
fn re_presigning_replaces_old_auth_parameters() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "s3", time()).unwrap();
    let h = [("host", "h")];
    let first = s
        .presign(
            &SignableRequest::new("GET", "/k?a=1", &h, Payload::Unsigned),
            Duration::from_secs(60),
        )
        .unwrap()
        .apply_to("/k?a=1");
    let again = SignableRequest::new("GET", &first, &h, Payload::Unsigned);
    let url = s.presign(&again, Duration::from_secs(60)).unwrap().apply_to(&first);
    assert_eq!(url, first, "presigning a presigned URL gives the same URL");
    assert_eq!(url.matches("X-Amz-Signature").count(), 1);
}

#[test]
fn bad_inputs_are_typed_errors() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let sign = |method: &str, headers: &[(&str, &str)]| {
        s.sign_headers(&SignableRequest::new(method, "/", headers, Payload::Empty)).map(|_| ())
    };
    let err = sign("GET", &[("host", "h"), ("bad name", "v")]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeaderName { name } if name == "bad name"));
    let err = sign("GET", &[("host", "h"), ("x-secret", "top\nsecret")]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeaderValue { name } if name == "x-secret"));
    assert!(!err.to_string().contains("top"), "the value is never repeated: {err}");
    assert_eq!(sign("", &[("host", "h")]).unwrap_err().kind(), &ErrorKind::InvalidMethod);
    assert_eq!(sign("G T", &[("host", "h")]).unwrap_err().kind(), &ErrorKind::InvalidMethod);
    for (region, service, what) in
        [("", "s3", "region"), ("us/east", "s3", "region"), ("us-east-1", "s 3", "service")]
    {
        let err = Signer::new(&c, region, service, time()).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidScope { what });
    }
    let err = Signer::new(&c, "us-east-1", "s3", UNIX_EPOCH - Duration::from_secs(1)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidTime(_)));
}

#[test]
fn no_secret_in_debug_display_or_explain_output() {
    let c = creds().with_session_token(TOKEN);
    let s = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let h = [("host", "h")];
    let req = SignableRequest::new("GET", "/", &h, Payload::Empty);
    let signed = s.sign_headers(&req).unwrap();
    let presigned = s.presign(&req, Duration::from_secs(60)).unwrap();
    let ex = s.explain_headers(&req).unwrap();
    let exq = s.explain_presign(&req, Duration::from_secs(60)).unwrap();
    assert!(ex.canonical_request().contains(TOKEN), "the accessor is exact");
    let shown = [
        format!("{c:?}"),
        format!("{s:?}"),
        format!("{signed:?}"),
        format!("{presigned:?}"),
        format!("{ex}"),
        format!("{ex:?}"),
        format!("{exq}"),
        format!("{exq:?}"),
        format!("{:?}", s.signing_key()),
    ];
    for text in shown {
        assert!(!text.contains(SECRET), "secret in {text}");
        assert!(!text.contains("CANARY-TOKEN"), "token in {text}");
    }
}

#[test]
fn the_key_cache_never_mixes_secrets_scopes_or_days() {
    let h = [("host", "h")];
    let req = SignableRequest::new("GET", "/", &h, Payload::Empty);
    let sig = |secret: &str, region: &str, service: &str, secs: u64| {
        let c = Credentials::new("AKIDEXAMPLE", secret);
        let t = UNIX_EPOCH + Duration::from_secs(secs);
        Signer::new(&c, region, service, t).unwrap().sign_headers(&req).unwrap().signature()
    };
    let base = sig(SECRET, "us-east-1", "service", 1_440_938_160);
    assert_eq!(base, sig(SECRET, "us-east-1", "service", 1_440_938_160));
    assert_ne!(base, sig("another-secret", "us-east-1", "service", 1_440_938_160));
    assert_ne!(base, sig(SECRET, "us-east-2", "service", 1_440_938_160));
    assert_ne!(base, sig(SECRET, "us-east-1", "servicf", 1_440_938_160));
    // `us-east-1`+`service` vs `us-east-1s`+`ervice` must not collide in the cache.
    assert_ne!(base, sig(SECRET, "us-east-1s", "ervice", 1_440_938_160));
    // The next day (x-amz-date differs too, so compare keys directly).
    let c = creds();
    for (region, service, secs) in [
        ("us-east-1", "service", 1_440_938_160u64),
        ("us-east-1", "service", 1_441_024_560),
        ("eu-west-1", "s3", 1_440_938_160),
    ] {
        let s = Signer::new(&c, region, service, UNIX_EPOCH + Duration::from_secs(secs)).unwrap();
        let fresh = SigningKey::derive(SECRET, s.date().date(), region, service);
        assert_eq!(s.signing_key().sign(b"x"), fresh.sign(b"x"), "{region} {service} {secs}");
    }
}

#[test]
fn a_kept_signing_key_gives_the_same_signature() {
    let c = creds();
    let h = [("host", "example.amazonaws.com")];
    let req = SignableRequest::new("GET", "/", &h, Payload::Empty);
    let s = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let key = s.signing_key();
    let with_key = s.clone().with_signing_key(&key);
    assert_eq!(
        with_key.sign_headers(&req).unwrap().signature(),
        s.sign_headers(&req).unwrap().signature()
    );
}

#[test]
fn payload_modes_set_the_payload_hash_line() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "s3", time()).unwrap().with_settings(SigningSettings::S3);
    let h = [("host", "h")];
    for (payload, expected) in [
        (Payload::Empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            Payload::Bytes(b"Welcome to Amazon S3."),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
        ),
        (Payload::Precomputed("abc123"), "abc123"),
        (Payload::Unsigned, "UNSIGNED-PAYLOAD"),
        (Payload::StreamingSigned, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        (Payload::StreamingSignedTrailer, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
        (Payload::StreamingUnsignedTrailer, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
    ] {
        let req = SignableRequest::new("PUT", "/k", &h, payload);
        let ex = s.explain_headers(&req).unwrap();
        assert!(ex.canonical_request().ends_with(&format!("\n{expected}")), "{payload:?}");
        assert!(ex.canonical_request().contains(&format!("x-amz-content-sha256:{expected}\n")));
        let signed = s.sign_headers(&req).unwrap();
        assert!(signed.headers().any(|(n, v)| n == "x-amz-content-sha256" && v == expected));
    }
}

#[test]
fn many_headers_and_query_parameters_spill_to_the_heap_correctly() {
    let c = creds();
    let s = Signer::new(&c, "us-east-1", "service", time()).unwrap();
    let names: Vec<String> = (0..100).map(|i| format!("X-H{:03}", 99 - i)).collect();
    let mut headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    headers.push(("host", "h"));
    let query: Vec<String> = (0..100).map(|i| format!("k{:03}=v", 99 - i)).collect();
    let target = format!("/?{}", query.join("&"));
    let text = creq(&s, "GET", &target, &headers);
    let l = lines(&text);
    assert!(l[2].starts_with("k000=v&k001=v"), "{}", l[2]);
    assert_eq!(l[2].matches('&').count(), 99);
    assert_eq!(l[3], "host:h");
    assert_eq!(l[4], "x-amz-date:20150830T123600Z");
    assert_eq!(l[5], "x-h000:v");
    assert_eq!(l.iter().filter(|x| x.starts_with("x-h")).count(), 100);
}
