//! Strict JSON parsing for JWS headers and payloads: `serde_json` silently keeps the last of
//! duplicate member names, so values are built here by a visitor that rejects duplicates (at
//! any depth) and counts object members and array elements against a budget.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why strict parsing failed, beyond plain JSON syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StrictJsonError {
    /// Not JSON (syntax, UTF-8, trailing data, nesting too deep): serde_json's message.
    Syntax(String),
    /// A member name occurs twice in one object.
    Duplicate(String),
    /// More object members plus array elements than the budget allows.
    TooManyEntries,
    /// Valid JSON, but the top level is not an object.
    NotAnObject,
}

impl core::fmt::Display for StrictJsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            StrictJsonError::Syntax(m) => f.write_str(m),
            StrictJsonError::Duplicate(name) => write!(f, "duplicate member {name:?}"),
            StrictJsonError::TooManyEntries => f.write_str("too many members and array elements"),
            StrictJsonError::NotAnObject => f.write_str("not a JSON object"),
        }
    }
}

/// Shared state of one parse: the remaining budget and the first strictness failure.
struct State {
    remaining: Cell<usize>,
    failure: RefCell<Option<StrictJsonError>>,
}

impl State {
    fn fail<E: de::Error>(&self, failure: StrictJsonError) -> E {
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
            None => Err(self.fail(StrictJsonError::TooManyEntries)),
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
                return Err(self.0.fail(StrictJsonError::Duplicate(key)));
            }
            let value = map.next_value_seed(self)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Parses `bytes` as one JSON object, rejecting duplicate member names at any depth and more
/// than `max_entries` object members plus array elements in total.
pub(crate) fn parse_object(bytes: &[u8], max_entries: usize) -> Result<Map<String, Value>, StrictJsonError> {
    let state = State { remaining: Cell::new(max_entries), failure: RefCell::new(None) };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Seed(&state).deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(StrictJsonError::NotAnObject),
        Err(e) => Err(state.failure.into_inner().unwrap_or_else(|| StrictJsonError::Syntax(e.to_string()))),
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
        assert_eq!(parse_object(br#"{"a":1,"a":2}"#, 100), Err(StrictJsonError::Duplicate("a".into())));
        assert_eq!(parse_object(br#"{"x":{"a":1,"a":2}}"#, 100), Err(StrictJsonError::Duplicate("a".into())));
        assert_eq!(parse_object(br#"{"x":[{"k":1,"k":1}]}"#, 100), Err(StrictJsonError::Duplicate("k".into())));
        // Escapes are resolved before comparing.
        assert_eq!(parse_object(br#"{"a":1,"\u0061":2}"#, 100), Err(StrictJsonError::Duplicate("a".into())));
    }

    #[test]
    fn counts_entries() {
        // Two members plus two array elements.
        assert!(parse_object(br#"{"a":[1,2],"b":3}"#, 4).is_ok());
        assert_eq!(parse_object(br#"{"a":[1,2],"b":3}"#, 3), Err(StrictJsonError::TooManyEntries));
        assert!(parse_object(br#"{"a":[]}"#, 1).is_ok());
    }

    #[test]
    fn rejects_non_objects_and_garbage() {
        assert_eq!(parse_object(b"[1]", 10), Err(StrictJsonError::NotAnObject));
        assert_eq!(parse_object(b"\"s\"", 10), Err(StrictJsonError::NotAnObject));
        assert!(matches!(parse_object(b"{} x", 10), Err(StrictJsonError::Syntax(_))));
        assert!(matches!(parse_object(b"{\"a\":1,}", 10), Err(StrictJsonError::Syntax(_))));
        assert!(matches!(parse_object(b"\xef\xbb\xbf{}", 10), Err(StrictJsonError::Syntax(_))));
        assert!(matches!(parse_object(br#"{"a":"\ud800"}"#, 10), Err(StrictJsonError::Syntax(_))));
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(parse_object(deep.as_bytes(), 100_000), Err(StrictJsonError::Syntax(_))));
    }
}
