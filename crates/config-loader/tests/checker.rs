//! The checker on deliberately broken files. Each folder in `tests/data/checker/` holds a
//! `config`, a `credentials`, an optional `env` (`NAME=value` lines) and `expected`, the
//! diagnostics one per line; the harness walks the folders, so a new case is a new folder.

use std::path::Path;

use signet_config_loader::{Env, Fs, Loader, Platform};

#[test]
fn checker_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/checker");
    let mut cases: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        let env_text = std::fs::read_to_string(case.join("env")).unwrap_or_default();
        let env = Env::from_map(env_text.lines().filter_map(|l| l.split_once('=')));
        let settings = Loader::new(env, Fs::rooted(&case))
            .platform(Platform::Unix)
            .config_file("/config")
            .credentials_file("/credentials")
            .load()
            .unwrap();
        let diagnostics = settings.check();
        let actual: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(
            actual,
            expected,
            "{}: actual diagnostics:\n{}",
            case.display(),
            actual.join("\n")
        );
        for d in &diagnostics {
            assert!(!d.to_string().contains("wJalrXUtnFEMI"), "a secret leaked: {d}");
            if let Some(location) = d.location() {
                assert!(location.line() > 0);
            }
        }
    }
}
