//! `community.json`: what a community's CA has done, so that later commands can re-issue its
//! CRLs and list its certificates. A JSON object (written pretty-printed, read strictly):
//!
//! ```text
//! {"format": "trustpath-pki-community", "version": 1,
//!  "name": NAME, "key": "rsa2048" | "rsa3072" | "p256" | "p384",
//!  "crl_url": URL | null, "aia_url": URL | null,      (the base URLs given to init)
//!  "crl_number": N,                                    (of the last CRLs issued)
//!  "certificates": [{"serial": HEX, "issuer": "root" | "intermediate",
//!                    "profile": "intermediate" | "udap-client" | ...,
//!                    "subject": DN, "names": ["URI:...", "DNS:...", "email:..."],
//!                    "not_before": RFC3339, "not_after": RFC3339,
//!                    "revoked": null | {"date": RFC3339, "reason": REASON}}, ...]}
//! ```
//!
//! serial is lowercase hex as `openssl` prints it; REASON is an RFC 5280 §5.3.1 name.

use serde_json::{Map, Value, json};
use trustpath::issue::crl::reason;
use trustpath::time::{format_unix_seconds, parse_rfc3339};

const FORMAT: &str = "trustpath-pki-community";
const VERSION: u64 = 1;
/// Most JSON members and array elements read from a state file.
const MAX_ENTRIES: usize = 1_000_000;

/// Which of the community's CAs issued a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    /// The root (it issued the intermediate).
    Root,
    /// The issuing intermediate.
    Intermediate,
}

impl Issuer {
    /// `root` or `intermediate`, also the stem of the CA's files.
    pub fn name(self) -> &'static str {
        match self {
            Issuer::Root => "root",
            Issuer::Intermediate => "intermediate",
        }
    }
}

/// A revocation: when, and why (an RFC 5280 reason code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revocation {
    /// Unix seconds.
    pub date: u64,
    /// The CRLReason code.
    pub reason: u8,
}

/// One issued certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Lowercase hex, as `openssl` prints it.
    pub serial: String,
    /// Its issuer.
    pub issuer: Issuer,
    /// `intermediate` or an end-entity profile name.
    pub profile: String,
    /// The subject, as text.
    pub subject: String,
    /// Its subject alternative names (`URI:`, `DNS:`, `email:`).
    pub names: Vec<String>,
    /// Unix seconds.
    pub not_before: u64,
    /// Unix seconds.
    pub not_after: u64,
    /// Set once revoked.
    pub revoked: Option<Revocation>,
}

/// The whole state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The community's name (organizationName of its certificates).
    pub name: String,
    /// The CA key type (`--key` word).
    pub key: String,
    /// Base URL of the CRLs.
    pub crl_url: Option<String>,
    /// Base URL of the CA certificates.
    pub aia_url: Option<String>,
    /// cRLNumber of the last CRLs.
    pub crl_number: u64,
    /// Every certificate issued, the intermediate first.
    pub certificates: Vec<Record>,
}

/// The CRLReason names accepted by `--reason` (certificateHold is not: a hold cannot be
/// undone without delta CRLs).
pub const REASONS: [(&str, u8); 7] = [
    ("unspecified", reason::UNSPECIFIED),
    ("keyCompromise", reason::KEY_COMPROMISE),
    ("cACompromise", reason::CA_COMPROMISE),
    ("affiliationChanged", reason::AFFILIATION_CHANGED),
    ("superseded", reason::SUPERSEDED),
    ("cessationOfOperation", reason::CESSATION_OF_OPERATION),
    ("privilegeWithdrawn", reason::PRIVILEGE_WITHDRAWN),
];

/// The code of a reason name.
pub fn reason_code(name: &str) -> Option<u8> {
    REASONS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// The name of a reason code.
pub fn reason_name(code: u8) -> &'static str {
    REASONS.iter().find(|(_, c)| *c == code).map_or("unspecified", |(n, _)| n)
}

fn time(secs: u64) -> String {
    format_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
}

