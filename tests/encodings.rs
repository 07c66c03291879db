//! Encodings met in the wild (issue 14, class 5), each on certificates generated here with
//! `trustpath-testgen` and signed with the test PKI's keys (the RSA keys are the committed
//! `test-vectors/pki/keys/rsa2048-*.pem`): UTCTime years 1950 to 1969; RSA signature
//! AlgorithmIdentifiers without their NULL parameters; signature BIT STRINGs with unused bits;
//! BER PKCS#7 bundles.

use std::sync::Arc;

use trustpath::cert::parse_bundle;
use trustpath::revocation::{Crl, OcspResponse, RevocationData, RevocationMode, RevocationPolicy};
use trustpath::{
    Certificate, CertificatePool, ParseError, Policy, Reason, TrustStore, UnixTime, ValidationError, ValidationInput,
    Verifier,
};
use trustpath_testgen::bundle::{self, tlv};
use trustpath_testgen::ocsp::{CertId, CertIdHash, OcspCertStatus, ResponderId, SingleResponse};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{
    CertBuilder, CrlBuilder, CrlEntry, KeyKind, KeyPair, OcspResponseBuilder, Serial, SigAlg, crl, name,
};

/// 2026-06-01T00:00:00Z.
const NOW: u64 = 1_780_272_000;

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

/// A root and, below it, an intermediate CA, with P-256 keys.
struct Pki {
    root: Issuer,
    ca: Issuer,
}

fn issuer(cn: &str, key: Arc<KeyPair>, parent: Option<&Issuer>) -> Issuer {
    let n = name::NameBuilder::new().o("Encodings").cn(cn).build().expect("name");
    let der = match parent {
        None => templates::root(&n, &key).expect("root").sign(&key),
        Some(p) => p.sign(&templates::intermediate(&n, &key, p).expect("intermediate")),
    };
    Issuer::new(n, key, der.expect("sign"))
}

/// The committed RSA-2048 key `test-vectors/pki/keys/rsa2048-{which}.pem`.
fn rsa_key(which: &str) -> Arc<KeyPair> {
    let path = format!("{}/test-vectors/pki/keys/rsa2048-{which}.pem", env!("CARGO_MANIFEST_DIR"));
    let pem = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Arc::new(KeyPair::from_pkcs8_pem(&format!("encodings rsa {which}"), KeyKind::Rsa2048, &pem).expect("RSA key"))
}

fn rsa_pki() -> Pki {
    let root = issuer("Encodings RSA Root", rsa_key("root"), None);
    let ca = issuer("Encodings RSA CA", rsa_key("int"), Some(&root));
    Pki { root, ca }
}

fn p256_pki() -> Pki {
    let key = |n: &str| Arc::new(KeyPair::generate(&format!("encodings {n}"), KeyKind::P256).expect("key"));
    let root = issuer("Encodings Root", key("root"), None);
    let ca = issuer("Encodings CA", key("ca"), Some(&root));
    Pki { root, ca }
}

/// A leaf builder below `pki.ca` (with a P-256 key, whatever the CA's).
fn leaf(pki: &Pki, cn: &str) -> CertBuilder {
    let key = KeyPair::generate(&format!("encodings leaf {cn}"), KeyKind::P256).expect("key");
    let n = name::NameBuilder::new().o("Encodings").cn(cn).build().expect("name");
    templates::leaf(&n, &key, &pki.ca).expect("leaf")
}

/// Validates `leaf` at `time` under plain RFC 5280 rules, the root as the anchor.
fn validate(pki: &Pki, leaf: &Certificate, time: UnixTime) -> Result<usize, ValidationError> {
    let mut store = TrustStore::new();
    store.add_certificate("encodings", Certificate::from_der(pki.root.der.clone()).expect("root"));
    let intermediates = [Certificate::from_der(pki.ca.der.clone()).expect("ca")];
    let verifier = Verifier::new(store, Policy::rfc5280());
    verifier.verify(&ValidationInput::new(leaf, time).intermediates(&intermediates)).map(|p| p.certificates().len())
}

