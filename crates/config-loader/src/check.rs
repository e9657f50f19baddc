//! The checker: mistakes in the shared files that parsing alone does not catch.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use crate::settings::{parse_bool, parse_enum, parse_positive, parse_seconds};
use crate::{ImdsEndpointMode, Location, ProfileSet, RetryMode, Section, StsRegionalEndpoints};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// Probably a mistake, but the SDKs carry on (an unknown key, an ignored section).
    Warning,
    /// The SDKs will fail or silently do something else than intended.
    Error,
}

/// One finding of the checker, with the file and line it is about. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    severity: Severity,
    location: Option<Location>,
    message: String,
}

impl Diagnostic {
    pub(crate) fn warning(location: Option<Location>, message: String) -> Self {
        Self { severity: Severity::Warning, location, message }
    }

    pub(crate) fn error(location: Option<Location>, message: String) -> Self {
        Self { severity: Severity::Error, location, message }
    }

    /// Warning or error.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The file and line, when the finding is about a file.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// What is wrong, in words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line: error: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match &self.location {
            Some(location) => write!(f, "{location}: {severity}: {}", self.message),
            None => write!(f, "{severity}: {}", self.message),
        }
    }
}

type Check = fn(&str) -> Result<(), String>;

fn ok<T>(r: Result<T, String>) -> Result<(), String> {
    r.map(|_| ())
}

fn check_bool(s: &str) -> Result<(), String> {
    ok(parse_bool(s))
}
fn check_positive(s: &str) -> Result<(), String> {
    ok(parse_positive(s))
}
fn check_seconds(s: &str) -> Result<(), String> {
    ok(parse_seconds(s))
}
fn check_retry_mode(s: &str) -> Result<(), String> {
    ok(parse_enum::<RetryMode>(s))
}
fn check_sts(s: &str) -> Result<(), String> {
    ok(parse_enum::<StsRegionalEndpoints>(s))
}
fn check_mode(s: &str) -> Result<(), String> {
    ok(parse_enum::<ImdsEndpointMode>(s))
}
fn check_duration_seconds(s: &str) -> Result<(), String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (900..=43_200).contains(&n) => Ok(()),
        _ => Err("expected a whole number of seconds from 900 to 43200".to_owned()),
    }
}

/// Typed profile keys and how to check their values.
const KEY_CHECKS: &[(&str, Check)] = &[
    ("max_attempts", check_positive),
    ("retry_mode", check_retry_mode),
    ("use_fips_endpoint", check_bool),
    ("use_dualstack_endpoint", check_bool),
    ("ignore_configured_endpoint_urls", check_bool),
    ("sts_regional_endpoints", check_sts),
    ("ec2_metadata_v1_disabled", check_bool),
    ("ec2_metadata_service_endpoint_mode", check_mode),
    ("metadata_service_timeout", check_seconds),
    ("metadata_service_num_attempts", check_positive),
    ("duration_seconds", check_duration_seconds),
];

/// Typed environment variables and how to check their values.
pub(crate) const ENV_CHECKS: &[(&str, Check)] = &[
    ("AWS_MAX_ATTEMPTS", check_positive),
    ("AWS_RETRY_MODE", check_retry_mode),
    ("AWS_NEW_RETRIES_2026", check_bool),
    ("AWS_USE_FIPS_ENDPOINT", check_bool),
    ("AWS_USE_DUALSTACK_ENDPOINT", check_bool),
    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", check_bool),
    ("AWS_STS_REGIONAL_ENDPOINTS", check_sts),
    ("AWS_EC2_METADATA_DISABLED", check_bool),
    ("AWS_EC2_METADATA_V1_DISABLED", check_bool),
    ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", check_mode),
    ("AWS_METADATA_SERVICE_TIMEOUT", check_seconds),
    ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", check_positive),
];

