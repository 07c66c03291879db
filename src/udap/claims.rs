//! Claim checks shared by every UDAP JWT (IG §7.1.4–7.1.6): `iss`, `sub`, `aud`, `exp`, `iat`,
//! `nbf`, `jti`. URIs compare as exact strings (IG §7.1.5: no normalization).

use serde_json::{Map, Value};

use super::error::{Endpoint, UdapError, UdapErrorKind};
use super::store::ReplayStore;
use crate::cert::Certificate;
use crate::uri;

/// Time rules for one kind of JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lifetime {
    /// Largest allowed `exp − iat`, in seconds.
    pub(crate) max: u64,
    /// Allowed clock difference between issuer and verifier, in seconds.
    pub(crate) skew: u64,
}

/// The checked time claims.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Times {
    pub(crate) exp: u64,
}

pub(crate) fn claim_error(endpoint: Endpoint, claim: &'static str, problem: impl Into<String>) -> UdapError {
    UdapError::new(endpoint, UdapErrorKind::Claim { claim, problem: problem.into() })
}

/// A required string claim.
pub(crate) fn string<'c>(
    claims: &'c Map<String, Value>,
    name: &'static str,
    endpoint: Endpoint,
) -> Result<&'c str, UdapError> {
    match claims.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => Err(claim_error(endpoint, name, "must be a non-empty string")),
        None => Err(claim_error(endpoint, name, "missing")),
    }
}

/// A NumericDate claim (RFC 7519 §2): seconds since the epoch; fractions are truncated.
fn numeric_date(claims: &Map<String, Value>, name: &'static str, endpoint: Endpoint) -> Result<Option<u64>, UdapError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(v), _) => Ok(Some(v)),
            (None, Some(f)) if (0.0..1.0e15).contains(&f) => Ok(Some(f as u64)),
            _ => Err(claim_error(endpoint, name, "must be a non-negative NumericDate")),
        },
        Some(_) => Err(claim_error(endpoint, name, "must be a NumericDate (number of seconds)")),
    }
}

/// `exp` and `iat` present, `exp − iat` within the lifetime, not expired and not issued in
/// the future (both with the skew), `nbf` (if any) reached.
pub(crate) fn times(
    claims: &Map<String, Value>,
    now: u64,
    lifetime: Lifetime,
    endpoint: Endpoint,
) -> Result<Times, UdapError> {
    let exp = numeric_date(claims, "exp", endpoint)?.ok_or_else(|| claim_error(endpoint, "exp", "missing"))?;
    let iat = numeric_date(claims, "iat", endpoint)?.ok_or_else(|| claim_error(endpoint, "iat", "missing"))?;
    if exp <= iat {
        return Err(claim_error(endpoint, "exp", "must be after iat"));
    }
    if exp - iat > lifetime.max {
        return Err(claim_error(
            endpoint,
            "exp",
            format!("lifetime exp − iat = {} s exceeds the maximum of {} s", exp - iat, lifetime.max),
        ));
    }
    if now > exp.saturating_add(lifetime.skew) {
        return Err(claim_error(endpoint, "exp", "the token has expired"));
    }
    if iat > now.saturating_add(lifetime.skew) {
        return Err(claim_error(endpoint, "iat", "issued in the future"));
    }
    if let Some(nbf) = numeric_date(claims, "nbf", endpoint)?
        && nbf > now.saturating_add(lifetime.skew)
    {
        return Err(claim_error(endpoint, "nbf", "the token is not valid yet"));
    }
    Ok(Times { exp })
}

/// `aud` is `url`, or an array containing it (RFC 7519 §4.1.3).
pub(crate) fn audience(claims: &Map<String, Value>, url: &str, endpoint: Endpoint) -> Result<(), UdapError> {
    let ok = match claims.get("aud") {
        Some(Value::String(a)) => a == url,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(url)),
        None => return Err(claim_error(endpoint, "aud", "missing")),
        Some(_) => return Err(claim_error(endpoint, "aud", "must be a string or an array of strings")),
    };
    if ok { Ok(()) } else { Err(claim_error(endpoint, "aud", format!("does not contain {url:?}"))) }
}

/// Whether a string is an absolute URI (RFC 3986 §3: a scheme, then ':').
pub(crate) fn is_absolute_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// Whether a URI uses https with a host ([`uri::host`] reads it).
pub(crate) fn is_https_url(s: &str) -> bool {
    uri::components(s).is_ok_and(|c| c.scheme.eq_ignore_ascii_case("https") && c.host.is_some())
}

/// The SAN-URI binding: `uri` (a client URI, a server's base URL) is a uniformResourceIdentifier
/// of `leaf`, compared exactly (IG §7.1.5), and it can serve as an identity
/// ([`uri::check_identity`]: no host that other parsers could read differently).
pub(crate) fn bind_san_uri(leaf: &Certificate, uri: &str, endpoint: Endpoint) -> Result<(), UdapError> {
    if !leaf.san_uris().any(|u| u == uri) {
        return Err(UdapError::new(
            endpoint,
            UdapErrorKind::SanUriMismatch {
                expected: uri.to_string(),
                found: leaf.san_uris().map(String::from).collect(),
            },
        ));
    }
    uri::check_identity(uri)
        .map_err(|problem| UdapError::new(endpoint, UdapErrorKind::InvalidUri { uri: uri.to_string(), problem }))
}

/// Records (`iss`, `jti`) in the replay store, last of all the checks, so that a rejected
/// token never uses up its `jti`: a pair seen before is a [`UdapErrorKind::Replay`], a store
/// that cannot answer a [`UdapErrorKind::Store`].
pub(crate) fn record_jti(
    replay: &dyn ReplayStore,
    iss: &str,
    jti: &str,
    expires_at: u64,
    now: u64,
    endpoint: Endpoint,
) -> Result<(), UdapError> {
    match replay.check_and_record(iss, jti, expires_at, now) {
        Ok(true) => Ok(()),
        Ok(false) => {
            Err(UdapError::new(endpoint, UdapErrorKind::Replay { iss: iss.to_string(), jti: jti.to_string() }))
        }
        Err(e) => Err(UdapError::new(endpoint, UdapErrorKind::Store(e))),
    }
}
