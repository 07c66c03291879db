//! The CRL builder: [`trustpath::issue::CrlBuilder`], which writes every TBS field as given,
//! plus what only a test generator wants: a TBS signature algorithm identifier that lies about
//! the signature, corrupted signatures and BIT STRINGs with unused bits.

use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::name::Name;

use crate::algs::SigAlg;
use crate::bundle::tlv;
use crate::ext::Ext;
use crate::keys::KeyPair;
use crate::{Error, Result};

pub use trustpath::issue::crl::{
    CrlEntry, ID_CE_ISSUING_DISTRIBUTION_POINT, crl_number, delta_crl_indicator, idp_default, reason, reason_code,
};
pub use trustpath::issue::encoding::uint_bytes;

/// issuingDistributionPoint, critical (RFC 5280 §5.2.5).
pub fn issuing_distribution_point(idp: &IssuingDistributionPoint) -> Result<Ext> {
    Ok(trustpath::issue::crl::issuing_distribution_point(idp)?)
}

/// certificateIssuer CRL entry extension naming `issuer`, critical (RFC 5280 §5.3.3).
pub fn certificate_issuer(issuer: &Name) -> Result<Ext> {
    Ok(trustpath::issue::crl::certificate_issuer(issuer)?)
}

/// invalidityDate CRL entry extension, non-critical (RFC 5280 §5.3.2).
pub fn invalidity_date(secs: u64) -> Result<Ext> {
    Ok(trustpath::issue::crl::invalidity_date(secs)?)
}

/// Builds one CRL. Defaults: v2, no entries, no extensions (add a cRLNumber: RFC 5280
/// requires one), nextUpdate present, signed with the issuer key's default algorithm.
#[derive(Debug, Clone)]
pub struct CrlBuilder {
    inner: trustpath::issue::CrlBuilder,
    sig_alg: Option<SigAlg>,
    tbs_sig_alg: Option<Vec<u8>>,
    corrupt_signature: bool,
    signature_unused_bits: u8,
}

impl CrlBuilder {
    /// A v2 CRL issued by `issuer`, current from `this_update` to `next_update`.
    pub fn new(issuer: &Name, this_update: u64, next_update: u64) -> Result<Self> {
        Ok(CrlBuilder {
            inner: trustpath::issue::CrlBuilder::new(issuer, this_update, next_update)?,
            sig_alg: None,
            tbs_sig_alg: None,
            corrupt_signature: false,
            signature_unused_bits: 0,
        })
    }

    /// The version INTEGER content (`Some(vec![1])` = v2), or `None` to omit it (v1).
    pub fn version_raw(mut self, version: Option<Vec<u8>>) -> Self {
        self.inner = self.inner.version(version);
        self
    }

    /// nextUpdate (`None` omits it).
    pub fn next_update(mut self, next_update: Option<u64>) -> Self {
        self.inner = self.inner.next_update(next_update);
        self
    }

    /// Appends an entry.
    pub fn entry(mut self, entry: CrlEntry) -> Self {
        self.inner = self.inner.entry(entry);
        self
    }

    /// Appends entries in order.
    pub fn entries(mut self, entries: impl IntoIterator<Item = CrlEntry>) -> Self {
        self.inner = self.inner.entries(entries);
        self
    }

    /// Appends a CRL extension (duplicates are kept).
    pub fn extension(mut self, ext: Ext) -> Self {
        self.inner = self.inner.extension(ext);
        self
    }

    /// The algorithm to sign with (default: the key's usual one).
    pub fn signature_algorithm(mut self, alg: SigAlg) -> Self {
        self.sig_alg = Some(alg);
        self
    }

    /// Overrides the TBS `signature` AlgorithmIdentifier (full DER) without changing how the
    /// CRL is signed.
    pub fn tbs_signature_algorithm_der(mut self, der: Vec<u8>) -> Self {
        self.tbs_sig_alg = Some(der);
        self
    }

    /// Flips a bit of the signature after signing.
    pub fn corrupt_signature(mut self) -> Self {
        self.corrupt_signature = true;
        self
    }

