//! Profiles to providers: the pure part of the profile provider.

use std::fmt;

use signet_config_loader::{ProfileSet, Section};
use signet_sigv4::Credentials;

use crate::Error;

/// What a profile chain starts from: the provider whose credentials the first role (if any)
/// is assumed with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaseProvider {
    /// Static keys from a profile: `aws_access_key_id`, `aws_secret_access_key`, and
    /// optionally `aws_session_token` and `aws_account_id`.
    AccessKey(StaticKeys),
    /// `credential_source`: another provider alone.
    NamedSource(NamedSource),
    /// `role_arn` with `web_identity_token_file` (and `role_session_name`).
    WebIdentityToken {
        /// The role to assume.
        role_arn: String,
        /// The file holding the OIDC token, read on every load.
        web_identity_token_file: String,
        /// The session name, if the profile sets one.
        role_session_name: Option<String>,
    },
    /// IAM Identity Center (SSO), from an `sso_session` or the legacy `sso_*` keys.
    Sso(SsoConfig),
    /// `credential_process`: an external command whose output is credentials.
    CredentialProcess {
        /// The command line, run with `sh -c` (`cmd.exe /C` on Windows). Never printed.
        command: Sensitive,
        /// The profile's `aws_account_id`, used when the process output has none.
        account_id: Option<String>,
    },
}

/// Static keys from a profile. `Debug` shows the access key id only.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StaticKeys {
    /// `aws_access_key_id`.
    pub access_key_id: String,
    /// `aws_secret_access_key`.
    pub secret_access_key: Sensitive,
    /// `aws_session_token`.
    pub session_token: Option<Sensitive>,
    /// `aws_account_id`.
    pub account_id: Option<String>,
}

impl StaticKeys {
    /// The keys as [`Credentials`].
    pub fn credentials(&self) -> Credentials {
        let mut c = Credentials::new(&self.access_key_id, self.secret_access_key.expose());
        if let Some(token) = &self.session_token {
            c = c.with_session_token(token.expose());
        }
        if let Some(account) = &self.account_id {
            c = c.with_account_id(account);
        }
        c
    }
}

impl fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// A string that may be a secret: `Debug` and `Display` print `** redacted **`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive(String);

impl Sensitive {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// The providers `credential_source` may name (case-sensitive, as in every AWS SDK).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NamedSource {
    /// `Environment`: the environment-variable keys only.
    Environment,
    /// `Ec2InstanceMetadata`: the instance profile through IMDS.
    Ec2InstanceMetadata,
    /// `EcsContainer`: the container credentials endpoint.
    EcsContainer,
}

impl NamedSource {
    /// The name as written in a profile.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Environment => "Environment",
            Self::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            Self::EcsContainer => "EcsContainer",
        }
    }
}

/// An IAM Identity Center configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SsoConfig {
    /// The `[sso-session NAME]` the profile names, or `None` for the legacy keys.
    pub session_name: Option<String>,
    /// `sso_start_url`.
    pub start_url: String,
    /// `sso_region`: where the portal is.
    pub region: String,
    /// `sso_account_id`; `None` for a profile that only resolves a token.
    pub account_id: Option<String>,
    /// `sso_role_name`; `None` for a profile that only resolves a token.
    pub role_name: Option<String>,
}

/// One `AssumeRole` step of a profile chain.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleStep {
    /// The profile that names the role.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub role_session_name: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
    /// `mfa_serial`: the MFA device whose code the caller's callback supplies.
    pub mfa_serial: Option<String>,
}

/// A profile resolved into one base provider and the roles assumed from it, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileChain {
    /// Where the first credentials come from.
    pub base: BaseProvider,
    /// The roles to assume, in the order they are assumed.
    pub roles: Vec<RoleStep>,
}

fn value<'a>(section: &'a Section, key: &str) -> Option<&'a str> {
    section.get(key).map(str::trim).filter(|v| !v.is_empty())
}