impl State {
    /// The JSON text, pretty-printed, with a final newline.
    pub fn to_json(&self) -> String {
        let certificates: Vec<Value> = self
            .certificates
            .iter()
            .map(|r| {
                json!({
                    "serial": r.serial,
                    "issuer": r.issuer.name(),
                    "profile": r.profile,
                    "subject": r.subject,
                    "names": r.names,
                    "not_before": time(r.not_before),
                    "not_after": time(r.not_after),
                    "revoked": r.revoked.map(|v| json!({"date": time(v.date), "reason": reason_name(v.reason)})),
                })
            })
            .collect();
        let state = json!({
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "key": self.key,
            "crl_url": self.crl_url,
            "aia_url": self.aia_url,
            "crl_number": self.crl_number,
            "certificates": certificates,
        });
        let mut text = serde_json::to_string_pretty(&state).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads the JSON text; the error says what is missing or wrong.
    pub fn from_json(bytes: &[u8]) -> Result<State, String> {
        let object = trustpath::json::parse_object(bytes, MAX_ENTRIES).map_err(|e| e.to_string())?;
        if object.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(format!("\"format\" is not \"{FORMAT}\""));
        }
        if object.get("version").and_then(Value::as_u64) != Some(VERSION) {
            return Err(format!("\"version\" is not {VERSION}"));
        }
        let certificates = match object.get("certificates") {
            Some(Value::Array(list)) => list.iter().map(record).collect::<Result<Vec<_>, _>>()?,
            _ => return Err("\"certificates\" is not an array".into()),
        };
        Ok(State {
            name: string(&object, "name")?,
            key: string(&object, "key")?,
            crl_url: optional_string(&object, "crl_url")?,
            aia_url: optional_string(&object, "aia_url")?,
            crl_number: object.get("crl_number").and_then(Value::as_u64).ok_or("\"crl_number\" is not a number")?,
            certificates,
        })
    }
}

fn string(object: &Map<String, Value>, name: &str) -> Result<String, String> {
    object.get(name).and_then(Value::as_str).map(String::from).ok_or_else(|| format!("\"{name}\" is not a string"))
}

fn optional_string(object: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("\"{name}\" is not a string")),
    }
}

fn timestamp(object: &Map<String, Value>, name: &str) -> Result<u64, String> {
    let text = string(object, name)?;
    parse_rfc3339(&text).map(|t| t.as_secs()).map_err(|e| format!("\"{name}\": {e}"))
}

fn record(value: &Value) -> Result<Record, String> {
    let object = value.as_object().ok_or("a certificate is not an object")?;
    let issuer = match string(object, "issuer")?.as_str() {
        "root" => Issuer::Root,
        "intermediate" => Issuer::Intermediate,
        other => return Err(format!("unknown issuer \"{other}\"")),
    };
    let names = match object.get("names") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|n| n.as_str().map(String::from).ok_or("a name is not a string"))
            .collect::<Result<_, _>>()?,
        _ => return Err("\"names\" is not an array".into()),
    };
    let revoked = match object.get("revoked") {
        None | Some(Value::Null) => None,
        Some(Value::Object(r)) => {
            let name = string(r, "reason")?;
            let reason = reason_code(&name).ok_or_else(|| format!("unknown revocation reason \"{name}\""))?;
            Some(Revocation { date: timestamp(r, "date")?, reason })
        }
        Some(_) => return Err("\"revoked\" is not an object".into()),
    };
    let serial = string(object, "serial")?;
    if serial.is_empty() || serial.len() % 2 != 0 || !serial.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!("serial \"{serial}\" is not lowercase hex"));
    }
    Ok(Record {
        serial,
        issuer,
        profile: string(object, "profile")?,
        subject: string(object, "subject")?,
        names,
        not_before: timestamp(object, "not_before")?,
        not_after: timestamp(object, "not_after")?,
        revoked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        State {
            name: "Example".into(),
            key: "p256".into(),
            crl_url: Some("http://pki.example/crl".into()),
            aia_url: None,
            crl_number: 3,
            certificates: vec![Record {
                serial: "01ab".into(),
                issuer: Issuer::Intermediate,
                profile: "udap-client".into(),
                subject: "CN=x".into(),
                names: vec!["URI:https://c.example/a".into()],
                not_before: 1_780_000_000,
                not_after: 1_790_000_000,
                revoked: Some(Revocation { date: 1_780_100_000, reason: reason::KEY_COMPROMISE }),
            }],
        }
    }

    #[test]
    fn round_trips() {
        let state = sample();
        assert_eq!(State::from_json(state.to_json().as_bytes()), Ok(state));
    }

    #[test]
    fn refuses_other_documents() {
        assert!(State::from_json(b"{}").is_err());
        assert!(State::from_json(b"[]").is_err());
        let text = sample().to_json().replace("\"01ab\"", "\"01AB\"");
        assert!(State::from_json(text.as_bytes()).is_err());
        let text = sample().to_json().replace("keyCompromise", "certificateHold");
        assert!(State::from_json(text.as_bytes()).is_err());
        let text = sample().to_json().replacen("\"name\": \"Example\"", "\"name\": \"A\", \"name\": \"B\"", 1);
        assert!(State::from_json(text.as_bytes()).is_err(), "duplicate members");
    }
}