/// A Validity of two UTCTimes given as text.
fn utc_validity(not_before: &str, not_after: &str) -> Vec<u8> {
    tlv(0x30, &[tlv(0x17, not_before.as_bytes()), tlv(0x17, not_after.as_bytes())].concat())
}

/// RFC 5280 §4.1.2.5.1: a UTCTime year of 50 to 99 is 19YY. A notBefore of 1965 is long past.
#[test]
fn utctime_before_1970_starts_a_validity_period() {
    let pki = p256_pki();
    let der = leaf(&pki, "Since 1965").validity_der(utc_validity("650101000000Z", "491231235959Z"));
    let cert = Certificate::from_der(pki.ca.sign(&der).expect("sign")).expect("a 1965 notBefore parses");
    assert_eq!(cert.not_before_secs(), -157_766_400, "1965-01-01T00:00:00Z");
    assert_eq!(cert.not_before(), at(0), "as a UnixTime: the epoch");
    assert_eq!(cert.not_after_secs(), 2_524_607_999, "2049-12-31T23:59:59Z");
    assert_eq!(validate(&pki, &cert, at(NOW)).map_err(|e| e.to_string()), Ok(2));
    // At the epoch the leaf is within its validity; its CA (valid from 2025) is not.
    let e = validate(&pki, &cert, at(0)).expect_err("the CA is not yet valid");
    assert_eq!((e.kind(), e.certificate_index()), ("not_yet_valid", Some(1)), "{e}");
}

/// A notAfter in 1969 is before every validation time, the epoch included.
#[test]
fn utctime_before_1970_ends_a_validity_period() {
    let pki = p256_pki();
    let der = leaf(&pki, "Until 1969").validity_der(utc_validity("600101000000Z", "691231235959Z"));
    let cert = Certificate::from_der(pki.ca.sign(&der).expect("sign")).expect("a 1969 notAfter parses");
    assert_eq!(cert.not_after_secs(), -1);
    for time in [at(NOW), at(0)] {
        let e = validate(&pki, &cert, time).expect_err("expired");
        assert_eq!((e.kind(), e.certificate_index()), ("expired", Some(0)), "{e}");
        assert_eq!(e.reason(), &Reason::Expired { not_after: at(0) });
        assert!(e.to_string().contains("at or before 1970-01-01T00:00:00Z"), "{e}");
    }
}

/// sha256WithRSAEncryption (1.2.840.113549.1.1.11) with its NULL parameters, as DER.
fn rsa_sha256_with_null() -> Vec<u8> {
    SigAlg::RsaPkcs1Sha256.algorithm_identifier()
}

/// sha256WithRSAEncryption without parameters.
fn rsa_sha256_without_null() -> Vec<u8> {
    tlv(0x30, &tlv(0x06, &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]))
}

/// ecdsa-with-SHA256 with NULL parameters, which RFC 5758 §3.2 forbids.
fn ecdsa_sha256_with_null() -> Vec<u8> {
    tlv(0x30, &[&tlv(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])[..], &[0x05, 0x00]].concat())
}

/// A leaf signed by `pki.ca` with `alg`, its TBS `signature` field and outer
/// `signatureAlgorithm` encoded as given.
fn leaf_with_algorithms(pki: &Pki, cn: &str, alg: SigAlg, tbs: Vec<u8>, outer: Vec<u8>) -> Certificate {
    let builder =
        leaf(pki, cn).signature_algorithm(alg).tbs_signature_algorithm_der(tbs).outer_signature_algorithm_der(outer);
    Certificate::from_der(pki.ca.sign(&builder).expect("sign")).expect("parses")
}

