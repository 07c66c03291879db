//! Which CRLs cover a certificate (RFC 5280 §6.3.3 (b), (d), (j)): distribution point names in
//! both forms (fullName, nameRelativeToCRLIssuer) matched under RFC 5280 §7.1, reasons
//! combined across CRLs until all are covered (also when a distribution point carries only
//! some), indirect CRLs named by a distribution point's cRLIssuer and their certificateIssuer
//! entries, and a CRL issuer name encoded otherwise than the certificate's issuer field.
//!
//! Each "good" case has a twin in which the same CRL lists the leaf ("revoked", proving the
//! CRL is the one used) and a near miss that must leave the status unknown, never good.

use const_oid::db::rfc4519;
use const_oid::db::rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS;
use der::Encode;
use der::Tag;
use der::asn1::Any;
use trustpath_testgen::crl::{self as crl, CrlEntry, idp_default, reason};
use trustpath_testgen::name::{NameBuilder, dir, uri};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{CrlBuilder, Ext, KeyKind, Result, Serial, ext};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::pkix::CrlDistributionPoints;
use x509_cert::ext::pkix::crl::dp::{DistributionPoint, IssuingDistributionPoint, ReasonFlags, Reasons};
use x509_cert::ext::pkix::name::DistributionPointName;
use x509_cert::name::{Name, RelativeDistinguishedName};

use super::revocation::{LEAF_CRL_URL, LEAF_OCSP_URL, LEAF_SERIAL, Rev, revoked_at, week_after, week_before};
use crate::context::{CaseBuilder, Gen, subject};
use crate::manifest::Case;

/// Serials of this module's certificates (INTEGER content octets).
fn serial(n: u8) -> Vec<u8> {
    vec![0x3c, 0x00, 0x00, n]
}

/// What a case of this module expects of the leaf (index 0).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Accepted, good according to a CRL.
    Good,
    /// Refused as revoked for this reason.
    Revoked(&'static str),
    /// Refused as revocation_unknown, needing these CRL URLs (and the leaf's OCSP responder).
    Unknown(&'static [&'static str]),
    /// Refused as revocation_data_invalid.
    Invalid,
}

fn expect(c: CaseBuilder, e: Expect) -> Case {
    match e {
        Expect::Good => c.statuses(&[(0, "good", "crl")]).needs(&[]).done(),
        Expect::Revoked(reason) => c.reject("revoked", Some(0)).revoked_reason(reason).done(),
        Expect::Unknown(urls) => {
            c.reject("revocation_unknown", Some(0)).needs(&[(0, "crl", urls), (0, "ocsp", &[LEAF_OCSP_URL])]).done()
        }
        Expect::Invalid => c.reject("revocation_data_invalid", Some(0)).done(),
    }
}

pub fn generate(g: &mut Gen, r: &Rev) -> Result<()> {
    point_names(g, r)?;
    reasons(g, r)?;
    point_reasons(g, r)?;
    let (i, i_file) = issuer_i(g, r)?;
    indirect(g, r, &i, &i_file)?;
    indirect_relative(g, r, &i, &i_file)?;
    issuer_encoding(g, r)?;
    Ok(())
}

/// cRLDistributionPoints with the given points, non-critical.
fn distribution_points(points: Vec<DistributionPoint>) -> Result<Ext> {
    Ok(Ext::raw(ID_CE_CRL_DISTRIBUTION_POINTS, false, CrlDistributionPoints(points).to_der()?))
}

/// A relative distinguished name holding one commonName (UTF8String).
fn cn_rdn(value: &str) -> Result<RelativeDistinguishedName> {
    let mut rdn = RelativeDistinguishedName::default();
    rdn.insert(AttributeTypeAndValue { oid: rfc4519::CN, value: Any::new(Tag::Utf8String, value.as_bytes())? })?;
    Ok(rdn)
}

/// An issuingDistributionPoint naming `name`.
fn idp_named(name: DistributionPointName) -> IssuingDistributionPoint {
    IssuingDistributionPoint { distribution_point: Some(name), ..idp_default() }
}

