//! `trustpath pki ...`: a trust community's test CA. A community is a directory holding a root
//! and an issuing intermediate (certificates, PKCS#8 keys readable by the owner only, CRLs)
//! and `community.json`, the record of what was issued and revoked ([`state`]).

mod bundle;
mod community;
mod crl;
mod files;
mod init;
mod issue;
mod list;
mod revoke;
mod state;

use trustpath::issue::KeyAlgorithm;

use crate::args::{Arg, Args};
use crate::input::parse_time;
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Run a trust community's test CA: a root, an issuing intermediate, their CRLs, and the
certificates participants need for UDAP, Direct and TLS.

Usage: trustpath pki SUBCOMMAND [OPTIONS]

Subcommands:
  init      Create a community: root, issuing intermediate, CRLs, state (community.json)
  issue     Issue a certificate and key for a participant (udap-client, udap-server,
            tls-server, tls-client, direct-address, direct-domain)
  revoke    Record a certificate as revoked
  crl       Re-issue the CRLs (revocations recorded since, a fresh nextUpdate)
  bundle    Write the community's anchor as PKCS#7 (.p7b) or PEM
  list      List the certificates issued, revoked and expired

Run 'trustpath pki SUBCOMMAND --help' for its options.
";

/// Runs `trustpath pki` with the arguments after `pki`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let arg = args.next()?;
    let sub = match &arg {
        None => return Err(args.error("missing subcommand (init, issue, revoke, crl, bundle, list)")),
        Some(arg) if is_help(arg) => return print(HELP).map(|()| Outcome::Success),
        Some(Arg::Positional(sub)) => sub.as_str(),
        Some(arg) => return Err(args.unexpected(arg)),
    };
    match sub {
        "init" => init::run(args.subcommand("trustpath pki init")),
        "issue" => issue::run(args.subcommand("trustpath pki issue")),
        "revoke" => revoke::run(args.subcommand("trustpath pki revoke")),
        "crl" => crl::run(args.subcommand("trustpath pki crl")),
        "bundle" => bundle::run(args.subcommand("trustpath pki bundle")),
        "list" => list::run(args.subcommand("trustpath pki list")),
        _ => Err(args.error(format!("unknown subcommand '{sub}'"))),
    }
}

/// Certificates are dated this much before the time they are issued at, and CRLs too, so that
/// a relying party whose clock is a little behind the CA's accepts them at once.
pub const CLOCK_SKEW: u64 = 300;

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// `rsa2048`, `rsa3072`, `p256` or `p384`.
pub fn parse_key(value: &str) -> Result<KeyAlgorithm, String> {
    Ok(match value {
        "rsa2048" => KeyAlgorithm::Rsa(2048),
        "rsa3072" => KeyAlgorithm::Rsa(3072),
        "p256" => KeyAlgorithm::P256,
        "p384" => KeyAlgorithm::P384,
        _ => return Err(format!("--key expects rsa2048, rsa3072, p256 or p384, not '{value}'")),
    })
}

/// The `--key` word for a key type.
pub fn key_name(key: KeyAlgorithm) -> String {
    match key {
        KeyAlgorithm::Rsa(bits) => format!("rsa{bits}"),
        KeyAlgorithm::P256 => "p256".into(),
        KeyAlgorithm::P384 => "p384".into(),
        other => other.name(),
    }
}

/// A number of days from 1 to 36,500.
pub fn parse_days(name: &str, value: &str) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(days @ 1..=36_500) => Ok(days),
        _ => Err(format!("--{name} expects a number of days from 1 to 36500, not '{value}'")),
    }
}

/// The time to act at: `--time` when given, else the clock; Unix seconds.
pub fn time_or_now(args: &Args, value: Option<&str>) -> Result<u64, CliError> {
    match value {
        Some(value) => Ok(parse_time(value).map_err(|e| args.error(e))?.as_secs()),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|e| CliError::Input(format!("the system clock is before 1970: {e}"))),
    }
}

/// The options of one subcommand, as given: `(name, value)` pairs (flags have an empty value).
#[derive(Debug, Default)]
pub struct Options {
    given: Vec<(&'static str, String)>,
}

/// What a subcommand accepts: options that take a value, of which `repeatable` may be given
/// more than once, and flags.
pub struct Spec {
    /// Options that take a value.
    pub valued: &'static [&'static str],
    /// Of those, the ones that may be repeated.
    pub repeatable: &'static [&'static str],
    /// Options without a value.
    pub flags: &'static [&'static str],
}

impl Options {
    /// Reads the command line; `None` when help was asked for. Positional arguments, unknown
    /// options and a non-repeatable option given twice are usage errors.
    pub fn parse(args: &mut Args, spec: &Spec) -> Result<Option<Options>, CliError> {
        let mut options = Options::default();
        while let Some(arg) = args.next()? {
            let name = match &arg {
                _ if is_help(&arg) => return Ok(None),
                Arg::Long(name) => name.clone(),
                _ => return Err(args.unexpected(&arg)),
            };
            let known = |list: &'static [&'static str]| list.iter().copied().find(|n| *n == name);
            let (name, value) = if let Some(name) = known(spec.valued) {
                (name, args.value(name)?)
            } else if let Some(name) = known(spec.flags) {
                (name, String::new())
            } else {
                return Err(args.unexpected(&arg));
            };
            if options.get(name).is_some() && !spec.repeatable.contains(&name) {
                return Err(args.error(format!("option --{name} given more than once")));
            }
            options.given.push((name, value));
        }
        Ok(Some(options))
    }

    /// The value of `--name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.given.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `--name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.given.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.clone()).collect()
    }

    /// Whether the flag `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The value of `--name`, which must be given.
    pub fn required(&self, args: &Args, name: &str) -> Result<&str, CliError> {
        self.get(name).ok_or_else(|| args.error(format!("missing --{name}")))
    }
}
