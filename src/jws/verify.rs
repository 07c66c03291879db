//! Verification of a JWS signed by the key of an `x5c` certificate that must chain to an
//! anchor of the [`Verifier`]'s trust store.
//!
//! Order (cheap and key-free first, claims last): size and structure, header JSON, `crit`,
//! `alg` against the allow-list, `x5c` bounds and decoding, the key of `x5c[0]` fitting `alg`,
//! the signature, the certificate path of `x5c[0]` (the rest of `x5c` only as untrusted
//! intermediates), and finally the payload as a JSON object.

use std::sync::Arc;

use rustls_pki_types::UnixTime;
use serde_json::{Map, Value};

use super::alg::{AlgorithmSet, JwsAlgorithm};
use super::compact::{Jws, Limits, parse_claims};
use super::error::JwsError;
use super::header::Header;
use super::header_cache::HeaderCache;
use crate::cert::Certificate;
use crate::revocation::RevocationData;
use crate::verifier::{ExpectedName, ValidationInput, VerifiedPath, Verifier};

/// A JWS whose signature verified with the key of `x5c[0]`, whose `x5c[0]` validated to a
/// trust anchor, and whose payload is a JSON object.
#[derive(Debug, Clone)]
pub struct VerifiedJws {
    header: Arc<Header>,
    algorithm: JwsAlgorithm,
    payload: Vec<u8>,
    claims: Map<String, Value>,
    path: VerifiedPath,
}

impl VerifiedJws {
    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The algorithm the signature was verified with.
    pub fn algorithm(&self) -> JwsAlgorithm {
        self.algorithm
    }

    /// The payload bytes.
    pub fn payload_bytes(&self) -> &[u8] {
        &self.payload
    }

    /// The payload's JSON members (JWT claims). Claim semantics (`exp`, `aud`, ...) are the
    /// caller's to check.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The validated certification path of the signer (`x5c[0]`).
    pub fn path(&self) -> &VerifiedPath {
        &self.path
    }

    /// The signer's certificate (`x5c[0]`).
    pub fn signer(&self) -> &Certificate {
        self.path.leaf()
    }

    /// Takes the claims and the path.
    pub fn into_parts(self) -> (Map<String, Value>, VerifiedPath) {
        (self.claims, self.path)
    }
}

/// Per-request options for validating the `x5c` signer's certificate path.
#[derive(Debug, Clone, Default)]
pub struct X5cOptions<'r> {
    community: Option<&'r str>,
    expected_names: Vec<ExpectedName>,
    revocation: Option<&'r RevocationData>,
    header_cache: Option<&'r HeaderCache>,
}

impl<'r> X5cOptions<'r> {
    /// No community restriction, no expected name, no revocation data.
    pub fn new() -> Self {
        X5cOptions::default()
    }

    /// Only accept paths ending at an anchor of this trust community.
    pub fn community(mut self, community: &'r str) -> Self {
        self.community = Some(community);
        self
    }

    /// A name the signer's certificate must carry; call again to require several.
    pub fn expect_name(mut self, name: ExpectedName) -> Self {
        self.expected_names.push(name);
        self
    }

    /// CRLs and OCSP responses for the revocation check the verifier's policy asks for.
    pub fn revocation(mut self, data: &'r RevocationData) -> Self {
        self.revocation = Some(data);
        self
    }

    /// Reuse parsed protected headers from `cache` (a returning signer's header, with its
    /// `x5c` certificates, is then not decoded again); see [`HeaderCache`].
    pub fn header_cache(mut self, cache: &'r HeaderCache) -> Self {
        self.header_cache = Some(cache);
        self
    }
}

impl Jws {
    /// Verifies this JWS with the key of `x5c[0]`, then validates `x5c[0]` with `verifier` at
    /// `time` under `options`, offering `x5c[1..]` as untrusted intermediates (the trust store
    /// alone supplies anchors), then reads the payload as a JSON object.
    pub fn verify_x5c(
        self,
        allowed: &AlgorithmSet,
        verifier: &Verifier,
        time: UnixTime,
        options: &X5cOptions<'_>,
    ) -> Result<VerifiedJws, JwsError> {
        let Some((signer, intermediates)) = self.x5c().split_first() else { return Err(JwsError::X5cMissing) };
        let algorithm = self.verify_with_key(allowed, signer.public_key_algorithm_id(), signer.public_key())?;
        let mut input = ValidationInput::new(signer, time).intermediates(intermediates);
        if let Some(community) = options.community {
            input = input.community(community);
        }
        if let Some(data) = options.revocation {
            input = input.revocation(data);
        }
        for name in &options.expected_names {
            input = input.expect_name(name.clone());
        }
        let path = verifier.verify(&input).map_err(JwsError::CertificatePath)?;
        let claims = parse_claims(self.payload_bytes(), self.limits())?;
        let (header, payload) = self.into_header_and_payload();
        Ok(VerifiedJws { header, algorithm, payload, claims, path })
    }
}

/// Parses `token` with the default [`Limits`] and verifies it with [`Jws::verify_x5c`]:
/// the `alg` allow-list is applied before `x5c` is decoded, the signature is checked with the
/// key of `x5c[0]` only, and `x5c[0]` must validate to an anchor of `verifier`'s trust store
/// (the other `x5c` entries are never anchors).
pub fn verify_x5c(
    token: &str,
    allowed: &AlgorithmSet,
    verifier: &Verifier,
    time: UnixTime,
    options: &X5cOptions<'_>,
) -> Result<VerifiedJws, JwsError> {
    verify_x5c_with_limits(token, Limits::default(), allowed, verifier, time, options)
}

/// [`verify_x5c`] with explicit [`Limits`].
pub fn verify_x5c_with_limits(
    token: &str,
    limits: Limits,
    allowed: &AlgorithmSet,
    verifier: &Verifier,
    time: UnixTime,
    options: &X5cOptions<'_>,
) -> Result<VerifiedJws, JwsError> {
    Jws::parse_inner(token, limits, Some(allowed), options.header_cache)?.verify_x5c(allowed, verifier, time, options)
}