/// A CRL of `by` (signed with its key), current, with `idp` and `entries`.
fn idp_crl(
    r: &Rev,
    by: &Issuer,
    number: u64,
    idp: &IssuingDistributionPoint,
    entries: Vec<CrlEntry>,
) -> Result<Vec<u8>> {
    r.crl(by, number)?.extension(crl::issuing_distribution_point(idp)?).entries(entries).sign(&by.key)
}

fn point_names(g: &mut Gen, r: &Rev) -> Result<()> {
    // The distribution point "CRL1" of the intermediate: its name plus CN=CRL1, which is also
    // what nameRelativeToCRLIssuer CN=CRL1 names under the intermediate.
    let int_plus = |cn: &str| NameBuilder::new().c("US").o("Trustpath Test").cn("Revocation Intermediate CA").cn(cn);
    let crl1 = int_plus("CRL1").build()?;
    // The same name in PrintableString and other letter case (RFC 5280 §7.1: equal).
    let crl1_recased = NameBuilder::new()
        .attr(rfc4519::C, Tag::PrintableString, "US")
        .attr(rfc4519::O, Tag::PrintableString, "TRUSTPATH TEST")
        .attr(rfc4519::CN, Tag::PrintableString, "revocation intermediate ca")
        .attr(rfc4519::CN, Tag::PrintableString, "crl1")
        .build()?;
    let crl2 = int_plus("CRL2").build()?;
    let full = |n: &Name| DistributionPointName::FullName(vec![dir(n)]);
    let relative =
        |cn: &str| -> Result<DistributionPointName> { Ok(DistributionPointName::NameRelativeToCRLIssuer(cn_rdn(cn)?)) };

    let full_serial = serial(0x01);
    let relative_serial = serial(0x02);
    let leaf = |cn: &str, serial: &[u8], name: DistributionPointName| -> Result<Vec<u8>> {
        let point = DistributionPoint { distribution_point: Some(name), reasons: None, crl_issuer: None };
        r.int.sign(&r.leaf_builder(&r.int, cn, serial)?.extension(distribution_points(vec![point])?))
    };
    let leaf_full =
        g.cert("crl/scope/dp-full-name-leaf.pem", &leaf("DP Full Name Leaf", &full_serial, full(&crl1))?)?;
    let leaf_relative = g.cert(
        "crl/scope/dp-relative-name-leaf.pem",
        &leaf("DP Relative Name Leaf", &relative_serial, relative("CRL1")?)?,
    )?;

    let listing_both = || {
        let mut e = r.padding();
        e.push(CrlEntry::new(&full_serial, revoked_at()).reason(reason::KEY_COMPROMISE));
        e.push(CrlEntry::new(&relative_serial, revoked_at()).reason(reason::KEY_COMPROMISE));
        e
    };
    let mut crl = |file: &str, number: u64, name: DistributionPointName, listed: bool| -> Result<String> {
        let entries = if listed { listing_both() } else { r.padding() };
        g.file(&format!("crl/scope/{file}.crl"), idp_crl(r, &r.int, number, &idp_named(name), entries)?)
    };
    let idp_full = crl("idp-full-crl1-recased", 30, full(&crl1_recased), false)?;
    let idp_full_listed = crl("idp-full-crl1-recased-listed", 31, full(&crl1_recased), true)?;
    let idp_relative = crl("idp-relative-crl1", 32, relative("CRL1")?, false)?;
    let idp_relative_listed = crl("idp-relative-crl1-listed", 33, relative("CRL1")?, true)?;
    let idp_full_other = crl("idp-full-crl2", 34, full(&crl2), false)?;
    let idp_full_other_listed = crl("idp-full-crl2-listed", 35, full(&crl2), true)?;
    let idp_relative_other_listed = crl("idp-relative-crl2-listed", 36, relative("CRL2")?, true)?;

    let rows: [(&str, &String, &String, Expect, &str); 12] = [
        (
            "full-recased-good",
            &leaf_full,
            &idp_full,
            Expect::Good,
            "The leaf's distribution point is the directoryName <intermediate>, CN=CRL1 (UTF8String); the CRL's issuing distribution point names it in PrintableString and other letter case, equal under RFC 5280 §7.1: in scope, good",
        ),
        (
            "full-recased-revoked",
            &leaf_full,
            &idp_full_listed,
            Expect::Revoked("keyCompromise"),
            "The same distribution point CRL (recased name) lists the leaf: revoked",
        ),
        (
            "idp-relative-good",
            &leaf_full,
            &idp_relative,
            Expect::Good,
            "The CRL's issuing distribution point is nameRelativeToCRLIssuer CN=CRL1, which appended to the CRL issuer's name is the leaf's fullName directoryName: in scope, good",
        ),
        (
            "idp-relative-revoked",
            &leaf_full,
            &idp_relative_listed,
            Expect::Revoked("keyCompromise"),
            "The CRL whose relative distribution point name matches the leaf's fullName lists the leaf: revoked",
        ),
        (
            "leaf-relative-good",
            &leaf_relative,
            &idp_full,
            Expect::Good,
            "The leaf's distribution point is nameRelativeToCRLIssuer CN=CRL1 (relative to its issuer, the intermediate); the CRL's issuing distribution point names the same as a fullName directoryName (recased): in scope, good",
        ),
        (
            "leaf-relative-revoked",
            &leaf_relative,
            &idp_full_listed,
            Expect::Revoked("keyCompromise"),
            "The fullName distribution point CRL lists the leaf whose distribution point is relative: revoked",
        ),
        (
            "both-relative-good",
            &leaf_relative,
            &idp_relative,
            Expect::Good,
            "The leaf's distribution point and the CRL's issuing distribution point are both nameRelativeToCRLIssuer CN=CRL1 under the intermediate: in scope, good",
        ),
        (
            "both-relative-revoked",
            &leaf_relative,
            &idp_relative_listed,
            Expect::Revoked("keyCompromise"),
            "Both names relative, and the CRL lists the leaf: revoked",
        ),
        (
            "full-mismatch",
            &leaf_full,
            &idp_full_other,
            Expect::Unknown(&[]),
            "The only CRL's issuing distribution point is <intermediate>, CN=CRL2, not the leaf's CN=CRL1: out of scope although it lists nothing, revocation_unknown",
        ),
        (
            "full-mismatch-listed",
            &leaf_full,
            &idp_full_other_listed,
            Expect::Unknown(&[]),
            "A CRL for the distribution point CN=CRL2 lists the leaf (of CN=CRL1): out of scope, unknown, not revoked",
        ),
        (
            "leaf-relative-mismatch-listed",
            &leaf_relative,
            &idp_full_other_listed,
            Expect::Unknown(&[]),
            "The leaf's relative distribution point CN=CRL1 against a CRL for the fullName <intermediate>, CN=CRL2 that lists the leaf: out of scope, unknown, not revoked",
        ),
        (
            "idp-relative-mismatch-listed",
            &leaf_full,
            &idp_relative_other_listed,
            Expect::Unknown(&[]),
            "A CRL whose relative distribution point name is CN=CRL2 lists the leaf of the fullName <intermediate>, CN=CRL1: out of scope, unknown, not revoked",
        ),
    ];
    for (id, leaf, file, outcome, description) in rows {
        let c = r.case(&format!("crl/scope/dp-{id}"), description).leaf(leaf).crls(&[file]);
        g.add(expect(c, outcome))?;
    }
    Ok(())
}

