//! Where the region comes from: code, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile, the
//! instance metadata service (a loopback IMDS here), or the logged default `us-east-1`;
//! `strict_region` makes the default an error.

mod support;

use signet::config::{Env, Fs};
use signet::{ConfigLoader, ErrorKind, RegionSource};
use support::mock::{MockServer, Reply};

const CONFIG: &str = "/home/me/.aws/config";

async fn region_of(env: &[(&str, &str)], config_file: &str, code: Option<&str>) -> signet::Region {
    let mut vars = vec![("HOME", "/home/me"), ("AWS_EC2_METADATA_DISABLED", "true")];
    vars.extend_from_slice(env);
    let mut loader =
        ConfigLoader::with_env(Env::from_map(vars), Fs::from_map([(CONFIG, config_file)]));
    if let Some(region) = code {
        loader = loader.region(region);
    }
    loader.load().await.unwrap().region().clone()
}

#[tokio::test]
async fn each_source_in_order() {
    let profile = "[default]\nregion = ap-south-1\n";
    let env = [("AWS_REGION", "eu-west-1"), ("AWS_DEFAULT_REGION", "eu-west-2")];
    let cases: Vec<(&str, signet::Region)> = vec![
        ("code", region_of(&env, profile, Some("sa-east-1")).await),
        ("AWS_REGION", region_of(&env, profile, None).await),
        ("AWS_DEFAULT_REGION", region_of(&env[1..], profile, None).await),
        ("profile", region_of(&[], profile, None).await),
        ("default", region_of(&[], "[default]\n", None).await),
        ("blank AWS_REGION", region_of(&[("AWS_REGION", " ")], "", None).await),
    ];
    let got: Vec<(&str, String, String)> =
        cases.iter().map(|(case, r)| (*case, r.name.clone(), r.source.to_string())).collect();
    assert_eq!(
        got,
        [
            ("code", "sa-east-1".into(), "set in code".into()),
            ("AWS_REGION", "eu-west-1".into(), "environment variable AWS_REGION".into()),
            (
                "AWS_DEFAULT_REGION",
                "eu-west-2".into(),
                "environment variable AWS_DEFAULT_REGION".into()
            ),
            (
                "profile",
                "ap-south-1".into(),
                "`region` in [default] at /home/me/.aws/config:2".into()
            ),
            (
                "default",
                "us-east-1".into(),
                "the default (us-east-1): nothing configured one".into()
            ),
            (
                "blank AWS_REGION",
                "us-east-1".into(),
                "the default (us-east-1): nothing configured one".into()
            ),
        ]
    );
    assert_eq!(cases[4].1.source, RegionSource::Default);
}

#[tokio::test]
async fn strict_region_refuses_the_default() {
    let env = Env::from_map([("HOME", "/home/me"), ("AWS_EC2_METADATA_DISABLED", "true")]);
    let error = ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([]))
        .strict_region(true)
        .load()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert!(error.to_string().contains("no region is configured"), "{error}");
}

#[tokio::test]
async fn the_instance_metadata_service_when_nothing_else_sets_one() {
    let imds = MockServer::start(vec![
        Reply::new(200, "a-session-token").header("x-aws-ec2-metadata-token-ttl-seconds", "21600"),
        Reply::new(200, "eu-north-1"),
    ]);
    let env = Env::from_map([
        ("HOME", "/home/me".to_owned()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()),
    ]);
    let config = ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([])).load().await.unwrap();
    assert_eq!(config.region().name, "eu-north-1");
    assert_eq!(config.region().source, RegionSource::InstanceMetadata);
    let targets: Vec<_> =
        imds.requests().iter().map(|r| format!("{} {}", r.method, r.target)).collect();
    assert_eq!(targets, ["PUT /latest/api/token", "GET /latest/meta-data/placement/region"]);
}

#[tokio::test]
async fn a_blank_region_in_code_is_a_configuration_error() {
    let env = Env::from_map([("AWS_EC2_METADATA_DISABLED", "true")]);
    let loader = ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([])).region(" ");
    let error = loader.load().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert_eq!(error.to_string(), "the region set in code is blank");
}

#[tokio::test]
async fn a_bad_setting_is_a_configuration_error() {
    let env = Env::from_map([("AWS_REGION", "us-east-1"), ("AWS_MAX_ATTEMPTS", "zero")]);
    let error =
        ConfigLoader::with_env(env, Fs::from_map::<&str, &str>([])).load().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert!(error.to_string().contains("max attempts"), "{error}");
}
