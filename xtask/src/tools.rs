//! Tools the checks need that a fresh machine does not have: cargo-deny and a Python venv
//! with moto server. Each is installed on first use and reused afterwards.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, cargo, cargo_bin, root, run};

/// `cargo deny check`: bans, licences and sources always; advisories when the RustSec
/// database can be fetched (or a copy is already on the machine). See docs/adr/0006.
pub(crate) fn deny() -> Result {
    let installed = Command::new(cargo_bin())
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        println!("cargo-deny is missing: installing it with `cargo install --locked cargo-deny`");
        cargo(&["install", "--locked", "cargo-deny"])?;
    }
    cargo(&["deny", "--locked", "--all-features", "check", "licenses", "sources"])?;
    cargo(&["deny", "--locked", "--exclude-dev", "check", "bans"])?;

    let fetched = Command::new(cargo_bin())
        .args(["deny", "fetch", "db"])
        .current_dir(root())
        .output()
        .is_ok_and(|o| o.status.success());
    if fetched {
        cargo(&["deny", "--locked", "--all-features", "check", "advisories"])
    } else if advisory_db_on_disk() {
        eprintln!("xtask deny: the advisory database cannot be fetched; using the copy on disk");
        cargo(&["deny", "--offline", "--all-features", "check", "advisories"])
    } else {
        eprintln!(
            "\n!!!!! xtask deny: the RustSec advisory database cannot be fetched from this \
             machine and no copy is on disk: advisories were NOT checked. The crates known to \
             be unmaintained or vulnerable for this project (backoff, instant, serde_ini) are \
             banned by name in deny.toml, and that check passed. !!!!!\n"
        );
        Ok(())
    }
}

fn advisory_db_on_disk() -> bool {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    home.is_some_and(|h| {
        std::fs::read_dir(h.join("advisory-dbs"))
            .is_ok_and(|mut d| d.any(|e| e.is_ok_and(|e| e.path().is_dir())))
    })
}

/// Makes `target/xtask-venv` with moto server in it, and returns the `moto_server` path.
///
/// Tests find it at that path (or at `SIGNET_MOTO_SERVER`).
pub(crate) fn venv() -> Result<PathBuf> {
    let venv = root().join("target/xtask-venv");
    let moto = venv.join("bin/moto_server");
    if moto.is_file() {
        println!("moto server: {}", moto.display());
        return Ok(moto);
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    let pip = venv.join("bin/pip");
    run(Command::new(&pip)
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(["moto[server]>=5,<6"]))?;
    if moto.is_file() {
        println!("moto server installed: {}", moto.display());
        Ok(moto)
    } else {
        Err(format!("pip installed moto but {} does not exist", moto.display()))
    }
}
