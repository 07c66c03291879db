//! What a validation requires: a plain [`Policy`] value with presets, plus small hook traits an
//! embedder implements to add its own rules without forking the validator.

use std::fmt::Debug;
use std::sync::Arc;

use const_oid::ObjectIdentifier;
use x509_cert::ext::pkix::KeyUsages;

use crate::cert::Certificate;
use crate::crypto::AlgorithmPolicy;
use crate::revocation::{RevocationMode, RevocationPolicy};

pub use certificate_policies::{ANY_POLICY, PolicyInputs, PolicySets};
pub use profile::{Finding, ProfileRow, ProfileRule};

mod certificate_policies;
pub mod profile;
use crate::trust::Anchor;

/// id-kp-serverAuth.
pub const EKU_SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
/// id-kp-clientAuth.
pub const EKU_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
/// id-kp-emailProtection (S/MIME).
pub const EKU_EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");
/// id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
pub const EKU_OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
/// anyExtendedKeyUsage.
pub const EKU_ANY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");

/// Limits on the work one validation may do. Exhausting one ends the search with
/// [`crate::Reason::BudgetExceeded`]. Defaults follow rustls-webpki (100 signature checks,
/// 200,000 path-building steps, 250,000 name-constraint comparisons); the policy graph gets
/// 10,000 nodes and edges, far above what real policy sets need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Signature verifications.
    pub signatures: usize,
    /// Candidate issuers considered.
    pub build_steps: usize,
    /// (name, subtree) comparisons during name-constraint checks.
    pub name_constraint_comparisons: usize,
    /// Nodes plus edges of the certificate policy graph (RFC 9618).
    pub policy_graph: usize,
}

impl Budget {
    /// A budget of these limits (see the fields).
    pub const fn new(
        signatures: usize,
        build_steps: usize,
        name_constraint_comparisons: usize,
        policy_graph: usize,
    ) -> Self {
        Budget { signatures, build_steps, name_constraint_comparisons, policy_graph }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget { signatures: 100, build_steps: 200_000, name_constraint_comparisons: 250_000, policy_graph: 10_000 }
    }
}

/// How extendedKeyUsage is enforced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EkuPolicy {
    /// The purpose the end-entity certificate must allow (`None`: no requirement).
    pub required: Option<ObjectIdentifier>,
    /// The end-entity certificate must carry the extension (CA/B Forum); otherwise an absent
    /// extension allows every purpose (RFC 5280).
    pub required_in_leaf: bool,
    /// `anyExtendedKeyUsage` in the end-entity certificate satisfies the requirement.
    pub any_satisfies: bool,
    /// An extendedKeyUsage extension in a CA certificate restricts the purposes of the
    /// certificates below it (the Mozilla/Go/Windows practice; RFC 5280 leaves it unspecified).
    pub constrain_by_issuers: bool,
}

/// The certificate profile checked beside RFC 5280 path validation: the rules a conforming CA
/// follows when it *issues* certificates (see [`profile`]). Breaking one is a
/// [`Finding`] on the verified path, or the reason it is refused when
/// [`Policy::findings_are_fatal`] is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Profile {
    /// RFC 5280 §4 (key identifiers present and non-critical, positive serials of at most 20
    /// octets, critical basicConstraints in CA certificates, ...): [`profile::RFC5280_RULES`].
    Rfc5280,
    /// RFC 5280 §4 plus the CA/B Forum Baseline Requirements' certificate profile (v3 only,
    /// no anyExtendedKeyUsage in leaves, no EKU in roots, SAN critical only with an empty
    /// subject, ...): [`profile::WEB_PKI_RULES`]. Non-critical nameConstraints are allowed.
    WebPki,
}

/// The requirements one kind of validation applies. Plain data: start from a preset and
/// change fields as needed (`let mut p = Policy::udap(); p.max_intermediates = 4;`); new
/// fields may come, so it is not built field by field outside this crate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Policy {
    /// Allowed signature algorithms and key sizes.
    pub algorithms: AlgorithmPolicy,
    /// Most intermediate certificates a path may have (self-issued ones included).
    pub max_intermediates: usize,
    /// Work limits for one validation.
    pub budget: Budget,
    /// extendedKeyUsage rules.
    pub eku: EkuPolicy,
    /// keyUsage bits the end-entity certificate must have when it carries the extension (any
    /// one of them suffices).
    pub leaf_key_usage: Vec<KeyUsages>,
    /// Whether the end-entity certificate may itself be a CA certificate.
    pub allow_ca_as_leaf: bool,
    /// Which certificate profile is checked in addition to path validation.
    pub profile: Profile,
    /// Profile violations refuse the path instead of being reported as findings, and the
    /// anchor's own certificate is held to the rules of a CA certificate (validity,
    /// basicConstraints, keyUsage, critical extensions). Set by `tls-server` and by
    /// [`Policy::strict_profile`].
    pub findings_are_fatal: bool,
    /// Revocation checking with the CRLs and OCSP responses given in the input.
    pub revocation: RevocationPolicy,
    /// Certificate policy processing inputs (RFC 5280 §6.1.1).
    pub certificate_policies: PolicyInputs,
    /// Checks run on every certificate of a candidate path.
    pub certificate_hooks: Vec<Arc<dyn CertificateHook>>,
    /// Checks run on every complete candidate path.
    pub path_hooks: Vec<Arc<dyn PathHook>>,
}

