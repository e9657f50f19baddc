//! `signet sign`, `signet presign` and `signet diff-signature`: offline signing with the
//! working shown.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use serde_json::json;
use signet::sigv4::{
    Credentials, Explanation, Payload, SessionTokenMode, SignableRequest, Signer, SignerV4a,
    SigningSettings, V4aExplanation,
};

use crate::args::{DiffArgs, PresignArgs, SignArgs, SigningArgs};
use crate::context::Context;
use crate::credentials::{resolve, resolve_fresh};
use crate::error::{Error, exit};
use crate::request::Request;

/// The redaction marker for a session token, as the signer's own `Display` writes it.
pub(crate) const REDACTED: &str = "** redacted **";

/// Everything a signature needs besides the request.
pub(crate) struct Signing {
    pub(crate) credentials: Credentials,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) time: SystemTime,
    pub(crate) settings: SigningSettings,
    pub(crate) unsigned_payload: bool,
    /// SigV4a: `region` is the region set.
    pub(crate) sigv4a: bool,
}

/// The working of a signature, SigV4 or SigV4a, as exact text.
pub(crate) struct Working {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    pub(crate) signed_headers: String,
    pub(crate) signature: String,
}

impl From<Explanation> for Working {
    fn from(e: Explanation) -> Self {
        Self {
            canonical_request: e.canonical_request().to_owned(),
            string_to_sign: e.string_to_sign().to_owned(),
            signed_headers: e.signed_headers().to_owned(),
            signature: e.signature().to_string(),
        }
    }
}

impl From<V4aExplanation> for Working {
    fn from(e: V4aExplanation) -> Self {
        Self {
            canonical_request: e.canonical_request().to_owned(),
            string_to_sign: e.string_to_sign().to_owned(),
            signed_headers: e.signed_headers().to_owned(),
            signature: e.signature().to_string(),
        }
    }
}

impl Signing {
    /// From `--service`, `--time`, `--s3`, `--unsigned-payload`, the keys and the region.
    pub(crate) fn from_args(ctx: &Context, args: &SigningArgs) -> Result<Self, Error> {
        let settings_file = ctx.settings()?;
        let time = ctx.time(args.time.as_deref())?;
        // With an explicit --time the signature is for another moment: no expiry check.
        let credentials = match args.time {
            Some(_) => resolve(&settings_file, &args.creds)?,
            None => resolve_fresh(ctx, &settings_file, &args.creds)?,
        };
        let region = ctx.region(&settings_file)?;
        let mut settings = if args.s3 { SigningSettings::S3 } else { SigningSettings::DEFAULT };
        if args.content_sha256 {
            settings.content_sha256_header = true;
        }
        if args.no_normalize_path {
            settings.normalize_path = false;
        }
        if args.unsigned_session_token {
            settings.session_token = SessionTokenMode::Exclude;
        }
        Ok(Self {
            credentials,
            region,
            service: args.service.clone(),
            time,
            settings,
            unsigned_payload: args.unsigned_payload,
            sigv4a: args.sigv4a,
        })
    }

    pub(crate) fn signer(&self) -> Result<Signer<'_>, Error> {
        Ok(Signer::new(&self.credentials, &self.region, &self.service, self.time)
            .map_err(sign_error)?
            .with_settings(Cow::Borrowed(&self.settings)))
    }

    pub(crate) fn signer_v4a(&self) -> Result<SignerV4a<'_>, Error> {
        Ok(SignerV4a::new(&self.credentials, &self.region, &self.service, self.time)
            .map_err(sign_error)?
            .with_settings(Cow::Borrowed(&self.settings)))
    }

    pub(crate) fn payload<'a>(&self, request: &'a Request) -> Payload<'a> {
        match (&request.body, self.unsigned_payload) {
            (_, true) => Payload::Unsigned,
            (Some(body), false) => Payload::Bytes(body),
            (None, false) => Payload::Empty,
        }
    }

    /// Redacts the session token (and its percent-encoded form) unless `show` is set.
    pub(crate) fn redact(&self, text: &str, show: bool) -> String {
        match self.credentials.session_token() {
            Some(t) if !show && !t.is_empty() => {
                text.replace(t, REDACTED).replace(&percent_encode(t), REDACTED)
            }
            _ => text.to_owned(),
        }
    }
}

/// A signer error as a usage error: the input was wrong.
pub(crate) fn sign_error(e: signet::sigv4::Error) -> Error {
    Error::usage(format!("cannot sign: {e}"))
}