/// Every profile key some AWS SDK or the AWS CLI reads; anything else gets a warning.
const KNOWN_PROFILE_KEYS: &[&str] = &[
    "account_id_endpoint_mode",
    "api_versions",
    "auth_scheme_preference",
    "aws_access_key_id",
    "aws_account_id",
    "aws_secret_access_key",
    "aws_security_token",
    "aws_session_token",
    "ca_bundle",
    "cli_auto_prompt",
    "cli_binary_format",
    "cli_follow_urlparam",
    "cli_history",
    "cli_pager",
    "cli_timestamp_format",
    "credential_process",
    "credential_source",
    "defaults_mode",
    "disable_ec2_metadata",
    "disable_request_compression",
    "duration_seconds",
    "ec2_instance_profile_name",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "ec2_metadata_v1_disabled",
    "endpoint_discovery_enabled",
    "endpoint_url",
    "external_id",
    "ignore_configured_endpoint_urls",
    "login_session",
    "max_attempts",
    "metadata_service_num_attempts",
    "metadata_service_timeout",
    "mfa_serial",
    "output",
    "parameter_validation",
    "region",
    "request_checksum_calculation",
    "request_min_compression_size_bytes",
    "response_checksum_validation",
    "retry_mode",
    "role_arn",
    "role_session_name",
    "s3",
    "sdk_ua_app_id",
    "services",
    "sigv4a_signing_region_set",
    "source_profile",
    "sso_account_id",
    "sso_region",
    "sso_registration_scopes",
    "sso_role_name",
    "sso_session",
    "sso_start_url",
    "sts_regional_endpoints",
    "tcp_keepalive",
    "use_dualstack_endpoint",
    "use_fips_endpoint",
    "web_identity_token_file",
];

const KNOWN_SSO_SESSION_KEYS: &[&str] = &["sso_region", "sso_registration_scopes", "sso_start_url"];

const CREDENTIAL_SOURCES: &[&str] = &["Environment", "Ec2InstanceMetadata", "EcsContainer"];

fn at(section: &Section, key: &str) -> Option<Location> {
    Some(section.property(key).map_or(section.location(), |p| p.location()).clone())
}

fn label(profile: &Section) -> String {
    if profile.name() == "default" {
        "[default]".to_owned()
    } else {
        format!("[profile {}]", profile.name())
    }
}

fn has_static_keys(profile: &Section) -> bool {
    profile.get("aws_access_key_id").is_some()
}

