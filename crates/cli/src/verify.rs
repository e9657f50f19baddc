//! `signet verify`: check a signed request against a secret with signet-sigv4's verifier.

use serde_json::json;
use signet::sigv4::{Credentials, Payload, Rejection, SignableRequest, SigningSettings, Verifier};

use crate::args::VerifyArgs;
use crate::context::Context;
use crate::error::{Error, exit};
use crate::request::Request;
use crate::sign::write_json;

/// `signet verify`.
pub(crate) fn verify(ctx: &Context, args: &VerifyArgs, out: &mut Vec<u8>) -> Result<u8, Error> {
    let request = Request::from_file_or_args(args.request_file.as_deref(), args.request.as_ref())?;
    let now = ctx.time(args.time.as_deref())?;
    let scope = credential_scope(&request);
    let region = ctx
        .global
        .region
        .clone()
        .or_else(|| scope.as_ref().and_then(|s| s.get(2).cloned()))
        .ok_or_else(|| {
            Error::usage("the request has no credential scope to take the region from")
                .hint("pass --region")
        })?;
    let service = args
        .service
        .clone()
        .or_else(|| scope.as_ref().and_then(|s| s.get(3).cloned()))
        .ok_or_else(|| {
        Error::usage("the request has no credential scope to take the service from")
            .hint("pass --service")
    })?;
    let owned = request.signing_headers();
    let headers: Vec<(&str, &str)> = owned.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let content_sha = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"))
        .map(|(_, v)| v.trim());
    // S3 signs presigned URLs with UNSIGNED-PAYLOAD, and header-signed requests with the
    // `x-amz-content-sha256` they carry.
    let presigned = request.target.contains("X-Amz-Signature=");
    let payload = match (args.s3, content_sha, &request.body) {
        _ if args.unsigned_payload => Payload::Unsigned,
        (true, Some(hash), _) => Payload::Precomputed(hash),
        (true, None, _) if presigned => Payload::Unsigned,
        (_, _, Some(body)) => Payload::Bytes(body),
        (_, _, None) => Payload::Empty,
    };
    let signable = SignableRequest::new(&request.method, &request.target, &headers, payload);
    let secret = args.secret_access_key.as_str();
    let wanted = args.access_key_id.as_deref();
    let lookup =
        |akid: &str| wanted.is_none_or(|w| w == akid).then(|| Credentials::new(akid, secret));
    let settings = if args.s3 { SigningSettings::S3 } else { SigningSettings::DEFAULT };
    let verifier = Verifier::new(lookup, &region, &service).with_settings(settings);
    match verifier.verify(&signable, now) {
        Ok(ok) => {
            if ctx.json() {
                write_json(
                    out,
                    &json!({"valid": true, "access_key_id": ok.access_key_id, "date": ok.date.as_str(), "signed_headers": ok.signed_headers}),
                );
            } else {
                out.extend_from_slice(
                    format!(
                        "valid: signed by {} at {} over {}\n",
                        ok.access_key_id,
                        ok.date.as_str(),
                        ok.signed_headers
                    )
                    .as_bytes(),
                );
            }
            Ok(0)
        }
        Err(e) => {
            let Some(rejection) = e.rejection() else {
                return Err(Error::usage(format!("cannot check the request: {e}")));
            };
            let hint = hint(rejection);
            if ctx.json() {
                let mut doc =
                    json!({"valid": false, "reason": rejection.to_string(), "hint": hint});
                if let Rejection::WrongSignature { canonical_request, string_to_sign } = rejection {
                    doc["canonical_request"] = json!(canonical_request);
                    doc["string_to_sign"] = json!(string_to_sign);
                }
                write_json(out, &doc);
            } else {
                let mut text = format!("invalid: {rejection}\n");
                if let Some(h) = hint {
                    text.push_str(&format!("hint: {h}\n"));
                }
                if let Rejection::WrongSignature { canonical_request, string_to_sign } = rejection {
                    text.push_str(&format!(
                        "\nCanonical request (ours):\n{canonical_request}\n\nString to sign (ours):\n{string_to_sign}\n"
                    ));
                }
                out.extend_from_slice(text.as_bytes());
            }
            Ok(exit::CHECK_FAILED)
        }
    }
}

fn hint(r: &Rejection) -> Option<&'static str> {
    Some(match r {
        Rejection::WrongSignature { .. } => {
            "the secret is wrong, or the request changed after signing; compare our canonical request below with the signer's (signet diff-signature)"
        }
        Rejection::TimeSkewed { .. } => {
            "the signer's clock, or --time, is more than 15 minutes from the checking time"
        }
        Rejection::Expired { .. } => "presign again with a longer --expires",
        Rejection::UnknownAccessKey { .. } => {
            "the request was signed with another access key id than --access-key-id"
        }
        Rejection::ScopeMismatch { .. } => "sign with the region and service the request goes to",
        Rejection::MissingSignedHeader { .. } => "a header was dropped after signing (a proxy?)",
        _ => return None,
    })
}

/// `[akid, date, region, service, aws4_request]` from `Authorization` or `X-Amz-Credential`.
fn credential_scope(request: &Request) -> Option<Vec<String>> {
    let from_header = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.split("Credential=").nth(1))
        .map(|rest| rest.split([',', ' ']).next().unwrap_or_default().to_owned());
    let from_query = || {
        let query = request.target.split_once('?')?.1;
        query
            .split('&')
            .find_map(|p| p.strip_prefix("X-Amz-Credential="))
            .map(|v| v.replace("%2F", "/").replace("%2f", "/"))
    };
    let credential = from_header.or_else(from_query)?;
    let parts: Vec<String> = credential.split('/').map(str::to_owned).collect();
    (parts.len() == 5).then_some(parts)
}
