//! Property-based fuzzing (docs/adr/0007): arbitrary method, path, query and header bytes
//! never panic the signer, and whatever it signs, it signs deterministically.
//!
//! `cargo xtask fuzz sigv4` runs these with many more cases.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, SigningSettings};

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
}
