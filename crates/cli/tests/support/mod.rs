//! Shared test helpers: run the `signet` binary with an explicit environment and a temp HOME.

#![allow(dead_code, unreachable_pub)]

pub mod http;
#[allow(unused_imports)] // each test binary uses part of the support
pub use signet_test_support::moto;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// Arguments for an STS GetCallerIdentity call, for `signet curl` or `signet sign` (the URL
/// follows).
pub const GET_CALLER_IDENTITY: [&str; 8] = [
    "--service",
    "sts",
    "-X",
    "POST",
    "-H",
    "Content-Type: application/x-www-form-urlencoded",
    "-d",
    "Action=GetCallerIdentity&Version=2011-06-15",
];

/// A fresh, empty directory under cargo's per-target temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("signet-cli-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A HOME with `~/.aws/config` and `~/.aws/credentials` holding these texts (absent when
/// `None`).
pub fn home(name: &str, config: Option<&str>, credentials: Option<&str>) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join(".aws")).unwrap();
    if let Some(c) = config {
        std::fs::write(dir.join(".aws/config"), c).unwrap();
    }
    if let Some(c) = credentials {
        std::fs::write(dir.join(".aws/credentials"), c).unwrap();
    }
    dir
}

/// `signet` with nothing from the real environment: HOME is `home`, IMDS is off.
pub fn signet(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("signet").unwrap();
    cmd.env_clear()
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PATH", "/usr/bin:/bin");
    cmd
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The example credentials of the AWS SigV4 test suite.
pub const AKID: &str = "AKIDEXAMPLE";
/// Its secret.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
