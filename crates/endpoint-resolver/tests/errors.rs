//! Bad rule sets and bad parameters are typed errors that say what was wrong and where.
//! `tests/data/invalid-rules/*.json` each hold a rule set and the message it must fail with.

use std::fs;
use std::path::Path;

use serde_json::Value as Json;
use signet_endpoint_resolver::{BuiltIn, ErrorKind, ParamValue, Partitions, RuleSet};

#[test]
fn invalid_rule_sets_say_what_and_where() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/invalid-rules");
    let mut entries: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in &entries {
        let case: Json = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        let want = case["error"].as_str().unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        match RuleSet::from_json(&case["ruleset"].to_string()) {
            Ok(_) => failures.push(format!("{name}: loaded, expected `{want}`")),
            Err(e) if e.kind() != ErrorKind::InvalidRuleSet => {
                failures.push(format!("{name}: kind {:?}", e.kind()));
            }
            Err(e) if !e.message().contains(want) => {
                failures.push(format!("{name}: expected `{want}` in `{}`", e.message()));
            }
            Err(e) => assert!(e.to_string().starts_with("invalid endpoint rule set: ")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(entries.len() >= 18);
}

fn ruleset(json: &str) -> RuleSet {
    RuleSet::from_json(json).unwrap()
}

const REQUIRED: &str = r#"{"version": "1.0",
  "parameters": {"Region": {"type": "string", "required": true},
                 "UseFIPS": {"type": "boolean", "required": true, "default": false},
                 "Tags": {"type": "stringArray"}},
  "rules": [{"conditions": [], "type": "endpoint", "endpoint": {"url": "https://{Region}"}}]}"#;

#[test]
fn a_missing_required_parameter_is_named() {
    let rs = ruleset(REQUIRED);
    let err = rs.resolve(&rs.params()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingParameter);
    assert_eq!(
        err.to_string(),
        "missing endpoint parameter: `Region` is required and has no default"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_when_set() {
    let rs = ruleset(REQUIRED);
    let mut params = rs.params();
    let err = params.set("UseFIPS", "true").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ParameterType);
    assert_eq!(err.message(), "`UseFIPS` is a Boolean parameter, the value is a String");
    let err = params.set("Tags", true).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ParameterType);
    let err = params.set_built_in(BuiltIn::Region, false);
    assert_eq!(err.map_err(|e| e.kind()), Ok(false), "no parameter is bound to AWS::Region");
}

#[test]
fn an_unknown_parameter_is_refused() {
    let rs = ruleset(REQUIRED);
    let err = rs.params().set("Regoin", "us-east-1").map(|_| ()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownParameter);
    assert_eq!(err.message(), "the rule set declares no `Regoin`");
}

#[test]
fn parameters_of_another_rule_set_are_refused() {
    let rs = ruleset(REQUIRED);
    let other = ruleset(REQUIRED);
    let mut params = other.params();
    params.set("Region", "x").unwrap();
    assert_eq!(rs.resolve(&params).unwrap_err().kind(), ErrorKind::WrongRuleSet);
    assert_eq!(other.resolve(&params).unwrap().url(), "https://x");
}

#[test]
fn unset_restores_the_default() {
    let rs = RuleSet::sts().unwrap();
    let mut params = rs.params();
    params.set("Region", "us-east-1").unwrap().set("UseFIPS", true).unwrap();
    assert_eq!(params.get("UseFIPS"), Some(&ParamValue::Bool(true)));
    params.unset("UseFIPS").unwrap();
    assert_eq!(params.get("UseFIPS"), None);
    assert_eq!(rs.resolve(&params).unwrap().url(), "https://sts.us-east-1.amazonaws.com");
}

#[test]
fn falling_off_the_end_is_no_rule_matched() {
    let rs = ruleset(
        r#"{"version": "1.0", "parameters": {"Region": {"type": "string"}},
            "rules": [{"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}],
                       "type": "tree", "rules": []}]}"#,
    );
    let mut params = rs.params();
    params.set("Region", "us-east-1").unwrap();
    assert_eq!(rs.resolve(&params).unwrap_err().kind(), ErrorKind::NoRuleMatched);
}

#[test]
fn a_template_of_an_unset_value_is_an_evaluation_error() {
    let rs = ruleset(
        r#"{"version": "1.0", "parameters": {"Region": {"type": "string"}},
            "rules": [{"conditions": [], "type": "endpoint",
                       "endpoint": {"url": "https://{Region}.example.com"}}]}"#,
    );
    let err = rs.resolve(&rs.params()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Evaluation);
}

