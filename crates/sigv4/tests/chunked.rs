//! aws-chunked uploads against the S3 documentation examples in `tests/data/s3`: the seed,
//! every chunk signature and frame, the trailer signature and frame, and the lengths; then
//! the encoder's edge cases (exact multiples, short and long bodies, unsigned trailers).

use std::fs;
use std::io::Read;
use std::path::Path;

use serde_json::Value;
use signet_sigv4::{
    AmzDate, AwsChunked, ChecksumAlgorithm, ChunkSigner, Credentials, Payload, SignableRequest,
    Signature, Signer, SigningSettings,
};

fn examples() -> (Value, Credentials, AmzDate) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/s3/s3-doc-examples.json");
    let v: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let c = &v["credentials"];
    let creds = Credentials::new(
        c["access_key_id"].as_str().unwrap(),
        c["secret_access_key"].as_str().unwrap(),
    );
    let date = AmzDate::parse(v["common"]["x_amz_date"].as_str().unwrap()).unwrap();
    (v, creds, date)
}

fn example<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["examples"].as_array().unwrap().iter().find(|e| e["id"] == id).unwrap()
}

/// Splits an encoded body into (chunk header line, data) frames and the rest after the
/// final chunk's header line.
fn frames(wire: &[u8]) -> (Vec<(String, Vec<u8>)>, Vec<u8>) {
    let mut out = Vec::new();
    let mut rest = wire;
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let head = String::from_utf8(rest[..eol].to_vec()).unwrap();
        let size = usize::from_str_radix(head.split(';').next().unwrap(), 16).unwrap();
        rest = &rest[eol + 2..];
        if size == 0 {
            out.push((head, Vec::new()));
            return (out, rest.to_vec());
        }
        out.push((head, rest[..size].to_vec()));
        assert_eq!(&rest[size..size + 2], b"\r\n");
        rest = &rest[size + 2..];
    }
}

fn data_for(size: usize) -> Vec<u8> {
    vec![b'a'; size]
}

#[test]
fn s3_streaming_put_seed_chunks_and_lengths() {
    let (v, creds, date) = examples();
    let ex = example(&v, "aws-chunked-streaming-put");
    let r = &ex["request"];
    let e = &ex["expected"];
    let body_len: u64 =
        r["headers"]["x-amz-decoded-content-length"].as_str().unwrap().parse().unwrap();
    let upload = AwsChunked::signed(body_len);
    assert_eq!(upload.payload(), Payload::StreamingSigned);
    let lengths = upload.headers();
    let header = |name: &str| lengths.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    assert_eq!(header("content-length").as_deref(), r["headers"]["Content-Length"].as_str());
    assert_eq!(header("content-encoding").as_deref(), Some("aws-chunked"));
    assert_eq!(header("x-amz-decoded-content-length").unwrap(), body_len.to_string());

    // The seed: the request signed with our computed headers.
    let mut headers: Vec<(&str, &str)> = vec![
        ("host", r["host"].as_str().unwrap()),
        ("x-amz-storage-class", r["headers"]["x-amz-storage-class"].as_str().unwrap()),
    ];
    headers.extend(lengths.iter().map(|(n, v)| (*n, v.as_str())));
    let signer = Signer::new(&creds, "us-east-1", "s3", date.to_system_time())
        .unwrap()
        .with_settings(SigningSettings::S3);
    let request =
        SignableRequest::new("PUT", r["path"].as_str().unwrap(), &headers, upload.payload());
    let signed = signer.sign_headers(&request).unwrap();
    assert_eq!(signed.authorization(), e["authorization"].as_str().unwrap());
    let seed = signed.signature();
    assert_eq!(seed.to_string(), e["seed_signature"].as_str().unwrap());

    // The chain, through the encoder, frame by frame.
    let body = data_for(body_len as usize);
    let mut wire = Vec::new();
    upload.encode(&body[..], &signer, seed).unwrap().read_to_end(&mut wire).unwrap();
    assert_eq!(wire.len() as u64, upload.encoded_length());
    let (got, rest) = frames(&wire);
    let chunks = e["chunks"].as_array().unwrap();
    assert_eq!(got.len(), chunks.len());
    let mut offset = 0;
    for (i, (frame, expected)) in got.iter().zip(chunks).enumerate() {
        let size = expected["size"].as_u64().unwrap() as usize;
        let sig = expected["signature"].as_str().unwrap();
        assert_eq!(frame.0, format!("{size:x};chunk-signature={sig}"), "chunk {i}");
        assert_eq!(frame.1, body[offset..offset + size], "chunk {i} data");
        offset += size;
        if let Some(prefix) = expected["frame_prefix"].as_str() {
            assert!(wire.windows(prefix.len()).any(|w| w == prefix.as_bytes()), "chunk {i}");
        }
        if let Some(whole) = expected["frame"].as_str() {
            assert!(wire.ends_with(whole.as_bytes()), "final frame");
        }
    }
    assert_eq!(rest, b"\r\n");

    // The same chain by hand with `ChunkSigner`.
    let mut chain = ChunkSigner::new(&signer, seed);
    let mut offset = 0;
    for expected in chunks {
        let size = expected["size"].as_u64().unwrap() as usize;
        let sig = chain.sign_chunk(&body[offset..offset + size]);
        assert_eq!(sig.to_string(), expected["signature"].as_str().unwrap());
        offset += size;
    }
}

