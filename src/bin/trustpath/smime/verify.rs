//! `trustpath smime verify`: verify a signed S/MIME message (or a detached CMS signature and
//! its content) from a Direct sender; `trustpath smime decrypt`: decrypt an encrypted one with
//! the recipient's key, then verify it the same way.

use core::fmt::Write;
use std::borrow::Cow;

use trustpath::direct::{
    DecryptionKey, DirectAddress, DirectError, SmimeInput, SmimeVerifier, VerifiedMessage, certificate_addresses,
};
use trustpath::revocation::RevocationData;
use trustpath::time::format_rfc3339;
use trustpath::{Policy, UnixTime, Verifier};

use crate::args::{Arg, Args};
use crate::checks::{self, CheckOptions};
use crate::fetch::FetchRecord;
use crate::fetching::{fetched_json, fetched_text};
use crate::input::{load_anchors, load_intermediates, parse_time, read_file, read_leaf};
use crate::json::Json;
use crate::render::{anchor_json, certificate_json, certificate_text, findings_json, findings_text};
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Verify a signed S/MIME message from a Direct sender: the CMS signature (RFC 5652), the signer's
certificate path under the Direct policy (digitalSignature, RSA of 2048 bits or more, SHA-256 or
better, revocation hard-fail by default) and its binding to the sender's Direct address.

Usage: trustpath smime verify [OPTIONS] MESSAGE

MESSAGE is an S/MIME message (multipart/signed, or application/pkcs7-mime with
smime-type=signed-data; DER or BER inside), or with --detached a CMS signature (DER, BER or PEM)
over the file CONTENT. '-' reads standard input.

{common}";

const DECRYPT_HELP: &str = "\
Decrypt an encrypted S/MIME message sent to a Direct recipient, then verify the signed message
inside as 'trustpath smime verify' does: the CMS signature, the signer's certificate path under
the Direct policy and its binding to the sender's Direct address.

Usage: trustpath smime decrypt --key KEY --cert CERT [OPTIONS] MESSAGE

MESSAGE is an encrypted S/MIME message (application/pkcs7-mime with smime-type=enveloped-data
or authEnveloped-data: AES-CBC or AES-GCM content, RSA PKCS#1 v1.5 or OAEP key transport), or
a bare CMS EnvelopedData or AuthEnvelopedData (DER, BER or PEM). '-' reads standard input.
Every decryption failure (not for this key, altered or truncated ciphertext, content that is
not an intact signed message) is one error, decryption_failed, whatever the cause.

Recipient:
  --key KEY               The recipient's private key: unencrypted PKCS#8 (PEM 'PRIVATE KEY'
                          or DER) or PKCS#1 (PEM 'RSA PRIVATE KEY'); RSA
  --cert CERT             The recipient's certificate (PEM or DER), which the message's
                          RecipientInfo names

{common}";

/// The options `verify` and `decrypt` share, and the JSON description.
const COMMON_HELP: &str = "\
Trust:
  --anchors FILE          Trust the certificates in FILE (e.g. a DirectTrust bundle, .p7b or
                          PEM; anchors may be intermediate CAs); repeatable, at least one
  --intermediates FILE    Offer the certificates in FILE as untrusted intermediates (and as
                          possible signer certificates); repeatable

Message:
  --sender ADDRESS        The Direct address the signer must be bound to [default: the From
                          address of the signed (wrapped) message, else of the message]
  --detached CONTENT      MESSAGE is a detached CMS signature over the file CONTENT (verify
                          only)
  --time RFC3339          Validation time, e.g. 2026-06-01T00:00:00Z [default: now]
  --allow-sha1            Accept SHA-1 message digests (AS v1.2 and earlier peers)

{checks}

Output:
  --json                  Print one JSON object instead of a report
  -h, --help              Print this help

Exit status: 0 valid, 1 rejected, 2 bad usage or unreadable input.

