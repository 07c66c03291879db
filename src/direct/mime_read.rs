//! Reading MIME (RFC 2045, RFC 2046, RFC 5322) once, without decoding: a message's structure
//! — each entity's header block, parsed by mail-parser, and the byte range of its body; the
//! parts of multiparts (found by their boundary delimiters, RFC 2046 §5.1.1); the message inside
//! `message/rfc822` — within the limits. Bodies are decoded (base64, quoted-printable) only
//! when read ([`decode`]), and only then: verifying a message with a 10 MB attachment does not
//! pay for decoding it.
//!
//! Delimiters: a line `--boundary` (the close delimiter `--boundary--`), optionally followed by
//! white space, at the start of the body or after a line break. The line break before a
//! delimiter belongs to the delimiter, so a part ends where that line break begins. Line breaks
//! are CRLF, or LF alone in messages stored with Unix line ends.

use core::ops::Range;

use mail_parser::{Message, MessageParser, MimeHeaders};

use super::{DirectError, Limits};

/// Most header bytes read for one entity.
const MAX_HEADER: usize = 1 << 20;

/// One MIME entity: its parsed header and where its body lies in the message's bytes.
pub(crate) struct Entity<'a> {
    /// Its body.
    pub(crate) body: Range<usize>,
    /// mail-parser's reading of its header block (the body left out).
    pub(crate) header: Message<'a>,
    /// `type/subtype`, lowercase (`text/plain` when absent).
    pub(crate) content_type: String,
    /// The parts of a multipart.
    pub(crate) children: Vec<Entity<'a>>,
    /// The message of a `message/rfc822` (or `message/global`) entity.
    pub(crate) nested: Option<Box<Entity<'a>>>,
}

impl<'a> Entity<'a> {
    /// A parameter of the Content-Type field (`boundary`, `protocol`, `smime-type`, ...).
    pub(crate) fn content_type_param(&self, name: &str) -> Option<&str> {
        self.header.parts.first()?.content_type()?.attribute(name)
    }

    /// The header's view as a part (Content-Disposition, Content-ID, transfer encoding).
    pub(crate) fn headers(&self) -> Option<&mail_parser::MessagePart<'a>> {
        self.header.parts.first()
    }
}

/// Where the header block of `bytes[start..end]` ends: the offset of the body. An entity that
/// starts with a line break has no header fields; one without an empty line is all header.
fn header_end(bytes: &[u8], start: usize, end: usize) -> usize {
    let entity = bytes.get(start..end).unwrap_or_default();
    if entity.starts_with(b"\r\n") {
        return start + 2;
    }
    if entity.starts_with(b"\n") {
        return start + 1;
    }
    let window = entity.get(..entity.len().min(MAX_HEADER)).unwrap_or(entity);
    for found in memchr::memchr_iter(b'\n', window) {
        let next = window.get(found + 1..).unwrap_or_default();
        if next.starts_with(b"\r\n") {
            return start + found + 3;
        }
        if next.starts_with(b"\n") {
            return start + found + 2;
        }
    }
    end
}

/// Parses a header block with mail-parser (which then has no body to decode). mail-parser 0.11
/// has a `debug_assert!` that hostile input reaches; in a debug build the panic is contained
/// and the header treated as unparsable.
fn parse_header(block: &[u8]) -> Option<Message<'_>> {
    std::panic::catch_unwind(|| MessageParser::default().parse(block)).ok().flatten()
}

/// `type/subtype` of a parsed header, lowercase (`text/plain` when absent).
pub(crate) fn content_type_of(part: Option<&mail_parser::MessagePart<'_>>) -> String {
    match part.and_then(|p| p.content_type()) {
        Some(ct) => match &ct.c_subtype {
            Some(sub) => format!("{}/{}", ct.c_type, sub).to_ascii_lowercase(),
            None => ct.c_type.to_ascii_lowercase(),
        },
        None => "text/plain".to_string(),
    }
}

