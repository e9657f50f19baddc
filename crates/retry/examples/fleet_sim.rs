//! A fleet of clients against a service that throttles for a while, simulated with the real
//! retry strategies. `cargo xtask sim-retry` runs it and draws the chart; run it directly for
//! the raw numbers:
//!
//! ```text
//! cargo run --release -p signet-retry --example fleet_sim -- [--seed N] [--clients N]
//!     [--throttle-s S] [--max-attempts N] [--error throttling|unavailable]
//! ```
//!
//! Model (docs/adr/0017): every client sends one call at t = 0 (a fleet-wide trigger: a
//! deploy, a cron tick, a cache expiry). Every request sent before `throttle-s` gets the
//! error (`ThrottlingException`, or `503 ServiceUnavailable`), every later one succeeds.
//! Each client has its own strategy, so its own retry quota and its own random sequence,
//! derived from the seed. Responses are instantaneous. Output is CSV on stdout: `series`
//! lines with the requests sent per 100 ms, then `summary` lines.
// This program's job is to print its results (and its usage errors).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use signet_retry::{
    Decision, FixedRandom, ManualClock, MaxAttempts, Response, RetryConfig, RetryMode, RetrySpec,
    RetryStrategy, SeededRandom,
};

struct Args {
    seed: u64,
    clients: u32,
    throttle: Duration,
    max_attempts: MaxAttempts,
    unavailable: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seed: 2026,
        clients: 10_000,
        throttle: Duration::from_secs(10),
        max_attempts: MaxAttempts::DEFAULT,
        unavailable: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--seed" => args.seed = value.parse().map_err(|e| bad(&e))?,
            "--clients" => args.clients = value.parse().map_err(|e| bad(&e))?,
            "--throttle-s" => {
                let s: f64 = value.parse().map_err(|e| bad(&e))?;
                args.throttle = Duration::try_from_secs_f64(s).map_err(|e| bad(&e))?;
            }
            "--max-attempts" => args.max_attempts = value.parse().map_err(|e| bad(&e))?,
            "--error" => {
                args.unavailable = match value.as_str() {
                    "throttling" => false,
                    "unavailable" => true,
                    _ => return Err(bad(&"expected `throttling` or `unavailable`")),
                }
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

/// What one policy did to the service.
#[derive(Default)]
struct Run {
    /// Requests sent per 100 ms bucket: (all, retries only).
    buckets: BTreeMap<u64, (u64, u64)>,
    total: u64,
    succeeded: u64,
    drained: Duration,
}

fn simulate(args: &Args, name: &str, client: &dyn Fn(u32, &ManualClock) -> RetryStrategy) -> Run {
    let mut run = Run::default();
    let error = if args.unavailable {
        Response::new(503).with_error_code("ServiceUnavailable")
    } else {
        Response::new(400).with_error_code("ThrottlingException")
    };
    for i in 0..args.clients {
        let clock = ManualClock::default();
        let strategy = client(i, &clock);
        let mut call = strategy.start_call();
        let mut t = Duration::ZERO;
        loop {
            // Adaptive mode's rate limiter may hold the send back.
            clock.set(t);
            t = t.saturating_add(call.before_attempt());
            clock.set(t);
            let bucket = u64::try_from(t.as_millis() / 100).unwrap_or(u64::MAX);
            let slot = run.buckets.entry(bucket).or_default();
            slot.0 += 1;
            if call.attempt() > 1 {
                slot.1 += 1;
            }
            run.total += 1;
            run.drained = run.drained.max(t);
            let response = if t < args.throttle { error } else { Response::new(200) };
            match call.after_attempt(&response.into()) {
                Decision::Retry(delay) => t = t.saturating_add(delay),
                Decision::Success => {
                    run.succeeded += 1;
                    break;
                }
                _ => break,
            }
        }
    }
    for (bucket, (all, retries)) in &run.buckets {
        println!("series,{name},{bucket},{all},{retries}");
    }
    run
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fleet_sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config =
        |mode, spec| RetryConfig::new(mode).with_spec(spec).with_max_attempts(args.max_attempts);
    let standard = |spec| config(RetryMode::Standard, spec);
    // One random sequence per client, all derived from the seed.
    let rng =
        |i: u32| SeededRandom::new(args.seed ^ u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    type Client<'a> = Box<dyn Fn(u32, &ManualClock) -> RetryStrategy + 'a>;
    let policies: [(&str, Client<'_>); 4] = [
        (
            "no jitter",
            Box::new(|_, _| {
                RetryStrategy::new(standard(RetrySpec::V2_0)).with_random(FixedRandom(1.0))
            }),
        ),
        (
            "standard 2.0",
            Box::new(|i, _| RetryStrategy::new(standard(RetrySpec::V2_0)).with_random(rng(i))),
        ),
        (
            "standard 2.1",
            Box::new(|i, _| RetryStrategy::new(standard(RetrySpec::V2_1)).with_random(rng(i))),
        ),
        (
            "adaptive 2.0",
            Box::new(|i, clock| {
                RetryStrategy::new(config(RetryMode::Adaptive, RetrySpec::V2_0))
                    .with_random(rng(i))
                    .with_clock(clock.clone())
            }),
        ),
    ];
    println!("kind,policy,bucket_100ms,requests,retries");
    let runs: Vec<(&str, Run)> = policies
        .iter()
        .map(|(name, client)| (*name, simulate(&args, name, client.as_ref())))
        .collect();
    println!(
        "kind,policy,peak_requests_per_100ms,peak_retries_per_100ms,total_requests,succeeded,clients,drain_s"
    );
    for (name, run) in &runs {
        let peak_all = run.buckets.values().map(|b| b.0).max().unwrap_or(0);
        let peak_retries = run.buckets.values().map(|b| b.1).max().unwrap_or(0);
        println!(
            "summary,{name},{peak_all},{peak_retries},{},{},{},{:.3}",
            run.total,
            run.succeeded,
            args.clients,
            run.drained.as_secs_f64()
        );
    }
    println!(
        "params,seed={},clients={},throttle_s={},max_attempts={},error={}",
        args.seed,
        args.clients,
        args.throttle.as_secs_f64(),
        args.max_attempts,
        if args.unavailable { "unavailable" } else { "throttling" }
    );
    ExitCode::SUCCESS
}
