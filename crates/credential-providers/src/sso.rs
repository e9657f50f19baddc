//! IAM Identity Center (SSO): the cached token and the portal's GetRoleCredentials.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use serde_json::Value;
use sha1::{Digest, Sha1};
use signet_sigv4::{Credentials, format_rfc3339, parse_rfc3339};

use crate::context::Context;
use crate::http::read_body;
use crate::json::{get_str, parse_object};
use crate::profile_chain::{Sensitive, SsoConfig};
use crate::{Error, ProvideCredentials};

/// Refresh a session token when less than this remains.
const REFRESH_BUFFER: Duration = Duration::from_secs(300);

/// Credentials from IAM Identity Center: the access token `aws sso login` cached under
/// `~/.aws/sso/cache/<sha1>.json` (refreshed through SSO-OIDC for `sso_session` profiles),
/// exchanged at the portal (`GET /federation/credentials`) for role credentials.
///
/// The cache file is named by the SHA-1 of the session name (`sso_session` profiles) or of the
/// start URL (legacy `sso_*` profiles). The portal is
/// `https://portal.sso[-fips].<sso_region>.amazonaws.com` (`.api.aws` for dual-stack), or the
/// `SSO` endpoint URL configured in the environment or profile.
#[derive(Clone)]
pub struct SsoProvider {
    config: SsoConfig,
    context: Context,
}

impl fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoProvider").field("config", &self.config).finish()
    }
}

/// An IAM Identity Center access token, as cached by `aws sso login`. `Debug` redacts it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SsoToken {
    /// The bearer token.
    pub token: Sensitive,
    /// When it expires.
    pub expiration: SystemTime,
}

impl SsoProvider {
    /// The cached access token (refreshed first when it is about to expire and can be): what
    /// the SSO bearer-token chain answers.
    pub async fn access_token(&self) -> Result<SsoToken, Error> {
        self.token().await.map_err(|e| e.in_provider("Sso"))
    }

    pub(crate) fn new(config: SsoConfig, context: Context) -> Self {
        Self { config, context }
    }

    /// The cache file holding the token for this configuration.
    fn cache_path(&self) -> Result<PathBuf, Error> {
        let id = self.config.session_name.as_deref().unwrap_or(&self.config.start_url);
        cache_path(self.context.home(), id)
    }

