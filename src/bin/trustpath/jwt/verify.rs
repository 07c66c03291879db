//! `trustpath jwt verify`: verify signed JWTs whose `x5c` signer must chain to a trust anchor,
//! under one of the UDAP profiles (client assertion, software statement, signed metadata) or
//! as a plain JWS. Several tokens share one replay cache, so a replayed `jti` is caught.

use core::fmt::Write;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};
use trustpath::json::{self, JsonError};
use trustpath::jws::{self, AlgorithmSet, Jws, JwsError, Limits, X5cOptions};
use trustpath::revocation::RevocationData;
use trustpath::time::format_rfc3339;
use trustpath::trust::DEFAULT_COMMUNITY;
use trustpath::udap::{
    AssertionRequest, GrantType, MemoryReplayCache, MetadataCheck, RegisteredClient, RegistrationEndpoint,
    RegistrationGrant, TokenEndpoint, UdapError, UdapErrorKind, parse_metadata_document, verify_signed_metadata,
};
use trustpath::{Certificate, Need, Policy, UnixTime, ValidationError, VerifiedPath, Verifier};

use crate::args::{Arg, Args};
use crate::checks::{self, CheckOptions};
use crate::fetch::{FetchRecord, Fetcher};
use crate::fetching::{fetched_json, fetched_text};
use crate::input::{load_anchors, load_intermediates, parse_time, read_file};
use crate::json::Json;
use crate::render::{certificate_json, findings_json, findings_text, hint, needs_text};
use crate::{CliError, Outcome, is_help, print};

mod with_fetch;

const HELP: &str = "\
Verify signed JWTs (compact JWS with an x5c certificate chain) against trust anchors.

Usage: trustpath jwt verify --profile PROFILE [OPTIONS] TOKEN_FILE...

Each TOKEN_FILE holds one compact JWS (surrounding whitespace is ignored; '-' reads standard
input). The signature is verified with the key of x5c[0] only; the other x5c certificates
are untrusted intermediates, never anchors. The files are checked in order against one
replay cache: a client assertion or software statement whose (iss, jti) was already
accepted is rejected.

