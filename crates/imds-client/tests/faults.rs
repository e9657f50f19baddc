//! The client against a loopback IMDS with faults injected: the right fallback, error or retry
//! for each, every test bounded in time.

mod support;

use std::future::Future;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use signet_config_loader::{Env, Fs, Settings};
use signet_imds_client::{Client, ErrorKind};
use signet_retry::FixedRandom;
use support::imds_server::{
    Fault, IDENTITY_DOCUMENT, ImdsServer, ROLE, TOKEN_PATH, closed_port, silent_server,
};

const REGION: &str = "/latest/meta-data/placement/region";
const EXTENDED: &str = "/latest/meta-data/iam/security-credentials-extended/";
const LEGACY: &str = "/latest/meta-data/iam/security-credentials/";

fn settings(env: &[(&str, &str)], config: &str) -> Settings {
    let mut vars: Vec<(String, String)> =
        env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    vars.push(("AWS_CONFIG_FILE".to_owned(), "/cfg/config".to_owned()));
    vars.push(("AWS_SHARED_CREDENTIALS_FILE".to_owned(), "/cfg/credentials".to_owned()));
    Settings::load(&Env::from_map(vars), &Fs::from_map([("/cfg/config", config)])).unwrap()
}

fn client_with(server: &ImdsServer, env: &[(&str, &str)], config: &str) -> Client {
    Client::builder()
        .endpoint(server.endpoint())
        .timeout(Duration::from_millis(300))
        .attempts(3)
        .retry_random(FixedRandom(0.5))
        .build(&settings(env, config))
        .unwrap()
}

fn client(server: &ImdsServer) -> Client {
    client_with(server, &[], "")
}

/// Runs a test body with a hard upper bound, so that no test can hang.
async fn bounded<T>(body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), body).await.expect("the test took over 20 s")
}

#[tokio::test]
async fn happy_path_uses_one_token_for_every_read() {
    bounded(async {
        let server = ImdsServer::start().await;
        let imds = client(&server);
        assert_eq!(imds.region().await.unwrap(), "us-west-2");
        assert_eq!(imds.instance_id().await.unwrap(), "i-1234567890abcdef0");
        let doc = imds.identity_document().await.unwrap();
        assert_eq!(
            (doc.account_id.as_str(), doc.region.as_str(), doc.instance_type.as_deref()),
            ("123456789012", "us-west-2", Some("t2.micro"))
        );
        assert_eq!(doc.kernel_id, None);
        assert_eq!(imds.user_data().await.unwrap().unwrap(), b"#!/bin/sh\necho hello\n");
        assert_eq!(imds.role_name().await.unwrap(), ROLE);
        let creds = imds.role_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), "ASIARTEST");
        assert_eq!(creds.secret_access_key(), "testsecret");
        assert_eq!(creds.session_token(), Some("testtoken"));
        assert_eq!(creds.account_id(), Some("123456789012"));
        assert_eq!(creds.expiration(), Some(UNIX_EPOCH + Duration::from_secs(1_632_197_813)));
        assert_eq!(
            imds.get("/latest/meta-data/nope").await.unwrap_err().kind(),
            ErrorKind::NotFound
        );

        let seen = server.seen();
        assert_eq!(server.token_requests(), 1);
        let put = &seen[0];
        assert_eq!((put.method.as_str(), put.path.as_str()), ("PUT", TOKEN_PATH));
        assert_eq!(put.ttl.as_deref(), Some("21600"));
        for get in &seen[1..] {
            assert_eq!(get.method, "GET");
            assert_eq!(get.token.as_deref(), Some("AQAEA-token-1"), "{get:?}");
        }
        // The extended API answered, so the legacy one was never asked.
        assert_eq!(seen.iter().filter(|s| s.path.starts_with(LEGACY)).count(), 0);
    })
    .await;
}

#[tokio::test]
async fn unsupported_token_requests_fall_back_to_imdsv1_and_remember_it() {
    bounded(async {
        for status in [403, 404, 405] {
            let server = ImdsServer::start().await;
            server.require_token(false);
            server.fault_always("PUT", TOKEN_PATH, Fault::Status(status));
            let imds = client(&server);
            assert_eq!(imds.region().await.unwrap(), "us-west-2", "{status}");
            assert_eq!(imds.instance_id().await.unwrap(), "i-1234567890abcdef0");
            assert_eq!(server.token_requests(), 1, "{status}: the fallback is remembered");
            assert!(server.seen().iter().all(|s| s.token.is_none()), "{status}");
        }
    })
    .await;
}

