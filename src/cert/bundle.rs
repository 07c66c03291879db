//! Certificate bundles: PEM (any number of blocks), DER (one or concatenated certificates) and
//! PKCS#7 / CMS certs-only SignedData (`.p7b`, DER or PEM-armoured), the way DirectTrust and
//! other communities distribute trust bundles.
//!
//! A PKCS#7 bundle may be BER: .NET and Windows tools write indefinite lengths. One that does
//! not read as DER is normalised to DER first ([`crate::ber`], bounded); the certificates in
//! it are DER, which normalising leaves byte for byte as they are, so each keeps the exact
//! bytes its signature covers.
//!
//! A bad entry does not spoil the bundle: it is skipped and reported in
//! [`ParsedBundle::skipped`], so the caller can decide whether to proceed.

use const_oid::ObjectIdentifier;
use der::{Tag, TagNumber};

use super::{Certificate, MAX_CERTIFICATE_LEN};
use crate::der_walk::{Walker, read_any, read_optional, read_tagged};
use crate::error::ParseError;

/// id-signedData (RFC 5652 §5.1).
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// The same, as its DER TLV.
const ID_SIGNED_DATA_TLV: [u8; 11] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
/// Deepest nesting of constructed values read in a BER bundle: a certificate lies four deep
/// and its own values about six more (extension values are OCTET STRINGs, not descended into).
const MAX_BER_DEPTH: usize = 32;

/// Largest bundle accepted, in bytes.
pub const MAX_BUNDLE_LEN: usize = 64 << 20;
/// Most entries (PEM blocks or certificates) read from one bundle.
pub const MAX_BUNDLE_ENTRIES: usize = 100_000;

/// The certificates read from a bundle, and the entries that could not be read.
#[derive(Debug, Clone, Default)]
#[must_use = "entries that did not parse were skipped: report them"]
pub struct ParsedBundle {
    /// Certificates in the order they appear.
    pub certificates: Vec<Certificate>,
    /// Entries that were skipped, with why.
    pub skipped: Vec<BundleEntryError>,
}

/// A bundle entry that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bundle entry {index}: {error}")]
pub struct BundleEntryError {
    /// Position of the entry in the bundle (0-based).
    pub index: usize,
    /// Why it was skipped.
    pub error: ParseError,
}

/// Parses a bundle in any of the supported encodings (detected from the content).
///
/// Fails when the container itself is unreadable or holds no usable certificate
/// ([`ParseError::NoCertificates`], or [`ParseError::NoUsableCertificate`] when every entry was
/// skipped); otherwise bad individual certificates are skipped and listed.
pub fn parse_bundle(bytes: &[u8]) -> Result<ParsedBundle, ParseError> {
    if bytes.len() > MAX_BUNDLE_LEN {
        return Err(ParseError::TooLarge { what: "bundle", size: bytes.len(), limit: MAX_BUNDLE_LEN });
    }
    let mut out = ParsedBundle::default();
    let mut raw: Vec<Vec<u8>> = Vec::new();
    if looks_like_pem(bytes) {
        for block in pem_blocks(bytes)? {
            let (label, der) = block;
            match label.as_str() {
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => raw.push(der),
                "PKCS7" | "CMS" => raw.extend(pkcs7_bundle_certificates(&der)?),
                _ => {}
            }
        }
    } else if is_pkcs7(bytes) {
        raw = pkcs7_bundle_certificates(bytes)?;
    } else {
        raw = concatenated_der(bytes)?;
    }
    for (index, der) in raw.into_iter().enumerate() {
        match Certificate::from_der(der) {
            Ok(c) => out.certificates.push(c),
            Err(error) => out.skipped.push(BundleEntryError { index, error }),
        }
    }
    if out.certificates.is_empty() {
        return Err(match out.skipped.first() {
            None => ParseError::NoCertificates,
            Some(first) => {
                ParseError::NoUsableCertificate { skipped: out.skipped.len(), first: Box::new(first.error.clone()) }
            }
        });
    }
    Ok(out)
}

/// The DER of the first PEM block labelled `label`, decoding no other block.
pub(crate) fn first_pem_block(bytes: &[u8], label: &str) -> Result<Option<Vec<u8>>, ParseError> {
    for block in PemBlocks::new(bytes) {
        let (block_label, raw) = block?;
        if block_label == label {
            let (_, der) = pem_rfc7468::decode_vec(raw).map_err(|e| ParseError::Pem(e.to_string()))?;
            return Ok(Some(der));
        }
    }
    Ok(None)
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    let trimmed = bytes.iter().position(|b| !b.is_ascii_whitespace()).and_then(|i| bytes.get(i..));
    match trimmed {
        Some(t) => t.first() != Some(&0x30) && memfind(t, b"-----BEGIN ").is_some(),
        None => false,
    }
}

fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Iterates over the PEM blocks of a text as (label, raw block bytes); text outside blocks is
/// ignored. Only the boundaries are read here; decoding is the caller's.
struct PemBlocks<'a> {
    rest: &'a [u8],
}

impl<'a> PemBlocks<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        PemBlocks { rest: bytes }
    }
}