/// Resolves the profile `selected` of `profiles` into a [`ProfileChain`], the way the AWS SDKs
/// do (`source_profile` chains of any length, `credential_source`, web identity, SSO,
/// `credential_process`, static keys), without any I/O.
///
/// A selected profile that does not exist, or holds no credential information, is
/// [`NotConfigured`](crate::ErrorKind::NotConfigured) (a chain goes on to its next provider);
/// everything else that is wrong (a missing source profile, a cycle, partial keys, conflicting
/// keys) is [`InvalidConfiguration`](crate::ErrorKind::InvalidConfiguration).
///
/// ```
/// use signet_config_loader::{FileKind, ProfileSet};
/// use signet_credential_providers::{resolve_profile_chain, BaseProvider};
///
/// let mut profiles = ProfileSet::new();
/// profiles.add_file(FileKind::Config, None, "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n[profile b]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n")?;
/// let chain = resolve_profile_chain(&profiles, "a")?;
/// assert!(matches!(chain.base, BaseProvider::AccessKey(ref keys) if keys.access_key_id == "AKID"));
/// assert_eq!(chain.roles[0].role_arn, "arn:aws:iam::1:role/A");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve_profile_chain(profiles: &ProfileSet, selected: &str) -> Result<ProfileChain, Error> {
    if profiles.profiles().next().is_none() {
        return Err(Error::not_configured("No profiles were defined"));
    }
    let mut visited: Vec<&str> = Vec::new();
    let mut roles = Vec::new();
    let mut name = selected;
    let mut referenced_from: Option<&str> = None;
    let base = loop {
        let Some(profile) = profiles.profile(name) else {
            return Err(match referenced_from {
                None => Error::not_configured(format!("profile `{name}` was not found")),
                Some(from) => Error::invalid_config(format!(
                    "could not find source profile {name} referenced from {from}"
                )),
            });
        };
        if visited.contains(&name) {
            let mut path = visited.join(" -> ");
            path.push_str(" -> ");
            path.push_str(name);
            return Err(Error::invalid_config(format!("profile formed an infinite loop: {path}")));
        }
        visited.push(name);
        let is_root = visited.len() == 1;
        if !is_root && value(profile, "aws_access_key_id").is_some() {
            break BaseProvider::AccessKey(static_keys(profile, false)?);
        }
        let role_arn = value(profile, "role_arn");
        if let (Some(role_arn), None) = (role_arn, value(profile, "web_identity_token_file")) {
            roles.push(role_step(profile, role_arn)?);
            match (value(profile, "source_profile"), value(profile, "credential_source")) {
                (Some(_), Some(_)) => {
                    return Err(Error::invalid_config(format!(
                        "profile contained both source_profile and credential_source (profile `{name}`); only one or the other can be defined"
                    )));
                }
                (None, None) => {
                    return Err(Error::invalid_config(format!(
                        "profile `{name}` sets role_arn, so the profile must contain `source_profile` or `credential_source`"
                    )));
                }
                (Some(source), None) if source == name => {
                    break BaseProvider::AccessKey(static_keys(profile, false)?);
                }
                (Some(source), None) => {
                    referenced_from = Some(name);
                    name = source;
                }
                (None, Some(source)) => break BaseProvider::NamedSource(named(name, source)?),
            }
            continue;
        }
        break base_of(profiles, profile, is_root)?;
    };
    roles.reverse();
    Ok(ProfileChain { base, roles })
}

fn role_step(profile: &Section, role_arn: &str) -> Result<RoleStep, Error> {
    let duration_seconds = match value(profile, "duration_seconds") {
        None => None,
        Some(raw) => Some(raw.parse::<u32>().map_err(|_| {
            Error::invalid_config(format!(
                "profile `{}`: duration_seconds = `{raw}` is not a whole number of seconds",
                profile.name()
            ))
        })?),
    };
    Ok(RoleStep {
        profile: profile.name().to_owned(),
        role_arn: role_arn.to_owned(),
        external_id: value(profile, "external_id").map(str::to_owned),
        role_session_name: value(profile, "role_session_name").map(str::to_owned),
        duration_seconds,
        mfa_serial: value(profile, "mfa_serial").map(str::to_owned),
    })
}

fn named(profile: &str, source: &str) -> Result<NamedSource, Error> {
    match source {
        "Environment" => Ok(NamedSource::Environment),
        "Ec2InstanceMetadata" => Ok(NamedSource::Ec2InstanceMetadata),
        "EcsContainer" => Ok(NamedSource::EcsContainer),
        other => Err(Error::invalid_config(format!(
            "profile `{profile}` referenced {other} provider but that provider is not supported (credential_source may be Environment, Ec2InstanceMetadata or EcsContainer)"
        ))),
    }
}

