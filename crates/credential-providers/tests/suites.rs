//! The official JSON suites that need no HTTP: `assume-role-tests.json` (profile chains),
//! `ecs-tests.json` and `container/uri-token-resolution.json` (container endpoints). The
//! harness walks `tests/data/` and runs every case of every file it knows the shape of.

use std::path::Path;

use serde_json::{Map, Value};
use signet_config_loader::{Env, FileKind, Fs, ProfileSet};
use signet_credential_providers::{
    BaseProvider, ContainerProvider, ErrorKind, NamedSource, ProfileChain, resolve_profile_chain,
};

fn data(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Writes the case's parsed profiles back as a config file, so they go through the real
/// parser and `ProfileSet`.
fn profile_set(input: &Value) -> ProfileSet {
    let mut text = String::new();
    let empty = Map::new();
    for (name, keys) in input["profiles"].as_object().unwrap_or(&empty) {
        text.push_str(&format!("[profile {name}]\n"));
        for (k, v) in keys.as_object().unwrap_or(&empty) {
            text.push_str(&format!("{k} = {}\n", v.as_str().unwrap_or("")));
        }
    }
    for (name, keys) in input["sso_sessions"].as_object().unwrap_or(&empty) {
        text.push_str(&format!("[sso-session {name}]\n"));
        for (k, v) in keys.as_object().unwrap_or(&empty) {
            text.push_str(&format!("{k} = {}\n", v.as_str().unwrap_or("")));
        }
    }
    let mut set = ProfileSet::new();
    set.add_file(FileKind::Config, None, &text).unwrap();
    set
}

/// Our chain in the suite's JSON shape.
fn as_json(chain: &ProfileChain) -> Value {
    let mut out = Vec::new();
    let opt = |m: &mut Map<String, Value>, k: &str, v: &Option<String>| {
        if let Some(v) = v {
            m.insert(k.to_owned(), Value::String(v.clone()));
        }
    };
    let base = match &chain.base {
        BaseProvider::AccessKey(keys) => {
            let mut m = Map::new();
            m.insert("access_key_id".into(), keys.access_key_id.clone().into());
            m.insert("secret_access_key".into(), keys.secret_access_key.expose().into());
            opt(
                &mut m,
                "session_token",
                &keys.session_token.as_ref().map(|t| t.expose().to_owned()),
            );
            opt(&mut m, "account_id", &keys.account_id);
            serde_json::json!({ "AccessKey": m })
        }
        BaseProvider::NamedSource(source) => serde_json::json!({ "NamedSource": source.as_str() }),
        BaseProvider::WebIdentityToken { role_arn, web_identity_token_file, role_session_name } => {
            let mut m = Map::new();
            m.insert("role_arn".into(), role_arn.clone().into());
            m.insert("web_identity_token_file".into(), web_identity_token_file.clone().into());
            opt(&mut m, "role_session_name", role_session_name);
            serde_json::json!({ "WebIdentityToken": m })
        }
        BaseProvider::Sso(sso) => {
            let mut m = Map::new();
            opt(&mut m, "sso_session", &sso.session_name);
            m.insert("sso_region".into(), sso.region.clone().into());
            m.insert("sso_start_url".into(), sso.start_url.clone().into());
            opt(&mut m, "sso_account_id", &sso.account_id);
            opt(&mut m, "sso_role_name", &sso.role_name);
            serde_json::json!({ "Sso": m })
        }
        BaseProvider::CredentialProcess { .. } => serde_json::json!({ "CredentialProcess": {} }),
        other => panic!("unknown base {other:?}"),
    };
    out.push(base);
    for role in &chain.roles {
        let mut m = Map::new();
        m.insert("role_arn".into(), role.role_arn.clone().into());
        opt(&mut m, "external_id", &role.external_id);
        opt(&mut m, "role_session_name", &role.role_session_name);
        out.push(serde_json::json!({ "AssumeRole": m }));
    }
    Value::Array(out)
}

#[test]
fn assume_role_tests() {
    let cases = data("assume-role-tests.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 28);
    let mut failures = Vec::new();
    for case in cases {
        let docs = case["docs"].as_str().unwrap_or("");
        let input = &case["input"];
        let selected = input["selected_profile"].as_str().unwrap();
        let result = resolve_profile_chain(&profile_set(input), selected);
        let output = &case["output"];
        match (result, output.get("ProfileChain"), output.get("Error")) {
            (Ok(chain), Some(want), _) => {
                let got = as_json(&chain);
                if &got != want {
                    failures.push(format!("{docs}: expected {want}, got {got}"));
                }
            }
            (Err(e), _, Some(want)) => {
                let want = want.as_str().unwrap();
                if !e.to_string().contains(want) {
                    failures.push(format!("{docs}: error should contain {want:?}: {e}"));
                }
            }
            (Ok(chain), _, _) => {
                failures.push(format!("{docs}: expected {output}, got {:?}", chain))
            }
            (Err(e), _, _) => failures.push(format!("{docs}: expected {output}, got error {e}")),
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn credential_source_names_are_case_sensitive() {
    let mut set = ProfileSet::new();
    set.add_file(
        FileKind::Config,
        None,
        "[profile a]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = environment\n",
    )
    .unwrap();
    let e = resolve_profile_chain(&set, "a").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("not supported"), "{e}");
    set.add_file(FileKind::Config, None, "[profile a]\ncredential_source = EcsContainer\n")
        .unwrap();
    let chain = resolve_profile_chain(&set, "a").unwrap();
    assert_eq!(chain.base, BaseProvider::NamedSource(NamedSource::EcsContainer));
}

fn env_of(case: &Value, key: &str) -> Env {
    let empty = Map::new();
    Env::from_map(
        case[key]
            .as_object()
            .unwrap_or(&empty)
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned())),
    )
}

#[test]
fn ecs_tests() {
    let suite = data("ecs-tests.json");
    let cases = suite["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 11);
    for case in cases {
        let provider = ContainerProvider::new(env_of(case, "env"), Fs::from_map::<&str, &str>([]));
        let result = provider.request();
        match (&case["result"]["Ok"], &case["result"]["ErrorContains"]) {
            (Value::String(uri), _) => {
                let request = result.unwrap_or_else(|e| panic!("{}: {e}", case["docs"]));
                assert_eq!(&request.uri, uri, "{}", case["docs"]);
            }
            (_, Value::String(want)) => {
                let e = result.unwrap_err();
                assert!(e.to_string().contains(want.as_str()), "{}: {e}", case["docs"]);
            }
            _ => panic!("unknown result shape: {case}"),
        }
    }
}

#[test]
fn uri_token_resolution() {
    let cases = data("container/uri-token-resolution.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 13);
    for case in cases {
        let description = case["description"].as_str().unwrap_or("");
        let env = env_of(case, "env");
        let fs = match &case["token_file"] {
            Value::Object(file) if file["type"] == "success" => {
                let path = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").unwrap();
                Fs::from_map([(path, file["content"].as_str().unwrap().to_owned())])
            }
            _ => Fs::from_map::<&str, &str>([]),
        };
        let result = ContainerProvider::new(env, fs).request();
        let expect = &case["expect"];
        if expect["type"] == "success" {
            let request = result.unwrap_or_else(|e| panic!("{description}: {e}"));
            assert_eq!(request.uri, expect["request"]["uri"].as_str().unwrap(), "{description}");
            assert_eq!(expect["request"]["method"], "GET");
            let want = expect["request"]["headers"]["Authorization"].as_str();
            assert_eq!(request.authorization.as_ref().map(|t| t.expose()), want, "{description}");
        } else {
            // The reasons are PHP's wording: assert the failure and its kind, not the text.
            let e = result.unwrap_err();
            let reason = expect["reason"].as_str().unwrap_or("");
            let kind = if reason.contains("unsupported host") {
                ErrorKind::InvalidConfiguration
            } else {
                ErrorKind::ProviderFailed
            };
            assert_eq!(e.kind(), kind, "{description}: {e}");
        }
    }
}
