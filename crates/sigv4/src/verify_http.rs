//! Verifying an `http::Request` (features `http`).

use std::time::SystemTime;

use http::Request;
use http::header::HOST;

use crate::error::Error;
use crate::http_adapter::{header_pairs, host_header};
use crate::signer::{Payload, SignableRequest};
use crate::verify::{LookupSecret, Verified, Verifier};

impl<L: LookupSecret> Verifier<'_, L> {
    /// [`Verifier::verify`] for an `http::Request` as a server received it (feature `http`).
    /// Without a `Host` header (HTTP/2 sends `:authority`), the host is taken from the URI,
    /// without the scheme's default port.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use signet_sigv4::{Credentials, Payload, Signer, Verifier, sign_http_request};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut request = http::Request::get("https://example.amazonaws.com/?a=b").body(())?;
    /// sign_http_request(&mut request, &Signer::new(&creds, "us-east-1", "service", time)?, Payload::Empty)?;
    ///
    /// let verifier = Verifier::new(|_: &str| Some(creds.clone()), "us-east-1", "service");
    /// assert!(verifier.verify_http(&request, Payload::Empty, time).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_http<B>(
        &self,
        request: &Request<B>,
        payload: Payload<'_>,
        now: SystemTime,
    ) -> Result<Verified, Error> {
        let mut headers = header_pairs(request.headers())?;
        let host =
            (!request.headers().contains_key(HOST)).then(|| host_header(request.uri())).flatten();
        if let Some(host) = &host {
            headers.push(("host", host));
        }
        let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let signable = SignableRequest::new(request.method().as_str(), target, &headers, payload);
        self.verify(&signable, now)
    }
}
