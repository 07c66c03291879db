//! basicConstraints (RFC 5280 §6.1.4 (k)–(m)): issuers must be CAs, pathLenConstraint limits
//! the non-self-issued intermediates below a CA, self-issued certificates are not counted.

use const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS;
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{KeyKind, Result, ext};

use super::Base;
use crate::context::{Gen, case, subject};

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    // An intermediate whose basicConstraints says cA = FALSE, and one without the extension.
    let name = subject("Not A CA Intermediate")?;
    let builder = templates::intermediate(&name, &b.int.key, &b.root)?
        .replace_extension(ext::basic_constraints(true, false, None)?);
    let (not_ca, int) = g.issue_ca("basic-constraints/ca-false.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf = g.cert(
        "basic-constraints/ca-false-leaf.pem",
        &not_ca.sign(&b.leaf_under(&not_ca, "Leaf", "leaf.example.com")?)?,
    )?;
    g.add(
        b.case_with(
            "basic-constraints/intermediate-ca-false",
            "Intermediate with basicConstraints cA=FALSE cannot issue",
            &[&int],
        )
        .leaf(&leaf)
        .reject("not_ca", Some(1))
        .done(),
    )?;

    let name = subject("No Basic Constraints Intermediate")?;
    let builder = templates::intermediate(&name, &b.int.key, &b.root)?.without_extension(ID_CE_BASIC_CONSTRAINTS);
    let (no_bc, int) = g.issue_ca("basic-constraints/absent.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf =
        g.cert("basic-constraints/absent-leaf.pem", &no_bc.sign(&b.leaf_under(&no_bc, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        b.case_with(
            "basic-constraints/intermediate-without-extension",
            "Intermediate without basicConstraints is not a CA",
            &[&int],
        )
        .leaf(&leaf)
        .reject("not_ca", Some(1))
        .done(),
    )?;

    // root -> upper (pathLen n) -> lower -> leaf
    let upper_key = g.key("pathlen-upper", KeyKind::P256)?;
    let lower_key = g.key("pathlen-lower", KeyKind::P256)?;
    for (n, expect_ok) in [(0u8, false), (1u8, true)] {
        let upper_name = subject(&format!("Path Length {n} CA"))?;
        let builder = templates::intermediate(&upper_name, &upper_key, &b.root)?
            .replace_extension(ext::basic_constraints(true, true, Some(n))?);
        let (upper, upper_file) = g.issue_ca(
            &format!("basic-constraints/pathlen{n}-upper.pem"),
            &upper_name,
            upper_key.clone(),
            builder,
            &b.root,
        )?;
        let lower_name = subject(&format!("Below Path Length {n} CA"))?;
        let builder = templates::intermediate(&lower_name, &lower_key, &upper)?;
        let (lower, lower_file) = g.issue_ca(
            &format!("basic-constraints/pathlen{n}-lower.pem"),
            &lower_name,
            lower_key.clone(),
            builder,
            &upper,
        )?;
        let leaf = g.cert(
            &format!("basic-constraints/pathlen{n}-leaf.pem"),
            &lower.sign(&b.leaf_under(&lower, "Leaf", "leaf.example.com")?)?,
        )?;
        let c = b
            .case_with(
                &format!("basic-constraints/path-len-{n}-two-intermediates"),
                &format!("pathLenConstraint {n} on the upper intermediate with one more CA below it"),
                &[&upper_file, &lower_file],
            )
            .leaf(&leaf);
        g.add(if expect_ok { c.done() } else { c.reject("path_len_exceeded", Some(1)).done() })?;
    }

    // The anchor's own pathLenConstraint applies below it.
    let root_key = b.root.key.clone();
    let root_der = templates::root(&b.root.name, &root_key)?
        .replace_extension(ext::basic_constraints(true, true, Some(0))?)
        .sign(&root_key)?;
    let root = g.cert("basic-constraints/root-pathlen0.pem", &root_der)?;
    g.add(
        case(
            "basic-constraints/anchor-path-len-0",
            "The anchor certificate's pathLenConstraint 0 forbids an intermediate below it",
        )
        .anchors(&[&root])
        .intermediates(&[&b.int_file])
        .leaf("base/leaf.pem")
        .reject("path_len_exceeded", Some(1))
        .done(),
    )?;

    // Key rollover: a self-issued certificate does not count against pathLenConstraint.
    // root -> old (pathLen 0, key A) -> new (self-issued, key B, signed by A) -> leaf (by B)
    let old_key = g.key("rollover-old", KeyKind::P256)?;
    let new_key = g.key("rollover-new", KeyKind::P256)?;
    let name = subject("Rollover CA")?;
    let builder = templates::intermediate(&name, &old_key, &b.root)?.replace_extension(ext::basic_constraints(
        true,
        true,
        Some(0),
    )?);
    let (old, old_file) = g.issue_ca("basic-constraints/rollover-old.pem", &name, old_key.clone(), builder, &b.root)?;
    let builder = templates::intermediate(&name, &new_key, &old)?;
    let new_der = old.sign(&builder)?;
    let new_file = g.cert("basic-constraints/rollover-new.pem", &new_der)?;
    let new = Issuer::new(name.clone(), new_key, new_der);
    let leaf =
        g.cert("basic-constraints/rollover-leaf.pem", &new.sign(&b.leaf_under(&new, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        b.case_with(
            "basic-constraints/self-issued-not-counted",
            "A self-issued (key rollover) intermediate below a pathLenConstraint-0 CA does not count",
            &[&new_file, &old_file],
        )
        .leaf(&leaf)
        .done(),
    )?;

    // A CA certificate as the end entity, where the policy forbids it.
    let ca_leaf = b
        .leaf("CA Leaf", "leaf.example.com")?
        .extension(ext::basic_constraints(true, true, None)?)
        .replace_extension(ext::key_usage(
            true,
            &[x509_cert::ext::pkix::KeyUsages::DigitalSignature, x509_cert::ext::pkix::KeyUsages::KeyCertSign],
        )?);
    let leaf = g.cert("basic-constraints/ca-as-leaf.pem", &b.int.sign(&ca_leaf)?)?;
    g.add(
        b.case(
            "basic-constraints/ca-as-leaf-tls-server",
            "tls-server refuses a CA certificate as the server certificate",
        )
        .leaf(&leaf)
        .profile("tls-server")
        .name("DNS", "leaf.example.com")
        .reject("certificate_profile", Some(0))
        .done(),
    )?;
    g.add(
        b.case("basic-constraints/ca-as-leaf-rfc5280", "rfc5280 allows a CA certificate as the end entity")
            .leaf(&leaf)
            .done(),
    )?;
    Ok(())
}
