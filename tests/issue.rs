//! `trustpath::issue` (feature `issue`) against trustpath's own validator: a community's root
//! and intermediate, every end-entity profile, and their CRLs. Each certificate validates under
//! its preset made strict (a finding of the RFC 5280 §4 or CA/B Forum table would refuse it),
//! and is refused once a CRL lists it.

#![cfg(feature = "issue")]

use std::time::Duration;

use trustpath::issue::crl::reason;
use trustpath::issue::name::NameBuilder;
use trustpath::issue::{Authority, CrlEntry, DirectUsage, EndEntity, IssueError, KeyAlgorithm, KeyPair, Publication};
use trustpath::revocation::{Crl, RevocationData};
use trustpath::{Certificate, ExpectedName, Policy, Reason, TrustStore, UnixTime, ValidationInput, Verifier};

/// 2026-01-01T00:00:00Z.
const START: u64 = 1_767_225_600;
const DAY: u64 = 86_400;

struct Community {
    root: Authority,
    intermediate: Authority,
}

fn community(key: KeyAlgorithm) -> Result<Community, IssueError> {
    let name = |cn: &str| NameBuilder::new().o("Test Community").cn(cn).build();
    let publish = |stem: &str| Publication {
        crl_url: Some(format!("http://pki.test.example/crl/{stem}.crl")),
        certificate_url: Some(format!("http://pki.test.example/ca/{stem}.cer")),
    };
    let root = Authority::root(&name("Root")?, KeyPair::generate(key)?, START, START + 3650 * DAY, publish("root"))?;
    let intermediate =
        root.intermediate(&name("Issuing")?, KeyPair::generate(key)?, START, START + 3650 * DAY, publish("int"))?;
    Ok(Community { root, intermediate })
}

fn profiles() -> Vec<(EndEntity, KeyAlgorithm, Policy, Option<ExpectedName>)> {
    let uri = "https://client.test.example/apps/42".to_string();
    let direct = |usage| EndEntity::DirectAddress { address: "alice@direct.test.example".into(), usage };
    vec![
        (EndEntity::UdapClient { client_uri: uri.clone() }, KeyAlgorithm::P256, Policy::udap(), None),
        (
            EndEntity::UdapServer { base_url: "https://fhir.test.example/r4".into(), dns_names: vec![] },
            KeyAlgorithm::P384,
            Policy::udap(),
            None,
        ),
        (
            EndEntity::TlsServer { dns_names: vec!["fhir.test.example".into(), "api.test.example".into()] },
            KeyAlgorithm::Rsa(2048),
            Policy::tls_server(),
            Some(ExpectedName::Dns("api.test.example".into())),
        ),
        (
            EndEntity::TlsClient { uri: Some(uri), dns_names: vec!["client.test.example".into()] },
            KeyAlgorithm::P256,
            Policy::tls_client(),
            None,
        ),
        (direct(DirectUsage::Sign), KeyAlgorithm::P256, Policy::direct(), None),
        (direct(DirectUsage::Encrypt), KeyAlgorithm::Rsa(2048), Policy::direct(), None),
        (
            EndEntity::DirectDomain { domain: "direct.test.example".into(), usage: DirectUsage::Dual },
            KeyAlgorithm::Rsa(2048),
            Policy::direct(),
            None,
        ),
    ]
}

fn crls(
    c: &Community,
    revoked: &[(&Certificate, u8)],
    number: u64,
) -> Result<RevocationData, Box<dyn std::error::Error>> {
    let entries = revoked.iter().map(|(cert, code)| CrlEntry::new(cert.serial(), START + DAY).reason(*code));
    let mut data = RevocationData::new();
    data.add_crl(Crl::from_der(c.root.crl(number, START, START + 30 * DAY, [])?)?);
    data.add_crl(Crl::from_der(c.intermediate.crl(number, START, START + 30 * DAY, entries)?)?);
    Ok(data)
}