/// RFC 4055 §5: verifiers MUST accept sha256WithRSAEncryption without its NULL parameters,
/// and the NULL and the absence name one algorithm, so the two fields agree either way.
#[test]
fn rsa_signature_algorithms_without_null_parameters_verify() {
    let pki = rsa_pki();
    let (with, without) = (rsa_sha256_with_null(), rsa_sha256_without_null());
    let cases =
        [("both absent", &without, &without), ("outer absent", &with, &without), ("TBS absent", &without, &with)];
    for (cn, tbs, outer) in cases {
        let cert = leaf_with_algorithms(&pki, cn, SigAlg::RsaPkcs1Sha256, tbs.clone(), outer.clone());
        assert_eq!(cert.signature_algorithm_id(), &outer[2..], "{cn}: encoded as asked");
        assert_eq!(validate(&pki, &cert, at(NOW)).map_err(|e| e.to_string()), Ok(2), "{cn}");
    }
    // The same certificate with a signature that does not verify is still refused for it.
    let builder = leaf(&pki, "forged")
        .signature_algorithm(SigAlg::RsaPkcs1Sha256)
        .tbs_signature_algorithm_der(without.clone())
        .outer_signature_algorithm_der(without.clone())
        .corrupt_signature();
    let forged = Certificate::from_der(pki.ca.sign(&builder).expect("sign")).expect("parses");
    let e = validate(&pki, &forged, at(NOW)).expect_err("bad signature");
    assert_eq!((e.kind(), e.certificate_index()), ("bad_signature", Some(0)), "{e}");
    // Different algorithms still disagree, with or without parameters.
    let sha384 = SigAlg::RsaPkcs1Sha384.algorithm_identifier();
    let cert = leaf_with_algorithms(&pki, "disagree", SigAlg::RsaPkcs1Sha256, sha384, without);
    let e = validate(&pki, &cert, at(NOW)).expect_err("the two fields name different algorithms");
    assert_eq!((e.kind(), e.certificate_index()), ("signature_algorithm_mismatch", Some(0)), "{e}");
}

/// An intermediate signed without the NULL is a CA like any other.
#[test]
fn rsa_ca_certificate_without_null_parameters_verifies() {
    let root = issuer("Encodings RSA Root", rsa_key("root"), None);
    let n = name::NameBuilder::new().o("Encodings").cn("Encodings RSA CA without NULL").build().expect("name");
    let key = rsa_key("int");
    let builder = templates::intermediate(&n, &key, &root)
        .expect("intermediate")
        .signature_algorithm(SigAlg::RsaPkcs1Sha256)
        .tbs_signature_algorithm_der(rsa_sha256_without_null())
        .outer_signature_algorithm_der(rsa_sha256_without_null());
    let pki = Pki { ca: Issuer::new(n, key, root.sign(&builder).expect("sign")), root };
    let cert = Certificate::from_der(pki.ca.sign(&leaf(&pki, "below")).expect("sign")).expect("leaf");
    assert_eq!(validate(&pki, &cert, at(NOW)).map_err(|e| e.to_string()), Ok(2));
}

/// ECDSA takes no parameters (RFC 5758 §3.2): a NULL there is not another spelling.
#[test]
fn ecdsa_signature_algorithm_with_null_parameters_is_refused() {
    let pki = p256_pki();
    let (null, plain) = (ecdsa_sha256_with_null(), SigAlg::EcdsaSha256.algorithm_identifier());
    // The signature is checked under the outer identifier, which no allowed algorithm has;
    // with the NULL only inside the TBS, the signature verifies and the fields disagree.
    let cases = [
        ("null both", &null, &null, "unsupported_signature_algorithm"),
        ("null outer", &plain, &null, "unsupported_signature_algorithm"),
        ("null tbs", &null, &plain, "signature_algorithm_mismatch"),
    ];
    for (cn, tbs, outer, kind) in cases {
        let cert = leaf_with_algorithms(&pki, cn, SigAlg::EcdsaSha256, tbs.clone(), outer.clone());
        let e = validate(&pki, &cert, at(NOW)).expect_err("NULL on ECDSA");
        assert_eq!((e.kind(), e.certificate_index()), (kind, Some(0)), "{cn}: {e}");
    }
}