/// The signed request, as the AWS SigV4 test suite writes it.
pub(crate) struct Signed {
    /// Headers to set, in print order and case.
    pub(crate) added: Vec<(&'static str, String)>,
    pub(crate) authorization: String,
    pub(crate) working: Working,
}

/// Signs for the `Authorization` header.
pub(crate) fn sign_request(signing: &Signing, request: &Request) -> Result<Signed, Error> {
    let owned = request.signing_headers();
    let headers: Vec<(&str, &str)> = owned.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let signable =
        SignableRequest::new(&request.method, &request.target, &headers, signing.payload(request));
    let (pairs, working): (Vec<(&'static str, String)>, Working) = if signing.sigv4a {
        let signer = signing.signer_v4a()?;
        let signed = signer.sign_headers(&signable).map_err(sign_error)?;
        let pairs = signed.headers().map(|(n, v)| (n, v.to_owned())).collect();
        (pairs, signer.explain_headers(&signable).map_err(sign_error)?.into())
    } else {
        let signer = signing.signer()?;
        let signed = signer.sign_headers(&signable).map_err(sign_error)?;
        let pairs = signed.headers().map(|(n, v)| (n, v.to_owned())).collect();
        (pairs, signer.explain_headers(&signable).map_err(sign_error)?.into())
    };
    let mut added = Vec::new();
    let mut authorization = String::new();
    // The suite's order: the token, the date (and region set), then the payload hash.
    let mut pairs = pairs;
    pairs.sort_by_key(|(name, _)| match *name {
        "x-amz-security-token" => 0,
        "x-amz-content-sha256" => 2,
        _ => 1,
    });
    for (name, value) in pairs {
        let name = match name {
            "x-amz-date" => "X-Amz-Date",
            "x-amz-region-set" => "X-Amz-Region-Set",
            "x-amz-security-token" => "X-Amz-Security-Token",
            "authorization" => {
                authorization = value;
                continue;
            }
            other => other,
        };
        added.push((name, value));
    }
    Ok(Signed { added, authorization, working })
}

impl Signed {
    /// `METHOD target HTTP/1.1`, the request's headers, the added ones, `Authorization`, a
    /// blank line and the body.
    pub(crate) fn http_text(&self, request: &Request) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\n", request.method, request.target).into_bytes();
        for (name, value) in request.headers.iter().filter(|(n, _)| !self.replaces(n)) {
            out.extend_from_slice(format!("{name}:{value}\n").as_bytes());
        }
        for (name, value) in &self.added {
            out.extend_from_slice(format!("{name}:{value}\n").as_bytes());
        }
        out.extend_from_slice(format!("Authorization:{}\n\n", self.authorization).as_bytes());
        if let Some(body) = &request.body {
            out.extend_from_slice(body);
        }
        out
    }

    /// Whether the signature sets header `name` (an earlier signature's headers are dropped).
    fn replaces(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case("authorization")
            || self.added.iter().any(|(a, _)| a.eq_ignore_ascii_case(name))
    }

    /// Every header to send: the request's own (minus any the signature replaces) and the
    /// signature's.
    pub(crate) fn all_headers(&self, request: &Request) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(n, _)| !self.replaces(n))
            .map(|(n, v)| (n.clone(), v.trim().to_owned()))
            .collect();
        out.extend(self.added.iter().map(|(n, v)| ((*n).to_owned(), v.clone())));
        out.push(("Authorization".to_owned(), self.authorization.clone()));
        out
    }
}

fn explanation_text(signing: &Signing, e: &Working, show: bool) -> String {
    format!(
        "Canonical request:\n{}\n\nString to sign:\n{}\n\nSigned headers: {}\nSignature: {}\n",
        signing.redact(&e.canonical_request, show),
        e.string_to_sign,
        e.signed_headers,
        e.signature
    )
}

fn explanation_json(signing: &Signing, e: &Working, show: bool) -> serde_json::Value {
    json!({
        "canonical_request": signing.redact(&e.canonical_request, show),
        "string_to_sign": e.string_to_sign,
        "signed_headers": e.signed_headers,
        "signature": e.signature,
    })
}