/// The parts of a multipart body `bytes[body]` with this boundary: the ranges between the
/// delimiters (a preamble and an epilogue are left out). `None` when there is no delimiter.
fn split_parts(bytes: &[u8], body: Range<usize>, boundary: &str, known: Option<&[usize]>) -> Vec<Range<usize>> {
    let region = bytes.get(body.clone()).unwrap_or_default();
    let dash_boundary = format!("--{boundary}");
    let needle = format!("\n{dash_boundary}");
    // (where the delimiter's line break starts, where its line ends, close delimiter?)
    let mut delimiters: Vec<(usize, usize, bool)> = Vec::new();
    let mut check = |line_start: usize, break_start: usize| {
        let after = region.get(line_start + dash_boundary.len()..).unwrap_or_default();
        let (close, rest) = match after.strip_prefix(b"--") {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        let padding = rest.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
        let rest = rest.get(padding..).unwrap_or_default();
        let line_end = if rest.is_empty() {
            Some(region.len())
        } else if rest.starts_with(b"\r\n") {
            Some(region.len() - rest.len() + 2)
        } else if rest.starts_with(b"\n") {
            Some(region.len() - rest.len() + 1)
        } else {
            None
        };
        if let Some(line_end) = line_end {
            delimiters.push((break_start, line_end, close));
        }
        close && line_end.is_some()
    };
    let mut closed = region.starts_with(dash_boundary.as_bytes()) && check(0, 0);
    // Where the needle occurs: found now, or already while the bytes were hashed.
    let found: Box<dyn Iterator<Item = usize>> = match known {
        Some(positions) => {
            Box::new(positions.iter().filter(|p| **p >= body.start && **p < body.end).map(move |p| p - body.start))
        }
        None => Box::new(memchr::memmem::find_iter(region, needle.as_bytes())),
    };
    if !closed {
        for found in found {
            let break_start = if found > 0 && region.get(found - 1) == Some(&b'\r') { found - 1 } else { found };
            if check(found + 1, break_start) {
                closed = true;
                break;
            }
        }
    }
    let mut parts = Vec::new();
    for pair in delimiters.windows(2) {
        if let [(_, line_end, false), (next_break, _, _)] = pair {
            parts.push(body.start + line_end..body.start + (*next_break).max(*line_end));
        }
    }
    // Without a close delimiter the last part runs to the end of the body.
    if !closed && let Some((_, line_end, false)) = delimiters.last() {
        parts.push(body.start + line_end..body.end);
    }
    parts
}

/// Where a boundary's delimiter needle (`\n--boundary`, [`needle`]) occurs in a region, found
/// beforehand (while the region was hashed).
pub(crate) struct KnownDelimiters {
    pub(crate) boundary: String,
    pub(crate) region: Range<usize>,
    pub(crate) positions: Vec<usize>,
}

impl KnownDelimiters {
    /// The same delimiters in a buffer where the searched bytes start at `offset`.
    pub(crate) fn shifted(self, offset: usize) -> Self {
        let region = self.region.start + offset..self.region.end + offset;
        KnownDelimiters {
            boundary: self.boundary,
            region,
            positions: self.positions.iter().map(|p| p + offset).collect(),
        }
    }
}

/// The needle whose matches are a boundary's delimiter candidates.
pub(crate) fn needle(boundary: &str) -> Vec<u8> {
    format!("\n--{boundary}").into_bytes()
}

/// Whether a delimiter line of `boundary` starts at `line_start` of `bytes` (`--boundary`,
/// optionally `--`, optional white space, then a line end or the end).
pub(crate) fn is_delimiter(bytes: &[u8], line_start: usize, boundary: &str) -> bool {
    let Some(after) = bytes.get(line_start..).and_then(|b| b.strip_prefix(b"--")) else { return false };
    let Some(after) = after.strip_prefix(boundary.as_bytes()) else { return false };
    let after = after.strip_prefix(b"--").unwrap_or(after);
    let padding = after.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
    let rest = after.get(padding..).unwrap_or_default();
    rest.is_empty() || rest.starts_with(b"\r\n") || rest.starts_with(b"\n")
}

/// Whether a delimiter of `boundary` occurs in `bytes` (after a line break).
pub(crate) fn has_delimiter(bytes: &[u8], boundary: &str) -> bool {
    memchr::memmem::find_iter(bytes, &needle(boundary)).any(|at| is_delimiter(bytes, at + 1, boundary))
}

/// The two parts of a `multipart/signed` body: (content, signature). The first delimiter is
/// searched from the start and the last two from the end, so that the content — megabytes,
/// hashed anyway — is not searched here: the caller must check, while it hashes the content,
/// that no delimiter of `boundary` occurs in it ([`needle`], [`is_delimiter`]), which makes the
/// result the same as a forward reading's. The signature part, small, is checked here.
pub(crate) fn split_signed(
    bytes: &[u8],
    body: Range<usize>,
    boundary: &str,
) -> Result<(Range<usize>, Range<usize>), DirectError> {
    let region = bytes.get(body.clone()).unwrap_or_default();
    let needle = needle(boundary);
    let line_end = |line_start: usize| {
        let rest = region.get(line_start..).unwrap_or_default();
        memchr::memchr(b'\n', rest).map_or(region.len(), |i| line_start + i + 1)
    };
    let break_start = |at: usize| if at > 0 && region.get(at - 1) == Some(&b'\r') { at - 1 } else { at };
    let is_close =
        |line_start: usize| region.get(line_start + 2 + boundary.len()..).is_some_and(|r| r.starts_with(b"--"));
    let two_parts = |n: &str| DirectError::Mime(format!("multipart/signed must have exactly two parts, not {n}"));
    // The first delimiter, from the start.
    let first = if is_delimiter(region, 0, boundary) {
        Some(0)
    } else {
        memchr::memmem::find_iter(region, &needle).map(|at| at + 1).find(|line| is_delimiter(region, *line, boundary))
    };
    let first = first.ok_or_else(|| two_parts("0"))?;
    if is_close(first) {
        return Err(two_parts("0"));
    }
    let content_start = line_end(first);
    // The last delimiter that is not a close one: where the signature part starts.
    let second = memchr::memmem::rfind_iter(region, &needle)
        .map(|at| at + 1)
        .take_while(|line| *line > first)
        .find(|line| is_delimiter(region, *line, boundary) && !is_close(*line))
        .ok_or_else(|| two_parts("1"))?;
    let signature_start = line_end(second);
    // Between the signature part and a close delimiter, no other delimiter.
    let mut signature_end = region.len();
    let tail = region.get(signature_start..).unwrap_or_default();
    for at in memchr::memmem::find_iter(tail, &needle) {
        let line = signature_start + at + 1;
        if is_delimiter(region, line, boundary) {
            if !is_close(line) {
                return Err(two_parts("more than 2"));
            }
            signature_end = break_start(signature_start + at);
            break;
        }
    }
    let content_end = break_start(second - 1).max(content_start);
    Ok((
        body.start + content_start..body.start + content_end,
        body.start + signature_start..body.start + signature_end.max(signature_start),
    ))
}

/// Counts entities and depth against the limits while reading.
pub(crate) struct Reader<'l> {
    limits: &'l Limits,
    entities: usize,
    known: Vec<KnownDelimiters>,
}

