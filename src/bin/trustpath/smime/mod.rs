//! `trustpath smime ...`: signed and encrypted S/MIME messages of Direct secure messaging.

mod encrypt;
mod recipients;
mod sign;
mod verify;

use crate::args::{Arg, Args};
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Usage: trustpath smime SUBCOMMAND [OPTIONS]

Subcommands:
  verify    Verify a signed S/MIME message from a Direct sender
  decrypt   Decrypt an encrypted S/MIME message, then verify it
  sign      Sign a Direct message with attachments (multipart/signed), and encrypt it
  encrypt   Encrypt a message to recipient certificates validated for encryption

Run 'trustpath smime SUBCOMMAND --help' for their options.
";

/// Runs `trustpath smime` with the arguments after `smime`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    match args.next()? {
        None => Err(args.error("missing subcommand (verify, decrypt, sign or encrypt)")),
        Some(arg) if is_help(&arg) => print(HELP).map(|()| Outcome::Success),
        Some(Arg::Positional(sub)) if sub == "verify" => verify::run(args.subcommand("trustpath smime verify")),
        Some(Arg::Positional(sub)) if sub == "sign" => sign::run(args.subcommand("trustpath smime sign")),
        Some(Arg::Positional(sub)) if sub == "decrypt" => {
            verify::run_decrypt(args.subcommand("trustpath smime decrypt"))
        }
        Some(Arg::Positional(sub)) if sub == "encrypt" => encrypt::run(args.subcommand("trustpath smime encrypt")),
        Some(Arg::Positional(sub)) => Err(args.error(format!("unknown subcommand '{sub}'"))),
        Some(arg) => Err(args.unexpected(&arg)),
    }
}