/// The reasons other than keyCompromise and cACompromise (RFC 5280 §5.3.1), without `except`.
fn other_reasons(except: Option<Reasons>) -> ReasonFlags {
    let all = Reasons::AffiliationChanged
        | Reasons::Superseded
        | Reasons::CessationOfOperation
        | Reasons::CertificateHold
        | Reasons::PrivilegeWithdrawn
        | Reasons::AaCompromise;
    match except {
        Some(r) => all & !ReasonFlags::from(r),
        None => all,
    }
}

fn reasons(g: &mut Gen, r: &Rev) -> Result<()> {
    let some = |reasons: ReasonFlags| IssuingDistributionPoint { only_some_reasons: Some(reasons), ..idp_default() };
    let compromise = some(Reasons::KeyCompromise | Reasons::CaCompromise);
    let leaf_entry = CrlEntry::new(LEAF_SERIAL, revoked_at()).reason(reason::AFFILIATION_CHANGED);
    let mut crl = |file: &str, number: u64, idp: &IssuingDistributionPoint, entries: Vec<CrlEntry>| {
        let der = idp_crl(r, &r.int, number, idp, entries)?;
        g.file(&format!("crl/scope/{file}.crl"), der)
    };
    let compromise_file = crl("reasons-compromise", 40, &compromise, r.padding())?;
    let rest_file = crl("reasons-other", 41, &some(other_reasons(None)), r.padding())?;
    let mut listing = r.padding();
    listing.push(leaf_entry);
    let rest_listed = crl("reasons-other-listed", 42, &some(other_reasons(None)), listing)?;
    let rest_partial =
        crl("reasons-other-without-aa-compromise", 43, &some(other_reasons(Some(Reasons::AaCompromise))), r.padding())?;

    let rows: [(&str, &[&String], Expect, &str); 5] = [
        (
            "reasons-split-good",
            &[&compromise_file, &rest_file],
            Expect::Good,
            "Two CRLs of the intermediate, one for keyCompromise and cACompromise, one for every other reason (onlySomeReasons), neither listing the leaf: together they cover all reasons, good",
        ),
        (
            "reasons-split-revoked",
            &[&compromise_file, &rest_listed],
            Expect::Revoked("affiliationChanged"),
            "The same pair, the second listing the leaf (affiliationChanged): revoked",
        ),
        (
            "reasons-compromise-only",
            &[&compromise_file],
            Expect::Unknown(&[LEAF_CRL_URL]),
            "Only the keyCompromise/cACompromise CRL: the other reasons are not covered, revocation_unknown",
        ),
        (
            "reasons-other-only",
            &[&rest_file],
            Expect::Unknown(&[LEAF_CRL_URL]),
            "Only the CRL for the reasons other than keyCompromise and cACompromise: not all reasons covered, revocation_unknown",
        ),
        (
            "reasons-split-missing-aa-compromise",
            &[&compromise_file, &rest_partial],
            Expect::Unknown(&[LEAF_CRL_URL]),
            "The compromise CRL and a CRL for every other reason but aACompromise: one reason is not covered, revocation_unknown",
        ),
    ];
    for (id, crls, outcome, description) in rows {
        let c = r.case(&format!("crl/scope/{id}"), description).crls(crls);
        g.add(expect(c, outcome))?;
    }
    Ok(())
}

