//! Interop with moto server's instance-metadata endpoint (the happy path).

use std::time::{Duration, SystemTime};

use signet_config_loader::{Env, Fs, Settings};
use signet_imds_client::{Client, ErrorKind, parse_credentials};
use signet_test_support::moto::Moto;

#[tokio::test]
async fn moto_metadata_happy_path() {
    let moto = tokio::task::spawn_blocking(|| Moto::start(&[])).await.unwrap();
    let settings = Settings::load(&Env::empty(), &Fs::from_map([("/none", "")])).unwrap();
    let imds = Client::builder()
        .endpoint(moto.url())
        .timeout(Duration::from_secs(5))
        .attempts(1)
        .build(&settings)
        .unwrap();
    let test = async {
        // moto answers the token request, and every GET below carries that token.
        assert_eq!(imds.region().await.unwrap(), "us-east-1");
        assert_eq!(imds.instance_id().await.unwrap(), "i-fake");
        assert_eq!(
            imds.get("/latest/meta-data/placement/availability-zone").await.unwrap(),
            "us-east-1a"
        );

        // moto has only the classic credentials API; its answer for paths it does not know,
        // such as `security-credentials-extended/`, is a 500, which (like aws-sdk-java-v2) we
        // do not treat as "no extended API here".
        let err = imds.role_credentials().await.unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(500)), "{err}");

        // The classic API, read through the same client and parsed by the same code.
        let role = imds.get("/latest/meta-data/iam/security-credentials/").await.unwrap();
        assert_eq!(role, "default-role");
        let path = format!("/latest/meta-data/iam/security-credentials/{role}");
        let document = imds.get(&path).await.unwrap();
        let creds = parse_credentials(document.as_bytes(), &path).unwrap();
        assert_eq!(creds.access_key_id(), "test-key");
        assert_eq!(creds.secret_access_key(), "test-secret-key");
        assert_eq!(creds.session_token(), Some("test-session-token"));
        // moto's credentials expire a day after they are served.
        assert!(creds.expiration().is_some_and(|e| e > SystemTime::UNIX_EPOCH));
    };
    tokio::time::timeout(Duration::from_secs(60), test).await.expect("moto test took over 60 s");
}
