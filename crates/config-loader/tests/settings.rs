//! Precedence of every typed setting: code over environment over file over default, the
//! credentials file over the config file, service-specific endpoints over global ones, and the
//! ignore switch. Everything runs on an injected environment and an in-memory file system.

use std::path::Path;
use std::time::Duration;

use signet_config_loader::{
    Env, ErrorKind, Fs, ImdsEndpointMode, Loader, Platform, RetryMode, Settings, Source,
    StsRegionalEndpoints,
};

const CONFIG: &str = "/h/.aws/config";
const CREDENTIALS: &str = "/h/.aws/credentials";

fn load(env: &[(&str, &str)], config: &str, credentials: &str) -> Settings {
    let mut vars = vec![("HOME", "/h")];
    vars.extend_from_slice(env);
    let fs = Fs::from_map([(CONFIG, config), (CREDENTIALS, credentials)]);
    Loader::new(Env::from_map(vars), fs).platform(Platform::Unix).load().unwrap()
}

fn env(var: &str) -> Source {
    Source::Env { var: var.to_owned() }
}

/// The file source's `(path, line, key)`, or panics.
fn file(source: &Source) -> (&Path, usize, &str) {
    match source {
        Source::File { location, key, .. } => (location.path().unwrap(), location.line(), key),
        other => panic!("expected a file source, got {other:?}"),
    }
}

#[test]
fn region_env_over_default_region_over_profile() {
    let config = "[default]\nregion = from-file\n";
    let s = load(&[("AWS_REGION", "a"), ("AWS_DEFAULT_REGION", "b")], config, "");
    assert_eq!(s.region().unwrap().unwrap(), signet_setting("a", env("AWS_REGION")));
    let s = load(&[("AWS_DEFAULT_REGION", "b")], config, "");
    assert_eq!(s.region().unwrap().unwrap(), signet_setting("b", env("AWS_DEFAULT_REGION")));
    let s = load(&[("AWS_REGION", " ")], config, "");
    let region = s.region().unwrap().unwrap();
    assert_eq!(region.value, "from-file");
    assert_eq!(file(&region.source), (Path::new(CONFIG), 2, "region"));
    assert_eq!(load(&[], "", "").region().unwrap(), None);
}

fn signet_setting(value: &str, source: Source) -> signet_config_loader::Setting<String> {
    signet_config_loader::Setting::new(value.to_owned(), source)
}

#[test]
fn code_wins_over_everything() {
    let fs = Fs::from_map([(CONFIG, "[profile p]\nregion = f\nmax_attempts = 2\n")]);
    let env = Env::from_map([("HOME", "/h"), ("AWS_REGION", "e"), ("AWS_PROFILE", "other")]);
    let s = Loader::new(env, fs)
        .platform(Platform::Unix)
        .profile("p")
        .region("c")
        .retry_mode(RetryMode::Adaptive)
        .max_attempts(9)
        .use_fips(true)
        .use_dual_stack(true)
        .app_id("app")
        .load()
        .unwrap();
    assert_eq!(s.profile_name().value, "p");
    assert_eq!(s.profile_name().source, Source::Code);
    assert_eq!(s.region().unwrap().unwrap().source, Source::Code);
    assert_eq!(s.retry_mode().unwrap().value, RetryMode::Adaptive);
    assert_eq!(s.max_attempts().unwrap().value, 9);
    assert!(s.use_fips().unwrap().value && s.use_dual_stack().unwrap().value);
    assert_eq!(s.app_id().unwrap().source, Source::Code);
}

#[test]
fn profile_selection() {
    let config = "[default]\nregion = d\n[profile dev]\nregion = x\n";
    let s = load(&[], config, "");
    assert_eq!(
        (s.profile_name().value.as_str(), &s.profile_name().source),
        ("default", &Source::Default)
    );
    assert_eq!(s.region().unwrap().unwrap().value, "d");
    let s = load(&[("AWS_PROFILE", "dev")], config, "");
    assert_eq!(s.profile_name().source, env("AWS_PROFILE"));
    assert_eq!(s.region().unwrap().unwrap().value, "x");
    // A named profile does not inherit from [default].
    let s = load(&[("AWS_PROFILE", "none")], config, "");
    assert!(s.profile().is_none());
    assert_eq!(s.region().unwrap(), None);
}

#[test]
fn credentials_file_wins_over_config_file() {
    let s = load(
        &[],
        "[default]\naws_access_key_id = config\nregion = r\n",
        "# c\n[default]\naws_access_key_id = creds\n",
    );
    let key = s.profile_value("aws_access_key_id").unwrap();
    assert_eq!(key.value, "creds");
    assert_eq!(file(&key.source), (Path::new(CREDENTIALS), 3, "aws_access_key_id"));
    assert_eq!(file(&s.profile_value("region").unwrap().source).0, Path::new(CONFIG));
}

