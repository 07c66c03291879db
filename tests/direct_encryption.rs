//! Direct encryption (`trustpath::direct`, feature `direct`): recipients validated for
//! encryption (keyEncipherment, trust, revocation, binding), sign-then-encrypt with every
//! content cipher and key transport, decrypt-and-verify in one call, one error for every
//! decryption failure (wrong key, no RecipientInfo, tampered or truncated ciphertext, bad
//! content), and OpenSSL interoperation both ways — committed OpenSSL-encrypted messages
//! (`test-vectors/direct/openssl/`) and, when `openssl` is installed, at test time.

#![cfg(feature = "direct")]

#[path = "support/direct_vectors.rs"]
mod direct_vectors;

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use direct_vectors::*;
use trustpath::TrustStore;
use trustpath::crypto::DigestAlgorithm;
use trustpath::direct::{
    Binding, ContentEncryption, DecryptionKey, DirectError, KeyTransport, MessageBuilder, Recipient, SignedForm,
    SmimeEncryptor, SmimeInput, SmimeSigner, SmimeVerifier, VerifiedMessage,
};

fn store() -> TrustStore {
    let mut store = TrustStore::new();
    store.add_certificate("directtrust", cert("int"));
    store
}

fn verifier() -> SmimeVerifier {
    SmimeVerifier::new(store())
}

fn encryptor() -> SmimeEncryptor {
    SmimeEncryptor::new(store())
}

fn signer(name: &str) -> SmimeSigner {
    SmimeSigner::from_private_key(&read(&format!("keys/{name}.pem")), vec![cert(name), cert("int")])
        .unwrap()
        .with_signing_time(time())
}

fn recipient(name: &str, to: &str) -> Result<Recipient, DirectError> {
    let data = crls();
    encryptor().recipient(&cert(name), &[address(to)], time(), Some(&data))
}

/// alice@ writes to the HISP of hospital.example.net, with a FHIR Bundle attached.
fn builder() -> MessageBuilder {
    MessageBuilder::new(address("alice@direct.example.org"), vec![address("fhir@hospital.example.net")])
        .subject("Patient summary")
        .date(time())
        .message_id("enc-1@direct.example.org")
        .text("Please find the patient summary attached.")
        .attach_fhir("bundle.json", read("fhir/bundle.json"))
        .unwrap()
}

fn encrypted(encryptor: &SmimeEncryptor, to: &[(&str, &str)]) -> Vec<u8> {
    let recipients: Vec<Recipient> = to.iter().map(|(name, addr)| recipient(name, addr).unwrap()).collect();
    builder().sign_and_encrypt(&signer("address"), encryptor, &recipients).unwrap()
}

fn decrypt(message: &[u8], keys: &[DecryptionKey]) -> Result<VerifiedMessage, DirectError> {
    let data = crls();
    verifier().decrypt_message(message, keys, &SmimeInput::new(time()).revocation(&data))
}

fn kind<T: std::fmt::Debug>(r: Result<T, DirectError>) -> &'static str {
    r.expect_err("expected a rejection").kind()
}

fn assert_bundle(m: &VerifiedMessage) {
    assert_eq!(m.signer(), &cert("address"));
    assert_eq!(m.binding(), Some(Binding::Address));
    assert_eq!(m.sender().map(|s| s.as_str()), Some("alice@direct.example.org"));
    let attachments: Vec<_> = m.attachments().collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].bytes(), read("fhir/bundle.json").as_slice());
}

/// The base64 body of a one-part message, decoded.
fn body(message: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(message);
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    base64::engine::general_purpose::STANDARD.decode(body.replace("\r\n", "")).unwrap()
}

/// `message` with its base64 body replaced by `cms`.
fn with_body(message: &[u8], cms: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(message);
    let (header, _) = text.split_once("\r\n\r\n").unwrap();
    format!("{header}\r\n\r\n{}\r\n", base64::engine::general_purpose::STANDARD.encode(cms)).into_bytes()
}

const CIPHERS: [ContentEncryption; 4] = [
    ContentEncryption::Aes128Cbc,
    ContentEncryption::Aes256Cbc,
    ContentEncryption::Aes128Gcm,
    ContentEncryption::Aes256Gcm,
];
const KEY_TRANSPORTS: [KeyTransport; 2] = [KeyTransport::RsaPkcs1v15, KeyTransport::RsaOaep(DigestAlgorithm::Sha256)];

