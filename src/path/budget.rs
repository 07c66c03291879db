//! The work of one validation, counted against the policy's [`Budget`]; it also carries the
//! verifier's [`SignatureCache`], which [`super::signature`] consults.

use crate::crypto::cache::SignatureCache;
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

    /// Spends one unit of the signature budget.
    pub(crate) fn signature(&mut self) -> Result<(), ValidationError> {
        spend(&mut self.left.signatures, BudgetKind::Signatures, 1)
    }

    /// The verifier's cache of verified signatures, if it has one.
    pub(crate) fn cache(&self) -> Option<&'c SignatureCache> {
        self.cache
    }
}
