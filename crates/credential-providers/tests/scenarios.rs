//! The 50 recorded smithy-rs scenarios (`tests/data/default-provider-chain/`,
//! `profile-provider/`, `default-token-provider-chain/`), replayed from a loopback server.
//!
//! Each folder is a complete environment (`env.json`), a file system (`fs/`, mounted at `/`),
//! a recorded HTTP conversation (`http-traffic.json`) and the expected result
//! (`test-case.json`). Endpoints that the recording shows on AWS hosts or 169.254.x are first
//! checked to be the endpoints our configuration would call, then redirected to the loopback
//! server by configuration (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_SSO`,
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the ECS host, the `FULL_URI` host); nothing is ever
//! sent to them. A new scenario is a new folder.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;
use signet_config_loader::{Env, Fs};
use signet_credential_providers::{DefaultChainBuilder, ProvideCredentials, StaticTime};
use support::Capture;
use support::replay::{ReplayServer, load};

/// Cases whose expected error text is another SDK's wording for the same failure: the
/// substring we assert instead, and why (docs/adr/0036).
const WORDING: &[(&str, &str, &str)] = &[(
    "web_identity_token_invalid_jwt",
    "InvalidIdentityToken (HTTP 400): No OpenIDConnect provider found in your account",
    "signet-sts-client shows `Code (HTTP status): message`, not smithy-rs's `CodeException: message`",
)];

/// Cases where our behaviour differs on purpose (docs/adr/0036): the substring we assert
/// instead, and why. Requests the recording does not have are answered 404.
const DEVIATIONS: &[(&str, &str, &str)] = &[(
    "imds_token_fail",
    "but that provider was not enabled: Ec2InstanceMetadata: the credential provider was not enabled",
    "IMDS answered the token request 403; signet-imds-client then falls back to IMDSv1 as botocore does (its ADRs 0022-0025), where smithy-rs stops with `request forbidden: IMDS is disabled`. The recording has no IMDSv1 requests, so the role list is answered 404 and the profile's credential_source = Ec2InstanceMetadata is reported as not enabled: still a hard error naming IMDS",
)];

fn scenario_dirs() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    for suite in ["default-provider-chain", "profile-provider", "default-token-provider-chain"] {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join(suite))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("test-case.json").exists())
            .collect();
        cases.sort();
        for case in cases {
            out.push((suite.to_owned(), case));
        }
    }
    out
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The error and its whole source chain on one line.
fn full_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

enum Outcome {
    Credentials(signet_sigv4::Credentials),
    Token(String, u64),
    Failed(String, String),
}

