//! Object identifiers of the algorithms trustpath knows (RFC 3279, RFC 4055, RFC 5754, RFC 5758,
//! RFC 8410 for signatures and digests; RFC 4055 for RSAES-OAEP; RFC 3565 and RFC 5084 for AES
//! in CMS).

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
/// id-RSAES-OAEP (RFC 4055 §4).
pub(crate) const RSAES_OAEP: ObjectIdentifier = oid("1.2.840.113549.1.1.7");
/// id-mgf1.
pub(crate) const MGF1: ObjectIdentifier = oid("1.2.840.113549.1.1.8");
/// id-pSpecified (the OAEP label source; only the empty label is used).
pub(crate) const P_SPECIFIED: ObjectIdentifier = oid("1.2.840.113549.1.1.9");
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

/// id-aes128-CBC.
pub(crate) const AES128_CBC: ObjectIdentifier = oid("2.16.840.1.101.3.4.1.2");
/// id-aes192-CBC.
pub(crate) const AES192_CBC: ObjectIdentifier = oid("2.16.840.1.101.3.4.1.22");
/// id-aes256-CBC.
pub(crate) const AES256_CBC: ObjectIdentifier = oid("2.16.840.1.101.3.4.1.42");
/// id-aes128-GCM.
pub(crate) const AES128_GCM: ObjectIdentifier = oid("2.16.840.1.101.3.4.1.6");
/// id-aes256-GCM.
pub(crate) const AES256_GCM: ObjectIdentifier = oid("2.16.840.1.101.3.4.1.46");
/// des-ede3-cbc (refused: AS v1.3 strict mode and RFC 8551 §2.7 "SHOULD-").
pub(crate) const DES_EDE3_CBC: ObjectIdentifier = oid("1.2.840.113549.3.7");
