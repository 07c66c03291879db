//! The catalogue: client assertions (flows B and C), software statements / registration
//! requests (flow D) and signed metadata, each rule of the HL7 UDAP Security IG (STU2) and the
//! UDAP.org profiles checked positively and negatively.

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
    assertions(&mut g)?;
    statements(&mut g)?;
    metadata(&mut g)?;
    Ok(g.cases)
}

fn assertions(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let ec = g.leaf("client-es256");
    let partner = g.leaf("client-partner");
    let base = |label: &str| assertion(&MAIN, label, CC);

    // Accepted.
    g.assertion(
        "assertion-cc-valid",
        "client_credentials (B): RS256 assertion with a well-formed hl7-b2b extension, x5c = leaf and intermediate",
        MAIN,
        CC,
        sign(rsa, &base("cc-valid"))?,
        ok(),
    );
    g.assertion(
        "assertion-cc-valid-es256",
        "client_credentials (B): ES256 assertion from a P-256 client certificate",
        EC,
        CC,
        sign(ec, &assertion(&EC, "cc-valid-es256", CC))?,
        ok(),
    );
    g.assertion(
        "assertion-ac-valid",
        "authorization_code (C): assertion without extensions (hl7-b2b is not required for authorization_code)",
        MAIN,
        AC,
        sign(rsa, &assertion(&MAIN, "ac-valid", AC))?,
        ok(),
    );
    g.assertion(
        "assertion-cc-valid-other-community",
        "client_credentials from a client registered in the other trust community, whose certificate chains to that community's anchor",
        PARTNER,
        CC,
        sign(partner, &assertion(&PARTNER, "cc-valid-other", CC))?,
        ok(),
    );
    g.assertion(
        "assertion-cc-valid-leaf-only-x5c",
        "x5c holds only the client certificate; the server completes the path with the intermediates it knows",
        MAIN,
        CC,
        sign_x5c(rsa, std::slice::from_ref(&rsa.der), &base("cc-leaf-only"))?,
        ok(),
    );
    g.assertion(
        "assertion-aud-array-with-token-url",
        "aud is an array containing the token endpoint URL (UDAP: aud MUST contain it)",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-array"), "aud", json!(["https://other.example.org/token", TOKEN_URL])))?,
        ok(),
    );
    {
        let c = base("lifetime-300");
        let iat = now() - 30;
        g.assertion(
            "assertion-lifetime-300",
            "exp − iat = 300 s exactly (the IG's maximum)",
            MAIN,
            CC,
            sign(rsa, &set(&set(&c, "iat", json!(iat)), "exp", json!(iat + 300)))?,
            ok(),
        );
    }

    g.assertion(
        "assertion-expired-within-skew",
        "exp 20 s before the validation time: still inside the 60 s clock skew",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("expired-within-skew"), "iat", json!(now() - 320)), "exp", json!(now() - 20)))?,
        ok(),
    );

    // Claims.
    g.assertion(
        "assertion-sub-not-iss",
        "sub differs from iss (both must be the client_id)",
        MAIN,
        CC,
        sign(rsa, &set(&base("sub-not-iss"), "sub", json!("client-43")))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iss-not-client-id",
        "iss = sub, but not the client_id the request is for",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("iss-not-client-id"), "iss", json!("client-43")), "sub", json!("client-43")))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iss-is-client-uri",
        "iss = sub = the client URI (the software statement's iss), not the client_id",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("iss-client-uri"), "iss", json!(CLIENT_URI)), "sub", json!(CLIENT_URI)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iss-missing",
        "no iss",
        MAIN,
        CC,
        sign(rsa, &without(&base("iss-missing"), "iss"))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-wrong",
        "aud is the registration endpoint, not the token endpoint",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-wrong"), "aud", json!(REGISTER_URL)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-trailing-slash",
        "aud is the token endpoint URL with a trailing slash (URIs compare exactly, IG §7.1.5)",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-slash"), "aud", json!(format!("{TOKEN_URL}/"))))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-array-without-token-url",
        "aud is an array without the token endpoint URL",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-array-without"), "aud", json!([REGISTER_URL, "https://other.example.org/token"])))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-missing",
        "no aud",
        MAIN,
        CC,
        sign(rsa, &without(&base("aud-missing"), "aud"))?,
        no(INVALID_CLIENT, "claim"),
    );
    {
        let iat = now() - 30;
        g.assertion(
            "assertion-lifetime-301",
            "exp − iat = 301 s: over the IG's five-minute maximum",
            MAIN,
            CC,
            sign(rsa, &set(&set(&base("lifetime-301"), "iat", json!(iat)), "exp", json!(iat + 301)))?,
            no(INVALID_CLIENT, "claim"),
        );
    }
    g.assertion(
        "assertion-expired",
        "exp 10 minutes before the validation time (beyond the 60 s clock skew)",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("expired"), "iat", json!(now() - 900)), "exp", json!(now() - 600)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iat-in-future",
        "iat 5 minutes after the validation time (beyond the 60 s clock skew)",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("iat-future"), "iat", json!(now() + 300)), "exp", json!(now() + 600)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-exp-missing",
        "no exp",
        MAIN,
        CC,
        sign(rsa, &without(&base("exp-missing"), "exp"))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-jti-missing",
        "no jti",
        MAIN,
        CC,
        sign(rsa, &without(&base("jti-missing"), "jti"))?,
        no(INVALID_CLIENT, "claim"),
    );

    // Replay: several tokens against one store.
    let first = sign(rsa, &base("replay-same-token"))?;
    g.assertion_seq(
        "assertion-replay-same-token",
        "the same assertion sent twice: the second use of (iss, jti) before expiry is a replay",
        MAIN,
        CC,
        vec![first],
        &[0, 0],
        vec![ok(), no(INVALID_CLIENT, "replay")],
    );
    let c1 = base("replay-same-jti");
    let c2 = set(&set(&c1, "iat", json!(now() - 10)), "exp", json!(now() + 290));
    g.assertion_seq(
        "assertion-replay-same-jti",
        "two different assertions (iat 20 s apart) with the same jti: the second is a replay",
        MAIN,
        CC,
        vec![sign(rsa, &c1)?, sign(rsa, &c2)?],
        &[0, 1],
        vec![ok(), no(INVALID_CLIENT, "replay")],
    );
    g.assertion_seq(
        "assertion-distinct-jti",
        "two assertions with different jti values: both accepted by the same store",
        MAIN,
        CC,
        vec![sign(rsa, &base("distinct-1"))?, sign(rsa, &base("distinct-2"))?],
        &[0, 1],
        vec![ok(), ok()],
    );

    // Certificate binding and trust.
    let other_uri = Client { client_uri: "https://client.example.org/apps/43", ..MAIN };
    g.assertion(
        "assertion-san-uri-not-registered",
        "the client was registered with https://client.example.org/apps/43, which is not a SAN URI of x5c[0]",
        other_uri,
        CC,
        sign(rsa, &base("san-not-registered"))?,
        no(INVALID_CLIENT, "san_uri_mismatch"),
    );
    g.assertion(
        "assertion-no-san-uri",
        "x5c[0] has no subjectAltName at all, so the registered client URI cannot be bound to it",
        MAIN,
        CC,
        sign(g.leaf("client-no-san"), &base("no-san"))?,
        no(INVALID_CLIENT, "san_uri_mismatch"),
    );
    let wrong_community = Client { community: OTHER, ..MAIN };
    g.assertion(
        "assertion-anchor-in-other-community",
        "the client registered in the other community, but its certificate chains to the FhirLabs anchor",
        wrong_community,
        CC,
        sign(rsa, &base("other-community"))?,
        no(INVALID_CLIENT, "unknown_issuer"),
    );
    g.assertion(
        "assertion-untrusted-anchor",
        "x5c[0] carries the registered client URI but chains to a root no community trusts",
        MAIN,
        CC,
        sign(g.leaf("client-untrusted"), &base("untrusted"))?,
        no(INVALID_CLIENT, "unknown_issuer"),
    );
    {
        let impostor = g.leaf("client-untrusted");
        let root = g.pki.hierarchy("udap://untrusted.example").root.issuer.der.clone();
        let x5c = [impostor.chain.clone(), vec![root]].concat();
        g.assertion(
            "assertion-x5c-with-untrusted-root",
            "the impostor also sends its self-signed root in x5c: x5c entries are never anchors",
            MAIN,
            CC,
            sign_x5c(impostor, &x5c, &base("x5c-untrusted-root"))?,
            no(INVALID_CLIENT, "unknown_issuer"),
        );
    }
    g.assertion(
        "assertion-cert-expired",
        "x5c[0] expired on 2026-01-01",
        MAIN,
        CC,
        sign(g.leaf("client-expired"), &base("cert-expired"))?,
        no(INVALID_CLIENT, "expired"),
    );
    g.assertion(
        "assertion-cert-revoked",
        "x5c[0] is on the FhirLabs intermediate's CRL (keyCompromise)",
        MAIN,
        CC,
        sign(g.leaf("client-revoked"), &base("cert-revoked"))?,
        no(INVALID_CLIENT, "revoked"),
    );
    g.assertion(
        "assertion-x5c-ca-signed",
        "the intermediate CA's own key signs the assertion with x5c = [intermediate]: a CA certificate is not a client",
        MAIN,
        CC,
        {
            let h = g.pki.hierarchy(FHIRLABS);
            let int = &h.intermediate.issuer;
            jws::sign(&jws::header("RS256", std::slice::from_ref(&int.der)), &base("ca-signed"), &int.key)?
        },
        no(INVALID_CLIENT, "certificate_profile"),
    );

    // Signatures and algorithms.
    g.assertion(
        "assertion-bad-signature",
        "one bit of the RS256 signature flipped",
        MAIN,
        CC,
        jws::flip_signature_bit(&sign(rsa, &base("bad-signature"))?)?,
        no(INVALID_REQUEST, "bad_signature"),
    );
    {
        let c = base("payload-tampered");
        let token = sign(rsa, &c)?;
        let tampered = set(&c, "exp", json!(now() + 3600));
        g.assertion(
            "assertion-payload-tampered",
            "the payload changed after signing (exp extended), signature kept",
            MAIN,
            CC,
            jws::replace_payload(&token, &tampered)?,
            no(INVALID_REQUEST, "bad_signature"),
        );
    }
    {
        // Signed by the impostor's key, with the registered client's chain in x5c.
        let impostor = g.leaf("client-untrusted");
        let token = jws::sign(&jws::header("RS256", &rsa.chain), &base("other-key"), &impostor.key)?;
        g.assertion(
            "assertion-signed-by-other-key",
            "x5c is the registered client's chain but the signature is by another key (only x5c[0]'s key may verify)",
            MAIN,
            CC,
            token,
            no(INVALID_REQUEST, "bad_signature"),
        );
    }
    g.assertion(
        "assertion-x5c-leaf-not-first",
        "x5c = [intermediate, leaf], signed by the leaf's key: x5c[0] must be the signer's certificate",
        MAIN,
        CC,
        sign_x5c(rsa, &[rsa.chain[1].clone(), rsa.chain[0].clone()], &base("leaf-not-first"))?,
        no(INVALID_REQUEST, "bad_signature"),
    );
    g.assertion(
        "assertion-x5c-missing",
        "header without x5c",
        MAIN,
        CC,
        jws::sign(&json!({"alg": "RS256", "typ": "JWT"}), &base("x5c-missing"), &rsa.key)?,
        no(INVALID_REQUEST, "x5c_missing"),
    );
    g.assertion(
        "assertion-alg-none",
        "alg none, empty signature (an unsecured JWS), with the client's valid x5c",
        MAIN,
        CC,
        jws::unsecured(&jws::header("none", &rsa.chain), &base("alg-none"))?,
        no(INVALID_REQUEST, "alg_not_allowed"),
    );
    g.assertion(
        "assertion-alg-hs256",
        "alg HS256 with the client certificate's public key (SPKI DER) as the HMAC secret (algorithm confusion)",
        MAIN,
        CC,
        {
            let spki = x509_spki(&rsa.der)?;
            jws::sign_hs256(&jws::header("HS256", &rsa.chain), &base("alg-hs256"), &spki)?
        },
        no(INVALID_REQUEST, "alg_not_allowed"),
    );
    g.assertion(
        "assertion-alg-hs256-garbage-x5c",
        "alg HS256 with an x5c that is not base64 DER: rejected for its alg before x5c or any key is looked at",
        MAIN,
        CC,
        jws::sign_hs256(&json!({"alg": "HS256", "x5c": ["not base64 DER!"]}), &base("alg-hs256-garbage"), b"secret")?,
        no(INVALID_REQUEST, "alg_not_allowed"),
    );
    g.assertion(
        "assertion-alg-none-garbage-x5c",
        "alg none with an x5c that is not base64 DER and a non-empty signature: rejected for its alg first",
        MAIN,
        CC,
        format!(
            "{}.{}",
            jws::signing_input(&json!({"alg": "none", "x5c": ["%%%"]}), &base("alg-none-garbage"))?,
            jws::b64url(b"sig")
        ),
        no(INVALID_REQUEST, "alg_not_allowed"),
    );

    // hl7-b2b (client_credentials).
    let b2b_cases: Vec<(&str, &str, Option<Value>)> = vec![
        ("b2b-missing", "client_credentials without extensions.hl7-b2b (extensions empty)", None),
        ("b2b-not-object", "extensions.hl7-b2b is a string", Some(json!("hl7-b2b"))),
        ("b2b-version-missing", "hl7-b2b without version", Some(without(&b2b(), "version"))),
        ("b2b-version-2", "hl7-b2b version \"2\"", Some(b2b_set("version", json!("2")))),
        (
            "b2b-version-number",
            "hl7-b2b version 1 as a number, not the string \"1\"",
            Some(b2b_set("version", json!(1))),
        ),
        ("b2b-organization-id-missing", "hl7-b2b without organization_id", Some(without(&b2b(), "organization_id"))),
        (
            "b2b-organization-id-not-uri",
            "hl7-b2b organization_id \"Example Clinic\" is not a URI",
            Some(b2b_set("organization_id", json!("Example Clinic"))),
        ),
        ("b2b-purpose-missing", "hl7-b2b without purpose_of_use", Some(without(&b2b(), "purpose_of_use"))),
        ("b2b-purpose-empty", "hl7-b2b purpose_of_use is an empty array", Some(b2b_set("purpose_of_use", json!([])))),
        (
            "b2b-purpose-not-array",
            "hl7-b2b purpose_of_use is a string, not an array",
            Some(b2b_set("purpose_of_use", json!("urn:oid:2.16.840.1.113883.5.8#TREAT"))),
        ),
    ];
    for (label, description, ext) in b2b_cases {
        let claims = with_b2b(&base(label), ext);
        g.assertion(
            &format!("assertion-{label}"),
            description,
            MAIN,
            CC,
            sign(rsa, &claims)?,
            no(INVALID_GRANT, "authorization_extension"),
        );
    }
    g.assertion(
        "assertion-cc-extensions-missing",
        "client_credentials without the extensions claim",
        MAIN,
        CC,
        sign(rsa, &without(&base("extensions-missing"), "extensions"))?,
        no(INVALID_GRANT, "authorization_extension"),
    );
    Ok(())
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

