//! A chain of providers: the first that is configured answers.

use std::borrow::Cow;
use std::fmt;

use async_trait::async_trait;
use signet_sigv4::Credentials;

use crate::{Error, ProvideCredentials, SharedCredentialsProvider};

/// Providers tried in order: the first that answers wins; one that is not configured
/// ([`NotConfigured`](crate::ErrorKind::NotConfigured)) passes to the next; one that is
/// configured but fails stops the chain with its error. When no provider is configured the
/// error ([`NoCredentials`](crate::ErrorKind::NoCredentials)) names every provider and why.
///
/// ```
/// use signet_config_loader::Env;
/// use signet_credential_providers::{CredentialsChain, EnvironmentProvider, ErrorKind, ProvideCredentials};
///
/// let chain = CredentialsChain::first_try("Environment", EnvironmentProvider::new(Env::empty()));
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// let error = runtime.block_on(chain.provide_credentials()).unwrap_err();
/// assert_eq!(error.kind(), ErrorKind::NoCredentials);
/// assert!(error.to_string().contains("Environment: the credential provider was not enabled"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct CredentialsChain {
    providers: Vec<(Cow<'static, str>, SharedCredentialsProvider)>,
}

impl fmt::Debug for CredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.providers.iter().map(|(name, _)| name)).finish()
    }
}

/// What one provider of a chain did, as [`CredentialsChain::explain`] reports it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Attempt {
    /// It answered; the chain stopped here.
    Answered {
        /// The provider's name.
        provider: String,
        /// The access key id it gave (not a secret).
        access_key_id: String,
    },
    /// It is not configured; the chain moved on.
    NotConfigured(Error),
    /// It is configured but failed; the chain stopped here.
    Failed(Error),
    /// An earlier provider decided the outcome.
    NotTried(String),
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Answered { provider, access_key_id } => {
                write!(f, "{provider}: answered with access key {access_key_id}")
            }
            Self::NotConfigured(e) => write!(f, "{}", crate::error::chain_to_string(e)),
            Self::Failed(e) => {
                write!(f, "{} (this stopped the chain)", crate::error::chain_to_string(e))
            }
            Self::NotTried(provider) => write!(f, "{provider}: not tried"),
        }
    }
}

impl CredentialsChain {
    /// A chain starting with `provider`, called `name` in explanations and errors.
    pub fn first_try(
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        Self { providers: vec![(name.into(), SharedCredentialsProvider::new(provider))] }
    }

    /// Adds `provider` after the others.
    pub fn or_else(
        mut self,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.providers.push((name.into(), SharedCredentialsProvider::new(provider)));
        self
    }

    /// The providers' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|(name, _)| name.as_ref())
    }

    /// Runs the chain and reports what every provider did ("which credentials, and why").
    pub async fn explain(&self) -> Vec<Attempt> {
        let mut out = Vec::with_capacity(self.providers.len());
        let mut decided = false;
        for (name, provider) in &self.providers {
            if decided {
                out.push(Attempt::NotTried(name.to_string()));
                continue;
            }
            match provider.provide_credentials().await {
                Ok(creds) => {
                    decided = true;
                    out.push(Attempt::Answered {
                        provider: name.to_string(),
                        access_key_id: creds.access_key_id().to_owned(),
                    });
                }
                Err(e) if e.is_not_configured() => {
                    out.push(Attempt::NotConfigured(e.in_provider(name)))
                }
                Err(e) => {
                    decided = true;
                    out.push(Attempt::Failed(e.in_provider(name)));
                }
            }
        }
        out
    }
}

#[async_trait]
impl ProvideCredentials for CredentialsChain {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        let mut attempts = Vec::new();
        for (name, provider) in &self.providers {
            match provider.provide_credentials().await {
                Ok(creds) => {
                    tracing::debug!(provider = %name, access_key_id = creds.access_key_id(), "credentials loaded");
                    return Ok(creds);
                }
                Err(e) if e.is_not_configured() => {
                    tracing::debug!(provider = %name, reason = %e, "provider not configured; trying the next");
                    attempts.push(e.in_provider(name));
                }
                Err(e) => return Err(e.in_provider(name)),
            }
        }
        Err(Error::no_credentials(attempts))
    }
}
