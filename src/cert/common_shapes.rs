//! Direct reading of the shapes nearly every certificate uses for its common fields, without
//! the general decoders of `der` and `x509-cert` (most of the cost of parsing a leaf):
//! extendedKeyUsage (a SEQUENCE OF OID), authorityKeyIdentifier holding only a keyIdentifier,
//! subjectAltName holding only dNSNames, keyUsage and basicConstraints in their short forms,
//! the version and the serial number. Nothing is allocated: extensions give the bytes
//! validation reads, borrowed from the certificate.
//!
//! Each function returns `None` for anything outside its shape, including every malformed
//! input, and the caller then decodes with `x509-cert` as before; where a function returns a
//! value, `x509-cert` decodes the same input to the same content (checked by differential
//! tests). So these are shortcuts, never a second opinion on what is well-formed.

use der::Tag;
use der::flagset::FlagSet;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use super::dn::is_valid_oid;
use crate::der_walk::{Tlv, Walker};

/// The value of the one SEQUENCE that is all of `der`.
pub(crate) fn sequence(der: &[u8]) -> Option<&[u8]> {
    let mut r = Walker::new(der).ok()?;
    let seq = r.read_tagged(Tag::Sequence).ok()?;
    r.finish().ok()?;
    Some(seq.value)
}

/// Calls `f` on each TLV of `value`; `None` as soon as one does not read or `f` refuses it.
#[inline]
pub(crate) fn each<'a>(value: &'a [u8], mut f: impl FnMut(Tlv<'a>) -> Option<()>) -> Option<()> {
    let mut r = Walker::new(value).ok()?;
    while !r.is_finished() {
        f(r.read_any().ok()?)?;
    }
    Some(())
}

/// `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId`: the SEQUENCE's value, whose
/// elements are OBJECT IDENTIFIERs that decode (an empty list is left to the caller's check).
#[inline]
pub(crate) fn extended_key_usage(der: &[u8]) -> Option<&[u8]> {
    let value = sequence(der)?;
    each(value, |tlv| (tlv.tag == Tag::ObjectIdentifier && is_valid_oid(tlv.value)).then_some(()))?;
    Some(value)
}

/// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }`, the
/// other two (optional) fields absent: the keyIdentifier's octets.
#[inline]
pub(crate) fn authority_key_identifier(der: &[u8]) -> Option<&[u8]> {
    let mut r = Walker::new(sequence(der)?).ok()?;
    let key_id = r.read_any().ok()?;
    r.finish().ok()?;
    (key_id.full.first() == Some(&0x80)).then_some(key_id.value)
}

/// `GeneralNames` of dNSName entries only (`[2] IMPLICIT IA5String`): the SEQUENCE's value.
#[inline]
pub(crate) fn dns_names(der: &[u8]) -> Option<&[u8]> {
    let value = sequence(der)?;
    each(value, |tlv| (tlv.full.first() == Some(&0x82) && tlv.value.is_ascii()).then_some(()))?;
    Some(value)
}

/// The value octets of each TLV in `value`, up to the first that does not read (none do, in
/// values the functions above accepted).
pub(crate) fn values(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut r = Walker::new(value).ok();
    core::iter::from_fn(move || {
        let walker = r.as_mut().filter(|w| !w.is_finished())?;
        walker.read_any().ok().map(|tlv| tlv.value)
    })
}

/// `KeyUsage ::= BIT STRING` of at most two content octets, read as `der` reads a flag set:
/// bit n (counting from the most significant bit of the first octet) is flag n, unused bits
/// are ignored, flags beyond decipherOnly are dropped.
#[inline]
pub(crate) fn key_usage(der: &[u8]) -> Option<KeyUsage> {
    let (&unused, bytes) = match der {
        [0x03, len, content @ ..] if usize::from(*len) == content.len() => content.split_first()?,
        _ => return None,
    };
    if unused > 7 || (unused != 0 && bytes.is_empty()) || bytes.len() > 2 {
        return None;
    }
    let bit_len = bytes.len() * 8 - usize::from(unused);
    let mut flags = 0u16;
    for i in 0..bit_len {
        let octet = bytes.get(i / 8).copied().unwrap_or_default();
        flags |= u16::from((octet >> (7 - i % 8)) & 1) << i;
    }
    Some(KeyUsage(FlagSet::<KeyUsages>::new_truncated(flags)))
}

/// `BasicConstraints` in its three usual encodings: empty, `cA TRUE`, and `cA TRUE` with a
/// pathLenConstraint below 128.
pub(crate) fn basic_constraints(der: &[u8]) -> Option<BasicConstraints> {
    let (ca, path_len_constraint) = match der {
        [0x30, 0x00] => (false, None),
        [0x30, 0x03, 0x01, 0x01, 0xff] => (true, None),
        [0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, n @ 0..=0x7f] => (true, Some(*n)),
        _ => return None,
    };
    Some(BasicConstraints { ca, path_len_constraint })
}

/// The value of the version field's INTEGER (`02 01 nn`, nn below 128).
pub(crate) fn small_integer(der: &[u8]) -> Option<u8> {
    match der {
        [0x02, 0x01, n @ 0..=0x7f] => Some(*n),
        _ => None,
    }
}

