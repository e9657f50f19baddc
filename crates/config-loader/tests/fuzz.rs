//! Fuzz targets (docs/adr/0007): arbitrary text into the parser, the merger, the checker and
//! the typed accessors. Each must return `Ok` or a typed error, never panic. Run longer with
//! `cargo xtask fuzz signet-config-loader`.

use proptest::prelude::*;
use signet_config_loader::{Env, ErrorKind, FileKind, Fs, Loader, Platform, ProfileSet};

/// Fragments that exercise every rule of the format, so random lines look like config files.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "[",
        "]",
        "profile ",
        "default",
        "sso-session ",
        "services ",
        "foo",
        "s3",
        "sts",
        " ",
        "\t",
        "=",
        " = ",
        "#",
        ";",
        "\n",
        "\r\n",
        "\r",
        "region",
        "endpoint_url",
        "max_attempts",
        "source_profile",
        "role_arn",
        "services",
        "true",
        "7",
        "-",
        "é",
        "😂",
        "\u{0}",
        "in valid",
        "~",
        "%",
        "credential_source",
        "Environment",
        "sso_session",
    ])
}

fn config_like() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..80).prop_map(|parts| parts.concat())
}

fn exercise(config: &str, credentials: &str, env: Vec<(String, String)>) {
    for kind in [FileKind::Config, FileKind::Credentials] {
        let mut set = ProfileSet::new();
        match set.add_file(kind, None, config) {
            Ok(()) => {
                let lines = config.split('\n').count();
                for profile in set.profiles() {
                    for property in profile.properties() {
                        assert!(
                            property.location().line() >= 1 && property.location().line() <= lines
                        );
                    }
                }
                let _ = set.check();
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Syntax);
                assert!(e.line().is_some_and(|l| l >= 1));
                assert!(!e.to_string().is_empty());
            }
        }
    }
    let mut vars = env;
    vars.push(("HOME".into(), "/h".into()));
    let fs = Fs::from_map([("/h/.aws/config", config), ("/h/.aws/credentials", credentials)]);
    let Ok(settings) = Loader::new(Env::from_map(vars), fs).platform(Platform::Unix).load() else {
        return;
    };
    let invalid = |e: signet_config_loader::Error| assert_eq!(e.kind(), ErrorKind::InvalidValue);
    let _ = settings.region().map_err(invalid);
    let _ = settings.retry_mode().map_err(invalid);
    let _ = settings.max_attempts().map_err(invalid);
    let _ = settings.new_retries_2026().map_err(invalid);
    let _ = settings.use_fips().map_err(invalid);
    let _ = settings.use_dual_stack().map_err(invalid);
    let _ = settings.sts_regional_endpoints().map_err(invalid);
    let _ = settings.endpoint_url("STS").map_err(invalid);
    let _ = settings.endpoint_url("elastic beanstalk").map_err(invalid);
    let _ = settings.imds().map_err(invalid);
    let _ = settings.app_id();
    let _ = settings.check();
    let _ = format!("{settings:?}");
}

const VARS: &[&str] = &[
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_NEW_RETRIES_2026",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_METADATA_SERVICE_TIMEOUT",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_CONFIG_FILE",
];

fn env_vars() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((prop::sample::select(VARS), ".{0,12}"), 0..6)
        .prop_map(|v| v.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(config in ".{0,300}", credentials in ".{0,100}", env in env_vars()) {
        exercise(&config, &credentials, env);
    }

    #[test]
    fn config_like_text_never_panics(config in config_like(), credentials in config_like(), env in env_vars()) {
        exercise(&config, &credentials, env);
    }

    #[test]
    fn arbitrary_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let fs = Fs::from_map([("/h/.aws/config", bytes.clone())]);
        let env = Env::from_map([("HOME", "/h")]);
        match Loader::new(env, fs).platform(Platform::Unix).load() {
            Ok(_) => prop_assert!(std::str::from_utf8(&bytes).is_ok()),
            Err(e) => prop_assert!(matches!(e.kind(), ErrorKind::NotUtf8 | ErrorKind::Syntax)),
        }
    }
}