/// A CRL issued by `pki.ca` revoking serial 0x42, whose thisUpdate and nextUpdate are the
/// UTCTimes given (any year RFC 5280 allows, 1950 included), properly signed.
fn crl_with_utc_times(pki: &Pki, this_update: &str, next_update: &str) -> Crl {
    let (this_text, next_text) = ("260531000000Z", "260602000000Z");
    let builder = CrlBuilder::new(&pki.ca.name, NOW - 86_400, NOW + 86_400)
        .expect("CRL")
        .extension(crl::crl_number(1))
        .entry(CrlEntry::new(&[0x42], NOW - 86_400));
    let alg = SigAlg::EcdsaSha256;
    let mut tbs = builder.tbs(alg).expect("TBS");
    for (from, to) in [(this_text, this_update), (next_text, next_update)] {
        let from = tlv(0x17, from.as_bytes());
        let at = tbs.windows(from.len()).position(|w| w == from).expect("the time is in the TBS");
        tbs.splice(at..at + from.len(), tlv(0x17, to.as_bytes()));
    }
    let signature = pki.ca.key.sign(alg, &tbs).expect("sign");
    let der = tlv(0x30, &[tbs, alg.algorithm_identifier(), tlv(0x03, &[&[0][..], &signature].concat())].concat());
    Crl::from_der(der).expect("a CRL with UTCTimes of the 1960s parses")
}

/// CRL times before 1970 are read and compared exactly: a CRL current since 1965 is used, one
/// whose nextUpdate was in 1969 is stale.
#[test]
fn crl_times_before_1970() {
    let pki = p256_pki();
    let cert =
        Certificate::from_der(pki.ca.sign(&leaf(&pki, "revoked").serial(Serial::Raw(vec![0x42]))).expect("sign"))
            .expect("leaf");
    let check = |crl: Crl| {
        let mut data = RevocationData::new();
        data.add_crl(crl);
        validate_with_revocation(&pki, &cert, &data).map_err(|e| e.kind())
    };
    let current = crl_with_utc_times(&pki, "650101000000Z", "491231235959Z");
    assert_eq!(current.this_update(), at(0), "as a UnixTime: the epoch");
    assert_eq!(check(current), Err("revoked"));
    let stale = crl_with_utc_times(&pki, "650101000000Z", "691231235959Z");
    assert_eq!(check(stale), Err("revocation_unknown"));
}

/// A CRL whose TBS `signature` field has no NULL while its outer one has it: the same
/// algorithm (RFC 5280 §5.1.1.2), so the CRL is used and reports the revocation.
#[test]
fn crl_signed_without_null_parameters_is_used() {
    let pki = rsa_pki();
    let cert =
        Certificate::from_der(pki.ca.sign(&leaf(&pki, "revoked").serial(Serial::Raw(vec![0x42]))).expect("sign"))
            .expect("leaf");
    let this_update = NOW - 86_400;
    let crl = CrlBuilder::new(&pki.ca.name, this_update, NOW + 86_400)
        .expect("CRL")
        .extension(crl::crl_number(1))
        .entry(CrlEntry::new(&[0x42], this_update))
        .signature_algorithm(SigAlg::RsaPkcs1Sha256)
        .tbs_signature_algorithm_der(rsa_sha256_without_null())
        .sign(&pki.ca.key)
        .expect("sign");
    let mut data = RevocationData::new();
    data.add_crl(Crl::from_der(crl).expect("CRL parses"));
    let mut store = TrustStore::new();
    store.add_certificate("encodings", Certificate::from_der(pki.root.der.clone()).expect("root"));
    let mut policy = Policy::rfc5280();
    policy.revocation = RevocationPolicy::leaf(RevocationMode::HardFail);
    let intermediates = [Certificate::from_der(pki.ca.der.clone()).expect("ca")];
    let input = ValidationInput::new(&cert, at(NOW)).intermediates(&intermediates).revocation(&data);
    let e = Verifier::new(store, policy).verify(&input).expect_err("revoked");
    assert_eq!((e.kind(), e.certificate_index()), ("revoked", Some(0)), "{e}");
}

/// Validates `leaf` at `NOW` with hard-fail revocation of the leaf and `data`.
fn validate_with_revocation(pki: &Pki, leaf: &Certificate, data: &RevocationData) -> Result<usize, ValidationError> {
    let mut store = TrustStore::new();
    store.add_certificate("encodings", Certificate::from_der(pki.root.der.clone()).expect("root"));
    let mut policy = Policy::rfc5280();
    policy.revocation = RevocationPolicy::leaf(RevocationMode::HardFail);
    let intermediates = [Certificate::from_der(pki.ca.der.clone()).expect("ca")];
    let input = ValidationInput::new(leaf, at(NOW)).intermediates(&intermediates).revocation(data);
    Verifier::new(store, policy).verify(&input).map(|p| p.certificates().len())
}

