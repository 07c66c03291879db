//! `trustpath chain verify`: build and validate a path from a certificate to a trust anchor.

use core::fmt::Write;

use const_oid::ObjectIdentifier;
use trustpath::revocation::RevocationData;
use trustpath::time::format_rfc3339;
use trustpath::{
    Certificate, ExpectedName, Policy, UnixTime, ValidationError, ValidationInput, VerifiedPath, Verifier,
};

use crate::args::{Arg, Args};
use crate::checks::{self, CheckOptions};
use crate::fetch::{FetchRecord, Validated};
use crate::fetching::{fetched_json, fetched_text};
use crate::input::{load_anchors, load_intermediates, parse_eku, parse_server_name, parse_time, read_leaf};
use crate::json::Json;
use crate::render::{
    StatusRow, anchor_json, certificate_json, certificate_text, error_json, error_status_rows, findings_json,
    findings_text, hint, needs_json, needs_text, policies_json, policies_text, revocation_json, revocation_text,
    status_rows,
};
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Validate a certificate chain to a trust anchor (RFC 5280 path validation).

Usage: trustpath chain verify [OPTIONS] LEAF

LEAF is a file whose first certificate is validated; any further certificates in it are
offered as untrusted intermediates. Every FILE may be PEM (one or more certificates), DER
(one or concatenated certificates) or PKCS#7 (.p7b, DER or PEM); '-' reads standard input.
Unreadable entries of a bundle are skipped with a warning on stderr.

Trust:
  --anchors FILE          Trust the certificates in FILE (community 'default'); repeatable
  --community NAME=FILE   Trust the certificates in FILE as community NAME; repeatable
  --intermediates FILE    Offer the certificates in FILE as untrusted intermediates;
                          repeatable

Policy:
  --time RFC3339          Validation time, e.g. 2023-07-10T00:00:00Z [default: now]
  --profile NAME          rfc5280, tls-server, tls-client, udap or direct [default: rfc5280]
  --server-name NAME      DNS name or IP address the leaf must be valid for
  --eku OID               Extended key usage the leaf must allow, replacing the profile's;
                          repeatable, each one is required (names serverAuth, clientAuth,
                          emailProtection, anyExtendedKeyUsage are accepted too)
  --max-depth N           Most intermediate certificates in the path [default: 8]

{checks}

Output:
  --json                  Print one JSON object instead of a report
  -h, --help              Print this help

Exit status: 0 valid, 1 rejected, 2 bad usage or unreadable input.

JSON output:
  {\"valid\": bool,
   \"path\": [{\"subject\", \"issuer\", \"serial\", \"sha256\"}, ...],
   \"anchor\": {\"subject\", \"community\", \"sha256\"} | null,
   \"community\": string | null,
   \"error\": {\"kind\", \"message\", \"certificate_index\"} | null,
   \"revocation\": [{\"certificate_index\", \"status\", \"source\"}, ...],
   \"policies\": {\"authorities_constrained\": [OID, ...], \"user_constrained\": [OID, ...]}
                 | null,
   \"needs\": [{\"certificate_index\", \"kind\", \"urls\": [URL, ...]}, ...],
   \"findings\": [{\"rule\", \"citation\", \"certificate_index\", \"message\"}, ...],
   \"fetched\": [{\"url\", \"kind\", \"status\", \"bytes\", \"ms\"}, ...]}   (with --fetch only)
  path is leaf first: the verified path without the anchor, or only the leaf when rejected.
  certificate_index counts from the leaf (0); it is null when the failure concerns the whole
  search. serial is the hex of the DER INTEGER's content octets; sha256 is of the DER; the
  anchor's sha256 is null when the anchor has no certificate.
  revocation: per checked certificate, status good, revoked or unknown and source crl, ocsp
  or none; empty when revocation is off; when rejected, only the certificate the rejection
  concerns (revoked, or unknown under --revocation hard).
  policies: the RFC 5280 6.1.6 policy sets of a valid path (anyPolicy is 2.5.29.32.0); null
  when rejected.
  findings: certificate-profile rules (RFC 5280 4 issuance rules, and what RFC 5280 6.1.1
  leaves out of an anchor) that the valid path's certificates break; empty when rejected,
  and always under tls-server and --strict, which refuse such paths instead. The anchor's
  certificate has the certificate_index just past the path's last certificate.
  needs: data to fetch and pass again (kind crl, ocsp or issuer) with the URLs the
  certificate names (possibly none): missing revocation data of a valid path (soft), or what
  the rejection lacked.
  fetched: every URL --fetch tried, in order (kind crl, ocsp or issuer); status ok, cached,
  or why it failed: unsupported (not http/https, e.g. LDAP), timeout, connect_failed,
  http_error, too_many_redirects, too_large, bad_content, transport_error, failed_recently
  (the same URL failed moments ago); bytes of the response used; ms spent.
";

/// The `--revocation` notes of the help text (see [`checks::help`]).
const REVOCATION_NOTES: &str = "                          [default: the profile's: soft for rfc5280, tls-server and
                          tls-client, hard for udap and direct]
                          Every certificate below the anchor is checked. The untrusted
                          certificates (--intermediates, and those after the leaf in LEAF)
                          may be CRL signers or delegated OCSP responders.";