    /// Encodes the signature BIT STRING with this unused-bits count (its octets unchanged), as
    /// no signature algorithm allows.
    pub fn signature_unused_bits(mut self, unused_bits: u8) -> Self {
        self.signature_unused_bits = unused_bits;
        self
    }

    /// The TBSCertList, DER.
    pub fn tbs(&self, alg: SigAlg) -> Result<Vec<u8>> {
        Ok(self.inner.tbs_der(&self.tbs_sig_alg.clone().unwrap_or_else(|| alg.algorithm_identifier()))?)
    }

    /// Encodes and signs the CRL with `key`; returns the CertificateList DER.
    pub fn sign(&self, key: &KeyPair) -> Result<Vec<u8>> {
        let alg = self.sig_alg.unwrap_or_else(|| key.kind().default_sig_alg());
        let tbs = self.tbs(alg)?;
        let mut signature = key.sign(alg, &tbs)?;
        if self.corrupt_signature {
            let last = signature.last_mut().ok_or_else(|| Error::msg("empty signature"))?;
            *last ^= 0x01;
        }
        let mut bits = vec![self.signature_unused_bits];
        bits.extend(signature);
        let mut body = tbs;
        body.extend(alg.algorithm_identifier());
        body.extend(tlv(0x03, &bits));
        Ok(tlv(0x30, &body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyKind;
    use crate::name::NameBuilder;
    use der::Decode;

    #[test]
    fn tampering_changes_only_what_it_says() -> Result<()> {
        let key = KeyPair::generate("unit-test-crl", KeyKind::P256)?;
        let issuer = NameBuilder::new().cn("CRL Issuer").build()?;
        let builder = CrlBuilder::new(&issuer, 1_700_000_000, 1_700_600_000)?
            .entry(CrlEntry::new(&[0x01, 0x02], 1_699_000_000).reason(reason::KEY_COMPROMISE))
            .extension(crl_number(7));
        let good = builder.sign(&key)?;
        assert_eq!(builder.sign(&key)?, good, "deterministic");
        let corrupt = builder.clone().corrupt_signature().sign(&key)?;
        assert_eq!(good.last().map(|b| b ^ 0x01), corrupt.last().copied());
        // The TBSCertList's first element: the version INTEGER (v2), or the AlgorithmIdentifier.
        let first_tag = |der: &[u8]| -> Result<Option<u8>> {
            let outer = der::asn1::Any::from_der(der)?;
            let tbs = der::asn1::Any::decode(&mut der::SliceReader::new(outer.value())?)?;
            Ok(tbs.value().first().copied())
        };
        assert_eq!(first_tag(&good)?, Some(0x02));
        assert_eq!(first_tag(&builder.clone().version_raw(None).sign(&key)?)?, Some(0x30));
        let lying = builder.tbs_signature_algorithm_der(SigAlg::EcdsaSha384.algorithm_identifier()).sign(&key)?;
        let crl = x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&lying)?;
        assert_ne!(crl.tbs_cert_list.signature, crl.signature_algorithm);
        Ok(())
    }

    /// What a benchmark would do to get a million-entry CRL (run with `--ignored --release`).
    #[test]
    #[ignore = "builds a 40 MB CRL"]
    fn a_million_entries() -> Result<()> {
        let key = KeyPair::generate("unit-test-crl", KeyKind::P256)?;
        let issuer = NameBuilder::new().cn("CRL Issuer").build()?;
        let start = std::time::Instant::now();
        let entries = (0..1_000_000u64).map(|i| CrlEntry::new(&uint_bytes(0x1000_0000 + i), 1_699_000_000));
        let der = CrlBuilder::new(&issuer, 1_700_000_000, 1_700_600_000)?
            .extension(crl_number(1))
            .entries(entries)
            .sign(&key)?;
        eprintln!("{} bytes in {:?}", der.len(), start.elapsed());
        assert!(der.len() > 20_000_000);
        Ok(())
    }
}
