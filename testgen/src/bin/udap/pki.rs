//! The test PKI: two UDAP trust communities (root and intermediate CA each, RSA-2048), a
//! third, untrusted hierarchy, the client and server certificates, and a current CRL for
//! every CA (one revoking a client certificate).

use std::collections::BTreeMap;
use std::sync::Arc;

use der::Decode;
use trustpath_testgen::bundle::pem_certificates;
use trustpath_testgen::crl::{self, CrlBuilder, CrlEntry};
use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::unix;
use trustpath_testgen::{Error, KeyKind, KeyPair, KeyStore, Result, ext};

use crate::out::Output;

/// The community the test server and most clients belong to.
pub const FHIRLABS: &str = "udap://fhirlabs.example";
/// A second trust community.
pub const OTHER: &str = "udap://other-community.example";

/// The FHIR server's base URL (`iss` of its signed metadata, a SAN URI of its certificate).
pub const BASE_URL: &str = "https://fhir.example.org/r4";
/// A second SAN URI of the server certificate (same server, explicit port): a valid SAN URI
/// that is not the base URL.
pub const BASE_URL_ALT: &str = "https://fhir.example.org:443/r4";
/// The token endpoint.
pub const TOKEN_URL: &str = "https://fhir.example.org/oauth/token";
/// The registration endpoint.
pub const REGISTER_URL: &str = "https://fhir.example.org/oauth/register";
/// The authorization endpoint.
pub const AUTHORIZE_URL: &str = "https://fhir.example.org/oauth/authorize";

/// The main client app's URI.
pub const CLIENT_URI: &str = "https://client.example.org/apps/42";
/// The ES256 client app's URI.
pub const EC_CLIENT_URI: &str = "https://client.example.org/apps/ec";
/// The other community's client app URI.
pub const PARTNER_URI: &str = "https://partner.example.net/apps/7";

/// The validation time: 2026-06-01T00:00:00Z.
pub fn now() -> u64 {
    unix(2026, 6, 1, 0, 0, 0)
}

/// A CA of the test PKI.
pub struct Ca {
    /// Name, key and certificate.
    pub issuer: Issuer,
    /// The certificate file, relative to the output directory.
    pub cert_file: String,
    /// Its CRL file.
    pub crl_file: String,
    /// Where its CRL is published (the cRLDistributionPoints of what it issues).
    pub crl_url: String,
    /// Where its certificate is published (the AIA caIssuers of what it issues).
    pub cert_url: String,
}

/// A root and an intermediate CA.
pub struct Hierarchy {
    /// The community URI (for the untrusted hierarchy: a made-up one no verifier trusts).
    pub community: &'static str,
    /// Whether a verifier of the vectors trusts this root.
    pub trusted: bool,
    /// The root CA.
    pub root: Ca,
    /// The intermediate CA issuing the end-entity certificates.
    pub intermediate: Ca,
}

/// An end-entity certificate with its key.
pub struct Leaf {
    /// Name of the certificate and key files (`certs/ID.pem`, `keys/ID.pem`).
    pub id: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// The private key.
    pub key: Arc<KeyPair>,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// `x5c` as a client sends it: the certificate, then its intermediate CA.
    pub chain: Vec<Vec<u8>>,
    /// The community URI of its hierarchy.
    pub community: &'static str,
    /// Its SAN URIs.
    pub san_uris: Vec<&'static str>,
}

/// The whole PKI.
pub struct Pki {
    /// The hierarchies: FhirLabs, the other community, the untrusted one.
    pub hierarchies: Vec<Hierarchy>,
    /// The end-entity certificates by id.
    pub leaves: BTreeMap<&'static str, Leaf>,
}

impl Pki {
    /// The leaf called `id`.
    pub fn leaf(&self, id: &str) -> &Leaf {
        match self.leaves.get(id) {
            Some(l) => l,
            None => panic!("no leaf {id}"),
        }
    }

    /// The hierarchy of `community`.
    pub fn hierarchy(&self, community: &str) -> &Hierarchy {
        match self.hierarchies.iter().find(|h| h.community == community) {
            Some(h) => h,
            None => panic!("no community {community}"),
        }
    }
}

struct LeafSpec {
    id: &'static str,
    description: &'static str,
    community: &'static str,
    kind: KeyKind,
    org: &'static str,
    cn: &'static str,
    san_uris: &'static [&'static str],
    validity: (u64, u64),
}

fn ca_name(org: &str, cn: &str) -> Result<x509_cert::name::Name> {
    NameBuilder::new().c("US").o(org).cn(cn).build()
}