/// `signet sign`.
pub(crate) fn sign(ctx: &Context, args: &SignArgs, out: &mut Vec<u8>) -> Result<u8, Error> {
    let signing = Signing::from_args(ctx, &args.signing)?;
    let request = Request::from_file_or_args(args.request_file.as_deref(), args.request.as_ref())?;
    let show = args.show_secrets;
    if args.presign {
        let (url, explanation) = presign_request(&signing, &request, args.expires)?;
        if ctx.json() {
            let mut doc = explanation_json(&signing, &explanation, show);
            doc["url"] = json!(signing.redact(&url, show));
            write_json(out, &doc);
        } else {
            if args.explain {
                out.extend_from_slice(explanation_text(&signing, &explanation, show).as_bytes());
                out.extend_from_slice(b"\nPresigned URL:\n");
            }
            out.extend_from_slice(signing.redact(&url, show).as_bytes());
            out.push(b'\n');
        }
        return Ok(0);
    }
    let signed = sign_request(&signing, &request)?;
    if ctx.json() {
        let mut doc = explanation_json(&signing, &signed.working, show);
        doc["authorization"] = json!(signed.authorization);
        doc["headers"] = signed
            .all_headers(&request)
            .into_iter()
            .map(|(n, v)| json!([n, signing.redact(&v, show)]))
            .collect();
        doc["url"] = json!(request.url());
        doc["method"] = json!(request.method);
        write_json(out, &doc);
    } else {
        if args.explain {
            out.extend_from_slice(explanation_text(&signing, &signed.working, show).as_bytes());
            out.extend_from_slice(b"\nSigned request:\n");
        }
        let text = signed.http_text(&request);
        match std::str::from_utf8(&text) {
            Ok(t) => out.extend_from_slice(signing.redact(t, show).as_bytes()),
            Err(_) => out.extend_from_slice(&text),
        }
    }
    Ok(0)
}

/// Presigns `request`: the URL with the signature in its query, and the working.
pub(crate) fn presign_request(
    signing: &Signing,
    request: &Request,
    expires: u64,
) -> Result<(String, Working), Error> {
    let owned = request.signing_headers();
    let headers: Vec<(&str, &str)> = owned.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let signable =
        SignableRequest::new(&request.method, &request.target, &headers, signing.payload(request));
    let expires = Duration::from_secs(expires);
    if signing.sigv4a {
        let signer = signing.signer_v4a()?;
        let signature = signer.presign(&signable, expires).map_err(sign_error)?;
        let working = signer.explain_presign(&signable, expires).map_err(sign_error)?;
        return Ok((signature.apply_to(&request.url()), working.into()));
    }
    let signer = signing.signer()?;
    let signature = signer.presign(&signable, expires).map_err(sign_error)?;
    let working = signer.explain_presign(&signable, expires).map_err(sign_error)?;
    Ok((signature.apply_to(&request.url()), working.into()))
}

/// `signet presign`: S3 rules and an unsigned payload for `s3`.
pub(crate) fn presign(ctx: &Context, args: &PresignArgs, out: &mut Vec<u8>) -> Result<u8, Error> {
    let settings = ctx.settings()?;
    let s3 = args.service == "s3";
    let signing = Signing {
        credentials: match args.time {
            Some(_) => resolve(&settings, &args.creds)?,
            None => resolve_fresh(ctx, &settings, &args.creds)?,
        },
        region: ctx.region(&settings)?,
        service: args.service.clone(),
        time: ctx.time(args.time.as_deref())?,
        settings: if s3 { SigningSettings::S3 } else { SigningSettings::DEFAULT },
        unsigned_payload: s3,
        sigv4a: false,
    };
    let (scheme, authority, target) = crate::request::split_url(&args.url)?;
    let request = Request {
        method: args.method.clone(),
        scheme,
        headers: std::iter::once(Ok(("host".to_owned(), authority.clone())))
            .chain(args.headers.iter().map(|h| crate::request::parse_header(h)))
            .collect::<Result<_, _>>()?,
        authority,
        target,
        body: None,
    };
    let (url, explanation) = presign_request(&signing, &request, args.expires)?;
    let expires_at = signing.time + Duration::from_secs(args.expires);
    if ctx.json() {
        write_json(
            out,
            &json!({
                "url": url,
                "expires": crate::creds_out::iso8601(expires_at),
                "signature": explanation.signature,
            }),
        );
    } else {
        out.extend_from_slice(url.as_bytes());
        out.push(b'\n');
    }
    Ok(0)
}

