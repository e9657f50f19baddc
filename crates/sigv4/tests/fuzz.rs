//! Property-based fuzzing (docs/adr/0007): arbitrary method, path, query and header bytes
//! never panic the signer, and whatever it signs, it signs deterministically.
//!
//! `cargo xtask fuzz sigv4` runs these with many more cases.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, SigningSettings, Verifier};

fn text() -> impl Strategy<Value = String> {
    // Mostly ASCII with the awkward bytes of HTTP, sometimes any Unicode.
    prop_oneof![
        proptest::collection::vec(
            prop_oneof![
                Just('%'),
                Just('/'),
                Just('.'),
                Just('?'),
                Just('&'),
                Just('='),
                Just('+'),
                Just(' '),
                Just('\t'),
                Just('\n'),
                Just(':'),
                Just('\u{0}'),
                Just('ሴ'),
                proptest::char::range('!', '~'),
            ],
            0..40,
        )
        .prop_map(|v| v.into_iter().collect()),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn signing_arbitrary_requests_never_panics(
        method in text(),
        target in text(),
        headers in proptest::collection::vec((text(), text()), 0..12),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        s3 in any::<bool>(),
        expires in 0u64..700_000,
        region in text(),
        secs in any::<u32>(),
    ) {
        let creds = Credentials::new("AKIDEXAMPLE", "secret").with_session_token("tok+/=");
        let time = UNIX_EPOCH + Duration::from_secs(u64::from(secs));
        let settings = if s3 { SigningSettings::S3 } else { SigningSettings::DEFAULT };
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let request = SignableRequest::new(&method, &target, &pairs, Payload::Bytes(&body));
        for region in [region.as_str(), "us-east-1"] {
            let Ok(signer) = Signer::new(&creds, region, "service", time) else { continue };
            let signer = signer.with_settings(&settings);
            let a = signer.sign_headers(&request);
            let b = signer.explain_headers(&request);
            match (&a, &b) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a.signature(), b.signature()),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                _ => prop_assert!(false, "sign and explain disagree: {:?} / {:?}", a.is_ok(), b.is_ok()),
            }
            if let Ok(q) = signer.presign(&request, Duration::from_secs(expires)) {
                let url = q.apply_to(&target);
                prop_assert!(url.contains("X-Amz-Signature="));
            }
        }
    }

    /// Whatever the signer produces (header or presigned), the verifier accepts.
    #[test]
    fn the_verifier_accepts_whatever_the_signer_produces(
        method in text(),
        target in text(),
        headers in proptest::collection::vec((text(), text()), 0..8),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        s3 in any::<bool>(),
        token in any::<bool>(),
        secs in 0u32..2_000_000_000,
    ) {
        let mut creds = Credentials::new("AKIDEXAMPLE", "secret");
        if token {
            creds = creds.with_session_token("tok+/=");
        }
        let time = UNIX_EPOCH + Duration::from_secs(u64::from(secs));
        let settings = if s3 { SigningSettings::S3 } else { SigningSettings::DEFAULT };
        let owned = ["host", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];
        let mut pairs: Vec<(&str, &str)> = headers
            .iter()
            .filter(|(n, _)| !owned.iter().any(|o| n.eq_ignore_ascii_case(o)))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        pairs.push(("host", "example.amazonaws.com"));
        let signer = Signer::new(&creds, "us-east-1", "service", time).unwrap().with_settings(&settings);
        let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then(|| Credentials::new(akid, "secret"));
        let verifier = Verifier::new(lookup, "us-east-1", "service").with_settings(&settings);
        let request = SignableRequest::new(&method, &target, &pairs, Payload::Bytes(&body));
        let hash = signet_sigv4::Signer::new(&creds, "us-east-1", "service", time)
            .unwrap()
            .with_settings(SigningSettings::S3)
            .sign_headers(&SignableRequest::new("GET", "/", &[], Payload::Bytes(&body)))
            .ok()
            .and_then(|h| h.headers().find(|(n, _)| *n == "x-amz-content-sha256").map(|(_, v)| v.to_owned()))
            .unwrap();
        if let Ok(signed) = signer.sign_headers(&request) {
            let mut received = pairs.clone();
            let set: Vec<(&str, String)> = signed.headers().map(|(n, v)| (n, v.to_owned())).collect();
            for (n, v) in &set {
                received.push((n, v.as_str()));
            }
            // An S3-style server signs with the x-amz-content-sha256 it received.
            let payload = if s3 { Payload::Precomputed(&hash) } else { Payload::Bytes(&body) };
            let r = verifier.verify(&SignableRequest::new(&method, &target, &received, payload), time);
            prop_assert!(r.is_ok(), "header mode: {:?}", r.unwrap_err());
        }
        if let Ok(q) = signer.presign(&request, Duration::from_secs(300)) {
            let url = q.apply_to(&target);
            let r = verifier.verify(&SignableRequest::new(&method, &url, &pairs, Payload::Bytes(&body)), time);
            prop_assert!(r.is_ok(), "presigned: {:?} {url}", r.unwrap_err());
        }
    }

    /// Arbitrary signature fields, dates and queries are rejected with a reason, never a panic.
    #[test]
    fn the_verifier_never_panics(
        auth in text(),
        date in text(),
        target in text(),
        token in text(),
        now in any::<u32>(),
    ) {
        let lookup = |akid: &str| Some(Credentials::new(akid, "secret"));
        let verifier = Verifier::new(lookup, "us-east-1", "service");
        let now = UNIX_EPOCH + Duration::from_secs(u64::from(now));
        let with_auth = [("host", "h"), ("authorization", auth.as_str()), ("x-amz-date", date.as_str()), ("x-amz-security-token", token.as_str())];
        for headers in [&with_auth[..], &with_auth[..1]] {
            let r = verifier.verify(&SignableRequest::new("GET", &target, headers, Payload::Empty), now);
            prop_assert!(r.is_err());
        }
        let query = format!("/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={auth}&X-Amz-Date={date}&X-Amz-Expires={token}&X-Amz-SignedHeaders=host&X-Amz-Signature={target}");
        let r = verifier.verify(&SignableRequest::new("GET", &query, &with_auth[..1], Payload::Empty), now);
        prop_assert!(r.is_err());
    }

    /// The encoder's computed length equals the bytes it writes, for any length and chunk size.
    #[test]
    fn aws_chunked_lengths_hold(len in 0usize..40_000, chunk in 8192usize..20_000, crc in any::<bool>(), signed in any::<bool>()) {
        use std::io::Read;
        use signet_sigv4::{AwsChunked, ChecksumAlgorithm, Signature};
        let creds = Credentials::new("AKID", "secret");
        let signer = Signer::new(&creds, "us-east-1", "s3", UNIX_EPOCH).unwrap();
        let seed = Signature::from_hex(&"1".repeat(64)).unwrap();
        let body = vec![7u8; len];
        let mut wire = Vec::new();
        let upload = if signed {
            let u = AwsChunked::signed(len as u64).with_chunk_size(chunk).unwrap();
            let u = if crc { u.with_checksum(ChecksumAlgorithm::Crc32) } else { u };
            u.encode(&body[..], &signer, seed).unwrap().read_to_end(&mut wire).unwrap();
            u
        } else {
            let u = AwsChunked::unsigned(len as u64, ChecksumAlgorithm::Sha256).with_chunk_size(chunk).unwrap();
            u.encode_unsigned(&body[..]).unwrap().read_to_end(&mut wire).unwrap();
            u
        };
        prop_assert_eq!(wire.len() as u64, upload.encoded_length());
        // Lengths never panic, however large.
        let _ = AwsChunked::signed(u64::MAX).with_checksum(ChecksumAlgorithm::Sha256).encoded_length();
    }
}
