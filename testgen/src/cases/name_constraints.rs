//! Name constraints (RFC 5280 §4.2.1.10) for dNSName, rfc822Name, uniformResourceIdentifier,
//! iPAddress and directoryName: a permitted match, a permitted mismatch and an excluded match
//! for each; emailAddress in the subject DN against rfc822Name constraints; constraints in the
//! anchor certificate.

use std::net::IpAddr;

use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{Result, ext};
use x509_cert::ext::pkix::name::GeneralName;

use super::Base;
use crate::context::{Gen, case, subject};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// An intermediate carrying the given constraints, written as `name-constraints/<file>.pem`.
fn constrained(
    g: &mut Gen,
    b: &Base,
    file: &str,
    permitted: Vec<GeneralName>,
    excluded: Vec<GeneralName>,
) -> Result<(Issuer, String)> {
    let name = subject(&format!("Constrained CA {file}"))?;
    let builder =
        templates::intermediate(&name, &b.int.key, &b.root)?.extension(ext::name_constraints(permitted, excluded)?);
    g.issue_ca(&format!("name-constraints/{file}.pem"), &name, b.int.key.clone(), builder, &b.root)
}

fn std_subject(cn: &str) -> NameBuilder {
    NameBuilder::new().c("US").o("Trustpath Test").cn(cn)
}

