//! A minimal JSON value that keeps object keys in the order they were written, so the
//! `--json` output reads in a stable, documented order.

use core::fmt::{self, Display, Write};

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A non-negative integer.
    Uint(u64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object; keys are written in this order.
    Object(Vec<(&'static str, Json)>),
    /// Any JSON value as parsed (e.g. JWT claims), written compactly by `serde_json`.
    Value(serde_json::Value),
}

impl Json {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    /// `value` as a string, or `null`.
    pub fn opt_str(value: Option<impl Into<String>>) -> Json {
        value.map_or(Json::Null, Json::str)
    }
}

impl From<usize> for Json {
    fn from(n: usize) -> Json {
        Json::Uint(u64::try_from(n).unwrap_or(u64::MAX))
    }
}

fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if u32::from(c) < 0x20 || c == '\u{7f}' => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

impl Display for Json {
    /// Compact JSON on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Uint(n) => write!(f, "{n}"),
            Json::Str(s) => write_string(f, s),
            Json::Array(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Json::Object(fields) => {
                f.write_char('{')?;
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_string(f, key)?;
                    write!(f, ":{value}")?;
                }
                f.write_char('}')
            }
            Json::Value(value) => write!(f, "{value}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_ordered_escaped_json() {
        let v = Json::Object(vec![
            ("b", Json::Array(vec![Json::Bool(true), Json::Null, Json::Uint(7)])),
            ("a", Json::str("q\"\\\n\u{1}é")),
        ]);
        assert_eq!(v.to_string(), r#"{"b":[true,null,7],"a":"q\"\\\n\u0001é"}"#);
        let claims = serde_json::json!({"iss": "a\nb", "n": [1.5, -2, null]});
        assert_eq!(Json::Value(claims).to_string(), r#"{"iss":"a\nb","n":[1.5,-2,null]}"#);
    }
}
