//! Role credentials: the instance profile's name, then its credentials document.

use std::sync::atomic::{AtomicU8, Ordering};

use serde_json::{Map, Value};
use signet_config_loader::Settings;
use signet_sigv4::Credentials;

use crate::client::Client;
use crate::error::{Error, ErrorKind};
use signet_sigv4::parse_rfc3339;

const EXTENDED: &str = "/latest/meta-data/iam/security-credentials-extended/";
const LEGACY: &str = "/latest/meta-data/iam/security-credentials/";
/// How many times a role that vanished between listing and reading is looked up again.
const ROUNDS: u32 = 3;

/// Which IAM credentials API answers on this instance: unknown until probed.
#[derive(Debug, Default)]
pub(crate) struct ApiMemory(AtomicU8);

const UNKNOWN: u8 = 0;
const EXTENDED_API: u8 = 1;
const LEGACY_API: u8 = 2;

/// The instance profile name set by `AWS_EC2_INSTANCE_PROFILE_NAME` or the profile's
/// `ec2_instance_profile_name`; a blank value is an error, reported when credentials are read.
pub(crate) fn configured_profile_name(settings: &Settings) -> Option<Result<String, Error>> {
    let (value, source) = match settings.env().get("AWS_EC2_INSTANCE_PROFILE_NAME") {
        Some(v) => (v, "environment variable AWS_EC2_INSTANCE_PROFILE_NAME".to_owned()),
        None => {
            let setting = settings.profile_value("ec2_instance_profile_name")?;
            let source = setting.source.to_string();
            (setting.value, source)
        }
    };
    let name = value.trim();
    Some(if name.is_empty() {
        Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("the instance profile name is empty ({source})"),
        ))
    } else if !is_role_name(name) {
        Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("`{}` is not an instance profile name ({source})", name.escape_debug()),
        ))
    } else {
        Ok(name.to_owned())
    })
}

/// IAM names: 1 to 128 of letters, digits and `+=,.@_-`; `.` and `..` are refused because
/// they would change the path.
fn is_role_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

impl Client {
    /// The name of the IAM role (instance profile) attached to the instance: from
    /// `AWS_EC2_INSTANCE_PROFILE_NAME` or the profile's `ec2_instance_profile_name` if set,
    /// otherwise listed by `iam/security-credentials-extended/` (or, where that answers 404,
    /// `iam/security-credentials/`). [`ErrorKind::NoInstanceProfile`] when none is attached.
    pub async fn role_name(&self) -> Result<String, Error> {
        if let Some(configured) = &self.inner.profile_name {
            return configured.clone();
        }
        Ok(self.discover_role().await?.1)
    }

    /// The role's temporary credentials, with their expiration and, where IMDS gives it
    /// (the extended API), the account id.
    ///
    /// Reads `iam/security-credentials-extended/<role>` first and `iam/security-credentials/<role>`
    /// when the extended API answers 404; the answer is remembered. If the role is gone by
    /// the time its credentials are read (the instance profile was changed), it is looked up
    /// again, up to 3 times. The IAM policy itself is not available from instance metadata.
    pub async fn role_credentials(&self) -> Result<Credentials, Error> {
        let configured = match &self.inner.profile_name {
            Some(name) => Some(name.clone()?),
            None => None,
        };
        let mut last = None;
        for _ in 0..ROUNDS {
            let (api, role) = match &configured {
                Some(role) => (None, role.clone()),
                None => {
                    let (api, role) = self.discover_role().await?;
                    (Some(api), role)
                }
            };
            let read = match api {
                Some(prefix) => {
                    self.get(&format!("{prefix}{role}")).await.map(|body| (prefix, body))
                }
                None => self.iam_get(&role).await,
            };
            match read {
                Ok((prefix, body)) => {
                    return parse_credentials(body.as_bytes(), &format!("{prefix}{role}"));
                }
                Err(e) if e.kind() == ErrorKind::NotFound && configured.is_none() => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last
            .unwrap_or_else(|| Error::new(ErrorKind::NotFound, "no credentials"))
            .with_path(LEGACY))
    }

    /// Lists the role: `(prefix of the API that answered, role name)`.
    async fn discover_role(&self) -> Result<(&'static str, String), Error> {
        let (prefix, body) = match self.iam_get("").await {
            Ok(found) => found,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(Error::new(
                    ErrorKind::NoInstanceProfile,
                    "the instance has no IAM role (instance profile) attached",
                )
                .with_path(LEGACY)
                .with_status(404));
            }
            Err(e) => return Err(e),
        };
        let role = body.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
        if role.is_empty() {
            return Err(Error::new(
                ErrorKind::NoInstanceProfile,
                "the instance has no IAM role (instance profile) attached",
            )
            .with_path(prefix));
        }
        if !is_role_name(role) {
            return Err(Error::new(
                ErrorKind::MalformedResponse,
                format!("`{}` is not a role name", role.escape_debug()),
            )
            .with_path(prefix));
        }
        Ok((prefix, role.to_owned()))
    }

