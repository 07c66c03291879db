//! A small, bounded BER → DER normaliser (X.690 §8 to §10) for the containers real tools write
//! in BER: CMS SignedData streamed by S/MIME agents (indefinite lengths, chunked OCTET STRINGs),
//! and PKCS#7 certificate bundles written by .NET and Windows tools (indefinite lengths).
//!
//! Every length becomes definite and minimal, and constructed universal strings (OCTET STRING,
//! BIT STRING, character strings) become primitive, their segments concatenated — so the
//! eContent octets are exactly those a CMS message digest covers (RFC 5652 §5.3). Nothing else
//! changes: values, tags and the order of SET OF elements are kept, so DER comes out byte for
//! byte identical (a DER certificate inside a BER bundle keeps the bytes its signature covers).
//!
//! Bounded: nesting depth (a limit), number of values (one million), and every length is
//! checked against the bytes that remain.

use crate::error::ParseError;

/// Most TLVs one input may hold (a 20 MB attachment in 1,000-byte BER chunks is 20,000).
const MAX_NODES: usize = 1_000_000;

/// Universal tag numbers whose DER encoding is always primitive.
fn is_string_tag(number: u8) -> bool {
    matches!(number, 3 | 4 | 12 | 18..=22 | 25..=28 | 30)
}

enum Body<'a> {
    Primitive(&'a [u8]),
    Constructed(Vec<Node<'a>>),
    /// A constructed string, flattened: its primitive segments in order and, for a BIT STRING,
    /// the unused-bits count of the last one.
    Flattened {
        segments: Vec<&'a [u8]>,
        unused_bits: Option<u8>,
    },
}

struct Node<'a> {
    ident: &'a [u8],
    body: Body<'a>,
    /// Length of the DER content.
    len: usize,
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    nodes: usize,
    max_depth: usize,
    /// Whether re-encoding changes anything (an indefinite or non-minimal length, a
    /// constructed string): if not, the input is DER already.
    changed: bool,
}

fn malformed(rule: &'static str) -> ParseError {
    ParseError::invalid("BER", rule)
}

fn encoded_len(content: usize) -> usize {
    let len_of_len =
        if content < 0x80 { 1 } else { 1 + (usize::BITS as usize / 8 - content.leading_zeros() as usize / 8) };
    len_of_len + content
}

