//! The four workloads of issue #3, signed by signet-sigv4 and by aws-sigv4 1.6.x, plus the
//! SHA-256 floor for the 1 MiB body. `cargo xtask bench sigv4` runs this and prints ratios.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{
    PercentEncodingMode, SignableBody, SignableRequest as AwsRequest, SignatureLocation,
    SigningSettings as AwsSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{Criterion, criterion_group, criterion_main};
use sha2::{Digest, Sha256};
use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, SigningSettings};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

struct Workload {
    name: &'static str,
    method: &'static str,
    host: &'static str,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    presign: bool,
}

fn workloads() -> Vec<Workload> {
    let small_headers = vec![
        ("Host".into(), "example.amazonaws.com".into()),
        ("X-Amz-Date".into(), "20150830T123600Z".into()),
        ("Content-Type".into(), "application/json".into()),
        ("X-Custom-One".into(), "value one".into()),
        ("X-Custom-Two".into(), "value two".into()),
        ("X-Custom-Three".into(), "3".into()),
    ];
    let mut many = vec![("Host".to_owned(), "example.amazonaws.com".to_owned())];
    for i in 0..39 {
        let name = if i % 2 == 0 { format!("X-Custom-Header-{i}") } else { format!("x-custom-header-{i}") };
        many.push((name, format!("  value   with    spaces {i}  ")));
    }
    let query: Vec<String> = (0..20).map(|i| format!("key%20{i}=value%2F{i}%20with%20space")).collect();
    vec![
        Workload {
            name: "get_small",
            method: "GET",
            host: "example.amazonaws.com",
            target: "/path/to/resource?Param2=b&Param1=a".into(),
            headers: small_headers,
            body: Vec::new(),
            presign: false,
        },
        Workload {
            name: "presign",
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            target: "/test.txt".into(),
            headers: vec![("host".into(), "examplebucket.s3.amazonaws.com".into())],
            body: Vec::new(),
            presign: true,
        },
        Workload {
            name: "many_headers",
            method: "GET",
            host: "example.amazonaws.com",
            target: format!("/path?{}", query.join("&")),
            headers: many,
            body: Vec::new(),
            presign: false,
        },
        Workload {
            name: "put_1mib",
            method: "PUT",
            host: "example.amazonaws.com",
            target: "/bucket/key".into(),
            headers: vec![("host".into(), "example.amazonaws.com".into())],
            body: (0..1 << 20).map(|i: u32| (i % 251) as u8).collect(),
            presign: false,
        },
    ]
}

fn bench(c: &mut Criterion) {
    let creds = Credentials::new(AKID, SECRET);
    let identity: Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "bench").into();
    for w in workloads() {
        let mut group = c.benchmark_group(w.name);
        let pairs: Vec<(&str, &str)> = w.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();

        // signet-sigv4
        let settings = if w.presign { SigningSettings::S3 } else { SigningSettings::DEFAULT };
        let signer = Signer::new(&creds, "us-east-1", if w.presign { "s3" } else { "service" }, time())
            .unwrap()
            .with_settings(&settings);
        group.bench_function("signet", |b| {
            b.iter(|| {
                if w.presign {
                    let req = SignableRequest::new(w.method, &w.target, &pairs, Payload::Unsigned);
                    black_box(signer.presign(&req, Duration::from_secs(3600)).unwrap());
                } else {
                    let req = SignableRequest::new(w.method, &w.target, &pairs, Payload::Bytes(&w.body));
                    black_box(signer.sign_headers(&req).unwrap());
                }
            })
        });

        // aws-sigv4
        let mut aws_settings = AwsSettings::default();
        if w.presign {
            aws_settings.signature_location = SignatureLocation::QueryParams;
            aws_settings.expires_in = Some(Duration::from_secs(3600));
            aws_settings.percent_encoding_mode = PercentEncodingMode::Single;
            aws_settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        }
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name(if w.presign { "s3" } else { "service" })
            .time(time())
            .settings(aws_settings)
            .build()
            .unwrap()
            .into();
        let url = format!("https://{}{}", w.host, w.target);
        group.bench_function("aws-sigv4", |b| {
            b.iter(|| {
                let body = if w.presign { SignableBody::UnsignedPayload } else { SignableBody::Bytes(&w.body) };
                let req = AwsRequest::new(
                    w.method,
                    &url,
                    w.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                    body,
                )
                .unwrap();
                black_box(sign(req, &params).unwrap());
            })
        });

        if !w.body.is_empty() {
            group.bench_function("sha256", |b| b.iter(|| black_box(Sha256::digest(&w.body))));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