#[test]
fn s3_streaming_put_with_trailer() {
    let (v, creds, date) = examples();
    let ex = example(&v, "aws-chunked-streaming-put-with-trailer");
    let e = &ex["expected"];
    let (name, value) = ex["request"]["trailer"].as_object().unwrap().iter().next().unwrap();
    let value = value.as_str().unwrap();
    assert_eq!(name, ChecksumAlgorithm::Crc32c.header_name());
    let signer = Signer::new(&creds, "us-east-1", "s3", date.to_system_time()).unwrap();
    let seed = Signature::from_hex(e["seed_signature"].as_str().unwrap()).unwrap();
    let chunks = e["chunks"].as_array().unwrap();
    let body_len: usize = chunks.iter().map(|c| c["size"].as_u64().unwrap() as usize).sum();
    let body = data_for(body_len);

    // The encoder computes the CRC32C itself and signs the trailer.
    let upload = AwsChunked::signed(body_len as u64).with_checksum(ChecksumAlgorithm::Crc32c);
    assert_eq!(upload.payload(), Payload::StreamingSignedTrailer);
    assert!(upload.headers().contains(&("x-amz-trailer", name.clone())));
    let mut wire = Vec::new();
    upload.encode(&body[..], &signer, seed).unwrap().read_to_end(&mut wire).unwrap();
    assert_eq!(wire.len() as u64, upload.encoded_length());
    let (got, rest) = frames(&wire);
    for (i, (frame, expected)) in got.iter().zip(chunks).enumerate() {
        let sig = expected["signature"].as_str().unwrap();
        assert!(frame.0.ends_with(&format!(";chunk-signature={sig}")), "chunk {i}");
    }
    assert_eq!(String::from_utf8(rest).unwrap(), e["trailer_frame"].as_str().unwrap());

    // By hand.
    let mut chain = ChunkSigner::new(&signer, seed);
    let mut offset = 0;
    for c in chunks {
        let size = c["size"].as_u64().unwrap() as usize;
        assert_eq!(chain.sign_chunk(&body[offset..offset + size]).to_string(), c["signature"]);
        offset += size;
    }
    let trailer = chain.sign_trailer(&[(name, value)]);
    assert_eq!(trailer.to_string(), e["trailer_signature"].as_str().unwrap());
}

