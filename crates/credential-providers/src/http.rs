//! The HTTP client every provider shares (docs/adr/0009).

use std::time::Duration;

use crate::Error;

/// Installs ring as the process's rustls provider, unless the application installed one.
pub(crate) fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client for metadata-style endpoints: short connect timeout, no redirects.
pub(crate) fn default_client() -> Result<reqwest::Client, Error> {
    install_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::failed("could not build an HTTP client").with_source(e))
}

/// Reads a response body with an upper bound on its size (credential documents are small).
pub(crate) async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    const LIMIT: usize = 1 << 20;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() > LIMIT {
            break;
        }
    }
    Ok(body)
}
