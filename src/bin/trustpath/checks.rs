//! Options shared by the commands that validate a certification path (`chain verify`, and
//! `jwt verify` and `smime verify` for the signer's chain): revocation data and mode, the
//! certificate-policy inputs of RFC 5280 §6.1.1, and `--strict`. Parsing them, reading the CRL and OCSP files they name, and
//! turning them into the library's [`RevocationData`] and [`Policy`] fields.

use const_oid::ObjectIdentifier;
use trustpath::policy::{ANY_POLICY, PolicyInputs};
use trustpath::revocation::{Crl, OcspResponse, RevocationData, RevocationMode};
use trustpath::{Certificate, Policy};

use crate::args::Args;
use crate::fetching::FetchOptions;
use crate::input::read_file;
use crate::{CliError, warn};

/// The help section for these options, to be placed in a command's help text; `{revocation}`
/// stands for the command's notes on `--revocation` (see [`help`]).
const HELP: &str = "\
Revocation:
  --crl FILE              Use the CRLs in FILE (PEM 'X509 CRL', several allowed, or DER);
                          repeatable
  --ocsp FILE             Use the OCSP response in FILE (DER); repeatable
  --revocation MODE       off (not checked), soft (unknown status allowed and reported) or
                          hard (unknown status rejects)
{revocation}
{fetch}

Certificate policies (RFC 5280 6.1.1):
  --initial-policy OID    Accept this certificate policy (user-initial-policy-set);
                          repeatable [default: anyPolicy, i.e. every policy]
  --require-explicit-policy
                          The path must be valid for an accepted policy
                          (initial-explicit-policy)
  --inhibit-policy-mapping
                          Policy mapping is not allowed (initial-policy-mapping-inhibit)
  --inhibit-any-policy    anyPolicy in certificates is not honoured
                          (initial-any-policy-inhibit)

Certificate profile:
  --strict                Refuse a path whose certificates break a rule of the profile
                          (RFC 5280 4 issuance rules; tls-server also the CA/B Forum's)
                          instead of reporting it as a finding; the anchor's certificate
                          is then held to the rules of a CA certificate. tls-server is
                          always strict
";

/// The help section for these options. `revocation_notes` continues the description of
/// `--revocation` (its default, which untrusted certificates may sign revocation data): whole
/// lines, indented to the description column (26 spaces), without the final newline.
pub fn help(revocation_notes: &str) -> String {
    HELP.replace("{revocation}", revocation_notes).replace("{fetch}", crate::fetching::HELP)
}

/// The revocation and certificate-policy options of one command line.
#[derive(Debug, Default)]
pub struct CheckOptions {
    /// `--crl` files.
    pub crls: Vec<String>,
    /// `--ocsp` files.
    pub ocsp: Vec<String>,
    /// `--revocation`, when given.
    pub mode: Option<RevocationMode>,
    /// `--initial-policy` and the three flags.
    pub policies: PolicyInputs,
    /// `--strict`: profile findings refuse the path.
    pub strict: bool,
    /// `--fetch`, `--fetch-cache`, `--fetch-timeout`.
    pub fetch: FetchOptions,
}

/// `off`, `soft` or `hard`.
pub fn parse_mode(value: &str) -> Result<RevocationMode, String> {
    match value {
        "off" => Ok(RevocationMode::Off),
        "soft" => Ok(RevocationMode::SoftFail),
        "hard" => Ok(RevocationMode::HardFail),
        _ => Err(format!("--revocation expects off, soft or hard, not '{value}'")),
    }
}

/// The `--revocation` word for a mode.
pub fn mode_name(mode: RevocationMode) -> &'static str {
    match mode {
        RevocationMode::Off => "off",
        RevocationMode::SoftFail => "soft",
        RevocationMode::HardFail => "hard",
    }
}

/// A certificate policy: a dotted OID, or `anyPolicy`.
pub fn parse_policy(value: &str) -> Result<ObjectIdentifier, String> {
    match value {
        "anyPolicy" => Ok(ANY_POLICY),
        _ => ObjectIdentifier::new(value).map_err(|e| format!("--initial-policy {value}: not an OID ({e})")),
    }
}