#[test]
fn sts_auth_scheme_feeds_the_signer() {
    let sts = RuleSet::sts().unwrap();
    let mut params = sts.params();
    params.set_built_in(BuiltIn::Region, "us-west-2").unwrap();
    params.set_built_in(BuiltIn::StsUseGlobalEndpoint, true).unwrap();
    let endpoint = sts.resolve(&params).unwrap();
    assert_eq!(endpoint.url(), "https://sts.amazonaws.com");
    let scheme = endpoint.auth_schemes().next().unwrap();
    assert_eq!(scheme.name(), "sigv4");
    assert_eq!(scheme.signing_name(), Some("sts"));
    assert_eq!(scheme.signing_region(), Some("us-east-1"));
    assert!(!scheme.disable_double_encoding());
}

#[test]
fn s3_multi_region_access_point_uses_a_region_set() {
    let s3 = RuleSet::s3().unwrap();
    let mut params = s3.params();
    params
        .set("Region", "us-east-1")
        .unwrap()
        .set("Bucket", "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap")
        .unwrap();
    let endpoint = s3.resolve(&params).unwrap();
    assert_eq!(endpoint.url(), "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com");
    let scheme = endpoint.auth_schemes().next().unwrap();
    assert_eq!(scheme.kind(), signet_endpoint_resolver::SchemeKind::SigV4a);
    assert_eq!(scheme.signing_region_set().collect::<Vec<_>>(), ["*"]);
    assert!(scheme.disable_double_encoding());
}

#[test]
fn custom_partitions_are_used_by_aws_partition() {
    let partitions = Partitions::from_json(
        r#"{"version": "1.1", "partitions": [{"id": "moon", "regionRegex": "^moon\\-\\d+$",
            "regions": {"moon-global": {"description": "g", "dnsSuffix": "global.moon"}},
            "outputs": {"name": "moon", "dnsSuffix": "moon.example", "dualStackDnsSuffix": "ds.moon",
                        "supportsFIPS": false, "supportsDualStack": true,
                        "implicitGlobalRegion": "moon-1", "launchYear": "2099"}}]}"#,
    )
    .unwrap();
    let rs = RuleSet::from_json_with_partitions(
        r#"{"version": "1.0", "parameters": {"Region": {"type": "string", "required": true}},
            "rules": [{"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}],
                       "type": "endpoint",
                       "endpoint": {"url": "https://{Region}.{p#dnsSuffix}/{p#launchYear}"}}]}"#,
        std::sync::Arc::new(partitions),
    )
    .unwrap();
    let url = |region: &str| {
        let mut params = rs.params();
        params.set("Region", region).unwrap();
        rs.resolve(&params).unwrap().url().to_owned()
    };
    assert_eq!(url("moon-1"), "https://moon-1.moon.example/2099");
    assert_eq!(url("moon-global"), "https://moon-global.global.moon/2099");
    // Nothing matches and there is no `aws` partition: the first one answers.
    assert_eq!(url("mars-1"), "https://mars-1.moon.example/2099");
}

#[test]
fn rule_sets_and_results_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<RuleSet>();
    shared::<signet_endpoint_resolver::Endpoint>();
    shared::<signet_endpoint_resolver::Params<'static>>();
    let s3 = RuleSet::s3().unwrap();
    let urls: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["us-east-2", "eu-west-1", "ap-south-1", "us-east-2"]
            .into_iter()
            .map(|region| {
                scope.spawn(move || {
                    let mut params = s3.params();
                    params.set("Region", region).unwrap().set("Bucket", "b-1").unwrap();
                    (0..200).map(|_| s3.resolve(&params).unwrap().url().to_owned()).last().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        urls,
        [
            "https://b-1.s3.us-east-2.amazonaws.com",
            "https://b-1.s3.eu-west-1.amazonaws.com",
            "https://b-1.s3.ap-south-1.amazonaws.com",
            "https://b-1.s3.us-east-2.amazonaws.com",
        ]
    );
}

#[test]
fn debug_output_is_short() {
    let sts = RuleSet::sts().unwrap();
    let mut params = sts.params();
    params.set("Region", "eu-west-1").unwrap();
    assert_eq!(format!("{params:?}"), r#"{"Region": String("eu-west-1")}"#);
    let shown = format!("{sts:?}");
    assert!(shown.starts_with("RuleSet { parameters: [") && shown.len() < 2000, "{shown}");
}
