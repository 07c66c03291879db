//! Runs NIST PKITS (the 2011 edition, with pyhanko-certvalidator's expectations in
//! `pkits.json`) and holds trustpath to it: every run gives the expected outcome unless
//! `test-vectors/pkits/exceptions.json` lists it with a reason, every listed exception still
//! occurs, and no run expected to fail is ever accepted.
//!
//! The suite is read from `pkits/` under `$TRUSTPATH_VECTORS` or `../shared/vectors/`
//! (upstream: NIST's PKITS data, via MatthiasValvekens/pyHanko); without it the test says so
//! and passes.

#[path = "../examples/support/pkits_harness.rs"]
mod harness;
#[path = "support/vectors.rs"]
mod vectors;

use std::collections::BTreeMap;

#[test]
fn pkits_runs_match_expectations() {
    let Some(dir) = vectors::suite("pkits") else { return };
    let outcomes = harness::run_suite(&dir).expect("the suite reads");
    assert_eq!(outcomes.len(), 246, "pkits.json has 246 runs");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pkits/exceptions.json");
    let exceptions: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("exceptions.json")).expect("JSON");
    let exceptions = exceptions.as_object().expect("an object");

    let mut unexpected = BTreeMap::new();
    let mut stale: Vec<&String> = exceptions.keys().collect();
    let mut matched = 0;
    for o in &outcomes {
        assert!(!o.valid || o.expect_valid, "false accept: {} {}: {}", o.id, o.name, o.context);
        if o.valid == o.expect_valid {
            matched += 1;
            assert!(!exceptions.contains_key(&o.id), "{} {} is an exception but now matches", o.id, o.name);
            continue;
        }
        stale.retain(|id| **id != o.id);
        match exceptions.get(&o.id) {
            Some(e) => assert_eq!(e["name"].as_str(), Some(o.name.as_str()), "{}: exception names another run", o.id),
            None => {
                let expected = o.expected_error.as_deref().unwrap_or("valid");
                unexpected.insert(format!("{} {}", o.id, o.name), format!("expected {expected}: {}", o.context));
            }
        }
    }
    assert!(unexpected.is_empty(), "unexpected PKITS results:\n{unexpected:#?}");
    assert!(stale.is_empty(), "exceptions that no longer occur: {stale:?}");
    assert!(matched >= 240, "only {matched} of 246 runs match");
    eprintln!("pkits: {matched} of {} match, {} documented exceptions", outcomes.len(), exceptions.len());
}
