//! Mutual TLS with trustpath's rustls verifiers: real handshakes over loopback TCP between a
//! rustls client and a rustls server (ring provider), with the bundled test PKI
//! (`test-vectors/tls/`, made by `cargo run --release -p trustpath-testgen --bin tls`) and a
//! fixed validation time. The example FHIR server (`examples/support/fhir_server.rs`) is
//! driven in-process.

#![cfg(feature = "rustls")]

#[path = "../examples/support/fhir_server.rs"]
mod fhir_server;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::ResolvesClientCert;
use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::server::danger::ClientCertVerifier;
use rustls::sign::{CertifiedKey, SigningKey};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, ClientConnection, Error, ExtendedKeyPurpose, ServerConfig,
    ServerConnection, SignatureScheme, StreamOwned, SupportedProtocolVersion,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use serde_json::Value;
use trustpath::crypto::cache::SignatureCache;
use trustpath::revocation::{Crl, RevocationData};
use trustpath::tls::{ClientIdentity, ClientVerifier, ServerVerifier, TlsClientAuthName, rejection_reason};
use trustpath::udap::RegisteredClient;
use trustpath::{Certificate, TrustStore};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/tls");
const TLS12: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];
const TLS13: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// 2026-06-01T00:00:00Z: every bundled certificate but the expired and not-yet-valid clients is
/// valid then.
fn time() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(1_780_272_000))
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{file}")).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn certs(file: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(&read(file)).collect::<Result<Vec<_>, _>>().unwrap()
}

fn key(name: &str) -> PrivateKeyDer<'static> {
    PrivateKeyDer::from_pem_slice(&read(&format!("keys/{name}.pem"))).unwrap()
}

fn anchors() -> TrustStore {
    TrustStore::from_bundle(&read("anchors.pem")).unwrap()
}

fn crl(file: &str) -> Crl {
    Crl::from_pem_or_der(&read(file)).unwrap()
}

fn crls(files: &[&str]) -> Arc<RevocationData> {
    let mut data = RevocationData::new();
    for f in files {
        data.add_crl(crl(f));
    }
    Arc::new(data)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The default client verifier of these tests: tls_client, fixed time, optional auth.
fn client_verifier() -> ClientVerifier {
    ClientVerifier::tls_client(anchors()).with_fixed_time(time())
}

fn server_config(
    verifier: Arc<dyn ClientCertVerifier>,
    versions: &[&'static SupportedProtocolVersion],
) -> ServerConfig {
    ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs("server-chain.pem"), key("server"))
        .unwrap()
}

fn server_verifier() -> Arc<ServerVerifier> {
    Arc::new(ServerVerifier::tls_server(anchors()).with_fixed_time(time()))
}

/// A client config trusting the community for the server, presenting `client` (a
/// `client-*-chain.pem` name without the suffix, with its key in `keys/`), or no certificate.
fn client_config(
    client: Option<&str>,
    versions: &[&'static SupportedProtocolVersion],
    server: Arc<dyn ServerCertVerifier>,
) -> ClientConfig {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(server);
    match client {
        Some(name) => builder.with_client_auth_cert(certs(&format!("{name}-chain.pem")), key(name)).unwrap(),
        None => builder.with_no_client_auth(),
    }
}

/// What each side saw of one connection.
struct Outcome {
    /// The server's handshake result: the client's chain (empty when it sent none).
    server: Result<Vec<CertificateDer<'static>>, Error>,
    /// The client's result: the handshake and reading the server's first bytes.
    client: Result<(), Error>,
}

fn rustls_error(e: std::io::Error) -> Error {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Error>())
        .cloned()
        .unwrap_or_else(|| Error::General(e.to_string()))
}

/// Runs one handshake over loopback TCP; the server writes `ok` once it completes.
fn handshake(server: ServerConfig, client: ClientConfig, name: &str) -> Outcome {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server_side = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let conn = ServerConnection::new(Arc::new(server)).unwrap();
        let mut tls = StreamOwned::new(conn, sock);
        let result = tls.write_all(b"ok").and_then(|_| tls.flush());
        match result {
            Ok(()) => {
                let chain = tls.conn.peer_certificates().map(<[_]>::to_vec).unwrap_or_default();
                // Wait for the client to close.
                let mut rest = Vec::new();
                let _ = tls.sock.read_to_end(&mut rest);
                Ok(chain)
            }
            Err(e) => {
                let _ = tls.sock.shutdown(std::net::Shutdown::Write);
                let mut rest = Vec::new();
                let _ = tls.sock.read_to_end(&mut rest);
                Err(rustls_error(e))
            }
        }
    });
    let client_result = (|| {
        let sock = TcpStream::connect(addr).map_err(|e| Error::General(e.to_string()))?;
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let conn = ClientConnection::new(Arc::new(client), ServerName::try_from(name.to_string()).unwrap())?;
        let mut tls = StreamOwned::new(conn, sock);
        let mut buf = [0u8; 2];
        let read = tls.read_exact(&mut buf).map_err(rustls_error);
        let _ = tls.sock.shutdown(std::net::Shutdown::Both);
        read?;
        assert_eq!(&buf, b"ok");
        Ok(())
    })();
    Outcome { server: server_side.join().unwrap(), client: client_result }
}

