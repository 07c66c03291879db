//! `trustpath smime ...`: signed S/MIME messages of Direct secure messaging.

mod sign;
mod verify;

use crate::args::{Arg, Args};
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Usage: trustpath smime SUBCOMMAND [OPTIONS]

Subcommands:
  verify    Verify a signed S/MIME message from a Direct sender
  sign      Sign a Direct message with attachments (multipart/signed)

Run 'trustpath smime verify --help' or 'trustpath smime sign --help' for their options.
";

/// Runs `trustpath smime` with the arguments after `smime`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    match args.next()? {
        None => Err(args.error("missing subcommand (verify or sign)")),
        Some(arg) if is_help(&arg) => print(HELP).map(|()| Outcome::Success),
        Some(Arg::Positional(sub)) if sub == "verify" => verify::run(args.subcommand("trustpath smime verify")),
        Some(Arg::Positional(sub)) if sub == "sign" => sign::run(args.subcommand("trustpath smime sign")),
        Some(Arg::Positional(sub)) => Err(args.error(format!("unknown subcommand '{sub}'"))),
        Some(arg) => Err(args.unexpected(&arg)),
    }
}