Profiles:
  udap-client-assertion    A UDAP client assertion (Authentication Token) at the token
                           endpoint --aud, for the client registered with --client-uri
                           (UDAP JWT client authentication; IG 4.2 and 5.2)
  udap-software-statement  A UDAP software statement for the registration endpoint --aud;
                           TOKEN_FILE may also be the registration request JSON
                           {\"software_statement\": ..., \"udap\": \"1\", ...} (IG 3)
  udap-signed-metadata     The /.well-known/udap document of the FHIR server --base-url,
                           whose signed_metadata is checked against it (IG 2.3); with
                           --metadata, TOKEN_FILE is the signed_metadata JWS alone
  jws                      Any JWS: the signature and the x5c certificate path only, no
                           claim rules; every JWS algorithm is accepted
  The udap-* profiles validate the certificate path under the udap policy (revocation
  hard-fail by default) and accept RS256, ES256, RS384 and ES384 (signed metadata: RS256
  only); claim times (iat, exp, nbf) allow 60 seconds of clock skew. jws uses the rfc5280
  policy (revocation soft-fail by default).

Trust:
  --anchors FILE          Trust the certificates in FILE (community 'default'); repeatable
  --community NAME=FILE   Trust the certificates in FILE as community NAME; repeatable
  --intermediates FILE    Offer the certificates in FILE as untrusted intermediates;
                          repeatable
  Every FILE may be PEM, DER or PKCS#7.

Token:
  --profile PROFILE       udap-client-assertion, udap-software-statement,
                          udap-signed-metadata or jws (required)
  --time RFC3339          Validation time, e.g. 2026-06-01T00:00:00Z [default: now]
  --aud URL               udap-client-assertion: the token endpoint URL; udap-software-
                          statement: the registration endpoint URL (required for both)
  --client-id ID          udap-client-assertion: the client_id the server issued
                          [default: the token's iss, read before it is verified]
  --client-uri URI        udap-client-assertion: the client URI recorded at registration,
                          which must be a SAN URI of x5c[0] (required)
  --client-community NAME
                          udap-client-assertion: the trust community the client registered
                          in [default: the community of --anchors / --community when they
                          name only one, else 'default']
  --grant GRANT           udap-client-assertion: client_credentials (extensions.hl7-b2b
                          required) or authorization_code [default: client_credentials]
  --base-url URL          udap-signed-metadata: the FHIR server's base URL, which must be
                          iss, sub and a SAN URI of x5c[0] (required)
  --metadata FILE         udap-signed-metadata: the unsigned /.well-known/udap document;
                          each TOKEN_FILE is then a signed_metadata JWS checked against it
  An option of another profile is a usage error.

{checks}

Output:
  --json                  Print one JSON object per token (one per line) instead of a
                          report
  -h, --help              Print this help

Exit status: 0 every token valid, 1 any token rejected, 2 bad usage or unreadable input.

JSON output (one line per TOKEN_FILE, in order):
  {\"valid\": bool,
   \"claims\": {...} | null,
   \"path\": [{\"subject\", \"issuer\", \"serial\", \"sha256\"}, ...],
   \"community\": string | null,
   \"san_uri\": string | null,
   \"error\": {\"kind\", \"message\", \"oauth_error\"} | null,
   \"findings\": [{\"rule\", \"citation\", \"certificate_index\", \"message\"}, ...],
   \"fetched\": [{\"url\", \"kind\", \"status\", \"bytes\", \"ms\"}, ...]}   (with --fetch only)
  claims is the JWT payload (of the software statement, of signed_metadata); when rejected,
  as read without verification, or null when it is not a JSON object. path is leaf first:
  the verified path without the anchor; when rejected, x5c[0] alone if it can be read, else
  []. community is the matched anchor's community (null when rejected). san_uri is the SAN
  URI of x5c[0] that matched: the client URI, the software statement's iss or the base URL
  (null for jws and when rejected). error.kind is a stable identifier (e.g. claim, replay,
  san_uri_mismatch, metadata_mismatch, bad_signature, unknown_issuer, revocation_unknown;
  for jws, the JWS error kind such as certificate_path_rejected); error.oauth_error is the
  OAuth / UDAP error code a server answers with (invalid_client, invalid_request,
  invalid_grant, invalid_software_statement, unapproved_software_statement,
  invalid_client_metadata, invalid_redirect_uri), null for signed metadata and jws.
  findings: certificate-profile rules (RFC 5280 4) the verified path's certificates break
  without being refused (see trustpath chain verify --help); empty when rejected and under
  --strict. fetched: every URL --fetch tried for this token (see trustpath chain verify
  --help).
";

/// The `--revocation` notes of the help text.
const REVOCATION_NOTES: &str = "                          [default: hard for the udap-* profiles, soft for jws]
                          Every certificate below the anchor is checked. The untrusted
                          certificates (--intermediates, and x5c after the signer) may be
                          CRL signers or delegated OCSP responders.";

/// Clock skew allowed for signed metadata, as the library's token and registration
/// endpoints allow by default.
const METADATA_CLOCK_SKEW: u64 = 60;

/// What is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    ClientAssertion,
    SoftwareStatement,
    SignedMetadata,
    Jws,
}

impl Profile {
    const NAMES: &'static str = "udap-client-assertion, udap-software-statement, udap-signed-metadata or jws";

    fn from_name(name: &str) -> Option<Profile> {
        Some(match name {
            "udap-client-assertion" => Profile::ClientAssertion,
            "udap-software-statement" => Profile::SoftwareStatement,
            "udap-signed-metadata" => Profile::SignedMetadata,
            "jws" => Profile::Jws,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Profile::ClientAssertion => "udap-client-assertion",
            Profile::SoftwareStatement => "udap-software-statement",
            Profile::SignedMetadata => "udap-signed-metadata",
            Profile::Jws => "jws",
        }
    }

    /// The name of the certificate policy preset (`chain verify --profile`), for hints.
    fn policy_name(self) -> &'static str {
        if self == Profile::Jws { "rfc5280" } else { "udap" }
    }

    /// The certificate policy preset: udap (revocation hard-fail), or rfc5280 for jws.
    fn policy(self) -> Policy {
        if self == Profile::Jws { Policy::rfc5280() } else { Policy::udap() }
    }

    /// Which options of the command line apply.
    fn accepts(self, option: &str) -> bool {
        match option {
            "aud" => matches!(self, Profile::ClientAssertion | Profile::SoftwareStatement),
            "client-id" | "client-uri" | "client-community" | "grant" => self == Profile::ClientAssertion,
            "base-url" | "metadata" => self == Profile::SignedMetadata,
            _ => true,
        }
    }
}

/// The settings of `udap-client-assertion`: what the server registered for the client.
#[derive(Debug)]
struct AssertionSettings {
    /// `--aud`.
    token_url: String,
    /// `--client-id`; the token's `iss` when not given.
    client_id: Option<String>,
    client_uri: String,
    /// `--client-community`, or its default.
    community: String,
    grant: GrantType,
}

/// What the tokens are verified as, with the settings of that profile.
#[derive(Debug)]
enum Target {
    ClientAssertion(AssertionSettings),
    SoftwareStatement {
        /// `--aud`.
        registration_url: String,
    },
    SignedMetadata {
        base_url: String,
        /// The `--metadata` file.
        metadata: Option<String>,
    },
    Jws,
}

impl Target {
    fn profile(&self) -> Profile {
        match self {
            Target::ClientAssertion(_) => Profile::ClientAssertion,
            Target::SoftwareStatement { .. } => Profile::SoftwareStatement,
            Target::SignedMetadata { .. } => Profile::SignedMetadata,
            Target::Jws => Profile::Jws,
        }
    }
}

/// The parsed command line.
#[derive(Debug)]
struct Options {
    target: Target,
    anchors: Vec<String>,
    communities: Vec<(String, String)>,
    intermediates: Vec<String>,
    time: Option<UnixTime>,
    /// The profile's policy with the revocation and certificate-policy options applied.
    policy: Policy,
    checks: CheckOptions,
    json: bool,
    tokens: Vec<String>,
}

/// Parses the command line; `None` when help was asked for.
fn parse(args: &mut Args) -> Result<Option<Options>, CliError> {
    let (mut anchors, mut communities, mut intermediates, mut tokens) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut profile, mut time, mut grant) = (None, None, None);
    let (mut aud, mut client_id, mut client_uri, mut client_community) = (None, None, None, None);
    let (mut base_url, mut metadata) = (None, None);
    let mut given: Vec<&'static str> = Vec::new();
    let mut json = false;
    let mut checks = CheckOptions::default();
    while let Some(arg) = args.next()? {
        let name = match arg {
            _ if is_help(&arg) => return Ok(None),
            Arg::Positional(path) => {
                if path == "-" && tokens.iter().any(|t| t == "-") {
                    return Err(args.error("standard input ('-') may be read only once"));
                }
                tokens.push(path);
                continue;
            }
            Arg::Long(name) => name,
            Arg::Short(_) => return Err(args.unexpected(&arg)),
        };
        let (slot, option): (&mut Option<String>, &'static str) = match name.as_str() {
            "anchors" => {
                anchors.push(args.value(&name)?);
                continue;
            }
            "community" => {
                let value = args.value(&name)?;
                match value.split_once('=') {
                    Some((community, file)) if !community.is_empty() && !file.is_empty() => {
                        communities.push((community.to_string(), file.to_string()));
                    }
                    _ => return Err(args.error(format!("--community expects NAME=FILE, not '{value}'"))),
                }
                continue;
            }
            "intermediates" => {
                intermediates.push(args.value(&name)?);
                continue;
            }
            "profile" => {
                let value = args.value(&name)?;
                let p = Profile::from_name(&value)
                    .ok_or_else(|| args.error(format!("unknown profile '{value}' (expected {})", Profile::NAMES)))?;
                args.once(&mut profile, &name, p)?;
                continue;
            }
            "time" => {
                let value = parse_time(&args.value(&name)?).map_err(|e| args.error(e))?;
                args.once(&mut time, &name, value)?;
                continue;
            }
            "grant" => {
                let value = args.value(&name)?;
                let g = GrantType::from_name(&value).ok_or_else(|| {
                    args.error(format!("--grant expects client_credentials or authorization_code, not '{value}'"))
                })?;
                args.once(&mut grant, &name, g)?;
                given.push("grant");
                continue;
            }
            "json" => {
                json = true;
                continue;
            }
            "aud" => (&mut aud, "aud"),
            "client-id" => (&mut client_id, "client-id"),
            "client-uri" => (&mut client_uri, "client-uri"),
            "client-community" => (&mut client_community, "client-community"),
            "base-url" => (&mut base_url, "base-url"),
            "metadata" => (&mut metadata, "metadata"),
            _ if checks.parse_option(&name, args)? => continue,
            _ => return Err(args.unexpected(&Arg::Long(name))),
        };
        let value = args.value(option)?;
        args.once(slot, option, value)?;
        given.push(option);
    }
    let profile = profile.ok_or_else(|| args.error(format!("missing --profile ({})", Profile::NAMES)))?;
    if let Some(option) = given.iter().find(|o| !profile.accepts(o)) {
        return Err(args.error(format!("option --{option} does not apply to --profile {}", profile.name())));
    }
    let missing = |what: &str| args.error(format!("--profile {} needs {what}", profile.name()));
    let target = match profile {
        Profile::ClientAssertion => Target::ClientAssertion(AssertionSettings {
            token_url: aud.ok_or_else(|| missing("--aud URL (the token endpoint URL)"))?,
            client_uri: client_uri
                .ok_or_else(|| missing("--client-uri URI (the client URI recorded at registration)"))?,
            client_id,
            community: client_community.unwrap_or_else(|| only_community(&anchors, &communities)),
            grant: grant.unwrap_or(GrantType::ClientCredentials),
        }),
        Profile::SoftwareStatement => Target::SoftwareStatement {
            registration_url: aud.ok_or_else(|| missing("--aud URL (the registration endpoint URL)"))?,
        },
        Profile::SignedMetadata => Target::SignedMetadata {
            base_url: base_url.ok_or_else(|| missing("--base-url URL (the FHIR server's base URL)"))?,
            metadata,
        },
        Profile::Jws => Target::Jws,
    };
    if tokens.is_empty() {
        return Err(args.error("missing TOKEN_FILE (a file holding the token to verify)"));
    }
    if anchors.is_empty() && communities.is_empty() {
        return Err(args.error("no trust anchors: give --anchors FILE or --community NAME=FILE"));
    }
    let mut policy = profile.policy();
    checks.apply(&mut policy);
    Ok(Some(Options { target, anchors, communities, intermediates, time, policy, checks, json, tokens }))
}

/// The community the trust sources name when they all name the same one (`default` for
/// `--anchors`), else `default`: the default of `--client-community`.
fn only_community(anchors: &[String], communities: &[(String, String)]) -> String {
    let mut all = anchors.iter().map(|_| DEFAULT_COMMUNITY).chain(communities.iter().map(|(c, _)| c.as_str()));
    let first = all.next().unwrap_or(DEFAULT_COMMUNITY);
    if all.all(|c| c == first) { first.to_string() } else { DEFAULT_COMMUNITY.to_string() }
}

/// A token file's content, read before anything is verified.
#[derive(Debug)]
struct Token {
    /// The file name, as given.
    file: String,
    /// The text, whitespace-trimmed (lossily decoded when not UTF-8: such a token is
    /// malformed anyway).
    text: String,
}

impl Token {
    /// The compact JWS this token carries: the text itself, the `software_statement` of a
    /// registration request, or the `signed_metadata` of a metadata document.
    fn jws(&self, document: Option<&Value>) -> Option<String> {
        let member = |doc: &Value, name: &str| doc.get(name).and_then(Value::as_str).map(String::from);
        match document {
            Some(doc) => member(doc, "signed_metadata"),
            None if self.text.starts_with('{') => {
                let body = json::parse_object(self.text.as_bytes(), json::DEFAULT_MAX_ENTRIES).ok()?;
                member(&Value::Object(body), "software_statement")
            }
            None => Some(self.text.clone()),
        }
    }
}

/// What went wrong with a rejected token.
#[derive(Debug)]
struct Failure {
    kind: &'static str,
    message: String,
    oauth_error: Option<&'static str>,
    /// The certificate path error, when the signer was not trusted.
    path_error: Option<ValidationError>,
}

impl Failure {
    fn udap(e: &UdapError) -> Failure {
        let path_error = match e.kind() {
            UdapErrorKind::Untrusted(v) => Some(v.clone()),
            UdapErrorKind::Jws(j) => j.validation_error().cloned(),
            _ => None,
        };
        Failure { kind: e.kind_str(), message: e.to_string(), oauth_error: e.oauth_error(), path_error }
    }

    fn jws(e: &JwsError) -> Failure {
        Failure { kind: e.kind(), message: e.to_string(), oauth_error: None, path_error: e.validation_error().cloned() }
    }
}

/// The verdict on one token.
#[derive(Debug)]
struct Report {
    claims: Option<Map<String, Value>>,
    /// The verified path, or `None` when rejected.
    path: Option<VerifiedPath>,
    /// `x5c[0]` as read without verification (shown when rejected).
    signer: Option<Certificate>,
    san_uri: Option<String>,
    /// What was verified, for the text report: "client assertion from URI", ...
    summary: String,
    /// Extra lines for the text report.
    details: Vec<String>,
    failure: Option<Failure>,
    /// With `--fetch`: every URL tried.
    fetched: Option<Vec<FetchRecord>>,
}

/// The payload of a compact JWS as a JSON object, without verifying anything.
fn peek_claims(token: &str) -> Option<Map<String, Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = Base64UrlUnpadded::decode_vec(payload).ok()?;
    json::parse_object(&bytes, json::DEFAULT_MAX_ENTRIES).ok()
}

