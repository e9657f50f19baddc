//! The client: endpoint resolution, signing, sending, retries and the clock-skew correction.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use signet_config_loader::{Settings, StsRegionalEndpoints};
use signet_endpoint_resolver::{BuiltIn, RuleSet, SchemeKind};
use signet_retry::{
    AttemptOutcome, Decision, MaxAttempts, ModeledError, Response, RetryConfig, RetrySpec,
    RetryStrategy, TransportError,
};
use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, SystemTimeSource, TimeSource};

use crate::error::{Error, ErrorCode, ErrorKind};
use crate::model::{self, Operation};
use crate::model::{
    AssumeRoleInput, AssumeRoleOutput, AssumeRoleWithSamlInput, AssumeRoleWithSamlOutput,
    AssumeRoleWithWebIdentityInput, AssumeRoleWithWebIdentityOutput,
    DecodeAuthorizationMessageInput, DecodeAuthorizationMessageOutput, GetAccessKeyInfoInput,
    GetAccessKeyInfoOutput, GetCallerIdentityInput, GetCallerIdentityOutput,
    GetFederationTokenInput, GetFederationTokenOutput, GetSessionTokenInput, GetSessionTokenOutput,
};
use crate::time::parse_http_date;

/// STS's signing name.
const SIGNING_NAME: &str = "sts";
/// The content type of every awsQuery request.
const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
/// Largest response body read; STS's are a few kilobytes.
const MAX_BODY: usize = 1024 * 1024;
/// A skew error is corrected only when the server's clock differs from ours by more than this
/// (aws-sdk-java-v2's threshold); a smaller difference is not what made the request fail.
const SKEW_THRESHOLD: Duration = Duration::from_secs(4 * 60);
/// The default limit on one attempt (connect, send, read the whole response).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Error codes that may mean the request's signing time was too far from the server's.
const SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// The rustls crypto provider reqwest uses: ring, unless the application installed another
/// (docs/adr/0009).
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An STS client for one region and endpoint.
///
/// Cheap to clone: clones share the HTTP connection pool, the retry quota and the clock-skew
/// correction. [`StsClient::with_credentials`] makes a client that signs with other
/// credentials but shares the rest.
#[derive(Clone)]
pub struct StsClient {
    inner: Arc<Inner>,
    credentials: Option<Credentials>,
}

struct Inner {
    region: String,
    url: reqwest::Url,
    host: String,
    signing_region: String,
    signing_name: String,
    http: reqwest::Client,
    retry: RetryStrategy,
    time: Arc<dyn TimeSource>,
    /// Server time minus local time, in milliseconds, learnt from a skew error.
    skew_ms: AtomicI64,
    attempt_timeout: Duration,
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient")
            .field("region", &self.inner.region)
            .field("endpoint", &self.inner.url.as_str())
            .field("signing_region", &self.inner.signing_region)
            .field("access_key_id", &self.credentials.as_ref().map(Credentials::access_key_id))
            .finish()
    }
}

/// The options of an [`StsClient`]; the region is required and given to
/// [`StsClient::builder`].
///
/// No `Debug`: it may hold credentials.
pub struct StsClientBuilder {
    region: String,
    credentials: Option<Credentials>,
    endpoint_url: Option<String>,
    use_fips: bool,
    use_dual_stack: bool,
    use_global_endpoint: bool,
    retry_config: RetryConfig,
    retry_strategy: Option<RetryStrategy>,
    http: Option<reqwest::Client>,
    time: Option<Arc<dyn TimeSource>>,
    attempt_timeout: Duration,
}

impl StsClient {
    /// A builder for a client of STS in `region` (`us-east-1`, `eu-west-1`, or `aws-global`).
    pub fn builder(region: impl Into<String>) -> StsClientBuilder {
        StsClientBuilder {
            region: region.into(),
            credentials: None,
            endpoint_url: None,
            use_fips: false,
            use_dual_stack: false,
            use_global_endpoint: false,
            retry_config: RetryConfig::standard(),
            retry_strategy: None,
            http: None,
            time: None,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
        }
    }

    /// A builder set up from loaded settings: the region (required), FIPS and dual-stack,
    /// `sts_regional_endpoints` (`legacy` turns on the global endpoint for the legacy
    /// regions), the STS endpoint URL (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the
    /// profile's `services` section or `endpoint_url`) and the retry mode, attempts and
    /// `AWS_NEW_RETRIES_2026`. Credentials are not read here: they are the credential
    /// providers' business.
    pub fn from_settings(settings: &Settings) -> Result<StsClientBuilder, Error> {
        Self::settings_builder(settings, None)
    }