/// A distribution point that carries only keyCompromise (its `reasons` field).
fn point_reasons(g: &mut Gen, r: &Rev) -> Result<()> {
    const URL: &str = "http://crl.example.com/rev-int-key-compromise.crl";
    let leaf_serial = serial(0x10);
    let point = DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![uri(URL)?])),
        reasons: Some(Reasons::KeyCompromise.into()),
        crl_issuer: None,
    };
    let builder = r.leaf_builder(&r.int, "DP Reasons Leaf", &leaf_serial)?.extension(distribution_points(vec![point])?);
    let leaf = g.cert("crl/scope/dp-reasons-leaf.pem", &r.int.sign(&builder)?)?;
    let entry = |code: u8| CrlEntry::new(&leaf_serial, revoked_at()).reason(code);
    let der = r.crl(&r.int, 50)?.entries(r.padding()).entry(entry(reason::KEY_COMPROMISE)).sign(&r.int.key)?;
    let full_listed = g.file("crl/scope/dp-reasons-full-listed.crl", der)?;
    let named_idp = idp_named(DistributionPointName::FullName(vec![uri(URL)?]));
    let named = g.file("crl/scope/dp-reasons-named.crl", idp_crl(r, &r.int, 51, &named_idp, r.padding())?)?;
    let mut entries = r.padding();
    entries.push(entry(reason::SUPERSEDED));
    let named_listed = g.file("crl/scope/dp-reasons-named-listed.crl", idp_crl(r, &r.int, 52, &named_idp, entries)?)?;

    let rows: [(&str, &[&String], Expect, &str); 5] = [
        (
            "dp-reasons-full-crl-good",
            &[&r.int_crl_good],
            Expect::Good,
            "The leaf's only distribution point carries reasons keyCompromise; the intermediate's complete CRL (no issuing distribution point) covers keyCompromise there, and, as a CRL of the leaf's issuer naming no distribution point, every other reason in the last step of RFC 5280 §6.3.3: good",
        ),
        (
            "dp-reasons-full-crl-revoked",
            &[&full_listed],
            Expect::Revoked("keyCompromise"),
            "The intermediate's complete CRL lists the leaf whose distribution point carries only keyCompromise: revoked",
        ),
        (
            "dp-reasons-named-only",
            &[&named],
            Expect::Unknown(&[URL]),
            "Only the CRL whose issuing distribution point names the leaf's distribution point: that point carries only keyCompromise (RFC 5280 §6.3.3 (d)), and the CRL names a distribution point so it is not the issuer's CRL of the last step; the other reasons are not covered, revocation_unknown",
        ),
        (
            "dp-reasons-named-plus-full",
            &[&named, &r.int_crl_good],
            Expect::Good,
            "The distribution point's CRL (keyCompromise) and the intermediate's complete CRL (the other reasons): good",
        ),
        (
            "dp-reasons-named-lists-other-reason",
            &[&named_listed],
            Expect::Revoked("superseded"),
            "The distribution point that carries only keyCompromise has a CRL listing the leaf for superseded: a listed certificate is revoked whatever the reason (RFC 5280 §6.3.3 (i)), revoked",
        ),
    ];
    for (id, crls, outcome, description) in rows {
        let c = r.case(&format!("crl/scope/{id}"), description).leaf(&leaf).crls(crls);
        g.add(expect(c, outcome))?;
    }
    Ok(())
}