#[tokio::test]
async fn no_fallback_when_imdsv1_is_disabled() {
    bounded(async {
        let cases: [(&[(&str, &str)], &str); 2] = [
            (&[("AWS_EC2_METADATA_V1_DISABLED", "true")], ""),
            (&[], "[default]\nec2_metadata_v1_disabled = true\n"),
        ];
        for (env, config) in cases {
            let server = ImdsServer::start().await;
            server.require_token(false);
            server.fault_always("PUT", TOKEN_PATH, Fault::Status(403));
            let imds = client_with(&server, env, config);
            let err = imds.region().await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::TokenRejected, "{err}");
            assert_eq!(err.status(), Some(403));
            assert!(err.to_string().contains("AWS_EC2_METADATA_V1_DISABLED"), "{err}");
            assert_eq!(server.seen().len(), 1, "no GET was sent");
        }
    })
    .await;
}

#[tokio::test]
async fn a_bad_token_request_is_terminal() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.require_token(false);
        server.fault_always("PUT", TOKEN_PATH, Fault::Status(400));
        let err = client(&server).region().await.unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::TokenRejected, Some(400)));
        assert_eq!(server.seen().len(), 1, "not retried, no IMDSv1 GET");
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_once("PUT", TOKEN_PATH, Fault::Status(503));
        server.fault_once("GET", REGION, Fault::Status(500));
        let imds = client(&server);
        assert_eq!(imds.region().await.unwrap(), "us-west-2");
        assert_eq!(server.token_requests(), 2);
        assert_eq!(server.count("GET", REGION), 2);
    })
    .await;
}

