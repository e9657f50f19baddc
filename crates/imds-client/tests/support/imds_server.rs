//! A loopback IMDS for tests: IMDSv2 tokens, metadata paths, and faults injected per request.
//!
//! It binds `127.0.0.1:0`, speaks just enough HTTP/1.1 (one request per connection, answered
//! with `Connection: close`) and records every request it sees.

#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::http;

pub const TOKEN_PATH: &str = "/latest/api/token";
pub const ROLE: &str = "imds-test-role";

/// What the server does with one request instead of its normal answer.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status and an empty body.
    Status(u16),
    /// Answer 200 with this body.
    Body(Vec<u8>),
    /// Read the request and never answer (the connection stays open).
    Hang,
    /// Send the headers of the normal answer, wait, then send its body.
    SlowBody(Duration),
    /// Close the connection without answering.
    Close,
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// `x-aws-ec2-metadata-token`.
    pub token: Option<String>,
    /// `x-aws-ec2-metadata-token-ttl-seconds`.
    pub ttl: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    paths: BTreeMap<String, Vec<u8>>,
    tokens: BTreeSet<String>,
    issued: u64,
    require_token: bool,
    /// The TTL header sent with new tokens: `None` echoes the request's.
    ttl_answer: Option<Option<String>>,
    once: VecDeque<(String, String, Fault)>,
    always: Vec<(String, String, Fault)>,
    seen: Vec<Seen>,
}

pub struct ImdsServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Drop for ImdsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn credentials_json(extended: bool) -> String {
    let account = if extended { r#","AccountId":"123456789012""# } else { "" };
    format!(
        r#"{{"Code":"Success","LastUpdated":"2021-09-20T21:42:26Z","Type":"AWS-HMAC","AccessKeyId":"ASIARTEST","SecretAccessKey":"testsecret","Token":"testtoken","Expiration":"2021-09-21T04:16:53Z"{account}}}"#
    )
}

pub const IDENTITY_DOCUMENT: &str = r#"{
  "accountId" : "123456789012",
  "architecture" : "x86_64",
  "availabilityZone" : "us-west-2b",
  "billingProducts" : null,
  "devpayProductCodes" : null,
  "marketplaceProductCodes" : null,
  "imageId" : "ami-5fb8c835",
  "instanceId" : "i-1234567890abcdef0",
  "instanceType" : "t2.micro",
  "kernelId" : null,
  "pendingTime" : "2016-11-19T16:32:11Z",
  "privateIp" : "172.31.13.197",
  "ramdiskId" : null,
  "region" : "us-west-2",
  "version" : "2017-09-30"
}"#;

impl ImdsServer {
    /// A server answering like an instance with IMDSv2 required and role [`ROLE`] attached.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let mut state = State { require_token: true, ..State::default() };
        for (path, body) in [
            ("/latest/meta-data/placement/region", "us-west-2".to_owned()),
            ("/latest/meta-data/instance-id", "i-1234567890abcdef0".to_owned()),
            ("/latest/dynamic/instance-identity/document", IDENTITY_DOCUMENT.to_owned()),
            ("/latest/user-data", "#!/bin/sh\necho hello\n".to_owned()),
            ("/latest/meta-data/iam/security-credentials-extended/", ROLE.to_owned()),
            (
                &format!("/latest/meta-data/iam/security-credentials-extended/{ROLE}"),
                credentials_json(true),
            ),
            ("/latest/meta-data/iam/security-credentials/", ROLE.to_owned()),
            (
                &format!("/latest/meta-data/iam/security-credentials/{ROLE}"),
                credentials_json(false),
            ),
        ] {
            state.paths.insert(path.to_owned(), body.into_bytes());
        }
        let state = Arc::new(Mutex::new(state));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Self { addr, state, task }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set(&self, path: &str, body: impl Into<Vec<u8>>) {
        self.lock().paths.insert(path.to_owned(), body.into());
    }

    pub fn remove(&self, path: &str) {
        self.lock().paths.remove(path);
    }

    /// Whether GETs without a valid token are refused with 401 (true by default).
    pub fn require_token(&self, on: bool) {
        self.lock().require_token = on;
    }

    /// The TTL header sent with new tokens (`None`: no header). By default the request's is
    /// echoed.
    pub fn answer_ttl(&self, ttl: Option<&str>) {
        self.lock().ttl_answer = Some(ttl.map(str::to_owned));
    }

