//! Typed settings resolved from code, environment and files, each with its source.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use crate::{
    Diagnostic, Env, Error, FileKind, FileLocations, Fs, Platform, ProfileSet, Section, Setting,
    Source,
};

/// The retry mode (`AWS_RETRY_MODE` / `retry_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryMode {
    /// `standard`: the default.
    Standard,
    /// `adaptive`: standard plus a client-side rate limiter.
    Adaptive,
    /// `legacy`: accepted for compatibility with other SDKs' files.
    Legacy,
}

impl FromStr for RetryMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "standard" => Ok(Self::Standard),
            "adaptive" => Ok(Self::Adaptive),
            "legacy" => Ok(Self::Legacy),
            _ => Err("expected `standard`, `adaptive` or `legacy`".to_owned()),
        }
    }
}

impl fmt::Display for RetryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Standard => "standard",
            Self::Adaptive => "adaptive",
            Self::Legacy => "legacy",
        })
    }
}

/// Whether STS uses regional or (for the legacy regions) the global endpoint
/// (`AWS_STS_REGIONAL_ENDPOINTS` / `sts_regional_endpoints`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StsRegionalEndpoints {
    /// `regional`: the default.
    Regional,
    /// `legacy`: the 16 legacy regions use `sts.amazonaws.com`.
    Legacy,
}

impl FromStr for StsRegionalEndpoints {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "regional" => Ok(Self::Regional),
            "legacy" => Ok(Self::Legacy),
            _ => Err("expected `regional` or `legacy`".to_owned()),
        }
    }
}

impl fmt::Display for StsRegionalEndpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Regional => "regional",
            Self::Legacy => "legacy",
        })
    }
}

/// The IMDS endpoint mode (`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImdsEndpointMode {
    /// `IPv4`: `http://169.254.169.254`, the default.
    IPv4,
    /// `IPv6`: `http://[fd00:ec2::254]`.
    IPv6,
}

impl FromStr for ImdsEndpointMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ipv4" => Ok(Self::IPv4),
            "ipv6" => Ok(Self::IPv6),
            _ => Err("expected `IPv4` or `IPv6`".to_owned()),
        }
    }
}

impl fmt::Display for ImdsEndpointMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IPv4 => "IPv4",
            Self::IPv6 => "IPv6",
        })
    }
}

/// Everything the IMDS client is told by the environment and the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImdsSettings {
    /// `AWS_EC2_METADATA_DISABLED` (environment only): no IMDS traffic at all. Default `false`.
    pub disabled: Setting<bool>,
    /// `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`. Default `false`.
    pub v1_disabled: Setting<bool>,
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` / `ec2_metadata_service_endpoint`; wins over the mode.
    pub endpoint: Option<Setting<String>>,
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` / `ec2_metadata_service_endpoint_mode`.
    /// Default IPv4.
    pub endpoint_mode: Setting<ImdsEndpointMode>,
    /// `AWS_METADATA_SERVICE_TIMEOUT` / `metadata_service_timeout` (seconds). Default 1 s.
    pub timeout: Setting<Duration>,
    /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts`. Default 4.
    pub num_attempts: Setting<u32>,
}

/// One setting as [`Settings::explain`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// The setting's name, as the profile key is spelt (`region`, `max_attempts`, ...).
    pub name: &'static str,
    /// Every place that sets it, highest precedence first; the first one wins.
    pub candidates: Vec<Setting<String>>,
    /// The value used when no candidate exists, if the setting has a default.
    pub default: Option<Setting<String>>,
}

impl Explanation {
    /// The value that wins: the first candidate, else the default.
    pub fn winner(&self) -> Option<&Setting<String>> {
        self.candidates.first().or(self.default.as_ref())
    }
}

impl fmt::Display for Explanation {
    /// `name = value (source); it hides value (source), ...`, or `name is not set`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.winner() {
            Some(winner) => write!(f, "{} = {winner}", self.name)?,
            None => return write!(f, "{} is not set", self.name),
        }
        let mut hidden = self.candidates.iter().skip(1);
        if let Some(first) = hidden.next() {
            write!(f, "; it hides {first}")?;
            for other in hidden {
                write!(f, ", {other}")?;
            }
        }
        Ok(())
    }
}

/// The settings of a program: environment, the shared files and code overrides, resolved.
///
/// Each accessor applies one precedence: a value set in code, then the environment variable(s),
/// then the key in the selected profile (the credentials file winning over the config file),
/// then the default; blank values count as unset. The result is a [`Setting`] that says which
/// source won. Unusable values are [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue)
/// errors naming the variable or file and line.
///
/// ```
/// use signet_config_loader::{Env, Fs, Settings, Source};
///
/// let env = Env::from_map([("HOME", "/home/me"), ("AWS_MAX_ATTEMPTS", "5")]);
/// let fs = Fs::from_map([("/home/me/.aws/config", "[default]\nregion = eu-west-1\nmax_attempts = 2\n")]);
/// let settings = Settings::load(&env, &fs)?;
/// let region = settings.region()?.unwrap();
/// assert_eq!(region.value, "eu-west-1");
/// assert_eq!(region.source.to_string(), "`region` in [default] at /home/me/.aws/config:2");
/// let attempts = settings.max_attempts()?;
/// assert_eq!((attempts.value, attempts.source), (5, Source::Env { var: "AWS_MAX_ATTEMPTS".into() }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Settings {
    env: Env,
    fs: Fs,
    locations: FileLocations,
    profiles: ProfileSet,
    profile: Setting<String>,
    overrides: Overrides,
}

