//! The end-entity certificates a trust community issues to its participants, one profile per
//! scenario of the UDAP and Direct tracks, with the names each one certifies and the checks
//! those names pass first. Each profile's certificate validates under the matching
//! [`crate::Policy`] preset and breaks no rule of [`crate::policy::profile`].
//!
//! | Profile | Subject alternative names | keyUsage (critical) | extendedKeyUsage | Preset |
//! |---|---|---|---|---|
//! | `udap-client` | URI = the client URI | digitalSignature | — | `udap` |
//! | `udap-server` | URI = the FHIR base URL, dNSNames | digitalSignature | — | `udap` |
//! | `tls-server` | dNSNames | digitalSignature (+ keyEncipherment for RSA) | serverAuth | `tls-server` |
//! | `tls-client` | a URI and/or dNSNames | digitalSignature | clientAuth | `tls-client` |
//! | `direct-address` | rfc822Name = the Direct address | by usage | emailProtection | `direct` |
//! | `direct-domain` | dNSName = the Direct domain | by usage | emailProtection | `direct` |
//!
//! Direct usages: `sign` is digitalSignature, `encrypt` keyEncipherment, `dual` both
//! (Direct Applicability Statement §4; encryption needs an RSA key).

use x509_cert::ext::pkix::KeyUsages;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;

use super::name::{self, NameBuilder};
use super::{Ext, IssueError, KeyAlgorithm, ext};
use crate::dns_name::is_dns_name;

/// What a Direct certificate's key does (Direct Applicability Statement §4: one certificate
/// for both, or one for signing and one for encryption).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DirectUsage {
    /// Signing only: digitalSignature.
    Sign,
    /// Encryption only: keyEncipherment (RSA keys).
    Encrypt,
    /// Both: digitalSignature and keyEncipherment (RSA keys).
    Dual,
}

impl DirectUsage {
    /// `sign`, `encrypt` or `dual`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sign" => DirectUsage::Sign,
            "encrypt" => DirectUsage::Encrypt,
            "dual" => DirectUsage::Dual,
            _ => return None,
        })
    }

    /// The name [`Self::from_name`] reads.
    pub fn name(self) -> &'static str {
        match self {
            DirectUsage::Sign => "sign",
            DirectUsage::Encrypt => "encrypt",
            DirectUsage::Dual => "dual",
        }
    }

    fn key_usages(self) -> &'static [KeyUsages] {
        match self {
            DirectUsage::Sign => &[KeyUsages::DigitalSignature],
            DirectUsage::Encrypt => &[KeyUsages::KeyEncipherment],
            DirectUsage::Dual => &[KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment],
        }
    }
}

/// An end-entity certificate to issue: its profile and the names it certifies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndEntity {
    /// A UDAP client: its client URI (the software statement's `iss`) as SAN URI.
    UdapClient {
        /// The client URI, an absolute `https` URI.
        client_uri: String,
    },
    /// A UDAP server signing its metadata: its FHIR base URL as SAN URI, and optionally the
    /// server's DNS names.
    UdapServer {
        /// The FHIR base URL, an absolute `https` URI.
        base_url: String,
        /// DNS names (may be empty).
        dns_names: Vec<String>,
    },
    /// A TLS server.
    TlsServer {
        /// DNS names, at least one.
        dns_names: Vec<String>,
    },
    /// A TLS client (mutual TLS), named by a URI, DNS names, or both.
    TlsClient {
        /// An absolute `https` URI.
        uri: Option<String>,
        /// DNS names.
        dns_names: Vec<String>,
    },
    /// A Direct address-bound certificate.
    DirectAddress {
        /// The Direct address (`local@domain`).
        address: String,
        /// What the key does.
        usage: DirectUsage,
    },
    /// A Direct domain-bound certificate (for every address of the domain).
    DirectDomain {
        /// The Direct domain.
        domain: String,
        /// What the key does.
        usage: DirectUsage,
    },
}

fn invalid(what: &'static str, reason: impl Into<String>) -> IssueError {
    IssueError::InvalidInput { what, reason: reason.into() }
}

/// Longest commonName (RFC 5280 ub-common-name).
const MAX_COMMON_NAME: usize = 64;

