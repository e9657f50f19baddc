//! `signet config list|check|profiles`.

use serde_json::json;
use signet::config::{Setting, Severity, Source};

use crate::args::ConfigCommand;
use crate::context::Context;
use crate::error::{Error, exit};
use crate::sign::write_json;

/// `signet config ...`.
pub(crate) fn config(ctx: &Context, cmd: &ConfigCommand, out: &mut Vec<u8>) -> Result<u8, Error> {
    let settings = match (ctx.load(), cmd) {
        (Ok(s), _) => s,
        (Err(e), ConfigCommand::Check) => {
            // A file that cannot be parsed is the first thing a check reports.
            if ctx.json() {
                let d = json!({"severity": "error", "file": e.path().map(|p| p.display().to_string()), "line": e.line(), "message": e.to_string()});
                write_json(out, &json!({"errors": 1, "diagnostics": [d]}));
            } else {
                out.extend_from_slice(format!("error: {e}\n1 error(s), 0 warning(s)\n").as_bytes());
            }
            return Ok(exit::CHECK_FAILED);
        }
        (Err(e), _) => {
            return Err(Error::usage(format!("cannot load settings: {e}"))
                .hint("`signet config check` shows every problem in the files"));
        }
    };
    match cmd {
        ConfigCommand::List => {
            let rows = settings.explain();
            if ctx.json() {
                let doc: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        let w = r.winner();
                        json!({
                            "name": r.name,
                            "value": w.map(|w| w.value.clone()),
                            "source": w.map(|w| source_kind(&w.source)),
                            "where": w.map(|w| w.source.to_string()),
                            "hidden": r.candidates.iter().skip(1).map(|c| json!({"value": c.value, "where": c.source.to_string()})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                write_json(out, &json!({"settings": doc}));
                return Ok(0);
            }
            let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let vwidth = rows
                .iter()
                .filter_map(|r| r.winner().map(|w| w.value.len()))
                .max()
                .unwrap_or(0)
                .max(9);
            let mut text = format!("{:width$}  {:vwidth$}  source\n", "name", "value");
            for r in &rows {
                match r.winner() {
                    Some(w) => text
                        .push_str(&format!("{:width$}  {:vwidth$}  {}", r.name, w.value, w.source)),
                    None => {
                        text.push_str(&format!("{:width$}  {:vwidth$}  -", r.name, "<not set>"))
                    }
                }
                for hidden in r.candidates.iter().skip(1) {
                    text.push_str(&format!("; hides {}", hidden_text(hidden)));
                }
                text.push('\n');
            }
            out.extend_from_slice(text.as_bytes());
            Ok(0)
        }
        ConfigCommand::Check => {
            let diagnostics = settings.check();
            let errors = diagnostics.iter().filter(|d| d.severity() == Severity::Error).count();
            if ctx.json() {
                let doc: Vec<serde_json::Value> = diagnostics
                    .iter()
                    .map(|d| {
                        json!({
                            "severity": if d.severity() == Severity::Error { "error" } else { "warning" },
                            "file": d.location().and_then(|l| l.path()).map(|p| p.display().to_string()),
                            "line": d.location().map(|l| l.line()),
                            "message": d.message(),
                        })
                    })
                    .collect();
                write_json(out, &json!({"errors": errors, "diagnostics": doc}));
            } else {
                let mut text = String::new();
                for d in &diagnostics {
                    text.push_str(&format!("{d}\n"));
                }
                let warnings = diagnostics.len() - errors;
                text.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
                out.extend_from_slice(text.as_bytes());
            }
            Ok(if errors > 0 { exit::CHECK_FAILED } else { 0 })
        }
        ConfigCommand::Profiles => {
            let selected = settings.profile_name().value.clone();
            let profiles: Vec<_> = settings.profiles().profiles().collect();
            if ctx.json() {
                let doc: Vec<serde_json::Value> = profiles
                    .iter()
                    .map(|p| json!({"name": p.name(), "selected": p.name() == selected, "defined_at": p.location().to_string()}))
                    .collect();
                write_json(out, &json!({"selected": selected, "profiles": doc}));
                return Ok(0);
            }
            let mut text = String::new();
            for p in &profiles {
                let mark = if p.name() == selected { '*' } else { ' ' };
                text.push_str(&format!("{mark} {}  ({})\n", p.name(), p.location()));
            }
            if profiles.is_empty() {
                text.push_str(
                    "no profiles: the config and credentials files are missing or empty\n",
                );
            } else if !profiles.iter().any(|p| p.name() == selected) {
                text.push_str(&format!("the selected profile `{selected}` is not defined\n"));
            }
            out.extend_from_slice(text.as_bytes());
            Ok(0)
        }
    }
}

fn hidden_text(s: &Setting<String>) -> String {
    format!("{} ({})", s.value, s.source)
}

fn source_kind(s: &Source) -> &'static str {
    match s {
        Source::Code => "command line",
        Source::Env { .. } => "environment",
        Source::File { .. } => "file",
        Source::Default => "default",
        _ => "other",
    }
}
