//! `trustpath smime sign`: build and sign a Direct message with attachments, and with
//! `--encrypt-to`, encrypt it too.

use sha2::{Digest, Sha256};
use trustpath::direct::{DigestAlgorithm, DirectAddress, MessageBuilder, SmimeSigner, guess_content_type};
use trustpath::{Certificate, UnixTime};

use super::encrypt::write_stdout;
use super::recipients::{self, RecipientOptions};
use crate::args::{Arg, Args};
use crate::input::{parse_time, read_bundle, read_file};
use crate::render::hex;
use crate::{CliError, Outcome, is_help};

const HELP: &str = "\
Sign a Direct message: a wrapped message (message/rfc822, as the Applicability Statement v1.3
requires) with an optional text part and the attached files, signed as multipart/signed with a
detached CMS signature (SHA-256 and RSA PKCS#1 v1.5 by default). The message is written to
standard output. With --encrypt-to it is then encrypted to those certificates (sign, then
encrypt, as the Applicability Statement orders), each validated for encryption to one of the
--to addresses first.

Usage: trustpath smime sign --key KEY --chain CHAIN --from ADDRESS --to ADDRESS [OPTIONS]

  --key KEY               The signer's private key: unencrypted PKCS#8 (PEM 'PRIVATE KEY' or
                          DER) or PKCS#1 (PEM 'RSA PRIVATE KEY'); RSA (2048 bits or more),
                          P-256 or P-384
  --chain CHAIN           The signer's certificate, then its intermediates (PEM, DER or
                          PKCS#7); all are carried in the signature
  --from ADDRESS          The sender's Direct address
  --to ADDRESS            A recipient's Direct address; repeatable, at least one
  --attach FILE           Attach FILE; repeatable. FHIR JSON or XML resources are sent as
                          application/fhir+json or application/fhir+xml, other files by
                          extension (.json, .xml, .txt, .pdf, .html) or as
                          application/octet-stream
  --subject TEXT          The Subject
  --text TEXT             A text/plain part
  --digest ALG            sha256, sha384 or sha512 [default: sha256]
  --pss                   Sign with RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys)
  --time RFC3339          The Date header and signing-time attribute [default: now]
  --unwrapped             Sign the body only, not a wrapped message/rfc822

{recipients}  -h, --help              Print this help

Exit status: 0 written, 1 an --encrypt-to certificate refused (nothing written; each refusal
is reported on standard error), 2 bad usage, unreadable input or unusable key.
";

#[derive(Debug, Default)]
struct Options {
    key: Option<String>,
    chain: Option<String>,
    from: Option<DirectAddress>,
    to: Vec<DirectAddress>,
    attach: Vec<String>,
    subject: Option<String>,
    text: Option<String>,
    digest: Option<DigestAlgorithm>,
    pss: bool,
    time: Option<UnixTime>,
    unwrapped: bool,
    encrypt: RecipientOptions,
}

fn set<T>(args: &Args, slot: &mut Option<T>, name: &str, value: T) -> Result<(), CliError> {
    if slot.is_some() {
        return Err(args.error(format!("option --{name} given more than once")));
    }
    *slot = Some(value);
    Ok(())
}

fn address(args: &Args, name: &str, value: &str) -> Result<DirectAddress, CliError> {
    DirectAddress::parse(value).map_err(|e| args.error(format!("--{name}: {e}")))
}