JSON output:
  {\"valid\": bool,
   \"signer\": {\"subject\", \"addresses\": [\"email:...\", \"DNS:...\"],
              \"binding\": \"address\" | \"domain\" | null} | null,
   \"sender\": string | null,
   \"form\": \"multipart/signed\" | \"pkcs7-mime\" | \"detached\" | null,
   \"digest_algorithm\": \"SHA-256\" | ... | null,
   \"path\": [{\"subject\", \"issuer\", \"serial\", \"sha256\"}, ...],
   \"anchor\": {\"subject\", \"community\", \"sha256\"} | null,
   \"attachments\": [{\"content_type\", \"filename\", \"size\", \"fhir_resource_type\"}, ...],
   \"error\": {\"kind\", \"message\"} | null,
   \"findings\": [{\"rule\", \"citation\", \"certificate_index\", \"message\"}, ...],
   \"decrypted\": {\"cipher\": \"aes128-cbc\" | \"aes256-cbc\" | \"aes128-gcm\" | ...,
                 \"key_transport\": \"rsa-pkcs1v15\" | \"rsa-oaep-sha256\" | ...,
                 \"recipient\": the recipient certificate's subject} | null,   (decrypt only)
   \"fetched\": [{\"url\", \"kind\", \"status\", \"bytes\", \"ms\"}, ...]}   (with --fetch only)
  path is the signer's verified path, signer first, without the anchor. binding is null when
  no sender was known (a detached signature over non-MIME content without --sender). When
  rejected, signer, path, anchor and attachments are empty: nothing of an unverified message
  is reported. findings: certificate-profile rules (RFC 5280 4) the signer's path breaks
  without being refused (see trustpath chain verify --help); empty when rejected and under
  --strict. fetched: every URL --fetch tried (see trustpath chain verify --help).
";

/// The `--revocation` notes of the help text (see [`checks::help`]).
const REVOCATION_NOTES: &str = "                          [default: hard, as the Direct policy requires]
                          Every certificate below the anchor is checked; the
                          --intermediates certificates may be CRL signers or delegated OCSP
                          responders.";

/// Which command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Verify,
    Decrypt,
}

/// The parsed command line.
#[derive(Debug)]
struct Options {
    command: Command,
    /// `--key` and `--cert` (decrypt).
    recipient: Option<(String, String)>,
    anchors: Vec<String>,
    intermediates: Vec<String>,
    time: Option<UnixTime>,
    sender: Option<DirectAddress>,
    detached: Option<String>,
    allow_sha1: bool,
    policy: Policy,
    checks: CheckOptions,
    json: bool,
    message: String,
}

fn parse(args: &mut Args, command: Command) -> Result<Option<Options>, CliError> {
    let (mut anchors, mut intermediates) = (Vec::new(), Vec::new());
    let (mut key, mut cert) = (None, None);
    let (mut time, mut sender, mut detached, mut message) = (None, None, None, None);
    let (mut json, mut allow_sha1) = (false, false);
    let mut checks = CheckOptions::default();
    while let Some(arg) = args.next()? {
        let name = match arg {
            _ if is_help(&arg) => return Ok(None),
            Arg::Positional(path) => {
                args.once(&mut message, "MESSAGE", path).map_err(|_| args.error("only one MESSAGE may be given"))?;
                continue;
            }
            Arg::Long(name) => name,
            Arg::Short(_) => return Err(args.unexpected(&arg)),
        };
        match name.as_str() {
            "anchors" => anchors.push(args.value(&name)?),
            "intermediates" => intermediates.push(args.value(&name)?),
            "time" => {
                let value = parse_time(&args.value(&name)?).map_err(|e| args.error(e))?;
                args.once(&mut time, &name, value)?;
            }
            "sender" => {
                let value = args.value(&name)?;
                let address = DirectAddress::parse(&value).map_err(|e| args.error(format!("--sender: {e}")))?;
                args.once(&mut sender, &name, address)?;
            }
            "detached" => {
                let value = args.value(&name)?;
                args.once(&mut detached, &name, value)?;
            }
            "allow-sha1" => allow_sha1 = true,
            "json" => json = true,
            "key" if command == Command::Decrypt => {
                let value = args.value(&name)?;
                args.once(&mut key, &name, value)?;
            }
            "cert" if command == Command::Decrypt => {
                let value = args.value(&name)?;
                args.once(&mut cert, &name, value)?;
            }
            _ if checks.parse_option(&name, args)? => {}
            _ => return Err(args.unexpected(&Arg::Long(name))),
        }
    }
    let recipient = match (command, key, cert) {
        (Command::Verify, _, _) => None,
        (Command::Decrypt, Some(key), Some(cert)) => Some((key, cert)),
        (Command::Decrypt, _, _) => return Err(args.error("--key and --cert (the recipient's) are required")),
    };
    if command == Command::Decrypt && detached.is_some() {
        return Err(args.error("--detached does not apply to an encrypted message"));
    }
    let message = message.ok_or_else(|| args.error("missing MESSAGE (the message file)"))?;
    if anchors.is_empty() {
        return Err(args.error("no trust anchors: give --anchors FILE"));
    }
    if message == "-" && detached.as_deref() == Some("-") {
        return Err(args.error("MESSAGE and --detached CONTENT cannot both be standard input"));
    }
    let mut policy = Policy::direct();
    checks.apply(&mut policy);
    Ok(Some(Options {
        command,
        recipient,
        anchors,
        intermediates,
        time,
        sender,
        detached,
        allow_sha1,
        policy,
        checks,
        json,
        message,
    }))
}

