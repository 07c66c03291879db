//! A certificate authority of a trust community: a root or an issuing intermediate, with the
//! URLs it publishes its CRL and certificate at. It issues the community's end-entity
//! certificates ([`EndEntity`]) and its CRLs, each conforming to RFC 5280 §4 and §5.

use x509_cert::ext::pkix::KeyUsages;
use x509_cert::name::Name;

use super::cert::random_serial;
use super::crl::{CrlBuilder, CrlEntry, crl_number};
use super::name::NameBuilder;
use super::{CertBuilder, EndEntity, Ext, IssueError, KeyPair, ext};
use crate::Certificate;

/// Where a CA publishes, as named in the certificates it issues: its CRL (cRLDistributionPoints)
/// and its own certificate (authorityInfoAccess caIssuers, DER).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publication {
    /// The URL of the CA's CRL.
    pub crl_url: Option<String>,
    /// The URL of the CA's certificate.
    pub certificate_url: Option<String>,
}

/// A CA: its certificate, its key and where it publishes.
#[derive(Debug)]
pub struct Authority {
    certificate: Certificate,
    key: KeyPair,
    publication: Publication,
}

fn invalid(what: &'static str, reason: impl Into<String>) -> IssueError {
    IssueError::InvalidInput { what, reason: reason.into() }
}

impl Authority {
    /// A CA from its certificate (DER) and key. The key must be the certificate's, and the
    /// certificate a CA certificate.
    pub fn new(certificate_der: Vec<u8>, key: KeyPair, publication: Publication) -> Result<Self, IssueError> {
        let certificate = Certificate::from_der(certificate_der).map_err(IssueError::Certificate)?;
        if certificate.spki_der() != key.spki_der() {
            return Err(invalid("CA key", "it is not the key of the CA certificate"));
        }
        if !certificate.is_ca() {
            return Err(invalid("CA certificate", "basicConstraints does not assert cA"));
        }
        Ok(Authority { certificate, key, publication })
    }

    /// A new self-signed root: basicConstraints (critical, cA), keyUsage (critical,
    /// keyCertSign and cRLSign), subjectKeyIdentifier; a random serial.
    pub fn root(
        name: &Name,
        key: KeyPair,
        not_before: u64,
        not_after: u64,
        publication: Publication,
    ) -> Result<Self, IssueError> {
        check_validity(not_before, not_after)?;
        let der = CertBuilder::new(name, key.spki_der(), not_before, not_after)
            .serial(random_serial()?)
            .extensions([
                ext::basic_constraints(true, true, None)?,
                ca_key_usage()?,
                ext::subject_key_identifier(&key.key_id())?,
            ])
            .sign(&key)?;
        Authority::new(der, key, publication)
    }

    /// A new issuing CA under this one: basicConstraints (critical, cA, pathLenConstraint 0),
    /// keyUsage (critical, keyCertSign and cRLSign), key identifiers, and this CA's
    /// publication points. `publication` is where the new CA publishes.
    pub fn intermediate(
        &self,
        name: &Name,
        key: KeyPair,
        not_before: u64,
        not_after: u64,
        publication: Publication,
    ) -> Result<Authority, IssueError> {
        self.check_within(not_before, not_after)?;
        let mut builder = CertBuilder::new(name, key.spki_der(), not_before, not_after)
            .issuer(self.certificate.subject())
            .serial(random_serial()?)
            .extensions([ext::basic_constraints(true, true, Some(0))?, ca_key_usage()?]);
        builder = builder.extensions(self.identifiers_and_pointers(&key)?);
        let der = builder.sign(&self.key)?;
        Authority::new(der, key, publication)
    }

