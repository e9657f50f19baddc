//! The aws-chunked encoder as a `futures_core::Stream` (feature `stream`).

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::chunked::{AwsChunked, ChunkEncoder};
use crate::error::Error;
use crate::key::Signature;
use crate::signer::Signer;

impl AwsChunked {
    /// The encoder of a signed upload's body over a stream of byte chunks of any size (a
    /// `hyper`/`reqwest` body stream, a file read in pieces); each item out is one frame.
    /// See `tests/chunked.rs` for a stream driven by hand.
    pub fn encode_stream<S>(
        &self,
        body: S,
        signer: &Signer<'_>,
        seed: Signature,
    ) -> Result<AwsChunkedStream<S>, Error> {
        Ok(AwsChunkedStream::new(body, self.signed_encoder(signer, seed)?))
    }

    /// The encoder of an unsigned upload's body (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) over a
    /// stream of byte chunks.
    pub fn encode_stream_unsigned<S>(&self, body: S) -> Result<AwsChunkedStream<S>, Error> {
        Ok(AwsChunkedStream::new(body, self.unsigned_encoder()?))
    }
}

/// The aws-chunked encoding of a stream of byte chunks: a stream of frames (`Vec<u8>`).
///
/// Input pieces of any size are gathered into chunks of the upload's chunk size. A body
/// longer or shorter than the declared length ends the stream with an `io::Error`
/// (`InvalidData` or `UnexpectedEof`); an input error ends it with that error.
pub struct AwsChunkedStream<S> {
    body: S,
    encoder: ChunkEncoder,
    buf: Vec<u8>,
    body_done: bool,
    done: bool,
}

impl<S> AwsChunkedStream<S> {
    fn new(body: S, encoder: ChunkEncoder) -> Self {
        Self { body, encoder, buf: Vec::new(), body_done: false, done: false }
    }

    fn frame(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n + 100);
        self.encoder.chunk_head(&self.buf[..n], &mut out)?;
        out.extend_from_slice(&self.buf[..n]);
        out.extend_from_slice(b"\r\n");
        self.buf.drain(..n);
        Ok(out)
    }
}

impl<S, B, E> Stream for AwsChunkedStream<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    type Item = io::Result<Vec<u8>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let want = this.encoder.next_chunk_len();
            let ready = if this.body_done {
                !this.buf.is_empty()
            } else {
                want > 0 && this.buf.len() >= want
            };
            if ready {
                let n = this.buf.len().min(want.max(1));
                let frame = this.frame(n);
                this.done = frame.is_err();
                return Poll::Ready(Some(frame));
            }
            if this.body_done {
                let mut out = Vec::with_capacity(200);
                this.done = true;
                return Poll::Ready(Some(this.encoder.finish(&mut out).map(|()| out)));
            }
            match Pin::new(&mut this.body).poll_next(cx) {
                Poll::Ready(Some(Ok(piece))) => {
                    let piece = piece.as_ref();
                    if want == 0 && !piece.is_empty() {
                        this.done = true;
                        return Poll::Ready(Some(Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "the body is longer than x-amz-decoded-content-length",
                        ))));
                    }
                    this.buf.extend_from_slice(piece);
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(io::Error::other(e))));
                }
                Poll::Ready(None) => this.body_done = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<S> fmt::Debug for AwsChunkedStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsChunkedStream")
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}
