//! Algorithm policy: RSA-2048/3072, RSA-PSS, P-384, Ed25519 and mixed chains are accepted;
//! RSA-1024 keys, SHA-1 signatures, DSA keys, broken signatures and a signatureAlgorithm that
//! differs from the TBS `signature` field are rejected.

use trustpath_testgen::bundle::tlv;
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{KeyKind, Result, SigAlg};

use super::Base;
use crate::context::{Gen, case, subject};

/// Names and kinds of the root, intermediate and leaf keys of a chain.
type ChainKeys<'a> = [(&'a str, KeyKind); 3];

/// root -> intermediate -> leaf with the given keys and signature algorithm; returns the
/// files (root, intermediate, leaf).
fn chain(
    g: &mut Gen,
    b: &Base,
    dir: &str,
    keys: ChainKeys<'_>,
    alg: Option<SigAlg>,
) -> Result<(String, String, String)> {
    let (root_key, int_key, leaf_key) =
        (g.key(keys[0].0, keys[0].1)?, g.key(keys[1].0, keys[1].1)?, g.key(keys[2].0, keys[2].1)?);
    let with = |builder: trustpath_testgen::CertBuilder| match alg {
        Some(a) => builder.signature_algorithm(a),
        None => builder,
    };
    let root_name = subject(&format!("{dir} Root CA"))?;
    let root_der = with(templates::root(&root_name, &root_key)?).sign(&root_key)?;
    let root = Issuer::new(root_name, root_key, root_der.clone());
    let int_name = subject(&format!("{dir} Intermediate CA"))?;
    let int_der = with(templates::intermediate(&int_name, &int_key, &root)?).sign(&root.key)?;
    let int = Issuer::new(int_name, int_key, int_der.clone());
    let leaf_builder = templates::leaf(&subject(&format!("{dir} Leaf"))?, &leaf_key, &int)?.extension(
        trustpath_testgen::ext::subject_alt_name(false, vec![trustpath_testgen::name::dns("leaf.example.com")?])?,
    );
    let leaf_der = with(leaf_builder).sign(&int.key)?;
    let _ = b;
    Ok((
        g.cert(&format!("algorithms/{dir}/root.pem"), &root_der)?,
        g.cert(&format!("algorithms/{dir}/intermediate.pem"), &int_der)?,
        g.cert(&format!("algorithms/{dir}/leaf.pem"), &leaf_der)?,
    ))
}

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let rsa =
        [("rsa2048-root", KeyKind::Rsa2048), ("rsa2048-int", KeyKind::Rsa2048), ("rsa2048-leaf", KeyKind::Rsa2048)];
    let accepted: [(&str, &str, ChainKeys, Option<SigAlg>); 7] = [
        ("rsa2048", "RSA-2048 keys, PKCS#1 v1.5 SHA-256", rsa, None),
        ("rsa-sha384", "RSA-2048 keys, PKCS#1 v1.5 SHA-384", rsa, Some(SigAlg::RsaPkcs1Sha384)),
        ("rsa-pss", "RSA-2048 keys, RSASSA-PSS SHA-256", rsa, Some(SigAlg::RsaPssSha256)),
        (
            "rsa3072",
            "RSA-3072 root over RSA-2048 intermediate and leaf",
            [("rsa3072-root", KeyKind::Rsa3072), rsa[1], rsa[2]],
            None,
        ),
        (
            "p384",
            "P-384 keys, ECDSA SHA-384",
            [("p384-root", KeyKind::P384), ("p384-int", KeyKind::P384), ("p384-leaf", KeyKind::P384)],
            None,
        ),
        (
            "ed25519",
            "Ed25519 keys",
            [("ed25519-root", KeyKind::Ed25519), ("ed25519-int", KeyKind::Ed25519), ("ed25519-leaf", KeyKind::Ed25519)],
            None,
        ),
        (
            "mixed",
            "RSA-2048 root, P-256 intermediate, Ed25519 leaf",
            [rsa[0], ("base-int", KeyKind::P256), ("ed25519-leaf", KeyKind::Ed25519)],
            None,
        ),
    ];
    let mut rsa_files = None;
    for (dir, description, keys, alg) in accepted {
        let (root, int, leaf) = chain(g, b, dir, keys, alg)?;
        g.add(
            case(&format!("algorithms/{dir}"), &format!("{description}: accepted"))
                .anchors(&[&root])
                .intermediates(&[&int])
                .leaf(&leaf)
                .done(),
        )?;
        if dir == "rsa2048" {
            rsa_files = Some((root, int));
        }
    }
    let Some((rsa_root_file, rsa_int_file)) = rsa_files else { return Ok(()) };
    let rsa_root_key = g.key("rsa2048-root", KeyKind::Rsa2048)?;
    let rsa_root = Issuer::new(subject("rsa2048 Root CA")?, rsa_root_key, Vec::new());
    let rsa_int = Issuer::new(subject("rsa2048 Intermediate CA")?, g.key("rsa2048-int", KeyKind::Rsa2048)?, Vec::new());

    // RSA-1024 leaf and intermediate.
    let weak = g.key("rsa1024", KeyKind::Rsa1024)?;
    let builder = templates::leaf(&subject("Weak Leaf")?, &weak, &rsa_int)?;
    let leaf = g.cert("algorithms/rsa1024-leaf.pem", &rsa_int.sign(&builder)?)?;
    g.add(
        case("algorithms/rsa1024-leaf", "Leaf with an RSA-1024 key")
            .anchors(&[&rsa_root_file])
            .intermediates(&[&rsa_int_file])
            .leaf(&leaf)
            .reject("weak_key", Some(0))
            .done(),
    )?;
    let weak_int = Issuer::new(subject("Weak Intermediate CA")?, weak.clone(), Vec::new());
    let int = g.cert(
        "algorithms/rsa1024-intermediate.pem",
        &rsa_root.sign(&templates::intermediate(&weak_int.name, &weak, &rsa_root)?)?,
    )?;
    let leaf_key = g.key("rsa2048-leaf", KeyKind::Rsa2048)?;
    let leaf = g.cert(
        "algorithms/rsa1024-intermediate-leaf.pem",
        &weak_int.sign(&templates::leaf(&subject("Leaf Of Weak CA")?, &leaf_key, &weak_int)?)?,
    )?;
    g.add(
        case(
            "algorithms/rsa1024-intermediate",
            "Intermediate with an RSA-1024 key: the weak key is the intermediate's (index 1)",
        )
        .anchors(&[&rsa_root_file])
        .intermediates(&[&int])
        .leaf(&leaf)
        .reject("weak_key", Some(1))
        .done(),
    )?;

    // An RSA-1024 anchor: the weak key is the anchor's (index 2).
    let weak_root_name = subject("Weak Root CA")?;
    let weak_root_der = templates::root(&weak_root_name, &weak)?.sign(&weak)?;
    let weak_root = Issuer::new(weak_root_name, weak.clone(), weak_root_der.clone());
    let weak_root_file = g.cert("algorithms/rsa1024-root.pem", &weak_root_der)?;
    let int = g.cert(
        "algorithms/rsa1024-root-intermediate.pem",
        &weak_root.sign(&templates::intermediate(&rsa_int.name, &rsa_int.key, &weak_root)?)?,
    )?;
    let leaf = g.cert(
        "algorithms/rsa1024-root-leaf.pem",
        &rsa_int.sign(&templates::leaf(&subject("Leaf Under Weak Root")?, &leaf_key, &rsa_int)?)?,
    )?;
    g.add(
        case("algorithms/rsa1024-anchor", "Anchor with an RSA-1024 key: the weak key is the anchor's (index 2)")
            .anchors(&[&weak_root_file])
            .intermediates(&[&int])
            .leaf(&leaf)
            .reject("weak_key", Some(2))
            .done(),
    )?;

    // SHA-1 signatures.
    let builder = templates::intermediate(&rsa_int.name, &rsa_int.key, &rsa_root)?;
    let int = g.cert("algorithms/sha1-intermediate.pem", &rsa_root.sign_with(builder, SigAlg::RsaPkcs1Sha1)?)?;
    let leaf = g.cert(
        "algorithms/sha1-intermediate-leaf.pem",
        &rsa_int.sign(&templates::leaf(&subject("Leaf Under SHA-1 CA")?, &leaf_key, &rsa_int)?)?,
    )?;
    g.add(
        case("algorithms/sha1-intermediate", "Intermediate signed with sha1WithRSAEncryption is refused by default")
            .anchors(&[&rsa_root_file])
            .intermediates(&[&int])
            .leaf(&leaf)
            .reject("unsupported_signature_algorithm", Some(1))
            .done(),
    )?;
    let leaf = g.cert(
        "algorithms/sha1-leaf.pem",
        &rsa_int.sign_with(templates::leaf(&subject("SHA-1 Leaf")?, &leaf_key, &rsa_int)?, SigAlg::RsaPkcs1Sha1)?,
    )?;
    g.add(
        case("algorithms/sha1-leaf", "Leaf signed with sha1WithRSAEncryption is refused by default")
            .anchors(&[&rsa_root_file])
            .intermediates(&[&rsa_int_file])
            .leaf(&leaf)
            .reject("unsupported_signature_algorithm", Some(0))
            .done(),
    )?;

    // A DSA public key (not supported) in the leaf.
    let dsa_oid = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    let params = [tlv(0x02, &[0x17]), tlv(0x02, &[0x0b]), tlv(0x02, &[0x02])].concat();
    let alg = tlv(0x30, &[dsa_oid.as_slice(), &tlv(0x30, &params)].concat());
    let spki = tlv(0x30, &[alg, tlv(0x03, &[0x00, 0x02, 0x01, 0x05])].concat());
    let leaf =
        g.cert("algorithms/dsa-leaf.pem", &b.int.sign(&b.leaf("DSA Leaf", "leaf.example.com")?.spki_der(spki))?)?;
    g.add(
        b.case("algorithms/dsa-leaf-key", "Leaf with a DSA public key")
            .leaf(&leaf)
            .reject("unsupported_public_key", Some(0))
            .done(),
    )?;

    // signatureAlgorithm differs from the TBS signature field (the signature itself verifies
    // under the outer algorithm).
    let builder = b
        .leaf("Mismatched Algorithm Leaf", "leaf.example.com")?
        .tbs_signature_algorithm_der(SigAlg::EcdsaSha384.algorithm_identifier());
    let leaf = g.cert("algorithms/signature-algorithm-mismatch.pem", &b.int.sign(&builder)?)?;
    g.add(
        b.case(
            "algorithms/signature-algorithm-mismatch",
            "Outer signatureAlgorithm (ecdsa-with-SHA256) differs from the TBS signature field (ecdsa-with-SHA384)",
        )
        .leaf(&leaf)
        .reject("signature_algorithm_mismatch", Some(0))
        .done(),
    )?;

    // Broken signatures.
    let leaf = g.cert(
        "algorithms/bad-signature-leaf.pem",
        &b.int.sign(&b.leaf("Bad Signature Leaf", "leaf.example.com")?.corrupt_signature())?,
    )?;
    g.add(
        b.case("algorithms/bad-signature-leaf", "The leaf's signature does not verify")
            .leaf(&leaf)
            .reject("bad_signature", Some(0))
            .done(),
    )?;
    let builder = templates::intermediate(&b.int.name, &b.int.key, &b.root)?.corrupt_signature();
    let int = g.cert("algorithms/bad-signature-intermediate.pem", &b.root.sign(&builder)?)?;
    g.add(
        b.case_with("algorithms/bad-signature-intermediate", "The intermediate's signature does not verify", &[&int])
            .leaf("base/leaf.pem")
            .reject("bad_signature", Some(1))
            .done(),
    )?;
    Ok(())
}
