//! The smithy-rs credential-chain scenario folders, seen from the settings side. Each folder
//! under `tests/data/scenarios/<suite>/<case>/` has `env.json` (the whole environment), a fake
//! file system `fs/` mounted at `/`, `test-case.json` and, where the case talks to STS, its
//! recorded `http-traffic.json`. For every case the settings must load through the injected
//! `Env` and `Fs` (or fail to parse where the case says so); where STS was called, the
//! recorded STS URL must follow from the resolved endpoint URL, region, FIPS and dual-stack
//! settings.

use std::path::{Path, PathBuf};

use serde_json::Value;
use signet_config_loader::{Env, ErrorKind, Fs, Loader, Platform, Settings};

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scenarios");
    let mut cases = Vec::new();
    for suite in std::fs::read_dir(root).unwrap() {
        for case in std::fs::read_dir(suite.unwrap().path()).unwrap() {
            cases.push(case.unwrap().path());
        }
    }
    cases.sort();
    cases
}

/// The URI of the first recorded POST (the STS call), if any.
fn first_post(case: &Path) -> Option<String> {
    let traffic = case.join("http-traffic.json");
    if !traffic.exists() {
        return None;
    }
    read_json(&traffic)["events"].as_array().unwrap().iter().find_map(|event| {
        let request = &event["action"]["Request"]["request"];
        (request["method"] == "POST").then(|| request["uri"].as_str().unwrap().to_owned())
    })
}

fn expected_sts_uri(settings: &Settings) -> String {
    if let Some(url) = settings.endpoint_url("STS").unwrap() {
        return url.value;
    }
    let region = settings.region().unwrap().expect("an STS call needs a region").value;
    let fips = if settings.use_fips().unwrap().value { "-fips" } else { "" };
    let dns = if settings.use_dual_stack().unwrap().value { "api.aws" } else { "amazonaws.com" };
    format!("https://sts{fips}.{region}.{dns}/")
}

#[test]
fn scenario_settings() {
    let (mut loaded, mut refused, mut sts_checked) = (0, 0, 0);
    for case in case_dirs() {
        let name = case.display();
        let env: Vec<(String, String)> = read_json(&case.join("env.json"))
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let result = read_json(&case.join("test-case.json"))["result"].clone();
        let parse_error = result["ErrorContains"] == "could not parse profile file";
        let loader = Loader::new(Env::from_map(env), Fs::rooted(case.join("fs")));
        match loader.platform(Platform::Unix).load() {
            Err(err) => {
                assert!(parse_error, "{name}: unexpected error {err}");
                assert_eq!(err.kind(), ErrorKind::Syntax, "{name}");
                assert_eq!(err.path(), Some(Path::new("/home/.aws/config")), "{name}");
                refused += 1;
            }
            Ok(settings) => {
                assert!(!parse_error, "{name}: expected a parse error");
                settings.region().unwrap();
                settings.retry_mode().unwrap();
                settings.max_attempts().unwrap();
                settings.imds().unwrap();
                let _ = settings.check();
                if let Some(uri) = first_post(&case) {
                    let expected = expected_sts_uri(&settings);
                    assert!(
                        uri.starts_with(&expected),
                        "{name}: STS at {uri}, settings say {expected}"
                    );
                    sts_checked += 1;
                }
                loaded += 1;
            }
        }
    }
    println!(
        "scenarios: {loaded} loaded, {refused} refused as expected, {sts_checked} STS URLs checked"
    );
    assert_eq!(refused, 1);
    assert!(loaded >= 49 && sts_checked >= 14);
}
