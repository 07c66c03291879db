//! `trustpath chain ...`: certification paths.

mod verify;

use crate::args::{Arg, Args};
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Usage: trustpath chain SUBCOMMAND [OPTIONS]

Subcommands:
  verify    Validate a certificate chain to a trust anchor

Run 'trustpath chain verify --help' for its options.
";

/// Runs `trustpath chain` with the arguments after `chain`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    match args.next()? {
        None => Err(args.error("missing subcommand (verify)")),
        Some(arg) if is_help(&arg) => print(HELP).map(|()| Outcome::Success),
        Some(Arg::Positional(sub)) if sub == "verify" => verify::run(args.subcommand("trustpath chain verify")),
        Some(Arg::Positional(sub)) => Err(args.error(format!("unknown subcommand '{sub}'"))),
        Some(arg) => Err(args.unexpected(&arg)),
    }
}