impl<'a> Iterator for PemBlocks<'a> {
    type Item = Result<(String, &'a [u8]), ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let start = memfind(self.rest, b"-----BEGIN ")?;
        let from = self.rest.get(start..).unwrap_or_default();
        let Some(end_marker) = memfind(from, b"-----END ") else {
            self.rest = &[];
            return Some(Err(ParseError::Pem("missing END line".into())));
        };
        let after_end = from.get(end_marker + 9..).unwrap_or_default();
        let Some(close) = memfind(after_end, b"-----") else {
            self.rest = &[];
            return Some(Err(ParseError::Pem("unterminated END line".into())));
        };
        let block_len = end_marker + 9 + close + 5;
        let block = from.get(..block_len).unwrap_or_default();
        self.rest = from.get(block_len..).unwrap_or_default();
        let label = pem_rfc7468::decode_label(block).map_err(|e| ParseError::Pem(e.to_string()));
        Some(label.map(|l| (l.to_string(), block)))
    }
}

/// Splits PEM text into (label, DER) blocks, decoding each; text outside blocks is ignored.
pub(crate) fn pem_blocks(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ParseError> {
    let mut out = Vec::new();
    for block in PemBlocks::new(bytes) {
        let (label, raw) = block?;
        let (_, der) = pem_rfc7468::decode_vec(raw).map_err(|e| ParseError::Pem(e.to_string()))?;
        out.push((label, der));
        if out.len() > MAX_BUNDLE_ENTRIES {
            return Err(ParseError::TooLarge { what: "bundle entries", size: out.len(), limit: MAX_BUNDLE_ENTRIES });
        }
    }
    Ok(out)
}

fn concatenated_der(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ParseError> {
    let mut out = Vec::new();
    let mut r = Walker::new(bytes).map_err(ParseError::der("DER bundle"))?;
    while !r.is_finished() {
        let tlv = read_tagged(&mut r, Tag::Sequence).map_err(ParseError::der("DER bundle"))?;
        if tlv.full.len() > MAX_CERTIFICATE_LEN || out.len() >= MAX_BUNDLE_ENTRIES {
            return Err(ParseError::TooLarge {
                what: "DER bundle entry",
                size: tlv.full.len(),
                limit: MAX_CERTIFICATE_LEN,
            });
        }
        out.push(tlv.full.to_vec());
    }
    Ok(out)
}

/// Whether `bytes` begin as a ContentInfo of signedData: a SEQUENCE with any BER length
/// (definite or indefinite) whose first value is the signedData OID.
fn is_pkcs7(bytes: &[u8]) -> bool {
    let header = match bytes {
        [0x30, 0x00..=0x80, ..] => 2,
        [0x30, n @ 0x81..=0x84, ..] => 2 + usize::from(n & 0x7f),
        _ => return false,
    };
    bytes.get(header..).is_some_and(|rest| rest.starts_with(&ID_SIGNED_DATA_TLV))
}

/// The certificates of a PKCS#7 bundle (see [`pkcs7_certificates`]) in DER or, failing that,
/// in BER normalised to DER. When both readings fail, a bundle that opens with an indefinite
/// length (so is BER) reports the BER reader's error, any other the DER one's.
fn pkcs7_bundle_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ParseError> {
    let der_error = match pkcs7_certificates(bytes) {
        Ok(certificates) => return Ok(certificates),
        Err(e) => e,
    };
    match crate::ber::to_der(bytes, MAX_BER_DEPTH) {
        Ok(der) => pkcs7_certificates(&der),
        Err(ber_error) if bytes.get(1) == Some(&0x80) => Err(ber_error),
        Err(_) => Err(der_error),
    }
}

/// The certificates field of a ContentInfo wrapping SignedData (RFC 5652 §5.1), in order.
/// Only plain certificates are returned; other CertificateChoices are ignored.
pub(crate) fn pkcs7_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ParseError> {
    let what = "PKCS#7 SignedData";
    let e = ParseError::der(what);
    let ctx = |n, c| TagNumber(n).context_specific(c);
    let mut r = Walker::new(bytes).map_err(e)?;
    let ci = read_tagged(&mut r, Tag::Sequence).map_err(e)?;
    let mut r = Walker::new(ci.value).map_err(e)?;
    let oid: ObjectIdentifier = r.decode().map_err(e)?;
    if oid != ID_SIGNED_DATA {
        return Err(ParseError::invalid(what, "content type is not signedData"));
    }
    let content = read_tagged(&mut r, ctx(0, true)).map_err(e)?;
    let mut r = Walker::new(content.value).map_err(e)?;
    let sd = read_tagged(&mut r, Tag::Sequence).map_err(e)?;
    let mut r = Walker::new(sd.value).map_err(e)?;
    let _version = read_tagged(&mut r, Tag::Integer).map_err(e)?;
    let _digest_algorithms = read_tagged(&mut r, Tag::Set).map_err(e)?;
    let _encap = read_tagged(&mut r, Tag::Sequence).map_err(e)?;
    let mut out = Vec::new();
    if let Some(certs) = read_optional(&mut r, ctx(0, true)).map_err(e)? {
        let mut cr = Walker::new(certs.value).map_err(e)?;
        while !cr.is_finished() {
            let choice = read_any(&mut cr).map_err(e)?;
            if choice.tag == Tag::Sequence {
                if out.len() >= MAX_BUNDLE_ENTRIES {
                    return Err(ParseError::TooLarge {
                        what: "PKCS#7 certificates",
                        size: out.len(),
                        limit: MAX_BUNDLE_ENTRIES,
                    });
                }
                out.push(choice.full.to_vec());
            }
        }
    }
    Ok(out)
}
