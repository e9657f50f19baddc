//! The official STS endpoint rule-set cases, run through the client's builder: every case
//! in `tests/data/endpoints/*.json` must give the same URL and signing properties, or the same
//! error, as the AWS SDKs.

use std::path::Path;

use serde_json::Value;
use signet_sts_client::{ErrorKind, StsClient};

#[test]
fn official_sts_endpoint_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/endpoints");
    let mut ran = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let cases: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in &cases {
            ran += 1;
            if let Err(why) = run(case) {
                failures.push(format!("{}: {}: {why}", path.display(), case["documentation"]));
            }
        }
    }
    assert!(ran >= 69, "only {ran} cases found");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn run(case: &Value) -> Result<(), String> {
    let params = &case["params"];
    let flag = |name: &str| params[name].as_bool().unwrap_or(false);
    let mut builder = StsClient::builder(params["Region"].as_str().unwrap_or(""))
        .use_fips(flag("UseFIPS"))
        .use_dual_stack(flag("UseDualStack"))
        .use_global_endpoint(flag("UseGlobalEndpoint"));
    if let Some(url) = params["Endpoint"].as_str() {
        builder = builder.endpoint_url(url);
    }
    let built = builder.build();
    let expect = &case["expect"];
    if let Some(message) = expect["error"].as_str() {
        let err = built.err().ok_or("expected an error, got an endpoint")?;
        if err.kind() != ErrorKind::Configuration || !err.to_string().ends_with(message) {
            return Err(format!("expected error `{message}`, got {:?}: {err}", err.kind()));
        }
        return Ok(());
    }
    let client = built.map_err(|e| format!("unexpected error: {e}"))?;
    let endpoint = &expect["endpoint"];
    let url = endpoint["url"].as_str().ok_or("no expected url")?;
    // The client posts to `/`, so a URL without a path gains one.
    let got = client.endpoint_url().strip_suffix('/').unwrap_or(client.endpoint_url());
    if got != url.strip_suffix('/').unwrap_or(url) {
        return Err(format!("url: expected {url}, got {}", client.endpoint_url()));
    }
    if let Some(scheme) = endpoint["properties"]["authSchemes"].get(0) {
        let region = scheme["signingRegion"].as_str().ok_or("no signingRegion")?;
        if client.signing_region() != region {
            return Err(format!(
                "signing region: expected {region}, got {}",
                client.signing_region()
            ));
        }
        let name = scheme["signingName"].as_str().ok_or("no signingName")?;
        if client.signing_name() != name {
            return Err(format!("signing name: expected {name}, got {}", client.signing_name()));
        }
    } else {
        // No auth scheme (custom endpoints): sign for the client's region as `sts`.
        let region = params["Region"].as_str().unwrap_or("");
        if client.signing_region() != region || client.signing_name() != "sts" {
            return Err(format!(
                "signing: got {}/{}",
                client.signing_region(),
                client.signing_name()
            ));
        }
    }
    Ok(())
}
