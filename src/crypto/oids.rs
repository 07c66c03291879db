//! Object identifiers of the algorithms trustpath knows (RFC 3279, RFC 4055, RFC 5754, RFC 5758,
//! RFC 8410 for signatures and digests).

// Certificates and CRLs compare their identifiers byte for byte with the policy's (see
// `super::same_signature_algorithm`); reading arbitrary identifiers is CMS's need.
#![cfg_attr(not(feature = "direct"), allow(dead_code))]

use const_oid::ObjectIdentifier;

const fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

/// MD5 (never accepted; named in messages).
pub(crate) const MD5: ObjectIdentifier = oid("1.2.840.113549.2.5");
/// SHA-1.
pub(crate) const SHA1: ObjectIdentifier = oid("1.3.14.3.2.26");
/// SHA-224 (not accepted; named in messages).
pub(crate) const SHA224: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.4");
/// SHA-256.
pub(crate) const SHA256: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.1");
/// SHA-384.
pub(crate) const SHA384: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.2");
/// SHA-512.
pub(crate) const SHA512: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.3");

/// rsaEncryption: an RSA key, and in CMS also "RSA PKCS#1 v1.5" for signatures and key transport.
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier = oid("1.2.840.113549.1.1.1");
/// md5WithRSAEncryption.
pub(crate) const MD5_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.4");
/// sha1WithRSAEncryption.
pub(crate) const SHA1_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.5");
/// id-mgf1.
pub(crate) const MGF1: ObjectIdentifier = oid("1.2.840.113549.1.1.8");
/// id-RSASSA-PSS (RFC 4055 §3).
pub(crate) const RSASSA_PSS: ObjectIdentifier = oid("1.2.840.113549.1.1.10");
/// sha256WithRSAEncryption.
pub(crate) const SHA256_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption.
pub(crate) const SHA384_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption.
pub(crate) const SHA512_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.13");

/// id-ecPublicKey.
pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier = oid("1.2.840.10045.2.1");
/// ecdsa-with-SHA1.
pub(crate) const ECDSA_SHA1: ObjectIdentifier = oid("1.2.840.10045.4.1");
/// ecdsa-with-SHA256.
pub(crate) const ECDSA_SHA256: ObjectIdentifier = oid("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384.
pub(crate) const ECDSA_SHA384: ObjectIdentifier = oid("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512.
pub(crate) const ECDSA_SHA512: ObjectIdentifier = oid("1.2.840.10045.4.3.4");
/// id-Ed25519.
pub(crate) const ED25519: ObjectIdentifier = oid("1.3.101.112");