#[test]
fn sign_then_encrypt_round_trips_with_every_cipher_and_key_transport() {
    for cipher in CIPHERS {
        for kt in KEY_TRANSPORTS {
            let e = encryptor().with_content_encryption(cipher).unwrap().with_key_transport(kt).unwrap();
            let msg = encrypted(&e, &[("hisp", "fhir@hospital.example.net")]);
            let text = String::from_utf8_lossy(&msg);
            let smime_type = if cipher.is_authenticated() { "authEnveloped-data" } else { "enveloped-data" };
            assert!(text.contains(&format!("smime-type={smime_type}")), "{text}");
            // The outer header names sender and recipient; the content is not readable.
            assert!(text.starts_with("From: alice@direct.example.org\r\nTo: fhir@hospital.example.net\r\n"), "{text}");
            assert!(!text.contains("Chalmers") && !text.contains("multipart/signed") && !text.contains("Please find"));
            let m = decrypt(&msg, &[key("hisp")]).unwrap_or_else(|e| panic!("{cipher:?} {kt:?}: {e}"));
            assert_bundle(&m);
            assert_eq!(m.form(), SignedForm::MultipartSigned);
            let d = m.decryption().expect("decrypted");
            assert_eq!((d.content_encryption(), d.key_transport()), (cipher, kt));
            assert_eq!(d.recipient(), &cert("hisp"));
        }
    }
}

#[test]
fn several_recipients_each_decrypt() {
    let msg =
        encrypted(&encryptor(), &[("hisp", "fhir@hospital.example.net"), ("encrypt-only", "carol@direct.example.org")]);
    for name in ["hisp", "encrypt-only"] {
        let m = decrypt(&msg, &[key(name)]).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.decryption().unwrap().recipient(), &cert(name));
        assert_bundle(&m);
    }
    // The first key that a RecipientInfo names is used; keys not named are passed over.
    let m = decrypt(&msg, &[key("address"), key("encrypt-only")]).unwrap();
    assert_eq!(m.decryption().unwrap().recipient(), &cert("encrypt-only"));
}

#[test]
fn recipient_certificates_are_validated_for_encryption() {
    assert_eq!(recipient("hisp", "fhir@hospital.example.net").unwrap().binding(), Binding::Domain);
    let alice = recipient("address", "alice@direct.example.org").unwrap();
    assert_eq!((alice.binding(), alice.address().as_str()), (Binding::Address, "alice@direct.example.org"));
    assert_eq!(alice.path().anchor().certificate(), Some(&cert("int")));
    // digitalSignature only: no keyEncipherment.
    assert_eq!(kind(recipient("domain", "alice@direct.example.org")), "key_usage");
    assert_eq!(kind(recipient("ec", "dave@direct.example.org")), "key_usage");
    // Bound to another address, or to no address given.
    let e = recipient("address", "carol@direct.example.org").unwrap_err();
    assert_eq!(e.kind(), "binding_mismatch");
    assert!(e.to_string().contains("carol@direct.example.org"), "{e}");
    assert_eq!(kind(recipient("hisp", "fhir@other.example.net")), "binding_mismatch");
    // One of several addresses suffices.
    let data = crls();
    let two = [address("x@other.example.net"), address("fhir@hospital.example.net")];
    let r = encryptor().recipient(&cert("hisp"), &two, time(), Some(&data)).unwrap();
    assert_eq!(r.address().as_str(), "fhir@hospital.example.net");
    // Revoked, untrusted, and without revocation data (hard fail).
    assert_eq!(kind(recipient("revoked", "bob@direct.example.org")), "revoked");
    assert_eq!(kind(recipient("other", "alice@direct.example.org")), "unknown_issuer");
    let no_crls = encryptor().recipient(&cert("hisp"), &[address("fhir@hospital.example.net")], time(), None);
    assert_eq!(kind(no_crls), "revocation_unknown");
    // Algorithms offered for decryption only are refused for encryption.
    assert!(encryptor().with_content_encryption(ContentEncryption::Aes192Cbc).is_err());
    assert!(encryptor().with_key_transport(KeyTransport::RsaOaep(DigestAlgorithm::Sha1)).is_err());
}

