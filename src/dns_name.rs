//! DNS host name syntax (RFC 1034 §3.5 preferred name syntax, RFC 1123 §2.1): the one check
//! behind dNSName constraints, reference names, and the hosts of URIs (`crate::uri`).

/// A syntactically valid DNS name (letters, digits, hyphens; labels of 1–63; no leading or
/// trailing hyphen; ≤ 253 characters), checked in one pass over the bytes.
pub(crate) fn is_dns_name(name: &str) -> bool {
    is_dns_name_bytes(name.as_bytes())
}

/// [`is_dns_name`] over octets.
pub(crate) fn is_dns_name_bytes(bytes: &[u8]) -> bool {
    if bytes.is_empty() || bytes.len() > 253 {
        return false;
    }
    let (mut label_len, mut previous) = (0usize, DOT);
    for &b in bytes {
        let class = dns_class(b);
        match class {
            DOT if label_len == 0 || previous == HYPHEN => return false,
            DOT => label_len = 0,
            HYPHEN if label_len == 0 => return false,
            HYPHEN | LETTER_OR_DIGIT => label_len += 1,
            _ => return false,
        }
        if label_len > 63 {
            return false;
        }
        previous = class;
    }
    label_len > 0 && previous != HYPHEN
}

const INVALID: u8 = 0;
const LETTER_OR_DIGIT: u8 = 1;
const HYPHEN: u8 = 2;
const DOT: u8 = 3;

/// The class of an octet in a host name.
#[inline(always)]
fn dns_class(b: u8) -> u8 {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => LETTER_OR_DIGIT,
        b'-' => HYPHEN,
        b'.' => DOT,
        _ => INVALID,
    }
}
