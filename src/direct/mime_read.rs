//! Reading a MIME entity's header block (RFC 5322 §2.2): fields unfolded, in order, and where
//! the body starts. For the few fields read by name (`X-Direct-Context`, `Message-ID`), which
//! are ASCII; structured parsing (addresses, parameters, encodings) is mail-parser's.

/// Most header bytes read.
const MAX_HEADER: usize = 1 << 20;

/// The header fields of `entity` — (name, unfolded value) — and the offset of its body.
/// `None` when the entity has no header block (no line that ends it within the limit).
pub(crate) fn header_fields(entity: &[u8]) -> Option<(Vec<(String, String)>, usize)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut offset = 0;
    loop {
        if offset > MAX_HEADER {
            return None;
        }
        let rest = entity.get(offset..)?;
        let end = rest.iter().position(|b| *b == b'\n')?;
        let line = rest.get(..end)?;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        offset += end + 1;
        if line.is_empty() {
            return Some((fields, offset));
        }
        let text = String::from_utf8_lossy(line);
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            let (_, value) = fields.last_mut()?;
            value.push(' ');
            value.push_str(text.trim());
            continue;
        }
        let (name, value) = text.split_once(':')?;
        fields.push((name.trim().to_string(), value.trim().to_string()));
    }
}

/// The first field named `name` (ASCII case-insensitive) among `fields`.
pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_unfolded_fields_and_the_body_offset() {
        let entity = b"Content-Type: message/rfc822\r\nX-Long: a\r\n b\r\n\r\nFrom: x@y\r\n\r\nbody";
        let (fields, body) = header_fields(entity).unwrap();
        assert_eq!(field(&fields, "content-type"), Some("message/rfc822"));
        assert_eq!(field(&fields, "x-long"), Some("a b"));
        assert_eq!(&entity[body..body + 10], b"From: x@y\r");
        assert_eq!(header_fields(b"no header end"), None);
        assert_eq!(header_fields(b" starts folded\r\n\r\n"), None);
        let (fields, _) = header_fields(b"A: 1\nB: 2\n\n").unwrap();
        assert_eq!(field(&fields, "b"), Some("2"));
    }
}
