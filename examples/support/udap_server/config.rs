//! The command line of `udap_server` and what it loads: trust communities, intermediates,
//! CRLs, the metadata-signing certificate, the clock.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use trustpath::UnixTime;
use trustpath::revocation::RevocationMode;

pub const USAGE: &str = "\
udap_server: a UDAP authorization server and FHIR endpoint built on trustpath (axum on tokio)

USAGE:
    cargo run --release --example udap_server [-- OPTIONS]

With no option it serves the bundled test community (test-vectors/udap/) on
http://127.0.0.1:8080 for the base URL https://fhir.example.org/r4 (the SAN URI of the
bundled server certificate), its clock at the test PKI's time 2026-06-01T00:00:00Z.

ENDPOINTS (the paths of --base-url, as behind a load balancer that terminates it):
    GET  {base}/.well-known/udap     metadata with signed_metadata (?community=URI)
    POST /oauth/register             UDAP dynamic client registration (201, 200 on change)
    GET  /oauth/authorize            approves at once: redirects with a code and the state
    POST /oauth/token                client_credentials (hl7-b2b) or authorization_code (PKCE)
    GET  {base}/Patient/{id}         a FHIR read with the bearer token

OPTIONS:
    --listen ADDR           Address to listen on [default: 127.0.0.1:8080]; plain HTTP only
                            on a loopback address, HTTPS (--tls-cert) elsewhere
    --base-url URL          The FHIR base URL [default: https://fhir.example.org/r4]; the
                            OAuth endpoints are /oauth/* of its origin
    --community NAME=FILE   Trust the certificates of FILE as community NAME; repeatable
                            [default: the bundled udap://fhirlabs.example and
                            udap://other-community.example roots]
    --intermediates FILE    Untrusted intermediates for path building; repeatable
    --crl FILE              A CRL (PEM or DER); repeatable
    --revocation MODE       off, soft or hard [default: hard]
    --cert CHAIN --key KEY  The server's certificate chain and PKCS#8 key (RSA: signed
                            metadata is RS256); a SAN URI must equal --base-url
    --redis URL             Keep registrations, used JWT IDs, codes and tokens in Redis
                            (redis://host:port), shared by every instance of the community
                            (needs --features redis)
    --redis-prefix PREFIX   Key prefix in Redis [default: trustpath:udap:]
    --tls-cert CHAIN --tls-key KEY
                            Serve HTTPS with this certificate
    --time RFC3339|now      The server's clock: fixed at a time (tests, the bundled PKI) or
                            the system clock [default: now; 2026-06-01T00:00:00Z when the
                            bundled test PKI is used]
    --token-lifetime SECS   Access token lifetime [default: 3600; the IG allows 3600 at most]
    -h, --help              Print this help
";

/// The bundled test PKI's validation time, 2026-06-01T00:00:00Z: its CRLs are current from
/// 2026-05-25 to 2026-06-08 and its client certificates expire on 2027-01-01, so the bundled
/// community works at this time whatever today's date.
pub const BUNDLED_TIME: u64 = 1_780_272_000;

/// The server's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// Always this time (seconds since the epoch).
    Fixed(u64),
}

impl Clock {
    pub fn now(self) -> UnixTime {
        match self {
            Clock::System => UnixTime::since_unix_epoch(
                SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or(Duration::ZERO),
            ),
            Clock::Fixed(secs) => UnixTime::since_unix_epoch(Duration::from_secs(secs)),
        }
    }
}

/// Everything the command line says.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub base_url: String,
    pub communities: Vec<(String, PathBuf)>,
    pub intermediates: Vec<PathBuf>,
    pub crls: Vec<PathBuf>,
    pub revocation: RevocationMode,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub redis: Option<String>,
    pub redis_prefix: String,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub clock: Clock,
    pub token_lifetime: u64,
}

/// `test-vectors/udap/` of this repository.
pub fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join("udap")
}

impl Options {
    /// The bundled test community: what `udap_server` serves without options.
    pub fn bundled() -> Options {
        let dir = bundled();
        let pki = dir.join("pki");
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: "https://fhir.example.org/r4".into(),
            communities: vec![
                ("udap://fhirlabs.example".into(), pki.join("fhirlabs/root.pem")),
                ("udap://other-community.example".into(), pki.join("other-community/root.pem")),
            ],
            intermediates: vec![pki.join("fhirlabs/intermediate.pem"), pki.join("other-community/intermediate.pem")],
            crls: ["fhirlabs", "other-community", "untrusted"]
                .iter()
                .flat_map(|c| [pki.join(c).join("root.crl"), pki.join(c).join("intermediate.crl")])
                .collect(),
            revocation: RevocationMode::HardFail,
            cert: dir.join("certs/server-chain.pem"),
            key: dir.join("keys/server.pem"),
            redis: None,
            redis_prefix: "trustpath:udap:".into(),
            tls: None,
            clock: Clock::Fixed(BUNDLED_TIME),
            token_lifetime: 3600,
        }
    }
}

/// What the command line asks for.
pub enum Command {
    Help,
    Run(Box<Options>),
}

/// Parses the command line (without the program name).
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut o = Options::bundled();
    let (mut communities, mut intermediates, mut crls) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cert, mut key, mut tls_cert, mut tls_key, mut time) = (None, None, None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--listen" => o.listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--base-url" => o.base_url = value()?,
            "--community" => {
                let v = value()?;
                match v.split_once('=') {
                    Some((name, file)) if !name.is_empty() && !file.is_empty() => {
                        communities.push((name.to_string(), PathBuf::from(file)));
                    }
                    _ => return Err(format!("--community expects NAME=FILE, not {v:?}")),
                }
            }
            "--intermediates" => intermediates.push(PathBuf::from(value()?)),
            "--crl" => crls.push(PathBuf::from(value()?)),
            "--revocation" => {
                o.revocation = match value()?.as_str() {
                    "off" => RevocationMode::Off,
                    "soft" => RevocationMode::SoftFail,
                    "hard" => RevocationMode::HardFail,
                    other => return Err(format!("--revocation: off, soft or hard, not {other:?}")),
                }
            }
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--redis" => o.redis = Some(value()?),
            "--redis-prefix" => o.redis_prefix = value()?,
            "--tls-cert" => tls_cert = Some(PathBuf::from(value()?)),
            "--tls-key" => tls_key = Some(PathBuf::from(value()?)),
            "--time" => time = Some(value()?),
            "--token-lifetime" => {
                o.token_lifetime = value()?.parse().map_err(|e| format!("--token-lifetime: {e}"))?;
                if !(1..=3600).contains(&o.token_lifetime) {
                    return Err("--token-lifetime: 1 to 3600 seconds (IG §4.2.3, §5.2.3)".into());
                }
            }
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    // A team's own community replaces the bundled one whole, and runs on the system clock.
    let custom = !communities.is_empty();
    if custom {
        o.communities = communities;
        o.intermediates = intermediates;
        o.crls = crls;
        o.clock = Clock::System;
    } else {
        o.intermediates.extend(intermediates);
        o.crls.extend(crls);
    }
    match (cert, key) {
        (Some(c), Some(k)) => (o.cert, o.key) = (c, k),
        (None, None) if !custom => {}
        (None, None) => return Err("--cert CHAIN --key KEY: the server's certificate for signed metadata".into()),
        _ => return Err("--cert and --key go together".into()),
    }
    o.tls = match (tls_cert, tls_key) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => return Err("--tls-cert and --tls-key go together".into()),
    };
    if o.tls.is_none() && !o.listen.ip().is_loopback() {
        return Err(format!("{}: plain HTTP only on a loopback address; give --tls-cert and --tls-key", o.listen));
    }
    if let Some(t) = time {
        o.clock = if t == "now" {
            Clock::System
        } else {
            let at = trustpath::time::parse_rfc3339(&t).map_err(|e| format!("--time {t:?}: {e}"))?;
            Clock::Fixed(at.as_secs())
        };
    }
    Ok(Command::Run(Box::new(o)))
}
