//! `signet config list|check|profiles`.

use serde_json::json;
use signet::config::{Settings, Severity, Source};
use signet::credentials::Attempt;

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
        ConfigCommand::List => list(ctx, &settings, out),
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

fn source_kind(s: &Source) -> &'static str {
    match s {
        Source::Code => "command line",
        Source::Env { .. } => "environment",
        Source::File { .. } => "file",
        Source::Default => "default",
        _ => "other",
    }
}

/// One line of `config list`.
struct Row {
    name: &'static str,
    value: Option<String>,
    kind: &'static str,
    place: String,
    hidden: Vec<(String, String)>,
}

/// `signet config list`: the profile, both files, the credentials that win (access key id
/// masked, as `aws configure list` shows it), then every setting the loader explains.
fn list(ctx: &Context, settings: &Settings, out: &mut Vec<u8>) -> Result<u8, Error> {
    let mut rows = Vec::new();
    let explained = settings.explain();
    let mut explained = explained.iter();
    if let Some(profile) = explained.next() {
        rows.push(row(profile));
    }
    let files = [
        ("config_file", "AWS_CONFIG_FILE", settings.locations().config_file()),
        (
            "credentials_file",
            "AWS_SHARED_CREDENTIALS_FILE",
            settings.locations().credentials_file(),
        ),
    ];
    for (name, var, path) in files {
        let (kind, place) = match ctx.env.get_non_blank(var) {
            Some(_) => ("environment", format!("environment variable {var}")),
            None => ("default", "default".to_owned()),
        };
        let value = path.map(|p| {
            let missing = if settings.fs().read(p).is_ok() { "" } else { " (missing)" };
            format!("{}{missing}", p.display())
        });
        rows.push(Row { name, value, kind, place, hidden: Vec::new() });
    }
    rows.push(credentials_row(settings)?);
    rows.extend(explained.map(row));

    if ctx.json() {
        let doc: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "value": r.value,
                    "source": r.kind,
                    "where": r.place,
                    "hidden": r.hidden.iter().map(|(v, w)| json!({"value": v, "where": w})).collect::<Vec<_>>(),
                })
            })
            .collect();
        write_json(out, &json!({"settings": doc}));
        return Ok(0);
    }
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    // Long values (file paths) overflow their column rather than widen it for every row.
    let vwidth = rows
        .iter()
        .filter_map(|r| r.value.as_ref().map(String::len))
        .max()
        .unwrap_or(0)
        .clamp(9, 24);
    let mut text = format!("{:width$}  {:vwidth$}  source\n", "name", "value");
    for r in &rows {
        let value = r.value.as_deref().unwrap_or("<not set>");
        text.push_str(&format!("{:width$}  {value:vwidth$}  {}", r.name, r.place));
        for (v, w) in &r.hidden {
            text.push_str(&format!("; hides {v} ({w})"));
        }
        text.push('\n');
    }
    out.extend_from_slice(text.as_bytes());
    Ok(0)
}

fn row(e: &signet::config::Explanation) -> Row {
    let w = e.winner();
    Row {
        name: e.name,
        value: w.map(|w| w.value.clone()),
        kind: w.map_or("-", |w| source_kind(&w.source)),
        place: w.map_or_else(|| "-".to_owned(), |w| w.source.to_string()),
        hidden: e
            .candidates
            .iter()
            .skip(1)
            .map(|c| (c.value.clone(), c.source.to_string()))
            .collect(),
    }
}

/// The access key id the default chain answers with (masked) and the provider that gave it.
fn credentials_row(settings: &Settings) -> Result<Row, Error> {
    let attempts = crate::credentials::explain(settings)?;
    let answered = attempts.iter().find_map(|a| match a {
        Attempt::Answered { provider, access_key_id } => Some((provider, access_key_id)),
        _ => None,
    });
    Ok(match answered {
        Some((provider, akid)) => {
            let tail: String =
                akid.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
            Row {
                name: "access_key",
                value: Some(format!("****************{tail}")),
                kind: "credentials provider",
                place: format!("credentials provider {provider} (`signet credentials --explain`)"),
                hidden: Vec::new(),
            }
        }
        None => Row {
            name: "access_key",
            value: None,
            kind: "-",
            place: "no provider answered (`signet credentials --explain`)".to_owned(),
            hidden: Vec::new(),
        },
    })
}
