//! The signed client: resolve credentials and the endpoint, sign, send, retry.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use signet_endpoint_resolver::ParamValue;
use signet_retry::{AttemptOutcome, Decision, TransportError};
use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, SignerV4a, SigningSettings};
use tracing::Instrument;

use crate::endpoint::{self, Resolved, Scheme};
use crate::{Config, Error, ErrorKind, Service, ServiceError};

/// A signed, retried client for any AWS API, sharing a [`Config`]'s credentials, retry
/// quota and HTTP connections. Cheap to clone.
///
/// ```no_run
/// use signet::{Method, Service};
///
/// # async fn run() -> Result<(), signet::Error> {
/// let config = signet::load().await?;
/// let response = config
///     .client()
///     .request(&Service::STS, Method::POST, "/")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .body("Action=GetCallerIdentity&Version=2011-06-15")
///     .send()
///     .await?;
/// println!("{}", response.text());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    config: Config,
}

impl Client {
    /// A client for `config` (the same as [`Config::client`]).
    pub fn new(config: Config) -> Self {
        Self { config }
    }

    /// The config this client uses.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Starts a request to `service`: `method` and the path (with an optional `?query`,
    /// already percent-encoded as it goes on the wire), relative to the service's endpoint.
    pub fn request(
        &self,
        service: &Service,
        method: Method,
        path_and_query: impl Into<String>,
    ) -> RequestBuilder {
        RequestBuilder {
            client: self.clone(),
            service: service.clone(),
            method,
            path: path_and_query.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            endpoint_url: None,
            region: None,
            endpoint_params: Vec::new(),
        }
    }

    /// The endpoint URL `service`'s requests go to in the config's region (no trailing `/`).
    pub fn endpoint_url(&self, service: &Service) -> Result<String, Error> {
        let region = self.config.region().name.clone();
        endpoint::resolve(&self.config, service, &region, None, &[]).map(|r| r.url)
    }

    /// Signs a `reqwest::Request` in place for `service` in the config's region: sets `host`
    /// when missing, `authorization`, `x-amz-date` and, where they apply,
    /// `x-amz-security-token` and `x-amz-content-sha256`. A body that is not in memory (a
    /// stream) is signed as `UNSIGNED-PAYLOAD`, which only S3 accepts.
    pub async fn sign_reqwest(
        &self,
        request: &mut reqwest::Request,
        service: &Service,
    ) -> Result<(), Error> {
        let resolved = self.signing_for(service)?;
        let credentials = self.config.credentials().await?;
        let body = request.body().map(|b| b.as_bytes());
        let payload = match body {
            None => Payload::Empty,
            Some(Some(bytes)) => Payload::Bytes(bytes),
            Some(None) => Payload::Unsigned,
        };
        let url = request.url().as_str().to_owned();
        let method = request.method().clone();
        let time = self.config.time().now();
        let signed =
            sign(&resolved, &credentials, &method, &url, request.headers(), payload, time)?;
        set_headers(request.headers_mut(), signed)
    }

    /// Signs an `http::Request` whose body is in memory, like
    /// [`sign_reqwest`](Self::sign_reqwest). The URI must be absolute.
    pub async fn sign_http<B: AsRef<[u8]>>(
        &self,
        request: &mut http::Request<B>,
        service: &Service,
    ) -> Result<(), Error> {
        let resolved = self.signing_for(service)?;
        let credentials = self.config.credentials().await?;
        let url = request.uri().to_string();
        let method = request.method().clone();
        let time = self.config.time().now();
        let payload = Payload::Bytes(request.body().as_ref());
        let signed =
            sign(&resolved, &credentials, &method, &url, request.headers(), payload, time)?;
        set_headers(request.headers_mut(), signed)
    }

    /// A presigned URL for `method` on `path_and_query` at `service`'s endpoint, valid for
    /// `expires_in` (1 s to 7 days); the same as
    /// `self.request(service, method, path_and_query).presign(expires_in)`.
    pub async fn presign(
        &self,
        service: &Service,
        method: Method,
        path_and_query: &str,
        expires_in: Duration,
    ) -> Result<String, Error> {
        self.request(service, method, path_and_query).presign(expires_in).await
    }

    fn signing_for(&self, service: &Service) -> Result<Resolved, Error> {
        let region = self.config.region().name.clone();
        endpoint::resolve(&self.config, service, &region, None, &[])
    }
}

