//! A moto server for one test: found at `$SIGNET_MOTO_SERVER` or
//! `<workspace>/target/xtask-venv/bin/moto_server` (made by `cargo xtask venv`), started on
//! 127.0.0.1 at a free port, and killed when the handle is dropped or the test process exits,
//! even on a panic or an abort.
//!
//! The server runs under `sh -c "moto_server ... & p=$!; echo $p; read _; kill $p"` with the
//! shell's stdin piped from this process: dropping the handle, or the process ending for any
//! reason, closes the pipe, `read` returns and the shell kills moto.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server.
pub struct Moto {
    child: Child,
    stdin: Option<ChildStdin>,
    addr: SocketAddr,
}

/// Where the moto server binary is; panics (failing the test) with the fix when it is missing.
pub fn moto_server_path() -> PathBuf {
    // The test harness's one read of the process environment: CI may point it elsewhere.
    #[allow(clippy::disallowed_methods)]
    let configured = std::env::var_os("SIGNET_MOTO_SERVER").map(PathBuf::from);
    let path = configured.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/xtask-venv/bin/moto_server")
    });
    assert!(
        path.is_file(),
        "moto_server not found at {}: run `cargo xtask venv` (or set SIGNET_MOTO_SERVER)",
        path.display()
    );
    path
}

impl Moto {
    /// Starts moto with the given extra environment (for example
    /// `INITIAL_NO_AUTH_ACTION_COUNT`) and waits until it accepts connections.
    pub fn start(env: &[(&str, &str)]) -> Moto {
        Self::start_with(&moto_server_path(), env)
    }

    /// As [`Moto::start`], with the `moto_server` binary at `server`.
    pub fn start_with(server: &Path, env: &[(&str, &str)]) -> Moto {
        let server = server.to_path_buf();
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            match Self::try_start(&server, port, env) {
                Ok(moto) => return moto,
                Err(e) => last_error = e,
            }
        }
        panic!("moto_server did not start: {last_error}");
    }

    fn try_start(server: &Path, port: u16, env: &[(&str, &str)]) -> Result<Moto, String> {
        let script = format!(
            "'{}' -H 127.0.0.1 -p {port} >/dev/null 2>&1 & p=$!; echo $p; read _; kill $p",
            server.display()
        );
        let mut command = Command::new("sh");
        command.arg("-c").arg(script).stdin(Stdio::piped()).stdout(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().map_err(|e| format!("cannot run sh: {e}"))?;
        let stdin = child.stdin.take();
        let mut pid = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut pid);
        }
        let pid = pid.trim().to_owned();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let moto = Moto { child, stdin, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(moto);
            }
            if !pid.is_empty() && !PathBuf::from(format!("/proc/{pid}")).exists() {
                return Err(format!("moto_server exited at once (port {port} taken?)"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("moto_server did not listen on {addr} within 30 s"))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Closing the pipe makes the shell kill moto; then reap the shell.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}
