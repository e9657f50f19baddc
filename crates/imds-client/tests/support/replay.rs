//! Replays the IMDS half of a smithy-rs `http-traffic.json` recording on a loopback port.
//!
//! Each recorded exchange (request method, path and headers; response status, headers and
//! body) is answered once, in order, to the first request with the same method and path, and
//! the request's IMDS headers are checked against the recording. Requests the recording does
//! not have are answered 404 and listed, so a test can say which ones it allows.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::http;

const IMDS_HOST: &str = "http://169.254.169.254";

#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    /// Recorded request headers, lower-cased names (only the IMDS ones are compared).
    pub request_headers: Vec<(String, String)>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, Default)]
struct State {
    exchanges: Vec<(Exchange, bool)>,
    unrecorded: Vec<(String, String)>,
    mismatches: Vec<String>,
}

pub struct Replay {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
    /// Whether the recording also talks to hosts other than IMDS (STS, for example).
    pub other_hosts: bool,
}

impl Drop for Replay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn headers(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(map) = value.as_object() {
        for (name, values) in map {
            for v in values.as_array().into_iter().flatten() {
                out.push((name.to_ascii_lowercase(), v.as_str().unwrap_or_default().to_owned()));
            }
        }
    }
    out
}

/// The IMDS exchanges of a recording, in connection order.
pub fn parse(traffic: &Value) -> (Vec<Exchange>, bool) {
    let mut by_connection: Vec<(u64, Exchange)> = Vec::new();
    let mut other_hosts = false;
    for event in traffic["events"].as_array().expect("events") {
        let id = event["connection_id"].as_u64().expect("connection_id");
        let action = &event["action"];
        if let Some(request) = action.get("Request") {
            let request = &request["request"];
            let uri = request["uri"].as_str().expect("uri");
            let Some(path) = uri.strip_prefix(IMDS_HOST) else {
                other_hosts = true;
                continue;
            };
            by_connection.push((
                id,
                Exchange {
                    method: request["method"].as_str().expect("method").to_owned(),
                    path: path.to_owned(),
                    request_headers: headers(&request["headers"]),
                    status: 0,
                    response_headers: Vec::new(),
                    body: String::new(),
                },
            ));
        } else if let Some(response) = action.get("Response") {
            if let Some((_, exchange)) = by_connection.iter_mut().find(|(c, _)| *c == id) {
                let ok = &response["response"]["Ok"];
                exchange.status = ok["status"].as_u64().expect("status") as u16;
                exchange.response_headers = headers(&ok["headers"]);
            }
        } else if let Some(data) = action.get("Data") {
            if data["direction"] == "Response" {
                if let Some((_, exchange)) = by_connection.iter_mut().find(|(c, _)| *c == id) {
                    exchange.body.push_str(data["data"]["Utf8"].as_str().expect("Utf8 data"));
                }
            }
        }
    }
    (by_connection.into_iter().map(|(_, e)| e).collect(), other_hosts)
}

impl Replay {
    pub async fn start(traffic: &Value) -> Self {
        let (exchanges, other_hosts) = parse(traffic);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State {
            exchanges: exchanges.into_iter().map(|e| (e, false)).collect(),
            ..State::default()
        }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Self { addr, state, task, other_hosts }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Recorded exchanges the client never asked for.
    pub fn unused(&self) -> Vec<String> {
        let state = self.lock();
        state
            .exchanges
            .iter()
            .filter(|(_, used)| !used)
            .map(|(e, _)| format!("{} {}", e.method, e.path))
            .collect()
    }

    /// Requests the recording does not have, as `(method, path)`.
    pub fn unrecorded(&self) -> Vec<(String, String)> {
        self.lock().unrecorded.clone()
    }

    /// Requests whose IMDS headers differ from the recording's.
    pub fn mismatches(&self) -> Vec<String> {
        self.lock().mismatches.clone()
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let Some(request) = http::read_request(&mut stream).await else { return };
    let (method, path) = (request.method.as_str(), request.path.as_str());
    let (status, response_headers, body) = {
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        let found = st
            .exchanges
            .iter_mut()
            .find(|(e, used)| !*used && e.method == method && e.path == path);
        match found {
            Some((exchange, used)) => {
                *used = true;
                let exchange = exchange.clone();
                for name in ["x-aws-ec2-metadata-token", "x-aws-ec2-metadata-token-ttl-seconds"] {
                    let want = exchange
                        .request_headers
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str());
                    let got = request.header(name);
                    if want != got {
                        st.mismatches
                            .push(format!("{method} {path}: {name} {got:?}, recorded {want:?}"));
                    }
                }
                (exchange.status, exchange.response_headers, exchange.body)
            }
            None => {
                st.unrecorded.push((method.to_owned(), path.to_owned()));
                (404, Vec::new(), String::new())
            }
        }
    };
    if http::write_head(&mut stream, status, &response_headers, body.len()).await.is_err() {
        return;
    }
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}