    /// As [`from_settings`](Self::from_settings), calling STS in `default_region` when the
    /// settings name no region (as the AWS SDKs' credential providers do with `us-east-1`).
    pub fn from_settings_with_default_region(
        settings: &Settings,
        default_region: &str,
    ) -> Result<StsClientBuilder, Error> {
        Self::settings_builder(settings, Some(default_region))
    }

    fn settings_builder(
        settings: &Settings,
        default_region: Option<&str>,
    ) -> Result<StsClientBuilder, Error> {
        let config = |e: signet_config_loader::Error| {
            Error::new(ErrorKind::Configuration, format!("invalid setting: {e}")).with_source(e)
        };
        let region = settings.region().map_err(config)?.map(|r| r.value);
        let region = region.or_else(|| default_region.map(str::to_owned)).ok_or_else(|| {
            Error::new(
                ErrorKind::Configuration,
                "no region for STS: set AWS_REGION or the profile's `region`",
            )
        })?;
        let mode = settings.retry_mode().map_err(config)?.value;
        let mode = mode.to_string().parse().unwrap_or_default();
        let attempts = settings.max_attempts().map_err(config)?.value;
        let attempts = MaxAttempts::new(attempts).map_err(|e| {
            Error::new(ErrorKind::Configuration, format!("invalid max attempts: {e}"))
        })?;
        let spec = RetrySpec::from_opt_in(settings.new_retries_2026().map_err(config)?.value);
        let mut builder = Self::builder(region)
            .use_fips(settings.use_fips().map_err(config)?.value)
            .use_dual_stack(settings.use_dual_stack().map_err(config)?.value)
            .use_global_endpoint(
                settings.sts_regional_endpoints().map_err(config)?.value
                    == StsRegionalEndpoints::Legacy,
            )
            .retry_config(RetryConfig::new(mode).with_max_attempts(attempts).with_spec(spec));
        if let Some(url) = settings.endpoint_url("STS").map_err(config)? {
            builder = builder.endpoint_url(url.value);
        }
        Ok(builder)
    }

    /// A client that signs with `credentials` and shares everything else with this one.
    pub fn with_credentials(&self, credentials: Credentials) -> Self {
        Self { inner: Arc::clone(&self.inner), credentials: Some(credentials) }
    }

    /// The region the client was built for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint requests go to, as resolved by the STS rule set.
    pub fn endpoint_url(&self) -> &str {
        self.inner.url.as_str()
    }

    /// The region signatures are scoped to (`us-east-1` for the global endpoint).
    pub fn signing_region(&self) -> &str {
        &self.inner.signing_region
    }

    /// The name signatures are scoped to (`sts`).
    pub fn signing_name(&self) -> &str {
        &self.inner.signing_name
    }

    /// How far the server's clock is ahead of ours (negative: behind), as learnt from the
    /// last clock-skew error; zero until then.
    pub fn clock_skew(&self) -> i64 {
        self.inner.skew_ms.load(Ordering::Relaxed) / 1000
    }

    /// `AssumeRole`: temporary credentials for a role. Signed with the client's credentials.
    pub async fn assume_role(&self, input: &AssumeRoleInput) -> Result<AssumeRoleOutput, Error> {
        self.call(input).await
    }

    /// `AssumeRoleWithWebIdentity`: temporary credentials for a role, with an OIDC token.
    /// Sent unsigned: the client needs no credentials.
    pub async fn assume_role_with_web_identity(
        &self,
        input: &AssumeRoleWithWebIdentityInput,
    ) -> Result<AssumeRoleWithWebIdentityOutput, Error> {
        self.call(input).await
    }

    /// `AssumeRoleWithSAML`: temporary credentials for a role, with a SAML assertion. Sent
    /// unsigned: the client needs no credentials.
    pub async fn assume_role_with_saml(
        &self,
        input: &AssumeRoleWithSamlInput,
    ) -> Result<AssumeRoleWithSamlOutput, Error> {
        self.call(input).await
    }

    /// `GetSessionToken`: temporary credentials for the calling IAM user, with MFA if asked.
    pub async fn get_session_token(
        &self,
        input: &GetSessionTokenInput,
    ) -> Result<GetSessionTokenOutput, Error> {
        self.call(input).await
    }

