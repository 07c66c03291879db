//! Signed and encrypted Direct messages from arbitrary bytes, five ways:
//! `SmimeVerifier::verify_message` (a whole S/MIME message: multipart/signed or
//! application/pkcs7-mime, MIME parsing, CMS, binding of the signer to the From address),
//! `verify_signed_data` (a bare CMS SignedData, DER, BER or PEM, over its encapsulated
//! content), `verify_detached` (a detached signature over the entity the OpenSSL vectors sign),
//! and `decrypt_message` / `decrypt_enveloped` (an encrypted message or a bare EnvelopedData or
//! AuthEnvelopedData, decrypted with the test recipient's key — alice's, which the encrypted
//! seeds are sent to — then verified). Trust: `test-vectors/direct` (the intermediate as the
//! anchor, its CRL, hard-fail), at 2026-06-01.
//!
//! Invariant: whatever is accepted was signed over the one entity the seeds sign (as given or
//! in canonical CRLF form); nothing else in play carries a signature. A decrypted message that
//! is accepted also says how it was decrypted.

#![no_main]

#[allow(dead_code)] // each target uses part of it
mod common;

use std::hint::black_box;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trustpath::direct::{DecryptionKey, SmimeInput, SmimeVerifier, VerifiedMessage};
use trustpath::revocation::{Crl, RevocationData};
use trustpath::{TrustStore, UnixTime};

/// What every seed signs (`test-vectors/direct/openssl/README.md`).
const ENTITY: &[u8] = include_bytes!("../../test-vectors/direct/openssl/entity.eml");

struct Fixture {
    verifier: SmimeVerifier,
    keys: Vec<DecryptionKey>,
    revocation: RevocationData,
    time: UnixTime,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut store = TrustStore::new();
        store.add_certificate(
            "direct",
            common::fixture_certificate(include_bytes!("../../test-vectors/direct/int.pem")),
        );
        let mut revocation = RevocationData::new();
        revocation.add_crl(
            Crl::from_pem_or_der(include_bytes!("../../test-vectors/direct/crl/int.crl")).expect("fixture CRL parses"),
        );
        let key = DecryptionKey::from_private_key(
            include_bytes!("../../test-vectors/direct/keys/address.pem"),
            common::fixture_certificate(include_bytes!("../../test-vectors/direct/address.pem")),
        )
        .expect("fixture key matches its certificate");
        Fixture { verifier: SmimeVerifier::new(store), keys: vec![key], revocation, time: common::vectors_time() }
    })
}

/// The signed entity, as given or with every bare LF made CRLF.
fn is_signed_entity(content: &[u8]) -> bool {
    let mut canonical = Vec::with_capacity(ENTITY.len() + 64);
    for (i, &b) in ENTITY.iter().enumerate() {
        if b == b'\n' && (i == 0 || ENTITY[i - 1] != b'\r') {
            canonical.push(b'\r');
        }
        canonical.push(b);
    }
    content == ENTITY || content == canonical
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let input = SmimeInput::new(fixture.time).revocation(&fixture.revocation);
    match fixture.verifier.verify_message(data, &input) {
        Ok(message) => {
            assert!(is_signed_entity(message.signed_content()), "accepted a message over unsigned content");
            black_box((message.signer().subject_string(), message.binding(), message.sender(), message.form()));
            black_box((message.micalg(), message.parts().len(), message.attachments().count()));
        }
        Err(e) => {
            black_box(e.to_string());
        }
    }
    match fixture.verifier.verify_signed_data(data, None, &input) {
        Ok(signature) => {
            let content = signature.encapsulated_content();
            assert!(content.is_some_and(is_signed_entity), "accepted a SignedData over unsigned content");
            black_box((signature.certificate().subject_string(), signature.signing_time(), signature.binding()));
            black_box((signature.digest_algorithm(), signature.content_type(), signature.certificates().len()));
        }
        Err(e) => {
            black_box(e.to_string());
        }
    }
    match fixture.verifier.verify_detached(data, ENTITY, &input) {
        Ok(message) => {
            assert!(is_signed_entity(message.signed_content()));
            black_box((message.signer().subject_string(), message.binding()));
        }
        Err(e) => {
            black_box(e.to_string());
        }
    }
    check_decrypted(fixture.verifier.decrypt_message(data, &fixture.keys, &input));
    check_decrypted(fixture.verifier.decrypt_enveloped(data, &fixture.keys, &input));
});

fn check_decrypted(result: Result<VerifiedMessage, trustpath::direct::DirectError>) {
    match result {
        Ok(message) => {
            assert!(is_signed_entity(message.signed_content()), "accepted an encrypted message over unsigned content");
            let decryption = message.decryption().expect("a decrypted message says how");
            black_box((decryption.content_encryption(), decryption.key_transport(), decryption.recipient()));
            black_box((message.signer().subject_string(), message.binding(), message.attachments().count()));
        }
        Err(e) => {
            black_box((e.kind(), e.to_string()));
        }
    }
}
