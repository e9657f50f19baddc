//! aws-chunked streaming uploads: the chunk and trailer signature chain, the framing, the
//! lengths, and a `std::io::Read` encoder over any body.

use std::fmt;
use std::io::{self, Read};

use hmac::Mac;

use crate::checksum::{Checksum, ChecksumAlgorithm};
use crate::encode::hex32;
use crate::error::{Error, ErrorKind};
use crate::key::{Signature, SigningKey};
use crate::signer::{EMPTY_SHA256, Payload, Signer};
use crate::sink::sha256;
use crate::time::AmzDate;

/// SHA-256 of the empty string, as bytes.
const EMPTY_SHA256_BYTES: [u8; 32] = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// The smallest chunk S3 accepts (all chunks but the last): 8 KiB.
pub const MIN_CHUNK_SIZE: usize = 8 * 1024;
/// The chunk size S3 recommends and [`AwsChunked`] uses by default: 64 KiB.
pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;

/// The signature chain of an aws-chunked body: each chunk is signed over the previous
/// signature, starting from the seed (the request's own signature), and a trailer is signed
/// over the last chunk's.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{ChunkSigner, Credentials, Signature, Signer};
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let signer = Signer::new(&creds, "us-east-1", "s3", UNIX_EPOCH + Duration::from_secs(1_369_353_600))?;
/// let seed = Signature::from_hex("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9").unwrap();
/// let mut chain = ChunkSigner::new(&signer, seed);
/// let first = chain.sign_chunk(&[b'a'; 65536]);
/// assert_eq!(first.to_string(), "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ChunkSigner {
    key: SigningKey,
    date: AmzDate,
    scope: String,
    previous: Signature,
}

impl ChunkSigner {
    /// A chain for `signer`'s key, time and scope, starting from the request's signature.
    pub fn new(signer: &Signer<'_>, seed: Signature) -> Self {
        Self {
            key: signer.signing_key(),
            date: signer.date(),
            scope: signer.scope(),
            previous: seed,
        }
    }

    /// The signature the next chunk will be chained to.
    pub fn previous(&self) -> Signature {
        self.previous
    }

    fn sign(&mut self, algorithm: &[u8], middle: &[u8], hash: &[u8; 32]) -> Signature {
        let mut mac = self.key.mac();
        for piece in [
            algorithm,
            b"\n",
            self.date.as_str().as_bytes(),
            b"\n",
            self.scope.as_bytes(),
            b"\n",
            &self.previous.to_hex(),
            b"\n",
            middle,
            &hex32(hash),
        ] {
            mac.update(piece);
        }
        self.previous = Signature(mac.finalize().into_bytes().into());
        self.previous
    }

    /// Signs one chunk's data (the empty final chunk too) and chains to it.
    pub fn sign_chunk(&mut self, data: &[u8]) -> Signature {
        self.sign_chunk_hash(&sha256(data))
    }

    /// [`ChunkSigner::sign_chunk`] for a chunk whose SHA-256 the caller computed.
    pub fn sign_chunk_hash(&mut self, sha256: &[u8; 32]) -> Signature {
        let mut middle = [0u8; 65];
        middle[..64].copy_from_slice(EMPTY_SHA256.as_bytes());
        middle[64] = b'\n';
        self.sign(b"AWS4-HMAC-SHA256-PAYLOAD", &middle, sha256)
    }

    /// Signs the trailing headers (after the final chunk): their canonical form is
    /// `name:value\n` per header, names lower-cased and sorted, values trimmed.
    pub fn sign_trailer(&mut self, trailers: &[(&str, &str)]) -> Signature {
        let mut lines: Vec<(String, &str)> =
            trailers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.trim())).collect();
        lines.sort();
        let mut canonical = Vec::new();
        for (name, value) in &lines {
            canonical.extend_from_slice(name.as_bytes());
            canonical.push(b':');
            canonical.extend_from_slice(value.as_bytes());
            canonical.push(b'\n');
        }
        self.sign(b"AWS4-HMAC-SHA256-TRAILER", b"", &sha256(&canonical))
    }
}

impl fmt::Debug for ChunkSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSigner")
            .field("date", &self.date)
            .field("scope", &self.scope)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

