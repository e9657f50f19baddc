//! Network-isolated test runs.
//!
//! The tests are built first (with the network, for the registry), then `cargo test` runs again
//! inside a fresh network namespace where only the loopback interface exists. A test that aims
//! at 169.254.169.254 or an AWS host then fails with "network unreachable" instead of leaving
//! the machine. Before anything runs, the inner process proves the isolation: `lo` is the only
//! interface, loopback accepts connections, and the link-local IMDS address is unreachable.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use crate::{Result, cargo_bin, root, run};

/// The hidden task the namespace runs: `cargo xtask __isolated-test [cargo test args]`.
pub(crate) const INNER: &str = "__isolated-test";

/// Builds every test (all features: they are additive, and each feature's tests must run),
/// then runs them inside a network namespace.
pub(crate) fn test(extra: &[String]) -> Result {
    run(Command::new(cargo_bin()).args([
        "test",
        "--workspace",
        "--all-features",
        "--locked",
        "--no-run",
    ]))?;

    let allow = std::env::var("SIGNET_ALLOW_NETWORK").is_ok_and(|v| v == "1");
    let unshare = unshare_args();
    if let Err(why) = probe(&unshare) {
        if !allow {
            return Err(format!(
                "cannot create a network namespace ({why}).\n\
                 Tests are only run network-isolated. Run as root, enable unprivileged user \
                 namespaces, or set SIGNET_ALLOW_NETWORK=1 to run them with the network \
                 (then nothing stops a stray connection)."
            ));
        }
        eprintln!(
            "\n!!!!! WARNING: no network namespace ({why}); SIGNET_ALLOW_NETWORK=1 is set, so \
             the tests run WITH the machine's network. !!!!!\n"
        );
        return cargo_test(extra);
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    run(Command::new("unshare").args(&unshare).arg("--").arg(exe).arg(INNER).args(extra))
}

/// `unshare --net` as root; otherwise a user namespace maps us to root first.
fn unshare_args() -> Vec<&'static str> {
    if is_root() { vec!["--net"] } else { vec!["--user", "--map-root-user", "--net"] }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

fn probe(unshare: &[&str]) -> Result {
    let out = Command::new("unshare")
        .args(unshare)
        .arg("true")
        .output()
        .map_err(|e| format!("cannot run `unshare`: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("`unshare {}` failed: {}", unshare.join(" "), stderr_line(&out.stderr)))
    }
}

fn stderr_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().next().unwrap_or("").trim().to_owned()
}

/// Runs inside the namespace: bring `lo` up, prove the isolation, then run the tests.
pub(crate) fn inner(extra: &[String]) -> Result {
    bring_lo_up()?;
    let report = check_isolation()?;
    println!("network isolation: {report}");
    cargo_test(extra)
}

fn cargo_test(extra: &[String]) -> Result {
    run(Command::new(cargo_bin())
        .args(["test", "--workspace", "--all-features", "--locked", "--offline"])
        .args(extra)
        .current_dir(root()))
}

fn bring_lo_up() -> Result {
    if let Ok(status) = Command::new("ip").args(["link", "set", "lo", "up"]).status() {
        if status.success() {
            return Ok(());
        }
    }
    // No iproute2: set IFF_UP with an ioctl from Python, which every CI machine has.
    const PY: &str = "import fcntl,socket,struct\n\
        s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n\
        r=fcntl.ioctl(s,0x8913,struct.pack('16sH14x',b'lo',0))\n\
        f=struct.unpack('16sH14x',r)[1]|1\n\
        fcntl.ioctl(s,0x8914,struct.pack('16sH14x',b'lo',f))\n";
    run(Command::new("python3").args(["-c", PY]))
        .map_err(|e| format!("cannot bring `lo` up (neither `ip` nor python3 worked): {e}"))
}

/// Proves the namespace is what we think it is, and says so in one line.
fn check_isolation() -> Result<String> {
    let dev = std::fs::read_to_string("/proc/self/net/dev")
        .map_err(|e| format!("cannot read /proc/self/net/dev: {e}"))?;
    let interfaces: Vec<&str> =
        dev.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();
    if interfaces != ["lo"] {
        return Err(format!("expected only `lo` in the namespace, found {interfaces:?}"));
    }

    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("loopback bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("loopback address: {e}"))?;
    TcpStream::connect_timeout(&addr, Duration::from_secs(1))
        .map_err(|e| format!("loopback is not up: connecting to {addr} failed: {e}"))?;

    let imds: SocketAddr = ([169, 254, 169, 254], 80).into();
    let outside = match TcpStream::connect_timeout(&imds, Duration::from_millis(200)) {
        Ok(_) => return Err(format!("{imds} is reachable: the namespace is not isolated")),
        Err(e) if e.kind() == ErrorKind::NetworkUnreachable => "network is unreachable".to_owned(),
        Err(e) => return Err(format!("{imds} should be unreachable at once, got: {e}")),
    };
    Ok(format!(
        "interfaces {interfaces:?}; loopback {addr} accepts connections; {imds} fails at once \
         ({outside})"
    ))
}
