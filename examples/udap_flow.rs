//! UDAP end to end, on the test PKI bundled in `test-vectors/udap/`:
//!
//! ```text
//! cargo run --release --example udap_flow
//! ```
//!
//! The FHIR server publishes signed metadata, which the client checks. The client registers with
//! a signed software statement (seed scenario 2D), and the server issues a client_id. The
//! client then authenticates with signed client assertions: client_credentials with `hl7-b2b`
//! (2B) and authorization_code (2C). Last come attempts that must fail, each shown with the
//! OAuth / UDAP error code the server answers.
//!
//! Everything runs at the fixed time 2026-06-01T00:00:00Z, with hard-fail revocation and the
//! bundled CRLs. The exit status is 0 only if every step turned out as expected, so the example
//! doubles as a check.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Value, json};
use trustpath::cert::parse_bundle;
use trustpath::jws::Signer;
use trustpath::revocation::{Crl, RevocationData};
use trustpath::udap::build::{self, B2bExtension, ServerMetadata, SoftwareStatement, StatementGrant};
use trustpath::udap::{
    AssertionRequest, GrantType, MemoryReplayCache, MetadataCheck, RegisteredClient, Registration,
    RegistrationEndpoint, RegistrationGrant, RegistrationRequest, TokenEndpoint, UdapError, parse_metadata_document,
    verify_signed_metadata,
};
use trustpath::{Certificate, Policy, TrustStore, UnixTime, Verifier};

/// 2026-06-01T00:00:00Z: the bundled certificates and CRLs are current then.
const NOW: u64 = 1_780_272_000;

const FHIRLABS: &str = "udap://fhirlabs.example";
const OTHER_COMMUNITY: &str = "udap://other-community.example";
const BASE_URL: &str = "https://fhir.example.org/r4";
const AUTHORIZE_URL: &str = "https://fhir.example.org/oauth/authorize";
const TOKEN_URL: &str = "https://fhir.example.org/oauth/token";
const REGISTER_URL: &str = "https://fhir.example.org/oauth/register";

/// The backend service's client URI (a SAN URI of `certs/client-rsa.pem`).
const B2B_APP: &str = "https://client.example.org/apps/42";
/// The user-facing app's client URI (a SAN URI of `certs/client-es256.pem`).
const USER_APP: &str = "https://client.example.org/apps/ec";

type Error = Box<dyn std::error::Error>;

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(NOW))
}

/// `test-vectors/udap/` of this repository (built by quickstart/, one level below the root).
fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("test-vectors").join("udap")
}

