//! End to end: the `signet` binary against moto server (STS, IAM through `signet curl`) and
//! loopback mocks (HTTP errors and retries for `curl`, IMDS). Nothing leaves 127.0.0.1.

mod support;

use signet_test_support::query::{element, encode};
use support::http::Server;
use support::moto::Moto;
use support::{GET_CALLER_IDENTITY, home, run, signet};

const ACCOUNT: &str = "123456789012";

/// One IAM Query call through `signet curl`, signed with placeholder keys (moto routes by
/// the scope while authentication is still off).
fn iam(home: &std::path::Path, url: &str, body: &str) -> String {
    let (code, stdout, stderr) = run(signet(home).args([
        "curl",
        "--service",
        "iam",
        "--region",
        "us-east-1",
        "--access-key-id",
        "AKIAIOSFODNN7EXAMPLE",
        "--secret-access-key",
        "placeholder",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "-d",
        &format!("Version=2010-05-08&{body}"),
        url,
    ]));
    assert_eq!(code, 0, "IAM {body}: {stdout} {stderr}");
    stdout
}

/// moto with user `alice` (keys returned) allowed `sts:*` and `s3:*`, and role `deployer`
/// that she may assume. The setup calls go through `signet curl` before moto checks
/// signatures.
fn moto_with_alice(home: &std::path::Path) -> (Moto, String, String) {
    let moto = Moto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]);
    let url = format!("{}/", moto.url());
    iam(home, &url, "Action=CreateUser&UserName=alice");
    let keys = iam(home, &url, "Action=CreateAccessKey&UserName=alice");
    let (akid, secret) =
        (element(&keys, "AccessKeyId").to_owned(), element(&keys, "SecretAccessKey").to_owned());
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/alice"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    iam(
        home,
        &url,
        &format!("Action=CreateRole&RoleName=deployer&AssumeRolePolicyDocument={}", encode(&trust)),
    );
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:*","s3:*"],"Resource":"*"}]}"#;
    iam(
        home,
        &url,
        &format!(
            "Action=PutUserPolicy&UserName=alice&PolicyName=all&PolicyDocument={}",
            encode(policy)
        ),
    );
    (moto, akid, secret)
}

