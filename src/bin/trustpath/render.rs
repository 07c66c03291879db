//! Describing certificates, anchors and validation errors, for people and as JSON. Shared by
//! the subcommands so that every command reports a certificate the same way.

use core::fmt::Write;

use const_oid::ObjectIdentifier;
use trustpath::policy::{ANY_POLICY, Finding, PolicySets};
use trustpath::revocation::{CertStatus, RevocationMode, RevocationStatus};
use trustpath::time::{format_rfc3339, format_unix_seconds};
use trustpath::{Anchor, Certificate, Need, NeedKind, Reason, ValidationError};

use crate::json::Json;

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// `{"subject", "issuer", "serial", "sha256"}`: RFC 4514 names, the serial as the hex of the
/// DER INTEGER's content octets, and the SHA-256 of the certificate DER.
pub fn certificate_json(cert: &Certificate) -> Json {
    Json::Object(vec![
        ("subject", Json::str(cert.subject_string())),
        ("issuer", Json::str(cert.issuer_string())),
        ("serial", Json::str(cert.serial_hex())),
        ("sha256", Json::str(hex(&cert.sha256()))),
    ])
}

/// `{"subject", "community", "sha256"}`; `sha256` is `null` for an anchor without a certificate.
pub fn anchor_json(anchor: &Anchor) -> Json {
    Json::Object(vec![
        ("subject", Json::str(anchor.subject_string())),
        ("community", Json::str(anchor.community())),
        ("sha256", Json::opt_str(anchor.certificate().map(|c| hex(&c.sha256())))),
    ])
}

/// `{"kind", "message", "certificate_index"}`; the index is `null` when the failure concerns the
/// whole search.
pub fn error_json(error: &ValidationError) -> Json {
    Json::Object(vec![
        ("kind", Json::str(error.kind())),
        ("message", Json::str(error.to_string())),
        ("certificate_index", error.certificate_index().map_or(Json::Null, Json::from)),
    ])
}

/// A certificate as an indented block headed `label` (e.g. `[0]`).
pub fn certificate_text(out: &mut String, label: &str, cert: &Certificate) {
    let _ = writeln!(out, "  {label} {}", cert.subject_string());
    let pad = " ".repeat(label.len() + 3);
    let _ = writeln!(out, "{pad}issuer:   {}", cert.issuer_string());
    let _ = writeln!(out, "{pad}serial:   {}", cert.serial_hex());
    let (not_before, not_after) =
        (format_unix_seconds(cert.not_before_secs()), format_unix_seconds(cert.not_after_secs()));
    let _ = writeln!(out, "{pad}validity: {not_before} to {not_after}");
    let _ = writeln!(out, "{pad}sha256:   {}", hex(&cert.sha256()));
}

/// The names a certificate can be matched against (`DNS:...`, `IP:...`).
fn dns_and_ip_names(cert: &Certificate) -> Vec<String> {
    let dns = cert.san_dns_names().map(|n| format!("DNS:{n}"));
    dns.chain(cert.san_ips().map(|ip| format!("IP:{ip}"))).collect()
}

