//! Criterion benchmarks of Direct messages with a large attachment: verifying a signed message,
//! and decrypting and verifying an encrypted one, against their physical floors — the hashing
//! they cannot avoid, the ciphers, the RSA operations. Vectors: `test-vectors/direct/` (alice's
//! RSA-2048 signing certificate under the intermediate "Direct CA", its CRL; the HISP's
//! RSA-2048 certificate as the recipient), at 2026-06-01. Results: `BENCHMARKS.md`.
//!
//! IDs (read by other tooling; keep them stable):
//! - `direct/sha256-10mb`: SHA-256 of the signed entity of the message (the bytes verification
//!   must hash: the wrapped message with its 10 MiB attachment base64-encoded, ~13.9 MB).
//! - `direct/verify-10mb`: `SmimeVerifier::verify_message` of the signed message (From
//!   alice, wrapped, multipart/signed, SHA-256, RSA PKCS#1 v1.5; a 10 MiB binary attachment):
//!   MIME structure, signature, path (hard-fail revocation with the CRL), binding, and the
//!   list of parts with their types and names — not their decoded bytes, which a part decodes
//!   when first read.
//! - `direct/verify-10mb-read`: the same, then reading the attachment's bytes (base64 decoded).
//! - `direct/decrypt-verify-10mb`: `SmimeVerifier::decrypt_message` of the same message
//!   encrypted to the HISP (AES-128-CBC, RSA PKCS#1 v1.5 key transport); `-read` as above.
//! - the floors' parts: `direct/rsa2048-verify` (one RSA-2048 PKCS#1 v1.5 SHA-256 signature
//!   check, `rustcrypto::RSA_PKCS1_SHA256`, over the 100-odd bytes of signed attributes),
//!   `direct/rsa2048-decrypt` (one RSA-2048 PKCS#1 v1.5 decryption of a 16-byte key, the `rsa`
//!   crate, blinded as trustpath does) and `direct/aes128-cbc-decrypt-10mb` (AES-128-CBC
//!   decryption with PKCS #7 unpadding of the encrypted entity, the `cbc` and `aes` crates).
//!
//! In test mode (`cargo test --benches --all-features`) the attachment is 256 KiB.
//!
//! Run: `cargo bench --bench direct --features direct` (options as for `benches/chain.rs`).

mod support;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use rustls_pki_types::{SignatureVerificationAlgorithm, UnixTime};
use trustpath::crypto::{DigestAlgorithm, rustcrypto};
use trustpath::direct::{
    DecryptionKey, DirectAddress, MessageBuilder, SmimeEncryptor, SmimeInput, SmimeSigner, SmimeVerifier,
    VerifiedMessage,
};
use trustpath::revocation::{Crl, RevocationData};
use trustpath::{Certificate, TrustStore};

use support::Clock;

fn read(name: &str) -> Vec<u8> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/direct").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&read(&format!("{name}.pem"))).expect("certificate")
}

/// Deterministic pseudo-random bytes (xorshift64*): an attachment that does not compress.
fn attachment(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

struct Setup {
    verifier: SmimeVerifier,
    revocation: RevocationData,
    time: UnixTime,
    signed: Vec<u8>,
    entity: Vec<u8>,
    encrypted: Vec<u8>,
    attachment_len: usize,
}

impl Setup {
    fn load() -> Setup {
        let time = UnixTime::since_unix_epoch(Duration::from_secs(1_780_272_000));
        let mut store = TrustStore::new();
        store.add_certificate("directtrust", cert("int"));
        let mut revocation = RevocationData::new();
        revocation.add_crl(Crl::from_pem_or_der(&read("crl/int.crl")).expect("CRL"));
        let attachment_len = if support::test_mode() { 256 << 10 } else { 10 << 20 };
        let address = |s: &str| -> DirectAddress { s.parse().expect("address") };
        let builder =
            MessageBuilder::new(address("alice@direct.example.org"), vec![address("fhir@hospital.example.net")])
                .subject("Imaging report")
                .date(time)
                .message_id("bench-10mb@direct.example.org")
                .text("The report is attached.")
                .attach("application/pdf", "report.pdf", attachment(attachment_len));
        let signer = SmimeSigner::from_private_key(&read("keys/address.pem"), vec![cert("address"), cert("int")])
            .expect("signer");
        let signed = builder.sign(&signer).expect("sign");
        let entity = builder.signed_entity().expect("entity");
        let encryptor = SmimeEncryptor::new(store.clone());
        let recipient = encryptor
            .recipient(&cert("hisp"), &[address("fhir@hospital.example.net")], time, Some(&revocation))
            .expect("recipient");
        let encrypted = encryptor.encrypt_message(&signed, &[recipient]).expect("encrypt");
        Setup { verifier: SmimeVerifier::new(store), revocation, time, signed, entity, encrypted, attachment_len }
    }

    fn input(&self) -> SmimeInput<'_> {
        SmimeInput::new(self.time).revocation(&self.revocation)
    }

    /// The attachment's size, read from the verified message (which decodes it).
    fn check(&self, m: &VerifiedMessage) -> usize {
        m.attachments().map(|a| a.bytes().len()).sum()
    }

    /// What a receiver looks at before reading a part: its type and name.
    fn list(&self, m: &VerifiedMessage) -> usize {
        m.parts().iter().map(|p| p.content_type().len() + p.filename().map_or(0, str::len)).sum()
    }
}

