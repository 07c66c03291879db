//! Direct messaging (`trustpath::direct`, feature `direct`): address- and domain-bound signers,
//! an intermediate as the anchor, sender mismatch, key usage, revocation, SHA-1, tampering,
//! wrong signers, detached and encapsulated forms, BER, FHIR attachments, limits, and
//! interoperability with OpenSSL — committed OpenSSL-signed messages
//! (`test-vectors/direct/openssl/`) and, when `openssl` is installed, both directions at test
//! time in a temporary directory. Vectors: `test-vectors/direct/` (see its README).

#![cfg(feature = "direct")]

#[path = "support/direct_vectors.rs"]
mod direct_vectors;

use std::path::PathBuf;
use std::process::Command;

use der::{Decode, Encode};
use direct_vectors::*;
use trustpath::TrustStore;
use trustpath::direct::{
    Binding, BindingPolicy, DigestAlgorithm, DirectError, FhirFormat, Limits, MessageBuilder, SignedForm, SmimeInput,
    SmimeSigner, SmimeVerifier, VerifiedMessage, binding, check_binding,
};

/// 2026-06-01T00:00:00Z: inside the certificates' (2025–2030) and CRLs' (May–July 2026)
/// validity.
const TIME_RFC3339: &str = "2026-06-01T00:00:00Z";

fn store(anchors: &[&str]) -> TrustStore {
    let mut store = TrustStore::new();
    for a in anchors {
        store.add_certificate("directtrust", cert(a));
    }
    store
}

/// Trusts the intermediate "Direct CA" only, as a DirectTrust bundle does.
fn verifier() -> SmimeVerifier {
    SmimeVerifier::new(store(&["int"]))
}

fn signer(name: &str) -> SmimeSigner {
    SmimeSigner::from_private_key(&read(&format!("keys/{name}.pem")), vec![cert(name), cert("int")]).unwrap()
}

fn bundle() -> Vec<u8> {
    read("fhir/bundle.json")
}

/// A wrapped message from `from` with a text part and the FHIR Bundle.
fn builder(from: &str) -> MessageBuilder {
    MessageBuilder::new(address(from), vec![address("bob@direct.example.net")])
        .subject("Patient summary")
        .date(time())
        .message_id("test-1@direct.example.org")
        .text("Please find the patient summary attached.")
        .attach_fhir("bundle.json", bundle())
        .unwrap()
}

fn message(signer_name: &str, from: &str) -> Vec<u8> {
    builder(from).sign(&signer(signer_name).with_signing_time(time())).unwrap()
}

fn verify(v: &SmimeVerifier, message: &[u8]) -> Result<VerifiedMessage, DirectError> {
    let data = crls();
    v.verify_message(message, &SmimeInput::new(time()).revocation(&data))
}

fn verify_from(v: &SmimeVerifier, message: &[u8], sender: &str) -> Result<VerifiedMessage, DirectError> {
    let data = crls();
    v.verify_message(message, &SmimeInput::new(time()).revocation(&data).sender(address(sender)))
}

fn kind<T: std::fmt::Debug>(r: Result<T, DirectError>) -> &'static str {
    r.expect_err("expected a rejection").kind()
}

fn assert_bundle_attachment(m: &VerifiedMessage) {
    let attachments: Vec<_> = m.attachments().collect();
    assert_eq!(attachments.len(), 1, "{:?}", m.parts());
    let a = attachments[0];
    assert_eq!(a.content_type(), "application/fhir+json");
    assert_eq!(a.filename(), Some("bundle.json"));
    assert_eq!(a.bytes(), bundle().as_slice());
    let fhir = a.fhir().unwrap();
    assert_eq!(
        (fhir.format(), fhir.resource_type(), fhir.bundle_type()),
        (FhirFormat::Json, Some("Bundle"), Some("collection"))
    );
    assert!(m.parts().iter().any(|p| p.content_type() == "text/plain" && !p.is_attachment()));
}

#[test]
fn address_bound_signer_with_fhir_bundle() {
    let msg = message("address", "alice@direct.example.org");
    let m = verify(&verifier(), &msg).unwrap();
    assert_eq!(m.form(), SignedForm::MultipartSigned);
    assert_eq!(m.binding(), Some(Binding::Address));
    assert_eq!(m.sender().map(|s| s.as_str()), Some("alice@direct.example.org"));
    assert_eq!(m.signer(), &cert("address"));
    assert_eq!(m.path().anchor().certificate(), Some(&cert("int")), "the intermediate is the anchor");
    assert_eq!(m.path().revocation().len(), 1);
    assert_eq!(m.signature().digest_algorithm(), DigestAlgorithm::Sha256);
    assert_eq!(m.signature().signing_time(), Some(time()));
    assert_eq!(m.micalg(), Some("sha-256"));
    assert_bundle_attachment(&m);
    // The address compares case-insensitively, as Direct practice does.
    assert!(verify_from(&verifier(), &msg, "ALICE@Direct.Example.ORG").is_ok());
    let exact =
        verifier().with_binding_policy(BindingPolicy { case_insensitive_local_part: false, ..Default::default() });
    assert_eq!(kind(verify_from(&exact, &msg, "ALICE@direct.example.org")), "binding_mismatch");
}

