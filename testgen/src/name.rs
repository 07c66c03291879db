//! Distinguished names and general names: [`trustpath::issue::name`], with this crate's error
//! type.
//!
//! [`NameBuilder`] encodes each attribute as its own RDN, in the order given (most significant
//! first, e.g. `C`, `O`, `OU`, `CN`), with the string type the attribute calls for
//! (PrintableString for countryName, IA5String for emailAddress and domainComponent,
//! UTF8String otherwise). An empty builder gives the empty name.

use std::net::IpAddr;

use const_oid::ObjectIdentifier;
use der::Tag;
use trustpath::issue::name as issue;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;

use crate::Result;

pub use trustpath::issue::name::{dir, ip};

/// Builds a [`Name`] attribute by attribute.
#[derive(Debug, Clone, Default)]
pub struct NameBuilder(issue::NameBuilder);

impl NameBuilder {
    /// An empty name.
    pub fn new() -> Self {
        NameBuilder::default()
    }

    /// Appends an attribute with an explicit string type.
    pub fn attr(self, oid: ObjectIdentifier, tag: Tag, value: &str) -> Self {
        NameBuilder(self.0.attr(oid, tag, value))
    }

    /// countryName (PrintableString).
    pub fn c(self, v: &str) -> Self {
        NameBuilder(self.0.c(v))
    }

    /// organizationName.
    pub fn o(self, v: &str) -> Self {
        NameBuilder(self.0.o(v))
    }

    /// organizationalUnitName.
    pub fn ou(self, v: &str) -> Self {
        NameBuilder(self.0.ou(v))
    }

    /// commonName.
    pub fn cn(self, v: &str) -> Self {
        NameBuilder(self.0.cn(v))
    }

    /// domainComponent (IA5String).
    pub fn dc(self, v: &str) -> Self {
        NameBuilder(self.0.dc(v))
    }

    /// PKCS #9 emailAddress (IA5String), which name constraints treat as an rfc822Name.
    pub fn email(self, v: &str) -> Self {
        NameBuilder(self.0.email(v))
    }

    /// The Name, DER.
    pub fn der(&self) -> Result<Vec<u8>> {
        Ok(self.0.der()?)
    }

    /// The Name.
    pub fn build(&self) -> Result<Name> {
        Ok(self.0.build()?)
    }
}

/// A dNSName.
pub fn dns(s: &str) -> Result<GeneralName> {
    Ok(issue::dns(s)?)
}

/// An rfc822Name (email address, or a host / `.domain` in a constraint).
pub fn email(s: &str) -> Result<GeneralName> {
    Ok(issue::email(s)?)
}

/// A uniformResourceIdentifier (a URI, or a host / `.domain` in a constraint).
pub fn uri(s: &str) -> Result<GeneralName> {
    Ok(issue::uri(s)?)
}

/// An iPAddress name constraint: the address followed by a mask of `prefix` leading ones.
pub fn ip_subnet(addr: IpAddr, prefix: u8) -> Result<GeneralName> {
    Ok(issue::ip_subnet(addr, prefix)?)
}
