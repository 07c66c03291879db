//! Certificate, CRL and OCSP signatures on the path (RFC 5280 §6.1.3 (a)(1), §6.3.3 (g)):
//! the algorithm policy first, then the verifier's signature cache, then the check itself, each
//! check spending the validation's budget.

use super::Search;
use crate::crypto::cache::{Lookup, SignedData};
use crate::crypto::rustcrypto;
use crate::error::{Reason, ValidationError};

impl Search<'_, '_> {
    /// Verifies a signature under the algorithm policy, spending one unit of the signature
    /// budget (the outer `Err`, which ends the search). The policy is applied before the
    /// cache is consulted, and only successes are cached. A signature BIT STRING with unused
    /// bits is a bad signature: no algorithm signs a fraction of an octet.
    pub(crate) fn verify_signature(&mut self, data: &SignedData<'_>) -> Result<Result<(), Reason>, ValidationError> {
        self.budget.signature()?;
        let algorithm = match self.policy.algorithms.select(&data.key, data.signature_algorithm) {
            Ok(a) => a,
            Err(reason) => return Ok(Err(reason)),
        };
        if data.signature_unused_bits != 0 {
            return Ok(Err(Reason::BadSignature));
        }
        let fingerprint = match self.budget.cache().map(|cache| cache.lookup(data)) {
            Some(Lookup::Verified) => return Ok(Ok(())),
            Some(Lookup::Unknown(fingerprint)) => Some(fingerprint),
            None => None,
        };
        let prehashed = data
            .remembered_sha256()
            .and_then(|digest| rustcrypto::verify_sha256_prehashed(algorithm, data.key.key, digest, data.signature));
        let verified = match prehashed {
            Some(result) => result,
            None => algorithm.verify_signature(data.key.key, data.message, data.signature),
        }
        .map_err(|_| Reason::BadSignature);
        if let (Ok(()), Some(cache), Some(fp)) = (&verified, self.budget.cache(), fingerprint) {
            cache.insert(fp);
        }
        Ok(verified)
    }
}
