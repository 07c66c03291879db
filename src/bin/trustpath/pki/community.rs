//! A community as found in its directory: `community.json` and, for each of the root and the
//! intermediate, `NAME.pem` (certificate), `NAME.cer` (the same, DER, as published for AIA),
//! `NAME.key` (PKCS#8, owner-only) and `NAME.crl` (DER, as published).

use std::path::{Path, PathBuf};

use trustpath::Certificate;
use trustpath::issue::{Authority, CrlEntry, KeyPair, Publication};
use zeroize::Zeroizing;

use super::state::{Issuer, Record, State};
use crate::CliError;
use crate::input::read_file;

/// The state file's name.
pub const STATE_FILE: &str = "community.json";

/// A loaded community.
pub struct Community {
    /// Its directory.
    pub dir: PathBuf,
    /// Its state.
    pub state: State,
    /// The root CA.
    pub root: Authority,
    /// The issuing CA.
    pub intermediate: Authority,
}

/// `DIR/STEM.EXTENSION` of a CA's file.
pub fn ca_file(dir: &Path, issuer: Issuer, extension: &str) -> PathBuf {
    dir.join(format!("{}.{extension}", issuer.name()))
}

/// `base/file`, with exactly one slash between.
pub fn join_url(base: &str, file: &str) -> String {
    format!("{}/{file}", base.trim_end_matches('/'))
}

/// Where a CA publishes, from the community's base URLs: `CRL_URL/NAME.crl`, `AIA_URL/NAME.cer`.
pub fn publication(crl_url: Option<&str>, aia_url: Option<&str>, issuer: Issuer) -> Publication {
    Publication {
        crl_url: crl_url.map(|u| join_url(u, &format!("{}.crl", issuer.name()))),
        certificate_url: aia_url.map(|u| join_url(u, &format!("{}.cer", issuer.name()))),
    }
}

impl Community {
    /// Reads the community in `dir`; anything missing or unreadable is an error saying that
    /// `dir` is not a (complete) community.
    pub fn load(dir: &str) -> Result<Community, CliError> {
        let dir = PathBuf::from(dir);
        let not = |why: String| CliError::Input(format!("{}: not a trustpath pki community: {why}", dir.display()));
        let state_path = dir.join(STATE_FILE);
        if !state_path.is_file() {
            return Err(not(format!("no {STATE_FILE} (create one with 'trustpath pki init')")));
        }
        let state = State::from_json(&read_file(&state_path.to_string_lossy())?)
            .map_err(|e| not(format!("{STATE_FILE}: {e}")))?;
        let load = |issuer: Issuer| -> Result<Authority, CliError> {
            let cert_path = ca_file(&dir, issuer, "pem");
            let certificate = Certificate::from_pem(&read_file(&cert_path.to_string_lossy())?)
                .map_err(|e| not(format!("{}: {e}", cert_path.display())))?;
            let key_path = ca_file(&dir, issuer, "key");
            let pem = Zeroizing::new(read_file(&key_path.to_string_lossy())?);
            let key = core::str::from_utf8(&pem)
                .map_err(|e| e.to_string())
                .and_then(|pem| KeyPair::from_pkcs8_pem(pem).map_err(|e| e.to_string()))
                .map_err(|e| not(format!("{}: {e}", key_path.display())))?;
            let publication = publication(state.crl_url.as_deref(), state.aia_url.as_deref(), issuer);
            Authority::new(certificate.der().to_vec(), key, publication)
                .map_err(|e| not(format!("{}: {e}", cert_path.display())))
        };
        let (root, intermediate) = (load(Issuer::Root)?, load(Issuer::Intermediate)?);
        if intermediate.certificate().issuer_der() != root.certificate().subject_der() {
            return Err(not("the intermediate was not issued by the root".into()));
        }
        Ok(Community { dir, state, root, intermediate })
    }

    /// The CA that is `issuer`.
    pub fn authority(&self, issuer: Issuer) -> &Authority {
        match issuer {
            Issuer::Root => &self.root,
            Issuer::Intermediate => &self.intermediate,
        }
    }
}

/// The CRL of `authority` (`issuer`) listing the revoked certificates of `records` it issued.
pub fn crl(
    authority: &Authority,
    issuer: Issuer,
    records: &[Record],
    number: u64,
    this_update: u64,
    next_update: u64,
) -> Result<Vec<u8>, CliError> {
    let entries = records.iter().filter(|r| r.issuer == issuer).filter_map(|r| {
        let revocation = r.revoked?;
        let entry = CrlEntry::new(&serial_bytes(&r.serial), revocation.date);
        // RFC 5280 §5.3.1: the reason code unspecified SHOULD be absent.
        Some(if revocation.reason == 0 { entry } else { entry.reason(revocation.reason) })
    });
    authority
        .crl(number, this_update, next_update, entries)
        .map_err(|e| CliError::Input(format!("cannot issue the {} CRL: {e}", issuer.name())))
}

/// The INTEGER content octets of a serial in `openssl` hex (the sign-padding zero restored).
pub fn serial_bytes(hex: &str) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| hex.get(2 * i..2 * i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

/// A serial written by a user (hex, any case, colons allowed, leading zeros ignored) in the
/// form [`Record::serial`] compares with: `None` if it is not hex.
pub fn normalize_serial(text: &str) -> Option<String> {
    let digits: String = text.trim().trim_start_matches("0x").chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0').to_ascii_lowercase();
    Some(trimmed)
}

/// `serial` (a record's) in the form of [`normalize_serial`].
pub fn serial_key(serial: &str) -> String {
    serial.trim_start_matches('0').to_string()
}