#[test]
fn every_profile_validates_strictly_under_its_preset_until_revoked() -> Result<(), Box<dyn std::error::Error>> {
    let c = community(KeyAlgorithm::P256)?;
    let mut store = TrustStore::new();
    store.add_certificate("test", c.root.certificate().clone());
    let intermediates = [c.intermediate.certificate().clone()];
    let now = UnixTime::since_unix_epoch(Duration::from_secs(START + 2 * DAY));
    for (entity, key, policy, name) in profiles() {
        let key = KeyPair::generate(key)?;
        let leaf = c.intermediate.issue(&entity, &key, START, START + 365 * DAY)?;
        let verifier = Verifier::new(store.clone(), policy.strict_profile());
        let good = crls(&c, &[], 1)?;
        let mut input = ValidationInput::new(&leaf, now).intermediates(&intermediates).revocation(&good);
        if let Some(name) = name.clone() {
            input = input.expect_name(name);
        }
        let path = verifier.verify(&input).map_err(|e| format!("{}: {e}", entity.profile_name()))?;
        assert!(path.findings().is_empty(), "{}: {:?}", entity.profile_name(), path.findings());
        assert_eq!(leaf.authority_key_id(), c.intermediate.certificate().subject_key_id());
        assert!(leaf.subject_key_id().is_some());

        let revoked = crls(&c, &[(&leaf, reason::KEY_COMPROMISE)], 2)?;
        let mut input = ValidationInput::new(&leaf, now).intermediates(&intermediates).revocation(&revoked);
        if let Some(name) = name {
            input = input.expect_name(name);
        }
        let error = verifier.verify(&input).err().ok_or("a revoked certificate was accepted")?;
        assert!(matches!(error.reason(), Reason::Revoked { .. }), "{}: {error}", entity.profile_name());
    }
    Ok(())
}

#[test]
fn bad_names_keys_and_validities_are_refused_before_anything_is_signed() -> Result<(), IssueError> {
    let c = community(KeyAlgorithm::P256)?;
    let key = KeyPair::generate(KeyAlgorithm::P256)?;
    let refused = |entity: EndEntity| c.intermediate.issue(&entity, &key, START, START + DAY).err();
    for entity in [
        EndEntity::UdapClient { client_uri: "http://client.test.example/".into() },
        EndEntity::UdapClient { client_uri: "https://client.test.example./a".into() },
        EndEntity::TlsServer { dns_names: vec![] },
        EndEntity::TlsServer { dns_names: vec!["bad name.example".into()] },
        EndEntity::TlsClient { uri: None, dns_names: vec![] },
        EndEntity::DirectAddress { address: "alice@direct.test.example".into(), usage: DirectUsage::Dual },
        EndEntity::DirectDomain { domain: "localhost".into(), usage: DirectUsage::Sign },
    ] {
        let profile = entity.profile_name();
        assert!(matches!(refused(entity), Some(IssueError::InvalidInput { .. })), "{profile}");
    }
    let client = EndEntity::UdapClient { client_uri: "https://client.test.example/a".into() };
    let outlives = c.intermediate.issue(&client, &key, START, START + 4000 * DAY);
    assert!(matches!(outlives, Err(IssueError::InvalidInput { what: "validity", .. })), "{outlives:?}");
    let backwards = c.intermediate.issue(&client, &key, START + DAY, START + DAY);
    assert!(matches!(backwards, Err(IssueError::InvalidInput { what: "validity", .. })));
    // An Authority must hold the key of its certificate.
    let wrong = Authority::new(c.root.certificate().der().to_vec(), key, Publication::default());
    assert!(matches!(wrong, Err(IssueError::InvalidInput { what: "CA key", .. })));
    Ok(())
}

#[test]
fn issued_certificates_carry_the_community_urls() -> Result<(), IssueError> {
    let c = community(KeyAlgorithm::P256)?;
    let key = KeyPair::generate(KeyAlgorithm::P256)?;
    let client = EndEntity::UdapClient { client_uri: "https://client.test.example/a".into() };
    let leaf = c.intermediate.issue(&client, &key, START, START + DAY)?;
    let der = leaf.der().as_ref().to_vec();
    for url in ["http://pki.test.example/crl/int.crl", "http://pki.test.example/ca/int.cer"] {
        assert!(der.windows(url.len()).any(|w| w == url.as_bytes()), "{url}");
    }
    let intermediate = c.intermediate.certificate().der().as_ref().to_vec();
    assert!(intermediate.windows(8).any(|w| w == b"root.crl"), "the intermediate points at the root's CRL");
    assert_eq!(leaf.subject_string(), "CN=https://client.test.example/a,O=Test Community");
    Ok(())
}
