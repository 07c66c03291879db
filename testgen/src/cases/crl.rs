//! CRL cases (RFC 5280 §5, §6.3): revoked and good leaves and intermediates, leaf and chain
//! scope, untrustworthy CRLs (wrong key, issuer without cRLSign, cRLNumber missing or
//! critical, unknown critical extensions), stale CRLs and the needs they report, issuing
//! distribution point scope, delta CRLs, indirect CRLs, serials of other issuers, and a
//! 10,000-entry CRL.

use trustpath_testgen::crl::{self as crl, CrlEntry, idp_default, reason};
use trustpath_testgen::templates;
use trustpath_testgen::time::validation_time;
use trustpath_testgen::{CrlBuilder, KeyKind, Result, SigAlg, ext};
use x509_cert::ext::pkix::KeyUsages;
use x509_cert::ext::pkix::crl::dp::{IssuingDistributionPoint, Reasons};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};

use super::critical::PRIVATE_EXTENSION;
use super::revocation::{
    INT_CRL_URL, INT_OCSP_URL, LEAF_CRL_URL, LEAF_OCSP_URL, LEAF_SERIAL, Rev, revoked_at, week_after, week_before,
};
use crate::context::{Gen, subject};

/// What a stale CRL leaves the leaf needing.
pub const LEAF_NEEDS: [(usize, &str, &[&str]); 2] = [(0, "crl", &[LEAF_CRL_URL]), (0, "ocsp", &[LEAF_OCSP_URL])];
/// What a missing intermediate status leaves it needing.
const INT_NEEDS: [(usize, &str, &[&str]); 2] = [(1, "crl", &[INT_CRL_URL]), (1, "ocsp", &[INT_OCSP_URL])];

fn uri(url: &str) -> Result<GeneralName> {
    trustpath_testgen::name::uri(url)
}

pub fn generate(g: &mut Gen, r: &Rev) -> Result<()> {
    basic(g, r)?;
    untrustworthy(g, r)?;
    freshness(g, r)?;
    scope(g, r)?;
    delta(g, r)?;
    indirect(g, r)?;
    other_issuer(g, r)?;
    large(g, r)?;
    Ok(())
}

fn revoked_leaf() -> CrlEntry {
    CrlEntry::new(LEAF_SERIAL, revoked_at()).reason(reason::KEY_COMPROMISE)
}

