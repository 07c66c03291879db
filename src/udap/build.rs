//! The client side (and the server's metadata side): claims for client assertions, software
//! statements and signed metadata, with lifetimes inside the IG's limits and a fresh `jti`
//! from the caller's random number generator. Sign them with [`crate::jws::Signer`].

use base64ct::{Base64UrlUnpadded, Encoding};
use rustls_pki_types::UnixTime;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::assertion::MAX_ASSERTION_LIFETIME;
use super::registration::MAX_SOFTWARE_STATEMENT_LIFETIME;

/// Lifetime given to signed metadata: one year (365 days).
pub const METADATA_LIFETIME: u64 = 365 * 86_400;

/// A fresh JWT ID: 16 bytes from `rng`, base64url.
pub fn new_jti<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    Base64UrlUnpadded::encode_string(&bytes)
}

/// The B2B Authorization Extension Object (`extensions.hl7-b2b`, IG §5.2.1.1): built by a
/// client ([`Self::to_json`]), read by a server ([`crate::udap::VerifiedAssertion::b2b`], or
/// serde from any JSON). `version` is always "1": written by `to_json`, checked by the token
/// endpoint, not kept here. Unknown members are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct B2bExtension {
    /// The requesting organization, as a URI (e.g. `urn:oid:2.16.840.1.113883.4.6#1234567890`).
    pub organization_id: String,
    /// Its name, optional.
    #[serde(default)]
    pub organization_name: Option<String>,
    /// Purposes of use (at least one), e.g. `urn:oid:2.16.840.1.113883.5.8#TREAT`.
    pub purpose_of_use: Vec<String>,
    /// The human requester's name, if known.
    #[serde(default)]
    pub subject_name: Option<String>,
    /// The human requester's identifier, if known.
    #[serde(default)]
    pub subject_id: Option<String>,
    /// The human requester's role, if known.
    #[serde(default)]
    pub subject_role: Option<String>,
    /// Consent policies (URIs).
    #[serde(default)]
    pub consent_policy: Vec<String>,
    /// Consent references (absolute URLs); only with `consent_policy`.
    #[serde(default)]
    pub consent_reference: Vec<String>,
}

impl B2bExtension {
    /// The extension of `organization_id` asking for `purpose_of_use`; the optional members
    /// are empty (set the fields to fill them in).
    pub fn new(
        organization_id: impl Into<String>,
        purpose_of_use: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        B2bExtension {
            organization_id: organization_id.into(),
            purpose_of_use: purpose_of_use.into_iter().map(Into::into).collect(),
            ..B2bExtension::default()
        }
    }

    /// The JSON object.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("version".into(), json!("1"));
        m.insert("organization_id".into(), json!(self.organization_id));
        m.insert("purpose_of_use".into(), json!(self.purpose_of_use));
        let optional = [
            ("organization_name", &self.organization_name),
            ("subject_name", &self.subject_name),
            ("subject_id", &self.subject_id),
            ("subject_role", &self.subject_role),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                m.insert(k.into(), json!(v));
            }
        }
        if !self.consent_policy.is_empty() {
            m.insert("consent_policy".into(), json!(self.consent_policy));
            if !self.consent_reference.is_empty() {
                m.insert("consent_reference".into(), json!(self.consent_reference));
            }
        }
        Value::Object(m)
    }
}

/// Claims of a client assertion for the token endpoint (IG §4.2.1 / §5.2.1): `iss` = `sub` =
/// `client_id`, `aud` = the token endpoint URL, a five-minute lifetime, and `hl7-b2b` when
/// given (required for client_credentials).
pub fn client_assertion_claims(
    client_id: &str,
    token_url: &str,
    now: UnixTime,
    jti: &str,
    b2b: Option<&B2bExtension>,
) -> Value {
    let iat = now.as_secs();
    let mut claims = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": iat,
        "exp": iat + MAX_ASSERTION_LIFETIME,
        "jti": jti,
    });
    if let (Some(b2b), Some(obj)) = (b2b, claims.as_object_mut()) {
        obj.insert("extensions".into(), json!({ "hl7-b2b": b2b.to_json() }));
    }
    claims
}

/// What a client registers for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementGrant {
    /// authorization_code, with its redirect URIs and logo (both https).
    AuthorizationCode {
        /// Redirect URIs.
        redirect_uris: Vec<String>,
        /// Logo URL (PNG, JPG or GIF).
        logo_uri: String,
        /// Also ask for refresh tokens.
        refresh_token: bool,
    },
    /// client_credentials.
    ClientCredentials,
    /// Cancel an existing registration (empty `grant_types`).
    Cancel,
}

/// A software statement (IG §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SoftwareStatement {
    /// The client URI: a SAN URI of the signing certificate; becomes `iss` and `sub`.
    pub client_uri: String,
    /// The registration endpoint URL (`aud`).
    pub registration_url: String,
    /// `client_name`.
    pub client_name: String,
    /// The grant.
    pub grant: StatementGrant,
    /// `contacts` (at least one `mailto:`).
    pub contacts: Vec<String>,
    /// `scope` (space-separated).
    pub scope: String,
}

