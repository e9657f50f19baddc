//! Just enough HTTP/1.1 for the loopback test servers: read one request head, write one
//! answer with `Connection: close`.

#![allow(dead_code, unreachable_pub)]

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request head: method, path and headers (names lower-cased).
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads a request head (the servers' requests have no body); `None` if the peer closes
/// first or sends more than 64 KiB of head.
pub async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 << 10 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Request { method, path, headers })
}

/// Writes the status line and headers (plus `content-length` and `connection: close`).
pub async fn write_head(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body_len: usize,
) -> std::io::Result<()> {
    let mut head =
        format!("HTTP/1.1 {status} X\r\ncontent-length: {body_len}\r\nconnection: close\r\n");
    for (name, value) in headers {
        if name != "content-length" && name != "connection" {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await
}