#[tokio::test]
async fn server_errors_give_up_after_every_attempt() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_always("GET", REGION, Fault::Status(500));
        let err = client(&server).region().await.unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(500)));
        assert_eq!(err.path(), Some(REGION));
        assert_eq!(server.count("GET", REGION), 3);
    })
    .await;
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    bounded(async {
        for (status, kind) in
            [(403, ErrorKind::Http), (404, ErrorKind::NotFound), (400, ErrorKind::Http)]
        {
            let server = ImdsServer::start().await;
            server.fault_always("GET", REGION, Fault::Status(status));
            let err = client(&server).region().await.unwrap_err();
            assert_eq!((err.kind(), err.status()), (kind, Some(status)), "{err}");
            assert_eq!(server.count("GET", REGION), 1, "{status}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_hanging_token_request_times_out_within_timeout_times_attempts() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_always("PUT", TOKEN_PATH, Fault::Hang);
        let imds = client(&server);
        let start = Instant::now();
        let err = imds.region().await.unwrap_err();
        let took = start.elapsed();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(took <= Duration::from_millis(990), "took {took:?}, more than 3 × 300 ms + 10%");
        assert!(took >= Duration::from_millis(600), "took {took:?}: not every attempt was tried");
        assert_eq!(server.token_requests(), 3, "timeouts are retried");
        assert_eq!(server.count("GET", REGION), 0, "no IMDSv1 fallback after a timeout");
    })
    .await;
}

#[tokio::test]
async fn a_silent_server_fails_within_timeout_times_attempts() {
    bounded(async {
        let (endpoint, _server) = silent_server().await;
        for (timeout_ms, attempts) in [(200u64, 1u32), (150, 4)] {
            let imds = Client::builder()
                .endpoint(endpoint.clone())
                .timeout(Duration::from_millis(timeout_ms))
                .attempts(attempts)
                .build(&settings(&[], ""))
                .unwrap();
            let start = Instant::now();
            let err = imds.region().await.unwrap_err();
            let took = start.elapsed();
            let bound = Duration::from_millis(timeout_ms * u64::from(attempts) * 11 / 10);
            assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
            assert!(took <= bound, "took {took:?}, bound {bound:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_closed_port_fails_in_under_50_ms() {
    bounded(async {
        let endpoint = closed_port().await;
        // A fresh client, with the default timeout and attempts: its first request.
        let imds = Client::builder().endpoint(endpoint).build(&settings(&[], "")).unwrap();
        let start = Instant::now();
        let err = imds.region().await.unwrap_err();
        let took = start.elapsed();
        assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
        assert!(took < Duration::from_millis(50), "took {took:?}");
        println!("a closed port failed in {took:?}: {err}");
    })
    .await;
}

#[tokio::test]
async fn a_slow_body_times_out_and_a_merely_slow_one_does_not() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_once("GET", REGION, Fault::SlowBody(Duration::from_millis(100)));
        let imds = client(&server);
        assert_eq!(imds.region().await.unwrap(), "us-west-2");

        server.fault_always("GET", REGION, Fault::SlowBody(Duration::from_secs(5)));
        let start = Instant::now();
        let err = imds.region().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(start.elapsed() <= Duration::from_millis(990), "{:?}", start.elapsed());
        assert_eq!(server.count("GET", REGION), 1 + 3);
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_once("GET", REGION, Fault::Close);
        assert_eq!(client(&server).region().await.unwrap(), "us-west-2");
        assert_eq!(server.count("GET", REGION), 2);
    })
    .await;
}

#[tokio::test]
async fn garbage_documents_are_malformed_and_not_retried() {
    bounded(async {
        let server = ImdsServer::start().await;
        let doc = "/latest/dynamic/instance-identity/document";
        let creds = format!("{EXTENDED}{ROLE}");
        for garbage in [&b"{not json"[..], b"[]", b"\xff\xfe", b"{\"accountId\": 5}", b""] {
            server.fault_once("GET", doc, Fault::Body(garbage.to_vec()));
            server.fault_once("GET", &creds, Fault::Body(garbage.to_vec()));
        }
        let imds = client(&server);
        for _ in 0..5 {
            let err = imds.identity_document().await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err}");
            let err = imds.role_credentials().await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err}");
            assert!(!err.to_string().contains("testsecret"));
        }
        assert_eq!(server.count("GET", doc), 5);
        assert_eq!(server.count("GET", &creds), 5);
        // A good document is parsed by the same code.
        assert_eq!(imds.identity_document().await.unwrap().instance_id, "i-1234567890abcdef0");
        assert!(IDENTITY_DOCUMENT.contains("i-1234567890abcdef0"));
    })
    .await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_read_retried() {
    bounded(async {
        let server = ImdsServer::start().await;
        let imds = client(&server);
        assert_eq!(imds.region().await.unwrap(), "us-west-2");
        server.expire_tokens();
        assert_eq!(imds.region().await.unwrap(), "us-west-2");
        assert_eq!(server.token_requests(), 2);
        let last = server.seen().pop().unwrap();
        assert_eq!(last.token.as_deref(), Some("AQAEA-token-2"));

        // A 401 that a new token does not cure is an error, not a loop.
        server.fault_always("GET", REGION, Fault::Status(401));
        let err = imds.region().await.unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(401)));
        assert_eq!(server.token_requests(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_short_token_ttl_from_the_server_is_honoured() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.answer_ttl(Some("1"));
        let imds = client(&server);
        imds.region().await.unwrap();
        imds.region().await.unwrap();
        assert_eq!(server.token_requests(), 1);
        // Refreshed at half its life when the life is short.
        tokio::time::sleep(Duration::from_millis(600)).await;
        imds.region().await.unwrap();
        assert_eq!(server.token_requests(), 2);
        // No header, or garbage: the requested TTL applies.
        server.answer_ttl(Some("forever"));
        tokio::time::sleep(Duration::from_millis(600)).await;
        imds.region().await.unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        imds.region().await.unwrap();
        assert_eq!(server.token_requests(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_401_under_the_imdsv1_fallback_tries_a_token_again() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_once("PUT", TOKEN_PATH, Fault::Status(404));
        let imds = client(&server);
        // The fallback's GET has no token and the server requires one: 401, then a token.
        assert_eq!(imds.region().await.unwrap(), "us-west-2");
        assert_eq!(server.token_requests(), 2);
        let seen = server.seen();
        assert_eq!(seen[1].token, None);
        assert_eq!(seen.last().unwrap().token.as_deref(), Some("AQAEA-token-1"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_reads_make_one_token_request() {
    bounded(async {
        let server = ImdsServer::start().await;
        let imds = Client::builder()
            .endpoint(server.endpoint())
            .timeout(Duration::from_secs(5))
            .attempts(1)
            .build(&settings(&[], ""))
            .unwrap();
        server.fault_once("PUT", TOKEN_PATH, Fault::SlowBody(Duration::from_millis(50)));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..1000 {
            let imds = imds.clone();
            tasks.spawn(async move { imds.region().await });
        }
        while let Some(result) = tasks.join_next().await {
            assert_eq!(result.unwrap().unwrap(), "us-west-2");
        }
        assert_eq!(server.token_requests(), 1);
        assert_eq!(server.count("GET", REGION), 1000);
    })
    .await;
}

#[tokio::test]
async fn the_extended_api_falls_back_to_legacy_on_404_only_and_remembers() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.remove(EXTENDED);
        server.remove(&format!("{EXTENDED}{ROLE}"));
        let imds = client(&server);
        let creds = imds.role_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), "ASIARTEST");
        assert_eq!(creds.account_id(), None, "the legacy API has no account id");
        imds.role_credentials().await.unwrap();
        assert_eq!(server.count("GET", EXTENDED), 1, "the legacy answer is remembered");
        assert_eq!(server.count("GET", LEGACY), 2);

        let server = ImdsServer::start().await;
        server.fault_always("GET", EXTENDED, Fault::Status(403));
        let err = client(&server).role_credentials().await.unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(403)));
        assert_eq!(server.count("GET", LEGACY), 0, "no fallback on a status other than 404");
    })
    .await;
}

#[tokio::test]
async fn a_role_that_changes_is_looked_up_again() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_once("GET", EXTENDED, Fault::Body(b"old-role".to_vec()));
        let imds = client(&server);
        assert_eq!(imds.role_credentials().await.unwrap().access_key_id(), "ASIARTEST");
        assert_eq!(server.count("GET", EXTENDED), 2);
        assert_eq!(server.count("GET", &format!("{EXTENDED}old-role")), 1);

        server.fault_always("GET", EXTENDED, Fault::Body(b"gone-role".to_vec()));
        let err = imds.role_credentials().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert_eq!(server.count("GET", &format!("{EXTENDED}gone-role")), 3);
    })
    .await;
}

