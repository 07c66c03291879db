//! The options that choose and validate the recipients of an encrypted message, shared by
//! `smime encrypt` and `smime sign --encrypt-to`: recipient certificates, trust anchors,
//! intermediates, revocation data and mode, content encryption and key transport.

use core::fmt::Write;

use trustpath::crypto::DigestAlgorithm;
use trustpath::direct::{ContentEncryption, DirectAddress, KeyTransport, Recipient, SmimeEncryptor};
use trustpath::{Policy, UnixTime};

use crate::CliError;
use crate::args::Args;
use crate::checks::CheckOptions;
use crate::input::{load_anchors, load_intermediates, read_leaf};

/// The help lines of these options; `{recipient}` names the recipient option.
pub const HELP: &str = "\
Recipients (each certificate must be valid for encryption to one of the --to addresses: the
Direct policy with keyEncipherment, a path to the anchors, revocation, and a binding to the
address or its domain; if one is not, nothing is written and the exit status is 1):
  {recipient} CERT        A recipient's certificate (PEM or DER; an RSA key); repeatable
  --anchors FILE          Trust the certificates in FILE (e.g. a DirectTrust bundle, .p7b or
                          PEM); repeatable, at least one
  --intermediates FILE    Offer the certificates in FILE as untrusted intermediates;
                          repeatable
  --crl FILE              Use the CRLs in FILE (PEM or DER); repeatable
  --ocsp FILE             Use the OCSP response in FILE (DER); repeatable
  --revocation MODE       off, soft or hard [default: hard, as the Direct policy requires]
  --cipher CIPHER         aes128-cbc, aes256-cbc (EnvelopedData), aes128-gcm or aes256-gcm
                          (AuthEnvelopedData) [default: aes128-cbc]
  --oaep                  RSAES-OAEP with SHA-256 key transport instead of RSA PKCS#1 v1.5
";

/// The parsed options.
#[derive(Debug, Default)]
pub struct RecipientOptions {
    /// The recipient certificate files.
    pub certificates: Vec<String>,
    anchors: Vec<String>,
    intermediates: Vec<String>,
    checks: CheckOptions,
    cipher: Option<ContentEncryption>,
    oaep: bool,
}

impl RecipientOptions {
    /// Handles `--name` if it is one of these (`recipient` names the certificate option);
    /// `Ok(false)` when it is not.
    pub fn parse_option(&mut self, name: &str, recipient: &str, args: &mut Args) -> Result<bool, CliError> {
        match name {
            _ if name == recipient => self.certificates.push(args.value(name)?),
            "anchors" => self.anchors.push(args.value(name)?),
            "intermediates" => self.intermediates.push(args.value(name)?),
            "crl" | "ocsp" | "revocation" => {
                self.checks.parse_option(name, args)?;
            }
            "cipher" => {
                let value = args.value(name)?;
                let cipher = ContentEncryption::from_name(&value)
                    .filter(|c| *c != ContentEncryption::Aes192Cbc)
                    .ok_or_else(|| {
                        args.error(format!(
                            "--cipher expects aes128-cbc, aes256-cbc, aes128-gcm or aes256-gcm, not '{value}'"
                        ))
                    })?;
                args.once(&mut self.cipher, name, cipher)?;
            }
            "oaep" => self.oaep = true,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Whether any recipient is given.
    pub fn any(&self) -> bool {
        !self.certificates.is_empty()
    }

    /// Checks what the command line must hold once parsed: anchors when there are recipients,
    /// and no encryption option without recipients.
    pub fn check(&self, args: &Args, recipient: &str) -> Result<(), CliError> {
        let options_given = !self.anchors.is_empty()
            || !self.intermediates.is_empty()
            || !self.checks.crls.is_empty()
            || !self.checks.ocsp.is_empty()
            || self.checks.mode.is_some()
            || self.cipher.is_some()
            || self.oaep;
        if !self.any() && options_given {
            return Err(args.error(format!("the encryption options need {recipient} CERT")));
        }
        if self.any() && self.anchors.is_empty() {
            return Err(args.error("no trust anchors to validate the recipients: give --anchors FILE"));
        }
        Ok(())
    }

    /// The encryptor these options describe, and every recipient certificate validated for
    /// encryption to one of `to` at `time`: `Ok(Err(report))` names each refused certificate
    /// and why.
    pub fn recipients(
        &self,
        to: &[DirectAddress],
        time: UnixTime,
    ) -> Result<Result<(SmimeEncryptor, Vec<Recipient>), String>, CliError> {
        let mut policy = Policy::direct();
        self.checks.apply(&mut policy);
        let store = load_anchors(&self.anchors, &[])?;
        let (pool, untrusted) = load_intermediates(&self.intermediates)?;
        let revocation = self.checks.load(&policy, untrusted)?;
        let mut encryptor = SmimeEncryptor::with_policy(store, policy).with_intermediates(pool);
        if let Some(cipher) = self.cipher {
            encryptor = encryptor.with_content_encryption(cipher).map_err(|e| CliError::Input(e.to_string()))?;
        }
        let key_transport =
            if self.oaep { KeyTransport::RsaOaep(DigestAlgorithm::Sha256) } else { KeyTransport::RsaPkcs1v15 };
        encryptor = encryptor.with_key_transport(key_transport).map_err(|e| CliError::Input(e.to_string()))?;
        let (mut recipients, mut refused) = (Vec::new(), String::new());
        for path in &self.certificates {
            let (certificate, _) = read_leaf(path)?;
            match encryptor.recipient(&certificate, to, time, Some(&revocation)) {
                Ok(recipient) => recipients.push(recipient),
                Err(e) => {
                    let _ = writeln!(refused, "REJECTED: recipient {path} ({}): {e}", certificate.subject_string());
                    let _ = writeln!(refused, "  rule: {}", e.kind());
                }
            }
        }
        Ok(if refused.is_empty() { Ok((encryptor, recipients)) } else { Err(refused) })
    }
}

/// Reports refused recipients on standard error (nothing is written to standard output).
pub fn report_refused(report: &str) {
    eprint!("{report}");
}
