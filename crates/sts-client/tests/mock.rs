//! Against a scripted loopback server, for what moto does not do: throttling, 5xx, client
//! errors, broken bodies, clock skew, the wire format of each operation.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signet_retry::{FixedRandom, RetryConfig, RetryStrategy};
use signet_sigv4::Credentials;
use signet_sts_client::{
    AssumeRoleInput, AssumeRoleWithSamlInput, AssumeRoleWithWebIdentityInput, ErrorCode, ErrorKind,
    GetFederationTokenInput, GetSessionTokenInput, ProvidedContext, StaticTime, StsClient, Tag,
};
use support::mock::{MockServer, Reply};

/// 2021-08-16T19:52:53Z, the time of the recorded web identity exchange.
const T0: u64 = 1_629_143_573;

fn time(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
}

/// A client of the mock with zero backoff (jitter 0), so retries are immediate.
fn client(server: &MockServer) -> StsClient {
    StsClient::builder("us-east-1")
        .endpoint_url(server.url())
        .credentials(creds())
        .time_source(StaticTime(time(T0)))
        .retry_strategy(RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.0)))
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn error_xml(code: &str, message: &str) -> String {
    format!(
        r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-{code}</RequestId></ErrorResponse>"#
    )
}

const IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;

fn role_response(op: &str) -> String {
    format!(
        r#"<{op}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{op}Result>
  <SourceIdentity>alice</SourceIdentity>
  <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser>
  <Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration></Credentials>
  <PackedPolicySize>6</PackedPolicySize>
</{op}Result><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></{op}Response>"#
    )
}