/// The parsed command line.
#[derive(Debug)]
struct Options {
    anchors: Vec<String>,
    communities: Vec<(String, String)>,
    intermediates: Vec<String>,
    time: Option<UnixTime>,
    /// The profile's name, as given.
    profile: String,
    /// The profile's policy, with `--max-depth` applied (`--eku` is applied per validation).
    policy: Policy,
    server_name: Option<ExpectedName>,
    ekus: Vec<ObjectIdentifier>,
    max_depth: Option<usize>,
    /// Revocation and certificate-policy options (already applied to `policy`).
    checks: CheckOptions,
    json: bool,
    leaf: String,
}

/// Parses the command line; `None` when help was asked for.
fn parse(args: &mut Args) -> Result<Option<Options>, CliError> {
    let (mut anchors, mut communities, mut intermediates, mut ekus) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut time, mut profile, mut server_name, mut max_depth, mut leaf) = (None, None, None, None, None);
    let mut json = false;
    let mut checks = CheckOptions::default();
    while let Some(arg) = args.next()? {
        let name = match arg {
            _ if is_help(&arg) => return Ok(None),
            Arg::Positional(path) => {
                args.once(&mut leaf, "LEAF", path).map_err(|_| args.error("only one LEAF file may be given"))?;
                continue;
            }
            Arg::Long(name) => name,
            Arg::Short(_) => return Err(args.unexpected(&arg)),
        };
        match name.as_str() {
            "anchors" => anchors.push(args.value(&name)?),
            "community" => {
                let value = args.value(&name)?;
                match value.split_once('=') {
                    Some((community, file)) if !community.is_empty() && !file.is_empty() => {
                        communities.push((community.to_string(), file.to_string()));
                    }
                    _ => return Err(args.error(format!("--community expects NAME=FILE, not '{value}'"))),
                }
            }
            "intermediates" => intermediates.push(args.value(&name)?),
            "time" => {
                let value = parse_time(&args.value(&name)?).map_err(|e| args.error(e))?;
                args.once(&mut time, &name, value)?;
            }
            "profile" => {
                let value = args.value(&name)?;
                let policy = Policy::by_name(&value).ok_or_else(|| {
                    args.error(format!(
                        "unknown profile '{value}' (expected rfc5280, tls-server, tls-client, udap or direct)"
                    ))
                })?;
                args.once(&mut profile, &name, (value, policy))?;
            }
            "server-name" => {
                let value = parse_server_name(&args.value(&name)?).map_err(|e| args.error(e))?;
                args.once(&mut server_name, &name, value)?;
            }
            "eku" => ekus.push(parse_eku(&args.value(&name)?).map_err(|e| args.error(e))?),
            "max-depth" => {
                let value = args.value(&name)?;
                let n = value
                    .parse::<usize>()
                    .map_err(|_| args.error(format!("--max-depth expects a non-negative integer, not '{value}'")))?;
                args.once(&mut max_depth, &name, n)?;
            }
            "json" => json = true,
            _ if checks.parse_option(&name, args)? => {}
            _ => return Err(args.unexpected(&Arg::Long(name))),
        }
    }
    let leaf = leaf.ok_or_else(|| args.error("missing LEAF (the certificate file to validate)"))?;
    if anchors.is_empty() && communities.is_empty() {
        return Err(args.error("no trust anchors: give --anchors FILE or --community NAME=FILE"));
    }
    let (profile, mut policy) = profile.unwrap_or_else(|| ("rfc5280".to_string(), Policy::rfc5280()));
    if let Some(n) = max_depth {
        policy.max_intermediates = n;
    }
    checks.apply(&mut policy);
    Ok(Some(Options {
        anchors,
        communities,
        intermediates,
        time,
        profile,
        policy,
        server_name,
        ekus,
        max_depth,
        checks,
        json,
        leaf,
    }))
}

