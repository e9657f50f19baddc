//! Runs moto's server on a free loopback port for one test, and makes sure it dies with the
//! test process, even on a panic. Copy this file to use moto from another crate's tests.
//!
//! The server is `$SIGNET_MOTO_SERVER`, or `<workspace>/target/xtask-venv/bin/moto_server`
//! (made by `cargo xtask venv`). It is started as
//! `sh -c 'moto_server -H 127.0.0.1 -p PORT & p=$!; read _; kill $p; wait $p'` with the shell's stdin
//! piped from this process: when the pipe closes (the `Moto` value is dropped, or the test
//! process exits for any reason), `read` returns and the shell kills moto.

#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// How long moto may take to start answering (Python imports are slow on a busy machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How many ports to try when another process takes the one picked.
const PORT_TRIES: usize = 5;

/// A running moto server; dropping it stops the server.
pub struct Moto {
    addr: SocketAddr,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Moto {
    /// Starts moto and waits until it answers. Panics (failing the test) when the binary is
    /// missing, with the command that creates it.
    pub fn start() -> Self {
        let bin = binary();
        assert!(
            bin.is_file(),
            "moto_server not found at {}: run `cargo xtask venv` (or set SIGNET_MOTO_SERVER)",
            bin.display()
        );
        let mut last = String::new();
        for _ in 0..PORT_TRIES {
            let addr = free_port();
            let mut child = Command::new("sh")
                .arg("-c")
                .arg(
                    r#""$0" -H 127.0.0.1 -p "$1" >/dev/null 2>&1 & p=$!; read _; kill $p; wait $p"#,
                )
                .arg(&bin)
                .arg(addr.port().to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn sh for moto_server");
            let stdin = child.stdin.take();
            let mut moto = Self { addr, child, stdin };
            match moto.wait_ready() {
                Ok(()) => return moto,
                Err(e) => last = e,
            }
        }
        panic!("moto_server did not start: {last}");
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits until moto answers a metadata request as moto does (so that another program
    /// that took the port is not mistaken for it).
    fn wait_ready(&mut self) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < START_TIMEOUT {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("the shell exited early ({status})"));
            }
            match probe(self.addr) {
                Ok(body) if body.contains("i-fake") => return Ok(()),
                Ok(_) => return Err(format!("another server answers on {}", self.addr)),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
        Err(format!("no answer on {} within {START_TIMEOUT:?}", self.addr))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Closing the pipe makes the shell kill moto; then reap the shell.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

fn binary() -> PathBuf {
    // The one place these tests read the process environment: the CI's path to moto.
    #[allow(clippy::disallowed_methods)]
    if let Some(path) = std::env::var_os("SIGNET_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/xtask-venv/bin/moto_server")
}

/// A port that was free a moment ago: bind `127.0.0.1:0`, note the port, release it.
fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address")
}

fn probe(addr: SocketAddr) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(
        b"GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}