fn basic(g: &mut Gen, r: &Rev) -> Result<()> {
    let der = r.crl(&r.int, 2)?.entries(r.padding()).entry(revoked_leaf()).sign(&r.int.key)?;
    let revoked = g.file("crl/leaf-revoked.crl", der)?;
    g.add(
        r.case("crl/leaf-revoked", "The intermediate's CRL lists the leaf (keyCompromise): revoked")
            .crls(&[&revoked])
            .reject("revoked", Some(0))
            .revoked_reason("keyCompromise")
            .done(),
    )?;
    g.add(
        r.case("crl/leaf-revoked-soft", "The same under soft-fail: a revoked certificate is rejected in every mode")
            .revocation("soft", "leaf")
            .crls(&[&revoked])
            .reject("revoked", Some(0))
            .revoked_reason("keyCompromise")
            .done(),
    )?;
    g.add(
        r.case("crl/leaf-good", "The intermediate's current CRL does not list the leaf: good, from the CRL")
            .crls(&[&r.int_crl_good])
            .statuses(&[(0, "good", "crl")])
            .needs(&[])
            .done(),
    )?;
    g.add(
        r.case("crl/revocation-off-ignores-crl", "Revocation off: the CRL listing the leaf is not consulted")
            .revocation("off", "chain")
            .crls(&[&revoked])
            .statuses(&[])
            .done(),
    )?;

    // Chain scope: the root's CRL covers the intermediate.
    let der = r
        .crl(&r.root, 2)?
        .entry(CrlEntry::new(super::revocation::INT_SERIAL, revoked_at()).reason(reason::CA_COMPROMISE))
        .sign(&r.root.key)?;
    let int_revoked = g.file("crl/root-revokes-intermediate.crl", der)?;
    g.add(
        r.case(
            "crl/chain-good",
            "Chain scope: the leaf and the intermediate are both good according to their issuers' CRLs",
        )
        .revocation("hard", "chain")
        .crls(&[&r.int_crl_good, &r.root_crl_good])
        .statuses(&[(0, "good", "crl"), (1, "good", "crl")])
        .needs(&[])
        .done(),
    )?;
    g.add(
        r.case(
            "crl/intermediate-revoked-chain",
            "Chain scope: the root's CRL lists the intermediate (cACompromise): revoked at index 1",
        )
        .revocation("hard", "chain")
        .crls(&[&r.int_crl_good, &int_revoked])
        .reject("revoked", Some(1))
        .revoked_reason("cACompromise")
        .done(),
    )?;
    // The same CA key certified twice by the root: the revoked certificate first, then a
    // second one (another serial, not revoked). The search must move on to the second.
    let int_key = g.key("rev-int", KeyKind::P256)?;
    let builder = templates::intermediate(&r.int.name, &int_key, &r.root)?
        .serial(trustpath_testgen::Serial::Raw(vec![0x10, 0x00, 0x00, 0x02]))
        .extension(ext::crl_distribution_points(&[INT_CRL_URL])?)
        .extension(ext::authority_info_access(&[INT_OCSP_URL], &["http://certs.example.com/rev-root.cer"])?);
    let reissued = g.cert("crl/intermediate-reissued.pem", &r.root.sign(&builder)?)?;
    g.add(
        r.case("crl/intermediate-revoked-alternate-path", "Chain scope: the intermediate's first certificate is revoked, but the root also issued it a second certificate (same key, another serial) that is not: the search backtracks to it, good")
            .revocation("hard", "chain")
            .intermediates(&[&r.int_file, &reissued])
            .crls(&[&r.int_crl_good, &int_revoked])
            .statuses(&[(0, "good", "crl"), (1, "good", "crl")])
            .done(),
    )?;
    // A leaf issued directly by the anchor: the anchor's key and certificate sign its CRL.
    let leaf_of_root = g.cert(
        "crl/leaf-of-root.pem",
        &r.root.sign(
            &r.leaf_builder(&r.root, "Leaf Of Revocation Root", LEAF_SERIAL)?
                .extension(ext::crl_distribution_points(&[INT_CRL_URL])?),
        )?,
    )?;
    let der = r.crl(&r.root, 3)?.entry(revoked_leaf()).sign(&r.root.key)?;
    let root_revokes_leaf = g.file("crl/root-revokes-leaf.crl", der)?;
    g.add(
        r.case("crl/leaf-of-root-revoked", "A leaf issued by the anchor itself, listed on the anchor's CRL: revoked")
            .revocation("hard", "chain")
            .intermediates(&[])
            .leaf(&leaf_of_root)
            .crls(&[&root_revokes_leaf])
            .reject("revoked", Some(0))
            .done(),
    )?;
    g.add(
        r.case("crl/leaf-of-root-good", "A leaf issued by the anchor itself, not on the anchor's CRL: good")
            .revocation("hard", "chain")
            .intermediates(&[])
            .leaf(&leaf_of_root)
            .crls(&[&r.root_crl_good])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        r.case(
            "crl/intermediate-revoked-leaf-scope",
            "Leaf scope: the revoked intermediate is not checked; the leaf is good",
        )
        .crls(&[&r.int_crl_good, &int_revoked])
        .statuses(&[(0, "good", "crl")])
        .needs(&[])
        .done(),
    )?;
    g.add(
        r.case("crl/chain-intermediate-missing-soft", "Chain scope, soft-fail, no CRL for the intermediate: accepted, its status is unknown and its CRL DP and OCSP URLs are reported")
            .revocation("soft", "chain")
            .crls(&[&r.int_crl_good])
            .statuses(&[(0, "good", "crl"), (1, "unknown", "none")])
            .needs(&INT_NEEDS)
            .done(),
    )?;
    g.add(
        r.case("crl/chain-intermediate-missing-hard", "Chain scope, hard-fail, no CRL for the intermediate: revocation_unknown at index 1, with its CRL DP and OCSP URLs as needs")
            .revocation("hard", "chain")
            .crls(&[&r.int_crl_good])
            .reject("revocation_unknown", Some(1))
            .needs(&INT_NEEDS)
            .done(),
    )?;
    Ok(())
}

