//! x509-limbo harness: reads a limbo suite and writes the limbo result JSON to stdout; a
//! summary goes to stderr.
//!
//! `cargo run --release --example limbo -- ../shared/vectors/limbo`
//!
//! The argument is the suite's directory (its `limbo.json` is read) or the JSON file itself.
//! The suite is C2SP/x509-limbo's compiled `limbo.json`; it is not part of this repository.

#[path = "support/limbo_harness.rs"]
mod harness;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        return Err(
            "usage: limbo SUITE (the x509-limbo directory, e.g. ../shared/vectors/limbo, or its limbo.json)".into()
        );
    };
    let file = if path.is_dir() { path.join("limbo.json") } else { path };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let suite: serde_json::Value = serde_json::from_str(&text)?;
    let outcomes = harness::run_suite(&suite);
    let results: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| serde_json::json!({"id": o.id, "actual_result": o.actual, "context": o.context}))
        .collect();
    let report = serde_json::json!({"version": 1, "harness": "trustpath", "results": results});
    println!("{}", serde_json::to_string_pretty(&report)?);
    let matched = outcomes.iter().filter(|o| o.actual == o.expected).count();
    let skipped = outcomes.iter().filter(|o| o.actual == "SKIPPED").count();
    let false_accepts = outcomes.iter().filter(|o| o.actual == "SUCCESS" && o.expected == "FAILURE").count();
    eprintln!("limbo: {matched}/{} match, {skipped} skipped, {false_accepts} false accepts", outcomes.len());
    Ok(())
}