/// CA "I", another CA under the same root, which issues the CRLs that the leaves'
/// distribution points name (cRLIssuer), for certificates of the intermediate among others.
fn issuer_i(g: &mut Gen, r: &Rev) -> Result<(Issuer, String)> {
    let name = subject("Revocation Indirect Issuer I")?;
    let key = g.key("rev-indirect-i", KeyKind::P256)?;
    let builder = templates::intermediate(&name, &key, &r.root)?.serial(Serial::Raw(serial(0x20)));
    g.issue_ca("crl/scope/indirect-issuer-i.pem", &name, key, builder, &r.root)
}

fn indirect(g: &mut Gen, r: &Rev, i: &Issuer, i_file: &String) -> Result<()> {
    const URL: &str = "http://crl.example.com/rev-indirect-i.crl";
    let leaf_serial = serial(0x21);
    let builder = r
        .leaf_builder(&r.int, "Indirect Issuer I Leaf", &leaf_serial)?
        .extension(ext::crl_distribution_point_with_issuer(URL, Some(&i.name))?);
    let leaf = g.cert("crl/scope/indirect-i-leaf.pem", &r.int.sign(&builder)?)?;

    let dp_name = DistributionPointName::FullName(vec![uri(URL)?]);
    let indirect_idp = IssuingDistributionPoint { indirect_crl: true, ..idp_named(dp_name.clone()) };
    let at = revoked_at();
    let issuer = |n: &Name| crl::certificate_issuer(n);
    // Entries in issuer runs: I's own, another CA's (one with the leaf's serial), the
    // intermediate's (the leaf among them), then I's again.
    let switching = vec![
        CrlEntry::new(&serial(0x30), at),
        CrlEntry::new(&leaf_serial, at).reason(reason::SUPERSEDED).extension(issuer(&r.other.name)?),
        CrlEntry::new(&serial(0x31), at),
        CrlEntry::new(&serial(0x32), at).extension(issuer(&r.int.name)?),
        CrlEntry::new(&leaf_serial, at).reason(reason::KEY_COMPROMISE),
        CrlEntry::new(&serial(0x33), at).extension(issuer(&i.name)?),
    ];
    let unlisted = vec![
        CrlEntry::new(&serial(0x30), at),
        CrlEntry::new(&leaf_serial, at).reason(reason::SUPERSEDED).extension(issuer(&r.other.name)?),
        CrlEntry::new(&serial(0x32), at).extension(issuer(&r.int.name)?),
    ];
    // The leaf's serial as an entry of I itself (no certificateIssuer): another certificate.
    let under_i = vec![
        CrlEntry::new(&leaf_serial, at).reason(reason::KEY_COMPROMISE),
        CrlEntry::new(&serial(0x32), at).extension(issuer(&r.int.name)?),
    ];
    let mut crl = |file: &str, by: &Issuer, number: u64, idp: &IssuingDistributionPoint, entries: Vec<CrlEntry>| {
        let der = idp_crl(r, by, number, idp, entries)?;
        g.file(&format!("crl/scope/{file}.crl"), der)
    };
    let i_good = crl("indirect-i", i, 1, &indirect_idp, unlisted)?;
    let i_switching = crl("indirect-i-switching-issuers", i, 2, &indirect_idp, switching)?;
    let i_under_i = crl("indirect-i-leaf-serial-of-i", i, 3, &indirect_idp, under_i)?;
    let i_not_indirect = crl("indirect-i-not-marked-indirect", i, 4, &idp_named(dp_name), r.padding())?;
    let int_names_dp = crl("indirect-leaf-issuer-names-dp", &r.int, 60, &indirect_idp, r.padding())?;
    let listing = vec![CrlEntry::new(&leaf_serial, at).reason(reason::KEY_COMPROMISE)];
    let int_names_dp_listed = crl("indirect-leaf-issuer-names-dp-listed", &r.int, 61, &indirect_idp, listing)?;
    let der = r
        .crl(&r.int, 62)?
        .entries(r.padding())
        .entry(CrlEntry::new(&leaf_serial, at).reason(reason::KEY_COMPROMISE))
        .sign(&r.int.key)?;
    let int_complete_listed = g.file("crl/scope/indirect-leaf-issuer-complete-listed.crl", der)?;

    let rows: [(&str, &String, Expect, &str); 9] = [
        (
            "indirect-i-good",
            &i_good,
            Expect::Good,
            "The leaf's distribution point names CA I (a CA under the same root) as cRLIssuer; I's indirect CRL for that point lists the leaf's serial only under another CA's certificateIssuer: good",
        ),
        (
            "indirect-i-switching-issuers-revoked",
            &i_switching,
            Expect::Revoked("keyCompromise"),
            "I's indirect CRL switches entry issuers with certificateIssuer (I, another CA with the leaf's serial, the intermediate, I again); the leaf's serial in the intermediate's run is keyCompromise: revoked for keyCompromise, not for the other CA's superseded",
        ),
        (
            "indirect-i-leaf-serial-of-i",
            &i_under_i,
            Expect::Good,
            "I's indirect CRL lists the leaf's serial before any certificateIssuer, i.e. a certificate of I itself, not the intermediate's leaf: good",
        ),
        (
            "indirect-i-not-marked-indirect",
            &i_not_indirect,
            Expect::Unknown(&[URL]),
            "A CRL from I naming the leaf's distribution point but without indirectCRL in its issuing distribution point covers only I's own certificates (RFC 5280 §6.3.3 (b)(1)): revocation_unknown",
        ),
        (
            "indirect-leaf-issuer-instead-of-crl-issuer",
            &int_names_dp,
            Expect::Unknown(&[URL]),
            "The distribution point names I as cRLIssuer, but the only CRL is the intermediate's own (indirectCRL, its issuing distribution point naming the leaf's point), as in NIST PKITS 4.14.35: not from the named CRL issuer, out of scope, revocation_unknown and never good",
        ),
        (
            "indirect-leaf-issuer-instead-of-crl-issuer-listed",
            &int_names_dp_listed,
            Expect::Unknown(&[URL]),
            "The same CRL of the intermediate lists the leaf: still out of scope, unknown, not revoked",
        ),
        (
            "indirect-leaf-issuer-complete-crl",
            &r.int_crl_good,
            Expect::Good,
            "The distribution point names I as cRLIssuer, and only the intermediate's complete CRL (no issuing distribution point) is supplied: not the point's CRL, but a CRL of the leaf's issuer that names no distribution point, which the last step of RFC 5280 §6.3.3 uses for all reasons: good",
        ),
        (
            "indirect-leaf-issuer-complete-crl-revoked",
            &int_complete_listed,
            Expect::Revoked("keyCompromise"),
            "The intermediate's complete CRL (no issuing distribution point) lists the leaf whose distribution point names I as cRLIssuer: revoked",
        ),
        (
            "indirect-i-certificate-missing",
            &i_good,
            Expect::Invalid,
            "I's indirect CRL without I's certificate: nothing with I's name verifies it, revocation_data_invalid",
        ),
    ];
    for (id, file, outcome, description) in rows {
        let mut c = r.case(&format!("crl/scope/{id}"), description).leaf(&leaf).crls(&[file]);
        if outcome != Expect::Invalid {
            c = c.revocation_certificates(&[i_file]);
        }
        g.add(expect(c, outcome))?;
    }
    Ok(())
}

