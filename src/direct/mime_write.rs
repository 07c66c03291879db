//! Writing MIME (RFC 2045, RFC 5322): header values, dates, base64 bodies, boundaries, and
//! the split of a message's header into the fields that describe its content (`Content-*`)
//! and the others, which S/MIME protection leaves outside (RFC 8551 §3.1).

use base64ct::{Base64, Encoding};
use rustls_pki_types::UnixTime;
use sha2::{Digest, Sha256};

use super::DirectError;
use crate::cert::hex_string;

fn failed(e: impl core::fmt::Display) -> DirectError {
    DirectError::Signing(e.to_string())
}

/// An RFC 5322 date: `Sat, 28 Nov 2026 17:15:54 +0000`.
pub(crate) fn rfc5322_date(time: UnixTime) -> Result<String, DirectError> {
    let secs = time.as_secs();
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(time.as_secs())).map_err(failed)?;
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let weekday = DAYS.get(usize::try_from((secs / 86_400) % 7).unwrap_or(0)).copied().unwrap_or("Thu");
    let month = MONTHS.get(usize::from(dt.month().saturating_sub(1))).copied().unwrap_or("Jan");
    Ok(format!(
        "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} +0000",
        dt.day(),
        dt.year(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    ))
}

/// Base64 in lines of 76 characters, each ending with CRLF.
pub(crate) fn base64_lines(bytes: &[u8]) -> String {
    let encoded = Base64::encode_string(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// A header value without line breaks, RFC 2047-encoded when it is not ASCII.
pub(crate) fn header_value(name: &str, value: &str) -> Result<String, DirectError> {
    if value.contains(['\r', '\n']) {
        return Err(DirectError::Signing(format!("the {name} header value contains a line break")));
    }
    if value.is_ascii() {
        Ok(value.to_string())
    } else {
        Ok(format!("=?UTF-8?B?{}?=", Base64::encode_string(value.as_bytes())))
    }
}

/// A filename safe inside a quoted parameter: printable ASCII, quotes and backslashes replaced.
pub(crate) fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String =
        base.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    if cleaned.trim().is_empty() { "attachment".to_string() } else { cleaned }
}

/// Text with CRLF line ends, and the transfer encoding that carries it unchanged.
pub(crate) fn text_body(text: &str) -> (String, &'static str) {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n").replace('\n', "\r\n");
    let seven_bit = normalized.is_ascii() && normalized.split("\r\n").all(|l| l.len() <= 998);
    if seven_bit {
        let mut body = normalized;
        if !body.ends_with("\r\n") {
            body.push_str("\r\n");
        }
        (body, "7bit")
    } else {
        (base64_lines(normalized.as_bytes()), "base64")
    }
}

/// A boundary that does not occur in `content`.
pub(crate) fn boundary(prefix: &str, content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let base = format!("{prefix}{}", hex_string(digest.get(..12).unwrap_or_default()));
    let mut candidate = base.clone();
    let mut n = 0u32;
    while content.windows(candidate.len() + 2).any(|w| w.starts_with(b"--") && w.ends_with(candidate.as_bytes())) {
        n += 1;
        candidate = format!("{base}.{n}");
    }
    candidate
}

/// A message's header split for S/MIME protection: the fields that describe the content
/// (`Content-*`), which go inside with the body, and the others (From, To, Subject, Date,
/// Message-ID, ...), which stay outside; `MIME-Version` is dropped (the outer header gets its
/// own). Fields keep their folding and line ends.
pub(crate) fn split_header(message: &[u8]) -> Result<SplitHeader<'_>, DirectError> {
    let mut fields: Vec<&[u8]> = Vec::new();
    let mut rest = message;
    loop {
        let line_end = rest.iter().position(|b| *b == b'\n').map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(line_end);
        if line.is_empty() {
            return Err(DirectError::Mime("the message has no body (no empty line after its header)".into()));
        }
        rest = after;
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        match (line.first(), fields.last_mut()) {
            // A continuation line belongs to the field before it.
            (Some(b' ' | b'\t'), Some(last)) => {
                let start = message.len() - after.len() - line.len() - last.len();
                *last = message.get(start..message.len() - after.len()).unwrap_or_default();
            }
            (Some(b' ' | b'\t'), None) => {
                return Err(DirectError::Mime("the header starts with a continuation".into()));
            }
            _ if !line.contains(&b':') => return Err(DirectError::Mime("a header line without a colon".into())),
            _ => fields.push(line),
        }
    }
    let name = |field: &[u8]| {
        let colon = field.iter().position(|b| *b == b':').unwrap_or(0);
        String::from_utf8_lossy(field.get(..colon).unwrap_or_default()).trim().to_ascii_lowercase()
    };
    let (mut outer, mut content) = (Vec::new(), Vec::new());
    for field in fields {
        let name = name(field);
        if name.starts_with("content-") {
            content.extend_from_slice(field);
        } else if name != "mime-version" {
            outer.extend_from_slice(field);
        }
    }
    Ok(SplitHeader { outer, content, body: rest })
}

/// A message's header fields, split by [`split_header`], and its body.
pub(crate) struct SplitHeader<'a> {
    /// The fields that stay outside (From, To, ...), each CRLF- or LF-ended.
    pub(crate) outer: Vec<u8>,
    /// The `Content-*` fields.
    pub(crate) content: Vec<u8>,
    /// The body.
    pub(crate) body: &'a [u8],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_helpers() {
        let t = UnixTime::since_unix_epoch(core::time::Duration::from_secs(1_795_886_154));
        assert_eq!(rfc5322_date(t).unwrap(), "Sat, 28 Nov 2026 17:15:54 +0000");
        assert_eq!(base64_lines(&[0u8; 60]).lines().next().map(str::len), Some(76));
        assert!(header_value("Subject", "a\r\nBcc: x").is_err());
        assert_eq!(header_value("Subject", "é").unwrap(), "=?UTF-8?B?w6k=?=");
        assert_eq!(safe_filename("../a\"b.json"), "a_b.json");
        assert_eq!(text_body("a\nb").0, "a\r\nb\r\n");
        let b = boundary("x", b"--x");
        assert!(b.starts_with('x'));
    }

    #[test]
    fn splits_headers_for_protection() {
        let message = b"From: a@b.example\r\nSubject: hi\r\n there\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/signed;\r\n boundary=x\r\nContent-Transfer-Encoding: 7bit\r\n\r\nbody\r\n";
        let SplitHeader { outer, content, body } = split_header(message).unwrap();
        assert_eq!(outer, b"From: a@b.example\r\nSubject: hi\r\n there\r\n");
        assert_eq!(content, b"Content-Type: multipart/signed;\r\n boundary=x\r\nContent-Transfer-Encoding: 7bit\r\n");
        assert_eq!(body, b"body\r\n");
        let SplitHeader { outer, content, body } =
            split_header(b"To: x@y.example\nContent-Type: text/plain\n\nhi\n").unwrap();
        assert_eq!(
            (outer.as_slice(), content.as_slice(), body),
            (&b"To: x@y.example\n"[..], &b"Content-Type: text/plain\n"[..], &b"hi\n"[..])
        );
        assert!(split_header(b"From: a@b.example\r\n").is_err());
        assert!(split_header(b" folded\r\n\r\n").is_err());
        assert!(split_header(b"no colon\r\n\r\n").is_err());
    }
}