#[test]
fn retry_settings() {
    let config = "[default]\nretry_mode = Adaptive\nmax_attempts = 5\n";
    let s = load(&[], config, "");
    assert_eq!(s.retry_mode().unwrap().value, RetryMode::Adaptive);
    assert_eq!(s.max_attempts().unwrap().value, 5);
    assert!(!s.new_retries_2026().unwrap().value);
    let s = load(
        &[
            ("AWS_RETRY_MODE", "legacy"),
            ("AWS_MAX_ATTEMPTS", "2"),
            ("AWS_NEW_RETRIES_2026", "true"),
        ],
        config,
        "",
    );
    assert_eq!(s.retry_mode().unwrap().value, RetryMode::Legacy);
    assert_eq!(s.max_attempts().unwrap().source, env("AWS_MAX_ATTEMPTS"));
    assert!(s.new_retries_2026().unwrap().value);
    let s = load(&[], "", "");
    assert_eq!(s.retry_mode().unwrap().value, RetryMode::Standard);
    assert_eq!(s.retry_mode().unwrap().source, Source::Default);
    assert_eq!(s.max_attempts().unwrap().value, 3);
}

#[test]
fn invalid_values_are_errors_naming_where() {
    let s = load(&[("AWS_MAX_ATTEMPTS", "0")], "", "");
    let err = s.max_attempts().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert!(err.to_string().contains("AWS_MAX_ATTEMPTS"), "{err}");
    let s = load(&[], "[default]\n\nmax_attempts = many\n", "");
    let err = s.max_attempts().unwrap_err();
    assert_eq!((err.path(), err.line()), (Some(Path::new(CONFIG)), Some(3)));
    assert_eq!(
        err.to_string(),
        "/h/.aws/config:3: invalid value `many` for `max_attempts` in [default]: \
         expected a whole number from 1 to 4294967295"
    );
    let s = load(&[("AWS_USE_FIPS_ENDPOINT", "yes")], "", "");
    assert_eq!(s.use_fips().unwrap_err().kind(), ErrorKind::InvalidValue);
    let s = load(&[("AWS_RETRY_MODE", "fast")], "", "");
    assert_eq!(s.retry_mode().unwrap_err().kind(), ErrorKind::InvalidValue);
}

#[test]
fn endpoint_url_precedence() {
    let config = "[profile p]\nendpoint_url = http://profile\nservices = local\n\
                  [services local]\nsts =\n  endpoint_url = http://services-sts\n\
                  elastic_beanstalk =\n  endpoint_url = http://services-eb\n";
    let p = [("AWS_PROFILE", "p")];
    let with = |extra: &[(&str, &str)]| {
        let mut vars = p.to_vec();
        vars.extend_from_slice(extra);
        load(&vars, config, "")
    };
    let all = [("AWS_ENDPOINT_URL_STS", "http://env-sts"), ("AWS_ENDPOINT_URL", "http://env")];
    // 1. service-specific env over global env.
    let s = with(&all);
    assert_eq!(
        s.endpoint_url("STS").unwrap().unwrap(),
        signet_setting("http://env-sts", env("AWS_ENDPOINT_URL_STS"))
    );
    // 2. global env over the services section.
    let s = with(&all[1..]);
    assert_eq!(s.endpoint_url("sts").unwrap().unwrap().source, env("AWS_ENDPOINT_URL"));
    // 3. the services section over the profile's endpoint_url.
    let s = with(&[]);
    let sts = s.endpoint_url("STS").unwrap().unwrap();
    assert_eq!(sts.value, "http://services-sts");
    assert_eq!(file(&sts.source), (Path::new(CONFIG), 6, "sts.endpoint_url"));
    // Service ids with spaces: env upper-case with `_`, services section snake_case.
    let eb = s.endpoint_url("Elastic Beanstalk").unwrap().unwrap();
    assert_eq!(eb.value, "http://services-eb");
    let s = with(&[("AWS_ENDPOINT_URL_ELASTIC_BEANSTALK", "http://env-eb")]);
    assert_eq!(s.endpoint_url("Elastic Beanstalk").unwrap().unwrap().value, "http://env-eb");
    // 4. the profile's endpoint_url for a service the section does not name.
    let s = with(&[]);
    let s3 = s.endpoint_url("S3").unwrap().unwrap();
    assert_eq!((s3.value.as_str(), file(&s3.source).1), ("http://profile", 2));
    // The ignore switch: env or profile, and code still wins.
    let s = with(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), all[0], all[1]]);
    assert_eq!(s.endpoint_url("STS").unwrap(), None);
    let ignoring = format!(
        "{config}[profile q]\nendpoint_url = http://q\nignore_configured_endpoint_urls = true\n"
    );
    let s = load(&[("AWS_PROFILE", "q")], &ignoring, "");
    assert_eq!(s.endpoint_url("STS").unwrap(), None);
    let s = load(&[("AWS_PROFILE", "q"), ("AWS_ENDPOINT_URL", "http://env")], &ignoring, "");
    assert_eq!(s.endpoint_url("STS").unwrap(), None);
    let fs = Fs::from_map([(CONFIG, ignoring.as_str())]);
    let env = Env::from_map([
        ("HOME", "/h"),
        ("AWS_PROFILE", "q"),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
    ]);
    let s =
        Loader::new(env, fs).platform(Platform::Unix).endpoint_url("http://code").load().unwrap();
    assert_eq!(
        s.endpoint_url("STS").unwrap().unwrap(),
        signet_setting("http://code", Source::Code)
    );
}