#[tokio::test]
async fn throttling_then_success_is_retried() {
    let server = MockServer::start(vec![
        Reply::new(400, error_xml("Throttling", "Rate exceeded")),
        Reply::new(400, error_xml("ThrottlingException", "Rate exceeded")),
        Reply::new(200, IDENTITY),
    ]);
    let me = client(&server).get_caller_identity().await.unwrap();
    assert_eq!(me.arn, "arn:aws:iam::123456789012:user/alice");
    assert_eq!(me.request_id.as_deref(), Some("01234567-89ab-cdef-0123-456789abcdef"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let attempts: Vec<_> =
        requests.iter().map(|r| r.header("amz-sdk-request").unwrap().to_owned()).collect();
    assert_eq!(attempts, ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]);
}

#[tokio::test]
async fn service_unavailable_is_retried_even_without_xml() {
    let server = MockServer::start(vec![
        Reply::new(503, "<html>Service Unavailable</html>").header("content-type", "text/html"),
        Reply::new(200, IDENTITY),
    ]);
    client(&server).get_caller_identity().await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn giving_up_after_max_attempts_returns_the_last_error() {
    let server =
        MockServer::start(vec![Reply::new(503, error_xml("ServiceUnavailable", "busy")); 3]);
    let err = client(&server).get_caller_identity().await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(err.code(), Some("ServiceUnavailable"));
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn client_errors_are_not_retried_and_show_code_message_and_request_id() {
    let server = MockServer::start(vec![Reply::new(
        400,
        error_xml("ValidationError", "1 validation error detected"),
    )]);
    let input = AssumeRoleInput::new("arn:aws:iam::123456789012:role/r", "session");
    let err = client(&server).assume_role(&input).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(
        err.to_string(),
        "STS AssumeRole: ValidationError (HTTP 400): 1 validation error detected (request id req-ValidationError)"
    );
    let service = err.service_error().unwrap();
    assert_eq!(service.error_type(), Some("Sender"));
    assert_eq!(service.error_code(), ErrorCode::Other);
}

#[tokio::test]
async fn every_modeled_sts_error_is_typed() {
    let cases = [
        ("ExpiredTokenException", 400, ErrorCode::ExpiredToken),
        ("AccessDenied", 403, ErrorCode::AccessDenied),
        ("RegionDisabledException", 403, ErrorCode::RegionDisabled),
        ("MalformedPolicyDocument", 400, ErrorCode::MalformedPolicyDocument),
        ("PackedPolicyTooLarge", 400, ErrorCode::PackedPolicyTooLarge),
        ("InvalidAuthorizationMessageException", 400, ErrorCode::InvalidAuthorizationMessage),
    ];
    for (code, status, expected) in cases {
        let server = MockServer::start(vec![Reply::new(status, error_xml(code, "why"))]);
        let err = client(&server).get_caller_identity().await.unwrap_err();
        assert_eq!(server.requests().len(), 1, "{code} must not be retried");
        assert_eq!(err.service_error().unwrap().error_code(), expected, "{code}");
        assert!(
            err.to_string()
                .contains(&format!("{code} (HTTP {status}): why (request id req-{code})"))
        );
    }
}

#[tokio::test]
async fn idp_communication_error_is_retried() {
    let server = MockServer::start(vec![
        Reply::new(400, error_xml("IDPCommunicationError", "try again")),
        Reply::new(200, role_response("AssumeRoleWithWebIdentity")),
    ]);
    let input =
        AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789012:role/r", "s", "token")
            .with_duration_seconds(900);
    let err = client(&server).assume_role_with_web_identity(&input).await.unwrap_err();
    // "s" is one character: validation stops it before anything is sent.
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.requests().is_empty());
    let input =
        AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789012:role/r", "session", "token");
    let out = client(&server).assume_role_with_web_identity(&input).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(out.credentials.access_key_id(), "ASIAEXAMPLE");
    assert_eq!(out.packed_policy_size, Some(6));
    assert_eq!(out.source_identity.as_deref(), Some("alice"));
}

#[tokio::test]
async fn invalid_identity_token_is_not_retried() {
    // As botocore and smithy-rs (whose recorded `web_identity_token_invalid_jwt` sends once).
    let server = MockServer::start(vec![
        Reply::new(400, error_xml("InvalidIdentityToken", "no provider")),
        Reply::new(200, role_response("AssumeRoleWithWebIdentity")),
    ]);
    let input =
        AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789012:role/r", "session", "token");
    let err = client(&server).assume_role_with_web_identity(&input).await.unwrap_err();
    assert_eq!(err.service_error().unwrap().error_code(), ErrorCode::InvalidIdentityToken);
    assert_eq!(server.requests().len(), 1);

    let server = MockServer::start(vec![Reply::new(400, error_xml("InvalidIdentityToken", "bad"))]);
    let input = AssumeRoleWithSamlInput::new(
        "arn:aws:iam::123456789012:role/r",
        "arn:aws:iam::123456789012:saml-provider/idp",
        "PHNhbWw+",
    );
    let err = client(&server).assume_role_with_saml(&input).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.service_error().unwrap().error_code(), ErrorCode::InvalidIdentityToken);
}

#[tokio::test]
async fn web_identity_and_saml_are_sent_unsigned() {
    let server = MockServer::start(vec![
        Reply::new(200, role_response("AssumeRoleWithWebIdentity")),
        Reply::new(200, role_response("AssumeRoleWithSAML")),
    ]);
    // No credentials at all: the client still sends these two.
    let unsigned = StsClient::builder("us-east-1").endpoint_url(server.url()).build().unwrap();
    let web = AssumeRoleWithWebIdentityInput::new(
        "arn:aws:iam::123456789012:role/r",
        "session",
        "jwt.token.x",
    )
    .with_provider_id("www.amazon.com");
    unsigned.assume_role_with_web_identity(&web).await.unwrap();
    let saml = AssumeRoleWithSamlInput::new(
        "arn:aws:iam::123456789012:role/r",
        "arn:aws:iam::123456789012:saml-provider/idp",
        "PHNhbWw+",
    )
    .with_duration_seconds(3600);
    let out = unsigned.assume_role_with_saml(&saml).await.unwrap();
    assert_eq!(out.assumed_role_user.arn, "arn:aws:sts::123456789012:assumed-role/r/s");
    let requests = server.requests();
    for r in &requests {
        assert_eq!(r.header("authorization"), None);
        assert_eq!(r.header("x-amz-security-token"), None);
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded; charset=utf-8")
        );
        assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", "/"));
    }
    assert_eq!(
        requests[0].body,
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr\
         &RoleSessionName=session&WebIdentityToken=jwt.token.x&ProviderId=www.amazon.com"
    );
    assert_eq!(
        requests[1].body,
        "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr\
         &PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp&SAMLAssertion=PHNhbWw%2B\
         &DurationSeconds=3600"
    );
    // Signed operations need credentials.
    let err = unsigned.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoCredentials);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn assume_role_flattens_lists_and_signs_the_session_token() {
    let server = MockServer::start(vec![Reply::new(200, role_response("AssumeRole"))]);
    let input = AssumeRoleInput::new("arn:aws:iam::123456789012:role/r", "sess")
        .with_duration_seconds(900)
        .with_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .with_policy(r#"{"Version":"2012-10-17"}"#)
        .with_tag(Tag::new("k", "v"))
        .with_tag(Tag::new("team", "a b"))
        .with_transitive_tag_key("k")
        .with_external_id("ext-1")
        .with_mfa("arn:aws:iam::123456789012:mfa/alice", "123456")
        .with_source_identity("alice")
        .with_provided_context(ProvidedContext::new(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "ctx-assertion",
        ));
    let with_token = client(&server).with_credentials(creds().with_session_token("FwoGZXIvYXdz"));
    let out = with_token.assume_role(&input).await.unwrap();
    assert_eq!(out.credentials.account_id(), Some("123456789012"));
    assert_eq!(out.credentials.expiration(), Some(time(T0 + 3600)));
    let requests = server.requests();
    let r = &requests[0];
    assert_eq!(
        r.body,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=sess\
         &PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess\
         &Policy=%7B%22Version%22%3A%222012-10-17%22%7D&DurationSeconds=900\
         &Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=team&Tags.member.2.Value=a%20b\
         &TransitiveTagKeys.member.1=k&ExternalId=ext-1\
         &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456&SourceIdentity=alice\
         &ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter\
         &ProvidedContexts.member.1.ContextAssertion=ctx-assertion"
    );
    assert_eq!(r.header("x-amz-date"), Some("20210816T195253Z"));
    assert_eq!(r.header("x-amz-security-token"), Some("FwoGZXIvYXdz"));
    let auth = r.header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20210816/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="),
        "{auth}"
    );
    assert_eq!(r.header("host"), Some(server.url().trim_start_matches("http://")));
}

