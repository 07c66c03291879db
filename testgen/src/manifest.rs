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
    /// How to treat revocation: no case supplies CRLs or OCSP responses, so every case is to
    /// be run with revocation checking `off` (the rules under test are path-validation rules).
    pub revocation: &'static str,
    /// The cases.
    pub cases: Vec<Case>,
}
