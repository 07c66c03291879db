//! RFC 5280 §6.1.4 (n) and §4.2.1.3: keyUsage.
//!
//! An issuing certificate with a keyUsage extension must assert keyCertSign. The end-entity
//! certificate, when it carries keyUsage, must assert one of the usages the policy needs.

use x509_cert::ext::pkix::KeyUsages;

use crate::cert::Certificate;
use crate::error::Reason;

/// (n): issuers need keyCertSign when the extension is present.
pub(crate) fn check_issuer(cert: &Certificate) -> Result<(), Reason> {
    match &cert.inner().ext.key_usage {
        Some(ku) if !ku.value.key_cert_sign() => Err(Reason::MissingKeyCertSign),
        _ => Ok(()),
    }
}

/// The leaf needs at least one of `required` when it has the extension.
pub(crate) fn check_leaf(cert: &Certificate, required: &[KeyUsages]) -> Result<(), Reason> {
    let Some(ku) = &cert.inner().ext.key_usage else { return Ok(()) };
    if required.is_empty() || required.iter().any(|r| ku.value.0.contains(*r)) {
        return Ok(());
    }
    Err(Reason::KeyUsageNotAllowed(usage_name(required.first().copied())))
}

fn usage_name(u: Option<KeyUsages>) -> &'static str {
    match u {
        Some(KeyUsages::DigitalSignature) => "digitalSignature",
        Some(KeyUsages::NonRepudiation) => "nonRepudiation",
        Some(KeyUsages::KeyEncipherment) => "keyEncipherment",
        Some(KeyUsages::DataEncipherment) => "dataEncipherment",
        Some(KeyUsages::KeyAgreement) => "keyAgreement",
        Some(KeyUsages::KeyCertSign) => "keyCertSign",
        Some(KeyUsages::CRLSign) => "cRLSign",
        Some(KeyUsages::EncipherOnly) => "encipherOnly",
        Some(KeyUsages::DecipherOnly) => "decipherOnly",
        None => "none",
    }
}