fn hierarchy(
    keys: &mut KeyStore,
    out: &mut Output,
    community: &'static str,
    slug: &'static str,
    org: &str,
    trusted: bool,
) -> Result<Hierarchy> {
    let base = format!("http://pki.{slug}.example");
    let ca = |issuer: Issuer, which: &str| Ca {
        issuer,
        cert_file: format!("pki/{slug}/{which}.pem"),
        crl_file: format!("pki/{slug}/{which}.crl"),
        crl_url: format!("{base}/crl/{which}.crl"),
        cert_url: format!("{base}/certs/{which}.cer"),
    };
    let root_key = keys.key(&format!("ca-{slug}-root"), KeyKind::Rsa2048)?;
    let root_name = ca_name(org, &format!("{org} UDAP Root CA"))?;
    let root_der = templates::root(&root_name, &root_key)?
        .validity(unix(2025, 1, 1, 0, 0, 0), unix(2035, 1, 1, 0, 0, 0))
        .sign(&root_key)?;
    let root = ca(Issuer::new(root_name, root_key, root_der), "root");

    let int_key = keys.key(&format!("ca-{slug}-intermediate"), KeyKind::Rsa2048)?;
    let int_name = ca_name(org, &format!("{org} UDAP Intermediate CA"))?;
    let builder = templates::intermediate(&int_name, &int_key, &root.issuer)?
        .validity(unix(2025, 1, 1, 0, 0, 0), unix(2032, 1, 1, 0, 0, 0))
        .extension(ext::crl_distribution_points(&[&root.crl_url])?)
        .extension(ext::authority_info_access(&[], &[&root.cert_url])?);
    let int_der = root.issuer.sign(&builder)?;
    let intermediate = ca(Issuer::new(int_name, int_key, int_der), "intermediate");

    out.file(&root.cert_file, pem_certificates(std::slice::from_ref(&root.issuer.der))?.into_bytes());
    out.file(&intermediate.cert_file, pem_certificates(std::slice::from_ref(&intermediate.issuer.der))?.into_bytes());
    Ok(Hierarchy { community, trusted, root, intermediate })
}

fn leaf(keys: &mut KeyStore, out: &mut Output, h: &Hierarchy, spec: &LeafSpec) -> Result<Leaf> {
    let key = keys.key(spec.id, spec.kind)?;
    let subject = NameBuilder::new().c("US").o(spec.org).cn(spec.cn).build()?;
    let int = &h.intermediate;
    let mut builder = templates::leaf(&subject, &key, &int.issuer)?.validity(spec.validity.0, spec.validity.1);
    if !spec.san_uris.is_empty() {
        let names = spec.san_uris.iter().map(|u| name::uri(u)).collect::<Result<Vec<_>>>()?;
        builder = builder.extension(ext::subject_alt_name(false, names)?);
    }
    builder = builder
        .extension(ext::crl_distribution_points(&[&int.crl_url])?)
        .extension(ext::authority_info_access(&[], &[&int.cert_url])?);
    let der = int.issuer.sign(&builder)?;
    let chain = vec![der.clone(), int.issuer.der.clone()];
    out.file(&format!("certs/{}.pem", spec.id), pem_certificates(std::slice::from_ref(&der))?.into_bytes());
    out.file(&format!("certs/{}-chain.pem", spec.id), pem_certificates(&chain)?.into_bytes());
    Ok(Leaf {
        id: spec.id,
        description: spec.description,
        key,
        der,
        chain,
        community: h.community,
        san_uris: spec.san_uris.to_vec(),
    })
}

/// The serial number (INTEGER content octets) of a DER certificate.
fn serial(der: &[u8]) -> Result<Vec<u8>> {
    let cert = x509_cert::Certificate::from_der(der)?;
    Ok(cert.tbs_certificate().serial_number().as_bytes().to_vec())
}

/// A CRL of `ca`, current at the validation time (issued a week before, next one due a week
/// after), revoking `revoked` (serial, date) for key compromise.
fn crl_of(ca: &Ca, number: u64, revoked: &[(Vec<u8>, u64)]) -> Result<Vec<u8>> {
    let mut b = CrlBuilder::new(&ca.issuer.name, unix(2026, 5, 25, 0, 0, 0), unix(2026, 6, 8, 0, 0, 0))?
        .extension(ext::authority_key_identifier(&ca.issuer.key.key_id())?)
        .extension(crl::crl_number(number));
    for (serial, date) in revoked {
        b = b.entry(CrlEntry::new(serial, *date).reason(crl::reason::KEY_COMPROMISE));
    }
    b.sign(&ca.issuer.key)
}

const LEAF_VALIDITY: (u64, u64) = (1_767_225_600, 1_798_761_600); // 2026-01-01 .. 2027-01-01

