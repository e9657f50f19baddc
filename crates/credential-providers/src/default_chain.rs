//! The default provider chain.

use std::fmt;
use std::sync::Arc;

use signet_config_loader::{Env, Fs, Loader, Settings};
use signet_sigv4::Credentials;

use crate::context::Context;
use crate::profile::MfaTokenCallback;
use crate::{
    BaseProvider, ContainerProvider, CredentialsCache, CredentialsChain, EnvironmentProvider,
    Error, InstanceProfileProvider, ProfileProvider, SsoProvider, StaticProvider, TimeSource,
    WebIdentityProvider, resolve_profile_chain,
};

/// Builds the default chain, in the order the AWS documentation teaches:
///
/// 1. `Explicit`: credentials given in code ([`credentials`](Self::credentials));
/// 2. `Environment`: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, ...;
/// 3. `Profile`: the shared config and credentials files;
/// 4. `WebIdentityToken`: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`;
/// 5. `EcsContainer`: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`;
/// 6. `Ec2InstanceMetadata`: the instance profile, through IMDS.
///
/// Earlier sources win; a source that is not configured passes to the next; one that is
/// configured but broken stops the chain with its error (docs/adr/0034). When none is
/// configured the error lists every provider and why it did not answer.
///
/// ```
/// use signet_config_loader::{Env, Fs};
/// use signet_credential_providers::{DefaultChainBuilder, ErrorKind, ProvideCredentials};
///
/// // Nothing configured, IMDS turned off: the error explains every provider.
/// let env = Env::from_map([("HOME", "/home/me"), ("AWS_EC2_METADATA_DISABLED", "true")]);
/// let chain = DefaultChainBuilder::new(env, Fs::from_map::<&str, &str>([])).build();
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let error = runtime.block_on(chain.provide_credentials()).unwrap_err();
/// assert_eq!(error.kind(), ErrorKind::NoCredentials);
/// assert_eq!(error.attempts().len(), 5);
/// println!("{error}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DefaultChainBuilder {
    env: Env,
    fs: Fs,
    settings: Option<Settings>,
    profile: Option<String>,
    credentials: Option<Credentials>,
    client: Option<reqwest::Client>,
    time: Option<Arc<dyn TimeSource>>,
    mfa: Option<MfaTokenCallback>,
    ecs_host: Option<String>,
    imds: Option<signet_imds_client::Client>,
}

