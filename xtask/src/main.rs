//! signet's build tasks, run as `cargo xtask <task>`.
//!
//! Plain Rust with no dependencies, so that the tasks build in seconds on a fresh machine.
//! `cargo xtask help` lists the tasks; `cargo xtask ci` is what CI runs.
#![forbid(unsafe_code)]
// This binary's job is to print progress and to read the process environment.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

mod bench;
mod demo;
mod deps;
mod isolate;
mod sim_retry;
mod tidy;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The error every task returns: a sentence for the person running it.
type Result<T = ()> = std::result::Result<T, String>;

const HELP: &str = "\
cargo xtask <task>

tasks:
  ci        everything CI checks: lint, standalone builds, tests in a network namespace,
            docs, tidy, deps, deny
  lint      cargo fmt --check and clippy -D warnings on all targets
  test      build the tests, then run them inside a network namespace with only `lo`
            (extra arguments go to `cargo test`)
  docs      cargo doc for the workspace with RUSTDOCFLAGS=-D warnings
  tidy      repository hygiene: READMEs, crate docs, licence metadata, no stray TO-DO marks
  deps      per-crate dependency budgets (see xtask/src/deps.rs)
  deny      cargo deny check (installs cargo-deny when missing)
  fuzz C    run crate C's property-based fuzz targets (`crates/C/tests/fuzz.rs`) with
            many more cases than CI does (PROPTEST_CASES, default 100000), in release mode
  bench S   run the peer benchmark `benches/S` (default sigv4) and print medians and
            ratios (signet first)
  sim-retry 10,000 clients against a service that throttles for 10 s: no jitter, standard
            2.0 and 2.1, adaptive (table; chart in docs/retry-sim.svg; --seed N, --out FILE,
            --max-attempts N, --error throttling|unavailable)
  venv      create target/xtask-venv with moto server (used by the STS tests)
  demo      the main job: moto server on 127.0.0.1, a throwaway profile, and the real flows
            through signet (credentials, GetCallerIdentity, AssumeRole, presigned URL,
            the README's quick start), with a short report
  help      this text

environment:
  SIGNET_ALLOW_NETWORK=1  run tests without a network namespace where none can be made
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "ci" => ci(),
        "lint" => lint(),
        "test" => isolate::test(rest),
        isolate::INNER => isolate::inner(rest),
        "docs" => docs(),
        "tidy" => tidy::run(&root()),
        "deps" => deps::run(),
        "deny" => tools::deny(),
        "venv" => tools::venv().map(|_| ()),
        "demo" => demo::run(),
        "fuzz" => fuzz(rest),
        "sim-retry" => sim_retry::run(rest),
        "bench" => bench::run_suite(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Every check CI runs, cheapest first, so a formatting slip fails in seconds.
fn ci() -> Result {
    let start = std::time::Instant::now();
    step("tidy", || tidy::run(&root()))?;
    step("lint", lint)?;
    step("standalone crate builds", standalone)?;
    step("venv (moto server)", || tools::venv().map(|_| ()))?;
    step("tests (network-isolated)", || isolate::test(&[]))?;
    step("docs", docs)?;
    step("deps", deps::run)?;
    step("deny", tools::deny)?;
    println!("\nxtask ci: all checks passed in {:.0?}", start.elapsed());
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result) -> Result {
    println!("\n==> {name}");
    let start = std::time::Instant::now();
    let r = f();
    println!("<== {name}: {} in {:.1?}", if r.is_ok() { "ok" } else { "FAILED" }, start.elapsed());
    r.map_err(|e| format!("{name}: {e}"))
}

fn lint() -> Result {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--locked",
        "--",
        "-D",
        "warnings",
    ])
}

/// Each crate must build and test on its own, without features that a sibling turns on.
fn standalone() -> Result {
    for pkg in deps::workspace_crates() {
        cargo(&["check", "--quiet", "--locked", "--all-targets", "-p", pkg])?;
    }
    Ok(())
}

fn docs() -> Result {
    run(Command::new(cargo_bin())
        .args(["doc", "--workspace", "--no-deps", "--all-features", "--locked"])
        .env("RUSTDOCFLAGS", "-D warnings"))
}

/// Runs one crate's fuzz targets for longer than CI does (docs/adr/0007).
fn fuzz(args: &[String]) -> Result {
    let Some(krate) = args.first() else {
        return Err("usage: cargo xtask fuzz <crate folder, e.g. sigv4> [cases]".to_owned());
    };
    let cases = args.get(1).map_or("100000", String::as_str);
    // A folder name (`sigv4`, `signet`) or a package name (`signet-sigv4`).
    let candidates = [krate.clone(), format!("signet-{krate}")];
    let Some(pkg) = candidates.into_iter().find(|p| deps::workspace_crates().any(|c| c == p))
    else {
        return Err(format!("no crate named {krate} or signet-{krate}"));
    };
    run(Command::new(cargo_bin())
        .args(["test", "--release", "--locked", "-p", &pkg, "--test", "fuzz"])
        .env("PROPTEST_CASES", cases))
}

/// The workspace root (the parent of this crate's manifest directory).
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` for the process; the compile-time value is the
/// fallback (a binary built from another checkout must still work on this one).
fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs `cargo <args>` in the workspace root, failing on a non-zero exit.
fn cargo(args: &[&str]) -> Result {
    run(Command::new(cargo_bin()).args(args))
}

/// Runs a command in the workspace root and turns a failure into a sentence.
fn run(cmd: &mut Command) -> Result {
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed ({status})")) }
}

/// Runs a command and returns its standard output, failing on a non-zero exit.
fn output(cmd: &mut Command) -> Result<String> {
    cmd.current_dir(root());
    let shown = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{shown} printed non-UTF-8 output"))
}
