//! Certificate revocation lists (RFC 5280 §5), parsed once and indexed by serial number.
//!
//! Parsing keeps spans into the original DER (signatures are checked over the exact signed
//! bytes) and builds a sorted index of revoked serials, so a lookup costs O(log n) even in
//! CRLs with a million entries. Entry details beyond the reason code are decoded on demand.
//! Unknown critical extensions (CRL-level or entry-level) do not make parsing fail: they make
//! the CRL unusable for status decisions, which [`Crl::unusable_reason`] reports.

use const_oid::{ObjectIdentifier, db::rfc5280 as oids};
use der::{Decode, Tag, TagNumber, Tagged};
use rustls_pki_types::{CertificateRevocationListDer, UnixTime};
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::GeneralName;

use crate::cert::extensions::walk_extensions;
use crate::crypto::signed::{FieldNames, Signed};
use crate::der_walk::{Span, Walker, read_any, read_optional, read_tagged};
use crate::error::ParseError;
use crate::time::x509_time;

/// id-ce-issuingDistributionPoint (x509-cert 0.3 associates the wrong OID with its type).
const ID_CE_ISSUING_DISTRIBUTION_POINT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");

/// Largest CRL accepted, in bytes (a million entries take about 40 MB).
pub const MAX_CRL_LEN: usize = 128 << 20;

/// CRL reason codes (RFC 5280 §5.3.1) by value.
pub(crate) fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "unknown reason",
    }
}

/// removeFromCRL: only meaningful in delta CRLs (§5.3.1).
pub(crate) const REASON_REMOVE_FROM_CRL: u8 = 8;

/// One revoked certificate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// Serial: the INTEGER content octets, exactly as encoded (DER integers are minimal).
    serial: Span,
    /// Index into [`Crl::entry_issuers`] (indirect CRLs); 0 is the CRL issuer itself.
    issuer: u32,
    /// reasonCode, if present.
    pub(crate) reason: Option<u8>,
}

/// A parsed CRL.
#[derive(Debug, Clone)]
pub struct Crl {
    der: CertificateRevocationListDer<'static>,
    /// The signed part, the outer signatureAlgorithm and the signature, with the digests the
    /// signature cache remembers: the TBS bytes are hashed once per CRL, not once per
    /// validation (40 MB for a million entries).
    signed: crate::crypto::signed::Signed,
    pub(crate) tbs_signature_algorithm: Span,
    /// Full TLV of the issuer Name.
    pub(crate) issuer: Span,
    /// `thisUpdate` and `nextUpdate`, seconds since the epoch (negative before 1970).
    pub(crate) this_update: i64,
    pub(crate) next_update: Option<i64>,
    pub(crate) crl_number: Option<Vec<u8>>,
    pub(crate) delta_base: Option<Vec<u8>>,
    pub(crate) idp: Option<IssuingDistributionPoint>,
    pub(crate) authority_key_id: Option<Vec<u8>>,
    /// Issuer names of indirect-CRL entry groups (full Name TLVs); index 0 unused.
    entry_issuers: Vec<Vec<u8>>,
    /// Entries sorted by serial octets (length first).
    entries: Vec<Entry>,
    unusable: Option<String>,
    /// The issuer's canonical form (RFC 5280 §7.1), computed on first use.
    canonical_issuer: std::sync::OnceLock<Option<Vec<u8>>>,
}

fn is_time(tag: Tag) -> bool {
    matches!(tag, Tag::UtcTime | Tag::GeneralizedTime)
}

fn magnitude(serial: &[u8]) -> &[u8] {
    let mut s = serial;
    while let Some((0, rest)) = s.split_first() {
        if rest.is_empty() {
            break;
        }
        s = rest;
    }
    s
}