impl CheckOptions {
    /// Handles the option `--name` (just returned by [`Args::next`]) if it is one of these,
    /// reading its value from `args`; `Ok(false)` when it is not.
    pub fn parse_option(&mut self, name: &str, args: &mut Args) -> Result<bool, CliError> {
        match name {
            "crl" => self.crls.push(args.value(name)?),
            "ocsp" => self.ocsp.push(args.value(name)?),
            "revocation" => {
                let mode = parse_mode(&args.value(name)?).map_err(|e| args.error(e))?;
                if self.mode.is_some() {
                    return Err(args.error("option --revocation given more than once"));
                }
                self.mode = Some(mode);
            }
            "initial-policy" => {
                let oid = parse_policy(&args.value(name)?).map_err(|e| args.error(e))?;
                if !self.policies.user_initial_policy_set.contains(&oid) {
                    self.policies.user_initial_policy_set.push(oid);
                }
            }
            "require-explicit-policy" => self.policies.initial_explicit_policy = true,
            "inhibit-policy-mapping" => self.policies.initial_policy_mapping_inhibit = true,
            "inhibit-any-policy" => self.policies.initial_any_policy_inhibit = true,
            "strict" => self.strict = true,
            _ => return self.fetch.parse_option(name, args),
        }
        Ok(true)
    }

    /// Applies the options to a profile's policy: the revocation mode (the scope stays the
    /// preset's), the certificate-policy inputs and `--strict`.
    pub fn apply(&self, policy: &mut Policy) {
        if let Some(mode) = self.mode {
            policy.revocation.mode = mode;
        }
        if self.strict {
            policy.findings_are_fatal = true;
        }
        policy.certificate_policies = self.policies.clone();
    }

    /// Reads the `--crl` and `--ocsp` files into revocation data, with `signers` (the
    /// untrusted certificates offered) as possible CRL and OCSP signer certificates. Warns
    /// when revocation data is given while `policy` does not check revocation.
    pub fn load(
        &self,
        policy: &Policy,
        signers: impl IntoIterator<Item = Certificate>,
    ) -> Result<RevocationData, CliError> {
        let mut data = RevocationData::new();
        for path in &self.crls {
            for crl in read_crls(path)? {
                if let Some(why) = crl.unusable_reason() {
                    warn(&format!("{path}: this CRL cannot be used for status decisions: {why}"));
                }
                data.add_crl(crl);
            }
        }
        for path in &self.ocsp {
            data.add_ocsp(read_ocsp(path)?);
        }
        for cert in signers {
            data.add_certificate(cert);
        }
        let supplied = !self.crls.is_empty() || !self.ocsp.is_empty();
        if supplied && policy.revocation.mode == RevocationMode::Off {
            warn("revocation checking is off: the CRLs and OCSP responses given are not used");
        }
        Ok(data)
    }

    /// A short description for reports: `revocation soft, 2 CRLs, 1 OCSP response, initial
    /// policies 1.2.3, explicit policy required`.
    pub fn describe(&self, policy: &Policy, data: &RevocationData) -> String {
        let mut parts = vec![format!("revocation {}", mode_name(policy.revocation.mode))];
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        if !data.crls().is_empty() {
            parts.push(plural(data.crls().len(), "CRL"));
        }
        if !data.ocsp_responses().is_empty() {
            parts.push(plural(data.ocsp_responses().len(), "OCSP response"));
        }
        if policy.findings_are_fatal {
            parts.push("strict profile".to_string());
        }
        let p = &self.policies;
        if !p.user_initial_policy_set.is_empty() {
            let oids: Vec<String> = p.user_initial_policy_set.iter().map(ToString::to_string).collect();
            parts.push(format!("initial policies {}", oids.join(" ")));
        }
        for (set, what) in [
            (p.initial_explicit_policy, "explicit policy required"),
            (p.initial_policy_mapping_inhibit, "policy mapping inhibited"),
            (p.initial_any_policy_inhibit, "anyPolicy inhibited"),
        ] {
            if set {
                parts.push(what.to_string());
            }
        }
        parts.join(", ")
    }
}

/// Where each `-----BEGIN X509 CRL-----` block of a text starts and ends (through its END
/// line, or to the end of the text when that is missing).
fn crl_pem_blocks(bytes: &[u8]) -> Vec<&[u8]> {
    const BEGIN: &[u8] = b"-----BEGIN X509 CRL-----";
    const END: &[u8] = b"-----END X509 CRL-----";
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut blocks = Vec::new();
    let mut rest = bytes;
    while let Some(start) = find(rest, BEGIN) {
        let from = rest.get(start..).unwrap_or_default();
        let len = find(from, END).map_or(from.len(), |end| end + END.len());
        blocks.push(from.get(..len).unwrap_or_default());
        rest = from.get(len..).unwrap_or_default();
    }
    blocks
}