fn parse(args: &mut Args) -> Result<Option<Options>, CliError> {
    let mut o = Options::default();
    while let Some(arg) = args.next()? {
        let name = match arg {
            _ if is_help(&arg) => return Ok(None),
            Arg::Long(name) => name,
            other => return Err(args.unexpected(&other)),
        };
        match name.as_str() {
            "key" => {
                let v = args.value(&name)?;
                set(args, &mut o.key, &name, v)?;
            }
            "chain" => {
                let v = args.value(&name)?;
                set(args, &mut o.chain, &name, v)?;
            }
            "from" => {
                let v = args.value(&name)?;
                let v = address(args, &name, &v)?;
                set(args, &mut o.from, &name, v)?;
            }
            "to" => {
                let v = args.value(&name)?;
                o.to.push(address(args, &name, &v)?);
            }
            "attach" => o.attach.push(args.value(&name)?),
            "subject" => {
                let v = args.value(&name)?;
                set(args, &mut o.subject, &name, v)?;
            }
            "text" => {
                let v = args.value(&name)?;
                set(args, &mut o.text, &name, v)?;
            }
            "digest" => {
                let v = args.value(&name)?;
                let digest = match v.to_ascii_lowercase().replace('-', "").as_str() {
                    "sha256" => DigestAlgorithm::Sha256,
                    "sha384" => DigestAlgorithm::Sha384,
                    "sha512" => DigestAlgorithm::Sha512,
                    _ => return Err(args.error(format!("--digest expects sha256, sha384 or sha512, not '{v}'"))),
                };
                set(args, &mut o.digest, &name, digest)?;
            }
            "pss" => o.pss = true,
            "time" => {
                let v = parse_time(&args.value(&name)?).map_err(|e| args.error(e))?;
                set(args, &mut o.time, &name, v)?;
            }
            "unwrapped" => o.unwrapped = true,
            _ if o.encrypt.parse_option(&name, "encrypt-to", args)? => {}
            _ => return Err(args.unexpected(&Arg::Long(name))),
        }
    }
    if o.key.is_none() || o.chain.is_none() || o.from.is_none() || o.to.is_empty() {
        return Err(args.error("--key, --chain, --from and --to are required"));
    }
    o.encrypt.check(args, "--encrypt-to")?;
    Ok(Some(o))
}

/// Runs `trustpath smime sign` with the arguments after `sign`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(o) = parse(&mut args)? else {
        let help = HELP.replace("{recipients}", &recipients::HELP.replace("{recipient}", "--encrypt-to"));
        return crate::print(&help).map(|()| Outcome::Success);
    };
    let (Some(key_path), Some(chain_path), Some(from)) = (&o.key, &o.chain, &o.from) else {
        return Err(args.error("--key, --chain, --from and --to are required"));
    };
    let key = zeroize::Zeroizing::new(read_file(key_path)?);
    let chain: Vec<Certificate> = read_bundle(chain_path)?;
    let time = o.time.unwrap_or_else(UnixTime::now);
    // Recipients first: a refused one means nothing is signed or written.
    let encryption = if o.encrypt.any() {
        match o.encrypt.recipients(&o.to, time)? {
            Ok(valid) => Some(valid),
            Err(report) => {
                recipients::report_refused(&report);
                return Ok(Outcome::Rejected);
            }
        }
    } else {
        None
    };
    let unusable = |e: trustpath::direct::DirectError| CliError::Input(format!("{key_path}: {e}"));
    let mut signer = SmimeSigner::from_private_key(&key, chain).map_err(unusable)?.with_signing_time(time);
    if let Some(digest) = o.digest {
        signer = signer.with_digest(digest).map_err(unusable)?;
    }
    if o.pss {
        signer = signer.with_rsa_pss().map_err(unusable)?;
    }
    let mut id = Sha256::new();
    id.update(from.as_str().as_bytes());
    id.update(time.as_secs().to_be_bytes());
    let mut builder = MessageBuilder::new(from.clone(), o.to.clone()).date(time).wrapped(!o.unwrapped);
    if let Some(subject) = &o.subject {
        builder = builder.subject(subject);
    }
    if let Some(text) = &o.text {
        id.update(text.as_bytes());
        builder = builder.text(text);
    }
    for path in &o.attach {
        let bytes = read_file(path)?;
        id.update(&bytes);
        let filename = std::path::Path::new(path).file_name().map_or("attachment".into(), |n| n.to_string_lossy());
        builder = builder.attach(guess_content_type(&filename, &bytes), filename.into_owned(), bytes);
    }
    let digest = id.finalize();
    builder = builder.message_id(format!("{}@{}", hex(digest.get(..16).unwrap_or_default()), from.domain()));
    let message = match &encryption {
        Some((encryptor, recipients)) => builder.sign_and_encrypt(&signer, encryptor, recipients),
        None => builder.sign(&signer),
    }
    .map_err(|e| CliError::Input(e.to_string()))?;
    write_stdout(&message)?;
    Ok(Outcome::Success)
}
