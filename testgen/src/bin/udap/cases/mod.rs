//! The catalogue: client assertions (flows B and C), software statements / registration
//! requests (flow D) and signed metadata, each rule of the HL7 UDAP Security IG (STU2) and the
//! UDAP.org profiles checked positively and negatively.

mod assertions;
mod metadata;
mod statements;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use trustpath_testgen::Result;

use crate::jws;
use crate::manifest::{Case, Expected, Registration};
use crate::out::Output;
use crate::pki::{
    AUTHORIZE_URL, BASE_URL, BASE_URL_ALT, CLIENT_URI, EC_CLIENT_URI, FHIRLABS, Leaf, OTHER, PARTNER_URI, Pki,
    REGISTER_URL, TOKEN_URL, now,
};

const ASSERTION: &str = "udap-client-assertion";
const STATEMENT: &str = "udap-software-statement";
const METADATA: &str = "udap-signed-metadata";

const CC: &str = "client_credentials";
const AC: &str = "authorization_code";

// Token endpoint codes.
const INVALID_CLIENT: Option<&str> = Some("invalid_client");
const INVALID_REQUEST: Option<&str> = Some("invalid_request");
const INVALID_GRANT: Option<&str> = Some("invalid_grant");
// Registration endpoint codes.
const UNAPPROVED: Option<&str> = Some("unapproved_software_statement");
const INVALID_STATEMENT: Option<&str> = Some("invalid_software_statement");
const INVALID_METADATA: Option<&str> = Some("invalid_client_metadata");
const INVALID_REDIRECT: Option<&str> = Some("invalid_redirect_uri");

/// A registration as the authorization server recorded it.
#[derive(Clone, Copy)]
struct Client {
    client_id: &'static str,
    client_uri: &'static str,
    community: &'static str,
}

const MAIN: Client = Client { client_id: "client-42", client_uri: CLIENT_URI, community: FHIRLABS };
const EC: Client = Client { client_id: "client-ec", client_uri: EC_CLIENT_URI, community: FHIRLABS };
const PARTNER: Client = Client { client_id: "partner-7", client_uri: PARTNER_URI, community: OTHER };

const REDIRECT: &str = "https://client.example.org/apps/42/callback";
const LOGO: &str = "https://client.example.org/apps/42/logo.png";

fn ok() -> Expected {
    Expected::accept()
}

fn no(code: Option<&'static str>, kind: &'static str) -> Expected {
    Expected::reject(code, kind)
}

/// A deterministic JWT ID.
fn jti(label: &str) -> String {
    let digest = Sha256::digest(format!("trustpath udap vectors jti {label}").as_bytes());
    jws::b64url(&digest[..16])
}

/// `claims` with `key` set to `value`.
fn set(claims: &Value, key: &str, value: Value) -> Value {
    let mut c = claims.clone();
    if let Some(obj) = c.as_object_mut() {
        obj.insert(key.to_string(), value);
    }
    c
}

/// `claims` without `key`.
fn without(claims: &Value, key: &str) -> Value {
    let mut c = claims.clone();
    if let Some(obj) = c.as_object_mut() {
        obj.remove(key);
    }
    c
}

/// `claims` with `extensions.hl7-b2b` replaced by `b2b` (`None`: the member removed).
fn with_b2b(claims: &Value, b2b: Option<Value>) -> Value {
    let mut ext = Map::new();
    if let Some(b) = b2b {
        ext.insert("hl7-b2b".into(), b);
    }
    set(claims, "extensions", Value::Object(ext))
}

fn b2b() -> Value {
    json!({
        "version": "1",
        "organization_id": "urn:oid:2.16.840.1.113883.4.6#1234567890",
        "organization_name": "Example Clinic",
        "purpose_of_use": ["urn:oid:2.16.840.1.113883.5.8#TREAT"],
        "subject_name": "Dr. Jane Example",
        "subject_role": "http://nucc.org/provider-taxonomy#207Q00000X"
    })
}

fn b2b_set(key: &str, value: Value) -> Value {
    set(&b2b(), key, value)
}

/// A client assertion for `client` (IG §5.2.1): issued 30 s ago, five-minute lifetime.
fn assertion(client: &Client, label: &str, grant: &str) -> Value {
    let iat = now() - 30;
    let mut c = json!({
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": TOKEN_URL,
        "iat": iat,
        "exp": iat + 300,
        "jti": jti(label),
    });
    if grant == CC {
        c = set(&c, "extensions", json!({ "hl7-b2b": b2b() }));
    }
    c
}