#[derive(Debug, Clone, Default)]
struct Overrides {
    region: Option<String>,
    retry_mode: Option<RetryMode>,
    max_attempts: Option<u32>,
    endpoint_url: Option<String>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    app_id: Option<String>,
}

/// Options for loading [`Settings`]: a profile, file paths or values set in code.
///
/// ```
/// use signet_config_loader::{Env, Fs, Loader, Source};
///
/// let settings = Loader::new(Env::empty(), Fs::from_map([("/c", "[profile ci]\nregion = us-east-2\n")]))
///     .config_file("/c")
///     .profile("ci")
///     .max_attempts(7)
///     .load()?;
/// assert_eq!(settings.region()?.unwrap().value, "us-east-2");
/// assert_eq!(settings.max_attempts()?.source, Source::Code);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Loader {
    env: Env,
    fs: Fs,
    platform: Platform,
    profile: Option<String>,
    config_file: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
    overrides: Overrides,
}

impl Loader {
    /// Loads from `env` and `fs` with the current platform's path rules.
    pub fn new(env: Env, fs: Fs) -> Self {
        Self {
            env,
            fs,
            platform: Platform::current(),
            profile: None,
            config_file: None,
            credentials_file: None,
            overrides: Overrides::default(),
        }
    }

    /// Uses `platform`'s home-directory and path rules.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    /// Selects this profile, over `AWS_PROFILE`.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads the config file from this path, over `AWS_CONFIG_FILE`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// Reads the credentials file from this path, over `AWS_SHARED_CREDENTIALS_FILE`.
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// Sets the region in code.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.overrides.region = Some(region.into());
        self
    }

    /// Sets the retry mode in code.
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.overrides.retry_mode = Some(mode);
        self
    }

    /// Sets the maximum number of attempts in code.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.overrides.max_attempts = Some(attempts);
        self
    }

    /// Sets an endpoint URL in code for every service; it wins even over
    /// `ignore_configured_endpoint_urls`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.overrides.endpoint_url = Some(url.into());
        self
    }

    /// Turns FIPS endpoints on or off in code.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.overrides.use_fips = Some(on);
        self
    }

    /// Turns dual-stack endpoints on or off in code.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.overrides.use_dual_stack = Some(on);
        self
    }

    /// Sets the user-agent application id in code.
    pub fn app_id(mut self, id: impl Into<String>) -> Self {
        self.overrides.app_id = Some(id.into());
        self
    }

    /// Finds and reads the files and selects the profile. A missing file is an empty file; a
    /// file that cannot be read or parsed is an error naming it.
    pub fn load(self) -> Result<Settings, Error> {
        let mut locations = FileLocations::resolve(&self.env, self.platform);
        if let Some(path) = self.config_file {
            locations.set_config(path);
        }
        if let Some(path) = self.credentials_file {
            locations.set_credentials(path);
        }
        let mut profiles = ProfileSet::new();
        for (kind, path) in [
            (FileKind::Config, locations.config_file()),
            (FileKind::Credentials, locations.credentials_file()),
        ] {
            if let Some(path) = path {
                if let Some(text) = read_optional(&self.fs, path)? {
                    profiles.add_file(kind, Some(path), &text)?;
                }
            }
        }
        let profile = match self.profile {
            Some(name) => Setting::new(name, Source::Code),
            None if locations.profile_from_env() => {
                Setting::new(locations.profile().to_owned(), Source::env("AWS_PROFILE"))
            }
            None => Setting::new(locations.profile().to_owned(), Source::Default),
        };
        Ok(Settings {
            env: self.env,
            fs: self.fs,
            locations,
            profiles,
            profile,
            overrides: self.overrides,
        })
    }
}

