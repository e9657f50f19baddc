//! Event-stream message signing: each message is wrapped in a frame carrying `:date` and
//! `:chunk-signature`, signed over the previous message's signature.

use std::fmt;
use std::time::SystemTime;

use hmac::Mac;

use crate::checksum::crc32;
use crate::credentials::Credentials;
use crate::encode::hex32;
use crate::error::{Error, ErrorKind};
use crate::key::{Signature, SigningKey, cached_key};
use crate::signer::Signer;
use crate::sink::sha256;
use crate::time::AmzDate;

/// Signs the messages of an event stream (Transcribe streaming, Bedrock bidirectional
/// streams, S3 `SelectObjectContent` input, ...), starting from the signature of the request
/// that opened the stream.
///
/// The caller encodes each message in the event-stream binary format; the signer wraps it in
/// a frame whose payload is that message and whose headers are `:date` (timestamp) and
/// `:chunk-signature` (32 bytes). End the stream with [`EventStreamSigner::sign_end`].
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{Credentials, EventStreamSigner, Signature, Signer};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let signer = Signer::new(&creds, "us-east-1", "transcribe", time)?;
/// let seed = Signature::from_hex(&"ab".repeat(32)).unwrap(); // the request's signature
/// let mut stream = EventStreamSigner::new(&signer, seed);
/// let event = stream.sign_message(b"an encoded event-stream message", time)?;
/// assert_eq!(stream.previous(), event.signature());
/// let end = stream.sign_end(time + Duration::from_secs(1))?;
/// assert_eq!(end.payload(), b"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct EventStreamSigner {
    credentials: Credentials,
    region: String,
    service: String,
    key: SigningKey,
    key_date: AmzDate,
    previous: Signature,
}

impl EventStreamSigner {
    /// A signer chained to `seed` (the opening request's signature), for `signer`'s
    /// credentials, region and service.
    pub fn new(signer: &Signer<'_>, seed: Signature) -> Self {
        Self {
            credentials: signer.credentials.clone(),
            region: signer.region.to_owned(),
            service: signer.service.to_owned(),
            key: signer.signing_key(),
            key_date: signer.date(),
            previous: seed,
        }
    }

    /// The signature the next message will be chained to.
    pub fn previous(&self) -> Signature {
        self.previous
    }

    /// Signs an encoded message at `time` (sub-seconds dropped) and chains to it.
    pub fn sign_message(&mut self, message: &[u8], time: SystemTime) -> Result<SignedEvent, Error> {
        let date = AmzDate::new(time)?;
        if date.date() != self.key_date.date() {
            self.key = cached_key(
                self.credentials.secret_access_key(),
                date.date(),
                &self.region,
                &self.service,
            );
            self.key_date = date;
        }
        let date_header = date_header(date)?;
        let mut mac = self.key.mac();
        for piece in [
            &b"AWS4-HMAC-SHA256-PAYLOAD\n"[..],
            date.as_str().as_bytes(),
            b"\n",
            date.date().as_bytes(),
            b"/",
            self.region.as_bytes(),
            b"/",
            self.service.as_bytes(),
            b"/aws4_request\n",
            &self.previous.to_hex(),
            b"\n",
            &hex32(&sha256(&date_header)),
            b"\n",
            &hex32(&sha256(message)),
        ] {
            mac.update(piece);
        }
        self.previous = Signature(mac.finalize().into_bytes().into());
        Ok(SignedEvent { signature: self.previous, date, payload: message.to_vec() })
    }

    /// Signs the empty message that ends the stream.
    pub fn sign_end(&mut self, time: SystemTime) -> Result<SignedEvent, Error> {
        self.sign_message(&[], time)
    }
}

impl fmt::Debug for EventStreamSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamSigner")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

/// The encoded `:date` header: name length, name, type 8 (timestamp), milliseconds.
fn date_header(date: AmzDate) -> Result<[u8; 15], Error> {
    let millis = i64::try_from(date.unix_secs())
        .ok()
        .and_then(|s| s.checked_mul(1000))
        .ok_or_else(|| Error::new(ErrorKind::InvalidTime("too late for an event stream".into())))?;
    let mut out = [0u8; 15];
    out[0] = 5;
    out[1..6].copy_from_slice(b":date");
    out[6] = 8;
    out[7..].copy_from_slice(&millis.to_be_bytes());
    Ok(out)
}

/// A signed event: the frame to send, wrapping the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedEvent {
    signature: Signature,
    date: AmzDate,
    payload: Vec<u8>,
}

impl SignedEvent {
    /// The signature (the `:chunk-signature` header's 32 bytes).
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// The time in the `:date` header.
    pub fn date(&self) -> AmzDate {
        self.date
    }

    /// The frame's payload: the message that was signed (empty for the end of the stream).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The frame in the event-stream binary format: prelude (total and header lengths, CRC),
    /// the `:chunk-signature` and `:date` headers, the payload, and the message CRC.
    pub fn to_frame(&self) -> Result<Vec<u8>, Error> {
        let mut headers = Vec::with_capacity(52);
        headers.push(16);
        headers.extend_from_slice(b":chunk-signature");
        headers.push(6);
        headers.extend_from_slice(&32u16.to_be_bytes());
        headers.extend_from_slice(self.signature.as_bytes());
        headers.extend_from_slice(&date_header(self.date)?);
        let total = u32::try_from(12 + headers.len() + self.payload.len() + 4).map_err(|_| {
            Error::new(ErrorKind::InvalidRequest("an event-stream message over 4 GiB".into()))
        })?;
        let mut out = Vec::with_capacity(total as usize);
        out.extend_from_slice(&total.to_be_bytes());
        out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        let prelude_crc = crc32(&out);
        out.extend_from_slice(&prelude_crc.to_be_bytes());
        out.extend_from_slice(&headers);
        out.extend_from_slice(&self.payload);
        let message_crc = crc32(&out);
        out.extend_from_slice(&message_crc.to_be_bytes());
        Ok(out)
    }
}
