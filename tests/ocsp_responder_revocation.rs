//! A delegated OCSP responder without id-pkix-ocsp-nocheck is itself subject to revocation
//! (RFC 6960 §4.2.2.2.1): when a CRL of the issuing CA among the data revokes it, its
//! responses are not used. With nocheck, or without such a CRL, they are.
//!
//! The PKI is generated here: a root that issues the leaf and the responder, the responder's
//! "good" response for the leaf, and the root's CRL. Validation time 2026-06-01.

use std::sync::Arc;

use trustpath::revocation::{
    CertStatus, Crl, OcspResponse, RevocationData, RevocationMode, RevocationPolicy, StatusSource,
};
use trustpath::{Certificate, Policy, TrustStore, UnixTime, ValidationInput, Verifier};
use trustpath_testgen::crl::crl_number;
use trustpath_testgen::ocsp::{
    CertId, CertIdHash, EKU_OCSP_SIGNING, ID_PKIX_OCSP_NOCHECK, OcspCertStatus, ResponderId, SingleResponse,
};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{CertBuilder, CrlBuilder, CrlEntry, KeyKind, KeyPair, OcspResponseBuilder, ext, name};
use x509_cert::ext::pkix::KeyUsages;

const NOW: u64 = 1_780_272_000;

struct Setup {
    root: Issuer,
    leaf: Certificate,
}

fn key(label: &str) -> Arc<KeyPair> {
    Arc::new(KeyPair::generate(label, KeyKind::P256).expect("key"))
}

fn setup() -> Setup {
    let root_key = key("ocsp root");
    let root_name = name::NameBuilder::new().o("OCSP Test").cn("OCSP Test Root").build().expect("name");
    let root_der = templates::root(&root_name, &root_key).expect("root").sign(&root_key).expect("sign");
    let root = Issuer::new(root_name, root_key, root_der);
    let leaf_key = key("ocsp leaf");
    let leaf_name = name::NameBuilder::new().o("OCSP Test").cn("OCSP Test Leaf").build().expect("name");
    let leaf = templates::leaf(&leaf_name, &leaf_key, &root).expect("leaf").sign(&root.key).expect("sign");
    Setup { root, leaf: Certificate::from_der(leaf).expect("leaf parses") }
}

/// A delegated responder certified by the root, with or without id-pkix-ocsp-nocheck.
fn responder(s: &Setup, key: &KeyPair, nocheck: bool) -> Certificate {
    let subject = name::NameBuilder::new().o("OCSP Test").cn("OCSP Responder").build().expect("name");
    let mut extensions = vec![
        ext::key_usage(true, &[KeyUsages::DigitalSignature]).expect("ku"),
        ext::extended_key_usage(false, &[EKU_OCSP_SIGNING]).expect("eku"),
        ext::subject_key_identifier(&key.key_id()).expect("ski"),
        ext::authority_key_identifier(&s.root.key.key_id()).expect("aki"),
    ];
    if nocheck {
        extensions.push(ext::unknown(ID_PKIX_OCSP_NOCHECK, false, &[0x05, 0x00]));
    }
    let builder = CertBuilder::new(&subject, key).issuer(&s.root.name).extensions(extensions);
    Certificate::from_der(s.root.sign(&builder).expect("sign")).expect("responder parses")
}

/// The responder's "good" response for the leaf, carrying the responder's certificate.
fn good_response(s: &Setup, responder: &Certificate, key: &KeyPair) -> OcspResponse {
    let id = CertId::new(CertIdHash::Sha1, &s.root.name, s.root.key.spki_der(), s.leaf.serial()).expect("cert id");
    let single = SingleResponse::new(id, OcspCertStatus::Good, NOW - 3_600, Some(NOW + 86_400));
    let der = OcspResponseBuilder::new(ResponderId::by_key(key.spki_der()).expect("responder id"), NOW - 3_600)
        .response(single)
        .certificate(responder.der().to_vec())
        .sign(key)
        .expect("sign");
    OcspResponse::from_der(der).expect("response parses")
}

/// The root's CRL, revoking `serials`.
fn crl(s: &Setup, serials: &[&[u8]]) -> Crl {
    let der = CrlBuilder::new(&s.root.name, NOW - 86_400, NOW + 86_400)
        .expect("builder")
        .extension(crl_number(1))
        .entries(serials.iter().map(|serial| CrlEntry::new(serial, NOW - 7_200)))
        .sign(&s.root.key)
        .expect("sign");
    Crl::from_der(der).expect("CRL parses")
}

