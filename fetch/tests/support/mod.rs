//! A generated PKI whose certificates name URLs on the test's own loopback server: a root
//! (the anchor), an issuing CA and a leaf, with CRLs and OCSP responses signed by the issuing
//! CA. Validation time 2026-06-01 (NOW).

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use trustpath::revocation::{RevocationMode, RevocationPolicy};
use trustpath::{Certificate, CertificatePool, Policy, TrustStore, UnixTime, Verifier};
use trustpath_fetch::FetchConfig;
use trustpath_testgen::crl::crl_number;
use trustpath_testgen::ocsp::{CertId, CertIdHash, OcspCertStatus, ResponderId, SingleResponse};
use trustpath_testgen::serve::{Reply, Server};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{CrlBuilder, CrlEntry, KeyKind, KeyPair, OcspResponseBuilder, ext, name};

/// 2026-06-01T00:00:00Z.
pub const NOW: u64 = 1_780_272_000;
pub const DAY: u64 = 86_400;

pub fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

/// What the leaf names.
#[derive(Default)]
pub struct LeafUrls<'a> {
    pub crl: &'a [&'a str],
    pub ocsp: &'a [&'a str],
    pub ca_issuers: &'a [&'a str],
}

pub struct Pki {
    pub root: Issuer,
    pub ca: Issuer,
    pub root_cert: Certificate,
    pub ca_cert: Certificate,
    pub leaf: Certificate,
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn key(label: &str) -> Arc<KeyPair> {
    Arc::new(KeyPair::generate(label, KeyKind::P256).expect("key"))
}

/// The PKI; the issuing CA names `ca_crl` (the root's CRL) when given; the leaf's URLs are
/// paths on `server` unless they have a scheme.
pub fn pki(server: &Server, leaf: LeafUrls<'_>, ca_crl: Option<&str>) -> Pki {
    let absolute = |paths: &[&str]| -> Vec<String> {
        paths.iter().map(|p| if p.contains("://") { p.to_string() } else { server.url(p) }).collect()
    };
    let root_key = key("fetch root");
    let root_name = name::NameBuilder::new().o("Fetch Test").cn("Fetch Test Root").build().expect("name");
    let root_der = templates::root(&root_name, &root_key).expect("root").sign(&root_key).expect("sign");
    let root = Issuer::new(root_name, root_key, root_der);

    let ca_key = key("fetch ca");
    let ca_name = name::NameBuilder::new().o("Fetch Test").cn("Fetch Test Issuing CA").build().expect("name");
    let mut ca_builder = templates::intermediate(&ca_name, &ca_key, &root).expect("ca");
    if let Some(path) = ca_crl {
        let urls = absolute(&[path]);
        let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
        ca_builder = ca_builder.extension(ext::crl_distribution_points(&urls).expect("cdp"));
    }
    let ca_der = root.sign(&ca_builder).expect("sign");
    let ca = Issuer::new(ca_name, ca_key, ca_der);

    let leaf_key = key("fetch leaf");
    let leaf_name = name::NameBuilder::new().o("Fetch Test").cn("fetch.example.test").build().expect("name");
    let mut leaf_builder = templates::leaf(&leaf_name, &leaf_key, &ca).expect("leaf");
    let (crl, ocsp, issuers) = (absolute(leaf.crl), absolute(leaf.ocsp), absolute(leaf.ca_issuers));
    if !crl.is_empty() {
        leaf_builder = leaf_builder.extension(ext::crl_distribution_points(&refs(&crl)).expect("cdp"));
    }
    if !ocsp.is_empty() || !issuers.is_empty() {
        leaf_builder = leaf_builder.extension(ext::authority_info_access(&refs(&ocsp), &refs(&issuers)).expect("aia"));
    }
    let leaf = Certificate::from_der(ca.sign(&leaf_builder).expect("sign")).expect("leaf parses");
    Pki {
        root_cert: Certificate::from_der(root.der.clone()).expect("root parses"),
        ca_cert: Certificate::from_der(ca.der.clone()).expect("ca parses"),
        root,
        ca,
        leaf,
    }
}

impl Pki {
    /// The issuing CA's CRL revoking `serials`, current from `this_update` to `next_update`.
    pub fn crl(&self, serials: &[&[u8]], this_update: u64, next_update: u64) -> Vec<u8> {
        crl_by(&self.ca, serials, this_update, next_update)
    }

    /// The root's CRL (about the issuing CA).
    pub fn root_crl(&self, serials: &[&[u8]]) -> Vec<u8> {
        crl_by(&self.root, serials, NOW - DAY, NOW + DAY)
    }

    /// The issuing CA's OCSP response about the leaf.
    pub fn ocsp(&self, status: OcspCertStatus) -> Vec<u8> {
        let id = CertId::new(CertIdHash::Sha1, &self.ca.name, self.ca.key.spki_der(), self.leaf.serial()).expect("id");
        let single = SingleResponse::new(id, status, NOW - 3_600, Some(NOW + DAY));
        OcspResponseBuilder::new(ResponderId::by_key(self.ca.key.spki_der()).expect("responder"), NOW - 3_600)
            .response(single)
            .sign(&self.ca.key)
            .expect("sign")
    }

    /// A verifier trusting the root, with the issuing CA as an intermediate unless
    /// `without_ca`, checking the leaf's (or with `chain`, every certificate's) revocation.
    pub fn verifier(&self, mode: RevocationMode, chain: bool, without_ca: bool) -> Verifier {
        let mut store = TrustStore::new();
        store.add_certificate("test", self.root_cert.clone());
        let revocation = if chain { RevocationPolicy::chain(mode) } else { RevocationPolicy::leaf(mode) };
        let mut pool = CertificatePool::new();
        if !without_ca {
            pool.add(self.ca_cert.clone());
        }
        Verifier::new(store, {
            let mut policy = Policy::rfc5280();
            policy.revocation = revocation;
            policy
        })
        .with_intermediates(pool)
    }

    pub fn hard(&self) -> Verifier {
        self.verifier(RevocationMode::HardFail, false, false)
    }
}

fn crl_by(issuer: &Issuer, serials: &[&[u8]], this_update: u64, next_update: u64) -> Vec<u8> {
    CrlBuilder::new(&issuer.name, this_update, next_update)
        .expect("builder")
        .extension(crl_number(1))
        .entries(serials.iter().map(|s| CrlEntry::new(s, NOW - 7_200)))
        .sign(&issuer.key)
        .expect("sign")
}

pub fn crl_reply(der: Vec<u8>) -> Reply {
    Reply::ok(der, "application/pkix-crl")
}

/// A short timeout and no proxies: the servers are on loopback.
pub fn config() -> FetchConfig {
    FetchConfig { timeout: Duration::from_secs(5), proxy_from_env: false, ..FetchConfig::default() }
}

/// The records as `(kind, status)` pairs.
pub fn statuses(records: &[trustpath_fetch::FetchRecord]) -> Vec<(&'static str, &'static str)> {
    records.iter().map(|r| (r.kind.as_str(), r.status.as_str())).collect()
}

/// Waits (bounded) until `done` holds.
pub fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..2_000 {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}