/// The CRLs of a file: DER (one CRL), or PEM with one or more `X509 CRL` blocks.
pub fn read_crls(path: &str) -> Result<Vec<Crl>, CliError> {
    let bytes = read_file(path)?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&0x30) {
        let crl = Crl::from_der(bytes).map_err(|e| CliError::Input(format!("{path}: not a CRL: {e}")))?;
        return Ok(vec![crl]);
    }
    let blocks = crl_pem_blocks(&bytes);
    if blocks.is_empty() {
        let what = if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            "PEM without an 'X509 CRL' block"
        } else {
            "neither DER nor PEM"
        };
        return Err(CliError::Input(format!("{path}: not a CRL ({what})")));
    }
    let many = blocks.len() > 1;
    let mut crls = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.into_iter().enumerate() {
        let which = if many { format!(" (CRL {})", i + 1) } else { String::new() };
        crls.push(Crl::from_pem_or_der(block).map_err(|e| CliError::Input(format!("{path}{which}: not a CRL: {e}")))?);
    }
    Ok(crls)
}

/// A DER OCSP response (a successful BasicOCSPResponse).
pub fn read_ocsp(path: &str) -> Result<OcspResponse, CliError> {
    let bytes = read_file(path)?;
    OcspResponse::from_der(bytes).map_err(|e| CliError::Input(format!("{path}: not a usable OCSP response: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(items: &[&str]) -> Result<CheckOptions, CliError> {
        let mut args = Args::new(items.iter().map(|s| s.to_string()).collect(), "test");
        let mut options = CheckOptions::default();
        while let Some(arg) = args.next()? {
            let crate::args::Arg::Long(name) = arg else { return Err(args.unexpected(&arg)) };
            if !options.parse_option(&name, &mut args)? {
                return Err(args.unexpected(&crate::args::Arg::Long(name)));
            }
        }
        Ok(options)
    }

    #[test]
    fn parses_revocation_and_policy_options() {
        let o = parse(&[
            "--crl",
            "a.crl",
            "--crl=b.crl",
            "--ocsp",
            "r.der",
            "--revocation",
            "hard",
            "--initial-policy",
            "1.2.3",
            "--initial-policy",
            "anyPolicy",
            "--require-explicit-policy",
            "--inhibit-any-policy",
        ])
        .unwrap_or_default();
        assert_eq!(o.crls, ["a.crl", "b.crl"]);
        assert_eq!(o.ocsp, ["r.der"]);
        assert_eq!(o.mode, Some(RevocationMode::HardFail));
        assert_eq!(o.policies.user_initial_policy_set, [ObjectIdentifier::new_unwrap("1.2.3"), ANY_POLICY]);
        assert!(o.policies.initial_explicit_policy && o.policies.initial_any_policy_inhibit);
        assert!(!o.policies.initial_policy_mapping_inhibit);

        let mut policy = Policy::udap();
        parse(&["--revocation", "soft", "--inhibit-policy-mapping"]).unwrap_or_default().apply(&mut policy);
        assert_eq!(policy.revocation.mode, RevocationMode::SoftFail);
        assert_eq!(policy.revocation.scope, Policy::udap().revocation.scope);
        assert!(policy.certificate_policies.initial_policy_mapping_inhibit);
        let mut policy = Policy::udap();
        CheckOptions::default().apply(&mut policy);
        assert_eq!(policy.revocation.mode, RevocationMode::HardFail);
    }

    #[test]
    fn rejects_bad_values() {
        assert!(parse(&["--revocation", "strict"]).is_err());
        assert!(parse(&["--revocation", "off", "--revocation", "off"]).is_err());
        assert!(parse(&["--initial-policy", "policy"]).is_err());
        assert!(parse(&["--require-explicit-policy=yes"]).is_err());
        assert!(parse(&["--crl"]).is_err());
    }

    #[test]
    fn finds_crl_pem_blocks() {
        let text = b"x\n-----BEGIN X509 CRL-----\nAA==\n-----END X509 CRL-----\n\
                     -----BEGIN X509 CRL-----\nBB==\n-----END X509 CRL-----\n-----BEGIN X509 CRL-----\nCC";
        let blocks = crl_pem_blocks(text);
        assert_eq!(blocks.len(), 3);
        assert!(blocks.iter().all(|b| b.starts_with(b"-----BEGIN X509 CRL-----")));
        assert!(blocks[0].ends_with(b"-----END X509 CRL-----"));
        assert_eq!(blocks[2], b"-----BEGIN X509 CRL-----\nCC");
        assert!(crl_pem_blocks(b"-----BEGIN CERTIFICATE-----").is_empty());
    }
}