/// A handshake of `client` against a server using `verifier`, TLS 1.3.
fn connect(verifier: &Arc<ClientVerifier>, client: Option<&str>) -> Outcome {
    connect_with(verifier, client, TLS13)
}

fn connect_with(
    verifier: &Arc<ClientVerifier>,
    client: Option<&str>,
    versions: &[&'static SupportedProtocolVersion],
) -> Outcome {
    let server = server_config(verifier.clone(), versions);
    handshake(server, client_config(client, versions, server_verifier()), "localhost")
}

/// The client was refused: the server's error and the alert the client received.
fn assert_refused(outcome: &Outcome, alert: AlertDescription) -> Error {
    let server = outcome.server.clone().expect_err("the server must refuse the client");
    assert_eq!(outcome.client.clone().expect_err("the client must see the refusal"), Error::AlertReceived(alert));
    server
}

fn assert_accepted(outcome: &Outcome) -> Vec<CertificateDer<'static>> {
    if let Err(e) = &outcome.client {
        panic!("client failed: {e:?} (server: {:?})", outcome.server.as_ref().err());
    }
    outcome.server.clone().unwrap()
}

#[test]
fn trusted_client_is_accepted_and_its_identity_available() {
    let verifier = Arc::new(client_verifier());
    let chain = assert_accepted(&connect(&verifier, Some("client")));
    assert_eq!(chain.len(), 2, "leaf and intermediate");
    let identity = verifier.identity_for(&chain[0]).expect("remembered by the handshake");
    assert_eq!(identity.san_uris(), ["https://client.example.org/fhir-app"]);
    assert_eq!(identity.dns_names(), ["client.example.org"]);
    assert_eq!(identity.emails(), ["ops@client.example.org"]);
    assert_eq!(identity.subject(), "CN=Example FHIR Client,O=Example Health App,C=US");
    assert_eq!(identity.community(), trustpath::trust::DEFAULT_COMMUNITY);
    assert_eq!(identity.anchor_subject(), "CN=Trustpath Test Community Root CA,O=Trustpath Test Community,C=US");
    assert_eq!(identity.path().certificates().len(), 2);
    assert_eq!(identity.verified_at(), time());
    assert_eq!(identity.leaf().der(), &chain[0]);
    assert_eq!(identity.x5t_s256().len(), 43);
    // peer_identity gives the same identity without validating again.
    let again = verifier.peer_identity(&chain).unwrap();
    assert_eq!(again.sha256(), identity.sha256());
    assert_eq!(verifier.peer_identity(&[]).unwrap_err(), Error::NoCertificatesPresented);
}

#[test]
fn tls12_and_tls13_handshake_signatures_for_every_key_type() {
    for client in ["client", "client-rsa", "client-ed25519"] {
        for versions in [TLS12, TLS13] {
            let verifier = Arc::new(client_verifier());
            let chain = assert_accepted(&connect_with(&verifier, Some(client), versions));
            assert!(verifier.identity_for(&chain[0]).is_some(), "{client} {versions:?}");
        }
    }
}

/// A client signing key that offers only some schemes, or signs with another key.
#[derive(Debug)]
struct OnlySchemes {
    key: Arc<dyn SigningKey>,
    schemes: Vec<SignatureScheme>,
}