fn untrustworthy(g: &mut Gen, r: &Rev) -> Result<()> {
    let impostor = g.key("rev-impostor", KeyKind::P256)?;
    let der = r.crl(&r.int, 2)?.entries(r.padding()).sign(&impostor)?;
    let wrong_key = g.file("crl/wrong-key.crl", der)?;
    g.add(
        r.case(
            "crl/wrong-key",
            "The CRL names the intermediate as issuer but is signed by another key: revocation_data_invalid",
        )
        .crls(&[&wrong_key])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    g.add(
        r.case(
            "crl/wrong-key-soft",
            "The same under soft-fail: bad data is not missing data, still revocation_data_invalid",
        )
        .revocation("soft", "leaf")
        .crls(&[&wrong_key])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    let der = r.crl(&r.int, 2)?.entries(r.padding()).corrupt_signature().sign(&r.int.key)?;
    let bad_sig = g.file("crl/bad-signature.crl", der)?;
    g.add(
        r.case("crl/bad-signature", "The CRL's signature is corrupt: revocation_data_invalid")
            .crls(&[&bad_sig])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    let der = r
        .crl(&r.int, 2)?
        .entries(r.padding())
        .tbs_signature_algorithm_der(SigAlg::EcdsaSha384.algorithm_identifier())
        .sign(&r.int.key)?;
    let mismatch = g.file("crl/signature-algorithm-mismatch.crl", der)?;
    g.add(
        r.case(
            "crl/signature-algorithm-mismatch",
            "The CRL's TBS signature algorithm differs from its outer signatureAlgorithm: revocation_data_invalid",
        )
        .crls(&[&mismatch])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;

    // An issuing CA whose keyUsage has keyCertSign but not cRLSign.
    let name = subject("Revocation CA Without cRLSign")?;
    let key = g.key("rev-no-crlsign", KeyKind::P256)?;
    let builder = templates::intermediate(&name, &key, &r.root)?
        .replace_extension(ext::key_usage(true, &[KeyUsages::KeyCertSign])?);
    let (ca, ca_file) = g.issue_ca("crl/ca-without-crlsign.pem", &name, key, builder, &r.root)?;
    let leaf_builder = r
        .leaf_builder(&ca, "Leaf Of CA Without cRLSign", LEAF_SERIAL)?
        .extension(ext::crl_distribution_points(&[LEAF_CRL_URL])?);
    let leaf = g.cert("crl/ca-without-crlsign-leaf.pem", &ca.sign(&leaf_builder)?)?;
    let der = r.crl(&ca, 1)?.entries(r.padding()).sign(&ca.key)?;
    let crl_file = g.file("crl/ca-without-crlsign.crl", der)?;
    g.add(
        r.case(
            "crl/issuer-without-crlsign",
            "The CRL is signed by the leaf's issuer, whose keyUsage lacks cRLSign: revocation_data_invalid",
        )
        .intermediates(&[&ca_file])
        .leaf(&leaf)
        .crls(&[&crl_file])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    g.add(
        r.case(
            "crl/issuer-without-crlsign-no-crl",
            "The same path without its CRL under soft-fail is accepted (status unknown): the path itself is valid",
        )
        .revocation("soft", "leaf")
        .intermediates(&[&ca_file])
        .leaf(&leaf)
        .statuses(&[(0, "unknown", "none")])
        .needs(&LEAF_NEEDS)
        .done(),
    )?;

    // cRLNumber and unknown extensions.
    let no_number = CrlBuilder::new(&r.int.name, week_before(), week_after())?.entries(r.padding());
    let critical_number = no_number.clone().extension(crl::crl_number(2).critical(true));
    let unknown_ext = |critical: bool| ext::unknown(PRIVATE_EXTENSION, critical, &[0x05, 0x00]);
    let with_ext = |critical: bool| -> Result<CrlBuilder> {
        Ok(r.crl(&r.int, 2)?.entries(r.padding()).extension(unknown_ext(critical)))
    };
    let entry_ext = |critical: bool| -> Result<CrlBuilder> {
        Ok(r.crl(&r.int, 2)?.entries(r.padding()).entry(
            CrlEntry::new(&[0x0f, 0xff, 0x00, 0x03], revoked_at())
                .reason(reason::SUPERSEDED)
                .extension(unknown_ext(critical)),
        ))
    };
    let variants: [(&str, CrlBuilder, bool, &str); 6] = [
        (
            "no-crl-number",
            no_number,
            false,
            "The CRL has no cRLNumber extension (RFC 5280 §5.2.3: conforming CRL issuers MUST include it)",
        ),
        (
            "critical-crl-number",
            critical_number,
            false,
            "The CRL's cRLNumber extension is marked critical (RFC 5280 §5.2.3: non-critical)",
        ),
        (
            "unknown-critical-extension",
            with_ext(true)?,
            false,
            "The CRL carries an unknown critical CRL extension (RFC 5280 §5.2)",
        ),
        (
            "unknown-noncritical-extension",
            with_ext(false)?,
            true,
            "The CRL carries an unknown non-critical CRL extension, which is ignored",
        ),
        (
            "unknown-critical-entry-extension",
            entry_ext(true)?,
            false,
            "An entry for another certificate carries an unknown critical entry extension: the whole CRL is unusable (RFC 5280 §5.3)",
        ),
        (
            "unknown-noncritical-entry-extension",
            entry_ext(false)?,
            true,
            "An entry carries an unknown non-critical entry extension, which is ignored",
        ),
    ];
    for (id, builder, good, description) in variants {
        let file = g.file(&format!("crl/{id}.crl"), builder.sign(&r.int.key)?)?;
        let c = r.case(&format!("crl/{id}"), description).crls(&[&file]);
        g.add(if good {
            c.statuses(&[(0, "good", "crl")]).needs(&[]).done()
        } else {
            c.reject("revocation_data_invalid", Some(0)).done()
        })?;
    }
    Ok(())
}

fn freshness(g: &mut Gen, r: &Rev) -> Result<()> {
    let t = validation_time();
    let der = CrlBuilder::new(&r.int.name, t - 30 * 86_400, t - 16 * 86_400)?
        .extension(crl::crl_number(1))
        .entries(r.padding())
        .sign(&r.int.key)?;
    let expired = g.file("crl/expired.crl", der)?;
    g.add(
        r.case("crl/expired-hard", "The only CRL's nextUpdate is before the validation time; hard-fail: revocation_unknown, needing the leaf's CRL DP and OCSP URLs")
            .crls(&[&expired])
            .reject("revocation_unknown", Some(0))
            .needs(&LEAF_NEEDS)
            .done(),
    )?;
    g.add(
        r.case("crl/expired-soft", "The same under soft-fail: accepted with status unknown, and the needs reported")
            .revocation("soft", "leaf")
            .crls(&[&expired])
            .statuses(&[(0, "unknown", "none")])
            .needs(&LEAF_NEEDS)
            .done(),
    )?;
    g.add(
        r.case("crl/expired-and-current", "An expired CRL next to a current one: the current one is used")
            .crls(&[&expired, &r.int_crl_good])
            .statuses(&[(0, "good", "crl")])
            .needs(&[])
            .done(),
    )?;
    let der = CrlBuilder::new(&r.int.name, t + 9 * 86_400, t + 16 * 86_400)?
        .extension(crl::crl_number(3))
        .entries(r.padding())
        .sign(&r.int.key)?;
    let future = g.file("crl/not-yet-valid.crl", der)?;
    g.add(
        r.case(
            "crl/not-yet-valid",
            "The only CRL's thisUpdate is after the validation time: not usable, revocation_unknown",
        )
        .crls(&[&future])
        .reject("revocation_unknown", Some(0))
        .needs(&LEAF_NEEDS)
        .done(),
    )?;
    Ok(())
}

fn scope(g: &mut Gen, r: &Rev) -> Result<()> {
    let idp_crl = |issuer_is_root: bool, idp: IssuingDistributionPoint, entries: Vec<CrlEntry>| -> Result<Vec<u8>> {
        let issuer = if issuer_is_root { &r.root } else { &r.int };
        r.crl(issuer, 5)?.extension(crl::issuing_distribution_point(&idp)?).entries(entries).sign(&issuer.key)
    };
    let int_entry = || CrlEntry::new(super::revocation::INT_SERIAL, revoked_at()).reason(reason::CA_COMPROMISE);

    // onlyContainsUserCerts.
    let user_only = IssuingDistributionPoint { only_contains_user_certs: true, ..idp_default() };
    let file = g.file("crl/idp-user-certs-int.crl", idp_crl(false, user_only.clone(), r.padding())?)?;
    g.add(
        r.case("crl/idp-user-certs-covers-leaf", "A CRL with onlyContainsUserCerts covers the (end-entity) leaf: good")
            .crls(&[&file])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    let file = g.file("crl/idp-user-certs-root.crl", idp_crl(true, user_only, vec![int_entry()])?)?;
    g.add(
        r.case("crl/idp-user-certs-skips-ca", "Chain scope: the root's onlyContainsUserCerts CRL lists the intermediate, but does not cover CA certificates: its status is unknown, not revoked")
            .revocation("hard", "chain")
            .crls(&[&r.int_crl_good, &file])
            .reject("revocation_unknown", Some(1))
            .needs(&INT_NEEDS)
            .done(),
    )?;

    // onlyContainsCACerts.
    let ca_only = IssuingDistributionPoint { only_contains_ca_certs: true, ..idp_default() };
    let file = g.file("crl/idp-ca-certs-root.crl", idp_crl(true, ca_only.clone(), Vec::new())?)?;
    g.add(
        r.case(
            "crl/idp-ca-certs-covers-ca",
            "Chain scope: the root's onlyContainsCACerts CRL covers the intermediate: good",
        )
        .revocation("hard", "chain")
        .crls(&[&r.int_crl_good, &file])
        .statuses(&[(0, "good", "crl"), (1, "good", "crl")])
        .done(),
    )?;
    let file = g.file("crl/idp-ca-certs-int.crl", idp_crl(false, ca_only, vec![revoked_leaf()])?)?;
    g.add(
        r.case("crl/idp-ca-certs-skips-leaf", "The intermediate's onlyContainsCACerts CRL lists the leaf, but does not cover end-entity certificates: unknown, not revoked")
            .crls(&[&file])
            .reject("revocation_unknown", Some(0))
            .needs(&LEAF_NEEDS)
            .done(),
    )?;

    // onlyContainsAttributeCerts: covers no public-key certificate at all.
    let attribute_only = IssuingDistributionPoint { only_contains_attribute_certs: true, ..idp_default() };
    let file = g.file("crl/idp-attribute-certs.crl", idp_crl(false, attribute_only, vec![revoked_leaf()])?)?;
    g.add(
        r.case("crl/idp-attribute-certs", "An onlyContainsAttributeCerts CRL lists the leaf's serial, but covers only attribute certificates: unknown, not revoked")
            .crls(&[&file])
            .reject("revocation_unknown", Some(0))
            .needs(&LEAF_NEEDS)
            .done(),
    )?;

    // Distribution point names.
    let named = |url: &str| -> Result<IssuingDistributionPoint> {
        Ok(IssuingDistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![uri(url)?])),
            ..idp_default()
        })
    };
    let file = g.file("crl/idp-name-match.crl", idp_crl(false, named(LEAF_CRL_URL)?, r.padding())?)?;
    g.add(
        r.case(
            "crl/idp-name-match",
            "The CRL's issuing distribution point names the leaf's CRL distribution point: good",
        )
        .crls(&[&file])
        .statuses(&[(0, "good", "crl")])
        .done(),
    )?;
    let other_dp = "http://crl.example.com/rev-int-partition-2.crl";
    let file = g.file("crl/idp-name-mismatch.crl", idp_crl(false, named(other_dp)?, vec![revoked_leaf()])?)?;
    g.add(
        r.case("crl/idp-name-mismatch", "A partitioned CRL whose distribution point is not the leaf's lists the leaf's serial: not applicable, unknown (not revoked)")
            .crls(&[&file])
            .reject("revocation_unknown", Some(0))
            .needs(&LEAF_NEEDS)
            .done(),
    )?;
    g.add(
        r.case(
            "crl/idp-name-mismatch-plus-full",
            "The partitioned CRL of another distribution point next to the full CRL: the full CRL decides, good",
        )
        .crls(&[&file, &r.int_crl_good])
        .statuses(&[(0, "good", "crl")])
        .done(),
    )?;

    // onlySomeReasons.
    let some_reasons = IssuingDistributionPoint {
        only_some_reasons: Some(Reasons::KeyCompromise | Reasons::CaCompromise),
        ..idp_default()
    };
    let der = r
        .crl(&r.int, 6)?
        .extension(crl::issuing_distribution_point(&some_reasons)?)
        .entries(r.padding())
        .sign(&r.int.key)?;
    let unlisted = g.file("crl/only-some-reasons-unlisted.crl", der)?;
    g.add(
        r.case("crl/only-some-reasons-unlisted", "A CRL limited to keyCompromise and cACompromise does not list the leaf: it cannot vouch that the leaf is not revoked for other reasons, unknown")
            .crls(&[&unlisted])
            .reject("revocation_unknown", Some(0))
            .needs(&LEAF_NEEDS)
            .done(),
    )?;
    let der = r
        .crl(&r.int, 6)?
        .extension(crl::issuing_distribution_point(&some_reasons)?)
        .entries(r.padding())
        .entry(revoked_leaf())
        .sign(&r.int.key)?;
    let listed = g.file("crl/only-some-reasons-listed.crl", der)?;
    g.add(
        r.case("crl/only-some-reasons-listed", "The reason-limited CRL lists the leaf (keyCompromise): revoked")
            .crls(&[&listed])
            .reject("revoked", Some(0))
            .revoked_reason("keyCompromise")
            .done(),
    )?;
    // A newer reason-limited CRL next to an older full CRL (both current): the full CRL covers
    // every reason (RFC 5280 §6.3.3: the reasons of all usable CRLs accumulate), so good.
    let der = CrlBuilder::new(&r.int.name, validation_time() - 86_400, week_after())?
        .extension(crl::crl_number(7))
        .extension(crl::issuing_distribution_point(&some_reasons)?)
        .entries(r.padding())
        .sign(&r.int.key)?;
    let newer = g.file("crl/only-some-reasons-newer.crl", der)?;
    g.add(
        r.case("crl/only-some-reasons-plus-full", "A reason-limited CRL (issued yesterday) and the full CRL (issued a week ago), neither listing the leaf: together they cover all reasons, good")
            .crls(&[&newer, &r.int_crl_good])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    Ok(())
}

fn delta(g: &mut Gen, r: &Rev) -> Result<()> {
    let base = g.file("crl/delta-base.crl", r.crl(&r.int, 10)?.entries(r.padding()).sign(&r.int.key)?)?;
    let delta = |number: u64, base_number: u64, entries: Vec<CrlEntry>| -> Result<Vec<u8>> {
        r.crl(&r.int, number)?.extension(crl::delta_crl_indicator(base_number)).entries(entries).sign(&r.int.key)
    };
    let revokes = g.file("crl/delta-revokes.crl", delta(11, 10, vec![revoked_leaf()])?)?;
    g.add(
        r.case("crl/delta-base-only", "The base CRL (number 10) alone does not list the leaf: good")
            .crls(&[&base])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        r.case(
            "crl/delta-revokes",
            "A delta CRL (number 11, base 10) lists the leaf, which the base does not: revoked",
        )
        .crls(&[&base, &revokes])
        .reject("revoked", Some(0))
        .revoked_reason("keyCompromise")
        .done(),
    )?;
    g.add(
        r.case("crl/delta-alone", "A delta CRL without its base CRL: no complete CRL, unknown")
            .crls(&[&revokes])
            .reject("revocation_unknown", Some(0))
            .done(),
    )?;
    let hold = CrlEntry::new(LEAF_SERIAL, revoked_at()).reason(reason::CERTIFICATE_HOLD);
    let held =
        g.file("crl/delta-base-hold.crl", r.crl(&r.int, 10)?.entries(r.padding()).entry(hold).sign(&r.int.key)?)?;
    let remove = CrlEntry::new(LEAF_SERIAL, validation_time() - 86_400).reason(reason::REMOVE_FROM_CRL);
    let released = g.file("crl/delta-remove-from-crl.crl", delta(11, 10, vec![remove])?)?;
    g.add(
        r.case("crl/hold-in-base", "The base CRL lists the leaf on certificateHold: revoked")
            .crls(&[&held])
            .reject("revoked", Some(0))
            .revoked_reason("certificateHold")
            .done(),
    )?;
    g.add(
        r.case("crl/delta-remove-from-crl", "The delta CRL lists the held leaf with removeFromCRL: good")
            .crls(&[&held, &released])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    let too_new = g.file("crl/delta-base-too-new.crl", delta(13, 12, vec![revoked_leaf()])?)?;
    g.add(
        r.case("crl/delta-base-too-new", "A delta CRL whose BaseCRLNumber (12) is newer than the base CRL's number (10) cannot be combined with it: the base decides, good")
            .crls(&[&base, &too_new])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    let too_old = g.file("crl/delta-older-than-base.crl", delta(9, 8, vec![revoked_leaf()])?)?;
    g.add(
        r.case("crl/delta-older-than-base", "A delta CRL numbered 9 is older than the base CRL (10): not used, good")
            .crls(&[&base, &too_old])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    Ok(())
}

fn indirect(g: &mut Gen, r: &Rev) -> Result<()> {
    const INDIRECT_URL: &str = "http://crl.example.com/rev-indirect.crl";
    let signer_name = subject("Revocation CRL Signer")?;
    let signer_key = g.key("rev-crl-signer", KeyKind::P256)?;
    let signer_cert = |usage: KeyUsages| -> Result<trustpath_testgen::CertBuilder> {
        Ok(trustpath_testgen::CertBuilder::new(&signer_name, &signer_key).issuer(&r.int.name).extensions([
            ext::key_usage(true, &[usage])?,
            ext::subject_key_identifier(&signer_key.key_id())?,
            ext::authority_key_identifier(&r.int.key.key_id())?,
        ]))
    };
    let signer = g.cert("crl/indirect-signer.pem", &r.int.sign(&signer_cert(KeyUsages::CRLSign)?)?)?;
    let signer_no_crlsign =
        g.cert("crl/indirect-signer-without-crlsign.pem", &r.int.sign(&signer_cert(KeyUsages::DigitalSignature)?)?)?;
    let indirect_leaf = |cn: &str, serial: &[u8]| -> Result<Vec<u8>> {
        let b = r
            .leaf_builder(&r.int, cn, serial)?
            .extension(ext::crl_distribution_point_with_issuer(INDIRECT_URL, Some(&signer_name))?);
        r.int.sign(&b)
    };
    let listed_serial: &[u8] = &[0x3a, 0x00, 0x00, 0x01];
    let unlisted_serial: &[u8] = &[0x3a, 0x00, 0x00, 0x02];
    let other_issuer_serial: &[u8] = &[0x3a, 0x00, 0x00, 0x03];
    let leaf_listed = g.cert("crl/indirect-leaf-listed.pem", &indirect_leaf("Indirect CRL Leaf 1", listed_serial)?)?;
    let leaf_unlisted =
        g.cert("crl/indirect-leaf-unlisted.pem", &indirect_leaf("Indirect CRL Leaf 2", unlisted_serial)?)?;
    let leaf_other =
        g.cert("crl/indirect-leaf-other-issuer.pem", &indirect_leaf("Indirect CRL Leaf 3", other_issuer_serial)?)?;

    let idp = IssuingDistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![uri(INDIRECT_URL)?])),
        indirect_crl: true,
        ..idp_default()
    };
    let other_ca = r.other.name.clone();
    // Entries: one of the signer itself (no certificateIssuer), then the intermediate's (the
    // certificateIssuer extension carries over to the following entries), then another CA's.
    let entries = vec![
        CrlEntry::new(&[0x3a, 0x00, 0x00, 0x10], revoked_at()),
        CrlEntry::new(&[0x3a, 0x00, 0x00, 0x11], revoked_at()).extension(crl::certificate_issuer(&r.int.name)?),
        CrlEntry::new(listed_serial, revoked_at()).reason(reason::KEY_COMPROMISE),
        CrlEntry::new(other_issuer_serial, revoked_at()).extension(crl::certificate_issuer(&other_ca)?),
    ];
    let signed = |entries: Vec<CrlEntry>| -> Result<Vec<u8>> {
        CrlBuilder::new(&signer_name, week_before(), week_after())?
            .extension(crl::crl_number(1))
            .extension(crl::issuing_distribution_point(&idp)?)
            .entries(entries)
            .sign(&signer_key)
    };
    let indirect = g.file("crl/indirect.crl", signed(entries.clone())?)?;
    let empty = g.file("crl/indirect-empty.crl", signed(Vec::new())?)?;
    let c = |id: &str, description: &str, leaf: &String| {
        r.case(id, description).leaf(leaf).revocation_certificates(&[&signer])
    };
    g.add(
        c("crl/indirect-revoked", "An indirect CRL signed by a CRL signer the intermediate certified (named as cRLIssuer in the leaf's distribution point) lists the leaf under the intermediate (certificateIssuer carried over from the previous entry): revoked", &leaf_listed)
            .crls(&[&indirect])
            .reject("revoked", Some(0))
            .revoked_reason("keyCompromise")
            .done(),
    )?;
    g.add(
        c(
            "crl/indirect-good",
            "The same indirect CRL does not list this leaf of the intermediate: good",
            &leaf_unlisted,
        )
        .crls(&[&indirect])
        .statuses(&[(0, "good", "crl")])
        .done(),
    )?;
    g.add(
        c(
            "crl/indirect-entry-other-issuer",
            "The indirect CRL lists the leaf's serial, but under another CA's certificateIssuer: good",
            &leaf_other,
        )
        .crls(&[&indirect])
        .statuses(&[(0, "good", "crl")])
        .done(),
    )?;
    g.add(
        c("crl/indirect-empty-good", "An indirect CRL with no entries at all, from the cRLIssuer the leaf's distribution point names: good (RFC 5280 §6.3.3 (b)(1) asks only for the name and the indirectCRL flag)", &leaf_unlisted)
            .crls(&[&empty])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    g.add(
        r.case(
            "crl/indirect-signer-without-crlsign",
            "The indirect CRL's signer certificate lacks cRLSign: revocation_data_invalid",
        )
        .leaf(&leaf_listed)
        .revocation_certificates(&[&signer_no_crlsign])
        .crls(&[&indirect])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    // The main leaf's distribution point names no cRLIssuer: the indirect CRL is not for it.
    let der = signed(vec![
        CrlEntry::new(&[0x3a, 0x00, 0x00, 0x11], revoked_at()).extension(crl::certificate_issuer(&r.int.name)?),
        revoked_leaf(),
    ])?;
    let not_named = g.file("crl/indirect-not-named.crl", der)?;
    g.add(
        r.case("crl/indirect-not-named", "An indirect CRL lists the main leaf under the intermediate, but the leaf's distribution point does not name its issuer as cRLIssuer: not applicable, unknown (not revoked)")
            .revocation_certificates(&[&signer])
            .crls(&[&not_named])
            .reject("revocation_unknown", Some(0))
            .needs(&LEAF_NEEDS)
            .done(),
    )?;
    Ok(())
}

fn other_issuer(g: &mut Gen, r: &Rev) -> Result<()> {
    // The leaf's serial INTEGER is 00 c0 5e ..; an entry with the same octets but no leading
    // zero is a negative number, another serial.
    let der = r
        .crl(&r.int, 2)?
        .entry(CrlEntry::new(&LEAF_SERIAL[1..], revoked_at()).reason(reason::KEY_COMPROMISE))
        .sign(&r.int.key)?;
    let file = g.file("crl/serial-sign-mismatch.crl", der)?;
    g.add(
        r.case("crl/serial-sign-mismatch", "The CRL lists serial -0x3fa1e5e4ffffff (the leaf's serial octets without the leading zero, a negative INTEGER): another serial, the leaf is good")
            .crls(&[&file])
            .statuses(&[(0, "good", "crl")])
            .done(),
    )?;
    let der = r.crl(&r.other, 1)?.entry(revoked_leaf()).sign(&r.other.key)?;
    let file = g.file("crl/other-issuer-lists-serial.crl", der)?;
    g.add(
        r.case(
            "crl/other-issuer-serial",
            "Another CA's CRL lists the leaf's serial; the intermediate's CRL does not: good",
        )
        .crls(&[&file, &r.int_crl_good])
        .statuses(&[(0, "good", "crl")])
        .done(),
    )?;
    g.add(
        r.case(
            "crl/other-issuer-serial-only",
            "Only another CA's CRL, listing the leaf's serial: not applicable, unknown (not revoked)",
        )
        .crls(&[&file])
        .reject("revocation_unknown", Some(0))
        .needs(&LEAF_NEEDS)
        .done(),
    )?;
    Ok(())
}

/// Number of entries of `crl/large-10000.crl`.
pub const LARGE_ENTRIES: u64 = 10_000;
/// The serial of entry `i` of the large CRL.
fn large_serial(i: u64) -> Vec<u8> {
    crl::uint_bytes(0x0100_0000 + i * 3)
}
/// The entry whose serial the listed leaf has (reason superseded; the others have no reason).
const LARGE_LISTED: u64 = 7_777;

fn large(g: &mut Gen, r: &Rev) -> Result<()> {
    // Entries in a scrambled order (7919 is prime to 10,000, so this visits every index once).
    let entries = (0..LARGE_ENTRIES).map(|k| {
        let i = (k * 7_919) % LARGE_ENTRIES;
        let e = CrlEntry::new(&large_serial(i), revoked_at());
        if i == LARGE_LISTED { e.reason(reason::SUPERSEDED) } else { e }
    });
    let der = r.crl(&r.int, 20)?.entries(entries).sign(&r.int.key)?;
    let file = g.file("crl/large-10000.crl", der)?;
    let listed_serial = large_serial(LARGE_LISTED);
    let unlisted_serial = crl::uint_bytes(0x0100_0000 + LARGE_LISTED * 3 + 1);
    let listed =
        g.cert("crl/large-listed-leaf.pem", &r.int.sign(&r.leaf("Large CRL Listed Leaf", &listed_serial)?)?)?;
    let unlisted =
        g.cert("crl/large-unlisted-leaf.pem", &r.int.sign(&r.leaf("Large CRL Unlisted Leaf", &unlisted_serial)?)?)?;
    g.add(
        r.case("crl/large-listed", "A 10,000-entry CRL lists the leaf (reason superseded): revoked")
            .leaf(&listed)
            .crls(&[&file])
            .reject("revoked", Some(0))
            .revoked_reason("superseded")
            .done(),
    )?;
    g.add(
        r.case(
            "crl/large-unlisted",
            "The 10,000-entry CRL does not list the leaf, whose serial is one more than a listed one: good",
        )
        .leaf(&unlisted)
        .crls(&[&file])
        .statuses(&[(0, "good", "crl")])
        .done(),
    )?;
    Ok(())
}
