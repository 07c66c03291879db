//! Distinguished names and general names for the certificates and CRLs this module makes.
//!
//! [`NameBuilder`] encodes each attribute as its own RDN, in the order given (most significant
//! first, e.g. `C`, `O`, `OU`, `CN`), with the string type the attribute calls for
//! (PrintableString for countryName, IA5String for emailAddress and domainComponent,
//! UTF8String otherwise). An empty builder gives the empty name.

use std::net::IpAddr;

use const_oid::ObjectIdentifier;
use const_oid::db::{rfc3280, rfc4519};
use der::asn1::{Any, Ia5String, OctetString};
use der::{Decode, Encode, Tag};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use super::IssueError;

type Result<T> = core::result::Result<T, IssueError>;

/// The content octets of `text` as a value of string type `tag`: UTF-16BE for BMPString,
/// ISO 8859-1 for TeletexString (as validators read T.61), UTF-8 otherwise.
fn encode_text(tag: Tag, text: &str) -> Vec<u8> {
    match tag {
        Tag::BmpString => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Tag::TeletexString => text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect(),
        _ => text.as_bytes().to_vec(),
    }
}

/// Builds a [`Name`] attribute by attribute.
#[derive(Debug, Clone, Default)]
pub struct NameBuilder {
    attrs: Vec<(ObjectIdentifier, Tag, String)>,
}

impl NameBuilder {
    /// An empty name.
    pub fn new() -> Self {
        NameBuilder::default()
    }

    /// Appends an attribute with an explicit string type.
    pub fn attr(mut self, oid: ObjectIdentifier, tag: Tag, value: &str) -> Self {
        self.attrs.push((oid, tag, value.to_string()));
        self
    }

    /// countryName (PrintableString).
    pub fn c(self, v: &str) -> Self {
        self.attr(rfc4519::C, Tag::PrintableString, v)
    }

    /// organizationName.
    pub fn o(self, v: &str) -> Self {
        self.attr(rfc4519::O, Tag::Utf8String, v)
    }

    /// organizationalUnitName.
    pub fn ou(self, v: &str) -> Self {
        self.attr(rfc4519::OU, Tag::Utf8String, v)
    }

    /// commonName.
    pub fn cn(self, v: &str) -> Self {
        self.attr(rfc4519::CN, Tag::Utf8String, v)
    }

    /// domainComponent (IA5String).
    pub fn dc(self, v: &str) -> Self {
        self.attr(rfc4519::DC, Tag::Ia5String, v)
    }

    /// PKCS #9 emailAddress (IA5String), which name constraints treat as an rfc822Name.
    pub fn email(self, v: &str) -> Self {
        self.attr(rfc3280::EMAIL_ADDRESS, Tag::Ia5String, v)
    }

    /// The Name, DER.
    pub fn der(&self) -> Result<Vec<u8>> {
        let mut seq = RdnSequence::default();
        for (oid, tag, value) in &self.attrs {
            let mut rdn = RelativeDistinguishedName::default();
            rdn.insert(AttributeTypeAndValue { oid: *oid, value: Any::new(*tag, encode_text(*tag, value))? })?;
            seq.push(rdn);
        }
        Ok(seq.to_der()?)
    }

    /// The Name.
    pub fn build(&self) -> Result<Name> {
        Ok(Name::from_der(&self.der()?)?)
    }
}

/// A dNSName.
pub fn dns(s: &str) -> Result<GeneralName> {
    Ok(GeneralName::DnsName(Ia5String::new(s)?))
}

/// An rfc822Name (email address, or a host / `.domain` in a constraint).
pub fn email(s: &str) -> Result<GeneralName> {
    Ok(GeneralName::Rfc822Name(Ia5String::new(s)?))
}

/// A uniformResourceIdentifier (a URI, or a host / `.domain` in a constraint).
pub fn uri(s: &str) -> Result<GeneralName> {
    Ok(GeneralName::UniformResourceIdentifier(Ia5String::new(s)?))
}

/// An iPAddress SAN entry.
pub fn ip(addr: IpAddr) -> GeneralName {
    GeneralName::from(addr)
}

/// An iPAddress name constraint: the address followed by a mask of `prefix` leading ones.
pub fn ip_subnet(addr: IpAddr, prefix: u8) -> Result<GeneralName> {
    let mut bytes = match addr {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    let width = bytes.len();
    for i in 0..width {
        let bits = usize::from(prefix).saturating_sub(i * 8).min(8);
        bytes.push(if bits == 0 { 0 } else { 0xffu8 << (8 - bits) });
    }
    Ok(GeneralName::IpAddress(OctetString::new(bytes)?))
}

/// A directoryName.
pub fn dir(name: &Name) -> GeneralName {
    GeneralName::DirectoryName(name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_subnet_masks() -> Result<()> {
        let v4 = ip_subnet(IpAddr::from([192, 0, 2, 0]), 25)?;
        assert_eq!(v4, GeneralName::IpAddress(OctetString::new(vec![192, 0, 2, 0, 255, 255, 255, 128])?));
        let v6 = ip_subnet(IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32)?;
        let expected = [[0x20, 0x01, 0x0d, 0xb8].as_slice(), &[0; 12], &[0xff; 4], &[0; 12]].concat();
        assert_eq!(v6, GeneralName::IpAddress(OctetString::new(expected)?));
        Ok(())
    }

    #[test]
    fn empty_name_and_string_types() -> Result<()> {
        assert_eq!(NameBuilder::new().der()?, [0x30, 0x00]);
        let name = NameBuilder::new().c("US").email("a@example.com").cn("x").build()?;
        let tags: Vec<Tag> = name.iter().map(|a| der::Tagged::tag(&a.value)).collect();
        assert_eq!(tags, [Tag::PrintableString, Tag::Ia5String, Tag::Utf8String]);
        Ok(())
    }
}
