//! `trustpath pki issue`: a key and certificate for a participant.

use std::path::Path;

use trustpath::Certificate;
use trustpath::issue::{DirectUsage, EndEntity, KeyAlgorithm, KeyPair, bundle};
use trustpath::time::format_unix_seconds;

use super::community::{Community, STATE_FILE};
use super::files::{all_or_nothing, must_not_exist};
use super::state::{Issuer, Record};
use super::{CLOCK_SKEW, DAY, Options, Spec, parse_days, parse_key, time_or_now};
use crate::args::Args;
use crate::{CliError, Outcome, print};

const HELP: &str = "\
Issue a key and certificate for a participant of the community, from its intermediate. The
certificate carries subjectKeyIdentifier, authorityKeyIdentifier, the community's CRL
distribution point and authorityInfoAccess (when it has URLs), and validates under the
matching 'trustpath chain verify --profile'.

Usage: trustpath pki issue --dir DIR --profile PROFILE --out-key FILE --out-chain FILE [OPTIONS]

Profiles and their names:
  udap-client --san-uri URI       A UDAP client; URI is its client URI (https). Profile udap
  udap-server --san-uri BASE_URL  A UDAP server signing its metadata; BASE_URL is its FHIR
              [--dns NAME]        base URL (https). Profile udap
  tls-server --dns NAME           A TLS server (serverAuth). Profile tls-server
  tls-client --san-uri URI | --dns NAME
                                  A TLS client (clientAuth). Profile tls-client
  direct-address --email ADDRESS  A Direct address certificate (emailProtection). Profile direct
  direct-domain --dns DOMAIN      A Direct domain certificate (emailProtection). Profile direct

