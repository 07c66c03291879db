//! Finding the third-party test suites (x509-limbo, NIST PKITS, Wycheproof, the RFC JWS
//! examples), which are read where they are published and never copied into this repository.
//!
//! Tests include this file with `#[path = "support/vectors.rs"] mod vectors;`, examples with
//! `#[path = "../tests/support/vectors.rs"]` (it needs only `std`). A suite is a directory named after it, looked for first under `$TRUSTPATH_VECTORS`,
//! then under `../shared/vectors/` next to the repository (resolved from the crate's manifest
//! directory, so the working directory does not matter).

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// Environment variable naming a directory that holds the suites.
pub const VECTORS_ENV: &str = "TRUSTPATH_VECTORS";

/// When set to `1`, a missing suite fails the test instead of skipping it. `.ci/run` sets it
/// whenever `../shared/vectors/` exists, so a suite that CI should have run cannot be skipped
/// silently.
pub const REQUIRE_ENV: &str = "TRUSTPATH_REQUIRE_VECTORS";

/// `../shared/vectors/` beside the repository.
pub fn shared_vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join("vectors")
}

/// The directories searched for a suite, in order.
pub fn search_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(dir) = std::env::var_os(VECTORS_ENV).filter(|d| !d.is_empty()) {
        roots.push(PathBuf::from(dir));
    }
    roots.push(shared_vectors());
    roots
}

/// The directory of the suite `name` (e.g. `"limbo"`, `"pkits"`, `"jws"`, `"wycheproof"`), or
/// `None` after printing `skipped: <name> not found (set TRUSTPATH_VECTORS)`; the calling test
/// then returns early and passes. With `TRUSTPATH_REQUIRE_VECTORS=1` a missing suite panics.
///
/// ```ignore
/// let Some(dir) = vectors::suite("limbo") else { return };
/// let text = std::fs::read_to_string(dir.join("limbo.json")).unwrap();
/// ```
pub fn suite(name: &str) -> Option<PathBuf> {
    if let Some(dir) = search_roots().into_iter().map(|root| root.join(name)).find(|dir| dir.is_dir()) {
        return Some(dir);
    }
    let searched: Vec<String> = search_roots().iter().map(|r| r.display().to_string()).collect();
    if std::env::var_os(REQUIRE_ENV).is_some_and(|v| v == "1") {
        panic!("suite {name} not found under {} although {REQUIRE_ENV}=1", searched.join(", "));
    }
    // Straight to the process's stderr: libtest captures `print!`/`eprint!` of passing tests,
    // and a skip must be visible in the `cargo test` output.
    let _ = writeln!(std::io::stderr(), "skipped: {name} not found (set {VECTORS_ENV})");
    None
}
