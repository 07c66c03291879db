//! Trust anchors, grouped into named trust communities, and pools of untrusted intermediates.
//!
//! An anchor is a (subject, public key) pair, optionally with the certificate it came from and
//! name constraints. Anchors may be self-signed roots or intermediates (Direct bundles often
//! anchor at an intermediate). Both stores are indexed by subject so that finding an issuer
//! is one hash lookup, whatever the store's size: by the exact encoding (what a path's
//! issuer name nearly always is), and by the canonical form of RFC 5280 §7.1 name matching
//! (case, spaces and string types insignificant), which path building asks only when the
//! exact lookup found no path.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use der::Decode;
use rustls_pki_types::TrustAnchor;
use x509_cert::ext::pkix::NameConstraints;
use x509_cert::name::Name;

use crate::cert::name_match;
use crate::cert::{BundleEntryError, Certificate, parse_bundle, parse_spki};
use crate::crypto::KeyRef;
use crate::der_walk::{Span, Walker, wrap_sequence};
use crate::error::ParseError;

/// The community anchors belong to when the caller does not name one.
pub const DEFAULT_COMMUNITY: &str = "default";

/// A trust anchor: the subject and key that end a certification path.
#[derive(Debug)]
pub struct Anchor {
    subject: Vec<u8>,
    spki: Vec<u8>,
    /// Where the AlgorithmIdentifier value and the key bits sit in `spki`, and the RSA size.
    key: (Span, Span, Option<usize>),
    /// The key's digest for the signature cache, computed on first use.
    key_digest: std::sync::OnceLock<[u8; 32]>,
    name_constraints: Option<NameConstraints>,
    certificate: Option<Certificate>,
    community: Arc<str>,
}

impl Anchor {
    /// Subject Name, DER (full TLV).
    pub fn subject_der(&self) -> &[u8] {
        &self.subject
    }

    /// Subject as an RFC 4514 string.
    pub fn subject_string(&self) -> String {
        Name::from_der(&self.subject).map(|n| n.to_string()).unwrap_or_default()
    }

    /// SubjectPublicKeyInfo, DER (full TLV).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The certificate the anchor was made from, if it came from one.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }

    /// Name constraints that apply to every path ending at this anchor.
    pub fn name_constraints(&self) -> Option<&NameConstraints> {
        self.name_constraints.as_ref()
    }

    /// The trust community this anchor belongs to.
    pub fn community(&self) -> &str {
        &self.community
    }

    /// The anchor's key, parsed when the anchor was added.
    pub(crate) fn key_ref(&self) -> KeyRef<'_> {
        let (alg, key, rsa_bits) = self.key;
        KeyRef { algorithm: alg.get(&self.spki), key: key.get(&self.spki), rsa_bits, digest: Some(&self.key_digest) }
    }

    /// The subjectKeyIdentifier of the anchor's certificate, if any.
    pub(crate) fn subject_key_id(&self) -> Option<&[u8]> {
        self.certificate.as_ref().and_then(|c| c.subject_key_id())
    }
}

fn parse_spki_value(spki: &[u8]) -> (&[u8], &[u8]) {
    let inner = {
        let mut r = match Walker::new(spki) {
            Ok(r) => r,
            Err(_) => return (&[], &[]),
        };
        match crate::der_walk::read_tagged(&mut r, der::Tag::Sequence) {
            Ok(t) => t.value,
            Err(_) => return (&[], &[]),
        }
    };
    parse_spki(inner).unwrap_or((&[], &[]))
}

/// What [`TrustStore::add_bundle`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "entries that did not parse were skipped: report them"]
pub struct AddedBundle {
    /// How many certificates were added as anchors.
    pub added: usize,
    /// The entries that were skipped, with why.
    pub skipped: Vec<BundleEntryError>,
}