/// What the person running the command can do about `error`. `leaf` is the validated
/// certificate; `profile` the profile name in force.
pub fn hint(error: &ValidationError, leaf: &Certificate, profile: &str) -> String {
    match error.reason() {
        Reason::UnknownIssuer => format!(
            "no issuer of this certificate was found: supply the intermediate that issued it with --intermediates, \
             or check that the anchors (--anchors, --community) hold the root it chains to{}",
            where_to_fetch(error, &[NeedKind::Issuer], "; the certificate says its issuer is at")
        ),
        Reason::Expired { not_after } => format!(
            "it expired {}: renew the certificate, or pass --time to validate at another moment",
            // The epoch stands for any notAfter up to it (UTCTime reaches back to 1950).
            match not_after.as_secs() {
                0 => "before 1970".to_owned(),
                _ => format!("at {}", format_rfc3339(*not_after)),
            }
        ),
        Reason::NotYetValid { not_before } => format!(
            "it is valid only from {}: check the clock or --time, or wait until then",
            format_rfc3339(*not_before)
        ),
        Reason::BadSignature => "the signature does not verify with the issuer's key: the issuer supplied is not the \
                                 one that signed it (check --intermediates and the anchors), or the certificate was \
                                 altered"
            .into(),
        Reason::UnsupportedSignatureAlgorithm(_) | Reason::UnsupportedPublicKey(_) | Reason::WeakRsaKey { .. } => {
            "reissue the certificate with an allowed key and algorithm (RSA of 2048 bits or more, ECDSA P-256 or \
             P-384, or Ed25519; SHA-256 or better)"
                .into()
        }
        Reason::Malformed(_) | Reason::SignatureAlgorithmMismatch => {
            "the certificate is malformed: it must be reissued".into()
        }
        Reason::NotCa => "a certificate used as an issuer is not a CA certificate: check that --intermediates and \
                          the anchors hold the right CA certificates"
            .into(),
        Reason::PathLenExceeded => {
            "an issuer's pathLenConstraint allows fewer CA certificates below it: use a shorter chain".into()
        }
        Reason::MissingKeyCertSign => {
            "an issuer's keyUsage does not allow signing certificates, so it cannot act as a CA here".into()
        }
        Reason::KeyUsageNotAllowed(_) => format!(
            "the leaf's keyUsage does not allow what the {profile} profile needs: use a certificate issued for \
             this purpose, or choose another --profile"
        ),
        Reason::ExtendedKeyUsageNotAllowed(oid) => format!(
            "the certificate (or a CA above it) does not allow the purpose {oid}: use a certificate issued for \
             it, or check --eku and --profile"
        ),
        Reason::NameConstraintViolation { .. } => {
            "a CA's name constraints forbid this name: the certificate cannot be trusted under that CA".into()
        }
        Reason::UnknownCriticalExtension(_) => {
            "the certificate has a critical extension trustpath does not process, so it cannot be accepted".into()
        }
        Reason::Profile(_) => format!(
            "the certificate breaks a rule of the {profile} profile: it must be reissued, or validate it under \
             another --profile (without --strict)"
        ),
        Reason::NameMismatch(_) => {
            let names = dns_and_ip_names(leaf);
            if names.is_empty() {
                "the certificate has no DNS or IP subjectAltName: check --server-name".into()
            } else {
                format!("check --server-name; the certificate is valid for {}", names.join(", "))
            }
        }
        Reason::MaxDepthExceeded(n) => {
            format!("the path needs more than {n} intermediate certificates: raise --max-depth or use a shorter chain")
        }
        Reason::BudgetExceeded(_) => {
            "the path search was too expensive: supply fewer, more relevant --intermediates".into()
        }
        Reason::Hook(_) => "a policy check rejected the certificate".into(),
        _ => match error.kind() {
            "revoked" => "the certificate has been revoked by its issuer: it must not be trusted".into(),
            "revocation_unknown" => "revocation checking is hard-fail (--revocation hard, the default of the udap \
                                     and direct profiles) and no usable CRL or OCSP response covers this \
                                     certificate: fetch one and pass it with --crl or --ocsp, or accept an \
                                     unknown status with --revocation soft"
                .into(),
            "revocation_data_invalid" => "the CRL or OCSP response for this certificate cannot be trusted: \
                                          fetch a fresh one from its issuer (with --intermediates holding the \
                                          certificate that signed it, if it is not the issuer itself)"
                .into(),
            "certificate_policy" => {
                let asserted: Vec<String> = leaf.policy_oids().iter().map(policy_name).collect();
                format!(
                    "the path is not valid for any acceptable certificate policy: check --initial-policy, \
                     --require-explicit-policy, --inhibit-policy-mapping and --inhibit-any-policy (the leaf \
                     asserts {})",
                    if asserted.is_empty() { "no policy".to_string() } else { asserted.join(", ") }
                )
            }
            _ => "see the rule above".into(),
        },
    }
}