impl fmt::Debug for DefaultChainBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultChainBuilder")
            .field("env", &self.env)
            .field("fs", &self.fs)
            .field("profile", &self.profile)
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl DefaultChainBuilder {
    /// A chain reading the environment `env` and files through `fs` (production code passes
    /// `Env::from_process()` and `Fs::real()`).
    pub fn new(env: Env, fs: Fs) -> Self {
        Self {
            env,
            fs,
            settings: None,
            profile: None,
            credentials: None,
            client: None,
            time: None,
            mfa: None,
            ecs_host: None,
            imds: None,
        }
    }

    /// Uses settings already loaded (their environment and file system replace the ones given
    /// to [`new`](Self::new)).
    pub fn settings(mut self, settings: Settings) -> Self {
        self.env = settings.env().clone();
        self.fs = settings.fs().clone();
        self.settings = Some(settings);
        self
    }

    /// Selects this profile, over `AWS_PROFILE`.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Puts explicit credentials first: they always win.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends every request (STS, SSO, container, IMDS) through this client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Reads the wall clock from `time`.
    pub fn time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.time = Some(Arc::new(time));
        self
    }

    /// Answers `mfa_serial` challenges of role profiles with `callback`.
    pub fn mfa_token(
        mut self,
        callback: impl Fn(&str) -> Result<String, Error> + Send + Sync + 'static,
    ) -> Self {
        self.mfa = Some(Arc::new(callback));
        self
    }

    /// Joins `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` onto this base instead of
    /// `http://169.254.170.2` (emulators, tests).
    pub fn ecs_host(mut self, base: impl Into<String>) -> Self {
        self.ecs_host = Some(base.into());
        self
    }

    /// Uses this IMDS client for instance-profile credentials.
    pub fn imds_client(mut self, client: signet_imds_client::Client) -> Self {
        self.imds = Some(client);
        self
    }

    /// The shared context and, when the files are broken, why (the profile provider reports
    /// it; the other providers still see the environment, as in the AWS SDKs).
    fn context(&self) -> Result<(Context, Option<Arc<str>>), Error> {
        let load = |fs: Fs| {
            let mut loader = Loader::new(self.env.clone(), fs);
            if let Some(profile) = &self.profile {
                loader = loader.profile(profile.clone());
            }
            loader.load()
        };
        let (settings, error) = match &self.settings {
            Some(settings) => (settings.clone(), None),
            None => match load(self.fs.clone()) {
                Ok(settings) => (settings, None),
                Err(e) => {
                    let why: Arc<str> = Arc::from(e.to_string());
                    let settings = load(Fs::from_map::<&str, &str>([])).map_err(|e| {
                        Error::invalid_config("could not load settings").with_source(e)
                    })?;
                    (settings, Some(why))
                }
            },
        };
        let mut context = Context::new(settings);
        context.client = self.client.clone();
        if let Some(time) = &self.time {
            context.time = time.clone();
        }
        Ok((context, error))
    }

    /// The profile provider alone, as this chain would use it.
    pub fn profile_provider(&self) -> Result<ProfileProvider, Error> {
        let (context, error) = self.context()?;
        Ok(ProfileProvider::new(context, error)
            .with_mfa_callback(self.mfa.clone())
            .with_ecs_host(self.ecs_host.clone()))
    }

    /// The IAM Identity Center provider of the selected profile, if the profile configures
    /// one (a profile with only an `sso_session` resolves a token,
    /// [`SsoProvider::access_token`]).
    pub fn sso_provider(&self) -> Result<SsoProvider, Error> {
        let (context, error) = self.context()?;
        if let Some(why) = error {
            return Err(Error::invalid_config(format!("could not parse profile file: {why}")));
        }
        let settings = &context.settings;
        let chain = resolve_profile_chain(settings.profiles(), &settings.profile_name().value)?;
        match chain.base {
            BaseProvider::Sso(config) if chain.roles.is_empty() => {
                Ok(SsoProvider::new(config, context))
            }
            _ => Err(Error::not_configured(format!(
                "profile `{}` does not configure IAM Identity Center (SSO)",
                settings.profile_name().value
            ))),
        }
    }

    /// The STS endpoint role and web-identity providers call with these settings.
    pub fn sts_endpoint(&self) -> Result<String, Error> {
        let (context, _) = self.context()?;
        Ok(crate::sts::client(&context)?.endpoint_url().to_owned())
    }

    /// The chain, uncached: every call asks the providers again.
    pub fn build(self) -> CredentialsChain {
        let (context, error) = match self.context() {
            Ok(found) => found,
            Err(e) => {
                return CredentialsChain::first_try("Settings", Broken(Arc::from(e.to_string())));
            }
        };
        let env = context.settings.env().clone();
        let fs = context.settings.fs().clone();
        let profile = ProfileProvider::new(context.clone(), error)
            .with_mfa_callback(self.mfa.clone())
            .with_ecs_host(self.ecs_host.clone());
        let mut container = ContainerProvider::new(env.clone(), fs);
        if let Some(client) = &context.client {
            container = container.with_http_client(client.clone());
        }
        if let Some(host) = &self.ecs_host {
            container = container.with_ecs_host(host.clone());
        }
        let imds = match self.imds {
            Some(client) => {
                InstanceProfileProvider::with_client_result(context.clone(), Ok(client))
            }
            None => InstanceProfileProvider::new(context.clone()),
        };
        let chain = match self.credentials {
            Some(creds) => CredentialsChain::first_try("Explicit", StaticProvider::new(creds))
                .or_else("Environment", EnvironmentProvider::new(env)),
            None => CredentialsChain::first_try("Environment", EnvironmentProvider::new(env)),
        };
        chain
            .or_else("Profile", profile)
            .or_else("WebIdentityToken", WebIdentityProvider::from_env(context))
            .or_else("EcsContainer", container)
            .or_else("Ec2InstanceMetadata", imds)
    }

    /// The chain behind a [`CredentialsCache`] with the default settings: what an
    /// application should use.
    pub fn build_cached(self) -> CredentialsCache {
        CredentialsCache::new(self.build())
    }
}

/// A provider that always fails with the same configuration error.
#[derive(Debug)]
struct Broken(Arc<str>);

#[async_trait::async_trait]
impl crate::ProvideCredentials for Broken {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        Err(Error::invalid_config(self.0.to_string()))
    }
}