/// Runs `trustpath chain verify` with the arguments after `verify`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = parse(&mut args)? else {
        return print(&HELP.replace("{checks}\n", &checks::help(REVOCATION_NOTES))).map(|()| Outcome::Success);
    };

    let store = load_anchors(&options.anchors, &options.communities)?;
    let (pool, mut untrusted) = load_intermediates(&options.intermediates)?;
    let (leaf, extra) = read_leaf(&options.leaf)?;
    // Every untrusted certificate offered may have signed a CRL or an OCSP response.
    untrusted.extend(extra.iter().cloned());
    let revocation = options.checks.load(&options.policy, untrusted)?;

    let time = options.time.unwrap_or_else(UnixTime::now);
    let verifier = Verifier::new(store, options.policy.clone()).with_intermediates(pool);
    let (result, revocation, fetched) = match options.checks.fetch.fetcher()? {
        None => (validate(&options, &verifier, &revocation, &leaf, &extra, time), revocation, None),
        Some(fetcher) => {
            let outcome = fetcher.validate_with(&verifier, &revocation, time, |verifier, data, _| {
                validate(&options, verifier, data, &leaf, &extra, time)
            });
            (outcome.result, outcome.revocation, Some(outcome.fetched))
        }
    };

    let report = if options.json {
        json_report(&leaf, &result, fetched.as_deref())
    } else {
        text_report(&options, &revocation, &leaf, &result, time, fetched.as_deref())
    };
    print(&report)?;
    Ok(match result {
        Verdict::Valid(_) => Outcome::Success,
        Verdict::Rejected(_) => Outcome::Rejected,
    })
}

/// The result of a validation.
#[derive(Debug)]
enum Verdict {
    /// A path to an anchor passed every check.
    Valid(VerifiedPath),
    /// No path did; the error says which certificate broke which rule.
    Rejected(ValidationError),
}

impl Validated for Verdict {
    fn verified_path(&self) -> Option<&VerifiedPath> {
        match self {
            Verdict::Valid(path) => Some(path),
            Verdict::Rejected(_) => None,
        }
    }

    fn validation_error(&self) -> Option<&ValidationError> {
        match self {
            Verdict::Valid(_) => None,
            Verdict::Rejected(error) => Some(error),
        }
    }
}

/// Validates once per required extended key usage (the policy holds one), so every `--eku`
/// must pass; the path of the first validation is returned. `verifier` has the options'
/// policy (or, while fetching, its soft-fail variant) and pool.
fn validate(
    options: &Options,
    verifier: &Verifier,
    revocation: &RevocationData,
    leaf: &Certificate,
    extra: &[Certificate],
    time: UnixTime,
) -> Verdict {
    let mut input = ValidationInput::new(leaf, time).intermediates(extra).revocation(revocation);
    if let Some(name) = &options.server_name {
        input = input.expect_name(name.clone());
    }
    let verifier = |eku: Option<ObjectIdentifier>| {
        let mut policy = verifier.policy().clone();
        policy.eku.required = eku;
        verifier.clone().with_policy(policy)
    };
    let mut ekus = options.ekus.iter().copied().map(Some);
    let path = match verifier(ekus.next().unwrap_or(options.policy.eku.required)).verify(&input) {
        Ok(path) => path,
        Err(error) => return Verdict::Rejected(error),
    };
    for eku in ekus {
        if let Err(error) = verifier(eku).verify(&input) {
            return Verdict::Rejected(error);
        }
    }
    Verdict::Valid(path)
}

/// The verified path's certificates, leaf first (the leaf alone when rejected).
fn path_certificates<'a>(leaf: &'a Certificate, result: &'a Verdict) -> Vec<&'a Certificate> {
    match result {
        Verdict::Valid(path) => {
            let mut certs: Vec<&Certificate> = path.certificates().iter().collect();
            if certs.first() != Some(&leaf) {
                certs.insert(0, leaf);
            }
            certs
        }
        Verdict::Rejected(_) => vec![leaf],
    }
}