impl<'a> Parser<'a> {
    fn byte(&mut self) -> Result<u8, ParseError> {
        let b = *self.input.get(self.pos).ok_or_else(|| malformed("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn at_eoc(&self, end: usize) -> bool {
        self.pos + 2 <= end && self.input.get(self.pos..self.pos + 2) == Some(&[0, 0])
    }

    /// Parses one TLV ending at or before `end`.
    fn node(&mut self, end: usize, depth: usize) -> Result<Node<'a>, ParseError> {
        if depth > self.max_depth {
            return Err(ParseError::LimitExceeded { what: "nested BER values", limit: self.max_depth });
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(ParseError::LimitExceeded { what: "BER values", limit: MAX_NODES });
        }
        let start = self.pos;
        let first = self.byte()?;
        if first & 0x1f == 0x1f {
            // High tag number: base-128 digits, at most four of them.
            let mut digits = 0;
            loop {
                digits += 1;
                if digits > 4 {
                    return Err(malformed("tag number too large"));
                }
                if self.byte()? & 0x80 == 0 {
                    break;
                }
            }
        }
        let ident = self.input.get(start..self.pos).ok_or_else(|| malformed("truncated"))?;
        let constructed = first & 0x20 != 0;
        let length = self.byte()?;
        let definite = match length {
            0x80 if constructed => None,
            0x80 => return Err(malformed("indefinite length on a primitive value")),
            0..=0x7f => Some(usize::from(length)),
            0x81..=0x84 => {
                let mut n = 0usize;
                for _ in 0..(length & 0x7f) {
                    n = (n << 8) | usize::from(self.byte()?);
                }
                if encoded_len(n) - n != usize::from(length & 0x7f) + 1 {
                    self.changed = true;
                }
                Some(n)
            }
            _ => return Err(malformed("length too large")),
        };
        let content_end = match definite {
            Some(n) => {
                let e =
                    self.pos.checked_add(n).filter(|e| *e <= end).ok_or_else(|| malformed("length exceeds data"))?;
                Some(e)
            }
            None => {
                self.changed = true;
                None
            }
        };
        if !constructed {
            let e = content_end.unwrap_or(self.pos);
            let content = self.input.get(self.pos..e).ok_or_else(|| malformed("truncated"))?;
            self.pos = e;
            return Ok(Node { ident, body: Body::Primitive(content), len: content.len() });
        }
        let mut children = Vec::new();
        loop {
            match content_end {
                Some(e) if self.pos == e => break,
                Some(e) if self.pos > e => return Err(malformed("value overruns its parent")),
                Some(_) => {}
                None if self.at_eoc(end) => {
                    self.pos += 2;
                    break;
                }
                None if self.pos >= end => return Err(malformed("missing end-of-contents")),
                None => {}
            }
            children.push(self.node(content_end.unwrap_or(end), depth + 1)?);
        }
        let universal_string = first & 0xc0 == 0 && is_string_tag(first & 0x1f);
        if universal_string {
            self.changed = true;
            let mut segments = Vec::new();
            let mut unused_bits = None;
            flatten(first & 0x1f, &children, &mut segments, &mut unused_bits)?;
            let len = segments.iter().map(|s| s.len()).sum::<usize>() + usize::from(unused_bits.is_some());
            return Ok(Node { ident, body: Body::Flattened { segments, unused_bits }, len });
        }
        let len = children.iter().map(|c| c.ident.len() + encoded_len(c.len)).sum();
        Ok(Node { ident, body: Body::Constructed(children), len })
    }
}

/// Collects the primitive segments of a constructed string of universal type `number`.
fn flatten<'a>(
    number: u8,
    children: &[Node<'a>],
    segments: &mut Vec<&'a [u8]>,
    unused_bits: &mut Option<u8>,
) -> Result<(), ParseError> {
    for child in children {
        if child.ident.first().map(|b| b & 0x1f) != Some(number) || child.ident.len() != 1 {
            return Err(malformed("constructed string holds another type"));
        }
        if unused_bits.is_some_and(|u| u != 0) {
            return Err(malformed("BIT STRING segment with unused bits before the last"));
        }
        match &child.body {
            Body::Primitive(content) if number == 3 => {
                let (unused, bits) = content.split_first().ok_or_else(|| malformed("empty BIT STRING segment"))?;
                if *unused > 7 {
                    return Err(malformed("BIT STRING unused bits above 7"));
                }
                *unused_bits = Some(*unused);
                segments.push(bits);
            }
            Body::Primitive(content) => segments.push(content),
            Body::Flattened { segments: inner, unused_bits: inner_unused } => {
                segments.extend_from_slice(inner);
                if number == 3 {
                    *unused_bits = Some(inner_unused.unwrap_or(0));
                }
            }
            Body::Constructed(_) => return Err(malformed("constructed string holds another type")),
        }
    }
    if number == 3 && unused_bits.is_none() {
        *unused_bits = Some(0);
    }
    Ok(())
}

fn write_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    out.push(0x80 | significant.len() as u8);
    out.extend_from_slice(significant);
}

fn emit(node: &Node<'_>, out: &mut Vec<u8>) {
    match &node.body {
        Body::Flattened { segments, unused_bits } => {
            out.extend(node.ident.iter().map(|b| b & !0x20));
            write_len(out, node.len);
            if let Some(u) = unused_bits {
                out.push(*u);
            }
            for s in segments {
                out.extend_from_slice(s);
            }
        }
        Body::Primitive(content) => {
            out.extend_from_slice(node.ident);
            write_len(out, node.len);
            out.extend_from_slice(content);
        }
        Body::Constructed(children) => {
            out.extend_from_slice(node.ident);
            write_len(out, node.len);
            for c in children {
                emit(c, out);
            }
        }
    }
}

