//! STS exchanges recorded by the AWS SDK for Rust (`tests/data/recorded/*/http-traffic.json`),
//! replayed: a loopback server gives the recorded answers, this client sends the same
//! operation, and its request body must match the recorded one byte for byte; the decoded
//! result (or error code) must match the recorded response.

mod support;

use signet_test_support::query::find_element;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use signet_retry::{FixedRandom, RetryConfig, RetryStrategy};
use signet_sigv4::Credentials;
use signet_sts_client::{AssumeRoleInput, AssumeRoleWithWebIdentityInput, Error, StsClient};
use support::mock::{MockServer, Reply};

/// One recorded connection to STS: the request body and the answer.
#[derive(Debug)]
struct Exchange {
    request: String,
    status: u16,
    response: String,
}

fn exchanges(traffic: &Value) -> Vec<Exchange> {
    let mut order: Vec<u64> = Vec::new();
    let mut sts = Vec::new();
    let events = traffic["events"].as_array().expect("events");
    for e in events {
        let id = e["connection_id"].as_u64().expect("connection_id");
        if !order.contains(&id) {
            order.push(id);
        }
        if let Some(uri) = e["action"]["Request"]["request"]["uri"].as_str() {
            if uri.contains("sts") {
                sts.push(id);
            }
        }
    }
    order
        .into_iter()
        .filter(|id| sts.contains(id))
        .map(|id| {
            let mine = events.iter().filter(|e| e["connection_id"].as_u64() == Some(id));
            let mut x = Exchange { request: String::new(), status: 0, response: String::new() };
            for e in mine {
                let a = &e["action"];
                if let Some(text) = a["Data"]["data"]["Utf8"].as_str() {
                    match a["Data"]["direction"].as_str() {
                        Some("Request") => x.request.push_str(text),
                        _ => x.response.push_str(text),
                    }
                }
                if let Some(status) = a["Response"]["response"]["Ok"]["status"].as_u64() {
                    x.status = u16::try_from(status).expect("status");
                }
            }
            x
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_owned(), decode(v))
        })
        .collect()
}

/// Sends the recorded request's operation with the recorded parameters; returns the access
/// key id of the credentials it got.
async fn send(client: &StsClient, request: &str) -> Result<String, Error> {
    let fields = form(request);
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let known =
        ["Action", "Version", "RoleArn", "RoleSessionName", "WebIdentityToken", "DurationSeconds"];
    if let Some((k, _)) = fields.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        panic!("the harness does not map `{k}` yet: {request}");
    }
    let role = get("RoleArn").expect("RoleArn");
    let session = get("RoleSessionName").expect("RoleSessionName");
    let duration = get("DurationSeconds").map(|d| d.parse::<u32>().unwrap());
    match get("Action").as_deref() {
        Some("AssumeRole") => {
            let mut input = AssumeRoleInput::new(role, session);
            if let Some(d) = duration {
                input = input.with_duration_seconds(d);
            }
            Ok(client.assume_role(&input).await?.credentials.access_key_id().to_owned())
        }
        Some("AssumeRoleWithWebIdentity") => {
            let token = get("WebIdentityToken").expect("WebIdentityToken");
            let mut input = AssumeRoleWithWebIdentityInput::new(role, session, token);
            if let Some(d) = duration {
                input = input.with_duration_seconds(d);
            }
            let out = client.assume_role_with_web_identity(&input).await?;
            Ok(out.credentials.access_key_id().to_owned())
        }
        other => panic!("the harness does not know the action {other:?}"),
    }
}

#[tokio::test]
async fn recorded_sts_exchanges_replay() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/recorded");
    let mut scenarios = 0;
    let mut calls = 0;
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for scenario in names {
        let traffic: Value = serde_json::from_str(
            &std::fs::read_to_string(scenario.join("http-traffic.json")).unwrap(),
        )
        .unwrap();
        let name = scenario.file_name().unwrap().to_string_lossy().into_owned();
        let recorded = exchanges(&traffic);
        assert!(!recorded.is_empty(), "{name}: no STS exchange");
        scenarios += 1;
        // Consecutive identical requests are one call and its retries.
        let mut i = 0;
        while i < recorded.len() {
            let mut j = i + 1;
            while j < recorded.len() && recorded[j].request == recorded[i].request {
                j += 1;
            }
            let group = &recorded[i..j];
            let script = group.iter().map(|x| Reply::new(x.status, x.response.clone())).collect();
            let server = MockServer::start(script);
            let client = StsClient::builder("us-east-1")
                .endpoint_url(server.url())
                .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
                .retry_strategy(
                    RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.0)),
                )
                .attempt_timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let result = send(&client, &group[0].request).await;
            let sent = server.requests();
            assert_eq!(sent.len(), group.len(), "{name}: attempts");
            for (got, want) in sent.iter().zip(group) {
                assert_eq!(got.body, want.request, "{name}: request body");
            }
            let last = &group[group.len() - 1];
            if (200..300).contains(&last.status) {
                let key = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    Some(key.as_str()),
                    find_element(&last.response, "AccessKeyId"),
                    "{name}"
                );
            } else {
                let err = result.expect_err(&name);
                assert_eq!(err.code(), find_element(&last.response, "Code"), "{name}: {err}");
                assert_eq!(err.status(), Some(last.status), "{name}");
            }
            calls += 1;
            i = j;
        }
    }
    assert_eq!((scenarios, calls), (11, 12), "scenarios and calls replayed");
}