impl EndEntity {
    /// The profile's name: `udap-client`, `udap-server`, `tls-server`, `tls-client`,
    /// `direct-address` or `direct-domain`.
    pub fn profile_name(&self) -> &'static str {
        match self {
            EndEntity::UdapClient { .. } => "udap-client",
            EndEntity::UdapServer { .. } => "udap-server",
            EndEntity::TlsServer { .. } => "tls-server",
            EndEntity::TlsClient { .. } => "tls-client",
            EndEntity::DirectAddress { .. } => "direct-address",
            EndEntity::DirectDomain { .. } => "direct-domain",
        }
    }

    /// Checks the names, and that a key of type `key` can do what the profile needs (Direct
    /// encryption needs RSA). [`super::Authority::issue`] checks this too.
    pub fn check(&self, key: KeyAlgorithm) -> Result<(), IssueError> {
        match self {
            EndEntity::UdapClient { client_uri } => check_https_uri(client_uri),
            EndEntity::UdapServer { base_url, dns_names } => {
                check_https_uri(base_url)?;
                dns_names.iter().try_for_each(|d| check_dns_name(d))
            }
            EndEntity::TlsServer { dns_names } => {
                if dns_names.is_empty() {
                    return Err(invalid("DNS name", "a TLS server certificate needs at least one"));
                }
                dns_names.iter().try_for_each(|d| check_dns_name(d))
            }
            EndEntity::TlsClient { uri, dns_names } => {
                if uri.is_none() && dns_names.is_empty() {
                    return Err(invalid("name", "a TLS client certificate needs a URI or a DNS name"));
                }
                uri.iter().try_for_each(|u| check_https_uri(u))?;
                dns_names.iter().try_for_each(|d| check_dns_name(d))
            }
            EndEntity::DirectAddress { address, usage } => {
                check_direct_address(address)?;
                check_direct_key(*usage, key)
            }
            EndEntity::DirectDomain { domain, usage } => {
                check_direct_domain(domain)?;
                check_direct_key(*usage, key)
            }
        }
    }

    /// The subject: `O=organization, CN=` the certificate's first name (its URI, DNS name or
    /// address; a URI longer than a commonName may be is replaced by its host).
    pub fn subject(&self, organization: &str) -> Result<Name, IssueError> {
        NameBuilder::new().o(organization).cn(&self.common_name()).build()
    }

    fn common_name(&self) -> String {
        let first = match self {
            EndEntity::UdapClient { client_uri } => client_uri,
            EndEntity::UdapServer { base_url, dns_names } => dns_names.first().unwrap_or(base_url),
            EndEntity::TlsServer { dns_names } => dns_names.first().map_or("", String::as_str),
            EndEntity::TlsClient { uri, dns_names } => {
                uri.as_deref().or(dns_names.first().map(String::as_str)).unwrap_or("")
            }
            EndEntity::DirectAddress { address, .. } => address,
            EndEntity::DirectDomain { domain, .. } => domain,
        };
        if first.len() <= MAX_COMMON_NAME {
            return first.to_string();
        }
        match crate::uri::host(first) {
            Ok(crate::uri::UriHost::Dns(host)) if host.len() <= MAX_COMMON_NAME => host.to_string(),
            _ => first.chars().take(MAX_COMMON_NAME).collect(),
        }
    }

    /// keyUsage (critical), extendedKeyUsage (when the profile has one) and subjectAltName
    /// (non-critical: the subject is not empty), for a subject key of type `key`.
    pub(crate) fn extensions(&self, key: KeyAlgorithm) -> Result<Vec<Ext>, IssueError> {
        let rsa = matches!(key, KeyAlgorithm::Rsa(_));
        let dns = |names: &[String]| names.iter().map(|d| name::dns(d)).collect::<Result<Vec<_>, _>>();
        let (usages, eku, sans): (&[KeyUsages], _, Vec<GeneralName>) = match self {
            EndEntity::UdapClient { client_uri } => {
                (&[KeyUsages::DigitalSignature], None, vec![name::uri(client_uri)?])
            }
            EndEntity::UdapServer { base_url, dns_names } => {
                let sans = [vec![name::uri(base_url)?], dns(dns_names)?].concat();
                (&[KeyUsages::DigitalSignature], None, sans)
            }
            EndEntity::TlsServer { dns_names } => {
                // TLS 1.2 RSA key exchange encrypts to the server's key.
                let usages: &[KeyUsages] = if rsa {
                    &[KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment]
                } else {
                    &[KeyUsages::DigitalSignature]
                };
                (usages, Some(ext::EKU_SERVER_AUTH), dns(dns_names)?)
            }
            EndEntity::TlsClient { uri, dns_names } => {
                let uris = uri.iter().map(|u| name::uri(u)).collect::<Result<Vec<_>, _>>()?;
                (&[KeyUsages::DigitalSignature], Some(ext::EKU_CLIENT_AUTH), [uris, dns(dns_names)?].concat())
            }
            EndEntity::DirectAddress { address, usage } => {
                (usage.key_usages(), Some(ext::EKU_EMAIL_PROTECTION), vec![name::email(address)?])
            }
            EndEntity::DirectDomain { domain, usage } => {
                (usage.key_usages(), Some(ext::EKU_EMAIL_PROTECTION), vec![name::dns(domain)?])
            }
        };
        let mut exts = vec![ext::key_usage(true, usages)?];
        if let Some(eku) = eku {
            exts.push(ext::extended_key_usage(false, &[eku])?);
        }
        exts.push(ext::subject_alt_name(false, sans)?);
        Ok(exts)
    }
}