/// The leaf's status and where it came from, or the error's kind.
fn check(s: &Setup, data: &RevocationData) -> Result<(CertStatus, StatusSource), String> {
    let mut store = TrustStore::new();
    store.add_certificate("test", Certificate::from_der(s.root.der.clone()).expect("root"));
    let policy = {
        let mut value = Policy::rfc5280();
        value.revocation = RevocationPolicy::leaf(RevocationMode::HardFail);
        value
    };
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW));
    let path = Verifier::new(store, policy)
        .verify(&ValidationInput::new(&s.leaf, time).revocation(data))
        .map_err(|e| e.kind().to_string())?;
    let status = path.revocation().first().expect("the leaf's status");
    Ok((status.status, status.source))
}

#[test]
fn a_revoked_delegated_responder_is_not_believed() {
    let s = setup();
    let responder_key = key("ocsp responder");
    let checked = responder(&s, &responder_key, false);
    let response = good_response(&s, &checked, &responder_key);

    // No CRL about the responder: its response is used.
    let mut only_ocsp = RevocationData::new();
    only_ocsp.add_ocsp(response.clone());
    assert_eq!(check(&s, &only_ocsp), Ok((CertStatus::Good, StatusSource::Ocsp)));

    // The root's CRL revokes the responder (not the leaf): the response is discarded, and the
    // CRL's own word on the leaf decides.
    let mut with_crl = only_ocsp.clone();
    with_crl.add_crl(crl(&s, &[checked.serial()]));
    assert_eq!(check(&s, &with_crl), Ok((CertStatus::Good, StatusSource::Crl)));

    // A CRL that does not list the responder: the response is used again.
    let mut clean_crl = only_ocsp.clone();
    clean_crl.add_crl(crl(&s, &[&[0x01, 0x02, 0x03]]));
    assert_eq!(check(&s, &clean_crl), Ok((CertStatus::Good, StatusSource::Ocsp)));

    // The CRL revokes both: revoked, whatever the responder said.
    let mut both = only_ocsp.clone();
    both.add_crl(crl(&s, &[checked.serial(), s.leaf.serial()]));
    assert_eq!(check(&s, &both), Err("revoked".to_string()));
}

#[test]
fn ocsp_nocheck_exempts_the_responder() {
    let s = setup();
    let responder_key = key("ocsp nocheck responder");
    let exempt = responder(&s, &responder_key, true);
    let mut data = RevocationData::new();
    data.add_ocsp(good_response(&s, &exempt, &responder_key));
    data.add_crl(crl(&s, &[exempt.serial()]));
    assert_eq!(check(&s, &data), Ok((CertStatus::Good, StatusSource::Ocsp)));
}

#[test]
fn a_response_tells_its_update_times() {
    let s = setup();
    let responder_key = key("ocsp responder");
    let response = good_response(&s, &responder(&s, &responder_key, true), &responder_key);
    let at = |secs: u64| UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs));
    assert_eq!(response.this_update(), Some(at(NOW - 3_600)));
    assert_eq!(response.next_update(), Some(at(NOW + 86_400)));

    // Several SingleResponses: the earliest nextUpdate; one without nextUpdate: none.
    let id = CertId::new(CertIdHash::Sha1, &s.root.name, s.root.key.spki_der(), &[0x05]).expect("cert id");
    let build = |second_next: Option<u64>| {
        let der = OcspResponseBuilder::new(ResponderId::by_key(s.root.key.spki_der()).expect("id"), NOW)
            .response(SingleResponse::new(id.clone(), OcspCertStatus::Good, NOW - 60, Some(NOW + 7_200)))
            .response(SingleResponse::new(id.clone(), OcspCertStatus::Good, NOW - 10, second_next))
            .sign(&s.root.key)
            .expect("sign");
        OcspResponse::from_der(der).expect("parses")
    };
    assert_eq!(build(Some(NOW + 3_600)).next_update(), Some(at(NOW + 3_600)));
    assert_eq!(build(Some(NOW + 9_000)).next_update(), Some(at(NOW + 7_200)));
    assert_eq!(build(None).next_update(), None);
    assert_eq!(build(None).this_update(), Some(at(NOW - 10)));
}
