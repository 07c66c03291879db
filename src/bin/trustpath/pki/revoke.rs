//! `trustpath pki revoke`: record a certificate as revoked.

use trustpath::time::format_unix_seconds;

use super::community::{Community, STATE_FILE, normalize_serial, serial_key};
use super::files::all_or_nothing;
use super::state::{REASONS, Revocation, reason_code};
use super::{Options, Spec, time_or_now};
use crate::args::Args;
use crate::input::read_leaf;
use crate::{CliError, Outcome, print};

const HELP: &str = "\
Record a certificate of the community as revoked. Relying parties see it once the CRLs are
re-issued: run 'trustpath pki crl' next and publish DIR's .crl files.

Usage: trustpath pki revoke --dir DIR (--serial HEX | --cert FILE) [OPTIONS]

Options:
  --dir DIR               The community's directory
  --serial HEX            The serial number, in hex as openssl prints it (case and colons
                          do not matter)
  --cert FILE             The certificate (the first one in FILE: PEM, DER or PKCS#7)
  --reason REASON         unspecified, keyCompromise, cACompromise, affiliationChanged,
                          superseded, cessationOfOperation or privilegeWithdrawn
                          [default: unspecified]
  --time RFC3339          The revocation date [default: now]
  -h, --help              Print this help

The intermediate can be revoked too (on the root's CRL). Exit status: 0 recorded, 2 bad
usage, a certificate this community did not issue or already revoked, or a DIR that is not
a community.
";

const SPEC: Spec = Spec { valued: &["dir", "serial", "cert", "reason", "time"], repeatable: &[], flags: &[] };

/// Runs `trustpath pki revoke`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = Options::parse(&mut args, &SPEC)? else { return print(HELP).map(|()| Outcome::Success) };
    let dir = options.required(&args, "dir")?;
    let reason = match options.get("reason") {
        None => 0,
        Some(name) => reason_code(name).ok_or_else(|| {
            let names: Vec<&str> = REASONS.iter().map(|(n, _)| *n).collect();
            args.error(format!("--reason expects one of {}, not '{name}'", names.join(", ")))
        })?,
    };
    let serial = match (options.get("serial"), options.get("cert")) {
        (Some(hex), None) => {
            Some(normalize_serial(hex).ok_or_else(|| args.error(format!("--serial expects hex digits, not '{hex}'")))?)
        }
        (None, Some(_)) => None,
        _ => return Err(args.error("give one of --serial or --cert")),
    };
    let date = time_or_now(&args, options.get("time"))?;
    let community = Community::load(dir)?;
    let serial = match (serial, options.get("cert")) {
        (Some(serial), _) => serial,
        (None, file) => {
            let file = file.unwrap_or_default();
            let (certificate, _) = read_leaf(file)?;
            let ours = [&community.root, &community.intermediate].iter().any(|ca| {
                ca.certificate().subject_der() == certificate.issuer_der()
                    && certificate.authority_key_id().is_some_and(|id| Some(id) == ca.certificate().subject_key_id())
            });
            if !ours {
                return Err(CliError::Input(format!("{file}: not issued by this community's CAs")));
            }
            serial_key(&certificate.serial_hex())
        }
    };
    let mut state = community.state.clone();
    let Some(record) = state.certificates.iter_mut().find(|r| serial_key(&r.serial) == serial) else {
        return Err(CliError::Input(format!("no certificate with serial {serial} was issued by this community")));
    };
    if let Some(earlier) = record.revoked {
        return Err(CliError::Input(format!(
            "certificate {} is already revoked (since {})",
            record.serial,
            format_unix_seconds(i64::try_from(earlier.date).unwrap_or(i64::MAX))
        )));
    }
    record.revoked = Some(Revocation { date, reason });
    let message = format!(
        "revoked {} certificate {} ({}) at {}, reason {}\nrun 'trustpath pki crl --dir {dir}' to publish it\n",
        record.profile,
        record.serial,
        record.subject,
        format_unix_seconds(i64::try_from(date).unwrap_or(i64::MAX)),
        options.get("reason").unwrap_or("unspecified"),
    );
    let state_path = community.dir.join(STATE_FILE);
    all_or_nothing(|w| w.replace(&state_path, state.to_json().as_bytes()))?;
    print(&message)?;
    Ok(Outcome::Success)
}
