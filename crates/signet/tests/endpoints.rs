//! Endpoints and signing schemes as the facade resolves them: the STS and S3 rule sets
//! (virtual-hosted buckets, multi-region access points signed with SigV4a), the partitions for
//! other services (FIPS, dual-stack, China), and custom endpoints by precedence.

use std::time::Duration;

use signet::config::{Env, Fs};
use signet::sigv4::Credentials;
use signet::{ConfigLoader, ErrorKind, Method, Service};

/// Environment variables of one case.
type Vars<'a> = &'a [(&'a str, &'a str)];

async fn config(env: &[(&str, &str)]) -> signet::Config {
    ConfigLoader::with_env(Env::from_map(env.iter().copied()), Fs::from_map::<&str, &str>([]))
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG"))
        .load()
        .await
        .unwrap()
}

#[tokio::test]
async fn endpoints_by_service_and_settings() {
    let dynamodb = Service::new("dynamodb");
    let (sts, s3) = (Service::STS, Service::S3);
    let cases: Vec<(Vars<'_>, &Service, &str)> = vec![
        (&[("AWS_REGION", "eu-west-1")], &sts, "https://sts.eu-west-1.amazonaws.com"),
        (&[("AWS_REGION", "us-west-2")], &s3, "https://s3.us-west-2.amazonaws.com"),
        (&[("AWS_REGION", "eu-west-1")], &dynamodb, "https://dynamodb.eu-west-1.amazonaws.com"),
        (
            &[("AWS_REGION", "cn-north-1")],
            &dynamodb,
            "https://dynamodb.cn-north-1.amazonaws.com.cn",
        ),
        (
            &[("AWS_REGION", "us-east-2"), ("AWS_USE_FIPS_ENDPOINT", "true")],
            &dynamodb,
            "https://dynamodb-fips.us-east-2.amazonaws.com",
        ),
        (
            &[("AWS_REGION", "us-east-2"), ("AWS_USE_DUALSTACK_ENDPOINT", "true")],
            &dynamodb,
            "https://dynamodb.us-east-2.api.aws",
        ),
        (
            &[("AWS_REGION", "us-east-1"), ("AWS_STS_REGIONAL_ENDPOINTS", "legacy")],
            &sts,
            "https://sts.amazonaws.com",
        ),
        (
            &[("AWS_REGION", "us-east-1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/")],
            &dynamodb,
            "http://127.0.0.1:4566",
        ),
        (
            &[
                ("AWS_REGION", "us-east-1"),
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
            ],
            &dynamodb,
            "http://127.0.0.1:8000",
        ),
    ];
    for (env, service, expected) in cases {
        let client = config(env).await.client();
        assert_eq!(
            client.endpoint_url(service).unwrap(),
            expected,
            "{env:?} {}",
            service.signing_name()
        );
    }
}

#[tokio::test]
async fn a_bucket_parameter_goes_where_the_s3_rules_put_it() {
    let config = config(&[("AWS_REGION", "us-west-2")]).await;
    let url = config
        .client()
        .request(&Service::S3, Method::GET, "/report.csv")
        .endpoint_param("Bucket", "my-bucket")
        .presign(Duration::from_secs(60))
        .await
        .unwrap();
    assert!(url.starts_with("https://my-bucket.s3.us-west-2.amazonaws.com/report.csv?"), "{url}");
    assert!(url.contains("X-Amz-Algorithm=AWS4-HMAC-SHA256"), "{url}");
    assert!(url.contains("%2Fus-west-2%2Fs3%2Faws4_request"), "{url}");
}

#[tokio::test]
async fn a_multi_region_access_point_is_signed_with_sigv4a() {
    let config = config(&[("AWS_REGION", "us-west-2")]).await;
    let url = config
        .client()
        .request(&Service::S3, Method::GET, "/report.csv")
        .endpoint_param("Bucket", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap")
        .presign(Duration::from_secs(60))
        .await
        .unwrap();
    assert!(
        url.starts_with(
            "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/report.csv?"
        ),
        "{url}"
    );
    assert!(url.contains("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"), "{url}");
    assert!(url.contains("X-Amz-Region-Set=%2A"), "{url}");
}

#[tokio::test]
async fn misuse_is_an_invalid_request() {
    let config = config(&[("AWS_REGION", "us-east-1")]).await;
    let client = config.client();
    let no_slash = client.request(&Service::STS, Method::GET, "no-slash").send().await.unwrap_err();
    assert_eq!(no_slash.kind(), ErrorKind::InvalidRequest);
    let unknown = client
        .request(&Service::STS, Method::GET, "/")
        .endpoint_param("NoSuchParameter", true)
        .presign(Duration::from_secs(60))
        .await
        .unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::InvalidRequest);
    let no_rules = client
        .request(&Service::new("dynamodb"), Method::GET, "/")
        .endpoint_param("Bucket", "b")
        .presign(Duration::from_secs(60))
        .await
        .unwrap_err();
    assert_eq!(no_rules.kind(), ErrorKind::InvalidRequest);
    let bad_header = client
        .request(&Service::STS, Method::GET, "/")
        .header("bad header", "x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(bad_header.kind(), ErrorKind::InvalidRequest);
    let too_long =
        client.presign(&Service::STS, Method::GET, "/", Duration::from_secs(8 * 86_400)).await;
    assert_eq!(too_long.unwrap_err().kind(), ErrorKind::Signing);
}