/// Runs `trustpath smime verify` with the arguments after `verify`.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    run_command(args, Command::Verify)
}

/// Runs `trustpath smime decrypt` with the arguments after `decrypt`.
pub fn run_decrypt(args: Args) -> Result<Outcome, CliError> {
    run_command(args, Command::Decrypt)
}

fn run_command(mut args: Args, command: Command) -> Result<Outcome, CliError> {
    let Some(options) = parse(&mut args, command)? else {
        let help = if command == Command::Verify { HELP } else { DECRYPT_HELP };
        let common = COMMON_HELP.replace("{checks}\n", &checks::help(REVOCATION_NOTES));
        return print(&help.replace("{common}", &common)).map(|()| Outcome::Success);
    };
    let keys = match &options.recipient {
        Some((key_path, cert_path)) => {
            let key = zeroize::Zeroizing::new(read_file(key_path)?);
            let (cert, _) = read_leaf(cert_path)?;
            let key = DecryptionKey::from_private_key(&key, cert)
                .map_err(|e| CliError::Input(format!("{key_path}, {cert_path}: {e}")))?;
            Some(vec![key])
        }
        None => None,
    };
    let store = load_anchors(&options.anchors, &[])?;
    let (pool, untrusted) = load_intermediates(&options.intermediates)?;
    let revocation = options.checks.load(&options.policy, untrusted.iter().cloned())?;
    let message = read_file(&options.message)?;
    let content = match &options.detached {
        Some(path) => Some(read_file(path)?),
        None => None,
    };
    let smime = |verifier: &Verifier| {
        SmimeVerifier::with_policy(verifier.store().clone(), verifier.policy().clone())
            .with_intermediates(verifier.pool().clone())
            .with_certificates(untrusted.clone())
            .allow_sha1(options.allow_sha1)
    };
    let time = options.time.unwrap_or_else(UnixTime::now);
    // The message is handed over when it is verified once (without --fetch), so that the
    // verified message keeps it instead of a copy of its signed content.
    let verify = |smime: &SmimeVerifier, revocation: &RevocationData, message: Cow<'_, [u8]>| {
        let mut input = SmimeInput::new(time).revocation(revocation);
        if let Some(sender) = &options.sender {
            input = input.sender(sender.clone());
        }
        match (&keys, &content) {
            (Some(keys), _) if looks_like_der_or_pem(&message) => smime.decrypt_enveloped(&message, keys, &input),
            (Some(keys), _) => smime.decrypt_message(&message, keys, &input),
            (None, Some(content)) => smime.verify_detached(&message, content, &input),
            (None, None) => match message {
                Cow::Owned(message) => smime.verify_owned_message(message, &input),
                Cow::Borrowed(message) => smime.verify_message(message, &input),
            },
        }
    };
    let base = SmimeVerifier::with_policy(store, options.policy.clone()).with_intermediates(pool);
    let (result, revocation, fetched) = match options.checks.fetch.fetcher()? {
        None => (verify(&smime(base.verifier()), &revocation, Cow::Owned(message)), revocation, None),
        Some(fetcher) => {
            let outcome = fetcher.validate_with(base.verifier(), &revocation, time, |verifier, data, _| {
                verify(&smime(verifier), data, Cow::Borrowed(&message))
            });
            (outcome.result, outcome.revocation, Some(outcome.fetched))
        }
    };
    let report = if options.json {
        json_report(&result, options.command, fetched.as_deref())
    } else {
        text_report(&options, &revocation, &result, time, fetched.as_deref())
    };
    print(&report)?;
    Ok(if result.is_ok() { Outcome::Success } else { Outcome::Rejected })
}