/// A signature is a whole number of octets in every algorithm, so a signature BIT STRING with
/// unused bits is a signature that does not verify (`bad_signature`), not an unreadable
/// certificate; a count above 7 is no BIT STRING at all.
#[test]
fn certificate_signature_with_unused_bits_is_a_bad_signature() {
    for pki in [p256_pki(), rsa_pki()] {
        let sound = Certificate::from_der(pki.ca.sign(&leaf(&pki, "Padded")).expect("sign")).expect("parses");
        assert_eq!(validate(&pki, &sound, at(NOW)).map_err(|e| e.to_string()), Ok(2));
        let mut padded = pki.ca.sign(&leaf(&pki, "Padded").signature_unused_bits(1)).expect("sign");
        let cert = Certificate::from_der(padded.clone()).expect("a signature with unused bits parses");
        assert_eq!(cert.signature(), sound.signature(), "the same octets");
        let e = validate(&pki, &cert, at(NOW)).expect_err("unused bits");
        assert_eq!((e.reason(), e.certificate_index()), (&Reason::BadSignature, Some(0)), "{e}");
        assert_eq!(e.kind(), "bad_signature");
        // The BIT STRING is the last TLV: its unused-bits octet comes just before the signature.
        let unused_bits_octet = padded.len() - cert.signature().len() - 1;
        assert_eq!(padded[unused_bits_octet], 1);
        padded[unused_bits_octet] = 8;
        let e = Certificate::from_der(padded).expect_err("8 unused bits");
        assert!(e.to_string().contains("signatureValue"), "{e}");
    }
}

/// The same for a CRL: it parses, and its signature fails as a corrupted one does.
#[test]
fn crl_signature_with_unused_bits_is_a_bad_signature() {
    let pki = p256_pki();
    let cert =
        Certificate::from_der(pki.ca.sign(&leaf(&pki, "revoked").serial(Serial::Raw(vec![0x42]))).expect("sign"))
            .expect("leaf");
    let outcome = |edit: fn(CrlBuilder) -> CrlBuilder| {
        let builder = CrlBuilder::new(&pki.ca.name, NOW - 86_400, NOW + 86_400)
            .expect("CRL")
            .extension(crl::crl_number(1))
            .entry(CrlEntry::new(&[0x42], NOW - 86_400));
        let mut data = RevocationData::new();
        data.add_crl(Crl::from_der(edit(builder).sign(&pki.ca.key).expect("sign")).expect("the CRL parses"));
        validate_with_revocation(&pki, &cert, &data).map_err(|e| (e.kind(), e.to_string()))
    };
    assert_eq!(outcome(|b| b).map_err(|e| e.0), Err("revoked"));
    let padded = outcome(|b| b.signature_unused_bits(1)).expect_err("an unusable CRL");
    assert_eq!(Err(padded.clone()), outcome(|b| b.corrupt_signature()), "as a corrupted signature");
    assert!(padded.1.contains("signature"), "{}", padded.1);
}

/// The same for an OCSP response.
#[test]
fn ocsp_signature_with_unused_bits_is_a_bad_signature() {
    let pki = p256_pki();
    let cert = Certificate::from_der(pki.ca.sign(&leaf(&pki, "checked")).expect("sign")).expect("leaf");
    let outcome = |edit: fn(OcspResponseBuilder) -> OcspResponseBuilder| {
        let id = CertId::new(CertIdHash::Sha1, &pki.ca.name, pki.ca.key.spki_der(), cert.serial()).expect("id");
        let single = SingleResponse::new(id, OcspCertStatus::Good, NOW - 3_600, Some(NOW + 86_400));
        let builder = OcspResponseBuilder::new(ResponderId::by_key(pki.ca.key.spki_der()).expect("id"), NOW - 3_600)
            .response(single);
        let der = edit(builder).sign(&pki.ca.key).expect("sign");
        let mut data = RevocationData::new();
        data.add_ocsp(OcspResponse::from_der(der).expect("the response parses"));
        validate_with_revocation(&pki, &cert, &data).map_err(|e| (e.kind(), e.to_string()))
    };
    assert_eq!(outcome(|b| b), Ok(2));
    let padded = outcome(|b| b.signature_unused_bits(3)).expect_err("an unusable response");
    assert_eq!(Err(padded.clone()), outcome(|b| b.corrupt_signature()), "as a corrupted signature");
    assert!(padded.1.contains("signature"), "{}", padded.1);
}