Options:
  --dir DIR               The community's directory
  --profile PROFILE       One of the profiles above
  --out-key FILE          Write the new private key here (PKCS#8 PEM, owner-only)
  --out-chain FILE        Write the certificate, then the intermediate, here (PEM): what
                          jwt sign --chain and smime sign --chain take
  --san-uri URI           The URI the certificate names (an absolute https URI)
  --dns NAME              A DNS name the certificate names; repeatable
  --email ADDRESS         The Direct address the certificate names
  --usage USAGE           direct profiles: sign (digitalSignature), encrypt
                          (keyEncipherment) or dual (both) [default: dual]; encrypt and dual
                          need an RSA key
  --key TYPE              rsa2048, rsa3072, p256 or p384 [default: rsa2048 for the direct
                          profiles, else the community's key type]
  --days N                Validity in days [default: 365, or less to end with the
                          intermediate]; refused if it outlives the intermediate
  --time RFC3339          Issue at this time instead of now (notBefore is 5 minutes earlier)
  -h, --help              Print this help

Exit status: 0 issued, 2 bad usage, a name the profile refuses, an existing output file or
a DIR that is not a community (nothing is written).
";

const SPEC: Spec = Spec {
    valued: &["dir", "profile", "out-key", "out-chain", "san-uri", "dns", "email", "usage", "key", "days", "time"],
    repeatable: &["dns"],
    flags: &[],
};

/// The profile and names from the options; an option the profile does not take is an error.
fn end_entity(args: &Args, options: &Options) -> Result<EndEntity, CliError> {
    let profile = options.required(args, "profile")?;
    let (uri, dns, email) = (options.get("san-uri").map(String::from), options.all("dns"), options.get("email"));
    let usage = match options.get("usage") {
        None => None,
        Some(u) => Some(
            DirectUsage::from_name(u)
                .ok_or_else(|| args.error(format!("--usage expects sign, encrypt or dual, not '{u}'")))?,
        ),
    };
    let allowed: &[&str] = match profile {
        "udap-client" => &["san-uri"],
        "udap-server" => &["san-uri", "dns"],
        "tls-server" => &["dns"],
        "tls-client" => &["san-uri", "dns"],
        "direct-address" => &["email", "usage"],
        "direct-domain" => &["dns", "usage"],
        _ => {
            return Err(args.error(format!(
                "unknown profile '{profile}' (udap-client, udap-server, tls-server, tls-client, direct-address, \
                 direct-domain)"
            )));
        }
    };
    for option in ["san-uri", "dns", "email", "usage"] {
        if options.flag(option) && !allowed.contains(&option) {
            return Err(args.error(format!("--{option} does not apply to profile {profile}")));
        }
    }
    let required =
        |name: &str, value: Option<String>| value.ok_or_else(|| args.error(format!("{profile} needs --{name}")));
    let usage = usage.unwrap_or(DirectUsage::Dual);
    Ok(match profile {
        "udap-client" => EndEntity::UdapClient { client_uri: required("san-uri", uri)? },
        "udap-server" => EndEntity::UdapServer { base_url: required("san-uri", uri)?, dns_names: dns },
        "tls-server" if dns.is_empty() => return Err(args.error("tls-server needs --dns")),
        "tls-server" => EndEntity::TlsServer { dns_names: dns },
        "tls-client" if uri.is_none() && dns.is_empty() => {
            return Err(args.error("tls-client needs --san-uri or --dns"));
        }
        "tls-client" => EndEntity::TlsClient { uri, dns_names: dns },
        "direct-address" => EndEntity::DirectAddress { address: required("email", email.map(String::from))?, usage },
        _ if dns.len() > 1 => return Err(args.error("direct-domain takes one --dns DOMAIN")),
        _ => EndEntity::DirectDomain { domain: required("dns", dns.into_iter().next())?, usage },
    })
}

/// Runs `trustpath pki issue`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = Options::parse(&mut args, &SPEC)? else { return print(HELP).map(|()| Outcome::Success) };
    let entity = end_entity(&args, &options)?;
    let dir = options.required(&args, "dir")?;
    let out_key = Path::new(options.required(&args, "out-key")?);
    let out_chain = Path::new(options.required(&args, "out-chain")?);
    if out_key == out_chain {
        return Err(args.error("--out-key and --out-chain must be different files"));
    }
    let key = options.get("key").map(parse_key).transpose().map_err(|e| args.error(e))?;
    let days = options.get("days").map(|d| parse_days("days", d)).transpose().map_err(|e| args.error(e))?;
    let now = time_or_now(&args, options.get("time"))?;
    let community = Community::load(dir)?;
    let intermediate =
        community.state.certificates.iter().find(|r| r.issuer == Issuer::Root && r.profile == "intermediate");
    if intermediate.is_some_and(|r| r.revoked.is_some()) {
        return Err(CliError::Input(format!("{dir}: the intermediate is revoked: it issues nothing more")));
    }
    let key = match key {
        Some(key) => key,
        None if matches!(entity, EndEntity::DirectAddress { .. } | EndEntity::DirectDomain { .. }) => {
            KeyAlgorithm::Rsa(2048)
        }
        None => parse_key(&community.state.key).map_err(CliError::Input)?,
    };
    let refused = |e: trustpath::issue::IssueError| CliError::Input(format!("{}: {e}", entity.profile_name()));
    entity.check(key).map_err(refused)?;
    must_not_exist(out_key)?;
    must_not_exist(out_chain)?;

    let ca = &community.intermediate;
    let ca_end = u64::try_from(ca.certificate().not_after_secs()).unwrap_or(0);
    let not_before = now.saturating_sub(CLOCK_SKEW);
    let not_after = match days {
        Some(days) => now + days * DAY,
        None => (now + 365 * DAY).min(ca_end),
    };
    if not_after > ca_end {
        return Err(CliError::Input(format!(
            "--days {}: the certificate would outlive the intermediate (valid until {})",
            days.unwrap_or_default(),
            format_unix_seconds(ca.certificate().not_after_secs())
        )));
    }
    let subject_key = KeyPair::generate(key).map_err(refused)?;
    let certificate = issue_unique(&community, &entity, &subject_key, not_before, not_after).map_err(refused)?;
    let chain = [certificate.der().to_vec(), ca.certificate().der().to_vec()];
    let chain_pem = bundle::pem_certificates(&chain).map_err(refused)?;
    let key_pem = subject_key.to_pkcs8_pem().map_err(refused)?;

    let mut state = community.state.clone();
    state.certificates.push(Record {
        serial: certificate.serial_hex(),
        issuer: Issuer::Intermediate,
        profile: entity.profile_name().into(),
        subject: certificate.subject_string(),
        names: names(&certificate),
        not_before,
        not_after,
        revoked: None,
    });
    let state_path = community.dir.join(STATE_FILE);
    all_or_nothing(|w| {
        w.create(out_key, key_pem.as_bytes(), true)?;
        w.create(out_chain, chain_pem.as_bytes(), false)?;
        w.replace(&state_path, state.to_json().as_bytes())
    })?;
    print(&format!(
        "issued {} certificate, serial {}\n  subject  {}\n  names    {}\n  valid    {} to {}\n  key      {} ({})\n  chain    {}\n",
        entity.profile_name(),
        certificate.serial_hex(),
        certificate.subject_string(),
        names(&certificate).join(", "),
        format_unix_seconds(certificate.not_before_secs()),
        format_unix_seconds(certificate.not_after_secs()),
        out_key.display(),
        subject_key.algorithm().name(),
        out_chain.display(),
    ))?;
    Ok(Outcome::Success)
}

/// Issues the certificate, drawing another serial in the (astronomically unlikely) case that
/// the community has already used one.
fn issue_unique(
    community: &Community,
    entity: &EndEntity,
    key: &KeyPair,
    not_before: u64,
    not_after: u64,
) -> Result<Certificate, trustpath::issue::IssueError> {
    let used = |c: &Certificate| community.state.certificates.iter().any(|r| r.serial == c.serial_hex());
    for _ in 0..4 {
        let certificate = community.intermediate.issue(entity, key, not_before, not_after)?;
        if !used(&certificate) {
            return Ok(certificate);
        }
    }
    Err(trustpath::issue::IssueError::Random("four random serial numbers were all in use".into()))
}

/// The certificate's subject alternative names, as `URI:`, `DNS:` and `email:` entries.
pub fn names(certificate: &Certificate) -> Vec<String> {
    let uris = certificate.san_uris().map(|u| format!("URI:{u}"));
    let dns = certificate.san_dns_names().map(|d| format!("DNS:{d}"));
    let emails = certificate.san_emails().map(|e| format!("email:{e}"));
    uris.chain(dns).chain(emails).collect()
}
