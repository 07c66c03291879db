//! The mutual-TLS FHIR server of `examples/fhir_mtls_server.rs`, as a module so that
//! `tests/tls.rs` can drive it in-process.
//!
//! HTTPS/1.1 with hyper on tokio-rustls (ring provider); client certificates are optional at
//! the TLS layer and verified by [`trustpath::tls::ClientVerifier`]:
//! - `GET /metadata`: a FHIR CapabilityStatement, for anyone;
//! - `GET /Patient/{id}`: with a valid, trusted client certificate (scenario 2A1) or a bearer
//!   token from `/token`: the Patient (ids 1-3) or 404; otherwise 401 + OperationOutcome;
//! - `POST /token` with `grant_type=client_credentials` over a connection with a valid,
//!   trusted client certificate (scenario 2A2): a bearer token; otherwise 401 `invalid_client`.
//!
//! An invalid, expired, revoked or untrusted certificate fails the handshake, so nothing is
//! served to it. Every request is logged to stderr with the verified identity. With
//! `--fetch`, the CRLs and OCSP responses client chains lack are fetched in the background
//! (`fetch_refresher.rs`).

// Each user of this module (the example, the tests) uses a different part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HOST, HeaderValue, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use trustpath::TrustStore;
use trustpath::revocation::{Crl, RevocationData};
use trustpath::tls::{ClientIdentity, ClientVerifier, TlsClientAuthName};

#[path = "fetch_refresher.rs"]
pub mod fetch_refresher;
use fetch_refresher::Refresher;

/// Command-line usage.
pub const USAGE: &str = "\
fhir_mtls_server: a FHIR server authenticating clients with mutual TLS (trustpath + rustls)

USAGE:
    fhir_mtls_server --listen ADDR --cert CHAIN.pem --key KEY.pem --anchors ANCHORS.pem [OPTIONS]