/// The `x5c` certificates of a compact JWS, without verifying anything (empty when it does
/// not parse).
fn peek_x5c(token: &str) -> Vec<Certificate> {
    Jws::parse(token, Limits::default()).map(|jws| jws.x5c().to_vec()).unwrap_or_default()
}

/// Everything a verification needs besides the token.
struct Context<'a> {
    options: &'a Options,
    /// `--fetch`: fetches what a validation lacks.
    fetcher: Option<Fetcher>,
    verifier: Verifier,
    revocation: RevocationData,
    replay: MemoryReplayCache,
    time: UnixTime,
    /// The `--metadata` document.
    metadata: Option<Map<String, Value>>,
}

impl Context<'_> {
    fn verify(&self, token: &Token) -> Report {
        let document = self.metadata_document(token);
        let jws = match &document {
            Some(document) => document.as_ref().ok().and_then(|d| token.jws(Some(d))),
            None => token.jws(None),
        };
        let x5c = jws.as_deref().map(peek_x5c).unwrap_or_default();
        // The certificates after the signer may have signed CRLs or OCSP responses.
        let mut revocation = self.revocation.clone();
        for cert in x5c.iter().skip(1) {
            revocation.add_certificate(cert.clone());
        }
        let mut report = match &self.fetcher {
            None => {
                let with = With { verifier: &self.verifier, revocation: &revocation, replay: &self.replay };
                self.check(token, document.as_ref(), &with)
            }
            Some(fetcher) => self.check_with_fetch(fetcher, token, document.as_ref(), &x5c, &revocation),
        };
        if report.failure.is_some() {
            report.claims = jws.as_deref().and_then(peek_claims);
            report.signer = x5c.into_iter().next();
        }
        report
    }

    /// Verifies `token` as the profile says, with what `with` gives.
    fn check(&self, token: &Token, document: Option<&Result<Value, UdapError>>, with: &With<'_>) -> Report {
        match &self.options.target {
            Target::ClientAssertion(settings) => self.client_assertion(settings, &token.text, with),
            Target::SoftwareStatement { registration_url } => {
                self.software_statement(registration_url, &token.text, with)
            }
            Target::SignedMetadata { base_url, .. } => match document {
                Some(Err(e)) => rejected(format!("signed metadata for {base_url}"), Failure::udap(e)),
                Some(Ok(document)) => self.signed_metadata(base_url, document, with),
                None => self.signed_metadata(base_url, &Value::Null, with),
            },
            Target::Jws => self.plain_jws(&token.text, with),
        }
    }

    /// The metadata document to check (signed metadata only): the token file, read by the
    /// library's strict reader, or the `--metadata` document with the token as its
    /// `signed_metadata`.
    fn metadata_document(&self, token: &Token) -> Option<Result<Value, UdapError>> {
        if self.options.target.profile() != Profile::SignedMetadata {
            return None;
        }
        Some(match &self.metadata {
            Some(doc) => {
                let mut doc = doc.clone();
                doc.insert("signed_metadata".into(), Value::String(token.text.clone()));
                Ok(Value::Object(doc))
            }
            None => parse_metadata_document(token.text.as_bytes()),
        })
    }

    fn client_assertion(&self, settings: &AssertionSettings, token: &str, v: &With<'_>) -> Report {
        let AssertionSettings { token_url, client_id, client_uri, community, grant } = settings;
        let client_id = client_id.clone().unwrap_or_else(|| {
            // Read without trusting it: the verification checks iss against it anyway.
            peek_claims(token).and_then(|c| c.get("iss").and_then(Value::as_str).map(String::from)).unwrap_or_default()
        });
        let client = RegisteredClient {
            client_id: client_id.clone(),
            client_uri: client_uri.clone(),
            community: community.clone(),
        };
        let request = AssertionRequest {
            assertion: token,
            grant_type: *grant,
            client: &client,
            time: self.time,
            revocation: Some(v.revocation),
        };
        let summary = format!("client assertion from {client_uri}");
        match TokenEndpoint::new(token_url.as_str()).verify_assertion(v.verifier, &request, v.replay) {
            Ok(verified) => {
                let jti = verified.claims().get("jti").and_then(Value::as_str).unwrap_or_default();
                let mut details = vec![format!("client_id {client_id}, grant {}, jti {jti}", grant.as_str())];
                if let Some(b2b) = verified.b2b() {
                    let org = b2b.get("organization_id").and_then(Value::as_str).unwrap_or_default();
                    let purposes: Vec<&str> = b2b
                        .get("purpose_of_use")
                        .and_then(Value::as_array)
                        .map(|l| l.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    details.push(format!("hl7-b2b: organization {org}, purpose of use {}", purposes.join(", ")));
                }
                Report {
                    claims: Some(verified.claims().clone()),
                    path: Some(verified.path().clone()),
                    signer: None,
                    san_uri: Some(client_uri.clone()),
                    summary,
                    details,
                    failure: None,
                    fetched: None,
                }
            }
            Err(e) => rejected(summary, Failure::udap(&e)),
        }
    }

    fn software_statement(&self, registration_url: &str, text: &str, v: &With<'_>) -> Report {
        let endpoint = RegistrationEndpoint::new(registration_url);
        let (time, replay) = (self.time, Some(v.replay as &dyn trustpath::udap::ReplayCache));
        let is_request = text.starts_with('{');
        let result = if is_request {
            endpoint.verify_request(v.verifier, text, time, Some(v.revocation), replay)
        } else {
            endpoint.verify_software_statement(v.verifier, text, time, Some(v.revocation), replay)
        };
        let what = if is_request { "registration request" } else { "software statement" };
        match result {
            Ok(registration) => {
                let grant = match registration.grant() {
                    RegistrationGrant::ClientCredentials => "client_credentials".to_string(),
                    RegistrationGrant::AuthorizationCode { refresh_token, redirect_uris } => format!(
                        "authorization_code{}, redirect URIs {}",
                        if *refresh_token { " with refresh_token" } else { "" },
                        redirect_uris.join(", ")
                    ),
                    RegistrationGrant::Cancel => "none: empty grant_types, a request to cancel the registration".into(),
                };
                let mut details = vec![format!("grant: {grant}")];
                if let Some(name) = registration.claims().get("client_name").and_then(Value::as_str) {
                    details.push(format!("client_name: {name}"));
                }
                if !registration.certifications().is_empty() {
                    details.push(format!("certifications: {} (not verified)", registration.certifications().len()));
                }
                let client_uri = registration.client_uri().to_string();
                Report {
                    claims: Some(registration.claims().clone()),
                    path: Some(registration.path().clone()),
                    signer: None,
                    san_uri: Some(client_uri.clone()),
                    summary: format!("software statement from {client_uri}"),
                    details,
                    failure: None,
                    fetched: None,
                }
            }
            Err(e) => rejected(what.to_string(), Failure::udap(&e)),
        }
    }

    fn signed_metadata(&self, base_url: &str, document: &Value, v: &With<'_>) -> Report {
        let check = MetadataCheck { community: None, revocation: Some(v.revocation), clock_skew: METADATA_CLOCK_SKEW };
        let summary = format!("signed metadata for {base_url}");
        match verify_signed_metadata(document, base_url, v.verifier, self.time, &check) {
            Ok(verified) => {
                let details = ["authorization_endpoint", "token_endpoint", "registration_endpoint"]
                    .iter()
                    .filter_map(|name| verified.endpoint(name).map(|url| format!("{name}: {url}")))
                    .collect();
                Report {
                    claims: Some(verified.claims().clone()),
                    path: Some(verified.path().clone()),
                    signer: None,
                    san_uri: Some(base_url.to_string()),
                    summary,
                    details,
                    failure: None,
                    fetched: None,
                }
            }
            Err(e) => rejected(summary, Failure::udap(&e)),
        }
    }

    fn plain_jws(&self, token: &str, v: &With<'_>) -> Report {
        let options = X5cOptions::new().revocation(v.revocation);
        match jws::verify_x5c(token, &AlgorithmSet::all(), v.verifier, self.time, &options) {
            Ok(verified) => {
                let mut details = vec![format!("alg {}", verified.algorithm())];
                if let Some(typ) = verified.header().typ() {
                    details.push(format!("typ {typ}"));
                }
                let (claims, path) = verified.into_parts();
                Report {
                    summary: format!("JWS signed by {}", path.leaf().subject_string()),
                    claims: Some(claims),
                    path: Some(path),
                    signer: None,
                    san_uri: None,
                    details,
                    failure: None,
                    fetched: None,
                }
            }
            Err(e) => rejected("JWS".into(), Failure::jws(&e)),
        }
    }
}

