//! trustpath rejections as rustls errors.

use std::sync::Arc;

use rustls::{CertificateError, Error, ExtendedKeyPurpose, OtherError};
use rustls_pki_types::{ServerName, UnixTime};

use crate::cert::Certificate;
use crate::error::{Reason, ValidationError};
use crate::verifier::ExpectedName;

/// The rustls error for a rejected chain, so that the peer gets the matching alert:
///
/// | trustpath | rustls `CertificateError` | alert |
/// | --- | --- | --- |
/// | expired (leaf) | `ExpiredContext` | certificate_expired |
/// | not yet valid (leaf) | `NotValidYetContext` | certificate_expired |
/// | revoked | `Revoked` | certificate_revoked |
/// | revocation unknown (hard-fail) | `UnknownRevocationStatus` | unknown_ca |
/// | unknown issuer | `UnknownIssuer` | unknown_ca |
/// | bad signature | `BadSignature` | decrypt_error |
/// | name mismatch | `NotValidForName` | bad_certificate |
/// | extendedKeyUsage | `InvalidPurposeContext` | unsupported_certificate |
/// | malformed | `BadEncoding` | bad_certificate |
/// | anything else | `Other(ValidationError)` | certificate_unknown |
///
/// Time failures of a certificate above the leaf are `Expired` / `NotValidYet` without
/// context (the context's times describe the end-entity certificate in rustls).
pub fn to_rustls_error(error: ValidationError) -> Error {
    let kind = match error.reason() {
        Reason::Expired { .. } => CertificateError::Expired,
        Reason::NotYetValid { .. } => CertificateError::NotValidYet,
        Reason::NameMismatch(_) | Reason::InvalidUri { .. } => CertificateError::NotValidForName,
        Reason::ExtendedKeyUsageNotAllowed(_) => CertificateError::InvalidPurpose,
        _ => return simple(error),
    };
    Error::InvalidCertificate(kind)
}

/// The variants that need no context.
fn simple(error: ValidationError) -> Error {
    let kind = match error.reason() {
        Reason::Revoked { .. } => CertificateError::Revoked,
        Reason::RevocationUnknown => CertificateError::UnknownRevocationStatus,
        Reason::UnknownIssuer => CertificateError::UnknownIssuer,
        Reason::BadSignature => CertificateError::BadSignature,
        Reason::Malformed(_) => CertificateError::BadEncoding,
        _ => CertificateError::Other(OtherError(Arc::new(error))),
    };
    Error::InvalidCertificate(kind)
}

/// As [`to_rustls_error`], with the context rustls' own verifier gives (times, names,
/// purposes) when the failing certificate is the leaf.
pub(crate) fn to_rustls_error_with(
    error: ValidationError,
    leaf: &Certificate,
    now: UnixTime,
    expected: Option<&ExpectedName>,
) -> Error {
    let at_leaf = error.certificate_index() == Some(0);
    let kind = match (error.reason(), at_leaf) {
        (Reason::Expired { .. }, true) => CertificateError::ExpiredContext { time: now, not_after: leaf.not_after() },
        (Reason::NotYetValid { .. }, true) => {
            CertificateError::NotValidYetContext { time: now, not_before: leaf.not_before() }
        }
        (Reason::NameMismatch(_), _) => match expected.and_then(server_name) {
            Some(expected) => CertificateError::NotValidForNameContext { expected, presented: presented_names(leaf) },
            None => CertificateError::NotValidForName,
        },
        (Reason::ExtendedKeyUsageNotAllowed(required), true) => {
            CertificateError::InvalidPurposeContext { required: purpose(*required), presented: leaf_purposes(leaf) }
        }
        _ => return to_rustls_error(error),
    };
    Error::InvalidCertificate(kind)
}

/// The [`ValidationError`] inside a rustls error made by these verifiers
/// (`InvalidCertificate(Other(..))`), if it holds one.
pub fn rejection_reason(error: &Error) -> Option<&ValidationError> {
    match error {
        Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => inner.downcast_ref(),
        _ => None,
    }
}

fn server_name(name: &ExpectedName) -> Option<ServerName<'static>> {
    match name {
        ExpectedName::Dns(d) => ServerName::try_from(d.clone()).ok(),
        ExpectedName::Ip(ip) => Some(ServerName::IpAddress((*ip).into())),
        _ => None,
    }
}

fn presented_names(leaf: &Certificate) -> Vec<String> {
    let dns = leaf.san_dns_names().map(str::to_string);
    dns.chain(leaf.san_ips().map(|ip| ip.to_string())).collect()
}

fn purpose(oid: const_oid::ObjectIdentifier) -> ExtendedKeyPurpose {
    if oid == crate::policy::EKU_CLIENT_AUTH {
        ExtendedKeyPurpose::ClientAuth
    } else if oid == crate::policy::EKU_SERVER_AUTH {
        ExtendedKeyPurpose::ServerAuth
    } else {
        ExtendedKeyPurpose::Other(oid.arcs().map(|a| a as usize).collect())
    }
}

fn leaf_purposes(leaf: &Certificate) -> Vec<ExtendedKeyPurpose> {
    leaf.extended_key_usages().map(purpose).collect()
}