/// Reads a whole file as UTF-8; `None` if it does not exist.
fn read_optional(fs: &Fs, path: &Path) -> Result<Option<String>, Error> {
    match fs.read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|e| Error::not_utf8(path, e.utf8_error().valid_up_to())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::read(path, e)),
    }
}

type Parser<T> = fn(&str) -> Result<T, String>;

/// A row of [`Settings::explain`]: name, code value, variables, profile key, default.
type ExplainRow = (
    &'static str,
    Option<Setting<String>>,
    &'static [&'static str],
    Option<&'static str>,
    Option<&'static str>,
);

pub(crate) fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("expected `true` or `false`".to_owned()),
    }
}

pub(crate) fn parse_positive(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err("expected a whole number from 1 to 4294967295".to_owned()),
    }
}

pub(crate) fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| "expected a positive number of seconds".to_owned())
}

pub(crate) fn parse_enum<T: FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

impl Settings {
    /// Loads with default options: the real rules for this platform, no code overrides.
    pub fn load(env: &Env, fs: &Fs) -> Result<Self, Error> {
        Loader::new(env.clone(), fs.clone()).load()
    }

    /// The environment these settings read.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The file system these settings read; providers read token files and caches through it.
    pub fn fs(&self) -> &Fs {
        &self.fs
    }

    /// Where the files were looked for.
    pub fn locations(&self) -> &FileLocations {
        &self.locations
    }

    /// Every profile, sso-session and other section of both files, merged.
    pub fn profiles(&self) -> &ProfileSet {
        &self.profiles
    }

    /// The selected profile's name: set in code, else `AWS_PROFILE`, else `default`.
    pub fn profile_name(&self) -> &Setting<String> {
        &self.profile
    }

    /// The selected profile, if either file declares it.
    pub fn profile(&self) -> Option<&Section> {
        self.profiles.profile(&self.profile.value)
    }

    /// Any key of the selected profile (blank values count as unset), with where it was
    /// written. This is how credential providers read `role_arn`, `source_profile`, `sso_*`...
    pub fn profile_value(&self, key: &str) -> Option<Setting<String>> {
        self.profile_value_in(&self.profile.value, key)
    }

    /// Any key of the named profile, for following `source_profile` chains.
    pub fn profile_value_in(&self, profile: &str, key: &str) -> Option<Setting<String>> {
        let section = self.profiles.profile(profile)?;
        file_value(section, section_label(section.name()), key)
    }

    /// Any key of the `[sso-session name]` section.
    pub fn sso_session_value(&self, session: &str, key: &str) -> Option<Setting<String>> {
        let section = self.profiles.sso_session(session)?;
        file_value(section, format!("sso-session {}", section.name()), key)
    }

