//! Files that rotate are read again on every load: the web identity token, the container
//! authorization token, and the SSO token cache (refreshed and written back).

mod support;

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use signet_config_loader::{Env, Fs};
use signet_credential_providers::{
    ContainerProvider, DefaultChainBuilder, ProvideCredentials, StaticTime,
};
use support::replay::{ReplayServer, exchange};

const WEB_IDENTITY_RESPONSE: &str = "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult><AssumedRoleUser><AssumedRoleId>AROARTEST:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser><Credentials><AccessKeyId>AKIDTEST</AccessKeyId><SecretAccessKey>SECRETKEYTEST</SecretAccessKey><SessionToken>SESSIONTOKEN_TEST</SessionToken><Expiration>2031-08-16T20:52:53Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>f874b1d6</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>";
const CONTAINER_RESPONSE: &str = "{\"AccessKeyId\":\"ASIARCORRECT\",\"SecretAccessKey\":\"secretkeycorrect\",\"Token\":\"tokencorrect\",\"Expiration\":\"2031-02-13T23:31:30Z\"}";

#[tokio::test]
async fn the_web_identity_token_file_is_read_on_every_load() {
    let server = ReplayServer::start(vec![
        exchange("POST", "/", 200, WEB_IDENTITY_RESPONSE),
        exchange("POST", "/", 200, WEB_IDENTITY_RESPONSE),
    ])
    .await;
    let env = Env::from_map([
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/token".to_owned()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r".to_owned()),
        ("AWS_REGION", "eu-west-1".to_owned()),
        ("AWS_ENDPOINT_URL_STS", server.url()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ]);
    let fs = Fs::from_map([("/var/token", "first-token-1")]);
    let chain = DefaultChainBuilder::new(env, fs.clone()).build();
    assert_eq!(chain.provide_credentials().await.unwrap().access_key_id(), "AKIDTEST");
    fs.write(Path::new("/var/token"), b"second-token-2").unwrap();
    chain.provide_credentials().await.unwrap();
    let seen = server.seen();
    assert!(seen[0].body.contains("WebIdentityToken=first-token-1"), "{}", seen[0].body);
    assert!(seen[1].body.contains("WebIdentityToken=second-token-2"), "{}", seen[1].body);
    assert!(seen[0].body.contains("RoleSessionName=web-identity-token-"), "{}", seen[0].body);
    assert!(!seen[0].headers.contains_key("authorization"), "web identity calls are unsigned");
}

#[tokio::test]
async fn the_container_token_file_is_read_on_every_load() {
    let server = ReplayServer::start(vec![
        exchange("GET", "/creds", 200, CONTAINER_RESPONSE),
        exchange("GET", "/creds", 200, CONTAINER_RESPONSE),
    ])
    .await;
    let env = Env::from_map([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{}/creds", server.url())),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/token".to_owned()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored".to_owned()),
    ]);
    let fs = Fs::from_map([("/token", "Bearer one")]);
    let provider = ContainerProvider::new(env, fs.clone());
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(
        (creds.access_key_id(), creds.session_token()),
        ("ASIARCORRECT", Some("tokencorrect"))
    );
    fs.write(Path::new("/token"), b"Bearer two").unwrap();
    provider.provide_credentials().await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].headers["authorization"], "Bearer one");
    assert_eq!(seen[1].headers["authorization"], "Bearer two");
    assert_eq!(seen[0].headers["accept"], "application/json");
}