impl SigningKey for OnlySchemes {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn rustls::sign::Signer>> {
        let offered: Vec<SignatureScheme> = offered.iter().copied().filter(|s| self.schemes.contains(s)).collect();
        self.key.choose_scheme(&offered)
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        self.key.algorithm()
    }
}

/// A client config presenting `chain` with a handshake key that the test chooses.
fn client_with_key(
    chain: &str,
    key: Arc<dyn SigningKey>,
    versions: &[&'static SupportedProtocolVersion],
) -> ClientConfig {
    let certified = CertifiedKey::new(certs(chain), key);
    let resolver = Arc::new(RecordingResolver { key: Arc::new(certified), hints: Mutex::new(Vec::new()) });
    ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(server_verifier())
        .with_client_cert_resolver(resolver)
}

fn signing_key(name: &str) -> Arc<dyn SigningKey> {
    provider().key_provider.load_private_key(key(name)).unwrap()
}

#[test]
fn tls12_rsa_pkcs1_handshake_signature() {
    let pkcs1 = Arc::new(OnlySchemes {
        key: signing_key("client-rsa"),
        schemes: vec![SignatureScheme::RSA_PKCS1_SHA256, SignatureScheme::RSA_PKCS1_SHA384],
    });
    let verifier = Arc::new(client_verifier());
    let client = client_with_key("client-rsa-chain.pem", pkcs1, TLS12);
    let chain = assert_accepted(&handshake(server_config(verifier.clone(), TLS12), client, "localhost"));
    assert!(verifier.identity_for(&chain[0]).is_some());
}

#[test]
fn handshake_signed_with_another_key_is_refused() {
    for versions in [TLS12, TLS13] {
        // The certificate of `client`, the key of `client-expired` (both P-256).
        let verifier = Arc::new(client_verifier());
        let client = client_with_key("client-chain.pem", signing_key("client-expired"), versions);
        let outcome = handshake(server_config(verifier, versions), client, "localhost");
        let error = assert_refused(&outcome, AlertDescription::DecryptError);
        assert_eq!(error, Error::InvalidCertificate(CertificateError::BadSignature), "{versions:?}");
        // An Ed25519 key behind a P-256 certificate: the scheme does not fit the key.
        let verifier = Arc::new(client_verifier());
        let client = client_with_key("client-chain.pem", signing_key("client-ed25519"), versions);
        let outcome = handshake(server_config(verifier, versions), client, "localhost");
        let error = outcome.server.unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidCertificate(CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. })
            ),
            "{versions:?}: {error:?}"
        );
    }
}

