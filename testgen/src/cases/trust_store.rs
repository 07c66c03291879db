//! The trust store: an intermediate as the anchor (Direct bundles), anchors in two
//! communities, and a community filter that leaves no anchor.

use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates;
use trustpath_testgen::{KeyKind, Result, ext};
use x509_cert::ext::pkix::KeyUsages;

use super::Base;
use crate::context::{Gen, case};

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let direct_builder = templates::leaf(
        &NameBuilder::new().c("US").o("Trustpath Test").cn("Direct Bob").build()?,
        &b.leaf_key,
        &b.int,
    )?
    .replace_extension(ext::key_usage(true, &[KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment])?)
    .replace_extension(ext::extended_key_usage(false, &[ext::EKU_EMAIL_PROTECTION])?)
    .extension(ext::subject_alt_name(false, vec![name::email("bob@direct.example.com")?])?);
    let direct = g.cert("trust-store/direct-leaf.pem", &b.int.sign(&direct_builder)?)?;
    g.add(
        case(
            "trust-store/intermediate-as-anchor",
            "Direct style: the intermediate itself is the anchor, the root is unknown",
        )
        .anchors(&[&b.int_file])
        .leaf(&direct)
        .profile("direct")
        .name("EMAIL", "bob@direct.example.com")
        .done(),
    )?;
    g.add(
        case("trust-store/root-and-intermediate-anchors", "Both the root and the intermediate are anchors")
            .anchors(&[&b.root_file, &b.int_file])
            .leaf(&direct)
            .profile("direct")
            .done(),
    )?;

    // A version 1 self-signed root (no extensions) configured as an anchor: being configured
    // is the out-of-band assurance that it is a CA (RFC 5280 §6.1.4 (k)).
    let v1_key = g.key("v1-root", KeyKind::P256)?;
    let v1_name = crate::context::subject("Version 1 Root CA")?;
    let v1_der = trustpath_testgen::CertBuilder::new(&v1_name, &v1_key).version(None).sign(&v1_key)?;
    let v1_root = trustpath_testgen::templates::Issuer::new(v1_name, v1_key, v1_der.clone());
    let v1_file = g.cert("trust-store/v1-root.pem", &v1_der)?;
    let int_name = crate::context::subject("Intermediate Under Version 1 Root")?;
    let builder = templates::intermediate(&int_name, &b.int.key, &v1_root)?;
    let (int, int_file) =
        g.issue_ca("trust-store/v1-root-intermediate.pem", &int_name, b.int.key.clone(), builder, &v1_root)?;
    let leaf = g.cert("trust-store/v1-root-leaf.pem", &int.sign(&b.leaf_under(&int, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        case(
            "trust-store/v1-root-anchor",
            "A version 1 self-signed root (no basicConstraints) is usable as a configured anchor",
        )
        .anchors(&[&v1_file])
        .intermediates(&[&int_file])
        .leaf(&leaf)
        .done(),
    )?;
    g.add(
        case(
            "trust-store/v1-root-anchor-tls-server",
            "tls-server: a version 1 root is usable as an anchor (the CA/B Forum v3 rule is for certificates it issues)",
        )
        .anchors(&[&v1_file])
        .intermediates(&[&int_file])
        .leaf(&leaf)
        .profile("tls-server")
        .name("DNS", "leaf.example.com")
        .done(),
    )?;

    let (_other, other_file) =
        g.root("trust-store/other-root.pem", "Other Community Root CA", "other-root", KeyKind::P256)?;
    g.add(
        case("trust-store/two-communities", "Anchors in two communities: the path reports the community of its anchor")
            .community("alpha", &[&other_file])
            .community("beta", &[&b.root_file])
            .intermediates(&[&b.int_file])
            .leaf("base/leaf.pem")
            .expected_community("beta")
            .done(),
    )?;
    g.add(
        case("trust-store/community-filter-match", "Filtering on the community that holds the anchor")
            .community("alpha", &[&other_file])
            .community("beta", &[&b.root_file])
            .intermediates(&[&b.int_file])
            .leaf("base/leaf.pem")
            .filter("beta")
            .expected_community("beta")
            .done(),
    )?;
    g.add(
        case(
            "trust-store/community-filter-excludes",
            "Filtering on a community that does not hold the only usable anchor",
        )
        .community("alpha", &[&other_file])
        .community("beta", &[&b.root_file])
        .intermediates(&[&b.int_file])
        .leaf("base/leaf.pem")
        .filter("alpha")
        .reject("unknown_issuer", None)
        .done(),
    )?;
    g.add(
        case("trust-store/unrelated-anchor", "The only anchor is unrelated to the leaf's chain")
            .anchors(&[&other_file])
            .intermediates(&[&b.int_file])
            .leaf("base/leaf.pem")
            .reject("unknown_issuer", None)
            .done(),
    )?;
    g.add(
        case("trust-store/missing-intermediate", "The intermediate is not supplied")
            .anchors(&[&b.root_file])
            .leaf("base/leaf.pem")
            .reject("unknown_issuer", Some(0))
            .done(),
    )?;
    Ok(())
}
