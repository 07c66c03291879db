//! The verified identity of a TLS client, for authorization decisions.

use std::net::IpAddr;
use std::sync::Arc;

use base64ct::Encoding;
use rustls_pki_types::UnixTime;

use crate::cert::Certificate;
use crate::trust::Anchor;
use crate::uri;
use crate::verifier::VerifiedPath;

/// Who a TLS client is, according to a certificate path that passed validation: the leaf,
/// its names, and the community and anchor it chains to. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ClientIdentity(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    path: VerifiedPath,
    subject: String,
    uris: Vec<String>,
    dns: Vec<String>,
    emails: Vec<String>,
    ips: Vec<IpAddr>,
    anchor_subject: String,
    sha256: [u8; 32],
    verified_at: UnixTime,
}

impl ClientIdentity {
    /// The identity of a verified path's leaf, verified at `verified_at`.
    pub fn new(path: VerifiedPath, verified_at: UnixTime) -> Self {
        let leaf = path.leaf();
        let inner = Inner {
            subject: leaf.subject_string(),
            uris: leaf.san_uris().map(str::to_string).collect(),
            dns: leaf.san_dns_names().map(str::to_string).collect(),
            emails: leaf.san_emails().map(str::to_string).collect(),
            ips: leaf.san_ips().collect(),
            anchor_subject: path.anchor().subject_string(),
            sha256: leaf.sha256(),
            verified_at,
            path,
        };
        ClientIdentity(Arc::new(inner))
    }

    /// The verified path (leaf, intermediates, anchor, revocation status, policies).
    pub fn path(&self) -> &VerifiedPath {
        &self.0.path
    }

    /// The client's (end-entity) certificate.
    pub fn leaf(&self) -> &Certificate {
        self.0.path.leaf()
    }

    /// The leaf's subject, as an RFC 4514 string.
    pub fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The leaf's SAN uniformResourceIdentifier entries (UDAP client URIs).
    pub fn san_uris(&self) -> &[String] {
        &self.0.uris
    }

    /// The leaf's SAN dNSName entries.
    pub fn dns_names(&self) -> &[String] {
        &self.0.dns
    }

    /// The leaf's SAN rfc822Name entries.
    pub fn emails(&self) -> &[String] {
        &self.0.emails
    }

    /// The leaf's SAN iPAddress entries.
    pub fn ip_addresses(&self) -> &[IpAddr] {
        &self.0.ips
    }

    /// The trust community of the anchor the path ends at.
    pub fn community(&self) -> &str {
        self.0.path.community()
    }

    /// The anchor the path ends at.
    pub fn anchor(&self) -> &Anchor {
        self.0.path.anchor()
    }

    /// The anchor's subject, as an RFC 4514 string.
    pub fn anchor_subject(&self) -> &str {
        &self.0.anchor_subject
    }

    /// SHA-256 of the leaf's DER.
    pub fn sha256(&self) -> [u8; 32] {
        self.0.sha256
    }

    /// The leaf's SHA-256 thumbprint, base64url without padding: the `x5t#S256` confirmation
    /// of certificate-bound access tokens (RFC 8705 §3.1).
    pub fn x5t_s256(&self) -> String {
        base64ct::Base64UrlUnpadded::encode_string(&self.0.sha256)
    }

    /// When the path was validated (the verifier's time source).
    pub fn verified_at(&self) -> UnixTime {
        self.0.verified_at
    }

    /// Whether the leaf carries `uri` as a SAN URI (exact comparison) and `uri` can serve as an
    /// identity ([`crate::uri::check_identity`]: no host that other parsers read otherwise, no
    /// userinfo).
    pub fn has_san_uri(&self, uri: &str) -> bool {
        self.0.uris.iter().any(|u| u == uri) && uri::check_identity(uri).is_ok()
    }

    /// Whether the certificate matches the name a client registered for mutual-TLS client
    /// authentication (RFC 8705 §2.1.2).
    pub fn matches(&self, registered: &TlsClientAuthName) -> bool {
        match registered {
            TlsClientAuthName::SubjectDn(dn) => self.0.subject == *dn,
            TlsClientAuthName::SubjectDer(der) => self.leaf().subject_der() == der.as_slice(),
            TlsClientAuthName::SanUri(uri) => self.has_san_uri(uri),
            TlsClientAuthName::SanDns(name) => self.0.dns.iter().any(|d| d.eq_ignore_ascii_case(name)),
            TlsClientAuthName::SanIp(ip) => self.0.ips.contains(ip),
            TlsClientAuthName::SanEmail(email) => self.0.emails.iter().any(|e| email_eq(e, email)),
        }
    }

    /// The UDAP check for a client authenticating with its certificate (mutual TLS instead of
    /// a client assertion): the certificate chains to an anchor of the `community` the client
    /// registered in, and carries its registered `client_uri` as a SAN URI (URIs compare
    /// exactly, UDAP Security IG §7.1.5). Pass a `udap::RegisteredClient`'s two fields.
    pub fn matches_udap_client(&self, community: &str, client_uri: &str) -> bool {
        self.community() == community && self.has_san_uri(client_uri)
    }
}

/// Local parts compare exactly, domains without regard to ASCII case (RFC 5321 §2.4).
fn email_eq(a: &str, b: &str) -> bool {
    match (a.rsplit_once('@'), b.rsplit_once('@')) {
        (Some((la, da)), Some((lb, db))) => la == lb && da.eq_ignore_ascii_case(db),
        _ => a == b,
    }
}

/// The certificate name a client registered for mutual-TLS client authentication: one of the
/// RFC 8705 §2.1.2 client metadata values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsClientAuthName {
    /// `tls_client_auth_subject_dn`: the subject as an RFC 4514 string, compared with
    /// [`ClientIdentity::subject`] exactly (trustpath's rendering: most specific RDN first,
    /// e.g. `CN=Example,O=Org,C=US`).
    SubjectDn(String),
    /// The subject as Name DER, compared byte for byte.
    SubjectDer(Vec<u8>),
    /// `tls_client_auth_san_uri`: exact comparison ([`ClientIdentity::has_san_uri`]).
    SanUri(String),
    /// `tls_client_auth_san_dns`: ASCII case-insensitive comparison.
    SanDns(String),
    /// `tls_client_auth_san_ip`.
    SanIp(IpAddr),
    /// `tls_client_auth_san_email`: exact local part, case-insensitive domain.
    SanEmail(String),
}
