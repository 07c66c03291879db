//! The published crate holds what its users build and nothing else: no private key of the
//! generated test PKIs, no test vectors, no CI files (`Cargo.toml`'s `include` list). And every
//! test, bench and example is built by exactly one package of the workspace: the root package's
//! examples are listed, not discovered (udap_flow is quickstart/'s), so a new example that no
//! list names would otherwise never be built.

use std::process::Command;

#[test]
fn the_package_ships_source_and_no_private_keys() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "-p", "trustpath"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo package --list");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listing = String::from_utf8(out.stdout).expect("UTF-8 listing");
    let files: Vec<&str> = listing.lines().collect();
    for needed in ["src/lib.rs", "src/bin/trustpath/main.rs", "src/fetch_engine/mod.rs", "README.md", "LICENSE"] {
        assert!(files.contains(&needed), "{needed} missing from the package:\n{listing}");
    }
    for file in &files {
        let private = file.contains("keys/") || file.ends_with(".key") || file.ends_with(".p8");
        assert!(!private, "a private key would be published: {file}");
        for excluded in ["test-vectors/", "tests/", "benches/", "examples/", "fuzz/", "testgen/", ".ci/"] {
            assert!(!file.starts_with(excluded), "{file} would be published");
        }
    }
    for file in files.iter().filter(|f| f.ends_with(".rs") || f.ends_with(".md") || f.ends_with(".toml")) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        if let Ok(text) = std::fs::read_to_string(&path) {
            assert!(!text.contains("-----BEGIN PRIVATE KEY-----"), "{file} holds a private key");
        }
    }
}

/// No dependency is pinned to one exact version (`=x.y.z`): a dependent needing another
/// compatible release, a pre-release candidate included, could not build against trustpath.
#[test]
fn no_dependency_requirement_is_exact() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).expect("Cargo.toml");
    for line in manifest.lines().filter(|l| !l.trim_start().starts_with('#')) {
        assert!(!line.contains("version = \"="), "an exact requirement: {line}");
        assert!(!line.contains("= \"=") || line.contains("rust-version"), "an exact requirement: {line}");
    }
}

#[test]
fn every_test_bench_and_example_is_a_target_of_exactly_one_package() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(root)
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let mut targets: Vec<(String, std::path::PathBuf)> = Vec::new();
    for package in metadata["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().expect("package name");
        if name != "trustpath" && name != "trustpath-quickstart" {
            continue;
        }
        for target in package["targets"].as_array().expect("targets") {
            let kinds = target["kind"].as_array().expect("kind");
            if kinds.iter().any(|k| ["test", "bench", "example"].contains(&k.as_str().unwrap_or(""))) {
                let path = std::path::Path::new(target["src_path"].as_str().expect("src_path"));
                let path = path.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                targets.push((name.to_string(), path));
            }
        }
    }
    let mut sources = Vec::new();
    for dir in ["tests", "benches", "examples"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("read directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                sources.push(path.canonicalize().expect("canonical path"));
            }
        }
    }
    assert!(sources.len() > 40, "too few sources found: {sources:?}");
    for source in &sources {
        let owners: Vec<&str> = targets.iter().filter(|(_, p)| p == source).map(|(n, _)| n.as_str()).collect();
        assert_eq!(owners.len(), 1, "{} is a target of {owners:?}", source.display());
    }
    for (package, path) in &targets {
        assert!(sources.contains(path), "{package} builds {}, outside tests/, benches/ and examples/", path.display());
    }
}