/// A PKCS#7 certs-only bundle as `openssl crl2pkcs7 -nocrl` writes it (DER), and the same with
/// indefinite lengths at every constructed level of the container, the certificates in DER:
/// both give the same certificates, byte for byte.
#[test]
fn ber_pkcs7_bundle_loads_the_certificates_of_its_der_form() {
    let pki = p256_pki();
    let leaf_der = pki.ca.sign(&leaf(&pki, "Bundled")).expect("sign");
    let certs = vec![pki.root.der.clone(), pki.ca.der.clone(), leaf_der.clone()];
    let der = bundle::pkcs7_certs_only(&certs);
    let ber = bundle::pkcs7_certs_only_ber(&certs).expect("BER");
    assert!(ber.starts_with(&[0x30, 0x80]) && ber.ends_with(&[0, 0, 0, 0]), "indefinite lengths");
    let armoured = bundle::pem("PKCS7", &ber).expect("PEM");
    for (form, input) in [("DER", &der[..]), ("BER", &ber[..]), ("PEM-armoured BER", armoured.as_bytes())] {
        let parsed = parse_bundle(input).unwrap_or_else(|e| panic!("{form}: {e}"));
        assert!(parsed.skipped.is_empty(), "{form}: {:?}", parsed.skipped);
        let loaded: Vec<&[u8]> = parsed.certificates.iter().map(|c| c.der().as_ref()).collect();
        assert_eq!(loaded, certs.iter().map(Vec::as_slice).collect::<Vec<_>>(), "{form}: the same bytes");
    }
    // Anchors and intermediates from BER bundles validate the chain.
    let store = TrustStore::from_bundle(&bundle::pkcs7_certs_only_ber(&certs[..1]).expect("BER")).expect("store");
    let (pool, skipped) =
        CertificatePool::from_bundle(&bundle::pkcs7_certs_only_ber(&certs[1..2]).expect("BER")).expect("pool");
    assert!(skipped.is_empty());
    let leaf = Certificate::from_der(leaf_der).expect("leaf");
    let path =
        Verifier::new(store, Policy::rfc5280()).with_intermediates(pool).verify(&ValidationInput::new(&leaf, at(NOW)));
    assert_eq!(path.map(|p| p.certificates().len()).map_err(|e| e.to_string()), Ok(2));
}

/// Every truncation of a BER bundle is a typed error (none loads fewer certificates), and
/// nesting beyond the bound is refused before it costs anything.
#[test]
fn truncated_and_deeply_nested_ber_bundles_are_typed_errors() {
    let pki = p256_pki();
    let ber = bundle::pkcs7_certs_only_ber(&[pki.root.der.clone(), pki.ca.der.clone()]).expect("BER");
    // Past the ContentInfo header and the signedData OID the input is known to be a BER bundle.
    let known = 2 + 11;
    for cut in 0..ber.len() {
        match parse_bundle(&ber[..cut]) {
            Ok(parsed) => panic!("{cut} of {} bytes loaded {} certificates", ber.len(), parsed.certificates.len()),
            Err(ParseError::Invalid { what: "BER", .. }) if cut >= known => {}
            Err(e) if cut >= known => panic!("{cut}: {e:?}"),
            Err(_) => {}
        }
    }
    let signed_data_oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
    let depth = 10_000;
    let mut nested = [&[0x30, 0x80][..], &signed_data_oid, &[0xa0, 0x80]].concat();
    nested.extend(std::iter::repeat_n([0x30, 0x80], depth).flatten());
    nested.extend(std::iter::repeat_n(0u8, 2 * (depth + 2)));
    let e = parse_bundle(&nested).expect_err("too deep");
    assert!(matches!(e, ParseError::LimitExceeded { what: "nested BER values", .. }), "{e:?}");
    assert!(TrustStore::from_bundle(&nested).is_err() && CertificatePool::from_bundle(&nested).is_err());
}

