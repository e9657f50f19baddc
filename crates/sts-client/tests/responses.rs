//! Response bodies as STS and moto send them (`tests/data/responses/<case>/response.xml`), each
//! with what decoding must give (`expect.json`): the result's members, the service error's
//! code, message, type and request id, or a malformed-response error. A new case is a new
//! folder.

use std::path::Path;
use std::time::UNIX_EPOCH;

use serde_json::{Value, json};
use signet_sigv4::Credentials;
use signet_sts_client::{
    AssumeRoleOutput, AssumeRoleWithWebIdentityOutput, Error, GetAccessKeyInfoOutput,
    GetCallerIdentityOutput, GetFederationTokenOutput, GetSessionTokenOutput, ServiceError,
};

fn credentials(c: &Credentials) -> Value {
    let ms = c.expiration().map(|e| e.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64);
    json!({"access_key_id": c.access_key_id(), "expiration_unix_ms": ms, "account_id": c.account_id()})
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

/// Decodes a 2xx body as `operation`'s result, as JSON to compare.
fn decode(operation: &str, body: &[u8]) -> Result<Value, Error> {
    Ok(match operation {
        "GetCallerIdentity" => {
            let o = GetCallerIdentityOutput::from_xml(body)?;
            json!({"user_id": o.user_id, "account": o.account, "arn": o.arn, "request_id": o.request_id})
        }
        "GetSessionToken" => {
            let o = GetSessionTokenOutput::from_xml(body)?;
            merge(credentials(&o.credentials), json!({"request_id": o.request_id}))
        }
        "GetFederationToken" => {
            let o = GetFederationTokenOutput::from_xml(body)?;
            merge(
                credentials(&o.credentials),
                json!({"federated_user_id": o.federated_user.federated_user_id, "arn": o.federated_user.arn,
                       "packed_policy_size": o.packed_policy_size, "request_id": o.request_id}),
            )
        }
        "GetAccessKeyInfo" => {
            let o = GetAccessKeyInfoOutput::from_xml(body)?;
            json!({"account": o.account, "request_id": o.request_id})
        }
        "AssumeRole" => {
            let o = AssumeRoleOutput::from_xml(body)?;
            merge(
                credentials(&o.credentials),
                json!({"arn": o.assumed_role_user.arn, "request_id": o.request_id}),
            )
        }
        "AssumeRoleWithWebIdentity" => {
            let o = AssumeRoleWithWebIdentityOutput::from_xml(body)?;
            merge(
                credentials(&o.credentials),
                json!({"arn": o.assumed_role_user.arn, "request_id": o.request_id}),
            )
        }
        other => panic!("the harness does not know {other}"),
    })
}

fn check(case: &Path) -> Result<(), String> {
    let body = std::fs::read(case.join("response.xml")).map_err(|e| e.to_string())?;
    let expect: Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("expect.json")).unwrap()).unwrap();
    let operation = expect["operation"].as_str().unwrap();
    let status = u16::try_from(expect["status"].as_u64().unwrap()).unwrap();
    if let Some(output) = expect.get("output") {
        let got = decode(operation, &body).map_err(|e| e.to_string())?;
        return if &got == output { Ok(()) } else { Err(format!("expected {output}, got {got}")) };
    }
    let error = &expect["error"];
    let err = if (200..300).contains(&status) {
        decode(operation, &body).err().ok_or("expected an error, decoding succeeded")?
    } else {
        match ServiceError::from_xml(status, &body) {
            Ok(service) => {
                let got = json!({"kind": "Service", "code": service.code(), "message": service.message(),
                                 "type": service.error_type(), "request_id": service.request_id()});
                return if &got == error {
                    Ok(())
                } else {
                    Err(format!("expected {error}, got {got}"))
                };
            }
            Err(e) => e,
        }
    };
    let shown = format!("{err} / {err:?}");
    if error["kind"] != format!("{:?}", err.kind()) {
        return Err(format!("expected {}, got {shown}", error["kind"]));
    }
    if let Some(part) = error["display_contains"].as_str() {
        if !err.to_string().contains(part) {
            return Err(format!("`{part}` not in `{err}`"));
        }
    }
    if let Some(secret) = error["never_shows"].as_str() {
        if shown.contains(secret) {
            return Err(format!("the error shows a secret: {shown}"));
        }
    }
    if err.status() != Some(status) {
        return Err(format!("status {:?}, expected {status}", err.status()));
    }
    Ok(())
}

#[test]
fn response_corpus_decodes_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/responses");
    let mut cases: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            check(c).err().map(|why| format!("{}: {why}", c.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
