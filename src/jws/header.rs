//! The JOSE protected header (RFC 7515 §4): typed access to the parameters this crate uses,
//! the `crit` rule, and the raw members for everything else.

use serde_json::{Map, Value};

use super::error::JwsError;
use crate::json::{JsonError, parse_object};

/// Header parameters registered by RFC 7515 / RFC 7518 / RFC 7797. `crit` must not name them.
const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "b64", "enc", "zip", "epk",
    "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// A parsed, unverified JOSE header. Nothing in it is trustworthy before the signature and
/// the `x5c` path have been verified. `jwk`, `jku` and `x5u` are never used to find a key.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    alg: String,
    typ: Option<String>,
    kid: Option<String>,
    cty: Option<String>,
    x5c: Option<Vec<String>>,
    members: Map<String, Value>,
}

fn optional_string(members: &Map<String, Value>, name: &'static str) -> Result<Option<String>, JwsError> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(JwsError::InvalidHeaderParameter { member: name, reason: "must be a string" }),
    }
}

fn string_array(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

impl Header {
    /// Parses the decoded header bytes: a JSON object, no duplicate member names, at most
    /// `max_entries` members and array elements, `alg` a string, no `crit`.
    pub(crate) fn parse(bytes: &[u8], max_entries: usize) -> Result<Header, JwsError> {
        let members = parse_object(bytes, max_entries).map_err(|e| match e {
            JsonError::DuplicateMember(name) => JwsError::DuplicateHeaderMember(name),
            JsonError::TooManyEntries { .. } => JwsError::HeaderTooLarge { limit: max_entries },
            other => JwsError::HeaderJson(other.to_string()),
        })?;
        check_crit(&members)?;
        let alg = match members.get("alg") {
            None => return Err(JwsError::MissingAlgorithm),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(JwsError::InvalidHeaderParameter { member: "alg", reason: "must be a string" }),
        };
        // RFC 7797 unencoded payloads change what is signed; only the default is supported.
        if members.get("b64").is_some_and(|v| v != &Value::Bool(true)) {
            return Err(JwsError::InvalidHeaderParameter {
                member: "b64",
                reason: "unencoded payloads (RFC 7797) are not supported",
            });
        }
        let x5c = match members.get("x5c") {
            None => None,
            Some(value) => Some(
                string_array(value)
                    .ok_or(JwsError::InvalidHeaderParameter { member: "x5c", reason: "must be an array of strings" })?,
            ),
        };
        for name in ["x5t", "x5t#S256", "jku", "x5u"] {
            optional_string(&members, name)?;
        }
        Ok(Header {
            alg,
            typ: optional_string(&members, "typ")?,
            kid: optional_string(&members, "kid")?,
            cty: optional_string(&members, "cty")?,
            x5c,
            members,
        })
    }

    /// The `alg` value, as written.
    pub fn alg(&self) -> &str {
        &self.alg
    }

    /// `typ`, if present.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// `kid`, if present.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `cty`, if present.
    pub fn cty(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    /// The `x5c` entries as written (standard base64 DER), if present.
    pub fn x5c_base64(&self) -> Option<&[String]> {
        self.x5c.as_deref()
    }

    /// A header member by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }

    /// All header members.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }
}

/// RFC 7515 §4.1.11. We implement no extension, so a well-formed `crit` is still rejected;
/// a malformed one is reported as such.
fn check_crit(members: &Map<String, Value>) -> Result<(), JwsError> {
    let Some(crit) = members.get("crit") else { return Ok(()) };
    let Value::Array(items) = crit else { return Err(JwsError::InvalidCrit("must be an array")) };
    if items.is_empty() {
        return Err(JwsError::InvalidCrit("must not be empty"));
    }
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(name) = item else { return Err(JwsError::InvalidCrit("entries must be strings")) };
        if REGISTERED.contains(&name.as_str()) && name != "b64" {
            return Err(JwsError::InvalidCrit("names a parameter registered by JWS/JWA"));
        }
        if !members.contains_key(name) {
            return Err(JwsError::InvalidCrit("names a parameter absent from the header"));
        }
        if names.contains(name) {
            return Err(JwsError::InvalidCrit("names a parameter twice"));
        }
        names.push(name.clone());
    }
    Err(JwsError::UnsupportedCrit(names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Header, JwsError> {
        Header::parse(s.as_bytes(), 100)
    }

    #[test]
    fn typed_members() {
        let h = parse(r#"{"alg":"RS256","typ":"JWT","kid":"k1","x5c":["AAAA"],"foo":1}"#).unwrap();
        assert_eq!(h.alg(), "RS256");
        assert_eq!(h.typ(), Some("JWT"));
        assert_eq!(h.kid(), Some("k1"));
        assert_eq!(h.x5c_base64(), Some(&["AAAA".to_owned()][..]));
        assert_eq!(h.get("foo"), Some(&Value::from(1)));
    }

    #[test]
    fn bad_members() {
        assert_eq!(parse(r#"{"typ":"JWT"}"#), Err(JwsError::MissingAlgorithm));
        assert_eq!(parse(r#"{"alg":1}"#).unwrap_err().kind(), "invalid_header_parameter");
        assert_eq!(parse(r#"{"alg":"RS256","x5c":"AAAA"}"#).unwrap_err().kind(), "invalid_header_parameter");
        assert_eq!(parse(r#"{"alg":"RS256","x5c":[1]}"#).unwrap_err().kind(), "invalid_header_parameter");
        assert_eq!(parse(r#"{"alg":"RS256","kid":5}"#).unwrap_err().kind(), "invalid_header_parameter");
        assert_eq!(parse(r#"{"alg":"RS256","x5t#S256":5}"#).unwrap_err().kind(), "invalid_header_parameter");
        assert_eq!(parse(r#"{"alg":"RS256","b64":false}"#).unwrap_err().kind(), "invalid_header_parameter");
        assert!(parse(r#"{"alg":"RS256","b64":true}"#).is_ok());
        assert_eq!(parse(r#"{"alg":"RS256","alg":"none"}"#), Err(JwsError::DuplicateHeaderMember("alg".into())));
        assert_eq!(parse(r#"["alg"]"#).unwrap_err().kind(), "invalid_header_json");
        assert_eq!(parse(r#"{"alg":"RS256"} "#).map(|h| h.alg().to_owned()), Ok("RS256".into()));
    }

    #[test]
    fn crit() {
        let unsupported = parse(r#"{"alg":"RS256","crit":["exp"],"exp":1}"#).unwrap_err();
        assert_eq!(unsupported, JwsError::UnsupportedCrit(vec!["exp".into()]));
        for (h, why) in [
            (r#"{"alg":"RS256","crit":"exp","exp":1}"#, "must be an array"),
            (r#"{"alg":"RS256","crit":[]}"#, "must not be empty"),
            (r#"{"alg":"RS256","crit":[1]}"#, "entries must be strings"),
            (r#"{"alg":"RS256","crit":["alg"]}"#, "names a parameter registered by JWS/JWA"),
            (r#"{"alg":"RS256","crit":["exp"]}"#, "names a parameter absent from the header"),
            (r#"{"alg":"RS256","crit":["exp","exp"],"exp":1}"#, "names a parameter twice"),
        ] {
            assert_eq!(parse(h), Err(JwsError::InvalidCrit(why)), "{h}");
        }
        // b64 in crit is well-formed (RFC 7797) but still not understood.
        assert_eq!(parse(r#"{"alg":"RS256","crit":["b64"],"b64":false}"#).unwrap_err().kind(), "unsupported_crit");
    }
}
