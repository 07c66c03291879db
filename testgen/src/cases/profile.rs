//! RFC 5280 §4 certificate profile rules: serial numbers, key identifiers, critical
//! basicConstraints, empty subjects. The rfc5280 preset reports a broken rule as a finding on
//! the accepted path; a strict policy (and tls-server) refuses the path. Malformed extension
//! lists are parse errors under every policy.

use const_oid::db::rfc5280::{ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_SUBJECT_ALT_NAME};
use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates;
use trustpath_testgen::{Result, Serial, ext};

use super::Base;
use crate::context::{Gen, case, subject};

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
    issuance_rules(g, b)?;
    anchors(g, b)
}

/// More §4 issuance rules that §6 does not check: accepted with a finding, refused when strict.
fn issuance_rules(g: &mut Gen, b: &Base) -> Result<()> {
    use const_oid::db::rfc5280::{ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_SUBJECT_KEY_IDENTIFIER};

    let name = subject("No SKI CA")?;
    let builder = templates::intermediate(&name, &b.int.key, &b.root)?.without_extension(ID_CE_SUBJECT_KEY_IDENTIFIER);
    let (ca, int) = g.issue_ca("profile/ca-without-ski.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf = g.cert("profile/ca-without-ski-leaf.pem", &ca.sign(&b.leaf_under(&ca, "Leaf", "leaf.example.com")?)?)?;
    let id = "profile/intermediate-without-subject-key-identifier";
    let rule = Some("rfc5280.ski.present-in-ca");
    finding_and_strict(g, b, id, "CA certificate without subjectKeyIdentifier", &leaf, &[&int], rule, 1)?;

    let name = subject("Non-Critical Policy Constraints CA")?;
    let builder = templates::intermediate(&name, &b.int.key, &b.root)?
        .extension(ext::policy_constraints(None, Some(2))?.critical(false));
    let (ca, int) =
        g.issue_ca("profile/policy-constraints-not-critical.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf = g.cert(
        "profile/policy-constraints-not-critical-leaf.pem",
        &ca.sign(&b.leaf_under(&ca, "Leaf", "leaf.example.com")?)?,
    )?;
    let id = "profile/intermediate-policy-constraints-not-critical";
    let rule = Some("rfc5280.policy-constraints.critical");
    finding_and_strict(g, b, id, "CA certificate with a non-critical policyConstraints", &leaf, &[&int], rule, 1)?;

    // A critical freshestCRL (RFC 5280 §4.2.1.15: MUST be non-critical): a finding under
    // rfc5280, refused under tls-server.
    let dp = ext::crl_distribution_points(&["http://crl.example.com/delta.crl"])?;
    let freshest = ext::Ext::raw(const_oid::db::rfc5280::ID_CE_FRESHEST_CRL, true, dp.value);
    let leaf = g.cert(
        "profile/freshest-crl-critical.pem",
        &b.int.sign(&b.leaf("Freshest CRL Leaf", "www.example.com")?.extension(freshest))?,
    )?;
    let rule = Some("rfc5280.freshest-crl.non-critical");
    finding_and_strict(g, b, "profile/freshest-crl-critical", "Leaf with a critical freshestCRL", &leaf, &[], rule, 0)?;
    g.add(
        b.case("profile/freshest-crl-critical-tls-server", "tls-server refuses a critical freshestCRL")
            .leaf(&leaf)
            .profile("tls-server")
            .name("DNS", "www.example.com")
            .reject("certificate_profile", Some(0))
            .done(),
    )?;

    // A chain under a version 1 root: its intermediate cannot name the root's key (a v1
    // certificate has no subjectKeyIdentifier), and RFC 5280 §6 does not ask it to.
    let v1_key = b.root.key.clone();
    let v1_name = subject("Profile Version 1 Root CA")?;
    let v1_der = trustpath_testgen::CertBuilder::new(&v1_name, &v1_key).version(None).sign(&v1_key)?;
    let v1_root = templates::Issuer::new(v1_name, v1_key, v1_der.clone());
    let v1_file = g.cert("profile/v1-root.pem", &v1_der)?;
    let name = subject("Intermediate Without AKI Under Version 1 Root")?;
    let builder =
        templates::intermediate(&name, &b.int.key, &v1_root)?.without_extension(ID_CE_AUTHORITY_KEY_IDENTIFIER);
    let (ca, int) =
        g.issue_ca("profile/v1-root-intermediate-without-aki.pem", &name, b.int.key.clone(), builder, &v1_root)?;
    let leaf = g.cert("profile/v1-root-leaf.pem", &ca.sign(&b.leaf_under(&ca, "Leaf", "leaf.example.com")?)?)?;
    let description = "An intermediate without authorityKeyIdentifier under a version 1 root";
    g.add(
        case("profile/v1-root-intermediate-without-aki", description)
            .anchors(&[&v1_file])
            .intermediates(&[&int])
            .leaf(&leaf)
            .findings(&[("rfc5280.aki.key-id-present", 1)])
            .done(),
    )?;
    g.add(
        case("profile/v1-root-intermediate-without-aki-strict", &format!("{description}, refused when strict"))
            .anchors(&[&v1_file])
            .intermediates(&[&int])
            .leaf(&leaf)
            .strict()
            .reject("certificate_profile", Some(1))
            .done(),
    )
}

/// The anchor's own certificate: its extensions are findings (RFC 5280 §6.1.1 (d), RFC
/// 5937), or rejections when strict. Each anchor is the base root's name and key in another
/// certificate, so the base intermediate and leaf chain to it.
fn anchors(g: &mut Gen, b: &Base) -> Result<()> {
    use const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS;
    use x509_cert::ext::pkix::KeyUsages;

    let root = |g: &mut Gen, file: &str, builder: trustpath_testgen::CertBuilder| -> Result<String> {
        g.cert(&format!("profile/{file}.pem"), &builder.sign(&b.root.key)?)
    };
    let base = || templates::root(&b.root.name, &b.root.key);
    let unknown = const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.55555.99.1");
    /// (case id, description, anchor certificate, findings, error kind when strict).
    type Variant =
        (&'static str, &'static str, trustpath_testgen::CertBuilder, &'static [(&'static str, usize)], &'static str);
    let variants: [Variant; 3] = [
        (
            "anchor-basic-constraints-not-critical",
            "An anchor certificate whose basicConstraints is not critical",
            base()?.replace_extension(ext::basic_constraints(false, true, None)?),
            &[("rfc5280.basic-constraints.critical-in-ca", 2)],
            "certificate_profile",
        ),
        (
            "anchor-without-basic-constraints",
            "A v3 anchor certificate without basicConstraints, keyUsage keyCertSign",
            base()?
                .without_extension(ID_CE_BASIC_CONSTRAINTS)
                .replace_extension(ext::key_usage(true, &[KeyUsages::KeyCertSign, KeyUsages::CRLSign])?),
            &[("anchor.basic-constraints", 2), ("rfc5280.key-usage.cert-sign-needs-ca", 2)],
            "certificate_profile",
        ),
        (
            "anchor-unknown-critical-extension",
            "An anchor certificate with an unknown critical extension",
            base()?.extension(ext::unknown(unknown, true, &[0x05, 0x00])),
            &[("anchor.critical-extension", 2)],
            "unknown_critical_extension",
        ),
    ];
    for (id, description, builder, findings, strict_kind) in variants {
        let file = root(g, id, builder)?;
        let c = case(&format!("profile/{id}"), description).anchors(&[&file]).intermediates(&[&b.int_file]);
        g.add(c.leaf("base/leaf.pem").findings(findings).done())?;
        let strict = case(&format!("profile/{id}-strict"), &format!("{description}, refused when strict"))
            .anchors(&[&file])
            .intermediates(&[&b.int_file])
            .leaf("base/leaf.pem")
            .strict();
        g.add(strict.reject(strict_kind, Some(2)).done())?;
    }
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
