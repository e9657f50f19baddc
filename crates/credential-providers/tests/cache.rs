//! The cache on tokio's paused clock: single flight, refresh before expiry without making
//! readers wait, the load timeout, and static stability.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use async_trait::async_trait;
use signet_credential_providers::{
    CredentialsCache, Error, ErrorKind, ProvideCredentials, TimeSource,
};
use signet_sigv4::Credentials;
use support::TokioTime;

const START: u64 = 1_700_000_000;

/// A provider that counts its calls, takes `delay` to answer, and answers credentials valid
/// for `lifetime` (or fails once `fail_after` calls were made).
#[derive(Debug)]
struct Upstream {
    calls: AtomicU32,
    delay: Duration,
    lifetime: Duration,
    fail_after: u32,
    time: TokioTime,
}

#[async_trait]
impl ProvideCredentials for Upstream {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(self.delay).await;
        if n > self.fail_after {
            // A provider error, through a public path: the environment provider with a
            // half-configured environment.
            let env = signet_config_loader::Env::from_map([("AWS_ACCESS_KEY_ID", "AKID")]);
            return signet_credential_providers::EnvironmentProvider::new(env).load();
        }
        Ok(Credentials::new(format!("AKID{n}"), "secret")
            .with_expiration(self.time.now() + self.lifetime))
    }
}

fn upstream(
    time: TokioTime,
    delay: Duration,
    lifetime: Duration,
    fail_after: u32,
) -> Arc<Upstream> {
    Arc::new(Upstream { calls: AtomicU32::new(0), delay, lifetime, fail_after, time })
}

#[derive(Debug, Clone)]
struct Shared(Arc<Upstream>);

