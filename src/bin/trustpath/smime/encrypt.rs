//! `trustpath smime encrypt`: encrypt a (signed) Direct message to recipient certificates,
//! each validated for encryption first.

use trustpath::UnixTime;
use trustpath::direct::DirectAddress;

use super::recipients::{self, RecipientOptions};
use crate::args::{Arg, Args};
use crate::input::{parse_time, read_file};
use crate::{CliError, Outcome, is_help};

const HELP: &str = "\
Encrypt a Direct message (typically one 'trustpath smime sign' made: sign, then encrypt, as the
Applicability Statement orders) to the recipients' certificates. The message's Content-* header
fields and body are encrypted (RFC 8551 application/pkcs7-mime, smime-type=enveloped-data, or
authEnveloped-data for GCM); its other header fields (From, To, Subject, Date, Message-ID) stay
outside. The encrypted message is written to standard output.

Usage: trustpath smime encrypt --recipient CERT --to ADDRESS --anchors FILE [OPTIONS] MESSAGE

  --to ADDRESS            A recipient's Direct address; repeatable, at least one
  --time RFC3339          Validation time of the recipients' certificates [default: now]
{recipients}  -h, --help              Print this help

MESSAGE is the message to encrypt; '-' reads standard input.

Exit status: 0 written, 1 a recipient certificate refused (nothing written; each refusal is
reported on standard error), 2 bad usage or unreadable input.
";

/// Runs `trustpath smime encrypt` with the arguments after `encrypt`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let mut options = RecipientOptions::default();
    let (mut to, mut time, mut message) = (Vec::new(), None, None);
    while let Some(arg) = args.next()? {
        let name = match arg {
            _ if is_help(&arg) => {
                let help = HELP.replace("{recipients}", &recipients::HELP.replace("{recipient}", "--recipient"));
                return crate::print(&help).map(|()| Outcome::Success);
            }
            Arg::Positional(path) => {
                args.once(&mut message, "MESSAGE", path).map_err(|_| args.error("only one MESSAGE may be given"))?;
                continue;
            }
            Arg::Long(name) => name,
            Arg::Short(_) => return Err(args.unexpected(&arg)),
        };
        match name.as_str() {
            "to" => {
                let value = args.value(&name)?;
                to.push(DirectAddress::parse(&value).map_err(|e| args.error(format!("--to: {e}")))?);
            }
            "time" => {
                let value = parse_time(&args.value(&name)?).map_err(|e| args.error(e))?;
                args.once(&mut time, &name, value)?;
            }
            _ if options.parse_option(&name, "recipient", &mut args)? => {}
            _ => return Err(args.unexpected(&Arg::Long(name))),
        }
    }
    let message = message.ok_or_else(|| args.error("missing MESSAGE (the message to encrypt)"))?;
    if !options.any() || to.is_empty() {
        return Err(args.error("--recipient and --to are required"));
    }
    options.check(&args, "--recipient")?;
    let message = read_file(&message)?;
    let time = time.unwrap_or_else(UnixTime::now);
    let (encryptor, recipients) = match options.recipients(&to, time)? {
        Ok(valid) => valid,
        Err(report) => {
            recipients::report_refused(&report);
            return Ok(Outcome::Rejected);
        }
    };
    let encrypted = encryptor.encrypt_message(&message, &recipients).map_err(|e| CliError::Input(e.to_string()))?;
    write_stdout(&encrypted)?;
    Ok(Outcome::Success)
}

/// Writes `bytes` to standard output.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Input(format!("cannot write to standard output: {e}")))
}
