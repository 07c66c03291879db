//! Signature algorithm identifiers read into one [`SignatureScheme`]: the scheme, its hash and
//! (RSASSA-PSS) its salt length, whoever names them — an X.509 or CMS AlgorithmIdentifier
//! (RFC 4055, RFC 5754, RFC 5758, RFC 8410) or a JWS `alg`. Verification then goes through
//! [`super::AlgorithmPolicy`] (its pluggable backends) and signing through
//! [`super::private_key::PrivateKey`].

// Reading AlgorithmIdentifiers (as opposed to JWS names) is CMS's need: certificates and CRLs
// compare theirs byte for byte with the policy's (see `super::same_signature_algorithm`).
#![cfg_attr(not(feature = "direct"), allow(dead_code))]

use der::asn1::Null;
use der::{Decode, Tag, Tagged};
use rustls_pki_types::alg_id;
use spki::AlgorithmIdentifierOwned;

use super::digest::{DigestAlgorithm, params_absent_or_null};
use super::oids;
use crate::der_walk::{Walker, read_optional};
use crate::error::Reason;

/// sha1WithRSAEncryption with NULL parameters (AlgorithmIdentifier value).
pub(crate) const RSA_PKCS1_SHA1_ID: &[u8] =
    &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00];
/// ecdsa-with-SHA1 (AlgorithmIdentifier value).
pub(crate) const ECDSA_SHA1_ID: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01];

/// A signature scheme with its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    RsaPkcs1(DigestAlgorithm),
    /// RSASSA-PSS (RFC 8017 §8.1) with MGF1 over the same hash, trailer field 1.
    RsaPss {
        /// The hash, also MGF1's.
        hash: DigestAlgorithm,
        /// The salt length in bytes.
        salt_len: usize,
    },
    /// ECDSA (the curve is the key's).
    Ecdsa(DigestAlgorithm),
    /// Ed25519 (RFC 8032; no separate hash).
    Ed25519,
}

impl SignatureScheme {
    /// RSASSA-PSS with a salt as long as the hash (RFC 8017's recommendation; JWS PS256 and the
    /// AlgorithmIdentifiers of rustls-pki-types).
    pub(crate) fn pss(hash: DigestAlgorithm) -> Self {
        SignatureScheme::RsaPss { hash, salt_len: hash.output_len() }
    }

    /// The hash, except for Ed25519.
    pub(crate) fn hash(self) -> Option<DigestAlgorithm> {
        match self {
            SignatureScheme::RsaPkcs1(h) | SignatureScheme::Ecdsa(h) | SignatureScheme::RsaPss { hash: h, .. } => {
                Some(h)
            }
            SignatureScheme::Ed25519 => None,
        }
    }