async fn run_case(suite: &str, dir: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut env: BTreeMap<String, String> =
        serde_json::from_value(json(&dir.join("env.json"))).unwrap();
    let expose_secrets = env.remove("EXPOSE_SECRETS_FOR_TESTS").is_some();
    let traffic = dir.join("http-traffic.json");
    let exchanges = if traffic.exists() { load(&json(&traffic)) } else { Vec::new() };
    let server = ReplayServer::start(exchanges.clone()).await;
    let fs = Fs::rooted(dir.join("fs"));
    let time = StaticTime(UNIX_EPOCH + Duration::from_secs(1_234_567_880));
    let original =
        DefaultChainBuilder::new(Env::from_map(env.clone()), fs.clone()).time_source(time);

    // Check each recorded host is the one our configuration calls, then redirect it.
    let mut ecs_host = None;
    for exchange in &exchanges {
        let origin = exchange.origin();
        let path = exchange.path_and_query();
        if origin == "http://169.254.169.254" {
            env.insert("AWS_EC2_METADATA_SERVICE_ENDPOINT".into(), server.url());
        } else if origin == "http://169.254.170.2" {
            ecs_host = Some(server.url());
        } else if origin == "http://169.254.170.23" {
            let full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").cloned().unwrap_or_default();
            env.insert(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
                full.replace(&origin, &server.url()),
            );
        } else if path.starts_with("/federation/credentials") {
            let ours = original
                .sso_provider()
                .and_then(|p| p.portal_endpoint())
                .map_err(|e| e.to_string())?;
            if ours.trim_end_matches('/') != origin {
                return Err(format!(
                    "{name}: our SSO portal is {ours}, the recording calls {origin}"
                ));
            }
            env.insert("AWS_ENDPOINT_URL_SSO".into(), server.url());
        } else if exchange.method == "POST" {
            let ours = original.sts_endpoint().map_err(|e| e.to_string())?;
            if ours.trim_end_matches('/') != origin {
                return Err(format!(
                    "{name}: our STS endpoint is {ours}, the recording calls {origin}"
                ));
            }
            env.insert("AWS_ENDPOINT_URL_STS".into(), server.url());
            // The FIPS/dual-stack choice was just checked; a custom endpoint excludes them.
            env.insert("AWS_USE_FIPS_ENDPOINT".into(), "false".into());
            env.insert("AWS_USE_DUALSTACK_ENDPOINT".into(), "false".into());
        } else {
            return Err(format!("{name}: no redirect for recorded origin {origin}"));
        }
    }
    // Never the real IMDS: a case whose recording has no IMDS traffic still gets the loopback
    // server, where any IMDS request would show up as unexpected.
    env.entry("AWS_EC2_METADATA_SERVICE_ENDPOINT".to_owned()).or_insert_with(|| server.url());
    let mut builder = DefaultChainBuilder::new(Env::from_map(env.clone()), fs).time_source(time);
    if let Some(host) = ecs_host {
        builder = builder.ecs_host(host);
    }

    let logs = Arc::new(Mutex::new(Vec::new()));
    let _guard = tracing::subscriber::set_default(Capture(logs.clone()));
    let run = async {
        match suite {
            "default-provider-chain" => match builder.build().provide_credentials().await {
                Ok(c) => Outcome::Credentials(c),
                Err(e) => Outcome::Failed(full_chain(&e), format!("{e:?}")),
            },
            "profile-provider" => match builder.profile_provider() {
                Ok(p) => match p.provide_credentials().await {
                    Ok(c) => Outcome::Credentials(c),
                    Err(e) => Outcome::Failed(full_chain(&e), format!("{e:?}")),
                },
                Err(e) => Outcome::Failed(full_chain(&e), format!("{e:?}")),
            },
            _ => match builder.sso_provider() {
                Ok(p) => match p.access_token().await {
                    Ok(t) => Outcome::Token(
                        t.token.expose().to_owned(),
                        t.expiration.duration_since(UNIX_EPOCH).unwrap().as_secs(),
                    ),
                    Err(e) => Outcome::Failed(full_chain(&e), format!("{e:?}")),
                },
                Err(e) => Outcome::Failed(full_chain(&e), format!("{e:?}")),
            },
        }
    };
    let outcome = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .map_err(|_| format!("{name}: took more than 30 s"))?;

    let expected = json(&dir.join("test-case.json"))["result"].clone();
    let deviation = DEVIATIONS.iter().find(|(case, _, _)| *case == name);
    match (&outcome, &expected) {
        (Outcome::Credentials(c), Value::Object(o)) if o.contains_key("Ok") => {
            let ok = &o["Ok"];
            let want = |k: &str| ok.get(k).and_then(Value::as_str).map(str::to_owned);
            let got_expiry =
                c.expiration().map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
            let checks = [
                ("access_key_id", want("access_key_id"), Some(c.access_key_id().to_owned())),
                (
                    "secret_access_key",
                    want("secret_access_key"),
                    Some(c.secret_access_key().to_owned()),
                ),
                ("session_token", want("session_token"), c.session_token().map(str::to_owned)),
                ("account_id", want("account_id"), c.account_id().map(str::to_owned)),
                (
                    "expiry",
                    ok.get("expiry").and_then(Value::as_u64).map(|v| v.to_string()),
                    got_expiry.map(|v| v.to_string()),
                ),
            ];
            for (field, want, got) in checks {
                if want != got {
                    return Err(format!("{name}: {field}: expected {want:?}, got {got:?}"));
                }
            }
        }
        (Outcome::Token(token, expiry), Value::Object(o)) if o.contains_key("Ok") => {
            let ok = &o["Ok"];
            let want_expiry = ok["expiration"].as_str().unwrap_or("");
            let want_secs = signet_credential_providers_time(want_expiry);
            if ok["token"].as_str() != Some(token.as_str()) || want_secs != Some(*expiry) {
                return Err(format!(
                    "{name}: token or expiration differ ({expiry} vs {want_expiry})"
                ));
            }
        }
        (Outcome::Failed(display, _), Value::Object(o)) if o.contains_key("ErrorContains") => {
            let mut want = o["ErrorContains"].as_str().unwrap_or("").to_owned();
            if let Some((_, ours, _)) = WORDING.iter().find(|(case, _, _)| *case == name) {
                want = (*ours).to_owned();
            }
            if let Some((_, ours, why)) = deviation {
                if !display.contains(ours) {
                    return Err(format!("{name}: deviation ({why}) no longer holds: {display}"));
                }
            } else if !display.contains(&want) {
                return Err(format!("{name}: error should contain {want:?}, got {display:?}"));
            }
        }
        (Outcome::Failed(display, _), _) => {
            return Err(format!("{name}: expected {expected}, got the error {display}"));
        }
        (Outcome::Credentials(c), _) => {
            return Err(format!(
                "{name}: expected {expected}, got credentials {}",
                c.access_key_id()
            ));
        }
        (Outcome::Token(..), _) => return Err(format!("{name}: expected {expected}, got a token")),
    }

    // Every recorded request was made, in order; anything else was a retry of one, or a
    // request the recording's SDK did not make (the IMDS extended API, docs/adr/0036).
    let seen = server.seen();
    if deviation.is_none() && server.answered() != exchanges.len() {
        return Err(format!(
            "{name}: {} of {} recorded requests were made; seen {seen:#?}",
            server.answered(),
            exchanges.len()
        ));
    }
    for request in &seen {
        let recorded = request.matched.or_else(|| {
            exchanges
                .iter()
                .position(|e| e.method == request.method && e.path_and_query() == request.path)
        });
        match recorded {
            Some(i) => {
                let e = &exchanges[i];
                for header in ["x-aws-ec2-metadata-token", "x-amz-sso_bearer_token"] {
                    if e.headers.get(header) != request.headers.get(header)
                        && e.headers.contains_key(header)
                    {
                        return Err(format!("{name}: header {header} differs on {}", request.path));
                    }
                }
                if e.method == "POST"
                    && e.headers.contains_key("authorization")
                        != request.headers.contains_key("authorization")
                {
                    return Err(format!(
                        "{name}: {} should be signed: {}",
                        request.path,
                        e.headers.contains_key("authorization")
                    ));
                }
            }
            None if request.path.contains("security-credentials-extended") => {}
            None if deviation.is_some() => {}
            None => {
                return Err(format!(
                    "{name}: unexpected request {} {}",
                    request.method, request.path
                ));
            }
        }
    }
    if name == "eks_pod_identity_credentials" {
        let token = std::fs::read_to_string(dir.join("fs/token.jwt")).unwrap();
        let sent = seen.first().and_then(|s| s.headers.get("authorization")).cloned();
        if sent.as_deref() != Some(token.trim_end_matches(['\r', '\n']))
            && sent.as_deref() != Some(token.as_str())
        {
            return Err(format!("{name}: the Authorization header was {sent:?}"));
        }
    }

    // No secret in any log line, Debug or Display (unless the case exposes them on purpose).
    if !expose_secrets {
        let mut secrets: Vec<String> = Vec::new();
        if let Value::Object(o) = &expected {
            if let Some(ok) = o.get("Ok") {
                for key in ["secret_access_key", "session_token", "token"] {
                    if let Some(s) = ok.get(key).and_then(Value::as_str) {
                        secrets.push(s.to_owned());
                    }
                }
            }
        }
        let logs = logs.lock().unwrap().join("\n");
        let shown = match &outcome {
            Outcome::Credentials(c) => format!("{c:?}"),
            Outcome::Failed(display, debug) => format!("{display}\n{debug}"),
            Outcome::Token(..) => String::new(),
        };
        for secret in secrets {
            if logs.contains(&secret) || shown.contains(&secret) {
                return Err(format!("{name}: a secret appears in the logs or Debug output"));
            }
        }
    }
    Ok(())
}

/// RFC 3339 to Unix seconds for the token cases.
fn signet_credential_providers_time(text: &str) -> Option<u64> {
    // 2080-10-16T03:56:45Z is the only form the token cases use.
    let b = text.as_bytes();
    let n = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    if b.len() != 20 {
        return None;
    }
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

#[test]
fn every_recorded_scenario() {
    let cases = scenario_dirs();
    assert_eq!(cases.len(), 50, "29 default-chain + 18 profile-provider + 3 token-chain scenarios");
    let mut failures = Vec::new();
    for (suite, dir) in &cases {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        if let Err(e) = runtime.block_on(run_case(suite, dir)) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
