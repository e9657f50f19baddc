//! Golden tests (expect-test) for the text output of the offline commands, their errors and
//! exit codes, and `--help` examples. `UPDATE_EXPECT=1 cargo test -p signet-cli` updates.

mod support;

use expect_test::{Expect, expect};
use support::{AKID, GET_CALLER_IDENTITY, SECRET, home, run, signet};

const KEYS: [&str; 4] = ["--access-key-id", AKID, "--secret-access-key", SECRET];

/// Runs `signet` with `args` in `home`, and checks `code`, then stdout and stderr (with the
/// home path written `$HOME`) against `expected`.
fn check(home: &std::path::Path, args: &[&str], code: i32, expected: Expect) {
    let (got, stdout, stderr) = run(signet(home).args(args));
    let h = home.display().to_string();
    let text = format!("{stdout}--- stderr\n{stderr}").replace(&h, "$HOME");
    assert_eq!(got, code, "signet {}: {text}", args.join(" "));
    expected.assert_eq(&text);
}

const CONFIG: &str = "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = us-west-2\nretry_mode = adaptive\nmax_attempts = nine\n\n[profile ci]\nsource_profile = dev\n";
const CREDENTIALS: &str =
    "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = defaultsecret\n";

#[test]
fn sign_explains_a_request() {
    let home = home("sign", None, None);
    let mut args = vec!["sign", "--region", "us-east-1", "--time", "2015-08-30T12:36:00Z"];
    args.extend(KEYS);
    args.extend(GET_CALLER_IDENTITY);
    args.extend(["--explain", "https://sts.us-east-1.amazonaws.com/"]);
    check(
        &home,
        &args,
        0,
        expect![[r#"
        Canonical request:
        POST
        /

        content-type:application/x-www-form-urlencoded
        host:sts.us-east-1.amazonaws.com
        x-amz-date:20150830T123600Z

        content-type;host;x-amz-date
        ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843

        String to sign:
        AWS4-HMAC-SHA256
        20150830T123600Z
        20150830/us-east-1/sts/aws4_request
        b42b3efd3741b943b44eb29d91274cf0fd1f1abf768f2b71231a87e15394814a

        Signed headers: content-type;host;x-amz-date
        Signature: 94405bc26f219569999dadb25c560bc61134371b330f394151ebb698c4d5fb3a

        Signed request:
        POST / HTTP/1.1
        Host:sts.us-east-1.amazonaws.com
        Content-Type: application/x-www-form-urlencoded
        X-Amz-Date:20150830T123600Z
        Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=94405bc26f219569999dadb25c560bc61134371b330f394151ebb698c4d5fb3a

        Action=GetCallerIdentity&Version=2011-06-15--- stderr
    "#]],
    );
}

#[test]
fn sign_redacts_the_session_token_unless_asked() {
    let home = home("sign-token", None, None);
    let mut args = vec![
        "sign",
        "--service",
        "s3",
        "--s3",
        "--region",
        "us-east-1",
        "--time",
        "20150830T123600Z",
        "--session-token",
        "TOKEN/with+chars",
    ];
    args.extend(KEYS);
    args.extend(["--explain", "https://bucket.s3.amazonaws.com/a%20b"]);
    check(
        &home,
        &args,
        0,
        expect![[r#"
            Canonical request:
            GET
            /a%20b

            host:bucket.s3.amazonaws.com
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20150830T123600Z
            x-amz-security-token:** redacted **

            host;x-amz-content-sha256;x-amz-date;x-amz-security-token
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

            String to sign:
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/s3/aws4_request
            561455416eed43cdffd7440776c68974ba2efd55cfbb63721a7acdaee828afca

            Signed headers: host;x-amz-content-sha256;x-amz-date;x-amz-security-token
            Signature: b1162bd4c93b4a25b5b617c636fd72470a37e3172ca121f599a081ecdcecae98

            Signed request:
            GET /a%20b HTTP/1.1
            Host:bucket.s3.amazonaws.com
            X-Amz-Security-Token:** redacted **
            X-Amz-Date:20150830T123600Z
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=b1162bd4c93b4a25b5b617c636fd72470a37e3172ca121f599a081ecdcecae98

            --- stderr
        "#]],
    );
    let (code, stdout, _) = run(signet(&home).args(&args).arg("--show-secrets"));
    assert_eq!(code, 0);
    assert!(stdout.contains("X-Amz-Security-Token:TOKEN/with+chars"), "{stdout}");
}

#[test]
fn presign_prints_a_url() {
    let home = home("presign", None, None);
    let mut args = vec![
        "presign",
        "--region",
        "us-east-1",
        "--time",
        "20130524T000000Z",
        "--expires",
        "86400",
        "--access-key-id",
        "AKIAIOSFODNN7EXAMPLE",
        "--secret-access-key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ];
    args.push("https://examplebucket.s3.amazonaws.com/test.txt");
    // The S3 documentation's presigned URL example.
    check(
        &home,
        &args,
        0,
        expect![[r#"
        https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404
        --- stderr
    "#]],
    );
}

#[test]
fn presign_post_prints_the_form() {
    let home = home("post", None, None);
    let mut args = vec![
        "presign-post",
        "--region",
        "us-east-1",
        "--time",
        "20151229T000000Z",
        "--bucket",
        "sigv4examplebucket",
        "--key",
        "user/user1/${filename}",
        "--condition",
        r#"{"acl": "public-read"}"#,
        "--condition",
        r#"["starts-with", "$Content-Type", "image/"]"#,
        "--condition",
        r#"["content-length-range", 0, 1048576]"#,
    ];
    args.extend(KEYS);
    check(
        &home,
        &args,
        0,
        expect![[r#"
        POST https://sigv4examplebucket.s3.us-east-1.amazonaws.com/
        acl: public-read
        key: user/user1/${filename}
        x-amz-algorithm: AWS4-HMAC-SHA256
        x-amz-credential: AKIDEXAMPLE/20151229/us-east-1/s3/aws4_request
        x-amz-date: 20151229T000000Z
        policy: eyJleHBpcmF0aW9uIjogIjIwMTUtMTItMjlUMDE6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJhY2wiOiAicHVibGljLXJlYWQifSwgWyJzdGFydHMtd2l0aCIsICIkQ29udGVudC1UeXBlIiwgImltYWdlLyJdLCBbImNvbnRlbnQtbGVuZ3RoLXJhbmdlIiwgMCwgMTA0ODU3Nl0sIHsiYnVja2V0IjogInNpZ3Y0ZXhhbXBsZWJ1Y2tldCJ9LCBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwgeyJ4LWFtei1hbGdvcml0aG0iOiAiQVdTNC1ITUFDLVNIQTI1NiJ9LCB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJREVYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LCB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiJ9XX0=
        x-amz-signature: d65e78af749bff5f739a0b7256e3d859b4fa420f155dd0691a99c7cf5445bb13
        file: <the upload: the last form field>
        --- stderr
    "#]],
    );
    let mut bad = args.clone();
    bad.extend(["--condition", "[\"between\", 1]"]);
    check(
        &home,
        &bad,
        2,
        expect![[r#"
        --- stderr
        error: --condition number 4: unknown condition `between` with 2 items
          hint: write conditions as S3 does: '{"acl": "public-read"}', '["starts-with", "$Content-Type", "image/"]', '["content-length-range", 0, 1048576]'
    "#]],
    );
}

#[test]
fn endpoint_shows_url_and_signing_properties() {
    let home = home("endpoint", None, None);
    check(
        &home,
        &["endpoint", "--service", "sts", "--region", "eu-west-1", "--fips"],
        0,
        expect![[r#"
        url: https://sts-fips.eu-west-1.amazonaws.com
        auth scheme: sigv4 (the rule set names none: the service's signing name, `sts`, and the region, `eu-west-1`)
        --- stderr
    "#]],
    );
    check(
        &home,
        &[
            "endpoint",
            "--service",
            "s3",
            "--region",
            "us-west-2",
            "--bucket",
            "my-bucket",
            "--dualstack",
        ],
        0,
        expect![[r#"
        url: https://my-bucket.s3.dualstack.us-west-2.amazonaws.com
        auth scheme: sigv4
          signing name: s3
          signing region: us-west-2
          double encoding: off
        --- stderr
    "#]],
    );
    check(
        &home,
        &[
            "endpoint",
            "--service",
            "s3",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9000",
            "--bucket",
            "b1",
            "--force-path-style",
        ],
        0,
        expect![[r#"
        url: http://127.0.0.1:9000/b1
        custom endpoint: --endpoint-url
        auth scheme: sigv4
          signing name: s3
          signing region: us-east-1
          double encoding: off
        --- stderr
    "#]],
    );
    check(
        &home,
        &["endpoint", "--service", "sts"],
        2,
        expect![[r#"
        --- stderr
        error: no region is set
          hint: pass --region, set AWS_REGION, or add `region = us-east-1` to profile `default` in $HOME/.aws/config
    "#]],
    );
}

#[test]
fn config_list_shows_every_setting_and_its_source() {
    let home = home("config-list", Some(CONFIG), Some(CREDENTIALS));
    let (code, stdout, _) = run(signet(&home)
        .args(["config", "list"])
        .env("AWS_REGION", "ap-south-1")
        .env("AWS_PROFILE", "dev"));
    assert_eq!(code, 0);
    expect![[r#"
        name                                value                     source
        profile                             dev                       environment variable AWS_PROFILE
        config_file                         $HOME/.aws/config  default
        credentials_file                    $HOME/.aws/credentials  default
        access_key                          <not set>                 no provider answered (`signet credentials --explain`)
        region                              ap-south-1                environment variable AWS_REGION; hides us-west-2 (`region` in [profile dev] at $HOME/.aws/config:5)
        retry_mode                          adaptive                  `retry_mode` in [profile dev] at $HOME/.aws/config:6
        max_attempts                        nine                      `max_attempts` in [profile dev] at $HOME/.aws/config:7
        new_retries_2026                    false                     default
        endpoint_url                        <not set>                 -
        ignore_configured_endpoint_urls     false                     default
        use_fips_endpoint                   false                     default
        use_dualstack_endpoint              false                     default
        sts_regional_endpoints              regional                  default
        sdk_ua_app_id                       <not set>                 -
        ec2_metadata_disabled               true                      environment variable AWS_EC2_METADATA_DISABLED
        ec2_metadata_v1_disabled            false                     default
        ec2_metadata_service_endpoint       <not set>                 -
        ec2_metadata_service_endpoint_mode  IPv4                      default
        metadata_service_timeout            1                         default
        metadata_service_num_attempts       4                         default
    "#]].assert_eq(&stdout.replace(&home.display().to_string(), "$HOME"));
}

#[test]
fn config_list_masks_the_access_key_and_names_its_provider() {
    let home = home("config-list-creds", Some(CONFIG), Some(CREDENTIALS));
    let (code, stdout, _) = run(signet(&home).args(["config", "list"]));
    assert_eq!(code, 0);
    let line = stdout.lines().find(|l| l.starts_with("access_key ")).unwrap();
    assert!(line.contains(" ****************AULT "), "{line}");
    assert!(
        line.ends_with("credentials provider Profile (`signet credentials --explain`)"),
        "{line}"
    );
    assert!(!stdout.contains("defaultsecret"));
}

#[test]
fn config_check_reports_file_and_line() {
    let clean = home("config-clean", Some("[default]\nregion = eu-west-1\n"), Some(CREDENTIALS));
    check(
        &clean,
        &["config", "check"],
        0,
        expect![[r#"
        0 error(s), 0 warning(s)
        --- stderr
    "#]],
    );
    let home = home("config-check", Some(CONFIG), Some(CREDENTIALS));
    check(
        &home,
        &["config", "check"],
        3,
        expect![[r#"
        $HOME/.aws/config:7: error: [profile dev] max_attempts = `nine`: expected a whole number from 1 to 4294967295
        1 error(s), 0 warning(s)
        --- stderr
    "#]],
    );
    let broken = home_with_broken_config();
    check(
        &broken,
        &["config", "check"],
        3,
        expect![[r#"
        error: $HOME/.aws/config:3: Expected an '=' sign defining a property
        1 error(s), 0 warning(s)
        --- stderr
    "#]],
    );
}

fn home_with_broken_config() -> std::path::PathBuf {
    home(
        "config-broken",
        Some("[profile a]\nregion = us-east-1\nthis line is not a key\n[profile b\nregion=x\n"),
        None,
    )
}

#[test]
fn config_profiles_marks_the_selected_one() {
    let home = home("profiles", Some(CONFIG), Some(CREDENTIALS));
    check(
        &home,
        &["--profile", "dev", "config", "profiles"],
        0,
        expect![[r#"
          ci  ($HOME/.aws/config:9)
          default  ($HOME/.aws/config:1)
        * dev  ($HOME/.aws/config:4)
        --- stderr
    "#]],
    );
}

#[test]
fn errors_say_what_to_do() {
    let home = home("errors", Some(CONFIG), None);
    check(
        &home,
        &["--profile", "prod", "presign", "https://b.s3.amazonaws.com/k"],
        2,
        expect![[r#"
        --- stderr
        error: no profile named `prod` (from --profile) in $HOME/.aws/config or $HOME/.aws/credentials
          hint: the profiles are: ci, default, dev
    "#]],
    );
    let empty = support::home("errors-empty", None, None);
    let mut args = vec!["sign", "--service", "sts"];
    args.extend(KEYS);
    args.push("https://sts.amazonaws.com/");
    check(
        &empty,
        &args,
        2,
        expect![[r#"
        --- stderr
        error: no region is set
          hint: pass --region, set AWS_REGION, or add `region = us-east-1` to profile `default` in $HOME/.aws/config
    "#]],
    );
    // Without keys, `sign` asks the default chain, and says why nothing answered (the full
    // text is checked in `credentials_explain_lists_every_provider`).
    let (code, _, stderr) = run(signet(&empty).args([
        "sign",
        "--service",
        "sts",
        "--region",
        "us-east-1",
        "https://sts.amazonaws.com/",
    ]));
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: no credentials found in chain. Attempted:\n  Environment: "),
        "{stderr}"
    );
    assert!(stderr.ends_with("hint: `signet credentials --explain` lists every provider; pass --access-key-id and --secret-access-key to skip the chain\n"), "{stderr}");
    let mut bad_time =
        vec!["sign", "--service", "sts", "--region", "us-east-1", "--time", "yesterday"];
    bad_time.extend(KEYS);
    bad_time.push("https://sts.amazonaws.com/");
    check(
        &empty,
        &bad_time,
        2,
        expect![[r#"
        --- stderr
        error: `yesterday` is not a time
          hint: write it as 20150830T123600Z, 2015-08-30T12:36:00Z or seconds since 1970
    "#]],
    );
    let mut bad_url = vec!["sign", "--service", "sts", "--region", "us-east-1"];
    bad_url.extend(KEYS);
    bad_url.push("sts.amazonaws.com");
    check(
        &empty,
        &bad_url,
        2,
        expect![[r#"
        --- stderr
        error: `sts.amazonaws.com` is not a URL: it has no scheme
          hint: give a full URL such as https://sts.us-east-1.amazonaws.com/
    "#]],
    );
}

#[test]
fn verify_says_why_a_request_is_invalid() {
    let home = home("verify", None, None);
    let mut sign =
        vec!["sign", "--service", "service", "--region", "us-east-1", "--time", "20150830T123600Z"];
    sign.extend(KEYS);
    sign.push("https://example.amazonaws.com/?a=b");
    let (code, signed, _) = run(signet(&home).args(&sign));
    assert_eq!(code, 0);
    let file = home.join("request.txt");
    std::fs::write(&file, &signed).unwrap();
    let f = file.to_str().unwrap();
    check(
        &home,
        &[
            "verify",
            "--request-file",
            f,
            "--time",
            "20150830T123900Z",
            "--secret-access-key",
            SECRET,
        ],
        0,
        expect![[r#"
        valid: signed by AKIDEXAMPLE at 20150830T123600Z over host;x-amz-date
        --- stderr
    "#]],
    );
    check(
        &home,
        &[
            "verify",
            "--request-file",
            f,
            "--time",
            "20150830T123900Z",
            "--secret-access-key",
            "not-the-secret",
        ],
        3,
        expect![[r#"
        invalid: the signature does not match the one computed from the request and the secret
        hint: the secret is wrong, or the request changed after signing; compare our canonical request below with the signer's (signet diff-signature)

        Canonical request (ours):
        GET
        /
        a=b
        host:example.amazonaws.com
        x-amz-date:20150830T123600Z

        host;x-amz-date
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

        String to sign (ours):
        AWS4-HMAC-SHA256
        20150830T123600Z
        20150830/us-east-1/service/aws4_request
        037b8940e529902a2fa06d58d2bd854d14ba94f0a0b25b1280168f95f726ebb6
        --- stderr
    "#]],
    );
    check(
        &home,
        &[
            "verify",
            "--request-file",
            f,
            "--time",
            "20150830T130000Z",
            "--secret-access-key",
            SECRET,
        ],
        3,
        expect![[r#"
        invalid: the request time 20150830T123600Z is too far from the server's clock
        hint: the signer's clock, or --time, is more than 15 minutes from the checking time
        --- stderr
    "#]],
    );
    std::fs::write(&file, signed.replace("?a=b", "?a=c")).unwrap();
    let (code, stdout, _) = run(signet(&home).args([
        "verify",
        "--request-file",
        f,
        "--time",
        "20150830T123600Z",
        "--secret-access-key",
        SECRET,
        "--output",
        "json",
    ]));
    assert_eq!(code, 3);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["valid"], false);
    assert!(doc["canonical_request"].as_str().unwrap().contains("\na=c\n"), "{stdout}");
}

#[test]
fn diff_signature_shows_the_differing_lines() {
    let home = home("diff", None, None);
    // What S3 would report for a request signed with a double-encoded path.
    let aws = home.join("aws-error.xml");
    std::fs::write(&aws, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET\n/a%2520b\n\nhost:bucket.s3.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20150830T123600Z\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>\n").unwrap();
    let mut args = vec![
        "diff-signature",
        "--expected-canonical",
        aws.to_str().unwrap(),
        "--service",
        "s3",
        "--s3",
        "--region",
        "us-east-1",
        "--time",
        "20150830T123600Z",
    ];
    args.extend(KEYS);
    args.push("https://bucket.s3.amazonaws.com/a%20b");
    check(
        &home,
        &args,
        3,
        expect![[r#"
            --- AWS's canonical request (expected)
            +++ signet's canonical request (ours)
              GET
            - /a%2520b
            + /a%20b

              host:bucket.s3.amazonaws.com
            - x-amz-content-sha256:UNSIGNED-PAYLOAD
            + x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
              x-amz-date:20150830T123600Z

              host;x-amz-content-sha256;x-amz-date
            - UNSIGNED-PAYLOAD
            + e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            hint: the path differs: sign the path the server sees (a proxy or API stage may rewrite it); S3 neither normalises nor double-encodes paths (--s3), other services do both
            hint: the payload hash differs: the body sent is not the body signed, or UNSIGNED-PAYLOAD is expected (--unsigned-payload)
            hint: a header value differs: check what the HTTP client or a proxy changes (host with a port, content-type, content-length)
            --- stderr
        "#]],
    );
    let mut same = args.clone();
    same.insert(1, "--unsigned-payload");
    *same.last_mut().unwrap() = "https://bucket.s3.amazonaws.com/a%2520b";
    check(
        &home,
        &same,
        0,
        expect![[r#"
            hint: the canonical requests are identical: the difference is in the credentials, scope or time (paste AWS's string to sign too)
            --- stderr
        "#]],
    );
    // Same canonical request, but AWS's string to sign names another region.
    std::fs::write(&aws, "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-west-2/s3/aws4_request\n0a2d4b0a9b2b8bd57e1a2e4bd8c8c6ae6b2a6d3f0c4b1a1e9e9f1d1d7c1b0a1f</StringToSign><CanonicalRequest>GET\n/a%2520b\n\nhost:bucket.s3.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20150830T123600Z\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>").unwrap();
    check(
        &home,
        &same,
        3,
        expect![[r#"
        --- AWS's string to sign (expected)
        +++ signet's string to sign (ours)
          AWS4-HMAC-SHA256
          20150830T123600Z
        - 20150830/us-west-2/s3/aws4_request
        - 0a2d4b0a9b2b8bd57e1a2e4bd8c8c6ae6b2a6d3f0c4b1a1e9e9f1d1d7c1b0a1f
        + 20150830/us-east-1/s3/aws4_request
        + a9cec4c78a167750999d60da4f2f2dc2945398afd0c464f34ce16c624aa1a499
        hint: the scope's region differs: AWS expects `us-west-2`, we signed for `us-east-1`
        --- stderr
    "#]],
    );
    // Both identical: only the secret can differ.
    let text = std::fs::read_to_string(&aws).unwrap();
    let text = text.replace("us-west-2", "us-east-1").replace(
        "0a2d4b0a9b2b8bd57e1a2e4bd8c8c6ae6b2a6d3f0c4b1a1e9e9f1d1d7c1b0a1f",
        "a9cec4c78a167750999d60da4f2f2dc2945398afd0c464f34ce16c624aa1a499",
    );
    std::fs::write(&aws, text).unwrap();
    let (code, stdout, _) = run(signet(&home).args(&same));
    assert_eq!(
        (code, stdout.as_str()),
        (
            0,
            "hint: the canonical request and string to sign are identical: the secret access key is not the one AWS has for this access key id\n"
        )
    );
}

#[test]
fn every_command_has_an_example_in_its_help() {
    let home = home("help", None, None);
    let (code, top, _) = run(signet(&home).arg("--help"));
    assert_eq!(code, 0);
    assert!(top.contains("Example:"), "{top}");
    let commands: Vec<String> = top
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 14, "{commands:?}");
    for c in &commands {
        let (code, help, _) = run(signet(&home).args([c.as_str(), "--help"]));
        assert_eq!(code, 0, "{c}");
        assert!(help.contains("Example:\n  signet "), "signet {c} --help has no example:\n{help}");
    }
    for sub in [["imds", "get"], ["imds", "region"], ["config", "list"], ["config", "check"]] {
        let (_, help, _) = run(signet(&home).args(sub).arg("--help"));
        assert!(
            help.contains("Example:\n  signet "),
            "signet {} --help has no example",
            sub.join(" ")
        );
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    let home = home("completions", None, None);
    for (shell, marker) in [
        ("bash", "complete -F _signet"),
        ("zsh", "#compdef signet"),
        ("fish", "complete -c signet"),
    ] {
        let (code, stdout, _) = run(signet(&home).args(["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        assert!(stdout.contains(marker), "{shell}: {}", &stdout[..stdout.len().min(300)]);
        assert!(stdout.contains("presign-post"), "{shell}");
    }
}

#[test]
fn credentials_explain_lists_every_provider() {
    let home = home(
        "creds",
        Some("[profile dev]\nregion = eu-west-1\n"),
        Some("[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n"),
    );
    check(
        &home,
        &["--profile", "dev", "credentials", "--explain"],
        0,
        expect![[r#"
        1. Environment: not configured: environment variable not set: AWS_ACCESS_KEY_ID
        2. Profile: resolved: access key AKIDDEV
        3. WebIdentityToken: not tried
        4. EcsContainer: not tried
        5. Ec2InstanceMetadata: not tried
        --- stderr
    "#]],
    );
    check(
        &home,
        &["--profile", "dev", "credentials"],
        0,
        expect![[r#"
        access key id: AKIDDEV
        secret access key: ** redacted ** (print it with --format env|json|process)
        --- stderr
    "#]],
    );
    check(
        &home,
        &["--profile", "dev", "credentials", "--format", "env"],
        0,
        expect![[r#"
        export AWS_ACCESS_KEY_ID=AKIDDEV
        export AWS_SECRET_ACCESS_KEY=devsecret
        --- stderr
    "#]],
    );
    let (code, stdout, _) = run(signet(&home).args([
        "--profile",
        "dev",
        "credentials",
        "--explain",
        "--output",
        "json",
    ]));
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["providers"][1]["status"], "resolved");
    assert!(!stdout.contains("devsecret"));
    let empty = support::home("creds-none", None, None);
    check(
        &empty,
        &["credentials", "--explain"],
        1,
        expect![[r#"
        1. Environment: not configured: environment variable not set: AWS_ACCESS_KEY_ID
        2. Profile: not configured: No profiles were defined
        3. WebIdentityToken: not configured: environment variable not set: AWS_WEB_IDENTITY_TOKEN_FILE
        4. EcsContainer: not configured: No environment variables were set to configure ECS provider (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI)
        5. Ec2InstanceMetadata: not configured: IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)
        --- stderr
    "#]],
    );
    check(
        &empty,
        &["credentials"],
        1,
        expect![[r#"
        --- stderr
        error: no credentials found in chain. Attempted:
          Environment: the credential provider was not enabled: environment variable not set: AWS_ACCESS_KEY_ID
          Profile: the credential provider was not enabled: No profiles were defined
          WebIdentityToken: the credential provider was not enabled: environment variable not set: AWS_WEB_IDENTITY_TOKEN_FILE
          EcsContainer: the credential provider was not enabled: No environment variables were set to configure ECS provider (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI)
          Ec2InstanceMetadata: the credential provider was not enabled: IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)
          hint: `signet credentials --explain` lists every provider; pass --access-key-id and --secret-access-key to skip the chain
    "#]],
    );
}

#[test]
fn signet_is_a_credential_process_for_itself() {
    let bin = assert_cmd::cargo::cargo_bin("signet");
    let config = format!(
        "[profile outer]\ncredential_process = {} --profile inner credentials --format process\n\n[profile inner]\naws_access_key_id = AKIDINNER\naws_secret_access_key = innersecret\naws_session_token = innertoken\n",
        bin.display()
    );
    let home = home("creds-process", Some(&config), None);
    let (code, stdout, stderr) =
        run(signet(&home).args(["--profile", "outer", "credentials", "--format", "json"]));
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (
            doc["AccessKeyId"].as_str(),
            doc["SecretAccessKey"].as_str(),
            doc["SessionToken"].as_str()
        ),
        (Some("AKIDINNER"), Some("innersecret"), Some("innertoken"))
    );
    let (_, stdout, _) =
        run(signet(&home).args(["--profile", "outer", "credentials", "--explain"]));
    assert!(stdout.contains("2. Profile: resolved: access key AKIDINNER"), "{stdout}");
}

#[test]
fn expired_credentials_say_when() {
    let script = "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDOLD\", \"SecretAccessKey\": \"oldsecret\", \"SessionToken\": \"oldtoken\", \"Expiration\": \"2020-01-01T00:00:00Z\"}'\n";
    let home = home("creds-expired", None, None);
    let path = home.join("old-creds.sh");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!("[default]\nregion = us-east-1\ncredential_process = {}\n", path.display()),
    )
    .unwrap();
    check(
        &home,
        &["whoami"],
        1,
        expect![[r#"
        --- stderr
        error: the credentials of access key AKIDOLD expired at 2020-01-01T00:00:00Z
          hint: refresh them (a new session, `aws sso login`, ...); `signet credentials --explain` shows where they come from
    "#]],
    );
}

#[test]
fn verify_takes_a_presigned_url_on_the_command_line() {
    let home = home("verify-url", None, None);
    let mut presign = vec!["presign", "--region", "us-east-1", "--time", "20150830T123600Z"];
    presign.extend(KEYS);
    presign.push("https://bucket.s3.amazonaws.com/photos/cat.jpg");
    let (code, url, _) = run(signet(&home).args(&presign));
    assert_eq!(code, 0);
    let url = url.trim();
    let verify = |time: &str, url: &str| {
        let mut cmd = signet(&home);
        cmd.args(["verify", "--s3", "--time", time, "--secret-access-key", SECRET, url]);
        run(&mut cmd)
    };
    let (code, stdout, _) = verify("20150830T124000Z", url);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "valid: signed by AKIDEXAMPLE at 20150830T123600Z over host\n")
    );
    let (code, stdout, _) = verify("20150830T140000Z", url);
    assert_eq!(code, 3);
    assert_eq!(
        stdout,
        "invalid: the presigned URL expired at 20150830T133600Z\nhint: presign again with a longer --expires\n"
    );
    let (code, stdout, _) = verify("20150830T124000Z", &url.replace("cat.jpg", "dog.jpg"));
    assert_eq!(code, 3);
    assert!(stdout.starts_with("invalid: the signature does not match"), "{stdout}");
    let (code, _, stderr) = run(signet(&home).args(["verify", "--secret-access-key", SECRET]));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn json_output_for_scripts() {
    let home = home("json", None, None);
    check(
        &home,
        &[
            "--output",
            "json",
            "endpoint",
            "--service",
            "s3",
            "--region",
            "eu-central-1",
            "--bucket",
            "logs",
            "--fips",
        ],
        0,
        expect![[r#"
            {
              "auth_schemes": [
                {
                  "disable_double_encoding": true,
                  "name": "sigv4",
                  "signing_name": "s3",
                  "signing_region": "eu-central-1",
                  "signing_region_set": []
                }
              ],
              "custom_endpoint_source": null,
              "headers": [],
              "properties": {
                "authSchemes": [
                  {
                    "disableDoubleEncoding": true,
                    "name": "sigv4",
                    "signingName": "s3",
                    "signingRegion": "eu-central-1"
                  }
                ]
              },
              "url": "https://logs.s3-fips.eu-central-1.amazonaws.com"
            }
            --- stderr
        "#]],
    );
    let mut sign = vec![
        "--output",
        "json",
        "sign",
        "--service",
        "service",
        "--region",
        "us-east-1",
        "--time",
        "20150830T123600Z",
    ];
    sign.extend(KEYS);
    sign.push("https://example.amazonaws.com/?b=2&a=1");
    check(
        &home,
        &sign,
        0,
        expect![[r#"
        {
          "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=50d9917f49da4fae5c9a37e31daa00b4f3c1ee4b3f52484ac1d1b69803616728",
          "canonical_request": "GET\n/\na=1&b=2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "headers": [
            [
              "Host",
              "example.amazonaws.com"
            ],
            [
              "X-Amz-Date",
              "20150830T123600Z"
            ],
            [
              "Authorization",
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=50d9917f49da4fae5c9a37e31daa00b4f3c1ee4b3f52484ac1d1b69803616728"
            ]
          ],
          "method": "GET",
          "signature": "50d9917f49da4fae5c9a37e31daa00b4f3c1ee4b3f52484ac1d1b69803616728",
          "signed_headers": "host;x-amz-date",
          "string_to_sign": "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\ne78855bd28c09a0110b4809df2b06f9fb006a2cbf87c2db834ec52480d69a919",
          "url": "https://example.amazonaws.com/?b=2&a=1"
        }
        --- stderr
    "#]],
    );
    let mut presign = vec![
        "--output",
        "json",
        "presign",
        "--region",
        "us-east-1",
        "--time",
        "20150830T123600Z",
        "--expires",
        "60",
    ];
    presign.extend(KEYS);
    presign.push("https://bucket.s3.amazonaws.com/k");
    check(
        &home,
        &presign,
        0,
        expect![[r#"
            {
              "expires": "2015-08-30T12:37:00Z",
              "signature": "8d8502a9d188abcd8efaa350fcc480562776edeba4f32c8cb5925db099464ea2",
              "url": "https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=8d8502a9d188abcd8efaa350fcc480562776edeba4f32c8cb5925db099464ea2"
            }
            --- stderr
        "#]],
    );
}

#[test]
fn signing_again_replaces_the_old_signature_headers() {
    let home = home("resign", None, None);
    let mut args =
        vec!["sign", "--service", "service", "--region", "us-east-1", "--time", "20150830T123600Z"];
    args.extend(KEYS);
    args.extend([
        "-H",
        "Authorization: AWS4-HMAC-SHA256 Credential=OLD",
        "-H",
        "x-amz-date: 20000101T000000Z",
        "https://example.amazonaws.com/",
    ]);
    let (code, stdout, stderr) = run(signet(&home).args(&args));
    assert_eq!(code, 0, "{stderr}");
    // Exactly the suite's get-vanilla signed request: the old headers are gone.
    assert_eq!(
        stdout,
        "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\nAuthorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\n\n"
    );
}
