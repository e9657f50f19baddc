//! `cargo xtask sim-retry`: a fleet of clients against a throttling service, with the real
//! strategies of signet-retry (its `fleet_sim` example does the simulation; this task runs
//! it, prints the table and draws the chart). Deterministic for a given seed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;

use crate::{Result, cargo_bin, output, root};

/// The chart written when no `--out` is given.
const DEFAULT_OUT: &str = "docs/retry-sim.svg";

/// Runs the simulation; `args` go to the example, except `--out FILE`.
pub(crate) fn run(args: &[String]) -> Result {
    let mut out = DEFAULT_OUT.to_owned();
    let mut pass = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--out" {
            out = it.next().ok_or("--out needs a file")?.clone();
        } else {
            pass.push(a.clone());
        }
    }
    let mut cmd = Command::new(cargo_bin());
    cmd.args(["run", "--release", "--quiet", "--locked", "-p", "signet-retry"])
        .args(["--example", "fleet_sim", "--"])
        .args(&pass);
    let sim = parse(&output(&mut cmd)?)?;
    print!("{}", table(&sim));
    let path = root().join(&out);
    std::fs::write(&path, svg(&sim))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("chart: {out}");
    Ok(())
}

/// The example's output, parsed.
#[derive(Debug, Default, PartialEq)]
struct Sim {
    /// Policies in the order the example ran them.
    policies: Vec<String>,
    /// Policy -> bucket (100 ms) -> requests sent.
    series: BTreeMap<String, BTreeMap<u64, u64>>,
    /// Policy -> the summary columns after the policy name.
    summary: BTreeMap<String, Vec<String>>,
    params: String,
}

fn parse(text: &str) -> Result<Sim> {
    let mut sim = Sim::default();
    for line in text.lines() {
        let f: Vec<&str> = line.split(',').collect();
        match f.as_slice() {
            ["series", policy, bucket, all, _retries] => {
                let n = |s: &str| s.parse::<u64>().map_err(|e| format!("bad line {line:?}: {e}"));
                if !sim.policies.iter().any(|p| p == policy) {
                    sim.policies.push((*policy).to_owned());
                }
                sim.series.entry((*policy).to_owned()).or_default().insert(n(bucket)?, n(all)?);
            }
            ["summary", policy, rest @ ..] => {
                sim.summary
                    .insert((*policy).to_owned(), rest.iter().map(|s| (*s).to_owned()).collect());
            }
            ["params", rest @ ..] => sim.params = rest.join(", "),
            _ => {}
        }
    }
    if sim.summary.is_empty() || sim.policies.is_empty() {
        return Err(format!("the simulation printed no results:\n{text}"));
    }
    Ok(sim)
}

fn table(sim: &Sim) -> String {
    let mut t = format!("fleet simulation ({})\n\n", sim.params);
    t.push_str("| policy | peak requests / 100 ms | peak retries / 100 ms | total requests | succeeded | time to drain |\n");
    t.push_str("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for p in &sim.policies {
        if let Some([all, retries, total, ok, clients, drain]) =
            sim.summary.get(p).map(Vec::as_slice).and_then(|s| <&[String; 6]>::try_from(s).ok())
        {
            let _ = writeln!(
                t,
                "| {p} | {all} | {retries} | {total} | {ok} of {clients} | {drain} s |"
            );
        }
    }
    let retries =
        |p: &str| sim.summary.get(p).and_then(|s| s.get(1)).and_then(|v| v.parse::<f64>().ok());
    if let (Some(base), Some(std)) = (retries("no jitter"), retries("standard 2.0")) {
        if std > 0.0 {
            let _ = writeln!(
                t,
                "\nstandard 2.0's retry peak is {:.1}x lower than no jitter's",
                base / std
            );
        }
    }
    t
}

const COLORS: [&str; 4] = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"];
const DASHES: [&str; 4] = ["", "", "6 4", "2 3"];

