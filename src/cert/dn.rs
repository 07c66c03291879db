//! Distinguished names (RFC 5280 §4.1.2.4) walked in place: structure is validated at parse
//! time without allocating, and attributes are read straight from the DER. The decoded
//! `x509_cert` form is built only when it is needed (name constraints, display).
//!
//! ```text
//! Name ::= SEQUENCE OF RelativeDistinguishedName
//! RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//! AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
//! ```

use const_oid::{ObjectIdentifier, ObjectIdentifierRef};
use der::Tag;

use crate::der_walk::{Tlv, Walker, read_any, read_tagged};

/// Calls `f(type, value)` for every attribute of a Name (its full TLV), in order, the type
/// being the OID's content octets (checked to be a valid OID, not decoded). Fails on any
/// structural error: not a SEQUENCE OF SET OF SEQUENCE {OID, ANY}, an empty RDN, a SET OF
/// not in DER order, trailing bytes.
pub(crate) fn walk<'a>(name: &'a [u8], mut f: impl FnMut(&'a [u8], Tlv<'a>)) -> der::Result<()> {
    walk_rdns(name, |_, oid, value| f(oid, value))
}

/// [`walk`], telling `f` also whether the attribute is the first of its RDN.
pub(crate) fn walk_rdns<'a>(name: &'a [u8], mut f: impl FnMut(bool, &'a [u8], Tlv<'a>)) -> der::Result<()> {
    let mut r = Walker::new(name)?;
    let seq = read_tagged(&mut r, Tag::Sequence)?;
    r.finish()?;
    let mut rdns = Walker::new(seq.value)?;
    while !rdns.is_finished() {
        let rdn = read_tagged(&mut rdns, Tag::Set)?;
        if rdn.value.is_empty() {
            return Err(Tag::Set.value_error().into());
        }
        let mut atvs = Walker::new(rdn.value)?;
        let mut previous: Option<&[u8]> = None;
        let mut first = true;
        while !atvs.is_finished() {
            let atv = read_tagged(&mut atvs, Tag::Sequence)?;
            // DER orders SET OF elements by their encodings (X.690 §11.6).
            if previous.is_some_and(|p| p > atv.full) {
                return Err(Tag::Set.value_error().into());
            }
            previous = Some(atv.full);
            let mut parts = Walker::new(atv.value)?;
            let oid = read_tagged(&mut parts, Tag::ObjectIdentifier)?;
            if !is_valid_oid(oid.value) {
                return Err(Tag::ObjectIdentifier.value_error().into());
            }
            let value = read_any(&mut parts)?;
            parts.finish()?;
            f(first, oid.value, value);
            first = false;
        }
    }
    Ok(())
}

/// Whether `content` is an OID that decoding an `ObjectIdentifier` accepts, without building
/// one. The X.520 attribute types (2.5.4.n) and key purposes (1.3.6.1.5.5.7.3.n), n < 128,
/// are taken at a glance.
#[inline]
pub(crate) fn is_valid_oid(content: &[u8]) -> bool {
    matches!(content, [0x55, 0x04, n] | [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, n] if *n < 0x80)
        || (content.len() <= ObjectIdentifier::MAX_SIZE && ObjectIdentifierRef::from_bytes(content).is_ok())
}

/// Calls `f` with the value of each attribute of type `oid`, as text (lossily decoded; UTF-8
/// and the ASCII-compatible string types are borrowed, BMPString is converted), stopping at
/// the first error `f` returns. A Name that does not walk has no values.
pub(crate) fn for_each_text<E>(
    name: &[u8],
    oid: ObjectIdentifier,
    mut f: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut result = Ok(());
    let _ = walk(name, |t, v| {
        if t != oid.as_bytes() || result.is_err() {
            return;
        }
        result = f(&text(v.tag, v.value));
    });
    result
}

/// An attribute value as text: UTF-8 and the ASCII-compatible string types borrowed (lossily
/// decoded), BMPString converted.
pub(crate) fn text(tag: Tag, value: &[u8]) -> std::borrow::Cow<'_, str> {
    match tag {
        Tag::BmpString => {
            let units: Vec<u16> =
                value.chunks_exact(2).map(|c| <[u8; 2]>::try_from(c).map_or(0xfffd, u16::from_be_bytes)).collect();
            std::borrow::Cow::Owned(String::from_utf16_lossy(&units))
        }
        // Nearly all values are valid UTF-8 (most are ASCII), which borrows at once.
        _ => match core::str::from_utf8(value) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(value),
        },
    }
}

/// The values of the attributes of type `oid`, as text (see [`for_each_text`]).
#[cfg(test)]
pub(crate) fn text_values(name: &[u8], oid: ObjectIdentifier) -> Vec<String> {
    let mut out = Vec::new();
    let _ = for_each_text(name, oid, |t| {
        out.push(t.to_owned());
        Ok::<(), ()>(())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    #[test]
    fn walks_what_x509_cert_encodes_and_rejects_broken_names() {
        let name: x509_cert::name::Name = "CN=example.com,O=Example,C=US".parse().expect("name");
        let der = name.to_der().expect("der");
        let mut seen = Vec::new();
        walk(&der, |oid, v| seen.push((oid.to_vec(), v.value.to_vec()))).expect("valid");
        assert_eq!(seen.len(), 3);
        assert_eq!(text_values(&der, const_oid::db::rfc4519::CN), vec!["example.com".to_string()]);
        // An empty RDN, a truncated name, trailing bytes.
        assert!(walk(&[0x30, 0x02, 0x31, 0x00], |_, _| {}).is_err());
        assert!(walk(der.get(..der.len() - 1).expect("slice"), |_, _| {}).is_err());
        let mut long = der.clone();
        long.push(0);
        assert!(walk(&long, |_, _| {}).is_err());
        // Attribute types: the X.520 shortcut and the general check agree.
        for n in 0..=255u8 {
            let general = ObjectIdentifier::from_bytes(&[0x55, 0x04, n]).is_ok();
            assert_eq!(is_valid_oid(&[0x55, 0x04, n]), general, "2.5.4 byte {n:02x}");
            let key_purpose = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, n];
            let general = ObjectIdentifier::from_bytes(&key_purpose).is_ok();
            assert_eq!(is_valid_oid(&key_purpose), general, "1.3.6.1.5.5.7.3 byte {n:02x}");
        }
        for bad in [&[0x2a, 0x80, 0x01][..], &[], &[0x2a; 40], &[0x2a, 0x81]] {
            assert_eq!(is_valid_oid(bad), ObjectIdentifier::from_bytes(bad).is_ok(), "{bad:02x?}");
        }
        assert!(!is_valid_oid(&[0x2a; 40]) && !is_valid_oid(&[]) && !is_valid_oid(&[0x2a, 0x81]));
    }
}