#[test]
fn domain_bound_signer() {
    let msg = message("domain", "alice@direct.example.org");
    let m = verify(&verifier(), &msg).unwrap();
    assert_eq!(m.binding(), Some(Binding::Domain));
    let only_address =
        verifier().with_binding_policy(BindingPolicy { allow_domain_bound: false, ..Default::default() });
    assert_eq!(kind(verify(&only_address, &msg)), "binding_mismatch");
    // A parent or sibling domain does not bind.
    assert_eq!(kind(verify_from(&verifier(), &msg, "alice@example.org")), "binding_mismatch");
    assert_eq!(kind(verify_from(&verifier(), &msg, "alice@sub.direct.example.org")), "binding_mismatch");
}

#[test]
fn binding_rules() {
    let policy = BindingPolicy::default();
    let alice = address("alice@direct.example.org");
    assert_eq!(binding(&cert("address"), &alice, &policy), Some(Binding::Address));
    assert_eq!(binding(&cert("domain"), &alice, &policy), Some(Binding::Domain));
    assert_eq!(binding(&cert("ec"), &alice, &policy), None);
    let e = check_binding(&cert("ec"), &alice, &policy).unwrap_err();
    assert_eq!(e.kind(), "binding_mismatch");
    assert!(e.to_string().contains("email:dave@direct.example.org"), "{e}");
}

#[test]
fn anchors_root_bundle_and_untrusted() {
    let msg = message("address", "alice@direct.example.org");
    // Anchored at the root: the intermediate's revocation is checked too (root CRL).
    let m = verify(&SmimeVerifier::new(store(&["root"])), &msg).unwrap();
    assert_eq!(m.path().certificates().len(), 2);
    assert_eq!(m.path().revocation().len(), 2);
    // The certs-only bundle as a DirectTrust bundle.
    let from_bundle = SmimeVerifier::new(TrustStore::from_bundle(&read("bundle.p7b")).unwrap());
    assert!(verify(&from_bundle, &msg).is_ok());
    // Another community's anchor does not trust it.
    assert_eq!(kind(verify(&SmimeVerifier::new(store(&["other-ca"])), &msg)), "unknown_issuer");
}

#[test]
fn mismatched_sender() {
    let msg = message("address", "alice@direct.example.org");
    assert_eq!(kind(verify_from(&verifier(), &msg, "mallory@direct.example.org")), "binding_mismatch");
    // The signed (wrapped) From header names someone else.
    let spoofed = message("address", "eve@direct.example.org");
    let e = verify(&verifier(), &spoofed).unwrap_err();
    assert_eq!(e.kind(), "binding_mismatch");
    assert!(e.to_string().contains("eve@direct.example.org"), "{e}");
}

#[test]
fn signing_certificate_without_digital_signature() {
    let msg = message("encrypt-only", "carol@direct.example.org");
    let e = verify(&verifier(), &msg).unwrap_err();
    assert_eq!(e.kind(), "key_usage");
    assert_eq!(e.validation_error().and_then(|v| v.certificate_index()), Some(0));
}

#[test]
fn revoked_signer_and_hard_fail() {
    let msg = message("revoked", "bob@direct.example.org");
    let e = verify(&verifier(), &msg).unwrap_err();
    assert_eq!(e.kind(), "revoked");
    assert!(e.to_string().contains("keyCompromise"), "{e}");
    // Without CRLs the Direct policy fails hard.
    let good = message("address", "alice@direct.example.org");
    assert_eq!(kind(verifier().verify_message(&good, &SmimeInput::new(time()))), "revocation_unknown");
}

#[test]
fn sha1_digest_refused_unless_legacy() {
    let msg = read("openssl/sha1.eml");
    let e = verify(&verifier(), &msg).unwrap_err();
    assert_eq!(e.kind(), "digest_algorithm");
    assert!(e.to_string().contains("SHA-1"), "{e}");
    let m = verify(&verifier().allow_sha1(true), &msg).unwrap();
    assert_eq!(m.signature().digest_algorithm(), DigestAlgorithm::Sha1);
    assert!(signer("address").with_digest(DigestAlgorithm::Sha1).is_err());
}

fn replace_once(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = haystack.windows(from.len()).position(|w| w == from).expect("pattern present");
    [&haystack[..at], to, &haystack[at + from.len()..]].concat()
}

#[test]
fn tampered_content_and_signature() {
    let msg = message("address", "alice@direct.example.org");
    let tampered = replace_once(&msg, b"Please find", b"Please fine");
    assert_eq!(kind(verify(&verifier(), &tampered)), "message_digest_mismatch");
    // A tampered signature value (the last bytes of the DER SignedData).
    let s = signer("address");
    let content = b"Content-Type: text/plain\r\n\r\nhello\r\n";
    let mut cms = s.sign_detached(content).unwrap();
    let last = cms.len() - 1;
    cms[last] ^= 1;
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data);
    assert_eq!(kind(verifier().verify_signed_data(&cms, Some(content), &input)), "cms_bad_signature");
}

/// A message the caller owns verifies as the borrowed one does, and is refused as it is.
#[test]
fn owned_messages_verify_as_borrowed_ones() {
    let msg = message("address", "alice@direct.example.org");
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data);
    let borrowed = verifier().verify_message(&msg, &input).unwrap();
    let owned = verifier().verify_owned_message(msg.clone(), &input).unwrap();
    assert_eq!(owned.sender(), borrowed.sender());
    assert_eq!(owned.signed_content(), borrowed.signed_content());
    assert_eq!(owned.signed_content().len(), borrowed.signed_content().len());
    assert_bundle_attachment(&owned);
    let tampered = replace_once(&msg, b"Please find", b"Please fine");
    assert_eq!(kind(verifier().verify_owned_message(tampered, &input)), "message_digest_mismatch");
    let other_sender = SmimeInput::new(time()).revocation(&data).sender(address("bob@direct.example.org"));
    assert_eq!(kind(verifier().verify_owned_message(msg, &other_sender)), "binding_mismatch");
}

