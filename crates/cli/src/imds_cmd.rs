//! `signet imds get|region|identity|role`: instance metadata through IMDSv2.

use serde_json::json;
use signet::imds::{Client, ErrorKind};

use crate::args::ImdsCommand;
use crate::context::Context;
use crate::error::{Error, chain};
use crate::sign::write_json;
use crate::sts_cmd::runtime;

fn imds_error(e: &signet::imds::Error) -> Error {
    let err = Error::failed(format!("instance metadata: {}", chain(e)));
    match e.kind() {
        ErrorKind::Disabled => err.hint("unset AWS_EC2_METADATA_DISABLED to read instance metadata"),
        ErrorKind::Connect => err.hint(
            "nothing answers at the metadata endpoint: this is not an EC2 instance, or the hop limit is too low for a container",
        ),
        _ => err,
    }
}

/// `signet imds ...`.
pub(crate) fn imds(ctx: &Context, cmd: &ImdsCommand, out: &mut Vec<u8>) -> Result<u8, Error> {
    let settings = ctx.settings()?;
    let rt = runtime()?;
    let client = Client::new(&settings).map_err(|e| imds_error(&e))?;
    let (name, value) = match cmd {
        ImdsCommand::Get { path } => {
            let path = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
            ("value", json!(rt.block_on(client.get(&path)).map_err(|e| imds_error(&e))?))
        }
        ImdsCommand::Region => {
            ("region", json!(rt.block_on(client.region()).map_err(|e| imds_error(&e))?))
        }
        ImdsCommand::Role => {
            ("role", json!(rt.block_on(client.role_name()).map_err(|e| imds_error(&e))?))
        }
        ImdsCommand::Identity => {
            let d = rt.block_on(client.identity_document()).map_err(|e| imds_error(&e))?;
            let doc = json!({
                "accountId": d.account_id,
                "instanceId": d.instance_id,
                "region": d.region,
                "availabilityZone": d.availability_zone,
                "architecture": d.architecture,
                "imageId": d.image_id,
                "instanceType": d.instance_type,
                "privateIp": d.private_ip,
                "pendingTime": d.pending_time,
            });
            if ctx.json() {
                write_json(out, &doc);
            } else if let Some(map) = doc.as_object() {
                for (k, v) in map {
                    if let Some(s) = v.as_str() {
                        out.extend_from_slice(format!("{k}: {s}\n").as_bytes());
                    }
                }
            }
            return Ok(0);
        }
    };
    if ctx.json() {
        write_json(out, &json!({ name: value }));
    } else if let Some(s) = value.as_str() {
        out.extend_from_slice(s.as_bytes());
        if !s.ends_with('\n') {
            out.push(b'\n');
        }
    }
    Ok(0)
}
