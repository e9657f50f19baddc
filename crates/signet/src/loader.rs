//! `signet::load()`: settings, region, credentials, retries and one HTTP client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use signet_config_loader::{Env, Fs, Loader, Settings, Source};
use signet_credential_providers::{
    CredentialsCache, DefaultChainBuilder, ProvideCredentials, SharedCredentialsProvider,
    SystemTimeSource, TimeSource,
};
use signet_retry::{MaxAttempts, RetryConfig, RetryMode, RetrySpec, RetryStrategy};
use signet_sigv4::Credentials;

use crate::{Client, Error, ErrorKind};

/// The region used when nothing configures one, as the AWS documentation describes.
pub const DEFAULT_REGION: &str = "us-east-1";

/// How long connecting may take by default (aws-sdk-rust's 3.1 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// Loads the configuration from the process environment and the shared config files, as
/// the AWS SDKs do: `let config = signet::load().await?;`.
///
/// The same as `ConfigLoader::new().load().await`; use [`ConfigLoader`] for overrides.
pub async fn load() -> Result<Config, Error> {
    ConfigLoader::new().load().await
}

/// Where the region came from, in the order it is looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegionSource {
    /// Set in code ([`ConfigLoader::region`]).
    Code,
    /// An environment variable: `AWS_REGION` or `AWS_DEFAULT_REGION`.
    Environment {
        /// The variable's name.
        var: String,
    },
    /// The profile's `region` key; the text names the file, section and line.
    Profile {
        /// Where in the files, such as `` `region` in [profile dev] at /home/me/.aws/config:2 ``.
        location: String,
    },
    /// The instance metadata service (`placement/region`).
    InstanceMetadata,
    /// Nothing configured a region: the default `us-east-1`.
    Default,
}

impl fmt::Display for RegionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code => f.write_str("set in code"),
            Self::Environment { var } => write!(f, "environment variable {var}"),
            Self::Profile { location } => f.write_str(location),
            Self::InstanceMetadata => f.write_str("the instance metadata service"),
            Self::Default => write!(f, "the default ({DEFAULT_REGION}): nothing configured one"),
        }
    }
}

/// The resolved region and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Region {
    /// The region name, such as `eu-west-1`.
    pub name: String,
    /// Where it came from.
    pub source: RegionSource,
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.source)
    }
}

/// Overrides for [`load`]: a profile, region, credentials, endpoint URL, retries, timeouts,
/// an HTTP client; and, for tests, the environment, files and clock.
///
/// ```
/// use signet::{ConfigLoader, RegionSource};
/// use signet::config::{Env, Fs};
///
/// let env = Env::from_map([("HOME", "/home/me"), ("AWS_EC2_METADATA_DISABLED", "true")]);
/// let fs = Fs::from_map([("/home/me/.aws/config", "[profile dev]\nregion = eu-west-1\n")]);
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let config = runtime.block_on(ConfigLoader::with_env(env, fs).profile("dev").max_attempts(5).load())?;
/// assert_eq!(config.region().name, "eu-west-1");
/// assert!(matches!(config.region().source, RegionSource::Profile { .. }));
/// assert_eq!(config.retry_strategy().config().max_attempts().get(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ConfigLoader {
    env: Env,
    fs: Fs,
    profile: Option<String>,
    region: Option<String>,
    strict_region: bool,
    credentials: Option<SharedCredentialsProvider>,
    endpoint_url: Option<String>,
    retry_mode: Option<RetryMode>,
    max_attempts: Option<u32>,
    retry_strategy: Option<RetryStrategy>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    http_client: Option<reqwest::Client>,
    time: Option<Arc<dyn TimeSource>>,
    imds: Option<signet_imds_client::Client>,
}

