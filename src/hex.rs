//! Lowercase hexadecimal text of bytes (serials, fingerprints, unknown identifiers).

/// `bytes` as lowercase hexadecimal, two digits per byte.
pub(crate) fn hex_string(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
