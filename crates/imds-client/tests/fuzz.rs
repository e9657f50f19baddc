//! Fuzz targets (docs/adr/0007): whatever IMDS or the settings say, the client returns a value
//! or a typed error, never panics, and never echoes a secret.

mod support;

use std::time::Duration;

use proptest::prelude::*;
use signet_config_loader::{Env, Fs, Settings};
use signet_imds_client::{Client, ErrorKind, IdentityDocument, parse_credentials};
use support::imds_server::{Fault, ImdsServer, TOKEN_PATH};

fn settings(env: Vec<(String, String)>) -> Settings {
    Settings::load(&Env::from_map(env), &Fs::from_map([("/none", "")])).unwrap()
}

/// JSON-ish text: documents with the credential members, in any case, with any values.
fn credentials_document() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "Code",
        "code",
        "AccessKeyId",
        "ACCESSKEYID",
        "SecretAccessKey",
        "Token",
        "SessionToken",
        "Expiration",
        "ExpiresAt",
        "AccountId",
        "Message",
        "Type",
        "Extra",
    ]);
    let value = prop_oneof![
        Just("\"Success\"".to_owned()),
        Just("null".to_owned()),
        Just("3".to_owned()),
        Just("\"2021-09-21T04:16:53Z\"".to_owned()),
        "\"[ -~]{0,30}\"".prop_map(|s| s.replace(['"', '\\'], "")),
        "[0-9T:Z.+-]{0,30}".prop_map(|s| format!("\"{s}\"")),
    ];
    prop::collection::vec((key, value), 0..10).prop_map(|members| {
        let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", body.join(","))
    })
}

proptest! {
    #[test]
    fn credentials_parser_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_credentials(&body, "/p");
    }

    #[test]
    fn credentials_parser_keeps_secrets_out_of_errors(doc in credentials_document()) {
        let with_secret = doc.replace("SecretAccessKey\":", "SecretAccessKey\":\"s3cr3t-FUZZ\",\"x\":");
        for text in [doc, with_secret] {
            match parse_credentials(text.as_bytes(), "/p") {
                Ok(creds) => {
                    prop_assert!(!creds.access_key_id().is_empty());
                    prop_assert!(creds.expiration().is_some());
                    let shown = format!("{creds:?}");
                    prop_assert!(!shown.contains("s3cr3t-FUZZ"));
                }
                Err(e) => prop_assert!(!e.to_string().contains("s3cr3t-FUZZ"), "{e}"),
            }
        }
    }

    #[test]
    fn identity_document_parser_never_panics(body in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = IdentityDocument::parse(&body) {
            prop_assert_eq!(e.kind(), ErrorKind::MalformedResponse);
        }
    }

    #[test]
    fn any_endpoint_or_mode_setting_builds_or_is_a_config_error(
        endpoint in "\\PC{0,40}",
        mode in prop_oneof![Just("IPv4".to_owned()), Just("ipv6".to_owned()), "\\PC{0,8}"],
        timeout in prop_oneof![Just("1".to_owned()), "\\PC{0,6}"],
    ) {
        let env = vec![
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT".to_owned(), endpoint),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE".to_owned(), mode),
            ("AWS_METADATA_SERVICE_TIMEOUT".to_owned(), timeout),
        ];
        match Client::new(&settings(env)) {
            Ok(client) => {
                let endpoint = client.endpoint();
                prop_assert!(endpoint.starts_with("http://") || endpoint.starts_with("https://"));
                prop_assert!(!endpoint.ends_with('/'));
            }
            Err(e) => prop_assert_eq!(e.kind(), ErrorKind::InvalidConfig),
        }
    }
}

proptest! {
    // Each case starts a server; fewer cases keep the default run short.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_metadata_answer_gives_a_value_or_a_typed_error(
        token in prop::collection::vec(any::<u8>(), 0..40),
        ttl in prop_oneof![Just(None), "\\PC{0,6}".prop_map(Some)],
        body in prop::collection::vec(any::<u8>(), 0..200),
        status in prop::sample::select(vec![200u16, 201, 204, 301, 400, 401, 403, 404, 405, 429, 500, 503]),
        path in prop::sample::select(vec!["region", "role", "document", "user-data"]),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let server = ImdsServer::start().await;
            server.answer_ttl(ttl.as_deref());
            server.require_token(false);
            server.fault_once("PUT", TOKEN_PATH, Fault::Body(token.clone()));
            let target = match path {
                "region" => "/latest/meta-data/placement/region",
                "role" => "/latest/meta-data/iam/security-credentials-extended/",
                "document" => "/latest/dynamic/instance-identity/document",
                _ => "/latest/user-data",
            };
            let fault = if status == 200 { Fault::Body(body.clone()) } else { Fault::Status(status) };
            server.fault_always("GET", target, fault);
            let imds = Client::builder()
                .endpoint(server.endpoint())
                .timeout(Duration::from_secs(2))
                .attempts(2)
                .build(&settings(Vec::new()))
                .unwrap();
            let result = match path {
                "region" => imds.region().await.map(|_| ()),
                "role" => imds.role_credentials().await.map(|_| ()),
                "document" => imds.identity_document().await.map(|_| ()),
                _ => imds.user_data().await.map(|_| ()),
            };
            if let Err(e) = result {
                // Whatever went wrong, the token never shows.
                let text = e.to_string();
                if token.len() > 3 {
                    prop_assert!(!text.contains(&*String::from_utf8_lossy(&token)), "{text}");
                }
            }
            Ok(())
        })?;
    }
}
