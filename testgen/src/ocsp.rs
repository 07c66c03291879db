//! The OCSP response builder (RFC 6960 §4.2). Every field can be set to anything: the
//! response status, the response type, the ResponseData version, the responder ID, each
//! SingleResponse's CertID (hash algorithm, hashes, serial), status and times, extensions,
//! the embedded certificates and the signature.

use const_oid::ObjectIdentifier;
use der::Encode;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::name::Name;

use crate::algs::SigAlg;
use crate::bundle::tlv;
use crate::ext::Ext;
use crate::keys::KeyPair;
use crate::{Error, Result};

/// id-pkix-ocsp-basic.
pub const ID_PKIX_OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-pkix-ocsp-nocheck.
pub const ID_PKIX_OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");
/// id-kp-OCSPSigning.
pub const EKU_OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");

/// OCSPResponseStatus values (RFC 6960 §4.2.1).
pub mod status {
    /// successful.
    pub const SUCCESSFUL: u8 = 0;
    /// malformedRequest.
    pub const MALFORMED_REQUEST: u8 = 1;
    /// internalError.
    pub const INTERNAL_ERROR: u8 = 2;
    /// tryLater.
    pub const TRY_LATER: u8 = 3;
    /// sigRequired.
    pub const SIG_REQUIRED: u8 = 5;
    /// unauthorized.
    pub const UNAUTHORIZED: u8 = 6;
}

/// The hash of a CertID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertIdHash {
    /// SHA-1 (the algorithm most responders use).
    Sha1,
    /// SHA-256.
    Sha256,
    /// Any AlgorithmIdentifier (full DER); the hashes are then computed with SHA-256.
    Raw(Vec<u8>),
}

impl CertIdHash {
    fn algorithm_identifier(&self) -> Vec<u8> {
        match self {
            // id-sha1 and id-sha256 with NULL parameters, as OpenSSL writes them.
            CertIdHash::Sha1 => tlv(0x30, &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00]),
            CertIdHash::Sha256 => {
                tlv(0x30, &[0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00])
            }
            CertIdHash::Raw(der) => der.clone(),
        }
    }

    /// Hashes `data` with this algorithm.
    pub fn digest(&self, data: &[u8]) -> Vec<u8> {
        match self {
            CertIdHash::Sha1 => Sha1::digest(data).to_vec(),
            CertIdHash::Sha256 | CertIdHash::Raw(_) => Sha256::digest(data).to_vec(),
        }
    }
}

/// The subjectPublicKey bits of a SubjectPublicKeyInfo (what CertID and ResponderID hash).
pub fn public_key_bits(spki_der: &[u8]) -> Result<Vec<u8>> {
    use der::Decode;
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)?;
    Ok(spki.subject_public_key.raw_bytes().to_vec())
}

/// A CertID (RFC 6960 §4.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    /// hashAlgorithm.
    pub hash: CertIdHash,
    /// issuerNameHash.
    pub name_hash: Vec<u8>,
    /// issuerKeyHash.
    pub key_hash: Vec<u8>,
    /// serialNumber: INTEGER content octets.
    pub serial: Vec<u8>,
}

impl CertId {
    /// The CertID of the certificate with `serial` (INTEGER content octets) issued by the CA
    /// called `issuer_name` with the key `issuer_spki_der`.
    pub fn new(hash: CertIdHash, issuer_name: &Name, issuer_spki_der: &[u8], serial: &[u8]) -> Result<Self> {
        Ok(CertId {
            name_hash: hash.digest(&issuer_name.to_der()?),
            key_hash: hash.digest(&public_key_bits(issuer_spki_der)?),
            hash,
            serial: serial.to_vec(),
        })
    }

    fn encode(&self) -> Vec<u8> {
        let mut body = self.hash.algorithm_identifier();
        body.extend(tlv(0x04, &self.name_hash));
        body.extend(tlv(0x04, &self.key_hash));
        body.extend(tlv(0x02, &self.serial));
        tlv(0x30, &body)
    }
}

/// certStatus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OcspCertStatus {
    /// good.
    Good,
    /// revoked at `time` (Unix seconds) with an optional CRL reason code.
    Revoked {
        /// revocationTime.
        time: u64,
        /// revocationReason.
        reason: Option<u8>,
    },
    /// unknown.
    Unknown,
    /// Any TLV (for malformed responses).
    Raw(Vec<u8>),
}