#[test]
fn crt_trailer_with_three_headers() {
    let (v, creds, date) = examples();
    let ex = example(&v, "crt-chunked-trailing-headers-extension");
    let signer = Signer::new(&creds, "us-east-1", "s3", date.to_system_time()).unwrap();
    let previous = Signature::from_hex(ex["previous_signature"].as_str().unwrap()).unwrap();
    let trailers: Vec<(&str, &str)> = ex["trailers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    // Order and case do not matter: the canonical trailer block sorts lower-cased names.
    let mut reversed: Vec<(String, &str)> =
        trailers.iter().rev().map(|(k, v)| (k.to_ascii_uppercase(), *v)).collect();
    reversed.iter_mut().for_each(|(_, v)| *v = v.trim());
    let reversed: Vec<(&str, &str)> = reversed.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    for t in [&trailers, &reversed] {
        let mut chain = ChunkSigner::new(&signer, previous);
        assert_eq!(
            chain.sign_trailer(t).to_string(),
            ex["expected"]["trailer_signature"].as_str().unwrap()
        );
    }
}

#[test]
fn lengths_agree_with_the_encoding_for_every_shape() {
    let creds = Credentials::new("AKID", "SECRET");
    let signer = Signer::new(&creds, "us-east-1", "s3", std::time::UNIX_EPOCH).unwrap();
    let seed = Signature::from_hex(&"0".repeat(64)).unwrap();
    let algs = [None, Some(ChecksumAlgorithm::Crc32), Some(ChecksumAlgorithm::Sha256)];
    for len in [0usize, 1, 8191, 8192, 8193, 16384, 65536, 70000] {
        let body: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        for alg in algs {
            let mut upload = AwsChunked::signed(len as u64).with_chunk_size(8192).unwrap();
            if let Some(a) = alg {
                upload = upload.with_checksum(a);
            }
            let mut wire = Vec::new();
            // Read in odd sizes to exercise partial reads.
            let mut reader = upload.encode(&body[..], &signer, seed).unwrap();
            let mut buf = [0u8; 333];
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                wire.extend_from_slice(&buf[..n]);
            }
            assert_eq!(wire.len() as u64, upload.encoded_length(), "signed {len} {alg:?}");
            let (got, _) = frames(&wire);
            let decoded: Vec<u8> = got.iter().flat_map(|f| f.1.clone()).collect();
            assert_eq!(decoded, body);
            assert!(
                got[..got.len() - 1].iter().all(|f| f.1.len() == 8192 || f.1.len() == len % 8192)
            );

            if let Some(a) = alg {
                let upload = AwsChunked::unsigned(len as u64, a).with_chunk_size(8192).unwrap();
                assert_eq!(upload.payload(), Payload::StreamingUnsignedTrailer);
                let mut wire = Vec::new();
                upload.encode_unsigned(&body[..]).unwrap().read_to_end(&mut wire).unwrap();
                assert_eq!(wire.len() as u64, upload.encoded_length(), "unsigned {len} {a:?}");
                let (got, rest) = frames(&wire);
                assert!(got.iter().all(|f| !f.0.contains(';')));
                let rest = String::from_utf8(rest).unwrap();
                assert!(rest.starts_with(a.header_name()) && rest.ends_with("\r\n\r\n"), "{rest}");
            }
        }
    }
}

#[test]
fn bodies_of_the_wrong_length_are_errors_not_wrong_uploads() {
    let creds = Credentials::new("AKID", "SECRET");
    let signer = Signer::new(&creds, "us-east-1", "s3", std::time::UNIX_EPOCH).unwrap();
    let seed = Signature::from_hex(&"0".repeat(64)).unwrap();
    let upload = AwsChunked::signed(10_000);
    let mut sink = Vec::new();
    let short = upload.encode(&[0u8; 9_999][..], &signer, seed).unwrap().read_to_end(&mut sink);
    assert_eq!(short.unwrap_err().kind(), std::io::ErrorKind::UnexpectedEof);
    let long = upload.encode(&[0u8; 10_001][..], &signer, seed).unwrap().read_to_end(&mut sink);
    assert_eq!(long.unwrap_err().kind(), std::io::ErrorKind::InvalidData);
    // Misuse is a typed error.
    assert!(upload.encode_unsigned(&[][..]).is_err());
    assert!(
        AwsChunked::unsigned(1, ChecksumAlgorithm::Crc32)
            .encode(&[0u8][..], &signer, seed)
            .is_err()
    );
    assert!(AwsChunked::signed(1).with_chunk_size(8191).is_err());
}