/// Re-encodes one BER value (the whole input, nothing after it) as DER, nesting at most
/// `max_depth` constructed values deep.
pub(crate) fn to_der(input: &[u8], max_depth: usize) -> Result<Vec<u8>, ParseError> {
    to_der_cow(input, max_depth).map(std::borrow::Cow::into_owned)
}

/// [`to_der`], borrowing the input when it is DER already (no copy of a large value).
pub(crate) fn to_der_cow(input: &[u8], max_depth: usize) -> Result<std::borrow::Cow<'_, [u8]>, ParseError> {
    let mut parser = Parser { input, pos: 0, nodes: 0, max_depth, changed: false };
    let node = parser.node(input.len(), 0)?;
    if parser.pos != input.len() {
        return Err(malformed("data after the value"));
    }
    if !parser.changed {
        return Ok(std::borrow::Cow::Borrowed(input));
    }
    let mut out = Vec::with_capacity(node.ident.len() + encoded_len(node.len));
    emit(&node, &mut out);
    Ok(std::borrow::Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_is_unchanged() {
        let der = [0x30, 0x06, 0x04, 0x01, 0xaa, 0x31, 0x01, 0x05];
        assert!(to_der(&der, 8).is_err(), "truncated SET");
        let der = [0x30, 0x07, 0x04, 0x01, 0xaa, 0x31, 0x02, 0x05, 0x00];
        assert_eq!(to_der(&der, 8).unwrap(), der);
        let long: Vec<u8> = [&[0x04, 0x81, 0x80][..], &[7u8; 0x80]].concat();
        assert_eq!(to_der(&long, 8).unwrap(), long);
        assert!(matches!(to_der_cow(&long, 8).unwrap(), std::borrow::Cow::Borrowed(_)));
        // A non-minimal length is re-encoded.
        let loose = [0x04, 0x81, 0x01, 0xaa];
        assert_eq!(to_der_cow(&loose, 8).unwrap().as_ref(), &[0x04, 0x01, 0xaa]);
    }

    #[test]
    fn indefinite_and_chunks() {
        // SEQUENCE (indefinite) { [0] (indefinite) { OCTET STRING (constructed) { "ab", "c" } } }
        let ber = [
            0x30, 0x80, 0xa0, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00,
        ];
        let der = [0x30, 0x07, 0xa0, 0x05, 0x04, 0x03, b'a', b'b', b'c'];
        assert_eq!(to_der(&ber, 8).unwrap(), der);
        // Non-minimal length.
        assert_eq!(to_der(&[0x04, 0x81, 0x01, 0x09], 8).unwrap(), [0x04, 0x01, 0x09]);
        // BIT STRING segments.
        let bits = [0x23, 0x80, 0x03, 0x02, 0x00, 0xf0, 0x03, 0x02, 0x04, 0xa0, 0x00, 0x00];
        assert_eq!(to_der(&bits, 8).unwrap(), [0x03, 0x03, 0x04, 0xf0, 0xa0]);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(to_der(&[0x30, 0x80, 0x05, 0x00], 8).is_err(), "missing EOC");
        assert!(to_der(&[0x04, 0x80, 0x00, 0x00], 8).is_err(), "indefinite primitive");
        assert!(to_der(&[0x04, 0x05, 0x00], 8).is_err(), "length beyond data");
        assert!(to_der(&[0x05, 0x00, 0x00], 8).is_err(), "trailing data");
        assert!(to_der(&[0x24, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00], 8).is_err(), "mixed string");
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 20).flatten().chain([0u8; 40]).collect();
        assert!(matches!(to_der(&deep, 8), Err(ParseError::LimitExceeded { what: "nested BER values", limit: 8 })));
        assert!(to_der(&deep, 32).is_ok());
    }
}