fn serial_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Crl {
    /// Parses a DER CRL (a `Vec<u8>`, a `&'static [u8]`, or a `CertificateRevocationListDer`).
    pub fn from_der(der: impl Into<CertificateRevocationListDer<'static>>) -> Result<Self, ParseError> {
        let der = der.into();
        if der.len() > MAX_CRL_LEN {
            return Err(ParseError::TooLarge { what: "CRL", size: der.len(), limit: MAX_CRL_LEN });
        }
        parse(der)
    }

    /// Parses a PEM `X509 CRL` block, or DER if the input is not PEM.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self, ParseError> {
        match crate::cert::first_pem_block(bytes, "X509 CRL")? {
            Some(der) => Crl::from_der(der),
            None => Crl::from_der(bytes.to_vec()),
        }
    }

    fn bytes(&self, span: Span) -> &[u8] {
        span.get(&self.der)
    }

    /// The original DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The issuer Name, DER (full TLV).
    pub fn issuer_der(&self) -> &[u8] {
        self.bytes(self.issuer)
    }

    /// Number of revoked entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the CRL lists no certificate.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the issuer is the Name `name` (full TLV) under RFC 5280 §7.1; `canonical`
    /// gives that name's canonical form, asked only when the encodings differ.
    pub(crate) fn issuer_is<'n>(&self, name: &[u8], canonical: impl FnOnce() -> Option<&'n [u8]>) -> bool {
        if self.issuer_der() == name {
            return true;
        }
        let own = self.canonical_issuer.get_or_init(|| crate::cert::name_match::canonical(self.issuer_der()));
        matches!((own.as_deref(), canonical()), (Some(a), Some(b)) if a == b)
    }

    /// The keyIdentifier of the authorityKeyIdentifier extension, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }

    /// Whether this is a delta CRL (deltaCRLIndicator present).
    pub fn is_delta(&self) -> bool {
        self.delta_base.is_some()
    }

    /// `thisUpdate` (a time before 1970 reads as the epoch; revocation checking compares
    /// the exact time).
    pub fn this_update(&self) -> UnixTime {
        crate::time::to_unix_time(self.this_update)
    }

    /// `nextUpdate`, if present (a time before 1970 reads as the epoch; revocation checking
    /// compares the exact time).
    pub fn next_update(&self) -> Option<UnixTime> {
        self.next_update.map(crate::time::to_unix_time)
    }

    /// Why the CRL cannot be used for status decisions (an unknown critical extension, a
    /// missing or critical CRL number), if so.
    pub fn unusable_reason(&self) -> Option<&str> {
        self.unusable.as_deref()
    }

    /// The CRL's signature, to be checked with its issuer's `key`.
    pub(crate) fn signed_by<'a>(&'a self, key: crate::crypto::KeyRef<'a>) -> crate::crypto::cache::SignedData<'a> {
        self.signed.by(&self.der, key)
    }

    /// The outer and inner signature algorithms agree (RFC 5280 §5.1.1.2), as
    /// [`crate::crypto::same_signature_algorithm`] compares them.
    pub(crate) fn algorithms_consistent(&self) -> bool {
        crate::crypto::same_signature_algorithm(
            self.signed.algorithm(&self.der),
            self.bytes(self.tbs_signature_algorithm),
        )
    }

    /// Entries for `serial` whose certificate issuer is `issuer` (full Name TLV; the same name
    /// under RFC 5280 §7.1). O(log n).
    pub(crate) fn lookup(&self, serial: &[u8], issuer: &[u8]) -> Option<Entry> {
        let wanted = serial;
        let start = self.entries.partition_point(|e| serial_cmp(self.bytes(e.serial), wanted).is_lt());
        self.entries
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|e| self.bytes(e.serial) == wanted)
            .find(|e| crate::cert::name_match::equivalent(self.entry_issuer(e), issuer))
            .copied()
    }

    fn entry_issuer(&self, e: &Entry) -> &[u8] {
        match e.issuer {
            0 => self.issuer_der(),
            i => self.entry_issuers.get(i as usize).map(Vec::as_slice).unwrap_or_default(),
        }
    }
}

/// The CRL's extensions as parsed, before being folded into the [`Crl`].
#[derive(Default)]
struct CrlExtensions {
    crl_number: Option<(Vec<u8>, bool)>,
    delta_base: Option<Vec<u8>>,
    idp: Option<IssuingDistributionPoint>,
    aki: Option<Vec<u8>>,
    unknown_critical: Option<ObjectIdentifier>,
}