OPTIONS:
    --listen ADDR         address to listen on, e.g. 127.0.0.1:8443
    --cert FILE           server certificate chain (PEM, leaf first)
    --key FILE            server private key (PEM: PKCS#8, PKCS#1 or SEC1)
    --anchors FILE        trust anchors of the client community (PEM, DER or PKCS#7 bundle)
    --crl FILE            a CRL (PEM or DER) to check client chains with; repeatable
    --policy NAME         tls-client (default: clientAuth, soft-fail revocation) or udap
                          (hard-fail revocation: give a CRL for every CA of the chain)
    --client ID=URI       register client ID with the SAN URI its certificate must carry;
                          repeatable. With registrations, POST /token needs client_id and
                          the certificate must match it (RFC 8705 tls_client_auth)
    --token-lifetime SECS lifetime of issued bearer tokens (default 3600)
    --fetch               fetch the CRLs and OCSP responses client chains lack, in the
                          background (trustpath-fetch): under hard-fail a client whose CRL
                          was missing is refused once, then checked against the fetched CRL
    -h, --help            print this help

ROUTES:
    GET  /metadata        CapabilityStatement, for anyone
    GET  /Patient/{id}    a valid client certificate or a bearer token; ids 1-3 exist
    POST /token           grant_type=client_credentials with a valid client certificate
";

/// Parsed command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Listen address.
    pub listen: String,
    /// Server chain PEM.
    pub cert: PathBuf,
    /// Server key PEM.
    pub key: PathBuf,
    /// Anchors bundle.
    pub anchors: PathBuf,
    /// CRL files.
    pub crls: Vec<PathBuf>,
    /// `tls-client` or `udap`.
    pub policy: String,
    /// client_id → SAN URI.
    pub clients: Vec<(String, String)>,
    /// Token lifetime, seconds.
    pub token_lifetime: u64,
    /// `--fetch`.
    pub fetch: bool,
}

/// What the command line asks for.
pub enum Command {
    /// Print the usage.
    Help,
    /// Serve.
    Run(Options),
}

/// Parses the arguments (without the program name).
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut o = Options { policy: "tls-client".into(), token_lifetime: 3600, ..Options::default() };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--listen" => o.listen = value("--listen")?,
            "--cert" => o.cert = value("--cert")?.into(),
            "--key" => o.key = value("--key")?.into(),
            "--anchors" => o.anchors = value("--anchors")?.into(),
            "--crl" => o.crls.push(value("--crl")?.into()),
            "--fetch" => o.fetch = true,
            "--policy" => o.policy = value("--policy")?,
            "--client" => {
                let v = value("--client")?;
                let (id, uri) = v.split_once('=').ok_or("--client wants ID=URI")?;
                o.clients.push((id.to_string(), uri.to_string()));
            }
            "--token-lifetime" => {
                o.token_lifetime = value("--token-lifetime")?.parse().map_err(|_| "--token-lifetime: not a number")?
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    for (flag, missing) in [
        ("--listen", o.listen.is_empty()),
        ("--cert", o.cert.as_os_str().is_empty()),
        ("--key", o.key.as_os_str().is_empty()),
        ("--anchors", o.anchors.as_os_str().is_empty()),
    ] {
        if missing {
            return Err(format!("{flag} is required (see --help)"));
        }
    }
    if o.policy != "tls-client" && o.policy != "udap" {
        return Err(format!("unknown policy {:?}: tls-client or udap", o.policy));
    }
    Ok(Command::Run(o))
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Builds the client-certificate verifier from the options: anchors, CRLs, policy, a
/// signature cache, optional client authentication, rejections logged.
pub fn client_verifier(options: &Options) -> Result<ClientVerifier, BoxError> {
    reporting_client_verifier(options, None)
}

/// [`client_verifier`], also reporting what rejected chains lacked to `refresher`.
pub fn reporting_client_verifier(options: &Options, refresher: Option<Refresher>) -> Result<ClientVerifier, BoxError> {
    let anchors = std::fs::read(&options.anchors).map_err(|e| format!("{}: {e}", options.anchors.display()))?;
    let store = TrustStore::from_bundle(&anchors).map_err(|e| format!("{}: {e}", options.anchors.display()))?;
    let mut revocation = RevocationData::new();
    for path in &options.crls {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        revocation.add_crl(Crl::from_pem_or_der(&bytes).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let verifier =
        if options.policy == "udap" { ClientVerifier::udap(store) } else { ClientVerifier::tls_client(store) };
    Ok(verifier
        .optional()
        .with_revocation(Arc::new(revocation))
        .with_signature_cache(Arc::new(trustpath::crypto::cache::SignatureCache::new(10_000)))
        .on_rejection(move |e| {
            eprintln!("client certificate rejected: {e} [{}]", e.kind());
            if let Some(refresher) = &refresher {
                refresher.rejected(e);
            }
        }))
}

/// The rustls server configuration: ring, TLS 1.2 and 1.3, `verifier` for client
/// certificates, ALPN http/1.1.
pub fn server_config(
    verifier: Arc<ClientVerifier>,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, BoxError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Reads a PEM certificate chain and key.
pub fn load_server_identity(
    options: &Options,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), BoxError> {
    let chain = CertificateDer::pem_file_iter(&options.cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", options.cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate", options.cert.display()).into());
    }
    let key = PrivateKeyDer::from_pem_file(&options.key).map_err(|e| format!("{}: {e}", options.key.display()))?;
    Ok((chain, key))
}

/// A bearer token issued by `/token`.
#[derive(Debug, Clone)]
struct Token {
    expires_at: u64,
    client: String,
    scope: String,
}

/// Most live tokens held at once.
const MAX_TOKENS: usize = 100_000;
/// Largest request body read.
const MAX_BODY: usize = 16 * 1024;
/// The only scope this server grants.
const SCOPE: &str = "system/Patient.read";

/// The application: the verifier (for identities), issued tokens, registrations.
pub struct App {
    verifier: Arc<ClientVerifier>,
    tokens: Mutex<HashMap<String, Token>>,
    clients: Vec<(String, String)>,
    token_lifetime: u64,
    /// With `--fetch`: where accepted chains report what they lack.
    refresher: Option<Refresher>,
}

/// Who made a request.
enum Caller {
    Certificate(ClientIdentity),
    Token(Token),
    Anonymous,
}

impl Caller {
    fn describe(&self) -> String {
        match self {
            Caller::Certificate(id) => format!(
                "mtls subject=\"{}\" san_uri={:?} community={} anchor=\"{}\"",
                id.subject(),
                id.san_uris(),
                id.community(),
                id.anchor_subject()
            ),
            Caller::Token(t) => format!("bearer client=\"{}\"", t.client),
            Caller::Anonymous => "anonymous".to_string(),
        }
    }
}

/// A response before it becomes a hyper one.
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Extra headers.
    pub headers: Vec<(hyper::header::HeaderName, String)>,
    /// Content type of `body`.
    pub content_type: &'static str,
    /// JSON body.
    pub body: Value,
}

fn fhir(status: StatusCode, body: Value) -> Reply {
    Reply { status, headers: Vec::new(), content_type: "application/fhir+json", body }
}

fn oauth(status: StatusCode, body: Value) -> Reply {
    Reply { status, headers: vec![(CACHE_CONTROL, "no-store".to_string())], content_type: "application/json", body }
}

fn outcome(status: StatusCode, code: &str, text: &str) -> Reply {
    fhir(
        status,
        json!({
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": text}]
        }),
    )
}

fn patient(id: &str) -> Option<Value> {
    let (family, given, gender, birth) = match id {
        "1" => ("Chalmers", "Peter", "male", "1974-12-25"),
        "2" => ("Windsor", "Amy", "female", "1986-03-14"),
        "3" => ("Okafor", "Chidi", "male", "2001-08-02"),
        _ => return None,
    };
    Some(json!({
        "resourceType": "Patient",
        "id": id,
        "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.4.3.999", "value": format!("MRN-{id:0>4}")}],
        "active": true,
        "name": [{"use": "official", "family": family, "given": [given]}],
        "gender": gender,
        "birthDate": birth
    }))
}

