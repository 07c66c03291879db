//! Handshake signatures (TLS 1.2 ServerKeyExchange / CertificateVerify, TLS 1.3
//! CertificateVerify), verified with the peer certificate's key through the policy's
//! signature algorithms: the same `SignatureVerificationAlgorithm`s that check certificate
//! signatures, with the same key checks (RSA size, allowed curves).

use rustls::client::danger::HandshakeSignatureValid;
use rustls::{CertificateError, DigitallySignedStruct, Error, PeerMisbehaved, SignatureScheme};
use rustls_pki_types::{AlgorithmIdentifier, CertificateDer, alg_id};

use crate::cert::Certificate;
use crate::crypto::AlgorithmPolicy;
use crate::error::{Reason, ValidationError};

type Pair = (AlgorithmIdentifier, AlgorithmIdentifier);

/// Schemes in order of preference, with the (public key, signature) algorithm pairs each maps
/// to in TLS 1.3. TLS 1.2 adds the pairs of [`TLS12_EXTRA`].
const SCHEMES: &[(SignatureScheme, &[Pair])] = &[
    (SignatureScheme::ECDSA_NISTP384_SHA384, &[(alg_id::ECDSA_P384, alg_id::ECDSA_SHA384)]),
    (SignatureScheme::ECDSA_NISTP256_SHA256, &[(alg_id::ECDSA_P256, alg_id::ECDSA_SHA256)]),
    (SignatureScheme::ECDSA_NISTP521_SHA512, &[(alg_id::ECDSA_P521, alg_id::ECDSA_SHA512)]),
    (SignatureScheme::ED25519, &[(alg_id::ED25519, alg_id::ED25519)]),
    (SignatureScheme::ED448, &[(alg_id::ED448, alg_id::ED448)]),
    (SignatureScheme::RSA_PSS_SHA512, &[(alg_id::RSA_ENCRYPTION, alg_id::RSA_PSS_SHA512)]),
    (SignatureScheme::RSA_PSS_SHA384, &[(alg_id::RSA_ENCRYPTION, alg_id::RSA_PSS_SHA384)]),
    (SignatureScheme::RSA_PSS_SHA256, &[(alg_id::RSA_ENCRYPTION, alg_id::RSA_PSS_SHA256)]),
];

/// TLS 1.2 only: PKCS#1 v1.5, and ECDSA schemes not bound to a curve (RFC 5246 §7.4.1.4.1).
const TLS12_EXTRA: &[(SignatureScheme, &[Pair])] = &[
    (SignatureScheme::ECDSA_NISTP384_SHA384, &[(alg_id::ECDSA_P256, alg_id::ECDSA_SHA384)]),
    (SignatureScheme::ECDSA_NISTP256_SHA256, &[(alg_id::ECDSA_P384, alg_id::ECDSA_SHA256)]),
    (SignatureScheme::RSA_PKCS1_SHA512, &[(alg_id::RSA_ENCRYPTION, alg_id::RSA_PKCS1_SHA512)]),
    (SignatureScheme::RSA_PKCS1_SHA384, &[(alg_id::RSA_ENCRYPTION, alg_id::RSA_PKCS1_SHA384)]),
    (SignatureScheme::RSA_PKCS1_SHA256, &[(alg_id::RSA_ENCRYPTION, alg_id::RSA_PKCS1_SHA256)]),
];

fn candidates(scheme: SignatureScheme, tls13: bool) -> impl Iterator<Item = &'static Pair> {
    let extra: &'static [(SignatureScheme, &'static [Pair])] = if tls13 { &[] } else { TLS12_EXTRA };
    SCHEMES.iter().chain(extra).filter(move |(s, _)| *s == scheme).flat_map(|(_, pairs)| pairs.iter())
}

fn allowed(policy: &AlgorithmPolicy, (key, sig): &Pair) -> bool {
    policy.algorithms().iter().any(|a| a.public_key_alg_id() == *key && a.signature_alg_id() == *sig)
}

/// The TLS signature schemes `policy` can verify (TLS 1.2 and 1.3 together), most preferred
/// first: what a verifier's `supported_verify_schemes` returns.
pub fn handshake_schemes(policy: &AlgorithmPolicy) -> Vec<SignatureScheme> {
    let mut out = Vec::new();
    for (scheme, pairs) in SCHEMES.iter().chain(TLS12_EXTRA) {
        if !out.contains(scheme) && pairs.iter().any(|p| allowed(policy, p)) {
            out.push(*scheme);
        }
    }
    // PKCS#1 schemes after every other: list order is preference order.
    out
}

/// Verifies a handshake signature made with `cert`'s key, through `policy`'s algorithms.
/// `tls13` selects TLS 1.3 rules: no PKCS#1 v1.5, ECDSA bound to the curve of the scheme.
///
/// Errors follow rustls' own verifier: a scheme the policy cannot verify is
/// `PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme`, a scheme that does not fit the
/// key `UnsupportedSignatureAlgorithmForPublicKeyContext`, a key the policy refuses (e.g. RSA
/// below the minimum size) `Other(ValidationError)`, a wrong signature `BadSignature`.
pub fn verify_handshake_signature(
    policy: &AlgorithmPolicy,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
    tls13: bool,
) -> Result<HandshakeSignatureValid, Error> {
    let pairs: Vec<&Pair> = candidates(dss.scheme, tls13).filter(|p| allowed(policy, p)).collect();
    let Some(first) = pairs.first() else {
        return Err(Error::PeerMisbehaved(PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme));
    };
    let leaf = Certificate::from_der(cert.as_ref().to_vec())
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let key_alg = leaf.public_key_algorithm_id();
    let Some((_, sig_alg)) = pairs.iter().find(|(key, _)| key.as_ref() == key_alg) else {
        return Err(Error::InvalidCertificate(CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext {
            signature_algorithm_id: first.1.as_ref().to_vec(),
            public_key_algorithm_id: key_alg.to_vec(),
        }));
    };
    match policy.verify(key_alg, leaf.public_key(), sig_alg.as_ref(), message, dss.signature()) {
        Ok(()) => Ok(HandshakeSignatureValid::assertion()),
        Err(Reason::BadSignature) => Err(Error::InvalidCertificate(CertificateError::BadSignature)),
        Err(reason) => {
            let error = ValidationError::new(reason, Some(0)).with_subject(leaf.subject_string());
            Err(super::errors::to_rustls_error(error))
        }
    }
}
