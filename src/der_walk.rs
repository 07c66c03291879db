//! Zero-copy walking of DER TLVs, with the `der` crate deciding every unusual encoding.
//!
//! Certificates are parsed without copying: each field is remembered as a [`Span`] into the
//! original DER, so signatures are always checked over the exact bytes that were signed.

use core::ops::Range;
use der::{Decode, Reader, SliceReader, Tag, TagNumber};

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

/// Where `sub`, a slice borrowed from `base`, lies in it (at full width, unlike [`Span`]);
/// `None` when it does not lie inside.
pub(crate) fn range_in(base: &[u8], sub: &[u8]) -> Option<Range<usize>> {
    let start = (sub.as_ptr() as usize).checked_sub(base.as_ptr() as usize)?;
    let end = start.checked_add(sub.len())?;
    (end <= base.len()).then_some(start..end)
}

/// One decoded TLV: its tag, the whole encoding, and the value bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: Tag,
    pub(crate) full: &'a [u8],
    pub(crate) value: &'a [u8],
}

/// A cursor over consecutive DER TLVs, the `der` crate's rules with a fast path.
///
/// Certificates are read TLV by TLV, and the `der` crate's general reader (header decoding
/// through its `Reader` trait, then the tag decoded a second time) was most of the cost of
/// parsing one. The common encodings (a one-octet tag, a definite length of at most three
/// octets in minimal form, inside the input) are read here directly; anything else (long-form
/// tags, longer or non-minimal lengths, truncation, unknown universal tags) goes through the
/// `der` crate, which accepts or rejects it with its own error, so both paths agree on every
/// input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Walker<'a> {
    rest: &'a [u8],
}

/// The tag of a one-octet identifier, as `der` decodes it; `None` where `der` must decide.
#[inline]
fn short_tag(octet: u8) -> Option<Tag> {
    let tag = match octet {
        0x01 => Tag::Boolean,
        0x02 => Tag::Integer,
        0x03 => Tag::BitString,
        0x04 => Tag::OctetString,
        0x05 => Tag::Null,
        0x06 => Tag::ObjectIdentifier,
        0x0A => Tag::Enumerated,
        0x0C => Tag::Utf8String,
        0x12 => Tag::NumericString,
        0x13 => Tag::PrintableString,
        0x14 => Tag::TeletexString,
        0x16 => Tag::Ia5String,
        0x17 => Tag::UtcTime,
        0x18 => Tag::GeneralizedTime,
        0x1E => Tag::BmpString,
        0x30 => Tag::Sequence,
        0x31 => Tag::Set,
        0x80..=0xBF if octet & 0x1f != 0x1f => TagNumber(u32::from(octet & 0x1f)).context_specific(octet & 0x20 != 0),
        _ => return None,
    };
    Some(tag)
}

/// The one-octet identifier of `tag` where [`short_tag`] reads it back; `None` otherwise.
/// Folds to a constant for a constant `tag`, so checking an expected tag is one comparison.
#[inline(always)]
const fn short_octet(tag: Tag) -> Option<u8> {
    let octet = match tag {
        Tag::Boolean => 0x01,
        Tag::Integer => 0x02,
        Tag::BitString => 0x03,
        Tag::OctetString => 0x04,
        Tag::Null => 0x05,
        Tag::ObjectIdentifier => 0x06,
        Tag::Enumerated => 0x0A,
        Tag::Utf8String => 0x0C,
        Tag::NumericString => 0x12,
        Tag::PrintableString => 0x13,
        Tag::TeletexString => 0x14,
        Tag::Ia5String => 0x16,
        Tag::UtcTime => 0x17,
        Tag::GeneralizedTime => 0x18,
        Tag::BmpString => 0x1E,
        Tag::Sequence => 0x30,
        Tag::Set => 0x31,
        Tag::ContextSpecific { constructed, number } if number.0 < 0x1f => {
            0x80 | (number.0 as u8) | if constructed { 0x20 } else { 0 }
        }
        _ => return None,
    };
    Some(octet)
}