impl<'l> Reader<'l> {
    pub(crate) fn new(limits: &'l Limits) -> Self {
        Reader { limits, entities: 0, known: Vec::new() }
    }

    /// Uses delimiter positions found beforehand instead of searching for them again.
    pub(crate) fn with_known(mut self, known: Vec<KnownDelimiters>) -> Self {
        self.known = known;
        self
    }

    /// Reads the entity `bytes[range]` at nesting `depth`, and everything inside it when
    /// `deep` (else only its parts' headers: the caller reads the parts it needs later).
    pub(crate) fn entity<'a>(
        &mut self,
        bytes: &'a [u8],
        range: Range<usize>,
        depth: usize,
        deep: bool,
    ) -> Result<Entity<'a>, DirectError> {
        if depth > self.limits.max_mime_depth {
            return Err(DirectError::LimitExceeded { what: "nested MIME levels", limit: self.limits.max_mime_depth });
        }
        self.entities += 1;
        if self.entities > self.limits.max_mime_parts {
            return Err(DirectError::LimitExceeded { what: "MIME parts", limit: self.limits.max_mime_parts });
        }
        let body_start = header_end(bytes, range.start, range.end);
        let block = bytes.get(range.start..body_start).unwrap_or_default();
        let header = parse_header(block).ok_or_else(|| DirectError::Mime("unparsable header".into()))?;
        let content_type = content_type_of(header.parts.first());
        let mut entity =
            Entity { body: body_start..range.end, header, content_type, children: Vec::new(), nested: None };
        if entity.content_type.starts_with("multipart/") {
            let boundary = entity
                .content_type_param("boundary")
                .filter(|b| !b.is_empty())
                .ok_or_else(|| DirectError::Mime(format!("{} without a boundary", entity.content_type)))?
                .to_string();
            let known = self
                .known
                .iter()
                .find(|k| {
                    k.boundary == boundary && k.region.start <= entity.body.start && entity.body.end <= k.region.end
                })
                .map(|k| k.positions.clone());
            for part in split_parts(bytes, entity.body.clone(), &boundary, known.as_deref()) {
                let child = if deep {
                    self.entity(bytes, part, depth + 1, true)?
                } else {
                    Reader::new(self.limits).shallow(bytes, part)?
                };
                entity.children.push(child);
            }
        } else if deep && matches!(entity.content_type.as_str(), "message/rfc822" | "message/global") {
            let nested = self.entity(bytes, entity.body.clone(), depth + 1, true)?;
            entity.nested = Some(Box::new(nested));
        }
        Ok(entity)
    }
}