/// Through the command line: a leaf whose signature has unused bits is rejected as a bad
/// signature (exit 1), not as an unreadable input (exit 2); a leaf valid since 1965 is shown
/// so. Files are written to a per-test directory under `CARGO_TARGET_TMPDIR`.
#[cfg(feature = "cli")]
mod cli {
    use std::path::PathBuf;
    use std::process::Command;

    use super::*;
    use trustpath_testgen::bundle::pem;

    fn write_pki(test: &str, pki: &Pki, leaf: &[u8]) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("encodings-{test}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (file, der) in [("root.pem", &pki.root.der[..]), ("ca.pem", &pki.ca.der[..]), ("leaf.pem", leaf)] {
            std::fs::write(dir.join(file), pem("CERTIFICATE", der).expect("PEM")).expect("write");
        }
        dir
    }

    /// `trustpath chain verify` at `NOW` in `dir`, with `extra` arguments: (exit code, stdout).
    fn chain_verify(dir: &std::path::Path, extra: &[&str]) -> (i32, String) {
        let file = |f: &str| dir.join(f).to_string_lossy().into_owned();
        let mut args = vec!["chain".to_string(), "verify".into(), "--time".into(), "2026-06-01T00:00:00Z".into()];
        args.extend(["--anchors".into(), file("root.pem"), "--intermediates".into(), file("ca.pem")]);
        args.extend(extra.iter().map(|a| a.to_string()));
        args.push(file("leaf.pem"));
        let out = Command::new(env!("CARGO_BIN_EXE_trustpath")).args(&args).output().expect("run trustpath");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        (out.status.code().expect("exit status"), stdout)
    }

    #[test]
    fn unused_signature_bits_exit_1_as_a_bad_signature() {
        let pki = p256_pki();
        let leaf = pki.ca.sign(&leaf(&pki, "Padded").signature_unused_bits(1)).expect("sign");
        let dir = write_pki("unused-bits", &pki, &leaf);
        let (code, stdout) = chain_verify(&dir, &["--json"]);
        assert_eq!(code, 1, "{stdout}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(v["valid"], false);
        assert_eq!(v["error"]["kind"], "bad_signature", "{stdout}");
        assert_eq!(v["error"]["certificate_index"], 0, "{stdout}");
    }

    #[test]
    fn ber_bundles_are_read_as_anchors_and_intermediates() {
        let pki = p256_pki();
        let leaf = pki.ca.sign(&leaf(&pki, "Bundled")).expect("sign");
        let dir = write_pki("ber-bundles", &pki, &leaf);
        for (file, der) in [("root.pem", &pki.root.der), ("ca.pem", &pki.ca.der)] {
            let ber = bundle::pkcs7_certs_only_ber(std::slice::from_ref(der)).expect("BER");
            std::fs::write(dir.join(file), ber).expect("write");
        }
        let (code, stdout) = chain_verify(&dir, &["--json"]);
        assert_eq!(code, 0, "{stdout}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(v["valid"], true, "{stdout}");
    }

    #[test]
    fn validity_before_1970_is_shown() {
        let pki = p256_pki();
        let builder = leaf(&pki, "Since 1965").validity_der(utc_validity("650101000000Z", "491231235959Z"));
        let dir = write_pki("since-1965", &pki, &pki.ca.sign(&builder).expect("sign"));
        let (code, stdout) = chain_verify(&dir, &[]);
        assert_eq!(code, 0, "{stdout}");
        assert!(stdout.contains("validity: 1965-01-01T00:00:00Z to 2049-12-31T23:59:59Z"), "{stdout}");
        let builder = leaf(&pki, "Until 1969").validity_der(utc_validity("600101000000Z", "691231235959Z"));
        let dir = write_pki("until-1969", &pki, &pki.ca.sign(&builder).expect("sign"));
        let (code, stdout) = chain_verify(&dir, &[]);
        assert_eq!(code, 1, "{stdout}");
        assert!(stdout.contains("expired") && stdout.contains("1969-12-31T23:59:59Z"), "{stdout}");
    }
}

/// CMS (RFC 5754 §3.2, RFC 8017 appendix B.1): a SignerInfo's RSA signatureAlgorithm and its
/// digestAlgorithm may come with NULL parameters or without; both verify. Other parameters do
/// not. Messages signed at test time with the committed Direct test key (`test-vectors/direct`).
#[cfg(feature = "direct")]
mod cms_algorithm_parameters {
    use const_oid::ObjectIdentifier;
    use der::{Decode, Encode};
    use spki::AlgorithmIdentifierOwned;
    use trustpath::direct::{SmimeInput, SmimeSigner, SmimeVerifier};
    use trustpath::revocation::{Crl, RevocationData};
    use trustpath::{Certificate, TrustStore};

    const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
    const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

    fn read(name: &str) -> Vec<u8> {
        let path = format!("{}/test-vectors/direct/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn cert(name: &str) -> Certificate {
        Certificate::from_pem(&read(&format!("{name}.pem"))).expect("certificate")
    }

    fn identifier(oid: ObjectIdentifier, params: Option<&[u8]>) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned { oid, parameters: params.map(|p| der::Any::from_der(p).expect("parameters")) }
    }

    /// The detached signature `cms` with its one SignerInfo's algorithms replaced (neither is
    /// covered by the signature: the signed attributes are).
    fn with_algorithms(cms: &[u8], signature: AlgorithmIdentifierOwned, digest: AlgorithmIdentifierOwned) -> Vec<u8> {
        let mut ci = cms::content_info::ContentInfo::from_der(cms).expect("ContentInfo");
        let mut sd: cms::signed_data::SignedData = ci.content.decode_as().expect("SignedData");
        let mut infos: Vec<_> = sd.signer_infos.0.iter().cloned().collect();
        infos[0].signature_algorithm = signature;
        infos[0].digest_alg = digest.clone();
        sd.signer_infos = cms::signed_data::SignerInfos::try_from(infos).expect("SignerInfos");
        sd.digest_algorithms = vec![digest].try_into().expect("digest algorithms");
        ci.content = der::Any::encode_from(&sd).expect("encode");
        ci.to_der().expect("encode")
    }

    #[test]
    fn rsa_signer_algorithms_with_and_without_null() {
        let signer = SmimeSigner::from_private_key(&read("keys/address.pem"), vec![cert("address"), cert("int")])
            .expect("signer");
        let content = b"Content-Type: text/plain\r\n\r\nhello\r\n";
        let cms = signer.sign_detached(content).expect("sign");
        let mut store = TrustStore::new();
        store.add_certificate("directtrust", cert("int"));
        let verifier = SmimeVerifier::new(store);
        let time = trustpath::UnixTime::since_unix_epoch(std::time::Duration::from_secs(super::NOW));
        let mut crls = RevocationData::new();
        for name in ["crl/int.crl", "crl/root.crl"] {
            crls.add_crl(Crl::from_pem_or_der(&read(name)).expect("CRL"));
        }
        let input = SmimeInput::new(time).revocation(&crls);
        let verify = |cms: &[u8]| verifier.verify_signed_data(cms, Some(content), &input).map(|_| ());
        let null: &[u8] = &[0x05, 0x00];
        for signature in [SHA256_WITH_RSA, RSA_ENCRYPTION] {
            for (s, d) in [(None, None), (Some(null), None), (None, Some(null)), (Some(null), Some(null))] {
                let edited = with_algorithms(&cms, identifier(signature, s), identifier(SHA256, d));
                assert_eq!(verify(&edited).map_err(|e| e.to_string()), Ok(()), "{signature} {s:?} {d:?}");
            }
        }
        let octets: &[u8] = &[0x04, 0x00];
        let edited = with_algorithms(&cms, identifier(SHA256_WITH_RSA, Some(octets)), identifier(SHA256, None));
        assert_eq!(verify(&edited).map_err(|e| e.kind()), Err("cms_signature_algorithm"));
        let edited = with_algorithms(&cms, identifier(SHA256_WITH_RSA, None), identifier(SHA256, Some(octets)));
        assert_eq!(verify(&edited).map_err(|e| e.kind()), Err("malformed_cms"));
    }
}