/// (header length, value length) of a TLV whose identifier is one octet, for a definite
/// length of at most three octets in minimal form that fits in `bytes`; `None` otherwise.
#[inline(always)]
fn short_length(bytes: &[u8]) -> Option<(usize, usize)> {
    let (header, len) = match *bytes.get(1)? {
        n @ 0..=0x7f => (2, usize::from(n)),
        0x81 => match *bytes.get(2)? {
            n @ 0x80.. => (3, usize::from(n)),
            _ => return None,
        },
        0x82 => match u16::from_be_bytes([*bytes.get(2)?, *bytes.get(3)?]) {
            n @ 0x100.. => (4, usize::from(n)),
            _ => return None,
        },
        0x83 => match u32::from_be_bytes([0, *bytes.get(2)?, *bytes.get(3)?, *bytes.get(4)?]) {
            n @ 0x1_0000.. => (5, n as usize),
            _ => return None,
        },
        _ => return None,
    };
    (header + len <= bytes.len()).then_some((header, len))
}

/// (tag, header length, value length) of a TLV in the common encodings; `None` otherwise.
#[inline(always)]
fn short_header(bytes: &[u8]) -> Option<(Tag, usize, usize)> {
    let tag = short_tag(*bytes.first()?)?;
    let (header, len) = short_length(bytes)?;
    Some((tag, header, len))
}

impl<'a> Walker<'a> {
    /// A walker over `bytes`; fails where `der`'s reader would (input too long for a length).
    pub(crate) fn new(bytes: &'a [u8]) -> der::Result<Self> {
        der::Length::try_from(bytes.len())?;
        Ok(Walker { rest: bytes })
    }

    /// Whether every TLV has been read.
    pub(crate) fn is_finished(&self) -> bool {
        self.rest.is_empty()
    }

    /// Fails if bytes are left.
    pub(crate) fn finish(self) -> der::Result<()> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(der::ErrorKind::TrailingData { decoded: der::Length::ZERO, remaining: der::Length::try_from(n)? }
                .into()),
        }
    }

    /// Reads the next TLV, whatever its tag.
    #[inline]
    pub(crate) fn read_any(&mut self) -> der::Result<Tlv<'a>> {
        match short_header(self.rest) {
            Some((tag, header, len)) => Ok(self.take(tag, header, len)),
            None => self.read_any_with_der(),
        }
    }

    /// Takes the TLV whose header [`short_length`] has checked against `self.rest`.
    #[inline(always)]
    fn take(&mut self, tag: Tag, header: usize, len: usize) -> Tlv<'a> {
        let (full, rest) = self.rest.split_at_checked(header + len).unwrap_or((self.rest, &[]));
        self.rest = rest;
        Tlv { tag, full, value: full.get(header..).unwrap_or_default() }
    }

    /// The general case, decided by the `der` crate.
    #[cold]
    #[inline(never)]
    fn read_any_with_der(&mut self) -> der::Result<Tlv<'a>> {
        let mut r = SliceReader::new(self.rest)?;
        // `tlv_bytes` decodes (and checks) the header; its length is then read off the bytes.
        let full = r.tlv_bytes()?;
        let tag = Tag::from_der(full.get(..1).unwrap_or_default())?;
        let header_len = match full.get(1) {
            Some(l) if l & 0x80 != 0 => 2 + usize::from(l & 0x7f),
            _ => 2,
        };
        self.rest = self.rest.get(full.len()..).unwrap_or_default();
        Ok(Tlv { tag, full, value: full.get(header_len..).unwrap_or_default() })
    }

    /// Reads the next TLV and checks its tag. The expected identifier octet is compared
    /// before anything is decoded; any other input takes the general path.
    #[inline]
    pub(crate) fn read_tagged(&mut self, tag: Tag) -> der::Result<Tlv<'a>> {
        if let Some(octet) = short_octet(tag)
            && self.rest.first() == Some(&octet)
            && let Some((header, len)) = short_length(self.rest)
        {
            return Ok(self.take(tag, header, len));
        }
        self.read_tagged_general(tag)
    }

    /// [`Self::read_tagged`] for any encoding, decided by [`Self::read_any`].
    #[cold]
    #[inline(never)]
    fn read_tagged_general(&mut self, tag: Tag) -> der::Result<Tlv<'a>> {
        let tlv = self.read_any()?;
        if tlv.tag != tag {
            return Err(der::ErrorKind::TagUnexpected { expected: Some(tag), actual: tlv.tag }.into());
        }
        Ok(tlv)
    }

    /// Reads the next TLV only if it has `tag`.
    #[inline]
    pub(crate) fn read_optional(&mut self, tag: Tag) -> der::Result<Option<Tlv<'a>>> {
        // The expected tag or another one-octet tag is told apart without decoding it.
        if let (Some(octet), Some(&first)) = (short_octet(tag), self.rest.first()) {
            if first == octet {
                return self.read_tagged(tag).map(Some);
            }
            if short_tag(first).is_some() {
                return Ok(None);
            }
        }
        if self.is_finished() || self.peek_tag()? != tag {
            return Ok(None);
        }
        self.read_any().map(Some)
    }

    /// The tag of the next TLV, without reading it.
    pub(crate) fn peek_tag(&self) -> der::Result<Tag> {
        match self.rest.first().copied().and_then(short_tag) {
            Some(tag) => Ok(tag),
            None => Tag::peek(&SliceReader::new(self.rest)?),
        }
    }

    /// Decodes the next TLV as a `T` (which must be exactly that TLV).
    pub(crate) fn decode<T: der::Decode<'a, Error = der::Error>>(&mut self) -> der::Result<T> {
        T::from_der(self.read_any()?.full)
    }
}