fn read(rel: &str) -> Result<Vec<u8>, Error> {
    let path = vectors().join(rel);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// A party that signs: a PKCS#8 key and its certificate chain (certificate first) as `x5c`.
fn signer(id: &str) -> Result<Signer, Error> {
    let chain = parse_bundle(&read(&format!("certs/{id}-chain.pem"))?)?.certificates;
    Ok(Signer::from_pkcs8(&read(&format!("keys/{id}.pem"))?, chain)?)
}

/// A fresh JWT ID from the system's random number generator.
fn jti() -> String {
    build::new_jti(&mut rand_core::UnwrapErr(getrandom::SysRng))
}

/// The authorization server: trust store, CRLs, endpoints, a replay store and the clients it
/// registered.
struct Server {
    verifier: Verifier,
    revocation: RevocationData,
    token: TokenEndpoint,
    registration: RegistrationEndpoint,
    replay: MemoryReplayCache,
    clients: Vec<RegisteredClient>,
}

impl Server {
    fn new() -> Result<Server, Error> {
        let mut store = TrustStore::new();
        for (community, dir) in [(FHIRLABS, "fhirlabs"), (OTHER_COMMUNITY, "other-community")] {
            store.add_certificate(community, Certificate::from_pem(&read(&format!("pki/{dir}/root.pem"))?)?);
        }
        let mut revocation = RevocationData::new();
        for dir in ["fhirlabs", "other-community", "untrusted"] {
            for ca in ["root", "intermediate"] {
                revocation.add_crl(Crl::from_pem_or_der(&read(&format!("pki/{dir}/{ca}.crl"))?)?);
            }
        }
        Ok(Server {
            verifier: Verifier::new(store, Policy::udap()),
            revocation,
            token: TokenEndpoint::new(TOKEN_URL),
            registration: RegistrationEndpoint::new(REGISTER_URL),
            replay: MemoryReplayCache::default(),
            clients: Vec::new(),
        })
    }

    /// POST /register: validates the request and, for a new (community, client URI), issues a
    /// client_id.
    fn register(&mut self, body: &str) -> Result<(Registration, String), UdapError> {
        let request = RegistrationRequest::new(body, now()).revocation(&self.revocation);
        let registration = self.registration.verify_request(&self.verifier, &request, &self.replay)?;
        let client_id = format!("udap-client-{}", self.clients.len() + 1);
        self.clients.push(RegisteredClient::new(
            client_id.clone(),
            registration.client_uri().to_string(),
            registration.community().to_string(),
        ));
        Ok((registration, client_id))
    }

    /// POST /token: authenticates the client assertion for the registered `client_id`.
    fn authenticate(&self, client_id: &str, grant_type: GrantType, assertion: &str) -> Result<String, UdapError> {
        let client = self.clients.iter().find(|c| c.client_id == client_id).expect("registered client");
        let request = AssertionRequest::new(assertion, grant_type, client, now()).revocation(&self.revocation);
        let verified = self.token.verify_assertion(&self.verifier, &request, &self.replay)?;
        let path = verified.path();
        Ok(format!(
            "client {} authenticated: certificate \"{}\" chains to an anchor of {} ({} intermediate), not revoked",
            client.client_id,
            path.leaf().subject_string(),
            path.community(),
            path.certificates().len().saturating_sub(1),
        ))
    }
}

/// What a step should do.
#[derive(Clone, Copy)]
enum Expect {
    Accept,
    Reject(&'static str),
}

/// Prints the steps and counts the surprises.
#[derive(Default)]
struct Report {
    steps: usize,
    surprises: Vec<String>,
}

impl Report {
    fn section(&self, title: &str, explanation: &str) {
        println!("\n━━ {title} {}", "━".repeat(88usize.saturating_sub(title.chars().count() + 4)));
        for line in explanation.lines() {
            println!("   {line}");
        }
    }

    /// Prints the decision of one step and checks it against `expect`. Returns the accepted
    /// value, if any.
    fn step<T>(
        &mut self,
        title: &str,
        expect: Expect,
        result: Result<T, UdapError>,
        accepted: impl Fn(&T) -> String,
    ) -> Option<T> {
        self.steps += 1;
        println!("\n   ▸ {title}");
        match (&result, expect) {
            (Ok(value), _) => {
                println!("     ✔ ACCEPTED  {}", accepted(value));
                if let Expect::Reject(code) = expect {
                    println!("     !! UNEXPECTED: this must be rejected with {code}");
                    self.surprises.push(format!("{title}: accepted, expected {code}"));
                }
            }
            (Err(e), _) => {
                let code = e.oauth_error().unwrap_or("(no OAuth code: checked by the client)");
                println!("     ✘ REJECTED  error code: {code}");
                println!("       reason: {e}");
                match expect {
                    Expect::Reject(want) if e.oauth_error() == Some(want) => {
                        println!("       as expected: the spec's code is {want}");
                    }
                    Expect::Reject(want) => {
                        println!("     !! UNEXPECTED: the code must be {want}");
                        self.surprises.push(format!("{title}: {code}, expected {want}"));
                    }
                    Expect::Accept => {
                        println!("     !! UNEXPECTED: this must be accepted");
                        self.surprises.push(format!("{title}: rejected ({code}: {e})"));
                    }
                }
            }
        }
        result.ok()
    }
}

fn statement(client_uri: &str, grant: StatementGrant, client_name: &str, scope: &str) -> SoftwareStatement {
    SoftwareStatement::new(client_uri, REGISTER_URL, client_name, grant)
        .with_contacts(["mailto:ops@client.example.org"])
        .with_scope(scope)
}

fn b2b() -> B2bExtension {
    let mut b2b =
        B2bExtension::new("urn:oid:2.16.840.1.113883.4.6#1234567890", ["urn:oid:2.16.840.1.113883.5.8#TREAT"]);
    b2b.organization_name = Some("Example Clinic".into());
    b2b.subject_name = Some("Dr. Jane Example".into());
    b2b
}

fn describe_registration(r: &(Registration, String)) -> String {
    let (reg, client_id) = r;
    let grant = match reg.grant() {
        RegistrationGrant::ClientCredentials => "client_credentials".to_string(),
        RegistrationGrant::AuthorizationCode { refresh_token, redirect_uris } => format!(
            "authorization_code{} → {}",
            if *refresh_token { " + refresh_token" } else { "" },
            redirect_uris.join(", ")
        ),
        RegistrationGrant::Cancel => "cancel".to_string(),
    };
    format!(
        "trust community {}, client URI {}, grant {grant}\n       server issues client_id \"{client_id}\" (201 Created)",
        reg.community(),
        reg.client_uri()
    )
}

/// Sets `key` in a claims object.
fn with(mut claims: Value, key: &str, value: Value) -> Value {
    if let Some(obj) = claims.as_object_mut() {
        obj.insert(key.into(), value);
    }
    claims
}

fn run() -> Result<Report, Error> {
    let mut report = Report::default();
    println!("UDAP walkthrough: trustpath on the test PKI in test-vectors/udap/");
    println!("{}", "═".repeat(92));
    println!(
        "UDAP (HL7 FHIR Security IG for Scalable Registration, Authentication and Authorization) lets FHIR
apps and servers trust each other through X.509 certificates instead of shared secrets. A party
signs a JWT with its certificate's private key and sends the certificate chain in the JWT header
(x5c). The receiver then does four things:
  - checks the signature with the key of x5c[0] only;
  - builds a path from that certificate to an anchor of a trust community it belongs to, with
    validity and revocation checks;
  - binds the JWT to the certificate through a SAN URI;
  - checks the claims (issuer, audience, lifetime, replay).

Time: 2026-06-01T00:00:00Z. Revocation: hard-fail, with the bundled CRLs.
FHIR server: {BASE_URL}, a member of {FHIRLABS} and {OTHER_COMMUNITY}."
    );

    let mut server = Server::new()?;
    let b2b_app = signer("client-rsa")?;
    let user_app = signer("client-es256")?;

    // Discovery.
    report.section(
        "Discovery: /.well-known/udap",
        "The server publishes its endpoints in metadata signed (RS256) with its certificate, whose SAN URI is\n\
         the FHIR base URL. Before registering, the client checks it with its own trust anchors.",
    );
    let server_signer = signer("server")?;
    let metadata = ServerMetadata {
        base_url: BASE_URL.into(),
        authorization_endpoint: Some(AUTHORIZE_URL.into()),
        token_endpoint: TOKEN_URL.into(),
        registration_endpoint: REGISTER_URL.into(),
    };
    let issued = UnixTime::since_unix_epoch(Duration::from_secs(NOW - 30 * 86_400));
    let published = metadata.document(&server_signer.sign_json(&metadata.signed_claims(issued, &jti()))?);
    // The client receives bytes: the strict reader refuses a member given twice, which readers
    // that keep the first and the last value would read as two different documents.
    let document = parse_metadata_document(published.to_string().as_bytes())?;
    let check = MetadataCheck { community: Some(FHIRLABS), revocation: Some(&server.revocation), clock_skew: 60 };
    report.step(
        "The client fetches the metadata of the FhirLabs community and checks it",
        Expect::Accept,
        verify_signed_metadata(&document, BASE_URL, &server.verifier, now(), &check),
        |m| {
            format!(
                "signed by \"{}\" ({})\n       registration endpoint {}\n       token endpoint {}",
                m.path().leaf().subject_string(),
                m.path().community(),
                m.endpoint("registration_endpoint").unwrap_or("?"),
                m.endpoint("token_endpoint").unwrap_or("?"),
            )
        },
    );

    // 2D.
    report.section(
        "2D: dynamic client registration",
        "Each client app builds a software statement:\n\
         \x20 - iss = sub = its client URI (a SAN URI of its certificate);\n\
         \x20 - aud = the registration endpoint;\n\
         \x20 - a lifetime of 5 minutes or less;\n\
         \x20 - client_name, grant_types, contacts, scope, ...\n\
         It signs the statement with its key and POSTs {\"software_statement\": ..., \"udap\": \"1\"}. The server\n\
         validates the request, records (community, client URI) and issues a client_id.",
    );
    let b2b_statement =
        statement(B2B_APP, StatementGrant::ClientCredentials, "Example B2B Service", "system/Patient.rs");
    let body = SoftwareStatement::request_body(&b2b_app.sign_json(&b2b_statement.claims(now(), &jti()))?).to_string();
    let b2b_reg = report.step(
        &format!("Backend service {B2B_APP} registers for client_credentials (RS256, RSA-2048 certificate)"),
        Expect::Accept,
        server.register(&body),
        describe_registration,
    );
    let user_statement = statement(
        USER_APP,
        StatementGrant::AuthorizationCode {
            redirect_uris: vec!["https://client.example.org/apps/ec/callback".into()],
            logo_uri: "https://client.example.org/apps/ec/logo.png".into(),
            refresh_token: true,
        },
        "Example Patient App",
        "openid fhirUser offline_access user/Patient.rs",
    );
    let body = SoftwareStatement::request_body(&user_app.sign_json(&user_statement.claims(now(), &jti()))?).to_string();
    let user_reg = report.step(
        &format!("User-facing app {USER_APP} registers for authorization_code (ES256, P-256 certificate)"),
        Expect::Accept,
        server.register(&body),
        describe_registration,
    );
    let (Some((_, b2b_id)), Some((_, user_id))) = (b2b_reg, user_reg) else {
        return Err("registration failed; the token steps need the client_ids".into());
    };

    // 2B.
    report.section(
        "2B: client_credentials with a signed client assertion (B2B)",
        "The backend service POSTs grant_type=client_credentials with client_assertion = a JWT:\n\
         \x20 - iss = sub = its client_id;\n\
         \x20 - aud = the token endpoint;\n\
         \x20 - 5-minute lifetime and a fresh jti;\n\
         \x20 - extensions.hl7-b2b: the organization asking, and why (purpose_of_use).\n\
         The server checks the certificate path in the community of the registration, and that the registered\n\
         client URI is a SAN URI of the certificate.",
    );
    let cc_claims = build::client_assertion_claims(&b2b_id, TOKEN_URL, now(), &jti(), Some(&b2b()));
    let cc_token = b2b_app.sign_json(&cc_claims)?;
    report.step(
        "Token request with a client_credentials assertion carrying hl7-b2b",
        Expect::Accept,
        server.authenticate(&b2b_id, GrantType::ClientCredentials, &cc_token),
        |who| {
            format!(
                "{who}\n       server issues a token: {}",
                json!({"access_token": "<opaque>", "token_type": "Bearer", "expires_in": 3600, "scope": "system/Patient.rs"})
            )
        },
    );

    // 2C.
    report.section(
        "2C: authorization_code with the same client authentication",
        "After the user authorizes the app, the app exchanges the code at the token endpoint. It authenticates\n\
         with an assertion like 2B's, but without hl7-b2b.",
    );
    let ac_token = user_app.sign_json(&build::client_assertion_claims(&user_id, TOKEN_URL, now(), &jti(), None))?;
    report.step(
        "Token request (grant_type=authorization_code) with an ES256 client assertion",
        Expect::Accept,
        server.authenticate(&user_id, GrantType::AuthorizationCode, &ac_token),
        |who| format!("{who}\n       server exchanges the authorization code for a token"),
    );

    // Failures.
    report.section(
        "Attempts that must fail",
        "Each attempt is refused with the code the UDAP specs name. The server answers HTTP 400 with\n\
         {\"error\": <code>, \"error_description\": <reason>} (UdapError::error_body).",
    );
    let assertion = |claims: &Value, who: &Signer| who.sign_json(claims);
    let fresh = || build::client_assertion_claims(&b2b_id, TOKEN_URL, now(), &jti(), Some(&b2b()));

    let impostor = signer("client-untrusted")?;
    report.step(
        "Untrusted anchor: an impostor certificate carries the app's URI, issued by a CA outside every trust community",
        Expect::Reject("invalid_client"),
        server.authenticate(&b2b_id, GrantType::ClientCredentials, &assertion(&fresh(), &impostor)?),
        String::clone,
    );
    report.step(
        "Expired certificate: the app signs with its old certificate (expired 2026-01-01)",
        Expect::Reject("invalid_client"),
        server.authenticate(&b2b_id, GrantType::ClientCredentials, &assertion(&fresh(), &signer("client-expired")?)?),
        String::clone,
    );
    report.step(
        "Revoked certificate: the app signs with a certificate its CA revoked (keyCompromise, on the CRL)",
        Expect::Reject("invalid_client"),
        server.authenticate(&b2b_id, GrantType::ClientCredentials, &assertion(&fresh(), &signer("client-revoked")?)?),
        String::clone,
    );
    let foreign = statement(
        "https://client.example.org/apps/99",
        StatementGrant::ClientCredentials,
        "Example B2B Service",
        "system/Patient.rs",
    );
    let body = SoftwareStatement::request_body(&b2b_app.sign_json(&foreign.claims(now(), &jti()))?).to_string();
    report.step(
        "iss not in the SAN: a software statement claims iss https://client.example.org/apps/99, which the certificate does not carry",
        Expect::Reject("invalid_software_statement"),
        server.register(&body),
        describe_registration,
    );
    report.step(
        "Wrong aud: the assertion is addressed to the registration endpoint instead of the token endpoint",
        Expect::Reject("invalid_client"),
        server.authenticate(
            &b2b_id,
            GrantType::ClientCredentials,
            &assertion(&with(fresh(), "aud", json!(REGISTER_URL)), &b2b_app)?,
        ),
        String::clone,
    );
    report.step(
        "Replayed jti: the assertion accepted in 2B is sent again",
        Expect::Reject("invalid_client"),
        server.authenticate(&b2b_id, GrantType::ClientCredentials, &cc_token),
        String::clone,
    );
    report.step(
        "Lifetime over 5 minutes: exp − iat = 600 s",
        Expect::Reject("invalid_client"),
        server.authenticate(
            &b2b_id,
            GrantType::ClientCredentials,
            &assertion(&with(fresh(), "exp", json!(NOW + 600)), &b2b_app)?,
        ),
        String::clone,
    );
    let mut no_b2b = fresh();
    if let Some(obj) = no_b2b.as_object_mut() {
        obj.remove("extensions");
    }
    report.step(
        "Missing hl7-b2b: a client_credentials assertion without the authorization extension",
        Expect::Reject("invalid_grant"),
        server.authenticate(&b2b_id, GrantType::ClientCredentials, &assertion(&no_b2b, &b2b_app)?),
        String::clone,
    );
    let honest = assertion(&fresh(), &b2b_app)?;
    let forged_claims = with(fresh(), "exp", json!(NOW + 3600));
    let forged = {
        let mut parts = honest.split('.');
        let (header, _, signature) = (parts.next().unwrap_or_default(), parts.next(), parts.next().unwrap_or_default());
        let payload = Base64UrlUnpadded::encode_string(forged_claims.to_string().as_bytes());
        format!("{header}.{payload}.{signature}")
    };
    report.step(
        "Tampered token: the claims are changed after signing (exp pushed an hour out)",
        Expect::Reject("invalid_request"),
        server.authenticate(&b2b_id, GrantType::ClientCredentials, &forged),
        String::clone,
    );
    Ok(report)
}

fn main() -> ExitCode {
    match run() {
        Ok(report) => {
            println!("\n{}", "═".repeat(92));
            if report.surprises.is_empty() {
                println!("All {} steps behaved as the UDAP specs require.", report.steps);
                ExitCode::SUCCESS
            } else {
                println!("{} of {} steps did NOT behave as expected:", report.surprises.len(), report.steps);
                for s in &report.surprises {
                    println!("  - {s}");
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("udap_flow: {e}");
            ExitCode::FAILURE
        }
    }
}