#[tokio::test]
async fn get_session_token_with_mfa_and_federation_token() {
    let session = r#"<GetSessionTokenResponse><GetSessionTokenResult><Credentials><SessionToken>t</SessionToken><SecretAccessKey>s</SecretAccessKey><Expiration>2021-08-17T07:52:53.5Z</Expiration><AccessKeyId>ASIA1</AccessKeyId></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetSessionTokenResponse>"#;
    let federation = r#"<GetFederationTokenResponse><GetFederationTokenResult><Credentials><SessionToken>t</SessionToken><SecretAccessKey>s</SecretAccessKey><Expiration>2021-08-17T07:52:53Z</Expiration><AccessKeyId>ASIA2</AccessKeyId></Credentials><FederatedUser><Arn>arn:aws:sts::123456789012:federated-user/bob</Arn><FederatedUserId>123456789012:bob</FederatedUserId></FederatedUser><PackedPolicySize>2</PackedPolicySize></GetFederationTokenResult></GetFederationTokenResponse>"#;
    let server = MockServer::start(vec![Reply::new(200, session), Reply::new(200, federation)]);
    let c = client(&server);
    let mfa = GetSessionTokenInput::new()
        .with_duration_seconds(129_600)
        .with_mfa("GAHT12345678", "012345");
    let out = c.get_session_token(&mfa).await.unwrap();
    assert_eq!(
        out.credentials.expiration(),
        Some(time(T0 + 12 * 3600) + Duration::from_millis(500))
    );
    let fed = GetFederationTokenInput::new("bob")
        .with_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .with_tag(Tag::new("a", ""));
    let out = c.get_federation_token(&fed).await.unwrap();
    assert_eq!(out.federated_user.federated_user_id, "123456789012:bob");
    assert_eq!(out.credentials.account_id(), Some("123456789012"));
    let requests = server.requests();
    assert_eq!(
        requests[0].body,
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129600&SerialNumber=GAHT12345678&TokenCode=012345"
    );
    assert_eq!(
        requests[1].body,
        "Action=GetFederationToken&Version=2011-06-15&Name=bob\
         &PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&Tags.member.1.Key=a&Tags.member.1.Value="
    );
}

