//! `trustpath jwt ...`: JSON Web Tokens signed with an `x5c` certificate chain (UDAP client
//! assertions, software statements, signed metadata, and plain JWS).

mod sign;
mod verify;

use crate::args::{Arg, Args};
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Usage: trustpath jwt SUBCOMMAND [OPTIONS]

Subcommands:
  verify    Verify signed JWTs (UDAP client assertions, software statements, signed
            metadata, or any JWS with x5c) against trust anchors
  sign      Sign JSON claims as a compact JWS with x5c

Run 'trustpath jwt verify --help' or 'trustpath jwt sign --help' for their options.
";

/// Runs `trustpath jwt` with the arguments after `jwt`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    match args.next()? {
        None => Err(args.error("missing subcommand (verify or sign)")),
        Some(arg) if is_help(&arg) => print(HELP).map(|()| Outcome::Success),
        Some(Arg::Positional(sub)) if sub == "verify" => verify::run(args.subcommand("trustpath jwt verify")),
        Some(Arg::Positional(sub)) if sub == "sign" => sign::run(args.subcommand("trustpath jwt sign")),
        Some(Arg::Positional(sub)) => Err(args.error(format!("unknown subcommand '{sub}'"))),
        Some(arg) => Err(args.unexpected(&arg)),
    }
}