impl ProfileSet {
    /// Checks every profile and sso-session for mistakes the SDKs would trip on later, and
    /// returns them with the parse [`warnings`](Self::warnings), each with file and line:
    ///
    /// - errors: a `source_profile` that does not exist, a cycle of `source_profile`s, a
    ///   `credential_source` other than `Environment`, `Ec2InstanceMetadata`, `EcsContainer`,
    ///   `source_profile` together with `credential_source`, a `role_arn` with no source, an
    ///   `sso_session` or `services` naming a missing section, an unusable number or boolean;
    /// - warnings: a profile with both static keys and `role_arn` (the role wins), unknown keys
    ///   (the files are shared with other tools, so these are not errors).
    ///
    /// ```
    /// use signet_config_loader::{FileKind, ProfileSet};
    ///
    /// let mut set = ProfileSet::new();
    /// set.add_file(FileKind::Config, None, "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n")?;
    /// let found: Vec<String> = set.check().iter().map(|d| d.to_string()).collect();
    /// assert_eq!(found, ["line 3: error: [profile a] names source_profile `b`, which is not a profile in either file"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut out = self.warnings().to_vec();
        let mut cycles = BTreeSet::new();
        for profile in self.profiles() {
            self.check_profile(profile, &mut out);
            self.check_cycle(profile, &mut cycles, &mut out);
        }
        for session in self.sso_sessions() {
            for property in session.properties() {
                if !KNOWN_SSO_SESSION_KEYS.contains(&property.key()) {
                    out.push(Diagnostic::warning(
                        Some(property.location().clone()),
                        format!(
                            "unknown key `{}` in [sso-session {}]; no AWS SDK reads it",
                            property.key(),
                            session.name()
                        ),
                    ));
                }
            }
        }
        out.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location.as_ref().map(|l| (l.path().map(Path::to_owned), l.line()))
            };
            key(a).cmp(&key(b))
        });
        out
    }

    fn check_profile(&self, profile: &Section, out: &mut Vec<Diagnostic>) {
        let name = label(profile);
        let error = |out: &mut Vec<Diagnostic>, key: &str, message: String| {
            out.push(Diagnostic::error(at(profile, key), message));
        };
        for property in profile.properties() {
            let key = property.key();
            if !KNOWN_PROFILE_KEYS.contains(&key) {
                out.push(Diagnostic::warning(
                    Some(property.location().clone()),
                    format!(
                        "unknown key `{key}` in {name}; no AWS SDK reads it (is it misspelled?)"
                    ),
                ));
            }
            if let Some((_, check)) = KEY_CHECKS.iter().find(|(k, _)| *k == key) {
                if let Err(why) = check(property.value()) {
                    let value = property.value();
                    error(out, key, format!("{name} {key} = `{value}`: {why}"));
                }
            }
        }
        let source_profile = profile.get("source_profile");
        if let Some(source) = source_profile {
            if self.profile(source).is_none() {
                error(
                    out,
                    "source_profile",
                    format!(
                        "{name} names source_profile `{source}`, which is not a profile in either file"
                    ),
                );
            }
        }
        if let Some(source) = profile.get("credential_source") {
            if !CREDENTIAL_SOURCES.contains(&source) {
                error(
                    out,
                    "credential_source",
                    format!(
                        "{name} credential_source = `{source}` is not one of Environment, Ec2InstanceMetadata, EcsContainer (the names are case-sensitive)"
                    ),
                );
            }
            if source_profile.is_some() {
                error(
                    out,
                    "credential_source",
                    format!("{name} has both source_profile and credential_source; set only one"),
                );
            }
        }
        let role = profile.get("role_arn").is_some();
        let web_identity = profile.get("web_identity_token_file").is_some();
        if role
            && !web_identity
            && source_profile.is_none()
            && profile.get("credential_source").is_none()
        {
            error(
                out,
                "role_arn",
                format!(
                    "{name} has role_arn but no source_profile, credential_source or web_identity_token_file to assume it with"
                ),
            );
        }
        if role && has_static_keys(profile) && source_profile != Some(profile.name()) {
            out.push(Diagnostic::warning(
                at(profile, "role_arn"),
                format!(
                    "{name} has both static keys and role_arn: when it is selected, role_arn wins and the keys are ignored; the keys are used only when another profile names it as source_profile, or when its own source_profile names itself"
                ),
            ));
        }
        if let Some(session) = profile.get("sso_session") {
            if self.sso_session(session).is_none() {
                error(
                    out,
                    "sso_session",
                    format!(
                        "{name} names sso_session `{session}`, but there is no [sso-session {session}] section"
                    ),
                );
            }
        }
        if let Some(services) = profile.get("services") {
            if self.section("services", services).is_none() {
                error(
                    out,
                    "services",
                    format!(
                        "{name} names services `{services}`, but there is no [services {services}] section"
                    ),
                );
            }
        }
    }

    /// Follows `source_profile` from `start` the way the credential providers do and reports a
    /// loop once (by its set of members).
    fn check_cycle(
        &self,
        start: &Section,
        reported: &mut BTreeSet<Vec<String>>,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut visited: Vec<&str> = Vec::new();
        let mut current = start;
        loop {
            if !visited.is_empty() && has_static_keys(current) {
                return;
            }
            visited.push(current.name());
            if current.get("role_arn").is_none() || current.get("web_identity_token_file").is_some()
            {
                return;
            }
            let Some(next_name) = current.get("source_profile") else { return };
            if next_name == current.name() && has_static_keys(current) {
                return;
            }
            let Some(next) = self.profile(next_name) else { return };
            if let Some(position) = visited.iter().position(|v| *v == next_name) {
                let members: Vec<&str> = visited.get(position..).unwrap_or_default().to_vec();
                let mut key: Vec<String> = members.iter().map(|s| (*s).to_owned()).collect();
                key.sort();
                if reported.insert(key) {
                    let path = members.iter().chain([&next_name]).copied().collect::<Vec<_>>();
                    out.push(Diagnostic::error(
                        at(current, "source_profile"),
                        format!(
                            "source_profile forms a cycle: {}; no credentials can be resolved from these profiles",
                            path.join(" -> ")
                        ),
                    ));
                }
                return;
            }
            current = next;
        }
    }
}
