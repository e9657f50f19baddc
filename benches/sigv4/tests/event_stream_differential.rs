//! Differential test: signet-sigv4's event-stream signer against aws-sigv4's
//! (`sign-eventstream`) on 400 generated messages, chained, with times that cross days and
//! carry sub-seconds. Every signature and every encoded frame must be identical, and the
//! closing empty message too.
//!
//! Run: `cd benches/sigv4 && cargo test --release`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::event_stream::{sign_empty_message, sign_message};
use aws_sigv4::sign::v4;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use signet_sigv4::{Credentials, EventStreamSigner, Signature, Signer};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn message(rng: &mut Rng) -> Message {
    let len = rng.below(3000) as usize;
    let payload = rng.bytes(len);
    let mut m = Message::new(payload);
    for i in 0..rng.below(5) {
        let value = match rng.below(5) {
            0 => HeaderValue::String(format!("value-{}", rng.next()).into()),
            1 => HeaderValue::Int32(rng.next() as i32),
            2 => HeaderValue::Bool(rng.below(2) == 0),
            3 => {
                let len = rng.below(64) as usize;
                HeaderValue::ByteArray(rng.bytes(len).into())
            }
            _ => HeaderValue::Int64(rng.next() as i64),
        };
        m = m.add_header(Header::new(format!(":h{i}"), value));
    }
    m
}

fn aws_params<'a>(
    identity: &'a Identity,
    region: &'a str,
    time: SystemTime,
) -> v4::SigningParams<'a, ()> {
    v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name("transcribe")
        .time(time)
        .settings(())
        .build()
        .unwrap()
}

#[test]
fn agrees_with_aws_sigv4_on_generated_messages() {
    let identity: Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
    let creds = Credentials::new(AKID, SECRET);
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for region in ["us-east-1", "eu-central-1"] {
        let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let signer = Signer::new(&creds, region, "transcribe", start).unwrap();
        let seed_hex = format!("{:064x}", rng.next());
        let seed = Signature::from_hex(&seed_hex).unwrap();
        let mut ours = EventStreamSigner::new(&signer, seed);
        let mut last = seed_hex;
        let mut time = start;
        let mut days = std::collections::BTreeSet::new();
        for i in 0..200 {
            time += Duration::new(rng.below(20_000), rng.below(1_000_000_000) as u32);
            let msg = message(&mut rng);
            let mut encoded = Vec::new();
            write_message_to(&msg, &mut encoded).unwrap();

            let params = aws_params(&identity, region, time);
            let (aws_signed, aws_sig) = sign_message(&msg, &last, &params).unwrap().into_parts();
            let signed = ours.sign_message(&encoded, time).unwrap();
            assert_eq!(signed.signature().to_string(), aws_sig, "{region} message {i}");
            let mut aws_frame = Vec::new();
            write_message_to(&aws_signed, &mut aws_frame).unwrap();
            assert_eq!(signed.to_frame().unwrap(), aws_frame, "{region} message {i}: frame");
            days.insert(signed.date().date().to_owned());
            last = aws_sig;
        }
        assert!(days.len() > 10, "the times cross days: {days:?}");
        time += Duration::from_millis(1500);
        let params = aws_params(&identity, region, time);
        let (aws_end, aws_sig) = sign_empty_message(&last, &params).unwrap().into_parts();
        let end = ours.sign_end(time).unwrap();
        assert_eq!(end.signature().to_string(), aws_sig, "{region}: end");
        let mut aws_frame = Vec::new();
        write_message_to(&aws_end, &mut aws_frame).unwrap();
        assert_eq!(end.to_frame().unwrap(), aws_frame, "{region}: end frame");
    }
}