impl Policy {
    /// Plain RFC 5280 path validation: no purpose required, EKU in CA certificates ignored,
    /// the RFC 5280 §4 profile reported as findings, revocation soft-fail over the whole chain
    /// (supplied CRLs and OCSP responses are used; missing ones are reported, not required).
    /// The anchor is its name, key and constraints (RFC 5280 §6.1.1 (d), RFC 5937): anything
    /// else about its certificate is a finding.
    pub fn rfc5280() -> Self {
        Policy {
            algorithms: AlgorithmPolicy::default(),
            max_intermediates: 8,
            budget: Budget::default(),
            eku: EkuPolicy {
                required: None,
                required_in_leaf: false,
                any_satisfies: true,
                constrain_by_issuers: false,
            },
            leaf_key_usage: Vec::new(),
            allow_ca_as_leaf: true,
            profile: Profile::Rfc5280,
            findings_are_fatal: false,
            revocation: RevocationPolicy::chain(RevocationMode::SoftFail),
            certificate_policies: PolicyInputs::default(),
            certificate_hooks: Vec::new(),
            path_hooks: Vec::new(),
        }
    }

    /// TLS server certificates of the web PKI: serverAuth, the RFC 5280 and CA/B Forum
    /// profiles enforced (violations refuse the path, the anchor's certificate included), a
    /// server name to match (given in the validation input).
    pub fn tls_server() -> Self {
        Policy {
            eku: EkuPolicy {
                required: Some(EKU_SERVER_AUTH),
                required_in_leaf: true,
                any_satisfies: false,
                constrain_by_issuers: true,
            },
            allow_ca_as_leaf: false,
            profile: Profile::WebPki,
            findings_are_fatal: true,
            ..Policy::rfc5280()
        }
    }

    /// TLS client certificates (mutual TLS): clientAuth when the leaf has an EKU extension,
    /// EKU in CA certificates constrains, digitalSignature when the leaf has keyUsage (the
    /// client signs the handshake), no CA certificate as a client.
    pub fn tls_client() -> Self {
        Policy {
            leaf_key_usage: vec![KeyUsages::DigitalSignature],
            eku: EkuPolicy {
                required: Some(EKU_CLIENT_AUTH),
                required_in_leaf: false,
                any_satisfies: true,
                constrain_by_issuers: true,
            },
            allow_ca_as_leaf: false,
            ..Policy::rfc5280()
        }
    }

    /// UDAP client and server certificates (HL7 UDAP Security IG): the leaf signs JWTs, so it
    /// needs digitalSignature when it has keyUsage; RSA ≥ 2048 and SHA-256 or better;
    /// revocation hard-fail over the whole chain below the anchor.
    pub fn udap() -> Self {
        Policy {
            leaf_key_usage: vec![KeyUsages::DigitalSignature],
            allow_ca_as_leaf: false,
            revocation: RevocationPolicy::chain(RevocationMode::HardFail),
            ..Policy::rfc5280()
        }
    }

    /// Direct messaging certificates (Applicability Statement for Secure Health Transport):
    /// the leaf signs (digitalSignature) or encrypts (keyEncipherment) S/MIME, allows
    /// emailProtection when it has an EKU extension (RFC 8550 §4.4.4), RSA ≥ 2048,
    /// SHA-256 or better, revocation hard-fail over the whole chain below the anchor. The
    /// `direct` module narrows the key usage per purpose.
    pub fn direct() -> Self {
        Policy {
            leaf_key_usage: vec![KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment],
            eku: EkuPolicy {
                required: Some(EKU_EMAIL_PROTECTION),
                required_in_leaf: false,
                any_satisfies: true,
                constrain_by_issuers: false,
            },
            allow_ca_as_leaf: false,
            revocation: RevocationPolicy::chain(RevocationMode::HardFail),
            ..Policy::rfc5280()
        }
    }

    /// The preset called `name` (`rfc5280`, `tls-server`, `tls-client`, `udap`, `direct`).
    pub fn by_name(name: &str) -> Option<Self> {
        Some(match name {
            "rfc5280" => Policy::rfc5280(),
            "tls-server" | "tls_server" => Policy::tls_server(),
            "tls-client" | "tls_client" => Policy::tls_client(),
            "udap" => Policy::udap(),
            "direct" => Policy::direct(),
            _ => return None,
        })
    }

    /// Makes every profile finding fatal: a path is refused where it would otherwise carry a
    /// finding (the `--strict` of the command-line tool).
    pub fn strict_profile(mut self) -> Self {
        self.findings_are_fatal = true;
        self
    }

    /// Adds a certificate hook.
    pub fn with_certificate_hook(mut self, hook: Arc<dyn CertificateHook>) -> Self {
        self.certificate_hooks.push(hook);
        self
    }

    /// Adds a path hook.
    pub fn with_path_hook(mut self, hook: Arc<dyn PathHook>) -> Self {
        self.path_hooks.push(hook);
        self
    }
}

/// Where a certificate sits in the candidate path being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The end-entity certificate (index 0).
    Leaf,
    /// An intermediate CA certificate.
    Intermediate,
    /// The certificate of the trust anchor.
    Anchor,
}

/// An embedder's rule applied to each certificate of every candidate path (including the
/// anchor's certificate, when it has one). Return `Err(message)` to reject the path.
pub trait CertificateHook: Send + Sync + Debug {
    /// Checks one certificate. `index` counts from the leaf (0).
    fn check_certificate(&self, certificate: &Certificate, index: usize, position: Position) -> Result<(), String>;

    /// Whether this hook processes the critical extension `oid` (so its presence does not
    /// make the certificate fail as an unknown critical extension).
    fn handles_critical_extension(&self, _oid: &ObjectIdentifier) -> bool {
        false
    }
}

/// An embedder's rule applied to each complete candidate path (leaf first, anchor last), after
/// every standard check passed. Return `Err(message)` to reject it; the search then tries
/// other paths.
pub trait PathHook: Send + Sync + Debug {
    /// Checks one path.
    fn check_path(&self, certificates: &[Certificate], anchor: &Anchor) -> Result<(), String>;
}
