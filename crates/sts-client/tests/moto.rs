//! Against a real emulator: moto server verifies every request's SigV4 signature once the
//! IAM user and its keys exist (`INITIAL_NO_AUTH_ACTION_COUNT` covers the setup calls) and
//! checks the user's identity policies.
//!
//! moto does not evaluate role trust policies (it lets any caller assume any role); it does
//! evaluate the caller's identity policies. So the denied role below is denied by both its
//! trust policy (for real STS) and by the user's policy (which moto enforces).

mod support;

use signet_test_support::query::{element, form};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signet_sigv4::{Credentials, Payload, SignableRequest, Signer};
use signet_sts_client::{AssumeRoleInput, ErrorCode, ErrorKind, GetSessionTokenInput, StsClient};
use support::moto::Moto;

const ACCOUNT: &str = "123456789012";
/// The IAM calls made before signatures are verified.
const SETUP_CALLS: &str = "5";

struct Setup {
    moto: Moto,
    user_keys: Credentials,
}

fn now() -> SystemTime {
    // Real time: moto rejects signatures more than a few minutes old.
    #[allow(clippy::disallowed_methods)]
    SystemTime::now()
}

/// One IAM Query call, signed with placeholder keys (moto only uses the signature's scope to
/// route it while authentication is still off).
async fn iam(url: &str, params: &[(&str, &str)]) -> String {
    let body = form("2010-05-08", params);
    let host = url.trim_start_matches("http://").to_owned();
    let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "placeholder");
    let headers = [("host", host.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    let signer = Signer::new(&creds, "us-east-1", "iam", now()).unwrap();
    let signed = signer
        .sign_headers(&SignableRequest::new("POST", "/", &headers, Payload::Bytes(body.as_bytes())))
        .unwrap();
    let mut request = reqwest::Client::new()
        .post(format!("{url}/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (n, v) in signed.headers() {
        request = request.header(n, v);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "IAM {params:?}: {status} {text}");
    text
}

async fn setup() -> Setup {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let moto = Moto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", SETUP_CALLS)]);
    let url = moto.url();
    iam(&url, &[("Action", "CreateUser"), ("UserName", "alice")]).await;
    let keys = iam(&url, &[("Action", "CreateAccessKey"), ("UserName", "alice")]).await;
    let user_keys =
        Credentials::new(element(&keys, "AccessKeyId"), element(&keys, "SecretAccessKey"));
    let user = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{user}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    iam(
        &url,
        &[("Action", "CreateRole"), ("RoleName", "deployer"), ("AssumeRolePolicyDocument", &trust)],
    )
    .await;
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    iam(
        &url,
        &[("Action", "CreateRole"), ("RoleName", "locked"), ("AssumeRolePolicyDocument", deny)],
    )
    .await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["sts:GetCallerIdentity","sts:GetSessionToken"],"Resource":"*"}},{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{ACCOUNT}:role/deployer"}}]}}"#
    );
    iam(
        &url,
        &[
            ("Action", "PutUserPolicy"),
            ("UserName", "alice"),
            ("PolicyName", "sts"),
            ("PolicyDocument", &policy),
        ],
    )
    .await;
    Setup { moto, user_keys }
}

fn client(setup: &Setup, credentials: Credentials) -> StsClient {
    StsClient::builder("us-east-1")
        .endpoint_url(setup.moto.url())
        .credentials(credentials)
        .attempt_timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn get_caller_identity_with_the_users_keys() {
    let setup = setup().await;
    let me = client(&setup, setup.user_keys.clone()).get_caller_identity().await.unwrap();
    assert_eq!(me.account, ACCOUNT);
    assert_eq!(me.arn, format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert!(!me.user_id.is_empty());
    assert!(me.request_id.is_some());
}

#[tokio::test]
async fn a_wrong_secret_is_signature_does_not_match() {
    let setup = setup().await;
    let wrong = Credentials::new(setup.user_keys.access_key_id(), "not-the-secret");
    let err = client(&setup, wrong).get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service, "{err}");
    let service = err.service_error().unwrap();
    assert_eq!(service.error_code(), ErrorCode::SignatureDoesNotMatch);
    assert_eq!(service.status(), 403);
    let shown = err.to_string();
    assert!(
        shown.starts_with("STS GetCallerIdentity: SignatureDoesNotMatch (HTTP 403): "),
        "{shown}"
    );
    assert!(!shown.contains("not-the-secret"));
}

#[tokio::test]
async fn assume_role_then_call_as_the_role() {
    let setup = setup().await;
    let user = client(&setup, setup.user_keys.clone());
    let role = format!("arn:aws:iam::{ACCOUNT}:role/deployer");
    let input = AssumeRoleInput::new(&role, "ci-run-1").with_duration_seconds(900);
    let assumed = user.assume_role(&input).await.unwrap();
    let expected_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-run-1");
    assert_eq!(assumed.assumed_role_user.arn, expected_arn);
    assert!(assumed.assumed_role_user.assumed_role_id.ends_with(":ci-run-1"));
    let creds = &assumed.credentials;
    assert!(creds.access_key_id().starts_with("ASIA"));
    assert!(creds.session_token().is_some_and(|t| !t.is_empty()));
    assert_eq!(creds.account_id(), Some(ACCOUNT));
    let expires = creds.expiration().unwrap().duration_since(UNIX_EPOCH).unwrap();
    let now = now().duration_since(UNIX_EPOCH).unwrap();
    assert!(expires > now && expires <= now + Duration::from_secs(901), "{expires:?} vs {now:?}");

    let as_role = user.with_credentials(assumed.credentials.clone());
    let me = as_role.get_caller_identity().await.unwrap();
    assert_eq!(me.arn, expected_arn);
    assert_eq!(me.account, ACCOUNT);
}

#[tokio::test]
async fn assume_role_denied_is_access_denied() {
    let setup = setup().await;
    let user = client(&setup, setup.user_keys.clone());
    let input = AssumeRoleInput::new(format!("arn:aws:iam::{ACCOUNT}:role/locked"), "nope");
    let err = user.assume_role(&input).await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "{err}");
    assert_eq!(err.service_error().unwrap().error_code(), ErrorCode::AccessDenied);
    assert!(err.to_string().contains("is not authorized to perform: sts:AssumeRole"), "{err}");
}

#[tokio::test]
async fn get_session_token_with_mfa_works() {
    let setup = setup().await;
    let user = client(&setup, setup.user_keys.clone());
    let session = user
        .get_session_token(
            &GetSessionTokenInput::new()
                .with_duration_seconds(900)
                .with_mfa(format!("arn:aws:iam::{ACCOUNT}:mfa/alice"), "123456"),
        )
        .await
        .unwrap();
    let creds = session.credentials;
    assert!(creds.session_token().is_some_and(|t| !t.is_empty()));
    assert_ne!(creds.access_key_id(), setup.user_keys.access_key_id());
    let expires = creds.expiration().unwrap();
    assert!(expires > now() && expires <= now() + Duration::from_secs(901));
    // moto 5.2 does not accept GetSessionToken credentials for later calls
    // (InvalidClientTokenId), unlike STS, so they are not used here.
}