    /// The AlgorithmIdentifier value under which the [`super::AlgorithmPolicy`]'s backends know
    /// this scheme (the rustls-pki-types encodings; RSASSA-PSS with the hash's salt length).
    pub(crate) fn canonical_id(self) -> &'static [u8] {
        use DigestAlgorithm::{Sha1, Sha256, Sha384, Sha512};
        match self {
            SignatureScheme::RsaPkcs1(Sha1) => RSA_PKCS1_SHA1_ID,
            SignatureScheme::RsaPkcs1(Sha256) => alg_id::RSA_PKCS1_SHA256.as_ref(),
            SignatureScheme::RsaPkcs1(Sha384) => alg_id::RSA_PKCS1_SHA384.as_ref(),
            SignatureScheme::RsaPkcs1(Sha512) => alg_id::RSA_PKCS1_SHA512.as_ref(),
            // RSASSA-PSS with SHA-1 is never read (see `pss_parameters`); the nearest id keeps
            // the function total, and the policy then refuses the salt.
            SignatureScheme::RsaPss { hash: Sha1 | Sha256, .. } => alg_id::RSA_PSS_SHA256.as_ref(),
            SignatureScheme::RsaPss { hash: Sha384, .. } => alg_id::RSA_PSS_SHA384.as_ref(),
            SignatureScheme::RsaPss { hash: Sha512, .. } => alg_id::RSA_PSS_SHA512.as_ref(),
            SignatureScheme::Ecdsa(Sha1) => ECDSA_SHA1_ID,
            SignatureScheme::Ecdsa(Sha256) => alg_id::ECDSA_SHA256.as_ref(),
            SignatureScheme::Ecdsa(Sha384) => alg_id::ECDSA_SHA384.as_ref(),
            SignatureScheme::Ecdsa(Sha512) => alg_id::ECDSA_SHA512.as_ref(),
            SignatureScheme::Ed25519 => alg_id::ED25519.as_ref(),
        }
    }

    /// The scheme a signature AlgorithmIdentifier names (sha256WithRSAEncryption, RSASSA-PSS
    /// with its parameters, ecdsa-with-SHA256, Ed25519, ...).
    pub(crate) fn from_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<Self, Reason> {
        use DigestAlgorithm::{Sha1, Sha256, Sha384, Sha512};
        let null_params = params_absent_or_null(alg);
        Ok(match alg.oid {
            oids::SHA1_WITH_RSA if null_params => SignatureScheme::RsaPkcs1(Sha1),
            oids::SHA256_WITH_RSA if null_params => SignatureScheme::RsaPkcs1(Sha256),
            oids::SHA384_WITH_RSA if null_params => SignatureScheme::RsaPkcs1(Sha384),
            oids::SHA512_WITH_RSA if null_params => SignatureScheme::RsaPkcs1(Sha512),
            oids::RSASSA_PSS => match pss_parameters(alg) {
                Some((hash, salt_len)) => SignatureScheme::RsaPss { hash, salt_len },
                None => {
                    return Err(unsupported("RSASSA-PSS parameters other than MGF1 with the same SHA-2 hash".into()));
                }
            },
            oids::ECDSA_SHA1 => SignatureScheme::Ecdsa(Sha1),
            oids::ECDSA_SHA256 => SignatureScheme::Ecdsa(Sha256),
            oids::ECDSA_SHA384 => SignatureScheme::Ecdsa(Sha384),
            oids::ECDSA_SHA512 => SignatureScheme::Ecdsa(Sha512),
            oids::ED25519 => SignatureScheme::Ed25519,
            oids::MD5_WITH_RSA => return Err(unsupported("md5WithRSAEncryption".into())),
            other => {
                return Err(unsupported(match const_oid::db::DB.by_oid(&other) {
                    Some(name) => format!("{name} ({other})"),
                    None => other.to_string(),
                }));
            }
        })
    }

    /// The scheme of a CMS SignerInfo (RFC 5652 §5.3): its signatureAlgorithm may name the key
    /// type alone (`rsaEncryption`, as OpenSSL writes it, or `id-ecPublicKey`), the hash then
    /// being the SignerInfo's digestAlgorithm; a full signature algorithm must use that hash.
    pub(crate) fn from_cms(alg: &AlgorithmIdentifierOwned, digest: DigestAlgorithm) -> Result<Self, Reason> {
        match alg.oid {
            oids::RSA_ENCRYPTION if params_absent_or_null(alg) => return Ok(SignatureScheme::RsaPkcs1(digest)),
            oids::EC_PUBLIC_KEY => return Ok(SignatureScheme::Ecdsa(digest)),
            _ => {}
        }
        let scheme = SignatureScheme::from_algorithm(alg)?;
        match scheme.hash() {
            Some(hash) if hash != digest => Err(unsupported(format!(
                "signature algorithm {} with digest algorithm {} (their hashes differ)",
                alg.oid,
                digest.name()
            ))),
            _ => Ok(scheme),
        }
    }
}

fn unsupported(what: String) -> Reason {
    Reason::UnsupportedSignatureAlgorithm(what)
}

/// RSASSA-PSS parameters (RFC 4055 §3.1) trustpath verifies: MGF1 with the same SHA-2 hash as
/// the signature, trailer field 1, any salt length. Returns (hash, salt length). The defaults
/// (SHA-1, MGF1-SHA-1, salt 20) are SHA-1, which is never accepted here.
pub(crate) fn pss_parameters(alg: &AlgorithmIdentifierOwned) -> Option<(DigestAlgorithm, usize)> {
    let params = alg.parameters.as_ref()?;
    if params.tag() != Tag::Sequence {
        return None;
    }
    let mut r = Walker::new(params.value()).ok()?;
    let ctx = |n: u32| der::TagNumber(n).context_specific(true);
    let hash_tlv = read_optional(&mut r, ctx(0)).ok()??;
    let hash = AlgorithmIdentifierOwned::from_der(hash_tlv.value).ok()?;
    let mgf_tlv = read_optional(&mut r, ctx(1)).ok()??;
    let mgf_hash = mgf1_hash(mgf_tlv.value)?;
    let salt = match read_optional(&mut r, ctx(2)).ok()? {
        Some(tlv) => usize::try_from(u32::from_der(tlv.value).ok()?).ok()?,
        None => 20,
    };
    if let Some(tlv) = read_optional(&mut r, ctx(3)).ok()?
        && u8::from_der(tlv.value).ok()? != 1
    {
        return None;
    }
    r.finish().ok()?;
    let digest = DigestAlgorithm::from_algorithm(&hash).ok()?;
    (digest == mgf_hash && digest != DigestAlgorithm::Sha1).then_some((digest, salt))
}