#[test]
fn sts_commands_against_moto() {
    let home = home("moto", Some("[default]\nregion = us-east-1\n"), None);
    let (moto, akid, secret) = moto_with_alice(&home);
    let url = format!("{}/", moto.url());

    // From here on moto checks every signature.
    let with_keys = |secret: &str| {
        let mut cmd = signet(&home);
        cmd.env("AWS_ACCESS_KEY_ID", &akid)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_ENDPOINT_URL", moto.url());
        cmd
    };

    let (code, stdout, stderr) = run(with_keys(&secret).arg("whoami"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "Account: {ACCOUNT}\nArn:     arn:aws:iam::{ACCOUNT}:user/alice\nUserId:  "
        )),
        "{stdout}"
    );
    let (code, stdout, _) = run(with_keys(&secret).args(["whoami", "--output", "json"]));
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["Account"], ACCOUNT);

    let (code, stdout, stderr) = run(with_keys("not-the-secret").arg("whoami"));
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("SignatureDoesNotMatch") && stderr.contains("hint: "), "{stderr}");
    assert!(!stderr.contains("not-the-secret"), "{stderr}");

    let role = format!("arn:aws:iam::{ACCOUNT}:role/deployer");
    let (code, stdout, stderr) = run(with_keys(&secret).args([
        "assume-role",
        "--role-arn",
        &role,
        "--role-session-name",
        "e2e",
        "--duration-seconds",
        "900",
        "--external-id",
        "x-1",
        "--format",
        "process",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["Version"], 1);
    for key in ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] {
        assert!(doc[key].as_str().is_some_and(|v| !v.is_empty()), "{key}: {stdout}");
    }

    let (code, stdout, stderr) = run(with_keys(&secret).args([
        "session-token",
        "--serial-number",
        &format!("arn:aws:iam::{ACCOUNT}:mfa/alice"),
        "--token-code",
        "123456",
        "--format",
        "env",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    for (line, var) in lines.iter().zip([
        "AWS_ACCESS_KEY_ID=",
        "AWS_SECRET_ACCESS_KEY=",
        "AWS_SESSION_TOKEN=",
        "AWS_CREDENTIAL_EXPIRATION=",
    ]) {
        assert!(line.starts_with(&format!("export {var}")), "{stdout}");
    }

    let (code, stderr) = {
        let (c, _, e) = run(with_keys(&secret).args([
            "session-token",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/alice",
            "--token-code",
            "12",
        ]));
        (c, e)
    };
    assert_eq!(code, 1);
    assert!(stderr.contains("TokenCode"), "{stderr}");

    // The MFA flow: without --token-code, the code is read from standard input.
    let mfa = format!("arn:aws:iam::{ACCOUNT}:mfa/alice");
    let (code, stdout, stderr) = run(with_keys(&secret)
        .args(["session-token", "--serial-number", &mfa, "--output", "json"])
        .write_stdin("654321\n"));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, format!("MFA code for {mfa}: "));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(doc["SessionToken"].as_str().is_some_and(|t| !t.is_empty()), "{stdout}");
    let (code, _, stderr) =
        run(with_keys(&secret).args(["session-token", "--serial-number", &mfa]).write_stdin(""));
    assert_eq!(code, 2);
    assert!(stderr.contains("error: no MFA code was given"), "{stderr}");

    // `curl` signs with the resolved keys and prints the body.
    let (code, stdout, stderr) =
        run(with_keys(&secret).args(["curl"]).args(GET_CALLER_IDENTITY).arg(&url));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(element(&stdout, "Arn"), format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    let (code, stdout, _) =
        run(with_keys("not-the-secret").args(["curl", "-i"]).args(GET_CALLER_IDENTITY).arg(&url));
    assert_eq!(code, 4, "{stdout}");
    assert!(stdout.starts_with("HTTP/1.1 403"), "{stdout}");
    assert!(stdout.contains("SignatureDoesNotMatch"), "{stdout}");

    // A role profile: the default chain assumes the role through moto's STS, which
    // `--endpoint-url` points at.
    std::fs::write(
        home.join(".aws/config"),
        format!(
            "[default]\nregion = us-east-1\n\n[profile alice]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n\n[profile deploy]\nrole_arn = {role}\nsource_profile = alice\nrole_session_name = from-profile\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    let endpoint = moto.url();
    let (code, stdout, stderr) =
        run(signet(&home).args(["--profile", "deploy", "--endpoint-url", &endpoint, "whoami"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!(
            "Arn:     arn:aws:sts::{ACCOUNT}:assumed-role/deployer/from-profile"
        )),
        "{stdout}"
    );
    let (code, stdout, stderr) = run(signet(&home).args([
        "--profile",
        "deploy",
        "--endpoint-url",
        &endpoint,
        "credentials",
        "--explain",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2. Profile: resolved: access key "), "{stdout}");
    assert!(!stdout.contains(&secret), "{stdout}");
}

/// A plain HTTP/1.1 exchange over TCP: (status, body).
fn http(addr: &str, request: &[u8]) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(Vec::new(), |i| answer[i + 4..].to_vec());
    (status, body)
}

fn get(url: &str) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, target) = rest.split_at(rest.find('/').unwrap());
    http(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// moto 5 crashes (HTTP 500, `KeyError: 'HTTP_AUTHORIZATION'`) on presigned requests when
/// it checks signatures, so S3 here runs with authentication off: it proves the URL and the
/// form reach the object. The signatures themselves are checked by
/// `presigned_urls_verify_at_a_loopback_server` and the S3 documentation example in
/// `tests/cli.rs`.
#[test]
fn presign_and_presign_post_against_moto_s3() {
    let home = home("moto-s3", Some("[default]\nregion = us-east-1\n"), None);
    let moto = Moto::start(&[]);
    let base = moto.url();
    let with_keys = || {
        let mut cmd = signet(&home);
        cmd.env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE").env("AWS_SECRET_ACCESS_KEY", "secret");
        cmd
    };
    let s3 = |args: &[&str]| run(with_keys().args(["curl", "--service", "s3", "--s3"]).args(args));
    let (code, stdout, stderr) = s3(&["-X", "PUT", &format!("{base}/photos")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, stderr) =
        s3(&["-X", "PUT", "-d", "hello from signet", &format!("{base}/photos/greeting.txt")]);
    assert_eq!(code, 0, "{stdout}{stderr}");

    // A presigned GET works without credentials.
    let (code, url, stderr) = run(with_keys().args([
        "presign",
        "--expires",
        "300",
        &format!("{base}/photos/greeting.txt"),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(get(url.trim()), (200, b"hello from signet".to_vec()));

    // A browser upload with the presigned POST form (path-style at the custom endpoint).
    let (code, stdout, stderr) = run(with_keys().args([
        "--endpoint-url",
        &base,
        "--output",
        "json",
        "presign-post",
        "--bucket",
        "photos",
        "--key",
        "uploads/${filename}",
        "--condition",
        r#"["content-length-range", 1, 1000]"#,
    ]));
    assert_eq!(code, 0, "{stderr}");
    let form: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(form["url"], format!("{base}/photos/"));
    let boundary = "signet-boundary-1234";
    let mut body = String::new();
    for (name, value) in form["fields"].as_object().unwrap() {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{}\r\n",
            value.as_str().unwrap()
        ));
    }
    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.txt\"\r\nContent-Type: text/plain\r\n\r\nmeow\r\n--{boundary}--\r\n"));
    let addr = base.strip_prefix("http://").unwrap();
    let request = format!(
        "POST /photos/ HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, answer) = http(addr, request.as_bytes());
    assert!((200..300).contains(&status), "{status} {}", String::from_utf8_lossy(&answer));
    let (code, stdout, stderr) = s3(&[&format!("{base}/photos/uploads/cat.txt")]);
    assert_eq!((code, stdout.as_str()), (0, "meow"), "{stderr}");
}

#[test]
fn curl_retries_throttling_and_5xx_then_prints_the_answer() {
    let server = Server::start(|_, i| match i {
        0 => (503, vec![], b"busy".to_vec()),
        1 => (
            400,
            vec![("x-amzn-ErrorType".into(), "ThrottlingException:http://internal".into())],
            b"slow down".to_vec(),
        ),
        _ => (200, vec![("content-type".into(), "text/plain".into())], b"hello".to_vec()),
    });
    let home = home("curl-retry", None, None);
    let (code, stdout, stderr) = run(signet(&home).args([
        "curl",
        "-i",
        "--service",
        "execute-api",
        "--region",
        "eu-west-1",
        "--access-key-id",
        "AKIDEXAMPLE",
        "--secret-access-key",
        "secret",
        "-H",
        "X-Custom: 1",
        &format!("{}/prod/items?b=2&a=1", server.url),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("HTTP/1.1 200\n"), "{stdout}");
    assert!(stdout.ends_with("\n\nhello"), "{stdout}");
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let auth = seen[2].header("authorization").unwrap();
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{auth}");
    assert!(
        auth.contains(
            "/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-custom, "
        ),
        "{auth}"
    );
    assert_eq!(seen[2].path, "/prod/items?b=2&a=1");
}

#[test]
fn curl_exits_4_on_a_client_error_and_does_not_retry_it() {
    let server =
        Server::start(|_, _| (404, vec![], b"<Error><Code>NoSuchKey</Code></Error>".to_vec()));
    let home = home("curl-404", None, None);
    let (code, stdout, _) = run(signet(&home).args([
        "curl",
        "--service",
        "s3",
        "--s3",
        "--region",
        "us-east-1",
        "--access-key-id",
        "AKIDEXAMPLE",
        "--secret-access-key",
        "secret",
        &format!("{}/bucket/missing", server.url),
    ]));
    assert_eq!(code, 4);
    assert_eq!(stdout, "<Error><Code>NoSuchKey</Code></Error>");
    assert_eq!(server.seen().len(), 1);
    assert!(server.seen()[0].header("x-amz-content-sha256").is_some());
}

#[test]
fn curl_to_a_closed_port_fails_with_exit_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let home = home("curl-closed", None, None);
    let (code, _, stderr) = run(signet(&home).args([
        "curl",
        "--service",
        "sts",
        "--region",
        "us-east-1",
        "--max-attempts",
        "2",
        "--access-key-id",
        "AKIDEXAMPLE",
        "--secret-access-key",
        "secret",
        &format!("http://127.0.0.1:{port}/"),
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: cannot send to http://127.0.0.1:{port}/")),
        "{stderr}"
    );
}

/// A loopback IMDS: IMDSv2 tokens required.
fn imds() -> Server {
    Server::start(|req, _| {
        let ok = |body: &str| (200, vec![], body.as_bytes().to_vec());
        if req.method == "PUT" && req.path == "/latest/api/token" {
            return (
                200,
                vec![("x-aws-ec2-metadata-token-ttl-seconds".into(), "21600".into())],
                b"TOKEN".to_vec(),
            );
        }
        if req.header("x-aws-ec2-metadata-token") != Some("TOKEN") {
            return (401, vec![], Vec::new());
        }
        match req.path.as_str() {
            "/latest/meta-data/placement/region" => ok("eu-central-1"),
            "/latest/meta-data/instance-id" => ok("i-0123456789abcdef0"),
            "/latest/meta-data/iam/security-credentials/" => ok("web-role"),
            "/latest/dynamic/instance-identity/document" => ok(
                r#"{"accountId":"123456789012","instanceId":"i-0123456789abcdef0","region":"eu-central-1","availabilityZone":"eu-central-1a","instanceType":"t3.micro","imageId":"ami-1","architecture":"x86_64","privateIp":"10.0.0.1","pendingTime":"2026-01-01T00:00:00Z","version":"2017-09-30"}"#,
            ),
            _ => (404, vec![], Vec::new()),
        }
    })
}

#[test]
fn imds_reads_through_imdsv2() {
    let server = imds();
    let home = home("imds", None, None);
    let cmd = |args: &[&str]| {
        let mut c = signet(&home);
        c.env("AWS_EC2_METADATA_DISABLED", "false")
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url)
            .args(args);
        c
    };
    assert_eq!(run(&mut cmd(&["imds", "region"])).1, "eu-central-1\n");
    assert_eq!(run(&mut cmd(&["imds", "role"])).1, "web-role\n");
    assert_eq!(
        run(&mut cmd(&["imds", "get", "latest/meta-data/instance-id"])).1,
        "i-0123456789abcdef0\n"
    );
    let (code, stdout, _) = run(&mut cmd(&["imds", "identity"]));
    assert_eq!(code, 0);
    expect_test::expect![[r#"
        accountId: 123456789012
        architecture: x86_64
        availabilityZone: eu-central-1a
        imageId: ami-1
        instanceId: i-0123456789abcdef0
        instanceType: t3.micro
        pendingTime: 2026-01-01T00:00:00Z
        privateIp: 10.0.0.1
        region: eu-central-1
    "#]]
    .assert_eq(&stdout);
    let (code, stdout, _) = run(&mut cmd(&["imds", "region", "--output", "json"]));
    assert_eq!((code, stdout.as_str()), (0, "{\n  \"region\": \"eu-central-1\"\n}\n"));
    let (code, _, stderr) = run(&mut cmd(&["imds", "get", "/latest/meta-data/nothing"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("404"), "{stderr}");
    assert!(
        server
            .seen()
            .iter()
            .all(|r| r.method == "PUT" || r.header("x-aws-ec2-metadata-token") == Some("TOKEN"))
    );
}

#[test]
fn imds_disabled_says_how_to_enable_it() {
    let home = home("imds-off", None, None);
    let (code, _, stderr) = run(signet(&home).args(["imds", "region"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("hint: unset AWS_EC2_METADATA_DISABLED"), "{stderr}");
}

/// A server that accepts only requests that signet-sigv4's verifier accepts (for `s3` in
/// `us-east-1`, secret `secret`), and says why otherwise.
fn verifying_server() -> Server {
    Server::start(|req, _| {
        let headers: Vec<(&str, &str)> =
            req.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let lookup = |akid: &str| Some(signet::sigv4::Credentials::new(akid, "secret"));
        let verifier = signet::sigv4::Verifier::new(lookup, "us-east-1", "s3")
            .with_settings(signet::sigv4::SigningSettings::S3);
        let signable = signet::sigv4::SignableRequest::new(
            &req.method,
            &req.path,
            &headers,
            signet::sigv4::Payload::Unsigned,
        );
        #[allow(clippy::disallowed_methods)] // the server's own clock, as a real one would
        let now = std::time::SystemTime::now();
        match verifier.verify(&signable, now) {
            Ok(_) => (200, vec![], b"verified".to_vec()),
            Err(e) => (403, vec![], e.to_string().into_bytes()),
        }
    })
}

#[test]
fn presigned_urls_verify_at_a_loopback_server() {
    let server = verifying_server();
    let home = home("presign-verify", None, None);
    let presign = |extra: &[&str]| {
        let mut cmd = signet(&home);
        cmd.args(["presign", "--region", "us-east-1", "--access-key-id", "AKIDEXAMPLE"])
            .args(extra)
            .arg(format!("{}/bucket/a%20key.txt?versionId=3", server.url));
        let (code, url, stderr) = run(&mut cmd);
        assert_eq!(code, 0, "{stderr}");
        url.trim().to_owned()
    };
    let good = presign(&["--secret-access-key", "secret"]);
    assert_eq!(get(&good), (200, b"verified".to_vec()));
    let wrong = presign(&["--secret-access-key", "not-the-secret"]);
    let (status, body) = get(&wrong);
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("signature does not match"), "{body:?}");
    let (status, body) = get(&good.replace("versionId=3", "versionId=4"));
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    let old = presign(&["--secret-access-key", "secret", "--time", "20150830T123600Z"]);
    let (status, body) = get(&old);
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("expired"), "{body:?}");

    // A presigned upload with a signed Content-Type: the uploader must send that header.
    let put = {
        let mut cmd = signet(&home);
        cmd.args([
            "presign",
            "-X",
            "PUT",
            "-H",
            "Content-Type: image/png",
            "--region",
            "us-east-1",
        ])
        .args(["--access-key-id", "AKIDEXAMPLE", "--secret-access-key", "secret"])
        .arg(format!("{}/bucket/cat.png", server.url));
        let (code, url, stderr) = run(&mut cmd);
        assert_eq!(code, 0, "{stderr}");
        url.trim().to_owned()
    };
    let rest = put.strip_prefix("http://").unwrap();
    let (addr, target) = rest.split_at(rest.find('/').unwrap());
    let send = |content_type: &str| {
        http(addr, format!("PUT {target} HTTP/1.1\r\nHost: {addr}\r\n{content_type}Content-Length: 0\r\nConnection: close\r\n\r\n").as_bytes())
    };
    assert_eq!(send("Content-Type: image/png\r\n").0, 200);
    let (status, body) = send("");
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("content-type"), "{body:?}");
}

/// The workflow `diff-signature` is for: a server (here, behind a proxy that adds `/api` to
/// the path) answers `SignatureDoesNotMatch` with its canonical request, as S3 does; the
/// saved answer is compared with ours.
#[test]
fn diff_signature_explains_a_signature_does_not_match_answer() {
    let server = Server::start(|req, _| {
        let headers: Vec<(&str, &str)> =
            req.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let lookup = |akid: &str| Some(signet::sigv4::Credentials::new(akid, "secret"));
        let verifier = signet::sigv4::Verifier::new(lookup, "us-east-1", "execute-api")
            .with_max_skew(std::time::Duration::from_secs(u64::from(u32::MAX)));
        let seen_path = format!("/api{}", req.path);
        let signable = signet::sigv4::SignableRequest::new(
            &req.method,
            &seen_path,
            &headers,
            signet::sigv4::Payload::Bytes(&req.body),
        );
        #[allow(clippy::disallowed_methods)] // the server's own clock
        let now = std::time::SystemTime::now();
        match verifier.verify(&signable, now).map_err(|e| e.rejection().cloned()) {
            Ok(_) => (200, vec![], b"ok".to_vec()),
            Err(Some(signet::sigv4::Rejection::WrongSignature { canonical_request, .. })) => {
                let escaped = canonical_request.replace('&', "&amp;").replace('<', "&lt;");
                let body = format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><CanonicalRequest>{escaped}</CanonicalRequest></Error>"
                );
                (403, vec![], body.into_bytes())
            }
            Err(other) => (400, vec![], format!("{other:?}").into_bytes()),
        }
    });
    let home = home("diff-e2e", None, None);
    let request = [
        "--service",
        "execute-api",
        "--region",
        "us-east-1",
        "--time",
        "20150830T123600Z",
        "--access-key-id",
        "AKIDEXAMPLE",
        "--secret-access-key",
        "secret",
        "-X",
        "POST",
        "-d",
        "{\"a\":1}",
    ];
    let url = format!("{}/items?b=1&a=2", server.url);
    let (code, answer, stderr) = run(signet(&home).arg("curl").args(request).arg(&url));
    assert_eq!(code, 4, "{answer}{stderr}");
    let saved = home.join("answer.xml");
    std::fs::write(&saved, &answer).unwrap();
    let (code, stdout, stderr) = run(signet(&home)
        .args(["diff-signature", "--expected-canonical", saved.to_str().unwrap()])
        .args(request)
        .arg(&url));
    assert_eq!(code, 3, "{stderr}");
    let stdout = stdout.replace(server.url.trim_start_matches("http://"), "127.0.0.1:PORT");
    expect_test::expect![[r#"
        --- AWS's canonical request (expected)
        +++ signet's canonical request (ours)
          POST
        - /api/items
        + /items
          a=2&b=1
          host:127.0.0.1:PORT
          x-amz-date:20150830T123600Z

          host;x-amz-date
          015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862
        hint: the path differs: sign the path the server sees (a proxy or API stage may rewrite it); S3 neither normalises nor double-encodes paths (--s3), other services do both
    "#]].assert_eq(&stdout);
}
