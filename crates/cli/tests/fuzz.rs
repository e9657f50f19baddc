//! Property tests (docs/adr/0007): whatever the arguments and files, `signet` answers with
//! a documented exit code and never panics.

mod support;

use proptest::prelude::*;
use support::{AKID, SECRET, home, run, signet};

/// One HOME per test binary: the cases only read it.
fn shared_home() -> &'static std::path::Path {
    static HOME: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| home("fuzz", None, None))
}

fn no_panic(code: i32, stderr: &str) {
    assert!((0..=3).contains(&code), "exit code {code}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

proptest! {
    #[test]
    fn sign_never_panics(
        url in "(https?://)?[a-z.:0-9@\\[\\]%/?&=#~ -]{0,40}",
        header in "[ -~\t]{0,30}",
        method in "[A-Z]{0,6}",
        time in "[0-9TZ:-]{0,20}",
        service in "[a-z0-9/ -]{0,10}",
    ) {
        let home = shared_home();
        let mut cmd = signet(home);
        cmd.args(["sign", "--region", "us-east-1", "--access-key-id", AKID, "--secret-access-key", SECRET, "--explain"])
            .arg("--service").arg(&service)
            .arg("--time").arg(&time)
            .arg("-X").arg(&method)
            .arg("-H").arg(&header)
            .arg("--").arg(&url);
        let (code, _, stderr) = run(&mut cmd);
        no_panic(code, &stderr);
    }

    #[test]
    fn verify_never_panics_on_any_request_file(bytes in proptest::collection::vec(any::<u8>(), 0..300), prefix in "(GET|POST) /[a-z?=&]{0,10} HTTP/1.1\r?\nHost: ?[a-z.]{0,12}\r?\n(Authorization: ?AWS4-HMAC-SHA256 Credential=[A-Za-z0-9/_-]{0,40}, ?SignedHeaders=[a-z;-]{0,20}, ?Signature=[0-9a-f]{0,64}\r?\n)?(X-Amz-Date:[0-9TZ]{0,16}\n)?") {
        let home = shared_home();
        let file = home.join("request.txt");
        let mut content = prefix.into_bytes();
        content.extend_from_slice(&bytes);
        std::fs::write(&file, &content).unwrap();
        let (code, _, stderr) = run(signet(home).args(["verify", "--time", "20150830T123600Z", "--secret-access-key", SECRET, "--request-file"]).arg(&file));
        no_panic(code, &stderr);
    }

    #[test]
    fn diff_signature_never_panics_on_any_error_text(text in "(<CanonicalRequest>|The Canonical String for this request should have been\n')?[ -~\n]{0,200}(</CanonicalRequest>|'\n\nThe String-to-Sign should have been)?") {
        let home = shared_home();
        let file = home.join("aws.txt");
        std::fs::write(&file, &text).unwrap();
        let (code, _, stderr) = run(signet(home).args(["diff-signature", "--service", "s3", "--region", "us-east-1", "--time", "20150830T123600Z", "--access-key-id", AKID, "--secret-access-key", SECRET, "--expected-canonical"]).arg(&file).arg("https://b.s3.amazonaws.com/k"));
        no_panic(code, &stderr);
    }
}

proptest! {
    /// Any config file: `config check` reports (exit 0 or 3) and `config list` answers or
    /// says the file is unusable (exit 2); neither panics.
    #[test]
    fn config_commands_never_panic_on_any_file(text in "(\\[(profile |sso-session |services )?[a-z ]{0,6}\\]?\n|[a-z_]{1,12} ?= ?[ -~]{0,12}\n|  [a-z.]{1,8} = [a-z0-9]{0,5}\n|[#;][ -~]{0,10}\n|[ -~]{0,15}\n){0,12}") {
        static HOME: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
        let home = HOME.get_or_init(|| home("fuzz-config", None, None));
        std::fs::write(home.join(".aws/config"), &text).unwrap();
        for cmd in [["config", "check"], ["config", "list"], ["config", "profiles"]] {
            let (code, _, stderr) = run(signet(home).args(cmd));
            no_panic(code, &stderr);
        }
    }
}
