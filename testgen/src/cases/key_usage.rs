//! keyUsage (RFC 5280 §6.1.4 (n)): issuers need keyCertSign; UDAP leaves need
//! digitalSignature when they carry keyUsage.

use const_oid::db::rfc5280::ID_CE_KEY_USAGE;
use trustpath_testgen::templates;
use trustpath_testgen::{Result, ext};
use x509_cert::ext::pkix::KeyUsages;

use super::Base;
use crate::context::{Gen, subject};

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let name = subject("No keyCertSign CA")?;
    let builder = templates::intermediate(&name, &b.int.key, &b.root)?
        .replace_extension(ext::key_usage(true, &[KeyUsages::DigitalSignature, KeyUsages::CRLSign])?);
    let (ca, int) = g.issue_ca("key-usage/no-key-cert-sign.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf =
        g.cert("key-usage/no-key-cert-sign-leaf.pem", &ca.sign(&b.leaf_under(&ca, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        b.case_with(
            "key-usage/intermediate-without-key-cert-sign",
            "Intermediate keyUsage without keyCertSign cannot issue",
            &[&int],
        )
        .leaf(&leaf)
        .reject("missing_key_cert_sign", Some(1))
        .done(),
    )?;

    let name = subject("No keyUsage CA")?;
    let builder = templates::intermediate(&name, &b.int.key, &b.root)?.without_extension(ID_CE_KEY_USAGE);
    let (ca, int) = g.issue_ca("key-usage/no-key-usage.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf = g.cert("key-usage/no-key-usage-leaf.pem", &ca.sign(&b.leaf_under(&ca, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        b.case_with(
            "key-usage/intermediate-without-key-usage",
            "An intermediate without keyUsage may issue (RFC 5280 §6.1.4 (n) applies only when present)",
            &[&int],
        )
        .leaf(&leaf)
        .done(),
    )?;

    let udap_uri = "https://udap.example.com/fhir/r4";
    let udap = |ku: Option<&[KeyUsages]>| -> Result<_> {
        let mut builder = b.leaf_named(
            &trustpath_testgen::name::NameBuilder::new().c("US").o("Trustpath Test").cn("UDAP Client"),
            vec![trustpath_testgen::name::uri(udap_uri)?],
        )?;
        builder = match ku {
            Some(bits) => builder.replace_extension(ext::key_usage(true, bits)?),
            None => builder.without_extension(ID_CE_KEY_USAGE),
        };
        Ok(builder)
    };
    let ds =
        g.cert("key-usage/udap-digital-signature.pem", &b.int.sign(&udap(Some(&[KeyUsages::DigitalSignature]))?)?)?;
    let ke =
        g.cert("key-usage/udap-key-encipherment.pem", &b.int.sign(&udap(Some(&[KeyUsages::KeyEncipherment]))?)?)?;
    let none = g.cert("key-usage/udap-no-key-usage.pem", &b.int.sign(&udap(None)?)?)?;
    g.add(
        b.case("key-usage/udap-leaf-digital-signature", "UDAP leaf with digitalSignature is accepted")
            .leaf(&ds)
            .profile("udap")
            .name("URI", udap_uri)
            .done(),
    )?;
    g.add(
        b.case(
            "key-usage/udap-leaf-without-digital-signature",
            "UDAP leaf whose keyUsage lacks digitalSignature cannot sign JWTs",
        )
        .leaf(&ke)
        .profile("udap")
        .name("URI", udap_uri)
        .reject("key_usage", Some(0))
        .done(),
    )?;
    g.add(
        b.case("key-usage/udap-leaf-without-key-usage", "UDAP leaf without keyUsage is not restricted")
            .leaf(&none)
            .profile("udap")
            .done(),
    )?;
    g.add(
        b.case("key-usage/rfc5280-leaf-key-encipherment", "rfc5280 puts no requirement on the leaf's keyUsage")
            .leaf(&ke)
            .done(),
    )?;
    Ok(())
}
