//! `signet endpoint`: the URL and signing properties AWS's rule sets give.

use serde_json::json;
use signet::endpoints::{BuiltIn, Document, RuleSet};

use crate::args::EndpointArgs;
use crate::context::Context;
use crate::error::{Error, chain};
use crate::sign::write_json;

/// `signet endpoint`.
pub(crate) fn endpoint(ctx: &Context, args: &EndpointArgs, out: &mut Vec<u8>) -> Result<u8, Error> {
    let settings = ctx.settings()?;
    let region = ctx.region(&settings)?;
    let bad = |e: signet::endpoints::Error| {
        Error::usage(format!("cannot resolve the endpoint: {}", chain(&e)))
    };
    let setting = |e: signet::config::Error| Error::usage(format!("unusable setting: {e}"));
    let (rules, service_id) = match args.service.as_str() {
        "s3" => (RuleSet::s3().map_err(bad)?, "S3"),
        _ => (RuleSet::sts().map_err(bad)?, "STS"),
    };
    let fips = args.fips || settings.use_fips().map_err(setting)?.value;
    let dualstack = args.dualstack || settings.use_dual_stack().map_err(setting)?.value;
    let custom = settings.endpoint_url(service_id).map_err(setting)?;
    let mut params = rules.params();
    params.set_built_in(BuiltIn::Region, region.as_str()).map_err(bad)?;
    params.set_built_in(BuiltIn::UseFips, fips).map_err(bad)?;
    params.set_built_in(BuiltIn::UseDualStack, dualstack).map_err(bad)?;
    if let Some(url) = &custom {
        params.set_built_in(BuiltIn::Endpoint, url.value.as_str()).map_err(bad)?;
    }
    if service_id == "S3" {
        if let Some(bucket) = &args.bucket {
            params.set("Bucket", bucket.as_str()).map_err(bad)?;
        }
        if args.force_path_style {
            params.set_built_in(BuiltIn::S3ForcePathStyle, true).map_err(bad)?;
        }
    } else if args.bucket.is_some() || args.force_path_style {
        return Err(Error::usage("--bucket and --force-path-style are for --service s3"));
    }
    let endpoint = rules.resolve(&params).map_err(bad)?;
    let schemes: Vec<serde_json::Value> = endpoint
        .auth_schemes()
        .map(|s| {
            json!({
                "name": s.name(),
                "signing_name": s.signing_name(),
                "signing_region": s.signing_region(),
                "signing_region_set": s.signing_region_set().collect::<Vec<_>>(),
                "disable_double_encoding": s.disable_double_encoding(),
            })
        })
        .collect();
    let headers: Vec<(String, Vec<String>)> =
        endpoint.headers().map(|(n, v)| (n.to_owned(), v.to_vec())).collect();
    if ctx.json() {
        let props: serde_json::Map<String, serde_json::Value> =
            endpoint.properties().iter().map(|(k, v)| (k.to_owned(), to_json(v))).collect();
        let doc = json!({
            "url": endpoint.url(),
            "custom_endpoint_source": custom.as_ref().map(|c| source_text(&c.source)),
            "headers": headers.iter().map(|(n, v)| json!({"name": n, "values": v})).collect::<Vec<_>>(),
            "auth_schemes": schemes,
            "properties": props,
        });
        write_json(out, &doc);
        return Ok(0);
    }
    let mut text = format!("url: {}\n", endpoint.url());
    if let Some(c) = &custom {
        text.push_str(&format!("custom endpoint: {}\n", source_text(&c.source)));
    }
    for (name, values) in &headers {
        text.push_str(&format!("header: {name}: {}\n", values.join(", ")));
    }
    for s in endpoint.auth_schemes() {
        text.push_str(&format!("auth scheme: {}\n", s.name()));
        if let Some(n) = s.signing_name() {
            text.push_str(&format!("  signing name: {n}\n"));
        }
        if let Some(r) = s.signing_region() {
            text.push_str(&format!("  signing region: {r}\n"));
        }
        let set: Vec<&str> = s.signing_region_set().collect();
        if !set.is_empty() {
            text.push_str(&format!("  signing region set: {}\n", set.join(",")));
        }
        text.push_str(&format!(
            "  double encoding: {}\n",
            if s.disable_double_encoding() { "off" } else { "on" }
        ));
    }
    if endpoint.auth_schemes().next().is_none() {
        text.push_str(&format!(
            "auth scheme: sigv4 (the rule set names none: the service's signing name, `{}`, and the region, `{region}`)\n",
            args.service
        ));
    }
    out.extend_from_slice(text.as_bytes());
    Ok(0)
}

/// Where a setting came from, in the command line's terms.
pub(crate) fn source_text(source: &signet::config::Source) -> String {
    match source {
        signet::config::Source::Code => "--endpoint-url".to_owned(),
        other => other.to_string(),
    }
}

fn to_json(d: Document<'_>) -> serde_json::Value {
    match d {
        Document::Bool(b) => json!(b),
        Document::Number(n) => json!(n),
        Document::String(s) => json!(s),
        Document::Array(a) => a.iter().map(to_json).collect(),
        Document::Object(o) => o
            .iter()
            .map(|(k, v)| (k.to_owned(), to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        _ => serde_json::Value::Null,
    }
}