    /// `GetCallerIdentity`: the account, id and ARN of the client's credentials.
    pub async fn get_caller_identity(&self) -> Result<GetCallerIdentityOutput, Error> {
        self.call(&GetCallerIdentityInput).await
    }

    /// `GetFederationToken`: temporary credentials for a federated user.
    pub async fn get_federation_token(
        &self,
        input: &GetFederationTokenInput,
    ) -> Result<GetFederationTokenOutput, Error> {
        self.call(input).await
    }

    /// `GetAccessKeyInfo`: the account an access key id belongs to.
    pub async fn get_access_key_info(
        &self,
        access_key_id: &str,
    ) -> Result<GetAccessKeyInfoOutput, Error> {
        self.call(&GetAccessKeyInfoInput { access_key_id: access_key_id.to_owned() }).await
    }

    /// `DecodeAuthorizationMessage`: the reason behind an encoded authorization failure.
    pub async fn decode_authorization_message(
        &self,
        encoded_message: &str,
    ) -> Result<DecodeAuthorizationMessageOutput, Error> {
        let input = DecodeAuthorizationMessageInput { encoded_message: encoded_message.to_owned() };
        self.call(&input).await
    }

    /// The signing time: our clock, corrected by the skew learnt from the server.
    fn now(&self) -> SystemTime {
        let now = self.inner.time.now();
        let skew = self.inner.skew_ms.load(Ordering::Relaxed);
        let by = Duration::from_millis(skew.unsigned_abs());
        let corrected = if skew >= 0 { now.checked_add(by) } else { now.checked_sub(by) };
        corrected.unwrap_or(now)
    }

    async fn call<O: Operation>(&self, input: &O) -> Result<O::Output, Error> {
        self.call_inner(input).await.map_err(|e| e.in_operation(O::NAME))
    }

    async fn call_inner<O: Operation>(&self, input: &O) -> Result<O::Output, Error> {
        input.validate()?;
        let credentials = match (O::SIGNED, &self.credentials) {
            (false, _) => None,
            (true, Some(c)) => Some(c),
            (true, None) => {
                return Err(Error::new(
                    ErrorKind::NoCredentials,
                    "this operation is signed, and the client has no credentials \
                     (give them with `StsClientBuilder::credentials` or `StsClient::with_credentials`)",
                ));
            }
        };
        let body = input.body();
        let mut call = self.inner.retry.start_call();
        let mut skew_corrected = false;
        loop {
            let wait = call.before_attempt();
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let attempt = call.current();
            let signing_time = self.now();
            let sent =
                self.send(&body, credentials, &attempt.amz_sdk_request(), signing_time).await;
            let (error, decision) = match sent {
                Ok(reply) if (200..300).contains(&reply.status) => {
                    call.after_attempt(&Response::new(reply.status).into());
                    return model::decode_output::<O>(reply.status, &reply.body);
                }
                Ok(reply) => {
                    let request_id = header(&reply.headers, "x-amzn-requestid");
                    let error = model::decode_error(reply.status, &reply.body, request_id);
                    if credentials.is_some()
                        && !skew_corrected
                        && self.learn_skew(&error, &reply.headers, signing_time)
                    {
                        // Sign again at once with the server's time: once per call.
                        skew_corrected = true;
                        continue;
                    }
                    let mut outcome = Response::new(reply.status);
                    if let Some(code) = error.code() {
                        outcome = outcome.with_error_code(code);
                        if retried_as_transient(code) {
                            outcome = outcome.with_modeled_error(ModeledError::Retryable);
                        }
                    }
                    if let Some(after) = header(&reply.headers, "x-amz-retry-after") {
                        outcome = outcome.with_retry_after(after);
                    }
                    let decision = call.after_attempt(&outcome.into());
                    (error, decision)
                }
                Err((error, transport)) => {
                    let decision = call.after_attempt(&AttemptOutcome::Transport(transport));
                    (error, decision)
                }
            };
            match decision {
                Decision::Retry(delay) => tokio::time::sleep(delay).await,
                _ => return Err(error),
            }
        }
    }

