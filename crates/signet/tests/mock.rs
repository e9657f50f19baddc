//! Against scripted loopback servers: a throttled call that succeeds after retries, a
//! non-retryable error that is not retried, and credentials that expire mid-run and are
//! refreshed once.

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signet::config::{Env, Fs};
use signet::credentials::{Error as CredentialsError, ProvideCredentials, TimeSource};
use signet::retry::{FixedRandom, RetryConfig, RetryStrategy};
use signet::sigv4::Credentials;
use signet::{ConfigLoader, ErrorKind, Method, Service};
use support::mock::{MockServer, Reply};

const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
    <Message>Rate exceeded</Message></Error><RequestId>req-throttled</RequestId></ErrorResponse>";
const OK: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>\
    </GetCallerIdentityResult></GetCallerIdentityResponse>";

/// A clock the test moves by hand.
#[derive(Debug, Clone)]
struct ManualTime(Arc<Mutex<SystemTime>>);

impl ManualTime {
    fn at(secs: u64) -> Self {
        Self(Arc::new(Mutex::new(UNIX_EPOCH + Duration::from_secs(secs))))
    }
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl TimeSource for ManualTime {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Hands out `AKID1`, `AKID2`, ... each valid for 15 minutes from the clock's now.
#[derive(Debug)]
struct Expiring {
    time: ManualTime,
    loads: AtomicU32,
}

#[async_trait::async_trait]
impl ProvideCredentials for Expiring {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        let n = self.loads.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(Credentials::new(format!("AKID{n}"), "secret")
            .with_session_token(format!("token{n}"))
            .with_expiration(self.time.now() + Duration::from_secs(900)))
    }
}

fn loader(url: &str) -> ConfigLoader {
    let env = Env::from_map([("AWS_REGION", "us-east-1"), ("AWS_EC2_METADATA_DISABLED", "true")]);
    ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([])).endpoint_url(url)
}

fn no_jitter(attempts: u32) -> RetryStrategy {
    let config = RetryConfig::standard().with_max_attempts(attempts.to_string().parse().unwrap());
    RetryStrategy::new(config).with_random(FixedRandom(0.0))
}

/// A config with static keys and `attempts` attempts without jitter, sending to `url`.
async fn static_keys(url: &str, attempts: u32) -> signet::Config {
    let loader = loader(url).credentials(Credentials::new("AKIDEXAMPLE", "secret"));
    loader.retry_strategy(no_jitter(attempts)).load().await.unwrap()
}

fn get_caller_identity(config: &signet::Config) -> signet::RequestBuilder {
    config
        .client()
        .request(&Service::STS, Method::POST, "/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
}

#[tokio::test]
async fn a_throttled_call_succeeds_after_retries() {
    let server = MockServer::start(vec![
        Reply::new(400, THROTTLED),
        Reply::new(400, THROTTLED),
        Reply::new(200, OK).header("x-amzn-requestid", "req-ok"),
    ]);
    let config = static_keys(&server.url(), 3).await;
    let response = get_caller_identity(&config).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 3);
    assert_eq!(response.request_id(), Some("req-ok"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let attempts: Vec<_> = requests.iter().map(|r| r.header("amz-sdk-request").unwrap()).collect();
    assert_eq!(attempts, ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]);
    for r in &requests {
        assert_eq!(r.header("user-agent"), Some(concat!("signet/", env!("CARGO_PKG_VERSION"))));
        assert!(
            r.header("authorization")
                .unwrap()
                .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        );
        assert!(r.header("authorization").unwrap().contains("/us-east-1/sts/aws4_request"));
    }
}

#[tokio::test]
async fn throttling_past_max_attempts_is_the_service_error() {
    let server = MockServer::start(vec![Reply::new(400, THROTTLED), Reply::new(400, THROTTLED)]);
    let config = static_keys(&server.url(), 2).await;
    let error = get_caller_identity(&config).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.code(), Some("Throttling"));
    assert_eq!(
        error.to_string(),
        "the service answered HTTP 400 Throttling: Rate exceeded (request id req-throttled)"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_access_denied_is_not_retried() {
    let denied = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error>\
                  <RequestId>r-9</RequestId></ErrorResponse>";
    let server = MockServer::start(vec![Reply::new(403, denied), Reply::new(200, OK)]);
    let config = static_keys(&server.url(), 3).await;
    let error = get_caller_identity(&config).send().await.unwrap_err();
    assert_eq!(error.code(), Some("AccessDenied"));
    assert_eq!(error.service_error().unwrap().request_id(), Some("r-9"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_application_id_goes_in_the_user_agent() {
    let server = MockServer::start(vec![Reply::new(200, OK)]);
    let env = Env::from_map([
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_SDK_UA_APP_ID", "billing batch"),
    ]);
    let config = ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([]))
        .endpoint_url(server.url())
        .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
        .load()
        .await
        .unwrap();
    get_caller_identity(&config).send().await.unwrap();
    let agent = server.requests()[0].header("user-agent").unwrap().to_owned();
    assert_eq!(agent, concat!("signet/", env!("CARGO_PKG_VERSION"), " app/billing-batch"));
}

#[tokio::test]
async fn an_attempt_that_hangs_times_out_and_is_retried() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        listener.incoming().take(2).filter_map(Result::ok).collect::<Vec<_>>()
    });
    let config = loader(&url)
        .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
        .retry_strategy(no_jitter(2))
        .attempt_timeout(Duration::from_millis(200))
        .load()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let error = get_caller_identity(&config).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.to_string(), "the attempt took longer than 200ms");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(held.join().unwrap().len(), 2, "two attempts were made");
}

#[tokio::test]
async fn credentials_that_expire_mid_run_are_refreshed_once() {
    let server = MockServer::start(vec![
        Reply::new(200, OK),
        Reply::new(200, OK),
        Reply::new(200, OK),
        Reply::new(200, OK),
    ]);
    let time = ManualTime::at(1_700_000_000);
    let provider = Expiring { time: time.clone(), loads: AtomicU32::new(0) };
    let config = loader(&server.url())
        .credentials_provider(provider)
        .time_source(time.clone())
        .load()
        .await
        .unwrap();
    get_caller_identity(&config).send().await.unwrap();
    get_caller_identity(&config).send().await.unwrap();
    assert_eq!(config.credentials_provider().load_count(), 1);

    // Past the expiry: the next call loads new credentials, once.
    time.advance(Duration::from_secs(3600));
    get_caller_identity(&config).send().await.unwrap();
    get_caller_identity(&config).send().await.unwrap();
    assert_eq!(config.credentials_provider().load_count(), 2);

    let keys: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            let auth = r.header("authorization").unwrap();
            auth.split("Credential=").nth(1).unwrap().split('/').next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(keys, ["AKID1", "AKID1", "AKID2", "AKID2"]);
    let tokens: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("x-amz-security-token").unwrap().to_owned())
        .collect();
    assert_eq!(tokens, ["token1", "token1", "token2", "token2"]);
}
