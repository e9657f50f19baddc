//! `signet whoami`, `signet assume-role` and `signet session-token`: STS through
//! signet-sts-client.

use serde_json::json;
use signet::sts::{AssumeRoleInput, GetSessionTokenInput, StsClient};

use crate::args::{AssumeRoleArgs, CredsArgs, SessionArgs, SessionTokenArgs};
use crate::context::Context;
use crate::creds_out::write_credentials;
use crate::error::{Error, chain};
use crate::sign::write_json;

/// A runtime for one command.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failed(format!("cannot start the async runtime: {e}")))
}

fn client(ctx: &Context, creds: &CredsArgs) -> Result<StsClient, Error> {
    let settings = ctx.settings()?;
    ctx.region(&settings)?;
    let credentials = crate::credentials::resolve_fresh(ctx, &settings, creds)?;
    StsClient::from_settings(&settings)
        .and_then(|b| b.credentials(credentials).build())
        .map_err(|e| Error::usage(format!("cannot set up STS: {}", chain(&e))))
}

fn sts_error(e: &signet::sts::Error) -> Error {
    let mut err = Error::failed(chain(e));
    if let Some(code) = e.code() {
        let hint = match code {
            "ExpiredToken" => Some(
                "the session token has expired: get new credentials (`signet credentials --explain` shows where they come from)",
            ),
            "InvalidClientTokenId" => Some(
                "the access key id is not known to AWS: check which credentials won with `signet credentials --explain`",
            ),
            "SignatureDoesNotMatch" => Some(
                "the secret does not match the access key id, or the clock is off; `signet diff-signature` compares canonical requests",
            ),
            "AccessDenied" => Some(
                "the caller's policies (or the role's trust policy) do not allow this; `signet whoami` shows who the caller is",
            ),
            _ => None,
        };
        if let Some(h) = hint {
            err = err.hint(h);
        }
    }
    err
}

/// The MFA device and code: `--token-code`, or a line read from standard input after a
/// prompt on stderr.
fn mfa(s: &SessionArgs) -> Result<Option<(String, String)>, Error> {
    let Some(serial) = &s.serial_number else { return Ok(None) };
    let code = match &s.token_code {
        Some(code) => code.clone(),
        None => {
            eprint!("MFA code for {serial}: ");
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| Error::failed(format!("cannot read the MFA code: {e}")))?;
            let code = line.trim().to_owned();
            if code.is_empty() {
                return Err(Error::usage("no MFA code was given")
                    .hint("type the 6-digit code from the device, or pass --token-code"));
            }
            code
        }
    };
    Ok(Some((serial.clone(), code)))
}

/// `signet whoami`.
pub(crate) fn whoami(ctx: &Context, creds: &CredsArgs, out: &mut Vec<u8>) -> Result<u8, Error> {
    let client = client(ctx, creds)?;
    let rt = runtime()?;
    let id = rt.block_on(client.get_caller_identity()).map_err(|e| sts_error(&e))?;
    if ctx.json() {
        write_json(out, &json!({"Account": id.account, "Arn": id.arn, "UserId": id.user_id}));
    } else {
        out.extend_from_slice(
            format!("Account: {}\nArn:     {}\nUserId:  {}\n", id.account, id.arn, id.user_id)
                .as_bytes(),
        );
    }
    Ok(0)
}

/// `signet assume-role`.
pub(crate) fn assume_role(
    ctx: &Context,
    args: &AssumeRoleArgs,
    out: &mut Vec<u8>,
) -> Result<u8, Error> {
    let s = &args.session;
    let client = client(ctx, &s.creds)?;
    let mut input = AssumeRoleInput::new(args.role_arn.as_str(), args.role_session_name.as_str());
    if let Some(d) = s.duration_seconds {
        input = input.with_duration_seconds(d);
    }
    if let Some(x) = &args.external_id {
        input = input.with_external_id(x.as_str());
    }
    if let Some((serial, code)) = mfa(s)? {
        input = input.with_mfa(serial, code);
    }
    let rt = runtime()?;
    let output = rt.block_on(client.assume_role(&input)).map_err(|e| sts_error(&e))?;
    write_credentials(out, &output.credentials, s.format);
    Ok(0)
}

/// `signet session-token`.
pub(crate) fn session_token(
    ctx: &Context,
    args: &SessionTokenArgs,
    out: &mut Vec<u8>,
) -> Result<u8, Error> {
    let s = &args.session;
    let client = client(ctx, &s.creds)?;
    let mut input = GetSessionTokenInput::new();
    if let Some(d) = s.duration_seconds {
        input = input.with_duration_seconds(d);
    }
    if let Some((serial, code)) = mfa(s)? {
        input = input.with_mfa(serial, code);
    }
    let rt = runtime()?;
    let output = rt.block_on(client.get_session_token(&input)).map_err(|e| sts_error(&e))?;
    write_credentials(out, &output.credentials, s.format);
    Ok(0)
}
