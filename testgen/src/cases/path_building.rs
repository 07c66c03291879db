//! Path building: backtracking past an expired cross-certificate, a candidate with the right
//! name (and key identifier) but the wrong key, a cycle, a mesh of cross-signed CAs, and the
//! maximum path depth.

use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::unix;
use trustpath_testgen::{KeyKind, Result, ext};

use super::Base;
use crate::context::{Gen, case, subject};

/// An issuer whose certificate is not needed (only its name and key sign).
fn issuer(g: &mut Gen, cn: &str, key: &str) -> Result<Issuer> {
    Ok(Issuer::new(subject(cn)?, g.key(key, KeyKind::P256)?, Vec::new()))
}

/// `subject` certified by `by`, written to `path-building/<file>.pem`.
fn cross(g: &mut Gen, file: &str, subject: &Issuer, by: &Issuer, validity: Option<(u64, u64)>) -> Result<String> {
    let mut builder = templates::intermediate(&subject.name, &subject.key, by)?;
    if let Some((from, to)) = validity {
        builder = builder.validity(from, to);
    }
    g.cert(&format!("path-building/{file}.pem"), &by.sign(&builder)?)
}

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let expired = Some((unix(2015, 1, 1, 0, 0, 0), unix(2025, 6, 1, 0, 0, 0)));

    // Cross-signed intermediate: the first candidate is an expired cross-certificate.
    let int = issuer(g, "Cross-Signed Intermediate CA", "xsign-int")?;
    let (legacy, legacy_file) =
        g.root("path-building/legacy-root.pem", "Legacy Root CA", "xsign-legacy", KeyKind::P256)?;
    let by_legacy = cross(g, "int-by-legacy-expired", &int, &legacy, expired)?;
    let by_root = cross(g, "int-by-root", &int, &b.root, None)?;
    let leaf =
        g.cert("path-building/cross-signed-leaf.pem", &int.sign(&b.leaf_under(&int, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        case("path-building/cross-signed-expired-first", "The first issuer candidate is an expired cross-certificate from another anchor; the search backtracks to the valid one")
            .anchors(&[&b.root_file, &legacy_file])
            .intermediates(&[&by_legacy, &by_root])
            .leaf(&leaf)
            .done(),
    )?;
    g.add(
        case(
            "path-building/cross-signed-expired-only",
            "Only the expired cross-certificate is offered: the error names it",
        )
        .anchors(&[&b.root_file, &legacy_file])
        .intermediates(&[&by_legacy])
        .leaf(&leaf)
        .reject("expired", Some(1))
        .done(),
    )?;

    g.add(
        case(
            "path-building/complete-path-error-reported",
            "The expired cross-certificate is tried first and the valid path then fails on the leaf's EKU: the error reported is the complete path's (extended_key_usage at the leaf), not the dead end's (expired)",
        )
        .anchors(&[&b.root_file, &legacy_file])
        .intermediates(&[&by_legacy, &by_root])
        .leaf(&leaf)
        .required_eku("1.3.6.1.5.5.7.3.4")
        .reject("extended_key_usage", Some(0))
        .done(),
    )?;

    // Two levels: leaf -> Int (by Bridge) -> Bridge (by Root, expired) is a dead end.
    let bridge = issuer(g, "Bridge CA", "xsign-bridge")?;
    let int_by_bridge = cross(g, "int-by-bridge", &int, &bridge, None)?;
    let bridge_by_root = cross(g, "bridge-by-root-expired", &bridge, &b.root, expired)?;
    g.add(
        b.case_with("path-building/cross-signed-expired-bridge", "The first path goes through a bridge whose certificate expired; the search backtracks to the direct cross-certificate", &[&int_by_bridge, &bridge_by_root, &by_root])
            .leaf(&leaf)
            .done(),
    )?;
    g.add(
        b.case_with(
            "path-building/cross-signed-expired-bridge-only",
            "Only the path through the expired bridge exists",
            &[&int_by_bridge, &bridge_by_root],
        )
        .leaf(&leaf)
        .reject("expired", Some(2))
        .done(),
    )?;

    // An expired anchor whose key is also certified by another, valid anchor: the search
    // must not stop at the expired anchor certificate.
    let old_root = issuer(g, "Expiring Root CA", "expiring-root")?;
    let old_root_der = templates::root(&old_root.name, &old_root.key)?
        .validity(unix(2015, 1, 1, 0, 0, 0), unix(2026, 1, 1, 0, 0, 0))
        .sign(&old_root.key)?;
    let old_root_file = g.cert("path-building/expiring-root.pem", &old_root_der)?;
    let old_root_cross = cross(g, "expiring-root-by-base-root", &old_root, &b.root, None)?;
    let under_old = issuer(g, "Intermediate Under Expiring Root", "base-int")?;
    let under_old_file = cross(g, "int-under-expiring-root", &under_old, &old_root, None)?;
    let leaf = g.cert(
        "path-building/expiring-root-leaf.pem",
        &under_old.sign(&b.leaf_under(&under_old, "Leaf", "leaf.example.com")?)?,
    )?;
    g.add(
        case("path-building/expired-anchor-cross-signed", "The issuer's expired root is an anchor, but the same key is cross-certified by a valid anchor: the search continues past the expired anchor")
            .anchors(&[&old_root_file, &b.root_file])
            .intermediates(&[&under_old_file, &old_root_cross])
            .leaf(&leaf)
            .done(),
    )?;
    g.add(
        case(
            "path-building/expired-anchor-only",
            "Only the expired anchor: its certificate's validity fails (index 2)",
        )
        .anchors(&[&old_root_file])
        .intermediates(&[&under_old_file])
        .leaf(&leaf)
        .reject("expired", Some(2))
        .done(),
    )?;

    // Same name and same key identifier as the base intermediate, different key.
    let impostor_key = g.key("impostor", KeyKind::P256)?;
    let builder = templates::intermediate(&b.int.name, &impostor_key, &b.root)?
        .replace_extension(ext::subject_key_identifier(&b.int.key.key_id())?);
    let impostor = g.cert("path-building/same-name-wrong-key.pem", &b.root.sign(&builder)?)?;
    g.add(
        b.case_with(
            "path-building/same-name-wrong-key-first",
            "A candidate with the issuer's name and key identifier but another key is tried first and skipped",
            &[&impostor, &b.int_file],
        )
        .leaf("base/leaf.pem")
        .done(),
    )?;
    g.add(
        b.case_with(
            "path-building/same-name-wrong-key-only",
            "Only the wrong-key candidate: the leaf's signature does not verify",
            &[&impostor],
        )
        .leaf("base/leaf.pem")
        .reject("bad_signature", Some(0))
        .done(),
    )?;

    // A cycle of two CAs certifying each other, never reaching an anchor.
    let a = issuer(g, "Cycle CA A", "cycle-a")?;
    let bb = issuer(g, "Cycle CA B", "cycle-b")?;
    let a_by_b = cross(g, "cycle-a-by-b", &a, &bb, None)?;
    let b_by_a = cross(g, "cycle-b-by-a", &bb, &a, None)?;
    let leaf = g.cert("path-building/cycle-leaf.pem", &a.sign(&b.leaf_under(&a, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        b.case_with(
            "path-building/cycle",
            "Two CAs certify each other; the search terminates without an anchor",
            &[&a_by_b, &b_by_a],
        )
        .leaf(&leaf)
        .reject("unknown_issuer", None)
        .done(),
    )?;

    // A mesh: A, B and C all cross-certify each other; only C is certified by the anchor.
    let mesh: Vec<Issuer> =
        vec![issuer(g, "Mesh CA A", "mesh-a")?, issuer(g, "Mesh CA B", "mesh-b")?, issuer(g, "Mesh CA C", "mesh-c")?];
    let labels = ["a", "b", "c"];
    let mut crosses = Vec::new();
    for (i, s) in mesh.iter().enumerate() {
        for (j, by) in mesh.iter().enumerate() {
            if i != j {
                crosses.push(cross(g, &format!("mesh-{}-by-{}", labels[i], labels[j]), s, by, None)?);
            }
        }
    }
    let (mesh_root, mesh_root_file) =
        g.root("path-building/mesh-root.pem", "Mesh Root CA", "mesh-root", KeyKind::P256)?;
    let c_by_root = cross(g, "mesh-c-by-root", &mesh[2], &mesh_root, None)?;
    let leaf = g.cert(
        "path-building/mesh-leaf.pem",
        &mesh[0].sign(&b.leaf_under(&mesh[0], "Mesh Leaf", "leaf.example.com")?)?,
    )?;
    let mut with_root: Vec<&String> = crosses.iter().collect();
    with_root.push(&c_by_root);
    g.add(
        case(
            "path-building/mesh",
            "Three mutually cross-certified CAs, one certified by the anchor: the search finds the way out",
        )
        .anchors(&[&mesh_root_file])
        .intermediates(&with_root)
        .leaf(&leaf)
        .done(),
    )?;
    let without: Vec<&String> = crosses.iter().collect();
    g.add(
        case("path-building/mesh-unreachable", "The same mesh without the anchor's certificate: the search terminates")
            .anchors(&[&mesh_root_file])
            .intermediates(&without)
            .leaf(&leaf)
            .reject("unknown_issuer", None)
            .done(),
    )?;

    // Depth: root -> D1 -> D2 -> D3 -> leaf.
    let mut parent = b.root.clone();
    let mut files = Vec::new();
    for n in 1..=3 {
        let d = issuer(g, &format!("Depth {n} CA"), &format!("depth-{n}"))?;
        files.push(cross(g, &format!("depth-{n}"), &d, &parent, None)?);
        parent = d;
    }
    let leaf = g.cert(
        "path-building/depth-leaf.pem",
        &parent.sign(&b.leaf_under(&parent, "Deep Leaf", "leaf.example.com")?)?,
    )?;
    let refs: Vec<&String> = files.iter().rev().collect();
    g.add(
        b.case_with("path-building/max-intermediates-3-ok", "Three intermediates with max_intermediates 3", &refs)
            .leaf(&leaf)
            .max_intermediates(3)
            .done(),
    )?;
    g.add(
        b.case_with(
            "path-building/max-intermediates-2-exceeded",
            "Three intermediates with max_intermediates 2",
            &refs,
        )
        .leaf(&leaf)
        .max_intermediates(2)
        .reject("max_depth_exceeded", None)
        .done(),
    )?;
    let _ = mesh_root;
    Ok(())
}
