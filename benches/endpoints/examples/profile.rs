//! A loop to profile one workload: `cargo run --release --example profile -- s3|ap|sts [n]`.
use signet_endpoint_resolver::RuleSet;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("s3", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let compile = std::time::Instant::now();
    RuleSet::s3().unwrap();
    println!("compiling the S3 rule set: {:?}", compile.elapsed());
    let (rules, bucket) = match which {
        "sts" => (RuleSet::sts().unwrap(), None),
        "ap" => (
            RuleSet::s3().unwrap(),
            Some("arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint"),
        ),
        _ => (RuleSet::s3().unwrap(), Some("my-bucket")),
    };
    let mut params = rules.params();
    params.set("Region", "us-west-2").unwrap();
    if let Some(b) = bucket {
        params.set("Bucket", b).unwrap();
    }
    // Alternate with another region so that every resolution is evaluated, not cached.
    let mut other = params.clone();
    other.set("Region", "eu-central-1").unwrap();
    // The best of five rounds, to see through other load on the machine.
    let mut best = std::time::Duration::MAX;
    let mut total = 0;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        for i in 0..n {
            let p = if i % 2 == 0 { &params } else { &other };
            total += rules.resolve(std::hint::black_box(p)).unwrap().url().len();
        }
        best = best.min(start.elapsed() / n as u32);
    }
    println!("{which}: {best:?} per resolve ({total})");
}
