//! Zero-copy walking of DER TLVs on top of the `der` crate's reader.
//!
//! Certificates are parsed without copying: each field is remembered as a [`Span`] into the
//! original DER, so signatures are always checked over the exact bytes that were signed.

use core::ops::Range;
use der::{Reader, SliceReader, Tag};

/// A byte range inside a DER buffer that owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// The span of `sub`, which must lie inside `base`.
    pub(crate) fn of(base: &[u8], sub: &[u8]) -> Span {
        let start = (sub.as_ptr() as usize).saturating_sub(base.as_ptr() as usize);
        let end = start.saturating_add(sub.len()).min(base.len());
        Span { start: start as u32, end: end as u32 }
    }

    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub(crate) fn get(self, base: &[u8]) -> &[u8] {
        base.get(self.range()).unwrap_or_default()
    }
}

/// One decoded TLV: its tag, the whole encoding, and the value bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: Tag,
    pub(crate) full: &'a [u8],
    pub(crate) value: &'a [u8],
}

/// Reads the next TLV, whatever its tag.
pub(crate) fn read_any<'a>(r: &mut SliceReader<'a>) -> der::Result<Tlv<'a>> {
    // `tlv_bytes` decodes (and checks) the header once; its length is then read off the
    // bytes: a tag octet and a short-form length octet, or 0x8n followed by n length octets.
    let full = r.tlv_bytes()?;
    let tag = der::Reader::decode::<Tag>(&mut SliceReader::new(full.get(..1).unwrap_or_default())?)?;
    let header_len = match full.get(1) {
        Some(l) if l & 0x80 != 0 => 2 + usize::from(l & 0x7f),
        _ => 2,
    };
    let value = full.get(header_len..).unwrap_or_default();
    Ok(Tlv { tag, full, value })
}

/// Reads the next TLV and checks its tag.
pub(crate) fn read_tagged<'a>(r: &mut SliceReader<'a>, tag: Tag) -> der::Result<Tlv<'a>> {
    let tlv = read_any(r)?;
    tlv.tag.assert_eq(tag)?;
    Ok(tlv)
}

/// Reads the next TLV only if it has `tag`.
pub(crate) fn read_optional<'a>(r: &mut SliceReader<'a>, tag: Tag) -> der::Result<Option<Tlv<'a>>> {
    if r.is_finished() || Tag::peek(r)? != tag {
        return Ok(None);
    }
    read_any(r).map(Some)
}

/// Content bytes of a BIT STRING that must have no unused bits.
pub(crate) fn bit_string_bytes<'a>(tlv: &Tlv<'a>) -> der::Result<&'a [u8]> {
    tlv.tag.assert_eq(Tag::BitString)?;
    match tlv.value.split_first() {
        Some((0, rest)) => Ok(rest),
        _ => Err(Tag::BitString.value_error().into()),
    }
}

/// Wraps `value` in a SEQUENCE header (for `rustls-pki-types` values, which omit it).
pub(crate) fn wrap_sequence(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(0x30);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(value);
    out
}
