//! Who may sign a CA's CRLs (RFC 5280 §6.3.3 (f)): a certificate other than the CA's own,
//! with the CA's name, cRLSign and a path of its own to the same anchor; and a CA whose key
//! was rolled over through self-issued certificates, whose CRLs either key may sign.
//!
//! Every CRL here is signed by a key other than the one that signed the leaf (or, in one
//! negative case, by that key without cRLSign), so a validator that only tries the leaf's
//! issuer refuses the good cases, and one that skips the signer's own checks (cRLSign,
//! validity, revocation, same anchor) accepts the bad ones.

use trustpath_testgen::crl::{self as crl, CrlEntry, reason};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::unix;
use trustpath_testgen::{CertBuilder, KeyKind, KeyPair, Result, Serial, ext};
use x509_cert::ext::pkix::KeyUsages;

use super::revocation::{Rev, revoked_at};
use crate::context::{Gen, subject};

/// The CRL distribution point of the split-key CA's leaf.
const SPLIT_CRL_URL: &str = "http://crl.example.com/rev-split.crl";
/// The CRL distribution point of the rollover CA's leaves.
const ROLLOVER_CRL_URL: &str = "http://crl.example.com/rev-rollover.crl";

/// Serials of this module's certificates (INTEGER content octets).
fn serial(n: u8) -> Vec<u8> {
    vec![0x3b, 0x00, 0x00, n]
}

pub fn generate(g: &mut Gen, r: &Rev) -> Result<()> {
    separate_signer(g, r)?;
    rollover(g, r)?;
    Ok(())
}

/// A certificate for `name` with `key`, keyUsage `usage` only (no basicConstraints: not a CA),
/// issued by `by`: a dedicated CRL-signing certificate.
fn crl_signer(name: &x509_cert::name::Name, key: &KeyPair, by: &Issuer, usage: KeyUsages) -> Result<CertBuilder> {
    Ok(CertBuilder::new(name, key).issuer(&by.name).extensions([
        ext::key_usage(true, &[usage])?,
        ext::subject_key_identifier(&key.key_id())?,
        ext::authority_key_identifier(&by.key.key_id())?,
    ]))
}