/// How an aws-chunked upload is framed and signed: the headers to sign for it, its lengths,
/// and the encoder of its body.
///
/// ```
/// use std::io::Read;
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{AwsChunked, ChecksumAlgorithm, Credentials, SignableRequest, Signer, SigningSettings};
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let signer = Signer::new(&creds, "us-east-1", "s3", UNIX_EPOCH + Duration::from_secs(1_369_353_600))?
///     .with_settings(SigningSettings::S3);
/// let body = vec![b'a'; 100_000];
/// let upload = AwsChunked::signed(body.len() as u64).with_checksum(ChecksumAlgorithm::Crc32c);
///
/// let mut headers = vec![("host", "examplebucket.s3.amazonaws.com")];
/// let lengths = upload.headers();
/// headers.extend(lengths.iter().map(|(n, v)| (*n, v.as_str())));
/// let request = SignableRequest::new("PUT", "/big.bin", &headers, upload.payload());
/// let signed = signer.sign_headers(&request)?;
///
/// let mut wire = Vec::new();
/// upload.encode(&body[..], &signer, signed.signature())?.read_to_end(&mut wire)?;
/// assert_eq!(wire.len() as u64, upload.encoded_length());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwsChunked {
    signed: bool,
    decoded_length: u64,
    chunk_size: usize,
    checksum: Option<ChecksumAlgorithm>,
}

impl AwsChunked {
    /// Signed chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, or `...-TRAILER` with a checksum)
    /// for a body of `decoded_length` bytes.
    pub fn signed(decoded_length: u64) -> Self {
        Self { signed: true, decoded_length, chunk_size: DEFAULT_CHUNK_SIZE, checksum: None }
    }

    /// Unsigned chunks with a trailing checksum (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`), for a
    /// body of `decoded_length` bytes.
    pub fn unsigned(decoded_length: u64, checksum: ChecksumAlgorithm) -> Self {
        Self {
            signed: false,
            decoded_length,
            chunk_size: DEFAULT_CHUNK_SIZE,
            checksum: Some(checksum),
        }
    }

    /// Adds a trailing checksum of the body (signed uploads become `...-PAYLOAD-TRAILER`).
    pub fn with_checksum(mut self, checksum: ChecksumAlgorithm) -> Self {
        self.checksum = Some(checksum);
        self
    }

    /// Uses chunks of `size` bytes (the last may be shorter) instead of 64 KiB. S3 wants at
    /// least 8 KiB ([`MIN_CHUNK_SIZE`]).
    pub fn with_chunk_size(mut self, size: usize) -> Result<Self, Error> {
        if !(MIN_CHUNK_SIZE..=1 << 30).contains(&size) {
            return Err(Error::new(ErrorKind::InvalidRequest(format!(
                "aws-chunked chunk size {size} is outside 8 KiB ..= 1 GiB"
            ))));
        }
        self.chunk_size = size;
        Ok(self)
    }

