//! What a validation is asked: the end-entity certificate, the time, and per-request extras.

use std::net::IpAddr;

use rustls_pki_types::UnixTime;

use crate::cert::Certificate;
use crate::revocation::RevocationData;

/// A name the end-entity certificate must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedName {
    /// A DNS host name, matched against dNSName SANs (wildcards per RFC 6125).
    Dns(String),
    /// An IP address, matched against iPAddress SANs.
    Ip(IpAddr),
    /// An email / Direct address, matched against rfc822Name SANs.
    Email(String),
    /// A URI, matched exactly against uniformResourceIdentifier SANs; it must also be a URI
    /// that [`crate::uri::check_identity`] accepts (no host other parsers read otherwise).
    Uri(String),
}

impl core::fmt::Display for ExpectedName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ExpectedName::Dns(n) => write!(f, "DNS:{n}"),
            ExpectedName::Ip(ip) => write!(f, "IP:{ip}"),
            ExpectedName::Email(e) => write!(f, "email:{e}"),
            ExpectedName::Uri(u) => write!(f, "URI:{u}"),
        }
    }
}

/// What to validate: the end-entity certificate, the time, and per-request extras.
#[derive(Debug, Clone)]
pub struct ValidationInput<'a> {
    pub(crate) leaf: &'a Certificate,
    pub(crate) time: UnixTime,
    pub(crate) intermediates: &'a [Certificate],
    /// Usually one name, kept inline.
    pub(crate) expected_names: smallvec::SmallVec<[ExpectedName; 1]>,
    pub(crate) community: Option<&'a str>,
    pub(crate) revocation: Option<&'a RevocationData>,
}

impl<'a> ValidationInput<'a> {
    /// Validate `leaf` at `time`.
    pub fn new(leaf: &'a Certificate, time: UnixTime) -> Self {
        ValidationInput {
            leaf,
            time,
            intermediates: &[],
            expected_names: smallvec::SmallVec::new(),
            community: None,
            revocation: None,
        }
    }

    /// Untrusted certificates sent with this request (a TLS chain, a JWS `x5c`), used as
    /// candidate intermediates after the verifier's own pool. Never anchors.
    pub fn intermediates(mut self, certs: &'a [Certificate]) -> Self {
        self.intermediates = certs;
        self
    }

    /// A name the leaf must carry; call again to require several.
    pub fn expect_name(mut self, name: ExpectedName) -> Self {
        self.expected_names.push(name);
        self
    }

    /// CRLs, OCSP responses and CRL/OCSP signer certificates to check revocation with.
    pub fn revocation(mut self, data: &'a RevocationData) -> Self {
        self.revocation = Some(data);
        self
    }

    /// Only accept paths ending at an anchor of this community.
    pub fn community(mut self, community: &'a str) -> Self {
        self.community = Some(community);
        self
    }
}
