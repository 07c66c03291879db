//! The work of one validation: counted against the policy's [`Budget`], with signature checks
//! answered from the verifier's [`SignatureCache`] when it has one.

use crate::crypto::cache::{Lookup, SignatureCache, SignedData};
use crate::crypto::{AlgorithmPolicy, rustcrypto};
use crate::error::{BudgetKind, Reason, ValidationError};
use crate::policy::Budget;

/// What is left of a [`Budget`] during one validation, and the signature cache to use.
#[derive(Debug, Clone)]
pub(crate) struct BudgetCounter<'c> {
    left: Budget,
    cache: Option<&'c SignatureCache>,
}

fn spend(left: &mut usize, kind: BudgetKind, amount: usize) -> Result<(), ValidationError> {
    match left.checked_sub(amount) {
        Some(rest) => {
            *left = rest;
            Ok(())
        }
        None => {
            *left = 0;
            Err(ValidationError::new(Reason::BudgetExceeded(kind), None))
        }
    }
}

impl<'c> BudgetCounter<'c> {
    pub(crate) fn new(budget: Budget, cache: Option<&'c SignatureCache>) -> Self {
        BudgetCounter { left: budget, cache }
    }

    pub(crate) fn build_step(&mut self) -> Result<(), ValidationError> {
        spend(&mut self.left.build_steps, BudgetKind::BuildSteps, 1)
    }

    pub(crate) fn name_constraint_comparisons(&mut self, n: usize) -> Result<(), Reason> {
        spend(&mut self.left.name_constraint_comparisons, BudgetKind::NameConstraintComparisons, n)
            .map_err(|e| e.reason().clone())
    }

    /// Verifies a signature under the algorithm policy, spending one unit of the signature
    /// budget (the outer `Err`, which ends the search). The policy is applied before the
    /// cache is consulted, and only successes are cached. A signature BIT STRING with unused
    /// bits is a bad signature: no algorithm signs a fraction of an octet.
    pub(crate) fn verify_signature(
        &mut self,
        algorithms: &AlgorithmPolicy,
        data: &SignedData<'_>,
    ) -> Result<Result<(), Reason>, ValidationError> {
        spend(&mut self.left.signatures, BudgetKind::Signatures, 1)?;
        let algorithm = match algorithms.select(&data.key, data.signature_algorithm) {
            Ok(a) => a,
            Err(reason) => return Ok(Err(reason)),
        };
        if data.signature_unused_bits != 0 {
            return Ok(Err(Reason::BadSignature));
        }
        let fingerprint = match self.cache.map(|cache| cache.lookup(data)) {
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
        if let (Ok(()), Some(cache), Some(fp)) = (&verified, self.cache, fingerprint) {
            cache.insert(fp);
        }
        Ok(verified)
    }
}
