//! Content-Transfer-Encoding (RFC 2045 §6): which one a part names, and removing it.

use base64::Engine;
use mail_parser::MimeHeaders;

/// How a body is transfer-encoded (RFC 2045 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransferEncoding {
    /// 7bit, 8bit, binary, or none given: the body as it is.
    Identity,
    /// base64.
    Base64,
    /// quoted-printable.
    QuotedPrintable,
}

impl TransferEncoding {
    /// The encoding a part's header names.
    pub(crate) fn of(part: Option<&mail_parser::MessagePart<'_>>) -> Self {
        match part.and_then(|p| p.content_transfer_encoding()).map(str::to_ascii_lowercase).as_deref() {
            Some("base64") => TransferEncoding::Base64,
            Some("quoted-printable") => TransferEncoding::QuotedPrintable,
            _ => TransferEncoding::Identity,
        }
    }
}

/// A body with its transfer encoding removed. base64 is decoded strictly after its line
/// breaks are removed (the fast path every conforming agent takes), else leniently, skipping
/// what is not base64 (RFC 2045 §6.8); undecodable quoted-printable is kept as it is.
pub(crate) fn decode(body: &[u8], encoding: TransferEncoding) -> Vec<u8> {
    match encoding {
        TransferEncoding::Identity => body.to_vec(),
        TransferEncoding::QuotedPrintable => {
            mail_parser::decoders::quoted_printable::quoted_printable_decode(body).unwrap_or_else(|| body.to_vec())
        }
        TransferEncoding::Base64 => decode_base64(body),
    }
}

/// base64 with line breaks (and surrounding white space) removed, then decoded.
pub(crate) fn decode_base64(body: &[u8]) -> Vec<u8> {
    // The common case: lines of the alphabet ending in CRLF or LF. Only the line ends are
    // removed here (one byte searched for); anything else makes the strict decoding fail and
    // leaves the body to the lenient reading below.
    let mut compact = Vec::with_capacity(body.len());
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body) {
        let line = body.get(start..end).unwrap_or_default();
        compact.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        start = end + 1;
    }
    compact.extend_from_slice(body.get(start..).unwrap_or_default());
    while compact.last().is_some_and(|b| b.is_ascii_whitespace()) {
        compact.pop();
    }
    if let Ok(decoded) = base64_simd::STANDARD.decode_to_vec(&compact) {
        return decoded;
    }
    // RFC 2045 §6.8: characters outside the alphabet are ignored; decoding ends at padding.
    let mut filtered: Vec<u8> = body
        .iter()
        .copied()
        .take_while(|b| *b != b'=')
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .collect();
    if filtered.len() % 4 == 1 {
        filtered.pop();
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    engine.decode(&filtered).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_fast_and_lenient() {
        assert_eq!(decode_base64(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(decode_base64(b"aGVsbG8"), b"hello");
        // Not base64 at all in places: skipped, as RFC 2045 says.
        assert_eq!(decode_base64(b"aGV*sbG8="), b"hello");
        // White space inside lines, bare CR, LF-only lines, trailing bits: the lenient path.
        assert_eq!(decode_base64(b"aGVs bG8=\r\n"), b"hello");
        assert_eq!(decode_base64(b"aGVs\rbG8=\n"), b"hello");
        assert_eq!(decode_base64(b"aGVs\nbG8=\n\n  \r\n"), b"hello");
        assert_eq!(decode_base64(b"aGVsbG9="), b"hello");
        assert_eq!(decode_base64(b""), b"");
    }
}
