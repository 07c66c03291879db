//! The CRL builder (RFC 5280 §5), and the CRL and CRL entry extensions. Like
//! [`super::CertBuilder`] it writes what it is given. Encoding is done TLV by TLV, which keeps
//! a CRL with a million entries cheap to build.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oids;
use der::Encode;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;

use super::cert::signed;
use super::encoding::{tlv, uint_bytes, x509_time};
use super::{Ext, IssueError, KeyPair, SigAlg};

type Result<T> = core::result::Result<T, IssueError>;

/// id-ce-issuingDistributionPoint (x509-cert 0.3 associates another OID with its type).
pub const ID_CE_ISSUING_DISTRIBUTION_POINT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");

/// CRL reason codes (RFC 5280 §5.3.1).
pub mod reason {
    /// unspecified.
    pub const UNSPECIFIED: u8 = 0;
    /// keyCompromise.
    pub const KEY_COMPROMISE: u8 = 1;
    /// cACompromise.
    pub const CA_COMPROMISE: u8 = 2;
    /// affiliationChanged.
    pub const AFFILIATION_CHANGED: u8 = 3;
    /// superseded.
    pub const SUPERSEDED: u8 = 4;
    /// cessationOfOperation.
    pub const CESSATION_OF_OPERATION: u8 = 5;
    /// certificateHold.
    pub const CERTIFICATE_HOLD: u8 = 6;
    /// removeFromCRL (delta CRLs only).
    pub const REMOVE_FROM_CRL: u8 = 8;
    /// privilegeWithdrawn.
    pub const PRIVILEGE_WITHDRAWN: u8 = 9;
    /// aACompromise.
    pub const AA_COMPROMISE: u8 = 10;
}

/// The full DER of a non-negative INTEGER.
fn integer(n: u64) -> Vec<u8> {
    tlv(0x02, &uint_bytes(n))
}

/// cRLNumber, non-critical (RFC 5280 §5.2.3).
pub fn crl_number(n: u64) -> Ext {
    Ext::raw(oids::ID_CE_CRL_NUMBER, false, integer(n))
}

/// deltaCRLIndicator holding the BaseCRLNumber, critical (RFC 5280 §5.2.4).
pub fn delta_crl_indicator(base: u64) -> Ext {
    Ext::raw(oids::ID_CE_DELTA_CRL_INDICATOR, true, integer(base))
}

/// issuingDistributionPoint, critical (RFC 5280 §5.2.5).
pub fn issuing_distribution_point(idp: &IssuingDistributionPoint) -> Result<Ext> {
    Ok(Ext::raw(ID_CE_ISSUING_DISTRIBUTION_POINT, true, idp.to_der()?))
}

/// An issuingDistributionPoint with every field at its default (no name, no restriction).
pub fn idp_default() -> IssuingDistributionPoint {
    IssuingDistributionPoint {
        distribution_point: None,
        only_contains_user_certs: false,
        only_contains_ca_certs: false,
        only_some_reasons: None,
        indirect_crl: false,
        only_contains_attribute_certs: false,
    }
}

/// reasonCode CRL entry extension, non-critical (RFC 5280 §5.3.1).
pub fn reason_code(code: u8) -> Ext {
    Ext::raw(oids::ID_CE_CRL_REASONS, false, tlv(0x0a, &[code]))
}

/// certificateIssuer CRL entry extension naming `issuer`, critical (RFC 5280 §5.3.3).
pub fn certificate_issuer(issuer: &Name) -> Result<Ext> {
    let names = vec![GeneralName::DirectoryName(issuer.clone())];
    Ok(Ext::raw(oids::ID_CE_CERTIFICATE_ISSUER, true, names.to_der()?))
}

/// invalidityDate CRL entry extension, non-critical (RFC 5280 §5.3.2).
pub fn invalidity_date(secs: u64) -> Result<Ext> {
    let t = der::asn1::GeneralizedTime::from_unix_duration(core::time::Duration::from_secs(secs))?;
    Ok(Ext::raw(oids::ID_CE_INVALIDITY_DATE, false, t.to_der()?))
}

/// One revokedCertificates entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlEntry {
    /// userCertificate: the INTEGER content octets, as the certificate encodes its serial.
    pub serial: Vec<u8>,
    /// revocationDate, Unix seconds.
    pub revocation_date: u64,
    /// crlEntryExtensions (omitted when empty).
    pub extensions: Vec<Ext>,
}

impl CrlEntry {
    /// An entry for `serial` (INTEGER content octets) revoked at `date`, without extensions.
    pub fn new(serial: &[u8], date: u64) -> Self {
        CrlEntry { serial: serial.to_vec(), revocation_date: date, extensions: Vec::new() }
    }

    /// Adds a reasonCode extension.
    pub fn reason(self, code: u8) -> Self {
        self.extension(reason_code(code))
    }

    /// Adds an extension.
    pub fn extension(mut self, ext: Ext) -> Self {
        self.extensions.push(ext);
        self
    }

    /// The entry's DER; `time_cache` keeps the last encoded revocationDate (large CRLs repeat
    /// the same date).
    fn encode(&self, time_cache: &mut Option<(u64, Vec<u8>)>) -> Result<Vec<u8>> {
        let mut body = tlv(0x02, &self.serial);
        match time_cache {
            Some((secs, der)) if *secs == self.revocation_date => body.extend_from_slice(der),
            _ => {
                let der = x509_time(self.revocation_date)?.to_der()?;
                body.extend_from_slice(&der);
                *time_cache = Some((self.revocation_date, der));
            }
        }
        if !self.extensions.is_empty() {
            body.extend(extensions_der(&self.extensions)?);
        }
        Ok(tlv(0x30, &body))
    }
}

