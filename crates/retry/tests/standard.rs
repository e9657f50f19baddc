//! The standard-mode test tables (`tests/data/standard-*.json`), run step by step through the
//! public API. A new case is a new entry in a file (or a new file), not new code.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use signet_retry::{
    AttemptOutcome, Decision, ErrorKind, FixedRandom, MaxAttempts, Response, RetryConfig,
    RetryMode, RetryQuota, RetrySpec, RetryStrategy, TransportError,
};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Every `standard-v<spec>-*.json` file in the data folder, with its spec.
fn files() -> Vec<(PathBuf, RetrySpec)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(data_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let spec = if name.starts_with("standard-v2.0") {
            RetrySpec::V2_0
        } else if name.starts_with("standard-v2.1") {
            RetrySpec::V2_1
        } else {
            continue;
        };
        out.push((path, spec));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn load(path: &PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn u32_of(v: &Value, key: &str) -> u32 {
    u32::try_from(v[key].as_u64().unwrap_or_else(|| panic!("{key} missing in {v}"))).unwrap()
}

fn outcome_name(d: Decision) -> &'static str {
    match d {
        Decision::Success => "success",
        Decision::Retry(_) => "retry_request",
        Decision::NotRetryable => "not_retryable",
        Decision::MaxAttemptsExceeded => "max_attempts_exceeded",
        Decision::RetryQuotaExceeded | Decision::RetryQuotaExceededAfter(_) => {
            "retry_quota_exceeded"
        }
        other => panic!("unexpected decision {other:?}"),
    }
}

/// Runs one case; returns the number of steps checked.
fn run_case(file: &str, spec: RetrySpec, jitter: f64, case: &Value) -> usize {
    let name = case["name"].as_str().unwrap();
    let given = &case["given"];
    let mut config = RetryConfig::standard()
        .with_spec(spec)
        .with_max_attempts(MaxAttempts::new(u32_of(given, "max_attempts")).unwrap())
        .with_max_backoff(Duration::from_secs_f64(given["max_backoff_s"].as_f64().unwrap()));
    // Optional: a service's own base delay (DynamoDB: 25 ms in 2.1).
    if let Some(base) = given["non_throttling_base_delay_s"].as_f64() {
        config = config.with_non_throttling_base_delay(Duration::from_secs_f64(base));
    }
    let quota = RetryQuota::with_available(
        u32_of(given, "initial_retry_tokens"),
        u32_of(given, "max_capacity"),
    );
    let strategy = RetryStrategy::new(config).with_quota(quota).with_random(FixedRandom(jitter));
    // Optional: a long-polling operation (SQS ReceiveMessage).
    let mut call = if given["long_polling"].as_bool() == Some(true) {
        strategy.start_long_polling_call()
    } else {
        strategy.start_call()
    };
    let steps = case["steps"].as_array().unwrap();
    for (i, step) in steps.iter().enumerate() {
        let where_ = format!("{file} case {name} step {}", i + 1);
        let r = &step["response"];
        let code = r["error_code"].as_str();
        let retry_after = r["headers"]["x-amz-retry-after"].as_str();
        let outcome = if r["timeout"].as_bool() == Some(true) {
            AttemptOutcome::from(TransportError::ReadTimeout)
        } else {
            let mut resp = Response::new(u16::try_from(r["status"].as_u64().unwrap()).unwrap());
            if let Some(code) = code {
                resp = resp.with_error_code(code);
            }
            if let Some(ra) = retry_after {
                resp = resp.with_retry_after(ra);
            }
            AttemptOutcome::from(resp)
        };
        let decision = call.after_attempt(&outcome);
        let expect = &step["expect"];
        assert_eq!(
            outcome_name(decision),
            expect["outcome"].as_str().unwrap(),
            "{where_}: outcome"
        );
        assert_eq!(
            u64::from(strategy.quota().available()),
            expect["retry_quota"].as_u64().unwrap(),
            "{where_}: retry quota"
        );
        match (decision.delay(), expect["delay_s"].as_f64()) {
            (Some(actual), Some(expected)) => assert!(
                (actual.as_secs_f64() - expected).abs() < 1e-9,
                "{where_}: delay expected {expected} s, got {actual:?}"
            ),
            (None, None) => {}
            (actual, expected) => panic!("{where_}: delay expected {expected:?}, got {actual:?}"),
        }
    }
    steps.len()
}

#[test]
fn every_standard_case_passes() {
    let files = files();
    assert!(files.len() >= 3, "expected the 2.0 and 2.1 tables in {}", data_dir().display());
    let mut cases = 0;
    for (path, spec) in &files {
        let v = load(path);
        let file = path.file_name().unwrap().to_string_lossy();
        let jitter = v["assumptions"]["jitter_b"].as_f64().unwrap();
        // The tables' constants are this crate's defaults.
        let c = &v["constants"];
        assert_eq!(u32_of(c, "default_max_attempts"), MaxAttempts::DEFAULT.get(), "{file}");
        assert_eq!(u32_of(c, "initial_retry_tokens"), RetryQuota::DEFAULT_CAPACITY, "{file}");
        let defaults = RetryConfig::standard().with_spec(*spec);
        assert_eq!(defaults.max_backoff().as_secs_f64(), c["max_backoff_s"].as_f64().unwrap());
        for case in v["cases"].as_array().unwrap() {
            assert!(run_case(&file, *spec, jitter, case) > 0);
            cases += 1;
        }
    }
    // 12 cases in 2.0, 15 in 2.1 and 6 SEP 2.1 cases from aws-sdk-net when this was
    // written; more is fine.
    assert!(cases >= 33, "only {cases} cases ran");
}

/// The decision on a fresh call's first attempt.
fn first(strategy: &RetryStrategy, response: Response<'_>) -> Decision {
    strategy.start_call().after_attempt(&response.into())
}

#[test]
fn each_call_refunds_only_its_own_last_cost() {
    let strategy = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(1.0));
    let mut a = strategy.start_call();
    let mut b = strategy.start_call();
    let timeout = AttemptOutcome::from(TransportError::ConnectTimeout);
    assert!(a.after_attempt(&timeout).retry_delay().is_some()); // 490
    assert!(b.after_attempt(&Response::new(500).into()).retry_delay().is_some()); // 485
    assert_eq!(strategy.quota().available(), 485);
    assert_eq!(b.after_attempt(&Response::new(200).into()), Decision::Success);
    assert_eq!(strategy.quota().available(), 490);
    assert_eq!(a.after_attempt(&Response::new(200).into()), Decision::Success);
    assert_eq!(strategy.quota().available(), 500);
}

