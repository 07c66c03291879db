//! `Certificate::from_der` on arbitrary bytes. When the bytes parse, every accessor runs, and
//! the certificate is validated as its own anchor (with signature checks stubbed out, see
//! `common`) so that fuzzed extensions reach the RFC 5280 validation steps as well.
//!
//! Invariants: a parsed certificate keeps exactly the input DER, and its TBS, signature and
//! name fields are sub-slices of it.

#![no_main]

#[allow(dead_code)] // each target uses part of it
mod common;

use std::hint::black_box;

use const_oid::db::rfc5280::{ID_AD_CA_ISSUERS, ID_AD_OCSP};
use libfuzzer_sys::fuzz_target;
use trustpath::cert::display_general_name;
use trustpath::{Certificate, ExpectedName, Policy, TrustStore, ValidationInput, Verifier};

fuzz_target!(|data: &[u8]| {
    let Ok(cert) = Certificate::from_der(data.to_vec()) else { return };
    assert_eq!(cert.der().as_ref(), data, "a certificate keeps its input DER");
    let der = cert.der().as_ref();
    for part in [cert.tbs_bytes(), cert.signature(), cert.issuer_der(), cert.subject_der(), cert.spki_der()] {
        assert!(contains(der, part), "fields are spans of the DER");
    }

    black_box((cert.subject_string(), cert.issuer_string(), cert.serial_hex(), format!("{cert:?}")));
    black_box((cert.version(), cert.serial(), cert.signature_algorithm_id(), cert.public_key_algorithm_id()));
    black_box((cert.public_key(), cert.not_before(), cert.not_after(), cert.sha256(), cert.subject()));
    black_box((cert.subject_key_id(), cert.authority_key_id(), cert.is_ca(), cert.is_self_issued()));
    for name in cert.subject_alt_names() {
        black_box(display_general_name(name));
    }
    black_box(cert.san_uris().chain(cert.san_dns_names()).chain(cert.san_emails()).collect::<Vec<_>>());
    black_box(cert.san_ips().collect::<Vec<_>>());
    black_box((cert.crl_distribution_urls(), cert.aia_urls(ID_AD_OCSP), cert.aia_urls(ID_AD_CA_ISSUERS)));
    black_box((cert.policy_oids(), cert.unknown_extensions()));
    agrees_with_x509_cert(&cert, data);
    let reparsed = Certificate::from_der(cert.der().clone()).expect("a parsed certificate parses again");
    assert!(reparsed == cert);

    // The certificate as its own anchor, under a policy chosen by the data, at its notBefore,
    // expecting its first SAN DNS name (if any).
    let mut store = TrustStore::new();
    store.add_certificate("fuzz", cert.clone());
    let presets = ["rfc5280", "tls-server", "tls-client", "udap", "direct"];
    let preset = presets[usize::from(data.last().copied().unwrap_or(0)) % presets.len()];
    let mut policy = Policy::by_name(preset).expect("preset exists");
    policy.algorithms = common::accept_all_algorithms();
    let verifier = Verifier::new(store, policy);
    let mut input = ValidationInput::new(&cert, cert.not_before());
    if let Some(dns) = cert.san_dns_names().next() {
        input = input.expect_name(ExpectedName::Dns(dns.to_string()));
    }
    match verifier.verify(&input) {
        Ok(path) => {
            assert!(path.leaf() == &cert);
            black_box((path.anchor().subject_string(), path.community()));
        }
        Err(e) => {
            black_box((e.to_string(), e.kind()));
        }
    }
});

/// The fields trustpath reads straight from the DER (dNSNames, extended key usages, the
/// authority key identifier) are what `x509-cert` decodes, whenever it decodes the certificate.
fn agrees_with_x509_cert(cert: &Certificate, data: &[u8]) {
    use x509_cert::der::{Decode, asn1::ObjectIdentifier};
    use x509_cert::ext::pkix::{AuthorityKeyIdentifier, ExtendedKeyUsage, SubjectAltName, name::GeneralName};

    let Ok(reference) = x509_cert::Certificate::from_der(data) else { return };
    let extensions = reference.tbs_certificate().extensions().map(|e| e.as_slice()).unwrap_or_default();
    let value = |oid: ObjectIdentifier| extensions.iter().find(|e| e.extn_id == oid).map(|e| e.extn_value.as_bytes());
    let dns: Vec<String> = match value(const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME) {
        Some(v) => SubjectAltName::from_der(v)
            .expect("trustpath accepted it")
            .0
            .iter()
            .filter_map(|n| match n {
                GeneralName::DnsName(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        None => Vec::new(),
    };
    assert_eq!(cert.san_dns_names().collect::<Vec<_>>(), dns, "dNSNames");
    let ekus = value(const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
        .map(|v| ExtendedKeyUsage::from_der(v).expect("trustpath accepted it").0)
        .unwrap_or_default();
    assert_eq!(cert.extended_key_usages().collect::<Vec<_>>(), ekus, "extended key usages");
    let aki = value(const_oid::db::rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER)
        .map(|v| AuthorityKeyIdentifier::from_der(v).expect("trustpath accepted it"));
    let key_id = aki.as_ref().and_then(|a| a.key_identifier.as_ref()).map(|k| k.as_bytes());
    assert_eq!(cert.authority_key_id(), key_id, "authority key identifier");
}

/// Whether `part` lies within `whole` (same memory, not just equal bytes).
fn contains(whole: &[u8], part: &[u8]) -> bool {
    let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    p >= w && p + part.len() <= w + whole.len()
}