#[tokio::test]
async fn access_key_info_and_decode_authorization_message() {
    let info = r#"<GetAccessKeyInfoResponse><GetAccessKeyInfoResult><Account>111122223333</Account></GetAccessKeyInfoResult></GetAccessKeyInfoResponse>"#;
    let decoded = r#"<DecodeAuthorizationMessageResponse><DecodeAuthorizationMessageResult><DecodedMessage>{"allowed":false,"explicitDeny":false}</DecodedMessage></DecodeAuthorizationMessageResult></DecodeAuthorizationMessageResponse>"#;
    let server = MockServer::start(vec![Reply::new(200, info), Reply::new(200, decoded)]);
    let c = client(&server);
    assert_eq!(
        c.get_access_key_info("AKIAI44QH8DHBEXAMPLE").await.unwrap().account,
        "111122223333"
    );
    let out = c.decode_authorization_message("enc+msg").await.unwrap();
    assert_eq!(out.decoded_message, r#"{"allowed":false,"explicitDeny":false}"#);
    let requests = server.requests();
    assert_eq!(
        requests[0].body,
        "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIAI44QH8DHBEXAMPLE"
    );
    assert_eq!(
        requests[1].body,
        "Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=enc%2Bmsg"
    );
}

#[tokio::test]
async fn malformed_and_truncated_bodies_are_typed_errors() {
    let truncated = r#"<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>A:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>TOP-SECRET-KEY"#;
    let server = MockServer::start(vec![
        Reply::new(200, "this is not xml"),
        Reply::new(200, truncated),
        Reply::new(
            200,
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>",
        ),
        Reply::new(200, ""),
        Reply::new(400, "{\"message\": \"json, not xml\"}"),
    ]);
    let c = client(&server);
    let err = c.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse);
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("body starts `this is not xml`"), "{err}");

    let input = AssumeRoleInput::new("arn:aws:iam::123456789012:role/r", "session");
    let err = c.assume_role(&input).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse);
    let shown = err.to_string();
    assert!(shown.contains("truncated"), "{shown}");
    assert!(!shown.contains("TOP-SECRET") && !format!("{err:?}").contains("TOP-SECRET"), "{shown}");

    let err = c.get_caller_identity().await.unwrap_err();
    assert!(err.to_string().contains("no `UserId` element"), "{err}");
    let err = c.get_caller_identity().await.unwrap_err();
    assert!(err.to_string().contains("the body is empty"), "{err}");
    let err = c.get_caller_identity().await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::MalformedResponse, Some(400)));
    assert_eq!(server.requests().len(), 5, "none of these is retried");
}

#[tokio::test]
async fn a_skewed_clock_is_corrected_once_from_the_servers_date() {
    // Our clock says 2021-08-16T19:52:53Z; the server's is an hour and a bit ahead.
    let server_date = "Mon, 16 Aug 2021 21:00:00 GMT";
    let skewed = error_xml(
        "SignatureDoesNotMatch",
        "Signature expired: 20210816T195253Z is now earlier than 20210816T205500Z",
    );
    let server = MockServer::start(vec![
        Reply::new(403, skewed.clone()).header("date", server_date),
        Reply::new(200, IDENTITY).header("date", server_date),
        Reply::new(403, skewed).header("date", "Mon, 16 Aug 2021 23:00:00 GMT"),
        Reply::new(403, error_xml("SignatureDoesNotMatch", "again"))
            .header("date", "Mon, 16 Aug 2021 23:00:00 GMT"),
    ]);
    let c = client(&server);
    c.get_caller_identity().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("x-amz-date"), Some("20210816T195253Z"));
    assert_eq!(requests[1].header("x-amz-date"), Some("20210816T210000Z"));
    // 21:00:00 - 19:52:53.
    assert_eq!(c.clock_skew(), 4027);
    // Later calls sign with the corrected time; a second skew error in one call is final.
    let err = c.get_caller_identity().await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[2].header("x-amz-date"), Some("20210816T210000Z"));
    assert_eq!(requests[3].header("x-amz-date"), Some("20210816T230000Z"));
}