    /// The `x-amz-content-sha256` value as the signer's [`Payload`].
    pub fn payload(&self) -> Payload<'static> {
        match (self.signed, self.checksum) {
            (true, None) => Payload::StreamingSigned,
            (true, Some(_)) => Payload::StreamingSignedTrailer,
            (false, _) => Payload::StreamingUnsignedTrailer,
        }
    }

    /// The body length before encoding (`x-amz-decoded-content-length`).
    pub fn decoded_length(&self) -> u64 {
        self.decoded_length
    }

    /// The chunk size.
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// The length of the encoded body (`Content-Length`).
    pub fn encoded_length(&self) -> u64 {
        let size = self.chunk_size as u64;
        let full = self.decoded_length / size;
        let rest = self.decoded_length % size;
        // Saturating: no real body comes near u64::MAX, but no input may panic.
        let mut total = full.saturating_mul(frame_len(size, self.signed));
        if rest > 0 {
            total = total.saturating_add(frame_len(rest, self.signed));
        }
        let last = frame_len(0, self.signed) - 2; // the final chunk has no data CRLF
        let trailer = match self.checksum {
            None => 2,
            Some(alg) => {
                let line = alg.header_name().len() as u64 + 1 + alg.value_len() as u64 + 2;
                let signature = if self.signed { 24 + 64 + 2 } else { 0 };
                line + signature + 2
            }
        };
        total.saturating_add(last + trailer)
    }

    /// The headers to set and sign for the upload, besides `x-amz-content-sha256` (which the
    /// signer adds from [`AwsChunked::payload`] with [`SigningSettings::S3`](crate::SigningSettings::S3)):
    /// `content-encoding`, `content-length`, `x-amz-decoded-content-length` and, with a
    /// checksum, `x-amz-trailer`.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("content-encoding", "aws-chunked".to_owned()),
            ("content-length", self.encoded_length().to_string()),
            ("x-amz-decoded-content-length", self.decoded_length.to_string()),
        ];
        if let Some(alg) = self.checksum {
            out.push(("x-amz-trailer", alg.header_name().to_owned()));
        }
        out
    }

    /// The encoder of a signed upload's body, chained to `seed` (the request's signature).
    pub fn encode<R: Read>(
        &self,
        body: R,
        signer: &Signer<'_>,
        seed: Signature,
    ) -> Result<AwsChunkedReader<R>, Error> {
        Ok(AwsChunkedReader::new(body, self.signed_encoder(signer, seed)?))
    }

    /// The encoder of an unsigned upload's body (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    pub fn encode_unsigned<R: Read>(&self, body: R) -> Result<AwsChunkedReader<R>, Error> {
        Ok(AwsChunkedReader::new(body, self.unsigned_encoder()?))
    }

    pub(crate) fn signed_encoder(
        &self,
        signer: &Signer<'_>,
        seed: Signature,
    ) -> Result<ChunkEncoder, Error> {
        if !self.signed {
            return Err(misuse("an unsigned upload is encoded with `encode_unsigned`"));
        }
        Ok(self.encoder(Some(ChunkSigner::new(signer, seed))))
    }

    pub(crate) fn unsigned_encoder(&self) -> Result<ChunkEncoder, Error> {
        if self.signed {
            return Err(misuse("a signed upload is encoded with `encode`"));
        }
        Ok(self.encoder(None))
    }

    fn encoder(&self, signer: Option<ChunkSigner>) -> ChunkEncoder {
        ChunkEncoder {
            signer,
            checksum: self.checksum.map(|a| (a, a.start())),
            remaining: self.decoded_length,
            chunk_size: self.chunk_size,
            finished: false,
        }
    }
}

fn misuse(why: &str) -> Error {
    Error::new(ErrorKind::InvalidRequest(why.to_owned()))
}

/// The length of one frame carrying `n` data bytes.
fn frame_len(n: u64, signed: bool) -> u64 {
    let hex_digits = if n == 0 { 1 } else { u64::from(64 - n.leading_zeros()).div_ceil(4) };
    let sig = if signed { 17 + 64 } else { 0 };
    hex_digits + sig + 2 + n + 2
}

/// Sans-IO framing: turns chunks of data into frames, then the final frame and trailer.
pub(crate) struct ChunkEncoder {
    signer: Option<ChunkSigner>,
    checksum: Option<(ChecksumAlgorithm, Checksum)>,
    remaining: u64,
    chunk_size: usize,
    finished: bool,
}

impl ChunkEncoder {
    /// How many bytes the next chunk must have (0 when the body is complete).
    pub(crate) fn next_chunk_len(&self) -> usize {
        usize::try_from(self.remaining).unwrap_or(usize::MAX).min(self.chunk_size)
    }

    /// Writes the frame header of a non-empty chunk into `head`; the caller sends `head`,
    /// `data` and `\r\n`. Fails when `data` goes beyond the declared length.
    pub(crate) fn chunk_head(&mut self, data: &[u8], head: &mut Vec<u8>) -> io::Result<()> {
        let len = data.len() as u64;
        if len > self.remaining {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the body is longer than x-amz-decoded-content-length",
            ));
        }
        self.remaining -= len;
        if let Some((_, c)) = &mut self.checksum {
            c.update(data);
        }
        write_hex(head, len);
        if let Some(signer) = &mut self.signer {
            let sig = signer.sign_chunk(data);
            head.extend_from_slice(b";chunk-signature=");
            head.extend_from_slice(&sig.to_hex());
        }
        head.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Writes the final chunk and the trailer. Fails when the body was shorter than declared.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        if self.remaining > 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the body ended {} bytes short of x-amz-decoded-content-length",
                    self.remaining
                ),
            ));
        }
        self.finished = true;
        out.push(b'0');
        if let Some(signer) = &mut self.signer {
            let sig = signer.sign_chunk_hash(&EMPTY_SHA256_BYTES);
            out.extend_from_slice(b";chunk-signature=");
            out.extend_from_slice(&sig.to_hex());
        }
        out.extend_from_slice(b"\r\n");
        if let Some((alg, checksum)) = self.checksum.take() {
            let value = checksum.finish_base64();
            out.extend_from_slice(alg.header_name().as_bytes());
            out.push(b':');
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(signer) = &mut self.signer {
                let sig = signer.sign_trailer(&[(alg.header_name(), &value)]);
                out.extend_from_slice(b"x-amz-trailer-signature:");
                out.extend_from_slice(&sig.to_hex());
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(b"\r\n");
        Ok(())
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }
}

