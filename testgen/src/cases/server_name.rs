//! Matching the leaf against the expected name: DNS exact and case-insensitive, wildcards
//! covering exactly one label, IP addresses, email (Direct) and URI (UDAP) SANs; the subject
//! commonName is never used. Also a leaf with many SANs for identity extraction.

use std::net::IpAddr;

use const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME;
use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates;
use trustpath_testgen::{Result, ext};
use x509_cert::ext::pkix::KeyUsages;
use x509_cert::ext::pkix::name::GeneralName;

use super::Base;
use crate::context::Gen;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

fn leaf(g: &mut Gen, b: &Base, file: &str, cn: &str, sans: Vec<GeneralName>) -> Result<String> {
    let mut builder =
        templates::leaf(&NameBuilder::new().c("US").o("Trustpath Test").cn(cn).build()?, &b.leaf_key, &b.int)?;
    if !sans.is_empty() {
        builder = builder.extension(ext::subject_alt_name(false, sans)?);
    }
    g.cert(&format!("server-name/{file}.pem"), &b.int.sign(&builder)?)
}

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let www = leaf(g, b, "dns", "DNS Server", vec![name::dns("www.example.com")?, name::dns("api.example.com")?])?;
    let tls = |id: &str, d: &str, file: &String, kind: &'static str, value: &str| {
        b.case(&format!("server-name/{id}"), d).leaf(file).profile("tls-server").name(kind, value)
    };
    g.add(tls("dns-exact", "DNS name equal to a dNSName SAN", &www, "DNS", "www.example.com").done())?;
    g.add(tls("dns-second-san", "DNS name equal to the second dNSName SAN", &www, "DNS", "api.example.com").done())?;
    g.add(tls("dns-case-insensitive", "DNS names compare case-insensitively", &www, "DNS", "WWW.Example.COM").done())?;
    g.add(
        tls("dns-trailing-dot", "An absolute reference name (trailing dot) matches", &www, "DNS", "www.example.com.")
            .done(),
    )?;
    g.add(
        tls("dns-mismatch", "DNS name not among the SANs", &www, "DNS", "mail.example.com")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;
    g.add(
        tls("dns-parent-mismatch", "The parent domain is a different name", &www, "DNS", "example.com")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;

    let wild = leaf(g, b, "wildcard", "Wildcard Server", vec![name::dns("*.example.com")?])?;
    g.add(tls("wildcard-one-label", "*.example.com matches a.example.com", &wild, "DNS", "a.example.com").done())?;
    g.add(
        tls("wildcard-two-labels", "*.example.com does not match a.b.example.com", &wild, "DNS", "a.b.example.com")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;
    g.add(
        tls("wildcard-apex", "*.example.com does not match example.com", &wild, "DNS", "example.com")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;

    let suffix = leaf(g, b, "wildcard-public-suffix", "Suffix Wildcard Server", vec![name::dns("*.co.uk")?])?;
    g.add(
        tls(
            "wildcard-public-suffix",
            "*.co.uk covers a public suffix and matches nothing",
            &suffix,
            "DNS",
            "example.co.uk",
        )
        .reject("name_mismatch", Some(0))
        .done(),
    )?;
    let partial = leaf(g, b, "partial-wildcard", "Partial Wildcard Server", vec![name::dns("w*.example.com")?])?;
    g.add(
        tls(
            "partial-wildcard",
            "A partial wildcard (w*.example.com) is not honoured",
            &partial,
            "DNS",
            "www.example.com",
        )
        .reject("name_mismatch", Some(0))
        .done(),
    )?;

    let ips = leaf(g, b, "ip", "IP Server", vec![name::ip(ip("192.0.2.7")), name::ip(ip("2001:db8::7"))])?;
    g.add(tls("ip-v4", "IPv4 address equal to an iPAddress SAN", &ips, "IP", "192.0.2.7").done())?;
    g.add(tls("ip-v6", "IPv6 address equal to an iPAddress SAN", &ips, "IP", "2001:db8::7").done())?;
    g.add(
        tls("ip-mismatch", "IPv4 address not among the SANs", &ips, "IP", "192.0.2.8")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;
    g.add(
        tls("ip-as-dns", "An IP address is not matched against dNSName SANs", &www, "IP", "192.0.2.7")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;

    let cn_only = leaf(g, b, "cn-only", "www.example.com", vec![])?;
    g.add(
        b.case("server-name/common-name-ignored", "The subject commonName is never used as a name (no SAN)")
            .leaf(&cn_only)
            .name("DNS", "www.example.com")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;

    // Direct: email SAN, digitalSignature + keyEncipherment.
    let direct_builder = templates::leaf(
        &NameBuilder::new().c("US").o("Trustpath Test").cn("Direct Address").build()?,
        &b.leaf_key,
        &b.int,
    )?
    .replace_extension(ext::key_usage(true, &[KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment])?)
    .replace_extension(ext::extended_key_usage(false, &[ext::EKU_EMAIL_PROTECTION])?)
    .extension(ext::subject_alt_name(false, vec![name::email("alice@direct.example.com")?])?);
    let direct = g.cert("server-name/direct.pem", &b.int.sign(&direct_builder)?)?;
    let d = |id: &str, desc: &str, value: &str| {
        b.case(&format!("server-name/{id}"), desc).leaf(&direct).profile("direct").name("EMAIL", value)
    };
    g.add(d("email-exact", "Direct address equal to the rfc822Name SAN", "alice@direct.example.com").done())?;
    g.add(
        d("email-domain-case", "The domain of an address compares case-insensitively", "alice@DIRECT.example.com")
            .done(),
    )?;
    g.add(
        d("email-mismatch", "Another address at the same domain", "bob@direct.example.com")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;

    // UDAP: URI SAN, exact comparison.
    let uri = "https://fhir.example.com/r4/udap";
    let udap = leaf(g, b, "udap", "UDAP Client", vec![name::uri(uri)?])?;
    let u = |id: &str, desc: &str, value: &str| {
        b.case(&format!("server-name/{id}"), desc).leaf(&udap).profile("udap").name("URI", value)
    };
    g.add(u("uri-exact", "URI equal to the uniformResourceIdentifier SAN", uri).done())?;
    g.add(
        u("uri-mismatch", "A different path is a different URI", "https://fhir.example.com/r4")
            .reject("name_mismatch", Some(0))
            .done(),
    )?;

    // Identity extraction: several SANs of each form.
    let many = vec![
        name::dns("multi.example.com")?,
        name::uri("https://fhir.example.com/r4")?,
        name::email("ops@example.com")?,
        name::uri("urn:oid:2.16.840.1.113883.3.72")?,
        name::email("direct@direct.example.com")?,
        name::ip(ip("192.0.2.99")),
    ];
    let multi = leaf(g, b, "multi-san", "Multi SAN", many)?;
    g.add(
        b.case(
            "server-name/multi-san-identities",
            "A leaf with dNSName, URI, rfc822Name and iPAddress SANs (identity extraction)",
        )
        .leaf(&multi)
        .done(),
    )?;
    let _ = ID_CE_SUBJECT_ALT_NAME;

    // Informational extensions: certificate policies, CRL distribution points, AIA.
    let policy = const_oid::ObjectIdentifier::new_unwrap("2.16.840.1.113883.3.7204.1.1.1.1.2.1");
    let builder = templates::leaf(
        &NameBuilder::new().c("US").o("Trustpath Test").cn("Informational").build()?,
        &b.leaf_key,
        &b.int,
    )?
    .extension(ext::subject_alt_name(false, vec![name::dns("info.example.com")?])?)
    .extension(ext::certificate_policies(&[policy])?)
    .extension(ext::crl_distribution_points(&["http://crl.example.com/int.crl", "ldap://ldap.example.com/cn=int"])?)
    .extension(ext::authority_info_access(&["http://ocsp.example.com"], &["http://certs.example.com/int.cer"])?);
    let info = g.cert("server-name/informational-extensions.pem", &b.int.sign(&builder)?)?;
    g.add(
        b.case(
            "server-name/informational-extensions",
            "A leaf with certificatePolicies, cRLDistributionPoints and authorityInfoAccess (non-critical)",
        )
        .leaf(&info)
        .done(),
    )?;
    Ok(())
}
