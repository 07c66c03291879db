//! OCSP cases (RFC 6960): responses signed by the issuing CA and by delegated responders (with
//! and without id-kp-OCSPSigning, certified by the CA or by someone else), good, revoked and
//! unknown statuses, stale and premature responses, SHA-1 and SHA-256 CertIDs, CertIDs that
//! do not match, bad signatures, and OCSP together with CRLs.

use trustpath_testgen::crl::{CrlEntry, reason};
use trustpath_testgen::ocsp::{
    CertId, CertIdHash, EKU_OCSP_SIGNING, ID_PKIX_OCSP_NOCHECK, OcspCertStatus, ResponderId, SingleResponse,
};
use trustpath_testgen::templates::Issuer;
use trustpath_testgen::time::{unix, validation_time};
use trustpath_testgen::{CertBuilder, KeyKind, KeyPair, OcspResponseBuilder, Result, ext};
use x509_cert::ext::pkix::KeyUsages;

use super::critical::PRIVATE_EXTENSION;
use super::crl::LEAF_NEEDS;
use super::revocation::{INT_SERIAL, LEAF_SERIAL, Rev, revoked_at};
use crate::context::{Gen, subject};

fn this_update() -> u64 {
    validation_time() - 86_400
}

fn next_update() -> Option<u64> {
    Some(validation_time() + 6 * 86_400)
}

fn produced_at() -> u64 {
    validation_time() - 3_600
}

/// The CertID of the main leaf.
fn leaf_id(r: &Rev, hash: CertIdHash) -> Result<CertId> {
    CertId::new(hash, &r.int.name, r.int.key.spki_der(), LEAF_SERIAL)
}

/// A response about the main leaf signed by the intermediate itself.
fn by_issuer(r: &Rev, single: SingleResponse) -> OcspResponseBuilder {
    OcspResponseBuilder::new(ResponderId::ByName(r.int.name.clone()), produced_at()).response(single)
}

fn single(id: CertId, status: OcspCertStatus) -> SingleResponse {
    SingleResponse::new(id, status, this_update(), next_update())
}

fn revoked(reason: Option<u8>) -> OcspCertStatus {
    OcspCertStatus::Revoked { time: revoked_at(), reason }
}

/// A delegated responder certificate: `name`, `key`, issued by `by` under the name
/// `issuer_name`, with the given EKU purposes and validity.
fn responder(
    name: &str,
    key: &KeyPair,
    by: &Issuer,
    issuer_name: &x509_cert::name::Name,
    ekus: &[const_oid::ObjectIdentifier],
    validity: Option<(u64, u64)>,
) -> Result<Vec<u8>> {
    let mut b = CertBuilder::new(&subject(name)?, key).issuer(issuer_name).extensions([
        ext::key_usage(true, &[KeyUsages::DigitalSignature])?,
        ext::extended_key_usage(false, ekus)?,
        ext::unknown(ID_PKIX_OCSP_NOCHECK, false, &[0x05, 0x00]),
        ext::subject_key_identifier(&key.key_id())?,
        ext::authority_key_identifier(&by.key.key_id())?,
    ]);
    if let Some((from, to)) = validity {
        b = b.validity(from, to);
    }
    by.sign(&b)
}

pub fn generate(g: &mut Gen, r: &Rev) -> Result<()> {
    issuer_signed(g, r)?;
    delegated(g, r)?;
    freshness(g, r)?;
    matching(g, r)?;
    combined(g, r)?;
    Ok(())
}