#[test]
fn jitter_spreads_the_backoff() {
    let strategy = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.25));
    let mut call = strategy.start_call();
    let d = call.after_attempt(&Response::new(500).into());
    assert_eq!(d, Decision::Retry(Duration::from_millis(250)));
    // An out-of-range source is clamped: never longer than the uncapped backoff.
    let wild = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(7.0));
    assert_eq!(first(&wild, Response::new(500)), Decision::Retry(Duration::from_secs(1)));
    let nan = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(f64::NAN));
    assert_eq!(first(&nan, Response::new(500)), Decision::Retry(Duration::from_secs(1)));
}

#[test]
fn retry_after_is_ignored_in_2_0_and_garbage_is_ignored_in_2_1() {
    let s20 = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(1.0));
    let hinted = Response::new(503).with_retry_after("4000");
    assert_eq!(first(&s20, hinted), Decision::Retry(Duration::from_secs(1)));
    let s21 = RetryStrategy::new(RetryConfig::standard().with_spec(RetrySpec::V2_1))
        .with_random(FixedRandom(1.0));
    for garbage in ["soon", "", "1.5", "-", "NaN"] {
        let r = Response::new(503).with_retry_after(garbage);
        assert_eq!(first(&s21, r), Decision::Retry(Duration::from_millis(50)), "{garbage:?}");
    }
    let negative = Response::new(503).with_retry_after("-100000");
    assert_eq!(first(&s21, negative), Decision::Retry(Duration::from_millis(50)));
    let huge = Response::new(503).with_retry_after("184467440737095516160000");
    assert_eq!(first(&s21, huge), Decision::Retry(Duration::from_millis(5050)));
}

