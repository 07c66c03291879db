//! `trustpath`: X.509 certificate trust from the command line.
//!
//! Each subcommand lives in its own module and returns an [`Outcome`] (exit status 0 or 1) or a
//! [`CliError`] (exit status 2, message on stderr). Reading and writing files and the clock
//! happens here, never in the library.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod args;
mod chain;
mod checks;
// trustpath-fetch's engine (fetching over HTTP, with its cache), compiled into this binary:
// trustpath-fetch depends on trustpath, so this package cannot depend on it (see
// fetch/src/lib.rs). Not every part of its API is used here.
#[allow(dead_code, unused_imports)]
#[path = "../../fetch_engine/mod.rs"]
mod fetch;
mod fetching;
mod input;
mod json;
mod jwt;
mod pki;
mod render;
mod smime;

use std::io::Write;
use std::process::ExitCode;

use args::{Arg, Args};

/// Top-level help.
const HELP: &str = "\
trustpath: X.509 certificate trust (RFC 5280 path validation, UDAP, Direct), and a
test CA for trust communities

Usage: trustpath COMMAND [OPTIONS]

Commands:
  chain verify    Validate a certificate chain to a trust anchor
  jwt verify      Verify signed JWTs with x5c: UDAP client assertions, software
                  statements, signed metadata, or any JWS
  jwt sign        Sign JSON claims as a compact JWS with x5c
  smime verify    Verify a signed S/MIME message from a Direct sender
  smime decrypt   Decrypt an encrypted S/MIME message, then verify it
  smime sign      Sign a Direct message with attachments (multipart/signed), and encrypt it
  smime encrypt   Encrypt a message to recipient certificates validated for encryption
  pki init        Create a trust community's test CA (root, intermediate, CRLs)
  pki issue       Issue a participant's key and certificate (udap-client,
                  udap-server, tls-server, tls-client, direct-address, direct-domain)
  pki revoke      Record a certificate as revoked
  pki crl         Re-issue the community's CRLs
  pki bundle      Write the community's anchor as PKCS#7 (.p7b) or PEM
  pki list        List the certificates issued, revoked and expired

Options:
  -h, --help      Print help (also: trustpath COMMAND --help)
  -V, --version   Print the version

Exit status: 0 valid (pki: done), 1 rejected, 2 bad usage, unreadable input or (pki)
input refused with nothing written.
";

/// How a command that ran to completion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Success, or the input was found valid (exit status 0).
    Success,
    /// The input was checked and rejected (exit status 1).
    Rejected,
}

/// Why a command could not run (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliError {
    /// The command line is wrong.
    Usage {
        /// What is wrong.
        message: String,
        /// The command whose `--help` explains the usage.
        command: &'static str,
    },
    /// An input could not be read or decoded.
    Input(String),
}

impl core::fmt::Display for CliError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CliError::Usage { message, command } => write!(f, "{message}\nRun '{command} --help' for usage."),
            CliError::Input(message) => f.write_str(message),
        }
    }
}

/// Writes `text` to standard output.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Input(format!("cannot write to standard output: {e}")))
}

/// Writes a warning to standard error.
pub fn warn(message: &str) {
    eprintln!("trustpath: warning: {message}");
}

fn run(args: Vec<String>) -> Result<Outcome, CliError> {
    let mut args = Args::new(args, "trustpath");
    let arg = match args.next()? {
        Some(arg) => arg,
        None => return Err(args.error("missing command")),
    };
    match &arg {
        _ if is_help(&arg) => print(HELP).map(|()| Outcome::Success),
        Arg::Short('V') => print_version(),
        Arg::Long(name) if name == "version" => print_version(),
        Arg::Positional(command) if command == "chain" => chain::run(args.subcommand("trustpath chain")),
        Arg::Positional(command) if command == "jwt" => jwt::run(args.subcommand("trustpath jwt")),
        Arg::Positional(command) if command == "smime" => smime::run(args.subcommand("trustpath smime")),
        Arg::Positional(command) if command == "pki" => pki::run(args.subcommand("trustpath pki")),
        Arg::Positional(command) => Err(args.error(format!("unknown command '{command}'"))),
        _ => Err(args.unexpected(&arg)),
    }
}

/// `-h`, `--help` or `help`.
pub fn is_help(arg: &Arg) -> bool {
    match arg {
        Arg::Short(c) => *c == 'h',
        Arg::Long(name) => name == "help",
        Arg::Positional(word) => word == "help",
    }
}

fn print_version() -> Result<Outcome, CliError> {
    print(&format!("trustpath {}\n", env!("CARGO_PKG_VERSION"))).map(|()| Outcome::Success)
}

fn main() -> ExitCode {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                eprintln!("trustpath: argument {} is not valid UTF-8", arg.to_string_lossy());
                return ExitCode::from(2);
            }
        }
    }
    match run(args) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Rejected) => ExitCode::from(1),
        Err(e) => {
            eprintln!("trustpath: {e}");
            ExitCode::from(2)
        }
    }
}
