//! `signet sign --explain` against cases of the official AWS SigV4 and SigV4a test suites,
//! from the command line: each folder of `tests/data/sigv4/` and `tests/data/sigv4a/` is one
//! case (see the README there).

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

fn cases(suite: &str) -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(suite);
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
        let first_line = lines.next().unwrap();
        let (method, rest) = first_line.split_once(' ').unwrap();
        let target = rest.rsplit_once(" HTTP/").unwrap().0;
        // Folded continuation lines join their header's value with a newline, as `-H` can
        // carry them.
        let mut headers: Vec<String> = Vec::new();
        for line in lines {
            match headers.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => {
                    last.push('\n');
                    last.push_str(line);
                }
                _ => headers.push(line.to_owned()),
            }
        }
        let host = headers
            .iter()
            .find_map(|h| h.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case("host")))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap();
        let context: serde_json::Value = serde_json::from_str(&read(&dir, "context.json")).unwrap();
        out.push(Case {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body: (!body.is_empty()).then(|| body.to_owned()),
            host,
            context,
            name,
            dir,
        });
    }
    assert!(out.len() >= 2, "expected cases in {}", root.display());
    out
}

/// The arguments that describe a case on the command line: `-X`, `-H`, `-d` and the URL,
/// or (`from_file`) the case's `request.txt` as `--request-file`.
fn case_args(case: &Case, from_file: bool) -> Vec<String> {
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
    ];
    if let Some(token) = c["credentials"]["token"].as_str() {
        a.extend(["--session-token".into(), token.into(), "--show-secrets".into()]);
    }
    // The suite's settings, as flags.
    if c["normalize"] == false {
        a.push("--no-normalize-path".into());
    }
    if c["omit_session_token"] == true {
        a.push("--unsigned-session-token".into());
    }
    a.push("--explain".into());
    if from_file {
        a.extend(["--request-file".into(), case.dir.join("request.txt").display().to_string()]);
        return a;
    }
    a.extend(["-X".into(), case.method.clone()]);
    for h in &case.headers {
        a.extend(["-H".into(), h.clone()]);
    }
    if let Some(body) = &case.body {
        a.extend(["-d".into(), body.clone()]);
    }
    a.push(format!("https://{}{}", case.host, case.target));
    a
}

fn args(case: &Case) -> Vec<String> {
    case_args(case, false)
}

fn signed_headers(canonical_request: &str) -> &str {
    canonical_request.lines().rev().nth(1).unwrap()
}

#[test]
fn header_signing_reproduces_the_suite_byte_for_byte() {
    let home = home("suite-header", None, None);
    for case in cases("sigv4") {
        let creq = read(&case.dir, "header-canonical-request.txt");
        let sts = read(&case.dir, "header-string-to-sign.txt");
        let sig = read(&case.dir, "header-signature.txt");
        let signed = read(&case.dir, "header-signed-request.txt");
        let expected = format!(
            "Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nSigned headers: {}\nSignature: {sig}\n\nSigned request:\n{signed}",
            signed_headers(&creq)
        );
        // The request as arguments, then as the suite's own request.txt.
        for from_file in [false, true] {
            let mut a = case_args(&case, from_file);
            if case.context["sign_body"] == true {
                a.insert(1, "--content-sha256".into());
            }
            let (code, stdout, stderr) = run(signet(&home).args(&a));
            assert_eq!(code, 0, "{}: {stderr}", case.name);
            assert_eq!(stdout, expected, "{}: `signet {}`", case.name, a.join(" "));
        }
        let mut a = args(&case);
        if case.context["sign_body"] == true {
            a.insert(1, "--content-sha256".into());
        }

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
    for case in cases("sigv4") {
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

/// The signature in `text` after `marker` (up to the end of its line or parameter).
fn signature_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker} in {text}")) + marker.len();
    let rest = &text[start..];
    &rest[..rest.find(['\n', '&', ' ']).unwrap_or(rest.len())]
}

fn public_key(case: &Case) -> signet::sigv4::SigV4aPublicKey {
    let key: serde_json::Value = serde_json::from_str(&read(&case.dir, "public-key.json")).unwrap();
    let coordinate = |name: &str| -> [u8; 32] {
        let hex = key[name].as_str().unwrap();
        let bytes: Vec<u8> =
            (0..64).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        bytes.try_into().unwrap()
    };
    signet::sigv4::SigV4aPublicKey::from_coordinates(&coordinate("X"), &coordinate("Y")).unwrap()
}

fn der(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// SigV4a signatures are ECDSA: ours differ from the suite's (another nonce), so the
/// canonical request and string to sign are compared byte for byte, the signed request up to
/// the signature, and the signature is checked with the suite's public key.
#[test]
fn sigv4a_header_signing_reproduces_the_suite() {
    let home = home("suite-v4a-header", None, None);
    for case in cases("sigv4a") {
        let creq = read(&case.dir, "header-canonical-request.txt");
        let sts = read(&case.dir, "header-string-to-sign.txt");
        let signed = read(&case.dir, "header-signed-request.txt");
        let mut a = args(&case);
        a.insert(1, "--sigv4a".into());
        if case.context["sign_body"] == true {
            a.insert(1, "--content-sha256".into());
        }
        let (code, stdout, stderr) = run(signet(&home).args(&a));
        assert_eq!(code, 0, "{}: {stderr}", case.name);
        let ours = signature_after(&stdout, "\nSignature: ");
        let theirs = signature_after(&signed, "Signature=");
        let expected = format!(
            "Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nSigned headers: {}\nSignature: {ours}\n\nSigned request:\n{}",
            signed_headers(&creq),
            signed.replace(theirs, ours)
        );
        assert_eq!(stdout, expected, "{}: `signet {}`", case.name, a.join(" "));
        assert!(
            public_key(&case).verify(sts.as_bytes(), &der(ours)),
            "{}: signature does not verify",
            case.name
        );
    }
}

#[test]
fn sigv4a_query_signing_reproduces_the_suite() {
    let home = home("suite-v4a-query", None, None);
    for case in cases("sigv4a") {
        let creq = read(&case.dir, "query-canonical-request.txt");
        let sts = read(&case.dir, "query-string-to-sign.txt");
        let mut a = args(&case);
        let expires = case.context["expiration_in_seconds"].as_u64().unwrap().to_string();
        a.splice(
            1..1,
            ["--sigv4a".to_owned(), "--presign".to_owned(), "--expires".to_owned(), expires],
        );
        let (code, stdout, stderr) = run(signet(&home).args(&a));
        assert_eq!(code, 0, "{}: {stderr}", case.name);
        let ours = signature_after(&stdout, "\nSignature: ");
        let prefix = format!(
            "Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nSigned headers: {}\nSignature: {ours}\n\nPresigned URL:\n",
            signed_headers(&creq)
        );
        assert!(stdout.starts_with(&prefix), "{}: expected\n{prefix}\ngot\n{stdout}", case.name);
        assert!(stdout.trim_end().ends_with(&format!("&X-Amz-Signature={ours}")), "{}", case.name);
        assert!(
            public_key(&case).verify(sts.as_bytes(), &der(ours)),
            "{}: signature does not verify",
            case.name
        );
    }
}