fn signed_data(cms: &[u8]) -> cms::signed_data::SignedData {
    cms::content_info::ContentInfo::from_der(cms).unwrap().content.decode_as().unwrap()
}

/// Re-encodes a CMS SignedData after `edit`.
fn edit_signed_data(cms: &[u8], edit: impl FnOnce(&mut cms::signed_data::SignedData)) -> Vec<u8> {
    let mut ci = cms::content_info::ContentInfo::from_der(cms).unwrap();
    let mut sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    edit(&mut sd);
    ci.content = der::Any::encode_from(&sd).unwrap();
    ci.to_der().unwrap()
}

#[test]
fn wrong_signer_certificate() {
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data).sender(address("alice@direct.example.org"));
    let content = b"Content-Type: text/plain\r\n\r\nhello\r\n";
    // Signed by a certificate of another CA for the same address: untrusted.
    let other = SmimeSigner::from_private_key(&read("keys/other.pem"), vec![cert("other")]).unwrap();
    let cms = other.sign_detached(content).unwrap();
    assert_eq!(kind(verifier().verify_signed_data(&cms, Some(content), &input)), "unknown_issuer");
    // The key does not belong to the certificate.
    assert_eq!(
        SmimeSigner::from_private_key(&read("keys/domain.pem"), vec![cert("address")]).unwrap_err().kind(),
        "invalid_key"
    );
    // The SignerInfo names the address certificate, but the domain key signed.
    let by_domain = signer("domain").sign_detached(content).unwrap();
    let by_address = signer("address").sign_detached(content).unwrap();
    let address_sid = signed_data(&by_address).signer_infos.0.get(0).unwrap().sid.clone();
    let forged = edit_signed_data(&by_domain, |sd| {
        let mut infos: Vec<_> = sd.signer_infos.0.iter().cloned().collect();
        infos[0].sid = address_sid;
        sd.signer_infos = cms::signed_data::SignerInfos::try_from(infos).unwrap();
        let certs = [cert("address"), cert("int")]
            .iter()
            .map(|c| cms::cert::CertificateChoices::Certificate(x509_cert::Certificate::from_der(c.der()).unwrap()))
            .collect::<Vec<_>>();
        sd.certificates = Some(cms::signed_data::CertificateSet::try_from(certs).unwrap());
    });
    assert_eq!(kind(verifier().verify_signed_data(&forged, Some(content), &input)), "cms_bad_signature");
    // No certificate in the SignedData: the signer is not found, unless the caller knows it.
    let bare = edit_signed_data(&by_address, |sd| sd.certificates = None);
    assert_eq!(kind(verifier().verify_signed_data(&bare, Some(content), &input)), "signer_not_found");
    let knowing = verifier().with_certificates(vec![cert("address")]);
    assert!(knowing.verify_signed_data(&bare, Some(content), &input).is_ok());
}

#[test]
fn detached_and_encapsulated_forms() {
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data).sender(address("alice@direct.example.org"));
    let s = signer("address");
    let entity = builder("alice@direct.example.org").signed_entity().unwrap();
    let detached = s.sign_detached(&entity).unwrap();
    let sig = verifier().verify_signed_data(&detached, Some(&entity), &input).unwrap();
    assert_eq!((sig.binding(), sig.encapsulated_content()), (Some(Binding::Address), None));
    assert_eq!(sig.certificates().len(), 2);
    assert_eq!(kind(verifier().verify_signed_data(&detached, None, &input)), "malformed_cms");
    let encapsulated = s.sign_encapsulated(&entity).unwrap();
    let sig = verifier().verify_signed_data(&encapsulated, None, &input).unwrap();
    assert_eq!(sig.encapsulated_content(), Some(entity.as_slice()));
    assert_eq!(kind(verifier().verify_signed_data(&encapsulated, Some(&entity), &input)), "malformed_cms");
    // verify_detached parses the content's parts.
    let m = verifier().verify_detached(&detached, &entity, &SmimeInput::new(time()).revocation(&data)).unwrap();
    assert_eq!((m.form(), m.binding()), (SignedForm::Detached, Some(Binding::Address)));
    assert_bundle_attachment(&m);
    // PEM armour.
    let pem = pem_rfc7468::encode_string("PKCS7", pem_rfc7468::LineEnding::LF, &detached).unwrap();
    assert!(verifier().verify_signed_data(pem.as_bytes(), Some(&entity), &input).is_ok());
}

#[test]
fn pkcs7_mime_message_built_by_hand() {
    let entity = builder("alice@direct.example.org").signed_entity().unwrap();
    let cms = signer("address").sign_encapsulated(&entity).unwrap();
    let b64 = pem_rfc7468::encode_string("X", pem_rfc7468::LineEnding::CRLF, &cms).unwrap();
    let body: String = b64.lines().filter(|l| !l.starts_with("-----")).map(|l| format!("{l}\r\n")).collect();
    let msg = format!(
        "From: alice@direct.example.org\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; \
         smime-type=signed-data; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}"
    );
    let m = verify(&verifier(), msg.as_bytes()).unwrap();
    assert_eq!((m.form(), m.binding()), (SignedForm::SignedData, Some(Binding::Address)));
    assert_bundle_attachment(&m);
}

