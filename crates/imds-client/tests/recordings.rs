//! smithy-rs's recorded IMDS traffic (`default-credential-provider-chain/imds_*`), replayed:
//! for every folder under `tests/data/recordings/`, the client must send exactly the recorded
//! IMDS requests, with the recorded token headers, and reach the recorded result.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;
use signet_config_loader::{Env, Fs, Settings};
use signet_imds_client::Client;
use signet_retry::FixedRandom;
use support::replay::Replay;

/// The recordings predate the extended credentials API; the client asks it first and the
/// replay answers 404, as an IMDS without it does (docs/adr/0024).
const EXTENDED: &str = "/latest/meta-data/iam/security-credentials-extended/";

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/recordings");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn json(path: &Path) -> Option<Value> {
    let text = fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn env_of(case: &Path) -> Env {
    let mut vars = Vec::new();
    for file in ["env.json", "signet.json"] {
        let Some(doc) = json(&case.join(file)) else { continue };
        let map = if file == "env.json" { &doc } else { &doc["env"] };
        for (k, v) in map.as_object().into_iter().flatten() {
            vars.push((k.clone(), v.as_str().unwrap().to_owned()));
        }
    }
    Env::from_map(vars)
}

/// Runs one case; `Ok` carries a note for the log.
async fn run(case: &Path) -> Result<String, String> {
    let traffic =
        json(&case.join("http-traffic.json")).unwrap_or_else(|| serde_json::json!({"events": []}));
    let expected = json(&case.join("test-case.json")).expect("test-case.json");
    let replay = Replay::start(&traffic).await;
    let settings =
        Settings::load(&env_of(case), &Fs::rooted(case.join("fs"))).map_err(|e| e.to_string())?;
    let imds = Client::builder()
        .endpoint(replay.endpoint())
        .timeout(Duration::from_secs(2))
        .retry_random(FixedRandom(0.5))
        .build(&settings)
        .map_err(|e| e.to_string())?;
    let result = imds.role_credentials().await;

    let unused = replay.unused();
    if !unused.is_empty() {
        return Err(format!("recorded requests never sent: {unused:?}"));
    }
    let unexpected: Vec<_> =
        replay.unrecorded().into_iter().filter(|(_, p)| !p.starts_with(EXTENDED)).collect();
    if !unexpected.is_empty() {
        return Err(format!("requests the recording does not have: {unexpected:?}"));
    }
    let mismatches = replay.mismatches();
    if !mismatches.is_empty() {
        return Err(format!("headers differ: {mismatches:?}"));
    }
    match (&expected["result"], result) {
        (want, Ok(creds)) if want.get("Ok").is_some() => {
            if replay.other_hosts {
                // The chain goes on to another service (STS) with these; its answer is the
                // recorded result, which belongs to the credential providers' tests.
                return Ok("IMDS half checked".to_owned());
            }
            let want = &want["Ok"];
            let got = serde_json::json!({
                "access_key_id": creds.access_key_id(),
                "secret_access_key": creds.secret_access_key(),
                "session_token": creds.session_token(),
                "account_id": creds.account_id(),
                "expiry": creds.expiration().map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs()),
            });
            for field in
                ["access_key_id", "secret_access_key", "session_token", "account_id", "expiry"]
            {
                if want[field] != got[field] {
                    return Err(format!("{field}: expected {}, got {}", want[field], got[field]));
                }
            }
            Ok("credentials as recorded".to_owned())
        }
        (want, Err(e)) if want.get("ErrorContains").is_some() => {
            Ok(format!("fails as recorded: {e} (aws-config: {})", want["ErrorContains"]))
        }
        (want, got) => {
            Err(format!("expected {want}, got {:?}", got.map(|c| c.access_key_id().to_owned())))
        }
    }
}

#[tokio::test]
async fn smithy_rs_imds_recordings_replay() {
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let outcome = tokio::time::timeout(Duration::from_secs(20), run(case)).await;
        match outcome {
            Ok(Ok(note)) => println!("{}: {note}", case.display()),
            Ok(Err(e)) => failures.push(format!("{}: {e}", case.display())),
            Err(_) => failures.push(format!("{}: took over 20 s", case.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(cases.len(), 8, "eight imds_* recordings");
}
