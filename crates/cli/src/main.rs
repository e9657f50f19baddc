//! `signet`: the command people reach for when an AWS signature does not match, when they
//! cannot tell which credentials won, or when they need a presigned URL or a signed request.
//!
//! Every command takes `--profile`, `--region`, `--endpoint-url` and `--output text|json`
//! where they apply; `signet <command> --help` shows an example. The environment, the files
//! and the clock are read in one place ([`main`]) and handed to the commands, so the tests
//! run the binary against a temp `HOME` and an explicit environment.
//!
//! Exit codes: 0 success; 1 the operation failed; 2 bad arguments or settings; 3 a check
//! found a problem (config check errors, a rejected signature, a canonical-request
//! difference); 4 `signet curl` got an HTTP error status.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)] // printing is this crate's job

mod args;
mod config_cmd;
mod context;
mod credentials;
mod creds_out;
mod curl;
mod diff;
mod endpoint;
mod error;
mod imds_cmd;
mod post;
mod request;
mod sign;
mod sts_cmd;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use signet::config::{Env, Fs};
use signet::sigv4::{SystemTimeSource, TimeSource};

use crate::args::{Cli, Command};
use crate::context::Context;
use crate::error::Error;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // The real clock, read once: commands take `Context::now` (tests pass `--time`).
    let now = SystemTimeSource.now();
    let ctx = Context { env: Env::from_process(), fs: Fs::real(), now, global: cli.global };
    let mut out = Vec::new();
    let result = run(&ctx, &cli.command, &mut out);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&out);
    let _ = stdout.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs one command, writing what it prints to `out`; the exit code on success.
fn run(ctx: &Context, command: &Command, out: &mut Vec<u8>) -> Result<u8, Error> {
    match command {
        Command::Credentials(args) => credentials::credentials(ctx, args, out),
        Command::Whoami(args) => sts_cmd::whoami(ctx, args, out),
        Command::AssumeRole(args) => sts_cmd::assume_role(ctx, args, out),
        Command::SessionToken(args) => sts_cmd::session_token(ctx, args, out),
        Command::PresignPost(args) => post::presign_post(ctx, args, out),
        Command::Curl(args) => curl::curl(ctx, args, out),
        Command::Imds(cmd) => imds_cmd::imds(ctx, cmd, out),
        Command::Verify(args) => verify::verify(ctx, args, out),
        Command::Sign(args) => sign::sign(ctx, args, out),
        Command::Presign(args) => sign::presign(ctx, args, out),
        Command::DiffSignature(args) => sign::diff_signature(ctx, args, out),
        Command::Endpoint(args) => endpoint::endpoint(ctx, args, out),
        Command::Config(cmd) => config_cmd::config(ctx, cmd, out),
        Command::Completions(args) => {
            let mut cmd = Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "signet", out);
            Ok(0)
        }
    }
}
