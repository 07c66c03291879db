//! The server's state, loaded once from the options: the verifier (trust store, intermediates,
//! signature cache), the revocation data, the two UDAP endpoints with their header caches, the
//! stores, the signed metadata, and the URLs.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use trustpath::cert::parse_bundle;
use trustpath::crypto::cache::SignatureCache;
use trustpath::jws::{HeaderCache, JwsAlgorithm, Signer};
use trustpath::revocation::{Crl, RevocationData, RevocationPolicy};
use trustpath::udap::build::{self, ServerMetadata};
use trustpath::udap::{RegistrationEndpoint, TokenEndpoint};
use trustpath::{CertificatePool, Policy, TrustStore, UnixTime, Verifier};

use super::config::{Clock, Options};
use super::stores::Stores;

/// The URLs the server answers for, from `--base-url`.
#[derive(Debug, Clone)]
pub struct Urls {
    /// The FHIR base URL (`iss` of the signed metadata).
    pub base_url: String,
    /// Its path, without a trailing `/` (`/r4`; empty for a base URL at the root).
    pub base_path: String,
    pub authorize: String,
    pub token: String,
    pub register: String,
}

impl Urls {
    pub fn new(base_url: &str) -> Result<Urls, String> {
        let parsed = url::Url::parse(base_url).map_err(|e| format!("--base-url {base_url:?}: {e}"))?;
        if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
            return Err(format!("--base-url {base_url:?}: an https URL with a host"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(format!("--base-url {base_url:?}: no query or fragment"));
        }
        let origin = parsed.origin().ascii_serialization();
        Ok(Urls {
            base_url: base_url.to_string(),
            base_path: parsed.path().trim_end_matches('/').to_string(),
            authorize: format!("{origin}/oauth/authorize"),
            token: format!("{origin}/oauth/token"),
            register: format!("{origin}/oauth/register"),
        })
    }
}

pub struct App {
    pub verifier: Verifier,
    pub revocation: RevocationData,
    pub token: TokenEndpoint,
    pub registration: RegistrationEndpoint,
    pub stores: Stores,
    pub clock: Clock,
    pub urls: Urls,
    /// The `/.well-known/udap` document, signed at startup.
    pub metadata: Value,
    pub communities: Vec<String>,
    pub token_lifetime: u64,
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reports skipped bundle entries: a server should not silently run with fewer anchors.
fn report_skipped(path: &Path, skipped: &[trustpath::cert::BundleEntryError]) {
    for entry in skipped {
        eprintln!("udap_server: {}: skipped {entry}", path.display());
    }
}

impl App {
    pub fn load(options: &Options, stores: Stores) -> Result<App, String> {
        let urls = Urls::new(&options.base_url)?;
        let mut store = TrustStore::new();
        for (community, path) in &options.communities {
            let added = store.add_bundle(community, &read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
            report_skipped(path, &added.skipped);
        }
        let mut pool = CertificatePool::new();
        for path in &options.intermediates {
            let (bundle, skipped) =
                CertificatePool::from_bundle(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
            report_skipped(path, &skipped);
            for cert in bundle.iter() {
                pool.add(cert.clone());
            }
        }
        let mut revocation = RevocationData::new();
        for path in &options.crls {
            revocation.add_crl(Crl::from_pem_or_der(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?);
        }
        let mut policy = Policy::udap();
        policy.revocation = RevocationPolicy::chain(options.revocation);
        let verifier = Verifier::new(store, policy)
            .with_intermediates(pool)
            .with_signature_cache(Arc::new(SignatureCache::new(100_000)));
        let headers = Arc::new(HeaderCache::new(10_000));
        let now = options.clock.now();
        let metadata = signed_metadata(options, &urls, now)?;
        Ok(App {
            token: TokenEndpoint::new(&urls.token).with_header_cache(headers.clone()),
            registration: RegistrationEndpoint::new(&urls.register).with_header_cache(headers),
            verifier,
            revocation,
            stores,
            clock: options.clock,
            urls,
            metadata,
            communities: options.communities.iter().map(|(c, _)| c.clone()).collect(),
            token_lifetime: options.token_lifetime,
        })
    }

    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }
}

/// The metadata document with `signed_metadata` (IG §2.3: RS256, `iss` = the base URL, a SAN
/// URI of the signing certificate), signed with `--cert`/`--key`.
fn signed_metadata(options: &Options, urls: &Urls, now: UnixTime) -> Result<Value, String> {
    let chain = parse_bundle(&read(&options.cert)?).map_err(|e| format!("{}: {e}", options.cert.display()))?;
    let signer = Signer::from_pkcs8(&read(&options.key)?, chain.certificates)
        .map_err(|e| format!("{}: {e}", options.key.display()))?;
    if signer.algorithm() != JwsAlgorithm::Rs256 {
        return Err(format!("{}: signed metadata is RS256 (IG §2.3): an RSA key is needed", options.key.display()));
    }
    let leaf = signer.chain().first().ok_or("empty certificate chain")?;
    if !leaf.san_uris().any(|u| u == urls.base_url) {
        return Err(format!(
            "{}: no SAN URI equals --base-url {} (it has {:?}); clients would refuse the signed metadata",
            options.cert.display(),
            urls.base_url,
            leaf.san_uris().collect::<Vec<_>>()
        ));
    }
    let server = ServerMetadata {
        base_url: urls.base_url.clone(),
        authorization_endpoint: Some(urls.authorize.clone()),
        token_endpoint: urls.token.clone(),
        registration_endpoint: urls.register.clone(),
    };
    let jti = build::new_jti(&mut rand_core::UnwrapErr(getrandom::SysRng));
    let signed = signer.sign_json(&server.signed_claims(now, &jti)).map_err(|e| format!("signing metadata: {e}"))?;
    let mut document = server.document(&signed);
    // This server issues no refresh tokens and does no Tiered OAuth: it does not advertise them.
    for (member, drop) in [("grant_types_supported", "refresh_token"), ("udap_profiles_supported", "udap_to")] {
        if let Some(list) = document.get_mut(member).and_then(Value::as_array_mut) {
            list.retain(|v| v != drop);
        }
    }
    Ok(document)
}