/// Builds the PKI and writes its certificates and CRLs.
pub fn build(keys: &mut KeyStore, out: &mut Output) -> Result<Pki> {
    if unix(2026, 1, 1, 0, 0, 0) != LEAF_VALIDITY.0 || unix(2027, 1, 1, 0, 0, 0) != LEAF_VALIDITY.1 {
        return Err(Error::msg("LEAF_VALIDITY constants are wrong"));
    }
    let hierarchies = vec![
        hierarchy(keys, out, FHIRLABS, "fhirlabs", "FhirLabs Test Community", true)?,
        hierarchy(keys, out, OTHER, "other-community", "Other Test Community", true)?,
        hierarchy(keys, out, "udap://untrusted.example", "untrusted", "Untrusted Test PKI", false)?,
    ];
    let expired = (unix(2025, 1, 1, 0, 0, 0), unix(2026, 1, 1, 0, 0, 0));
    let specs = [
        LeafSpec {
            id: "client-rsa",
            description: "the main client app (RSA-2048, RS256), FhirLabs community",
            community: FHIRLABS,
            kind: KeyKind::Rsa2048,
            org: "Example Client Org",
            cn: "Example Client App 42",
            san_uris: &[CLIENT_URI],
            validity: LEAF_VALIDITY,
        },
        LeafSpec {
            id: "client-es256",
            description: "a client app with a P-256 key (ES256), FhirLabs community",
            community: FHIRLABS,
            kind: KeyKind::P256,
            org: "Example Client Org",
            cn: "Example EC Client App",
            san_uris: &[EC_CLIENT_URI],
            validity: LEAF_VALIDITY,
        },
        LeafSpec {
            id: "client-partner",
            description: "a client app of the other community (RSA-2048)",
            community: OTHER,
            kind: KeyKind::Rsa2048,
            org: "Partner Org",
            cn: "Partner App 7",
            san_uris: &[PARTNER_URI],
            validity: LEAF_VALIDITY,
        },
        LeafSpec {
            id: "client-expired",
            description: "an expired certificate of the main client app (notAfter 2026-01-01)",
            community: FHIRLABS,
            kind: KeyKind::Rsa2048,
            org: "Example Client Org",
            cn: "Example Client App 42 (expired)",
            san_uris: &[CLIENT_URI],
            validity: expired,
        },
        LeafSpec {
            id: "client-revoked",
            description: "a certificate of the main client app revoked (keyCompromise) by the FhirLabs intermediate's CRL",
            community: FHIRLABS,
            kind: KeyKind::Rsa2048,
            org: "Example Client Org",
            cn: "Example Client App 42 (revoked)",
            san_uris: &[CLIENT_URI],
            validity: LEAF_VALIDITY,
        },
        LeafSpec {
            id: "client-no-san",
            description: "a client certificate without subjectAltName (no SAN URI)",
            community: FHIRLABS,
            kind: KeyKind::Rsa2048,
            org: "Example Client Org",
            cn: "Example Client App 42 (no SAN)",
            san_uris: &[],
            validity: LEAF_VALIDITY,
        },
        LeafSpec {
            id: "client-untrusted",
            description: "an impostor: the main client app's URI, issued under a root no verifier trusts",
            community: "udap://untrusted.example",
            kind: KeyKind::Rsa2048,
            org: "Example Client Org",
            cn: "Example Client App 42 (untrusted)",
            san_uris: &[CLIENT_URI],
            validity: LEAF_VALIDITY,
        },
        LeafSpec {
            id: "server",
            description: "the FHIR server's metadata-signing certificate (RSA-2048, RS256); SAN URIs: the base URL and the base URL with :443",
            community: FHIRLABS,
            kind: KeyKind::Rsa2048,
            org: "Example FHIR Server",
            cn: "fhir.example.org",
            san_uris: &[BASE_URL, BASE_URL_ALT],
            validity: (unix(2026, 1, 1, 0, 0, 0), unix(2027, 7, 1, 0, 0, 0)),
        },
        LeafSpec {
            id: "server-es256",
            description: "a P-256 certificate of the FHIR server (signed metadata must be RS256)",
            community: FHIRLABS,
            kind: KeyKind::P256,
            org: "Example FHIR Server",
            cn: "fhir.example.org (EC)",
            san_uris: &[BASE_URL],
            validity: (unix(2026, 1, 1, 0, 0, 0), unix(2027, 7, 1, 0, 0, 0)),
        },
    ];
    let mut leaves = BTreeMap::new();
    for spec in &specs {
        let h = hierarchies
            .iter()
            .find(|h| h.community == spec.community)
            .ok_or_else(|| Error::msg(format!("no hierarchy {}", spec.community)))?;
        leaves.insert(spec.id, leaf(keys, out, h, spec)?);
    }
    let revoked_serial = serial(&leaves.get("client-revoked").ok_or_else(|| Error::msg("no revoked leaf"))?.der)?;
    for (i, h) in hierarchies.iter().enumerate() {
        let n = 1 + i as u64;
        out.file(&h.root.crl_file, crl_of(&h.root, 100 + n, &[])?);
        let revoked =
            if h.community == FHIRLABS { vec![(revoked_serial.clone(), unix(2026, 5, 20, 0, 0, 0))] } else { vec![] };
        out.file(&h.intermediate.crl_file, crl_of(&h.intermediate, 200 + n, &revoked)?);
    }
    Ok(Pki { hierarchies, leaves })
}
