//! The official AWS SigV4 vectors (aws-c-auth's suite) through the facade: every case under
//! `tests/data/sigv4/v4/` is signed with `Client::sign_http` (header signing) and presigned
//! with `RequestBuilder::presign` (query signing), with the case's credentials, region,
//! service and time injected, and the signatures compared with the suite's. A case with
//! `sign_body` gets the `x-amz-content-sha256` header from the caller, as a service that wants
//! it would.
//!
//! The copied cases are those an `http::Request` and a URL can carry as written; the whole
//! suite runs against signet-sigv4 itself. A new case is a new folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use signet::config::{Env, Fs};
use signet::credentials::StaticTime;
use signet::sigv4::{Credentials, parse_rfc3339};
use signet::{Client, ConfigLoader, Method, Service};

struct Case {
    name: String,
    dir: PathBuf,
    method: Method,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    context: serde_json::Value,
}

fn read_case(dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let raw = std::fs::read_to_string(dir.join("request.txt")).unwrap();
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let mut parts = request_line.splitn(2, ' ');
    let method: Method = parts.next().unwrap().parse().unwrap();
    let target = parts.next().unwrap().rsplit_once(' ').unwrap().0.to_owned();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    let context =
        serde_json::from_str(&std::fs::read_to_string(dir.join("context.json")).unwrap()).unwrap();
    Case {
        name,
        dir: dir.to_owned(),
        method,
        target,
        headers,
        body: body.as_bytes().to_vec(),
        context,
    }
}

async fn client_for(case: &Case) -> (Client, Service) {
    let ctx = &case.context;
    let creds = &ctx["credentials"];
    let mut credentials = Credentials::new(
        creds["access_key_id"].as_str().unwrap(),
        creds["secret_access_key"].as_str().unwrap(),
    );
    if let Some(token) = creds["token"].as_str() {
        credentials = credentials.with_session_token(token);
    }
    let region = ctx["region"].as_str().unwrap();
    let config = ConfigLoader::with_env(Env::empty(), Fs::from_map::<&str, &str>([]))
        .region(region)
        .credentials(credentials)
        .time_source(StaticTime(parse_rfc3339(ctx["timestamp"].as_str().unwrap()).unwrap()))
        .load()
        .await
        .unwrap();
    (config.client(), Service::new(ctx["service"].as_str().unwrap()))
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn expected(case: &Case, file: &str) -> String {
    std::fs::read_to_string(case.dir.join(file)).unwrap().trim().to_owned()
}

#[tokio::test]
async fn the_official_v4_vectors_sign_and_presign_through_the_facade() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4/v4");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let case = read_case(dir);
        let (client, service) = client_for(&case).await;
        let host =
            case.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("host")).unwrap().1.clone();

        // Header signing of an http::Request.
        let mut builder = http::Request::builder()
            .method(case.method.clone())
            .uri(format!("https://{host}{}", case.target));
        for (n, v) in &case.headers {
            builder = builder.header(n.as_str(), v.as_str());
        }
        if case.context["sign_body"].as_bool() == Some(true) {
            // What a caller does for a service that wants the payload hash as a header.
            builder = builder.header("x-amz-content-sha256", hex_sha256(&case.body));
        }
        let mut request = builder.body(case.body.clone()).unwrap();
        client.sign_http(&mut request, &service).await.unwrap();
        let authorization = request.headers()["authorization"].to_str().unwrap().to_owned();
        let signature = authorization.rsplit("Signature=").next().unwrap().to_owned();
        let want = expected(&case, "header-signature.txt");
        if signature != want {
            failures.push(format!("{}: header signature {signature}, expected {want}", case.name));
        }

        // Query signing (presigning) of the same request.
        let expires = case.context["expiration_in_seconds"].as_u64().unwrap();
        let mut presign = client
            .request(&service, case.method.clone(), case.target.clone())
            .endpoint_url(format!("https://{host}"))
            .body(case.body.clone());
        for (n, v) in case.headers.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("host")) {
            presign = presign.header(n.as_str(), v.as_str());
        }
        let url = presign.presign(Duration::from_secs(expires)).await.unwrap();
        let signature = url.rsplit("X-Amz-Signature=").next().unwrap().to_owned();
        let want = expected(&case, "query-signature.txt");
        if signature != want {
            failures.push(format!(
                "{}: query signature {signature}, expected {want} ({url})",
                case.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
    assert_eq!(dirs.len(), 19);
}