/// A line chart of requests per 100 ms against time, one line per policy.
fn svg(sim: &Sim) -> String {
    let (w, h, left, right, top, bottom) = (960.0, 440.0, 70.0, 20.0, 50.0, 50.0);
    let last = sim.series.values().filter_map(|s| s.keys().next_back()).max().copied().unwrap_or(0);
    // Show the whole throttling window and two seconds after it.
    let throttle = sim
        .params
        .split(", ")
        .find_map(|kv| kv.strip_prefix("throttle_s="))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    let buckets = (last + 10).max(30).max((throttle * 10.0) as u64 + 20);
    let peak = sim.series.values().flat_map(|s| s.values()).max().copied().unwrap_or(1).max(1);
    let y_max = nice_ceiling(peak);
    let x = |b: f64| left + b / buckets as f64 * (w - left - right);
    let y = |v: f64| top + (1.0 - v / y_max as f64) * (h - top - bottom);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="20" font-size="14" font-weight="bold">Requests per 100 ms, fleet against a throttling service</text>"#
    );
    let _ = writeln!(s, r##"<text x="{left}" y="38" fill="#555">{}</text>"##, escape(&sim.params));
    // Axes and grid.
    for i in 0..=5 {
        let v = y_max as f64 * f64::from(i) / 5.0;
        let yy = y(v);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{v:.0}</text>"##,
            w - right,
            left - 6.0,
            yy + 4.0
        );
    }
    let step = if buckets > 300 {
        50
    } else if buckets > 100 {
        20
    } else {
        10
    };
    for b in (0..=buckets).step_by(step) {
        let xx = x(b as f64);
        let _ = writeln!(
            s,
            r##"<line x1="{xx:.1}" y1="{top}" x2="{xx:.1}" y2="{:.1}" stroke="#eee"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle">{} s</text>"##,
            h - bottom,
            h - bottom + 16.0,
            b / 10
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/><line x1="{left}" y1="{top}" x2="{left}" y2="{:.1}" stroke="#333"/>"##,
        h - bottom,
        w - right,
        h - bottom,
        h - bottom
    );
    // The throttling window.
    let _ = writeln!(
        s,
        r##"<rect x="{left}" y="{top}" width="{:.1}" height="{:.1}" fill="#f5e6e6" opacity="0.6"/><text x="{:.1}" y="{:.1}" fill="#a33">service throttling</text>"##,
        x(throttle * 10.0) - left,
        h - top - bottom,
        x(throttle * 10.0) - 110.0,
        top + 14.0
    );
    // One step line per policy.
    for (i, p) in sim.policies.iter().enumerate() {
        let Some(series) = sim.series.get(p) else { continue };
        let mut points = String::new();
        for b in 0..buckets {
            let v = series.get(&b).copied().unwrap_or(0) as f64;
            let _ = write!(
                points,
                "{:.1},{:.1} {:.1},{:.1} ",
                x(b as f64),
                y(v),
                x((b + 1) as f64),
                y(v)
            );
        }
        let (color, dash) = (COLORS[i % COLORS.len()], DASHES[i % DASHES.len()]);
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{color}" stroke-width="1.5" stroke-dasharray="{dash}" points="{}"/>"#,
            points.trim_end()
        );
        let ly = top + 40.0 + 18.0 * i as f64;
        let lx = w - right - 400.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" y1="{ly}" x2="{:.1}" y2="{ly}" stroke="{color}" stroke-width="3" stroke-dasharray="{dash}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 24.0,
            lx + 30.0,
            ly + 4.0,
            escape(&legend(sim, p))
        );
    }
    s.push_str("</svg>\n");
    s
}

fn legend(sim: &Sim, policy: &str) -> String {
    match sim.summary.get(policy).map(Vec::as_slice) {
        Some([_, retries, total, ..]) => format!("{policy}: retry peak {retries}, {total} sent"),
        _ => policy.to_owned(),
    }
}

/// The smallest of 1, 2, 5 × 10^k that is at least `v`.
fn nice_ceiling(v: u64) -> u64 {
    let mut magnitude = 1u64;
    loop {
        for m in [1, 2, 5] {
            let c = magnitude.saturating_mul(m);
            if c >= v || c == u64::MAX {
                return c;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUT: &str = "kind,policy,bucket_100ms,requests,retries\n\
        series,no jitter,0,10,0\nseries,no jitter,10,10,10\nseries,standard 2.0,0,11,1\n\
        series,standard 2.0,5,4,4\n\
        summary,no jitter,10,10,20,0,10,1.000\nsummary,standard 2.0,11,4,21,0,10,0.950\n\
        params,seed=1,clients=10\n";

    #[test]
    fn parses_the_example_output() {
        let sim = parse(OUT).unwrap();
        assert_eq!(sim.policies, ["no jitter", "standard 2.0"]);
        assert_eq!(sim.series["no jitter"][&10], 10);
        assert_eq!(sim.summary["standard 2.0"][1], "4");
        assert_eq!(sim.params, "seed=1, clients=10");
        assert!(parse("nothing\n").is_err());
    }

    #[test]
    fn the_table_and_chart_show_every_policy() {
        let sim = parse(OUT).unwrap();
        let t = table(&sim);
        assert!(t.contains("| no jitter | 10 | 10 | 20 | 0 of 10 | 1.000 s |"), "{t}");
        assert!(t.contains("2.5x lower"), "{t}");
        let chart = svg(&sim);
        assert_eq!(chart.matches("<polyline").count(), 2);
        assert!(chart.starts_with("<svg") && chart.ends_with("</svg>\n"));
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(11_019), 20_000);
        assert_eq!(nice_ceiling(u64::MAX), u64::MAX);
    }
}
