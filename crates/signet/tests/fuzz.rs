//! Property-based fuzzing (docs/adr/0007): hostile error bodies and headers, regions and
//! paths never panic. More cases: `PROPTEST_CASES=100000 cargo test --release -p signet --test fuzz`.

use proptest::prelude::*;
use signet::config::{Env, Fs};
use signet::sigv4::Credentials;
use signet::{ConfigLoader, Method, Service, ServiceError};

proptest! {
    #[test]
    fn any_error_response_parses_without_panicking(
        status in any::<u16>(),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        header in "[a-zA-Z-]{0,20}",
        value in "\\PC{0,40}",
    ) {
        let error = ServiceError::parse(status, &[(header.as_str(), value.as_str())], &body);
        prop_assert_eq!(error.status(), status);
        let _ = error.to_string();
    }

    #[test]
    fn xml_like_error_bodies_parse_without_panicking(
        code in "\\PC{0,30}",
        message in "[<>&;#x0-9a-z ]{0,40}",
        wrap in 0usize..3,
    ) {
        let inner = format!("<Code>{code}</Code><Message>{message}</Message>");
        let body = match wrap {
            0 => format!("<ErrorResponse><Error>{inner}</Error></ErrorResponse>"),
            1 => format!("<Error>{inner}"),
            _ => format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"),
        };
        let _ = ServiceError::parse(400, &[], body.as_bytes());
    }

    #[test]
    fn any_region_and_path_resolve_or_fail_cleanly(
        region in "\\PC{0,24}",
        name in "[a-z0-9.-]{0,12}",
        path in "\\PC{0,30}",
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let config = runtime.block_on(
            ConfigLoader::with_env(Env::from_map([("AWS_EC2_METADATA_DISABLED", "true")]), Fs::from_map::<&str, &str>([]))
                .region(region)
                .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
                .load(),
        );
        if let Ok(config) = config {
            let client = config.client();
            for service in [Service::STS, Service::S3, Service::new(name.clone())] {
                let _ = client.endpoint_url(&service);
                let _ = runtime.block_on(client.presign(
                    &service,
                    Method::GET,
                    &path,
                    std::time::Duration::from_secs(60),
                ));
            }
        }
    }
}
