//! The facade against moto server, which verifies every request's SigV4 signature once the
//! setup calls are made: load from a temporary profile directory and an injected environment,
//! GetCallerIdentity, AssumeRole through a profile with `role_arn` + `source_profile`, a
//! generic signed call, a service error with its code, and S3 with a presigned GET.

mod support;

use std::time::Duration;

use signet::sigv4::Credentials;
use signet::{ErrorKind, Method, RegionSource, Service};
use support::iam::{self, ACCOUNT, ProfileDir, ROLE};
use support::moto::Moto;

fn get_caller_identity(config: &signet::Config) -> signet::RequestBuilder {
    config
        .client()
        .request(&Service::STS, Method::POST, "/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
}

async fn start() -> (Moto, ProfileDir) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let moto = Moto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", iam::SETUP_CALLS)]);
    let keys = iam::setup(&moto.url()).await;
    let dir = ProfileDir::new(&keys);
    (moto, dir)
}

#[tokio::test]
async fn loads_a_profile_and_calls_sts_as_the_user() {
    let (moto, dir) = start().await;
    let config = dir.loader(&moto.url()).load().await.unwrap();
    assert_eq!(config.region().name, "us-east-1");
    assert!(
        matches!(config.region().source, RegionSource::Profile { .. }),
        "{:?}",
        config.region()
    );
    let creds = config.credentials().await.unwrap();
    assert!(creds.access_key_id().starts_with("AKIA"), "{}", creds.access_key_id());

    let sts = config.sts_client().await.unwrap();
    let me = sts.get_caller_identity().await.unwrap();
    assert_eq!(me.account, ACCOUNT);
    assert_eq!(me.arn, format!("arn:aws:iam::{ACCOUNT}:user/alice"));

    // The same call through the generic signed client.
    let response = get_caller_identity(&config).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 1);
    assert!(response.text().contains(":user/alice</Arn>"), "{}", response.text());
}

#[tokio::test]
async fn assumes_a_role_through_role_arn_and_source_profile() {
    let (moto, dir) = start().await;
    let config = dir.loader(&moto.url()).profile(ROLE).load().await.unwrap();
    let creds = config.credentials().await.unwrap();
    assert!(creds.session_token().is_some(), "assumed-role credentials carry a session token");
    assert!(creds.expiration().is_some());

    let me = config.sts_client().await.unwrap().get_caller_identity().await.unwrap();
    assert_eq!(me.arn, format!("arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/signet-demo"));
    // Served from the cache: the role was assumed once.
    config.credentials().await.unwrap();
    assert_eq!(config.credentials_provider().load_count(), 1);
}

#[tokio::test]
async fn a_bad_signature_is_a_service_error_with_code_and_request_id() {
    let (moto, dir) = start().await;
    let config = dir
        .loader(&moto.url())
        .credentials(Credentials::new("AKIAIOSFODNN7EXAMPLE", "not-the-secret"))
        .max_attempts(1)
        .load()
        .await
        .unwrap();
    let error = get_caller_identity(&config).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Service);
    let service = error.service_error().unwrap();
    assert_eq!(service.status(), 403);
    assert_eq!(service.code(), Some("InvalidClientTokenId"), "{error}");
    assert!(error.to_string().contains("InvalidClientTokenId"), "{error}");
}

#[tokio::test]
async fn s3_signed_put_and_get_then_a_presigned_get() {
    let (moto, dir) = start().await;
    let config = dir.loader(&moto.url()).load().await.unwrap();
    let client = config.client();
    client.request(&Service::S3, Method::PUT, "/signet-demo").send().await.unwrap();
    client
        .request(&Service::S3, Method::PUT, "/signet-demo/hello.txt")
        .body("hello from signet")
        .send()
        .await
        .unwrap();
    let got = client.request(&Service::S3, Method::GET, "/signet-demo/hello.txt").send().await;
    assert_eq!(got.unwrap().text(), "hello from signet");

    let url = client
        .presign(&Service::S3, Method::GET, "/signet-demo/hello.txt", Duration::from_secs(300))
        .await
        .unwrap();
    assert!(url.starts_with(&format!("{}/signet-demo/hello.txt?X-Amz-Algorithm=", moto.url())));
    // moto's request authentication reads the Authorization header only (a presigned request
    // makes it fail with HTTP 500), so switch authentication off before fetching the URL: this
    // checks the URL's shape and routing; signet-sigv4's suites check presigned signatures.
    iam::disable_auth(&moto.url()).await;
    let body = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert_eq!(body, "hello from signet");
}

#[tokio::test]
async fn requests_built_elsewhere_are_signed_and_accepted() {
    let (moto, dir) = start().await;
    let config = dir.loader(&moto.url()).load().await.unwrap();
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let form = "application/x-www-form-urlencoded";

    let mut request = config
        .http_client()
        .post(format!("{}/", moto.url()))
        .header("content-type", form)
        .body(body)
        .build()
        .unwrap();
    config.client().sign_reqwest(&mut request, &Service::STS).await.unwrap();
    let response = config.http_client().execute(request).await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let mut request = http::Request::post(format!("{}/", moto.url()))
        .header("content-type", form)
        .body(body.as_bytes().to_vec())
        .unwrap();
    config.client().sign_http(&mut request, &Service::STS).await.unwrap();
    assert!(request.headers()["authorization"].is_sensitive());
    let response = config.http_client().execute(request.try_into().unwrap()).await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}
