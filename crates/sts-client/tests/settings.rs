//! `StsClient::from_settings`: region, endpoint, FIPS, dual-stack and the legacy global
//! endpoint come from the config loader (injected environment and files, never the real ones).

use signet_config_loader::{Env, Fs, Settings};
use signet_sts_client::{ErrorKind, StsClient};

fn client(env: &[(&str, &str)], config: &str) -> Result<StsClient, signet_sts_client::Error> {
    let mut vars = vec![("HOME", "/home/me")];
    vars.extend_from_slice(env);
    let fs = Fs::from_map([("/home/me/.aws/config", config)]);
    let settings = Settings::load(&Env::from_map(vars), &fs).unwrap();
    StsClient::from_settings(&settings)?.build()
}

/// Environment, config file, expected endpoint, expected signing region.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str, &'a str);

#[test]
fn endpoints_follow_the_settings() {
    let cases: &[Case<'_>] = &[
        (&[("AWS_REGION", "eu-west-1")], "", "https://sts.eu-west-1.amazonaws.com/", "eu-west-1"),
        (
            &[],
            "[default]\nregion = ap-south-1\n",
            "https://sts.ap-south-1.amazonaws.com/",
            "ap-south-1",
        ),
        (
            &[("AWS_REGION", "eu-west-1"), ("AWS_STS_REGIONAL_ENDPOINTS", "legacy")],
            "",
            "https://sts.amazonaws.com/",
            "us-east-1",
        ),
        (
            &[("AWS_REGION", "eu-south-2")],
            "[default]\nsts_regional_endpoints = legacy\n",
            "https://sts.eu-south-2.amazonaws.com/",
            "eu-south-2",
        ),
        (
            &[("AWS_REGION", "us-east-2"), ("AWS_USE_FIPS_ENDPOINT", "true")],
            "",
            "https://sts-fips.us-east-2.amazonaws.com/",
            "us-east-2",
        ),
        (
            &[("AWS_REGION", "us-east-2"), ("AWS_USE_DUALSTACK_ENDPOINT", "true")],
            "",
            "https://sts.us-east-2.api.aws/",
            "us-east-2",
        ),
        (&[("AWS_REGION", "aws-global")], "", "https://sts.amazonaws.com/", "us-east-1"),
        (
            &[("AWS_REGION", "us-west-2"), ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566")],
            "",
            "http://127.0.0.1:4566/",
            "us-west-2",
        ),
        (
            &[("AWS_REGION", "us-west-2"), ("AWS_ENDPOINT_URL", "http://localhost:5000/base")],
            "",
            "http://localhost:5000/base",
            "us-west-2",
        ),
        (
            &[("AWS_REGION", "us-west-2")],
            "[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:9000\n",
            "http://127.0.0.1:9000/",
            "us-west-2",
        ),
        (
            &[
                ("AWS_REGION", "us-west-2"),
                ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ],
            "",
            "https://sts.us-west-2.amazonaws.com/",
            "us-west-2",
        ),
    ];
    for (env, config, url, signing_region) in cases {
        let c = client(env, config).unwrap_or_else(|e| panic!("{env:?}: {e}"));
        assert_eq!(c.endpoint_url(), *url, "{env:?} {config:?}");
        assert_eq!(c.signing_region(), *signing_region, "{env:?} {config:?}");
        assert_eq!(c.signing_name(), "sts");
    }
}

#[test]
fn a_default_region_serves_when_none_is_set() {
    let settings = |env: &[(&str, &str)]| {
        Settings::load(&Env::from_map(env.iter().copied()), &Fs::from_map::<&str, &str>([]))
            .unwrap()
    };
    let none = settings(&[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")]);
    let c =
        StsClient::from_settings_with_default_region(&none, "us-east-1").unwrap().build().unwrap();
    assert_eq!((c.region(), c.endpoint_url()), ("us-east-1", "https://sts.amazonaws.com/"));
    let set = settings(&[("AWS_REGION", "eu-central-1")]);
    let c =
        StsClient::from_settings_with_default_region(&set, "us-east-1").unwrap().build().unwrap();
    assert_eq!(c.endpoint_url(), "https://sts.eu-central-1.amazonaws.com/");
}

#[test]
fn unusable_settings_are_configuration_errors() {
    let err = client(&[], "").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert!(err.to_string().contains("no region"), "{err}");

    let fips_and_custom = [
        ("AWS_REGION", "us-east-1"),
        ("AWS_USE_FIPS_ENDPOINT", "true"),
        ("AWS_ENDPOINT_URL_STS", "https://example.com"),
    ];
    let err = client(&fips_and_custom, "").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert!(
        err.to_string()
            .ends_with("Invalid Configuration: FIPS and custom endpoint are not supported"),
        "{err}"
    );

    let err = client(&[("AWS_REGION", "us-east-1"), ("AWS_MAX_ATTEMPTS", "0")], "").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert!(err.to_string().contains("AWS_MAX_ATTEMPTS"), "{err}");

    let err =
        client(&[("AWS_REGION", "us-east-1"), ("AWS_STS_REGIONAL_ENDPOINTS", "sometimes")], "")
            .unwrap_err();
    assert!(err.to_string().contains("AWS_STS_REGIONAL_ENDPOINTS"), "{err}");

    let err = client(&[("AWS_REGION", "us-east-1"), ("AWS_ENDPOINT_URL_STS", "ftp://files")], "")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration, "{err}");
}