/// A bare CMS (DER or BER SEQUENCE, or PEM) rather than a MIME message.
fn looks_like_der_or_pem(message: &[u8]) -> bool {
    message.first() == Some(&0x30) || message.trim_ascii_start().starts_with(b"-----BEGIN")
}

fn json_report(
    result: &Result<VerifiedMessage, DirectError>,
    command: Command,
    fetched: Option<&[FetchRecord]>,
) -> String {
    let mut report = match result {
        Ok(m) => {
            let signer = m.signer();
            let addresses = certificate_addresses(signer).into_iter().map(Json::str).collect();
            let attachments = m
                .attachments()
                .map(|a| {
                    Json::Object(vec![
                        ("content_type", Json::str(a.content_type())),
                        ("filename", Json::opt_str(a.filename())),
                        ("size", Json::from(a.bytes().len())),
                        ("fhir_resource_type", Json::opt_str(a.fhir().and_then(|f| f.resource_type()))),
                    ])
                })
                .collect();
            vec![
                ("valid", Json::Bool(true)),
                (
                    "signer",
                    Json::Object(vec![
                        ("subject", Json::str(signer.subject_string())),
                        ("addresses", Json::Array(addresses)),
                        ("binding", Json::opt_str(m.binding().map(|b| b.as_str()))),
                    ]),
                ),
                ("sender", Json::opt_str(m.sender().map(|s| s.to_string()))),
                ("form", Json::str(m.form().as_str())),
                ("digest_algorithm", Json::str(m.signature().digest_algorithm().name())),
                ("path", Json::Array(m.path().certificates().iter().map(certificate_json).collect())),
                ("anchor", anchor_json(m.path().anchor())),
                ("attachments", Json::Array(attachments)),
                ("error", Json::Null),
                ("findings", findings_json(m.path().findings())),
            ]
        }
        Err(e) => vec![
            ("valid", Json::Bool(false)),
            ("signer", Json::Null),
            ("sender", Json::Null),
            ("form", Json::Null),
            ("digest_algorithm", Json::Null),
            ("path", Json::Array(Vec::new())),
            ("anchor", Json::Null),
            ("attachments", Json::Array(Vec::new())),
            ("error", Json::Object(vec![("kind", Json::str(e.kind())), ("message", Json::str(e.to_string()))])),
            ("findings", findings_json(&[])),
        ],
    };
    if command == Command::Decrypt {
        let decrypted = match result.as_ref().ok().and_then(VerifiedMessage::decryption) {
            Some(d) => Json::Object(vec![
                ("cipher", Json::str(d.content_encryption().name())),
                ("key_transport", Json::str(d.key_transport().name())),
                ("recipient", Json::str(d.recipient().subject_string())),
            ]),
            None => Json::Null,
        };
        report.push(("decrypted", decrypted));
    }
    if let Some(records) = fetched {
        report.push(("fetched", fetched_json(records)));
    }
    format!("{}\n", Json::Object(report))
}

