//! Fuzz targets (docs/adr/0007): the response decoders never panic, whatever the bytes, and
//! what they report never contains a secret from the body.

use proptest::prelude::*;
use signet_sts_client::{
    AssumeRoleOutput, AssumeRoleWithWebIdentityOutput, ErrorKind, GetCallerIdentityOutput,
    GetSessionTokenOutput, ServiceError,
};

/// Fragments of STS documents, so that arbitrary sequences are often almost valid.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<AssumeRoleResponse>".to_owned()),
        Just("</AssumeRoleResponse>".to_owned()),
        Just("<AssumeRoleResult>".to_owned()),
        Just("</AssumeRoleResult>".to_owned()),
        Just("<Credentials><AccessKeyId>ASIA</AccessKeyId>".to_owned()),
        Just("<SecretAccessKey>SECRETVALUE</SecretAccessKey>".to_owned()),
        Just("<SessionToken>TOKENVALUE".to_owned()),
        Just("<Expiration>2021-09-21T18:41:26Z</Expiration></Credentials>".to_owned()),
        Just("<AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>A:s</AssumedRoleId></AssumedRoleUser>".to_owned()),
        Just("<ErrorResponse><Error><Code>AccessDenied</Code><Message>m</Message></Error>".to_owned()),
        Just("<RequestId>r</RequestId></ErrorResponse>".to_owned()),
        Just("&amp;&#x41;&#0;&bogus;<![CDATA[x]]><!-- c --><?pi?>".to_owned()),
        "[ -~]{0,12}",
        any::<String>(),
    ]
}

fn document() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(fragment(), 0..12).prop_map(|v| v.concat().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..512),
    ]
}

proptest! {
    #[test]
    fn decoders_never_panic(body in document(), status in 100u16..600) {
        let outcomes = [
            AssumeRoleOutput::from_xml(&body).err(),
            AssumeRoleWithWebIdentityOutput::from_xml(&body).err(),
            GetSessionTokenOutput::from_xml(&body).err(),
            GetCallerIdentityOutput::from_xml(&body).err(),
        ];
        for err in outcomes.into_iter().flatten() {
            prop_assert_eq!(err.kind(), ErrorKind::MalformedResponse);
            let shown = format!("{err} {err:?}");
            prop_assert!(!shown.contains("SECRETVALUE") && !shown.contains("TOKENVALUE"), "{}", shown);
        }
        match ServiceError::from_xml(status, &body) {
            Ok(e) => prop_assert!(!e.code().is_empty()),
            Err(err) => {
                prop_assert_eq!(err.kind(), ErrorKind::MalformedResponse);
                prop_assert_eq!(err.status(), Some(status));
            }
        }
    }
}

proptest! {
    /// Whatever the inputs, validation and sending never panic: the call either fails with
    /// `InvalidInput` before sending or reaches the (closed) endpoint as a transport error.
    #[test]
    fn any_input_is_validated_without_panicking(
        role in "(arn:aws:iam::[0-9]{1,12}:role/)?[ -~]{0,24}",
        session in any::<String>(),
        duration in any::<u32>(),
        code in "[0-9]{0,8}",
    ) {
        use signet_sts_client::{AssumeRoleInput, GetSessionTokenInput, StsClient};
        let client = StsClient::builder("us-east-1")
            .endpoint_url("http://127.0.0.1:9")
            .attempt_timeout(std::time::Duration::from_secs(1))
            .credentials(signet_sigv4::Credentials::new("AKID", "secret"))
            .retry_config(signet_retry::RetryConfig::standard().with_max_attempts(signet_retry::MaxAttempts::new(1).unwrap()))
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let input = AssumeRoleInput::new(role, session).with_duration_seconds(duration);
        let err = runtime.block_on(client.assume_role(&input)).unwrap_err();
        prop_assert!(matches!(err.kind(), ErrorKind::InvalidInput | ErrorKind::Transport), "{}", err);
        let mfa = GetSessionTokenInput::new().with_mfa("arn:aws:iam::123456789012:mfa/me", code.clone());
        let err = runtime.block_on(client.get_session_token(&mfa)).unwrap_err();
        prop_assert!(matches!(err.kind(), ErrorKind::InvalidInput | ErrorKind::Transport), "{}", err);
        if err.kind() == ErrorKind::InvalidInput {
            prop_assert!(code.is_empty() || !err.to_string().contains(&code), "the MFA code is not echoed: {}", err);
        }
    }
}
