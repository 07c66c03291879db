//! Signature algorithms the generator can sign with: those of [`trustpath::issue::SigAlg`],
//! plus SHA-1 with RSA for negative cases, which trustpath does not issue.

use trustpath::issue;

/// `sha1WithRSAEncryption` with NULL parameters.
const RSA_PKCS1_SHA1: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00];

/// A signature algorithm (hash and padding); the key type comes from the signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSASSA-PKCS1-v1_5 with SHA-1 (legacy, for negative cases).
    RsaPkcs1Sha1,
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
    /// The same algorithm in `trustpath::issue`, which has all but SHA-1.
    pub fn issue(self) -> Option<issue::SigAlg> {
        Some(match self {
            SigAlg::RsaPkcs1Sha256 => issue::SigAlg::RsaPkcs1Sha256,
            SigAlg::RsaPkcs1Sha384 => issue::SigAlg::RsaPkcs1Sha384,
            SigAlg::RsaPkcs1Sha1 => return None,
            SigAlg::RsaPssSha256 => issue::SigAlg::RsaPssSha256,
            SigAlg::EcdsaSha256 => issue::SigAlg::EcdsaSha256,
            SigAlg::EcdsaSha384 => issue::SigAlg::EcdsaSha384,
            SigAlg::Ed25519 => issue::SigAlg::Ed25519,
        })
    }

    /// The AlgorithmIdentifier, DER (full SEQUENCE TLV).
    pub fn algorithm_identifier(self) -> Vec<u8> {
        crate::bundle::tlv(0x30, self.algorithm_identifier_value())
    }

    /// The AlgorithmIdentifier's content octets (no SEQUENCE header), as
    /// `rustls_pki_types::AlgorithmIdentifier` holds them.
    pub fn algorithm_identifier_value(self) -> &'static [u8] {
        self.issue().map_or(RSA_PKCS1_SHA1, issue::SigAlg::algorithm_identifier_value)
    }

    /// A short name for file names and descriptions.
    pub fn name(self) -> &'static str {
        self.issue().map_or("sha1WithRSAEncryption", issue::SigAlg::name)
    }
}
