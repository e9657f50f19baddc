//! Fuzz targets (docs/adr/0007): arbitrary profiles, environments and response bodies never
//! make a provider panic; they give credentials or a typed error.

mod support;

use std::path::Path;

use proptest::prelude::*;
use signet_config_loader::{Env, FileKind, Fs, ProfileSet};
use signet_credential_providers::{
    ContainerProvider, DefaultChainBuilder, EnvironmentProvider, ProvideCredentials,
    resolve_profile_chain,
};
use support::replay::{ReplayServer, exchange};

/// One HTTP client for every case (building one per case dominates the run time), without
/// pooling, since each case has its own runtime.
fn http() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let _ = rustls::crypto::ring::default_provider().install_default();
            reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap()
        })
        .clone()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// A JSON-ish document: sometimes valid credentials with mangled values, sometimes noise.
fn documents() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"x\"".to_owned()),
        Just("1".to_owned()),
        Just("null".to_owned()),
        Just("\"2021-09-21T18:41:26Z\"".to_owned()),
        "\"[ -~]{0,30}\"",
        "[0-9eE.+-]{1,12}",
    ];
    let key = prop::sample::select(vec![
        "AccessKeyId",
        "SecretAccessKey",
        "Token",
        "SessionToken",
        "Expiration",
        "AccountId",
        "Code",
        "Message",
        "Version",
        "accessKeyId",
        "roleCredentials",
        "accessToken",
        "expiresAt",
    ]);
    prop_oneof![
        prop::collection::vec((key, value), 0..8).prop_map(|members| {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            format!("{{{}}}", body.join(","))
        }),
        ".{0,80}",
    ]
}

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

    #[test]
    fn container_responses_never_panic(body in documents(), status in prop::sample::select(vec![200u16, 400, 404, 500])) {
        let runtime = runtime();
        runtime.block_on(async {
            let server = ReplayServer::start(vec![exchange("GET", "/c", status, &body)]).await;
            let env = Env::from_map([("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{}/c", server.url()))]);
            let provider = ContainerProvider::new(env, Fs::from_map::<&str, &str>([])).with_attempts(1).with_http_client(http());
            let _ = provider.provide_credentials().await;
        });
    }

    #[test]
    fn sso_caches_and_portal_answers_never_panic(cache in documents(), portal in documents()) {
        let runtime = runtime();
        runtime.block_on(async {
            let server = ReplayServer::start(vec![exchange("GET", "/federation/credentials?account_id=1&role_name=r", 200, &portal)]).await;
            let env = Env::from_map([("HOME", "/h".to_owned()), ("AWS_ENDPOINT_URL_SSO", server.url()), ("AWS_MAX_ATTEMPTS", "1".to_owned()), ("AWS_EC2_METADATA_DISABLED", "true".to_owned())]);
            let fs = Fs::from_map([("/h/.aws/config", "[default]\nsso_start_url = https://x\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n")]);
            fs.write(Path::new("/h/.aws/sso/cache/98383e6608d65e46b24bbd92582bc8d916605a21.json"), cache.as_bytes()).unwrap();
            let chain = DefaultChainBuilder::new(env, fs).http_client(http()).build();
            let _ = chain.provide_credentials().await;
        });
    }
}
