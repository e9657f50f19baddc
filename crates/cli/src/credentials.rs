//! Credentials for the commands that need them, through the default chain, and
//! `signet credentials`.

use std::io::BufRead;

use serde_json::json;
use signet::config::Settings;
use signet::credentials::{Attempt, CredentialsChain, DefaultChainBuilder, ProvideCredentials};
use signet::sigv4::Credentials;

use crate::args::{CredentialsArgs, CredsArgs};
use crate::context::Context;
use crate::creds_out::{iso8601, write_credentials};
use crate::error::{Error, chain};
use crate::sign::write_json;
use crate::sts_cmd::runtime;

/// The default chain for these settings, with the command line's keys first when given, and
/// MFA codes for role profiles read from standard input.
fn default_chain(settings: &Settings, args: &CredsArgs) -> CredentialsChain {
    let mut builder = DefaultChainBuilder::new(settings.env().clone(), settings.fs().clone())
        .settings(settings.clone())
        .mfa_token(|serial: &str| {
            eprint!("MFA code for {serial}: ");
            let mut line = String::new();
            // No code (standard input closed) goes to STS as an empty code, which the STS
            // client rejects by name: the callback cannot build the providers' error type.
            let _ = std::io::stdin().lock().read_line(&mut line);
            Ok(line.trim().to_owned())
        });
    if let (Some(id), Some(secret)) = (&args.access_key_id, &args.secret_access_key) {
        let creds = Credentials::new(id.as_str(), secret.as_str());
        builder = builder.credentials(match &args.session_token {
            Some(t) => creds.with_session_token(t.as_str()),
            None => creds,
        });
    }
    builder.build()
}

fn no_credentials(e: &signet::credentials::Error) -> Error {
    Error::failed(chain(e)).hint(
        "`signet credentials --explain` lists every provider; pass --access-key-id and --secret-access-key to skip the chain",
    )
}

/// The credentials a command signs with: the keys given on the command line, else the default
/// chain (environment, profile, web identity, container, instance profile).
pub(crate) fn resolve(settings: &Settings, args: &CredsArgs) -> Result<Credentials, Error> {
    let chain = default_chain(settings, args);
    runtime()?.block_on(chain.provide_credentials()).map_err(|e| no_credentials(&e))
}

/// [`resolve`], failing with when they expired if the credentials are no longer valid now.
pub(crate) fn resolve_fresh(
    ctx: &Context,
    settings: &Settings,
    args: &CredsArgs,
) -> Result<Credentials, Error> {
    let creds = resolve(settings, args)?;
    if let Some(expiration) = creds.expiration() {
        if creds.is_expired_at(ctx.now) {
            return Err(Error::failed(format!(
                "the credentials of access key {} expired at {}",
                creds.access_key_id(),
                iso8601(expiration)
            ))
            .hint("refresh them (a new session, `aws sso login`, ...); `signet credentials --explain` shows where they come from"));
        }
    }
    Ok(creds)
}

/// What every provider of the default chain does for these settings.
pub(crate) fn explain(settings: &Settings) -> Result<Vec<Attempt>, Error> {
    Ok(runtime()?.block_on(default_chain(settings, &CredsArgs::default()).explain()))
}

/// `signet credentials`.
pub(crate) fn credentials(
    ctx: &Context,
    args: &CredentialsArgs,
    out: &mut Vec<u8>,
) -> Result<u8, Error> {
    let settings = ctx.settings()?;
    let chain = default_chain(&settings, &CredsArgs::default());
    let rt = runtime()?;
    if args.explain {
        let attempts = rt.block_on(chain.explain());
        let rows: Vec<(&str, String, String)> = attempts.iter().map(row).collect();
        if ctx.json() && args.format.is_none() {
            let providers: Vec<serde_json::Value> = rows
                .iter()
                .map(|(status, name, detail)| json!({"provider": name, "status": status, "detail": detail}))
                .collect();
            write_json(out, &json!({"providers": providers}));
            return Ok(explain_code(&attempts));
        }
        let mut text = String::new();
        for (i, (status, name, detail)) in rows.iter().enumerate() {
            text.push_str(&format!("{}. {name}: {status}", i + 1));
            if !detail.is_empty() {
                text.push_str(&format!(": {detail}"));
            }
            text.push('\n');
        }
        if args.format.is_some() {
            // stdout carries the credentials; the explanation goes to stderr.
            eprint!("{text}");
        } else {
            out.extend_from_slice(text.as_bytes());
            return Ok(explain_code(&attempts));
        }
    }
    let creds = rt.block_on(chain.provide_credentials()).map_err(|e| no_credentials(&e))?;
    match args.format {
        Some(format) => write_credentials(out, &creds, format),
        None if ctx.json() => write_json(
            out,
            &json!({
                "access_key_id": creds.access_key_id(),
                "session_token": creds.session_token().is_some(),
                "expiration": creds.expiration().map(iso8601),
                "expired": creds.is_expired_at(ctx.now),
                "account_id": creds.account_id(),
            }),
        ),
        None => {
            let mut text = format!("access key id: {}\n", creds.access_key_id());
            text.push_str(
                "secret access key: ** redacted ** (print it with --format env|json|process)\n",
            );
            if creds.session_token().is_some() {
                text.push_str("session token: ** redacted **\n");
            }
            if let Some(e) = creds.expiration() {
                let state = if creds.is_expired_at(ctx.now) { " (expired)" } else { "" };
                text.push_str(&format!("expires: {}{state}\n", iso8601(e)));
            }
            if let Some(a) = creds.account_id() {
                text.push_str(&format!("account: {a}\n"));
            }
            out.extend_from_slice(text.as_bytes());
        }
    }
    Ok(0)
}

/// 0 when a provider answered, 1 otherwise.
fn explain_code(attempts: &[Attempt]) -> u8 {
    u8::from(!attempts.iter().any(|a| matches!(a, Attempt::Answered { .. })))
}

/// (status, provider, detail) of one attempt.
fn row(a: &Attempt) -> (&'static str, String, String) {
    let detail = |e: &signet::credentials::Error| {
        let text = chain(e);
        let name = e.provider().unwrap_or_default();
        let text = text.strip_prefix(&format!("{name}: ")).unwrap_or(&text).to_owned();
        (name.to_owned(), text)
    };
    match a {
        Attempt::Answered { provider, access_key_id } => {
            ("resolved", provider.clone(), format!("access key {access_key_id}"))
        }
        Attempt::NotConfigured(e) => {
            let (name, text) = detail(e);
            let text = text
                .strip_prefix("the credential provider was not enabled: ")
                .unwrap_or(&text)
                .to_owned();
            ("not configured", name, text)
        }
        Attempt::Failed(e) => {
            let (name, text) = detail(e);
            ("failed", name, text)
        }
        Attempt::NotTried(p) => ("not tried", p.clone(), String::new()),
        _ => ("unknown", String::new(), a.to_string()),
    }
}
