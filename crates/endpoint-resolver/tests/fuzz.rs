//! Fuzz targets (docs/adr/0007): arbitrary and mutated rule-set JSON, partitions JSON and
//! parameter values. Loading and resolving must return `Ok` or a typed error, never panic.
//! Run longer with `cargo xtask fuzz signet-endpoint-resolver`.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{Value as Json, json};
use signet_endpoint_resolver::{ErrorKind, ParamType, ParamValue, Partitions, RuleSet};

fn stdlib_rule_sets() -> Vec<Json> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/stdlib/valid-rules");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        out.push(serde_json::from_str(&text).unwrap());
    }
    out.push(serde_json::from_str(include_str!("../data/sts-ruleset.json")).unwrap());
    out
}

/// Values that break rule sets in interesting ways when put anywhere in one.
fn replacement() -> impl Strategy<Value = Json> {
    prop::sample::select(vec![
        Json::Null,
        json!(""),
        json!("{"),
        json!("}"),
        json!("{{}}"),
        json!("{Region}"),
        json!("{Region#a.b[9]}"),
        json!("{nope}"),
        json!("https://{Region}.{Region#x}"),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(true),
        json!([]),
        json!({}),
        json!({"ref": "Region"}),
        json!({"ref": "undefined"}),
        json!({"fn": "not", "argv": []}),
        json!({"fn": "substring", "argv": ["{Region}", 9, 1, false]}),
        json!({"fn": "getAttr", "argv": [{"ref": "Region"}, "[0]"]}),
        json!({"fn": "parseURL", "argv": ["{Region}"], "assign": "Region"}),
        json!({"fn": "aws.partition", "argv": [true]}),
        json!({"fn": "nope", "argv": []}),
        json!({"conditions": [], "type": "tree", "rules": []}),
        json!({"conditions": [], "type": "endpoint", "endpoint": {"url": 3}}),
        json!({"conditions": [], "type": "error", "error": {"ref": "Region"}}),
        json!({"type": "string", "required": true}),
        json!({"type": "stringArray", "default": ["a", 1]}),
    ])
}

/// Replaces the `n`-th node (pre-order, modulo the node count) of `doc` with `with`.
fn mutate(doc: &mut Json, n: usize, with: Json) {
    fn count(v: &Json) -> usize {
        1 + match v {
            Json::Array(a) => a.iter().map(count).sum(),
            Json::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Json, n: &mut usize, with: &mut Option<Json>) {
        if *n == 0 {
            if let Some(w) = with.take() {
                *v = w;
            }
            return;
        }
        *n -= 1;
        match v {
            Json::Array(a) => a.iter_mut().for_each(|x| walk(x, n, with)),
            Json::Object(o) => o.values_mut().for_each(|x| walk(x, n, with)),
            _ => {}
        }
    }
    let mut n = n % count(doc);
    walk(doc, &mut n, &mut Some(with));
}

fn param_value() -> impl Strategy<Value = Json> {
    prop_oneof![
        any::<bool>().prop_map(Json::Bool),
        "\\PC{0,20}".prop_map(Json::String),
        prop::sample::select(vec![
            "us-east-1",
            "aws-global",
            "cn-north-1",
            "us-gov-west-1",
            "arn:aws:s3:us-west-2:123456789012:accesspoint:ap",
            "http://127.0.0.1:4566",
            "https://[::1]:8443/p",
            "a.b",
            "",
            "arn:::::",
        ])
        .prop_map(|s| Json::String(s.to_owned())),
        prop::collection::vec("[a-z]{0,4}", 0..3).prop_map(|v| json!(v)),
    ]
}

/// Resolves with whatever parameters fit the declared types; returns the outcome's kind.
fn resolve_with(ruleset: &RuleSet, values: &[Json]) -> Result<String, ErrorKind> {
    let mut params = ruleset.params();
    for (decl, value) in ruleset.parameters().iter().zip(values.iter().cycle()) {
        let value = match (decl.param_type(), value) {
            (ParamType::String, Json::String(s)) => ParamValue::String(s.clone()),
            (ParamType::Boolean, Json::Bool(b)) => ParamValue::Bool(*b),
            (ParamType::StringArray, Json::Array(a)) => ParamValue::StringArray(
                a.iter().filter_map(Json::as_str).map(str::to_owned).collect(),
            ),
            _ => continue,
        };
        params.set(decl.name(), value).map_err(|e| e.kind())?;
    }
    ruleset.resolve(&params).map(|e| e.url().to_owned()).map_err(|e| e.kind())
}

proptest! {
    #[test]
    fn arbitrary_text_is_not_a_panic(text in "\\PC{0,200}") {
        let _ = RuleSet::from_json(&text);
        let _ = Partitions::from_json(&text);
    }

    #[test]
    fn mutated_rule_sets_load_or_fail_typed(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec((any::<usize>(), replacement()), 1..4),
        values in prop::collection::vec(param_value(), 1..6),
    ) {
        let all = stdlib_rule_sets();
        let mut doc = which.get(&all).clone();
        for (n, with) in mutations {
            mutate(&mut doc, n, with);
        }
        match RuleSet::from_json(&doc.to_string()) {
            Ok(ruleset) => {
                let _ = resolve_with(&ruleset, &values);
            }
            Err(e) => prop_assert_eq!(e.kind(), ErrorKind::InvalidRuleSet),
        }
    }

    /// The shipped rule sets answer every combination of parameters with an endpoint or one
    /// of their own error rules: never an evaluation error, never "no rule matched".
    #[test]
    fn shipped_rule_sets_always_answer(values in prop::collection::vec(param_value(), 1..20)) {
        for ruleset in [RuleSet::sts().unwrap(), RuleSet::s3().unwrap()] {
            match resolve_with(ruleset, &values) {
                Ok(_) | Err(ErrorKind::Rule) => {}
                Err(other) => prop_assert!(false, "{other:?} for {values:?}"),
            }
        }
    }

    #[test]
    fn mutated_partitions_load_or_fail_typed(
        n in any::<usize>(),
        with in replacement(),
        region in "[a-z]{1,4}(-[a-z0-9]{1,6}){0,3}",
    ) {
        let mut doc: Json = serde_json::from_str(include_str!("../data/partitions.json")).unwrap();
        mutate(&mut doc, n, with);
        match Partitions::from_json(&doc.to_string()) {
            Ok(p) => { let _ = p.find(&region); }
            Err(e) => prop_assert_eq!(e.kind(), ErrorKind::InvalidPartitions),
        }
    }
}