/// `"{lead} URL, URL"` with the URLs the error says data of these kinds can be fetched from,
/// or nothing when it names none.
fn where_to_fetch(error: &ValidationError, kinds: &[NeedKind], lead: &str) -> String {
    let urls: Vec<&str> = error
        .needs()
        .iter()
        .filter(|n| kinds.contains(&n.kind))
        .flat_map(|n| n.urls.iter().map(String::as_str))
        .collect();
    if urls.is_empty() { String::new() } else { format!("{lead} {}", urls.join(", ")) }
}

/// One certificate's revocation status, as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// Index in the path (0 = leaf).
    pub certificate_index: usize,
    /// `good`, `revoked` or `unknown`.
    pub status: &'static str,
    /// `crl`, `ocsp` or `none`.
    pub source: &'static str,
    /// The CRL reason code's name, for a revoked certificate.
    pub reason: Option<&'static str>,
}

/// The statuses of a verified path.
pub fn status_rows(statuses: &[RevocationStatus]) -> Vec<StatusRow> {
    statuses
        .iter()
        .map(|s| {
            let (status, reason) = match s.status {
                CertStatus::Good => ("good", None),
                CertStatus::Revoked { reason } => ("revoked", Some(reason)),
                CertStatus::Unknown => ("unknown", None),
            };
            StatusRow { certificate_index: s.certificate_index, status, source: s.source.as_str(), reason }
        })
        .collect()
}

/// What a rejection says about revocation: the revoked certificate, or the one whose status
/// was unknown under hard-fail. (The statuses of the other certificates checked before it are
/// not part of the error.)
pub fn error_status_rows(error: &ValidationError) -> Vec<StatusRow> {
    let Some(certificate_index) = error.certificate_index() else { return Vec::new() };
    match error.reason() {
        Reason::Revoked { reason, via } => {
            let source = match *via {
                "CRL" => "crl",
                "OCSP" => "ocsp",
                _ => "none",
            };
            vec![StatusRow { certificate_index, status: "revoked", source, reason: Some(reason) }]
        }
        Reason::RevocationUnknown => {
            vec![StatusRow { certificate_index, status: "unknown", source: "none", reason: None }]
        }
        _ => Vec::new(),
    }
}

/// `[{"certificate_index", "status", "source"}, ...]`.
pub fn revocation_json(rows: &[StatusRow]) -> Json {
    Json::Array(
        rows.iter()
            .map(|r| {
                Json::Object(vec![
                    ("certificate_index", Json::from(r.certificate_index)),
                    ("status", Json::str(r.status)),
                    ("source", Json::str(r.source)),
                ])
            })
            .collect(),
    )
}

/// The revocation statuses of a verified path, one line per certificate.
pub fn revocation_text(out: &mut String, rows: &[StatusRow], mode: RevocationMode) {
    let mode = match mode {
        RevocationMode::Off => {
            let _ = writeln!(out, "Revocation: not checked (--revocation off)");
            return;
        }
        RevocationMode::SoftFail => "soft: an unknown status is allowed",
        RevocationMode::HardFail => "hard: an unknown status rejects",
    };
    let _ = writeln!(out, "Revocation ({mode}):");
    for r in rows {
        let via = match r.source {
            "crl" => "according to a CRL",
            "ocsp" => "according to an OCSP response",
            _ => "no usable CRL or OCSP response",
        };
        match r.reason {
            Some(reason) => {
                let _ = writeln!(out, "  [{}] {} ({reason}), {via}", r.certificate_index, r.status);
            }
            None => {
                let _ = writeln!(out, "  [{}] {}, {via}", r.certificate_index, r.status);
            }
        }
    }
}

/// An OID for people: anyPolicy is named.
fn policy_name(oid: &ObjectIdentifier) -> String {
    if *oid == ANY_POLICY { format!("{oid} (anyPolicy)") } else { oid.to_string() }
}

fn oids_json(oids: &[ObjectIdentifier]) -> Json {
    Json::Array(oids.iter().map(|o| Json::str(o.to_string())).collect())
}