impl fmt::Debug for ConfigLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigLoader")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Default for ConfigLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigLoader {
    /// A loader reading the process environment and the real file system.
    pub fn new() -> Self {
        Self::with_env(Env::from_process(), Fs::real())
    }

    /// A loader reading this environment and these files (tests, sandboxes).
    pub fn with_env(env: Env, fs: Fs) -> Self {
        Self {
            env,
            fs,
            profile: None,
            region: None,
            strict_region: false,
            credentials: None,
            endpoint_url: None,
            retry_mode: None,
            max_attempts: None,
            retry_strategy: None,
            connect_timeout: None,
            attempt_timeout: None,
            http_client: None,
            time: None,
            imds: None,
        }
    }

    /// Uses this profile instead of `AWS_PROFILE` or `default`.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Uses this region, over the environment and the profile.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Fails with [`ErrorKind::Configuration`] instead of falling back to `us-east-1` when
    /// nothing configures a region.
    pub fn strict_region(mut self, strict: bool) -> Self {
        self.strict_region = strict;
        self
    }

    /// Uses these credentials instead of the default chain.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Uses this provider instead of the default chain; it is put behind a
    /// [`CredentialsCache`], so it is asked again only when its credentials near expiry.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Sends every service's requests to this URL (a local emulator, a VPC endpoint), over
    /// `AWS_ENDPOINT_URL*` and the profile.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The retry mode, over `AWS_RETRY_MODE` and the profile.
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.retry_mode = Some(mode);
        self
    }

    /// Attempts per call, the first included, over `AWS_MAX_ATTEMPTS` and the profile.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Uses this retry strategy (with its own randomness and clock) instead of one built
    /// from the settings.
    pub fn retry_strategy(mut self, strategy: RetryStrategy) -> Self {
        self.retry_strategy = Some(strategy);
        self
    }

    /// How long connecting may take (default [`DEFAULT_CONNECT_TIMEOUT`]); ignored when an
    /// HTTP client is given.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt (send and read the whole response) may take; none by default.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Sends every request (the services', STS's, IMDS's) through this client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Reads the wall clock (for signing and credential expiry) from `time`.
    pub fn time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.time = Some(Arc::new(time));
        self
    }

    /// Uses this IMDS client for the region and instance-profile credentials.
    pub fn imds_client(mut self, client: signet_imds_client::Client) -> Self {
        self.imds = Some(client);
        self
    }

    /// Loads the settings, resolves the region, and builds the cached credentials chain, the
    /// retry strategy and the HTTP client. Credentials are not loaded until the first call.
    pub async fn load(self) -> Result<Config, Error> {
        if self.region.as_deref().is_some_and(|r| r.trim().is_empty()) {
            return Err(Error::new(ErrorKind::Configuration, "the region set in code is blank"));
        }
        let mut loader = Loader::new(self.env.clone(), self.fs.clone());
        if let Some(profile) = &self.profile {
            loader = loader.profile(profile.clone());
        }
        if let Some(region) = &self.region {
            loader = loader.region(region.clone());
        }
        if let Some(url) = &self.endpoint_url {
            loader = loader.endpoint_url(url.clone());
        }
        let settings = loader.load().map_err(|e| {
            Error::new(ErrorKind::Configuration, "the shared config files cannot be loaded")
                .with_source(e)
        })?;
        let time: Arc<dyn TimeSource> =
            self.time.clone().unwrap_or_else(|| Arc::new(SystemTimeSource));
        let http = match self.http_client.clone() {
            Some(client) => client,
            None => default_http_client(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        let imds = match self.imds.clone() {
            Some(client) => Some(client),
            None => signet_imds_client::Client::builder()
                .http_client(http.clone())
                .build(&settings)
                .ok(),
        };
        let region = resolve_region(&settings, imds.as_ref(), self.strict_region).await?;
        tracing::info!(region = %region.name, source = %region.source, "region resolved");

        let retry = match self.retry_strategy.clone() {
            Some(strategy) => strategy,
            None => {
                RetryStrategy::new(retry_config(&settings, self.retry_mode, self.max_attempts)?)
            }
        };
        let credentials = match self.credentials.clone() {
            Some(provider) => cache(provider, &time),
            None => {
                let mut chain = DefaultChainBuilder::new(self.env.clone(), self.fs.clone())
                    .settings(settings.clone())
                    .http_client(http.clone())
                    .time_source(time.clone());
                if let Some(profile) = &self.profile {
                    chain = chain.profile(profile.clone());
                }
                if let Some(client) = imds {
                    chain = chain.imds_client(client);
                }
                cache(SharedCredentialsProvider::new(chain.build()), &time)
            }
        };
        Ok(Config {
            inner: Arc::new(ConfigInner {
                settings,
                region,
                credentials,
                retry,
                http,
                time,
                attempt_timeout: self.attempt_timeout,
            }),
        })
    }
}

fn cache(provider: SharedCredentialsProvider, time: &Arc<dyn TimeSource>) -> CredentialsCache {
    CredentialsCache::builder().time_source(time.clone()).build(provider)
}

/// Installs ring as the rustls provider (docs/adr/0009) and builds the shared client.
fn default_http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| {
            Error::new(ErrorKind::Configuration, "the HTTP client cannot be built").with_source(e)
        })
}

fn retry_config(
    settings: &Settings,
    mode: Option<RetryMode>,
    attempts: Option<u32>,
) -> Result<RetryConfig, Error> {
    let bad = |what: &str| {
        let what = what.to_owned();
        move |e: signet_config_loader::Error| {
            Error::new(ErrorKind::Configuration, format!("the {what} setting is invalid"))
                .with_source(e)
        }
    };
    let mode = match mode {
        Some(mode) => mode,
        None => match settings.retry_mode().map_err(bad("retry mode"))?.value {
            signet_config_loader::RetryMode::Adaptive => RetryMode::Adaptive,
            _ => RetryMode::Standard,
        },
    };
    let attempts = match attempts {
        Some(n) => n,
        None => settings.max_attempts().map_err(bad("max attempts"))?.value,
    };
    let attempts = MaxAttempts::new(attempts).map_err(|e| {
        Error::new(ErrorKind::Configuration, "max attempts must be at least 1").with_source(e)
    })?;
    let spec = RetrySpec::from_opt_in(
        settings.new_retries_2026().map_err(bad("AWS_NEW_RETRIES_2026"))?.value,
    );
    Ok(RetryConfig::new(mode).with_max_attempts(attempts).with_spec(spec))
}