/// The hash of an MGF1 AlgorithmIdentifier (DER).
pub(crate) fn mgf1_hash(der: &[u8]) -> Option<DigestAlgorithm> {
    let mgf = AlgorithmIdentifierOwned::from_der(der).ok()?;
    if mgf.oid != oids::MGF1 {
        return None;
    }
    let hash = mgf.parameters.as_ref()?.decode_as::<AlgorithmIdentifierOwned>().ok()?;
    DigestAlgorithm::from_algorithm(&hash).ok()
}

/// A `NULL` value, for AlgorithmIdentifier parameters.
pub(crate) fn null_any() -> der::Any {
    der::Any::from(der::AnyRef::from(Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    fn alg(value: &[u8]) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned::from_der(&crate::der_walk::wrap_sequence(value)).unwrap()
    }

    #[test]
    fn reads_every_canonical_identifier_back() {
        use DigestAlgorithm::*;
        let schemes = [
            SignatureScheme::RsaPkcs1(Sha256),
            SignatureScheme::RsaPkcs1(Sha384),
            SignatureScheme::RsaPkcs1(Sha512),
            SignatureScheme::RsaPkcs1(Sha1),
            SignatureScheme::pss(Sha256),
            SignatureScheme::pss(Sha384),
            SignatureScheme::pss(Sha512),
            SignatureScheme::Ecdsa(Sha256),
            SignatureScheme::Ecdsa(Sha384),
            SignatureScheme::Ecdsa(Sha512),
            SignatureScheme::Ecdsa(Sha1),
            SignatureScheme::Ed25519,
        ];
        for scheme in schemes {
            assert_eq!(SignatureScheme::from_algorithm(&alg(scheme.canonical_id())), Ok(scheme), "{scheme:?}");
        }
    }

    #[test]
    fn cms_forms() {
        use DigestAlgorithm::*;
        let rsa = AlgorithmIdentifierOwned { oid: oids::RSA_ENCRYPTION, parameters: Some(null_any()) };
        assert_eq!(SignatureScheme::from_cms(&rsa, Sha384), Ok(SignatureScheme::RsaPkcs1(Sha384)));
        let ec = AlgorithmIdentifierOwned { oid: oids::EC_PUBLIC_KEY, parameters: None };
        assert_eq!(SignatureScheme::from_cms(&ec, Sha256), Ok(SignatureScheme::Ecdsa(Sha256)));
        let sha256_rsa = alg(alg_id::RSA_PKCS1_SHA256.as_ref());
        assert_eq!(SignatureScheme::from_cms(&sha256_rsa, Sha256), Ok(SignatureScheme::RsaPkcs1(Sha256)));
        assert!(matches!(
            SignatureScheme::from_cms(&sha256_rsa, Sha384),
            Err(Reason::UnsupportedSignatureAlgorithm(m)) if m.contains("hashes differ")
        ));
        let md5 = AlgorithmIdentifierOwned { oid: oids::MD5_WITH_RSA, parameters: Some(null_any()) };
        assert!(SignatureScheme::from_cms(&md5, Sha256).is_err());
        assert_eq!(null_any().to_der().unwrap(), [5, 0]);
    }

    #[test]
    fn pss_parameters_need_matching_sha2_hashes() {
        // RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 222 (what OpenSSL writes for CMS).
        let build = |hash: &[u8], mgf_hash: &[u8], salt: u8| {
            let hash_alg = crate::der_walk::wrap_sequence(hash);
            let mgf = crate::der_walk::wrap_sequence(
                &[
                    &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08][..],
                    &crate::der_walk::wrap_sequence(mgf_hash),
                ]
                .concat(),
            );
            let explicit = |n: u8, v: &[u8]| [&[0xa0 + n, v.len() as u8][..], v].concat();
            let params = [explicit(0, &hash_alg), explicit(1, &mgf), explicit(2, &[0x02, 0x01, salt])].concat();
            let params = crate::der_walk::wrap_sequence(&params);
            let oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
            alg(&[&oid[..], &params].concat())
        };
        let sha256 = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
        let sha384 = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
        let sha1 = [0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a];
        assert_eq!(pss_parameters(&build(&sha256, &sha256, 100)), Some((DigestAlgorithm::Sha256, 100)));
        assert_eq!(pss_parameters(&build(&sha256, &sha384, 32)), None);
        assert_eq!(pss_parameters(&build(&sha1, &sha1, 20)), None);
        assert!(SignatureScheme::from_algorithm(&build(&sha1, &sha1, 20)).is_err());
    }
}