fn statements(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let cc = |label: &str| statement(CLIENT_URI, label, CC);
    let ac = |label: &str| statement(CLIENT_URI, label, AC);

    // Accepted.
    g.accepted_registration(
        "registration-cc-valid",
        "client_credentials registration (D), RS256, x5c = leaf and intermediate",
        &sign(rsa, &cc("reg-cc-valid"))?,
        reg(FHIRLABS, CLIENT_URI, CC),
    )?;
    g.accepted_registration(
        "registration-ac-valid",
        "authorization_code + refresh_token registration with https redirect URI, response_types [\"code\"] and an https PNG logo",
        &sign(rsa, &ac("reg-ac-valid"))?,
        Registration {
            refresh_token: Some(true),
            redirect_uris: vec![REDIRECT],
            ..reg(FHIRLABS, CLIENT_URI, AC)
        },
    )?;
    g.accepted_registration(
        "registration-cc-valid-es256",
        "client_credentials registration signed ES256 by a P-256 client certificate",
        &sign(g.leaf("client-es256"), &statement(EC_CLIENT_URI, "reg-es256", CC))?,
        reg(FHIRLABS, EC_CLIENT_URI, CC),
    )?;
    g.accepted_registration(
        "registration-cc-valid-other-community",
        "a client of the other community registers: the result names that community",
        &sign(g.leaf("client-partner"), &statement(PARTNER_URI, "reg-partner", CC))?,
        reg(OTHER, PARTNER_URI, CC),
    )?;
    g.accepted_registration(
        "registration-aud-array",
        "aud is an array containing the registration endpoint URL (UDAP: aud MUST contain it)",
        &sign(rsa, &set(&cc("reg-aud-array"), "aud", json!([REGISTER_URL, "https://other.example.org/register"])))?,
        reg(FHIRLABS, CLIENT_URI, CC),
    )?;
    g.accepted_registration(
        "registration-cancel",
        "empty grant_types: a request to cancel the registration of (community, iss)",
        &sign(rsa, &set(&cc("reg-cancel"), "grant_types", json!([])))?,
        reg(FHIRLABS, CLIENT_URI, "cancel"),
    )?;
    g.statement_seq(
        "registration-bare-statement",
        "a bare software statement (compact JWS, not a request body), verified on its own",
        vec![sign(rsa, &cc("reg-bare"))?.into_bytes()],
        "jwt",
        &[0],
        vec![ok()],
        Some(reg(FHIRLABS, CLIENT_URI, CC)),
    );
    {
        let token = sign(rsa, &cc("reg-replay"))?;
        let again = sign(rsa, &set(&cc("reg-replay"), "client_name", json!("Example Client App (again)")))?;
        g.statement_seq(
            "registration-replay-same-jti",
            "two registration requests whose statements share iss and jti: the second is refused (the server MAY deny)",
            vec![pretty(&body(&token))?, pretty(&body(&again))?],
            "json",
            &[0, 1],
            vec![ok(), no(INVALID_STATEMENT, "replay")],
            Some(reg(FHIRLABS, CLIENT_URI, CC)),
        );
    }

    // Claims of the statement.
    g.registration(
        "registration-iss-not-san-uri",
        "iss = sub = https://client.example.org/apps/99, not a SAN URI of x5c[0]",
        &sign(
            rsa,
            &set(
                &set(&cc("reg-iss-not-san"), "iss", json!("https://client.example.org/apps/99")),
                "sub",
                json!("https://client.example.org/apps/99"),
            ),
        )?,
        no(INVALID_STATEMENT, "san_uri_mismatch"),
    )?;
    g.registration(
        "registration-iss-san-uri-case",
        "iss differs from the SAN URI only by the case of the host name (URIs compare exactly, IG §7.1.5)",
        &sign(
            rsa,
            &set(
                &set(&cc("reg-iss-case"), "iss", json!("https://CLIENT.example.org/apps/42")),
                "sub",
                json!("https://CLIENT.example.org/apps/42"),
            ),
        )?,
        no(INVALID_STATEMENT, "san_uri_mismatch"),
    )?;
    g.registration(
        "registration-no-san-uri",
        "x5c[0] has no subjectAltName, so iss cannot match a SAN URI",
        &sign(g.leaf("client-no-san"), &cc("reg-no-san"))?,
        no(INVALID_STATEMENT, "san_uri_mismatch"),
    )?;
    g.registration(
        "registration-sub-not-iss",
        "sub differs from iss",
        &sign(rsa, &set(&cc("reg-sub"), "sub", json!("https://client.example.org/apps/43")))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    g.registration(
        "registration-aud-wrong",
        "aud is the token endpoint, not the registration endpoint",
        &sign(rsa, &set(&cc("reg-aud"), "aud", json!(TOKEN_URL)))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    {
        let iat = now() - 30;
        g.registration(
            "registration-lifetime-301",
            "exp = iat + 301 s: over the IG's five-minute maximum",
            &sign(rsa, &set(&set(&cc("reg-301"), "iat", json!(iat)), "exp", json!(iat + 301)))?,
            no(INVALID_STATEMENT, "claim"),
        )?;
    }
    g.registration(
        "registration-expired",
        "the statement expired 10 minutes before the validation time",
        &sign(rsa, &set(&set(&cc("reg-expired"), "iat", json!(now() - 900)), "exp", json!(now() - 600)))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    g.registration(
        "registration-iat-in-future",
        "iat 5 minutes after the validation time (beyond the 60 s clock skew)",
        &sign(rsa, &set(&set(&cc("reg-iat-future"), "iat", json!(now() + 300)), "exp", json!(now() + 600)))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    g.registration(
        "registration-jti-missing",
        "no jti",
        &sign(rsa, &without(&cc("reg-jti"), "jti"))?,
        no(INVALID_STATEMENT, "claim"),
    )?;

    // Registration parameters.
    let params: Vec<(&str, &str, Value, Expected)> = vec![
        (
            "client-name-missing",
            "no client_name",
            without(&cc("reg-name"), "client_name"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-both",
            "grant_types has both authorization_code and client_credentials",
            set(&ac("reg-both"), "grant_types", json!([AC, CC])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-refresh-only",
            "grant_types [\"refresh_token\"] alone",
            set(&cc("reg-refresh"), "grant_types", json!(["refresh_token"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-cc-refresh",
            "grant_types [\"client_credentials\", \"refresh_token\"]: refresh_token only with authorization_code",
            set(&cc("reg-cc-refresh"), "grant_types", json!([CC, "refresh_token"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-unknown",
            "grant_types [\"password\"]",
            set(&cc("reg-password"), "grant_types", json!(["password"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-missing",
            "no grant_types",
            without(&cc("reg-no-grants"), "grant_types"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "redirect-uri-http",
            "authorization_code with an http redirect URI",
            set(&ac("reg-http-redirect"), "redirect_uris", json!(["http://client.example.org/apps/42/callback"])),
            no(INVALID_REDIRECT, "redirect_uri"),
        ),
        (
            "redirect-uris-missing",
            "authorization_code without redirect_uris",
            without(&ac("reg-no-redirect"), "redirect_uris"),
            no(INVALID_REDIRECT, "redirect_uri"),
        ),
        (
            "redirect-uris-with-cc",
            "client_credentials with redirect_uris (they SHALL be absent)",
            set(&cc("reg-cc-redirect"), "redirect_uris", json!([REDIRECT])),
            no(INVALID_REDIRECT, "redirect_uri"),
        ),
        (
            "response-types-wrong",
            "authorization_code with response_types [\"token\"]",
            set(&ac("reg-token-response"), "response_types", json!(["token"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "response-types-missing",
            "authorization_code without response_types",
            without(&ac("reg-no-response"), "response_types"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "response-types-with-cc",
            "client_credentials with response_types [\"code\"] (SHALL be omitted)",
            set(&cc("reg-cc-response"), "response_types", json!(["code"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "logo-uri-missing",
            "authorization_code without logo_uri",
            without(&ac("reg-no-logo"), "logo_uri"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "logo-uri-http",
            "authorization_code with an http logo_uri",
            set(&ac("reg-http-logo"), "logo_uri", json!("http://client.example.org/apps/42/logo.png")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "logo-uri-not-image",
            "authorization_code with an https logo_uri that is not a PNG, JPG or GIF file",
            set(&ac("reg-logo-html"), "logo_uri", json!("https://client.example.org/apps/42/logo.html")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "cc-logo-uri-http",
            "client_credentials with an http logo_uri: whenever present, logo_uri SHALL use https (IG §3.1)",
            set(&cc("reg-cc-http-logo"), "logo_uri", json!("http://client.example.org/apps/42/logo.png")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "contacts-without-mailto",
            "contacts has no mailto: URI",
            set(&cc("reg-contacts"), "contacts", json!(["https://client.example.org/support", "tel:+1-555-0100"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "contacts-missing",
            "no contacts",
            without(&cc("reg-no-contacts"), "contacts"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "auth-method-wrong",
            "token_endpoint_auth_method client_secret_basic",
            set(&cc("reg-auth-method"), "token_endpoint_auth_method", json!("client_secret_basic")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "auth-method-missing",
            "no token_endpoint_auth_method",
            without(&cc("reg-no-auth-method"), "token_endpoint_auth_method"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        ("scope-missing", "no scope", without(&cc("reg-scope"), "scope"), no(INVALID_METADATA, "client_metadata")),
    ];
    for (label, description, claims, e) in params {
        let token = sign(rsa, &claims)?;
        g.registration(&format!("registration-{label}"), description, &token, e)?;
    }

    // The request body.
    let token = sign(rsa, &cc("reg-udap-2"))?;
    g.registration_body(
        "registration-udap-not-1",
        "request body with udap \"2\"",
        &json!({"software_statement": token, "udap": "2"}),
        no(INVALID_METADATA, "client_metadata"),
    )?;
    let token = sign(rsa, &cc("reg-udap-missing"))?;
    g.registration_body(
        "registration-udap-missing",
        "request body without udap",
        &json!({"software_statement": token}),
        no(INVALID_METADATA, "client_metadata"),
    )?;
    g.registration_body(
        "registration-statement-missing",
        "request body without software_statement",
        &json!({"udap": "1", "client_name": "Example Client App"}),
        no(INVALID_STATEMENT, "claim"),
    )?;

    // Trust and signature.
    g.registration(
        "registration-untrusted-anchor",
        "x5c[0] carries the client URI but chains to a root no community trusts",
        &sign(g.leaf("client-untrusted"), &cc("reg-untrusted"))?,
        no(UNAPPROVED, "unknown_issuer"),
    )?;
    g.registration(
        "registration-cert-expired",
        "x5c[0] expired on 2026-01-01",
        &sign(g.leaf("client-expired"), &cc("reg-cert-expired"))?,
        no(UNAPPROVED, "expired"),
    )?;
    g.registration(
        "registration-cert-revoked",
        "x5c[0] is revoked by the FhirLabs intermediate's CRL",
        &sign(g.leaf("client-revoked"), &cc("reg-cert-revoked"))?,
        no(UNAPPROVED, "revoked"),
    )?;
    g.registration(
        "registration-bad-signature",
        "one bit of the signature flipped",
        &jws::flip_signature_bit(&sign(rsa, &cc("reg-bad-sig"))?)?,
        no(INVALID_STATEMENT, "bad_signature"),
    )?;
    g.registration(
        "registration-alg-none",
        "alg none, empty signature",
        &jws::unsecured(&jws::header("none", &rsa.chain), &cc("reg-none"))?,
        no(INVALID_STATEMENT, "alg_not_allowed"),
    )?;
    g.registration(
        "registration-x5c-leaf-not-first",
        "x5c = [intermediate, leaf], signed by the leaf's key",
        &sign_x5c(rsa, &[rsa.chain[1].clone(), rsa.chain[0].clone()], &cc("reg-leaf-not-first"))?,
        no(INVALID_STATEMENT, "bad_signature"),
    )?;
    Ok(())
}

fn metadata(g: &mut Gen<'_>) -> Result<()> {
    let server = g.leaf("server");
    let doc = |token: &str| metadata_document(Some(token));
    let claims = |label: &str| metadata_claims(label);

    g.metadata(
        "metadata-valid",
        "signed metadata (RS256) by the server certificate whose SAN URI is the base URL; endpoints match",
        &doc(&sign(server, &claims("md-valid"))?),
        None,
        ok(),
    )?;
    g.metadata(
        "metadata-valid-community",
        "the client asked for the FhirLabs community (?community=udap://fhirlabs.example)",
        &doc(&sign(server, &claims("md-valid-community"))?),
        Some(FHIRLABS),
        ok(),
    )?;
    {
        let c = claims("md-no-authz");
        let mut d = doc(&sign(server, &without(&c, "authorization_endpoint"))?);
        if let Some(obj) = d.as_object_mut() {
            obj.remove("authorization_endpoint");
        }
        g.metadata(
            "metadata-valid-without-authorization-endpoint",
            "no authorization_endpoint in either the document or the signed claims (client_credentials only)",
            &d,
            None,
            ok(),
        )?;
    }
    g.metadata(
        "metadata-es256",
        "signed ES256 by a P-256 server certificate: signed metadata SHALL be RS256",
        &doc(&sign(g.leaf("server-es256"), &claims("md-es256"))?),
        None,
        no(None, "alg_not_allowed"),
    )?;
    g.metadata(
        "metadata-iss-not-base-url",
        "iss = sub = https://fhir.example.org:443/r4, a SAN URI of the certificate but not the base URL",
        &doc(&sign(server, &set(&set(&claims("md-iss-alt"), "iss", json!(BASE_URL_ALT)), "sub", json!(BASE_URL_ALT)))?),
        None,
        no(None, "claim"),
    )?;
    g.metadata(
        "metadata-iss-not-san-uri",
        "iss = the base URL, but signed with a (trusted) client certificate whose SAN URI is not the base URL",
        &doc(&sign(g.leaf("client-rsa"), &claims("md-not-san"))?),
        None,
        no(None, "san_uri_mismatch"),
    )?;
    g.metadata(
        "metadata-sub-not-iss",
        "sub differs from iss",
        &doc(&sign(server, &set(&claims("md-sub"), "sub", json!(BASE_URL_ALT)))?),
        None,
        no(None, "claim"),
    )?;
    {
        let c = claims("md-365");
        let iat = c["iat"].as_u64().unwrap_or_default();
        g.metadata(
            "metadata-lifetime-365-days",
            "exp = iat + 365 days (2026-05-01 to 2027-05-01: one year)",
            &doc(&sign(server, &set(&c, "exp", json!(iat + 365 * 86_400)))?),
            None,
            ok(),
        )?;
        let c = claims("md-367");
        g.metadata(
            "metadata-lifetime-over-one-year",
            "exp = iat + 367 days: more than one year",
            &doc(&sign(server, &set(&c, "exp", json!(iat + 367 * 86_400)))?),
            None,
            no(None, "claim"),
        )?;
    }
    {
        let iat = trustpath_testgen::time::unix(2025, 5, 1, 0, 0, 0);
        g.metadata(
            "metadata-expired",
            "issued 2025-05-01, expired 2026-04-30",
            &doc(&sign(
                server,
                &set(&set(&claims("md-expired"), "iat", json!(iat)), "exp", json!(iat + 364 * 86_400)),
            )?),
            None,
            no(None, "claim"),
        )?;
    }
    g.metadata(
        "metadata-jti-missing",
        "no jti",
        &doc(&sign(server, &without(&claims("md-jti"), "jti"))?),
        None,
        no(None, "claim"),
    )?;
    {
        let mut d = doc(&sign(server, &claims("md-differs"))?);
        d["token_endpoint"] = json!("https://evil.example.net/oauth/token");
        g.metadata(
            "metadata-endpoint-differs",
            "the unsigned token_endpoint differs from the signed one",
            &d,
            None,
            no(None, "metadata_mismatch"),
        )?;
    }
    g.metadata(
        "metadata-authorization-endpoint-not-signed",
        "authorization_endpoint is in the unsigned document but not in the signed claims",
        &doc(&sign(server, &without(&claims("md-authz-unsigned"), "authorization_endpoint"))?),
        None,
        no(None, "metadata_mismatch"),
    )?;
    g.metadata(
        "metadata-registration-endpoint-not-signed",
        "registration_endpoint is in the unsigned document but not in the signed claims (a required signed claim)",
        &doc(&sign(server, &without(&claims("md-reg-unsigned"), "registration_endpoint"))?),
        None,
        no(None, "claim"),
    )?;
    g.metadata(
        "metadata-signed-metadata-missing",
        "the document has no signed_metadata",
        &metadata_document(None),
        None,
        no(None, "claim"),
    )?;
    g.metadata(
        "metadata-untrusted",
        "signed by a certificate under a root no community trusts",
        &doc(&sign(g.leaf("client-untrusted"), &claims("md-untrusted"))?),
        None,
        no(None, "unknown_issuer"),
    )?;
    g.metadata(
        "metadata-other-community-requested",
        "the client asked for the other community, but the metadata is signed with the FhirLabs certificate",
        &doc(&sign(server, &claims("md-other-community"))?),
        Some(OTHER),
        no(None, "unknown_issuer"),
    )?;
    g.metadata(
        "metadata-bad-signature",
        "one bit of the signature flipped",
        &doc(&jws::flip_signature_bit(&sign(server, &claims("md-bad-sig"))?)?),
        None,
        no(None, "bad_signature"),
    )?;
    g.metadata(
        "metadata-alg-none",
        "alg none, empty signature",
        &doc(&jws::unsecured(&jws::header("none", &server.chain), &claims("md-none"))?),
        None,
        no(None, "alg_not_allowed"),
    )?;
    Ok(())
}
