//! The CA/B Forum commonName rule of the web PKI profile (BR 7.1.4.3): a subscriber's
//! commonName must not name a host its subjectAltNames do not. Subjects with no, one and
//! several commonNames (the parser notes a single one; several are read from the Name again).

use std::sync::Arc;

use trustpath::revocation::RevocationPolicy;
use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, UnixTime, ValidationInput, Verifier};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{KeyKind, KeyPair, ext, name};

/// 2026-06-01T00:00:00Z.
const NOW: u64 = 1_780_272_000;

struct Pki {
    verifier: Verifier,
    ca: Issuer,
    leaf_key: Arc<KeyPair>,
}

fn pki() -> Pki {
    let root_key = Arc::new(KeyPair::generate("cn root", KeyKind::P256).expect("key"));
    let root_name = name::NameBuilder::new().o("CN Test").cn("CN Test Root").build().expect("name");
    let root = templates::root(&root_name, &root_key).expect("root").sign(&root_key).expect("sign");
    let root = Issuer::new(root_name, root_key, root);
    let ca_key = Arc::new(KeyPair::generate("cn ca", KeyKind::P256).expect("key"));
    let ca_name = name::NameBuilder::new().o("CN Test").cn("CN Test CA").build().expect("name");
    let ca = templates::intermediate(&ca_name, &ca_key, &root).expect("ca").sign(&root.key).expect("sign");
    let mut store = TrustStore::new();
    store.add_certificate("test", Certificate::from_der(root.der.clone()).expect("root"));
    let mut pool = CertificatePool::new();
    pool.add(Certificate::from_der(ca.clone()).expect("ca"));
    let mut policy = Policy::tls_server();
    policy.revocation = RevocationPolicy::OFF;
    let verifier = Verifier::new(store, policy).with_intermediates(pool);
    let leaf_key = Arc::new(KeyPair::generate("cn leaf", KeyKind::P256).expect("key"));
    Pki { verifier, ca: Issuer::new(ca_name, ca_key, ca), leaf_key }
}

/// Validates a leaf for `www.example.org` (its one dNSName) whose subject has `cns`.
fn check(pki: &Pki, cns: &[&str]) -> Result<(), String> {
    let subject = cns.iter().fold(name::NameBuilder::new().o("Example"), |b, cn| b.cn(cn)).build().expect("name");
    let der = templates::leaf(&subject, &pki.leaf_key, &pki.ca)
        .expect("leaf")
        .extension(ext::subject_alt_name(false, vec![name::dns("www.example.org").expect("dns")]).expect("san"))
        .sign(&pki.ca.key)
        .expect("sign");
    let leaf = Certificate::from_der(der).expect("leaf parses");
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW));
    let input = ValidationInput::new(&leaf, time).expect_name(ExpectedName::Dns("www.example.org".into()));
    pki.verifier.verify(&input).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn commonnames_must_agree_with_the_subject_alt_names() {
    let pki = pki();
    let accepted: [&[&str]; 5] = [
        &[],
        &["Example Web Server"],
        &["www.example.org"],
        &["example.org"],
        &["Example Web Server", "www.example.org"],
    ];
    for cns in accepted {
        assert_eq!(check(&pki, cns), Ok(()), "{cns:?}");
    }
    let rejected: [&[&str]; 5] = [
        &["evil.example.net"],
        &["192.0.2.1"],
        &["0xC0000201"],
        &["Example Web Server", "evil.example.net"],
        &["www.example.org", "evil.example.net"],
    ];
    for cns in rejected {
        let e = check(&pki, cns).expect_err(&format!("{cns:?} must be rejected"));
        assert!(e.contains("commonName"), "{cns:?}: {e}");
    }
}