#[test]
fn fips_dual_stack_and_sts_endpoints() {
    let config = "[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = TRUE\nsts_regional_endpoints = legacy\n";
    let s = load(&[], config, "");
    assert!(s.use_fips().unwrap().value);
    assert!(s.use_dual_stack().unwrap().value);
    assert_eq!(s.sts_regional_endpoints().unwrap().value, StsRegionalEndpoints::Legacy);
    let s = load(
        &[
            ("AWS_USE_FIPS_ENDPOINT", "false"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
            ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
        ],
        config,
        "",
    );
    assert!(!s.use_fips().unwrap().value);
    assert_eq!(s.use_dual_stack().unwrap().source, env("AWS_USE_DUALSTACK_ENDPOINT"));
    assert_eq!(s.sts_regional_endpoints().unwrap().value, StsRegionalEndpoints::Regional);
    let s = load(&[], "", "");
    assert_eq!(s.use_fips().unwrap().source, Source::Default);
    assert_eq!(s.sts_regional_endpoints().unwrap().value, StsRegionalEndpoints::Regional);
}

#[test]
fn imds_settings() {
    let config = "[default]\nec2_metadata_v1_disabled = true\nec2_metadata_service_endpoint = http://file\n\
                  ec2_metadata_service_endpoint_mode = ipv6\nmetadata_service_timeout = 2.5\n\
                  metadata_service_num_attempts = 2\n";
    let imds = load(&[], config, "").imds().unwrap();
    assert!(!imds.disabled.value && imds.v1_disabled.value);
    assert_eq!(imds.endpoint.unwrap().value, "http://file");
    assert_eq!(imds.endpoint_mode.value, ImdsEndpointMode::IPv6);
    assert_eq!(imds.timeout.value, Duration::from_millis(2500));
    assert_eq!(imds.num_attempts.value, 2);
    let imds = load(
        &[
            ("AWS_EC2_METADATA_DISABLED", "True"),
            ("AWS_EC2_METADATA_V1_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://env"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv4"),
            ("AWS_METADATA_SERVICE_TIMEOUT", "5"),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "7"),
        ],
        config,
        "",
    )
    .imds()
    .unwrap();
    assert!(imds.disabled.value && !imds.v1_disabled.value);
    assert_eq!(imds.endpoint.unwrap().source, env("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
    assert_eq!(imds.endpoint_mode.value, ImdsEndpointMode::IPv4);
    assert_eq!(imds.timeout.value, Duration::from_secs(5));
    assert_eq!(imds.num_attempts.source, env("AWS_METADATA_SERVICE_NUM_ATTEMPTS"));
    let imds = load(&[], "", "").imds().unwrap();
    assert_eq!(imds.endpoint, None);
    assert_eq!((imds.timeout.value, imds.num_attempts.value), (Duration::from_secs(1), 4));
    assert_eq!(imds.endpoint_mode.source, Source::Default);
    let err = load(&[("AWS_METADATA_SERVICE_TIMEOUT", "-1")], "", "").imds().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
}

#[test]
fn app_id_and_raw_keys() {
    let config = "[profile r]\nsdk_ua_app_id = file-app\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\nexternal_id = ext\n";
    let s = load(&[("AWS_PROFILE", "r")], config, "");
    assert_eq!(s.app_id().unwrap().value, "file-app");
    for (key, value) in
        [("role_arn", "arn:aws:iam::1:role/x"), ("source_profile", "base"), ("external_id", "ext")]
    {
        assert_eq!(s.profile_value(key).unwrap().value, value);
    }
    assert_eq!(s.profile_value("mfa_serial"), None);
    let s = load(&[("AWS_PROFILE", "r"), ("AWS_SDK_UA_APP_ID", "env-app")], config, "");
    assert_eq!(s.app_id().unwrap().source, env("AWS_SDK_UA_APP_ID"));
}

#[test]
fn file_locations_from_env_and_missing_files() {
    let fs = Fs::from_map([("/elsewhere/c", "[profile x]\nregion = r\n")]);
    let env =
        Env::from_map([("HOME", "/h"), ("AWS_CONFIG_FILE", "/elsewhere/c"), ("AWS_PROFILE", "x")]);
    let s = Loader::new(env, fs).platform(Platform::Unix).load().unwrap();
    assert_eq!(s.region().unwrap().unwrap().value, "r");
    // No home and no files: nothing is an error.
    let s = Loader::new(Env::empty(), Fs::from_map::<&str, &str>([]))
        .platform(Platform::Unix)
        .load()
        .unwrap();
    assert!(s.locations().config_file().is_none());
    assert_eq!(s.profiles().profiles().count(), 0);
    // `~` in AWS_SHARED_CREDENTIALS_FILE expands.
    let fs = Fs::from_map([("/h/creds", "[default]\naws_access_key_id = k\n")]);
    let env = Env::from_map([("HOME", "/h"), ("AWS_SHARED_CREDENTIALS_FILE", "~/creds")]);
    let s = Loader::new(env, fs).platform(Platform::Unix).load().unwrap();
    assert_eq!(s.profile_value("aws_access_key_id").unwrap().value, "k");
}

#[test]
fn syntax_errors_name_path_and_line() {
    let fs = Fs::from_map([(CONFIG, "[default]\nregion = r\n[profile broken\n")]);
    let err = Loader::new(Env::from_map([("HOME", "/h")]), fs)
        .platform(Platform::Unix)
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.to_string(), "/h/.aws/config:3: Profile definition must end with ']'");
}

#[test]
fn unreadable_and_non_utf8_files_are_typed_errors() {
    let dir = std::env::temp_dir().join(format!("signet-config-loader-{}", std::process::id()));
    let aws = dir.join("home/.aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(aws.join("config"), b"[default]\nregion = \xff\xfe\n").unwrap();
    let env = Env::from_map([("HOME", "/home")]);
    let err =
        Loader::new(env.clone(), Fs::rooted(&dir)).platform(Platform::Unix).load().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotUtf8);
    assert_eq!(err.path(), Some(Path::new("/home/.aws/config")));
    assert!(err.to_string().starts_with("/home/.aws/config: file is not UTF-8"), "{err}");
    // A directory where the file should be cannot be read.
    std::fs::remove_file(aws.join("config")).unwrap();
    std::fs::create_dir(aws.join("config")).unwrap();
    let err = Loader::new(env, Fs::rooted(&dir)).platform(Platform::Unix).load().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Read);
    assert!(err.to_string().contains("/home/.aws/config"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn secrets_stay_out_of_debug_and_display() {
    let s = load(
        &[("AWS_SECRET_ACCESS_KEY", "env-secret-value")],
        "[default]\ncredential_process = /bin/get --password hunter2\n",
        "[default]\naws_secret_access_key = file-secret-value\naws_session_token = token-value\n",
    );
    let shown = format!(
        "{s:?} {:?} {} {:?}",
        s.profile_value("aws_secret_access_key").unwrap(),
        s.profile_value("aws_session_token").unwrap(),
        s.profile().unwrap()
    );
    for secret in ["env-secret-value", "file-secret-value", "token-value", "hunter2"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    let checked: String = s.check().iter().map(|d| d.to_string()).collect();
    assert!(!checked.contains("secret-value"));
}

#[test]
fn explain_lists_every_source_in_precedence_order() {
    let fs = Fs::from_map([(CONFIG, "[profile p]\nmax_attempts = 2\nretry_mode = adaptive\n")]);
    let env = Env::from_map([("HOME", "/h"), ("AWS_PROFILE", "p"), ("AWS_MAX_ATTEMPTS", "4")]);
    let s = Loader::new(env, fs).platform(Platform::Unix).max_attempts(6).load().unwrap();
    let explained: Vec<String> = s.explain().iter().map(ToString::to_string).collect();
    let find = |name: &str| explained.iter().find(|e| e.starts_with(name)).unwrap().clone();
    assert_eq!(find("profile"), "profile = p (environment variable AWS_PROFILE)");
    assert_eq!(
        find("max_attempts"),
        "max_attempts = 6 (set in code); it hides 4 (environment variable AWS_MAX_ATTEMPTS), \
         2 (`max_attempts` in [profile p] at /h/.aws/config:2)"
    );
    assert_eq!(
        find("retry_mode"),
        "retry_mode = adaptive (`retry_mode` in [profile p] at /h/.aws/config:3)"
    );
    assert_eq!(find("use_fips_endpoint"), "use_fips_endpoint = false (default)");
    assert_eq!(find("region"), "region is not set");
    // The winner agrees with the typed accessor.
    let max = s.explain().into_iter().find(|e| e.name == "max_attempts").unwrap();
    assert_eq!(max.winner().unwrap().source, s.max_attempts().unwrap().source);
}