/// `signet diff-signature`: AWS's canonical request against ours, line by line.
pub(crate) fn diff_signature(
    ctx: &Context,
    args: &DiffArgs,
    out: &mut Vec<u8>,
) -> Result<u8, Error> {
    let text = std::fs::read(&args.expected_canonical).map_err(|e| {
        Error::usage(format!("cannot read {}: {e}", args.expected_canonical.display()))
    })?;
    let text = String::from_utf8_lossy(&text);
    let expected = crate::diff::extract_canonical_request(&text).ok_or_else(|| {
        Error::usage(format!("no canonical request in {}", args.expected_canonical.display()))
            .hint("paste AWS's SignatureDoesNotMatch message or only its canonical request")
    })?;
    let signing = Signing::from_args(ctx, &args.signing)?;
    let request = Request::from_args(&args.request)?;
    let explanation = if args.presign {
        presign_request(&signing, &request, args.expires)?.1
    } else {
        sign_request(&signing, &request)?.working
    };
    let ours = explanation.canonical_request.as_str();
    let diff = crate::diff::diff_lines(&expected, ours);
    let same = diff.iter().all(|l| matches!(l, crate::diff::Line::Same(_)));
    let mut hints = if same { Vec::new() } else { crate::diff::hints(&expected, ours) };
    // With identical canonical requests, the string to sign (when AWS sent it) tells the
    // time and scope apart from the secret.
    let aws_sts = crate::diff::extract_string_to_sign(&text).filter(|_| same);
    let sts =
        aws_sts.as_deref().map(|aws| crate::diff::diff_lines(aws, &explanation.string_to_sign));
    let sts_same =
        sts.as_ref().is_none_or(|d| d.iter().all(|l| matches!(l, crate::diff::Line::Same(_))));
    if let Some(aws) = &aws_sts {
        hints.extend(crate::diff::string_to_sign_hints(aws, &explanation.string_to_sign));
    }
    if same && sts_same {
        hints.push(if sts.is_some() {
            "the canonical request and string to sign are identical: the secret access key is not the one AWS has for this access key id".to_owned()
        } else {
            "the canonical requests are identical: the difference is in the credentials, scope or time (paste AWS's string to sign too)".to_owned()
        });
    }
    let json_lines = |d: &[crate::diff::Line<'_>]| -> Vec<serde_json::Value> {
        d.iter()
            .map(|l| {
                let (op, t) = match l {
                    crate::diff::Line::Same(t) => ("same", t),
                    crate::diff::Line::Expected(t) => ("aws", t),
                    crate::diff::Line::Ours(t) => ("ours", t),
                };
                json!({"op": op, "line": signing.redact(t, false)})
            })
            .collect()
    };
    if ctx.json() {
        let mut doc =
            json!({"identical": same && sts_same, "lines": json_lines(&diff), "hints": hints});
        if let Some(d) = &sts {
            doc["string_to_sign_lines"] = json_lines(d).into();
        }
        write_json(out, &doc);
    } else {
        if !same {
            render_diff(out, "canonical request", &diff, &signing);
        }
        if let Some(d) = sts.as_ref().filter(|_| !sts_same) {
            render_diff(out, "string to sign", d, &signing);
        }
        for hint in &hints {
            out.extend_from_slice(format!("hint: {hint}\n").as_bytes());
        }
    }
    Ok(if same && sts_same { 0 } else { exit::CHECK_FAILED })
}

/// A unified-style line diff: ` ` in both, `-` only AWS's, `+` only ours.
fn render_diff(out: &mut Vec<u8>, what: &str, diff: &[crate::diff::Line<'_>], signing: &Signing) {
    out.extend_from_slice(
        format!("--- AWS's {what} (expected)\n+++ signet's {what} (ours)\n").as_bytes(),
    );
    for line in diff {
        let (mark, t) = match line {
            crate::diff::Line::Same(t) => (' ', t),
            crate::diff::Line::Expected(t) => ('-', t),
            crate::diff::Line::Ours(t) => ('+', t),
        };
        let line = format!("{mark} {}", signing.redact(t, false));
        out.extend_from_slice(line.trim_end_matches(' ').as_bytes());
        out.push(b'\n');
    }
}

/// Pretty JSON and a newline.
pub(crate) fn write_json(out: &mut Vec<u8>, doc: &serde_json::Value) {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    out.extend_from_slice(text.as_bytes());
    out.push(b'\n');
}

/// RFC 3986 unreserved characters kept, everything else `%XX` (as SigV4 encodes).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
