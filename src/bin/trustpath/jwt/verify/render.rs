//! The reports of `trustpath jwt verify`: one JSON line or a text block per token.

use core::fmt::Write;

use serde_json::Value;
use trustpath::time::format_rfc3339;
use trustpath::{Certificate, Need, VerifiedPath};

use super::{Context, Report};
use crate::fetching::{fetched_json, fetched_text};
use crate::json::Json;
use crate::render::{certificate_json, findings_json, findings_text, hint, needs_text};

/// The certificates to show: the verified path (leaf first, without the anchor), or `x5c[0]`.
fn shown_path(report: &Report) -> Vec<&Certificate> {
    match &report.path {
        Some(path) => {
            let mut certs: Vec<&Certificate> = path.certificates().iter().collect();
            if certs.first() != Some(&path.leaf()) {
                certs.insert(0, path.leaf());
            }
            certs
        }
        None => report.signer.iter().collect(),
    }
}

pub(super) fn json_report(report: &Report) -> Json {
    let error = report.failure.as_ref().map_or(Json::Null, |f| {
        Json::Object(vec![
            ("kind", Json::str(f.kind)),
            ("message", Json::str(f.message.clone())),
            ("oauth_error", Json::opt_str(f.oauth_error)),
        ])
    });
    let mut object = vec![
        ("valid", Json::Bool(report.failure.is_none())),
        ("claims", report.claims.clone().map_or(Json::Null, |c| Json::Value(Value::Object(c)))),
        ("path", Json::Array(shown_path(report).into_iter().map(certificate_json).collect())),
        ("community", Json::opt_str(report.path.as_ref().map(|p| p.community()))),
        ("san_uri", Json::opt_str(report.san_uri.clone())),
        ("error", error),
        ("findings", findings_json(report.path.as_ref().map(VerifiedPath::findings).unwrap_or_default())),
    ];
    if let Some(records) = &report.fetched {
        object.push(("fetched", fetched_json(records)));
    }
    Json::Object(object)
}

pub(super) fn text_report(out: &mut String, prefix: &str, context: &Context<'_>, report: &Report) {
    let options = context.options;
    let checked = format!(
        "checked at {}, profile {}, {}",
        format_rfc3339(context.time),
        options.target.profile().name(),
        options.checks.describe(&options.policy, &context.revocation)
    );
    match (&report.failure, &report.path) {
        (None, Some(path)) => {
            let _ = writeln!(out, "{prefix}VALID {} in community {}", report.summary, path.community());
            findings_text(out, path.findings());
            for line in &report.details {
                let _ = writeln!(out, "  {line}");
            }
            for (i, cert) in shown_path(report).iter().enumerate() {
                let _ = writeln!(out, "  [{i}] {}", cert.subject_string());
            }
            let _ = writeln!(out, "  anchor: {}", path.anchor().subject_string());
            let _ = writeln!(out, "  {checked}");
            indented_needs(out, path.needs(), "Missing revocation data (fetch it to raise assurance):");
        }
        (failure, _) => {
            let (kind, message, oauth_error) = match failure {
                Some(f) => (f.kind, f.message.as_str(), f.oauth_error),
                None => ("internal", "no verified path", None),
            };
            let _ = writeln!(out, "{prefix}REJECTED ({}): {message}", oauth_error.unwrap_or(kind));
            let _ = writeln!(out, "  token:  {}", report.summary);
            let _ = writeln!(out, "  rule:   {kind}");
            if let Some(signer) = &report.signer {
                let _ = writeln!(out, "  signer: {}", signer.subject_string());
            }
            let path_error = failure.as_ref().and_then(|f| f.path_error.as_ref());
            if let (Some(error), Some(signer)) = (path_error, &report.signer) {
                let _ = writeln!(out, "  hint:   {}", hint(error, signer, options.target.profile().policy_name()));
            }
            let _ = writeln!(out, "  {checked}");
            if let Some(error) = path_error {
                indented_needs(out, error.needs(), "To retry:");
            }
        }
    }
    if let Some(records) = &report.fetched {
        fetched_text(out, records, "  ");
    }
}

/// [`needs_text`], indented under a token's verdict.
fn indented_needs(out: &mut String, needs: &[Need], heading: &str) {
    let mut text = String::new();
    needs_text(&mut text, needs, heading);
    for line in text.lines() {
        let _ = writeln!(out, "  {line}");
    }
}
