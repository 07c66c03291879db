//! `trustpath pki list`: what the community has issued.

use trustpath::time::format_unix_seconds;

use super::community::Community;
use super::state::{Record, reason_name};
use super::{Options, Spec, time_or_now};
use crate::args::Args;
use crate::json::Json;
use crate::{CliError, Outcome, print};

const HELP: &str = "\
List the certificates the community has issued, with their status at a time: valid,
revoked (recorded with 'pki revoke'; on the CRLs once 'pki crl' has run) or expired.

Usage: trustpath pki list --dir DIR [OPTIONS]

Options:
  --dir DIR               The community's directory
  --time RFC3339          The time the status is given at [default: now]
  --json                  Print one JSON object instead of a table
  -h, --help              Print this help

JSON output:
  {\"community\": NAME,
   \"certificates\": [{\"serial\", \"issuer\", \"profile\", \"subject\", \"names\": [...],
                     \"not_before\", \"not_after\", \"status\": \"valid\" | \"revoked\" | \"expired\",
                     \"revoked\": {\"date\", \"reason\"} | null}, ...]}

Exit status: 0 listed, 2 bad usage or a DIR that is not a community.
";

const SPEC: Spec = Spec { valued: &["dir", "time"], repeatable: &[], flags: &["json"] };

fn time(secs: u64) -> String {
    format_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// `valid`, `revoked` or `expired` at `now` (a revocation dated later has not happened yet).
fn status(record: &Record, now: u64) -> &'static str {
    match record.revoked {
        Some(r) if r.date <= now => "revoked",
        _ if record.not_after < now => "expired",
        _ if record.not_before > now => "not yet valid",
        _ => "valid",
    }
}

/// Runs `trustpath pki list`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = Options::parse(&mut args, &SPEC)? else { return print(HELP).map(|()| Outcome::Success) };
    let dir = options.required(&args, "dir")?;
    let now = time_or_now(&args, options.get("time"))?;
    let community = Community::load(dir)?;
    let records = &community.state.certificates;
    if options.flag("json") {
        let list = records
            .iter()
            .map(|r| {
                Json::Object(vec![
                    ("serial", Json::str(&r.serial)),
                    ("issuer", Json::str(r.issuer.name())),
                    ("profile", Json::str(&r.profile)),
                    ("subject", Json::str(&r.subject)),
                    ("names", Json::Array(r.names.iter().map(Json::str).collect())),
                    ("not_before", Json::str(time(r.not_before))),
                    ("not_after", Json::str(time(r.not_after))),
                    ("status", Json::str(status(r, now))),
                    (
                        "revoked",
                        r.revoked.map_or(Json::Null, |v| {
                            Json::Object(vec![
                                ("date", Json::str(time(v.date))),
                                ("reason", Json::str(reason_name(v.reason))),
                            ])
                        }),
                    ),
                ])
            })
            .collect();
        let out =
            Json::Object(vec![("community", Json::str(&community.state.name)), ("certificates", Json::Array(list))]);
        return print(&format!("{out}\n")).map(|()| Outcome::Success);
    }
    let mut out = format!("community '{}': {} certificates at {}\n", community.state.name, records.len(), time(now));
    for r in records {
        let names = if r.names.is_empty() { r.subject.clone() } else { r.names.join(", ") };
        let status = match r.revoked {
            Some(v) if status(r, now) == "revoked" => format!("revoked {} ({})", time(v.date), reason_name(v.reason)),
            _ => status(r, now).to_string(),
        };
        out.push_str(&format!(
            "{:<34} {:<15} until {}  {:<8} {names}\n",
            r.serial,
            r.profile,
            time(r.not_after),
            status
        ));
    }
    print(&out)?;
    Ok(Outcome::Success)
}
