//! The manifest format (`test-vectors/pki/manifest.json`): one entry per validation case, in
//! terms any implementation can run.

use std::collections::BTreeMap;

use serde::Serialize;

/// A name the leaf must carry.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedName {
    /// `DNS`, `IP`, `EMAIL` or `URI`.
    pub kind: &'static str,
    /// The name.
    pub value: String,
}

/// One validation case.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// Unique id, `group/name`.
    pub id: String,
    /// What the case checks.
    pub description: String,
    /// Anchor certificate files (default community).
    pub anchors: Vec<String>,
    /// Anchor certificate files per named community.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communities: Option<BTreeMap<String, Vec<String>>>,
    /// Candidate intermediates, in the order they are offered.
    pub intermediates: Vec<String>,
    /// The end-entity certificate.
    pub leaf: String,
    /// Validation time, RFC 3339.
    pub time: String,
    /// `rfc5280`, `tls-server`, `tls-client`, `udap` or `direct`.
    pub profile: &'static str,
    /// A name the leaf must carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_name: Option<ExpectedName>,
    /// Overrides the profile's maximum number of intermediates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_intermediates: Option<usize>,
    /// Overrides the extendedKeyUsage purpose the leaf must allow (OID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_eku: Option<String>,
    /// Only paths to anchors of this community count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// `accept` or `reject`.
    pub expected: &'static str,
    /// On reject: the trustpath error kind (`Reason::kind()`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// On reject: the index of the failing certificate (0 = leaf), when it is well defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_index: Option<usize>,
    /// On accept: the community of the anchor the path must end at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_community: Option<String>,
    /// CRL files (DER) supplied as revocation data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crls: Vec<String>,
    /// OCSP response files (DER OCSPResponse) supplied as revocation data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ocsp: Vec<String>,
    /// Extra certificates supplied with the revocation data (CRL signers, OCSP responders).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revocation_certificates: Vec<String>,
    /// Revocation checking for this case: `off`, `soft` (unknown status allowed and reported)
    /// or `hard` (unknown status rejects); absent: the manifest's top-level `revocation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<&'static str>,
    /// Which certificates are checked: `leaf` or `chain` (every certificate below the anchor;
    /// the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_scope: Option<&'static str>,
    /// user-initial-policy-set (OIDs; absent or empty: anyPolicy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_policies: Option<Vec<String>>,
    /// initial-explicit-policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_explicit_policy: Option<bool>,
    /// initial-policy-mapping-inhibit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inhibit_policy_mapping: Option<bool>,
    /// initial-any-policy-inhibit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inhibit_any_policy: Option<bool>,
    /// On accept: the policy sets of the path (compared as sets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_policies: Option<ExpectedPolicies>,
    /// On accept: the revocation status of each checked certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_revocation: Option<Vec<ExpectedStatus>>,
    /// On reject as `revoked`: the CRL reason code name (`keyCompromise`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<&'static str>,
    /// What the result (accepted path or error) says to fetch; compared as a set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_needs: Option<Vec<ExpectedNeed>>,
    /// Profile findings are fatal (trustpath's `Policy::strict_profile`, `--strict`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// On accept: the certificate-profile findings of the path, as (rule id, certificate
    /// index), compared as a set; an accepted case without this field has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expected_findings: Vec<ExpectedFinding>,
}

/// A certificate-profile finding on an accepted path.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedFinding {
    /// The rule id (`rfc5280.serial.positive`, ...).
    pub rule: &'static str,
    /// 0 = leaf; the anchor's certificate is one past the last certificate of the path.
    pub certificate_index: usize,
}

/// The policy sets a valid path ends with (RFC 5280 §6.1.6).
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedPolicies {
    /// authorities-constrained-policy-set (OIDs; `2.5.29.32.0` is anyPolicy).
    pub authorities_constrained: Vec<String>,
    /// user-constrained-policy-set.
    pub user_constrained: Vec<String>,
}

/// One certificate's revocation status in an accepted path.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedStatus {
    /// 0 = leaf.
    pub certificate_index: usize,
    /// `good` or `unknown`.
    pub status: &'static str,
    /// `crl`, `ocsp` or `none`.
    pub source: &'static str,
}

/// Data the caller could fetch.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedNeed {
    /// 0 = leaf.
    pub certificate_index: usize,
    /// `crl`, `ocsp` or `issuer`.
    pub kind: &'static str,
    /// The URLs the certificate gives (may be empty).
    pub urls: Vec<String>,
}

/// The whole manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Where the files are: paths in cases are relative to the manifest's directory.
    pub description: &'static str,
    /// Default validation time, RFC 3339.
    pub default_time: String,
    /// How to treat revocation in cases without their own `revocation` field: `off` (those
    /// cases test path-validation rules and supply no CRLs or OCSP responses).
    pub revocation: &'static str,
    /// The cases.
    pub cases: Vec<Case>,
}
