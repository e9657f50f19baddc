//! A loop to profile or quickly compare fresh evaluations (every call resolved, no cached
//! result), signet against the generated AWS resolver in the same run:
//! `cargo run --release --example profile -- [sts|fips|s3|ap|all] [n] [signet|aws|both]`.
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::endpoint::EndpointFuture;
use signet_endpoint_resolver::RuleSet;

const REGIONS: [&str; 2] = ["us-west-2", "eu-central-1"];
const AP: &str = "arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint";

fn ready(fut: EndpointFuture<'_>) -> usize {
    let mut fut = pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result.expect("the AWS resolver failed").url().len(),
        Poll::Pending => panic!("the AWS resolver did not answer at once"),
    }
}

/// The best of five rounds of `n` calls alternating between the two parameter sets, so
/// that every call is evaluated; per call.
fn best(n: usize, mut call: impl FnMut(usize) -> usize) -> Duration {
    let mut best = Duration::MAX;
    let mut total = 0;
    for _ in 0..5 {
        let start = Instant::now();
        for i in 0..n {
            total += call(black_box(i % 2));
        }
        best = best.min(start.elapsed() / n as u32);
    }
    assert!(total > 0);
    best
}

fn workload(which: &str, n: usize, sides: &str) {
    let (fips, bucket) = match which {
        "sts" => (false, None),
        "fips" => (true, None),
        "ap" => (false, Some(AP)),
        _ => (false, Some("my-bucket")),
    };
    let rules = if bucket.is_some() { RuleSet::s3() } else { RuleSet::sts() }.unwrap();
    let ours: Vec<_> = REGIONS
        .iter()
        .map(|region| {
            let mut p = rules.params();
            p.set("Region", *region).unwrap();
            p.set("UseFIPS", fips).unwrap().set("UseDualStack", fips).unwrap();
            match bucket {
                Some(b) => {
                    p.set("Bucket", b).unwrap().set("Accelerate", false).unwrap();
                    p.set("ForcePathStyle", false).unwrap();
                }
                None => {
                    p.set("UseGlobalEndpoint", false).unwrap();
                }
            }
            p
        })
        .collect();
    let theirs: Box<dyn Fn(usize) -> usize> = match bucket {
        None => {
            use aws_sdk_sts::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
            let resolver = DefaultResolver::new();
            let params: Vec<Params> = REGIONS
                .iter()
                .map(|r| {
                    let b = Params::builder().region(*r).use_fips(fips).use_dual_stack(fips);
                    b.use_global_endpoint(false).build().unwrap()
                })
                .collect();
            Box::new(move |i| ready(resolver.resolve_endpoint(&params[i])))
        }
        Some(bucket) => {
            use aws_sdk_s3::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
            let resolver = DefaultResolver::new();
            let params: Vec<Params> = REGIONS
                .iter()
                .map(|r| {
                    let b = Params::builder().region(*r).bucket(bucket).use_fips(false);
                    let b = b.use_dual_stack(false).accelerate(false).force_path_style(false);
                    b.build().unwrap()
                })
                .collect();
            Box::new(move |i| ready(resolver.resolve_endpoint(&params[i])))
        }
    };
    for i in 0..2 {
        assert_eq!(rules.resolve(&ours[i]).unwrap().url().len(), theirs(i), "{which} set {i}");
    }
    let signet =
        (sides != "aws").then(|| best(n, |i| rules.resolve(&ours[i]).unwrap().url().len()));
    let aws = (sides != "signet").then(|| best(n, &theirs));
    match (signet, aws) {
        (Some(s), Some(a)) => {
            println!(
                "{which:<5} signet {s:>9?}  aws {a:>9?}  signet/aws {:.2}",
                s.as_secs_f64() / a.as_secs_f64()
            )
        }
        (s, a) => println!("{which:<5} signet {s:?}  aws {a:?}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("all", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let sides = args.get(3).map_or("both", String::as_str);
    let compile = Instant::now();
    RuleSet::s3().unwrap();
    println!("compiling the S3 rule set: {:?}", compile.elapsed());
    if which == "all" {
        for w in ["sts", "fips", "s3", "ap"] {
            workload(w, n, sides);
        }
    } else {
        workload(which, n, sides);
    }
}
