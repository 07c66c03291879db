//! NIST PKITS harness: runs every run of the suite in the directory given as the first
//! argument (the one holding `pkits.json`, `certs/` and `crls/`) and prints one line per run
//! and a summary. Deliberate differences are listed in `test-vectors/pkits/exceptions.json`.
//!
//! `cargo run --release --example pkits -- ../shared/vectors/pkits`

#[path = "support/pkits_harness.rs"]
mod harness;

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: pkits SUITE_DIR   (e.g. ../shared/vectors/pkits)");
        return ExitCode::from(2);
    };
    let outcomes = match harness::run_suite(std::path::Path::new(&dir)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("pkits: {e}");
            return ExitCode::from(2);
        }
    };
    let (mut matched, mut false_accepts, mut false_rejects) = (0, 0, 0);
    for o in &outcomes {
        let verdict = match (o.expect_valid, o.valid) {
            (true, true) | (false, false) => {
                matched += 1;
                "ok  "
            }
            (false, true) => {
                false_accepts += 1;
                "FA  "
            }
            (true, false) => {
                false_rejects += 1;
                "FR  "
            }
        };
        let expected = o.expected_error.as_deref().unwrap_or("valid");
        println!("{verdict}{} {} (expected {expected}): {}", o.id, o.name, o.context);
    }
    println!("pkits: {matched}/{} match, {false_accepts} false accepts, {false_rejects} false rejects", outcomes.len());
    ExitCode::SUCCESS
}