/// Every way decryption can fail is the same error, with the same message.
#[test]
fn decryption_failures_are_one_error() {
    let mut failures: Vec<(String, DirectError)> = Vec::new();
    for cipher in CIPHERS {
        for kt in KEY_TRANSPORTS {
            let e = encryptor().with_content_encryption(cipher).unwrap().with_key_transport(kt).unwrap();
            let msg = encrypted(&e, &[("hisp", "fhir@hospital.example.net")]);
            let label = format!("{cipher:?}/{kt:?}");
            // A key the message is not for (no RecipientInfo names it).
            failures.push((format!("{label} other key"), decrypt(&msg, &[key("address")]).unwrap_err()));
            failures.push((format!("{label} no key"), decrypt(&msg, &[]).unwrap_err()));
            let cms = body(&msg);
            // Tampered ciphertext: a byte flipped in the blocks that carry the signed content
            // (its wrapped header, and further in); CBC garbles that block and the next, GCM's
            // tag no longer verifies. (CBC does not protect regions no signature covers, such
            // as the MIME epilogue: S/MIME's signature is what protects the content.)
            let start = ciphertext_start(&cms);
            for (what, offset) in [("content header", start + 200), ("content body", start + 1200)] {
                let mut t = cms.clone();
                t[offset] ^= 0x01;
                failures.push((
                    format!("{label} tampered {what}"),
                    decrypt(&with_body(&msg, &t), &[key("hisp")]).unwrap_err(),
                ));
            }
            let key_at = find(&cms, &encrypted_key_prefix(&cms)).unwrap();
            let mut t = cms.clone();
            t[key_at + 20] ^= 0x80;
            failures
                .push((format!("{label} tampered key"), decrypt(&with_body(&msg, &t), &[key("hisp")]).unwrap_err()));
        }
    }
    for (what, e) in &failures {
        assert_eq!(e.kind(), "decryption_failed", "{what}: {e}");
        assert_eq!(e.to_string(), failures[0].1.to_string(), "{what}");
    }
}

/// Where the encrypted content starts in an EnvelopedData or AuthEnvelopedData (DER).
fn ciphertext_start(cms: &[u8]) -> usize {
    use der::Decode;
    let info = cms::content_info::ContentInfo::from_der(cms).unwrap();
    let eci = match info.content.decode_as::<cms::enveloped_data::EnvelopedData>() {
        Ok(ed) => ed.encrypted_content,
        Err(_) => {
            info.content.decode_as::<cms::authenveloped_data::AuthEnvelopedData>().unwrap().auth_encrypted_content_info
        }
    };
    let ciphertext = eci.encrypted_content.unwrap();
    find(cms, ciphertext.as_bytes()).unwrap()
}

