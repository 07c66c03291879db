//! `trustpath pki init`: create a community.

use std::path::Path;

use trustpath::issue::name::NameBuilder;
use trustpath::issue::{Authority, KeyAlgorithm, KeyPair, bundle};

use super::community::{STATE_FILE, ca_file, crl, publication};
use super::files::{all_or_nothing, must_not_exist};
use super::state::{Issuer, Record, State};
use super::{CLOCK_SKEW, DAY, Options, Spec, key_name, parse_days, parse_key, time_or_now};
use crate::args::Args;
use crate::{CliError, Outcome, print};

const HELP: &str = "\
Create a trust community's test CA in DIR: a root and an issuing intermediate (pathLen 0),
their keys (PKCS#8 PEM, owner-only), their certificates (NAME.pem and, for publication at
--aia-url, NAME.cer in DER), their first CRLs (NAME.crl, DER, for --crl-url) and
community.json, the record of what the CA issues and revokes.

Usage: trustpath pki init --dir DIR --name NAME [OPTIONS]

Options:
  --dir DIR               The community's directory (created if missing); refused if it
                          already holds a community or any of the files above
  --name NAME             The community's name: O=NAME in every certificate, the root is
                          'NAME Root CA', the intermediate 'NAME Issuing CA' (1 to 48
                          characters)
  --key TYPE              The CAs' key type: rsa2048, rsa3072, p256 or p384
                          [default: rsa2048]
  --crl-url URL           Base URL where DIR's CRLs are published: certificates name
                          URL/root.crl or URL/intermediate.crl as their CRL distribution
                          point (http or https)
  --aia-url URL           Base URL where DIR's .cer files are published: certificates name
                          URL/root.cer or URL/intermediate.cer as their issuer
                          (authorityInfoAccess caIssuers)
  --days N                Validity of the CAs [default: 3650]
  --crl-days N            Days until the CRLs' nextUpdate [default: 30]
  --time RFC3339          Create the community at this time instead of now, e.g.
                          2026-06-01T00:00:00Z (certificates and CRLs are dated 5 minutes
                          earlier, for clocks running behind)
  -h, --help              Print this help

Exit status: 0 created, 2 bad usage, an existing community, or a file that cannot be
written (nothing is left behind).
";

const SPEC: Spec = Spec {
    valued: &["dir", "name", "key", "crl-url", "aia-url", "days", "crl-days", "time"],
    repeatable: &[],
    flags: &[],
};

/// Longest community name: the root's commonName `NAME Root CA` and the intermediate's
/// `NAME Issuing CA` must fit ub-common-name (64).
const MAX_NAME: usize = 48;

