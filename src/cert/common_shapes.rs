//! Direct decoding of the shapes nearly every end-entity certificate uses for three
//! extensions, without `x509-cert`'s general decoder (most of the cost of parsing a leaf):
//! extendedKeyUsage (a SEQUENCE OF OID), authorityKeyIdentifier holding only a keyIdentifier,
//! and subjectAltName holding only dNSNames.
//!
//! Each function returns `None` for anything outside its shape, including every malformed
//! input, and the caller then decodes with `x509-cert` as before; where a function returns a
//! value, it is the value `x509-cert` decodes (checked by differential tests). So these are
//! shortcuts, never a second opinion on what is well-formed.

use const_oid::ObjectIdentifier;
use der::Tag;
use der::asn1::{Ia5String, OctetString};
use x509_cert::ext::pkix::AuthorityKeyIdentifier;
use x509_cert::ext::pkix::name::GeneralName;

use crate::der_walk::{Tlv, Walker};

/// The value of the one SEQUENCE that is all of `der`.
fn sequence(der: &[u8]) -> Option<&[u8]> {
    let mut r = Walker::new(der).ok()?;
    let seq = r.read_tagged(Tag::Sequence).ok()?;
    r.finish().ok()?;
    Some(seq.value)
}

/// Calls `f` on each TLV of `value`; `None` as soon as one does not read or `f` refuses it.
fn each<'a>(value: &'a [u8], mut f: impl FnMut(Tlv<'a>) -> Option<()>) -> Option<()> {
    let mut r = Walker::new(value).ok()?;
    while !r.is_finished() {
        f(r.read_any().ok()?)?;
    }
    Some(())
}

/// `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId` (an empty list is left to
/// the caller's own check).
pub(crate) fn extended_key_usage(der: &[u8]) -> Option<Vec<ObjectIdentifier>> {
    let value = sequence(der)?;
    let mut out = Vec::with_capacity(2);
    each(value, |tlv| {
        (tlv.tag == Tag::ObjectIdentifier).then_some(())?;
        out.push(ObjectIdentifier::from_bytes(tlv.value).ok()?);
        Some(())
    })?;
    Some(out)
}

/// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }`, the
/// other two (optional) fields absent.
pub(crate) fn authority_key_identifier(der: &[u8]) -> Option<AuthorityKeyIdentifier> {
    let mut r = Walker::new(sequence(der)?).ok()?;
    let key_id = r.read_any().ok()?;
    r.finish().ok()?;
    (key_id.full.first() == Some(&0x80)).then_some(())?;
    Some(AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(key_id.value).ok()?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    })
}

/// `GeneralNames` of dNSName entries only (`[2] IMPLICIT IA5String`).
pub(crate) fn dns_names(der: &[u8]) -> Option<Vec<GeneralName>> {
    let value = sequence(der)?;
    let mut out = Vec::with_capacity(2);
    each(value, |tlv| {
        (tlv.full.first() == Some(&0x82)).then_some(())?;
        out.push(GeneralName::DnsName(Ia5String::new(tlv.value).ok()?));
        Some(())
    })?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};
    use proptest::prelude::*;
    use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectAltName};

    /// Each shortcut either declines or agrees with `x509-cert`.
    fn agree(der: &[u8]) {
        if let Some(fast) = extended_key_usage(der) {
            assert_eq!(ExtendedKeyUsage::from_der(der).map(|e| e.0).ok(), Some(fast), "EKU {der:02x?}");
        }
        if let Some(fast) = authority_key_identifier(der) {
            assert_eq!(AuthorityKeyIdentifier::from_der(der).ok(), Some(fast), "AKI {der:02x?}");
        }
        if let Some(fast) = dns_names(der) {
            assert_eq!(SubjectAltName::from_der(der).map(|s| s.0).ok(), Some(fast), "SAN {der:02x?}");
        }
    }

    fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![tag, value.len() as u8];
        out.extend_from_slice(value);
        out
    }

    #[test]
    fn common_shapes_decode_as_x509_cert_decodes_them() {
        let server_auth = tlv(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]);
        let client_auth = tlv(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]);
        let eku = tlv(0x30, &[server_auth.clone(), client_auth].concat());
        assert_eq!(extended_key_usage(&eku).map(|v| v.len()), Some(2));
        let aki = tlv(0x30, &tlv(0x80, &[7; 20]));
        assert!(authority_key_identifier(&aki).is_some());
        let san = tlv(0x30, &[tlv(0x82, b"a.example"), tlv(0x82, b"*.example.org")].concat());
        assert_eq!(dns_names(&san).map(|v| v.len()), Some(2));
        for good in [&eku, &aki, &san] {
            agree(good);
        }
        // Outside the shapes: declined (x509-cert decides).
        let with_uri = tlv(0x30, &[tlv(0x82, b"a.example"), tlv(0x86, b"https://a.example/")].concat());
        assert!(dns_names(&with_uri).is_none());
        let aki_with_serial = tlv(0x30, &[tlv(0x80, &[7; 20]), tlv(0x82, &[1])].concat());
        assert!(authority_key_identifier(&aki_with_serial).is_none());
        let constructed_key_id = tlv(0x30, &tlv(0xa0, &tlv(0x04, &[7; 4])));
        assert!(authority_key_identifier(&constructed_key_id).is_none());
        let non_ascii = tlv(0x30, &tlv(0x82, &[0xc3, 0xa9]));
        assert!(dns_names(&non_ascii).is_none());
        let bad_oid = tlv(0x30, &tlv(0x06, &[0x2b, 0x86]));
        assert!(extended_key_usage(&bad_oid).is_none());
        let trailing = [eku.clone(), vec![0]].concat();
        assert!(extended_key_usage(&trailing).is_none());
        assert_eq!(extended_key_usage(&tlv(0x30, &[])), Some(Vec::new()));
        for other in [&with_uri, &aki_with_serial, &constructed_key_id, &non_ascii, &bad_oid, &trailing] {
            agree(other);
        }
        // Real encodings of x509-cert's own types.
        let encoded = ExtendedKeyUsage(vec![const_oid::db::rfc5280::ID_KP_SERVER_AUTH]).to_der().expect("EKU");
        assert_eq!(extended_key_usage(&encoded), Some(vec![const_oid::db::rfc5280::ID_KP_SERVER_AUTH]));
    }

    proptest! {
        #[test]
        fn mutated_shapes_are_declined_or_decoded_alike(
            which in 0usize..3,
            flips in proptest::collection::vec((0usize..40, any::<u8>()), 0..4),
            cut in 0usize..48,
        ) {
            let base = match which {
                0 => tlv(0x30, &[tlv(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]), tlv(0x06, &[0x55, 0x1d, 0x25, 0x00])].concat()),
                1 => tlv(0x30, &tlv(0x80, &[0x11; 20])),
                _ => tlv(0x30, &[tlv(0x82, b"bench.example.com"), tlv(0x82, b"x.y")].concat()),
            };
            let mut der = base.get(..cut.min(base.len())).unwrap_or_default().to_vec();
            if cut >= base.len() {
                der = base.clone();
            }
            for (at, byte) in flips {
                if let Some(b) = der.get_mut(at) {
                    *b = byte;
                }
            }
            agree(&der);
        }
    }
}