#[async_trait]
impl ProvideCredentials for Shared {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.0.provide_credentials().await
    }
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_callers_cause_one_load() {
    let time = TokioTime::starting_at(START);
    let up = upstream(time, Duration::from_secs(1), Duration::from_secs(3600), u32::MAX);
    let cache = CredentialsCache::builder().time_source(time).build(Shared(up.clone()));
    let mut tasks = Vec::new();
    for _ in 0..10_000 {
        let cache = cache.clone();
        tasks.push(tokio::spawn(async move { cache.provide_credentials().await }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().access_key_id(), "AKID1");
    }
    assert_eq!(up.calls.load(Ordering::SeqCst), 1);

    // At expiry, again 10,000 callers and one load.
    tokio::time::advance(Duration::from_secs(3600)).await;
    let mut tasks = Vec::new();
    for _ in 0..10_000 {
        let cache = cache.clone();
        tasks.push(tokio::spawn(async move { cache.provide_credentials().await }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().access_key_id(), "AKID2");
    }
    assert_eq!(up.calls.load(Ordering::SeqCst), 2);
    assert_eq!(cache.load_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn refreshes_in_the_buffer_without_making_readers_wait() {
    let time = TokioTime::starting_at(START);
    let up = upstream(time, Duration::from_secs(10), Duration::from_secs(3600), u32::MAX);
    let cache = CredentialsCache::builder().time_source(time).build(Shared(up.clone()));
    assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID1");

    // 4 minutes before expiry: inside the default 5-minute buffer.
    tokio::time::advance(Duration::from_secs(3600 - 240)).await;
    let before = tokio::time::Instant::now();
    for _ in 0..100 {
        assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID1");
    }
    assert_eq!(before.elapsed(), Duration::ZERO, "readers did not wait for the refresh");
    tokio::time::sleep(Duration::from_secs(11)).await; // the background refresh finishes
    assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID2");
    assert_eq!(up.calls.load(Ordering::SeqCst), 2, "one refresh, however many readers");
}

#[tokio::test(start_paused = true)]
async fn a_configurable_buffer() {
    let time = TokioTime::starting_at(START);
    let up = upstream(time, Duration::ZERO, Duration::from_secs(3600), u32::MAX);
    let cache = CredentialsCache::builder()
        .time_source(time)
        .refresh_buffer(Duration::from_secs(60))
        .build(Shared(up.clone()));
    cache.provide_credentials().await.unwrap();
    tokio::time::advance(Duration::from_secs(3600 - 120)).await;
    cache.provide_credentials().await.unwrap();
    tokio::task::yield_now().await;
    assert_eq!(up.calls.load(Ordering::SeqCst), 1, "2 minutes left is outside a 1-minute buffer");
}

#[tokio::test(start_paused = true)]
async fn load_timeout() {
    let time = TokioTime::starting_at(START);
    let up = upstream(time, Duration::from_secs(60), Duration::from_secs(3600), u32::MAX);
    let cache = CredentialsCache::builder()
        .time_source(time)
        .load_timeout(Duration::from_secs(5))
        .build(Shared(up));
    let e = cache.provide_credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.to_string().contains("5s"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn static_stability_serves_the_last_credentials_for_a_jittered_while() {
    let time = TokioTime::starting_at(START);
    let up = upstream(time, Duration::ZERO, Duration::from_secs(600), 1);
    let cache = CredentialsCache::builder()
        .time_source(time)
        .static_stability(true)
        .jitter(|| 0.5)
        .build(Shared(up.clone()));
    assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID1");
    tokio::time::advance(Duration::from_secs(601)).await; // expired; the refresh fails
    assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID1");
    // Served for 5 min + 0.5 * 5 min = 7.5 min without another upstream call.
    tokio::time::advance(Duration::from_secs(440)).await;
    assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID1");
    assert_eq!(up.calls.load(Ordering::SeqCst), 2);
    tokio::time::advance(Duration::from_secs(20)).await; // past 7.5 min: try again, fail, extend
    assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID1");
    assert_eq!(up.calls.load(Ordering::SeqCst), 3);

    // Without static stability the failure is the caller's.
    let up = upstream(time, Duration::ZERO, Duration::from_secs(600), 1);
    let cache = CredentialsCache::builder().time_source(time).build(Shared(up));
    cache.provide_credentials().await.unwrap();
    tokio::time::advance(Duration::from_secs(601)).await;
    assert_eq!(
        cache.provide_credentials().await.unwrap_err().kind(),
        ErrorKind::InvalidConfiguration
    );
}

#[tokio::test(start_paused = true)]
async fn credentials_without_expiry_are_loaded_once() {
    let cache = CredentialsCache::new(Credentials::new("AKID", "secret"));
    for _ in 0..3 {
        cache.provide_credentials().await.unwrap();
        tokio::time::advance(Duration::from_secs(86_400)).await;
    }
    assert_eq!(cache.load_count(), 1);
    assert!(cache.cached().is_some());
    let _ = UNIX_EPOCH;
}

#[tokio::test(start_paused = true)]
async fn short_lived_credentials_refresh_halfway_not_on_every_read() {
    let time = TokioTime::starting_at(START);
    // 2-minute credentials under a 5-minute buffer.
    let up = upstream(time, Duration::ZERO, Duration::from_secs(120), u32::MAX);
    let cache = CredentialsCache::builder().time_source(time).build(Shared(up.clone()));
    for _ in 0..50 {
        cache.provide_credentials().await.unwrap();
        tokio::task::yield_now().await;
    }
    assert_eq!(up.calls.load(Ordering::SeqCst), 1);
    tokio::time::advance(Duration::from_secs(61)).await; // past halfway
    cache.provide_credentials().await.unwrap();
    tokio::task::yield_now().await;
    assert_eq!(up.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failed_background_refresh_waits_before_trying_again() {
    let time = TokioTime::starting_at(START);
    let up = upstream(time, Duration::ZERO, Duration::from_secs(3600), 1);
    let cache = CredentialsCache::builder().time_source(time).build(Shared(up.clone()));
    cache.provide_credentials().await.unwrap();
    tokio::time::advance(Duration::from_secs(3600 - 200)).await; // inside the buffer
    for _ in 0..50 {
        assert_eq!(cache.provide_credentials().await.unwrap().access_key_id(), "AKID1");
        tokio::task::yield_now().await;
    }
    assert_eq!(up.calls.load(Ordering::SeqCst), 2, "one failed refresh, then a pause");
    tokio::time::advance(Duration::from_secs(31)).await;
    cache.provide_credentials().await.unwrap();
    tokio::task::yield_now().await;
    assert_eq!(up.calls.load(Ordering::SeqCst), 3);
}