    /// The first non-blank of `vars`, then `key` in the selected profile.
    fn raw(&self, vars: &[&str], key: Option<&str>) -> Option<Setting<String>> {
        vars.iter()
            .find_map(|var| self.env.get_non_blank(var).map(|v| Setting::new(v, Source::env(var))))
            .or_else(|| key.and_then(|key| self.profile_value(key)))
    }

    fn typed<T>(
        &self,
        vars: &[&str],
        key: Option<&str>,
        parse: Parser<T>,
    ) -> Result<Option<Setting<T>>, Error> {
        let Some(raw) = self.raw(vars, key) else { return Ok(None) };
        match parse(&raw.value) {
            Ok(value) => Ok(Some(Setting::new(value, raw.source))),
            Err(why) => Err(invalid(&raw, &why)),
        }
    }

    fn typed_or<T>(
        &self,
        code: Option<T>,
        vars: &[&str],
        key: Option<&str>,
        parse: Parser<T>,
        default: T,
    ) -> Result<Setting<T>, Error> {
        if let Some(value) = code {
            return Ok(Setting::new(value, Source::Code));
        }
        Ok(self.typed(vars, key, parse)?.unwrap_or(Setting::new(default, Source::Default)))
    }

    /// The region: code, `AWS_REGION`, `AWS_DEFAULT_REGION`, then `region`. `None` if nothing
    /// sets it (the IMDS client may still find one).
    pub fn region(&self) -> Result<Option<Setting<String>>, Error> {
        if let Some(region) = &self.overrides.region {
            return Ok(Some(Setting::new(region.clone(), Source::Code)));
        }
        Ok(self.raw(&["AWS_REGION", "AWS_DEFAULT_REGION"], Some("region")))
    }

    /// The retry mode: code, `AWS_RETRY_MODE`, `retry_mode`, default standard.
    pub fn retry_mode(&self) -> Result<Setting<RetryMode>, Error> {
        let code = self.overrides.retry_mode;
        self.typed_or(
            code,
            &["AWS_RETRY_MODE"],
            Some("retry_mode"),
            parse_enum,
            RetryMode::Standard,
        )
    }

    /// Attempts per request, the first included: code, `AWS_MAX_ATTEMPTS`, `max_attempts`,
    /// default 3. Zero is an error.
    pub fn max_attempts(&self) -> Result<Setting<u32>, Error> {
        let code = self.overrides.max_attempts;
        self.typed_or(code, &["AWS_MAX_ATTEMPTS"], Some("max_attempts"), parse_positive, 3)
    }

    /// Whether the 2026 retry behaviour (retry behaviour 2.1) is switched on:
    /// `AWS_NEW_RETRIES_2026` (environment only, like the other SDKs), default `false`.
    pub fn new_retries_2026(&self) -> Result<Setting<bool>, Error> {
        self.typed_or(None, &["AWS_NEW_RETRIES_2026"], None, parse_bool, false)
    }

    /// FIPS endpoints: code, `AWS_USE_FIPS_ENDPOINT`, `use_fips_endpoint`, default `false`.
    pub fn use_fips(&self) -> Result<Setting<bool>, Error> {
        let code = self.overrides.use_fips;
        self.typed_or(
            code,
            &["AWS_USE_FIPS_ENDPOINT"],
            Some("use_fips_endpoint"),
            parse_bool,
            false,
        )
    }

    /// Dual-stack endpoints: code, `AWS_USE_DUALSTACK_ENDPOINT`, `use_dualstack_endpoint`,
    /// default `false`.
    pub fn use_dual_stack(&self) -> Result<Setting<bool>, Error> {
        let code = self.overrides.use_dual_stack;
        let key = Some("use_dualstack_endpoint");
        self.typed_or(code, &["AWS_USE_DUALSTACK_ENDPOINT"], key, parse_bool, false)
    }

