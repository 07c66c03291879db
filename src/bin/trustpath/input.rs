//! Reading the inputs named on the command line: certificate files (PEM, DER or PKCS#7,
//! `-` for standard input) and option values that need parsing.

use std::io::Read;
use std::net::IpAddr;

use const_oid::ObjectIdentifier;
use trustpath::cert::parse_bundle;
use trustpath::policy::{EKU_ANY, EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION, EKU_SERVER_AUTH};
use trustpath::trust::DEFAULT_COMMUNITY;
use trustpath::{Certificate, CertificatePool, ExpectedName, TrustStore, UnixTime};

use crate::{CliError, warn};

/// Largest input file read (the library's bundle limit is 64 MiB too).
const MAX_INPUT_LEN: u64 = 64 << 20;

/// Reads a whole file, or standard input for `-`, up to [`MAX_INPUT_LEN`] bytes.
pub fn read_file(path: &str) -> Result<Vec<u8>, CliError> {
    let fail = |e: std::io::Error| CliError::Input(format!("{path}: cannot read: {e}"));
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin().lock().take(MAX_INPUT_LEN + 1).read_to_end(&mut bytes).map_err(fail)?;
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT_LEN + 1).read_to_end(&mut bytes)).map_err(fail)?;
    }
    if bytes.len() as u64 > MAX_INPUT_LEN {
        return Err(CliError::Input(format!("{path}: larger than the limit of {MAX_INPUT_LEN} bytes")));
    }
    Ok(bytes)
}

/// The certificates of a bundle file, in order. Entries that do not parse are reported on
/// stderr and skipped; a file without any readable certificate is an error. `required_first`
/// makes an unreadable first entry an error too (it is the certificate to validate).
fn read_certificates(path: &str, required_first: bool) -> Result<Vec<Certificate>, CliError> {
    let bytes = read_file(path)?;
    let bundle = parse_bundle(&bytes).map_err(|e| CliError::Input(format!("{path}: {e}")))?;
    if let Some(first) = bundle.skipped.iter().find(|s| required_first && s.index == 0) {
        return Err(CliError::Input(format!("{path}: the first certificate is unreadable: {}", first.error)));
    }
    for skipped in &bundle.skipped {
        warn(&format!("{path}: skipped {skipped}"));
    }
    if bundle.certificates.is_empty() {
        return Err(CliError::Input(format!("{path}: no readable certificate")));
    }
    Ok(bundle.certificates)
}

/// Every certificate of a bundle file (anchors, intermediates).
pub fn read_bundle(path: &str) -> Result<Vec<Certificate>, CliError> {
    read_certificates(path, false)
}

/// A trust store holding the certificates of the `anchors` files (default community) and of
/// the `(community, file)` pairs.
pub fn load_anchors(anchors: &[String], communities: &[(String, String)]) -> Result<TrustStore, CliError> {
    let mut store = TrustStore::new();
    let defaults = anchors.iter().map(|f| (DEFAULT_COMMUNITY, f.as_str()));
    for (community, file) in defaults.chain(communities.iter().map(|(c, f)| (c.as_str(), f.as_str()))) {
        for cert in read_bundle(file)? {
            store.add_certificate(community, cert);
        }
    }
    Ok(store)
}

/// The certificates of the `--intermediate` files, as a pool for path building and as the
/// list of untrusted certificates (CRL signers, OCSP responders, CMS certificates).
pub fn load_intermediates(files: &[String]) -> Result<(CertificatePool, Vec<Certificate>), CliError> {
    let mut pool = CertificatePool::new();
    let mut untrusted = Vec::new();
    for file in files {
        for cert in read_bundle(file)? {
            untrusted.push(cert.clone());
            pool.add(cert);
        }
    }
    Ok((pool, untrusted))
}

/// The first certificate of a file, and the certificates after it.
pub fn read_leaf(path: &str) -> Result<(Certificate, Vec<Certificate>), CliError> {
    let mut certificates = read_certificates(path, true)?.into_iter();
    let leaf = certificates.next().ok_or_else(|| CliError::Input(format!("{path}: no readable certificate")))?;
    Ok((leaf, certificates.collect()))
}

/// An RFC 3339 time such as `2023-07-10T00:00:00Z`.
pub fn parse_time(value: &str) -> Result<UnixTime, String> {
    trustpath::time::parse_rfc3339(value).map_err(|e| format!("--time {value}: {e}"))
}

/// A server name: an IP address literal (IPv6 optionally in brackets) or a DNS name.
pub fn parse_server_name(value: &str) -> Result<ExpectedName, String> {
    let unbracketed = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).unwrap_or(value);
    if let Ok(ip) = unbracketed.parse::<IpAddr>() {
        return Ok(ExpectedName::Ip(ip));
    }
    if value.is_empty() || value.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(format!("--server-name '{value}' is neither a DNS name nor an IP address"));
    }
    Ok(ExpectedName::Dns(value.to_string()))
}

/// An extended key usage: a dotted OID or one of the names `serverAuth`, `clientAuth`,
/// `emailProtection`, `anyExtendedKeyUsage`.
pub fn parse_eku(value: &str) -> Result<ObjectIdentifier, String> {
    Ok(match value {
        "serverAuth" => EKU_SERVER_AUTH,
        "clientAuth" => EKU_CLIENT_AUTH,
        "emailProtection" => EKU_EMAIL_PROTECTION,
        "anyExtendedKeyUsage" => EKU_ANY,
        _ => ObjectIdentifier::new(value).map_err(|e| format!("--eku {value}: not an OID ({e})"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names() {
        assert_eq!(parse_server_name("example.com"), Ok(ExpectedName::Dns("example.com".into())));
        assert_eq!(parse_server_name("192.0.2.1"), Ok(ExpectedName::Ip([192, 0, 2, 1].into())));
        assert_eq!(parse_server_name("[::1]"), Ok(ExpectedName::Ip(std::net::Ipv6Addr::LOCALHOST.into())));
        assert!(parse_server_name("").is_err());
        assert!(parse_server_name("a b").is_err());
    }

    #[test]
    fn ekus() {
        assert_eq!(parse_eku("1.3.6.1.5.5.7.3.1"), Ok(EKU_SERVER_AUTH));
        assert_eq!(parse_eku("clientAuth"), Ok(EKU_CLIENT_AUTH));
        assert!(parse_eku("1").is_err());
        assert!(parse_eku("server").is_err());
    }
}
