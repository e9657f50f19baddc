//! Criterion benchmarks: a cached read (1 and 2 threads), resolving from environment
//! variables, and the default chain failing with nothing configured and IMDS on a closed
//! loopback port.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use signet_config_loader::{Env, Fs};
use signet_credential_providers::{
    CredentialsCache, DefaultChainBuilder, EnvironmentProvider, ProvideCredentials,
    SystemTimeSource, TimeSource,
};
use signet_sigv4::Credentials;

fn cached_read(c: &mut Criterion) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let cache = CredentialsCache::new(
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .with_session_token("FwoGZXIvYXdzEXAMPLE"),
    );
    runtime.block_on(cache.provide_credentials()).unwrap();
    let cache = Arc::new(cache);
    let read = {
        let cache = cache.clone();
        move || {
            black_box(cache.current());
        }
    };
    c.bench_function("cache/cached_read_1_thread", |b| {
        b.iter_custom(|iters| on_one_thread(iters, &read))
    });
    c.bench_function("cache/cached_read_2_threads", |b| {
        b.iter_custom(|iters| on_two_threads(iters, &read))
    });
    // The control: a clock read, which shares nothing between threads. If it slows down on
    // two threads as much as the cached read, the slowdown is the machine (cores busy with
    // other work), not contention in the cache.
    let clock = || {
        black_box(SystemTimeSource.now());
    };
    c.bench_function("cache/control_clock_read_1_thread", |b| {
        b.iter_custom(|iters| on_one_thread(iters, &clock))
    });
    c.bench_function("cache/control_clock_read_2_threads", |b| {
        b.iter_custom(|iters| on_two_threads(iters, &clock))
    });
}

/// Runs `op` `iters` times on this thread; the wall time. (The same loop as
/// [`on_two_threads`], so the two figures compare.)
fn on_one_thread(iters: u64, op: &impl Fn()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        op();
    }
    start.elapsed()
}

/// Runs `op` `iters` times on this thread and on a second one at once; the wall time.
fn on_two_threads(iters: u64, op: &(impl Fn() + Sync)) -> Duration {
    std::thread::scope(|scope| {
        let start = Instant::now();
        scope.spawn(|| {
            for _ in 0..iters {
                op();
            }
        });
        for _ in 0..iters {
            op();
        }
        // The scope joins the second thread before returning.
        start
    })
    .elapsed()
}

fn environment(c: &mut Criterion) {
    let provider = EnvironmentProvider::new(Env::from_map([
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        ("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLE"),
    ]));
    c.bench_function("environment/resolve", |b| b.iter(|| black_box(provider.load())));
}

fn chain_failure(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let env = Env::from_map([
        ("HOME", "/home/nobody".to_owned()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("http://{closed}")),
    ]);
    let chain = DefaultChainBuilder::new(env, Fs::from_map::<&str, &str>([])).build();
    let mut group = c.benchmark_group("chain");
    group.sample_size(20).measurement_time(Duration::from_secs(5));
    group.bench_function("nothing_configured_fails_with_explanation", |b| {
        b.iter(|| {
            let e = runtime.block_on(chain.provide_credentials()).unwrap_err();
            assert_eq!(e.attempts().len(), 5);
            black_box(e)
        });
    });
    group.finish();
}

criterion_group!(benches, cached_read, environment, chain_failure);
criterion_main!(benches);
