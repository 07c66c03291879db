//! Starting points for the usual certificate shapes. Each returns a [`CertBuilder`] with the
//! extensions a conforming CA would put in, in a fixed order, which a case then edits
//! ([`CertBuilder::replace_extension`], [`CertBuilder::without_extension`], ...).

use std::sync::Arc;

use x509_cert::ext::pkix::KeyUsages;
use x509_cert::name::Name;

use crate::cert::CertBuilder;
use crate::ext;
use crate::keys::KeyPair;
use crate::{Result, SigAlg};

/// A certificate authority: its name, key and certificate.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// Subject name.
    pub name: Name,
    /// Key pair.
    pub key: Arc<KeyPair>,
    /// Its certificate, DER.
    pub der: Vec<u8>,
}

impl Issuer {
    /// A CA from its parts.
    pub fn new(name: Name, key: Arc<KeyPair>, der: Vec<u8>) -> Self {
        Issuer { name, key, der }
    }

    /// Signs `builder` with this CA's key.
    pub fn sign(&self, builder: &CertBuilder) -> Result<Vec<u8>> {
        builder.sign(&self.key)
    }

    /// Signs `builder` with this CA's key and a given algorithm.
    pub fn sign_with(&self, builder: CertBuilder, alg: SigAlg) -> Result<Vec<u8>> {
        builder.signature_algorithm(alg).sign(&self.key)
    }
}

/// The keyUsage of a CA: keyCertSign and cRLSign, critical.
pub fn ca_key_usage() -> Result<ext::Ext> {
    ext::key_usage(true, &[KeyUsages::KeyCertSign, KeyUsages::CRLSign])
}

/// A self-signed root: basicConstraints (critical, cA), keyUsage (critical, keyCertSign and
/// cRLSign), subjectKeyIdentifier.
pub fn root(name: &Name, key: &KeyPair) -> Result<CertBuilder> {
    Ok(CertBuilder::new(name, key).extensions([
        ext::basic_constraints(true, true, None)?,
        ca_key_usage()?,
        ext::subject_key_identifier(&key.key_id())?,
    ]))
}

/// An intermediate CA certificate issued by `issuer`: basicConstraints (critical, cA),
/// keyUsage (critical, keyCertSign and cRLSign), subjectKeyIdentifier, authorityKeyIdentifier.
pub fn intermediate(name: &Name, key: &KeyPair, issuer: &Issuer) -> Result<CertBuilder> {
    Ok(CertBuilder::new(name, key).issuer(&issuer.name).extensions([
        ext::basic_constraints(true, true, None)?,
        ca_key_usage()?,
        ext::subject_key_identifier(&key.key_id())?,
        ext::authority_key_identifier(&issuer.key.key_id())?,
    ]))
}

/// An end-entity certificate issued by `issuer`: keyUsage (critical, digitalSignature),
/// extendedKeyUsage (serverAuth, clientAuth), subjectKeyIdentifier, authorityKeyIdentifier.
/// Add a subjectAltName as the case needs.
pub fn leaf(name: &Name, key: &KeyPair, issuer: &Issuer) -> Result<CertBuilder> {
    Ok(CertBuilder::new(name, key).issuer(&issuer.name).extensions([
        ext::key_usage(true, &[KeyUsages::DigitalSignature])?,
        ext::extended_key_usage(false, &[ext::EKU_SERVER_AUTH, ext::EKU_CLIENT_AUTH])?,
        ext::subject_key_identifier(&key.key_id())?,
        ext::authority_key_identifier(&issuer.key.key_id())?,
    ]))
}
