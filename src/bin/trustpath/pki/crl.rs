//! `trustpath pki crl`: re-issue the community's CRLs.

use trustpath::time::format_unix_seconds;

use super::community::{Community, STATE_FILE, ca_file, crl};
use super::files::all_or_nothing;
use super::state::Issuer;
use super::{CLOCK_SKEW, DAY, Options, Spec, parse_days, time_or_now};
use crate::args::Args;
use crate::{CliError, Outcome, print};

const HELP: &str = "\
Re-issue the community's CRLs, root.crl (by the root: the intermediate's status) and
intermediate.crl (by the intermediate: the participants'), with every revocation recorded,
the next cRLNumber and a fresh nextUpdate. Publish them at the community's --crl-url.

Usage: trustpath pki crl --dir DIR [OPTIONS]

Options:
  --dir DIR               The community's directory
  --days N                Days until nextUpdate [default: 30]
  --time RFC3339          thisUpdate (5 minutes earlier than this) [default: now]
  -h, --help              Print this help

Exit status: 0 written, 2 bad usage or a DIR that is not a community.
";

const SPEC: Spec = Spec { valued: &["dir", "days", "time"], repeatable: &[], flags: &[] };

/// Runs `trustpath pki crl`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = Options::parse(&mut args, &SPEC)? else { return print(HELP).map(|()| Outcome::Success) };
    let dir = options.required(&args, "dir")?;
    let days = options.get("days").map(|d| parse_days("days", d)).transpose().map_err(|e| args.error(e))?;
    let now = time_or_now(&args, options.get("time"))?;
    let community = Community::load(dir)?;
    let mut state = community.state.clone();
    state.crl_number += 1;
    let (this_update, next_update) = (now.saturating_sub(CLOCK_SKEW), now + days.unwrap_or(30) * DAY);
    let mut crls = Vec::new();
    let mut report = String::new();
    for issuer in [Issuer::Root, Issuer::Intermediate] {
        let der =
            crl(community.authority(issuer), issuer, &state.certificates, state.crl_number, this_update, next_update)?;
        let revoked = state.certificates.iter().filter(|r| r.issuer == issuer && r.revoked.is_some()).count();
        report.push_str(&format!("  {}.crl: {revoked} revoked\n", issuer.name()));
        crls.push((ca_file(&community.dir, issuer, "crl"), der));
    }
    // The state first: a CRL number is never issued twice, even if writing a CRL fails.
    let state_path = community.dir.join(STATE_FILE);
    all_or_nothing(|w| {
        w.replace(&state_path, state.to_json().as_bytes())?;
        crls.iter().try_for_each(|(path, der)| w.replace(path, der))
    })?;
    let time = |s: u64| format_unix_seconds(i64::try_from(s).unwrap_or(i64::MAX));
    print(&format!(
        "issued CRLs number {}, current {} to {}\n{report}",
        state.crl_number,
        time(this_update),
        time(next_update)
    ))?;
    Ok(Outcome::Success)
}
