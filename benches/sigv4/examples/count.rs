//! Signs one workload N times, for instruction counting under callgrind:
//! `valgrind --tool=callgrind target/release/examples/count many_headers 1000`.
use std::time::{Duration, UNIX_EPOCH};

use signet_sigv4::{Credentials, Payload, SignableRequest, Signer, SigningSettings};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("many_headers", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let mut headers = vec![("Host".to_owned(), "example.amazonaws.com".to_owned())];
    let query: String;
    let target = match which {
        // many_headers, and variants that isolate its parts: without the query, with
        // values that need no trimming, and with the query alone.
        "many_headers" | "mh_noquery" | "mh_plain" | "mh_queryonly" => {
            let n_headers = if which == "mh_queryonly" { 0 } else { 39 };
            for i in 0..n_headers {
                let name = if i % 2 == 0 { format!("X-Custom-Header-{i}") } else { format!("x-custom-header-{i}") };
                let value = if which == "mh_plain" { format!("value-with-spaces-{i}") } else { format!("  value   with    spaces {i}  ") };
                headers.push((name, value));
            }
            query = if which == "mh_noquery" {
                String::new()
            } else {
                (0..20).map(|i| format!("key%20{i}=value%2F{i}%20with%20space")).collect::<Vec<_>>().join("&")
            };
            format!("/path?{query}")
        }
        _ => {
            for (k, v) in [("X-Amz-Date", "20150830T123600Z"), ("Content-Type", "application/json"), ("X-Custom-One", "value one"), ("X-Custom-Two", "value two"), ("X-Custom-Three", "3")] {
                headers.push((k.into(), v.into()));
            }
            "/path/to/resource?Param2=b&Param1=a".to_owned()
        }
    };
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    if which == "presign" {
        // The bench's presign workload: an S3 presigned GET, UNSIGNED-PAYLOAD, 3600 s.
        let host = [("host", "examplebucket.s3.amazonaws.com")];
        let signer = Signer::new(&creds, "us-east-1", "s3", time).unwrap().with_settings(SigningSettings::S3);
        for _ in 0..n {
            let req = SignableRequest::new("GET", "/test.txt", &host, Payload::Unsigned);
            std::hint::black_box(signer.presign(&req, Duration::from_secs(3600)).unwrap());
        }
        return;
    }
    let signer = Signer::new(&creds, "us-east-1", "service", time).unwrap().with_settings(SigningSettings::DEFAULT);
    let mut last = None;
    for _ in 0..n {
        let req = SignableRequest::new("GET", &target, &pairs, Payload::Empty);
        last = Some(signer.sign_headers(&req).unwrap().signature());
    }
    println!("{:?}", last);
}