/// `Extensions` (SEQUENCE OF Extension), DER.
fn extensions_der(exts: &[Ext]) -> Result<Vec<u8>> {
    let list = exts.iter().map(Ext::to_x509).collect::<Result<Vec<_>>>()?;
    Ok(list.to_der()?)
}

/// Builds one CRL. Defaults: v2, no entries, no extensions (add a cRLNumber and an
/// authorityKeyIdentifier: RFC 5280 §5.2 requires both), nextUpdate present, signed with the
/// issuer key's default algorithm.
#[derive(Debug, Clone)]
pub struct CrlBuilder {
    version: Option<Vec<u8>>,
    issuer: Vec<u8>,
    this_update: u64,
    next_update: Option<u64>,
    entries: Vec<CrlEntry>,
    extensions: Vec<Ext>,
    sig_alg: Option<SigAlg>,
}

impl CrlBuilder {
    /// A v2 CRL issued by `issuer`, current from `this_update` to `next_update` (Unix seconds).
    pub fn new(issuer: &Name, this_update: u64, next_update: u64) -> Result<Self> {
        Ok(CrlBuilder {
            version: Some(vec![1]),
            issuer: issuer.to_der()?,
            this_update,
            next_update: Some(next_update),
            entries: Vec::new(),
            extensions: Vec::new(),
            sig_alg: None,
        })
    }

    /// The version INTEGER's content octets (`Some(vec![1])` = v2), or `None` to omit it (v1).
    pub fn version(mut self, version: Option<Vec<u8>>) -> Self {
        self.version = version;
        self
    }

    /// nextUpdate (`None` omits it).
    pub fn next_update(mut self, next_update: Option<u64>) -> Self {
        self.next_update = next_update;
        self
    }

    /// Appends an entry.
    pub fn entry(mut self, entry: CrlEntry) -> Self {
        self.entries.push(entry);
        self
    }

    /// Appends entries in order.
    pub fn entries(mut self, entries: impl IntoIterator<Item = CrlEntry>) -> Self {
        self.entries.extend(entries);
        self
    }

    /// Appends a CRL extension (a duplicate is kept).
    pub fn extension(mut self, ext: Ext) -> Self {
        self.extensions.push(ext);
        self
    }

    /// The algorithm to sign with (default: the key's usual one).
    pub fn signature_algorithm(mut self, alg: SigAlg) -> Self {
        self.sig_alg = Some(alg);
        self
    }

    /// The TBSCertList, DER, whose `signature` field is `algorithm_identifier` (the DER of an
    /// AlgorithmIdentifier): what a signer outside this crate signs.
    pub fn tbs_der(&self, algorithm_identifier: &[u8]) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        if let Some(v) = &self.version {
            body.extend(tlv(0x02, v));
        }
        body.extend_from_slice(algorithm_identifier);
        body.extend_from_slice(&self.issuer);
        body.extend(x509_time(self.this_update)?.to_der()?);
        if let Some(next) = self.next_update {
            body.extend(x509_time(next)?.to_der()?);
        }
        if !self.entries.is_empty() {
            let mut list = Vec::new();
            let mut time_cache = None;
            for e in &self.entries {
                list.extend(e.encode(&mut time_cache)?);
            }
            body.extend(tlv(0x30, &list));
        }
        if !self.extensions.is_empty() {
            body.extend(tlv(0xa0, &extensions_der(&self.extensions)?));
        }
        Ok(tlv(0x30, &body))
    }

    /// Encodes and signs the CRL with `key`; returns the CertificateList DER.
    pub fn sign(&self, key: &KeyPair) -> Result<Vec<u8>> {
        let alg = self.sig_alg.unwrap_or_else(|| key.algorithm().default_signature_algorithm());
        let algorithm_identifier = alg.algorithm_identifier();
        let tbs = self.tbs_der(&algorithm_identifier)?;
        let signature = key.sign(alg, &tbs)?;
        Ok(signed(&tbs, &algorithm_identifier, &signature))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::KeyAlgorithm;
    use crate::issue::name::NameBuilder;
    use der::Decode;

    #[test]
    fn x509_cert_reads_the_crl() -> Result<()> {
        let key = KeyPair::generate(KeyAlgorithm::P256)?;
        let issuer = NameBuilder::new().cn("CRL Issuer").build()?;
        let der = CrlBuilder::new(&issuer, 1_700_000_000, 1_700_600_000)?
            .entry(CrlEntry::new(&[0x01, 0x02], 1_699_000_000).reason(reason::KEY_COMPROMISE))
            .entry(CrlEntry::new(&[0x00, 0x80], 1_699_000_000))
            .extension(crl_number(7))
            .sign(&key)?;
        let crl = x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der)?;
        assert_eq!(crl.tbs_cert_list.issuer, issuer);
        assert_eq!(crl.tbs_cert_list.revoked_certificates.map(|r| r.len()), Some(2));
        assert_eq!(crl.tbs_cert_list.crl_extensions.map(|e| e.len()), Some(1));
        Ok(())
    }
}
