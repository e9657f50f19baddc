//! Error responses in every AWS protocol shape, read from `tests/data/errors/`: each
//! `<case>.http` is a raw HTTP response (status line, headers, blank line, body) and
//! `<case>.expected` says `code`, `message` and `request_id` (`-` for none). A new shape is a
//! new pair of files.

use std::path::Path;

use signet::ServiceError;

fn field<'a>(expected: &'a str, name: &str) -> Option<&'a str> {
    let line = expected.lines().find_map(|l| l.strip_prefix(&format!("{name} = ")))?;
    (line != "-").then_some(line)
}

#[test]
fn every_error_shape_yields_code_message_and_request_id() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/errors");
    let mut cases = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "http")) {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let raw = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name}: no .expected file"));
        let (head, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{name}: no status line"));
        let headers: Vec<(&str, &str)> =
            lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim(), v.trim())).collect();
        let error = ServiceError::parse(status, &headers, body.as_bytes());
        assert_eq!(error.status(), status, "{name}");
        assert_eq!(error.code(), field(&expected, "code"), "{name}: code");
        assert_eq!(error.message(), field(&expected, "message"), "{name}: message");
        assert_eq!(error.request_id(), field(&expected, "request_id"), "{name}: request id");
        cases += 1;
    }
    assert!(cases >= 8, "only {cases} cases in {}", dir.display());
}
