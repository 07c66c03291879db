//! Signed server metadata (`signed_metadata` in `/.well-known/udap`), checked by clients:
//! UDAP Server Metadata §3 and IG §2.3.
//!
//! Read the unsigned document with [`parse_metadata_document`], which refuses duplicate
//! members: a document whose `token_endpoint` is given twice reads differently to a reader
//! that keeps the first value than to one that keeps the last.
//!
//! Checked: RS256 only; `x5c[0]`'s path to an anchor the client trusts; `iss` = `sub` = the
//! FHIR server's base URL, which must be a SAN URI of `x5c[0]` (and a URI that can serve as an
//! identity); `exp ≤ iat + 1 year`, unexpired, `iat` not in the future; `jti` present; every
//! endpoint in the unsigned document (`authorization_endpoint`, `token_endpoint`,
//! `registration_endpoint`) equals the signed one, and the signed claims include the token and
//! registration endpoints.

use rustls_pki_types::UnixTime;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::claims::{self, Lifetime, claim_error};
use super::error::{Endpoint, UdapError, UdapErrorKind};
use crate::json::{self, JsonError};
use crate::jws::{self, AlgorithmSet, JwsAlgorithm, X5cOptions};
use crate::revocation::RevocationData;
use crate::verifier::{VerifiedPath, Verifier};

/// Largest signed metadata lifetime: one year, leap day included (366 days), in seconds.
pub const MAX_METADATA_LIFETIME: u64 = 366 * 86_400;

/// The endpoints whose signed values take precedence over the unsigned ones.
const ENDPOINTS: [&str; 3] = ["authorization_endpoint", "token_endpoint", "registration_endpoint"];

/// Signed metadata that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedMetadata {
    claims: Map<String, Value>,
    path: VerifiedPath,
}

impl VerifiedMetadata {
    /// The signed claims (they take precedence over the unsigned document).
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The signed claims read into `T` (serde).
    pub fn claims_as<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.claims)
    }

    /// The server certificate's validated path.
    pub fn path(&self) -> &VerifiedPath {
        &self.path
    }

    /// A signed endpoint URL (`token_endpoint`, ...).
    pub fn endpoint(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// Options of a signed-metadata check.
#[derive(Debug, Clone)]
pub struct MetadataCheck<'a> {
    /// Only trust anchors of this community (the one the client asked for with `?community=`).
    pub community: Option<&'a str>,
    /// CRLs and OCSP responses for the server certificate's path.
    pub revocation: Option<&'a RevocationData>,
    /// Allowed clock difference, in seconds (default 60, as for the token and registration
    /// endpoints).
    pub clock_skew: u64,
}

impl Default for MetadataCheck<'_> {
    fn default() -> Self {
        MetadataCheck { community: None, revocation: None, clock_skew: 60 }
    }
}

/// Reads a `/.well-known/udap` document as received (JSON bytes) for
/// [`verify_signed_metadata`]: a JSON object without duplicate members at any depth
/// ([`UdapErrorKind::DuplicateMember`]). A document parsed by `serde_json` into a `Value` has
/// already lost its duplicates (the last value wins), so read it here.
pub fn parse_metadata_document(bytes: &[u8]) -> Result<Value, UdapError> {
    json::parse_object(bytes, json::DEFAULT_MAX_ENTRIES).map(Value::Object).map_err(|e| {
        let kind = match e {
            JsonError::DuplicateMember(name) => UdapErrorKind::DuplicateMember { document: "metadata document", name },
            JsonError::NotAnObject => {
                UdapErrorKind::MetadataMismatch("the metadata document is not a JSON object".into())
            }
            other => UdapErrorKind::MetadataMismatch(format!("the metadata document is not JSON: {other}")),
        };
        UdapError::new(Endpoint::Metadata, kind)
    })
}

/// Verifies the `signed_metadata` of a `/.well-known/udap` document (the whole JSON object,
/// read with [`parse_metadata_document`]) for the FHIR server at `base_url`.
pub fn verify_signed_metadata(
    document: &Value,
    base_url: &str,
    verifier: &Verifier,
    time: UnixTime,
    check: &MetadataCheck<'_>,
) -> Result<VerifiedMetadata, UdapError> {
    let endpoint = Endpoint::Metadata;
    let mismatch = |m: String| UdapError::new(endpoint, UdapErrorKind::MetadataMismatch(m));
    let document = document.as_object().ok_or_else(|| mismatch("the metadata document is not a JSON object".into()))?;
    let token = document
        .get("signed_metadata")
        .and_then(Value::as_str)
        .ok_or_else(|| claim_error(endpoint, "signed_metadata", "missing or not a string"))?;
    let mut options = X5cOptions::new();
    if let Some(c) = check.community {
        options = options.community(c);
    }
    if let Some(data) = check.revocation {
        options = options.revocation(data);
    }
    let rs256 = AlgorithmSet::new(&[JwsAlgorithm::Rs256]);
    let verified =
        jws::verify_x5c(token, &rs256, verifier, time, &options).map_err(|e| UdapError::from_jws(endpoint, e))?;
    let (claims, path) = verified.into_parts();

    let iss = claims::string(&claims, "iss", endpoint)?;
    if iss != base_url {
        return Err(claim_error(endpoint, "iss", format!("must equal the server's base URL {base_url:?}")));
    }
    claims::bind_san_uri(path.leaf(), iss, endpoint)?;
    if claims::string(&claims, "sub", endpoint)? != iss {
        return Err(claim_error(endpoint, "sub", "must equal iss"));
    }
    let lifetime = Lifetime { max: MAX_METADATA_LIFETIME, skew: check.clock_skew };
    claims::times(&claims, time.as_secs(), lifetime, endpoint)?;
    claims::string(&claims, "jti", endpoint)?;
    for name in ["token_endpoint", "registration_endpoint"] {
        claims::string(&claims, name, endpoint)?;
    }
    for name in ENDPOINTS {
        match (document.get(name), claims.get(name)) {
            (Some(unsigned), Some(signed)) if unsigned == signed => {}
            (Some(_), Some(_)) => return Err(mismatch(format!("{name} differs from the signed value"))),
            (Some(_), None) => return Err(mismatch(format!("{name} is not in the signed metadata"))),
            (None, _) => {}
        }
    }
    Ok(VerifiedMetadata { claims, path })
}
