//! The provider trait, its shared handle, and the static provider.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use signet_sigv4::Credentials;

use crate::Error;

/// Something that can produce AWS credentials: a provider, a chain, a cache.
///
/// Object safe (through `async-trait`), so providers compose as
/// [`SharedCredentialsProvider`]s. A provider that is not configured where it runs returns an
/// error of kind [`NotConfigured`](crate::ErrorKind::NotConfigured), so that a chain can try
/// the next one; any other error means "configured, but broken", and stops a chain.
#[async_trait]
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Loads credentials. Each call may do I/O; wrap the provider in a
    /// [`CredentialsCache`](crate::CredentialsCache) to load once and share.
    async fn provide_credentials(&self) -> Result<Credentials, Error>;
}

/// A cheap-to-clone, shareable [`ProvideCredentials`] (an `Arc<dyn ProvideCredentials>`).
#[derive(Clone)]
pub struct SharedCredentialsProvider(Arc<dyn ProvideCredentials>);

impl SharedCredentialsProvider {
    /// Wraps a provider.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self(Arc::new(provider))
    }
}

impl fmt::Debug for SharedCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[async_trait]
impl ProvideCredentials for SharedCredentialsProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.0.provide_credentials().await
    }
}

/// Credentials given in code are a provider that always answers with them.
#[async_trait]
impl ProvideCredentials for Credentials {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        Ok(self.clone())
    }
}

/// A provider that always answers with the credentials it was given (explicit credentials).
///
/// `Debug` shows the access key id only.
#[derive(Clone, Debug)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// A provider for these credentials.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }
}

#[async_trait]
impl ProvideCredentials for StaticProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        Ok(self.credentials.clone())
    }
}