fn generalized_time(secs: u64) -> Result<Vec<u8>> {
    let t = der::asn1::GeneralizedTime::from_unix_duration(core::time::Duration::from_secs(secs))?;
    Ok(t.to_der()?)
}

fn extensions_der(exts: &[Ext]) -> Result<Vec<u8>> {
    let list = exts.iter().map(Ext::to_x509).collect::<core::result::Result<Vec<_>, _>>()?;
    Ok(list.to_der()?)
}

/// One SingleResponse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleResponse {
    /// certID.
    pub cert_id: CertId,
    /// certStatus.
    pub status: OcspCertStatus,
    /// thisUpdate, Unix seconds.
    pub this_update: u64,
    /// nextUpdate, Unix seconds.
    pub next_update: Option<u64>,
    /// singleExtensions (omitted when empty).
    pub extensions: Vec<Ext>,
}

impl SingleResponse {
    /// A response for `cert_id` valid from `this_update` to `next_update`.
    pub fn new(cert_id: CertId, status: OcspCertStatus, this_update: u64, next_update: Option<u64>) -> Self {
        SingleResponse { cert_id, status, this_update, next_update, extensions: Vec::new() }
    }

    fn encode(&self) -> Result<Vec<u8>> {
        let mut body = self.cert_id.encode();
        body.extend(match &self.status {
            OcspCertStatus::Good => vec![0x80, 0x00],
            OcspCertStatus::Unknown => vec![0x82, 0x00],
            OcspCertStatus::Revoked { time, reason } => {
                let mut info = generalized_time(*time)?;
                if let Some(r) = reason {
                    info.extend(tlv(0xa0, &tlv(0x0a, &[*r])));
                }
                tlv(0xa1, &info)
            }
            OcspCertStatus::Raw(der) => der.clone(),
        });
        body.extend(generalized_time(self.this_update)?);
        if let Some(next) = self.next_update {
            body.extend(tlv(0xa0, &generalized_time(next)?));
        }
        if !self.extensions.is_empty() {
            body.extend(tlv(0xa1, &extensions_der(&self.extensions)?));
        }
        Ok(tlv(0x30, &body))
    }
}

/// ResponderID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponderId {
    /// byName: the responder's subject.
    ByName(Name),
    /// byKey: SHA-1 of the responder's subjectPublicKey bits.
    ByKey(Vec<u8>),
}

impl ResponderId {
    /// byKey for the key in `spki_der`.
    pub fn by_key(spki_der: &[u8]) -> Result<Self> {
        Ok(ResponderId::ByKey(Sha1::digest(public_key_bits(spki_der)?).to_vec()))
    }
}

/// Builds one OCSPResponse. Defaults: successful, id-pkix-ocsp-basic, v1 (version omitted),
/// no response extensions, no certificates, signed with the key's default algorithm.
#[derive(Debug, Clone)]
pub struct OcspResponseBuilder {
    response_status: u8,
    response_type: ObjectIdentifier,
    version: Option<Vec<u8>>,
    responder: ResponderId,
    produced_at: u64,
    responses: Vec<SingleResponse>,
    extensions: Vec<Ext>,
    certs: Vec<Vec<u8>>,
    sig_alg: Option<SigAlg>,
    corrupt_signature: bool,
    signature_unused_bits: u8,
}

impl OcspResponseBuilder {
    /// A successful basic response from `responder`, produced at `produced_at`.
    pub fn new(responder: ResponderId, produced_at: u64) -> Self {
        OcspResponseBuilder {
            response_status: status::SUCCESSFUL,
            response_type: ID_PKIX_OCSP_BASIC,
            version: None,
            responder,
            produced_at,
            responses: Vec::new(),
            extensions: Vec::new(),
            certs: Vec::new(),
            sig_alg: None,
            corrupt_signature: false,
            signature_unused_bits: 0,
        }
    }

    /// The responseStatus written alongside the response bytes.
    pub fn response_status(mut self, status: u8) -> Self {
        self.response_status = status;
        self
    }

    /// The responseType OID.
    pub fn response_type(mut self, oid: ObjectIdentifier) -> Self {
        self.response_type = oid;
        self
    }

    /// The ResponseData version INTEGER content (`[0] EXPLICIT`; `None` omits it = v1).
    pub fn version_raw(mut self, version: Option<Vec<u8>>) -> Self {
        self.version = version;
        self
    }