/// Reads the next TLV, whatever its tag.
#[inline]
pub(crate) fn read_any<'a>(r: &mut Walker<'a>) -> der::Result<Tlv<'a>> {
    r.read_any()
}

/// Reads the next TLV and checks its tag.
#[inline]
pub(crate) fn read_tagged<'a>(r: &mut Walker<'a>, tag: Tag) -> der::Result<Tlv<'a>> {
    r.read_tagged(tag)
}

/// Reads the next TLV only if it has `tag`.
#[inline]
pub(crate) fn read_optional<'a>(r: &mut Walker<'a>, tag: Tag) -> der::Result<Option<Tlv<'a>>> {
    r.read_optional(tag)
}

/// Content bytes of a BIT STRING that must have no unused bits.
pub(crate) fn bit_string_bytes<'a>(tlv: &Tlv<'a>) -> der::Result<&'a [u8]> {
    tlv.tag.assert_eq(Tag::BitString)?;
    match tlv.value.split_first() {
        Some((0, rest)) => Ok(rest),
        _ => Err(Tag::BitString.value_error().into()),
    }
}

/// The octets of a signature BIT STRING and its unused-bits count. Every signature algorithm
/// signs whole octets, so a count other than 0 is a signature that cannot verify, not an
/// unreadable object: it is kept here and refused where the signature is checked. A count
/// above 7, or one with no octets, is not a BIT STRING at all (X.690 §8.6.2.2, §8.6.2.3).
pub(crate) fn signature_bit_string<'a>(tlv: &Tlv<'a>) -> der::Result<(&'a [u8], u8)> {
    tlv.tag.assert_eq(Tag::BitString)?;
    match tlv.value.split_first() {
        Some((0, rest)) => Ok((rest, 0)),
        Some((&unused @ 1..=7, rest)) if !rest.is_empty() => Ok((rest, unused)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What reading one TLV gives: (tag, full, value, rest) or failure.
    type Outcome<'a> = Option<(Tag, &'a [u8], &'a [u8], &'a [u8])>;

    fn fast(bytes: &[u8]) -> Outcome<'_> {
        let mut w = Walker::new(bytes).ok()?;
        let tlv = w.read_any().ok()?;
        Some((tlv.tag, tlv.full, tlv.value, w.rest))
    }

    fn general(bytes: &[u8]) -> Outcome<'_> {
        let mut w = Walker::new(bytes).ok()?;
        let tlv = w.read_any_with_der().ok()?;
        Some((tlv.tag, tlv.full, tlv.value, w.rest))
    }

    /// Every identifier octet, with every length form around its limits, agrees with `der`.
    #[test]
    fn the_fast_path_agrees_with_der_on_every_header() {
        let lengths: &[&[u8]] = &[
            &[0x00],
            &[0x01],
            &[0x7f],
            &[0x80],
            &[0x81, 0x7f],
            &[0x81, 0x80],
            &[0x81, 0xff],
            &[0x82, 0x00, 0xff],
            &[0x82, 0x01, 0x00],
            &[0x82, 0x10, 0x00],
            &[0x83, 0x00, 0xff, 0xff],
            &[0x83, 0x01, 0x00, 0x00],
            &[0x84, 0x00, 0x01, 0x00, 0x00],
            &[0x85, 0x00, 0x00, 0x00, 0x00, 0x01],
            &[0xff],
        ];
        let body = vec![0x05u8; 0x1_0001 + 8];
        for octet in 0..=255u8 {
            for length in lengths {
                for extra in [0usize, 1, 0x80, 0x100, 0x1_0000, 0x1_0001 + 8] {
                    let mut input = vec![octet];
                    input.extend_from_slice(length);
                    input.extend_from_slice(body.get(..extra).unwrap_or_default());
                    assert_eq!(fast(&input), general(&input), "{:02x?}", input.get(..input.len().min(8)));
                }
            }
        }
        assert_eq!(fast(&[0x30, 0x00]).map(|(t, ..)| t), Some(Tag::Sequence));
        assert_eq!(fast(&[0x30, 0x01]), None, "truncated");
        assert_eq!(fast(&[0x30, 0x81, 0x01, 0x00]), None, "non-minimal length");
    }

    #[test]
    fn signature_bit_strings_keep_their_unused_bits() {
        fn read(bytes: &[u8]) -> Option<(&[u8], u8)> {
            let tlv = Walker::new(bytes).and_then(|mut w| w.read_any()).expect("one TLV");
            signature_bit_string(&tlv).ok()
        }
        assert_eq!(read(&[0x03, 0x03, 0x00, 0xaa, 0xbb]), Some((&[0xaa, 0xbb][..], 0)));
        assert_eq!(read(&[0x03, 0x03, 0x01, 0xaa, 0xbb]), Some((&[0xaa, 0xbb][..], 1)));
        assert_eq!(read(&[0x03, 0x02, 0x07, 0x80]), Some((&[0x80][..], 7)));
        assert_eq!(read(&[0x03, 0x01, 0x00]), Some((&[][..], 0)));
        // Not BIT STRINGs: more than 7 unused bits, unused bits of nothing, no count, another tag.
        for bad in [&[0x03, 0x02, 0x08, 0x80][..], &[0x03, 0x01, 0x01], &[0x03, 0x00], &[0x04, 0x02, 0x00, 0x01]] {
            assert_eq!(read(bad), None, "{bad:02x?}");
        }
        // The key BIT STRING stays strict.
        let tlv = Walker::new(&[0x03, 0x02, 0x01, 0x80]).and_then(|mut w| w.read_any()).expect("one TLV");
        assert!(bit_string_bytes(&tlv).is_err());
    }

    /// `short_octet` is the inverse of `short_tag`, so comparing octets compares tags.
    #[test]
    fn expected_octets_are_the_tags_read_back() {
        for octet in 0..=255u8 {
            if let Some(tag) = short_tag(octet) {
                assert_eq!(short_octet(tag), Some(octet), "{octet:02x}");
            }
        }
        let others = [Tag::Real, Tag::VisibleString, Tag::VideotexString, TagNumber(31).context_specific(true)];
        for tag in others.into_iter().chain((0..40).map(|n| TagNumber(n).application(false))) {
            if let Some(octet) = short_octet(tag) {
                assert_eq!(short_tag(octet), Some(tag), "{tag:?}");
            }
        }
    }

    /// Reading an expected or optional tag gives what reading any TLV and comparing gives.
    fn tagged_agree(bytes: &[u8]) {
        let tags = [
            Tag::Sequence,
            Tag::Set,
            Tag::Integer,
            Tag::Boolean,
            Tag::OctetString,
            Tag::BitString,
            Tag::ObjectIdentifier,
            Tag::UtcTime,
            TagNumber(0).context_specific(true),
            TagNumber(3).context_specific(true),
            TagNumber(2).context_specific(false),
            Tag::Real,
        ];
        for tag in tags {
            let Ok(walker) = Walker::new(bytes) else { return };
            let (mut a, mut b) = (walker, walker);
            let general = b.read_any().ok().filter(|t| t.tag == tag);
            assert_eq!(a.read_tagged(tag).ok().map(|t| t.full), general.map(|t| t.full), "{tag:?} {bytes:02x?}");
            let (mut a, b) = (walker, walker);
            let general = match b.is_finished() {
                true => Ok(None),
                false => match b.peek_tag() {
                    Ok(t) if t == tag => walker.clone().read_any().map(|t| Some(t.full)),
                    other => other.map(|_| None),
                },
            };
            let fast = a.read_optional(tag).map(|o| o.map(|t| t.full));
            assert_eq!(fast.ok(), general.ok(), "optional {tag:?} {bytes:02x?}");
        }
    }

    #[test]
    fn expected_tags_agree_on_every_identifier_octet() {
        for octet in 0..=255u8 {
            for rest in [&[0x00][..], &[0x01, 0x05], &[0x81, 0x80], &[0x81, 0x01, 0x00], &[]] {
                let mut input = vec![octet];
                input.extend_from_slice(rest);
                input.resize(input.len() + 0x80, 0);
                tagged_agree(&input);
            }
        }
    }

    /// Tag peeking agrees with `der` for every identifier octet.
    #[test]
    fn peeked_tags_agree_with_der() {
        for octet in 0..=255u8 {
            let input = [octet, 0x00, 0x00];
            let w = Walker::new(&input).expect("walker");
            let general = Tag::peek(&SliceReader::new(&input).expect("reader")).ok();
            assert_eq!(w.peek_tag().ok(), general, "{octet:02x}");
        }
    }

    proptest! {
        #[test]
        fn any_input_reads_the_same_with_both_paths(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(fast(&bytes), general(&bytes));
        }

        #[test]
        fn any_input_reads_alike_as_expected_tags(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            tagged_agree(&bytes);
        }

        #[test]
        fn nested_walks_agree_with_der(tag in prop::sample::select(vec![0x30u8, 0x31, 0xa0, 0xa3, 0x04]),
                                       inner in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut input = vec![tag];
            let len = inner.len();
            if len < 0x80 { input.push(len as u8) } else { input.extend([0x81, len as u8]) }
            input.extend_from_slice(&inner);
            prop_assert_eq!(fast(&input), general(&input));
            let (_, _, value, _) = fast(&input).expect("a well-formed outer TLV");
            // Walk the value TLV by TLV with both paths until one fails.
            let (mut a, mut b) = (Walker::new(value).expect("a"), Walker::new(value).expect("b"));
            while !a.is_finished() {
                let (x, y) = (a.read_any().ok(), b.read_any_with_der().ok());
                prop_assert_eq!(x.map(|t| (t.tag, t.full)), y.map(|t| (t.tag, t.full)));
                if x.is_none() { break }
            }
        }
    }
}