/// What one verification of a token uses: while fetching, the loop's verifier (with fetched
/// issuers, or revocation soft-fail) and data, and a scratch replay cache.
struct With<'a> {
    verifier: &'a Verifier,
    revocation: &'a RevocationData,
    replay: &'a MemoryReplayCache,
}

fn rejected(summary: String, failure: Failure) -> Report {
    Report {
        claims: None,
        path: None,
        signer: None,
        san_uri: None,
        summary,
        details: Vec::new(),
        failure: Some(failure),
        fetched: None,
    }
}

/// Reads the `--metadata` document: a JSON object without duplicate members.
fn read_metadata(path: &str) -> Result<Map<String, Value>, CliError> {
    let bytes = read_file(path)?;
    json::parse_object(&bytes, json::DEFAULT_MAX_ENTRIES).map_err(|e| {
        CliError::Input(match e {
            JsonError::NotAnObject => format!("{path}: the metadata document is not a JSON object"),
            JsonError::Syntax(m) => format!("{path}: not JSON: {m}"),
            other => format!("{path}: {other}"),
        })
    })
}

/// Runs `trustpath jwt verify` with the arguments after `verify`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = parse(&mut args)? else {
        return print(&HELP.replace("{checks}\n", &checks::help(REVOCATION_NOTES))).map(|()| Outcome::Success);
    };

    // Read every input before verifying anything, so unreadable input prints no verdict.
    let store = load_anchors(&options.anchors, &options.communities)?;
    let (pool, untrusted) = load_intermediates(&options.intermediates)?;
    let revocation = options.checks.load(&options.policy, untrusted)?;
    let metadata = match &options.target {
        Target::SignedMetadata { metadata: Some(path), .. } => Some(read_metadata(path)?),
        _ => None,
    };
    let mut tokens = Vec::with_capacity(options.tokens.len());
    for file in &options.tokens {
        let bytes = read_file(file)?;
        let text = String::from_utf8_lossy(&bytes).trim().to_string();
        tokens.push(Token { file: file.clone(), text });
    }

    let time = options.time.unwrap_or_else(UnixTime::now);
    let context = Context {
        options: &options,
        fetcher: options.checks.fetch.fetcher()?,
        verifier: Verifier::new(store, options.policy.clone()).with_intermediates(pool),
        revocation,
        replay: MemoryReplayCache::default(),
        time,
        metadata,
    };
    let mut outcome = Outcome::Success;
    let mut out = String::new();
    for token in &tokens {
        let report = context.verify(token);
        if report.failure.is_some() {
            outcome = Outcome::Rejected;
        }
        if options.json {
            let _ = writeln!(out, "{}", json_report(&report));
        } else {
            let prefix = if tokens.len() > 1 { format!("{}: ", token.file) } else { String::new() };
            text_report(&mut out, &prefix, &context, &report);
        }
    }
    print(&out)?;
    Ok(outcome)
}

