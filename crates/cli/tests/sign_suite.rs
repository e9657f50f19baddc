//! `signet sign --explain` against cases of the official AWS SigV4 test suite, from the
//! command line: each folder of `tests/data/sigv4/` is one case (see the README there).

mod support;

use std::fs;
use std::path::Path;

use support::{home, run, signet};

struct Case {
    name: String,
    dir: std::path::PathBuf,
    method: String,
    target: String,
    headers: Vec<String>,
    body: Option<String>,
    host: String,
    context: serde_json::Value,
}

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4");
    let mut out = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let request = read(&dir, "request.txt");
        let (head, body) = request.split_once("\n\n").unwrap_or((&request, ""));
        let mut lines = head.lines();
        let first: Vec<&str> = lines.next().unwrap().splitn(3, ' ').collect();
        let headers: Vec<String> = lines.map(str::to_owned).collect();
        let host = headers
            .iter()
            .find_map(|h| h.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case("host")))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap();
        let context: serde_json::Value = serde_json::from_str(&read(&dir, "context.json")).unwrap();
        assert_eq!(context["normalize"], true, "{name}: the harness signs with normalisation on");
        out.push(Case {
            method: first[0].to_owned(),
            target: first[1].to_owned(),
            headers,
            body: (!body.is_empty()).then(|| body.to_owned()),
            host,
            context,
            name,
            dir,
        });
    }
    assert!(out.len() >= 3, "expected at least three cases in {}", root.display());
    out
}

/// The arguments that describe a case on the command line.
fn args(case: &Case) -> Vec<String> {
    let c = &case.context;
    let mut a: Vec<String> = vec![
        "sign".into(),
        "--service".into(),
        c["service"].as_str().unwrap().into(),
        "--region".into(),
        c["region"].as_str().unwrap().into(),
        "--time".into(),
        c["timestamp"].as_str().unwrap().into(),
        "--access-key-id".into(),
        c["credentials"]["access_key_id"].as_str().unwrap().into(),
        "--secret-access-key".into(),
        c["credentials"]["secret_access_key"].as_str().unwrap().into(),
        "-X".into(),
        case.method.clone(),
    ];
    if let Some(token) = c["credentials"]["token"].as_str() {
        a.extend(["--session-token".into(), token.into(), "--show-secrets".into()]);
    }
    for h in &case.headers {
        a.extend(["-H".into(), h.clone()]);
    }
    if let Some(body) = &case.body {
        a.extend(["-d".into(), body.clone()]);
    }
    a.push("--explain".into());
    a.push(format!("https://{}{}", case.host, case.target));
    a
}

fn signed_headers(canonical_request: &str) -> &str {
    canonical_request.lines().rev().nth(1).unwrap()
}

#[test]
fn header_signing_reproduces_the_suite_byte_for_byte() {
    let home = home("suite-header", None, None);
    for case in cases() {
        let creq = read(&case.dir, "header-canonical-request.txt");
        let sts = read(&case.dir, "header-string-to-sign.txt");
        let sig = read(&case.dir, "header-signature.txt");
        let signed = read(&case.dir, "header-signed-request.txt");
        let mut a = args(&case);
        if case.context["sign_body"] == true {
            a.insert(1, "--content-sha256".into());
        }
        let (code, stdout, stderr) = run(signet(&home).args(&a));
        assert_eq!(code, 0, "{}: {stderr}", case.name);
        let expected = format!(
            "Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nSigned headers: {}\nSignature: {sig}\n\nSigned request:\n{signed}",
            signed_headers(&creq)
        );
        assert_eq!(stdout, expected, "{}: `signet {}`", case.name, a.join(" "));

        // The same working as JSON, exactly.
        let (code, stdout, stderr) = run(signet(&home).args(&a).args(["--output", "json"]));
        assert_eq!(code, 0, "{}: {stderr}", case.name);
        let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(doc["canonical_request"], creq.as_str(), "{}", case.name);
        assert_eq!(doc["string_to_sign"], sts.as_str(), "{}", case.name);
        assert_eq!(doc["signature"], sig.as_str(), "{}", case.name);
    }
}

#[test]
fn query_signing_reproduces_the_suite_byte_for_byte() {
    let home = home("suite-query", None, None);
    for case in cases() {
        let creq = read(&case.dir, "query-canonical-request.txt");
        let sts = read(&case.dir, "query-string-to-sign.txt");
        let sig = read(&case.dir, "query-signature.txt");
        let mut a = args(&case);
        let expires = case.context["expiration_in_seconds"].as_u64().unwrap().to_string();
        a.splice(1..1, ["--presign".to_owned(), "--expires".to_owned(), expires]);
        let (code, stdout, stderr) = run(signet(&home).args(&a));
        assert_eq!(code, 0, "{}: {stderr}", case.name);
        let prefix = format!(
            "Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nSigned headers: {}\nSignature: {sig}\n\nPresigned URL:\n",
            signed_headers(&creq)
        );
        assert!(stdout.starts_with(&prefix), "{}: expected\n{prefix}\ngot\n{stdout}", case.name);
        let url = stdout[prefix.len()..].trim_end();
        assert!(url.starts_with(&format!("https://{}", case.host)), "{}: {url}", case.name);
        assert!(url.ends_with(&format!("&X-Amz-Signature={sig}")), "{}: {url}", case.name);
    }
}