#[test]
fn other_algorithms() {
    let ec = message("ec", "dave@direct.example.org");
    assert_eq!(verify(&verifier(), &ec).unwrap().binding(), Some(Binding::Address));
    let pss = builder("alice@direct.example.org").sign(&signer("address").with_rsa_pss().unwrap()).unwrap();
    assert!(verify(&verifier(), &pss).is_ok());
    let sha384 = builder("alice@direct.example.org")
        .sign(&signer("address").with_digest(DigestAlgorithm::Sha384).unwrap())
        .unwrap();
    let m = verify(&verifier(), &sha384).unwrap();
    assert_eq!((m.micalg(), m.signature().digest_algorithm()), (Some("sha-384"), DigestAlgorithm::Sha384));
}

/// CMS signatures go through the verifier's algorithm policy, whatever its backend: OpenSSL's
/// RSASSA-PSS signature uses a 222-byte salt, which the RustCrypto PSS algorithm verifies and a
/// plugged-in ring PSS algorithm (salt as long as the hash only) refuses instead of being
/// bypassed; without PSS in the policy, PSS is refused, and PKCS#1 v1.5 still verifies.
#[test]
fn cms_signatures_use_the_policys_algorithms() {
    use trustpath::crypto::AlgorithmPolicy;
    let pss = read("openssl/pss.eml");
    let with = |algorithms: AlgorithmPolicy| {
        let mut policy = trustpath::Policy::direct();
        policy.algorithms = algorithms;
        SmimeVerifier::with_policy(store(&["int"]), policy)
    };
    assert!(verify(&with(AlgorithmPolicy::default()), &pss).is_ok());
    let ring = AlgorithmPolicy::new(&[
        webpki::ring::RSA_PKCS1_2048_8192_SHA256,
        webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    ]);
    let e = verify(&with(ring.clone()), &pss).unwrap_err();
    assert_eq!(e.kind(), "cms_signature_algorithm", "{e}");
    assert!(e.to_string().contains("222-byte salt"), "{e}");
    // trustpath's own PSS signatures (salt as long as the hash) verify with ring's algorithm.
    let ours = builder("alice@direct.example.org").sign(&signer("address").with_rsa_pss().unwrap()).unwrap();
    assert!(verify(&with(ring.clone()), &ours).is_ok());
    let pkcs1_only = AlgorithmPolicy::new(&[webpki::ring::RSA_PKCS1_2048_8192_SHA256]);
    assert_eq!(kind(verify(&with(pkcs1_only.clone()), &pss)), "cms_signature_algorithm");
    assert!(verify(&with(pkcs1_only), &read("openssl/detached-crlf.eml")).is_ok());
}

/// A `multipart/signed` with a third part — before the signature, inside what would be the
/// signed content, or after it — is refused, whichever end it is read from.
#[test]
fn multipart_signed_with_three_parts_is_refused() {
    let msg = String::from_utf8(message("address", "alice@direct.example.org")).unwrap();
    let boundary = msg.split("boundary=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let extra = format!("--{boundary}\r\nContent-Type: text/plain\r\n\r\nextra\r\n");
    let signature_at = msg.find(&format!("--{boundary}\r\nContent-Type: application/pkcs7-signature")).unwrap();
    let before_signature = format!("{}{extra}{}", &msg[..signature_at], &msg[signature_at..]);
    let close = format!("--{boundary}--");
    let close_at = msg.find(&close).unwrap();
    let after_signature = format!("{}{extra}{}", &msg[..close_at], &msg[close_at..]);
    for (what, m) in [("before the signature", before_signature), ("after the signature", after_signature)] {
        let e = verify(&verifier(), m.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), "malformed_mime", "{what}: {e}");
        assert!(e.to_string().contains("exactly two parts"), "{what}: {e}");
    }
}

#[test]
fn lf_line_ends_are_canonicalised() {
    let msg = message("address", "alice@direct.example.org");
    let lf = String::from_utf8(msg).unwrap().replace("\r\n", "\n");
    let m = verify(&verifier(), lf.as_bytes()).unwrap();
    assert!(m.signed_content().windows(2).any(|w| w == b"\r\n"), "hashed in canonical form");
}

#[test]
fn unwrapped_message_uses_the_outer_from() {
    let msg = builder("alice@direct.example.org").wrapped(false).sign(&signer("address")).unwrap();
    let m = verify(&verifier(), &msg).unwrap();
    assert_eq!(m.sender().map(|s| s.as_str()), Some("alice@direct.example.org"));
    assert_bundle_attachment(&m);
}

#[test]
fn openssl_made_messages_verify() {
    let v = verifier();
    for (file, form, binding) in [
        ("detached-lf.eml", SignedForm::MultipartSigned, Binding::Address),
        ("detached-crlf.eml", SignedForm::MultipartSigned, Binding::Address),
        ("opaque.eml", SignedForm::SignedData, Binding::Address),
        ("opaque-ber.eml", SignedForm::SignedData, Binding::Address),
        ("pss.eml", SignedForm::MultipartSigned, Binding::Address),
        ("domain.eml", SignedForm::MultipartSigned, Binding::Domain),
    ] {
        let m = verify(&v, &read(&format!("openssl/{file}"))).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!((m.form(), m.binding()), (form, Some(binding)), "{file}");
        assert!(m.signature().signing_time().is_some(), "{file}");
        assert_bundle_attachment(&m);
    }
    // The P-256 signer is bound to dave@, not to the From address alice@.
    assert_eq!(kind(verify(&v, &read("openssl/ec.eml"))), "binding_mismatch");
    assert!(verify_from(&v, &read("openssl/ec.eml"), "dave@direct.example.org").is_ok());
    // A bare BER SignedData (indefinite lengths, chunked eContent) and a bare detached one.
    let ber = read("openssl/opaque-ber.p7m");
    assert!(ber.starts_with(&[0x30, 0x80]), "the vector is BER");
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data).sender(address("alice@direct.example.org"));
    let sig = v.verify_signed_data(&ber, None, &input).unwrap();
    assert_eq!(sig.encapsulated_content(), Some(read("openssl/entity.eml").as_slice()));
    assert!(v.verify_signed_data(&read("openssl/detached.p7s"), Some(&read("openssl/entity.eml")), &input).is_ok());
}

