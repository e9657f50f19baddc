//! The default chain end to end: what wins, and the explanation when nothing does.

use std::time::{Duration, Instant};

use signet_config_loader::{Env, Fs};
use signet_credential_providers::{Attempt, DefaultChainBuilder, ErrorKind, ProvideCredentials};
use signet_sigv4::Credentials;

fn closed_port() -> String {
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    format!("http://{addr}")
}

#[tokio::test]
async fn nothing_configured_fails_fast_naming_every_provider() {
    let env = Env::from_map([
        ("HOME", "/home/nobody".to_owned()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", closed_port()),
    ]);
    let chain = DefaultChainBuilder::new(env, Fs::from_map::<&str, &str>([])).build();
    let start = Instant::now();
    let error = chain.provide_credentials().await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
    assert_eq!(error.kind(), ErrorKind::NoCredentials);
    let names: Vec<_> = error.attempts().iter().map(|a| a.provider().unwrap_or("")).collect();
    assert_eq!(
        names,
        ["Environment", "Profile", "WebIdentityToken", "EcsContainer", "Ec2InstanceMetadata"]
    );
    let text = error.to_string();
    assert!(text.starts_with("no credentials found in chain. Attempted:\n  Environment: the credential provider was not enabled: environment variable not set: AWS_ACCESS_KEY_ID"), "{text}");
    assert!(
        text.contains("Profile: the credential provider was not enabled: No profiles were defined"),
        "{text}"
    );
    assert!(text.contains("Ec2InstanceMetadata: the credential provider was not enabled: could not load instance-profile credentials from IMDS: "), "{text}");
    assert_eq!(text.lines().count(), 6, "{text}");
}

#[tokio::test]
async fn explicit_credentials_win_and_explain_says_why() {
    let env = Env::from_map([
        ("AWS_ACCESS_KEY_ID", "ENVKEY"),
        ("AWS_SECRET_ACCESS_KEY", "envsecret"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    let fs = Fs::from_map::<&str, &str>([]);
    let chain = DefaultChainBuilder::new(env.clone(), fs.clone())
        .credentials(Credentials::new("CODEKEY", "codesecret"))
        .build();
    assert_eq!(chain.provide_credentials().await.unwrap().access_key_id(), "CODEKEY");
    let chain = DefaultChainBuilder::new(env, fs).build();
    let explained = chain.explain().await;
    assert!(
        matches!(&explained[0], Attempt::Answered { provider, access_key_id } if provider == "Environment" && access_key_id == "ENVKEY")
    );
    assert!(explained[1..].iter().all(|a| matches!(a, Attempt::NotTried(_))));
    assert_eq!(explained[1].to_string(), "Profile: not tried");
}

#[tokio::test]
async fn a_broken_source_stops_the_chain() {
    // A token file without a role ARN must not fall through to the container or IMDS.
    let env = Env::from_map([
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/token"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    let chain = DefaultChainBuilder::new(env.clone(), Fs::from_map::<&str, &str>([])).build();
    let error = chain.provide_credentials().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidConfiguration);
    assert_eq!(error.provider(), Some("WebIdentityToken"));

    // A partially configured environment is an error, not "next please".
    let env = Env::from_map([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_EC2_METADATA_DISABLED", "true")]);
    let error = DefaultChainBuilder::new(env, Fs::from_map::<&str, &str>([]))
        .build()
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind(), error.provider()),
        (ErrorKind::InvalidConfiguration, Some("Environment"))
    );
}

#[tokio::test]
async fn mfa_serial_needs_a_callback() {
    let env = Env::from_map([
        ("HOME", "/h"),
        ("AWS_PROFILE", "r"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    let fs = Fs::from_map([(
        "/h/.aws/config",
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n[profile base]\naws_access_key_id = A\naws_secret_access_key = S\n",
    )]);
    let error = DefaultChainBuilder::new(env, fs).build().provide_credentials().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidConfiguration);
    assert!(error.to_string().contains("mfa_serial"), "{error}");
}

#[tokio::test]
async fn credential_process_times_out_and_reports_stderr() {
    let env = Env::from_map([("HOME", "/h"), ("AWS_EC2_METADATA_DISABLED", "true")]);
    let fs = Fs::from_map([(
        "/h/.aws/config",
        "[default]\ncredential_process = sh -c 'echo broken pipe >&2; exit 7'\n",
    )]);
    let error = DefaultChainBuilder::new(env, fs).build().provide_credentials().await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("external process exited with code exit status: 7. Stderr: broken pipe"),
        "{text}"
    );

    let slow = signet_credential_providers::ProcessProvider::new("sleep 5")
        .with_timeout(Duration::from_millis(200));
    let start = Instant::now();
    let error = slow.provide_credentials().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(start.elapsed() < Duration::from_secs(3));
}

mod support;

const ASSUME_ROLE_RESPONSE: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>roletoken</SessionToken><Expiration>2031-08-05T19:58:02Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>c2e971c2</RequestId></ResponseMetadata></AssumeRoleResponse>";

#[tokio::test]
async fn role_options_and_the_mfa_callback_reach_sts() {
    let server = support::replay::ReplayServer::start(vec![support::replay::exchange(
        "POST",
        "/",
        200,
        ASSUME_ROLE_RESPONSE,
    )])
    .await;
    let env = Env::from_map([
        ("HOME", "/h".to_owned()),
        ("AWS_PROFILE", "r".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ENDPOINT_URL_STS", server.url()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ]);
    let fs = Fs::from_map([(
        "/h/.aws/config",
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nexternal_id = ext-42\nduration_seconds = 1800\nrole_session_name = ci-run\n[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = basesecret\n",
    )]);
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = asked.clone();
    let chain = DefaultChainBuilder::new(env, fs)
        .mfa_token(move |serial| {
            seen.lock().unwrap().push(serial.to_owned());
            Ok("123456".to_owned())
        })
        .build();
    let creds = chain.provide_credentials().await.unwrap();
    assert_eq!((creds.access_key_id(), creds.session_token()), ("ASIAROLE", Some("roletoken")));
    assert_eq!(*asked.lock().unwrap(), ["arn:aws:iam::123456789012:mfa/me"]);
    let request = &server.seen()[0];
    for part in [
        "Action=AssumeRole",
        "RoleSessionName=ci-run",
        "ExternalId=ext-42",
        "DurationSeconds=1800",
        "TokenCode=123456",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme",
    ] {
        assert!(request.body.contains(part), "{part} missing from {}", request.body);
    }
    assert!(
        request.headers["authorization"].contains("Credential=AKIDBASE/"),
        "signed with the base keys"
    );
}

#[tokio::test]
async fn a_token_only_sso_profile_passes_to_the_next_provider() {
    let env = Env::from_map([
        ("HOME", "/h".to_owned()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", closed_port()),
    ]);
    let fs = Fs::from_map([(
        "/h/.aws/config",
        "[default]\nsso_session = dev\n[sso-session dev]\nsso_region = us-east-1\nsso_start_url = https://x\n",
    )]);
    let error = DefaultChainBuilder::new(env, fs).build().provide_credentials().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NoCredentials);
    assert!(
        error.to_string().contains("resolve an access token instead of credentials"),
        "{error}"
    );
}
