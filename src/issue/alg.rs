//! The signature algorithms certificates and CRLs are signed with, and their
//! AlgorithmIdentifier encodings (RFC 4055, RFC 5758, RFC 8410).

use super::encoding::tlv;

/// `sha256WithRSAEncryption` with NULL parameters (RFC 4055 §5).
const RSA_PKCS1_SHA256: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00];
/// `sha384WithRSAEncryption` with NULL parameters.
const RSA_PKCS1_SHA384: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00];
/// `id-RSASSA-PSS` with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 4055 §3.1, the
/// encoding OpenSSL and webpki use).
const RSA_PSS_SHA256: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09,
    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86,
    0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
    0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
];
/// `ecdsa-with-SHA256`, no parameters (RFC 5758 §3.2).
const ECDSA_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
/// `ecdsa-with-SHA384`, no parameters.
const ECDSA_SHA384: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
/// `id-Ed25519`, no parameters (RFC 8410 §3).
const ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];

/// A signature algorithm (hash and padding); the key type comes from the signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    RsaPssSha256,
    /// ECDSA with SHA-256 (P-256 keys).
    EcdsaSha256,
    /// ECDSA with SHA-384 (P-384 keys).
    EcdsaSha384,
    /// Ed25519 (pure).
    Ed25519,
}

impl SigAlg {
    /// The AlgorithmIdentifier, DER (the whole SEQUENCE).
    pub fn algorithm_identifier(self) -> Vec<u8> {
        tlv(0x30, self.algorithm_identifier_value())
    }

    /// The AlgorithmIdentifier's content octets (no SEQUENCE header), as
    /// `rustls_pki_types::AlgorithmIdentifier` holds them.
    pub fn algorithm_identifier_value(self) -> &'static [u8] {
        match self {
            SigAlg::RsaPkcs1Sha256 => RSA_PKCS1_SHA256,
            SigAlg::RsaPkcs1Sha384 => RSA_PKCS1_SHA384,
            SigAlg::RsaPssSha256 => RSA_PSS_SHA256,
            SigAlg::EcdsaSha256 => ECDSA_SHA256,
            SigAlg::EcdsaSha384 => ECDSA_SHA384,
            SigAlg::Ed25519 => ED25519,
        }
    }

    /// The algorithm's usual name.
    pub fn name(self) -> &'static str {
        match self {
            SigAlg::RsaPkcs1Sha256 => "sha256WithRSAEncryption",
            SigAlg::RsaPkcs1Sha384 => "sha384WithRSAEncryption",
            SigAlg::RsaPssSha256 => "RSASSA-PSS-SHA256",
            SigAlg::EcdsaSha256 => "ecdsa-with-SHA256",
            SigAlg::EcdsaSha384 => "ecdsa-with-SHA384",
            SigAlg::Ed25519 => "Ed25519",
        }
    }
}
