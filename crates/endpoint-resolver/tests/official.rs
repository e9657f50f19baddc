//! The official endpoint test suites, data-driven: every file under `tests/data/services/`
//! and `tests/data/stdlib/` is run, every case in it is checked, none is skipped.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};
use signet_endpoint_resolver::{Document, Endpoint, ErrorKind, ParamValue, RuleSet};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn read_json(path: &Path) -> Json {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn document_json(d: Document<'_>) -> Json {
    match d {
        Document::Null => Json::Null,
        Document::Bool(b) => Json::Bool(b),
        Document::Number(n) => Json::from(n),
        Document::String(s) => Json::String(s.to_owned()),
        Document::Array(items) => Json::Array(items.iter().map(document_json).collect()),
        Document::Object(props) => {
            Json::Object(props.iter().map(|(k, v)| (k.to_owned(), document_json(v))).collect())
        }
        other => panic!("unexpected document {other:?}"),
    }
}

fn endpoint_json(e: &Endpoint) -> (String, Json, Json) {
    let props: Map<String, Json> =
        e.properties().iter().map(|(k, v)| (k.to_owned(), document_json(v))).collect();
    let headers: Map<String, Json> =
        e.headers().map(|(k, v)| (k.to_owned(), Json::from(v.to_vec()))).collect();
    (e.url().to_owned(), Json::Object(props), Json::Object(headers))
}

/// Runs one case; returns a failure description, if any.
fn run_case(ruleset: &RuleSet, case: &Json) -> Option<String> {
    let mut params = ruleset.params();
    if let Some(given) = case.get("params").and_then(Json::as_object) {
        for (name, value) in given {
            let value = match value {
                Json::String(s) => ParamValue::String(s.clone()),
                Json::Bool(b) => ParamValue::Bool(*b),
                Json::Array(items) => ParamValue::StringArray(
                    items.iter().map(|i| i.as_str().unwrap().to_owned()).collect(),
                ),
                other => return Some(format!("unsupported parameter {name} = {other}")),
            };
            if let Err(e) = params.set(name, value) {
                return Some(format!("setting {name}: {e}"));
            }
        }
    }
    let result = ruleset.resolve(&params);
    let expect = &case["expect"];
    match (expect.get("error").and_then(Json::as_str), result) {
        (Some(want), Err(e)) if e.kind() == ErrorKind::Rule && e.message() == want => None,
        (Some(want), Err(e)) => Some(format!("expected error {want:?}, got {:?}: {e}", e.kind())),
        (Some(want), Ok(e)) => Some(format!("expected error {want:?}, got endpoint {e:?}")),
        (None, Err(e)) => Some(format!("expected {}, got error {:?}: {e}", expect, e.kind())),
        (None, Ok(endpoint)) => {
            let want = &expect["endpoint"];
            let empty = Json::Object(Map::new());
            let (url, props, headers) = endpoint_json(&endpoint);
            let want_props = want.get("properties").unwrap_or(&empty);
            let want_headers = want.get("headers").unwrap_or(&empty);
            if url == want["url"] && &props == want_props && &headers == want_headers {
                None
            } else {
                Some(format!(
                    "expected url {} properties {want_props} headers {want_headers}\n     got url {url:?} properties {props} headers {headers}",
                    want["url"]
                ))
            }
        }
    }
}

/// Runs every case of a list; panics with all failures, named, at once.
fn run_cases(suite: &str, ruleset: &RuleSet, cases: &[Json]) -> usize {
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, case)| {
            run_case(ruleset, case).map(|why| {
                let doc = case.get("documentation").and_then(Json::as_str).unwrap_or("");
                format!(
                    "{suite} case {i} ({doc}) params {}: {why}",
                    case.get("params").unwrap_or(&Json::Null)
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

fn shipped(service: &str) -> &'static RuleSet {
    match service {
        "sts" => RuleSet::sts().unwrap(),
        "s3" => RuleSet::s3().unwrap(),
        other => panic!("no rule set shipped for `{other}`: add services/{other}-ruleset.json"),
    }
}

#[test]
fn service_suites() {
    let dir = data().join("services");
    let mut total = 0;
    for path in json_files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(service) = name.strip_suffix("-endpoint-tests.json") else { continue };
        let local = dir.join(format!("{service}-ruleset.json"));
        let loaded;
        let ruleset = if local.is_file() {
            loaded = RuleSet::from_json(&fs::read_to_string(&local).unwrap()).unwrap();
            &loaded
        } else {
            shipped(service)
        };
        let cases = read_json(&path);
        let cases = cases.as_array().unwrap_or_else(|| panic!("{name}: not an array"));
        let n = run_cases(&name, ruleset, cases);
        println!("{name}: {n} cases passed");
        total += n;
    }
    assert!(total >= 69 + 393, "only {total} service cases found");
}

/// The STS and S3 cases count exactly as the upstream suites say.
#[test]
fn service_suite_counts() {
    let count = |f: &str| read_json(&data().join("services").join(f)).as_array().unwrap().len();
    assert_eq!(count("sts-endpoint-tests.json"), 69);
    assert_eq!(count("s3-endpoint-tests.json"), 393);
}

#[test]
fn stdlib_suites() {
    let rules_dir = data().join("stdlib/valid-rules");
    let cases_dir = data().join("stdlib/test-cases");
    let mut total = 0;
    let mut loaded = 0;
    for path in json_files(&rules_dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ruleset = RuleSet::from_json(&fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        loaded += 1;
        let cases_path = cases_dir.join(&name);
        if !cases_path.is_file() {
            continue;
        }
        let doc = read_json(&cases_path);
        let cases = doc["testCases"].as_array().unwrap_or_else(|| panic!("{name}: no testCases"));
        total += run_cases(&format!("stdlib/{name}"), &ruleset, cases);
    }
    println!("stdlib: {loaded} rule sets loaded, {total} cases passed");
    assert_eq!(loaded, 18);
    assert_eq!(total, 101);
}