    /// After a skew error, whether the server's `Date` shows a skew worth correcting; if so
    /// it is stored for every later request of the client.
    fn learn_skew(&self, error: &Error, headers: &HeaderMap, signing_time: SystemTime) -> bool {
        let Some(code) = error.code() else { return false };
        if !SKEW_CODES.contains(&code) {
            return false;
        }
        let Some(server) = header(headers, "date").and_then(parse_http_date) else {
            return false;
        };
        let skew_ms: i64 = match server.duration_since(signing_time) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        if skew_ms.unsigned_abs() <= SKEW_THRESHOLD.as_millis() as u64 {
            return false;
        }
        // The stored skew is relative to the uncorrected clock.
        let previous = self.inner.skew_ms.load(Ordering::Relaxed);
        self.inner.skew_ms.store(previous.saturating_add(skew_ms), Ordering::Relaxed);
        true
    }

    /// One attempt: sign (for signed operations), send, read at most [`MAX_BODY`] bytes.
    async fn send(
        &self,
        body: &str,
        credentials: Option<&Credentials>,
        amz_sdk_request: &str,
        signing_time: SystemTime,
    ) -> Result<Reply, (Error, TransportError)> {
        let inner = &*self.inner;
        let mut request = inner
            .http
            .post(inner.url.clone())
            .timeout(inner.attempt_timeout)
            .header("content-type", CONTENT_TYPE)
            .header("host", inner.host.as_str())
            .header("amz-sdk-request", amz_sdk_request)
            .header("user-agent", concat!("signet-sts-client/", env!("CARGO_PKG_VERSION")))
            .body(body.to_owned());
        if let Some(creds) = credentials {
            let headers = [("host", inner.host.as_str()), ("content-type", CONTENT_TYPE)];
            let signable = SignableRequest::new(
                "POST",
                inner.url.path(),
                &headers,
                Payload::Bytes(body.as_bytes()),
            );
            let signed =
                Signer::new(creds, &inner.signing_region, &inner.signing_name, signing_time)
                    .and_then(|s| s.sign_headers(&signable))
                    .map_err(|e| {
                        let error =
                            Error::new(ErrorKind::Signing, format!("cannot sign the request: {e}"))
                                .with_source(e);
                        (error, TransportError::Other)
                    })?;
            for (name, value) in signed.headers() {
                let value = HeaderValue::from_str(value).map_err(|_| {
                    let why = format!("the `{name}` header cannot be sent (control characters)");
                    (Error::new(ErrorKind::Signing, why), TransportError::Other)
                })?;
                request = request.header(HeaderName::from_static(name), value);
            }
        }
        let transport = |e: reqwest::Error| {
            let kind = if e.is_timeout() {
                if e.is_connect() {
                    TransportError::ConnectTimeout
                } else {
                    TransportError::ReadTimeout
                }
            } else if e.is_connect() || e.is_request() || e.is_body() {
                TransportError::Connection
            } else {
                TransportError::Other
            };
            let error = Error::new(ErrorKind::Transport, format!("cannot reach {}", inner.url))
                .with_source(e);
            (error, kind)
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_BODY {
                let error = Error::malformed(status, "the body is larger than 1 MiB", &body);
                return Err((error, TransportError::Other));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply { status, headers, body })
    }
}

/// What STS answered to one attempt.
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// STS errors retried on top of the AWS rules (docs/adr/0027): `IDPCommunicationError`, for
/// every operation (botocore, smithy-rs). `InvalidIdentityToken` is not retried.
fn retried_as_transient(code: &str) -> bool {
    ErrorCode::from_code(code) == ErrorCode::IdpCommunicationError
}

impl StsClientBuilder {
    /// Credentials for the signed operations (all but web identity and SAML).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// A custom endpoint (an emulator, a VPC endpoint). The rule set still applies: it
    /// cannot be combined with FIPS or dual-stack.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// FIPS endpoints (`sts-fips.{region}...`).
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = on;
        self
    }