#[test]
fn not_signed_unsupported_and_malformed() {
    let v = verifier();
    let plain = b"From: alice@direct.example.org\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
    assert_eq!(kind(verify(&v, plain)), "not_signed");
    let enveloped = b"From: a@b.example\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\
Content-Transfer-Encoding: base64\r\n\r\nMAA=\r\n";
    assert_eq!(kind(verify(&v, enveloped)), "unsupported");
    let pgp = b"From: a@b.example\r\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; \
boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/pgp-signature\r\n\r\nx\r\n--b--\r\n";
    assert_eq!(kind(verify(&v, pgp)), "not_signed");
    let garbage_sig =
        b"From: a@b.example\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; \
boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/pkcs7-signature\r\n\
Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQE=\r\n--b--\r\n";
    assert_eq!(kind(verify(&v, garbage_sig)), "malformed_cms");
    let msg = message("address", "alice@direct.example.org");
    let no_from = replace_once(&msg, b"From: alice@direct.example.org\r\nTo", b"X-Old: alice@direct.example.org\r\nTo");
    let no_from =
        replace_once(&no_from, b"From: alice@direct.example.org\r\nTo", b"X-Old: alice@direct.example.org\r\nTo");
    // Without any From header there is no sender to check the binding against (the sender is
    // resolved before the signature is checked).
    assert_eq!(kind(verify(&v, &no_from)), "missing_sender");
}

#[test]
fn limits_are_enforced() {
    let msg = message("address", "alice@direct.example.org");
    let tight = |limits: Limits| verifier().with_limits(limits);
    let e = verify(&tight(limits(|l| l.max_message_len = 1000)), &msg).unwrap_err();
    assert!(matches!(e, DirectError::TooLarge { .. }), "{e}");
    assert_eq!(e.kind(), "too_large");
    for limits in [
        limits(|l| l.max_certificates = 1),
        limits(|l| l.max_mime_depth = 1),
        limits(|l| l.max_mime_parts = 3),
        limits(|l| l.max_der_depth = 4),
    ] {
        assert_eq!(kind(verify(&tight(limits), &msg)), "limit_exceeded", "{limits:?}");
    }
    // Two SignerInfos against a limit of one.
    let content = b"Content-Type: text/plain\r\n\r\nhello\r\n";
    let one = signer("address").sign_detached(content).unwrap();
    let other = signer("domain").sign_detached(content).unwrap();
    let other_info = signed_data(&other).signer_infos.0.get(0).unwrap().clone();
    let two = edit_signed_data(&one, |sd| {
        let mut infos: Vec<_> = sd.signer_infos.0.iter().cloned().collect();
        infos.push(other_info);
        sd.signer_infos = cms::signed_data::SignerInfos::try_from(infos).unwrap();
    });
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data);
    let single = tight(limits(|l| l.max_signers = 1));
    assert_eq!(kind(single.verify_signed_data(&two, Some(content), &input)), "limit_exceeded");
    // Within limits, the one whose certificate is in the SignedData passes.
    assert!(verifier().verify_signed_data(&two, Some(content), &input).is_ok());
}

