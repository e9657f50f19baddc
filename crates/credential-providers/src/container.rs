//! Container credentials: ECS task roles, EKS Pod Identity and custom endpoints.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::Url;
use signet_config_loader::{Env, Fs};
use signet_sigv4::Credentials;

use crate::http::{default_client, read_body};
use crate::json::{Rules, credentials, get_str, parse_object};
use crate::profile_chain::Sensitive;
use crate::{Error, ProvideCredentials};

/// Where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is joined: the ECS agent.
pub const ECS_HOST: &str = "http://169.254.170.2";

/// The request the container provider sends: the URI and the `Authorization` header.
///
/// `Debug` redacts the token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerRequest {
    /// The full URI to `GET`.
    pub uri: String,
    /// The `Authorization` header's value, exactly as configured.
    pub authorization: Option<Sensitive>,
}

/// Credentials from a container credentials endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// or `AWS_CONTAINER_CREDENTIALS_FULL_URI`).
///
/// - `RELATIVE_URI` wins and is joined onto `http://169.254.170.2`.
/// - `FULL_URI` may be `https://` to any host, or `http://` only to a loopback address
///   (`127.0.0.0/8`, `::1`, `localhost`), `169.254.170.2` (ECS), `169.254.170.23` or
///   `fd00:ec2::23` (EKS Pod Identity). Anything else is refused before any connection.
/// - `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every load) or
///   `AWS_CONTAINER_AUTHORIZATION_TOKEN` is sent as `Authorization`.
///
/// ```
/// use signet_config_loader::{Env, Fs};
/// use signet_credential_providers::{ContainerProvider, ErrorKind};
///
/// let env = Env::from_map([("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.168.1.1/creds")]);
/// let provider = ContainerProvider::new(env, Fs::from_map::<&str, &str>([]));
/// assert_eq!(provider.request().unwrap_err().kind(), ErrorKind::InvalidConfiguration);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ContainerProvider {
    env: Env,
    fs: Fs,
    ecs_host: String,
    client: Option<reqwest::Client>,
    built: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    attempts: u32,
    timeout: Duration,
}

impl fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerProvider").field("ecs_host", &self.ecs_host).finish()
    }
}

impl ContainerProvider {
    /// Reads its settings from `env` and token files through `fs`.
    pub fn new(env: Env, fs: Fs) -> Self {
        Self {
            env,
            fs,
            ecs_host: ECS_HOST.to_owned(),
            client: None,
            built: std::sync::Arc::default(),
            attempts: 3,
            timeout: Duration::from_secs(5),
        }
    }

    /// Sends through this client (sharing its connection pool).
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Joins `RELATIVE_URI` onto this base instead of `http://169.254.170.2` (for emulators
    /// and tests).
    pub fn with_ecs_host(mut self, base: impl Into<String>) -> Self {
        self.ecs_host = base.into().trim_end_matches('/').to_owned();
        self
    }

    /// Attempts per load (default 3): 5xx answers, timeouts, connection failures and
    /// unreadable bodies are retried; 4xx answers are not.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The time allowed for each attempt (default 5 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Whether the environment configures this provider at all.
    pub fn is_configured(&self) -> bool {
        self.env.get_non_blank("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
            || self.env.get_non_blank("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
    }

    /// The request a load would send, after every check (which URI, whether its host is
    /// allowed, the token), without sending it.
    pub fn request(&self) -> Result<ContainerRequest, Error> {
        let uri = resolve_uri(&self.env, &self.ecs_host)?;
        let authorization = self.authorization()?;
        Ok(ContainerRequest { uri, authorization })
    }

    fn authorization(&self) -> Result<Option<Sensitive>, Error> {
        let token = if let Some(file) =
            self.env.get_non_blank("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        {
            let bytes = self.fs.read(Path::new(&file)).map_err(|e| {
                Error::failed(format!("failed to read authorization token from `{file}`"))
                    .with_source(e)
            })?;
            String::from_utf8(bytes).map_err(|_| {
                Error::invalid_config(format!("the authorization token in `{file}` is not UTF-8"))
            })?
        } else if let Some(token) = self.env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            token
        } else {
            return Ok(None);
        };
        if token.contains(['\r', '\n']) {
            return Err(Error::invalid_config(
                "the container authorization token contains a line break (a trailing newline in the token file?)",
            ));
        }
        Ok(Some(Sensitive::new(token)))
    }

    async fn fetch(&self, request: &ContainerRequest) -> Result<Credentials, Error> {
        let client = match self.client.as_ref().or_else(|| self.built.get()) {
            Some(client) => client.clone(),
            None => {
                let client = default_client()?;
                self.built.get_or_init(|| client).clone()
            }
        };
        let mut last = None;
        for attempt in 0..self.attempts {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 << attempt.min(5))).await;
            }
            let mut builder =
                client.get(&request.uri).header("accept", "application/json").timeout(self.timeout);
            if let Some(token) = &request.authorization {
                builder = builder.header("authorization", token.expose());
            }
            let response = match builder.send().await {
                Ok(response) => response,
                Err(e) => {
                    last = Some(
                        Error::failed(format!("could not reach {}", request.uri)).with_source(e),
                    );
                    continue;
                }
            };
            let status = response.status().as_u16();
            let body = match read_body(response).await {
                Ok(body) => body,
                Err(e) => {
                    last = Some(Error::failed("could not read the response").with_source(e));
                    continue;
                }
            };
            let parsed = parse_response(status, &body);
            match parsed {
                Ok(creds) => return Ok(creds),
                Err(e) if !(300..500).contains(&status) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::failed("no attempt was made")))
    }
}

