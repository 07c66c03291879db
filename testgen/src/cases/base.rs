//! The base PKI most cases hang off: a P-256 root, a P-256 intermediate, and one leaf key
//! shared by all the leaves (only the certificates differ between cases).

use std::sync::Arc;

use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{CertBuilder, KeyKind, KeyPair, Result, ext};

use crate::context::{CaseBuilder, Gen, case, subject};

/// The shared base PKI.
pub struct Base {
    pub root: Issuer,
    pub root_file: String,
    pub int: Issuer,
    pub int_file: String,
    pub leaf_key: Arc<KeyPair>,
}

pub fn generate(g: &mut Gen) -> Result<Base> {
    let (root, root_file) = g.root("base/root.pem", "Trustpath Test Root CA", "base-root", KeyKind::P256)?;
    let int_key = g.key("base-int", KeyKind::P256)?;
    let int_name = subject("Trustpath Test Intermediate CA")?;
    let builder = templates::intermediate(&int_name, &int_key, &root)?;
    let (int, int_file) = g.issue_ca("base/intermediate.pem", &int_name, int_key, builder, &root)?;
    let leaf_key = g.key("base-leaf", KeyKind::P256)?;
    let b = Base { root, root_file, int, int_file, leaf_key };
    let leaf = g.cert("base/leaf.pem", &b.int.sign(&b.leaf("Base Leaf", "leaf.example.com")?)?)?;
    g.add(
        b.case("base/chain", "A conforming three-certificate chain (root, intermediate, leaf) is accepted")
            .leaf(&leaf)
            .done(),
    )?;
    Ok(b)
}

impl Base {
    /// A leaf of the base intermediate with a dNSName SAN.
    pub fn leaf(&self, cn: &str, dns: &str) -> Result<CertBuilder> {
        self.leaf_under(&self.int, cn, dns)
    }

    /// A leaf of `issuer` with the base leaf key and a dNSName SAN.
    pub fn leaf_under(&self, issuer: &Issuer, cn: &str, dns: &str) -> Result<CertBuilder> {
        Ok(templates::leaf(&subject(cn)?, &self.leaf_key, issuer)?
            .extension(ext::subject_alt_name(false, vec![name::dns(dns)?])?))
    }

    /// A leaf of the base intermediate with a given subject and SANs.
    pub fn leaf_named(
        &self,
        subject: &NameBuilder,
        sans: Vec<x509_cert::ext::pkix::name::GeneralName>,
    ) -> Result<CertBuilder> {
        let mut b = templates::leaf(&subject.build()?, &self.leaf_key, &self.int)?;
        if !sans.is_empty() {
            b = b.extension(ext::subject_alt_name(false, sans)?);
        }
        Ok(b)
    }

    /// A case anchored at the base root with the base intermediate.
    pub fn case(&self, id: &str, description: &str) -> CaseBuilder {
        case(id, description).anchors(&[&self.root_file]).intermediates(&[&self.int_file])
    }

    /// A case anchored at the base root with the given intermediates.
    pub fn case_with(&self, id: &str, description: &str, intermediates: &[&String]) -> CaseBuilder {
        case(id, description).anchors(&[&self.root_file]).intermediates(intermediates)
    }
}
