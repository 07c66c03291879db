//! One signed object, read one way: certificates (RFC 5280 §4.1), CRLs (§5.1) and OCSP
//! BasicOCSPResponses (RFC 6960 §4.2.1) all start
//!
//! ```text
//! SEQUENCE { tbs SEQUENCE, signatureAlgorithm AlgorithmIdentifier, signature BIT STRING, ... }
//! ```
//!
//! A [`Signed`] keeps the three as spans of the object's DER, so that signatures are checked
//! over the exact signed bytes, and remembers the digests the signature cache keys on.

use der::Tag;

use super::KeyRef;
use super::cache::{SignedData, SignedMemo};
use crate::der_walk::{Span, Tlv, Walker, read_any, read_tagged, signature_bit_string};
use crate::error::ParseError;

/// How a kind of signed object names its three fields in errors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldNames {
    pub(crate) tbs: &'static str,
    pub(crate) algorithm: &'static str,
    pub(crate) signature: &'static str,
}

/// The signed part, signature algorithm and signature of a signed object.
#[derive(Debug, Default, Clone)]
pub(crate) struct Signed {
    /// The signed part, full TLV.
    tbs: Span,
    /// The outer signatureAlgorithm's value (without its SEQUENCE header), as
    /// `rustls_pki_types::AlgorithmIdentifier` holds it.
    algorithm: Span,
    /// The signature BIT STRING's octets.
    signature: Span,
    /// Its unused bits: a signature with any never verifies.
    unused_bits: u8,
    memo: SignedMemo,
}

impl Signed {
    /// Reads the three fields from `r`, positioned at the start of the object's outer SEQUENCE
    /// value; `base` is the DER the spans point into. Returns them with the signed part's TLV
    /// for the caller to read further. What follows the signature is the caller's.
    pub(crate) fn read<'a>(
        r: &mut Walker<'a>,
        base: &[u8],
        names: FieldNames,
    ) -> Result<(Signed, Tlv<'a>), ParseError> {
        let e = ParseError::der;
        let tbs = read_tagged(r, Tag::Sequence).map_err(e(names.tbs))?;
        let algorithm = read_tagged(r, Tag::Sequence).map_err(e(names.algorithm))?;
        let signature = read_any(r).map_err(e(names.signature))?;
        let (bits, unused_bits) = signature_bit_string(&signature).map_err(e(names.signature))?;
        let signed = Signed {
            tbs: Span::of(base, tbs.full),
            algorithm: Span::of(base, algorithm.value),
            signature: Span::of(base, bits),
            unused_bits,
            memo: SignedMemo::default(),
        };
        Ok((signed, tbs))
    }

    /// The signed bytes, exactly as encoded in `der`.
    pub(crate) fn tbs<'a>(&self, der: &'a [u8]) -> &'a [u8] {
        self.tbs.get(der)
    }

    /// The outer signatureAlgorithm's value.
    pub(crate) fn algorithm<'a>(&self, der: &'a [u8]) -> &'a [u8] {
        self.algorithm.get(der)
    }

    /// The signature's octets.
    pub(crate) fn signature<'a>(&self, der: &'a [u8]) -> &'a [u8] {
        self.signature.get(der)
    }

    /// What verifying this object with `key` checks (`der` is the object's DER).
    pub(crate) fn by<'a>(&'a self, der: &'a [u8], key: KeyRef<'a>) -> SignedData<'a> {
        SignedData {
            key,
            signature_algorithm: self.algorithm(der),
            message: self.tbs(der),
            signature: self.signature(der),
            signature_unused_bits: self.unused_bits,
            memo: Some(&self.memo),
        }
    }
}