    /// Issues `entity` for `subject_key`, valid from `not_before` to `not_after` (Unix
    /// seconds, within this CA's validity): the profile's keyUsage, extendedKeyUsage and
    /// subjectAltName, the key identifiers, and this CA's publication points; a random serial;
    /// subject `O=` this CA's organization, `CN=` the first name. The names are checked first
    /// ([`EndEntity::check`]).
    pub fn issue(
        &self,
        entity: &EndEntity,
        subject_key: &KeyPair,
        not_before: u64,
        not_after: u64,
    ) -> Result<Certificate, IssueError> {
        entity.check(subject_key.algorithm())?;
        self.check_within(not_before, not_after)?;
        let subject = match self.organization() {
            Some(o) => entity.subject(&o)?,
            None => NameBuilder::new().build()?,
        };
        let der = CertBuilder::new(&subject, subject_key.spki_der(), not_before, not_after)
            .issuer(self.certificate.subject())
            .serial(random_serial()?)
            .extensions(entity.extensions(subject_key.algorithm())?)
            .extensions(self.identifiers_and_pointers(subject_key)?)
            .sign(&self.key)?;
        Certificate::from_der(der).map_err(IssueError::Certificate)
    }

    /// A CRL (RFC 5280 §5) with cRLNumber `number` and authorityKeyIdentifier, current from
    /// `this_update` to `next_update`, listing `revoked`.
    pub fn crl(
        &self,
        number: u64,
        this_update: u64,
        next_update: u64,
        revoked: impl IntoIterator<Item = CrlEntry>,
    ) -> Result<Vec<u8>, IssueError> {
        check_validity(this_update, next_update)?;
        CrlBuilder::new(self.certificate.subject(), this_update, next_update)?
            .entries(revoked)
            .extension(ext::authority_key_identifier(&self.key.key_id())?)
            .extension(crl_number(number))
            .sign(&self.key)
    }

    /// The CA's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The CA's key.
    pub fn key(&self) -> &KeyPair {
        &self.key
    }

    /// Where the CA publishes.
    pub fn publication(&self) -> &Publication {
        &self.publication
    }

    /// The first organizationName of the CA's subject.
    fn organization(&self) -> Option<String> {
        let mut found = None;
        let o = const_oid::db::rfc4519::O;
        let _ = crate::cert::dn::for_each_text(self.certificate.subject_der(), o, |text| {
            found = Some(text.to_string());
            Err(())
        });
        found
    }

    /// subjectKeyIdentifier, authorityKeyIdentifier, and this CA's cRLDistributionPoints and
    /// authorityInfoAccess when it publishes them.
    fn identifiers_and_pointers(&self, subject_key: &KeyPair) -> Result<Vec<Ext>, IssueError> {
        let mut exts = vec![
            ext::subject_key_identifier(&subject_key.key_id())?,
            ext::authority_key_identifier(&self.key.key_id())?,
        ];
        if let Some(url) = &self.publication.crl_url {
            exts.push(ext::crl_distribution_points(&[url])?);
        }
        if let Some(url) = &self.publication.certificate_url {
            exts.push(ext::authority_info_access(&[], &[url])?);
        }
        Ok(exts)
    }

    /// `not_before` < `not_after`, both within this CA's validity.
    fn check_within(&self, not_before: u64, not_after: u64) -> Result<(), IssueError> {
        check_validity(not_before, not_after)?;
        let ca_not_after = u64::try_from(self.certificate.not_after_secs()).unwrap_or(0);
        let ca_not_before = u64::try_from(self.certificate.not_before_secs()).unwrap_or(0);
        if not_after > ca_not_after || not_before < ca_not_before {
            return Err(invalid(
                "validity",
                format!(
                    "{} to {} is not within the issuing CA's validity ({} to {})",
                    rfc3339(not_before),
                    rfc3339(not_after),
                    rfc3339(ca_not_before),
                    rfc3339(ca_not_after)
                ),
            ));
        }
        Ok(())
    }
}

fn rfc3339(secs: u64) -> String {
    crate::time::format_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
}

fn check_validity(start: u64, end: u64) -> Result<(), IssueError> {
    if start >= end {
        return Err(invalid("validity", format!("{} is not before {}", rfc3339(start), rfc3339(end))));
    }
    Ok(())
}

/// The keyUsage of a CA: keyCertSign and cRLSign, critical.
fn ca_key_usage() -> Result<Ext, IssueError> {
    ext::key_usage(true, &[KeyUsages::KeyCertSign, KeyUsages::CRLSign])
}
