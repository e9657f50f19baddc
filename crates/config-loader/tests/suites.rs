//! The AWS SDKs' shared config-file suites, run from `tests/data/` by walking its folders: every
//! `.json` file in `parser/` and `file-location/` is a suite, every entry of its `tests` array a
//! case. Adding a vector means adding a file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use signet_config_loader::{Env, FileKind, FileLocations, Platform, ProfileSet};

fn suites(folder: &str) -> Vec<(PathBuf, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no suites in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let json: Value = serde_json::from_str(&text).unwrap();
            (path, json)
        })
        .collect()
}

fn cases(suite: &Value) -> &Vec<Value> {
    suite["tests"].as_array().expect("a suite has a `tests` array")
}

type Flat = BTreeMap<String, BTreeMap<String, String>>;

fn expected_map(value: &Value) -> Flat {
    value
        .as_object()
        .map(|sections| {
            sections
                .iter()
                .map(|(name, props)| {
                    let props = props
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                        .collect();
                    (name.clone(), props)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn flatten<'a>(sections: impl Iterator<Item = &'a signet_config_loader::Section>) -> Flat {
    sections
        .map(|s| {
            let props =
                s.properties().map(|p| (p.key().to_owned(), p.value().to_owned())).collect();
            (s.name().to_owned(), props)
        })
        .collect()
}

fn parse_case(input: &Value) -> Result<ProfileSet, signet_config_loader::Error> {
    let mut set = ProfileSet::new();
    if let Some(text) = input["configFile"].as_str() {
        set.add_file(FileKind::Config, Some(Path::new("config")), text)?;
    }
    if let Some(text) = input["credentialsFile"].as_str() {
        set.add_file(FileKind::Credentials, Some(Path::new("credentials")), text)?;
    }
    Ok(set)
}

#[test]
fn profile_parser_suite() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (path, suite) in suites("parser") {
        for case in cases(&suite) {
            let name = format!("{} / {}", path.display(), case["name"].as_str().unwrap());
            let output = &case["output"];
            match (parse_case(&case["input"]), output["errorContaining"].as_str()) {
                (Ok(set), None) => {
                    let config = &output["config"];
                    let expected = expected_map(&config["profiles"]);
                    let actual = flatten(set.profiles());
                    if expected != actual {
                        failures.push(format!(
                            "{name}: profiles\n  expected {expected:?}\n  actual   {actual:?}"
                        ));
                    }
                    if !config["sso_sessions"].is_null() {
                        let expected = expected_map(&config["sso_sessions"]);
                        let actual = flatten(set.sso_sessions());
                        if expected != actual {
                            failures.push(format!("{name}: sso_sessions\n  expected {expected:?}\n  actual   {actual:?}"));
                        }
                    }
                }
                (Ok(set), Some(wanted)) => {
                    failures.push(format!(
                        "{name}: expected an error containing {wanted:?}, parsed {set:?}"
                    ));
                }
                (Err(err), Some(wanted)) => {
                    if !err.to_string().contains(wanted) {
                        failures.push(format!("{name}: error {err} does not contain {wanted:?}"));
                    }
                    assert_eq!(err.kind(), signet_config_loader::ErrorKind::Syntax, "{name}");
                    assert!(err.line().is_some(), "{name}: a syntax error names its line");
                }
                (Err(err), None) => failures.push(format!("{name}: unexpected error {err}")),
            }
            ran += 1;
        }
    }
    println!("profile parser: {ran} cases, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ran >= 65, "expected the 65 official cases, ran {ran}");
}

#[test]
fn file_location_suite() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (path, suite) in suites("file-location") {
        for case in cases(&suite) {
            let name = format!("{} / {}", path.display(), case["name"].as_str().unwrap());
            let platform = match case["platform"].as_str() {
                Some("windows") => Platform::Windows,
                Some("linux" | "macos") => Platform::Unix,
                other => panic!("{name}: unknown platform {other:?}"),
            };
            let env = Env::from_map(
                case["environment"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())),
            );
            let locations = FileLocations::resolve(&env, platform);
            let actual = (
                locations.config_file().and_then(Path::to_str),
                locations.credentials_file().and_then(Path::to_str),
            );
            let expected = (case["configLocation"].as_str(), case["credentialsLocation"].as_str());
            if actual != expected {
                failures.push(format!("{name}: expected {expected:?}, got {actual:?}"));
            }
            if let Some(profile) = case["profile"].as_str() {
                if locations.profile() != profile {
                    failures.push(format!("{name}: profile {profile} != {}", locations.profile()));
                }
            }
            ran += 1;
        }
    }
    println!("file locations: {ran} cases, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ran >= 9, "expected the 9 official cases, ran {ran}");
}