impl Reader<'_> {
    /// An entity's header alone (its body's structure unread).
    pub(crate) fn shallow<'a>(&mut self, bytes: &'a [u8], range: Range<usize>) -> Result<Entity<'a>, DirectError> {
        let body_start = header_end(bytes, range.start, range.end);
        let block = bytes.get(range.start..body_start).unwrap_or_default();
        let header = parse_header(block).ok_or_else(|| DirectError::Mime("unparsable header".into()))?;
        let content_type = content_type_of(header.parts.first());
        Ok(Entity { body: body_start..range.end, header, content_type, children: Vec::new(), nested: None })
    }
}

/// A message's header alone (its body's structure unread), or, without a header, a text/plain
/// body ([`read_message`]).
pub(crate) fn read_root<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Entity<'a>, DirectError> {
    if bytes.len() > limits.max_message_len {
        return Err(DirectError::TooLarge { what: "MIME entity", size: bytes.len(), limit: limits.max_message_len });
    }
    if starts_with_field(bytes) {
        return Reader::new(limits).shallow(bytes, 0..bytes.len());
    }
    read_message(bytes, limits, false)
}

/// The boundary of the multipart at the top of `entity` (inside a wrapping `message/rfc822`
/// when there is one) and the body it splits, for searching its delimiters beforehand.
pub(crate) fn top_multipart(entity: &[u8], limits: &Limits) -> Option<(String, Range<usize>)> {
    if !starts_with_field(entity) {
        return None;
    }
    let mut reader = Reader::new(limits);
    let mut root = reader.shallow(entity, 0..entity.len()).ok()?;
    if matches!(root.content_type.as_str(), "message/rfc822" | "message/global")
        && starts_with_field(entity.get(root.body.clone())?)
    {
        root = reader.shallow(entity, root.body.clone()).ok()?;
    }
    if !root.content_type.starts_with("multipart/") {
        return None;
    }
    Some((root.content_type_param("boundary")?.to_string(), root.body.clone()))
}

/// Reads a whole message — deeply, or (`deep` false) its header and its parts' headers — when it
/// starts with a header field.
pub(crate) fn read_message<'a>(bytes: &'a [u8], limits: &Limits, deep: bool) -> Result<Entity<'a>, DirectError> {
    if bytes.len() > limits.max_message_len {
        return Err(DirectError::TooLarge { what: "MIME entity", size: bytes.len(), limit: limits.max_message_len });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DirectError::Mime("no MIME headers found".into()));
    }
    if !starts_with_field(bytes) {
        // Content without a header: a text/plain body (RFC 2045 §5.2), which callers refuse
        // for what it is.
        let header = parse_header(b"Content-Type: text/plain\r\n\r\n")
            .ok_or_else(|| DirectError::Mime("no MIME headers found".into()))?;
        return Ok(Entity {
            body: 0..bytes.len(),
            header,
            content_type: "text/plain".into(),
            children: Vec::new(),
            nested: None,
        });
    }
    Reader::new(limits).entity(bytes, 0..bytes.len(), 0, deep)
}