/// A distribution point named relative to its cRLIssuer (RFC 5280 §4.2.1.13: the RDN is
/// appended to the cRLIssuer's name, not to the certificate issuer's).
fn indirect_relative(g: &mut Gen, r: &Rev, i: &Issuer, i_file: &String) -> Result<()> {
    let leaf_serial = serial(0x22);
    let point = DistributionPoint {
        distribution_point: Some(DistributionPointName::NameRelativeToCRLIssuer(cn_rdn("CRL1")?)),
        reasons: None,
        crl_issuer: Some(vec![dir(&i.name)]),
    };
    let builder =
        r.leaf_builder(&r.int, "Indirect Relative DP Leaf", &leaf_serial)?.extension(distribution_points(vec![point])?);
    let leaf = g.cert("crl/scope/indirect-relative-leaf.pem", &r.int.sign(&builder)?)?;
    let under_i =
        NameBuilder::new().c("US").o("Trustpath Test").cn("Revocation Indirect Issuer I").cn("CRL1").build()?;
    let under_int =
        NameBuilder::new().c("US").o("Trustpath Test").cn("Revocation Intermediate CA").cn("CRL1").build()?;
    let idp = |name: &Name| IssuingDistributionPoint {
        indirect_crl: true,
        ..idp_named(DistributionPointName::FullName(vec![dir(name)]))
    };
    let listing = || -> Result<Vec<CrlEntry>> {
        Ok(vec![
            CrlEntry::new(&serial(0x30), revoked_at()),
            CrlEntry::new(&leaf_serial, revoked_at())
                .reason(reason::KEY_COMPROMISE)
                .extension(crl::certificate_issuer(&r.int.name)?),
        ])
    };
    let unlisted = vec![CrlEntry::new(&serial(0x32), revoked_at()).extension(crl::certificate_issuer(&r.int.name)?)];
    let good = g.file("crl/scope/indirect-relative-i.crl", idp_crl(r, i, 10, &idp(&under_i), unlisted)?)?;
    let listed = g.file("crl/scope/indirect-relative-i-listed.crl", idp_crl(r, i, 11, &idp(&under_i), listing()?)?)?;
    let wrong =
        g.file("crl/scope/indirect-relative-wrong-base-listed.crl", idp_crl(r, i, 12, &idp(&under_int), listing()?)?)?;
    let rows: [(&str, &String, Expect, &str); 3] = [
        (
            "indirect-relative-good",
            &good,
            Expect::Good,
            "The leaf's distribution point is nameRelativeToCRLIssuer CN=CRL1 with cRLIssuer I, i.e. <I>, CN=CRL1; I's indirect CRL names that point as a fullName directoryName and does not list the leaf: good",
        ),
        (
            "indirect-relative-revoked",
            &listed,
            Expect::Revoked("keyCompromise"),
            "I's indirect CRL for <I>, CN=CRL1 lists the leaf under the intermediate (certificateIssuer): revoked",
        ),
        (
            "indirect-relative-wrong-base",
            &wrong,
            Expect::Unknown(&[]),
            "I's indirect CRL names <intermediate>, CN=CRL1 (the relative name appended to the certificate issuer instead of the cRLIssuer) and lists the leaf: not the leaf's distribution point, unknown, not revoked",
        ),
    ];
    for (id, file, outcome, description) in rows {
        let c = r
            .case(&format!("crl/scope/{id}"), description)
            .leaf(&leaf)
            .crls(&[file])
            .revocation_certificates(&[i_file]);
        g.add(expect(c, outcome))?;
    }
    Ok(())
}

