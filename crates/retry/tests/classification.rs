//! `tests/data/error-classification.json`: the AWS error classification, in both specs.

use serde_json::Value;
use signet_retry::{
    AttemptOutcome, Classification, Classifier, ErrorCodes, ModeledError, Response, RetrySpec,
    THROTTLING_ERROR_CODES, TRANSIENT_ERROR_CODES, TRANSIENT_STATUS_CODES, TransportError,
};

const SPECS: [RetrySpec; 2] = [RetrySpec::V2_0, RetrySpec::V2_1];

fn data() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/error-classification.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

fn classify(r: Response<'_>, spec: RetrySpec) -> Classification {
    Classifier::aws().classify(&AttemptOutcome::from(r), spec)
}

#[test]
fn throttling_codes() {
    let codes = strings(&data(), "throttling_error_codes");
    assert_eq!(codes, THROTTLING_ERROR_CODES);
    for spec in SPECS {
        for code in &codes {
            assert_eq!(
                classify(Response::new(400).with_error_code(code), spec),
                Classification::Throttling,
                "{code} {spec}"
            );
        }
    }
}

#[test]
fn transient_codes() {
    let v = data();
    let throttling = strings(&v, "throttling_error_codes");
    for spec in SPECS {
        for code in strings(&v, "transient_error_codes") {
            let got = classify(Response::new(400).with_error_code(&code), spec);
            // A code in both lists is throttling (botocore's order; see the file's note).
            let want = if throttling.contains(&code) {
                Classification::Throttling
            } else {
                assert!(TRANSIENT_ERROR_CODES.contains(&code.as_str()), "{code}");
                Classification::Transient
            };
            assert_eq!(got, want, "{code} {spec}");
        }
    }
}

#[test]
fn transient_status_codes() {
    let statuses: Vec<u64> = data()["transient_http_status_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    assert_eq!(statuses, TRANSIENT_STATUS_CODES.iter().map(|s| u64::from(*s)).collect::<Vec<_>>());
    for spec in SPECS {
        for status in TRANSIENT_STATUS_CODES {
            assert_eq!(classify(Response::new(*status), spec), Classification::Transient);
            // Whatever the code says, unless it says throttling.
            let r = Response::new(*status).with_error_code("InternalFailure");
            assert_eq!(classify(r, spec), Classification::Transient);
        }
    }
}

#[test]
fn http_429_is_throttling_in_2_1_unless_modeled() {
    let v = data();
    for status in v["throttling_http_status_codes_v2_1"].as_array().unwrap() {
        let status = u16::try_from(status.as_u64().unwrap()).unwrap();
        assert_eq!(classify(Response::new(status), RetrySpec::V2_1), Classification::Throttling);
        let unmodeled = Response::new(status).with_error_code("SomethingElse");
        assert_eq!(classify(unmodeled, RetrySpec::V2_1), Classification::Throttling);
        let modeled = unmodeled.with_modeled_error(ModeledError::NotRetryable);
        assert_eq!(classify(modeled, RetrySpec::V2_1), Classification::NotRetryable);
        assert_eq!(classify(Response::new(status), RetrySpec::V2_0), Classification::NotRetryable);
    }
}

#[test]
fn transport_errors() {
    use TransportError::*;
    for spec in SPECS {
        let c = |t: TransportError| Classifier::aws().classify(&t.into(), spec);
        assert_eq!(c(ConnectTimeout), Classification::Timeout);
        assert_eq!(c(ReadTimeout), Classification::Timeout);
        assert_eq!(c(Connection), Classification::Transient);
        assert_eq!(c(DnsTemporary), Classification::Transient);
        assert_eq!(c(DnsNotFound), Classification::NotRetryable);
        assert_eq!(c(Cancelled), Classification::NotRetryable);
        assert_eq!(c(Other), Classification::NotRetryable);
    }
}

#[test]
fn modeled_errors() {
    for spec in SPECS {
        let r = Response::new(400).with_error_code("Busy");
        assert_eq!(
            classify(r.with_modeled_error(ModeledError::Retryable), spec),
            Classification::Transient
        );
        assert_eq!(
            classify(r.with_modeled_error(ModeledError::Throttling), spec),
            Classification::Throttling
        );
        assert_eq!(
            classify(r.with_modeled_error(ModeledError::NotRetryable), spec),
            Classification::NotRetryable
        );
    }
}

#[test]
fn sts_idp_communication_error_needs_the_service_classifier() {
    let v = data();
    let sts = v["service_specific"]["sts"].as_object().unwrap();
    assert!(sts.contains_key("IDPCommunicationError"));
    let r = Response::new(400).with_error_code("IDPCommunicationError");
    for spec in SPECS {
        // Modeled as a plain client error: the AWS rules alone do not retry it...
        assert_eq!(classify(r, spec), Classification::NotRetryable);
        // ...the STS client adds it, as botocore and smithy-rs do.
        let sts = Classifier::aws()
            .with(ErrorCodes::new(Classification::Transient, ["IDPCommunicationError"]));
        assert_eq!(sts.classify(&r.into(), spec), Classification::Transient);
        // InvalidIdentityToken stays not retryable (botocore, smithy-rs).
        let token = Response::new(400).with_error_code("InvalidIdentityToken");
        assert_eq!(sts.classify(&token.into(), spec), Classification::NotRetryable);
    }
}

#[test]
fn never_retry() {
    assert!(data()["never_retry"].as_str().unwrap().contains("ValidationError"));
    for spec in SPECS {
        for (status, code) in
            [(400, "ValidationError"), (403, "AccessDenied"), (404, "NoSuchKey"), (409, "Conflict")]
        {
            assert_eq!(
                classify(Response::new(status).with_error_code(code), spec),
                Classification::NotRetryable
            );
        }
        assert_eq!(classify(Response::new(200), spec), Classification::Success);
        assert_eq!(classify(Response::new(204), spec), Classification::Success);
    }
}