#[tokio::test]
async fn no_role_attached() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.remove(EXTENDED);
        server.remove(LEGACY);
        let imds = client(&server);
        let err = imds.role_credentials().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NoInstanceProfile, "{err}");
        assert_eq!(imds.role_name().await.unwrap_err().kind(), ErrorKind::NoInstanceProfile);
    })
    .await;
}

#[tokio::test]
async fn a_refusal_in_the_document_is_reported_with_its_code() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.set(
            &format!("{EXTENDED}{ROLE}"),
            r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role","LastUpdated":"2021-09-20T21:42:26Z"}"#,
        );
        let err = client(&server).role_credentials().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::CredentialsUnavailable);
        let text = err.to_string();
        assert!(text.contains("AssumeRoleUnauthorizedAccess") && text.contains("trust relationship"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn a_configured_profile_name_skips_the_listing() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.set(&format!("{EXTENDED}configured"), support::imds_server::credentials_json(true));
        let cases: [(&[(&str, &str)], &str); 2] = [
            (&[("AWS_EC2_INSTANCE_PROFILE_NAME", "configured")], ""),
            (&[], "[default]\nec2_instance_profile_name = configured\n"),
        ];
        for (env, config) in cases {
            let imds = client_with(&server, env, config);
            assert_eq!(imds.role_name().await.unwrap(), "configured");
            assert_eq!(imds.role_credentials().await.unwrap().account_id(), Some("123456789012"));
        }
        assert_eq!(server.count("GET", EXTENDED), 0);
        let imds = client_with(&server, &[("AWS_EC2_INSTANCE_PROFILE_NAME", " ")], "");
        assert_eq!(imds.role_credentials().await.unwrap_err().kind(), ErrorKind::InvalidConfig);
    })
    .await;
}

#[tokio::test]
async fn disabled_means_no_request_at_all() {
    bounded(async {
        let server = ImdsServer::start().await;
        let imds = client_with(&server, &[("AWS_EC2_METADATA_DISABLED", "true")], "");
        assert!(imds.is_disabled());
        for err in [
            imds.region().await.unwrap_err(),
            imds.role_credentials().await.unwrap_err(),
            imds.get("/latest/meta-data/").await.unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::Disabled, "{err}");
        }
        assert!(server.seen().is_empty());
    })
    .await;
}

