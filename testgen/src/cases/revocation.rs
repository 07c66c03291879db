//! The revocation PKI shared by the CRL and OCSP cases: a P-256 root and intermediate whose
//! certificates name CRL distribution points and OCSP responders, a leaf of the intermediate
//! (with a serial whose high bit is set, so its DER INTEGER carries a leading zero), the
//! "good" CRLs that the positive cases use, and the case that checks the `issuer` need of an
//! unknown-issuer error.

use std::sync::Arc;

use trustpath_testgen::crl::{self as crl, CrlEntry, reason};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::{unix, validation_time};
use trustpath_testgen::{CertBuilder, CrlBuilder, KeyKind, KeyPair, Result, Serial, ext, name};

use crate::context::{CaseBuilder, Gen, case, subject};

/// The leaf's CRL distribution point.
pub const LEAF_CRL_URL: &str = "http://crl.example.com/rev-int.crl";
/// The leaf's OCSP responder.
pub const LEAF_OCSP_URL: &str = "http://ocsp.example.com/rev-int";
/// Where the leaf's issuer certificate can be fetched.
pub const LEAF_CA_ISSUERS_URL: &str = "http://certs.example.com/rev-int.cer";
/// The intermediate's CRL distribution point.
pub const INT_CRL_URL: &str = "http://crl.example.com/rev-root.crl";
/// The intermediate's OCSP responder.
pub const INT_OCSP_URL: &str = "http://ocsp.example.com/rev-root";

/// The serial of the main leaf: INTEGER content with a leading zero (the magnitude has its
/// high bit set).
pub const LEAF_SERIAL: &[u8] = &[0x00, 0xc0, 0x5e, 0x1a, 0x1b, 0x00, 0x00, 0x01];
/// The intermediate's serial.
pub const INT_SERIAL: &[u8] = &[0x10, 0x00, 0x00, 0x01];
/// Serials of certificates that are not in any case's path; CRLs list them as padding.
pub const OTHER_SERIALS: [&[u8]; 2] = [&[0x0f, 0xff, 0x00, 0x01], &[0x00, 0xc0, 0x5e, 0x1a, 0x1b, 0x00, 0x00, 0x02]];

/// The revocation PKI.
pub struct Rev {
    pub root: Issuer,
    pub root_file: String,
    pub int: Issuer,
    pub int_file: String,
    pub leaf_key: Arc<KeyPair>,
    /// The main leaf (serial [`LEAF_SERIAL`]).
    pub leaf_file: String,
    /// The intermediate's CRL, listing only [`OTHER_SERIALS`].
    pub int_crl_good: String,
    /// The root's CRL, listing neither the intermediate nor the leaf.
    pub root_crl_good: String,
    /// A CA outside the hierarchy (not an anchor), "Revocation Other CA".
    pub other: Issuer,
}

/// One week before the validation time.
pub fn week_before() -> u64 {
    validation_time() - 7 * 86_400
}

/// One week after the validation time.
pub fn week_after() -> u64 {
    validation_time() + 7 * 86_400
}

/// When the revoked certificates of the suite were revoked.
pub fn revoked_at() -> u64 {
    unix(2026, 5, 1, 0, 0, 0)
}

impl Rev {
    /// A leaf of `issuer` with the given serial, the standard CRL DP and AIA, and `extra`
    /// extensions.
    pub fn leaf_builder(&self, issuer: &Issuer, cn: &str, serial: &[u8]) -> Result<CertBuilder> {
        Ok(templates::leaf(&subject(cn)?, &self.leaf_key, issuer)?
            .serial(Serial::Raw(serial.to_vec()))
            .extension(ext::subject_alt_name(false, vec![name::dns("revoked.example.com")?])?)
            .extension(ext::authority_info_access(&[LEAF_OCSP_URL], &[LEAF_CA_ISSUERS_URL])?))
    }

    /// A leaf of the intermediate with the standard CRL distribution point.
    pub fn leaf(&self, cn: &str, serial: &[u8]) -> Result<CertBuilder> {
        Ok(self.leaf_builder(&self.int, cn, serial)?.extension(ext::crl_distribution_points(&[LEAF_CRL_URL])?))
    }

    /// A case anchored at the revocation root, with the intermediate, the main leaf, and
    /// hard-fail revocation of the leaf only.
    pub fn case(&self, id: &str, description: &str) -> CaseBuilder {
        case(id, description)
            .anchors(&[&self.root_file])
            .intermediates(&[&self.int_file])
            .leaf(&self.leaf_file)
            .revocation("hard", "leaf")
    }

    /// A CRL of `by`, current at the validation time, with cRLNumber `number`.
    pub fn crl(&self, by: &Issuer, number: u64) -> Result<CrlBuilder> {
        Ok(CrlBuilder::new(&by.name, week_before(), week_after())?.extension(crl::crl_number(number)))
    }

    /// Padding entries for the serials no case's path uses.
    pub fn padding(&self) -> Vec<CrlEntry> {
        OTHER_SERIALS.iter().map(|s| CrlEntry::new(s, revoked_at()).reason(reason::SUPERSEDED)).collect()
    }
}

pub fn generate(g: &mut Gen) -> Result<Rev> {
    let (root, root_file) = g.root("revocation/root.pem", "Revocation Root CA", "rev-root", KeyKind::P256)?;
    let int_key = g.key("rev-int", KeyKind::P256)?;
    let int_name = subject("Revocation Intermediate CA")?;
    let builder = templates::intermediate(&int_name, &int_key, &root)?
        .serial(Serial::Raw(INT_SERIAL.to_vec()))
        .extension(ext::crl_distribution_points(&[INT_CRL_URL])?)
        .extension(ext::authority_info_access(&[INT_OCSP_URL], &["http://certs.example.com/rev-root.cer"])?);
    let (int, int_file) = g.issue_ca("revocation/intermediate.pem", &int_name, int_key, builder, &root)?;
    let leaf_key = g.key("rev-leaf", KeyKind::P256)?;
    let (other, _) = g.root("revocation/other-ca.pem", "Revocation Other CA", "rev-other-ca", KeyKind::P256)?;
    let mut rev = Rev {
        root,
        root_file,
        int,
        int_file,
        leaf_key,
        leaf_file: String::new(),
        int_crl_good: String::new(),
        root_crl_good: String::new(),
        other,
    };
    rev.leaf_file = g.cert("revocation/leaf.pem", &rev.int.sign(&rev.leaf("Revocation Leaf", LEAF_SERIAL)?)?)?;
    let der = rev.crl(&rev.int, 1)?.entries(rev.padding()).sign(&rev.int.key)?;
    rev.int_crl_good = g.file("revocation/int-good.crl", der)?;
    let der = rev.crl(&rev.root, 1)?.entry(CrlEntry::new(OTHER_SERIALS[0], revoked_at())).sign(&rev.root.key)?;
    rev.root_crl_good = g.file("revocation/root-good.crl", der)?;

    g.add(
        case(
            "revocation/unknown-issuer-needs",
            "The leaf's issuer is neither an anchor nor offered: unknown_issuer, and the error says to fetch the issuer from the leaf's AIA caIssuers URL",
        )
        .anchors(&[&rev.root_file])
        .leaf(&rev.leaf_file)
        .reject("unknown_issuer", Some(0))
        .needs(&[(0, "issuer", &[LEAF_CA_ISSUERS_URL])])
        .done(),
    )?;
    g.add(
        rev.case("revocation/off", "Revocation off: no status is computed and nothing is needed")
            .revocation("off", "chain")
            .statuses(&[])
            .needs(&[])
            .done(),
    )?;
    Ok(rev)
}