async fn resolve_region(
    settings: &Settings,
    imds: Option<&signet_imds_client::Client>,
    strict: bool,
) -> Result<Region, Error> {
    let configured = settings.region().map_err(|e| {
        Error::new(ErrorKind::Configuration, "the region setting is invalid").with_source(e)
    })?;
    if let Some(setting) = configured.filter(|s| !s.value.trim().is_empty()) {
        let source = match &setting.source {
            Source::Code => RegionSource::Code,
            Source::Env { var } => RegionSource::Environment { var: var.clone() },
            other => RegionSource::Profile { location: other.to_string() },
        };
        return Ok(Region { name: setting.value.trim().to_owned(), source });
    }
    if let Some(client) = imds.filter(|c| !c.is_disabled()) {
        match client.region().await {
            Ok(name) if !name.trim().is_empty() => {
                return Ok(Region {
                    name: name.trim().to_owned(),
                    source: RegionSource::InstanceMetadata,
                });
            }
            Ok(_) => tracing::debug!("the instance metadata service gave an empty region"),
            Err(e) => tracing::debug!(error = %e, "no region from the instance metadata service"),
        }
    }
    if strict {
        return Err(Error::new(
            ErrorKind::Configuration,
            "no region is configured: set AWS_REGION, `region` in the profile, or \
             ConfigLoader::region (strict_region is on, so us-east-1 is not assumed)",
        ));
    }
    tracing::warn!(
        region = DEFAULT_REGION,
        "no region is configured (code, AWS_REGION, AWS_DEFAULT_REGION, profile, instance metadata): using the default"
    );
    Ok(Region { name: DEFAULT_REGION.to_owned(), source: RegionSource::Default })
}

/// Everything a call needs: settings, region, credentials, retry policy, HTTP client.
///
/// Cheap to clone (an `Arc`); clones share the credentials cache, the retry quota and the
/// HTTP connection pool.
#[derive(Clone)]
pub struct Config {
    inner: Arc<ConfigInner>,
}

struct ConfigInner {
    settings: Settings,
    region: Region,
    credentials: CredentialsCache,
    retry: RetryStrategy,
    http: reqwest::Client,
    time: Arc<dyn TimeSource>,
    attempt_timeout: Option<Duration>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("profile", &self.inner.settings.profile_name().value)
            .field("region", &self.inner.region)
            .field("credentials", &self.inner.credentials)
            .field("retry", self.inner.retry.config())
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The region and where it came from.
    pub fn region(&self) -> &Region {
        &self.inner.region
    }

    /// The loaded settings (profile, endpoint URLs, FIPS, dual-stack, ...), each with its
    /// source.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The cached credentials provider (the default chain unless one was given).
    pub fn credentials_provider(&self) -> &CredentialsCache {
        &self.inner.credentials
    }

    /// Credentials now: cached ones while valid, else one shared load.
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        self.inner.credentials.get().await.map_err(|e| {
            Error::new(ErrorKind::Credentials, "no credentials could be loaded").with_source(e)
        })
    }

    /// The retry strategy; its retry quota is shared by every call made with this config.
    pub fn retry_strategy(&self) -> &RetryStrategy {
        &self.inner.retry
    }

    /// The shared HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The attempt timeout, if one is set.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.inner.attempt_timeout
    }

    pub(crate) fn time(&self) -> &Arc<dyn TimeSource> {
        &self.inner.time
    }

    /// A signed client for any AWS API, sharing this config.
    pub fn client(&self) -> Client {
        Client::new(self.clone())
    }

    /// An STS client for this config's region, endpoint settings, HTTP client and retry
    /// policy, with credentials resolved now.
    pub async fn sts_client(&self) -> Result<signet_sts_client::StsClient, Error> {
        let credentials = self.credentials().await?;
        let settings = &self.inner.settings;
        let bad = |e: signet_config_loader::Error| {
            Error::new(ErrorKind::Configuration, "an STS setting is invalid").with_source(e)
        };
        let legacy = settings.sts_regional_endpoints().map_err(bad)?.value
            == signet_config_loader::StsRegionalEndpoints::Legacy;
        let mut builder = signet_sts_client::StsClient::builder(self.inner.region.name.clone())
            .credentials(credentials)
            .use_fips(settings.use_fips().map_err(bad)?.value)
            .use_dual_stack(settings.use_dual_stack().map_err(bad)?.value)
            .use_global_endpoint(legacy)
            .http_client(self.inner.http.clone())
            .retry_strategy(self.inner.retry.clone())
            .time_source(self.inner.time.clone());
        if let Some(url) = settings.endpoint_url("STS").map_err(bad)? {
            builder = builder.endpoint_url(url.value);
        }
        if let Some(timeout) = self.inner.attempt_timeout {
            builder = builder.attempt_timeout(timeout);
        }
        builder.build().map_err(|e| {
            Error::new(ErrorKind::Configuration, "the STS client cannot be set up").with_source(e)
        })
    }
}