impl SoftwareStatement {
    /// The statement of the client `client_uri`, named `client_name`, for `grant` at the
    /// registration endpoint `registration_url`; without contacts or scope until
    /// [`Self::with_contacts`] and [`Self::with_scope`] give them (the IG requires a contact).
    pub fn new(
        client_uri: impl Into<String>,
        registration_url: impl Into<String>,
        client_name: impl Into<String>,
        grant: StatementGrant,
    ) -> Self {
        SoftwareStatement {
            client_uri: client_uri.into(),
            registration_url: registration_url.into(),
            client_name: client_name.into(),
            grant,
            contacts: Vec::new(),
            scope: String::new(),
        }
    }

    /// With `contacts` (URIs, at least one `mailto:`).
    #[must_use]
    pub fn with_contacts(mut self, contacts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.contacts = contacts.into_iter().map(Into::into).collect();
        self
    }

    /// With `scope` (space-separated).
    #[must_use]
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// The claims, issued at `now` with a five-minute lifetime.
    pub fn claims(&self, now: UnixTime, jti: &str) -> Value {
        let iat = now.as_secs();
        let mut c = json!({
            "iss": self.client_uri,
            "sub": self.client_uri,
            "aud": self.registration_url,
            "iat": iat,
            "exp": iat + MAX_SOFTWARE_STATEMENT_LIFETIME,
            "jti": jti,
            "client_name": self.client_name,
            "contacts": self.contacts,
            "token_endpoint_auth_method": "private_key_jwt",
            "scope": self.scope,
        });
        let Some(obj) = c.as_object_mut() else { return c };
        match &self.grant {
            StatementGrant::AuthorizationCode { redirect_uris, logo_uri, refresh_token } => {
                let grants: &[&str] =
                    if *refresh_token { &["authorization_code", "refresh_token"] } else { &["authorization_code"] };
                obj.insert("grant_types".into(), json!(grants));
                obj.insert("redirect_uris".into(), json!(redirect_uris));
                obj.insert("response_types".into(), json!(["code"]));
                obj.insert("logo_uri".into(), json!(logo_uri));
            }
            StatementGrant::ClientCredentials => {
                obj.insert("grant_types".into(), json!(["client_credentials"]));
            }
            StatementGrant::Cancel => {
                obj.insert("grant_types".into(), json!([]));
            }
        }
        c
    }

    /// The registration request body around a signed statement.
    pub fn request_body(signed_statement: &str) -> Value {
        json!({ "software_statement": signed_statement, "udap": "1" })
    }
}

/// A UDAP server's endpoints, for its `/.well-known/udap` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMetadata {
    /// The FHIR base URL: a SAN URI of the metadata-signing certificate; `iss` and `sub`.
    pub base_url: String,
    /// The authorization endpoint, if authorization_code is supported.
    pub authorization_endpoint: Option<String>,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The registration endpoint.
    pub registration_endpoint: String,
}

impl ServerMetadata {
    /// The `signed_metadata` claims, valid for one year from `now`.
    pub fn signed_claims(&self, now: UnixTime, jti: &str) -> Value {
        let iat = now.as_secs();
        let mut c = json!({
            "iss": self.base_url,
            "sub": self.base_url,
            "iat": iat,
            "exp": iat + METADATA_LIFETIME,
            "jti": jti,
            "token_endpoint": self.token_endpoint,
            "registration_endpoint": self.registration_endpoint,
        });
        if let (Some(a), Some(obj)) = (&self.authorization_endpoint, c.as_object_mut()) {
            obj.insert("authorization_endpoint".into(), json!(a));
        }
        c
    }

    /// The metadata document (IG §2.2) carrying `signed_metadata`.
    pub fn document(&self, signed_metadata: &str) -> Value {
        let code = self.authorization_endpoint.is_some();
        let mut grants = vec!["client_credentials"];
        let mut profiles = vec!["udap_dcr", "udap_authn", "udap_authz"];
        if code {
            grants.extend(["authorization_code", "refresh_token"]);
            profiles.push("udap_to");
        }
        let mut d = json!({
            "udap_versions_supported": ["1"],
            "udap_profiles_supported": profiles,
            "udap_authorization_extensions_supported": ["hl7-b2b"],
            "udap_authorization_extensions_required": ["hl7-b2b"],
            "udap_certifications_supported": [],
            "grant_types_supported": grants,
            "scopes_supported": ["openid", "system/*.rs", "user/*.rs", "patient/*.rs"],
            "token_endpoint": self.token_endpoint,
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256", "RS384", "ES384"],
            "registration_endpoint": self.registration_endpoint,
            "registration_endpoint_jwt_signing_alg_values_supported": ["RS256", "ES256", "RS384", "ES384"],
            "signed_metadata": signed_metadata,
        });
        if let (Some(a), Some(obj)) = (&self.authorization_endpoint, d.as_object_mut()) {
            obj.insert("authorization_endpoint".into(), json!(a));
        }
        d
    }
}