fn json_report(leaf: &Certificate, result: &Verdict, fetched: Option<&[FetchRecord]>) -> String {
    let path = Json::Array(path_certificates(leaf, result).into_iter().map(certificate_json).collect());
    let (anchor, community, error, revocation, policies, needs, findings) = match result {
        Verdict::Valid(p) => (
            anchor_json(p.anchor()),
            Json::str(p.community()),
            Json::Null,
            status_rows(p.revocation()),
            policies_json(Some(p.policies())),
            needs_json(p.needs()),
            findings_json(p.findings()),
        ),
        Verdict::Rejected(e) => (
            Json::Null,
            Json::Null,
            error_json(e),
            error_status_rows(e),
            policies_json(None),
            needs_json(e.needs()),
            findings_json(&[]),
        ),
    };
    let mut report = vec![
        ("valid", Json::Bool(matches!(result, Verdict::Valid(_)))),
        ("path", path),
        ("anchor", anchor),
        ("community", community),
        ("error", error),
        ("revocation", revocation_json(&revocation)),
        ("policies", policies),
        ("needs", needs),
        ("findings", findings),
    ];
    if let Some(records) = fetched {
        report.push(("fetched", fetched_json(records)));
    }
    let report = Json::Object(report);
    format!("{report}\n")
}

/// What was checked: time, profile and the options that narrow it.
fn context(options: &Options, revocation: &RevocationData, time: UnixTime) -> String {
    let mut s = format!("at {}, profile {}", format_rfc3339(time), options.profile);
    if let Some(name) = &options.server_name {
        let _ = write!(s, ", server name {name}");
    }
    if !options.ekus.is_empty() {
        let ekus: Vec<String> = options.ekus.iter().map(ToString::to_string).collect();
        let _ = write!(s, ", EKU {}", ekus.join(" and "));
    }
    if let Some(n) = options.max_depth {
        let _ = write!(s, ", at most {n} intermediates");
    }
    let _ = write!(s, ", {}", options.checks.describe(&options.policy, revocation));
    s
}

fn text_report(
    options: &Options,
    revocation: &RevocationData,
    leaf: &Certificate,
    result: &Verdict,
    time: UnixTime,
    fetched: Option<&[FetchRecord]>,
) -> String {
    let mut out = String::new();
    let certs = path_certificates(leaf, result);
    match result {
        Verdict::Valid(path) => {
            let anchor = path.anchor();
            let _ = writeln!(out, "VALID: {} is trusted via community '{}'", leaf.subject_string(), path.community());
            findings_text(&mut out, path.findings());
            let _ = writeln!(out, "Checked {}.", context(options, revocation, time));
            let _ = writeln!(out, "Path (leaf first):");
            for (i, cert) in certs.iter().enumerate() {
                certificate_text(&mut out, &format!("[{i}]"), cert);
            }
            let _ = writeln!(out, "Trust anchor (community '{}'):", anchor.community());
            match anchor.certificate() {
                Some(cert) => certificate_text(&mut out, &format!("[{}]", certs.len()), cert),
                None => {
                    let _ = writeln!(out, "  {} (a bare key, without certificate)", anchor.subject_string());
                }
            }
            revocation_text(&mut out, &status_rows(path.revocation()), options.policy.revocation.mode);
            policies_text(&mut out, path.policies());
            needs_text(&mut out, path.needs(), "Missing revocation data (fetch it to raise assurance):");
        }
        Verdict::Rejected(error) => {
            let _ = writeln!(out, "REJECTED: {}", error.reason());
            let which = match (error.certificate_index(), error.subject()) {
                (Some(0), _) => format!("[0] {} (the leaf)", leaf.subject_string()),
                (Some(i), Some(subject)) => format!("[{i}] {subject} ({i} above the leaf)"),
                (Some(i), None) => format!("[{i}] ({i} above the leaf)"),
                (None, _) => "none in particular: the path search as a whole failed".to_string(),
            };
            let _ = writeln!(out, "  certificate: {which}");
            let _ = writeln!(out, "  rule:        {}", error.kind());
            for StatusRow { certificate_index, status, source, reason } in error_status_rows(error) {
                let reason = reason.map(|r| format!(" ({r})")).unwrap_or_default();
                let _ = writeln!(out, "  revocation:  [{certificate_index}] {status}{reason}, source {source}");
            }
            let _ = writeln!(out, "  hint:        {}", hint(error, leaf, &options.profile));
            needs_text(&mut out, error.needs(), "To retry:");
            let _ = writeln!(out, "Checked {}.", context(options, revocation, time));
            let _ = writeln!(out, "Leaf:");
            certificate_text(&mut out, "[0]", leaf);
        }
    }
    if let Some(records) = fetched {
        fetched_text(&mut out, records, "");
    }
    out
}