/// Whether INTEGER content octets are in DER's minimal form (non-empty, no redundant leading
/// 0x00 or 0xFF octet); `der` decides the rest.
pub(crate) fn is_minimal_integer(content: &[u8]) -> bool {
    match content {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use const_oid::ObjectIdentifier;

    /// The dNSNames of a value [`dns_names`] accepted, as text.
    fn dns_name_texts(value: &[u8]) -> impl Iterator<Item = &str> {
        values(value).map_while(|name| core::str::from_utf8(name).ok())
    }
    use der::asn1::Ia5String;
    use der::{Decode, Encode};
    use proptest::prelude::*;
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::{AuthorityKeyIdentifier, ExtendedKeyUsage, SubjectAltName};

    /// Each shortcut either declines or agrees with `x509-cert`.
    fn agree(der: &[u8]) {
        if let Some(fast) = extended_key_usage(der) {
            let oids: Vec<_> =
                values(fast).map(|oid| ObjectIdentifier::from_bytes(oid).expect("checked OID")).collect();
            assert_eq!(ExtendedKeyUsage::from_der(der).map(|e| e.0).ok(), Some(oids), "EKU {der:02x?}");
        }
        if let Some(fast) = authority_key_identifier(der) {
            let key_id = der::asn1::OctetString::new(fast).expect("octets");
            let expected = AuthorityKeyIdentifier {
                key_identifier: Some(key_id),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            };
            assert_eq!(AuthorityKeyIdentifier::from_der(der).ok(), Some(expected), "AKI {der:02x?}");
        }
        if let Some(fast) = dns_names(der) {
            let names: Vec<GeneralName> =
                dns_name_texts(fast).map(|n| GeneralName::DnsName(Ia5String::new(n).expect("IA5"))).collect();
            assert_eq!(names.len(), values(fast).count(), "every dNSName read as text");
            assert_eq!(SubjectAltName::from_der(der).map(|s| s.0).ok(), Some(names), "SAN {der:02x?}");
        }
    }

    /// Every BIT STRING of up to two content octets, and every unused-bits count, reads as
    /// `x509-cert` reads it (or is declined, and then `x509-cert` decides).
    #[test]
    fn key_usages_read_as_x509_cert_reads_them() {
        let mut read = 0;
        for unused in 0..=8u8 {
            for len in 0..=2usize {
                for value in 0..(1u32 << (8 * len)) {
                    let bytes = value.to_be_bytes();
                    let content = bytes.get(4 - len..).unwrap_or_default();
                    let der = [&[0x03, len as u8 + 1, unused][..], content].concat();
                    let general = KeyUsage::from_der(&der).ok();
                    match key_usage(&der) {
                        Some(fast) => {
                            assert_eq!(Some(fast), general, "{der:02x?}");
                            read += 1;
                        }
                        None => assert!(unused > 7 || (unused != 0 && len == 0), "declined {der:02x?}"),
                    }
                }
            }
        }
        assert!(read > 500_000);
        assert!(key_usage(&[0x03, 0x04, 0x00, 0x80, 0x00, 0x00]).is_none(), "three octets are declined");
        assert!(key_usage(&[0x03, 0x03, 0x00, 0x80]).is_none(), "length mismatch");
    }

    #[test]
    fn basic_constraints_and_integers_read_as_der_reads_them() {
        for der in
            [&[0x30, 0x00][..], &[0x30, 0x03, 0x01, 0x01, 0xff], &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]]
        {
            assert_eq!(basic_constraints(der), BasicConstraints::from_der(der).ok(), "{der:02x?}");
            assert!(basic_constraints(der).is_some());
        }
        for n in 0..=255u8 {
            let with_len = [0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, n];
            if let Some(fast) = basic_constraints(&with_len) {
                assert_eq!(BasicConstraints::from_der(&with_len).ok(), Some(fast), "{n}");
            }
            let version = [0x02, 0x01, n];
            if let Some(fast) = small_integer(&version) {
                assert_eq!(u8::from_der(&version).ok(), Some(fast), "{n}");
            }
        }
        assert!(basic_constraints(&[0x30, 0x03, 0x01, 0x01, 0x00]).is_none(), "explicit FALSE is left to der");
    }

    proptest! {
        #[test]
        fn minimal_integers_are_the_ones_der_decodes(content in proptest::collection::vec(any::<u8>(), 0..24)) {
            let mut der = vec![0x02, content.len() as u8];
            der.extend_from_slice(&content);
            prop_assert_eq!(is_minimal_integer(&content), der::asn1::IntRef::from_der(&der).is_ok(), "{:02x?}", content);
        }

        #[test]
        fn other_constraints_are_declined_or_read_alike(bytes in proptest::collection::vec(any::<u8>(), 0..10)) {
            if let Some(fast) = basic_constraints(&bytes) {
                prop_assert_eq!(BasicConstraints::from_der(&bytes).ok(), Some(fast));
            }
            if let Some(fast) = key_usage(&bytes) {
                prop_assert_eq!(KeyUsage::from_der(&bytes).ok(), Some(fast));
            }
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
        assert_eq!(extended_key_usage(&eku).map(|v| v.len()), Some(20));
        let aki = tlv(0x30, &tlv(0x80, &[7; 20]));
        assert!(authority_key_identifier(&aki).is_some());
        let san = tlv(0x30, &[tlv(0x82, b"a.example"), tlv(0x82, b"*.example.org")].concat());
        assert_eq!(
            dns_names(&san).map(|v| dns_name_texts(v).collect::<Vec<_>>()),
            Some(vec!["a.example", "*.example.org"])
        );
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
        assert_eq!(extended_key_usage(&tlv(0x30, &[])), Some(&[][..]));
        for other in [&with_uri, &aki_with_serial, &constructed_key_id, &non_ascii, &bad_oid, &trailing] {
            agree(other);
        }
        // Real encodings of x509-cert's own types.
        let encoded = ExtendedKeyUsage(vec![const_oid::db::rfc5280::ID_KP_SERVER_AUTH]).to_der().expect("EKU");
        let server_auth = const_oid::db::rfc5280::ID_KP_SERVER_AUTH;
        assert_eq!(extended_key_usage(&encoded).and_then(|v| v.get(2..)), Some(server_auth.as_bytes()));
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
