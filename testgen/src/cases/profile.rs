//! RFC 5280 §4 certificate profile rules: serial numbers, key identifiers, critical
//! basicConstraints, empty subjects. The rfc5280 preset reports a broken rule as a finding on
//! the accepted path; a strict policy (and tls-server) refuses the path. Malformed extension
//! lists are parse errors under every policy.

use const_oid::db::rfc5280::{ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_SUBJECT_ALT_NAME};
use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates;
use trustpath_testgen::{Result, Serial, ext};

use super::Base;
use crate::context::{Gen, subject};

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let mut twenty = vec![0x11u8; 20];
    twenty[0] = 0x7f;
    let serials: [(&str, Vec<u8>, Option<&'static str>, &str); 5] = [
        ("serial-zero", vec![0x00], Some("rfc5280.serial.positive"), "Leaf serial number 0"),
        ("serial-negative", vec![0x80, 0x01], Some("rfc5280.serial.positive"), "Leaf serial number negative (-32767)"),
        ("serial-21-octets", vec![0x11; 21], Some("rfc5280.serial.length"), "Leaf serial number of 21 octets"),
        ("serial-20-octets", twenty, None, "Leaf serial number of exactly 20 octets"),
        (
            "serial-20-octets-plus-sign-octet",
            [vec![0x00], vec![0xff; 20]].concat(),
            None,
            "Leaf serial number of 20 magnitude octets plus a 0x00 sign octet",
        ),
    ];
    for (id, serial, rule, description) in serials {
        let leaf = g.cert(
            &format!("profile/{id}.pem"),
            &b.int.sign(&b.leaf("Serial Leaf", "leaf.example.com")?.serial(Serial::Raw(serial)))?,
        )?;
        finding_and_strict(g, b, &format!("profile/{id}"), description, &leaf, &[], rule, 0)?;
    }

    let leaf = g.cert(
        "profile/leaf-without-aki.pem",
        &b.int.sign(&b.leaf("No AKI Leaf", "leaf.example.com")?.without_extension(ID_CE_AUTHORITY_KEY_IDENTIFIER))?,
    )?;
    let id = "profile/leaf-without-authority-key-identifier";
    let rule = Some("rfc5280.aki.key-id-present");
    finding_and_strict(g, b, id, "Leaf without authorityKeyIdentifier", &leaf, &[], rule, 0)?;

    let name = subject("Non-Critical Basic Constraints CA")?;
    let builder = templates::intermediate(&name, &b.int.key, &b.root)?
        .replace_extension(ext::basic_constraints(false, true, None)?);
    let (ca, int) = g.issue_ca("profile/bc-not-critical.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf =
        g.cert("profile/bc-not-critical-leaf.pem", &ca.sign(&b.leaf_under(&ca, "Leaf", "leaf.example.com")?)?)?;
    let id = "profile/intermediate-basic-constraints-not-critical";
    let description = "CA certificate whose basicConstraints is not critical";
    let rule = Some("rfc5280.basic-constraints.critical-in-ca");
    finding_and_strict(g, b, id, description, &leaf, &[&int], rule, 1)?;

    // Empty subject: allowed with a critical subjectAltName only.
    let empty = NameBuilder::new().build()?;
    let sans = || -> Result<_> { Ok(vec![name::dns("empty-subject.example.com")?]) };
    let builder = templates::leaf(&empty, &b.leaf_key, &b.int)?.extension(ext::subject_alt_name(true, sans()?)?);
    let leaf = g.cert("profile/empty-subject-critical-san.pem", &b.int.sign(&builder)?)?;
    g.add(
        b.case("profile/empty-subject-critical-san", "Empty subject with a critical subjectAltName").leaf(&leaf).done(),
    )?;
    let builder = templates::leaf(&empty, &b.leaf_key, &b.int)?.extension(ext::subject_alt_name(false, sans()?)?);
    let leaf = g.cert("profile/empty-subject-non-critical-san.pem", &b.int.sign(&builder)?)?;
    let id = "profile/empty-subject-non-critical-san";
    let rule = Some("rfc5280.subject.empty-needs-critical-san");
    finding_and_strict(g, b, id, "Empty subject with a non-critical subjectAltName", &leaf, &[], rule, 0)?;

    // Malformed extension lists: the leaf does not parse.
    let builder = b
        .leaf("Duplicate SAN Leaf", "leaf.example.com")?
        .extension(ext::subject_alt_name(false, vec![name::dns("other.example.com")?])?);
    let leaf = g.cert("profile/duplicate-extension.pem", &b.int.sign(&builder)?)?;
    g.add(
        b.case("profile/duplicate-extension", "Leaf with two subjectAltName extensions does not parse")
            .leaf(&leaf)
            .reject("malformed", Some(0))
            .done(),
    )?;
    let builder = b.leaf("Empty Extensions Leaf", "leaf.example.com")?.set_extensions(Some(Vec::new()));
    let leaf = g.cert("profile/empty-extensions.pem", &b.int.sign(&builder)?)?;
    g.add(
        b.case("profile/empty-extensions", "Leaf whose extensions field is an empty SEQUENCE does not parse")
            .leaf(&leaf)
            .reject("malformed", Some(0))
            .done(),
    )?;
    let _ = ID_CE_SUBJECT_ALT_NAME;
    Ok(())
}

/// A case that breaks `rule` (or none) at certificate `index`: under rfc5280 the path is
/// accepted with that finding; a strict twin (`ID-strict`) is refused for it.
#[allow(clippy::too_many_arguments)]
fn finding_and_strict(
    g: &mut Gen,
    b: &Base,
    id: &str,
    description: &str,
    leaf: &str,
    intermediates: &[&String],
    rule: Option<&'static str>,
    index: usize,
) -> Result<()> {
    // No intermediates given: the base intermediate.
    let case = |id: &str, description: &str| match intermediates {
        [] => b.case(id, description),
        _ => b.case_with(id, description, intermediates),
    };
    let c = case(id, description).leaf(leaf);
    let Some(rule) = rule else { return g.add(c.done()) };
    g.add(c.findings(&[(rule, index)]).done())?;
    let strict = case(&format!("{id}-strict"), &format!("{description}, refused under a strict profile"))
        .leaf(leaf)
        .strict()
        .reject("certificate_profile", Some(index));
    g.add(strict.done())
}
