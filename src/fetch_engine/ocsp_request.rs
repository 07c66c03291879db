//! OCSP requests (RFC 6960 §4.1), built from a certificate and its issuer's key, and how they
//! travel over HTTP (RFC 6960 appendix A.1, RFC 5019 §5).
//!
//! ```text
//! OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
//! TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
//!     requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
//! Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
//! CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
//!     issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
//! ```
//!
//! One unsigned request for one certificate, without a nonce: the profile of RFC 5019 that
//! responders serving pre-signed responses (nearly all) expect, and that HTTP caches can
//! serve. The CertID hashes with SHA-1, as RFC 5019 §2.1.1 requires of clients and as every
//! responder supports; the core matches the response's CertID against the certificate
//! whatever hash it uses.

use der::Encode;
use der::asn1::{AnyRef, IntRef, ObjectIdentifier, OctetStringRef};
use sha1::{Digest, Sha1};
use spki::AlgorithmIdentifierRef;

use super::config::OCSP_GET_MAX_URL_LEN;

/// id-sha1 (RFC 3279).
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");

#[derive(der::Sequence)]
struct CertId<'a> {
    hash_algorithm: AlgorithmIdentifierRef<'a>,
    issuer_name_hash: &'a OctetStringRef,
    issuer_key_hash: &'a OctetStringRef,
    serial_number: IntRef<'a>,
}

#[derive(der::Sequence)]
struct Request<'a> {
    req_cert: CertId<'a>,
}

#[derive(der::Sequence)]
struct TbsRequest<'a> {
    request_list: Vec<Request<'a>>,
}

#[derive(der::Sequence)]
struct OcspRequest<'a> {
    tbs_request: TbsRequest<'a>,
}

/// The DER OCSPRequest for the certificate whose issuer field is `issuer_name` (DER, full
/// TLV) and serial `serial` (INTEGER content octets), issued under the key whose
/// subjectPublicKey bits are `issuer_key`.
pub fn ocsp_request(issuer_name: &[u8], issuer_key: &[u8], serial: &[u8]) -> Result<Vec<u8>, der::Error> {
    let name_hash = Sha1::digest(issuer_name);
    let key_hash = Sha1::digest(issuer_key);
    let request = OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![Request {
                req_cert: CertId {
                    // RFC 5019 and OpenSSL write the NULL parameters.
                    hash_algorithm: AlgorithmIdentifierRef { oid: ID_SHA1, parameters: Some(AnyRef::NULL) },
                    issuer_name_hash: OctetStringRef::new(&name_hash)?,
                    issuer_key_hash: OctetStringRef::new(&key_hash)?,
                    serial_number: IntRef::new(serial)?,
                },
            }],
        },
    };
    request.to_der()
}

/// The GET form of an OCSP request (RFC 6960 A.1): the responder URL, a `/`, and the
/// URL-encoded base64 of the DER request.
pub fn ocsp_get_url(responder: &str, request_der: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(request_der);
    let mut url = String::with_capacity(responder.len() + encoded.len() + 16);
    url.push_str(responder);
    if !responder.ends_with('/') {
        url.push('/');
    }
    for c in encoded.chars() {
        match c {
            '+' => url.push_str("%2B"),
            '/' => url.push_str("%2F"),
            '=' => url.push_str("%3D"),
            c => url.push(c),
        }
    }
    url
}

/// The GET URL when it is short enough for GET (RFC 5019 §5), else `None` (use POST).
pub fn ocsp_get_url_if_short(responder: &str, request_der: &[u8]) -> Option<String> {
    Some(ocsp_get_url(responder, request_der)).filter(|url| url.len() <= OCSP_GET_MAX_URL_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_sha1_cert_id() {
        let der = ocsp_request(&[0x30, 0x00], &[0x04, 0x01, 0x02], &[0x01, 0x02]).unwrap_or_default();
        let name_hash = Sha1::digest([0x30, 0x00]);
        let key_hash = Sha1::digest([0x04, 0x01, 0x02]);
        // OCSPRequest { TBSRequest { requestList { Request { CertID { ... } } } } }
        let mut cert_id = vec![0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14];
        cert_id.extend_from_slice(&name_hash);
        cert_id.extend_from_slice(&[0x04, 0x14]);
        cert_id.extend_from_slice(&key_hash);
        cert_id.extend_from_slice(&[0x02, 0x02, 0x01, 0x02]);
        let wrap = |body: Vec<u8>| {
            let mut out = vec![0x30, u8::try_from(body.len()).unwrap_or(0)];
            out.extend(body);
            out
        };
        assert_eq!(der, wrap(wrap(wrap(wrap(wrap(cert_id))))));
    }

    #[test]
    fn get_url_escapes_base64() {
        assert_eq!(ocsp_get_url("http://ocsp.test", &[0xfb, 0xff]), "http://ocsp.test/%2B%2F8%3D");
        assert_eq!(ocsp_get_url("http://ocsp.test/", &[0xfb, 0xff]), "http://ocsp.test/%2B%2F8%3D");
        assert!(ocsp_get_url_if_short("http://ocsp.test", &[0u8; 100]).is_some());
        assert!(ocsp_get_url_if_short("http://ocsp.test", &[0u8; 200]).is_none());
    }
}
