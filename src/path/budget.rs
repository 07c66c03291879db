//! Counting the work one validation does against the policy's [`Budget`].

use crate::error::{BudgetKind, Reason, ValidationError};
use crate::policy::Budget;

/// What is left of a [`Budget`] during one validation.
#[derive(Debug, Clone)]
pub(crate) struct BudgetCounter {
    left: Budget,
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

impl BudgetCounter {
    pub(crate) fn new(budget: Budget) -> Self {
        BudgetCounter { left: budget }
    }

    pub(crate) fn signature(&mut self) -> Result<(), ValidationError> {
        spend(&mut self.left.signatures, BudgetKind::Signatures, 1)
    }

    pub(crate) fn build_step(&mut self) -> Result<(), ValidationError> {
        spend(&mut self.left.build_steps, BudgetKind::BuildSteps, 1)
    }

    pub(crate) fn name_constraint_comparisons(&mut self, n: usize) -> Result<(), Reason> {
        spend(&mut self.left.name_constraint_comparisons, BudgetKind::NameConstraintComparisons, n)
            .map_err(|e| e.reason().clone())
    }
}
