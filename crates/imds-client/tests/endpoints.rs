//! The official IMDS endpoint suite (smithy-rs `imds-endpoint-tests.json`): every case of
//! every `.json` file under `tests/data/endpoints/`.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use signet_config_loader::{Env, Fs, ImdsEndpointMode, Settings};
use signet_imds_client::{Client, Error, ErrorKind};

const TOKEN_PATH: &str = "/latest/api/token";

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/endpoints");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn strings(value: &Value) -> Vec<(String, String)> {
    value
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect())
        .unwrap_or_default()
}

/// The URL the token request would go to, or the error building the client gave.
fn token_url(case: &Value) -> Result<String, Error> {
    let env = Env::from_map(strings(&case["env"]));
    let fs = Fs::from_map(strings(&case["fs"]));
    // The loader checks nothing IMDS-specific at load time; a failure here is a bad case.
    let settings = Settings::load(&env, &fs).unwrap_or_else(|e| panic!("settings: {e}"));
    let mut builder = Client::builder();
    if let Some(endpoint) = case["endpoint_override"].as_str() {
        builder = builder.endpoint(endpoint);
    }
    if let Some(mode) = case["mode_override"].as_str() {
        builder = builder.endpoint_mode(mode.parse::<ImdsEndpointMode>().unwrap());
    }
    let client = builder.build(&settings)?;
    Ok(format!("{}{TOKEN_PATH}", client.endpoint()))
}

#[test]
fn official_imds_endpoint_cases() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for file in vector_files() {
        let text = fs::read_to_string(&file).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        for case in doc["tests"].as_array().unwrap() {
            ran += 1;
            let name = case["docs"].as_str().unwrap();
            let got = token_url(case);
            let expected = &case["result"];
            match (expected.get("Ok").and_then(Value::as_str), &got) {
                (Some(url), Ok(actual)) if url == actual => {}
                (Some(url), _) => failures.push(format!("{name}: expected {url}, got {got:?}")),
                (None, Err(e)) if e.kind() == ErrorKind::InvalidConfig => {
                    println!("{name}: fails as expected: {e} (smithy-rs: {})", expected["Err"]);
                }
                (None, _) => failures.push(format!(
                    "{name}: expected an InvalidConfig error like {}, got {got:?}",
                    expected["Err"]
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(ran, 14, "the suite has 14 cases");
}