/// `{"authorities_constrained": [OID, ...], "user_constrained": [OID, ...]}`, or `null`.
pub fn policies_json(sets: Option<&PolicySets>) -> Json {
    sets.map_or(Json::Null, |sets| {
        Json::Object(vec![
            ("authorities_constrained", oids_json(&sets.authorities_constrained)),
            ("user_constrained", oids_json(&sets.user_constrained)),
        ])
    })
}

/// The policy sets a verified path ends with.
pub fn policies_text(out: &mut String, sets: &PolicySets) {
    let list = |oids: &[ObjectIdentifier]| {
        if oids.is_empty() { "(none)".to_string() } else { oids.iter().map(policy_name).collect::<Vec<_>>().join(", ") }
    };
    let _ = writeln!(out, "Certificate policies (RFC 5280 6.1.6):");
    let _ = writeln!(out, "  authorities-constrained: {}", list(&sets.authorities_constrained));
    let _ = writeln!(out, "  user-constrained:        {}", list(&sets.user_constrained));
}

/// `[{"certificate_index", "kind", "urls"}, ...]`.
/// The `"findings"` array: certificate-profile rules the path breaks without being refused.
pub fn findings_json(findings: &[Finding]) -> Json {
    Json::Array(
        findings
            .iter()
            .map(|f| {
                let rule = f.rule();
                Json::Object(vec![
                    ("rule", Json::str(rule.id)),
                    ("citation", Json::str(rule.citation)),
                    ("certificate_index", Json::from(f.certificate_index())),
                    ("message", Json::str(rule.message)),
                ])
            })
            .collect(),
    )
}

/// One `warning:` line per finding.
pub fn findings_text(out: &mut String, findings: &[Finding]) {
    for f in findings {
        let rule = f.rule();
        let _ = writeln!(
            out,
            "warning: certificate [{}]: {} ({}; rule {}; --strict refuses it)",
            f.certificate_index(),
            rule.message,
            rule.citation,
            rule.id
        );
    }
}

pub fn needs_json(needs: &[Need]) -> Json {
    Json::Array(
        needs
            .iter()
            .map(|n| {
                Json::Object(vec![
                    ("certificate_index", Json::from(n.certificate_index)),
                    ("kind", Json::str(n.kind.as_str())),
                    ("urls", Json::Array(n.urls.iter().map(Json::str).collect())),
                ])
            })
            .collect(),
    )
}

/// What to fetch, headed `heading`: one line per need that names a URL, and a line for the
/// needs that name none (nothing when there are no needs).
pub fn needs_text(out: &mut String, needs: &[Need], heading: &str) {
    if needs.is_empty() {
        return;
    }
    let _ = writeln!(out, "{heading}");
    let mut revocation_located = false;
    for need in needs.iter().filter(|n| !n.urls.is_empty()) {
        revocation_located |= need.kind != NeedKind::Issuer;
        let (what, option) = match need.kind {
            NeedKind::Crl => ("the CRL", "--crl"),
            NeedKind::Ocsp => ("an OCSP response", "--ocsp"),
            NeedKind::Issuer => ("the issuer certificate", "--intermediates"),
            _ => ("the data", "the matching option"),
        };
        let _ = writeln!(
            out,
            "  [{}] fetch {what} from {} and pass it with {option}",
            need.certificate_index,
            need.urls.join(" or ")
        );
    }
    let unlocated = |issuer: bool| needs.iter().any(|n| n.urls.is_empty() && (n.kind == NeedKind::Issuer) == issuer);
    if unlocated(true) {
        let _ = writeln!(
            out,
            "  the certificates name no location for the missing issuer (no AIA caIssuers): obtain the \
             issuer certificate and pass it with --intermediates"
        );
    }
    if unlocated(false) && !revocation_located {
        let _ = writeln!(
            out,
            "  the certificates name no CRL distribution point or OCSP responder: obtain a CRL or OCSP \
             response from the issuer and pass it with --crl or --ocsp"
        );
    }
}