fn parse_response(status: u16, body: &[u8]) -> Result<Credentials, Error> {
    let object = match parse_object(body) {
        Ok(object) => object,
        Err(e) if !(200..300).contains(&status) => {
            return Err(Error::failed(format!("the container endpoint answered HTTP {status}"))
                .with_source(e));
        }
        Err(e) => return Err(e),
    };
    let code = get_str(&object, "Code");
    if !(200..300).contains(&status) || code.is_some_and(|c| c != "Success") {
        let code = code.unwrap_or("unknown");
        let message = get_str(&object, "Message").unwrap_or("");
        return Err(Error::failed(format!(
            "the container endpoint answered HTTP {status}: {code}: {message}"
        )));
    }
    let rules = Rules { token_key: "Token", token_required: true, expiration_required: true };
    credentials(&object, rules)
}

/// Which URI the environment names, checked (`ecs-tests.json`).
fn resolve_uri(env: &Env, ecs_host: &str) -> Result<String, Error> {
    if let Some(relative) = env.get_non_blank("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        let relative = relative.trim();
        let joined = if relative.starts_with('/') {
            format!("{ecs_host}{relative}")
        } else {
            format!("{ecs_host}/{relative}")
        };
        let url = Url::parse(&joined).map_err(|e| {
            Error::invalid_config(format!(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = `{relative}` does not make a URI"
            ))
            .with_source(e)
        })?;
        return Ok(url.to_string());
    }
    let Some(full) = env.get_non_blank("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
        return Err(Error::not_configured(
            "No environment variables were set to configure ECS provider (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI)",
        ));
    };
    let full = full.trim();
    let url = match Url::parse(full) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase | url::ParseError::EmptyHost) => {
            return Err(Error::invalid_config(format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI = `{full}`: URI did not specify a host"
            )));
        }
        Err(e) => {
            return Err(Error::invalid_config(format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI = `{full}` is not a URI"
            ))
            .with_source(e));
        }
    };
    let Some(host) = url.host() else {
        return Err(Error::invalid_config(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI = `{full}`: URI did not specify a host"
        )));
    };
    match url.scheme() {
        "https" => {}
        "http" if host_allowed(&host) => {}
        "http" => {
            return Err(Error::invalid_config(format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI = `{full}` contains an unsupported host: plain http is allowed only to loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23 (use https)"
            )));
        }
        other => {
            return Err(Error::invalid_config(format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI = `{full}` has the scheme `{other}`; only http and https are supported"
            )));
        }
    }
    Ok(url.to_string())
}

fn host_allowed(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip_allowed(IpAddr::V4(*ip)),
        url::Host::Ipv6(ip) => ip_allowed(IpAddr::V6(*ip)),
    }
}

fn ip_allowed(ip: IpAddr) -> bool {
    const ECS: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 2);
    const EKS: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
    const EKS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23);
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4 == ECS || v4 == EKS,
        IpAddr::V6(v6) => v6.is_loopback() || v6 == EKS_V6,
    }
}

#[async_trait]
impl ProvideCredentials for ContainerProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        let request = self.request().map_err(|e| e.in_provider("EcsContainer"))?;
        self.fetch(&request).await.map_err(|e| e.in_provider("EcsContainer"))
    }
}
