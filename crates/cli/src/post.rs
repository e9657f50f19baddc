//! `signet presign-post`: an S3 POST policy and its form fields, for browser uploads, through
//! signet-sigv4's `PostPolicy` (botocore's `generate_presigned_post`).

use std::time::Duration;

use serde_json::{Value, json};
use signet::endpoints::{BuiltIn, RuleSet};
use signet::sigv4::{Condition, PostPolicy, Signer};

use crate::args::PresignPostArgs;
use crate::context::Context;
use crate::error::{Error, chain};
use crate::sign::{sign_error, write_json};

/// `signet presign-post`.
pub(crate) fn presign_post(
    ctx: &Context,
    args: &PresignPostArgs,
    out: &mut Vec<u8>,
) -> Result<u8, Error> {
    let settings = ctx.settings()?;
    let region = ctx.region(&settings)?;
    let creds = match args.time {
        Some(_) => crate::credentials::resolve(&settings, &args.creds)?,
        None => crate::credentials::resolve_fresh(ctx, &settings, &args.creds)?,
    };
    let time = ctx.time(args.time.as_deref())?;
    let mut policy = PostPolicy::new(args.bucket.as_str(), args.key.as_str());
    for (i, text) in args.condition.iter().enumerate() {
        policy = add_condition(policy, text).map_err(|why| {
            Error::usage(format!("--condition number {}: {why}", i + 1)).hint(
                r#"write conditions as S3 does: '{"acl": "public-read"}', '["starts-with", "$Content-Type", "image/"]', '["content-length-range", 0, 1048576]'"#,
            )
        })?;
    }
    let signer = Signer::new(&creds, &region, "s3", time).map_err(sign_error)?;
    let form = policy.sign(&signer, Duration::from_secs(args.expires)).map_err(sign_error)?;

    let rules = RuleSet::s3().map_err(|e| Error::failed(chain(&e)))?;
    let bad = |e: signet::endpoints::Error| {
        Error::usage(format!("cannot resolve the S3 endpoint: {}", chain(&e)))
    };
    let mut params = rules.params();
    params.set_built_in(BuiltIn::Region, region.as_str()).map_err(bad)?;
    params.set("Bucket", args.bucket.as_str()).map_err(bad)?;
    if let Some(u) = settings.endpoint_url("S3").map_err(|e| Error::usage(e.to_string()))? {
        params.set_built_in(BuiltIn::Endpoint, u.value.as_str()).map_err(bad)?;
    }
    let endpoint = rules.resolve(&params).map_err(bad)?;
    let url = format!("{}/", endpoint.url().trim_end_matches('/'));

    if ctx.json() {
        let fields: serde_json::Map<String, Value> =
            form.fields().iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let policy: Value = serde_json::from_str(form.policy_document()).unwrap_or_default();
        write_json(out, &json!({"url": url, "fields": fields, "policy": policy}));
    } else {
        let mut text = format!("POST {url}\n");
        for (k, v) in form.fields() {
            text.push_str(&format!("{k}: {v}\n"));
        }
        text.push_str("file: <the upload: the last form field>\n");
        out.extend_from_slice(text.as_bytes());
    }
    Ok(0)
}

/// One `--condition`: an object `{"field": "value"}` (a form field and its condition),
/// `["eq"|"starts-with", "$field", "value"]` or `["content-length-range", min, max]`.
fn add_condition(policy: PostPolicy, text: &str) -> Result<PostPolicy, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value {
        Value::Object(map) => {
            let mut policy = policy;
            for (field, v) in map {
                let v =
                    v.as_str().ok_or_else(|| format!("the value of `{field}` is not a string"))?;
                policy = policy.field(field, v);
            }
            Ok(policy)
        }
        Value::Array(items) => {
            let op = items.first().and_then(Value::as_str).unwrap_or_default();
            let field = || {
                items
                    .get(1)
                    .and_then(Value::as_str)
                    .map(|f| f.strip_prefix('$').unwrap_or(f).to_owned())
                    .ok_or_else(|| format!("`{op}` needs a field name such as \"$key\""))
            };
            let text_at = |i: usize| {
                items
                    .get(i)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{op}` needs a string value"))
            };
            let num_at = |i: usize| {
                items
                    .get(i)
                    .and_then(Value::as_u64)
                    .ok_or_else(|| format!("`{op}` needs two whole numbers"))
            };
            match (op, items.len()) {
                ("eq", 3) => {
                    Ok(policy.condition(Condition::Equals { field: field()?, value: text_at(2)? }))
                }
                ("starts-with", 3) => Ok(policy
                    .condition(Condition::StartsWith { field: field()?, prefix: text_at(2)? })),
                ("content-length-range", 3) => {
                    let (min, max) = (num_at(1)?, num_at(2)?);
                    if min > max {
                        return Err(format!("the range {min}..{max} is empty"));
                    }
                    Ok(policy.content_length_range(min, max))
                }
                _ => Err(format!("unknown condition `{op}` with {} items", items.len())),
            }
        }
        _ => Err("a condition is a JSON object or array".to_owned()),
    }
}