/// Runs `trustpath pki init`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = Options::parse(&mut args, &SPEC)? else { return print(HELP).map(|()| Outcome::Success) };
    let dir = Path::new(options.required(&args, "dir")?).to_path_buf();
    let name = options.required(&args, "name")?;
    if name.trim().is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(args.error(format!("--name must be 1 to {MAX_NAME} characters without control characters")));
    }
    let key = options.get("key").map(parse_key).transpose().map_err(|e| args.error(e))?;
    let key = key.unwrap_or(KeyAlgorithm::Rsa(2048));
    let crl_url = options.get("crl-url").map(|u| base_url(&args, "crl-url", u)).transpose()?;
    let aia_url = options.get("aia-url").map(|u| base_url(&args, "aia-url", u)).transpose()?;
    let days = options.get("days").map(|d| parse_days("days", d)).transpose().map_err(|e| args.error(e))?;
    let crl_days = options.get("crl-days").map(|d| parse_days("crl-days", d)).transpose().map_err(|e| args.error(e))?;
    let now = time_or_now(&args, options.get("time"))?;

    let state_path = dir.join(STATE_FILE);
    if state_path.exists() {
        return Err(CliError::Input(format!("{}: a community already exists here, not overwritten", dir.display())));
    }
    let targets: Vec<_> = [Issuer::Root, Issuer::Intermediate]
        .into_iter()
        .flat_map(|i| ["pem", "cer", "key", "crl"].map(|ext| ca_file(&dir, i, ext)))
        .collect();
    for path in &targets {
        must_not_exist(path)?;
    }

    let (not_before, not_after) = (now.saturating_sub(CLOCK_SKEW), now + days.unwrap_or(3650) * DAY);
    let failed =
        |what: &str, e: trustpath::issue::IssueError| CliError::Input(format!("cannot create the {what}: {e}"));
    let ca_name = |cn: String| NameBuilder::new().o(name).cn(&cn).build().map_err(|e| failed("CA name", e));
    let publish = |issuer| publication(crl_url.as_deref(), aia_url.as_deref(), issuer);
    let root_key = KeyPair::generate(key).map_err(|e| failed("root key", e))?;
    let root =
        Authority::root(&ca_name(format!("{name} Root CA"))?, root_key, not_before, not_after, publish(Issuer::Root))
            .map_err(|e| failed("root", e))?;
    let int_key = KeyPair::generate(key).map_err(|e| failed("intermediate key", e))?;
    let int_name = ca_name(format!("{name} Issuing CA"))?;
    let intermediate = root
        .intermediate(&int_name, int_key, not_before, not_after, publish(Issuer::Intermediate))
        .map_err(|e| failed("intermediate", e))?;

    let record = Record {
        serial: intermediate.certificate().serial_hex(),
        issuer: Issuer::Root,
        profile: "intermediate".into(),
        subject: intermediate.certificate().subject_string(),
        names: Vec::new(),
        not_before,
        not_after,
        revoked: None,
    };
    let state = State {
        name: name.to_string(),
        key: key_name(key),
        crl_url,
        aia_url,
        crl_number: 1,
        certificates: vec![record],
    };
    let next_update = now + crl_days.unwrap_or(30) * DAY;
    let mut files = Vec::new();
    for (issuer, ca) in [(Issuer::Root, &root), (Issuer::Intermediate, &intermediate)] {
        let der = ca.certificate().der().to_vec();
        let pem = bundle::pem("CERTIFICATE", &der).map_err(|e| failed("PEM", e))?;
        let key = ca.key().to_pkcs8_pem().map_err(|e| failed("key file", e))?;
        let crl = crl(ca, issuer, &state.certificates, 1, not_before, next_update)?;
        files.push((ca_file(&dir, issuer, "pem"), pem.into_bytes(), false));
        files.push((ca_file(&dir, issuer, "cer"), der, false));
        files.push((ca_file(&dir, issuer, "key"), key.as_bytes().to_vec(), true));
        files.push((ca_file(&dir, issuer, "crl"), crl, false));
    }
    files.push((state_path, state.to_json().into_bytes(), false));

    std::fs::create_dir_all(&dir).map_err(|e| CliError::Input(format!("{}: cannot create: {e}", dir.display())))?;
    all_or_nothing(|w| files.iter().try_for_each(|(path, bytes, private)| w.create(path, bytes, *private)))?;
    print(&format!(
        "created community '{name}' in {}\n  root         {} (serial {})\n  intermediate {} (serial {})\n\
         valid until {}; CRLs current until {}\n",
        dir.display(),
        root.certificate().subject_string(),
        root.certificate().serial_hex(),
        intermediate.certificate().subject_string(),
        intermediate.certificate().serial_hex(),
        trustpath::time::format_unix_seconds(root.certificate().not_after_secs()),
        trustpath::time::format_unix_seconds(i64::try_from(next_update).unwrap_or(i64::MAX)),
    ))?;
    Ok(Outcome::Success)
}

/// A base URL for publication: an absolute http or https URI with a host, no query or
/// fragment.
fn base_url(args: &Args, name: &str, url: &str) -> Result<String, CliError> {
    let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
    let host_ok = trustpath::uri::host(url).is_ok();
    if !scheme_ok || !host_ok || url.contains(['?', '#']) {
        return Err(args.error(format!(
            "--{name} expects an absolute http or https URL with a host and no query or fragment, not '{url}'"
        )));
    }
    Ok(url.to_string())
}
