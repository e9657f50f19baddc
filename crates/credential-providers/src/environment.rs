//! Credentials from environment variables.

use async_trait::async_trait;
use signet_config_loader::Env;
use signet_sigv4::{Credentials, parse_rfc3339};

use crate::{Error, ProvideCredentials};

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (or `SECRET_ACCESS_KEY`),
/// `AWS_SESSION_TOKEN`, `AWS_ACCOUNT_ID` and `AWS_CREDENTIAL_EXPIRATION`, re-read on every
/// load.
///
/// Blank values count as unset. No access key id is
/// [`NotConfigured`](crate::ErrorKind::NotConfigured); an access key id without a secret, or
/// an expiration that is not RFC 3339, is
/// [`InvalidConfiguration`](crate::ErrorKind::InvalidConfiguration).
///
/// ```
/// use signet_config_loader::Env;
/// use signet_credential_providers::{EnvironmentProvider, ProvideCredentials};
///
/// let env = Env::from_map([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET")]);
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// let creds = runtime.block_on(EnvironmentProvider::new(env).provide_credentials())?;
/// assert_eq!(creds.access_key_id(), "AKID");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads from `env`.
    pub fn new(env: Env) -> Self {
        Self { env }
    }

    /// Loads without `async`: environment variables need no I/O.
    pub fn load(&self) -> Result<Credentials, Error> {
        load(&self.env).map_err(|e| e.in_provider("Environment"))
    }
}

fn load(env: &Env) -> Result<Credentials, Error> {
    let access = env.get_non_blank("AWS_ACCESS_KEY_ID");
    let secret = env
        .get_non_blank("AWS_SECRET_ACCESS_KEY")
        .or_else(|| env.get_non_blank("SECRET_ACCESS_KEY"));
    let (access, secret) = match (access, secret) {
        (Some(access), Some(secret)) => (access, secret),
        (None, _) => {
            return Err(Error::not_configured("environment variable not set: AWS_ACCESS_KEY_ID"));
        }
        (Some(_), None) => {
            return Err(Error::invalid_config(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            ));
        }
    };
    let mut creds = Credentials::new(access.trim(), secret.trim());
    if let Some(token) = env.get_non_blank("AWS_SESSION_TOKEN") {
        creds = creds.with_session_token(token.trim());
    }
    if let Some(account) = env.get_non_blank("AWS_ACCOUNT_ID") {
        creds = creds.with_account_id(account.trim());
    }
    if let Some(expiry) = env.get_non_blank("AWS_CREDENTIAL_EXPIRATION") {
        let Some(at) = parse_rfc3339(&expiry) else {
            return Err(Error::invalid_config(format!(
                "AWS_CREDENTIAL_EXPIRATION = `{}` is not an RFC 3339 time such as 2026-11-23T12:00:00Z",
                expiry.trim()
            )));
        };
        creds = creds.with_expiration(at);
    }
    Ok(creds)
}

#[async_trait]
impl ProvideCredentials for EnvironmentProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.load()
    }
}