/// The `Stream` encoder (feature `stream`) produces the same bytes as the `Read` encoder
/// whatever the sizes of the pieces it is fed, and the same errors for wrong lengths.
#[cfg(feature = "stream")]
#[test]
fn stream_encoder_matches_the_reader() {
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use futures_core::Stream;

    struct Pieces(Vec<Result<Vec<u8>, std::io::Error>>, bool);
    impl Stream for Pieces {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            // Pending every other poll, to exercise wake-ups.
            self.1 = !self.1;
            if self.1 {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            Poll::Ready(if self.0.is_empty() { None } else { Some(self.0.remove(0)) })
        }
    }

    fn drain(
        mut s: impl Stream<Item = std::io::Result<Vec<u8>>> + Unpin,
    ) -> std::io::Result<Vec<u8>> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out = Vec::new();
        loop {
            match Pin::new(&mut s).poll_next(&mut cx) {
                Poll::Ready(Some(frame)) => out.extend_from_slice(&frame?),
                Poll::Ready(None) => return Ok(out),
                Poll::Pending => {}
            }
        }
    }

    let creds = Credentials::new("AKID", "SECRET");
    let signer = Signer::new(&creds, "us-east-1", "s3", std::time::UNIX_EPOCH).unwrap();
    let seed = Signature::from_hex(&"0".repeat(64)).unwrap();
    let body: Vec<u8> = (0..50_000u32).map(|i| (i % 253) as u8).collect();
    for piece in [1usize, 1000, 8192, 9000, 50_000] {
        for checksum in [None, Some(ChecksumAlgorithm::Crc32c)] {
            let mut upload = AwsChunked::signed(body.len() as u64).with_chunk_size(8192).unwrap();
            if let Some(c) = checksum {
                upload = upload.with_checksum(c);
            }
            let mut expected = Vec::new();
            upload.encode(&body[..], &signer, seed).unwrap().read_to_end(&mut expected).unwrap();
            let pieces = Pieces(body.chunks(piece).map(|c| Ok(c.to_vec())).collect(), false);
            let got = drain(upload.encode_stream(pieces, &signer, seed).unwrap()).unwrap();
            assert_eq!(got, expected, "pieces of {piece}");
            if let Some(c) = checksum {
                let unsigned = AwsChunked::unsigned(body.len() as u64, c);
                let mut expected = Vec::new();
                unsigned.encode_unsigned(&body[..]).unwrap().read_to_end(&mut expected).unwrap();
                let pieces = Pieces(body.chunks(piece).map(|c| Ok(c.to_vec())).collect(), false);
                let got = drain(unsigned.encode_stream_unsigned(pieces).unwrap()).unwrap();
                assert_eq!(got, expected, "unsigned, pieces of {piece}");
            }
        }
    }
    let upload = AwsChunked::signed(10);
    let short = Pieces(vec![Ok(vec![0; 9])], false);
    let err = drain(upload.encode_stream(short, &signer, seed).unwrap()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    let long = Pieces(vec![Ok(vec![0; 10]), Ok(vec![0; 1])], false);
    let err = drain(upload.encode_stream(long, &signer, seed).unwrap()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    let failing = Pieces(vec![Err(std::io::Error::other("disk on fire"))], false);
    let err = drain(upload.encode_stream(failing, &signer, seed).unwrap()).unwrap_err();
    assert!(err.to_string().contains("disk on fire"));
}