#[tokio::test]
async fn a_signature_error_without_skew_is_not_retried() {
    let server = MockServer::start(vec![
        Reply::new(403, error_xml("SignatureDoesNotMatch", "wrong secret"))
            .header("date", "Mon, 16 Aug 2021 19:53:00 GMT"),
    ]);
    let err = client(&server).get_caller_identity().await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_after_retries() {
    let port = support::moto::free_port();
    let c = StsClient::builder("us-east-1")
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .credentials(creds())
        .retry_strategy(RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.0)))
        .build()
        .unwrap();
    let err = c.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(
        err.to_string()
            .starts_with(&format!("STS GetCallerIdentity: cannot reach http://127.0.0.1:{port}/")),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn inputs_are_validated_before_sending() {
    let server = MockServer::start(vec![Reply::new(403, error_xml("AccessDenied", "no"))]);
    let c = client(&server);
    let role = "arn:aws:iam::123456789012:role/r";
    let cases: Vec<(AssumeRoleInput, &str)> = vec![
        (AssumeRoleInput::new(role, "x"), "RoleSessionName must be 2 to 64 characters long, not 1"),
        (AssumeRoleInput::new(role, "has space"), "RoleSessionName has ` ` at byte 3"),
        (
            AssumeRoleInput::new(role, "s".repeat(65)),
            "RoleSessionName must be 2 to 64 characters long, not 65",
        ),
        (
            AssumeRoleInput::new(role, "ok").with_duration_seconds(899),
            "DurationSeconds must be 900 to 43200 seconds, not 899",
        ),
        (
            AssumeRoleInput::new(role, "ok").with_duration_seconds(43_201),
            "DurationSeconds must be 900 to 43200 seconds, not 43201",
        ),
        (
            AssumeRoleInput::new("arn:aws:iam::123456789012:user/u", "ok"),
            "RoleArn is not a valid ARN",
        ),
        (AssumeRoleInput::new("role/r", "ok"), "RoleArn must be 20 to 2048 characters long"),
        (
            AssumeRoleInput::new(role, "ok").with_mfa("arn:aws:iam::123456789012:mfa/a", "12345"),
            "TokenCode must be exactly six digits",
        ),
        (AssumeRoleInput::new(role, "ok").with_external_id("x"), "ExternalId must be 2 to 1224"),
    ];
    for (input, expected) in cases {
        let err = c.assume_role(&input).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(
            err.to_string().starts_with(&format!("STS AssumeRole: {expected}")),
            "{err} / {expected}"
        );
    }
    let err = c
        .get_session_token(&GetSessionTokenInput::new().with_duration_seconds(129_601))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("DurationSeconds must be 900 to 129600 seconds, not 129601"),
        "{err}"
    );
    let err = c
        .get_session_token(&GetSessionTokenInput::new().with_duration_seconds(129_600))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(server.requests().len(), 1, "only the valid request was sent");
}

#[test]
fn clients_and_calls_can_cross_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: T) {}
    let client = StsClient::builder("us-east-1").build().unwrap();
    send_sync(&client);
    send(client.get_caller_identity());
    let input = AssumeRoleInput::new("arn:aws:iam::123456789012:role/r", "s1");
    send(client.assume_role(&input));
    send_sync(&client.get_caller_identity());
    let err = signet_sts_client::ServiceError::from_xml(400, b"<x/>").unwrap_err();
    send_sync(&err);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = MockServer::start(vec![Reply::new(200, IDENTITY)]);
    let server = MockServer::start(vec![
        Reply::new(307, "").header("location", &format!("{}/", elsewhere.url())),
    ]);
    let c = StsClient::builder("us-east-1")
        .endpoint_url(server.url())
        .credentials(creds())
        .build()
        .unwrap();
    let err = c.get_caller_identity().await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::MalformedResponse, Some(307)), "{err}");
    assert!(elsewhere.requests().is_empty(), "the signed request went to the redirect target");
}