/// What the person running the command can do about `error`.
fn hint(error: &DirectError) -> &'static str {
    match error.kind() {
        "binding_mismatch" => {
            "the signer's certificate names another address or domain: check --sender, or the message was signed \
             by someone other than its sender"
        }
        "missing_sender" => "give the sender's Direct address with --sender",
        "message_digest_mismatch" => "the signed content was altered in transit (or is not the content signed)",
        "cms_bad_signature" => "the signature does not verify with the signer certificate's key",
        "digest_algorithm" => {
            "the sender signs with a digest the Applicability Statement v1.3 disallows; --allow-sha1 accepts SHA-1 \
             from legacy peers"
        }
        "signer_not_found" => "the message does not carry the signer's certificate: supply it with --intermediates",
        "revocation_unknown" => {
            "revocation checking is hard-fail for Direct: fetch the CRLs the certificates name and pass them with \
             --crl (or let --fetch fetch them), or use --revocation soft"
        }
        "revoked" => "the signer's certificate (or a CA above it) has been revoked: do not trust this message",
        "unknown_issuer" => {
            "the signer does not chain to the anchors: check --anchors (the trust bundle) and --intermediates"
        }
        "key_usage" => "the signer's certificate is not allowed to sign (keyUsage lacks digitalSignature)",
        "not_signed" | "unsupported" => {
            "trustpath smime verify verifies signed S/MIME; decrypt an encrypted message with trustpath smime decrypt"
        }
        "not_encrypted" => "the message is not encrypted: verify it with trustpath smime verify",
        "decryption_failed" => {
            "the message is not encrypted to --cert's key, or it was altered or truncated in transit; trustpath does \
             not say which (RFC 3218)"
        }
        _ => "see the rule above",
    }
}

fn text_report(
    options: &Options,
    revocation: &RevocationData,
    result: &Result<VerifiedMessage, DirectError>,
    time: UnixTime,
    fetched: Option<&[FetchRecord]>,
) -> String {
    let mut out = String::new();
    let context = format!(
        "at {}, Direct signing policy, {}",
        format_rfc3339(time),
        options.checks.describe(&options.policy, revocation)
    );
    match result {
        Ok(m) => {
            let signer = m.signer();
            let _ = writeln!(out, "VALID: signed by {}", signer.subject_string());
            if let Some(d) = m.decryption() {
                let _ = writeln!(
                    out,
                    "  decrypted: {}, {} key transport, for {}",
                    d.content_encryption().name(),
                    d.key_transport().name(),
                    d.recipient().subject_string()
                );
            }
            findings_text(&mut out, m.path().findings());
            match (m.binding(), m.sender()) {
                (Some(binding), Some(sender)) => {
                    let _ = writeln!(out, "  bound to {sender} ({} binding)", binding.as_str());
                }
                _ => {
                    let _ = writeln!(out, "  binding not checked: no sender known (give --sender)");
                }
            }
            let _ = writeln!(
                out,
                "  {} signature, {}; signer names: {}",
                m.form().as_str(),
                m.signature().digest_algorithm().name(),
                certificate_addresses(signer).join(", ")
            );
            let _ = writeln!(out, "Checked {context}.");
            let _ = writeln!(out, "Signer path (signer first):");
            for (i, cert) in m.path().certificates().iter().enumerate() {
                certificate_text(&mut out, &format!("[{i}]"), cert);
            }
            let anchor = m.path().anchor();
            let _ = writeln!(out, "Trust anchor: {}", anchor.subject_string());
            let attachments: Vec<_> = m.attachments().collect();
            let _ = writeln!(out, "Attachments: {}", attachments.len());
            for a in attachments {
                let fhir = match a.fhir() {
                    Some(f) => format!(
                        ", FHIR {}{}",
                        f.resource_type().unwrap_or("resource"),
                        f.bundle_type().map(|t| format!(" ({t})")).unwrap_or_default()
                    ),
                    None => String::new(),
                };
                let _ = writeln!(
                    out,
                    "  {} {} ({} bytes{fhir})",
                    a.content_type(),
                    a.filename().unwrap_or("(no filename)"),
                    a.bytes().len()
                );
            }
        }
        Err(e) => {
            let _ = writeln!(out, "REJECTED: {e}");
            let _ = writeln!(out, "  rule: {}", e.kind());
            let _ = writeln!(out, "  hint: {}", hint(e));
            let _ = writeln!(out, "Checked {context}.");
        }
    }
    if let Some(records) = fetched {
        fetched_text(&mut out, records, "");
    }
    out
}
