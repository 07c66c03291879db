//! Runs the x509-limbo suite and holds trustpath to it: every case must give the expected
//! result unless `test-vectors/limbo/exceptions.json` lists it with a reason, every listed
//! exception must still occur, and no case may be accepted where the suite expects a rejection
//! unless it is one side of a declared conflict.
//!
//! The suite is read from `limbo/limbo.json` under `$TRUSTPATH_VECTORS` or `../shared/vectors/`
//! (upstream: C2SP/x509-limbo); without it the test says so and passes.

#[path = "../examples/support/limbo_harness.rs"]
mod harness;
#[path = "support/vectors.rs"]
mod vectors;

use std::collections::BTreeMap;

fn load(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn limbo_suite_matches_expectations() {
    let Some(dir) = vectors::suite("limbo") else { return };
    let suite = load(&dir.join("limbo.json"));
    let exceptions = load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/limbo/exceptions.json"));
    let exceptions = exceptions.as_object().expect("exceptions is an object");
    let outcomes = harness::run_suite(&suite);
    assert_eq!(outcomes.len(), 208, "the suite (upstream commit 8a2e6f4) has 208 cases");

    let mut unexpected = BTreeMap::new();
    let mut stale: Vec<&String> = exceptions.keys().collect();
    let (mut matched, mut skipped) = (0, 0);
    for o in &outcomes {
        if o.actual == "SKIPPED" {
            skipped += 1;
            continue;
        }
        if o.actual == o.expected {
            matched += 1;
            assert!(!exceptions.contains_key(&o.id), "{} is listed as an exception but now matches", o.id);
            continue;
        }
        stale.retain(|id| **id != o.id);
        match exceptions.get(&o.id) {
            Some(e) => {
                assert_eq!(e["actual"].as_str(), Some(o.actual.as_str()), "{}: exception records another result", o.id);
                if o.actual == "SUCCESS" {
                    assert!(o.conflicts, "{}: a false accept is only allowed on a declared conflict", o.id);
                }
            }
            None => {
                unexpected.insert(o.id.clone(), format!("expected {}, got {}: {}", o.expected, o.actual, o.context));
            }
        }
    }
    assert!(unexpected.is_empty(), "unexpected limbo results:\n{unexpected:#?}");
    assert!(stale.is_empty(), "exceptions that no longer occur: {stale:?}");
    eprintln!(
        "limbo: {matched} of {} match, {skipped} skipped, {} documented exceptions",
        outcomes.len(),
        exceptions.len()
    );
}