/// An absolute `https` URI with a host, that can serve as an identity ([`crate::uri`]).
pub fn check_https_uri(uri: &str) -> Result<(), IssueError> {
    let what = "SAN URI";
    crate::uri::check_identity(uri).map_err(|e| invalid(what, format!("{uri:?}: {e}")))?;
    if !uri.starts_with("https://") {
        return Err(invalid(what, format!("{uri:?} is not an absolute https URI")));
    }
    crate::uri::host(uri).map(|_| ()).map_err(|e| invalid(what, format!("{uri:?}: {e}")))
}

/// A host name: a DNS name in the preferred syntax (letters, digits, hyphens; A-labels for
/// IDNs) whose last label is not a number (`192.0.2.1` is an address, not a dNSName).
pub fn check_dns_name(name: &str) -> Result<(), IssueError> {
    let last = name.rsplit('.').next().unwrap_or(name);
    if !is_dns_name(name) || last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("DNS name", format!("{name:?} is not a host name (letters, digits, hyphens, dots)")));
    }
    Ok(())
}

/// A Direct domain: a host name of at least two labels.
fn check_direct_domain(domain: &str) -> Result<(), IssueError> {
    check_dns_name(domain)?;
    if !domain.contains('.') {
        return Err(invalid("Direct domain", format!("{domain:?} has a single label")));
    }
    Ok(())
}

/// A Direct address: `local@domain`, the local part an RFC 5322 dot-atom (the form an
/// rfc822Name holds, RFC 5280 §4.2.1.6), the domain a Direct domain.
pub fn check_direct_address(address: &str) -> Result<(), IssueError> {
    let what = "Direct address";
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err(invalid(what, format!("{address:?} has no '@'")));
    };
    let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
    let dot_atom = !local.is_empty()
        && local.split('.').all(|atom| !atom.is_empty() && atom.bytes().all(atext))
        && local.len() <= 64;
    if !dot_atom {
        return Err(invalid(what, format!("{address:?}: the local part must be a dot-atom of at most 64 characters")));
    }
    check_direct_domain(domain).map_err(|e| invalid(what, format!("{address:?}: {e}")))
}

fn check_direct_key(usage: DirectUsage, key: KeyAlgorithm) -> Result<(), IssueError> {
    if usage != DirectUsage::Sign && !matches!(key, KeyAlgorithm::Rsa(_)) {
        return Err(invalid(
            "key",
            format!("Direct usage '{}' needs an RSA key for keyEncipherment, not {}", usage.name(), key.name()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_must_be_absolute_https_with_a_host() {
        assert_eq!(check_https_uri("https://client.example.org/apps/42"), Ok(()));
        for bad in [
            "http://client.example.org/apps/42",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "client.example.org/apps/42",
            "https:client.example.org",
            "https://u@client.example.org/",
            "https://evil.test\\@client.example.org/",
            "HTTPS://client.example.org/",
            "",
        ] {
            assert!(matches!(check_https_uri(bad), Err(IssueError::InvalidInput { .. })), "{bad}");
        }
    }

    #[test]
    fn direct_addresses_and_domains() {
        for ok in ["alice@direct.example.org", "a.b+c@d-1.example"] {
            assert_eq!(check_direct_address(ok), Ok(()), "{ok}");
        }
        for bad in [
            "alice",
            "@direct.example.org",
            "alice@",
            "al ice@direct.example.org",
            "a..b@example.org",
            "<alice@direct.example.org>",
            "alice@localhost",
            "alice@direct.example.org.",
            "alice@[192.0.2.1]",
            "alice@192.0.2.1",
        ] {
            assert!(check_direct_address(bad).is_err(), "{bad}");
        }
        assert!(check_direct_domain("localhost").is_err());
        assert!(check_dns_name("localhost").is_ok());
        assert!(check_dns_name("*.example.org").is_err());
    }

    #[test]
    fn direct_encryption_needs_rsa() {
        let cert = |usage| EndEntity::DirectAddress { address: "a@direct.example.org".into(), usage };
        assert!(cert(DirectUsage::Sign).check(KeyAlgorithm::P256).is_ok());
        assert!(cert(DirectUsage::Encrypt).check(KeyAlgorithm::P256).is_err());
        assert!(cert(DirectUsage::Dual).check(KeyAlgorithm::Rsa(2048)).is_ok());
    }

    #[test]
    fn long_uris_give_their_host_as_common_name() {
        let long = format!("https://client.example.org/{}", "x".repeat(80));
        assert_eq!(EndEntity::UdapClient { client_uri: long }.common_name(), "client.example.org");
        let short = EndEntity::UdapClient { client_uri: "https://c.example/a".into() };
        assert_eq!(short.common_name(), "https://c.example/a");
    }
}