/// A request being built by [`Client::request`]: query parameters, headers, a body, and
/// per-request overrides of the endpoint URL and region. [`send`](Self::send) signs, sends
/// and retries it.
pub struct RequestBuilder {
    client: Client,
    service: Service,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    endpoint_url: Option<String>,
    region: Option<String>,
    endpoint_params: Vec<(String, ParamValue)>,
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("service", &self.service.signing_name())
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl RequestBuilder {
    /// Adds a query parameter; name and value are percent-encoded here (RFC 3986).
    #[must_use]
    pub fn query(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.query.push((encode(name.as_ref()), encode(value.as_ref())));
        self
    }

    /// Adds a header (repeated names are sent and signed in order).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body (signed in full).
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends this request to `url` instead of the configured or resolved endpoint.
    #[must_use]
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Signs for, and resolves the endpoint in, `region` instead of the config's.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets a parameter of the service's endpoint rule set (STS and S3 only), such as S3's
    /// `Bucket` (then the path is the key, and the bucket goes where the rules put it:
    /// virtual-hosted, an access point, a multi-region access point signed with SigV4a) or
    /// `ForcePathStyle`.
    #[must_use]
    pub fn endpoint_param(mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> Self {
        self.endpoint_params.push((name.into(), value.into()));
        self
    }

    /// A presigned URL for this request, valid for `expires_in` (1 s to 7 days): the
    /// signature, scope and session token go in the query; the builder's headers are signed
    /// and must be sent with the URL. S3 URLs leave the body unsigned (`UNSIGNED-PAYLOAD`);
    /// for other services the body (usually empty) is hashed.
    ///
    /// The URL carries the credentials' session token, so it is as secret as they are for
    /// its lifetime; it is never logged.
    pub async fn presign(self, expires_in: Duration) -> Result<String, Error> {
        let (resolved, url, headers) = self.prepare()?;
        let config = &self.client.config;
        let credentials = config.credentials().await?;
        let host = host_header(&url)?;
        let target = target(&url);
        let mut pairs: Vec<(&str, &str)> = vec![("host", host.as_str())];
        pairs.extend(header_pairs(&headers)?);
        let payload =
            if self.service.is_s3() { Payload::Unsigned } else { Payload::Bytes(&self.body) };
        let request = SignableRequest::new(self.method.as_str(), &target, &pairs, payload);
        let settings = signing_settings(&resolved);
        let time = config.time().now();
        let signing = |e: signet_sigv4::Error| {
            Error::new(ErrorKind::Signing, "the URL cannot be presigned").with_source(e)
        };
        let presigned = match &resolved.scheme {
            Scheme::SigV4 { region } => {
                Signer::new(&credentials, region, &resolved.signing_name, time)
                    .map_err(signing)?
                    .with_settings(&settings)
                    .presign(&request, expires_in)
                    .map_err(signing)?
                    .apply_to(url.as_str())
            }
            Scheme::SigV4a { region_set } => {
                SignerV4a::new(&credentials, region_set, &resolved.signing_name, time)
                    .map_err(signing)?
                    .with_settings(&settings)
                    .presign(&request, expires_in)
                    .map_err(signing)?
                    .apply_to(url.as_str())
            }
        };
        tracing::debug!(endpoint = %resolved.url, service = %resolved.signing_name, "presigned a URL");
        Ok(presigned)
    }

    /// The resolved endpoint, the full URL and the caller's headers, checked.
    fn prepare(&self) -> Result<(Resolved, reqwest::Url, HeaderMap), Error> {
        check_path(&self.path)?;
        let config = &self.client.config;
        let region = self.region.clone().unwrap_or_else(|| config.region().name.clone());
        let resolved = endpoint::resolve(
            config,
            &self.service,
            &region,
            self.endpoint_url.as_deref(),
            &self.endpoint_params,
        )?;
        let mut url = format!("{}{}", resolved.url, self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            let sep = if i == 0 && !self.path.contains('?') { '?' } else { '&' };
            url.push(sep);
            url.push_str(name);
            url.push('=');
            url.push_str(value);
        }
        let parsed = parse_url(&url)?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    format!("`{name}` is not a valid header name"),
                )
            })?;
            let v = HeaderValue::from_str(value).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    format!("the value of header `{name}` is not valid"),
                )
            })?;
            headers.append(n, v);
        }
        Ok((resolved, parsed, headers))
    }

    /// Resolves the endpoint and credentials, signs, sends, and retries with the config's
    /// retry strategy. Credentials are asked of the cache before each attempt, so
    /// credentials that expire during the retries are refreshed.
    ///
    /// A 2xx answer is the [`Response`]; any other status is an [`Error`] of kind
    /// [`ErrorKind::Service`] with the AWS error code, message and request id.
    pub async fn send(self) -> Result<Response, Error> {
        let (resolved, url, headers) = self.prepare()?;
        let span = tracing::info_span!(
            "signet.call",
            service = %self.service.signing_name(),
            method = %self.method,
            region = %resolved.region(),
            endpoint = %resolved.url,
        );
        self.send_prepared(resolved, url, headers).instrument(span).await
    }

    async fn send_prepared(
        self,
        resolved: Resolved,
        parsed: reqwest::Url,
        base: HeaderMap,
    ) -> Result<Response, Error> {
        let config = &self.client.config;
        tracing::debug!(signing_name = %resolved.signing_name, scheme = ?resolved.scheme, "endpoint resolved");
        let mut base = base;
        if !base.contains_key(http::header::USER_AGENT) {
            if let Ok(v) = HeaderValue::from_str(&user_agent(config)) {
                base.insert(http::header::USER_AGENT, v);
            }
        }
        let mut call = config.retry_strategy().start_call();
        loop {
            let wait = call.before_attempt();
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let attempt = call.current();
            let credentials = config.credentials().await?;
            let mut headers = base.clone();
            if let Ok(v) = HeaderValue::from_str(&attempt.amz_sdk_request()) {
                headers.insert("amz-sdk-request", v);
            }
            let payload = Payload::Bytes(&self.body);
            let time = config.time().now();
            let signed = sign(
                &resolved,
                &credentials,
                &self.method,
                parsed.as_str(),
                &headers,
                payload,
                time,
            )?;
            set_headers(&mut headers, signed)?;
            let request = config
                .http_client()
                .request(self.method.clone(), parsed.clone())
                .headers(headers)
                .body(self.body.clone());
            let result = attempt_send(request, config.attempt_timeout()).await;
            let (outcome_error, decision) = match result {
                Ok((status, headers, body)) if (200..300).contains(&status) => {
                    let _ = call
                        .after_attempt(&AttemptOutcome::from(signet_retry::Response::new(status)));
                    return Ok(Response { status, headers, body, attempts: attempt.number() });
                }
                Ok((status, headers, body)) => {
                    let pairs: Vec<(&str, &str)> = headers
                        .iter()
                        .filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str(), v)))
                        .collect();
                    let service_error = ServiceError::parse(status, &pairs, &body);
                    let retry_after =
                        headers.get("x-amz-retry-after").and_then(|v| v.to_str().ok());
                    let mut response = signet_retry::Response::new(status);
                    if let Some(code) = service_error.code() {
                        response = response.with_error_code(code);
                    }
                    if let Some(after) = retry_after {
                        response = response.with_retry_after(after);
                    }
                    let decision = call.after_attempt(&AttemptOutcome::from(response));
                    (Error::service(service_error), decision)
                }
                Err((error, transport)) => {
                    let decision = call.after_attempt(&AttemptOutcome::from(transport));
                    (error, decision)
                }
            };
            match decision {
                Decision::Retry(delay) => {
                    tracing::info!(
                        attempt = attempt.number(),
                        max_attempts = attempt.max(),
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        reason = %outcome_error,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                Decision::RetryQuotaExceededAfter(delay) => {
                    tracing::warn!(reason = %outcome_error, "the retry quota is spent; not retrying");
                    tokio::time::sleep(delay).await;
                    return Err(outcome_error);
                }
                other => {
                    tracing::debug!(decision = ?other, attempt = attempt.number(), error = %outcome_error, "call failed");
                    return Err(outcome_error);
                }
            }
        }
    }
}

