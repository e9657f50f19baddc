//! Fuzz targets (docs/adr/0007): arbitrary profiles, environments and response bodies never
//! make a provider panic; they give credentials or a typed error.

use proptest::prelude::*;
use signet_config_loader::{Env, FileKind, Fs, ProfileSet};
use signet_credential_providers::{ContainerProvider, EnvironmentProvider, resolve_profile_chain};

const KEYS: &[&str] = &[
    "role_arn",
    "source_profile",
    "credential_source",
    "web_identity_token_file",
    "role_session_name",
    "external_id",
    "duration_seconds",
    "mfa_serial",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "credential_process",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_account_id",
];

fn profiles() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec!["a", "b", "c", "default"]);
    let line = (
        prop::sample::select(KEYS.to_vec()),
        prop_oneof![
            prop::sample::select(vec![
                "a",
                "b",
                "c",
                "Environment",
                "EcsContainer",
                "Ec2InstanceMetadata",
                "x",
                "900"
            ])
            .prop_map(str::to_owned),
            "[a-zA-Z0-9:/._-]{0,12}",
        ],
    );
    prop::collection::vec((names, prop::collection::vec(line, 0..6)), 0..5).prop_map(|sections| {
        let mut text = String::new();
        for (name, lines) in sections {
            text.push_str(&format!("[profile {name}]\n"));
            for (k, v) in lines {
                text.push_str(&format!("{k} = {v}\n"));
            }
        }
        text.push_str("[sso-session a]\nsso_region = us-east-1\nsso_start_url = https://x\n");
        text
    })
}

proptest! {
    #[test]
    fn profile_chains_resolve_or_fail_cleanly(text in profiles(), selected in prop::sample::select(vec!["a", "b", "c", "default", "missing"])) {
        let mut set = ProfileSet::new();
        set.add_file(FileKind::Config, None, &text).unwrap();
        if let Ok(chain) = resolve_profile_chain(&set, selected) {
            // Every role in the chain was named by a visited profile; at most one per profile.
            prop_assert!(chain.roles.len() <= 4);
        }
    }

    #[test]
    fn container_uris_never_panic(relative in proptest::option::of(".{0,40}"), full in proptest::option::of(".{0,60}"), token in proptest::option::of(".{0,20}")) {
        let mut vars = Vec::new();
        if let Some(r) = relative { vars.push(("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", r)); }
        if let Some(f) = full { vars.push(("AWS_CONTAINER_CREDENTIALS_FULL_URI", f)); }
        if let Some(t) = token { vars.push(("AWS_CONTAINER_AUTHORIZATION_TOKEN", t)); }
        let provider = ContainerProvider::new(Env::from_map(vars), Fs::from_map::<&str, &str>([]));
        if let Ok(request) = provider.request() {
            prop_assert!(request.uri.starts_with("http://") || request.uri.starts_with("https://"));
        }
    }

    #[test]
    fn environment_values_never_panic(key in ".{0,20}", secret in ".{0,20}", expiry in ".{0,30}") {
        let env = Env::from_map([("AWS_ACCESS_KEY_ID", key), ("AWS_SECRET_ACCESS_KEY", secret), ("AWS_CREDENTIAL_EXPIRATION", expiry)]);
        let _ = EnvironmentProvider::new(env).load();
    }
}