/// The certificates to show: the verified path (leaf first, without the anchor), or `x5c[0]`.
fn shown_path(report: &Report) -> Vec<&Certificate> {
    match &report.path {
        Some(path) => {
            let mut certs: Vec<&Certificate> = path.certificates().iter().collect();
            if certs.first() != Some(&path.leaf()) {
                certs.insert(0, path.leaf());
            }
            certs
        }
        None => report.signer.iter().collect(),
    }
}

fn json_report(report: &Report) -> Json {
    let error = report.failure.as_ref().map_or(Json::Null, |f| {
        Json::Object(vec![
            ("kind", Json::str(f.kind)),
            ("message", Json::str(f.message.clone())),
            ("oauth_error", Json::opt_str(f.oauth_error)),
        ])
    });
    let mut object = vec![
        ("valid", Json::Bool(report.failure.is_none())),
        ("claims", report.claims.clone().map_or(Json::Null, |c| Json::Value(Value::Object(c)))),
        ("path", Json::Array(shown_path(report).into_iter().map(certificate_json).collect())),
        ("community", Json::opt_str(report.path.as_ref().map(|p| p.community()))),
        ("san_uri", Json::opt_str(report.san_uri.clone())),
        ("error", error),
        ("findings", findings_json(report.path.as_ref().map(VerifiedPath::findings).unwrap_or_default())),
    ];
    if let Some(records) = &report.fetched {
        object.push(("fetched", fetched_json(records)));
    }
    Json::Object(object)
}

