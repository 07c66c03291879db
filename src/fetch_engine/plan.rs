//! From what a validation lacks ([`Need`]s) to the URLs to try: for each certificate, its
//! CRL distribution points and then its OCSP responders, tried in order until one gives a
//! usable answer; for a missing issuer, its caIssuers URLs. Only URLs the certificate names
//! are ever requested (an OCSP GET appends the encoded request to the named URL).

use std::collections::HashSet;

use trustpath::{Certificate, Need, NeedKind, VerifiedPath};

use super::config::FetchConfig;
use super::ocsp_request::{ocsp_get_url, ocsp_get_url_if_short, ocsp_request};

/// One URL to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Job {
    pub(crate) kind: NeedKind,
    pub(crate) certificate_index: usize,
    /// The URL the certificate names.
    pub(crate) url: String,
    /// For OCSP: the DER OCSPRequest.
    pub(crate) ocsp_request: Option<Vec<u8>>,
    /// The cache key: the URL, or for OCSP the GET form (which names the certificate).
    pub(crate) key: String,
}

/// Alternatives for one need of one certificate, tried in order until one succeeds.
pub(crate) type Group = Vec<Job>;

/// The path's certificates, leaf first (a path whose leaf is an anchor's certificate may list
/// none).
fn chain_of(path: &VerifiedPath) -> Vec<&Certificate> {
    let mut chain: Vec<&Certificate> = path.certificates().iter().collect();
    if chain.first() != Some(&path.leaf()) {
        chain.insert(0, path.leaf());
    }
    chain
}

/// The subjectPublicKey bits of a DER SubjectPublicKeyInfo.
fn key_bits(spki_der: &[u8]) -> Option<Vec<u8>> {
    use der::Decode;
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
    spki.subject_public_key.as_bytes().map(<[u8]>::to_vec)
}

/// The OCSP request for certificate `index` of `path`: its issuer is the next certificate,
/// or the anchor for the last one.
fn ocsp_request_for(path: &VerifiedPath, index: usize) -> Option<Vec<u8>> {
    let chain = chain_of(path);
    let cert = chain.get(index)?;
    let issuer_key = match chain.get(index + 1) {
        Some(issuer) => issuer.public_key().to_vec(),
        None => key_bits(path.anchor().spki_der())?,
    };
    ocsp_request(cert.issuer_der(), &issuer_key, cert.serial()).ok()
}

/// The groups of URLs to try for `needs`, leaving out those already `attempted`. OCSP URLs
/// need the certificates of `path` (to build the request); without it they are left out.
pub(crate) fn plan(
    needs: &[Need],
    path: Option<&VerifiedPath>,
    attempted: &HashSet<String>,
    config: &FetchConfig,
) -> Vec<Group> {
    let mut groups: Vec<(usize, bool, Group)> = Vec::new();
    let mut budget = config.max_fetches_per_round;
    for need in needs {
        let revocation = match need.kind {
            NeedKind::Crl | NeedKind::Ocsp => true,
            _ if config.fetch_issuers => false,
            _ => continue,
        };
        let position = groups.iter().position(|(i, r, _)| *i == need.certificate_index && *r == revocation);
        let index = match position {
            Some(index) => index,
            None => {
                groups.push((need.certificate_index, revocation, Vec::new()));
                groups.len() - 1
            }
        };
        let request = match need.kind {
            NeedKind::Ocsp => match path.and_then(|p| ocsp_request_for(p, need.certificate_index)) {
                Some(request) => Some(request),
                None => continue,
            },
            _ => None,
        };
        for url in &need.urls {
            let key = match &request {
                Some(der) => ocsp_get_url(url, der),
                None => url.clone(),
            };
            let planned = groups.iter().any(|(_, _, g)| g.iter().any(|j| j.key == key));
            if attempted.contains(&key) || planned || budget == 0 {
                continue;
            }
            budget -= 1;
            let job = Job {
                kind: need.kind,
                certificate_index: need.certificate_index,
                url: url.clone(),
                ocsp_request: request.clone(),
                key,
            };
            if let Some((_, _, group)) = groups.get_mut(index) {
                group.push(job);
            }
        }
    }
    // CRLs before OCSP within a certificate's group: DirectTrust requires CRLs, and one CRL
    // serves every certificate of its CA.
    let mut out: Vec<Group> = groups.into_iter().map(|(_, _, g)| g).filter(|g| !g.is_empty()).collect();
    for group in &mut out {
        group.sort_by_key(|job| job.kind == NeedKind::Ocsp);
    }
    out
}

/// The HTTP request for `job`: GET of the URL; for OCSP, GET with the request in the URL when
/// short enough and allowed (RFC 5019 §5), else POST.
pub(crate) fn http_request(job: &Job, config: &FetchConfig) -> super::http::HttpRequest {
    use super::http::HttpRequest;
    match &job.ocsp_request {
        None => HttpRequest::Get(job.url.clone()),
        Some(der) => match ocsp_get_url_if_short(&job.url, der).filter(|_| config.ocsp_get) {
            Some(url) => HttpRequest::Get(url),
            None => HttpRequest::PostOcsp { url: job.url.clone(), body: der.clone() },
        },
    }
}