#[test]
fn a_dynamodb_style_base_delay_applies_to_non_throttling_errors_only() {
    let config = RetryConfig::standard()
        .with_spec(RetrySpec::V2_1)
        .with_max_attempts(MaxAttempts::new(4).unwrap())
        .with_non_throttling_base_delay(Duration::from_millis(25));
    let s = RetryStrategy::new(config).with_random(FixedRandom(1.0));
    assert_eq!(first(&s, Response::new(500)), Decision::Retry(Duration::from_millis(25)));
    let throttled = Response::new(400).with_error_code("Throttling");
    assert_eq!(first(&s, throttled), Decision::Retry(Duration::from_secs(1)));
}

#[test]
fn the_quota_is_safe_across_threads() {
    let strategy = RetryStrategy::new(RetryConfig::standard()).with_random(FixedRandom(0.0));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let s = strategy.clone();
            std::thread::spawn(move || {
                let mut retried = 0u32;
                for _ in 0..100 {
                    let mut call = s.start_call();
                    if call.after_attempt(&Response::new(500).into()).retry_delay().is_some() {
                        retried += 1;
                    }
                }
                retried
            })
        })
        .collect();
    let retried: u32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    // 500 tokens at 5 per retry: exactly 100 retries across all threads, then none.
    assert_eq!(retried, 100);
    assert_eq!(strategy.quota().available(), 0);
}

#[test]
fn settings_parse_as_the_config_loader_hands_them_over() {
    assert_eq!("Adaptive".parse::<RetryMode>().unwrap(), RetryMode::Adaptive);
    assert_eq!(" standard ".parse::<RetryMode>().unwrap(), RetryMode::Standard);
    // Other SDKs' `legacy` runs as standard.
    assert_eq!("legacy".parse::<RetryMode>().unwrap(), RetryMode::Standard);
    let e = "fast".parse::<RetryMode>().unwrap_err();
    assert_eq!((e.kind(), e.value()), (ErrorKind::InvalidRetryMode, "fast"));
    assert!(e.to_string().contains("\"fast\""), "{e}");
    assert_eq!("5".parse::<MaxAttempts>().unwrap().get(), 5);
    for bad in ["0", "-1", "three", "", "4294967296"] {
        let e = bad.parse::<MaxAttempts>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidMaxAttempts, "{bad:?}");
    }
    assert_eq!(MaxAttempts::new(0).unwrap_err().kind(), ErrorKind::InvalidMaxAttempts);
    assert_eq!(RetrySpec::from_new_retries_2026(Some("TRUE")), RetrySpec::V2_1);
    assert_eq!(RetrySpec::from_new_retries_2026(Some("1")), RetrySpec::V2_0);
    assert_eq!(RetrySpec::from_new_retries_2026(None), RetrySpec::V2_0);
    assert_eq!(RetrySpec::from_opt_in(true), RetrySpec::V2_1);
    assert_eq!(RetryConfig::default(), RetryConfig::standard());
    assert_eq!(RetryConfig::adaptive().mode(), RetryMode::Adaptive);
}

#[test]
fn one_attempt_means_never_retry() {
    let config = RetryConfig::standard().with_max_attempts(MaxAttempts::new(1).unwrap());
    let s = RetryStrategy::new(config);
    assert_eq!(first(&s, Response::new(503)), Decision::MaxAttemptsExceeded);
    assert_eq!(s.quota().available(), 500);
}