/// Runs `openssl` with `args`; `None` when it is not installed.
fn openssl(args: &[&str]) -> Option<std::process::Output> {
    match Command::new("openssl").args(args).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("openssl: {e}"),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trustpath-direct-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn openssl_interop_at_test_time() {
    let Some(version) = openssl(&["version"]) else {
        eprintln!("SKIPPED 6 openssl interop checks: openssl is not installed");
        return;
    };
    eprintln!("openssl interop with {}", String::from_utf8_lossy(&version.stdout).trim());
    let dir = temp_dir("interop");
    let p = |name: &str| path(name).to_string_lossy().into_owned();
    let t = |name: &str| dir.join(name).to_string_lossy().into_owned();

    // trustpath signs, OpenSSL verifies (anchored at the intermediate, as a Direct bundle).
    for (name, s) in
        [("rsa", signer("address")), ("pss", signer("address").with_rsa_pss().unwrap()), ("ec", signer("ec"))]
    {
        let msg = builder("alice@direct.example.org").sign(&s).unwrap();
        let file = t(&format!("trustpath-{name}.eml"));
        std::fs::write(&file, &msg).unwrap();
        let out = openssl(&[
            "cms",
            "-verify",
            "-in",
            &file,
            "-CAfile",
            &p("int.pem"),
            "-partial_chain",
            "-attime",
            &TIME.to_string(),
            "-out",
            &t("content.eml"),
        ])
        .unwrap();
        assert!(out.status.success(), "{name}: openssl cms -verify failed: {}", String::from_utf8_lossy(&out.stderr));
        let entity = builder("alice@direct.example.org").signed_entity().unwrap();
        assert_eq!(std::fs::read(t("content.eml")).unwrap(), entity, "{name}: the content OpenSSL extracted");
    }

    // OpenSSL signs trustpath's entity, trustpath verifies.
    let entity_file = t("entity.eml");
    std::fs::write(&entity_file, builder("alice@direct.example.org").signed_entity().unwrap()).unwrap();
    for (name, extra) in [
        ("detached", &[][..]),
        ("opaque", &["-nodetach"][..]),
        ("stream", &["-nodetach", "-stream"][..]),
        ("keyid", &["-keyid"][..]),
    ] {
        let file = t(&format!("openssl-{name}.eml"));
        let mut args = vec![
            "cms",
            "-sign",
            "-in",
            &entity_file,
            "-signer",
            "address.pem",
            "-inkey",
            "keys/address.pem",
            "-certfile",
            "int.pem",
            "-md",
            "sha256",
            "-from",
            "alice@direct.example.org",
            "-out",
            &file,
        ];
        args.extend_from_slice(extra);
        let out = Command::new("openssl").args(&args).current_dir(path("")).output().unwrap();
        assert!(out.status.success(), "{name}: openssl cms -sign failed: {}", String::from_utf8_lossy(&out.stderr));
        let m = verify(&verifier(), &std::fs::read(&file).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.binding(), Some(Binding::Address));
        assert_bundle_attachment(&m);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = TIME_RFC3339;
}

#[test]
fn purposes_and_directtrust_policies() {
    use std::sync::Arc;
    use trustpath::direct::{LeafPolicyRequirement, Purpose, oids, policy};
    use trustpath::{Policy, ValidationInput, Verifier};

    let data = crls();
    // Encryption certificates need keyEncipherment; signing ones digitalSignature; dual-use
    // certificates pass both.
    let encryption = Verifier::new(store(&["int"]), policy(Purpose::Encryption));
    let signing = Verifier::new(store(&["int"]), policy(Purpose::Signing));
    let check = |v: &Verifier, name: &str| v.verify(&ValidationInput::new(&cert(name), time()).revocation(&data));
    assert!(check(&encryption, "encrypt-only").is_ok());
    assert_eq!(check(&encryption, "domain").unwrap_err().kind(), "key_usage");
    assert_eq!(check(&signing, "encrypt-only").unwrap_err().kind(), "key_usage");
    assert!(check(&encryption, "address").is_ok() && check(&signing, "address").is_ok());

    // DirectTrust policy OIDs through RFC 5280 policy processing ...
    let msg = message("address", "alice@direct.example.org");
    let with = |p: Policy| SmimeVerifier::with_policy(store(&["int"]), p);
    let mut explicit = Policy::direct();
    explicit.certificate_policies.user_initial_policy_set = vec![oids::CP_V1_3];
    explicit.certificate_policies.initial_explicit_policy = true;
    let m = verify(&with(explicit.clone()), &msg).unwrap();
    assert!(m.path().policies().user_constrained.contains(&oids::CP_V1_3));
    explicit.certificate_policies.user_initial_policy_set = vec![oids::CP_V1_2];
    assert_eq!(kind(verify(&with(explicit), &msg)), "certificate_policy");
    // ... and through a hook on the signer's own certificate (entity category).
    let category = LeafPolicyRequirement::new().require_one_of(oids::CATEGORIES).require_one_of([oids::LOA_3]);
    assert!(verify(&with(Policy::direct().with_certificate_hook(Arc::new(category))), &msg).is_ok());
    let patient = LeafPolicyRequirement::new().require_one_of([oids::CATEGORY_PATIENT]);
    let e = verify(&with(Policy::direct().with_certificate_hook(Arc::new(patient))), &msg).unwrap_err();
    assert_eq!(e.kind(), "policy_hook");
    assert!(e.to_string().contains("1.3.6.1.4.1.41179.2.4"), "{e}");
    // Whatever the policy given, a signer needs digitalSignature.
    let mut lax = Policy::direct();
    lax.leaf_key_usage = Vec::new();
    assert_eq!(kind(verify(&with(lax), &message("encrypt-only", "carol@direct.example.org"))), "key_usage");
}

/// Mutated and truncated inputs never panic; a mutation inside the signed content or the
/// signature never verifies.
#[test]
fn mutations_never_panic() {
    let v = verifier();
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data);
    let msg = message("address", "alice@direct.example.org");
    let signed_start = msg.windows(28).position(|w| w == b"Content-Type: message/rfc822").unwrap();
    let mut state = 0x2545_f491_u32;
    for _ in 0..200 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let at = signed_start + (state as usize) % (msg.len() - signed_start);
        let mut mutated = msg.clone();
        mutated[at] ^= 1 << (state % 7);
        if let Ok(m) = v.verify_message(&mutated, &input) {
            // Only changes that leave the signed bytes and the signature intact may pass
            // (e.g. in base64 padding the decoder ignores, or a line end it canonicalises).
            assert_eq!(m.signed_content().len(), builder("alice@direct.example.org").signed_entity().unwrap().len());
        }
    }
    for ber in [read("openssl/opaque-ber.p7m"), signer("address").sign_encapsulated(b"x").unwrap()] {
        for len in (0..ber.len()).step_by(7) {
            assert!(v.verify_signed_data(&ber[..len], None, &input).is_err());
        }
        for at in (0..ber.len()).step_by(11) {
            let mut mutated = ber.clone();
            mutated[at] ^= 0x80;
            let _ = v.verify_signed_data(&mutated, None, &input);
        }
    }
}