/// Trust anchors in named communities, indexed by subject.
#[derive(Debug, Default, Clone)]
pub struct TrustStore {
    anchors: Vec<Arc<Anchor>>,
    /// A fast unkeyed hash: the keys are the configured anchors' subjects, so only whoever
    /// configures the store could arrange collisions; names from input are only looked up.
    by_subject: FxHashMap<Vec<u8>, Vec<usize>>,
    /// By the subject's canonical form (see [`name_match::canonical`]).
    by_canonical_subject: FxHashMap<Vec<u8>, Vec<usize>>,
    communities: Vec<Arc<str>>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        TrustStore::default()
    }

    /// A store holding every certificate of a bundle (PEM, DER or PKCS#7) in the default
    /// community. Fails if the bundle holds no usable certificate; see [`Self::add_bundle`] to
    /// learn about skipped entries.
    pub fn from_bundle(bytes: &[u8]) -> Result<Self, ParseError> {
        let mut store = TrustStore::new();
        // The skipped entries are dropped: the caller asked for a store, not a report.
        let _skipped = store.add_bundle(DEFAULT_COMMUNITY, bytes)?;
        Ok(store)
    }

    fn community(&mut self, name: &str) -> Arc<str> {
        if let Some(c) = self.communities.iter().find(|c| &***c == name) {
            return c.clone();
        }
        let c: Arc<str> = Arc::from(name);
        self.communities.push(c.clone());
        c
    }

    /// Adds every certificate of a bundle to `community`. Fails when the bundle holds no
    /// usable certificate; otherwise returns how many were added and the entries that were
    /// skipped because they did not parse.
    pub fn add_bundle(&mut self, community: &str, bytes: &[u8]) -> Result<AddedBundle, ParseError> {
        let parsed = parse_bundle(bytes)?;
        let added = parsed.certificates.len();
        for cert in parsed.certificates {
            self.add_certificate(community, cert);
        }
        Ok(AddedBundle { added, skipped: parsed.skipped })
    }

    /// Adds a certificate as an anchor of `community`. Its name constraints (if any) apply to
    /// paths ending at it; its other fields (validity, basic constraints, ...) are checked when
    /// a path uses it.
    pub fn add_certificate(&mut self, community: &str, cert: Certificate) {
        let community = self.community(community);
        let name_constraints = cert.inner().ext.name_constraints.as_ref().map(|e| e.value.clone());
        self.insert(Anchor {
            subject: cert.subject_der().to_vec(),
            spki: cert.spki_der().to_vec(),
            key: Default::default(),
            key_digest: Default::default(),
            name_constraints,
            certificate: Some(cert),
            community,
        });
    }

    /// Adds a bare `rustls-pki-types` trust anchor (subject, SPKI and optional name
    /// constraints, without the SEQUENCE headers, as webpki encodes them) to `community`.
    pub fn add_trust_anchor(&mut self, community: &str, anchor: &TrustAnchor<'_>) -> Result<(), ParseError> {
        let subject = wrap_sequence(anchor.subject.as_ref());
        Name::from_der(&subject).map_err(ParseError::der("trust anchor subject"))?;
        let spki = wrap_sequence(anchor.subject_public_key_info.as_ref());
        if parse_spki_value(&spki).1.is_empty() {
            return Err(ParseError::invalid("trust anchor", "malformed SubjectPublicKeyInfo"));
        }
        let name_constraints = match &anchor.name_constraints {
            Some(nc) => {
                let bytes = nc.as_ref();
                let parsed = NameConstraints::from_der(bytes)
                    .or_else(|_| NameConstraints::from_der(&wrap_sequence(bytes)))
                    .map_err(ParseError::der("trust anchor name constraints"))?;
                Some(parsed)
            }
            None => None,
        };
        let community = self.community(community);
        self.insert(Anchor {
            subject,
            spki,
            key: Default::default(),
            key_digest: Default::default(),
            name_constraints,
            certificate: None,
            community,
        });
        Ok(())
    }

    fn insert(&mut self, mut anchor: Anchor) {
        let (alg, key) = parse_spki_value(&anchor.spki);
        anchor.key = (Span::of(&anchor.spki, alg), Span::of(&anchor.spki, key), KeyRef::new(alg, key).rsa_bits);
        let duplicate = self
            .anchors_by_subject(&anchor.subject)
            .any(|a| a.spki == anchor.spki && a.community == anchor.community && a.certificate == anchor.certificate);
        if duplicate {
            return;
        }
        let index = self.anchors.len();
        self.by_subject.entry(anchor.subject.clone()).or_default().push(index);
        if let Some(canonical) = name_match::canonical(&anchor.subject) {
            self.by_canonical_subject.entry(canonical).or_default().push(index);
        }
        self.anchors.push(Arc::new(anchor));
    }

    /// Anchors whose subject has the canonical form `canonical`: the same name under RFC 5280
    /// §7.1, however encoded.
    pub(crate) fn anchors_by_canonical_subject<'s>(
        &'s self,
        canonical: &[u8],
    ) -> impl Iterator<Item = &'s Arc<Anchor>> + 's {
        let indices = self.by_canonical_subject.get(canonical).map(Vec::as_slice).unwrap_or_default();
        indices.iter().filter_map(|i| self.anchors.get(*i))
    }

    /// Anchors whose subject is exactly `subject` (full Name TLV).
    pub(crate) fn anchors_by_subject<'s>(&'s self, subject: &[u8]) -> impl Iterator<Item = &'s Arc<Anchor>> + 's {
        let indices = self.by_subject.get(subject).map(Vec::as_slice).unwrap_or_default();
        indices.iter().filter_map(|i| self.anchors.get(*i))
    }

    /// Every anchor.
    pub fn anchors(&self) -> impl Iterator<Item = &Anchor> {
        self.anchors.iter().map(|a| &**a)
    }

    /// Names of the communities, in the order they were first used.
    pub fn communities(&self) -> impl Iterator<Item = &str> {
        self.communities.iter().map(|c| &**c)
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the store has no anchor.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

/// Untrusted intermediate certificates offered for path building, parsed once and indexed by
/// subject. Share one pool across validations.
#[derive(Debug, Default, Clone)]
pub struct CertificatePool {
    certificates: Vec<Certificate>,
    /// Unkeyed, as the store's: the keys are the configured certificates' subjects.
    by_subject: FxHashMap<Vec<u8>, Vec<usize>>,
    /// By the subject's canonical form (see [`name_match::canonical`]).
    by_canonical_subject: FxHashMap<Vec<u8>, Vec<usize>>,
}

impl CertificatePool {
    /// An empty pool.
    pub fn new() -> Self {
        CertificatePool::default()
    }

    /// A pool of every certificate in a bundle; returns it with the skipped entries.
    pub fn from_bundle(bytes: &[u8]) -> Result<(Self, Vec<BundleEntryError>), ParseError> {
        let parsed = parse_bundle(bytes)?;
        let mut pool = CertificatePool::new();
        for c in parsed.certificates {
            pool.add(c);
        }
        Ok((pool, parsed.skipped))
    }

    /// Adds a certificate (duplicates are ignored).
    pub fn add(&mut self, cert: Certificate) {
        if self.by_subject(cert.subject_der()).any(|c| c == &cert) {
            return;
        }
        let index = self.certificates.len();
        self.by_subject.entry(cert.subject_der().to_vec()).or_default().push(index);
        if let Some(canonical) = cert.canonical_subject() {
            self.by_canonical_subject.entry(canonical.to_vec()).or_default().push(index);
        }
        self.certificates.push(cert);
    }

    /// Certificates whose subject has the canonical form `canonical`: the same name under RFC
    /// 5280 §7.1, however encoded.
    pub(crate) fn by_canonical_subject<'s>(&'s self, canonical: &[u8]) -> impl Iterator<Item = &'s Certificate> + 's {
        let indices = self.by_canonical_subject.get(canonical).map(Vec::as_slice).unwrap_or_default();
        indices.iter().filter_map(|i| self.certificates.get(*i))
    }

    /// Certificates whose subject is exactly `subject`.
    pub(crate) fn by_subject<'s>(&'s self, subject: &[u8]) -> impl Iterator<Item = &'s Certificate> + 's {
        let indices = self.by_subject.get(subject).map(Vec::as_slice).unwrap_or_default();
        indices.iter().filter_map(|i| self.certificates.get(*i))
    }

    /// Every certificate, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &Certificate> {
        self.certificates.iter()
    }

    /// Number of certificates.
    pub fn len(&self) -> usize {
        self.certificates.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty()
    }
}
