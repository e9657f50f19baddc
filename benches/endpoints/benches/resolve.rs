//! signet-endpoint-resolver against aws-sdk-sts / aws-sdk-s3's generated `DefaultResolver`,
//! on the same parameters, built once outside the timed loop on both sides.
//!
//! Each workload is measured twice: repeating one parameter set (the generated resolvers
//! keep the last result, and so does signet) and alternating two sets that differ in the
//! region (every call evaluates the rules). Ratios: docs/adr/0021.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use aws_smithy_runtime_api::client::endpoint::EndpointFuture;
use aws_smithy_types::endpoint::Endpoint;
use criterion::{Criterion, criterion_group, criterion_main};
use signet_endpoint_resolver::{Params, RuleSet};

/// The generated resolvers return a future that is always ready.
fn ready(fut: EndpointFuture<'_>) -> Endpoint {
    let mut fut = pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result.expect("the AWS resolver failed"),
        Poll::Pending => panic!("the AWS resolver did not answer at once"),
    }
}

/// Benchmarks one workload on both sides after checking that both give the same URL.
/// `theirs(i)` resolves the AWS parameter set `i` (0 or 1).
fn compare(
    c: &mut Criterion,
    name: &str,
    peer: &str,
    rules: &RuleSet,
    ours: [&Params<'_>; 2],
    theirs: impl Fn(usize) -> Endpoint,
) {
    for (i, params) in ours.iter().enumerate() {
        assert_eq!(rules.resolve(params).unwrap().url(), theirs(i).url(), "{name} set {i}");
    }
    let mut group = c.benchmark_group(name);
    group.bench_function("signet", |b| b.iter(|| rules.resolve(black_box(ours[0])).unwrap()));
    group.bench_function(peer, |b| b.iter(|| theirs(black_box(0))));
    group.bench_function("signet-alternating", |b| {
        b.iter(|| {
            (rules.resolve(black_box(ours[0])).unwrap(), rules.resolve(black_box(ours[1])).unwrap())
        })
    });
    group.bench_function(format!("{peer}-alternating"), |b| {
        b.iter(|| (theirs(black_box(0)), theirs(black_box(1))))
    });
    group.finish();
}

const REGIONS: [&str; 2] = ["us-west-2", "eu-central-1"];

fn sts(c: &mut Criterion, name: &str, fips: bool, dual_stack: bool) {
    use aws_sdk_sts::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
    let resolver = DefaultResolver::new();
    let their: Vec<Params> = REGIONS
        .iter()
        .map(|region| {
            Params::builder()
                .region(*region)
                .use_fips(fips)
                .use_dual_stack(dual_stack)
                .use_global_endpoint(false)
                .build()
                .unwrap()
        })
        .collect();
    let rules = RuleSet::sts().unwrap();
    let ours: Vec<_> = REGIONS
        .iter()
        .map(|region| {
            let mut p = rules.params();
            p.set("Region", *region).unwrap();
            p.set("UseFIPS", fips).unwrap().set("UseDualStack", dual_stack).unwrap();
            p.set("UseGlobalEndpoint", false).unwrap();
            p
        })
        .collect();
    compare(c, name, "aws-sdk-sts", rules, [&ours[0], &ours[1]], |i| {
        ready(resolver.resolve_endpoint(&their[i]))
    });
}

fn s3(c: &mut Criterion, name: &str, bucket: &str) {
    use aws_sdk_s3::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
    let resolver = DefaultResolver::new();
    let their: Vec<Params> = REGIONS
        .iter()
        .map(|region| {
            Params::builder()
                .region(*region)
                .bucket(bucket)
                .use_fips(false)
                .use_dual_stack(false)
                .accelerate(false)
                .force_path_style(false)
                .build()
                .unwrap()
        })
        .collect();
    let rules = RuleSet::s3().unwrap();
    let ours: Vec<_> = REGIONS
        .iter()
        .map(|region| {
            let mut p = rules.params();
            p.set("Region", *region).unwrap().set("Bucket", bucket).unwrap();
            p.set("UseFIPS", false).unwrap().set("UseDualStack", false).unwrap();
            p.set("Accelerate", false).unwrap().set("ForcePathStyle", false).unwrap();
            p
        })
        .collect();
    compare(c, name, "aws-sdk-s3", rules, [&ours[0], &ours[1]], |i| {
        ready(resolver.resolve_endpoint(&their[i]))
    });
}

fn benches(c: &mut Criterion) {
    sts(c, "sts-regional", false, false);
    sts(c, "sts-fips-dualstack", true, true);
    s3(c, "s3-virtual-hosted", "my-bucket");
    // The access point's region is taken from the ARN in both sets (UseArnRegion default).
    s3(c, "s3-access-point-arn", "arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint");
}

criterion_group!(resolve, benches);
criterion_main!(resolve);