/// Some agents sign their signed attributes in the order they send them rather than in DER
/// (sorted) order: the signature over the transmitted order is accepted too.
#[test]
fn unsorted_signed_attributes() {
    use rsa::pkcs8::DecodePrivateKey;
    use signature::{RandomizedSigner, SignatureEncoding};

    let content = b"Content-Type: text/plain\r\n\r\nhello\r\n";
    let cms = signer("address").sign_detached(content).unwrap();
    // [0] { content-type (24 bytes + 2), message-digest (47 bytes + 2) }: swap the two.
    let pattern = [0xa0, 0x4b, 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03];
    let start = cms.windows(pattern.len()).position(|w| w == pattern).expect("signed attributes");
    let (ct, md) = (&cms[start + 2..start + 28], &cms[start + 28..start + 77]);
    assert_eq!((ct[0], ct[1], md[0], md[1]), (0x30, 0x18, 0x30, 0x2f));
    let swapped = [md, ct].concat();
    let key = rsa::PrivateKey::from_pkcs8_pem(std::str::from_utf8(&read("keys/address.pem")).unwrap()).unwrap();
    let to_sign = [&[0x31, 0x4b][..], &swapped].concat();
    let sig = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key)
        .try_sign_with_rng(&mut getrandom::SysRng, &to_sign)
        .unwrap()
        .to_vec();
    let mut forged = cms.clone();
    forged[start + 2..start + 77].copy_from_slice(&swapped);
    let len = forged.len();
    forged[len - 256..].copy_from_slice(&sig);
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data);
    if let Err(e) = verifier().verify_signed_data(&forged, Some(content), &input) {
        panic!("{e:?}");
    }
    // The same signature over other content still fails.
    assert_eq!(kind(verifier().verify_signed_data(&forged, Some(b"other"), &input)), "message_digest_mismatch");
}

/// A SignerInfo may name its certificate by subjectKeyIdentifier (version 3).
#[test]
fn signer_identified_by_subject_key_identifier() {
    let content = b"Content-Type: text/plain\r\n\r\nhello\r\n";
    let cms = signer("address").sign_detached(content).unwrap();
    let ski = cert("address").subject_key_id().unwrap().to_vec();
    let by_ski = edit_signed_data(&cms, |sd| {
        let mut infos: Vec<_> = sd.signer_infos.0.iter().cloned().collect();
        infos[0].version = cms::content_info::CmsVersion::V3;
        infos[0].sid = cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(
            x509_cert::ext::pkix::SubjectKeyIdentifier(der::asn1::OctetString::new(ski.clone()).unwrap()),
        );
        sd.signer_infos = cms::signed_data::SignerInfos::try_from(infos).unwrap();
        sd.version = cms::content_info::CmsVersion::V3;
    });
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data).sender(address("alice@direct.example.org"));
    let sig = verifier().verify_signed_data(&by_ski, Some(content), &input).unwrap();
    assert_eq!(sig.certificate(), &cert("address"));
    let unknown = edit_signed_data(&by_ski, |sd| {
        let mut infos: Vec<_> = sd.signer_infos.0.iter().cloned().collect();
        infos[0].sid = cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(
            x509_cert::ext::pkix::SubjectKeyIdentifier(der::asn1::OctetString::new(vec![1, 2, 3]).unwrap()),
        );
        sd.signer_infos = cms::signed_data::SignerInfos::try_from(infos).unwrap();
    });
    let e = verifier().verify_signed_data(&unknown, Some(content), &input).unwrap_err();
    assert_eq!(e.kind(), "signer_not_found");
    assert!(e.to_string().contains("subjectKeyIdentifier 010203"), "{e}");
}

// Issue 15, item 4: the originator fields (RFC 5322 §3.6) of the outer and the wrapped message.

const ALICE: &str = "alice@direct.example.org";
const DAVE: &str = "dave@direct.example.org";

/// A multipart/signed message with `outer` headers, carrying `entity` signed by `signer`.
fn multipart_signed(outer: &str, entity: &[u8], signer: &SmimeSigner) -> Vec<u8> {
    let cms = signer.sign_detached(entity).unwrap();
    let b64 = pem_rfc7468::encode_string("X", pem_rfc7468::LineEnding::CRLF, &cms).unwrap();
    let body: String = b64.lines().filter(|l| !l.starts_with("-----")).map(|l| format!("{l}\r\n")).collect();
    let head = format!(
        "{outer}MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; \
         micalg=sha-256; boundary=\"sig\"\r\n\r\n--sig\r\n"
    );
    let tail = format!(
        "\r\n--sig\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{body}--sig--\r\n"
    );
    [head.as_bytes(), entity, tail.as_bytes()].concat()
}

/// An application/pkcs7-mime message with `outer` headers, encapsulating `entity`.
fn pkcs7_mime(outer: &str, entity: &[u8], signer: &SmimeSigner) -> Vec<u8> {
    let cms = signer.sign_encapsulated(entity).unwrap();
    let b64 = pem_rfc7468::encode_string("X", pem_rfc7468::LineEnding::CRLF, &cms).unwrap();
    let body: String = b64.lines().filter(|l| !l.starts_with("-----")).map(|l| format!("{l}\r\n")).collect();
    format!(
        "{outer}MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data; \
         name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}"
    )
    .into_bytes()
}

/// The wrapped message from `from` as the builder makes it, with `extra` header lines put
/// first in its header.
fn wrapped_entity(from: &str, extra: &str) -> Vec<u8> {
    let entity = builder(from).signed_entity().unwrap();
    let start = b"Content-Type: message/rfc822\r\n\r\n";
    replace_once(&entity, start, &[start.as_slice(), extra.as_bytes()].concat())
}