/// The bytes just before the encrypted key of the first KeyTransRecipientInfo: its OCTET
/// STRING header (256 bytes for RSA-2048: 04 82 01 00).
fn encrypted_key_prefix(_cms: &[u8]) -> Vec<u8> {
    vec![0x04, 0x82, 0x01, 0x00]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn truncated_and_malformed_envelopes() {
    let msg = encrypted(&encryptor(), &[("hisp", "fhir@hospital.example.net")]);
    let cms = body(&msg);
    // The CMS cut short: its structure is broken (public, so said as it is).
    assert_eq!(kind(decrypt(&with_body(&msg, &cms[..cms.len() / 2]), &[key("hisp")])), "malformed_cms");
    // The message cut inside its base64 body.
    assert!(decrypt(&msg[..msg.len() / 2], &[key("hisp")]).is_err());
    // Not encrypted at all: a signed message, a plain one.
    let signed = builder().sign(&signer("address")).unwrap();
    assert_eq!(kind(decrypt(&signed, &[key("hisp")])), "not_encrypted");
    assert_eq!(kind(decrypt(b"From: a@b.example\r\n\r\nhello\r\n", &[key("hisp")])), "not_encrypted");
    // verify_message tells the caller to decrypt.
    let data = crls();
    let e = verifier().verify_message(&msg, &SmimeInput::new(time()).revocation(&data)).unwrap_err();
    assert_eq!(e.kind(), "unsupported");
    // Limits: the whole message, and the RecipientInfos (counted as certificates).
    let small = verifier().with_limits(limits(|l| l.max_message_len = 1000));
    assert_eq!(
        kind(small.decrypt_message(&msg, &[key("hisp")], &SmimeInput::new(time()).revocation(&data))),
        "too_large"
    );
    let many =
        encrypted(&encryptor(), &[("hisp", "fhir@hospital.example.net"), ("encrypt-only", "carol@direct.example.org")]);
    let one = verifier().with_limits(limits(|l| l.max_certificates = 1));
    assert_eq!(
        kind(one.decrypt_message(&many, &[key("hisp")], &SmimeInput::new(time()).revocation(&data))),
        "limit_exceeded"
    );
    // A decryption key must be RSA and match its certificate.
    assert_eq!(kind(DecryptionKey::from_private_key(&read("keys/ec.pem"), cert("ec"))), "invalid_key");
    assert_eq!(kind(DecryptionKey::from_private_key(&read("keys/hisp.pem"), cert("address"))), "invalid_key");
}

/// CBC content is not authenticated: what it decrypts to is judged only once a signature over
/// it verifies; until then every error is the decryption error. GCM content is authenticated
/// by its tag, and after the signature, errors are said as they are.
#[test]
fn content_errors_before_a_signature_are_masked_for_cbc_only() {
    let data = crls();
    let hisp = recipient("hisp", "fhir@hospital.example.net").unwrap();
    let unsigned =
        b"From: alice@direct.example.org\r\nTo: fhir@hospital.example.net\r\nContent-Type: text/plain\r\n\r\nhi\r\n";
    let input = SmimeInput::new(time()).revocation(&data);
    let cbc = encryptor().encrypt_message(unsigned, std::slice::from_ref(&hisp)).unwrap();
    assert_eq!(kind(verifier().decrypt_message(&cbc, &[key("hisp")], &input)), "decryption_failed");
    let gcm = encryptor().with_content_encryption(ContentEncryption::Aes128Gcm).unwrap();
    let gcm = gcm.encrypt_message(unsigned, std::slice::from_ref(&hisp)).unwrap();
    assert_eq!(kind(verifier().decrypt_message(&gcm, &[key("hisp")], &input)), "not_signed");
    // A message signed by a revoked signer: the signature verifies, so its path error is said.
    let revoked = MessageBuilder::new(address("bob@direct.example.org"), vec![address("fhir@hospital.example.net")])
        .text("hi")
        .sign_and_encrypt(&signer("revoked"), &encryptor(), std::slice::from_ref(&hisp))
        .unwrap();
    assert_eq!(kind(verifier().decrypt_message(&revoked, &[key("hisp")], &input)), "revoked");
    // Signed by alice, but the outer and signed From name mallory: a binding error, said.
    let spoofed =
        MessageBuilder::new(address("mallory@direct.example.org"), vec![address("fhir@hospital.example.net")])
            .text("hi")
            .sign_and_encrypt(&signer("address"), &encryptor(), std::slice::from_ref(&hisp))
            .unwrap();
    assert_eq!(kind(verifier().decrypt_message(&spoofed, &[key("hisp")], &input)), "binding_mismatch");
}

#[test]
fn bare_enveloped_data() {
    let hisp = recipient("hisp", "fhir@hospital.example.net").unwrap();
    let signed = builder().sign(&signer("address")).unwrap();
    let cms = encryptor().encrypt_entity(&signed, &[hisp]).unwrap();
    let data = crls();
    let m = verifier().decrypt_enveloped(&cms, &[key("hisp")], &SmimeInput::new(time()).revocation(&data)).unwrap();
    assert_bundle(&m);
    assert_eq!(
        kind(verifier().decrypt_enveloped(&cms, &[key("address")], &SmimeInput::new(time()).revocation(&data))),
        "decryption_failed"
    );
}

/// Runs `openssl` in `test-vectors/direct/`; `None` when it is not installed.
fn openssl(args: &[&str]) -> Option<std::process::Output> {
    match Command::new("openssl").args(args).current_dir(path("")).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("openssl: {e}"),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trustpath-direct-enc-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn openssl_encrypted_vectors_decrypt() {
    for file in ["enveloped-aes128.eml", "enveloped-aes256-oaep.eml", "authenveloped-gcm.eml", "enveloped-ber.p7m"] {
        let bytes = read(&format!("openssl/{file}"));
        let data = crls();
        let input = SmimeInput::new(time()).revocation(&data);
        let m = if file.ends_with(".p7m") {
            verifier().decrypt_enveloped(&bytes, &[key("address")], &input)
        } else {
            verifier().decrypt_message(&bytes, &[key("address")], &input)
        }
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(m.decryption().unwrap().recipient(), &cert("address"), "{file}");
        assert_bundle(&m);
        let other = if file.ends_with(".p7m") {
            verifier().decrypt_enveloped(&bytes, &[key("hisp")], &input)
        } else {
            verifier().decrypt_message(&bytes, &[key("hisp")], &input)
        };
        assert_eq!(kind(other), "decryption_failed", "{file}");
    }
}

#[test]
fn openssl_interop_at_test_time() {
    let Some(version) = openssl(&["version"]) else {
        eprintln!("SKIPPED openssl encryption interop: openssl is not installed");
        return;
    };
    eprintln!("openssl encryption interop with {}", String::from_utf8_lossy(&version.stdout).trim());
    let dir = temp_dir("interop");
    let t = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let data = crls();
    let input = SmimeInput::new(time()).revocation(&data);

    // trustpath encrypts, OpenSSL decrypts (to alice, dual use), and the decrypted entity is
    // the signed message's content fields and body.
    let signed = builder().sign(&signer("address")).unwrap();
    let alice = recipient("address", "alice@direct.example.org").unwrap();
    for cipher in CIPHERS {
        for kt in KEY_TRANSPORTS {
            let e = encryptor().with_content_encryption(cipher).unwrap().with_key_transport(kt).unwrap();
            let msg = e.encrypt_message(&signed, std::slice::from_ref(&alice)).unwrap();
            let (file, out) = (t("trustpath.eml"), t("decrypted.eml"));
            std::fs::write(&file, &msg).unwrap();
            let run = openssl(&[
                "cms",
                "-decrypt",
                "-in",
                &file,
                "-recip",
                "address.pem",
                "-inkey",
                "keys/address.pem",
                "-out",
                &out,
            ])
            .unwrap();
            assert!(
                run.status.success(),
                "{cipher:?} {kt:?}: openssl cms -decrypt: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            let decrypted = std::fs::read(&out).unwrap();
            let at = find(&signed, b"Content-Type: multipart/signed").unwrap();
            assert_eq!(decrypted, &signed[at..], "{cipher:?} {kt:?}");
        }
    }

    // OpenSSL encrypts a signed message, trustpath decrypts and verifies. Key options follow
    // the -recip they apply to.
    let signed_file = t("signed.eml");
    std::fs::write(&signed_file, &signed).unwrap();
    let oaep256: &[&str] =
        &["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256"];
    let oaep_default: &[&str] = &["-keyopt", "rsa_padding_mode:oaep"];
    let sha256 = KeyTransport::RsaOaep(DigestAlgorithm::Sha256);
    type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], ContentEncryption, KeyTransport);
    let cases: [Case<'_>; 7] = [
        ("aes128", &["-aes128"], &[], ContentEncryption::Aes128Cbc, KeyTransport::RsaPkcs1v15),
        ("aes256", &["-aes256"], &[], ContentEncryption::Aes256Cbc, KeyTransport::RsaPkcs1v15),
        ("aes128-oaep", &["-aes128"], oaep256, ContentEncryption::Aes128Cbc, sha256),
        ("aes256-oaep", &["-aes256"], oaep256, ContentEncryption::Aes256Cbc, sha256),
        (
            "oaep-sha1",
            &["-aes128"],
            oaep_default,
            ContentEncryption::Aes128Cbc,
            KeyTransport::RsaOaep(DigestAlgorithm::Sha1),
        ),
        ("gcm", &["-aes-128-gcm"], &[], ContentEncryption::Aes128Gcm, KeyTransport::RsaPkcs1v15),
        (
            "keyid-stream",
            &["-aes256", "-keyid", "-stream"],
            &[],
            ContentEncryption::Aes256Cbc,
            KeyTransport::RsaPkcs1v15,
        ),
    ];
    for (name, options, key_options, cipher, kt) in cases {
        let file = t(&format!("openssl-{name}.eml"));
        let mut args = vec!["cms", "-encrypt", "-in", &signed_file, "-out", &file];
        args.extend_from_slice(&["-from", "alice@direct.example.org", "-to", "alice@direct.example.org"]);
        args.extend_from_slice(options);
        args.extend_from_slice(&["-recip", "address.pem"]);
        args.extend_from_slice(key_options);
        let run = openssl(&args).unwrap();
        assert!(run.status.success(), "{name}: openssl cms -encrypt: {}", String::from_utf8_lossy(&run.stderr));
        let m = verifier()
            .decrypt_message(&std::fs::read(&file).unwrap(), &[key("address")], &input)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let d = m.decryption().unwrap();
        assert_eq!((d.content_encryption(), d.key_transport()), (cipher, kt), "{name}");
        assert_bundle(&m);
        assert_eq!(
            kind(verifier().decrypt_message(&std::fs::read(&file).unwrap(), &[key("hisp")], &input)),
            "decryption_failed"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