    /// Reads `<api prefix><suffix>`: the extended API unless it is known to be missing, the
    /// legacy API when the extended one answers 404 (remembered). Any other failure of the
    /// extended API is returned as is.
    async fn iam_get(&self, suffix: &str) -> Result<(&'static str, String), Error> {
        let memory = &self.inner.api.0;
        let known = memory.load(Ordering::Relaxed);
        if known != LEGACY_API {
            match self.get(&format!("{EXTENDED}{suffix}")).await {
                Ok(body) => {
                    memory.store(EXTENDED_API, Ordering::Relaxed);
                    return Ok((EXTENDED, body));
                }
                Err(e) if e.kind() == ErrorKind::NotFound && known == UNKNOWN => {}
                Err(e) => return Err(e),
            }
        }
        let body = self.get(&format!("{LEGACY}{suffix}")).await?;
        if known == UNKNOWN {
            memory.store(LEGACY_API, Ordering::Relaxed);
        }
        Ok((LEGACY, body))
    }
}

/// Parses an IMDS (or container) credentials document; `path` is where it came from, for
/// errors. Member names match in any case; `Token` or `SessionToken`, `Expiration` or
/// `ExpiresAt`; a missing `Code` means success; unknown members are ignored. Errors never
/// contain the secret key or token.
///
/// ```
/// use signet_imds_client::{parse_credentials, ErrorKind};
///
/// let doc = br#"{"Code":"Success","AccessKeyId":"ASIAX","SecretAccessKey":"s","Token":"t",
///                "Expiration":"2021-09-21T04:16:53Z","AccountId":"123456789012"}"#;
/// let creds = parse_credentials(doc, "/latest/meta-data/iam/security-credentials-extended/r")?;
/// assert_eq!(creds.account_id(), Some("123456789012"));
///
/// let refused = br#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no trust"}"#;
/// let err = parse_credentials(refused, "/p").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::CredentialsUnavailable);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_credentials(body: &[u8], path: &str) -> Result<Credentials, Error> {
    let malformed = |why: String| Error::new(ErrorKind::MalformedResponse, why).with_path(path);
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names the line and column, never the input.
        malformed(format!("the credentials document is not JSON: {e}"))
    })?;
    let Value::Object(doc) = value else {
        return Err(malformed("the credentials document is not a JSON object".to_owned()));
    };
    let code = member(&doc, &["Code"]);
    match code {
        None | Some(Value::Null) => {}
        Some(Value::String(code)) if code == "Success" => {}
        Some(Value::String(code)) => {
            let message = match member(&doc, &["Message"]) {
                Some(Value::String(m)) => m.as_str(),
                _ => "",
            };
            let hint = if code == "AssumeRoleUnauthorizedAccess" {
                " (does this role have a trust relationship with EC2?)"
            } else {
                ""
            };
            return Err(Error::new(
                ErrorKind::CredentialsUnavailable,
                format!("IMDS could not give out credentials: {code}: {message}{hint}"),
            )
            .with_path(path));
        }
        Some(_) => return Err(malformed("`Code` is not a string".to_owned())),
    }
    let text = |names: &[&str], required: bool| -> Result<Option<String>, Error> {
        match member(&doc, names) {
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            None | Some(Value::Null) if !required => Ok(None),
            Some(Value::String(_)) => Err(malformed(format!("`{}` is empty", names[0]))),
            None | Some(Value::Null) => Err(malformed(format!("`{}` is missing", names[0]))),
            Some(_) => Err(malformed(format!("`{}` is not a string", names[0]))),
        }
    };
    let (Some(key_id), Some(secret)) =
        (text(&["AccessKeyId"], true)?, text(&["SecretAccessKey"], true)?)
    else {
        return Err(malformed("the access key is missing".to_owned()));
    };
    let mut credentials = Credentials::new(key_id, secret);
    if let Some(token) = text(&["Token", "SessionToken"], false)? {
        credentials = credentials.with_session_token(token);
    }
    let Some(expiration) = text(&["Expiration", "ExpiresAt"], true)? else {
        return Err(malformed("`Expiration` is missing".to_owned()));
    };
    let expiration = parse_rfc3339(&expiration).ok_or_else(|| {
        malformed(format!(
            "`Expiration` is not an RFC 3339 timestamp: `{}`",
            expiration.escape_debug()
        ))
    })?;
    credentials = credentials.with_expiration(expiration);
    if let Some(account) = text(&["AccountId"], false)? {
        credentials = credentials.with_account_id(account);
    }
    Ok(credentials)
}

/// The first of `names` present in `doc`, compared without regard to ASCII case.
fn member<'a>(doc: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|name| doc.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names() {
        assert!(is_role_name("imds-assume-role-test"));
        assert!(is_role_name("a+b=c,d.e@f_g"));
        for bad in ["", "a/b", "a b", "..", &"x".repeat(129)] {
            assert!(!is_role_name(bad), "{bad}");
        }
    }
}
