//! extendedKeyUsage: tls-server needs serverAuth in the leaf, EKU in an intermediate constrains
//! the purposes below it, anyExtendedKeyUsage, and a caller-chosen purpose.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE;
use trustpath_testgen::templates;
use trustpath_testgen::{Result, ext};

use super::Base;
use crate::context::{Gen, subject};

const HOST: &str = "www.example.com";

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let leaf_with = |g: &mut Gen, file: &str, ekus: Option<&[ObjectIdentifier]>| -> Result<String> {
        let mut builder = b.leaf("EKU Test Server", HOST)?;
        builder = match ekus {
            Some(list) => builder.replace_extension(ext::extended_key_usage(false, list)?),
            None => builder.without_extension(ID_CE_EXT_KEY_USAGE),
        };
        g.cert(&format!("eku/{file}.pem"), &b.int.sign(&builder)?)
    };
    let server = leaf_with(g, "server-auth", Some(&[ext::EKU_SERVER_AUTH]))?;
    let client = leaf_with(g, "client-auth", Some(&[ext::EKU_CLIENT_AUTH]))?;
    let none = leaf_with(g, "no-eku", None)?;
    let any = leaf_with(g, "any-eku", Some(&[ext::EKU_ANY]))?;
    let email = leaf_with(g, "email-protection", Some(&[ext::EKU_EMAIL_PROTECTION]))?;

    let tls = |id: &str, d: &str, leaf: &String| b.case(id, d).leaf(leaf).profile("tls-server").name("DNS", HOST);
    g.add(tls("eku/tls-server-server-auth", "tls-server accepts a leaf with serverAuth", &server).done())?;
    g.add(
        tls("eku/tls-server-client-auth-only", "tls-server rejects a leaf whose EKU is clientAuth only", &client)
            .reject("extended_key_usage", Some(0))
            .done(),
    )?;
    g.add(
        tls("eku/tls-server-no-eku", "tls-server requires the EKU extension in the leaf", &none)
            .reject("extended_key_usage", Some(0))
            .done(),
    )?;
    g.add(
        tls(
            "eku/tls-server-any-eku-leaf",
            "tls-server refuses anyExtendedKeyUsage in a server certificate (CA/B Forum profile)",
            &any,
        )
        .reject("certificate_profile", Some(0))
        .done(),
    )?;
    g.add(
        b.case("eku/tls-client-any-eku-leaf", "tls-client accepts anyExtendedKeyUsage for clientAuth")
            .leaf(&any)
            .profile("tls-client")
            .done(),
    )?;
    g.add(
        b.case("eku/tls-client-client-auth", "tls-client accepts clientAuth")
            .leaf(&client)
            .profile("tls-client")
            .done(),
    )?;
    g.add(
        b.case("eku/tls-client-no-eku", "tls-client accepts a leaf without EKU (RFC 5280: all purposes)")
            .leaf(&none)
            .profile("tls-client")
            .done(),
    )?;
    g.add(
        b.case("eku/tls-client-server-auth-only", "tls-client rejects a leaf whose EKU is serverAuth only")
            .leaf(&server)
            .profile("tls-client")
            .reject("extended_key_usage", Some(0))
            .done(),
    )?;
    let protection = ext::EKU_EMAIL_PROTECTION.to_string();
    g.add(
        b.case("eku/required-email-protection", "A caller-required purpose (emailProtection) present in the leaf")
            .leaf(&email)
            .required_eku(&protection)
            .done(),
    )?;
    g.add(
        b.case(
            "eku/required-email-protection-missing",
            "A caller-required purpose (emailProtection) absent from the leaf",
        )
        .leaf(&server)
        .required_eku(&protection)
        .reject("extended_key_usage", Some(0))
        .done(),
    )?;

    // EKU in the intermediate.
    for (file, list, accept) in [
        ("int-client-auth", vec![ext::EKU_CLIENT_AUTH], false),
        ("int-server-auth", vec![ext::EKU_SERVER_AUTH, ext::EKU_CLIENT_AUTH], true),
        ("int-any-eku", vec![ext::EKU_ANY], true),
    ] {
        let name = subject(&format!("EKU {file} CA"))?;
        let builder =
            templates::intermediate(&name, &b.int.key, &b.root)?.extension(ext::extended_key_usage(false, &list)?);
        let (ca, int) = g.issue_ca(&format!("eku/{file}.pem"), &name, b.int.key.clone(), builder, &b.root)?;
        let leaf = g.cert(
            &format!("eku/{file}-leaf.pem"),
            &ca.sign(
                &b.leaf_under(&ca, "EKU Test Server", HOST)?
                    .replace_extension(ext::extended_key_usage(false, &[ext::EKU_SERVER_AUTH])?),
            )?,
        )?;
        let c = b
            .case_with(
                &format!("eku/tls-server-{file}"),
                &format!(
                    "tls-server with an intermediate whose EKU is [{}]",
                    list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                ),
                &[&int],
            )
            .leaf(&leaf)
            .profile("tls-server")
            .name("DNS", HOST);
        g.add(if accept { c.done() } else { c.reject("extended_key_usage", Some(1)).done() })?;
        if !accept {
            g.add(
                b.case_with("eku/rfc5280-int-client-auth", "rfc5280 ignores EKU in CA certificates", &[&int])
                    .leaf(&leaf)
                    .done(),
            )?;
        }
    }
    Ok(())
}
