//! What a response body must be for its kind, and how long it stays usable.
//!
//! A CRL is DER (RFC 5280 §4.2.1.13: "a single DER encoded CRL"), an OCSP response is a DER
//! OCSPResponse (RFC 6960 A.1), an issuer is a DER certificate or a certs-only PKCS#7 bundle
//! (RFC 5280 §4.2.2.1; PEM is accepted too, as some CAs serve it). The content type is only
//! logged: servers label these bodies every way, and the bytes are checked anyway. Whether a
//! CRL or response is trustworthy (signature, issuer, currency) is the core's decision.

use std::time::Duration;

use trustpath::revocation::{Crl, OcspResponse};
use trustpath::{Certificate, NeedKind, UnixTime};

use super::config::FetchConfig;
use super::report::{FetchError, FetchErrorKind};

/// A usable response, parsed once.
#[derive(Debug, Clone)]
pub enum Item {
    /// A CRL (boxed, as the response: the issuers variant is much smaller).
    Crl(Box<Crl>),
    /// An OCSP response.
    Ocsp(Box<OcspResponse>),
    /// Issuer certificates, and the body they came in.
    Issuers {
        /// The certificates.
        certificates: Vec<Certificate>,
        /// The response body (a certificate, a bundle).
        body: Vec<u8>,
    },
}

/// A parsed response with its lifetime.
#[derive(Debug)]
pub struct Entry {
    /// The parsed response.
    pub item: Item,
    /// Unix seconds after which it must not be used (a CRL's or OCSP response's
    /// `nextUpdate`; for the others a time-to-live from when it was fetched).
    pub expires: u64,
}

impl Entry {
    /// The body as received.
    pub fn body(&self) -> &[u8] {
        match &self.item {
            Item::Crl(crl) => crl.der(),
            Item::Ocsp(response) => response.der(),
            Item::Issuers { body, .. } => body,
        }
    }

    /// Whether it may still be used at `now` (strictly before its expiry).
    pub fn usable_at(&self, now: u64) -> bool {
        now < self.expires
    }

    /// Whether it may be used at `now` without fetching it again first: usable, and not
    /// within `margin` of its expiry.
    pub fn fresh_at(&self, now: u64, margin: Duration) -> bool {
        now.saturating_add(margin.as_secs()) < self.expires
    }
}

fn secs(time: UnixTime) -> u64 {
    time.as_secs()
}

/// Parses `body` as `kind`, fetched at `now`.
pub fn parse(kind: NeedKind, body: Vec<u8>, now: UnixTime, config: &FetchConfig) -> Result<Entry, FetchError> {
    let bad = |what: &str, e: &dyn core::fmt::Display| {
        FetchError::new(FetchErrorKind::BadContent, format!("not {what}: {e}"))
    };
    let ttl = |d: Duration| secs(now).saturating_add(d.as_secs());
    let (item, expires) = match kind {
        NeedKind::Crl => {
            let crl = Crl::from_der(body).map_err(|e| bad("a DER CRL", &e))?;
            let expires = crl.next_update().map_or_else(|| ttl(config.ttl_without_next_update), secs);
            (Item::Crl(Box::new(crl)), expires)
        }
        NeedKind::Ocsp => {
            let response = OcspResponse::from_der(body).map_err(|e| bad("an OCSP response", &e))?;
            let expires = response.next_update().map_or_else(|| ttl(config.ttl_without_next_update), secs);
            (Item::Ocsp(Box::new(response)), expires)
        }
        _ => {
            let bundle = trustpath::cert::parse_bundle(&body).map_err(|e| bad("a certificate", &e))?;
            if bundle.certificates.is_empty() {
                return Err(FetchError::new(FetchErrorKind::BadContent, "no certificate in the response"));
            }
            (Item::Issuers { certificates: bundle.certificates, body }, ttl(config.issuer_ttl))
        }
    };
    Ok(Entry { item, expires })
}
