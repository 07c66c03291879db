//! Inputs that once crashed a fuzz target (`fuzz/`), replayed through the same library calls
//! as the target makes, so that a fix stays fixed in the ordinary test run (debug build,
//! debug assertions on). Inputs: `test-vectors/fuzz-regressions/<target>/`; `.ci/run` also
//! replays them through the fuzz targets themselves.

use std::path::{Path, PathBuf};

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/fuzz-regressions")
}

/// Every input of `target`, with its file name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = regressions_dir().join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

/// Each target directory has a replay below; a new one must get its own.
#[test]
fn every_regression_directory_is_replayed() {
    const REPLAYED: &[&str] = &["cms_smime"];
    for entry in std::fs::read_dir(regressions_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(REPLAYED.contains(&name.as_str()), "no replay for fuzz-regressions/{name}");
            assert!(!inputs(&name).is_empty(), "fuzz-regressions/{name} is empty");
        }
    }
}

#[cfg(feature = "direct")]
#[test]
fn cms_smime_regressions_are_rejected_without_panicking() {
    use std::time::Duration;
    use trustpath::direct::{DecryptionKey, SmimeInput, SmimeVerifier};
    use trustpath::revocation::{Crl, RevocationData};
    use trustpath::{Certificate, TrustStore, UnixTime};

    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/direct");
    let read = |name: &str| std::fs::read(vectors.join(name)).unwrap();
    let mut store = TrustStore::new();
    store.add_certificate("direct", Certificate::from_pem(&read("int.pem")).unwrap());
    let verifier = SmimeVerifier::new(store);
    let mut revocation = RevocationData::new();
    revocation.add_crl(Crl::from_pem_or_der(&read("crl/int.crl")).unwrap());
    let input = SmimeInput::new(UnixTime::since_unix_epoch(Duration::from_secs(1_780_272_000))).revocation(&revocation);
    let entity = read("openssl/entity.eml");
    let keys = [DecryptionKey::from_private_key(
        &read("keys/address.pem"),
        Certificate::from_pem(&read("address.pem")).unwrap(),
    )
    .unwrap()];

    for (name, data) in inputs("cms_smime") {
        // Each of these once panicked (in a dependency, with debug assertions on): now each
        // way of verifying ends in a typed rejection.
        let message = verifier.verify_message(&data, &input);
        assert!(message.is_err(), "{name}: verify_message accepted a corrupted message");
        assert!(verifier.verify_signed_data(&data, None, &input).is_err(), "{name}: verify_signed_data accepted");
        assert!(verifier.verify_detached(&data, &entity, &input).is_err(), "{name}: verify_detached accepted");
        assert!(verifier.decrypt_message(&data, &keys, &input).is_err(), "{name}: decrypt_message accepted");
        assert!(verifier.decrypt_enveloped(&data, &keys, &input).is_err(), "{name}: decrypt_enveloped accepted");
        if name == "mail-parser-lost-multipart.eml" {
            // A multipart that loses mail-parser's part bookkeeping: unparsable MIME.
            let e = message.unwrap_err().to_string();
            assert!(e.contains("MIME"), "{name}: {e}");
        }
    }
}
