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

/// base64 with line breaks (and surrounding white space) removed, then decoded: strictly in
/// the common case (lines of the alphabet ending in CRLF or LF), else leniently.
pub(crate) fn decode_base64(body: &[u8]) -> Vec<u8> {
    decode_lines(body).or_else(|| decode_compacted(body)).unwrap_or_else(|| decode_lenient(body))
}

/// The lines gathered at a time: small enough that the batch stays in the L1 cache beside
/// the streams read and written (measured: 32 KiB batches took half as long again as 4 KiB).
const BATCH: usize = 4 << 10;

/// Lines up to this long (RFC 2045 allows 76 characters) are copied into the batch as this
/// many bytes — a copy of constant size, inlined — and the excess cut off.
const WINDOW: usize = 80;

/// The strict decoding of the body without its line ends and trailing white space, read in
/// one pass: lines are gathered into a batch (in cache) that is decoded when full, so no
/// compacted copy of a large body is written to memory and read back. A line end is looked
/// for where the previous line's length puts it, else searched: an LF left inside a line by
/// a wrong guess is outside the alphabet and fails the decoding, which then goes to
/// [`decode_compacted`], so success here means that every LF (and the CR before it) was
/// removed, as there. `None` when strict decoding fails, or when a batch would end with
/// padding (the whole body would then have padding before its end, which strict decoding
/// refuses).
fn decode_lines(body: &[u8]) -> Option<Vec<u8>> {
    let body = body.trim_ascii_end();
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 3);
    let mut batch = vec![0u8; BATCH + WINDOW];
    let mut filled = 0;
    let mut rest = body;
    // The previous line's length with its line end, and without.
    let (mut stride, mut text) = (0usize, 0usize);
    while !rest.is_empty() {
        let predicted = match rest.get(text..stride) {
            Some(b"\r\n" | b"\n") => rest.get(..text).is_some_and(|line| line.last() != Some(&b'\r')),
            _ => false,
        };
        if !predicted {
            stride = memchr::memchr(b'\n', rest).map_or(rest.len(), |at| at + 1);
            let line = rest.get(..stride)?;
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            text = line.strip_suffix(b"\r").unwrap_or(line).len();
        }
        let slot = batch.get_mut(filled..).and_then(<[u8]>::first_chunk_mut::<WINDOW>);
        match (rest.first_chunk::<WINDOW>(), slot) {
            (Some(window), Some(slot)) if text <= WINDOW => *slot = *window,
            _ => {
                // A long line, or the last bytes of the body.
                if batch.len() < filled + text + WINDOW {
                    batch.resize(filled + text + WINDOW, 0);
                }
                batch.get_mut(filled..filled + text)?.copy_from_slice(rest.get(..text)?);
            }
        }
        filled += text;
        rest = rest.get(stride..)?;
        if filled >= BATCH && !rest.is_empty() {
            let whole = filled / 4 * 4;
            let ready = batch.get(..whole)?;
            if ready.last() == Some(&b'=') {
                return None;
            }
            base64_simd::STANDARD.decode_append(ready, &mut out).ok()?;
            batch.copy_within(whole..filled, 0);
            filled -= whole;
        }
    }
    base64_simd::STANDARD.decode_append(batch.get(..filled)?, &mut out).ok()?;
    Some(out)
}

/// The strict decoding of the body without its line ends (every LF, and the CR before one)
/// and trailing white space; `None` when that is not base64.
fn decode_compacted(body: &[u8]) -> Option<Vec<u8>> {
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
    base64_simd::STANDARD.decode_to_vec(&compact).ok()
}

/// RFC 2045 §6.8: characters outside the alphabet are ignored; decoding ends at padding.
fn decode_lenient(body: &[u8]) -> Vec<u8> {
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

    /// What decoding gave before the batched path: the compacted body decoded strictly, else
    /// leniently.
    fn reference(body: &[u8]) -> Vec<u8> {
        decode_compacted(body).unwrap_or_else(|| decode_lenient(body))
    }

    /// `text` cut into lines of the lengths `widths` cycles through, each ended by `end`.
    fn lines(text: &[u8], widths: &[usize], end: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut rest, mut i) = (text, 0);
        while !rest.is_empty() {
            let (line, next) = rest.split_at(widths[i % widths.len()].min(rest.len()));
            out.extend_from_slice(line);
            out.extend_from_slice(end);
            (rest, i) = (next, i + 1);
        }
        out
    }

    #[test]
    fn batched_lines_decode_as_the_compacted_body() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for len in [0, 1, 2, 3, 57, 24_576, 24_577, 100_000] {
            let text = base64_simd::STANDARD.encode_to_string(&data[..len]).into_bytes();
            for widths in [&[76][..], &[64], &[4], &[76, 76, 75, 77], &[3, 100, 76], &[200_000]] {
                for end in [&b"\r\n"[..], b"\n", b"\r\r\n", b" \r\n"] {
                    let body = lines(&text, widths, end);
                    let fast = decode_lines(&body);
                    if end.len() <= 2 {
                        assert_eq!(fast.as_deref(), Some(&data[..len]), "{len} {widths:?} {end:?}");
                    }
                    if let Some(fast) = &fast {
                        assert_eq!(Some(fast), decode_compacted(&body).as_ref(), "{len} {widths:?} {end:?}");
                    }
                    assert_eq!(decode_base64(&body), reference(&body), "{len} {widths:?} {end:?}");
                }
            }
        }
    }

    #[test]
    fn irregular_bodies_decode_as_before() {
        // A line shorter than the one before, its LF where the longer length predicts one.
        let body = b"AAAA\nA\nAA\nA\n";
        assert_eq!(decode_lines(body), None);
        assert_eq!(decode_base64(body), [0; 6]);
        assert_eq!(decode_base64(b"\n\n\r\n"), reference(b"\n\n\r\n"));
        // Padding inside the body, at the end of a batch and elsewhere: lenient, ends there.
        let mut body = lines(&vec![b'A'; BATCH - 4], &[76], b"\r\n");
        body.extend_from_slice(b"QQ==\r\nQUFB\r\n");
        assert_eq!(decode_lines(&body), None);
        assert_eq!(decode_base64(&body), reference(&body));
        assert_eq!(decode_base64(&body).len(), (BATCH - 4) / 4 * 3 + 1);
        assert_eq!(decode_base64(b"QQ==QUFB"), reference(b"QQ==QUFB"));
        // Bare CR, tabs, junk: strict decoding fails on the way, the lenient reading decides.
        for body in [&b"aGVs\rbG8=\n"[..], b"aGVs\tbG8=", b"aG*VsbG8=", b"=", b"a"] {
            assert_eq!(decode_lines(body), None, "{body:?}");
            assert_eq!(decode_base64(body), reference(body), "{body:?}");
        }
    }
}
