//! What a user debugging sees in the `tracing` output: the region and its source, which
//! credentials provider answered, the call's span (service, region, endpoint), each retry and
//! why; and that no secret appears anywhere in it.

mod support;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use signet::config::{Env, Fs};
use signet::retry::{FixedRandom, RetryConfig, RetryStrategy};
use signet::{ConfigLoader, Method, Service};
use support::mock::{MockServer, Reply};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every span and event as one line of text: `name field=value ...`.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next: Arc<AtomicU64>,
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = Line(format!("span {}", span.metadata().name()));
        span.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = Line("record".into());
        values.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!("{}", event.metadata().level()));
        event.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLEzzTOKENzz";

#[tokio::test]
async fn the_log_shows_region_provider_endpoint_and_retries_but_no_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = MockServer::start(vec![
        Reply::new(503, "<Error><Code>ServiceUnavailable</Code></Error>"),
        Reply::new(200, "<ok/>"),
    ]);
    let env = Env::from_map([
        ("HOME", "/home/me".to_owned()),
        ("AWS_REGION", "eu-west-3".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET.to_owned()),
        ("AWS_SESSION_TOKEN", TOKEN.to_owned()),
        ("AWS_ENDPOINT_URL", server.url()),
    ]);
    let strategy = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.0));
    let config = ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([]))
        .retry_strategy(strategy)
        .load()
        .await
        .unwrap();
    let client = config.client();
    let response =
        client.request(&Service::STS, Method::POST, "/").body("x=1").send().await.unwrap();
    assert_eq!(response.attempts(), 2);
    let expires = std::time::Duration::from_secs(60);
    let url = client.presign(&Service::S3, Method::GET, "/b/k", expires).await.unwrap();
    assert!(url.contains("X-Amz-Security-Token="));

    let log = capture.lines.lock().unwrap().join("\n");
    let has = |needle: &str| assert!(log.contains(needle), "no `{needle}` in:\n{log}");
    has("region resolved region=eu-west-3 source=environment variable AWS_REGION");
    has("provider=Environment");
    has(&format!(
        "span signet.call service=sts method=POST region=eu-west-3 endpoint={}",
        server.url()
    ));
    has(
        "retrying attempt=1 max_attempts=3 delay_ms=0 reason=the service answered HTTP 503 ServiceUnavailable",
    );
    assert!(!log.contains(SECRET), "the secret key is in the log:\n{log}");
    assert!(!log.contains(TOKEN), "the session token is in the log:\n{log}");
    assert!(!log.contains("Signature="), "a signature is in the log:\n{log}");
    let debug = format!("{config:?} {client:?}");
    assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "a secret in Debug: {debug}");
}