/// Whether `bytes` starts with a header field (`Name:`).
pub(crate) fn starts_with_field(bytes: &[u8]) -> bool {
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    match line.iter().position(|b| *b == b':') {
        Some(colon) => colon > 0 && line.iter().take(colon).all(|b| b.is_ascii_graphic() && *b != b':'),
        None => false,
    }
}

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
    use crate::direct::transfer_encoding::{TransferEncoding, decode};

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

    fn parts_of<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
        split_parts(body, 0..body.len(), boundary, None).into_iter().map(|r| &body[r]).collect()
    }

    #[test]
    fn splits_at_delimiters_only() {
        let body = b"preamble\r\n--b\r\nA: 1\r\n\r\none\r\n--b \r\n\r\ntwo\r\n\r\n--b--\r\nepilogue\r\n--b\r\nno";
        assert_eq!(parts_of(body, "b"), [&b"A: 1\r\n\r\none"[..], &b"\r\ntwo\r\n"[..]]);
        // The boundary as the prefix of a longer line is no delimiter.
        let body = b"--b\r\nx\r\n--bc\r\ny\r\n--b--";
        assert_eq!(parts_of(body, "b"), [&b"x\r\n--bc\r\ny"[..]]);
        // LF line ends, and a missing close delimiter.
        assert_eq!(parts_of(b"--b\nx\n--b\ny\n", "b"), [&b"x"[..], &b"y\n"[..]]);
        assert!(parts_of(b"no delimiter", "b").is_empty());
        assert_eq!(parts_of(b"--b--\r\n--b\r\nafter", "b"), Vec::<&[u8]>::new());
    }

    #[test]
    fn splits_multipart_signed_from_both_ends() {
        let body = b"preamble\r\n--s\r\nContent-Type: text/plain\r\n\r\nsigned\r\n--s\r\nsig\r\n--s--\r\nepilogue";
        let (content, signature) = split_signed(body, 0..body.len(), "s").unwrap();
        assert_eq!(&body[content], b"Content-Type: text/plain\r\n\r\nsigned");
        assert_eq!(&body[signature], b"sig");
        // A third part after the signature's, and no part at all, are refused here; a third
        // part inside the content is left to the caller's check while it hashes.
        let three = b"--s\r\na\r\n--s\r\nb\r\n--s\r\nc\r\n--s--\r\n";
        let (content, _) = split_signed(three, 0..three.len(), "s").unwrap();
        let inside = &three[content.clone()];
        assert!(memchr::memmem::find_iter(inside, &needle("s")).any(|at| is_delimiter(inside, at + 1, "s")));
        let unclosed = b"--s\r\na\r\n--s\r\nb\r\n--s\r\nc";
        assert!(split_signed(unclosed, 0..unclosed.len(), "s").is_ok());
        assert!(split_signed(b"--s--\r\n", 0..7, "s").is_err());
        assert!(split_signed(b"--s\r\nonly\r\n--s--", 0..18, "s").is_err());
        assert!(split_signed(b"no delimiter", 0..12, "s").is_err());
        assert!(is_delimiter(b"--s \t\r\n", 0, "s") && is_delimiter(b"--s--", 0, "s"));
        assert!(!is_delimiter(b"--sx\r\n", 0, "s"));
    }

    #[test]
    fn reads_nested_structure_within_limits() {
        let message = b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\
Content-Type: message/rfc822\r\n\r\nContent-Type: text/plain\r\n\r\ninner\r\n--x\r\n\
Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\naGVs\r\nbG8=\r\n--x--\r\n";
        let root = read_message(message, &Limits::default(), true).unwrap();
        assert_eq!(root.content_type, "multipart/mixed");
        assert_eq!(root.children.len(), 2);
        let nested = root.children[0].nested.as_ref().unwrap();
        assert_eq!(&message[nested.body.clone()], b"inner");
        let pdf = &root.children[1];
        assert_eq!(decode(&message[pdf.body.clone()], TransferEncoding::of(pdf.headers())), b"hello");
        let tight = Limits { max_mime_parts: 3, ..Limits::default() };
        assert!(matches!(read_message(message, &tight, true), Err(DirectError::LimitExceeded { .. })));
        let shallow = Limits { max_mime_depth: 1, ..Limits::default() };
        assert!(matches!(read_message(message, &shallow, true), Err(DirectError::LimitExceeded { .. })));
        assert_eq!(read_message(b"no header here", &Limits::default(), true).unwrap().content_type, "text/plain");
        assert!(read_message(b" \r\n", &Limits::default(), true).is_err());
        assert!(read_message(b"Content-Type: multipart/mixed\r\n\r\n", &Limits::default(), true).is_err());
    }
}