/// One leaf under `ca` with the given subject and SANs, and its case.
#[allow(clippy::too_many_arguments)]
fn leaf_case(
    g: &mut Gen,
    b: &Base,
    ca: &(Issuer, String),
    id: &str,
    description: &str,
    subject: NameBuilder,
    sans: Vec<GeneralName>,
    accept: bool,
) -> Result<()> {
    let mut builder = templates::leaf(&subject.build()?, &b.leaf_key, &ca.0)?;
    if !sans.is_empty() {
        builder = builder.extension(ext::subject_alt_name(false, sans)?);
    }
    let leaf = g.cert(&format!("name-constraints/{id}.pem"), &ca.0.sign(&builder)?)?;
    let c = b.case_with(&format!("name-constraints/{id}"), description, &[&ca.1]).leaf(&leaf);
    g.add(if accept { c.done() } else { c.reject("name_constraints", Some(0)).done() })
}

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    // dNSName
    let ca = constrained(g, b, "dns-permitted", vec![name::dns("example.com")?], vec![])?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-permitted-match",
        "dNSName host.example.com within permitted example.com",
        std_subject("Leaf"),
        vec![name::dns("host.example.com")?],
        true,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-permitted-mismatch",
        "dNSName host.example.net outside permitted example.com",
        std_subject("Leaf"),
        vec![name::dns("host.example.net")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-permitted-label-boundary",
        "dNSName notexample.com is not within example.com (label boundary)",
        std_subject("Leaf"),
        vec![name::dns("notexample.com")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-permitted-one-of-two",
        "Every SAN must comply: host.example.com is fine, host.example.net is not",
        std_subject("Leaf"),
        vec![name::dns("host.example.com")?, name::dns("host.example.net")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-permitted-wildcard",
        "Wildcard dNSName *.example.com: every name it matches is within example.com",
        std_subject("Leaf"),
        vec![name::dns("*.example.com")?],
        true,
    )?;
    let www = constrained(g, b, "dns-permitted-www", vec![name::dns("www.example.com")?], vec![])?;
    leaf_case(
        g,
        b,
        &www,
        "dns-permitted-wildcard-too-broad",
        "Wildcard dNSName *.example.com is not within permitted www.example.com",
        std_subject("Leaf"),
        vec![name::dns("*.example.com")?],
        false,
    )?;
    let ca = constrained(g, b, "dns-excluded", vec![], vec![name::dns("bad.example.com")?])?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-excluded-wildcard",
        "Wildcard dNSName *.example.com can match bad.example.com, which is excluded",
        std_subject("Leaf"),
        vec![name::dns("*.example.com")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-excluded-match",
        "dNSName api.bad.example.com within excluded bad.example.com",
        std_subject("Leaf"),
        vec![name::dns("api.bad.example.com")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dns-excluded-other",
        "dNSName good.example.com outside excluded bad.example.com",
        std_subject("Leaf"),
        vec![name::dns("good.example.com")?],
        true,
    )?;

    // rfc822Name
    let ca = constrained(g, b, "email-permitted", vec![name::email("example.com")?], vec![])?;
    leaf_case(
        g,
        b,
        &ca,
        "email-permitted-match",
        "rfc822Name alice@example.com within permitted host example.com",
        std_subject("Leaf"),
        vec![name::email("alice@example.com")?],
        true,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "email-permitted-mismatch",
        "rfc822Name alice@example.net outside permitted host example.com",
        std_subject("Leaf"),
        vec![name::email("alice@example.net")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "email-permitted-subdomain",
        "A host-only rfc822Name constraint (example.com) does not cover alice@sub.example.com",
        std_subject("Leaf"),
        vec![name::email("alice@sub.example.com")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "email-subject-address-mismatch",
        "emailAddress eve@example.net in the subject DN is checked against rfc822Name constraints",
        std_subject("Leaf").email("eve@example.net"),
        vec![name::email("alice@example.com")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "email-subject-address-match",
        "emailAddress alice@example.com in the subject DN within permitted example.com",
        std_subject("Leaf").email("alice@example.com"),
        vec![name::email("alice@example.com")?],
        true,
    )?;
    let ca = constrained(g, b, "email-permitted-mailbox", vec![name::email("alice@example.com")?], vec![])?;
    leaf_case(
        g,
        b,
        &ca,
        "email-permitted-mailbox-match",
        "rfc822Name equal to the permitted mailbox alice@example.com",
        std_subject("Leaf"),
        vec![name::email("alice@example.com")?],
        true,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "email-permitted-mailbox-mismatch",
        "Another mailbox at the permitted mailbox's host",
        std_subject("Leaf"),
        vec![name::email("bob@example.com")?],
        false,
    )?;
    let ca = constrained(g, b, "email-excluded", vec![], vec![name::email(".evil.example.com")?])?;
    leaf_case(
        g,
        b,
        &ca,
        "email-excluded-match",
        "rfc822Name bob@mail.evil.example.com within excluded .evil.example.com",
        std_subject("Leaf"),
        vec![name::email("bob@mail.evil.example.com")?],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "email-excluded-subject-address",
        "emailAddress in the subject DN within excluded .evil.example.com (no SAN)",
        std_subject("Leaf").email("bob@mail.evil.example.com"),
        vec![],
        false,
    )?;

    // uniformResourceIdentifier
    let ca = constrained(g, b, "uri-permitted", vec![name::uri(".example.com")?], vec![])?;
    leaf_case(
        g,
        b,
        &ca,
        "uri-permitted-match",
        "URI host fhir.example.com within permitted .example.com",
        std_subject("Leaf"),
        vec![name::uri("https://fhir.example.com/r4")?],
        true,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "uri-permitted-mismatch",
        "URI host fhir.example.net outside permitted .example.com",
        std_subject("Leaf"),
        vec![name::uri("https://fhir.example.net/r4")?],
        false,
    )?;
    let ca = constrained(g, b, "uri-excluded", vec![], vec![name::uri("fhir.bad.example.com")?])?;
    leaf_case(
        g,
        b,
        &ca,
        "uri-excluded-match",
        "URI host fhir.bad.example.com equal to excluded host",
        std_subject("Leaf"),
        vec![name::uri("https://fhir.bad.example.com:8443/r4")?],
        false,
    )?;

    // iPAddress
    let ca = constrained(
        g,
        b,
        "ip-permitted",
        vec![name::ip_subnet(ip("192.0.2.0"), 24)?, name::ip_subnet(ip("2001:db8::"), 32)?],
        vec![],
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "ip-permitted-match",
        "iPAddress 192.0.2.10 within permitted 192.0.2.0/24",
        std_subject("Leaf"),
        vec![name::ip(ip("192.0.2.10"))],
        true,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "ip-permitted-match-v6",
        "iPAddress 2001:db8::1 within permitted 2001:db8::/32",
        std_subject("Leaf"),
        vec![name::ip(ip("2001:db8::1"))],
        true,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "ip-permitted-mismatch",
        "iPAddress 198.51.100.10 outside permitted 192.0.2.0/24",
        std_subject("Leaf"),
        vec![name::ip(ip("198.51.100.10"))],
        false,
    )?;
    let ca = constrained(g, b, "ip-excluded", vec![], vec![name::ip_subnet(ip("192.0.2.128"), 25)?])?;
    leaf_case(
        g,
        b,
        &ca,
        "ip-excluded-match",
        "iPAddress 192.0.2.200 within excluded 192.0.2.128/25",
        std_subject("Leaf"),
        vec![name::ip(ip("192.0.2.200"))],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "ip-excluded-other",
        "iPAddress 192.0.2.10 outside excluded 192.0.2.128/25",
        std_subject("Leaf"),
        vec![name::ip(ip("192.0.2.10"))],
        true,
    )?;

    // directoryName
    let base_dn = NameBuilder::new().c("US").o("Trustpath Test").build()?;
    let ca = constrained(g, b, "dirname-permitted", vec![name::dir(&base_dn)], vec![])?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-permitted-match",
        "Subject C=US,O=Trustpath Test,CN=Leaf within permitted C=US,O=Trustpath Test",
        std_subject("Leaf"),
        vec![],
        true,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-permitted-mismatch",
        "Subject C=US,O=Other Org,CN=Leaf outside permitted C=US,O=Trustpath Test",
        NameBuilder::new().c("US").o("Other Org").cn("Leaf"),
        vec![],
        false,
    )?;
    // RFC 5280 §7.1: attribute values compare after string preparation (case, whitespace,
    // PrintableString vs UTF8String).
    let loose = NameBuilder::new()
        .c("US")
        .attr(const_oid::db::rfc4519::O, der::Tag::PrintableString, "TRUSTPATH  TEST")
        .build()?;
    let ca = constrained(g, b, "dirname-permitted-prepared", vec![name::dir(&loose)], vec![])?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-permitted-string-preparation",
        "Permitted O=TRUSTPATH  TEST (PrintableString) matches subject O=Trustpath Test (UTF8String)",
        std_subject("Leaf"),
        vec![],
        true,
    )?;
    let blocked = NameBuilder::new().c("US").o("Trustpath Test").ou("Blocked").build()?;
    let ca = constrained(g, b, "dirname-excluded", vec![], vec![name::dir(&blocked)])?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-excluded-match",
        "Subject in excluded C=US,O=Trustpath Test,OU=Blocked",
        NameBuilder::new().c("US").o("Trustpath Test").ou("Blocked").cn("Leaf"),
        vec![],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-excluded-san",
        "directoryName SAN in excluded C=US,O=Trustpath Test,OU=Blocked",
        std_subject("Leaf"),
        vec![name::dir(&NameBuilder::new().c("US").o("Trustpath Test").ou("Blocked").cn("Alias").build()?)],
        false,
    )?;

    // directoryName constraints fail closed (RFC 5280 §7.1, RFC 4518): a value equal to the
    // excluded one after preparation, or one that cannot be prepared, is excluded.
    let diff = NameBuilder::new().c("US").attr(const_oid::db::rfc4519::O, der::Tag::PrintableString, "Diff").build()?;
    let ca = constrained(g, b, "dirname-excluded-diff", vec![], vec![name::dir(&diff)])?;
    let o = const_oid::db::rfc4519::O;
    let encodings: [(&str, &str, der::Tag, &str); 6] = [
        ("visible", "VisibleString", der::Tag::VisibleString, "Diff"),
        ("numeric", "NumericString", der::Tag::NumericString, "Diff"),
        ("octets", "an OCTET STRING (cannot be prepared)", der::Tag::OctetString, "Diff"),
        ("fullwidth", "UTF8String with a fullwidth D (NFKC)", der::Tag::Utf8String, "\u{FF24}iff"),
        ("soft-hyphen", "UTF8String with a soft hyphen (mapped to nothing)", der::Tag::Utf8String, "Di\u{AD}ff"),
        ("bmp-upper", "BMPString in upper case", der::Tag::BmpString, "DIFF"),
    ];
    for (id, how, tag, value) in encodings {
        let subject = NameBuilder::new().c("US").attr(o, tag, value).cn("Leaf");
        let description = format!("Subject O=Diff as {how} is in excluded C=US,O=Diff");
        leaf_case(g, b, &ca, &format!("dirname-excluded-{id}"), &description, subject, vec![], false)?;
    }
    let alias = NameBuilder::new().c("US").attr(o, der::Tag::OctetString, "Diff").cn("Alias").build()?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-excluded-san-octets",
        "directoryName SAN with O=Diff as an OCTET STRING is in excluded C=US,O=Diff",
        std_subject("Leaf"),
        vec![name::dir(&alias)],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-excluded-diff-other",
        "Subject O=Different is outside excluded C=US,O=Diff",
        NameBuilder::new().c("US").o("Different").cn("Leaf"),
        vec![],
        true,
    )?;
    let ca = constrained(g, b, "dirname-permitted-diff", vec![name::dir(&diff)], vec![])?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-permitted-octets",
        "Subject O=Diff as an OCTET STRING cannot be shown within permitted C=US,O=Diff",
        NameBuilder::new().c("US").attr(o, der::Tag::OctetString, "Diff").cn("Leaf"),
        vec![],
        false,
    )?;
    leaf_case(
        g,
        b,
        &ca,
        "dirname-permitted-fullwidth",
        "Subject O=Diff with a fullwidth D is within permitted C=US,O=Diff (NFKC)",
        NameBuilder::new().c("US").attr(o, der::Tag::Utf8String, "\u{FF24}iff").cn("Leaf"),
        vec![],
        true,
    )?;

    // Constraints in the anchor certificate apply to the whole path.
    let root_key = b.root.key.clone();
    let root_name = subject("Constrained Root CA")?;
    let root_der = templates::root(&root_name, &root_key)?
        .extension(ext::name_constraints(vec![name::dns("example.com")?], vec![])?)
        .sign(&root_key)?;
    let root = Issuer::new(root_name, root_key, root_der.clone());
    let root_file = g.cert("name-constraints/anchor-constrained-root.pem", &root_der)?;
    let int_name = subject("Intermediate Under Constrained Root")?;
    let builder = templates::intermediate(&int_name, &b.int.key, &root)?;
    let (int, int_file) =
        g.issue_ca("name-constraints/anchor-constrained-int.pem", &int_name, b.int.key.clone(), builder, &root)?;
    for (id, host, accept) in [
        ("anchor-constraints-match", "host.example.com", true),
        ("anchor-constraints-mismatch", "host.example.net", false),
    ] {
        let leaf = g.cert(&format!("name-constraints/{id}.pem"), &int.sign(&b.leaf_under(&int, "Leaf", host)?)?)?;
        let c = case(
            &format!("name-constraints/{id}"),
            &format!("Anchor certificate permits DNS example.com; leaf SAN {host}"),
        )
        .anchors(&[&root_file])
        .intermediates(&[&int_file])
        .leaf(&leaf);
        g.add(if accept { c.done() } else { c.reject("name_constraints", Some(0)).done() })?;
    }
    Ok(())
}