#[test]
fn two_from_fields_are_refused_wherever_they_are() {
    let v = verifier();
    let dave = signer("ec");
    // The control: dave's own message verifies as his, in both forms.
    let entity = wrapped_entity(DAVE, "");
    let outer = format!("From: {DAVE}\r\n");
    for msg in [multipart_signed(&outer, &entity, &dave), pkcs7_mime(&outer, &entity, &dave)] {
        let m = verify(&v, &msg).unwrap();
        assert_eq!((m.sender().map(|s| s.as_str()), m.binding()), (Some(DAVE), Some(Binding::Address)));
        let originator = m.originator().unwrap();
        assert_eq!((originator.from_addresses(), originator.sender()), (&[DAVE.to_string()][..], None));
    }
    // alice then dave in the wrapped message, signed by dave: a mail client shows alice.
    let entity = wrapped_entity(DAVE, &format!("From: {ALICE}\r\n"));
    for msg in [multipart_signed(&outer, &entity, &dave), pkcs7_mime(&outer, &entity, &dave)] {
        for result in [verify(&v, &msg), verify_from(&v, &msg, DAVE)] {
            let e = result.unwrap_err();
            assert_eq!(e.kind(), "duplicate_header", "{e}");
            assert!(
                matches!(e, DirectError::DuplicateHeader { part: "wrapped message", field: "From", count: 2 }),
                "{e}"
            );
        }
    }
    // Twice in the outer header, around an unwrapped or a wrapped signed body.
    let unwrapped = builder(DAVE).wrapped(false).signed_entity().unwrap();
    let outer = format!("From: {ALICE}\r\nFrom: {DAVE}\r\n");
    for msg in [
        multipart_signed(&outer, &unwrapped, &dave),
        multipart_signed(&outer, &wrapped_entity(DAVE, ""), &dave),
        pkcs7_mime(&outer, &unwrapped, &dave),
    ] {
        let e = verify(&v, &msg).unwrap_err();
        assert!(matches!(e, DirectError::DuplicateHeader { part: "message", field: "From", count: 2 }), "{e}");
    }
    // A Sender given twice, and a detached signature over a message with two From fields.
    let entity = wrapped_entity(DAVE, &format!("Sender: {DAVE}\r\nSender: {DAVE}\r\n"));
    let e = verify(&v, &multipart_signed(&format!("From: {DAVE}\r\n"), &entity, &dave)).unwrap_err();
    assert!(matches!(e, DirectError::DuplicateHeader { field: "Sender", count: 2, .. }), "{e}");
    let content = [format!("From: {ALICE}\r\n").as_bytes(), &unwrapped].concat();
    let content = [format!("From: {DAVE}\r\n").as_bytes(), &content].concat();
    let data = crls();
    let e = v
        .verify_detached(&dave.sign_detached(&content).unwrap(), &content, &SmimeInput::new(time()).revocation(&data))
        .unwrap_err();
    assert!(matches!(e, DirectError::DuplicateHeader { part: "content", field: "From", count: 2 }), "{e}");
}

#[test]
fn a_sender_other_than_the_author_is_refused_unless_allowed() {
    let dave = signer("ec");
    let outer = format!("From: {ALICE}\r\n");
    // From alice (the builder's), Sender dave, signed by dave.
    let entity = wrapped_entity(ALICE, &format!("Sender: {DAVE}\r\n"));
    let msg = multipart_signed(&outer, &entity, &dave);
    let e = verify(&verifier(), &msg).unwrap_err();
    assert_eq!(e.kind(), "sender_not_from");
    assert!(
        matches!(&e, DirectError::SenderNotFrom { from, sender } if from == &[ALICE.to_string()] && sender == DAVE),
        "{e}"
    );
    // Allowed: the signer is bound to the Sender, and both addresses are reported.
    let m = verify(&verifier().allow_distinct_sender(true), &msg).unwrap();
    assert_eq!((m.sender().map(|s| s.as_str()), m.binding()), (Some(DAVE), Some(Binding::Address)));
    let originator = m.originator().unwrap();
    assert_eq!((originator.from_addresses(), originator.sender()), (&[ALICE.to_string()][..], Some(DAVE)));
    // Allowing it does not let alice's signature stand for dave the sender.
    let signed_by_alice = multipart_signed(&outer, &entity, &signer("address"));
    assert_eq!(kind(verify(&verifier().allow_distinct_sender(true), &signed_by_alice)), "binding_mismatch");
    // A Sender that is the author is no mismatch.
    let entity = wrapped_entity(ALICE, &format!("Sender: {ALICE}\r\n"));
    let m = verify(&verifier(), &multipart_signed(&outer, &entity, &signer("address"))).unwrap();
    assert_eq!(m.sender().map(|s| s.as_str()), Some(ALICE));
}

#[test]
fn fhir_json_with_a_duplicate_member_is_not_recognised() {
    use trustpath::direct::detect_fhir;
    let plain = detect_fhir("application/octet-stream", br#"{"resourceType": "Patient", "id": "1"}"#).unwrap();
    assert_eq!(plain.resource_type(), Some("Patient"));
    let twice = br#"{"resourceType": "Patient", "resourceType": "Bundle", "type": "collection"}"#;
    assert!(detect_fhir("application/octet-stream", twice).is_none(), "sniffed: refused");
    let declared = detect_fhir("application/fhir+json", twice).unwrap();
    assert_eq!((declared.format(), declared.resource_type()), (FhirFormat::Json, None), "declared, type unknown");
}