fn separate_signer(g: &mut Gen, r: &Rev) -> Result<()> {
    // CA "X" signs certificates only (keyUsage keyCertSign): its CRLs come from a second
    // certificate with its name, another key and keyUsage cRLSign, also issued by the root.
    let x_name = subject("Revocation Split-Key CA")?;
    let x_key = g.key("rev-split-ca", KeyKind::P256)?;
    let builder = templates::intermediate(&x_name, &x_key, &r.root)?
        .serial(Serial::Raw(serial(0x01)))
        .replace_extension(ext::key_usage(true, &[KeyUsages::KeyCertSign])?);
    let (x, x_file) = g.issue_ca("crl/signer/split-ca.pem", &x_name, x_key, builder, &r.root)?;
    let leaf_serial = serial(0x10);
    let leaf_builder = r
        .leaf_builder(&x, "Split-Key CA Leaf", &leaf_serial)?
        .extension(ext::crl_distribution_points(&[SPLIT_CRL_URL])?);
    let leaf = g.cert("crl/signer/split-leaf.pem", &x.sign(&leaf_builder)?)?;

    let signer_key = g.key("rev-split-crl-signer", KeyKind::P256)?;
    let signer_serial = serial(0x02);
    let signer_builder = |usage: KeyUsages| -> Result<CertBuilder> { crl_signer(&x_name, &signer_key, &r.root, usage) };
    let der = r.root.sign(&signer_builder(KeyUsages::CRLSign)?.serial(Serial::Raw(signer_serial.clone())))?;
    let signer = g.cert("crl/signer/split-signer.pem", &der)?;
    let der = r.root.sign(&signer_builder(KeyUsages::DigitalSignature)?.serial(Serial::Raw(serial(0x03))))?;
    let signer_no_crlsign = g.cert("crl/signer/split-signer-without-crlsign.pem", &der)?;
    let expired_builder = signer_builder(KeyUsages::CRLSign)?
        .serial(Serial::Raw(serial(0x04)))
        .validity(unix(2025, 1, 1, 0, 0, 0), unix(2026, 1, 1, 0, 0, 0));
    let signer_expired = g.cert("crl/signer/split-signer-expired.pem", &r.root.sign(&expired_builder)?)?;
    // The same signer certified by X itself (a self-issued certificate: issuer and subject
    // are both X's name), as NIST PKITS 4.5.6 has it.
    let der = x.sign(&crl_signer(&x_name, &signer_key, &x, KeyUsages::CRLSign)?.serial(Serial::Raw(serial(0x06))))?;
    let signer_by_x = g.cert("crl/signer/split-signer-self-issued.pem", &der)?;
    // The same signer certified by a second root, which the cases trust as well.
    let (second_root, second_root_file) =
        g.root("crl/signer/second-root.pem", "Revocation Second Root CA", "rev-second-root", KeyKind::P256)?;
    let der = second_root
        .sign(&crl_signer(&x_name, &signer_key, &second_root, KeyUsages::CRLSign)?.serial(Serial::Raw(serial(0x05))))?;
    let signer_other_root = g.cert("crl/signer/split-signer-other-root.pem", &der)?;

    let leaf_entry = || CrlEntry::new(&leaf_serial, revoked_at()).reason(reason::KEY_COMPROMISE);
    let good = g.file("crl/signer/split-good.crl", r.crl(&x, 1)?.entries(r.padding()).sign(&signer_key)?)?;
    let der = r.crl(&x, 2)?.entries(r.padding()).entry(leaf_entry()).sign(&signer_key)?;
    let revoked = g.file("crl/signer/split-revoked.crl", der)?;
    let by_ca_key = g.file("crl/signer/split-by-ca-key.crl", r.crl(&x, 3)?.entries(r.padding()).sign(&x.key)?)?;
    let der = r
        .crl(&r.root, 4)?
        .entry(CrlEntry::new(&signer_serial, revoked_at()).reason(reason::KEY_COMPROMISE))
        .sign(&r.root.key)?;
    let root_revokes_signer = g.file("crl/signer/root-revokes-split-signer.crl", der)?;
    let delta = |signer: &KeyPair| -> Result<Vec<u8>> {
        r.crl(&x, 2)?.extension(crl::delta_crl_indicator(1)).entry(leaf_entry()).sign(signer)
    };
    let delta_revoked = g.file("crl/signer/split-delta-revokes.crl", delta(&signer_key)?)?;

    let c = |id: &str, description: &str, intermediates: &[&String]| {
        r.case(&format!("crl/signer/{id}"), description).intermediates(intermediates).leaf(&leaf)
    };
    g.add(
        c("separate-good", "CA X (keyUsage keyCertSign only) has its CRLs signed by a second certificate with X's name, another key and keyUsage cRLSign, issued by the same root; that CRL does not list the leaf: good, from the CRL (leaf scope: the signer's own status is checked with the data at hand, here none, and not required)", &[&x_file, &signer])
            .crls(&[&good])
            .statuses(&[(0, "good", "crl")])
            .needs(&[])
            .done(),
    )?;
    g.add(
        c(
            "separate-revoked",
            "The CRL signed by X's separate CRL-signing certificate lists the leaf (keyCompromise): revoked",
            &[&x_file, &signer],
        )
        .crls(&[&revoked])
        .reject("revoked", Some(0))
        .revoked_reason("keyCompromise")
        .done(),
    )?;
    g.add(
        c("separate-self-issued-good", "X's CRL-signing certificate is issued by X itself (self-issued, keyUsage cRLSign); its path runs through X to the root: good, from the CRL", &[&x_file, &signer_by_x])
            .crls(&[&good])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        c(
            "separate-self-issued-revoked",
            "The CRL signed by X's self-issued CRL-signing certificate lists the leaf: revoked",
            &[&x_file, &signer_by_x],
        )
        .crls(&[&revoked])
        .reject("revoked", Some(0))
        .revoked_reason("keyCompromise")
        .done(),
    )?;
    g.add(
        c("separate-self-issued-chain-good", "Chain scope with X's self-issued CRL-signing certificate: its own status comes from X's CRL, which it signed itself (as the signer whose path is being validated), X's from the root's CRL: both good", &[&x_file, &signer_by_x])
            .revocation("hard", "chain")
            .crls(&[&good, &r.root_crl_good])
            .statuses(&[(0, "good", "crl"), (1, "good", "crl")])
            .done(),
    )?;
    g.add(
        c("separate-delta-revoked", "X's complete CRL (number 1) does not list the leaf; a delta CRL (number 2, base 1), also signed by X's CRL-signing certificate, does: revoked", &[&x_file, &signer])
            .crls(&[&good, &delta_revoked])
            .reject("revoked", Some(0))
            .revoked_reason("keyCompromise")
            .done(),
    )?;
    g.add(
        c("separate-not-supplied", "The same CRL without its signer's certificate: no certificate with X's name, cRLSign and a path verifies it, revocation_data_invalid", &[&x_file])
            .crls(&[&good])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    g.add(
        c("separate-in-revocation-certificates", "X's CRL-signing certificate is supplied with the revocation data only (not as an intermediate): it is found there, good from the CRL", &[&x_file])
            .revocation_certificates(&[&signer])
            .crls(&[&good])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        c(
            "separate-in-revocation-certificates-revoked",
            "X's CRL-signing certificate supplied with the revocation data only, and its CRL lists the leaf: revoked",
            &[&x_file],
        )
        .revocation_certificates(&[&signer])
        .crls(&[&revoked])
        .reject("revoked", Some(0))
        .revoked_reason("keyCompromise")
        .done(),
    )?;
    g.add(
        c("separate-without-crlsign", "X's second certificate (same key as the CRL's signer) has keyUsage digitalSignature, not cRLSign: revocation_data_invalid", &[&x_file, &signer_no_crlsign])
            .crls(&[&good])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    g.add(
        c("ca-key-without-crlsign", "The CRL is signed by X's own key, whose certificate lacks cRLSign, while X's CRL-signing certificate is supplied: revocation_data_invalid", &[&x_file, &signer])
            .crls(&[&by_ca_key])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    g.add(
        c(
            "separate-expired",
            "X's CRL-signing certificate expired on 2026-01-01: it has no valid path, revocation_data_invalid",
            &[&x_file, &signer_expired],
        )
        .crls(&[&good])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    g.add(
        c("separate-other-anchor", "X's CRL-signing certificate was issued by a second root, which is trusted too but is not the leaf's anchor: the signer's path must end at the same anchor (RFC 5280 §6.3.3 (f)), revocation_data_invalid", &[&x_file, &signer_other_root])
            .anchors(&[&r.root_file, &second_root_file])
            .crls(&[&good])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    g.add(
        c("separate-other-anchor-and-same", "Both certificates of the CRL's signer are supplied, one from a second trusted root and one from the leaf's root: the latter gives the signer a path to the leaf's anchor, good", &[&x_file, &signer_other_root, &signer])
            .anchors(&[&r.root_file, &second_root_file])
            .crls(&[&good])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        c("separate-chain-good", "Chain scope: the leaf is good on X's CRL (signed by X's CRL-signing certificate), and the root's CRL lists neither X nor that certificate: both good", &[&x_file, &signer])
            .revocation("hard", "chain")
            .crls(&[&good, &r.root_crl_good])
            .statuses(&[(0, "good", "crl"), (1, "good", "crl")])
            .needs(&[])
            .done(),
    )?;
    g.add(
        c("separate-signer-unknown-chain-soft", "Chain scope, soft-fail, no CRL of the root: the leaf is good on X's CRL (its signer's unknown status is tolerated as an intermediate's would be), X's status is unknown", &[&x_file, &signer])
            .revocation("soft", "chain")
            .crls(&[&good])
            .statuses(&[(0, "good", "crl"), (1, "unknown", "none")])
            .needs(&[(1, "crl", &[]), (1, "ocsp", &[])])
            .done(),
    )?;
    g.add(
        c("separate-signer-unknown-chain-hard", "Chain scope, hard-fail, no CRL of the root: the status of X's CRL-signing certificate is required and unknown, so X's CRL cannot yet vouch for the leaf: revocation_unknown (missing data, not bad data)", &[&x_file, &signer])
            .revocation("hard", "chain")
            .crls(&[&good])
            .reject("revocation_unknown", Some(0))
            .done(),
    )?;
    g.add(
        c("separate-signer-revoked-chain", "Chain scope: the root's CRL lists X's CRL-signing certificate (keyCompromise), so X's CRL cannot be trusted and the leaf's status cannot be decided from it: revocation_data_invalid at the leaf", &[&x_file, &signer])
            .revocation("hard", "chain")
            .crls(&[&good, &root_revokes_signer])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    g.add(
        c("separate-signer-revoked-leaf-scope", "Leaf scope: the root's CRL at hand lists X's CRL-signing certificate; a revoked signer is refused in every mode, revocation_data_invalid at the leaf", &[&x_file, &signer])
            .crls(&[&good, &root_revokes_signer])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    Ok(())
}

fn rollover(g: &mut Gen, r: &Rev) -> Result<()> {
    // CA "R" rolled its key over: the root certified the new key, and R certified its old key
    // with the new one (a self-issued certificate, PKITS' "OldWithNew").
    let name = subject("Revocation Rollover CA")?;
    let old_key = g.key("rev-rollover-old", KeyKind::P256)?;
    let new_key = g.key("rev-rollover-new", KeyKind::P256)?;
    let builder = templates::intermediate(&name, &new_key, &r.root)?.serial(Serial::Raw(serial(0x20)));
    let (new, new_file) = g.issue_ca("crl/signer/rollover-new.pem", &name, new_key, builder, &r.root)?;
    let builder = templates::intermediate(&name, &old_key, &new)?.serial(Serial::Raw(serial(0x21)));
    let (old, old_by_new) = g.issue_ca("crl/signer/rollover-old-by-new.pem", &name, old_key, builder, &new)?;
    let builder = templates::intermediate(&name, &old.key, &new)?
        .serial(Serial::Raw(serial(0x22)))
        .replace_extension(ext::key_usage(true, &[KeyUsages::KeyCertSign])?);
    let old_by_new_no_crlsign = g.cert("crl/signer/rollover-old-by-new-without-crlsign.pem", &new.sign(&builder)?)?;

    let old_leaf_serial = serial(0x30);
    let new_leaf_serial = serial(0x31);
    let leaf = |by: &Issuer, cn: &str, serial: &[u8]| -> Result<Vec<u8>> {
        by.sign(&r.leaf_builder(by, cn, serial)?.extension(ext::crl_distribution_points(&[ROLLOVER_CRL_URL])?))
    };
    let old_leaf =
        g.cert("crl/signer/rollover-old-key-leaf.pem", &leaf(&old, "Rollover Old-Key Leaf", &old_leaf_serial)?)?;
    let new_leaf =
        g.cert("crl/signer/rollover-new-key-leaf.pem", &leaf(&new, "Rollover New-Key Leaf", &new_leaf_serial)?)?;

    let entry = |s: &[u8]| CrlEntry::new(s, revoked_at()).reason(reason::KEY_COMPROMISE);
    let by_new = g.file("crl/signer/rollover-by-new-key.crl", r.crl(&new, 1)?.entries(r.padding()).sign(&new.key)?)?;
    let der = r.crl(&new, 2)?.entries(r.padding()).entry(entry(&old_leaf_serial)).sign(&new.key)?;
    let by_new_revoked = g.file("crl/signer/rollover-by-new-key-revokes-old-key-leaf.crl", der)?;
    let by_old = g.file("crl/signer/rollover-by-old-key.crl", r.crl(&old, 3)?.entries(r.padding()).sign(&old.key)?)?;
    let der = r.crl(&old, 4)?.entries(r.padding()).entry(entry(&new_leaf_serial)).sign(&old.key)?;
    let by_old_revoked = g.file("crl/signer/rollover-by-old-key-revokes-new-key-leaf.crl", der)?;
    let der = r.crl(&new, 6)?.entries(r.padding()).entry(entry(&serial(0x21))).sign(&new.key)?;
    let by_new_revokes_self_issued = g.file("crl/signer/rollover-by-new-key-revokes-self-issued.crl", der)?;
    let der = r.crl(&old, 7)?.entries(r.padding()).entry(entry(&serial(0x21))).sign(&old.key)?;
    let by_old_revokes_self_issued = g.file("crl/signer/rollover-by-old-key-revokes-self-issued.crl", der)?;
    let impostor = g.key("rev-impostor", KeyKind::P256)?;
    let by_impostor =
        g.file("crl/signer/rollover-by-unrelated-key.crl", r.crl(&new, 5)?.entries(r.padding()).sign(&impostor)?)?;

    let both = [&new_file, &old_by_new];
    let old_case = |id: &str, description: &str| {
        r.case(&format!("crl/signer/{id}"), description).intermediates(&both).leaf(&old_leaf)
    };
    g.add(
        old_case("rollover-old-leaf-new-crl", "Key rollover: the leaf was signed by R's old key (path: leaf, R's self-issued old-key certificate signed by the new key, R's new-key certificate, root); R's CRL is signed by the new key, which the path holds: good, from the CRL")
            .crls(&[&by_new])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        old_case(
            "rollover-old-leaf-new-crl-revoked",
            "Key rollover: R's CRL signed by the new key lists the old-key leaf: revoked",
        )
        .crls(&[&by_new_revoked])
        .reject("revoked", Some(0))
        .revoked_reason("keyCompromise")
        .done(),
    )?;
    g.add(
        old_case("rollover-old-leaf-chain", "Key rollover, chain scope: R's CRL signed by the new key covers the old-key leaf and R's self-issued old-key certificate (index 1); the root's CRL covers R's new-key certificate (index 2): all good")
            .revocation("hard", "chain")
            .crls(&[&by_new, &r.root_crl_good])
            .statuses(&[(0, "good", "crl"), (1, "good", "crl"), (2, "good", "crl")])
            .needs(&[])
            .done(),
    )?;
    g.add(
        old_case("rollover-self-issued-revoked-chain", "Key rollover, chain scope: R's CRL signed by the new key lists R's self-issued old-key certificate (index 1), through which alone the old-key leaf has a path: revoked at index 1")
            .revocation("hard", "chain")
            .crls(&[&by_new_revokes_self_issued, &r.root_crl_good])
            .reject("revoked", Some(1))
            .revoked_reason("keyCompromise")
            .done(),
    )?;
    g.add(
        old_case("rollover-unrelated-key", "Key rollover: a CRL with R's name signed by a key neither of R's certificates holds: revocation_data_invalid")
            .crls(&[&by_impostor])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    let new_case = |id: &str, description: &str, intermediates: &[&String]| {
        r.case(&format!("crl/signer/{id}"), description).intermediates(intermediates).leaf(&new_leaf)
    };
    g.add(
        new_case("rollover-new-leaf-old-crl", "Key rollover: the leaf was signed by R's new key (path: leaf, R's new-key certificate, root); R's CRL is signed by the old key, whose self-issued certificate (signed by the new key) is in the pool and has a path to the same root: good, from the CRL", &both)
            .crls(&[&by_old])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        new_case(
            "rollover-new-leaf-old-crl-revoked",
            "Key rollover: R's CRL signed by the old key lists the new-key leaf: revoked",
            &both,
        )
        .crls(&[&by_old_revoked])
        .reject("revoked", Some(0))
        .revoked_reason("keyCompromise")
        .done(),
    )?;
    g.add(
        new_case("rollover-new-leaf-old-crl-self-issued-revoked", "Key rollover: R's CRL signed by the old key does not list the new-key leaf but lists the self-issued old-key certificate that vouches for its signer: that signer is revoked, so the CRL cannot be trusted, revocation_data_invalid", &both)
            .crls(&[&by_old_revokes_self_issued])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    g.add(
        new_case("rollover-new-leaf-old-crl-no-self-issued", "Key rollover: R's CRL signed by the old key, but the self-issued old-key certificate is not supplied: nothing vouches for the old key, revocation_data_invalid", &[&new_file])
            .crls(&[&by_old])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    g.add(
        new_case("rollover-new-leaf-old-crl-without-crlsign", "Key rollover: R's CRL signed by the old key, whose self-issued certificate has keyUsage keyCertSign only: revocation_data_invalid", &[&new_file, &old_by_new_no_crlsign])
            .crls(&[&by_old])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    Ok(())
}