    /// The next request for `method path` gets `fault` (faults queue up in order).
    pub fn fault_once(&self, method: &str, path: &str, fault: Fault) {
        self.lock().once.push_back((method.to_owned(), path.to_owned(), fault));
    }

    /// Every request for `method path` gets `fault` (after any queued one-off faults).
    pub fn fault_always(&self, method: &str, path: &str, fault: Fault) {
        self.lock().always.push((method.to_owned(), path.to_owned(), fault));
    }

    /// Forgets every token issued so far, as if they had expired.
    pub fn expire_tokens(&self) {
        self.lock().tokens.clear();
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.lock().seen.iter().filter(|s| s.method == method && s.path == path).count()
    }

    pub fn token_requests(&self) -> usize {
        self.count("PUT", TOKEN_PATH)
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self { status, headers: Vec::new(), body: body.into() }
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let Some(seen) = read_request(&mut stream).await else { return };
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let (fault, answer) = {
        let mut st = lock();
        st.seen.push(seen.clone());
        let matches = |(m, p, _): &(String, String, Fault)| *m == seen.method && *p == seen.path;
        let fault = match st.once.iter().position(matches) {
            Some(i) => st.once.remove(i).map(|(_, _, f)| f),
            None => st.always.iter().find(|f| matches(f)).map(|(_, _, f)| f.clone()),
        };
        // Only a request that gets its normal answer has effects (such as issuing a token).
        let answer = match fault {
            None | Some(Fault::SlowBody(_)) => Some(normal_answer(&mut st, &seen)),
            Some(_) => None,
        };
        (fault, answer)
    };
    let slow = match &fault {
        Some(Fault::SlowBody(delay)) => Some(*delay),
        _ => None,
    };
    let answer = match (fault, answer) {
        (None | Some(Fault::SlowBody(_)), Some(answer)) => answer,
        (None | Some(Fault::SlowBody(_)), None) => return,
        (Some(Fault::Status(status)), _) => Answer::new(status, Vec::new()),
        (Some(Fault::Body(body)), _) => Answer::new(200, body),
        (Some(Fault::Hang), _) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
        (Some(Fault::Close), _) => return,
    };
    if http::write_head(&mut stream, answer.status, &answer.headers, answer.body.len())
        .await
        .is_err()
    {
        return;
    }
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    let _ = stream.write_all(&answer.body).await;
    let _ = stream.shutdown().await;
}

fn normal_answer(st: &mut State, seen: &Seen) -> Answer {
    if seen.path == TOKEN_PATH {
        if seen.method != "PUT" {
            return Answer::new(405, Vec::new());
        }
        let Some(ttl) = seen.ttl.as_deref().and_then(|t| t.parse::<u64>().ok()) else {
            return Answer::new(400, Vec::new());
        };
        if !(1..=21_600).contains(&ttl) {
            return Answer::new(400, Vec::new());
        }
        st.issued += 1;
        let token = format!("AQAEA-token-{}", st.issued);
        st.tokens.insert(token.clone());
        let mut answer = Answer::new(200, token);
        let header = match &st.ttl_answer {
            None => Some(ttl.to_string()),
            Some(custom) => custom.clone(),
        };
        if let Some(header) = header {
            answer.headers.push(("x-aws-ec2-metadata-token-ttl-seconds".to_owned(), header));
        }
        return answer;
    }
    if seen.method != "GET" {
        return Answer::new(405, Vec::new());
    }
    let authorized = match &seen.token {
        Some(token) => st.tokens.contains(token),
        None => !st.require_token,
    };
    if !authorized {
        return Answer::new(401, Vec::new());
    }
    match st.paths.get(&seen.path) {
        Some(body) => Answer::new(200, body.clone()),
        None => Answer::new(404, "Not Found"),
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let request = http::read_request(stream).await?;
    Some(Seen {
        token: request.header("x-aws-ec2-metadata-token").map(str::to_owned),
        ttl: request.header("x-aws-ec2-metadata-token-ttl-seconds").map(str::to_owned),
        method: request.method,
        path: request.path,
    })
}

/// A loopback port with nothing listening: bound, then released.
pub async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

/// A server that accepts connections and reads requests but never answers.
pub async fn silent_server() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = read_request(&mut stream).await;
            held.push(stream);
        }
    });
    (format!("http://{addr}"), task)
}