#[test]
fn supported_schemes_follow_the_algorithm_policy() {
    let schemes = client_verifier().supported_verify_schemes();
    for s in [
        SignatureScheme::ECDSA_NISTP384_SHA384,
        SignatureScheme::ECDSA_NISTP256_SHA256,
        SignatureScheme::ED25519,
        SignatureScheme::RSA_PSS_SHA256,
        SignatureScheme::RSA_PKCS1_SHA256,
    ] {
        assert!(schemes.contains(&s), "{s:?} in {schemes:?}");
    }
    // The default policy has no P-521 or Ed448 algorithm.
    assert!(!schemes.contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    assert!(!schemes.contains(&SignatureScheme::ED448));
    assert_eq!(server_verifier().supported_verify_schemes(), schemes);
}

#[test]
fn untrusted_anchor_is_refused() {
    let verifier = Arc::new(client_verifier());
    let outcome = connect(&verifier, Some("client-untrusted"));
    let error = assert_refused(&outcome, AlertDescription::UnknownCA);
    assert_eq!(error, Error::InvalidCertificate(CertificateError::UnknownIssuer));
}

#[test]
fn expired_client_is_refused() {
    let verifier = Arc::new(client_verifier());
    let error = assert_refused(&connect(&verifier, Some("client-expired")), AlertDescription::CertificateExpired);
    let not_after = UnixTime::since_unix_epoch(Duration::from_secs(1_767_225_600)); // 2026-01-01
    assert_eq!(error, Error::InvalidCertificate(CertificateError::ExpiredContext { time: time(), not_after }));
}

#[test]
fn not_yet_valid_client_is_refused() {
    let verifier = Arc::new(client_verifier());
    let error = assert_refused(&connect(&verifier, Some("client-not-yet-valid")), AlertDescription::CertificateExpired);
    assert!(
        matches!(error, Error::InvalidCertificate(CertificateError::NotValidYetContext { time: t, .. }) if t == time()),
        "{error:?}"
    );
}

#[test]
fn revoked_client_is_refused_with_the_crl() {
    let rejections = Arc::new(Mutex::new(Vec::new()));
    let log = rejections.clone();
    let verifier = Arc::new(
        client_verifier()
            .with_revocation(crls(&["intermediate-ca.crl.pem"]))
            .on_rejection(move |e| log.lock().unwrap().push(e.to_string())),
    );
    let error = assert_refused(&connect(&verifier, Some("client-revoked")), AlertDescription::CertificateRevoked);
    assert_eq!(error, Error::InvalidCertificate(CertificateError::Revoked));
    let logged = rejections.lock().unwrap();
    assert_eq!(logged.len(), 1);
    assert!(logged[0].contains("revoked (keyCompromise)"), "{logged:?}");
    // The same CRL leaves the other clients alone.
    assert_accepted(&connect(&verifier, Some("client")));
}

#[test]
fn wrong_extended_key_usage_is_refused() {
    let verifier = Arc::new(client_verifier());
    let error = assert_refused(&connect(&verifier, Some("client-wrong-eku")), AlertDescription::UnsupportedCertificate);
    assert_eq!(
        error,
        Error::InvalidCertificate(CertificateError::InvalidPurposeContext {
            required: ExtendedKeyPurpose::ClientAuth,
            presented: vec![ExtendedKeyPurpose::ServerAuth],
        })
    );
}

#[test]
fn wrong_key_usage_is_refused() {
    let verifier = Arc::new(client_verifier());
    let error = assert_refused(&connect(&verifier, Some("client-wrong-ku")), AlertDescription::CertificateUnknown);
    let reason = rejection_reason(&error).expect("the ValidationError travels inside the rustls error");
    assert_eq!(reason.kind(), "key_usage");
    assert_eq!(reason.certificate_index(), Some(0));
    assert!(error.to_string().contains("digitalSignature"), "{error}");
}

#[test]
fn no_certificate_with_optional_client_auth() {
    let verifier = Arc::new(client_verifier().optional());
    let chain = assert_accepted(&connect(&verifier, None));
    assert!(chain.is_empty());
    // An optional verifier still refuses a bad certificate.
    assert_refused(&connect(&verifier, Some("client-expired")), AlertDescription::CertificateExpired);
}

#[test]
fn no_certificate_with_mandatory_client_auth() {
    let verifier = Arc::new(client_verifier());
    let outcome = connect(&verifier, None);
    let error = assert_refused(&outcome, AlertDescription::CertificateRequired);
    assert_eq!(error, Error::NoCertificatesPresented);
}

/// Records the root hints a server's CertificateRequest carries.
#[derive(Debug)]
struct RecordingResolver {
    key: Arc<CertifiedKey>,
    hints: Mutex<Vec<Vec<u8>>>,
}

impl ResolvesClientCert for RecordingResolver {
    fn resolve(&self, root_hint_subjects: &[&[u8]], _: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        *self.hints.lock().unwrap() = root_hint_subjects.iter().map(|h| h.to_vec()).collect();
        Some(self.key.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

#[test]
fn root_hints_are_the_anchor_subjects() {
    let root = Certificate::from_pem(&read("root-ca.pem")).unwrap();
    let resolver = Arc::new(RecordingResolver {
        key: Arc::new(CertifiedKey::from_der(certs("client-chain.pem"), key("client"), &provider()).unwrap()),
        hints: Mutex::new(Vec::new()),
    });
    let client = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(TLS13)
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(server_verifier())
        .with_client_cert_resolver(resolver.clone());
    let verifier = Arc::new(client_verifier());
    assert_accepted(&handshake(server_config(verifier.clone(), TLS13), client, "localhost"));
    assert_eq!(*resolver.hints.lock().unwrap(), vec![root.subject_der().to_vec()]);

    // Without hints the request lists none.
    let quiet = client_verifier().with_root_hints(false);
    assert!(quiet.root_hint_subjects().is_empty());
}

#[test]
fn communities_restrict_anchors_and_hints() {
    let mut store = TrustStore::new();
    let _added = store.add_bundle("community-a", &read("root-ca.pem")).unwrap();
    let _added = store.add_bundle("community-b", &read("rogue-root-ca.pem")).unwrap();
    let both = Arc::new(ClientVerifier::tls_client(store.clone()).with_fixed_time(time()));
    assert_eq!(both.root_hint_subjects().len(), 2);
    let chain = assert_accepted(&connect(&both, Some("client-untrusted")));
    assert_eq!(both.identity_for(&chain[0]).unwrap().community(), "community-b");

    let only_a = Arc::new(ClientVerifier::tls_client(store).with_fixed_time(time()).with_community("community-a"));
    assert_eq!(only_a.root_hint_subjects().len(), 1);
    let error = assert_refused(&connect(&only_a, Some("client-untrusted")), AlertDescription::UnknownCA);
    assert_eq!(error, Error::InvalidCertificate(CertificateError::UnknownIssuer));
    let chain = assert_accepted(&connect(&only_a, Some("client")));
    assert_eq!(only_a.identity_for(&chain[0]).unwrap().community(), "community-a");
}

#[test]
fn udap_policy_requires_revocation_status_for_the_whole_chain() {
    let udap = |data: Option<Arc<RevocationData>>| {
        let v = ClientVerifier::udap(anchors()).with_fixed_time(time());
        Arc::new(match data {
            Some(d) => v.with_revocation(d),
            None => v,
        })
    };
    let complete = udap(Some(crls(&["intermediate-ca.crl.pem", "root-ca.crl.pem"])));
    assert_accepted(&connect(&complete, Some("client")));
    assert_refused(&connect(&complete, Some("client-revoked")), AlertDescription::CertificateRevoked);

    // No status for the issuing CA (its issuer's CRL is missing), or none at all: refused.
    for verifier in [udap(Some(crls(&["intermediate-ca.crl.pem"]))), udap(None)] {
        let error = assert_refused(&connect(&verifier, Some("client")), AlertDescription::UnknownCA);
        assert_eq!(error, Error::InvalidCertificate(CertificateError::UnknownRevocationStatus));
    }
}

#[test]
fn new_revocation_data_applies_to_remembered_identities() {
    let verifier = Arc::new(client_verifier().optional());
    // Without a CRL the revoked client passes (tls_client is soft-fail).
    let chain = assert_accepted(&connect(&verifier, Some("client-revoked")));
    assert!(verifier.identity_for(&chain[0]).is_some());

    verifier.set_revocation(Some(crls(&["intermediate-ca.crl.pem"])));
    assert!(verifier.identity_for(&chain[0]).is_none(), "forgotten when the revocation data changes");
    let error = verifier.peer_identity(&chain).unwrap_err();
    assert_eq!(error, Error::InvalidCertificate(CertificateError::Revoked));
    assert_refused(&connect(&verifier, Some("client-revoked")), AlertDescription::CertificateRevoked);
}

#[test]
fn identities_are_bounded() {
    let verifier = Arc::new(client_verifier().with_identity_capacity(1));
    let first = assert_accepted(&connect(&verifier, Some("client")));
    let second = assert_accepted(&connect(&verifier, Some("client-rsa")));
    assert!(verifier.identity_for(&first[0]).is_none(), "evicted");
    assert!(verifier.identity_for(&second[0]).is_some());
    // peer_identity validates the evicted one again.
    assert_eq!(verifier.peer_identity(&first).unwrap().san_uris(), ["https://client.example.org/fhir-app"]);
}

#[test]
fn returning_client_costs_no_certificate_signature() {
    let cache = Arc::new(SignatureCache::new(1000));
    let verifier = Arc::new(client_verifier().with_signature_cache(cache.clone()));
    assert_accepted(&connect(&verifier, Some("client")));
    let first = cache.stats();
    assert_eq!((first.hits, first.misses), (0, 2), "leaf and issuing CA signatures");
    assert_accepted(&connect(&verifier, Some("client")));
    let second = cache.stats();
    assert_eq!((second.hits, second.misses), (2, 2), "both answered from the cache");
}

#[test]
fn identity_matches_registrations() {
    let verifier = Arc::new(client_verifier());
    let chain = assert_accepted(&connect(&verifier, Some("client")));
    let id: ClientIdentity = verifier.identity_for(&chain[0]).unwrap();
    assert!(id.matches(&TlsClientAuthName::SanUri("https://client.example.org/fhir-app".into())));
    assert!(!id.matches(&TlsClientAuthName::SanUri("https://client.example.org/fhir-app/".into())));
    assert!(id.matches(&TlsClientAuthName::SanDns("Client.Example.ORG".into())));
    assert!(id.matches(&TlsClientAuthName::SanEmail("ops@CLIENT.example.org".into())));
    assert!(!id.matches(&TlsClientAuthName::SanEmail("OPS@client.example.org".into())));
    assert!(id.matches(&TlsClientAuthName::SubjectDn("CN=Example FHIR Client,O=Example Health App,C=US".into())));
    assert!(id.matches(&TlsClientAuthName::SubjectDer(id.leaf().subject_der().to_vec())));
    assert!(!id.matches(&TlsClientAuthName::SanIp("127.0.0.1".parse().unwrap())));

    let registered =
        RegisteredClient::new("c-1", "https://client.example.org/fhir-app", trustpath::trust::DEFAULT_COMMUNITY);
    assert!(id.matches_udap_client(&registered.community, &registered.client_uri));
    assert!(!id.matches_udap_client("other", &registered.client_uri));
    assert!(!id.matches_udap_client(&registered.community, "https://other.example.org"));
}

// ServerCertVerifier: a client trusting the server through the community anchors.

fn no_client_auth_server(chain: &str, key_name: &str) -> ServerConfig {
    ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(TLS13)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs(chain), key(key_name))
        .unwrap()
}

#[test]
fn server_verifier_accepts_the_community_server_by_name_and_address() {
    for name in ["localhost", "127.0.0.1", "::1"] {
        for versions in [TLS12, TLS13] {
            let server = ServerConfig::builder_with_provider(provider())
                .with_protocol_versions(versions)
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(certs("server-chain.pem"), key("server"))
                .unwrap();
            let outcome = handshake(server, client_config(None, versions, server_verifier()), name);
            assert_accepted(&outcome);
        }
    }
    let path = server_verifier()
        .verify_chain(
            &certs("server-chain.pem")[0],
            &certs("server-chain.pem")[1..],
            &ServerName::try_from("localhost").unwrap(),
            &[],
        )
        .unwrap();
    assert_eq!(path.community(), trustpath::trust::DEFAULT_COMMUNITY);
}

#[test]
fn server_verifier_rejects_a_wrong_name() {
    let outcome = handshake(
        no_client_auth_server("server-chain.pem", "server"),
        client_config(None, TLS13, server_verifier()),
        "fhir.example.org",
    );
    let error = outcome.client.unwrap_err();
    assert_eq!(
        error,
        Error::InvalidCertificate(CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("fhir.example.org").unwrap(),
            presented: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
        })
    );
    assert_eq!(outcome.server.unwrap_err(), Error::AlertReceived(AlertDescription::BadCertificate));
}

#[test]
fn server_verifier_rejects_an_untrusted_server() {
    let outcome = handshake(
        no_client_auth_server("server-untrusted-chain.pem", "server-untrusted"),
        client_config(None, TLS13, server_verifier()),
        "localhost",
    );
    assert_eq!(outcome.client.unwrap_err(), Error::InvalidCertificate(CertificateError::UnknownIssuer));
    assert_eq!(outcome.server.unwrap_err(), Error::AlertReceived(AlertDescription::UnknownCA));
}

#[test]
fn server_verifier_rejects_a_client_certificate_as_server() {
    // A clientAuth-only certificate is not a server certificate (tls_server wants serverAuth).
    let outcome = handshake(
        no_client_auth_server("client-chain.pem", "client"),
        client_config(None, TLS13, server_verifier()),
        "client.example.org",
    );
    assert!(
        matches!(outcome.client, Err(Error::InvalidCertificate(CertificateError::InvalidPurposeContext { .. }))),
        "{:?}",
        outcome.client
    );
}

fn stapling_server(ocsp: &str) -> ServerConfig {
    ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(TLS13)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert_with_ocsp(certs("server-chain.pem"), key("server"), read(ocsp))
        .unwrap()
}

#[test]
fn server_verifier_uses_a_stapled_ocsp_response() {
    let outcome =
        handshake(stapling_server("server-ocsp-good.der"), client_config(None, TLS13, server_verifier()), "localhost");
    assert_accepted(&outcome);
    let chain = certs("server-chain.pem");
    let name = ServerName::try_from("localhost").unwrap();
    let path = server_verifier().verify_chain(&chain[0], &chain[1..], &name, &read("server-ocsp-good.der")).unwrap();
    let leaf_status = &path.revocation()[0];
    assert_eq!(leaf_status.certificate_index, 0);
    assert_eq!(leaf_status.status, trustpath::revocation::CertStatus::Good);
    assert_eq!(leaf_status.source, trustpath::revocation::StatusSource::Ocsp);

    let outcome = handshake(
        stapling_server("server-ocsp-revoked.der"),
        client_config(None, TLS13, server_verifier()),
        "localhost",
    );
    assert_eq!(outcome.client.unwrap_err(), Error::InvalidCertificate(CertificateError::Revoked));
    assert_eq!(outcome.server.unwrap_err(), Error::AlertReceived(AlertDescription::CertificateRevoked));

    let garbage = server_verifier().verify_chain(&chain[0], &chain[1..], &name, b"not an OCSP response");
    assert_eq!(garbage.unwrap_err(), Error::InvalidCertificate(CertificateError::InvalidOcspResponse));
}

// The example FHIR server, in-process.

struct Example {
    addr: SocketAddr,
    runtime: tokio::runtime::Runtime,
}

fn example(clients: Vec<(String, String)>) -> Example {
    let options = fhir_server::Options {
        listen: "127.0.0.1:0".into(),
        cert: format!("{DIR}/server-chain.pem").into(),
        key: format!("{DIR}/keys/server.pem").into(),
        anchors: format!("{DIR}/anchors.pem").into(),
        crls: vec![format!("{DIR}/intermediate-ca.crl.pem").into()],
        policy: "tls-client".into(),
        clients,
        token_lifetime: 3600,
        fetch: false,
    };
    let verifier = Arc::new(fhir_server::client_verifier(&options).unwrap().with_fixed_time(time()));
    let (chain, key) = fhir_server::load_server_identity(&options).unwrap();
    let config = fhir_server::server_config(verifier.clone(), chain, key).unwrap();
    let app = Arc::new(fhir_server::App::new(verifier, &options));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(app.serve(listener, tokio_rustls::TlsAcceptor::from(config)));
    Example { addr, runtime }
}

/// One HTTPS request (`Connection: close`); the status and the JSON body, or the TLS error.
fn request(
    example: &Example,
    client: Option<&str>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, Value), Error> {
    let config =
        Arc::new(client_config(client, &[&rustls::version::TLS13, &rustls::version::TLS12], server_verifier()));
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        text.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let addr = example.addr;
    example.runtime.block_on(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let io = |e: std::io::Error| rustls_error(e);
        let tcp = tokio::net::TcpStream::connect(addr).await.map_err(io)?;
        let connector = tokio_rustls::TlsConnector::from(config);
        let mut tls = connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.map_err(io)?;
        tls.write_all(text.as_bytes()).await.map_err(io)?;
        let mut response = Vec::new();
        tls.read_to_end(&mut response).await.map_err(io)?;
        let response = String::from_utf8(response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
        Ok((status, serde_json::from_str(body).unwrap()))
    })
}

fn get(example: &Example, client: Option<&str>, path: &str) -> Result<(u16, Value), Error> {
    request(example, client, "GET", path, &[], "")
}

#[test]
fn example_metadata_is_public_and_patients_need_a_certificate() {
    let ex = example(Vec::new());
    let (status, body) = get(&ex, None, "/metadata").unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["resourceType"], "CapabilityStatement");
    assert_eq!(body["fhirVersion"], "4.0.1");

    // A1: no certificate -> 401 OperationOutcome; a trusted certificate -> the Patient.
    let (status, body) = get(&ex, None, "/Patient/1").unwrap();
    assert_eq!((status, body["resourceType"].as_str()), (401, Some("OperationOutcome")));
    let (status, body) = get(&ex, Some("client"), "/Patient/1").unwrap();
    assert_eq!((status, body["resourceType"].as_str(), body["id"].as_str()), (200, Some("Patient"), Some("1")));
    let (status, body) = get(&ex, Some("client-rsa"), "/Patient/3").unwrap();
    assert_eq!((status, body["id"].as_str()), (200, Some("3")));
    let (status, body) = get(&ex, Some("client"), "/Patient/7").unwrap();
    assert_eq!((status, body["resourceType"].as_str()), (404, Some("OperationOutcome")));
    let (status, _) = get(&ex, Some("client"), "/Observation/1").unwrap();
    assert_eq!(status, 404);
}

#[test]
fn example_refuses_bad_certificates_in_the_handshake() {
    let ex = example(Vec::new());
    for (client, alert) in [
        ("client-expired", AlertDescription::CertificateExpired),
        ("client-revoked", AlertDescription::CertificateRevoked),
        ("client-untrusted", AlertDescription::UnknownCA),
        ("client-wrong-eku", AlertDescription::UnsupportedCertificate),
    ] {
        for path in ["/metadata", "/Patient/1"] {
            let result = get(&ex, Some(client), path);
            assert_eq!(result.unwrap_err(), Error::AlertReceived(alert), "{client} {path}");
        }
    }
}

#[test]
fn example_client_credentials_token_then_bearer_access() {
    let ex = example(Vec::new());
    let form = "grant_type=client_credentials&scope=system%2FPatient.read";
    // A2 without a certificate: invalid_client.
    let (status, body) = request(&ex, None, "POST", "/token", &[], form).unwrap();
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    // Another grant type.
    let (status, body) = request(&ex, Some("client"), "POST", "/token", &[], "grant_type=password").unwrap();
    assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")));

    let (status, body) = request(&ex, Some("client"), "POST", "/token", &[], form).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "system/Patient.read");
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 64);

    // The token alone (no client certificate) reads Patients.
    let bearer = format!("Bearer {token}");
    let auth = [("Authorization", bearer.as_str())];
    let (status, body) = request(&ex, None, "GET", "/Patient/1", &auth, "").unwrap();
    assert_eq!((status, body["id"].as_str()), (200, Some("1")));
    let (status, _) = request(&ex, None, "GET", "/Patient/7", &auth, "").unwrap();
    assert_eq!(status, 404);
    let (status, _) = request(&ex, None, "GET", "/Patient/2", &[("Authorization", "Bearer nope")], "").unwrap();
    assert_eq!(status, 401);
}

