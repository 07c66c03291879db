//! `trustpath jwt sign`: sign a JSON object as a compact JWS whose `x5c` is the signer's
//! certificate chain.

use serde_json::Value;
use trustpath::json::{self, JsonError};
use trustpath::jws::{JwsAlgorithm, JwsError, Signer};

use crate::args::{Arg, Args};
use crate::input::{read_file, read_leaf};
use crate::{CliError, Outcome, is_help, print};

const HELP: &str = "\
Sign JSON claims as a compact JWS (RFC 7515) with an x5c certificate chain.

Usage: trustpath jwt sign --key KEY --chain CHAIN [--alg ALG] CLAIMS.json

CLAIMS.json is a JSON object (the JWT claims; '-' reads standard input). The compact JWS is
printed on one line. Its protected header is {\"alg\", \"x5c\"}: x5c is CHAIN, signer first.
Nothing is added to the claims: build iss, sub, aud, iat, exp and jti as the use requires.

Options:
  --key KEY               The signer's private key: unencrypted PKCS#8, PEM ('PRIVATE KEY')
                          or DER. RSA (2048 bits or more), P-256 or P-384.
  --chain CHAIN           The signer's certificate first, then the intermediates to send
                          (PEM, DER or PKCS#7). The key must match the first certificate.
  --alg ALG               The JWS algorithm: RS256, RS384, RS512, PS256, PS384 or PS512 for
                          an RSA key, ES256 for P-256, ES384 for P-384 [default: RS256,
                          ES256 or ES384 by key type]
  -h, --help              Print this help

Exit status: 0 signed, 2 bad usage, unreadable input, or a key that does not match the
certificate or cannot sign with ALG.
";

/// The parsed command line.
#[derive(Debug)]
struct Options {
    key: String,
    chain: String,
    alg: Option<JwsAlgorithm>,
    claims: String,
}

/// Parses the command line; `None` when help was asked for.
fn parse(args: &mut Args) -> Result<Option<Options>, CliError> {
    let (mut key, mut chain, mut alg, mut claims) = (None, None, None, None);
    while let Some(arg) = args.next()? {
        let name = match arg {
            _ if is_help(&arg) => return Ok(None),
            Arg::Positional(path) => {
                if claims.replace(path).is_some() {
                    return Err(args.error("only one CLAIMS file may be given"));
                }
                continue;
            }
            Arg::Long(name) => name,
            Arg::Short(_) => return Err(args.unexpected(&arg)),
        };
        let slot = match name.as_str() {
            "key" => &mut key,
            "chain" => &mut chain,
            "alg" => {
                let value = args.value(&name)?;
                let parsed = JwsAlgorithm::from_name(&value).ok_or_else(|| {
                    args.error(format!(
                        "unknown JWS algorithm '{value}' (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384)"
                    ))
                })?;
                if alg.replace(parsed).is_some() {
                    return Err(args.error("option --alg given more than once"));
                }
                continue;
            }
            _ => return Err(args.unexpected(&Arg::Long(name))),
        };
        let value = args.value(&name)?;
        if slot.replace(value).is_some() {
            return Err(args.error(format!("option --{name} given more than once")));
        }
    }
    let key = key.ok_or_else(|| args.error("missing --key KEY (the signer's PKCS#8 private key)"))?;
    let chain = chain.ok_or_else(|| args.error("missing --chain CHAIN (the signer's certificate first)"))?;
    let claims = claims.ok_or_else(|| args.error("missing CLAIMS.json (the JSON object to sign)"))?;
    Ok(Some(Options { key, chain, alg, claims }))
}

/// Runs `trustpath jwt sign` with the arguments after `sign`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = parse(&mut args)? else {
        return print(HELP).map(|()| Outcome::Success);
    };
    let (leaf, rest) = read_leaf(&options.chain)?;
    let mut chain = vec![leaf];
    chain.extend(rest);
    let key = read_file(&options.key)?;
    let mut signer = Signer::from_pkcs8(&key, chain).map_err(|e| match e {
        JwsError::KeyCertificateMismatch => CliError::Input(format!(
            "{}: the private key does not match the first certificate of {}",
            options.key, options.chain
        )),
        JwsError::X5cTooManyCertificates { .. } | JwsError::X5cTooLarge { .. } => {
            CliError::Input(format!("{}: {e}", options.chain))
        }
        e => CliError::Input(format!("{}: {e}", options.key)),
    })?;
    if let Some(alg) = options.alg {
        let key_default = signer.algorithm();
        signer = signer.with_algorithm(alg).map_err(|_| {
            args.error(format!(
                "--alg {alg}: this key cannot sign with it (the key signs {})",
                algorithms_for(key_default)
            ))
        })?;
    }
    let bytes = read_file(&options.claims)?;
    // The strict reader: a claim given twice would be signed with serde_json's last value while
    // a first-value reader of the token sees the first.
    let claims = json::parse_object(&bytes, json::DEFAULT_MAX_ENTRIES).map(Value::Object).map_err(|e| {
        CliError::Input(match e {
            JsonError::Syntax(m) => format!("{}: not JSON: {m}", options.claims),
            JsonError::NotAnObject => format!("{}: the claims must be a JSON object", options.claims),
            other => format!("{}: {other}", options.claims),
        })
    })?;
    let token = signer.sign_json(&claims).map_err(|e| CliError::Input(format!("cannot sign: {e}")))?;
    print(&format!("{token}\n")).map(|()| Outcome::Success)
}

/// The algorithms a key whose default algorithm is `default` can sign with.
fn algorithms_for(default: JwsAlgorithm) -> &'static str {
    match default {
        JwsAlgorithm::Es256 => "ES256 only",
        JwsAlgorithm::Es384 => "ES384 only",
        _ => "RS256, RS384, RS512, PS256, PS384 or PS512",
    }
}
