//! Message digests: the one list of hash functions that certificates, OCSP, JWS and CMS use,
//! with their identifiers (RFC 5754 §2, RFC 3279 §2.2 for SHA-1).

use const_oid::ObjectIdentifier;
use der::{Tag, Tagged};
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;

use super::oids;

/// A message digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-1: broken for collision resistance. Refused for signatures unless a legacy switch
    /// allows it (the Applicability Statement v1.3 disallows it); still used by OCSP CertIDs and
    /// RSAES-OAEP's defaults, where collisions do not matter.
    Sha1,
    /// SHA-256 (the Direct and UDAP default).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlgorithm {
    /// The algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha1 => oids::SHA1,
            DigestAlgorithm::Sha256 => oids::SHA256,
            DigestAlgorithm::Sha384 => oids::SHA384,
            DigestAlgorithm::Sha512 => oids::SHA512,
        }
    }

    /// The `micalg` parameter value of `multipart/signed` (RFC 8551 §3.5.3.2): `sha-256`, ...
    pub fn micalg(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "sha-1",
            DigestAlgorithm::Sha256 => "sha-256",
            DigestAlgorithm::Sha384 => "sha-384",
            DigestAlgorithm::Sha512 => "sha-512",
        }
    }

    /// `SHA-256`, ...
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "SHA-1",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// The digest's length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha1 => 20,
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut hasher = self.hasher();
        hasher.update(data);
        hasher.finish()
    }

    /// An incremental hasher, for data that arrives in pieces.
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            DigestAlgorithm::Sha1 => State::Sha1(sha1::Sha1::new()),
            DigestAlgorithm::Sha256 => State::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => State::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => State::Sha512(sha2::Sha512::new()),
        })
    }

    /// The algorithm with this OID, if it is one of these.
    pub fn from_oid(oid: ObjectIdentifier) -> Option<Self> {
        Some(match oid {
            oids::SHA1 => DigestAlgorithm::Sha1,
            oids::SHA256 => DigestAlgorithm::Sha256,
            oids::SHA384 => DigestAlgorithm::Sha384,
            oids::SHA512 => DigestAlgorithm::Sha512,
            _ => return None,
        })
    }

    /// The algorithm an AlgorithmIdentifier names, its parameters absent or NULL (RFC 5754
    /// §2: implementations MUST accept both). `Err` carries what it is instead, for messages.
    #[cfg_attr(not(feature = "direct"), allow(dead_code))] // CMS reads digest identifiers
    pub(crate) fn from_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<Self, UnknownDigest> {
        match DigestAlgorithm::from_oid(alg.oid) {
            Some(_) if !params_absent_or_null(alg) => Err(UnknownDigest::Parameters),
            Some(digest) => Ok(digest),
            None => Err(UnknownDigest::Oid(alg.oid)),
        }
    }
}

/// Why an AlgorithmIdentifier is not a [`DigestAlgorithm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "direct"), allow(dead_code))]
pub(crate) enum UnknownDigest {
    /// A known digest with parameters other than absent or NULL.
    Parameters,
    /// Another algorithm (MD5, SHA-224, SHA-3, ...).
    Oid(ObjectIdentifier),
}

impl UnknownDigest {
    /// A name for messages: `MD5`, `SHA-224`, or the OID.
    #[cfg_attr(not(feature = "direct"), allow(dead_code))]
    pub(crate) fn describe(self) -> String {
        match self {
            UnknownDigest::Parameters => "digest algorithm parameters other than absent or NULL".into(),
            UnknownDigest::Oid(oids::MD5) => "MD5".into(),
            UnknownDigest::Oid(oids::SHA224) => "SHA-224".into(),
            UnknownDigest::Oid(other) => other.to_string(),
        }
    }
}

/// Whether an AlgorithmIdentifier's parameters are absent or NULL.
#[cfg_attr(not(feature = "direct"), allow(dead_code))]
pub(crate) fn params_absent_or_null(alg: &AlgorithmIdentifierOwned) -> bool {
    match &alg.parameters {
        None => true,
        Some(p) => p.tag() == Tag::Null && p.value().is_empty(),
    }
}

/// An incremental [`DigestAlgorithm`] computation.
#[derive(Clone)]
pub struct Hasher(State);

#[derive(Clone)]
enum State {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl core::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Hasher").field(&self.algorithm()).finish()
    }
}

impl Hasher {
    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            State::Sha1(h) => h.update(data),
            State::Sha256(h) => h.update(data),
            State::Sha384(h) => h.update(data),
            State::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything added.
    pub fn finish(self) -> Vec<u8> {
        match self.0 {
            State::Sha1(h) => h.finalize().to_vec(),
            State::Sha256(h) => h.finalize().to_vec(),
            State::Sha384(h) => h.finalize().to_vec(),
            State::Sha512(h) => h.finalize().to_vec(),
        }
    }

    /// The algorithm computed.
    pub fn algorithm(&self) -> DigestAlgorithm {
        match self.0 {
            State::Sha1(_) => DigestAlgorithm::Sha1,
            State::Sha256(_) => DigestAlgorithm::Sha256,
            State::Sha384(_) => DigestAlgorithm::Sha384,
            State::Sha512(_) => DigestAlgorithm::Sha512,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_and_identifiers() {
        let all = [DigestAlgorithm::Sha1, DigestAlgorithm::Sha256, DigestAlgorithm::Sha384, DigestAlgorithm::Sha512];
        for d in all {
            assert_eq!(DigestAlgorithm::from_oid(d.oid()), Some(d));
            assert_eq!(d.digest(b"abc").len(), d.output_len());
            let mut h = d.hasher();
            h.update(b"a");
            h.update(b"bc");
            assert_eq!(h.finish(), d.digest(b"abc"), "{d:?}");
        }
        // FIPS 180-4 test vector.
        assert_eq!(
            crate::hex::hex_string(&DigestAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let with = |parameters| AlgorithmIdentifierOwned { oid: oids::SHA256, parameters };
        assert_eq!(DigestAlgorithm::from_algorithm(&with(None)), Ok(DigestAlgorithm::Sha256));
        let null = der::Any::encode_from(&der::asn1::Null).unwrap();
        assert_eq!(DigestAlgorithm::from_algorithm(&with(Some(null))), Ok(DigestAlgorithm::Sha256));
        let other = der::Any::encode_from(&1u8).unwrap();
        assert_eq!(DigestAlgorithm::from_algorithm(&with(Some(other))), Err(UnknownDigest::Parameters));
        let md5 = AlgorithmIdentifierOwned { oid: oids::MD5, parameters: None };
        assert_eq!(DigestAlgorithm::from_algorithm(&md5).unwrap_err().describe(), "MD5");
    }
}
