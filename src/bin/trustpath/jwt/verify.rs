//! `trustpath jwt verify`: verify signed JWTs whose `x5c` signer must chain to a trust anchor,
//! under one of the UDAP profiles (client assertion, software statement, signed metadata) or
//! as a plain JWS. Several tokens share one replay cache, so a replayed `jti` is caught.

use core::fmt::Write;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};
use trustpath::json::{self, JsonError};
use trustpath::jws::{self, AlgorithmSet, Jws, JwsError, Limits, X5cOptions};
use trustpath::revocation::RevocationData;
use trustpath::udap::{
    AssertionRequest, MemoryReplayCache, MetadataCheck, RegisteredClient, RegistrationEndpoint, RegistrationGrant,
    RegistrationRequest, StatementRequest, TokenEndpoint, UdapError, UdapErrorKind, parse_metadata_document,
    verify_signed_metadata,
};
use trustpath::{Certificate, UnixTime, ValidationError, VerifiedPath, Verifier};

use crate::args::Args;
use crate::checks;
use crate::fetch::{FetchRecord, Fetcher};
use crate::input::{load_anchors, load_intermediates, read_file};
use crate::{CliError, Outcome, print};

mod help;
mod options;
mod render;
mod with_fetch;

use help::{HELP, REVOCATION_NOTES};
use options::{AssertionSettings, Options, Profile, Target, parse};
use render::{json_report, text_report};

/// Clock skew allowed for signed metadata, as the library's token and registration
/// endpoints allow by default.
const METADATA_CLOCK_SKEW: u64 = 60;

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
        let path_error = match e.detail() {
            UdapErrorKind::Untrusted(v) => Some(v.clone()),
            UdapErrorKind::Jws(j) => j.validation_error().cloned(),
            _ => None,
        };
        Failure { kind: e.kind(), message: e.to_string(), oauth_error: e.oauth_error(), path_error }
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
        let client = RegisteredClient::new(client_id.as_str(), client_uri.as_str(), community.as_str());
        let request = AssertionRequest::new(token, *grant, &client, self.time).revocation(v.revocation);
        let summary = format!("client assertion from {client_uri}");
        match TokenEndpoint::new(token_url.as_str()).verify_assertion(v.verifier, &request, v.replay) {
            Ok(verified) => {
                let jti = verified.claims().get("jti").and_then(Value::as_str).unwrap_or_default();
                let mut details = vec![format!("client_id {client_id}, grant {}, jti {jti}", grant.as_str())];
                if let Some(b2b) = verified.b2b() {
                    details.push(format!(
                        "hl7-b2b: organization {}, purpose of use {}",
                        b2b.organization_id,
                        b2b.purpose_of_use.join(", ")
                    ));
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
        let is_request = text.starts_with('{');
        let result = if is_request {
            let request = RegistrationRequest::new(text, self.time).revocation(v.revocation);
            endpoint.verify_request(v.verifier, &request, v.replay)
        } else {
            let request = StatementRequest::new(text, self.time).revocation(v.revocation);
            endpoint.verify_software_statement(v.verifier, &request, v.replay)
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
