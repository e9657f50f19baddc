//! End to end: the `signet` binary against moto server (STS, IAM through `signet curl`) and
//! loopback mocks (HTTP errors and retries for `curl`, IMDS). Nothing leaves 127.0.0.1.

mod support;

use support::http::Server;
use support::moto::Moto;
use support::{home, run, signet};

const ACCOUNT: &str = "123456789012";

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml.find(&open).unwrap_or_else(|| panic!("no {name} in {xml}")) + open.len();
    let end = xml[start..].find('<').unwrap() + start;
    &xml[start..end]
}

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

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn sts_commands_against_moto() {
    let moto = Moto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]);
    let url = format!("{}/", moto.url());
    let home = home("moto", Some("[default]\nregion = us-east-1\n"), None);
    iam(&home, &url, "Action=CreateUser&UserName=alice");
    let keys = iam(&home, &url, "Action=CreateAccessKey&UserName=alice");
    let (akid, secret) =
        (element(&keys, "AccessKeyId").to_owned(), element(&keys, "SecretAccessKey").to_owned());
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/alice"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    iam(
        &home,
        &url,
        &format!("Action=CreateRole&RoleName=deployer&AssumeRolePolicyDocument={}", encode(&trust)),
    );
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;
    iam(
        &home,
        &url,
        &format!(
            "Action=PutUserPolicy&UserName=alice&PolicyName=sts&PolicyDocument={}",
            encode(policy)
        ),
    );

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

    // `curl` signs with the resolved keys and prints the body.
    let (code, stdout, stderr) = run(with_keys(&secret).args([
        "curl",
        "--service",
        "sts",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "-d",
        "Action=GetCallerIdentity&Version=2011-06-15",
        &url,
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(element(&stdout, "Arn"), format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    let (code, stdout, _) = run(with_keys("not-the-secret").args([
        "curl",
        "-i",
        "--service",
        "sts",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "-d",
        "Action=GetCallerIdentity&Version=2011-06-15",
        &url,
    ]));
    assert_eq!(code, 4, "{stdout}");
    assert!(stdout.starts_with("HTTP/1.1 403"), "{stdout}");
    assert!(stdout.contains("SignatureDoesNotMatch"), "{stdout}");
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