/// Decodes `application/x-www-form-urlencoded`.
fn form(body: &[u8]) -> HashMap<String, String> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(v) => {
                            out.push(v);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                _ => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn random_token() -> Result<String, rustls::Error> {
    let mut bytes = [0u8; 32];
    rustls::crypto::ring::default_provider().secure_random.fill(&mut bytes).map_err(rustls::Error::from)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl App {
    /// An application using `verifier`'s identities and time source.
    pub fn new(verifier: Arc<ClientVerifier>, options: &Options) -> Self {
        App {
            verifier,
            tokens: Mutex::new(HashMap::new()),
            clients: options.clients.clone(),
            token_lifetime: options.token_lifetime,
            refresher: None,
        }
    }

    /// Reports what accepted chains lack to `refresher` (soft-fail revocation).
    pub fn with_refresher(mut self, refresher: Refresher) -> Self {
        self.refresher = Some(refresher);
        self
    }

    fn now(&self) -> u64 {
        self.verifier.now().as_secs()
    }

    fn bearer(&self, header: Option<&HeaderValue>) -> Option<Token> {
        let value = header?.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let now = self.now();
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.get(token.trim()).filter(|t| t.expires_at > now).cloned()
    }

    /// Answers one request. `identity` is the connection's verified client certificate
    /// (`None` when the client sent none). Returns the reply and a description of the caller.
    pub fn handle(
        &self,
        method: &Method,
        path: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
        identity: Option<&ClientIdentity>,
    ) -> (Reply, String) {
        let token = self.bearer(headers.get(AUTHORIZATION));
        let caller = match (identity, token) {
            (Some(id), _) => Caller::Certificate(id.clone()),
            (None, Some(t)) => Caller::Token(t),
            (None, None) => Caller::Anonymous,
        };
        let reply = match (method, path) {
            (&Method::GET, "/metadata") => self.metadata(headers),
            (&Method::GET, p) if p.starts_with("/Patient/") => self.read_patient(p, &caller, headers),
            (&Method::POST, "/token") => self.token(body, identity),
            (_, "/metadata") | (_, "/token") => {
                outcome(StatusCode::METHOD_NOT_ALLOWED, "not-supported", "method not allowed")
            }
            (_, p) if p.starts_with("/Patient/") => {
                outcome(StatusCode::METHOD_NOT_ALLOWED, "not-supported", "method not allowed")
            }
            _ => outcome(StatusCode::NOT_FOUND, "not-found", "no such endpoint"),
        };
        (reply, caller.describe())
    }

    fn metadata(&self, headers: &hyper::HeaderMap) -> Reply {
        let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        fhir(
            StatusCode::OK,
            json!({
                "resourceType": "CapabilityStatement",
                "status": "active",
                "date": trustpath::time::format_rfc3339(self.verifier.now()),
                "kind": "instance",
                "software": {"name": "trustpath fhir_mtls_server example"},
                "implementation": {"description": "FHIR server with mutual TLS client authentication", "url": format!("https://{host}")},
                "fhirVersion": "4.0.1",
                "format": ["json"],
                "rest": [{
                    "mode": "server",
                    "security": {
                        "extension": [{
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": format!("https://{host}/token")}]
                        }],
                        "description": "Mutual TLS: a client certificate chaining to a community anchor reads Patients directly, or obtains a bearer token with grant_type=client_credentials at /token."
                    },
                    "resource": [{"type": "Patient", "interaction": [{"code": "read"}]}]
                }]
            }),
        )
    }

    fn read_patient(&self, path: &str, caller: &Caller, headers: &hyper::HeaderMap) -> Reply {
        if matches!(caller, Caller::Anonymous) {
            let mut reply = outcome(
                StatusCode::UNAUTHORIZED,
                "login",
                "a trusted client certificate or a bearer token from /token is required",
            );
            let challenge =
                if headers.contains_key(AUTHORIZATION) { "Bearer error=\"invalid_token\"" } else { "Bearer" };
            reply.headers.push((WWW_AUTHENTICATE, challenge.to_string()));
            return reply;
        }
        let id = path.trim_start_matches("/Patient/");
        match patient(id) {
            Some(resource) => fhir(StatusCode::OK, resource),
            None => outcome(StatusCode::NOT_FOUND, "not-found", &format!("Patient/{id} is not known")),
        }
    }

    fn token(&self, body: &[u8], identity: Option<&ClientIdentity>) -> Reply {
        let invalid_client =
            |why: &str| oauth(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client", "error_description": why}));
        let Some(identity) = identity else {
            return invalid_client("a trusted client certificate is required");
        };
        let params = form(body);
        if params.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return oauth(
                StatusCode::BAD_REQUEST,
                json!({"error": "unsupported_grant_type", "error_description": "only client_credentials"}),
            );
        }
        // With registrations, the certificate must carry the SAN URI registered for client_id.
        let client = if self.clients.is_empty() {
            identity.san_uris().first().cloned().unwrap_or_else(|| identity.subject().to_string())
        } else {
            let Some(client_id) = params.get("client_id") else {
                return invalid_client("client_id is required");
            };
            let registered = self.clients.iter().find(|(id, _)| id == client_id);
            match registered {
                Some((id, uri)) if identity.matches(&TlsClientAuthName::SanUri(uri.clone())) => id.clone(),
                _ => return invalid_client("the certificate does not match the registered client"),
            }
        };
        let token = match random_token() {
            Ok(t) => t,
            Err(_) => return oauth(StatusCode::INTERNAL_SERVER_ERROR, json!({"error": "server_error"})),
        };
        let now = self.now();
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.retain(|_, t| t.expires_at > now);
        if tokens.len() >= MAX_TOKENS {
            return oauth(StatusCode::SERVICE_UNAVAILABLE, json!({"error": "temporarily_unavailable"}));
        }
        tokens.insert(
            token.clone(),
            Token { expires_at: now.saturating_add(self.token_lifetime), client, scope: SCOPE.to_string() },
        );
        oauth(
            StatusCode::OK,
            json!({"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime, "scope": SCOPE}),
        )
    }

    async fn respond(
        self: Arc<Self>,
        request: Request<Incoming>,
        peer: SocketAddr,
        chain: Arc<Vec<CertificateDer<'static>>>,
    ) -> Result<Response<Full<Bytes>>, hyper::Error> {
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => Bytes::new(),
        };
        // The identity the handshake verified (or validated again if no longer remembered,
        // e.g. after a CRL update or on a resumed session).
        let (identity, reply, who) = match (chain.is_empty(), self.verifier.peer_identity(&chain)) {
            (true, _) => (None, None, None),
            (false, Ok(id)) => {
                if let Some(refresher) = &self.refresher {
                    refresher.accepted(id.path());
                }
                (Some(id), None, None)
            }
            (false, Err(e)) => {
                let r = outcome(StatusCode::UNAUTHORIZED, "security", "client certificate not accepted");
                (None, Some(r), Some(format!("rejected certificate ({e})")))
            }
        };
        let path = parts.uri.path().to_string();
        let (reply, who) = match reply {
            Some(r) => (r, who.unwrap_or_default()),
            None => self.handle(&parts.method, &path, &parts.headers, &body, identity.as_ref()),
        };
        eprintln!("{peer} {} {path} -> {} {who}", parts.method, reply.status.as_u16());
        let mut body = serde_json::to_vec_pretty(&reply.body).unwrap_or_default();
        body.push(b'\n');
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = reply.status;
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
        for (name, value) in reply.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, v);
            }
        }
        Ok(response)
    }

    /// Serves one TCP connection: the TLS handshake (10 s at most), then HTTP/1.1 until the
    /// client closes.
    pub async fn serve_connection(self: Arc<Self>, acceptor: TlsAcceptor, tcp: TcpStream, peer: SocketAddr) {
        let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => tls,
            Ok(Err(e)) => {
                eprintln!("{peer} TLS handshake refused: {e}");
                return;
            }
            Err(_) => {
                eprintln!("{peer} TLS handshake timed out");
                return;
            }
        };
        let chain: Arc<Vec<CertificateDer<'static>>> =
            Arc::new(tls.get_ref().1.peer_certificates().map(<[_]>::to_vec).unwrap_or_default());
        let app = self.clone();
        let service = hyper::service::service_fn(move |request| app.clone().respond(request, peer, chain.clone()));
        if let Err(e) = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await {
            eprintln!("{peer} connection error: {e}");
        }
    }

    /// Accepts connections on `listener` forever, one task per connection.
    pub async fn serve(self: Arc<Self>, listener: TcpListener, acceptor: TlsAcceptor) -> std::io::Result<()> {
        loop {
            let (tcp, peer) = listener.accept().await?;
            tokio::spawn(self.clone().serve_connection(acceptor.clone(), tcp, peer));
        }
    }
}

