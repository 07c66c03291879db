//! The published crate holds what its users build and nothing else: no private key of the
//! generated test PKIs, no test vectors, no CI files (`Cargo.toml`'s `include` list).

use std::process::Command;

#[test]
fn the_package_ships_source_and_no_private_keys() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty"])
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
