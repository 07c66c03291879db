//! The generator's state: the key store, the output directory, the files written so far and
//! the cases collected, plus helpers that most cases share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use trustpath_testgen::name::NameBuilder;
use trustpath_testgen::templates::Issuer;
use trustpath_testgen::time::{rfc3339, validation_time};
use trustpath_testgen::{CertBuilder, Error, KeyKind, KeyPair, KeyStore, Result, bundle};
use x509_cert::name::Name;

use crate::manifest::{Case, ExpectedFinding, ExpectedName, ExpectedNeed, ExpectedPolicies, ExpectedStatus};

/// Generator state.
pub struct Gen {
    out: PathBuf,
    keys: KeyStore,
    files: BTreeMap<String, Vec<u8>>,
    pub cases: Vec<Case>,
}

/// The standard subject: `C=US, O=Trustpath Test, CN=<cn>`.
pub fn subject(cn: &str) -> Result<Name> {
    NameBuilder::new().c("US").o("Trustpath Test").cn(cn).build()
}

impl Gen {
    pub fn new(out: &Path) -> Self {
        Gen { out: out.to_path_buf(), keys: KeyStore::new(out.join("keys")), files: BTreeMap::new(), cases: Vec::new() }
    }

    /// The named key (loaded from `keys/` or generated there).
    pub fn key(&mut self, name: &str, kind: KeyKind) -> Result<Arc<KeyPair>> {
        self.keys.key(name, kind)
    }

    pub fn generated_keys(&self) -> &[String] {
        self.keys.generated()
    }

    /// Records a file to write (path relative to the output directory). Writing the same path
    /// twice with different content is a bug in the generator.
    pub fn file(&mut self, path: &str, bytes: Vec<u8>) -> Result<String> {
        if self.files.get(path).is_some_and(|old| *old != bytes) {
            return Err(Error::msg(format!("{path} written twice with different content")));
        }
        self.files.insert(path.to_string(), bytes);
        Ok(path.to_string())
    }

    /// The bytes recorded for `path`.
    pub fn get(&self, path: &str) -> Option<&Vec<u8>> {
        self.files.get(path)
    }

    /// Every recorded path.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// Records a certificate as a PEM file.
    pub fn cert(&mut self, path: &str, der: &[u8]) -> Result<String> {
        self.file(path, bundle::pem("CERTIFICATE", der)?.into_bytes())
    }

    /// Builds a self-signed root CA and writes it.
    pub fn root(&mut self, path: &str, cn: &str, key: &str, kind: KeyKind) -> Result<(Issuer, String)> {
        let key = self.key(key, kind)?;
        let name = subject(cn)?;
        let der = trustpath_testgen::templates::root(&name, &key)?.sign(&key)?;
        let file = self.cert(path, &der)?;
        Ok((Issuer::new(name, key, der), file))
    }

    /// Signs a CA certificate built by the caller, writes it, and returns it as an issuer.
    pub fn issue_ca(
        &mut self,
        path: &str,
        name: &Name,
        key: Arc<KeyPair>,
        builder: CertBuilder,
        by: &Issuer,
    ) -> Result<(Issuer, String)> {
        let der = by.sign(&builder)?;
        let file = self.cert(path, &der)?;
        Ok((Issuer::new(name.clone(), key, der), file))
    }

    /// Writes every recorded file; removes nothing.
    pub fn write_all(&self) -> Result<usize> {
        for (path, bytes) in &self.files {
            let full = self.out.join(path);
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(full, bytes)?;
        }
        Ok(self.files.len())
    }

    pub fn add(&mut self, case: Case) -> Result<()> {
        if self.cases.iter().any(|c| c.id == case.id) {
            return Err(Error::msg(format!("duplicate case id {}", case.id)));
        }
        let revocation_files = case.crls.iter().chain(&case.ocsp).chain(&case.revocation_certificates);
        for f in case.anchors.iter().chain(&case.intermediates).chain([&case.leaf]).chain(revocation_files) {
            if !self.files.contains_key(f) {
                return Err(Error::msg(format!("case {}: file {f} was not generated", case.id)));
            }
        }
        self.cases.push(case);
        Ok(())
    }
}

/// A case under construction, with the defaults of the suite (rfc5280, validation time
/// 2026-06-01T00:00:00Z, expected accept).
pub struct CaseBuilder(Case);

pub fn case(id: &str, description: &str) -> CaseBuilder {
    CaseBuilder(Case {
        id: id.to_string(),
        description: description.to_string(),
        anchors: Vec::new(),
        communities: None,
        intermediates: Vec::new(),
        leaf: String::new(),
        time: rfc3339(validation_time()),
        profile: "rfc5280",
        expected_name: None,
        max_intermediates: None,
        required_eku: None,
        community: None,
        expected: "accept",
        reason: None,
        certificate_index: None,
        expected_community: None,
        crls: Vec::new(),
        ocsp: Vec::new(),
        revocation_certificates: Vec::new(),
        revocation: None,
        revocation_scope: None,
        initial_policies: None,
        require_explicit_policy: None,
        inhibit_policy_mapping: None,
        inhibit_any_policy: None,
        expected_policies: None,
        expected_revocation: None,
        revoked_reason: None,
        expected_needs: None,
        strict: false,
        expected_findings: Vec::new(),
    })
}