fn text_report(out: &mut String, prefix: &str, context: &Context<'_>, report: &Report) {
    let options = context.options;
    let checked = format!(
        "checked at {}, profile {}, {}",
        format_rfc3339(context.time),
        options.target.profile().name(),
        options.checks.describe(&options.policy, &context.revocation)
    );
    match (&report.failure, &report.path) {
        (None, Some(path)) => {
            let _ = writeln!(out, "{prefix}VALID {} in community {}", report.summary, path.community());
            findings_text(out, path.findings());
            for line in &report.details {
                let _ = writeln!(out, "  {line}");
            }
            for (i, cert) in shown_path(report).iter().enumerate() {
                let _ = writeln!(out, "  [{i}] {}", cert.subject_string());
            }
            let _ = writeln!(out, "  anchor: {}", path.anchor().subject_string());
            let _ = writeln!(out, "  {checked}");
            indented_needs(out, path.needs(), "Missing revocation data (fetch it to raise assurance):");
        }
        (failure, _) => {
            let (kind, message, oauth_error) = match failure {
                Some(f) => (f.kind, f.message.as_str(), f.oauth_error),
                None => ("internal", "no verified path", None),
            };
            let _ = writeln!(out, "{prefix}REJECTED ({}): {message}", oauth_error.unwrap_or(kind));
            let _ = writeln!(out, "  token:  {}", report.summary);
            let _ = writeln!(out, "  rule:   {kind}");
            if let Some(signer) = &report.signer {
                let _ = writeln!(out, "  signer: {}", signer.subject_string());
            }
            let path_error = failure.as_ref().and_then(|f| f.path_error.as_ref());
            if let (Some(error), Some(signer)) = (path_error, &report.signer) {
                let _ = writeln!(out, "  hint:   {}", hint(error, signer, options.target.profile().policy_name()));
            }
            let _ = writeln!(out, "  {checked}");
            if let Some(error) = path_error {
                indented_needs(out, error.needs(), "To retry:");
            }
        }
    }
    if let Some(records) = &report.fetched {
        fetched_text(out, records, "  ");
    }
}

/// [`needs_text`], indented under a token's verdict.
fn indented_needs(out: &mut String, needs: &[Need], heading: &str) {
    let mut text = String::new();
    needs_text(&mut text, needs, heading);
    for line in text.lines() {
        let _ = writeln!(out, "  {line}");
    }
}
