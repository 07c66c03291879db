//! `trustpath-testgen`: writes trustpath's reproducible test PKIs to `test-vectors/pki/`.
//!
//! ```text
//! cargo run --release -p trustpath-testgen [-- OUTPUT_DIR]
//! ```
//!
//! Keys are read from `OUTPUT_DIR/keys/` (generated and written there only when missing).
//! Every other file under OUTPUT_DIR is rewritten; files that the generator no longer
//! produces are removed, so the directory always matches the generator exactly.

#![forbid(unsafe_code)]

mod bench;
mod bundles;
mod cases;
mod context;
mod docs;
mod manifest;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use trustpath_testgen::Result;
use trustpath_testgen::time::{rfc3339, validation_time};

use context::Gen;
use manifest::Manifest;

fn default_out() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("test-vectors").join("pki")
}

fn run(out: &Path) -> Result<()> {
    let mut g = Gen::new(out);
    cases::generate(&mut g)?;
    bench::generate(&mut g)?;
    bundles::generate(&mut g)?;
    let manifest = Manifest {
        version: 1,
        description: "trustpath PKI validation cases; file paths are relative to this directory",
        default_time: rfc3339(validation_time()),
        revocation: "off",
        cases: std::mem::take(&mut g.cases),
    };
    let count = manifest.cases.len();
    let mut json = serde_json::to_string_pretty(&manifest)?;
    json.push('\n');
    g.file("manifest.json", json.into_bytes())?;
    g.file("README.md", docs::readme(count).into_bytes())?;
    g.file("LICENSE", docs::LICENSE.as_bytes().to_vec())?;
    let written = g.write_all()?;
    let keep: BTreeSet<PathBuf> = g.paths().map(|p| out.join(p)).collect();
    remove_stale(out, &keep)?;
    for k in g.generated_keys() {
        eprintln!("generated new key keys/{k}.pem");
    }
    eprintln!("wrote {written} files and {count} cases to {}", out.display());
    Ok(())
}

/// Removes files under `dir` (except in `keys/`) that were not written this run.
fn remove_stale(dir: &Path, keep: &BTreeSet<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "keys") {
                continue;
            }
            remove_stale(&path, keep)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        } else if !keep.contains(&path) {
            eprintln!("removing stale {}", path.display());
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let out = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(default_out);
    match run(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("trustpath-testgen: {e}");
            ExitCode::FAILURE
        }
    }
}
