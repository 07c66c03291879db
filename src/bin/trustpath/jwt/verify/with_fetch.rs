//! `jwt verify --fetch`: the token's verification inside the fetch loop. The loop's attempts
//! use a scratch replay cache (a soft-fail attempt that passes must not record the `jti`);
//! the decision is then made once more with what was fetched and the real replay cache.

use trustpath::revocation::RevocationData;
use trustpath::udap::{MemoryReplayCache, UdapError};
use trustpath::{Certificate, UnixTime, ValidationError, ValidationInput, VerifiedPath, Verifier};

use super::{Context, Failure, Report, Token, With, rejected};
use crate::fetch::{Attempt, Fetcher, Validated};

impl Validated for Report {
    fn verified_path(&self) -> Option<&VerifiedPath> {
        self.failure.is_none().then_some(self.path.as_ref()).flatten()
    }

    fn validation_error(&self) -> Option<&ValidationError> {
        self.failure.as_ref().and_then(|f| f.path_error.as_ref())
    }
}

impl Context<'_> {
    /// Verifies `token`, fetching what its signer's path lacks first.
    pub(super) fn check_with_fetch(
        &self,
        fetcher: &Fetcher,
        token: &Token,
        document: Option<&Result<serde_json::Value, UdapError>>,
        x5c: &[Certificate],
        revocation: &RevocationData,
    ) -> Report {
        let scratch = MemoryReplayCache::default();
        let outcome =
            fetcher.validate_with(&self.verifier, revocation, self.time, |verifier, data, attempt| match attempt {
                Attempt::Decide => self.check(token, document, &With { verifier, revocation: data, replay: &scratch }),
                Attempt::FindPath => signer_path(verifier, x5c, data, self.time),
            });
        let verifier = outcome.verifier_with_issuers(&self.verifier);
        let with = With { verifier: &verifier, revocation: &outcome.revocation, replay: &self.replay };
        let mut report = self.check(token, document, &with);
        report.fetched = Some(outcome.fetched);
        report
    }
}

/// The path of the signer `x5c[0]` alone (no token rules): what the loop needs to learn the
/// certificates OCSP requests are built from.
fn signer_path(verifier: &Verifier, x5c: &[Certificate], data: &RevocationData, time: UnixTime) -> Report {
    let Some((signer, rest)) = x5c.split_first() else {
        let failure = Failure { kind: "no_x5c", message: "no x5c".into(), oauth_error: None, path_error: None };
        return rejected(String::new(), failure);
    };
    match verifier.verify(&ValidationInput::new(signer, time).intermediates(rest).revocation(data)) {
        Ok(path) => Report {
            claims: None,
            path: Some(path),
            signer: None,
            san_uri: None,
            summary: String::new(),
            details: Vec::new(),
            failure: None,
            fetched: None,
        },
        Err(error) => {
            let failure =
                Failure { kind: error.kind(), message: error.to_string(), oauth_error: None, path_error: Some(error) };
            rejected(String::new(), failure)
        }
    }
}