/// A software statement (IG §3.1) for `client_uri`: issued 30 s ago, five-minute lifetime.
fn statement(client_uri: &str, label: &str, grant: &str) -> Value {
    let iat = now() - 30;
    let mut c = json!({
        "iss": client_uri,
        "sub": client_uri,
        "aud": REGISTER_URL,
        "iat": iat,
        "exp": iat + 300,
        "jti": jti(label),
        "client_name": "Example Client App",
        "contacts": ["mailto:ops@client.example.org", "https://client.example.org/support"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": "system/Patient.rs system/Observation.rs",
    });
    if grant == CC {
        c = set(&c, "grant_types", json!([CC]));
    } else {
        c = set(&c, "grant_types", json!([AC, "refresh_token"]));
        c = set(&c, "redirect_uris", json!([REDIRECT]));
        c = set(&c, "response_types", json!(["code"]));
        c = set(&c, "logo_uri", json!(LOGO));
        c = set(&c, "scope", json!("openid fhirUser offline_access user/Patient.rs"));
    }
    c
}

/// The registration request body around a signed statement (IG §3.2.3).
fn body(token: &str) -> Value {
    json!({ "software_statement": token, "udap": "1" })
}

/// Signed metadata claims (IG §2.3): issued 2026-05-01, valid one year.
fn metadata_claims(label: &str) -> Value {
    let iat = trustpath_testgen::time::unix(2026, 5, 1, 0, 0, 0);
    json!({
        "iss": BASE_URL,
        "sub": BASE_URL,
        "iat": iat,
        "exp": iat + 365 * 86_400,
        "jti": jti(label),
        "authorization_endpoint": AUTHORIZE_URL,
        "token_endpoint": TOKEN_URL,
        "registration_endpoint": REGISTER_URL,
    })
}

/// The `/.well-known/udap` document (IG §2.2) carrying `signed_metadata`.
fn metadata_document(signed: Option<&str>) -> Value {
    let mut d = json!({
        "udap_versions_supported": ["1"],
        "udap_profiles_supported": ["udap_dcr", "udap_authn", "udap_authz"],
        "udap_authorization_extensions_supported": ["hl7-b2b"],
        "udap_authorization_extensions_required": ["hl7-b2b"],
        "udap_certifications_supported": [],
        "udap_certifications_required": [],
        "grant_types_supported": [AC, "refresh_token", CC],
        "scopes_supported": ["openid", "fhirUser", "offline_access", "system/*.rs", "user/*.rs", "patient/*.rs"],
        "authorization_endpoint": AUTHORIZE_URL,
        "token_endpoint": TOKEN_URL,
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256", "RS384", "ES384"],
        "registration_endpoint": REGISTER_URL,
        "registration_endpoint_jwt_signing_alg_values_supported": ["RS256", "ES256", "RS384", "ES384"],
    });
    if let (Some(s), Some(obj)) = (signed, d.as_object_mut()) {
        obj.insert("signed_metadata".into(), json!(s));
    }
    d
}

/// Signs `claims` as `leaf` does: its key's algorithm, `x5c` = its certificate and intermediate.
fn sign(leaf: &Leaf, claims: &Value) -> Result<String> {
    jws::sign(&jws::header(jws::alg_for(&leaf.key)?, &leaf.chain), claims, &leaf.key)
}

/// Signs with a given `x5c`.
fn sign_x5c(leaf: &Leaf, x5c: &[Vec<u8>], claims: &Value) -> Result<String> {
    jws::sign(&jws::header(jws::alg_for(&leaf.key)?, x5c), claims, &leaf.key)
}

fn pretty(v: &Value) -> Result<Vec<u8>> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s.into_bytes())
}

/// Collects cases and their files.
pub struct Gen<'a> {
    pki: &'a Pki,
    out: &'a mut Output,
    /// The cases, in order.
    pub cases: Vec<Case>,
}