#[test]
fn example_registered_clients_must_match_their_certificate() {
    let ex = example(vec![
        ("app-1".into(), "https://client.example.org/fhir-app".into()),
        ("app-2".into(), "https://rsa-client.example.org/fhir-app".into()),
    ]);
    let token = |client: &str, id: &str| {
        let form = format!("grant_type=client_credentials&client_id={id}");
        request(&ex, Some(client), "POST", "/token", &[], &form).unwrap()
    };
    assert_eq!(token("client", "app-1").0, 200);
    assert_eq!(token("client-rsa", "app-2").0, 200);
    let (status, body) = token("client", "app-2");
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    assert_eq!(token("client", "unknown").0, 401);
    let (status, _) = request(&ex, Some("client"), "POST", "/token", &[], "grant_type=client_credentials").unwrap();
    assert_eq!(status, 401, "client_id is required once clients are registered");
}

#[test]
fn example_command_line() {
    assert!(matches!(fhir_server::parse_args(["--help".to_string()]), Ok(fhir_server::Command::Help)));
    let args = ["--listen", "127.0.0.1:8443", "--cert", "c.pem", "--key", "k.pem", "--anchors", "a.pem"];
    let Ok(fhir_server::Command::Run(o)) = fhir_server::parse_args(
        args.iter().chain(&["--crl", "1.crl", "--crl", "2.crl", "--client", "id=https://x"]).map(|s| s.to_string()),
    ) else {
        panic!("parse");
    };
    assert_eq!(o.crls.len(), 2);
    assert_eq!(o.clients, [("id".to_string(), "https://x".to_string())]);
    assert!(fhir_server::parse_args(args[..6].iter().map(|s| s.to_string())).is_err(), "--anchors missing");
    assert!(fhir_server::parse_args(["--bogus".to_string()]).is_err());
}
