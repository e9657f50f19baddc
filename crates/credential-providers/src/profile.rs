//! The profile provider: the shared config and credentials files.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use signet_sigv4::Credentials;
use signet_sts_client::AssumeRoleInput;

use crate::context::Context;
use crate::profile_chain::{BaseProvider, NamedSource, RoleStep, resolve_profile_chain};
use crate::{
    ContainerProvider, EnvironmentProvider, Error, InstanceProfileProvider, ProcessProvider,
    ProvideCredentials, SsoProvider, WebIdentityProvider,
};

/// Supplies the current code of an MFA device (`mfa_serial` in a role profile): called with
/// the device's serial number (ARN), answers the 6-digit code.
pub type MfaTokenCallback = Arc<dyn Fn(&str) -> Result<String, Error> + Send + Sync>;

/// Credentials from the selected profile of the shared `config` and `credentials` files:
/// static keys, `role_arn` with `source_profile` chains of any length or `credential_source`,
/// web identity, IAM Identity Center (SSO), `credential_process`; roles are assumed through
/// STS `AssumeRole` with `external_id`, `role_session_name`, `duration_seconds` and
/// `mfa_serial` (the code comes from [`with_mfa_token`](Self::with_mfa_token)).
///
/// Built by [`DefaultChainBuilder`](crate::DefaultChainBuilder) (or its
/// [`profile_provider`](crate::DefaultChainBuilder::profile_provider)). A selected profile
/// that does not exist or holds nothing about credentials is
/// [`NotConfigured`](crate::ErrorKind::NotConfigured); a file that does not parse, and every
/// mistake in a profile that does configure credentials, stops a chain.
#[derive(Clone)]
pub struct ProfileProvider {
    context: Context,
    load_error: Option<Arc<str>>,
    mfa: Option<MfaTokenCallback>,
    ecs_host: Option<String>,
    /// `credential_source = Ec2InstanceMetadata`, kept so its token and its last
    /// credentials (static stability) outlive one load.
    imds: Arc<std::sync::OnceLock<InstanceProfileProvider>>,
    /// `credential_source = EcsContainer`, kept for its HTTP client.
    container: Arc<std::sync::OnceLock<ContainerProvider>>,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("profile", &self.context.settings.profile_name().value)
            .finish()
    }
}

impl ProfileProvider {
    pub(crate) fn new(context: Context, load_error: Option<Arc<str>>) -> Self {
        Self {
            context,
            load_error,
            mfa: None,
            ecs_host: None,
            imds: Arc::default(),
            container: Arc::default(),
        }
    }

    /// Answers `mfa_serial` challenges with `callback` (for example, a prompt).
    pub fn with_mfa_token(
        mut self,
        callback: impl Fn(&str) -> Result<String, Error> + Send + Sync + 'static,
    ) -> Self {
        self.mfa = Some(Arc::new(callback));
        self
    }

    pub(crate) fn with_mfa_callback(mut self, callback: Option<MfaTokenCallback>) -> Self {
        self.mfa = callback;
        self
    }

    pub(crate) fn with_ecs_host(mut self, host: Option<String>) -> Self {
        self.ecs_host = host;
        self
    }

    async fn load(&self) -> Result<Credentials, Error> {
        if let Some(why) = &self.load_error {
            return Err(Error::invalid_config(format!("could not parse profile file: {why}")));
        }
        let settings = &self.context.settings;
        let chain = resolve_profile_chain(settings.profiles(), &settings.profile_name().value)?;
        let mut creds = self.base(&chain.base).await?;
        for role in &chain.roles {
            creds = self.assume(role, creds).await?;
        }
        Ok(creds)
    }

    async fn base(&self, base: &BaseProvider) -> Result<Credentials, Error> {
        let context = self.context.clone();
        match base {
            BaseProvider::AccessKey(keys) => Ok(keys.credentials()),
            BaseProvider::NamedSource(source) => {
                let result = match source {
                    NamedSource::Environment => {
                        EnvironmentProvider::new(context.settings.env().clone()).load()
                    }
                    NamedSource::EcsContainer => {
                        self.container
                            .get_or_init(|| {
                                let mut provider = ContainerProvider::new(
                                    context.settings.env().clone(),
                                    context.settings.fs().clone(),
                                );
                                if let Some(client) = &context.client {
                                    provider = provider.with_http_client(client.clone());
                                }
                                if let Some(host) = &self.ecs_host {
                                    provider = provider.with_ecs_host(host.clone());
                                }
                                provider
                            })
                            .provide_credentials()
                            .await
                    }
                    NamedSource::Ec2InstanceMetadata => {
                        self.imds
                            .get_or_init(|| InstanceProfileProvider::new(context))
                            .provide_credentials()
                            .await
                    }
                };
                result.map_err(|e| {
                    if e.is_not_configured() {
                        Error::invalid_config(format!(
                            "the profile names credential_source = {}, but that provider was not enabled",
                            source.as_str()
                        ))
                        .with_source(e)
                    } else {
                        e
                    }
                })
            }
            BaseProvider::WebIdentityToken {
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => {
                WebIdentityProvider::from_profile(
                    context,
                    role_arn.clone(),
                    web_identity_token_file.clone(),
                    role_session_name.clone(),
                )
                .provide_credentials()
                .await
            }
            BaseProvider::Sso(config) => {
                SsoProvider::new(config.clone(), context).provide_credentials().await
            }
            BaseProvider::CredentialProcess { command, account_id } => {
                let mut provider = ProcessProvider::new(command.expose());
                if let Some(account) = account_id {
                    provider = provider.with_account_id(account);
                }
                provider.provide_credentials().await
            }
        }
    }

    async fn assume(&self, role: &RoleStep, creds: Credentials) -> Result<Credentials, Error> {
        let session_name = role
            .role_session_name
            .clone()
            .unwrap_or_else(|| self.context.session_name("assume-role-from-profile"));
        let mut input = AssumeRoleInput::new(&role.role_arn, session_name);
        if let Some(id) = &role.external_id {
            input = input.with_external_id(id);
        }
        if let Some(seconds) = role.duration_seconds {
            input = input.with_duration_seconds(seconds);
        }
        if let Some(serial) = &role.mfa_serial {
            let Some(callback) = &self.mfa else {
                return Err(Error::invalid_config(format!(
                    "profile `{}` sets mfa_serial, but no MFA token callback was given (ProfileProvider::with_mfa_token)",
                    role.profile
                )));
            };
            let code = callback(serial)?;
            input = input.with_mfa(serial, code);
        }
        let sts = crate::sts::client(&self.context)?.with_credentials(creds);
        let output = sts.assume_role(&input).await.map_err(|e| {
            crate::sts::call_failed(
                &format!("AssumeRole for {} (profile `{}`) failed", role.role_arn, role.profile),
                e,
            )
        })?;
        Ok(output.credentials)
    }
}

#[async_trait]
impl ProvideCredentials for ProfileProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.load().await.map_err(|e| e.in_provider("Profile"))
    }
}
