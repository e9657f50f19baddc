//! `cargo xtask bench <suite>`: runs a peer benchmark crate under `benches/` (outside the
//! workspace) and prints a table of medians and ratios from criterion's estimates.

use std::path::Path;
use std::process::Command;

use crate::{Result, cargo_bin, root, run};

/// Runs `benches/<suite>` and prints, per workload, each implementation's median and its
/// ratio to the first one (signet).
pub(crate) fn run_suite(args: &[String]) -> Result {
    let suite = args.first().map_or("sigv4", String::as_str);
    let dir = root().join("benches").join(suite);
    if !dir.join("Cargo.toml").is_file() {
        return Err(format!("no benchmark crate at {}", dir.display()));
    }
    run(Command::new(cargo_bin()).arg("bench").current_dir(&dir))?;
    print_report(&dir.join("target/criterion"))
}

fn print_report(criterion: &Path) -> Result {
    let mut groups: Vec<_> = std::fs::read_dir(criterion)
        .map_err(|e| format!("{}: {e}", criterion.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir() && e.file_name() != "report")
        .collect();
    groups.sort_by_key(|e| e.file_name());
    println!("\n{:<14} {:<12} {:>12} {:>10}", "workload", "impl", "median", "vs signet");
    for group in groups {
        let mut rows: Vec<(String, f64)> = Vec::new();
        for f in std::fs::read_dir(group.path()).map_err(|e| e.to_string())?.filter_map(|e| e.ok())
        {
            let est = f.path().join("new/estimates.json");
            if let Ok(text) = std::fs::read_to_string(&est) {
                if let Some(ns) = median_ns(&text) {
                    rows.push((f.file_name().to_string_lossy().into_owned(), ns));
                }
            }
        }
        rows.sort_by_key(|(name, _)| (name != "signet", name.clone()));
        let Some(&(_, base)) = rows.first() else { continue };
        for (name, ns) in &rows {
            println!(
                "{:<14} {:<12} {:>12} {:>9.2}x",
                group.file_name().to_string_lossy(),
                name,
                human(*ns),
                ns / base
            );
        }
    }
    Ok(())
}

/// The median's point estimate (nanoseconds) from criterion's `estimates.json`.
fn median_ns(json: &str) -> Option<f64> {
    let rest = &json[json.find("\"median\"")?..];
    let rest = &rest[rest.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = rest.find([',', '}'])?;
    rest[..end].trim().parse().ok()
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_median_from_criterion_estimates() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1234.5,"standard_error":0.2}}"#;
        assert_eq!(median_ns(json), Some(1234.5));
        assert_eq!(median_ns("{}"), None);
    }
}
