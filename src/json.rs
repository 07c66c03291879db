//! The one JSON reader for every document trustpath reads: JWS headers and claims,
//! registration requests, metadata documents, FHIR attachments and the CLI's files.
//!
//! RFC 8259 §4 leaves duplicate member names to the reader, and readers differ: `serde_json`
//! keeps the last value, many others the first. A document read one way by trustpath and the
//! other way by its neighbour is two documents, so duplicates are refused here, at any depth,
//! by a visitor that builds the value itself and counts object members and array elements
//! against a budget.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Object members plus array elements a document may hold unless a caller says otherwise.
pub const DEFAULT_MAX_ENTRIES: usize = 10_000;

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// Not JSON (syntax, UTF-8, trailing data, nesting deeper than 128): `serde_json`'s message.
    #[error("{0}")]
    Syntax(String),
    /// A member name occurs twice in one object (compared after escapes are resolved).
    #[error("duplicate member {0:?}")]
    DuplicateMember(String),
    /// More object members plus array elements than the budget allows.
    #[error("more than {limit} members and array elements")]
    TooManyEntries {
        /// The budget.
        limit: usize,
    },
    /// Valid JSON, but the top level is not an object.
    #[error("not a JSON object")]
    NotAnObject,
}

/// Shared state of one parse: the remaining budget and the first strictness failure.
struct State {
    remaining: Cell<usize>,
    failure: RefCell<Option<JsonError>>,
    limit: usize,
}

impl State {
    fn fail<E: de::Error>(&self, failure: JsonError) -> E {
        let message = failure.to_string();
        *self.failure.borrow_mut() = Some(failure);
        E::custom(message)
    }

    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.remaining.get().checked_sub(1) {
            Some(left) => {
                self.remaining.set(left);
                Ok(())
            }
            None => Err(self.fail(JsonError::TooManyEntries { limit: self.limit })),
        }
    }
}

#[derive(Clone, Copy)]
struct Seed<'s>(&'s State);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            self.0.spend()?;
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            self.0.spend()?;
            if !seen.insert(key.clone()) {
                return Err(self.0.fail(JsonError::DuplicateMember(key)));
            }
            let value = map.next_value_seed(self)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Parses `bytes` as one JSON object, refusing duplicate member names at any depth and more
/// than `max_entries` object members plus array elements in total.
///
/// ```
/// use trustpath::json::{DEFAULT_MAX_ENTRIES, JsonError, parse_object};
/// let doc = parse_object(br#"{"udap": "1", "certifications": []}"#, DEFAULT_MAX_ENTRIES)?;
/// assert_eq!(doc["udap"], "1");
/// let twice = br#"{"token_endpoint": "https://evil.test/token", "token_endpoint": "https://fhir.example/token"}"#;
/// assert_eq!(parse_object(twice, DEFAULT_MAX_ENTRIES), Err(JsonError::DuplicateMember("token_endpoint".into())));
/// # Ok::<(), JsonError>(())
/// ```
pub fn parse_object(bytes: &[u8], max_entries: usize) -> Result<Map<String, Value>, JsonError> {
    let state = State { remaining: Cell::new(max_entries), failure: RefCell::new(None), limit: max_entries };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Seed(&state).deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JsonError::NotAnObject),
        Err(e) => Err(state.failure.into_inner().unwrap_or_else(|| JsonError::Syntax(e.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_objects() {
        let m = parse_object(br#"{"a": [1, 2.5, "x", null, true], "b": {"c": -3}}"#, 100).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m["b"]["c"], Value::from(-3));
    }

    #[test]
    fn rejects_duplicates_at_any_depth() {
        assert_eq!(parse_object(br#"{"a":1,"a":2}"#, 100), Err(JsonError::DuplicateMember("a".into())));
        assert_eq!(parse_object(br#"{"x":{"a":1,"a":2}}"#, 100), Err(JsonError::DuplicateMember("a".into())));
        assert_eq!(parse_object(br#"{"x":[{"k":1,"k":1}]}"#, 100), Err(JsonError::DuplicateMember("k".into())));
        // Escapes are resolved before comparing.
        assert_eq!(parse_object(br#"{"a":1,"\u0061":2}"#, 100), Err(JsonError::DuplicateMember("a".into())));
    }

    #[test]
    fn counts_entries() {
        // Two members plus two array elements.
        assert!(parse_object(br#"{"a":[1,2],"b":3}"#, 4).is_ok());
        assert_eq!(parse_object(br#"{"a":[1,2],"b":3}"#, 3), Err(JsonError::TooManyEntries { limit: 3 }));
        assert!(parse_object(br#"{"a":[]}"#, 1).is_ok());
    }

    #[test]
    fn rejects_non_objects_and_garbage() {
        assert_eq!(parse_object(b"[1]", 10), Err(JsonError::NotAnObject));
        assert_eq!(parse_object(b"\"s\"", 10), Err(JsonError::NotAnObject));
        assert!(matches!(parse_object(b"{} x", 10), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_object(b"{\"a\":1,}", 10), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_object(b"\xef\xbb\xbf{}", 10), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_object(br#"{"a":"\ud800"}"#, 10), Err(JsonError::Syntax(_))));
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(parse_object(deep.as_bytes(), 100_000), Err(JsonError::Syntax(_))));
    }
}
