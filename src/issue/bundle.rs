//! Writing certificates out: PEM, and PKCS#7 certs-only SignedData (`.p7b`, as DirectTrust
//! and other communities distribute their anchors).

use super::IssueError;
use super::encoding::tlv;

/// One PEM block with `label`, LF line endings, 64-character lines.
pub fn pem(label: &str, der: &[u8]) -> Result<String, IssueError> {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der)
        .map_err(|e| IssueError::Encoding(der::Error::from(e)))
}

/// `CERTIFICATE` PEM blocks for each certificate, concatenated.
pub fn pem_certificates(certs: &[Vec<u8>]) -> Result<String, IssueError> {
    let mut out = String::new();
    for c in certs {
        out.push_str(&pem("CERTIFICATE", c)?);
    }
    Ok(out)
}

/// id-signedData.
const ID_SIGNED_DATA: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
/// id-data.
const ID_DATA: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];

/// A PKCS#7 / CMS certs-only SignedData, DER (RFC 5652 §5.1, as `openssl crl2pkcs7 -nocrl`
/// makes it): version 1, no digest algorithms, empty id-data content, the certificates in the
/// order given, no signers.
pub fn pkcs7_certs_only(certs: &[Vec<u8>]) -> Vec<u8> {
    let mut signed_data = Vec::new();
    signed_data.extend(tlv(0x02, &[0x01]));
    signed_data.extend(tlv(0x31, &[]));
    signed_data.extend(tlv(0x30, ID_DATA));
    signed_data.extend(tlv(0xa0, &certs.concat()));
    signed_data.extend(tlv(0x31, &[]));
    let content = tlv(0xa0, &tlv(0x30, &signed_data));
    tlv(0x30, &[ID_SIGNED_DATA, content.as_slice()].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs7_is_one_der_sequence_that_the_bundle_reader_reads() {
        let p7 = pkcs7_certs_only(&[vec![0x30, 0x00], vec![0x30, 0x00]]);
        let any = <der::asn1::Any as der::Decode>::from_der(&p7);
        assert!(any.is_ok());
        assert!(p7.windows(4).any(|w| w == [0xa0, 0x04, 0x30, 0x00]));
    }
}
