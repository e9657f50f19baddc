//! The client: settings, the HTTP exchange with its timeouts and retries, and `get`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use signet_config_loader::{ImdsEndpointMode, Settings};
use signet_retry::{
    AttemptOutcome, Decision, MaxAttempts, RandomSource, Response, RetryConfig, RetryStrategy,
    TransportError,
};
use tokio::time::Instant;

use crate::endpoint;
use crate::error::{Error, ErrorKind};
use crate::token::{Auth, TokenCache};

/// The token request path.
pub(crate) const TOKEN_PATH: &str = "/latest/api/token";
const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// The session-token lifetime asked for: 6 hours, the most EC2 allows (every AWS SDK).
pub(crate) const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(21_600);
/// Backoff between attempts: full jitter from 50 ms, capped at 1 s (docs/adr/0023).
const BACKOFF_BASE: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// The largest response body read (user data is at most 16 KiB).
const MAX_BODY: usize = 1 << 20;
/// The largest session token accepted.
const MAX_TOKEN: usize = 8 << 10;

/// An EC2 Instance Metadata Service client.
///
/// Cloning is cheap and clones share the HTTP client, the session token and the retry quota,
/// so make one per process. See the [crate docs](crate) for an example.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base: String,
    disabled: bool,
    v1_disabled: bool,
    timeout: Duration,
    attempts: u32,
    token_ttl: Duration,
    retry: RetryStrategy,
    tokens: TokenCache,
    pub(crate) profile_name: Option<Result<String, Error>>,
    pub(crate) api: crate::credentials::ApiMemory,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("endpoint", &i.base)
            .field("disabled", &i.disabled)
            .field("v1_disabled", &i.v1_disabled)
            .field("timeout", &i.timeout)
            .field("attempts", &i.attempts)
            .field("token_ttl", &i.token_ttl)
            .field("tokens", &i.tokens)
            .finish_non_exhaustive()
    }
}

/// Options for a [`Client`]; every one has a default, and settings from the environment and
/// profile apply where code sets nothing.
///
/// ```
/// use std::time::Duration;
/// use signet_config_loader::{Env, Fs, Settings};
/// use signet_imds_client::{Client, ImdsEndpointMode};
///
/// let settings = Settings::load(&Env::empty(), &Fs::from_map([("/x", "")]))?;
/// let client = Client::builder()
///     .endpoint_mode(ImdsEndpointMode::IPv6)
///     .timeout(Duration::from_millis(500))
///     .attempts(2)
///     .build(&settings)?;
/// assert_eq!(client.endpoint(), "http://[fd00:ec2::254]");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    http: Option<reqwest::Client>,
    endpoint: Option<String>,
    mode: Option<ImdsEndpointMode>,
    timeout: Option<Duration>,
    attempts: Option<u32>,
    token_ttl: Option<Duration>,
    random: Option<Arc<dyn RandomSource>>,
}