type Answer = (u16, HeaderMap, Vec<u8>);

/// `signet/0.1.0`, and ` app/ID` when an application id is configured (`sdk_ua_app_id`).
/// Not signed: `user-agent` is never part of a SigV4 signature.
fn user_agent(config: &Config) -> String {
    let mut agent = concat!("signet/", env!("CARGO_PKG_VERSION")).to_owned();
    if let Some(id) = config.settings().app_id() {
        let id: String =
            id.value
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) { c } else { '-' }
                })
                .collect();
        agent.push_str(" app/");
        agent.push_str(&id);
    }
    agent
}

/// One attempt: send and read the whole body, within the attempt timeout.
async fn attempt_send(
    request: reqwest::RequestBuilder,
    timeout: Option<Duration>,
) -> Result<Answer, (Error, TransportError)> {
    let exchange = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok::<_, reqwest::Error>((status, headers, body.to_vec()))
    };
    let result = match timeout {
        Some(limit) => match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => {
                return Err((
                    Error::new(
                        ErrorKind::Timeout,
                        format!("the attempt took longer than {limit:?}"),
                    ),
                    TransportError::ReadTimeout,
                ));
            }
        },
        None => exchange.await,
    };
    result.map_err(|e| {
        let transport = if e.is_timeout() && e.is_connect() {
            TransportError::ConnectTimeout
        } else if e.is_timeout() {
            TransportError::ReadTimeout
        } else if e.is_connect() || e.is_request() || e.is_body() {
            TransportError::Connection
        } else {
            TransportError::Other
        };
        let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Transport };
        (
            Error::new(kind, "the request could not be sent or its answer not read").with_source(e),
            transport,
        )
    })
}