#[tokio::test]
async fn misuse_is_reported_before_any_request() {
    bounded(async {
        let server = ImdsServer::start().await;
        let imds = client(&server);
        for path in ["latest/meta-data", "/latest/../secret", "/latest/meta-data?x=1"] {
            assert_eq!(imds.get(path).await.unwrap_err().kind(), ErrorKind::Misuse, "{path}");
        }
        assert!(server.seen().is_empty());
        let s = settings(&[], "");
        for builder in [
            Client::builder().timeout(Duration::ZERO),
            Client::builder().attempts(0),
            Client::builder().token_ttl(Duration::from_secs(21_601)),
            Client::builder().token_ttl(Duration::from_millis(10)),
        ] {
            assert_eq!(builder.build(&s).unwrap_err().kind(), ErrorKind::Misuse);
        }
    })
    .await;
}

#[tokio::test]
async fn settings_choose_timeout_and_attempts() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_always("GET", REGION, Fault::Status(503));
        let env =
            [("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"), ("AWS_METADATA_SERVICE_TIMEOUT", "1")];
        let imds =
            Client::builder().endpoint(server.endpoint()).build(&settings(&env, "")).unwrap();
        assert!(format!("{imds:?}").contains("attempts: 2"));
        assert_eq!(imds.region().await.unwrap_err().status(), Some(503));
        assert_eq!(server.count("GET", REGION), 2);
        // Secrets stay out of Debug.
        assert!(!format!("{imds:?}").contains("AQAEA"));
        let _ = SystemTime::UNIX_EPOCH;
    })
    .await;
}

#[tokio::test]
async fn a_connect_that_hangs_is_one_timeout_not_one_per_attempt() {
    bounded(async {
        // A listener that never accepts: once its backlog is full, the kernel drops further
        // connection attempts, as a black-holed link-local address does off EC2.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(1).unwrap();
        let addr = listener.local_addr().unwrap();
        let mut fillers = Vec::new();
        for _ in 0..8 {
            let connect = tokio::net::TcpStream::connect(addr);
            match tokio::time::timeout(Duration::from_millis(100), connect).await {
                Ok(Ok(stream)) => fillers.push(stream),
                _ => break,
            }
        }
        let imds = Client::builder()
            .endpoint(format!("http://{addr}"))
            .timeout(Duration::from_millis(200))
            .attempts(4)
            .build(&settings(&[], ""))
            .unwrap();
        let start = Instant::now();
        let err = imds.region().await.unwrap_err();
        let took = start.elapsed();
        assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
        assert!(
            took < Duration::from_millis(400),
            "took {took:?}: the connect timeout was retried"
        );
        assert!(took >= Duration::from_millis(190), "took {took:?}");
        drop(listener);
    })
    .await;
}

#[tokio::test]
async fn an_oversized_answer_is_refused_once() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_always("GET", "/latest/user-data", Fault::Body(vec![b'x'; (1 << 20) + 1]));
        let err = client(&server).user_data().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err}");
        assert_eq!(err.path(), Some("/latest/user-data"));
        assert_eq!(server.count("GET", "/latest/user-data"), 1);
    })
    .await;
}

#[tokio::test]
async fn absurd_timeouts_do_not_overflow() {
    bounded(async {
        let server = ImdsServer::start().await;
        server.fault_once("GET", REGION, Fault::Status(500));
        for timeout in ["1e19", "1e15"] {
            let env = [("AWS_METADATA_SERVICE_TIMEOUT", timeout)];
            let imds = Client::builder()
                .endpoint(server.endpoint())
                .retry_random(FixedRandom(0.0))
                .build(&settings(&env, ""))
                .unwrap();
            assert_eq!(imds.region().await.unwrap(), "us-west-2");
        }
        let imds = Client::builder()
            .endpoint(closed_port().await)
            .timeout(Duration::MAX)
            .attempts(u32::MAX)
            .build(&settings(&[], ""))
            .unwrap();
        assert_eq!(imds.region().await.unwrap_err().kind(), ErrorKind::Connect);
    })
    .await;
}
