//! Setting up moto through the facade itself: an IAM user with keys and a policy, a role the
//! user may assume, and a throwaway profile directory that points at moto.
//!
//! moto verifies signatures once `INITIAL_NO_AUTH_ACTION_COUNT` setup calls have been made;
//! the setup calls here are signed with placeholder keys (moto only reads their scope).

use signet_test_support::query::form;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use signet::config::{Env, Fs};
use signet::sigv4::Credentials;
use signet::{ConfigLoader, Method, Service};

/// moto's account.
pub(crate) const ACCOUNT: &str = "123456789012";
/// The unauthenticated setup calls: CreateUser, CreateAccessKey, CreateRole, PutUserPolicy,
/// PutRolePolicy.
pub(crate) const SETUP_CALLS: &str = "5";
/// The role the profile `deployer` assumes.
pub(crate) const ROLE: &str = "deployer";

/// The user's keys.
pub(crate) struct UserKeys {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
}

/// One IAM Query call through the facade, with placeholder keys.
async fn iam(url: &str, params: &[(&str, &str)]) -> String {
    let config = ConfigLoader::with_env(Env::empty(), Fs::from_map::<&str, &str>([]))
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(Credentials::new("AKIAIOSFODNN7EXAMPLE", "placeholder"))
        .load()
        .await
        .expect("config");
    let response = config
        .client()
        .request(&Service::new("iam").with_service_id("IAM"), Method::POST, "/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form("2010-05-08", params))
        .send()
        .await
        .unwrap_or_else(|e| panic!("IAM {params:?}: {e}"));
    response.text()
}

pub(crate) use signet_test_support::query::element;

/// Creates user `alice` with keys, role `deployer`, and policies that let alice call
/// GetCallerIdentity, assume `deployer`, and use S3, and let the role use S3.
pub(crate) async fn setup(url: &str) -> UserKeys {
    iam(url, &[("Action", "CreateUser"), ("UserName", "alice")]).await;
    let keys = iam(url, &[("Action", "CreateAccessKey"), ("UserName", "alice")]).await;
    let user = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{user}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    iam(url, &[("Action", "CreateRole"), ("RoleName", ROLE), ("AssumeRolePolicyDocument", &trust)])
        .await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["sts:GetCallerIdentity","s3:*"],"Resource":"*"}},{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{ACCOUNT}:role/{ROLE}"}}]}}"#
    );
    iam(
        url,
        &[
            ("Action", "PutUserPolicy"),
            ("UserName", "alice"),
            ("PolicyName", "demo"),
            ("PolicyDocument", &policy),
        ],
    )
    .await;
    let s3 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetCallerIdentity","s3:*"],"Resource":"*"}]}"#;
    iam(
        url,
        &[
            ("Action", "PutRolePolicy"),
            ("RoleName", ROLE),
            ("PolicyName", "s3"),
            ("PolicyDocument", s3),
        ],
    )
    .await;
    UserKeys {
        access_key_id: element(&keys, "AccessKeyId").to_owned(),
        secret_access_key: element(&keys, "SecretAccessKey").to_owned(),
    }
}

/// Switches moto's request authentication off (`/moto-api/reset-auth`).
pub(crate) async fn disable_auth(url: &str) {
    let response = reqwest::Client::new()
        .post(format!("{url}/moto-api/reset-auth"))
        .body("1000000")
        .send()
        .await
        .expect("reset-auth");
    assert!(response.status().is_success(), "reset-auth: {}", response.status());
}

/// A throwaway home with `.aws/config` and `.aws/credentials`, removed on drop.
pub(crate) struct ProfileDir {
    root: PathBuf,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl ProfileDir {
    /// Writes profile `default` (alice's keys, region us-east-1) and profile `deployer`
    /// (`role_arn` + `source_profile = default`).
    pub(crate) fn new(keys: &UserKeys) -> ProfileDir {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("signet-demo-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join(".aws")).expect("create the profile directory");
        let config = format!(
            "[default]\nregion = us-east-1\n\n[profile {ROLE}]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/{ROLE}\nsource_profile = default\nrole_session_name = signet-demo\n"
        );
        let credentials = format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            keys.access_key_id, keys.secret_access_key
        );
        std::fs::write(root.join(".aws/config"), config).expect("write config");
        std::fs::write(root.join(".aws/credentials"), credentials).expect("write credentials");
        ProfileDir { root }
    }

    /// The home directory.
    pub(crate) fn home(&self) -> &Path {
        &self.root
    }

    /// The environment a process would have: this home, everything sent to `moto_url`, and
    /// IMDS off.
    pub(crate) fn env_vars(&self, moto_url: &str) -> Vec<(String, String)> {
        let aws = self.root.join(".aws");
        vec![
            ("HOME".into(), self.root.display().to_string()),
            ("AWS_CONFIG_FILE".into(), aws.join("config").display().to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE".into(), aws.join("credentials").display().to_string()),
            ("AWS_ENDPOINT_URL".into(), moto_url.to_owned()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ]
    }

    /// A loader reading this home through an injected environment.
    pub(crate) fn loader(&self, moto_url: &str) -> ConfigLoader {
        ConfigLoader::with_env(Env::from_map(self.env_vars(moto_url)), Fs::real())
    }
}

impl Drop for ProfileDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