fn base_of(profiles: &ProfileSet, profile: &Section, is_root: bool) -> Result<BaseProvider, Error> {
    let name = profile.name();
    if let Some(source) = value(profile, "credential_source") {
        return Ok(BaseProvider::NamedSource(named(name, source)?));
    }
    if let Some(file) = value(profile, "web_identity_token_file") {
        let Some(role_arn) = value(profile, "role_arn") else {
            return Err(Error::invalid_config(format!(
                "profile `{name}`: `web_identity_token_file` was specified but `role_arn` was missing"
            )));
        };
        return Ok(BaseProvider::WebIdentityToken {
            role_arn: role_arn.to_owned(),
            web_identity_token_file: file.to_owned(),
            role_session_name: value(profile, "role_session_name").map(str::to_owned),
        });
    }
    let sso_keys =
        ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"];
    if sso_keys.iter().any(|k| value(profile, k).is_some()) {
        return Ok(BaseProvider::Sso(sso(profiles, profile)?));
    }
    if let Some(command) = value(profile, "credential_process") {
        return Ok(BaseProvider::CredentialProcess {
            command: Sensitive::new(command),
            account_id: value(profile, "aws_account_id").map(str::to_owned),
        });
    }
    if value(profile, "aws_access_key_id").is_none()
        && value(profile, "aws_secret_access_key").is_none()
    {
        let message = format!("profile `{name}` did not contain credential information");
        return Err(if is_root {
            Error::not_configured(message)
        } else {
            Error::invalid_config(message)
        });
    }
    Ok(BaseProvider::AccessKey(static_keys(profile, true)?))
}

fn static_keys(profile: &Section, _base: bool) -> Result<StaticKeys, Error> {
    let name = profile.name();
    let access = value(profile, "aws_access_key_id");
    let secret = value(profile, "aws_secret_access_key");
    match (access, secret) {
        (Some(access), Some(secret)) => Ok(StaticKeys {
            access_key_id: access.to_owned(),
            secret_access_key: Sensitive::new(secret),
            session_token: value(profile, "aws_session_token").map(Sensitive::new),
            account_id: value(profile, "aws_account_id").map(str::to_owned),
        }),
        (Some(_), None) => Err(Error::invalid_config(format!(
            "profile `{name}`: profile missing aws_secret_access_key"
        ))),
        (None, Some(_)) => Err(Error::invalid_config(format!(
            "profile `{name}`: profile missing aws_access_key_id"
        ))),
        (None, None) => Err(Error::invalid_config(format!(
            "profile `{name}` did not contain credential information"
        ))),
    }
}

fn sso(profiles: &ProfileSet, profile: &Section) -> Result<SsoConfig, Error> {
    let name = profile.name();
    let account_id = value(profile, "sso_account_id").map(str::to_owned);
    let role_name = value(profile, "sso_role_name").map(str::to_owned);
    let (session_name, start_url, region) = match value(profile, "sso_session") {
        Some(session) => {
            for key in ["sso_region", "sso_start_url"] {
                if value(profile, key).is_some() {
                    return Err(Error::invalid_config(format!(
                        "profile `{name}`: `{key}` can only be specified in the [sso-session] config when a session name is given"
                    )));
                }
            }
            let Some(section) = profiles.sso_session(session) else {
                return Err(Error::invalid_config(format!(
                    "sso-session named `{session}` (referenced by profile `{name}`) was not found"
                )));
            };
            let get = |key: &str| {
                value(section, key).map(str::to_owned).ok_or_else(|| {
                    Error::invalid_config(format!("[sso-session {session}] is missing `{key}`"))
                })
            };
            (Some(session.to_owned()), get("sso_start_url")?, get("sso_region")?)
        }
        None => {
            let get = |key: &str| {
                value(profile, key).map(str::to_owned).ok_or_else(|| {
                    Error::invalid_config(format!("profile `{name}` is missing `{key}`"))
                })
            };
            (None, get("sso_start_url")?, get("sso_region")?)
        }
    };
    match (&account_id, &role_name) {
        (None, Some(_)) => Err(Error::invalid_config(format!(
            "profile `{name}`: if `sso_role_name` is set, then `sso_account_id` must also be set"
        ))),
        (Some(_), None) => Err(Error::invalid_config(format!(
            "profile `{name}`: if `sso_account_id` is set, then `sso_role_name` must also be set"
        ))),
        (None, None) if session_name.is_none() => Err(Error::invalid_config(format!(
            "profile `{name}` is missing `sso_account_id` and `sso_role_name`"
        ))),
        _ => Ok(SsoConfig { session_name, start_url, region, account_id, role_name }),
    }
}