/// A 2xx answer, read in full.
#[derive(Clone)]
pub struct Response {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    attempts: u32,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("body_len", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl Response {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body, owned.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The request id from `x-amzn-requestid`, `x-amz-request-id` or `x-amzn-request-id`.
    pub fn request_id(&self) -> Option<&str> {
        ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"]
            .iter()
            .find_map(|n| self.header(n))
    }

    /// How many attempts the call took (1 when no retry was needed).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

fn check_path(path: &str) -> Result<(), Error> {
    if path.starts_with('/') {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidRequest, format!("the path `{path}` must start with `/`")))
    }
}

fn parse_url(url: &str) -> Result<reqwest::Url, Error> {
    reqwest::Url::parse(url).map_err(|e| {
        Error::new(ErrorKind::InvalidRequest, format!("`{url}` is not a valid URL")).with_source(e)
    })
}

/// The `host` header as sent: the host, and the port unless it is the scheme's default.
fn host_header(url: &reqwest::Url) -> Result<String, Error> {
    let host = url.host_str().ok_or_else(|| {
        Error::new(ErrorKind::InvalidRequest, format!("the URL `{url}` has no host"))
    })?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The request target as it goes on the wire: path and query.
fn target(url: &reqwest::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

fn signing_settings(resolved: &Resolved) -> SigningSettings {
    if resolved.signing_name == "s3" {
        return SigningSettings::S3;
    }
    let mut settings = SigningSettings::DEFAULT;
    if resolved.single_encoding {
        settings.uri_encoding = signet_sigv4::UriEncoding::Single;
        settings.normalize_path = false;
    }
    settings
}

/// The headers a signature adds, owned.
type SignedHeaders = Vec<(&'static str, String)>;

/// Signs `method url` with `headers` (plus `host`) and returns the headers to set.
fn sign(
    resolved: &Resolved,
    credentials: &Credentials,
    method: &Method,
    url: &str,
    headers: &HeaderMap,
    payload: Payload<'_>,
    time: std::time::SystemTime,
) -> Result<SignedHeaders, Error> {
    let parsed = parse_url(url)?;
    let host = match headers.get("host").and_then(|v| v.to_str().ok()) {
        Some(h) => h.to_owned(),
        None => host_header(&parsed)?,
    };
    let target = target(&parsed);
    let mut pairs: Vec<(&str, &str)> = vec![("host", host.as_str())];
    for (name, value) in headers {
        if name == "host" {
            continue;
        }
        let value = value.to_str().map_err(|_| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("the value of header `{name}` is not text"),
            )
        })?;
        pairs.push((name.as_str(), value));
    }
    let request = SignableRequest::new(method.as_str(), &target, &pairs, payload);
    let settings = signing_settings(resolved);
    let signing = |e: signet_sigv4::Error| {
        Error::new(ErrorKind::Signing, "the request cannot be signed").with_source(e)
    };
    let mut out: SignedHeaders = vec![("host", host.clone())];
    match &resolved.scheme {
        Scheme::SigV4 { region } => {
            let signer = Signer::new(credentials, region, &resolved.signing_name, time)
                .map_err(signing)?
                .with_settings(&settings);
            let signed = signer.sign_headers(&request).map_err(signing)?;
            out.extend(signed.headers().map(|(n, v)| (n, v.to_owned())));
        }
        Scheme::SigV4a { region_set } => {
            let signer = SignerV4a::new(credentials, region_set, &resolved.signing_name, time)
                .map_err(signing)?
                .with_settings(&settings);
            let signed = signer.sign_headers(&request).map_err(signing)?;
            out.extend(signed.headers().map(|(n, v)| (n, v.to_owned())));
        }
    }
    Ok(out)
}

/// The headers as text pairs, `host` left out (the caller puts it first).
fn header_pairs(headers: &HeaderMap) -> Result<Vec<(&str, &str)>, Error> {
    headers
        .iter()
        .filter(|(name, _)| *name != "host")
        .map(|(name, value)| {
            let value = value.to_str().map_err(|_| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    format!("the value of header `{name}` is not text"),
                )
            })?;
            Ok((name.as_str(), value))
        })
        .collect()
}

fn set_headers(target: &mut HeaderMap, signed: SignedHeaders) -> Result<(), Error> {
    for (name, value) in signed {
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            Error::new(ErrorKind::Signing, format!("the signed `{name}` header is not valid"))
        })?;
        if name == "authorization" || name == "x-amz-security-token" {
            value.set_sensitive(true);
        }
        target.insert(HeaderName::from_static(name), value);
    }
    Ok(())
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";
