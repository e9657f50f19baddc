//! S3 POST policies against botocore's `generate_presigned_post`: each file in
//! `tests/data/post-policy` holds fixed inputs and the fields botocore computed from them (see
//! `generate.py` there). The policy document and every field must match byte for byte.

use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use signet_sigv4::{AmzDate, Condition, Credentials, PostPolicy, Signer, SigningSettings};

fn condition(c: &Value) -> Condition {
    if let Some(obj) = c.as_object() {
        let (field, value) = obj.iter().next().unwrap();
        return Condition::Equals { field: field.clone(), value: value.as_str().unwrap().into() };
    }
    let a = c.as_array().unwrap();
    match a[0].as_str().unwrap() {
        "starts-with" => Condition::StartsWith {
            field: a[1].as_str().unwrap().trim_start_matches('$').into(),
            prefix: a[2].as_str().unwrap().into(),
        },
        "content-length-range" => Condition::ContentLengthRange {
            min: a[1].as_u64().unwrap(),
            max: a[2].as_u64().unwrap(),
        },
        other => panic!("unknown condition {other}"),
    }
}

#[test]
fn botocore_generate_presigned_post_known_answers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/post-policy");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in &files {
        let case: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        let name = case["name"].as_str().unwrap();
        let mut creds = Credentials::new(
            case["access_key_id"].as_str().unwrap(),
            case["secret_access_key"].as_str().unwrap(),
        );
        if let Some(t) = case["session_token"].as_str() {
            creds = creds.with_session_token(t);
        }
        let compact: String =
            case["time"].as_str().unwrap().chars().filter(|c| !matches!(c, '-' | ':')).collect();
        let time = AmzDate::parse(&compact).unwrap().to_system_time();
        let signer = Signer::new(&creds, case["region"].as_str().unwrap(), "s3", time)
            .unwrap()
            .with_settings(SigningSettings::S3);
        let mut policy =
            PostPolicy::new(case["bucket"].as_str().unwrap(), case["key"].as_str().unwrap());
        for c in case["conditions"].as_array().unwrap() {
            policy = policy.condition(condition(c));
        }
        for (k, v) in case["fields"].as_object().unwrap() {
            policy = policy.form_field(k, v.as_str().unwrap());
        }
        let form = policy
            .sign(&signer, Duration::from_secs(case["expires_in"].as_u64().unwrap()))
            .unwrap();
        assert_eq!(
            form.policy_document(),
            case["expected_policy_json"].as_str().unwrap(),
            "{name}: policy document"
        );
        let expected: Vec<(String, String)> = case["expected_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(form.fields(), expected.as_slice(), "{name}: fields");
        // Secrets stay out of Debug.
        let shown = format!("{form:?}");
        assert!(!shown.contains(creds.secret_access_key()), "{name}");
        if let Some(t) = creds.session_token() {
            assert!(!shown.contains(t), "{name}");
        }
    }
    assert_eq!(files.len(), 3);
}

#[test]
fn helpers_add_a_field_and_its_condition() {
    let creds = Credentials::new("AKID", "SECRET");
    let signer = Signer::new(&creds, "us-east-1", "s3", std::time::UNIX_EPOCH).unwrap();
    let form = PostPolicy::new("b", "k")
        .content_type("text/plain")
        .success_action_status(204)
        .field("x-amz-meta-a", "1")
        .content_length_range(0, 5)
        .condition(Condition::StartsWith { field: "x-amz-meta-b".into(), prefix: String::new() })
        .sign(&signer, Duration::from_secs(60))
        .unwrap();
    assert_eq!(
        form.policy_document(),
        "{\"expiration\": \"1970-01-01T00:01:00Z\", \"conditions\": [{\"Content-Type\": \
         \"text/plain\"}, {\"success_action_status\": \"204\"}, {\"x-amz-meta-a\": \"1\"}, \
         [\"content-length-range\", 0, 5], [\"starts-with\", \"$x-amz-meta-b\", \"\"], \
         {\"bucket\": \"b\"}, {\"key\": \"k\"}, {\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}, \
         {\"x-amz-credential\": \"AKID/19700101/us-east-1/s3/aws4_request\"}, \
         {\"x-amz-date\": \"19700101T000000Z\"}]}"
    );
    assert_eq!(form.field("Content-Type"), Some("text/plain"));
    assert_eq!(form.field("success_action_status"), Some("204"));
    assert_eq!(form.field("key"), Some("k"));
    // An expiration that cannot be written is an error, not a panic.
    assert!(PostPolicy::new("b", "k").sign(&signer, Duration::MAX).is_err());
}