impl ClientBuilder {
    /// Uses `client` for every request (share one connection pool with the rest of the
    /// program). Its own timeouts, proxy and redirect settings stay in force; each attempt is
    /// still cut off after the [timeout](Self::timeout). Without it, the client builds its own:
    /// no proxy, no redirects, connect timeout as configured.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sends every request to `endpoint` (such as `http://127.0.0.1:1338`), whatever the
    /// environment and profile say. A base path is kept.
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Chooses IPv4 (`http://169.254.169.254`) or IPv6 (`http://[fd00:ec2::254]`) when no
    /// endpoint is configured. An endpoint from the environment or profile still wins.
    #[must_use]
    pub fn endpoint_mode(mut self, mode: ImdsEndpointMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The most one attempt may take, connecting and reading included (default 1 s, or
    /// `AWS_METADATA_SERVICE_TIMEOUT` / `metadata_service_timeout`). A whole request never
    /// takes longer than `timeout × attempts`, backoff included.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a request may be sent in total (default 4, or
    /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts`).
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = Some(attempts);
        self
    }

    /// The session-token lifetime to ask for: 1 s to 6 h (default 6 h).
    #[must_use]
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = Some(ttl);
        self
    }

    /// The randomness for the retry backoff's jitter (seeded from entropy by default).
    #[must_use]
    pub fn retry_random(mut self, random: impl RandomSource + 'static) -> Self {
        self.random = Some(Arc::new(random));
        self
    }

    /// Builds the client from these options and `settings`.
    ///
    /// Fails with [`ErrorKind::InvalidConfig`] when a setting is unusable (an endpoint that is
    /// not an absolute `http`/`https` URL, an unknown endpoint mode) and with
    /// [`ErrorKind::Misuse`] for options out of range. `AWS_EC2_METADATA_DISABLED=true` does not
    /// fail here: every request of the client fails with [`ErrorKind::Disabled`] instead.
    pub fn build(self, settings: &Settings) -> Result<Client, Error> {
        let imds = settings.imds().map_err(|e| {
            Error::new(ErrorKind::InvalidConfig, format!("unusable IMDS setting: {e}"))
                .with_source(e)
        })?;
        let base = endpoint::resolve(&imds, self.endpoint.as_deref(), self.mode)?;
        let timeout = self.timeout.unwrap_or(imds.timeout.value);
        if timeout.is_zero() {
            return Err(Error::new(ErrorKind::Misuse, "the timeout must be more than zero"));
        }
        let attempts = self.attempts.unwrap_or(imds.num_attempts.value);
        let max_attempts = MaxAttempts::new(attempts)
            .map_err(|_| Error::new(ErrorKind::Misuse, "attempts must be at least 1"))?;
        let token_ttl = self.token_ttl.unwrap_or(DEFAULT_TOKEN_TTL);
        if token_ttl.as_secs() < 1 || token_ttl > DEFAULT_TOKEN_TTL {
            return Err(Error::new(
                ErrorKind::Misuse,
                format!("the token TTL must be 1 to 21600 seconds, not {token_ttl:?}"),
            ));
        }
        let config = RetryConfig::standard()
            .with_max_attempts(max_attempts)
            .with_non_throttling_base_delay(BACKOFF_BASE)
            .with_max_backoff(BACKOFF_MAX);
        let mut retry = RetryStrategy::new(config);
        if let Some(random) = self.random {
            retry = retry.with_random(SharedRandom(random));
        }
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(timeout)?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                disabled: imds.disabled.value,
                v1_disabled: imds.v1_disabled.value,
                timeout,
                attempts,
                token_ttl,
                retry,
                tokens: TokenCache::new(),
                profile_name: crate::credentials::configured_profile_name(settings),
                api: crate::credentials::ApiMemory::default(),
            }),
        })
    }
}

#[derive(Debug)]
struct SharedRandom(Arc<dyn RandomSource>);

impl RandomSource for SharedRandom {
    fn next_unit(&self) -> f64 {
        self.0.next_unit()
    }
}

/// Installs the ring provider as the process's rustls default unless one is installed
/// (docs/adr/0009).
fn install_crypto_provider() {
    // An `Err` means an application already installed one, which we keep.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn default_http_client(timeout: Duration) -> Result<reqwest::Client, Error> {
    install_crypto_provider();
    reqwest::Client::builder()
        // IMDS is link-local: never through a proxy, never redirected (docs/adr/0022).
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .build()
        .map_err(|e| {
            Error::new(ErrorKind::InvalidConfig, "could not build the HTTP client").with_source(e)
        })
}

/// A response as this crate needs it.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) ttl: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// Why one attempt got no response.
enum Failure {
    /// No connection: refused, unreachable, connect timeout. Not retried.
    Connect(reqwest::Error),
    /// Timed out after connecting (or with a caller's client, at any point). Retried.
    Timeout,
    /// The connection broke. Retried.
    Broken(Error),
    /// The answer cannot be used, however often it is asked for (an oversized body).
    Fatal(Error),
}

impl Client {
    /// A client configured from `settings` alone (see [`ClientBuilder::build`]).
    pub fn new(settings: &Settings) -> Result<Self, Error> {
        Self::builder().build(settings)
    }

    /// Options for a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The endpoint requests go to, without a trailing `/` (`http://169.254.169.254`).
    pub fn endpoint(&self) -> &str {
        &self.inner.base
    }

    /// Whether IMDS is turned off (`AWS_EC2_METADATA_DISABLED=true`): then every request fails
    /// with [`ErrorKind::Disabled`] without sending anything.
    pub fn is_disabled(&self) -> bool {
        self.inner.disabled
    }

    /// Reads `path` (such as `/latest/meta-data/placement/region`) as text.
    ///
    /// Takes a session token first if the client has none (one token request however many
    /// callers wait for it); a 401 discards the token and retries once with a new one. 5xx
    /// answers and timeouts are retried; 4xx answers are not (404 is
    /// [`ErrorKind::NotFound`]).
    pub async fn get(&self, path: &str) -> Result<String, Error> {
        let body = self.get_bytes(path).await?;
        String::from_utf8(body).map_err(|e| {
            Error::new(ErrorKind::MalformedResponse, "the response is not UTF-8")
                .with_path(path)
                .with_source(e.utf8_error())
        })
    }

    /// Reads `path` as bytes (user data may be binary), like [`get`](Self::get).
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, Error> {
        let inner = &self.inner;
        if inner.disabled {
            return Err(disabled());
        }
        endpoint::check_path(path)?;
        let url = format!("{}{path}", inner.base);
        let mut refreshed = false;
        loop {
            let (auth, id) = inner.tokens.get(|| self.fetch_token()).await?;
            let token = match &auth {
                Auth::Token(token) => Some((TOKEN_HEADER, &**token)),
                Auth::V1 => None,
            };
            let reply = self.send(Method::GET, &url, path, token).await?;
            match reply.status {
                200..=299 => return Ok(reply.body),
                // The token expired or was revoked (or IMDS now requires one): take a new one,
                // once.
                401 if !refreshed => {
                    inner.tokens.invalidate(id);
                    refreshed = true;
                }
                404 => {
                    return Err(Error::new(ErrorKind::NotFound, "no such metadata path")
                        .with_path(path)
                        .with_status(404));
                }
                status => return Err(http_error(path, status)),
            }
        }
    }

    /// `PUT /latest/api/token`: a token and its lifetime, or the IMDSv1 fallback.
    async fn fetch_token(&self) -> Result<(Auth, Duration), Error> {
        let inner = &self.inner;
        let url = format!("{}{TOKEN_PATH}", inner.base);
        let ttl = inner.token_ttl.as_secs().to_string();
        let reply = self.send(Method::PUT, &url, TOKEN_PATH, Some((TTL_HEADER, &ttl))).await?;
        match reply.status {
            200..=299 => {
                let token = parse_token(&reply.body)?;
                Ok((Auth::Token(token), granted_ttl(reply.ttl.as_deref(), inner.token_ttl)))
            }
            // The AWS SDKs that fall back to IMDSv1 do so on these three (docs/adr/0022).
            403..=405 if !inner.v1_disabled => Ok((Auth::V1, inner.token_ttl)),
            status @ 403..=405 => Err(Error::new(
                ErrorKind::TokenRejected,
                "the session-token request was refused, and the IMDSv1 fallback is turned off \
                 (AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled)",
            )
            .with_path(TOKEN_PATH)
            .with_status(status)),
            400 => {
                Err(Error::new(ErrorKind::TokenRejected, "the session-token request was malformed")
                    .with_path(TOKEN_PATH)
                    .with_status(400))
            }
            status => Err(http_error(TOKEN_PATH, status)),
        }
    }

    /// Sends one request with retries: each attempt cut off after the timeout, 5xx, timeouts and
    /// broken connections retried with backoff, and the whole exchange within
    /// `timeout × attempts`. Returns the last response, whatever its status.
    async fn send(
        &self,
        method: Method,
        url: &str,
        path: &str,
        header: Option<(&'static str, &str)>,
    ) -> Result<Reply, Error> {
        let inner = &self.inner;
        let budget = inner.timeout.saturating_mul(inner.attempts);
        // `None` when the budget is too large to be a point in time: no deadline then.
        let deadline = Instant::now().checked_add(budget);
        let left =
            |now: Instant| deadline.map_or(Duration::MAX, |d| d.saturating_duration_since(now));
        // A little over the timeout, so that the HTTP client's own connect timeout (which is not
        // retried) fires first when the connection is what hangs.
        let per_attempt = inner.timeout.saturating_add(inner.timeout / 20);
        let mut call = inner.retry.start_call();
        loop {
            let limit = per_attempt.min(left(Instant::now()));
            let attempt = self.attempt(method.clone(), url, header);
            let result = match tokio::time::timeout(limit, attempt).await {
                Ok(result) => result,
                Err(_elapsed) => Err(Failure::Timeout),
            };
            let result = match result {
                Err(Failure::Connect(e)) => {
                    let why =
                        if e.is_timeout() { "connecting timed out" } else { "could not connect" };
                    return Err(Error::new(
                        ErrorKind::Connect,
                        format!("{why} to {} (not on EC2, or IMDS is off?)", inner.base),
                    )
                    .with_path(path)
                    .with_source(e.without_url()));
                }
                Err(Failure::Fatal(e)) => return Err(e.with_path(path)),
                other => other,
            };
            let outcome = match &result {
                Ok(reply) => AttemptOutcome::from(Response::new(reply.status)),
                Err(Failure::Connect(_) | Failure::Fatal(_)) => {
                    AttemptOutcome::from(TransportError::Other)
                }
                Err(Failure::Timeout) => AttemptOutcome::from(TransportError::ReadTimeout),
                Err(Failure::Broken(_)) => AttemptOutcome::from(TransportError::Connection),
            };
            let decision = call.after_attempt(&outcome);
            let delay = match decision {
                Decision::Retry(delay) if delay < left(Instant::now()) => Some(delay),
                _ => None,
            };
            let Some(delay) = delay else {
                return match result {
                    Ok(reply) => Ok(reply),
                    Err(Failure::Timeout) => Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "no answer within {:?} on attempt {} (of at most {}, within {:?})",
                            inner.timeout,
                            call.attempt(),
                            inner.attempts,
                            budget
                        ),
                    )
                    .with_path(path)),
                    Err(Failure::Broken(e)) => Err(e.with_path(path)),
                    // Returned above, before any retry decision.
                    Err(Failure::Connect(_) | Failure::Fatal(_)) => {
                        Err(Error::new(ErrorKind::Connect, "could not connect").with_path(path))
                    }
                };
            };
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: &str,
        header: Option<(&'static str, &str)>,
    ) -> Result<Reply, Failure> {
        let mut request = self.inner.http.request(method, url);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let mut response = request.send().await.map_err(|e| {
            if e.is_connect() {
                Failure::Connect(e)
            } else if e.is_timeout() {
                Failure::Timeout
            } else {
                Failure::Broken(broken(e))
            }
        })?;
        let status = response.status().as_u16();
        let ttl =
            response.headers().get(TTL_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_BODY {
                        return Err(Failure::Fatal(Error::new(
                            ErrorKind::MalformedResponse,
                            format!("the response body is longer than {MAX_BODY} bytes"),
                        )));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Err(Failure::Timeout),
                Err(e) => return Err(Failure::Broken(broken(e))),
            }
        }
        Ok(Reply { status, ttl, body })
    }
}

fn broken(e: reqwest::Error) -> Error {
    Error::new(ErrorKind::Transport, "the connection broke").with_source(e.without_url())
}

fn disabled() -> Error {
    Error::new(
        ErrorKind::Disabled,
        "the instance metadata service is turned off (AWS_EC2_METADATA_DISABLED=true)",
    )
}

fn http_error(path: &str, status: u16) -> Error {
    let what = match status {
        401 => "unauthorized even with a new session token",
        403 => "forbidden (IMDS may be turned off for this instance, or the request was proxied)",
        500..=599 => "the metadata service failed on every attempt",
        _ => "unexpected status",
    };
    Error::new(ErrorKind::Http, what).with_path(path).with_status(status)
}

/// A session token must be printable ASCII with no spaces, so that it can be sent as a header.
fn parse_token(body: &[u8]) -> Result<Arc<str>, Error> {
    let bad = |why: &str| {
        Error::new(ErrorKind::MalformedResponse, format!("the session token {why}"))
            .with_path(TOKEN_PATH)
    };
    if body.is_empty() {
        return Err(bad("is empty"));
    }
    if body.len() > MAX_TOKEN {
        return Err(bad(&format!("is longer than {MAX_TOKEN} bytes")));
    }
    if !body.iter().all(|b| b.is_ascii_graphic()) {
        return Err(bad("contains characters a header cannot carry"));
    }
    // All bytes are ASCII, so this cannot fail; an error is handled rather than unwrapped.
    std::str::from_utf8(body).map(Arc::from).map_err(|_| bad("is not ASCII"))
}

/// The token's lifetime: what the response's TTL header grants, never more than asked for; the
/// requested TTL when the header is missing or unreadable (botocore ignores it, and moto does
/// not send it; docs/adr/0022).
fn granted_ttl(header: Option<&str>, requested: Duration) -> Duration {
    match header.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(secs) => Duration::from_secs(secs).min(requested),
        None => requested,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(&*parse_token(b"AQAEAB==").unwrap(), "AQAEAB==");
        for bad in [&b""[..], b"a b", b"a\r\nb", b"\xff", &[b'a'; MAX_TOKEN + 1]] {
            assert_eq!(parse_token(bad).unwrap_err().kind(), ErrorKind::MalformedResponse);
        }
    }

    #[test]
    fn ttls() {
        let asked = Duration::from_secs(21_600);
        assert_eq!(granted_ttl(Some("300"), asked), Duration::from_secs(300));
        assert_eq!(granted_ttl(Some("99999"), asked), asked);
        assert_eq!(granted_ttl(Some("soon"), asked), asked);
        assert_eq!(granted_ttl(None, asked), asked);
    }
}