fn issuer_signed(g: &mut Gen, r: &Rev) -> Result<()> {
    for (hash, label) in [(CertIdHash::Sha1, "sha1"), (CertIdHash::Sha256, "sha256")] {
        let der = by_issuer(r, single(leaf_id(r, hash)?, OcspCertStatus::Good)).sign(&r.int.key)?;
        let file = g.file(&format!("ocsp/good-{label}.ocsp"), der)?;
        g.add(
            r.case(
                &format!("ocsp/good-{label}"),
                &format!("A good response signed by the issuing CA, CertID hashed with {label}: good, from OCSP"),
            )
            .ocsp(&[&file])
            .statuses(&[(0, "good", "ocsp")])
            .needs(&[])
            .done(),
        )?;
    }
    let der =
        by_issuer(r, single(leaf_id(r, CertIdHash::Sha1)?, revoked(Some(reason::KEY_COMPROMISE)))).sign(&r.int.key)?;
    let file = g.file("ocsp/revoked.ocsp", der)?;
    g.add(
        r.case("ocsp/revoked", "The issuing CA's response says revoked (keyCompromise): revoked")
            .ocsp(&[&file])
            .reject("revoked", Some(0))
            .revoked_reason("keyCompromise")
            .done(),
    )?;
    let der = by_issuer(r, single(leaf_id(r, CertIdHash::Sha1)?, revoked(None))).sign(&r.int.key)?;
    let file = g.file("ocsp/revoked-no-reason.ocsp", der)?;
    g.add(
        r.case("ocsp/revoked-no-reason", "A revoked response without a reason: revoked (unspecified)")
            .ocsp(&[&file])
            .reject("revoked", Some(0))
            .revoked_reason("unspecified")
            .done(),
    )?;
    let der = by_issuer(r, single(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Unknown)).sign(&r.int.key)?;
    let file = g.file("ocsp/unknown.ocsp", der)?;
    g.add(
        r.case(
            "ocsp/unknown-hard",
            "The response says unknown; hard-fail: revocation_unknown, with the leaf's CRL DP and OCSP URLs as needs",
        )
        .ocsp(&[&file])
        .reject("revocation_unknown", Some(0))
        .needs(&LEAF_NEEDS)
        .done(),
    )?;
    g.add(
        r.case(
            "ocsp/unknown-soft",
            "The response says unknown; soft-fail: accepted with status unknown, needs reported",
        )
        .revocation("soft", "leaf")
        .ocsp(&[&file])
        .statuses(&[(0, "unknown", "none")])
        .needs(&LEAF_NEEDS)
        .done(),
    )?;
    let der = by_issuer(r, single(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good))
        .corrupt_signature()
        .sign(&r.int.key)?;
    let file = g.file("ocsp/bad-signature.ocsp", der)?;
    g.add(
        r.case("ocsp/bad-signature", "A good response whose signature is corrupt: revocation_data_invalid")
            .ocsp(&[&file])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    let der = by_issuer(r, single(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good))
        .extension(ext::unknown(PRIVATE_EXTENSION, true, &[0x05, 0x00]))
        .sign(&r.int.key)?;
    let file = g.file("ocsp/unknown-critical-extension.ocsp", der)?;
    g.add(
        r.case(
            "ocsp/unknown-critical-extension",
            "A good response with an unknown critical response extension: revocation_data_invalid",
        )
        .ocsp(&[&file])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    let mut s = single(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good);
    s.extensions.push(ext::unknown(PRIVATE_EXTENSION, true, &[0x05, 0x00]));
    let der = by_issuer(r, s).sign(&r.int.key)?;
    let file = g.file("ocsp/unknown-critical-single-extension.ocsp", der)?;
    g.add(
        r.case(
            "ocsp/unknown-critical-single-extension",
            "A good SingleResponse with an unknown critical singleExtension: revocation_data_invalid",
        )
        .ocsp(&[&file])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    let id = |serial: &[u8]| CertId::new(CertIdHash::Sha1, &r.int.name, r.int.key.spki_der(), serial);
    let der = OcspResponseBuilder::new(ResponderId::by_key(r.int.key.spki_der())?, produced_at())
        .response(single(id(&[0x0f, 0xff, 0x00, 0x01])?, revoked(Some(reason::SUPERSEDED))))
        .response(single(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good))
        .response(single(id(&[0x00, 0xc0, 0x5e, 0x1a, 0x1b, 0x00, 0x00, 0x02])?, OcspCertStatus::Unknown))
        .sign(&r.int.key)?;
    let file = g.file("ocsp/several-responses-by-key.ocsp", der)?;
    g.add(
        r.case(
            "ocsp/several-responses-by-key",
            "The CA's response (responder ID byKey) carries three SingleResponses; the leaf's says good",
        )
        .ocsp(&[&file])
        .statuses(&[(0, "good", "ocsp")])
        .done(),
    )?;
    Ok(())
}

fn delegated(g: &mut Gen, r: &Rev) -> Result<()> {
    let key = g.key("rev-ocsp-responder", KeyKind::P256)?;
    let signing = [EKU_OCSP_SIGNING];
    let good = single(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good);
    let response = |cert: Option<&Vec<u8>>| -> Result<Vec<u8>> {
        let mut b =
            OcspResponseBuilder::new(ResponderId::by_key(key.spki_der())?, produced_at()).response(good.clone());
        if let Some(c) = cert {
            b = b.certificate(c.clone());
        }
        b.sign(&key)
    };
    let cert = responder("Revocation OCSP Responder", &key, &r.int, &r.int.name, &signing, None)?;
    let cert_file = g.cert("ocsp/responder.pem", &cert)?;
    let file = g.file("ocsp/delegated.ocsp", response(Some(&cert))?)?;
    g.add(
        r.case("ocsp/delegated", "A good response from a delegated responder the CA certified with id-kp-OCSPSigning (certificate in the response): good")
            .ocsp(&[&file])
            .statuses(&[(0, "good", "ocsp")])
            .done(),
    )?;
    let file = g.file("ocsp/delegated-without-certs.ocsp", response(None)?)?;
    g.add(
        r.case("ocsp/delegated-supplied", "The same responder's response without embedded certificates; the responder certificate is supplied with the revocation data: good")
            .ocsp(&[&file])
            .revocation_certificates(&[&cert_file])
            .statuses(&[(0, "good", "ocsp")])
            .done(),
    )?;
    g.add(
        r.case("ocsp/delegated-missing", "The delegated responder's response without its certificate anywhere: the signer is unknown, revocation_data_invalid")
            .ocsp(&[&file])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;

    let cert =
        responder("Revocation OCSP Responder Without EKU", &key, &r.int, &r.int.name, &[ext::EKU_SERVER_AUTH], None)?;
    let file = g.file("ocsp/delegated-no-eku.ocsp", response(Some(&cert))?)?;
    g.add(
        r.case("ocsp/delegated-no-eku", "The delegated responder's certificate, certified by the CA, lacks id-kp-OCSPSigning: revocation_data_invalid")
            .ocsp(&[&file])
            .reject("revocation_data_invalid", Some(0))
            .done(),
    )?;
    let cert = responder("Revocation OCSP Responder Of Another CA", &key, &r.other, &r.other.name, &signing, None)?;
    let file = g.file("ocsp/responder-other-ca.ocsp", response(Some(&cert))?)?;
    g.add(
        r.case(
            "ocsp/responder-other-ca",
            "The responder (with id-kp-OCSPSigning) is certified by another CA: revocation_data_invalid",
        )
        .ocsp(&[&file])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    let impostor = Issuer::new(r.int.name.clone(), g.key("rev-impostor", KeyKind::P256)?, Vec::new());
    let cert = responder("Revocation Forged OCSP Responder", &key, &impostor, &r.int.name, &signing, None)?;
    let file = g.file("ocsp/responder-forged.ocsp", response(Some(&cert))?)?;
    g.add(
        r.case(
            "ocsp/responder-forged",
            "The responder certificate names the CA as issuer but is signed by another key: revocation_data_invalid",
        )
        .ocsp(&[&file])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    let expired = Some((unix(2025, 1, 1, 0, 0, 0), unix(2026, 1, 1, 0, 0, 0)));
    let cert = responder("Revocation Expired OCSP Responder", &key, &r.int, &r.int.name, &signing, expired)?;
    let file = g.file("ocsp/responder-expired.ocsp", response(Some(&cert))?)?;
    g.add(
        r.case(
            "ocsp/responder-expired",
            "The delegated responder's certificate expired before the validation time: revocation_data_invalid",
        )
        .ocsp(&[&file])
        .reject("revocation_data_invalid", Some(0))
        .done(),
    )?;
    Ok(())
}

fn freshness(g: &mut Gen, r: &Rev) -> Result<()> {
    let t = validation_time();
    let variants: [(&str, u64, Option<u64>, bool, &str); 4] = [
        (
            "stale",
            t - 10 * 86_400,
            Some(t - 3 * 86_400),
            false,
            "A good response whose nextUpdate is before the validation time: stale, revocation_unknown",
        ),
        (
            "not-yet-valid",
            t + 86_400,
            Some(t + 8 * 86_400),
            false,
            "A good response whose thisUpdate is after the validation time: not usable, revocation_unknown",
        ),
        (
            "no-next-update-fresh",
            t - 3_600,
            None,
            true,
            "A good response without nextUpdate, one hour old (within the default maximum age of one day): good",
        ),
        (
            "no-next-update-old",
            t - 3 * 86_400,
            None,
            false,
            "A good response without nextUpdate, three days old (beyond the default maximum age of one day): revocation_unknown",
        ),
    ];
    for (id, this, next, good, description) in variants {
        let s = SingleResponse::new(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good, this, next);
        let der =
            OcspResponseBuilder::new(ResponderId::ByName(r.int.name.clone()), this).response(s).sign(&r.int.key)?;
        let file = g.file(&format!("ocsp/{id}.ocsp"), der)?;
        let c = r.case(&format!("ocsp/{id}"), description).ocsp(&[&file]);
        g.add(if good {
            c.statuses(&[(0, "good", "ocsp")]).done()
        } else {
            c.reject("revocation_unknown", Some(0)).needs(&LEAF_NEEDS).done()
        })?;
    }
    Ok(())
}

fn matching(g: &mut Gen, r: &Rev) -> Result<()> {
    let other_serial = CertId::new(
        CertIdHash::Sha1,
        &r.int.name,
        r.int.key.spki_der(),
        &[0x00, 0xc0, 0x5e, 0x1a, 0x1b, 0x00, 0x00, 0x02],
    )?;
    let mut other_key = leaf_id(r, CertIdHash::Sha1)?;
    other_key.key_hash = CertIdHash::Sha1.digest(&trustpath_testgen::ocsp::public_key_bits(r.root.key.spki_der())?);
    let mut other_name = leaf_id(r, CertIdHash::Sha256)?;
    other_name.name_hash = CertIdHash::Sha256.digest(&der::Encode::to_der(&r.root.name)?);
    // The leaf's serial INTEGER is 00 c0 5e ..; without the leading zero the same octets are
    // a negative number, another serial.
    let negative = CertId::new(CertIdHash::Sha1, &r.int.name, r.int.key.spki_der(), &LEAF_SERIAL[1..])?;
    let variants = [
        (
            "serial-sign-mismatch",
            negative,
            "The CA's good response is for serial -0x3fa1e5e4ffffff (the leaf's serial octets without the leading zero, a negative INTEGER): another serial, not applicable, revocation_unknown",
        ),
        (
            "other-serial",
            other_serial,
            "The CA's good response is for another serial: not applicable, revocation_unknown",
        ),
        (
            "other-issuer-key-hash",
            other_key,
            "The CertID's issuerKeyHash is the root's key: not applicable, revocation_unknown",
        ),
        (
            "other-issuer-name-hash",
            other_name,
            "The CertID's issuerNameHash (SHA-256) is the root's name: not applicable, revocation_unknown",
        ),
    ];
    for (id, cert_id, description) in variants {
        let der = by_issuer(r, single(cert_id, OcspCertStatus::Good)).sign(&r.int.key)?;
        let file = g.file(&format!("ocsp/{id}.ocsp"), der)?;
        g.add(
            r.case(&format!("ocsp/{id}"), description)
                .ocsp(&[&file])
                .reject("revocation_unknown", Some(0))
                .needs(&LEAF_NEEDS)
                .done(),
        )?;
    }
    Ok(())
}

fn combined(g: &mut Gen, r: &Rev) -> Result<()> {
    let good = g.file(
        "ocsp/combined-good.ocsp",
        by_issuer(r, single(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good)).sign(&r.int.key)?,
    )?;
    let der = r
        .crl(&r.int, 2)?
        .entries(r.padding())
        .entry(CrlEntry::new(LEAF_SERIAL, revoked_at()).reason(reason::KEY_COMPROMISE))
        .sign(&r.int.key)?;
    let crl_revoked = g.file("crl/leaf-revoked.crl", der)?;
    g.add(
        r.case(
            "ocsp/good-but-crl-revoked",
            "A good OCSP response and a current CRL that lists the leaf: revoked (any trustworthy revoked status wins)",
        )
        .ocsp(&[&good])
        .crls(&[&crl_revoked])
        .reject("revoked", Some(0))
        .revoked_reason("keyCompromise")
        .done(),
    )?;
    let t = validation_time();
    let s =
        SingleResponse::new(leaf_id(r, CertIdHash::Sha1)?, OcspCertStatus::Good, t - 10 * 86_400, Some(t - 3 * 86_400));
    let der = OcspResponseBuilder::new(ResponderId::ByName(r.int.name.clone()), t - 10 * 86_400)
        .response(s)
        .sign(&r.int.key)?;
    let stale = g.file("ocsp/stale.ocsp", der)?;
    g.add(
        r.case(
            "ocsp/stale-but-crl-good",
            "A stale OCSP response and a current CRL not listing the leaf: good, from the CRL",
        )
        .ocsp(&[&stale])
        .crls(&[&r.int_crl_good])
        .statuses(&[(0, "good", "crl")])
        .done(),
    )?;
    let int_id = CertId::new(CertIdHash::Sha1, &r.root.name, r.root.key.spki_der(), INT_SERIAL)?;
    let der = OcspResponseBuilder::new(ResponderId::ByName(r.root.name.clone()), produced_at())
        .response(single(int_id, OcspCertStatus::Good))
        .sign(&r.root.key)?;
    let int_good = g.file("ocsp/intermediate-good.ocsp", der)?;
    g.add(
        r.case("ocsp/chain-good", "Chain scope: the intermediate's response (signed by the root) and the leaf's (signed by the intermediate) both say good")
            .revocation("hard", "chain")
            .ocsp(&[&good, &int_good])
            .statuses(&[(0, "good", "ocsp"), (1, "good", "ocsp")])
            .needs(&[])
            .done(),
    )?;
    g.add(
        r.case("ocsp/chain-mixed", "Chain scope: the leaf's status from OCSP, the intermediate's from the root's CRL")
            .revocation("hard", "chain")
            .ocsp(&[&good])
            .crls(&[&r.root_crl_good])
            .statuses(&[(0, "good", "ocsp"), (1, "good", "crl")])
            .done(),
    )?;
    Ok(())
}