    async fn load(&self) -> Result<Credentials, Error> {
        let (Some(account_id), Some(role_name)) = (&self.config.account_id, &self.config.role_name)
        else {
            // A token-only profile (for the bearer-token chain): not a credentials source, so
            // a chain goes on, as in aws-config (docs/adr/0034).
            return Err(Error::not_configured(
                "selected profile will resolve an access token instead of credentials, since no `sso_account_id` and `sso_role_name` were specified",
            ));
        };
        let token = self.token().await?;
        let endpoint = self.portal_endpoint()?;
        let url = format!(
            "{}/federation/credentials?account_id={}&role_name={}",
            endpoint.trim_end_matches('/'),
            encode(account_id),
            encode(role_name)
        );
        let client = self.context.client()?;
        let attempts = self.context.max_attempts()?;
        let mut last = None;
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 << attempt.min(5))).await;
            }
            let sent = client
                .get(&url)
                .header("x-amz-sso_bearer_token", token.token.expose())
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = Some(Error::failed("could not reach the SSO portal").with_source(e));
                    continue;
                }
            };
            let status = response.status().as_u16();
            let body = read_body(response).await.map_err(|e| {
                Error::failed("could not read the SSO portal's answer").with_source(e)
            })?;
            if status >= 500 {
                last = Some(Error::failed(format!("the SSO portal answered HTTP {status}")));
                continue;
            }
            if status >= 300 {
                let why = parse_object(&body)
                    .ok()
                    .and_then(|o| get_str(&o, "message").map(str::to_owned))
                    .unwrap_or_default();
                return Err(Error::failed(format!(
                    "the SSO portal answered HTTP {status} to GetRoleCredentials: {why}"
                )));
            }
            return role_credentials(&body, account_id);
        }
        Err(last.unwrap_or_else(|| Error::failed("no attempt was made")))
    }

    /// The SSO portal this provider calls.
    pub fn portal_endpoint(&self) -> Result<String, Error> {
        let settings = &self.context.settings;
        let invalid = |e| Error::invalid_config("endpoint settings cannot be used").with_source(e);
        if let Some(url) = settings.endpoint_url("SSO").map_err(invalid)? {
            return Ok(url.value);
        }
        let fips = settings.use_fips().map_err(invalid)?.value;
        let dual = settings.use_dual_stack().map_err(invalid)?.value;
        Ok(portal_endpoint(&self.config.region, fips, dual))
    }

    /// Reads the cached token, refreshing it first when it is close to expiry and can be.
    async fn token(&self) -> Result<SsoToken, Error> {
        let path = self.cache_path()?;
        let fs = self.context.settings.fs();
        let bytes = fs.read(&path).map_err(|e| {
            Error::failed(format!("failed to read `{}`", path.display())).with_source(e)
        })?;
        let mut object = parse_object(&bytes).map_err(|e| {
            Error::invalid_config(format!("the SSO token cache `{}` is not valid", path.display()))
                .with_source(e)
        })?;
        let access_token = get_str(&object, "accessToken").map(str::to_owned);
        let expires_at = get_str(&object, "expiresAt").and_then(parse_rfc3339);
        let (Some(access_token), Some(expires_at)) = (access_token, expires_at) else {
            return Err(Error::invalid_config(format!(
                "the SSO token cache `{}` has no `accessToken` or no valid `expiresAt`",
                path.display()
            )));
        };
        let now = self.context.time.now();
        if expires_at > now + REFRESH_BUFFER {
            return Ok(SsoToken { token: Sensitive::new(access_token), expiration: expires_at });
        }
        if self.config.session_name.is_some() {
            match self.refresh(&mut object, now).await {
                Ok(Some(token)) => {
                    let expiration = get_str(&object, "expiresAt")
                        .and_then(parse_rfc3339)
                        .unwrap_or(now + REFRESH_BUFFER);
                    let token = SsoToken { token: Sensitive::new(token), expiration };
                    let text = Value::Object(object).to_string();
                    if let Err(e) = fs.write(&path, text.as_bytes()) {
                        tracing::warn!(path = %path.display(), error = %e, "could not write the refreshed SSO token back to its cache file");
                    }
                    return Ok(token);
                }
                Ok(None) => {}
                Err(e) if expires_at > now => {
                    tracing::warn!(error = %e, "refreshing the SSO token failed; using the cached token until it expires");
                }
                Err(e) => return Err(e),
            }
        }
        if expires_at > now {
            return Ok(SsoToken { token: Sensitive::new(access_token), expiration: expires_at });
        }
        Err(Error::invalid_config(format!(
            "the SSO token in `{}` has expired and cannot be refreshed; run `aws sso login`",
            path.display()
        )))
    }

    /// SSO-OIDC `CreateToken` with the refresh token, updating `object`. `None` when the cache
    /// holds no (valid) registration to refresh with.
    async fn refresh(
        &self,
        object: &mut serde_json::Map<String, Value>,
        now: SystemTime,
    ) -> Result<Option<String>, Error> {
        let field = |k: &str| get_str(object, k).map(str::to_owned);
        let (Some(refresh), Some(client_id), Some(secret)) =
            (field("refreshToken"), field("clientId"), field("clientSecret"))
        else {
            return Ok(None);
        };
        if field("registrationExpiresAt").and_then(|t| parse_rfc3339(&t)).is_some_and(|t| t <= now)
        {
            return Ok(None);
        }
        let settings = &self.context.settings;
        let endpoint = match settings.endpoint_url("SSO OIDC") {
            Ok(Some(url)) => url.value,
            _ => format!("https://oidc.{}.amazonaws.com", self.config.region),
        };
        let body = serde_json::json!({
            "clientId": client_id,
            "clientSecret": secret,
            "grantType": "refresh_token",
            "refreshToken": refresh,
        });
        let response = self
            .context
            .client()?
            .post(format!("{}/token", endpoint.trim_end_matches('/')))
            .header("content-type", "application/json")
            .body(body.to_string())
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| {
                Error::failed("could not reach SSO-OIDC to refresh the token").with_source(e)
            })?;
        let status = response.status().as_u16();
        let bytes = read_body(response)
            .await
            .map_err(|e| Error::failed("could not read SSO-OIDC's answer").with_source(e))?;
        if status != 200 {
            return Err(Error::failed(format!("SSO-OIDC answered HTTP {status} to CreateToken")));
        }
        let answer = parse_object(&bytes)?;
        let token = get_str(&answer, "accessToken")
            .ok_or_else(|| Error::invalid_response("SSO-OIDC's answer has no accessToken"))?
            .to_owned();
        let expires_in = answer.get("expiresIn").and_then(Value::as_u64).unwrap_or(3600);
        object.insert("accessToken".into(), Value::String(token.clone()));
        let expires = now + Duration::from_secs(expires_in);
        object.insert("expiresAt".into(), Value::String(format_rfc3339(expires)));
        if let Some(new_refresh) = get_str(&answer, "refreshToken") {
            object.insert("refreshToken".into(), Value::String(new_refresh.to_owned()));
        }
        Ok(Some(token))
    }
}