    /// Dual-stack endpoints (`sts.{region}.api.aws`).
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = on;
        self
    }

    /// `sts_regional_endpoints = legacy`: the 16 legacy regions use the global endpoint
    /// `https://sts.amazonaws.com`, signed for `us-east-1`. Off by default, as in every
    /// current AWS SDK.
    pub fn use_global_endpoint(mut self, on: bool) -> Self {
        self.use_global_endpoint = on;
        self
    }

    /// The retry settings (standard mode, 3 attempts by default). A new strategy with a
    /// fresh retry quota is made for the client.
    pub fn retry_config(mut self, config: RetryConfig) -> Self {
        self.retry_config = config;
        self
    }

    /// A retry strategy to use as is (and share: its quota is shared by its clones), for an
    /// injected random source or clock. Wins over [`retry_config`](Self::retry_config).
    pub fn retry_strategy(mut self, strategy: RetryStrategy) -> Self {
        self.retry_strategy = Some(strategy);
        self
    }

    /// The HTTP client to send with (shared connection pool). Without one, the client builds
    /// its own (rustls with the ring provider, docs/adr/0009).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The clock for signing times (the real clock by default).
    pub fn time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.time = Some(Arc::new(time));
        self
    }

    /// The limit on one attempt, from connecting to the end of the body
    /// ([`DEFAULT_ATTEMPT_TIMEOUT`] by default).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Resolves the endpoint with the STS rule set and builds the client. Fails with
    /// [`ErrorKind::Configuration`] when the rule set rejects the settings (no region, FIPS
    /// with a custom endpoint, ...) or no HTTP client can be built.
    pub fn build(self) -> Result<StsClient, Error> {
        let endpoint = resolve_endpoint(
            &self.region,
            self.use_fips,
            self.use_dual_stack,
            self.use_global_endpoint,
            self.endpoint_url.as_deref(),
        )?;
        let http = match self.http {
            Some(client) => client,
            None => {
                install_crypto_provider();
                // No redirects: STS never sends one, and a signed request must not be
                // replayed to wherever a 3xx points (the AWS SDKs do not follow them either).
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| {
                        Error::new(ErrorKind::Configuration, "cannot build an HTTP client")
                            .with_source(e)
                    })?
            }
        };
        Ok(StsClient {
            inner: Arc::new(Inner {
                region: self.region,
                host: endpoint.host,
                url: endpoint.url,
                signing_region: endpoint.signing_region,
                signing_name: endpoint.signing_name,
                http,
                retry: self.retry_strategy.unwrap_or_else(|| RetryStrategy::new(self.retry_config)),
                time: self.time.unwrap_or_else(|| Arc::new(SystemTimeSource::new())),
                skew_ms: AtomicI64::new(0),
                attempt_timeout: self.attempt_timeout,
            }),
            credentials: self.credentials,
        })
    }
}

struct ResolvedEndpoint {
    url: reqwest::Url,
    host: String,
    signing_region: String,
    signing_name: String,
}

fn resolve_endpoint(
    region: &str,
    use_fips: bool,
    use_dual_stack: bool,
    use_global_endpoint: bool,
    endpoint_url: Option<&str>,
) -> Result<ResolvedEndpoint, Error> {
    let config = |e: signet_endpoint_resolver::Error| {
        Error::new(ErrorKind::Configuration, format!("cannot resolve the STS endpoint: {e}"))
            .with_source(e)
    };
    let rules = RuleSet::sts().map_err(config)?;
    let mut params = rules.params();
    if !region.is_empty() {
        params.set_built_in(BuiltIn::Region, region).map_err(config)?;
    }
    params.set_built_in(BuiltIn::UseFips, use_fips).map_err(config)?;
    params.set_built_in(BuiltIn::UseDualStack, use_dual_stack).map_err(config)?;
    params.set_built_in(BuiltIn::StsUseGlobalEndpoint, use_global_endpoint).map_err(config)?;
    if let Some(url) = endpoint_url {
        params.set_built_in(BuiltIn::Endpoint, url).map_err(config)?;
    }
    let endpoint = rules.resolve(&params).map_err(config)?;
    let scheme = endpoint.auth_schemes().find(|s| s.kind() == SchemeKind::SigV4);
    let signing_region = scheme.and_then(|s| s.signing_region()).unwrap_or(region).to_owned();
    let signing_name = scheme.and_then(|s| s.signing_name()).unwrap_or(SIGNING_NAME).to_owned();
    let bad = |why: &str| {
        Error::new(ErrorKind::Configuration, format!("the STS endpoint `{}` {why}", endpoint.url()))
    };
    let mut url = reqwest::Url::parse(endpoint.url()).map_err(|_| bad("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("is not http or https"));
    }
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => return Err(bad("has no host")),
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("has a query or fragment"));
    }
    if url.path().is_empty() {
        url.set_path("/");
    }
    Ok(ResolvedEndpoint { url, host, signing_region, signing_name })
}
