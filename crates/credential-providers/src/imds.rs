//! EC2 instance-profile credentials through `signet-imds-client`, with static stability.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use signet_imds_client::{Client, ErrorKind as ImdsKind};
use signet_sigv4::Credentials;

use crate::context::Context;
use crate::{Error, ProvideCredentials};

/// Credentials of the instance profile (the IAM role attached to an EC2 instance), from IMDS.
///
/// IMDS disabled (`AWS_EC2_METADATA_DISABLED=true`, no traffic at all), unreachable, or an
/// instance without a role is [`NotConfigured`](crate::ErrorKind::NotConfigured), so a chain
/// ends with its summary; any other failure stops a chain.
///
/// **Static stability**, as the AWS SDKs do it: credentials that IMDS returns already
/// expired are used until 10 to 15 minutes (jittered) from now, and when a later load fails
/// the last credentials are returned again with the same extension; both log a warning.
#[derive(Clone)]
pub struct InstanceProfileProvider {
    client: Result<Client, Arc<str>>,
    context: Context,
    last: Arc<Mutex<Option<Credentials>>>,
}

impl fmt::Debug for InstanceProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoint = self.client.as_ref().map(Client::endpoint).unwrap_or("(invalid settings)");
        f.debug_struct("InstanceProfileProvider").field("endpoint", &endpoint).finish()
    }
}

impl InstanceProfileProvider {
    pub(crate) fn new(context: Context) -> Self {
        // A caller's client is shared; otherwise the IMDS client builds its own (no proxy,
        // IMDS timeouts: docs/adr/0022, 0023).
        let client = match &context.client {
            Some(http) => Client::builder().http_client(http.clone()).build(&context.settings),
            None => Client::new(&context.settings),
        };
        let client = client.map_err(|e| Arc::from(e.to_string()));
        Self::with_client_result(context, client)
    }

    /// Uses this IMDS client.
    pub(crate) fn with_client_result(context: Context, client: Result<Client, Arc<str>>) -> Self {
        Self { client, context, last: Arc::new(Mutex::new(None)) }
    }

    fn extended(&self, creds: Credentials) -> Credentials {
        let now = self.context.time.now();
        let jitter = crate::cache::random_unit();
        let until = now + Duration::from_secs(600) + Duration::from_secs_f64(300.0 * jitter);
        creds.with_expiration(until)
    }

    async fn load(&self) -> Result<Credentials, Error> {
        let client = match &self.client {
            Ok(client) => client,
            Err(why) => {
                return Err(Error::invalid_config(format!(
                    "the IMDS settings cannot be used: {why}"
                )));
            }
        };
        if client.is_disabled() {
            return Err(Error::not_configured("IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)"));
        }
        match client.role_credentials().await {
            Ok(creds) => {
                let now = self.context.time.now();
                let creds = if creds.is_expired_at(now) {
                    tracing::warn!(
                        "IMDS returned expired credentials; using them for another 10-15 minutes (static stability). Requests may fail if they are rejected."
                    );
                    self.extended(creds)
                } else {
                    creds
                };
                *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(creds.clone());
                Ok(creds)
            }
            Err(e) => {
                let last = self.last.lock().unwrap_or_else(PoisonError::into_inner).clone();
                let not_configured = matches!(
                    e.kind(),
                    ImdsKind::Disabled
                        | ImdsKind::Connect
                        | ImdsKind::Timeout
                        | ImdsKind::NoInstanceProfile
                        | ImdsKind::NotFound
                );
                if let Some(last) = last {
                    tracing::warn!(error = %e, "loading credentials from IMDS failed; serving the last credentials for another 10-15 minutes (static stability)");
                    return Ok(self.extended(last));
                }
                let error = if not_configured {
                    Error::not_configured("could not load instance-profile credentials from IMDS")
                } else {
                    Error::failed("could not load instance-profile credentials from IMDS")
                };
                Err(error.with_source(e))
            }
        }
    }
}

#[async_trait]
impl ProvideCredentials for InstanceProfileProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.load().await.map_err(|e| e.in_provider("Ec2InstanceMetadata"))
    }
}
