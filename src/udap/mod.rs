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