/// `~/.aws/sso/cache/<sha1_hex(id)>.json`.
fn cache_path(home: Option<PathBuf>, id: &str) -> Result<PathBuf, Error> {
    let Some(home) = home else {
        return Err(Error::invalid_config(
            "the SSO token cache is under ~/.aws/sso/cache, but no home directory is set (HOME)",
        ));
    };
    let digest = Sha1::digest(id.as_bytes());
    let mut name = String::with_capacity(45);
    for byte in digest.iter() {
        name.push_str(&format!("{byte:02x}"));
    }
    name.push_str(".json");
    Ok(home.join(".aws").join("sso").join("cache").join(name))
}

/// The portal's endpoint for a region.
pub(crate) fn portal_endpoint(region: &str, fips: bool, dual_stack: bool) -> String {
    let service = if fips { "portal.sso-fips" } else { "portal.sso" };
    let suffix = if dual_stack { "api.aws" } else { "amazonaws.com" };
    format!("https://{service}.{region}.{suffix}")
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn role_credentials(body: &[u8], account_id: &str) -> Result<Credentials, Error> {
    let object = parse_object(body)?;
    let Some(Value::Object(role)) = object.get("roleCredentials") else {
        return Err(Error::invalid_response("the SSO portal's answer has no `roleCredentials`"));
    };
    let field = |k: &str| {
        role.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::invalid_response(format!("`roleCredentials.{k}` is missing")))
    };
    let expiration_ms = role
        .get("expiration")
        .and_then(Value::as_u64)
        .ok_or_else(|| Error::invalid_response("`roleCredentials.expiration` is missing"))?;
    Ok(Credentials::new(field("accessKeyId")?, field("secretAccessKey")?)
        .with_session_token(field("sessionToken")?)
        .with_expiration(UNIX_EPOCH + Duration::from_millis(expiration_ms))
        .with_account_id(account_id))
}

#[async_trait]
impl ProvideCredentials for SsoProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.load().await.map_err(|e| e.in_provider("Sso"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_files_are_named_by_sha1() {
        let path = cache_path(Some(PathBuf::from("/h")), "dev").unwrap();
        assert!(path.ends_with("34c6fceca75e456f25e7e99531e2425c6c1de443.json"), "{path:?}");
        let path =
            cache_path(Some(PathBuf::from("/h")), "https://ssotest.awsapps.com/start").unwrap();
        assert!(path.ends_with("dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json"), "{path:?}");
        assert_eq!(
            portal_endpoint("us-west-2", true, true),
            "https://portal.sso-fips.us-west-2.api.aws"
        );
    }
}
