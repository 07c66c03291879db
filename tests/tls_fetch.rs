//! `fhir_mtls_server --fetch` (examples/support/fetch_refresher.rs): a client chain that the
//! server's verifier refuses for lack of revocation data is reported, its CRLs are fetched in
//! the background from the distribution points it names (served here on loopback), and the
//! next validation of the same chain decides with them: accepted, or refused when the fetched
//! CRL revokes it. Generated PKI, fixed validation time.

#![cfg(feature = "rustls")]

// The example's part that this test drives (its application side reports accepted chains).
#[allow(dead_code)]
#[path = "../examples/support/fetch_refresher.rs"]
mod fetch_refresher;

use std::sync::Arc;
use std::time::Duration;

use fetch_refresher::Refresher;
use rustls::{CertificateError, Error};
use rustls_pki_types::CertificateDer;
use trustpath::revocation::{RevocationMode, RevocationPolicy};
use trustpath::tls::ClientVerifier;
use trustpath::{Certificate, Policy, TrustStore, UnixTime, Verifier};
use trustpath_fetch::FetchConfig;
use trustpath_testgen::crl::crl_number;
use trustpath_testgen::serve::{Reply, Server};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{CrlBuilder, CrlEntry, KeyKind, KeyPair, ext, name};

const NOW: u64 = 1_780_272_000;
const DAY: u64 = 86_400;

struct Pki {
    root: Issuer,
    ca: Issuer,
    leaf: Certificate,
}

fn issuer(label: &str, cn: &str, parent: Option<&Issuer>, crl_url: Option<&str>) -> Issuer {
    let key = Arc::new(KeyPair::generate(label, KeyKind::P256).expect("key"));
    let name = name::NameBuilder::new().o("TLS Fetch").cn(cn).build().expect("name");
    let der = match parent {
        None => templates::root(&name, &key).expect("root").sign(&key).expect("sign"),
        Some(parent) => {
            let mut builder = templates::intermediate(&name, &key, parent).expect("ca");
            if let Some(url) = crl_url {
                builder = builder.extension(ext::crl_distribution_points(&[url]).expect("cdp"));
            }
            parent.sign(&builder).expect("sign")
        }
    };
    Issuer::new(name, key, der)
}

fn pki(server: &Server) -> Pki {
    let root = issuer("tls fetch root", "TLS Fetch Root", None, None);
    let ca = issuer("tls fetch ca", "TLS Fetch CA", Some(&root), Some(&server.url("/root.crl")));
    let key = KeyPair::generate("tls fetch client", KeyKind::P256).expect("key");
    let name = name::NameBuilder::new().o("TLS Fetch").cn("client").build().expect("name");
    let builder = templates::leaf(&name, &key, &ca)
        .expect("leaf")
        .extension(ext::crl_distribution_points(&[&server.url("/ca.crl")]).expect("cdp"));
    let leaf = Certificate::from_der(ca.sign(&builder).expect("sign")).expect("leaf");
    Pki { root, ca, leaf }
}

fn crl(issuer: &Issuer, revoked: &[&[u8]]) -> Reply {
    let der = CrlBuilder::new(&issuer.name, NOW - DAY, NOW + DAY)
        .expect("builder")
        .extension(crl_number(1))
        .entries(revoked.iter().map(|s| CrlEntry::new(s, NOW - 3_600)))
        .sign(&issuer.key)
        .expect("sign");
    Reply::ok(der, "application/pkix-crl")
}

/// A hard-fail verifier (every certificate below the root) whose rejections go to a
/// refresher thread, as `fhir_mtls_server --fetch` wires it.
fn fetching_verifier(pki: &Pki) -> Arc<ClientVerifier> {
    let mut store = TrustStore::new();
    store.add_certificate("test", Certificate::from_der(pki.root.der.clone()).expect("root"));
    let policy = {
        let mut value = Policy::tls_client();
        value.revocation = RevocationPolicy::chain(RevocationMode::HardFail);
        value
    };
    let (refresher, receiver): (Refresher, _) = Refresher::channel();
    let verifier = Arc::new(
        ClientVerifier::new(Verifier::new(store, policy))
            .with_fixed_time(UnixTime::since_unix_epoch(Duration::from_secs(NOW)))
            .on_rejection(move |e| refresher.rejected(e)),
    );
    let config = FetchConfig { proxy_from_env: false, ..FetchConfig::default() };
    drop(fetch_refresher::spawn(receiver, Arc::downgrade(&verifier), Default::default(), config));
    verifier
}

fn verify(verifier: &ClientVerifier, pki: &Pki) -> Result<(), Error> {
    let leaf = CertificateDer::from(pki.leaf.der().to_vec());
    let ca = CertificateDer::from(pki.ca.der.clone());
    verifier.verify_chain(&leaf, &[ca]).map(|_| ())
}

const UNKNOWN: Error = Error::InvalidCertificate(CertificateError::UnknownRevocationStatus);

/// Waits (bounded) until the verifier holds `count` CRLs.
fn wait_for_crls(verifier: &ClientVerifier, count: usize) -> bool {
    (0..2_000).any(|_| {
        let held = verifier.revocation().map_or(0, |d| d.crls().len());
        held >= count || {
            std::thread::sleep(Duration::from_millis(5));
            false
        }
    })
}

#[test]
fn a_refused_chain_is_accepted_once_its_crls_are_fetched() {
    let server = Server::start().expect("server");
    let pki = pki(&server);
    server.route("/root.crl", crl(&pki.root, &[]));
    server.route("/ca.crl", crl(&pki.ca, &[]));
    let verifier = fetching_verifier(&pki);

    // The server has no CRL for the chain: hard-fail refuses, and the refusal is reported.
    assert_eq!(verify(&verifier, &pki), Err(UNKNOWN));
    assert!(wait_for_crls(&verifier, 1), "nothing was fetched");
    // One certificate's CRL per refusal (hard-fail stops at the first unknown status).
    let mut attempts = 0;
    let verdict = loop {
        attempts += 1;
        match verify(&verifier, &pki) {
            Err(e) if e == UNKNOWN && attempts < 3 => {
                assert!(wait_for_crls(&verifier, attempts + 1), "nothing more was fetched");
            }
            other => break other,
        }
    };
    assert_eq!(verdict, Ok(()));
    assert_eq!((server.hits("/ca.crl"), server.hits("/root.crl")), (1, 1));
}

#[test]
fn a_chain_the_fetched_crl_revokes_stays_refused() {
    let server = Server::start().expect("server");
    let pki = pki(&server);
    server.route("/root.crl", crl(&pki.root, &[]));
    server.route("/ca.crl", crl(&pki.ca, &[pki.leaf.serial()]));
    let verifier = fetching_verifier(&pki);
    assert_eq!(verify(&verifier, &pki), Err(UNKNOWN));
    assert!(wait_for_crls(&verifier, 1), "nothing was fetched");
    assert_eq!(verify(&verifier, &pki), Err(Error::InvalidCertificate(CertificateError::Revoked)));
}