fn write_hex(out: &mut Vec<u8>, n: u64) {
    let digits = if n == 0 { 1 } else { (64 - n.leading_zeros()).div_ceil(4) };
    for i in (0..digits).rev() {
        out.push(b"0123456789abcdef"[((n >> (i * 4)) & 0xf) as usize]);
    }
}

/// The aws-chunked encoding of a body, as a `std::io::Read`: frames are produced one chunk at
/// a time, so memory stays at one chunk whatever the body's size.
///
/// Reading fails with `InvalidData` if the body is longer than the declared length and with
/// `UnexpectedEof` if it is shorter (the `Content-Length` sent would be wrong).
pub struct AwsChunkedReader<R> {
    body: R,
    encoder: ChunkEncoder,
    buf: Vec<u8>,
    head: Vec<u8>,
    /// Where reading is: in `head`, then in `buf[..filled]`, then in the `\r\n` after it.
    head_pos: usize,
    buf_pos: usize,
    filled: usize,
    tail_pos: usize,
}

impl<R: Read> AwsChunkedReader<R> {
    fn new(body: R, encoder: ChunkEncoder) -> Self {
        let cap = encoder.next_chunk_len();
        Self {
            body,
            encoder,
            buf: vec![0; cap],
            head: Vec::with_capacity(128),
            head_pos: 0,
            buf_pos: 0,
            filled: 0,
            tail_pos: 2,
        }
    }

    /// The body reader back.
    pub fn into_inner(self) -> R {
        self.body
    }

    /// Reads the next chunk and frames it (or the final chunk and trailer).
    fn next_frame(&mut self) -> io::Result<()> {
        self.head.clear();
        self.head_pos = 0;
        self.buf_pos = 0;
        self.filled = 0;
        let want = self.encoder.next_chunk_len();
        if want > 0 {
            if self.buf.len() < want {
                self.buf.resize(want, 0);
            }
            while self.filled < want {
                match self.body.read(&mut self.buf[self.filled..want]) {
                    Ok(0) => break,
                    Ok(n) => self.filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        if self.filled == 0 {
            if want == 0 {
                // The declared length is read: the body must be at its end.
                let mut probe = [0u8; 1];
                loop {
                    match self.body.read(&mut probe) {
                        Ok(0) => break,
                        Ok(_) => {
                            return Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                "the body is longer than x-amz-decoded-content-length",
                            ));
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            self.tail_pos = 2;
            return self.encoder.finish(&mut self.head);
        }
        self.tail_pos = 0;
        self.encoder.chunk_head(&self.buf[..self.filled], &mut self.head)
    }
}

impl<R: Read> Read for AwsChunkedReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.head_pos < self.head.len() {
                let n = copy(&self.head[self.head_pos..], out);
                self.head_pos += n;
                return Ok(n);
            }
            if self.buf_pos < self.filled {
                let n = copy(&self.buf[self.buf_pos..self.filled], out);
                self.buf_pos += n;
                return Ok(n);
            }
            if self.tail_pos < 2 {
                let n = copy(&b"\r\n"[self.tail_pos..], out);
                self.tail_pos += n;
                return Ok(n);
            }
            if self.encoder.is_finished() || out.is_empty() {
                return Ok(0);
            }
            self.next_frame()?;
        }
    }
}

fn copy(from: &[u8], to: &mut [u8]) -> usize {
    let n = from.len().min(to.len());
    to[..n].copy_from_slice(&from[..n]);
    n
}

impl<R> fmt::Debug for AwsChunkedReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsChunkedReader").finish_non_exhaustive()
    }
}
