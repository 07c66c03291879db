//! x509-limbo harness: reads a limbo suite (path as first argument, stdin when none) and
//! writes the limbo result JSON to stdout; a summary goes to stderr.
//!
//! `cargo run --release --example limbo -- test-vectors/limbo/limbo.json`

#[path = "support/limbo_harness.rs"]
mod harness;

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
    };
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
