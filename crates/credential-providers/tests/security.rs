//! Security rules: the `FULL_URI` allow-list is enforced before any connection, and a canary
//! secret run through every error path never shows up in `Debug`, `Display` or logs.

use std::time::Duration;

use signet_config_loader::{Env, Fs};
use signet_credential_providers::{
    ContainerProvider, DefaultChainBuilder, EnvironmentProvider, ErrorKind, ProcessProvider,
    ProvideCredentials,
};
use tokio::net::TcpListener;

mod support;

const CANARY: &str = "CANARYsecretDoNotLeak0123456789";

#[tokio::test]
async fn full_uri_to_a_host_not_allowed_is_refused_before_connecting() {
    // A listener that would see any connection attempt.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    for uri in [
        "http://192.168.1.1/creds",
        "http://169.254.170.3/creds",
        "http://example.com/creds",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://127.0.0.1/creds",
    ] {
        let env = Env::from_map([("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)]);
        let e = ContainerProvider::new(env, Fs::from_map::<&str, &str>([]))
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfiguration, "{uri}: {e}");
    }
    let accepted = tokio::time::timeout(Duration::from_millis(50), listener.accept()).await;
    assert!(accepted.is_err(), "no connection was made");
}

#[tokio::test]
async fn tokens_with_line_breaks_are_refused() {
    let env = Env::from_map([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1"),
    ]);
    let e = ContainerProvider::new(env, Fs::from_map::<&str, &str>([])).request().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfiguration);
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} leaks the canary: {text}");
}

fn check<E: std::error::Error>(what: &str, error: &E) {
    assert_clean(what, &format!("{error}"));
    assert_clean(what, &format!("{error:?}"));
    let mut source = error.source();
    while let Some(cause) = source {
        assert_clean(what, &cause.to_string());
        source = cause.source();
    }
}

#[tokio::test]
async fn a_canary_secret_never_appears_in_errors_or_logs() {
    let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let guard = tracing::subscriber::set_default(support::Capture(logs.clone()));
    // Environment: a secret with a bad expiration.
    let env = Env::from_map([
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", CANARY),
        ("AWS_SESSION_TOKEN", CANARY),
        ("AWS_CREDENTIAL_EXPIRATION", "tomorrow"),
    ]);
    check("env", &EnvironmentProvider::new(env).load().unwrap_err());

    // Profiles: partial keys, a role without a source, a cycle, a bad duration.
    for config in [
        format!(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n[profile b]\naws_secret_access_key = {CANARY}\n"
        ),
        format!(
            "[profile a]\naws_access_key_id = A\naws_secret_access_key = {CANARY}\nrole_arn = arn:aws:iam::1:role/A\n"
        ),
        format!(
            "[profile a]\nrole_arn = r\nsource_profile = b\naws_secret_access_key = {CANARY}\n[profile b]\nrole_arn = r\nsource_profile = a\n"
        ),
        format!(
            "[profile a]\nrole_arn = r\nsource_profile = a\naws_access_key_id = A\naws_secret_access_key = {CANARY}\nduration_seconds = x\n"
        ),
        format!("[profile a]\naws_session_token = {CANARY}\n = broken"),
        format!("[profile a]\ncredential_process = echo {CANARY}; exit 3\n"),
        format!(
            "[profile a]\ncredential_process = echo '{{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"{CANARY}\"}}'\n"
        ),
        format!(
            "[profile a]\ncredential_process = echo '{{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"{CANARY}\", \"Expiration\": \"bad\"}}'\n"
        ),
        format!(
            "[profile a]\nsso_start_url = https://x\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\naws_secret_access_key = {CANARY}\n"
        ),
    ] {
        let env = Env::from_map([
            ("HOME", "/h"),
            ("AWS_PROFILE", "a"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let fs = Fs::from_map([("/h/.aws/config", config.as_str())]);
        let chain = DefaultChainBuilder::new(env, fs).build();
        let e = chain.provide_credentials().await.unwrap_err();
        check(&config, &e);
        assert_clean("chain", &format!("{chain:?}"));
    }

    // credential_process's command is never shown, even though it holds the canary.
    let process = ProcessProvider::new(format!("echo {CANARY} >&2; exit 1"));
    assert_clean("process debug", &format!("{process:?}"));

    // Container: a token with the canary, refused, and one sent to a closed port.
    let env = Env::from_map([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/creds"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", CANARY),
    ]);
    let provider = ContainerProvider::new(env, Fs::from_map::<&str, &str>([]));
    check("container", &provider.provide_credentials().await.unwrap_err());
    assert_clean("container debug", &format!("{provider:?}"));
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let env = Env::from_map([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("http://{closed}/creds")),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", CANARY.to_owned()),
    ]);
    let provider = ContainerProvider::new(env, Fs::from_map::<&str, &str>([])).with_attempts(1);
    let request = provider.request().unwrap();
    assert_clean("request debug", &format!("{request:?}"));
    check("container closed", &provider.provide_credentials().await.unwrap_err());
    drop(guard);
    let logs = logs.lock().unwrap();
    assert!(!logs.is_empty(), "the paths above log (debug lines for skipped providers)");
    for line in logs.iter() {
        assert_clean("log line", line);
    }
}