/// Loads everything the options name and serves until the process is stopped.
pub async fn run(options: Options) -> Result<(), BoxError> {
    let (refresher, fetching) = if options.fetch {
        let (refresher, receiver) = Refresher::channel();
        (Some(refresher), Some(receiver))
    } else {
        (None, None)
    };
    let verifier = Arc::new(reporting_client_verifier(&options, refresher.clone())?);
    if let Some(receiver) = fetching {
        let base = verifier.revocation().map(|data| RevocationData::clone(&data)).unwrap_or_default();
        let config = trustpath_fetch::FetchConfig::default();
        // The thread ends when the verifier and the application (the senders) are dropped.
        drop(fetch_refresher::spawn(receiver, Arc::downgrade(&verifier), base, config));
    }
    let (chain, key) = load_server_identity(&options)?;
    let config = server_config(verifier.clone(), chain, key)?;
    let mut app = App::new(verifier.clone(), &options);
    if let Some(refresher) = refresher {
        app = app.with_refresher(refresher);
    }
    let app = Arc::new(app);
    let listener = TcpListener::bind(&options.listen).await.map_err(|e| format!("{}: {e}", options.listen))?;
    eprintln!(
        "fhir_mtls_server listening on https://{} ({} anchors, {} CRLs, policy {})",
        listener.local_addr()?,
        verifier.verifier().store().len(),
        options.crls.len(),
        options.policy
    );
    app.serve(listener, TlsAcceptor::from(config)).await?;
    Ok(())
}