fn direct<M: Clock>(c: &mut Criterion<M>) {
    let s = Setup::load();
    let mut group = c.benchmark_group("direct");
    group.sample_size(20);

    let verified = s.verifier.verify_message(&s.signed, &s.input()).expect("the signed message verifies");
    assert_eq!(s.check(&verified), s.attachment_len);
    assert_eq!(verified.signed_content(), s.entity.as_slice());
    let decrypted = s.verifier.decrypt_message(&s.encrypted, &[s.key_clone()], &s.input()).expect("it decrypts");
    assert_eq!(s.check(&decrypted), s.attachment_len);

    group.bench_function("sha256-10mb", |b| {
        b.iter(|| support::measured(|| DigestAlgorithm::Sha256.digest(black_box(&s.entity))))
    });
    for (id, read) in [("verify-10mb", false), ("verify-10mb-read", true)] {
        group.bench_function(id, |b| {
            b.iter(|| {
                support::measured(|| {
                    let m = s.verifier.verify_message(black_box(&s.signed), &s.input()).expect("verifies");
                    if read { s.check(&m) } else { s.list(&m) }
                })
            })
        });
    }
    let keys = [s.key_clone()];
    for (id, read) in [("decrypt-verify-10mb", false), ("decrypt-verify-10mb-read", true)] {
        group.bench_function(id, |b| {
            b.iter(|| {
                support::measured(|| {
                    let m = s.verifier.decrypt_message(black_box(&s.encrypted), &keys, &s.input()).expect("decrypts");
                    if read { s.check(&m) } else { s.list(&m) }
                })
            })
        });
    }

    // The floors' parts.
    let (key, message, sig) = signed_attributes_signature(&s);
    assert!(rustcrypto::RSA_PKCS1_SHA256.verify_signature(&key, &message, &sig).is_ok());
    group.bench_function("rsa2048-verify", |b| {
        b.iter(|| support::measured(|| rustcrypto::RSA_PKCS1_SHA256.verify_signature(black_box(&key), &message, &sig)))
    });
    let (rsa_key, encrypted_key, cbc_key, iv, ciphertext) = envelope_parts(&s);
    group.bench_function("rsa2048-decrypt", |b| {
        b.iter(|| {
            support::measured(|| rsa_key.pkcs1v15_decrypt_with_rng(&mut getrandom::SysRng, black_box(&encrypted_key)))
        })
    });
    group.bench_function("aes128-cbc-decrypt-10mb", |b| {
        b.iter(|| support::measured(|| cbc_decrypt(&cbc_key, &iv, black_box(&ciphertext))))
    });
    group.finish();
}

impl Setup {
    fn key_clone(&self) -> DecryptionKey {
        DecryptionKey::from_private_key(&read("keys/hisp.pem"), cert("hisp")).expect("key")
    }
}

/// The signer's public key, the DER signed attributes and the signature of the message's
/// SignerInfo (read with the `cms` crate).
fn signed_attributes_signature(s: &Setup) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    use der::{Decode, Encode};
    let text = String::from_utf8_lossy(&s.signed);
    let marker = "filename=\"smime.p7s\"\r\n\r\n";
    let start = text.find(marker).expect("signature part") + marker.len();
    let end = start + text[start..].find("\r\n\r\n--").expect("end of the signature part");
    let cms_der = base64_decode(&text[start..end]);
    let info = cms::content_info::ContentInfo::from_der(&cms_der).expect("ContentInfo");
    let sd: cms::signed_data::SignedData = info.content.decode_as().expect("SignedData");
    let signer = sd.signer_infos.0.get(0).expect("a SignerInfo");
    let attrs = signer.signed_attrs.as_ref().expect("signed attributes").to_der().expect("DER");
    (cert("address").public_key().to_vec(), attrs, signer.signature.as_bytes().to_vec())
}

/// The HISP's RSA key, the message's encrypted key, and (decrypted beforehand) the content key,
/// IV and ciphertext.
fn envelope_parts(s: &Setup) -> (rsa::PrivateKey, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
    use der::Decode;
    use pkcs8::DecodePrivateKey;
    let text = String::from_utf8_lossy(&s.encrypted);
    let body = &text[text.find("\r\n\r\n").expect("body") + 4..];
    let der = base64_decode(body);
    let info = cms::content_info::ContentInfo::from_der(&der).expect("ContentInfo");
    let ed: cms::enveloped_data::EnvelopedData = info.content.decode_as().expect("EnvelopedData");
    let Some(cms::enveloped_data::RecipientInfo::Ktri(ktri)) = ed.recip_infos.0.get(0) else { panic!("a KTRI") };
    let pem = String::from_utf8(read("keys/hisp.pem")).expect("PEM");
    let key = rsa::PrivateKey::from_pkcs8_pem(&pem).expect("RSA key");
    let encrypted_key = ktri.enc_key.as_bytes().to_vec();
    let cek = key.pkcs1v15_decrypt(&encrypted_key).expect("the key decrypts");
    let iv: der::asn1::OctetString =
        ed.encrypted_content.content_enc_alg.parameters.as_ref().expect("IV").decode_as().expect("IV");
    let ciphertext = ed.encrypted_content.encrypted_content.as_ref().expect("content").as_bytes().to_vec();
    assert!(cbc_decrypt(&cek, iv.as_bytes(), &ciphertext).starts_with(b"Content-Type: multipart/signed"));
    (key, encrypted_key, cek, iv.as_bytes().to_vec(), ciphertext)
}

fn cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    use cbc::cipher::block_padding::Pkcs7;
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit};
    cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
        .expect("key and IV")
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .expect("padding")
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).expect("base64")
}

struct All;

impl support::Benches for All {
    fn run<M: Clock>(c: &mut Criterion<M>) {
        direct(c);
    }
}

fn main() {
    support::main::<All>();
}
