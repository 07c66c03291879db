//! Output encodings: PEM and PKCS#7 certs-only SignedData (`.p7b`) from
//! [`trustpath::issue::bundle`], and the same bundles in BER, as .NET and Windows write them.

use crate::{Error, Result};

pub use trustpath::issue::bundle::pkcs7_certs_only;
pub use trustpath::issue::encoding::tlv;

/// One PEM block with `label`, LF line endings, 64-character lines.
pub fn pem(label: &str, der: &[u8]) -> Result<String> {
    Ok(trustpath::issue::bundle::pem(label, der)?)
}

/// `CERTIFICATE` PEM blocks for each certificate, concatenated.
pub fn pem_certificates(certs: &[Vec<u8>]) -> Result<String> {
    Ok(trustpath::issue::bundle::pem_certificates(certs)?)
}

/// The same bundle in BER, as .NET and Windows tools write PKCS#7: every constructed value of
/// the container has an indefinite length, the certificates (four deep) are their DER.
pub fn pkcs7_certs_only_ber(certs: &[Vec<u8>]) -> Result<Vec<u8>> {
    indefinite_lengths(&pkcs7_certs_only(certs), 4)
}

/// Re-encodes DER values as BER: every constructed value fewer than `verbatim_depth` levels
/// deep gets an indefinite length (its contents closed by two zero octets); values at that
/// depth, and primitive ones, are copied as they are. Only one-octet tags are read.
pub fn indefinite_lengths(der: &[u8], verbatim_depth: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(der.len() + 64);
    let mut rest = der;
    while let Some(&tag) = rest.first() {
        let (header, len) = definite_header(rest)?;
        let (value, after) = rest.split_at_checked(header + len).ok_or_else(|| Error::msg("DER value truncated"))?;
        if tag & 0x20 != 0 && verbatim_depth > 0 {
            out.extend([tag, 0x80]);
            out.extend(indefinite_lengths(value.get(header..).unwrap_or_default(), verbatim_depth - 1)?);
            out.extend([0x00, 0x00]);
        } else {
            out.extend_from_slice(value);
        }
        rest = after;
    }
    Ok(out)
}

/// (header length, value length) of a DER TLV with a one-octet tag.
fn definite_header(tlv: &[u8]) -> Result<(usize, usize)> {
    let bad = || Error::msg("not a DER TLV with a one-octet tag");
    if tlv.first().is_none_or(|t| t & 0x1f == 0x1f) {
        return Err(bad());
    }
    match *tlv.get(1).ok_or_else(bad)? {
        n @ 0..=0x7f => Ok((2, usize::from(n))),
        n @ 0x81..=0x84 => {
            let octets = usize::from(n & 0x7f);
            let len = tlv.get(2..2 + octets).ok_or_else(bad)?.iter().fold(0usize, |l, b| (l << 8) | usize::from(*b));
            Ok((2 + octets, len))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// id-signedData.
    const ID_SIGNED_DATA: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

    #[test]
    fn ber_bundle_has_indefinite_lengths_around_der_certificates() -> Result<()> {
        let certs = [tlv(0x30, &tlv(0x02, &[7])), tlv(0x30, &tlv(0x30, &[]))];
        let ber = pkcs7_certs_only_ber(&certs)?;
        let opening = [&[0x30, 0x80][..], ID_SIGNED_DATA, &[0xa0, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0x31, 0x80]];
        assert!(ber.starts_with(&opening.concat()), "{ber:02x?}");
        let certificates = [&[0xa0, 0x80][..], &certs.concat(), &[0x00, 0x00]].concat();
        assert!(ber.windows(certificates.len()).any(|w| w == certificates), "certificates verbatim");
        assert!(ber.ends_with(&[0x31, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));
        assert_eq!(indefinite_lengths(&certs[0], 0)?, certs[0]);
        assert!(indefinite_lengths(&[0x30, 0x05, 0x02], 1).is_err());
        Ok(())
    }
}