fn parse_crl_extensions(value: &[u8]) -> Result<CrlExtensions, ParseError> {
    let mut out = CrlExtensions::default();
    walk_extensions("CRL extensions", value, |oid, critical, v| {
        match oid {
            oids::ID_CE_CRL_NUMBER => {
                let n = der::asn1::UintRef::from_der(v).map_err(ParseError::der("cRLNumber"))?;
                out.crl_number = Some((n.as_bytes().to_vec(), critical));
            }
            oids::ID_CE_DELTA_CRL_INDICATOR => {
                let n = der::asn1::UintRef::from_der(v).map_err(ParseError::der("deltaCRLIndicator"))?;
                out.delta_base = Some(n.as_bytes().to_vec());
            }
            ID_CE_ISSUING_DISTRIBUTION_POINT => {
                out.idp =
                    Some(IssuingDistributionPoint::from_der(v).map_err(ParseError::der("issuingDistributionPoint"))?);
            }
            oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(v)
                    .map_err(ParseError::der("authorityKeyIdentifier"))?;
                out.aki = aki.key_identifier.map(|k| k.as_bytes().to_vec());
            }
            other if critical => {
                out.unknown_critical.get_or_insert(other);
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(out)
}

/// The signed fields of a CRL, as errors name them.
const FIELDS: FieldNames =
    FieldNames { tbs: "tbsCertList", algorithm: "CRL signatureAlgorithm", signature: "CRL signatureValue" };

fn parse(der: CertificateRevocationListDer<'static>) -> Result<Crl, ParseError> {
    let what = "CRL";
    let e = ParseError::der;
    let base: &[u8] = der.as_ref();
    let mut r = Walker::new(base).map_err(e(what))?;
    let outer = read_tagged(&mut r, Tag::Sequence).map_err(e(what))?;
    r.finish().map_err(e(what))?;
    let mut r = Walker::new(outer.value).map_err(e(what))?;
    let (signed, tbs) = Signed::read(&mut r, base, FIELDS)?;
    r.finish().map_err(e(what))?;

    let mut t = Walker::new(tbs.value).map_err(e("tbsCertList"))?;
    if let Some(v) = read_optional(&mut t, Tag::Integer).map_err(e("CRL version"))?
        && v.value != [1]
    {
        return Err(ParseError::invalid("CRL version", "only v2 CRLs carry a version"));
    }
    let tbs_sig_alg = read_tagged(&mut t, Tag::Sequence).map_err(e("CRL signature"))?;
    let issuer = read_tagged(&mut t, Tag::Sequence).map_err(e("CRL issuer"))?;
    x509_cert::name::Name::from_der(issuer.full).map_err(e("CRL issuer"))?;
    let this_update = x509_time(&read_any(&mut t).map_err(e("thisUpdate"))?, "thisUpdate")?;
    let mut next_update = None;
    if !t.is_finished() && is_time(t.peek_tag().map_err(e("nextUpdate"))?) {
        next_update = Some(x509_time(&read_any(&mut t).map_err(e("nextUpdate"))?, "nextUpdate")?);
    }
    let revoked = read_optional(&mut t, Tag::Sequence).map_err(e("revokedCertificates"))?;
    let ext = match read_optional(&mut t, TagNumber(0).context_specific(true)).map_err(e("crlExtensions"))? {
        Some(x) => parse_crl_extensions(x.value)?,
        None => CrlExtensions::default(),
    };
    t.finish().map_err(e("tbsCertList"))?;

    let indirect = ext.idp.as_ref().is_some_and(|i| i.indirect_crl);
    let mut entry_issuers = vec![Vec::new()];
    let mut entries = Vec::new();
    let mut entry_problem = None;
    if let Some(list) = revoked {
        let mut lr = Walker::new(list.value).map_err(e("revokedCertificates"))?;
        let mut current_issuer = 0u32;
        while !lr.is_finished() {
            let entry = read_tagged(&mut lr, Tag::Sequence).map_err(e("CRL entry"))?;
            let mut er = Walker::new(entry.value).map_err(e("CRL entry"))?;
            let serial = read_tagged(&mut er, Tag::Integer).map_err(e("CRL entry serial"))?;
            let when = read_any(&mut er).map_err(e("revocationDate"))?;
            if !is_time(when.tag) {
                return Err(ParseError::invalid("revocationDate", "not a Time"));
            }
            let mut reason = None;
            if let Some(exts) = read_optional(&mut er, Tag::Sequence).map_err(e("crlEntryExtensions"))? {
                walk_extensions("crlEntryExtensions", exts.full, |oid, critical, v| {
                    match oid {
                        oids::ID_CE_CRL_REASONS => {
                            let code = der::asn1::AnyRef::from_der(v).map_err(e("reasonCode"))?;
                            if code.tag() != Tag::Enumerated {
                                return Err(ParseError::invalid("reasonCode", "not an ENUMERATED"));
                            }
                            reason = match code.value() {
                                [c] => Some(*c),
                                _ => return Err(ParseError::invalid("reasonCode", "out of range")),
                            };
                        }
                        oids::ID_CE_CERTIFICATE_ISSUER => {
                            let names = x509_cert::ext::pkix::name::GeneralNames::from_der(v)
                                .map_err(e("certificateIssuer"))?;
                            let dn = names.iter().find_map(|n| match n {
                                GeneralName::DirectoryName(dn) => der::Encode::to_der(dn).ok(),
                                _ => None,
                            });
                            let dn = dn.ok_or(ParseError::invalid("certificateIssuer", "no directoryName"))?;
                            current_issuer = match entry_issuers.iter().position(|i| *i == dn) {
                                Some(p) => p as u32,
                                None => {
                                    entry_issuers.push(dn);
                                    (entry_issuers.len() - 1) as u32
                                }
                            };
                        }
                        oids::ID_CE_INVALIDITY_DATE | oids::ID_CE_HOLD_INSTRUCTION_CODE => {}
                        other if critical => {
                            entry_problem.get_or_insert(format!("unknown critical CRL entry extension {other}"));
                        }
                        _ => {}
                    }
                    Ok(())
                })?;
            }
            er.finish().map_err(e("CRL entry"))?;
            if current_issuer != 0 && !indirect {
                entry_problem.get_or_insert("certificateIssuer entry in a CRL not marked indirect".to_string());
            }
            let serial_bytes = der::asn1::IntRef::from_der(serial.full).map_err(e("CRL entry serial"))?;
            entries.push(Entry { serial: Span::of(base, serial_bytes.as_bytes()), issuer: current_issuer, reason });
        }
    }
    entries.sort_by(|a, b| serial_cmp(a.serial.get(base), b.serial.get(base)));

    let unusable = if let Some(oid) = ext.unknown_critical {
        Some(format!("unknown critical CRL extension {oid}"))
    } else if ext.crl_number.is_none() {
        Some("cRLNumber extension missing (RFC 5280 §5.2.3)".to_string())
    } else if ext.crl_number.as_ref().is_some_and(|(_, critical)| *critical) {
        Some("cRLNumber must be non-critical (RFC 5280 §5.2.3)".to_string())
    } else {
        entry_problem
    };
    let crl_number = ext.crl_number.map(|(n, _)| n);
    Ok(Crl {
        signed,
        tbs_signature_algorithm: Span::of(base, tbs_sig_alg.value),
        issuer: Span::of(base, issuer.full),
        this_update,
        next_update,
        crl_number,
        delta_base: ext.delta_base,
        idp: ext.idp,
        authority_key_id: ext.aki,
        entry_issuers,
        entries,
        unusable,
        canonical_issuer: Default::default(),
        der,
    })
}

/// Compares two CRL numbers (unsigned big-endian magnitudes).
pub(crate) fn number_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    serial_cmp(magnitude(a), magnitude(b))
}
