//! Repository hygiene that the compiler does not check. Also runs as a `#[test]`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::Result;

/// Checks the tree under `root` and lists every problem at once.
pub(crate) fn run(root: &Path) -> Result {
    let problems = problems(root);
    if problems.is_empty() {
        println!("tidy: ok");
        Ok(())
    } else {
        Err(format!("{} problem(s):\n  {}", problems.len(), problems.join("\n  ")))
    }
}

fn problems(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for file in ["README.md", "LICENSE", "deny.toml", "docs/ARCHITECTURE.md", ".ci/run"] {
        if !root.join(file).is_file() {
            out.push(format!("{file} is missing"));
        }
    }
    if !has_adr(&root.join("docs/adr")) {
        out.push("docs/adr/ has no decision records".to_owned());
    }
    let crates = match fs::read_dir(root.join("crates")) {
        Ok(dir) => dir.filter_map(|e| e.ok()).map(|e| e.path()).collect::<Vec<_>>(),
        Err(e) => return vec![format!("cannot read crates/: {e}")],
    };
    for krate in &crates {
        check_crate(krate, &mut out);
    }
    let mut sources = Vec::new();
    for dir in crates.iter().cloned().chain([root.join("xtask")]) {
        rust_files(&dir, &mut sources);
    }
    for file in &sources {
        check_source(root, file, &mut out);
    }
    out.sort();
    out
}

fn has_adr(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(|e| e.ok()).any(|e| e.file_name().to_string_lossy().ends_with(".md"))
    })
}

fn check_crate(dir: &Path, out: &mut Vec<String>) {
    let name = dir.display();
    if !dir.join("README.md").is_file() {
        out.push(format!("{name}: no README.md"));
    }
    match fs::read_to_string(dir.join("Cargo.toml")) {
        Ok(manifest) => {
            for key in ["license.workspace = true", "description = ", "[lints]\nworkspace = true"] {
                if !manifest.contains(key) {
                    out.push(format!("{name}/Cargo.toml: missing `{}`", key.replace('\n', " ")));
                }
            }
        }
        Err(e) => out.push(format!("{name}/Cargo.toml: {e}")),
    }
    let root_file = ["src/lib.rs", "src/main.rs"].iter().map(|f| dir.join(f)).find(|p| p.is_file());
    match root_file.map(fs::read_to_string) {
        Some(Ok(text)) if text.starts_with("//! ") => {}
        Some(Ok(_)) => out.push(format!("{name}: the crate root does not open with `//!` docs")),
        Some(Err(e)) => out.push(format!("{name}: {e}")),
        None => out.push(format!("{name}: no src/lib.rs or src/main.rs")),
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            if entry.file_name() != "target" {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

// Spelled in pieces so that this file does not trip its own checks.
const MARKS: [&str; 2] = [concat!("TO", "DO"), concat!("FIX", "ME")];
const BANNED_ATTRS: [&str; 2] = [concat!("#[", "ignore"), concat!("#[", "should_panic")];

fn check_source(root: &Path, file: &Path, out: &mut Vec<String>) {
    let Ok(text) = fs::read_to_string(file) else {
        out.push(format!("{}: not UTF-8", file.display()));
        return;
    };
    let shown = file.strip_prefix(root).unwrap_or(file).display();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if MARKS.iter().any(|m| line.contains(m)) && !names_issue(line) {
            out.push(format!("{shown}:{n}: a to-do mark must name its issue (`#12`)"));
        }
        if let Some(attr) = BANNED_ATTRS.iter().find(|a| line.trim_start().starts_with(**a)) {
            out.push(format!(
                "{shown}:{n}: `{attr}]` is not allowed: tests assert today's behaviour"
            ));
        }
    }
}

fn names_issue(line: &str) -> bool {
    line.match_indices('#').any(|(i, _)| line[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_is_tidy() {
        let problems = problems(&crate::root());
        assert!(problems.is_empty(), "tidy problems:\n{}", problems.join("\n"));
    }

    #[test]
    fn to_do_marks_need_an_issue() {
        assert!(names_issue("// fix this (#12)"));
        assert!(!names_issue("// fix this later"));
        assert!(!names_issue("#[derive(Debug)] // later"));
    }
}