fn issuer_encoding(g: &mut Gen, r: &Rev) -> Result<()> {
    // The intermediate's name in PrintableString and other letter case.
    let recased = NameBuilder::new()
        .attr(rfc4519::C, Tag::PrintableString, "US")
        .attr(rfc4519::O, Tag::PrintableString, "TRUSTPATH TEST")
        .attr(rfc4519::CN, Tag::PrintableString, "revocation intermediate ca")
        .build()?;
    // The intermediate's name without its organization: another name.
    let missing_rdn = NameBuilder::new().c("US").cn("Revocation Intermediate CA").build()?;
    let signed = |name: &Name, number: u64, listed: bool| -> Result<Vec<u8>> {
        let mut b =
            CrlBuilder::new(name, week_before(), week_after())?.extension(crl::crl_number(number)).entries(r.padding());
        if listed {
            b = b.entry(CrlEntry::new(LEAF_SERIAL, revoked_at()).reason(reason::KEY_COMPROMISE));
        }
        b.sign(&r.int.key)
    };
    let good = g.file("crl/scope/issuer-recased.crl", signed(&recased, 70, false)?)?;
    let listed = g.file("crl/scope/issuer-recased-listed.crl", signed(&recased, 71, true)?)?;
    let other = g.file("crl/scope/issuer-missing-rdn-listed.crl", signed(&missing_rdn, 72, true)?)?;
    let rows: [(&str, &String, Expect, &str); 3] = [
        (
            "issuer-recased-good",
            &good,
            Expect::Good,
            "The intermediate's CRL spells its issuer name in PrintableString and other letter case than the leaf's issuer field (UTF8String): the same name under RFC 5280 §7.1, the CRL applies, good",
        ),
        (
            "issuer-recased-revoked",
            &listed,
            Expect::Revoked("keyCompromise"),
            "The recased-issuer CRL lists the leaf: revoked",
        ),
        (
            "issuer-missing-rdn",
            &other,
            Expect::Unknown(&[LEAF_CRL_URL]),
            "A CRL signed by the intermediate's key but naming C=US, CN=Revocation Intermediate CA (no O) as issuer lists the leaf: another name, out of scope, revocation_unknown, not revoked",
        ),
    ];
    for (id, file, outcome, description) in rows {
        g.add(expect(r.case(&format!("crl/scope/{id}"), description).crls(&[file]), outcome))?;
    }
    Ok(())
}