#[tokio::test]
async fn an_expiring_sso_token_is_refreshed_and_written_back() {
    let now = 1_700_000_000;
    let server = ReplayServer::start(vec![
        exchange("POST", "/token", 200, "{\"accessToken\":\"fresh-token\",\"expiresIn\":3600,\"refreshToken\":\"refresh-2\",\"tokenType\":\"Bearer\"}"),
        exchange(
            "GET",
            "/federation/credentials?account_id=012345678901&role_name=SampleRole",
            200,
            "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\",\"secretAccessKey\":\"ssosecret\",\"sessionToken\":\"ssotoken\",\"expiration\": 1900000000000}}",
        ),
    ])
    .await;
    let env = Env::from_map([
        ("HOME", "/home".to_owned()),
        ("AWS_ENDPOINT_URL_SSO", server.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", server.url()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ]);
    // sha1("dev") names the cache file of sso-session `dev`.
    let cache = "/home/.aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";
    let fs = Fs::from_map([
        (
            "/home/.aws/config",
            "[default]\nsso_session = dev\nsso_account_id = 012345678901\nsso_role_name = SampleRole\n[sso-session dev]\nsso_region = us-east-1\nsso_start_url = https://d-abc123.awsapps.com/start\n".to_owned(),
        ),
        (
            cache,
            // Expires in 2 minutes: inside the 5-minute refresh window.
            "{\"accessToken\":\"old-token\",\"expiresAt\":\"2023-11-14T22:15:20Z\",\"refreshToken\":\"refresh-1\",\"clientId\":\"cid\",\"clientSecret\":\"csecret\",\"registrationExpiresAt\":\"2030-01-01T00:00:00Z\"}".to_owned(),
        ),
    ]);
    let chain = DefaultChainBuilder::new(env, fs.clone())
        .time_source(StaticTime(UNIX_EPOCH + Duration::from_secs(now)))
        .build();
    let creds = chain.provide_credentials().await.unwrap();
    assert_eq!((creds.access_key_id(), creds.account_id()), ("ASIASSO", Some("012345678901")));
    let seen = server.seen();
    assert!(
        seen[0].body.contains("\"grantType\":\"refresh_token\"")
            && seen[0].body.contains("refresh-1"),
        "{}",
        seen[0].body
    );
    assert_eq!(seen[1].headers["x-amz-sso_bearer_token"], "fresh-token");
    let written = String::from_utf8(fs.read(Path::new(cache)).unwrap()).unwrap();
    assert!(written.contains("fresh-token") && written.contains("refresh-2"), "{written}");
    assert!(written.contains("2023-11-14T23:13:20Z"), "now + 3600 s: {written}");
}

#[tokio::test]
async fn an_expired_legacy_sso_token_asks_for_a_login() {
    let env = Env::from_map([("HOME", "/home"), ("AWS_EC2_METADATA_DISABLED", "true")]);
    let fs = Fs::from_map([
        (
            "/home/.aws/config",
            "[default]\nsso_start_url = https://ssotest.awsapps.com/start\nsso_region = us-east-2\nsso_account_id = 1\nsso_role_name = r\n",
        ),
        (
            "/home/.aws/sso/cache/dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json",
            "{\"accessToken\":\"t\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}",
        ),
    ]);
    let chain = DefaultChainBuilder::new(env, fs)
        .time_source(StaticTime(UNIX_EPOCH + Duration::from_secs(1_700_000_000)))
        .build();
    let error = chain.provide_credentials().await.unwrap_err();
    assert!(error.to_string().contains("aws sso login"), "{error}");
}

#[tokio::test]
async fn instance_profile_credentials_stay_through_an_imds_outage() {
    let server = ReplayServer::start(vec![
        exchange("PUT", "/latest/api/token", 200, "imds-token"),
        exchange("GET", "/latest/meta-data/iam/security-credentials/", 200, "my-role"),
        exchange(
            "GET",
            "/latest/meta-data/iam/security-credentials/my-role",
            200,
            "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"imdssecret\",\"Token\":\"imdstoken\",\"Expiration\":\"2021-09-21T18:41:26Z\"}",
        ),
    ])
    .await;
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let env = Env::from_map([("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url())]);
    let chain = DefaultChainBuilder::new(env, Fs::from_map::<&str, &str>([]))
        .time_source(StaticTime(now))
        .build();
    // IMDS answered credentials that expired in 2021: used for 10-15 more minutes.
    let first = chain.provide_credentials().await.unwrap();
    assert_eq!(first.access_key_id(), "ASIAIMDS");
    let until = first.expiration().unwrap().duration_since(now).unwrap();
    assert!((600..=900).contains(&until.as_secs()), "{until:?}");
    // The recording is exhausted: IMDS now answers 404 to everything. The last credentials
    // are served again, extended, instead of failing the application.
    let second = chain.provide_credentials().await.unwrap();
    assert_eq!(second.access_key_id(), "ASIAIMDS");
    assert!(server.seen().len() > 3, "IMDS was asked again");
}