impl CaseBuilder {
    pub fn anchors(mut self, files: &[&String]) -> Self {
        self.0.anchors = files.iter().map(|f| f.to_string()).collect();
        self
    }

    pub fn community(mut self, name: &str, files: &[&String]) -> Self {
        let map = self.0.communities.get_or_insert_with(BTreeMap::new);
        map.insert(name.to_string(), files.iter().map(|f| f.to_string()).collect());
        self
    }

    pub fn intermediates(mut self, files: &[&String]) -> Self {
        self.0.intermediates = files.iter().map(|f| f.to_string()).collect();
        self
    }

    pub fn leaf(mut self, file: &str) -> Self {
        self.0.leaf = file.to_string();
        self
    }

    pub fn time(mut self, secs: u64) -> Self {
        self.0.time = rfc3339(secs);
        self
    }

    pub fn profile(mut self, profile: &'static str) -> Self {
        self.0.profile = profile;
        self
    }

    pub fn name(mut self, kind: &'static str, value: &str) -> Self {
        self.0.expected_name = Some(ExpectedName { kind, value: value.to_string() });
        self
    }

    pub fn max_intermediates(mut self, n: usize) -> Self {
        self.0.max_intermediates = Some(n);
        self
    }

    pub fn required_eku(mut self, oid: &str) -> Self {
        self.0.required_eku = Some(oid.to_string());
        self
    }

    pub fn filter(mut self, community: &str) -> Self {
        self.0.community = Some(community.to_string());
        self
    }

    pub fn expected_community(mut self, community: &str) -> Self {
        self.0.expected_community = Some(community.to_string());
        self
    }

    /// Expect rejection for `reason` at certificate `index` (`None`: index not asserted).
    pub fn reject(mut self, reason: &'static str, index: Option<usize>) -> Self {
        self.0.expected = "reject";
        self.0.reason = Some(reason);
        self.0.certificate_index = index;
        self
    }

    /// Revocation checking: `mode` is `off`, `soft` or `hard`; `scope` is `leaf` or `chain`.
    pub fn revocation(mut self, mode: &'static str, scope: &'static str) -> Self {
        self.0.revocation = Some(mode);
        self.0.revocation_scope = Some(scope);
        self
    }

    pub fn crls(mut self, files: &[&String]) -> Self {
        self.0.crls = files.iter().map(|f| f.to_string()).collect();
        self
    }

    pub fn ocsp(mut self, files: &[&String]) -> Self {
        self.0.ocsp = files.iter().map(|f| f.to_string()).collect();
        self
    }

    pub fn revocation_certificates(mut self, files: &[&String]) -> Self {
        self.0.revocation_certificates = files.iter().map(|f| f.to_string()).collect();
        self
    }

    /// On accept: the statuses `(index, status, source)` of the checked certificates.
    pub fn statuses(mut self, statuses: &[(usize, &'static str, &'static str)]) -> Self {
        self.0.expected_revocation = Some(
            statuses
                .iter()
                .map(|(certificate_index, status, source)| ExpectedStatus {
                    certificate_index: *certificate_index,
                    status,
                    source,
                })
                .collect(),
        );
        self
    }

    /// What the result says to fetch: `(index, kind, urls)`.
    pub fn needs(mut self, needs: &[(usize, &'static str, &[&str])]) -> Self {
        self.0.expected_needs = Some(
            needs
                .iter()
                .map(|(certificate_index, kind, urls)| ExpectedNeed {
                    certificate_index: *certificate_index,
                    kind,
                    urls: urls.iter().map(|u| u.to_string()).collect(),
                })
                .collect(),
        );
        self
    }

    pub fn revoked_reason(mut self, reason: &'static str) -> Self {
        self.0.revoked_reason = Some(reason);
        self
    }

    /// The certificate policy inputs: user-initial-policy-set (OIDs), initial-explicit-policy,
    /// initial-policy-mapping-inhibit, initial-any-policy-inhibit.
    pub fn policy_inputs(mut self, initial: &[&str], explicit: bool, inhibit_mapping: bool, inhibit_any: bool) -> Self {
        self.0.initial_policies = Some(initial.iter().map(|s| s.to_string()).collect());
        self.0.require_explicit_policy = Some(explicit);
        self.0.inhibit_policy_mapping = Some(inhibit_mapping);
        self.0.inhibit_any_policy = Some(inhibit_any);
        self
    }

    /// On accept: the authorities- and user-constrained policy sets.
    pub fn policies(mut self, authorities: &[&str], user: &[&str]) -> Self {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        self.0.expected_policies =
            Some(ExpectedPolicies { authorities_constrained: own(authorities), user_constrained: own(user) });
        self
    }

    /// Profile findings refuse the path.
    pub fn strict(mut self) -> Self {
        self.0.strict = true;
        self
    }

    /// On accept: the profile findings `(rule id, certificate index)`.
    pub fn findings(mut self, findings: &[(&'static str, usize)]) -> Self {
        self.0.expected_findings = findings
            .iter()
            .map(|(rule, certificate_index)| ExpectedFinding { rule, certificate_index: *certificate_index })
            .collect();
        self
    }

    pub fn done(self) -> Case {
        self.0
    }
}