    /// Appends a SingleResponse.
    pub fn response(mut self, single: SingleResponse) -> Self {
        self.responses.push(single);
        self
    }

    /// Appends a responseExtensions entry.
    pub fn extension(mut self, ext: Ext) -> Self {
        self.extensions.push(ext);
        self
    }

    /// Appends a certificate (DER) to `certs`.
    pub fn certificate(mut self, der: Vec<u8>) -> Self {
        self.certs.push(der);
        self
    }

    /// The algorithm to sign with.
    pub fn signature_algorithm(mut self, alg: SigAlg) -> Self {
        self.sig_alg = Some(alg);
        self
    }

    /// Flips a bit of the signature after signing.
    pub fn corrupt_signature(mut self) -> Self {
        self.corrupt_signature = true;
        self
    }

    /// Encodes the signature BIT STRING with this unused-bits count (its octets unchanged), as
    /// no signature algorithm allows.
    pub fn signature_unused_bits(mut self, unused_bits: u8) -> Self {
        self.signature_unused_bits = unused_bits;
        self
    }

    /// The ResponseData, DER.
    pub fn tbs(&self) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        if let Some(v) = &self.version {
            body.extend(tlv(0xa0, &tlv(0x02, v)));
        }
        body.extend(match &self.responder {
            ResponderId::ByName(name) => tlv(0xa1, &name.to_der()?),
            ResponderId::ByKey(hash) => tlv(0xa2, &tlv(0x04, hash)),
        });
        body.extend(generalized_time(self.produced_at)?);
        let mut list = Vec::new();
        for r in &self.responses {
            list.extend(r.encode()?);
        }
        body.extend(tlv(0x30, &list));
        if !self.extensions.is_empty() {
            body.extend(tlv(0xa1, &extensions_der(&self.extensions)?));
        }
        Ok(tlv(0x30, &body))
    }

    /// Signs with `key` and returns the whole OCSPResponse, DER.
    pub fn sign(&self, key: &KeyPair) -> Result<Vec<u8>> {
        let alg = self.sig_alg.unwrap_or_else(|| key.kind().default_sig_alg());
        let tbs = self.tbs()?;
        let mut signature = key.sign(alg, &tbs)?;
        if self.corrupt_signature {
            let last = signature.last_mut().ok_or_else(|| Error::msg("empty signature"))?;
            *last ^= 0x01;
        }
        let mut bits = vec![self.signature_unused_bits];
        bits.extend(signature);
        let mut basic = tbs;
        basic.extend(alg.algorithm_identifier());
        basic.extend(tlv(0x03, &bits));
        if !self.certs.is_empty() {
            basic.extend(tlv(0xa0, &tlv(0x30, &self.certs.concat())));
        }
        let basic = tlv(0x30, &basic);
        let mut bytes = self.response_type.to_der()?;
        bytes.extend(tlv(0x04, &basic));
        let mut outer = tlv(0x0a, &[self.response_status]);
        outer.extend(tlv(0xa0, &tlv(0x30, &bytes)));
        Ok(tlv(0x30, &outer))
    }
}

/// An OCSPResponse with only a (non-successful) status and no response bytes.
pub fn status_only(status: u8) -> Vec<u8> {
    tlv(0x30, &tlv(0x0a, &[status]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyKind;
    use crate::name::NameBuilder;

    #[test]
    fn builds_a_der_sequence() -> Result<()> {
        let key = KeyPair::generate("unit-test-ocsp", KeyKind::P256)?;
        let name = NameBuilder::new().cn("Responder").build()?;
        let id = CertId::new(CertIdHash::Sha1, &name, key.spki_der(), &[0x01])?;
        assert_eq!(id.name_hash.len(), 20);
        let der = OcspResponseBuilder::new(ResponderId::ByName(name), 1_700_000_000)
            .response(SingleResponse::new(id, OcspCertStatus::Good, 1_700_000_000, Some(1_700_600_000)))
            .sign(&key)?;
        let any = <der::asn1::Any as der::Decode>::from_der(&der)?;
        assert_eq!(der::Tagged::tag(&any), der::Tag::Sequence);
        assert_eq!(status_only(status::TRY_LATER), [0x30, 0x03, 0x0a, 0x01, 0x03]);
        Ok(())
    }
}