    /// STS endpoints: `AWS_STS_REGIONAL_ENDPOINTS`, `sts_regional_endpoints`, default regional.
    pub fn sts_regional_endpoints(&self) -> Result<Setting<StsRegionalEndpoints>, Error> {
        let vars = ["AWS_STS_REGIONAL_ENDPOINTS"];
        let default = StsRegionalEndpoints::Regional;
        self.typed_or(None, &vars, Some("sts_regional_endpoints"), parse_enum, default)
    }

    /// The user-agent application id: code, `AWS_SDK_UA_APP_ID`, `sdk_ua_app_id`.
    pub fn app_id(&self) -> Option<Setting<String>> {
        match &self.overrides.app_id {
            Some(id) => Some(Setting::new(id.clone(), Source::Code)),
            None => self.raw(&["AWS_SDK_UA_APP_ID"], Some("sdk_ua_app_id")),
        }
    }

    /// Whether configured endpoint URLs are ignored: `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`,
    /// `ignore_configured_endpoint_urls`, default `false`.
    pub fn ignore_configured_endpoint_urls(&self) -> Result<Setting<bool>, Error> {
        let vars = ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"];
        self.typed_or(None, &vars, Some("ignore_configured_endpoint_urls"), parse_bool, false)
    }

    /// The endpoint URL for a service, named by its service id as the AWS docs write it
    /// (`STS`, `S3`, `Elastic Beanstalk`). In order:
    ///
    /// 1. set in code ([`Loader::endpoint_url`]);
    /// 2. nothing else if [`ignore_configured_endpoint_urls`](Self::ignore_configured_endpoint_urls);
    /// 3. `AWS_ENDPOINT_URL_<ID>` (upper case, spaces and hyphens as `_`);
    /// 4. `AWS_ENDPOINT_URL`;
    /// 5. `endpoint_url` under `<id> =` (lower case, spaces as `_`) in the `[services NAME]`
    ///    section the profile's `services` key names;
    /// 6. the profile's `endpoint_url`.
    pub fn endpoint_url(&self, service_id: &str) -> Result<Option<Setting<String>>, Error> {
        if let Some(url) = &self.overrides.endpoint_url {
            return Ok(Some(Setting::new(url.clone(), Source::Code)));
        }
        if self.ignore_configured_endpoint_urls()?.value {
            return Ok(None);
        }
        let env_id: String = service_id
            .trim()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_uppercase() })
            .collect();
        let service_var = format!("AWS_ENDPOINT_URL_{env_id}");
        if let Some(found) = self.raw(&[&service_var, "AWS_ENDPOINT_URL"], None) {
            return Ok(Some(found));
        }
        if let Some(found) = self.services_endpoint_url(service_id) {
            return Ok(Some(found));
        }
        Ok(self.profile_value("endpoint_url"))
    }

    fn services_endpoint_url(&self, service_id: &str) -> Option<Setting<String>> {
        let services_name = self.profile_value("services")?.value;
        let section = self.profiles.section("services", &services_name)?;
        let lower = service_id.trim().to_ascii_lowercase();
        let snake = lower.replace(' ', "_");
        let kebab = lower.replace(' ', "-");
        let property = section.property(&snake).or_else(|| section.property(&kebab))?;
        let value = property.sub_property("endpoint_url").filter(|v| !v.trim().is_empty())?;
        let location = property.sub_property_location("endpoint_url")?.clone();
        Some(Setting::new(
            value.to_owned(),
            Source::File {
                section: format!("services {services_name}"),
                key: format!("{}.endpoint_url", property.key()),
                location,
            },
        ))
    }

    /// Everything the IMDS client needs to know.
    pub fn imds(&self) -> Result<ImdsSettings, Error> {
        Ok(ImdsSettings {
            disabled: self.typed_or(
                None,
                &["AWS_EC2_METADATA_DISABLED"],
                None,
                parse_bool,
                false,
            )?,
            v1_disabled: self.typed_or(
                None,
                &["AWS_EC2_METADATA_V1_DISABLED"],
                Some("ec2_metadata_v1_disabled"),
                parse_bool,
                false,
            )?,
            endpoint: self
                .raw(&["AWS_EC2_METADATA_SERVICE_ENDPOINT"], Some("ec2_metadata_service_endpoint")),
            endpoint_mode: self.typed_or(
                None,
                &["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"],
                Some("ec2_metadata_service_endpoint_mode"),
                parse_enum,
                ImdsEndpointMode::IPv4,
            )?,
            timeout: self.typed_or(
                None,
                &["AWS_METADATA_SERVICE_TIMEOUT"],
                Some("metadata_service_timeout"),
                parse_seconds,
                Duration::from_secs(1),
            )?,
            num_attempts: self.typed_or(
                None,
                &["AWS_METADATA_SERVICE_NUM_ATTEMPTS"],
                Some("metadata_service_num_attempts"),
                parse_positive,
                4,
            )?,
        })
    }

    /// Every place that sets each setting, highest precedence first, so a person can see which
    /// one won and what it hid: "which setting won, and why". Values are shown as written
    /// (not validated; the typed accessors do that).
    ///
    /// ```
    /// use signet_config_loader::{Env, Fs, Settings};
    ///
    /// let env = Env::from_map([("HOME", "/h"), ("AWS_REGION", "us-west-2")]);
    /// let fs = Fs::from_map([("/h/.aws/config", "[default]\nregion = eu-west-1\n")]);
    /// let settings = Settings::load(&env, &fs)?;
    /// let region = settings.explain().into_iter().find(|e| e.name == "region").unwrap();
    /// assert_eq!(
    ///     region.to_string(),
    ///     "region = us-west-2 (environment variable AWS_REGION); \
    ///      it hides eu-west-1 (`region` in [default] at /h/.aws/config:2)"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self) -> Vec<Explanation> {
        let o = &self.overrides;
        let code = |v: Option<String>| v.map(|v| Setting::new(v, Source::Code));
        let rows: Vec<ExplainRow> = vec![
            ("profile", None, &[], None, None),
            (
                "region",
                code(o.region.clone()),
                &["AWS_REGION", "AWS_DEFAULT_REGION"],
                Some("region"),
                None,
            ),
            (
                "retry_mode",
                code(o.retry_mode.map(|m| m.to_string())),
                &["AWS_RETRY_MODE"],
                Some("retry_mode"),
                Some("standard"),
            ),
            (
                "max_attempts",
                code(o.max_attempts.map(|n| n.to_string())),
                &["AWS_MAX_ATTEMPTS"],
                Some("max_attempts"),
                Some("3"),
            ),
            ("new_retries_2026", None, &["AWS_NEW_RETRIES_2026"], None, Some("false")),
            (
                "endpoint_url",
                code(o.endpoint_url.clone()),
                &["AWS_ENDPOINT_URL"],
                Some("endpoint_url"),
                None,
            ),
            (
                "ignore_configured_endpoint_urls",
                None,
                &["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"],
                Some("ignore_configured_endpoint_urls"),
                Some("false"),
            ),
            (
                "use_fips_endpoint",
                code(o.use_fips.map(|b| b.to_string())),
                &["AWS_USE_FIPS_ENDPOINT"],
                Some("use_fips_endpoint"),
                Some("false"),
            ),
            (
                "use_dualstack_endpoint",
                code(o.use_dual_stack.map(|b| b.to_string())),
                &["AWS_USE_DUALSTACK_ENDPOINT"],
                Some("use_dualstack_endpoint"),
                Some("false"),
            ),
            (
                "sts_regional_endpoints",
                None,
                &["AWS_STS_REGIONAL_ENDPOINTS"],
                Some("sts_regional_endpoints"),
                Some("regional"),
            ),
            (
                "sdk_ua_app_id",
                code(o.app_id.clone()),
                &["AWS_SDK_UA_APP_ID"],
                Some("sdk_ua_app_id"),
                None,
            ),
            ("ec2_metadata_disabled", None, &["AWS_EC2_METADATA_DISABLED"], None, Some("false")),
            (
                "ec2_metadata_v1_disabled",
                None,
                &["AWS_EC2_METADATA_V1_DISABLED"],
                Some("ec2_metadata_v1_disabled"),
                Some("false"),
            ),
            (
                "ec2_metadata_service_endpoint",
                None,
                &["AWS_EC2_METADATA_SERVICE_ENDPOINT"],
                Some("ec2_metadata_service_endpoint"),
                None,
            ),
            (
                "ec2_metadata_service_endpoint_mode",
                None,
                &["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"],
                Some("ec2_metadata_service_endpoint_mode"),
                Some("IPv4"),
            ),
            (
                "metadata_service_timeout",
                None,
                &["AWS_METADATA_SERVICE_TIMEOUT"],
                Some("metadata_service_timeout"),
                Some("1"),
            ),
            (
                "metadata_service_num_attempts",
                None,
                &["AWS_METADATA_SERVICE_NUM_ATTEMPTS"],
                Some("metadata_service_num_attempts"),
                Some("4"),
            ),
        ];
        rows.into_iter()
            .map(|(name, code, vars, key, default)| {
                let mut candidates: Vec<Setting<String>> = code.into_iter().collect();
                if name == "profile" {
                    candidates.push(self.profile.clone());
                } else {
                    candidates.extend(vars.iter().filter_map(|var| {
                        self.env.get_non_blank(var).map(|v| Setting::new(v, Source::env(var)))
                    }));
                    candidates.extend(key.and_then(|key| self.profile_value(key)));
                }
                let default = default.map(|d| Setting::new(d.to_owned(), Source::Default));
                Explanation { name, candidates, default }
            })
            .collect()
    }

    /// Checks both files and the environment for mistakes; see [`ProfileSet::check`]. Adds
    /// unusable values in environment variables and a selected profile that does not exist.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut out = self.profiles.check();
        let files = [
            ("config", "AWS_CONFIG_FILE", self.locations.config_file()),
            ("credentials", "AWS_SHARED_CREDENTIALS_FILE", self.locations.credentials_file()),
        ];
        for (file, var, path) in files {
            if path.is_none() {
                out.push(Diagnostic::warning(
                    None,
                    format!(
                        "the {file} file was not read: its path starts with `~` and no home directory is set (HOME); set {var} to an absolute path"
                    ),
                ));
            }
        }
        if self.profile.source != Source::Default && self.profile().is_none() {
            out.push(Diagnostic::warning(
                None,
                format!(
                    "the selected profile `{}` ({}) is not in either file",
                    self.profile.value, self.profile.source
                ),
            ));
        }
        for (var, check) in crate::check::ENV_CHECKS {
            if let Some(value) = self.env.get_non_blank(var) {
                if let Err(why) = check(&value) {
                    out.push(Diagnostic::error(
                        None,
                        format!("environment variable {var} = `{value}`: {why}"),
                    ));
                }
            }
        }
        out
    }
}

fn file_value(section: &Section, label: String, key: &str) -> Option<Setting<String>> {
    let property = section.property(key).filter(|p| !p.value().trim().is_empty())?;
    let location = property.location().clone();
    let source = Source::File { section: label, key: property.key().to_owned(), location };
    Some(Setting::new(property.value().to_owned(), source))
}

/// How a section is written in the file: `default` or `profile NAME`.
fn section_label(profile: &str) -> String {
    if profile == "default" { profile.to_owned() } else { format!("profile {profile}") }
}

fn invalid(raw: &Setting<String>, why: &str) -> Error {
    match &raw.source {
        Source::File { section, key, location } => Error::invalid_value(
            location.path(),
            Some(location.line()),
            format!("invalid value `{}` for `{key}` in [{section}]: {why}", raw.value),
        ),
        source => Error::invalid_value(
            None,
            None,
            format!("invalid value `{}` for {source}: {why}", raw.value),
        ),
    }
}
