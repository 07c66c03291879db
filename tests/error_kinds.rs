//! Error kinds are one namespace: every `kind()` string is defined by exactly one error type,
//! so a log line or a CLI `"kind"` means one thing (see the `error` module's documentation).
//! Read from the sources, because a kind is only reachable through a value of its variant.

use std::collections::BTreeMap;

use trustpath::{Certificate, ParseError};

/// The files whose `kind()` functions define error kinds.
const ERROR_SOURCES: [&str; 4] = ["src/error.rs", "src/jws/error.rs", "src/udap/error.rs", "src/direct/error.rs"];

/// The string literals returned by each `fn kind(&self) -> &'static str` in `source`.
fn kinds_defined_in(source: &str) -> Vec<String> {
    let mut kinds = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("pub fn kind(&self) -> &'static str {") {
        let body = &rest[start..];
        let end = body.find("\n    }\n").expect("a kind() body ends at its indentation");
        for line in body[..end].lines() {
            // Arms end in `=> "kind",`; the delegating arms (`=> e.kind(),`) define nothing.
            if let Some((_, value)) = line.split_once("=> \"") {
                kinds.push(value.split('"').next().expect("a closing quote").to_owned());
            }
        }
        rest = &body[end..];
    }
    kinds
}

#[test]
fn every_kind_is_defined_by_one_error_type() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut defined: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for file in ERROR_SOURCES {
        let source = std::fs::read_to_string(format!("{root}/{file}")).expect("error source");
        let kinds = kinds_defined_in(&source);
        assert!(kinds.len() >= 10, "{file}: only {} kinds found; has kind() changed shape?", kinds.len());
        for kind in kinds {
            defined.entry(kind).or_default().push(file);
        }
    }
    let shared: Vec<_> = defined.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(shared.is_empty(), "kinds defined more than once: {shared:?}");
    for kind in defined.keys() {
        let snake = kind.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        assert!(snake && !kind.is_empty(), "kind {kind:?} is not snake_case");
    }
    for expected in ["bad_signature", "jws_bad_signature", "cms_bad_signature", "malformed_der"] {
        assert!(defined.contains_key(expected), "{expected} missing from {:?}", defined.keys());
    }
}

#[test]
fn the_scanner_reads_only_the_defining_arms() {
    let two = "pub fn kind(&self) -> &'static str {\n        match self {\n            A => \"same\",\n            \
               B => inner.kind(),\n        }\n    }\n";
    assert_eq!(kinds_defined_in(two), ["same"]);
}

#[test]
fn parse_errors_have_kinds() {
    let e = Certificate::from_der(vec![0x30, 0x03, 0x02]).expect_err("truncated DER");
    assert_eq!(e.kind(), "malformed_der", "{e}");
    assert_eq!(ParseError::NoCertificates.kind(), "no_certificates");
}
