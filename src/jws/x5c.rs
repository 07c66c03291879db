//! The `x5c` header parameter (RFC 7515 §4.1.6): standard (not URL-safe) padded base64 DER
//! certificates, the signer's first. Bounded in count and size. Only `x5c[0]` is the signer;
//! the others are untrusted path-building candidates, never anchors.

use base64::Engine;
use base64ct::{Base64UrlUnpadded, Encoding};
use sha2::{Digest, Sha256};

use super::Limits;
use super::error::JwsError;
use super::header::Header;
use crate::cert::Certificate;

fn malformed(index: usize, reason: impl Into<String>) -> JwsError {
    JwsError::X5cMalformed { index, reason: reason.into() }
}

/// Decodes and parses `x5c` (if present), enforcing the limits, and checks `x5t` /
/// `x5t#S256` against `x5c[0]` when they are present too.
pub(crate) fn decode(header: &Header, limits: &Limits) -> Result<Vec<Certificate>, JwsError> {
    let Some(entries) = header.x5c_base64() else { return Ok(Vec::new()) };
    if entries.len() > limits.max_x5c_certificates {
        return Err(JwsError::X5cTooManyCertificates { count: entries.len(), limit: limits.max_x5c_certificates });
    }
    let total = entries.iter().fold(0usize, |sum, e| sum.saturating_add(e.len()));
    if total > limits.max_x5c_len {
        return Err(JwsError::X5cTooLarge { limit: limits.max_x5c_len });
    }
    if entries.is_empty() {
        return Err(malformed(0, "x5c is an empty array; it must start with the signer's certificate"));
    }
    let mut certificates = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        // Canonical padding required, non-zero trailing bits rejected.
        let der = base64::engine::general_purpose::STANDARD
            .decode(entry)
            .map_err(|_| malformed(index, "not standard padded base64 (x5c is not base64url)"))?;
        let cert = Certificate::from_der(der).map_err(|e| malformed(index, e.to_string()))?;
        certificates.push(cert);
    }
    if let Some(signer) = certificates.first() {
        check_thumbprints(header, signer)?;
    }
    Ok(certificates)
}

fn check_thumbprints(header: &Header, signer: &Certificate) -> Result<(), JwsError> {
    let der: &[u8] = signer.der().as_ref();
    let sha1 = || <sha1::Sha1 as Digest>::digest(der).to_vec();
    let sha256 = || Sha256::digest(der).to_vec();
    let checks: [(&str, &dyn Fn() -> Vec<u8>); 2] = [("x5t", &sha1), ("x5t#S256", &sha256)];
    for (name, digest) in checks {
        if let Some(value) = header.get(name).and_then(|v| v.as_str()) {
            let given = Base64UrlUnpadded::decode_vec(value)
                .map_err(|_| malformed(0, format!("{name} is not unpadded base64url")))?;
            if given != digest() {
                return Err(malformed(0, format!("{name} does not match the certificate")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x5c_entries_are_strict_padded_standard_base64() {
        let decode = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).ok();
        assert_eq!(decode("QQ==").as_deref(), Some(&b"A"[..]));
        assert_eq!(decode("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
        // Missing padding, base64url characters, non-zero trailing bits, whitespace.
        for bad in ["QQ", "-_8=", "QR==", "QQ= =", " QQ=="] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
