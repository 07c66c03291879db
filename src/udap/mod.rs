//! UDAP: certificate-backed client authentication and registration for FHIR (HL7 UDAP
//! Security IG STU2; UDAP.org JWT client authentication, dynamic client registration and
//! server metadata).
//!
//! - [`TokenEndpoint::verify_assertion`]: client assertions (flows B and C), with the
//!   registered client's URI bound to a SAN URI of `x5c[0]`, the anchor in the community the
//!   client registered with, `hl7-b2b` for client_credentials and replay detection keyed by
//!   (`iss`, `jti`) through a [`ReplayStore`]. [`TokenEndpoint::find_client`] finds the
//!   registration first, by the assertion's unverified `iss` ([`unverified_client_id`]).
//! - [`RegistrationEndpoint::verify_request`]: software statements (flow D), reporting the
//!   matched community and client URI; an empty `grant_types` is a cancellation.
//!   [`Registration::response`] is the RFC 7591 §3.2.1 answer.
//! - [`ReplayStore`], [`RegistrationStore`]: the state several server instances share, with
//!   in-memory implementations and, with feature `redis`, [`redis::RedisStore`].
//! - [`verify_signed_metadata`]: `/.well-known/udap` signed metadata, checked by clients, of a
//!   document read with [`parse_metadata_document`].
//! - [`build`]: the signing side's claims (sign with [`crate::jws::Signer`]).
//!
//! Every rejection is a [`UdapError`] whose [`UdapError::oauth_error`] is the code the spec
//! names, [`UdapError::http_status`] the status and [`UdapError::error_body`] the JSON body a
//! server returns.
//!
//! A server registers a client from its signed software statement (flow D), then authenticates
//! it at the token endpoint by its client assertion (flow B), on the bundled test community:
//!
//! ```
//! use trustpath::cert::parse_bundle;
//! use trustpath::jws::Signer;
//! use trustpath::revocation::{Crl, RevocationData};
//! use trustpath::udap::build::{self, SoftwareStatement, StatementGrant};
//! use trustpath::udap::{AssertionRequest, ClientRecord, GrantType, MemoryRegistrationStore, MemoryReplayCache};
//! use trustpath::udap::{RegisteredClient, RegistrationEndpoint, RegistrationRequest, RegistrationStore, TokenEndpoint};
//! use trustpath::{Certificate, Policy, TrustStore, Verifier};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! macro_rules! vector { ($name:literal) => { include_bytes!(concat!("../../test-vectors/udap/", $name)) } }
//! let now = trustpath::time::parse_rfc3339("2026-06-01T00:00:00Z")?;
//! let (register_url, token_url) = ("https://fhir.example.org/register", "https://fhir.example.org/token");
//!
//! // The server: one community, its CRLs (Policy::udap fails hard without them), two stores.
//! let mut store = TrustStore::new();
//! store.add_certificate("udap://fhirlabs.example", Certificate::from_pem(vector!("pki/fhirlabs/root.pem"))?);
//! let verifier = Verifier::new(store, Policy::udap());
//! let mut crls = RevocationData::new();
//! crls.add_crl(Crl::from_pem_or_der(vector!("pki/fhirlabs/root.crl"))?);
//! crls.add_crl(Crl::from_pem_or_der(vector!("pki/fhirlabs/intermediate.crl"))?);
//! let (registrations, replay) = (MemoryRegistrationStore::new(), MemoryReplayCache::default());
//!
//! // The client signs with its key; x5c carries its certificate and intermediate.
//! let chain = parse_bundle(vector!("certs/client-rsa-chain.pem"))?.certificates;
//! let client = Signer::from_pkcs8(vector!("keys/client-rsa.pem"), chain)?;
//! let statement = client.sign_json(
//!     &SoftwareStatement::new(
//!         "https://client.example.org/apps/42",
//!         register_url,
//!         "Example B2B Service",
//!         StatementGrant::ClientCredentials,
//!     )
//!     .with_contacts(["mailto:ops@client.example.org"])
//!     .with_scope("system/Patient.rs")
//!     .claims(now, "statement-1"),
//! )?;
//!
//! // POST /register: verify, store, answer (RFC 7591 §3.2.1).
//! let body = SoftwareStatement::request_body(&statement).to_string();
//! let request = RegistrationRequest::new(&body, now).revocation(&crls);
//! let registration = RegistrationEndpoint::new(register_url).verify_request(&verifier, &request, &replay)?;
//! // "client-1" is proposed; the store may keep an earlier client_id.
//! let registered = RegisteredClient::new("client-1", registration.client_uri(), registration.community());
//! let record = ClientRecord::new(registered, registration.grant().clone(), registration.scope());
//! let (client_id, _) = registrations.register(&record)?;
//! assert_eq!(registration.response(&client_id)["software_statement"], statement.as_str());
//!
//! // POST /token (client_credentials, so with the hl7-b2b extension): find the client by the
//! // assertion's unverified iss, then verify the assertion against that registration.
//! let b2b = build::B2bExtension::new(
//!     "urn:oid:2.16.840.1.113883.4.6#1234567890",
//!     ["urn:oid:2.16.840.1.113883.5.8#TREAT"],
//! );
//! let claims = build::client_assertion_claims(&client_id, token_url, now, "assertion-1", Some(&b2b));
//! let assertion = client.sign_json(&claims)?;
//! let token = TokenEndpoint::new(token_url);
//! let found = token.find_client(&assertion, None, &registrations)?;
//! let request = AssertionRequest::new(&assertion, GrantType::ClientCredentials, &found.client, now).revocation(&crls);
//! let verified = token.verify_assertion(&verifier, &request, &replay)?;
//! assert_eq!(verified.b2b().map(|b| b.organization_id.as_str()), Some(b2b.organization_id.as_str()));
//!
//! // The same assertion again is a replay: refused, with the OAuth error and status to send.
//! let replayed = token.verify_assertion(&verifier, &request, &replay).unwrap_err();
//! assert_eq!((replayed.oauth_error(), replayed.http_status()), (Some("invalid_client"), 401));
//! # Ok(()) }
//! ```
//!
//! Signatures are verified with `x5c[0]`'s key only; other `x5c` entries are untrusted
//! intermediates, never anchors. URIs compare exactly (IG §7.1.5), and a client URI or base URL
//! must also be a URI whose host no parser reads differently ([`crate::uri::check_identity`]).
//! Unsigned JSON (request bodies, metadata documents) is read by [`crate::json`]: a duplicate
//! member is refused.

mod assertion;
pub mod build;
mod claims;
mod error;
mod metadata;
#[cfg(feature = "redis")]
pub mod redis;
mod registration;
mod store;

pub use assertion::{
    AssertionRequest, GrantType, MAX_ASSERTION_LIFETIME, RegisteredClient, TokenEndpoint, VerifiedAssertion,
    unverified_client_id,
};
pub use error::{Endpoint, OAuthError, UdapError, UdapErrorKind, is_description_char};
pub use metadata::{
    MAX_METADATA_LIFETIME, MetadataCheck, VerifiedMetadata, parse_metadata_document, verify_signed_metadata,
};
pub use registration::{
    MAX_SOFTWARE_STATEMENT_LIFETIME, Registration, RegistrationEndpoint, RegistrationGrant, RegistrationRequest,
    StatementRequest,
};
pub use store::{
    ClientRecord, MemoryRegistrationStore, MemoryReplayCache, Registered, RegistrationStore, ReplayStore, StoreError,
};
