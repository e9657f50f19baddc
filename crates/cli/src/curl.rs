//! `signet curl`: sign, send with the AWS standard retry strategy, print the response.

use std::time::Duration;

use serde_json::json;
use signet::retry::{
    Decision, MaxAttempts, Response, RetryConfig, RetryMode, RetryStrategy, TransportError,
};

use crate::args::CurlArgs;
use crate::context::Context;
use crate::error::{Error, exit};
use crate::request::Request;
use crate::sign::{Signing, sign_request, write_json};
use crate::sts_cmd::runtime;

/// The longest response body kept (larger ones are an error, not a truncated print).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// `signet curl`.
pub(crate) fn curl(ctx: &Context, args: &CurlArgs, out: &mut Vec<u8>) -> Result<u8, Error> {
    let signing = Signing::from_args(ctx, &args.signing)?;
    let request = Request::from_args(&args.request)?;
    let signed = sign_request(&signing, &request)?;
    let headers = signed.all_headers(&request);
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| Error::usage(format!("`{}` is not an HTTP method", request.method)))?;
    let attempts = MaxAttempts::new(args.max_attempts)
        .map_err(|e| Error::usage(format!("--max-attempts: {e}")))?;
    let strategy =
        RetryStrategy::new(RetryConfig::new(RetryMode::Standard).with_max_attempts(attempts));
    let rt = runtime()?;
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| Error::failed(format!("cannot build an HTTP client: {e}")))?;
    let url = request.url();
    let (status, version, resp_headers, body) = rt.block_on(async {
        let mut call = strategy.start_call();
        loop {
            let mut builder = client.request(method.clone(), &url);
            for (name, value) in &headers {
                if name.eq_ignore_ascii_case("host") {
                    continue; // reqwest writes Host from the URL, as signed
                }
                builder = builder.header(name.as_str(), value.as_str());
            }
            if let Some(b) = &request.body {
                builder = builder.body(b.clone());
            }
            let result = send(builder).await;
            let decision = match &result {
                Ok((status, _, h, _)) => {
                    let code = h
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case("x-amzn-errortype"))
                        .map(|(_, v)| v.split(':').next().unwrap_or_default().to_owned());
                    let mut r = Response::new(*status);
                    if let Some(c) = code.as_deref() {
                        r = r.with_error_code(c);
                    }
                    call.after_attempt(&r.into())
                }
                Err(Failure::Transport(t, _)) => call.after_attempt(&(*t).into()),
                Err(Failure::Fatal(_)) => Decision::NotRetryable,
            };
            match decision {
                Decision::Retry(wait) => tokio::time::sleep(wait).await,
                _ => {
                    return result.map_err(|f| match f {
                        Failure::Transport(_, m) | Failure::Fatal(m) => {
                            Error::failed(format!("cannot send to {url}: {m}"))
                        }
                    });
                }
            }
        }
    })?;
    if ctx.json() {
        let text = String::from_utf8_lossy(&body);
        write_json(
            out,
            &json!({
                "status": status,
                "headers": resp_headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                "body": text,
            }),
        );
    } else {
        if args.include {
            out.extend_from_slice(format!("{version} {status}\n").as_bytes());
            for (n, v) in &resp_headers {
                out.extend_from_slice(format!("{n}: {v}\n").as_bytes());
            }
            out.push(b'\n');
        }
        out.extend_from_slice(&body);
    }
    Ok(if status >= 400 { exit::HTTP_ERROR } else { 0 })
}

enum Failure {
    Transport(TransportError, String),
    Fatal(String),
}

type Answer = (u16, String, Vec<(String, String)>, Vec<u8>);

async fn send(builder: reqwest::RequestBuilder) -> Result<Answer, Failure> {
    let classify = |e: &reqwest::Error| {
        let text = crate::error::chain(e);
        if e.is_timeout() {
            Failure::Transport(TransportError::ReadTimeout, text)
        } else if e.is_connect() || e.is_request() || e.is_body() {
            Failure::Transport(TransportError::Connection, text)
        } else {
            Failure::Fatal(text)
        }
    };
    let mut response =
        builder.timeout(Duration::from_secs(60)).send().await.map_err(|e| classify(&e))?;
    let status = response.status().as_u16();
    let version = format!("{:?}", response.version());
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(Failure::Fatal("the response body is larger than 64 MiB".to_owned()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, version, headers, body))
}