impl<'a> Gen<'a> {
    fn leaf(&self, id: &str) -> &'a Leaf {
        self.pki.leaf(id)
    }

    fn check_new_id(&self, id: &str) {
        assert!(!self.cases.iter().any(|c| c.id == id), "duplicate case id {id}");
    }

    /// Writes tokens as `DIR/ID.EXT` (or `ID-N.EXT` for several distinct ones); `order` lists
    /// which token each check uses.
    fn token_files(&mut self, dir: &str, id: &str, ext: &str, tokens: &[Vec<u8>], order: &[usize]) -> Vec<String> {
        let names: Vec<String> = if tokens.len() == 1 {
            vec![format!("{dir}/{id}.{ext}")]
        } else {
            (1..=tokens.len()).map(|n| format!("{dir}/{id}-{n}.{ext}")).collect()
        };
        for (name, bytes) in names.iter().zip(tokens) {
            assert!(!self.out.has(name), "file {name} written twice");
            self.out.file(name, bytes.clone());
        }
        order.iter().map(|i| names[*i].clone()).collect()
    }

    /// A client-assertion case whose tokens are checked in `order` against one replay store.
    #[allow(clippy::too_many_arguments)]
    fn assertion_seq(
        &mut self,
        id: &str,
        description: &str,
        client: Client,
        grant: &'static str,
        tokens: Vec<String>,
        order: &[usize],
        expected: Vec<Expected>,
    ) {
        self.check_new_id(id);
        assert_eq!(order.len(), expected.len(), "{id}");
        let bytes: Vec<Vec<u8>> = tokens.into_iter().map(String::into_bytes).collect();
        let token_files = self.token_files("assertions", id, "jwt", &bytes, order);
        self.cases.push(Case {
            id: id.to_string(),
            description: description.to_string(),
            profile: ASSERTION,
            token_files,
            metadata_file: None,
            client_id: Some(client.client_id),
            client_uri: Some(client.client_uri),
            client_community: Some(client.community),
            grant: Some(grant),
            expected,
            registration: None,
        });
    }

    fn assertion(
        &mut self,
        id: &str,
        description: &str,
        client: Client,
        grant: &'static str,
        token: String,
        e: Expected,
    ) {
        self.assertion_seq(id, description, client, grant, vec![token], &[0], vec![e]);
    }

    /// A software-statement case: registration request bodies (or bare statements when
    /// `bare`), checked in `order` against one replay store.
    #[allow(clippy::too_many_arguments)]
    fn statement_seq(
        &mut self,
        id: &str,
        description: &str,
        documents: Vec<Vec<u8>>,
        ext: &str,
        order: &[usize],
        expected: Vec<Expected>,
        registration: Option<Registration>,
    ) {
        self.check_new_id(id);
        assert_eq!(order.len(), expected.len(), "{id}");
        assert_eq!(registration.is_some(), expected.iter().any(|e| e.result == "accept"), "{id}");
        let token_files = self.token_files("registrations", id, ext, &documents, order);
        self.cases.push(Case {
            id: id.to_string(),
            description: description.to_string(),
            profile: STATEMENT,
            token_files,
            metadata_file: None,
            client_id: None,
            client_uri: None,
            client_community: None,
            grant: None,
            expected,
            registration,
        });
    }

    /// A registration request with `body` (a JSON object).
    fn registration_body(&mut self, id: &str, description: &str, body: &Value, e: Expected) -> Result<()> {
        self.statement_seq(id, description, vec![pretty(body)?], "json", &[0], vec![e], None);
        Ok(())
    }

    /// A registration request around `token`.
    fn registration(&mut self, id: &str, description: &str, token: &str, e: Expected) -> Result<()> {
        self.registration_body(id, description, &body(token), e)
    }

    fn accepted_registration(
        &mut self,
        id: &str,
        description: &str,
        token: &str,
        registration: Registration,
    ) -> Result<()> {
        self.statement_seq(id, description, vec![pretty(&body(token))?], "json", &[0], vec![ok()], Some(registration));
        Ok(())
    }

    fn metadata(
        &mut self,
        id: &str,
        description: &str,
        document: &Value,
        community: Option<&'static str>,
        e: Expected,
    ) -> Result<()> {
        self.check_new_id(id);
        let file = format!("metadata/{id}.json");
        self.out.file(&file, pretty(document)?);
        self.cases.push(Case {
            id: id.to_string(),
            description: description.to_string(),
            profile: METADATA,
            token_files: Vec::new(),
            metadata_file: Some(file),
            client_id: None,
            client_uri: None,
            client_community: community,
            grant: None,
            expected: vec![e],
            registration: None,
        });
        Ok(())
    }
}

/// Builds every case and writes its files.
pub fn generate(pki: &Pki, out: &mut Output) -> Result<Vec<Case>> {
    let mut g = Gen { pki, out, cases: Vec::new() };
    assertions::generate(&mut g)?;
    statements::generate(&mut g)?;
    metadata::generate(&mut g)?;
    Ok(g.cases)
}

/// The SubjectPublicKeyInfo DER of a certificate.
fn x509_spki(cert: &[u8]) -> Result<Vec<u8>> {
    use der::{Decode, Encode};
    let c = x509_cert::Certificate::from_der(cert)?;
    Ok(c.tbs_certificate().subject_public_key_info().to_der()?)
}

fn reg(community: &'static str, client_uri: &'static str, grant: &'static str) -> Registration {
    Registration { community, client_uri, grant, refresh_token: None, redirect_uris: Vec::new() }
}
