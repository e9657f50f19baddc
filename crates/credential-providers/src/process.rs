//! `credential_process`: credentials from an external command.

use std::fmt;
use std::process::Stdio;
use std::time::Duration;

use async_trait::async_trait;
use signet_sigv4::Credentials;

use crate::json::{Rules, credentials, get_ci, parse_object};
use crate::profile_chain::Sensitive;
use crate::{Error, ProvideCredentials};

/// The longest stderr excerpt kept in an error.
const STDERR_LIMIT: usize = 4096;
/// The most output read as the credentials document (they are a few hundred bytes).
const STDOUT_LIMIT: usize = 1 << 20;

/// Reads a pipe to its end, keeping at most `limit` bytes.
async fn read_limited(pipe: Option<impl tokio::io::AsyncRead + Unpin>, limit: usize) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut kept = Vec::new();
    let Some(mut pipe) = pipe else { return kept };
    let mut chunk = [0u8; 8192];
    loop {
        match pipe.read(&mut chunk).await {
            Ok(0) | Err(_) => return kept,
            Ok(n) => {
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(chunk.get(..n.min(room)).unwrap_or_default());
            }
        }
    }
}

/// Credentials from an external command (`credential_process` in a profile), which prints the
/// Version 1 JSON document:
///
/// ```json
/// {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...", "SessionToken": "...",
///  "Expiration": "2026-11-23T12:00:00Z", "AccountId": "123456789012"}
/// ```
///
/// The command runs with `sh -c` (`cmd.exe /C` on Windows), is killed after the timeout
/// (default 60 s), must exit 0 (otherwise the error carries its stderr) and must print valid
/// JSON with `Version` 1. Keys are matched without regard to case. `Debug` never shows the
/// command (it may hold secrets).
#[derive(Clone)]
pub struct ProcessProvider {
    command: Sensitive,
    account_id: Option<String>,
    timeout: Duration,
}

impl fmt::Debug for ProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessProvider")
            .field("command", &self.command)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ProcessProvider {
    /// Runs `command` on each load.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: Sensitive::new(command),
            account_id: None,
            timeout: Duration::from_secs(60),
        }
    }

    /// The account id to report when the output has none (the profile's `aws_account_id`).
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Kills the command and fails after `timeout` (default 60 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn run(&self) -> Result<Credentials, Error> {
        let mut command = if cfg!(windows) {
            let mut c = tokio::process::Command::new("cmd.exe");
            c.arg("/C").arg(self.command.expose());
            c
        } else {
            let mut c = tokio::process::Command::new("sh");
            c.arg("-c").arg(self.command.expose());
            c
        };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| {
            Error::failed("Error retrieving credentials: could not start the external process")
                .with_source(e)
        })?;
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        // Both pipes are drained at once (a full stderr pipe would block the process), each
        // keeping at most its limit; the rest is read and dropped.
        let run = async {
            let err_task = tokio::spawn(read_limited(stderr, STDERR_LIMIT + 4));
            let out = read_limited(stdout, STDOUT_LIMIT).await;
            let err = err_task.await.unwrap_or_default();
            (child.wait().await, out, err)
        };
        // Dropping the future on timeout drops the child, which kills it (kill_on_drop).
        let (status, out, err) = tokio::time::timeout(self.timeout, run).await.map_err(|_| {
            Error::new(
                crate::ErrorKind::Timeout,
                format!(
                    "Error retrieving credentials: the external process did not finish within {:?} and was killed",
                    self.timeout
                ),
            )
        })?;
        let status = status.map_err(|e| {
            Error::failed("Error retrieving credentials: could not wait for the external process")
                .with_source(e)
        })?;
        if !status.success() {
            let mut stderr = String::from_utf8_lossy(&err).into_owned();
            if stderr.len() > STDERR_LIMIT {
                let mut cut = STDERR_LIMIT;
                while !stderr.is_char_boundary(cut) {
                    cut -= 1;
                }
                stderr.truncate(cut);
                stderr.push_str("...");
            }
            return Err(Error::failed(format!(
                "Error retrieving credentials: external process exited with code {status}. Stderr: {}",
                stderr.trim_end()
            )));
        }
        parse_output(&out, self.account_id.as_deref())
    }
}

/// Parses the Version 1 document a `credential_process` prints.
pub(crate) fn parse_output(out: &[u8], account_id: Option<&str>) -> Result<Credentials, Error> {
    let prefix = "Error retrieving credentials from external process, could not parse response";
    let wrap = |e: Error| Error::invalid_response(format!("{prefix}: {}", e_message(&e)));
    let object = parse_object(out).map_err(wrap)?;
    match get_ci(&object, "Version").and_then(serde_json::Value::as_u64) {
        Some(1) => {}
        Some(_) | None => {
            return Err(Error::invalid_response(format!(
                "{prefix}: `Version` must be the number 1"
            )));
        }
    }
    let rules =
        Rules { token_key: "SessionToken", token_required: false, expiration_required: false };
    let mut creds = credentials(&object, rules).map_err(wrap)?;
    if creds.account_id().is_none() {
        if let Some(account) = account_id {
            creds = creds.with_account_id(account);
        }
    }
    Ok(creds)
}

fn e_message(e: &Error) -> String {
    e.to_string()
}

#[async_trait]
impl ProvideCredentials for ProcessProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.run().await.map_err(|e| e.in_provider("CredentialProcess"))
    }
}
