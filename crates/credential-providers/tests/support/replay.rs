//! A loopback server answering from a recorded conversation.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One recorded exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub uri: String,
    pub headers: BTreeMap<String, String>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Exchange {
    /// `/path?query` of the recorded URI (`/` when it has no path).
    pub fn path_and_query(&self) -> String {
        path_and_query(&self.uri)
    }

    /// `scheme://authority` of the recorded URI.
    pub fn origin(&self) -> String {
        let Some((scheme, rest)) = self.uri.split_once("://") else { return String::new() };
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        format!("{scheme}://{authority}")
    }
}

/// `/path?query` of a URI or request target, with the query parameters sorted (their order
/// carries no meaning, and recordings differ in it).
pub fn path_and_query(uri: &str) -> String {
    let rest = if uri.starts_with('/') {
        uri
    } else {
        uri.split_once("://").map_or(uri, |(_, rest)| rest)
    };
    let target = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => format!("/{}", &rest[i..]),
        Some(i) => rest[i..].to_owned(),
        None => "/".to_owned(),
    };
    match target.split_once('?') {
        Some((path, query)) => {
            let mut params: Vec<&str> = query.split('&').collect();
            params.sort_unstable();
            format!("{path}?{}", params.join("&"))
        }
        None => target,
    }
}

/// One exchange answering `method path` with `status` and `body`.
pub fn exchange(method: &str, path: &str, status: u16, body: &str) -> Exchange {
    Exchange {
        method: method.to_owned(),
        uri: format!("http://recorded{path}"),
        headers: BTreeMap::new(),
        status,
        response_headers: Vec::new(),
        body: body.as_bytes().to_vec(),
    }
}

/// Reads `http-traffic.json` into exchanges, in connection order.
pub fn load(traffic: &Value) -> Vec<Exchange> {
    let mut by_id: BTreeMap<u64, Exchange> = BTreeMap::new();
    let empty = Vec::new();
    for event in traffic["events"].as_array().unwrap_or(&empty) {
        let id = event["connection_id"].as_u64().unwrap_or(0);
        let entry = by_id.entry(id).or_insert_with(|| Exchange {
            method: String::new(),
            uri: String::new(),
            headers: BTreeMap::new(),
            status: 0,
            response_headers: Vec::new(),
            body: Vec::new(),
        });
        let action = &event["action"];
        if let Some(request) = action.get("Request") {
            let request = &request["request"];
            entry.method = request["method"].as_str().unwrap_or("GET").to_owned();
            entry.uri = request["uri"].as_str().unwrap_or("").to_owned();
            if let Some(headers) = request["headers"].as_object() {
                for (k, v) in headers {
                    let v =
                        v.as_array().and_then(|a| a.first()).and_then(Value::as_str).unwrap_or("");
                    entry.headers.insert(k.to_ascii_lowercase(), v.to_owned());
                }
            }
        } else if let Some(response) = action.get("Response") {
            let ok = &response["response"]["Ok"];
            entry.status = ok["status"].as_u64().and_then(|s| u16::try_from(s).ok()).unwrap_or(500);
            if let Some(headers) = ok["headers"].as_object() {
                for (k, v) in headers {
                    if k.eq_ignore_ascii_case("content-length")
                        || k.eq_ignore_ascii_case("transfer-encoding")
                    {
                        continue; // recomputed (recordings may be stale)
                    }
                    for v in v.as_array().unwrap_or(&Vec::new()) {
                        entry
                            .response_headers
                            .push((k.clone(), v.as_str().unwrap_or("").to_owned()));
                    }
                }
            }
        } else if let Some(data) = action.get("Data") {
            if data["direction"] == "Response" {
                if let Some(text) = data["data"]["Utf8"].as_str() {
                    entry.body.extend_from_slice(text.as_bytes());
                }
            }
        }
    }
    by_id.into_values().filter(|e| !e.method.is_empty()).collect()
}

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    /// The request body, as text.
    pub body: String,
    /// Which recorded exchange answered it, if any.
    pub matched: Option<usize>,
}

#[derive(Default)]
struct State {
    next: usize,
    seen: Vec<Seen>,
}

/// The server; dropped with the test's runtime.
pub struct ReplayServer {
    pub addr: SocketAddr,
    exchanges: Arc<Vec<Exchange>>,
    state: Arc<Mutex<State>>,
}

impl ReplayServer {
    pub async fn start(exchanges: Vec<Exchange>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let exchanges = Arc::new(exchanges);
        let state = Arc::new(Mutex::new(State::default()));
        let (ex, st) = (exchanges.clone(), state.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, ex.clone(), st.clone()));
            }
        });
        Self { addr, exchanges, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many recorded exchanges were answered, in order.
    pub fn answered(&self) -> usize {
        self.state.lock().unwrap().next
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    pub fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }
}

async fn serve(mut stream: TcpStream, exchanges: Arc<Vec<Exchange>>, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_owned();
        let target = first.next().unwrap_or("/").to_owned();
        let mut headers = BTreeMap::new();
        for line in lines {
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned();
        buf.drain(..head_end + length);
        let path = path_and_query(&target);
        let (status, response_headers, body) = {
            let mut state = state.lock().unwrap();
            let next = state.next;
            let matched = exchanges
                .get(next)
                .filter(|e| e.method == method && e.path_and_query() == path)
                .map(|_| next);
            let answer = match matched {
                Some(i) => {
                    state.next += 1;
                    Some(i)
                }
                // A retry of the last answered exchange gets the same answer again.
                None => next.checked_sub(1).filter(|&i| {
                    exchanges[i].method == method && exchanges[i].path_and_query() == path
                }),
            };
            state.seen.push(Seen {
                method: method.clone(),
                path: path.clone(),
                headers,
                body,
                matched,
            });
            match answer {
                Some(i) => {
                    let e = &exchanges[i];
                    (e.status, e.response_headers.clone(), e.body.clone())
                }
                None => (404, Vec::new(), b"not recorded".to_vec()),
            }
        };
        let mut response = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
        for (k, v) in &response_headers {
            response.push_str(&format!("{k}: {v}\r\n"));
        }
        response.push_str("\r\n");
        let mut bytes = response.into_bytes();
        bytes.extend_from_slice(&body);
        if stream.write_all(&bytes).await.is_err() {
            return;
        }
    }
}
