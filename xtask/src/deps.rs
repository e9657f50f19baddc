//! Per-crate dependency budgets: the micro-crate promise, measured.
//!
//! For each crate, `cargo tree -p <crate> -e normal` with its default features gives the set
//! of crates a user compiles when they depend on it; the budget caps its size, forbids some
//! crates outright, and can forbid procedural macros (which cost compile time).

use std::collections::BTreeSet;
use std::process::Command;

use crate::{Result, cargo_bin, output};

/// What one crate may pull in with its default features.
#[derive(Debug)]
pub(crate) struct Budget {
    pub(crate) krate: &'static str,
    /// Most distinct crates in the normal dependency tree (the crate itself not counted).
    pub(crate) max_deps: usize,
    /// Crates that must not appear anywhere in the normal tree.
    pub(crate) forbidden: &'static [&'static str],
    pub(crate) proc_macros: bool,
}

const NO_RUNTIME: &[&str] = &["tokio", "reqwest", "hyper", "async-trait"];

/// The budgets. Raise a number only with a reason in the commit message.
pub(crate) const BUDGETS: &[Budget] = &[
    Budget { krate: "signet-sigv4", max_deps: 15, forbidden: NO_RUNTIME, proc_macros: false },
    Budget { krate: "signet-retry", max_deps: 10, forbidden: NO_RUNTIME, proc_macros: false },
    Budget {
        krate: "signet-endpoint-resolver",
        max_deps: 25,
        forbidden: NO_RUNTIME,
        proc_macros: true,
    },
    Budget {
        krate: "signet-config-loader",
        max_deps: 25,
        forbidden: NO_RUNTIME,
        proc_macros: true,
    },
    Budget { krate: "signet-imds-client", max_deps: 130, forbidden: &[], proc_macros: true },
    Budget { krate: "signet-sts-client", max_deps: 130, forbidden: &[], proc_macros: true },
    Budget {
        krate: "signet-credential-providers",
        max_deps: 140,
        forbidden: &[],
        proc_macros: true,
    },
    Budget { krate: "signet", max_deps: 150, forbidden: &[], proc_macros: true },
    Budget { krate: "signet-cli", max_deps: 170, forbidden: &[], proc_macros: true },
];

/// The packages under `crates/`, each of which has a budget.
pub(crate) fn workspace_crates() -> impl Iterator<Item = &'static str> {
    BUDGETS.iter().map(|b| b.krate)
}

/// Checks every budget and prints a table of the counts.
pub(crate) fn run() -> Result {
    let mut failures = Vec::new();
    println!("{:<30} {:>5} {:>6}  proc-macros", "crate", "deps", "budget");
    for budget in BUDGETS {
        let all = tree(budget.krate, "normal")?;
        let without_macros = tree(budget.krate, "normal,no-proc-macro")?;
        let macros: BTreeSet<String> = all.difference(&without_macros).cloned().collect();
        println!(
            "{:<30} {:>5} {:>6}  {}",
            budget.krate,
            all.len(),
            budget.max_deps,
            if macros.is_empty() { "none".to_owned() } else { join(&macros) }
        );
        failures.extend(check(budget, &all, &macros));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("dependency budget exceeded:\n  {}", failures.join("\n  ")))
    }
}

/// The distinct package names in `cargo tree -p krate -e edges`, the crate itself excluded.
fn tree(krate: &str, edges: &str) -> Result<BTreeSet<String>> {
    let text = output(Command::new(cargo_bin()).args([
        "tree", "--locked", "-p", krate, "-e", edges, "--prefix", "none", "--format", "{p}",
    ]))?;
    Ok(parse_tree(&text, krate))
}

fn parse_tree(text: &str, krate: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != krate)
        .map(str::to_owned)
        .collect()
}

/// The budget's verdict on one crate's dependency set: one line per broken rule.
pub(crate) fn check(
    budget: &Budget,
    deps: &BTreeSet<String>,
    macros: &BTreeSet<String>,
) -> Vec<String> {
    let mut broken = Vec::new();
    if deps.len() > budget.max_deps {
        broken.push(format!(
            "{} has {} normal dependencies, its budget is {}: {}",
            budget.krate,
            deps.len(),
            budget.max_deps,
            join(deps)
        ));
    }
    for name in budget.forbidden.iter().filter(|f| deps.contains(**f)) {
        broken.push(format!("{} must not depend on {name}", budget.krate));
    }
    if !budget.proc_macros && !macros.is_empty() {
        broken.push(format!(
            "{} must not compile procedural macros, but pulls {}",
            budget.krate,
            join(macros)
        ));
    }
    broken
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn sigv4() -> &'static Budget {
        BUDGETS.iter().find(|b| b.krate == "signet-sigv4").unwrap()
    }

    #[test]
    fn parses_cargo_tree_output() {
        let text = "signet-sigv4 v0.1.0 (/w/crates/sigv4)\nhmac v0.13.0\nsha2 v0.11.1\n\
                    digest v0.11.0\nhmac v0.13.0 (*)\n";
        assert_eq!(parse_tree(text, "signet-sigv4"), set(&["digest", "hmac", "sha2"]));
    }

    #[test]
    fn tokio_in_sigv4_is_refused() {
        let broken = check(sigv4(), &set(&["hmac", "tokio"]), &set(&[]));
        assert_eq!(broken, ["signet-sigv4 must not depend on tokio"]);
    }

    #[test]
    fn proc_macro_in_sigv4_is_refused() {
        let broken = check(sigv4(), &set(&["thiserror-impl"]), &set(&["thiserror-impl"]));
        assert_eq!(
            broken,
            ["signet-sigv4 must not compile procedural macros, but pulls thiserror-impl"]
        );
    }

    #[test]
    fn too_many_dependencies_are_refused() {
        let many: Vec<String> = (0..16).map(|i| format!("dep{i:02}")).collect();
        let deps: BTreeSet<String> = many.into_iter().collect();
        let broken = check(sigv4(), &deps, &set(&[]));
        assert_eq!(broken.len(), 1);
        assert!(broken[0].starts_with("signet-sigv4 has 16 normal dependencies, its budget is 15"));
    }

    #[test]
    fn a_small_clean_tree_passes() {
        assert!(check(sigv4(), &set(&["hmac", "sha2", "digest"]), &set(&[])).is_empty());
    }

    #[test]
    fn every_crate_folder_has_a_budget() {
        let root = crate::root();
        for entry in std::fs::read_dir(root.join("crates")).unwrap() {
            let manifest = std::fs::read_to_string(entry.unwrap().path().join("Cargo.toml"));
            let manifest = manifest.unwrap();
            let name = manifest
                .lines()
                .find_map(|l| l.strip_prefix("name = \""))
                .and_then(|l| l.strip_suffix('"'))
                .unwrap();
            assert!(workspace_crates().any(|c| c == name), "{name} has no dependency budget");
        }
    }
}
