// Included (`include!`) by the tests, benches and examples that read files of the repository.
// Two packages build them: trustpath, the root package, and trustpath-harness (harness/, one
// level down), which builds those with heavy dev-dependencies.

/// The repository's root directory, where `test-vectors/` is.
#[allow(dead_code)]
fn repo_dir() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    match env!("CARGO_PKG_NAME") {
        "trustpath-harness" => manifest.join(".."),
        _ => manifest.to_path_buf(),
    }
}
