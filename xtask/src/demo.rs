//! `cargo xtask demo`: the main job, end to end, against a local emulator.
//!
//! Makes the moto venv when missing, builds the `signet` examples, and runs
//! `crates/signet/examples/demo.rs` with the `moto_server` path and the README's quick start
//! binary (`examples/quick_start.rs`). The demo starts moto on 127.0.0.1, writes a throwaway
//! profile directory, runs the flows through the facade, prints its report and stops moto
//! (docs/adr/0041).

use std::path::PathBuf;
use std::process::Command;

use crate::{Result, cargo, root, run as run_command, tools};

/// Runs the demo.
pub(crate) fn run() -> Result {
    let moto = tools::venv()?;
    cargo(&["build", "--quiet", "--locked", "-p", "signet", "--examples"])?;
    let examples = target_dir().join("debug/examples");
    let demo = examples.join(exe("demo"));
    let quick_start = examples.join(exe("quick_start"));
    for binary in [&demo, &quick_start] {
        if !binary.is_file() {
            return Err(format!("{} was not built", binary.display()));
        }
    }
    run_command(Command::new(&demo).arg(&moto).arg(&quick_start))
}

/// Where cargo puts build output: `CARGO_TARGET_DIR`, else `<workspace>/target`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { root().join(dir) }
        }
        None => root().join("target"),
    }
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}
