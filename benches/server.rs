//! The token endpoint of `examples/udap_server.rs` under load, over loopback HTTP/1.1 with
//! keep-alive, on the UDAP test PKI of `test-vectors/udap/` (the server's clock at its
//! validation time). Results: `BENCHMARKS.md`.
//!
//! IDs (keep them stable):
//! - `server/rs256-raw-verify`: one RS256 signature check of a client assertion, as
//!   `udap/rs256-raw-verify`, repeated here so that the ratio comes from one run.
//! - `server/token-warm`: one `POST /oauth/token` (client_credentials, `hl7-b2b`, RS256) of a
//!   returning client, request written and response read on one kept-alive connection: the
//!   server finds the registration, verifies the assertion (its signature cache and header
//!   cache warm: only the JWS signature is computed), records the `jti`, issues an opaque
//!   token and answers. In-memory stores.
//! - `server/http-roundtrip`: a request the server answers without work (a FHIR read without a
//!   token: 401), on the same kind of connection: the HTTP and scheduling floor.
//! - `server/token-handler`: the handler of `server/token-warm` called directly, without HTTP:
//!   the server's own work per request.
//! - `server/token-warm-redis` (feature `redis`, when `redis-server` is installed): the same
//!   with the registrations, the `jti`s and the tokens in Redis (three round trips).
//!
//! Wall-clock time always (the server works on other threads than the client's). The
//! assertions are signed beforehand with distinct `jti`s and sent in turn; between passes
//! (untimed) the server's replay store is emptied, so that each pass may send them again, and
//! every response of a pass is checked to be 200. After criterion, in bench mode, requests
//! per second with 1 and 2 client threads (each with its own connection and assertions) are
//! printed for each store.

mod support;

#[path = "../examples/support/udap_server/mod.rs"]
mod udap_server;

#[cfg(feature = "redis")]
#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, Criterion};
use rustls_pki_types::{SignatureVerificationAlgorithm, UnixTime};
use trustpath::cert::parse_bundle;
use trustpath::crypto::rustcrypto;
use trustpath::jws::{Jws, Limits, Signer};
use trustpath::udap::build::{self, B2bExtension, SoftwareStatement, StatementGrant};
use trustpath::udap::{MemoryReplayCache, ReplayStore, StoreError};
use udap_server::{BUNDLED_TIME, GrantStore, MemoryGrants, Options, Running, Stores};

use support::Clock;

const TOKEN_URL: &str = "https://fhir.example.org/oauth/token";
const REGISTER_URL: &str = "https://fhir.example.org/oauth/register";
/// Assertions signed beforehand: a pass sends each once.
const TOKENS: usize = 400;
/// Requests per client thread in a throughput round, and rounds.
const ROUND: usize = 200;
const ROUNDS: usize = 10;

fn signer() -> Signer {
    let dir = udap_server::bundled();
    let chain = parse_bundle(&std::fs::read(dir.join("certs/client-rsa-chain.pem")).expect("chain")).expect("bundle");
    Signer::from_pkcs8(&std::fs::read(dir.join("keys/client-rsa.pem")).expect("key"), chain.certificates).expect("key")
}

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(BUNDLED_TIME))
}

/// A replay store the benchmark empties between passes (the server's own is never emptied).
#[derive(Default)]
struct Resettable {
    replay: Mutex<Arc<MemoryReplayCache>>,
    grants: Mutex<Arc<MemoryGrants>>,
}

impl Resettable {
    fn reset(&self) {
        *self.replay.lock().expect("lock") = Arc::default();
        *self.grants.lock().expect("lock") = Arc::default();
    }
    fn replay(&self) -> Arc<MemoryReplayCache> {
        self.replay.lock().expect("lock").clone()
    }
    fn grants(&self) -> Arc<MemoryGrants> {
        self.grants.lock().expect("lock").clone()
    }
}

struct ResetReplay(Arc<Resettable>);
struct ResetGrants(Arc<Resettable>);

impl ReplayStore for ResetReplay {
    fn check_and_record(&self, iss: &str, jti: &str, expires_at: u64, now: u64) -> Result<bool, StoreError> {
        self.0.replay().check_and_record(iss, jti, expires_at, now)
    }
}

impl GrantStore for ResetGrants {
    fn put(&self, key: &str, value: &str, ttl: u64, now: u64) -> Result<(), StoreError> {
        self.0.grants().put(key, value, ttl, now)
    }
    fn get(&self, key: &str, now: u64) -> Result<Option<String>, StoreError> {
        self.0.grants().get(key, now)
    }
    fn take(&self, key: &str, now: u64) -> Result<Option<String>, StoreError> {
        self.0.grants().take(key, now)
    }
}

/// One keep-alive HTTP/1.1 connection; requests are prepared bytes.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    fn open(addr: SocketAddr) -> Connection {
        let stream = TcpStream::connect(addr).expect("connects");
        stream.set_nodelay(true).expect("nodelay");
        Connection { reader: BufReader::new(stream.try_clone().expect("clone")), writer: stream }
    }

    /// Sends `request`, reads the response; returns its status and body.
    fn send(&mut self, request: &[u8]) -> (u16, Vec<u8>) {
        self.writer.write_all(request).expect("request written");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
        let mut length = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("a header");
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("the body");
        (status, body)
    }
}

fn post(path: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: fhir.example.org\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A server with resettable stores or Redis, the client registered, and its token requests.
struct Setup {
    server: Running,
    reset: Box<dyn Fn()>,
    requests: Vec<Vec<u8>>,
    /// One signed assertion, for the raw verification.
    token: String,
}

fn setup(count: usize, redis: Option<&str>) -> Setup {
    let mut options = Options::bundled();
    options.listen = "127.0.0.1:0".parse().expect("address");
    let (server, reset): (Running, Box<dyn Fn()>) = match redis {
        None => {
            let state = Arc::new(Resettable::default());
            let mut stores = Stores::memory();
            stores.replay = Arc::new(ResetReplay(state.clone()));
            stores.grants = Arc::new(ResetGrants(state.clone()));
            (udap_server::start_with(&options, stores).expect("starts"), Box::new(move || state.reset()))
        }
        Some(url) => {
            options.redis = Some(url.into());
            options.redis_prefix = "bench:".into();
            (udap_server::start(&options).expect("starts"), redis_reset(url))
        }
    };
    let signer = signer();
    let statement = SoftwareStatement::new(
        "https://client.example.org/apps/42",
        REGISTER_URL,
        "Bench",
        StatementGrant::ClientCredentials,
    )
    .with_contacts(["mailto:ops@client.example.org"])
    .with_scope("system/Patient.rs");
    let jti = || build::new_jti(&mut rand_core::UnwrapErr(getrandom::SysRng));
    let signed = signer.sign_json(&statement.claims(now(), &jti())).expect("sign");
    let body = SoftwareStatement::request_body(&signed).to_string();
    let (status, reply) = Connection::open(server.addr).send(&post("/oauth/register", "application/json", &body));
    assert!(status == 201 || status == 200, "registered: {}", String::from_utf8_lossy(&reply));
    let reply: serde_json::Value = serde_json::from_slice(&reply).expect("JSON");
    let client_id = reply["client_id"].as_str().expect("client_id").to_string();
    let b2b = B2bExtension::new("urn:oid:2.16.840.1.113883.4.6#1234567890", ["urn:oid:2.16.840.1.113883.5.8#TREAT"]);
    let tokens: Vec<String> = (0..count)
        .map(|_| {
            let claims = build::client_assertion_claims(&client_id, TOKEN_URL, now(), &jti(), Some(&b2b));
            signer.sign_json(&claims).expect("sign")
        })
        .collect();
    let requests = tokens
        .iter()
        .map(|t| {
            let form = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "client_credentials")
                .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .append_pair("client_assertion", t)
                .append_pair("scope", "system/Patient.rs")
                .append_pair("udap", "1")
                .finish();
            post("/oauth/token", "application/x-www-form-urlencoded", &form)
        })
        .collect();
    Setup { server, reset, requests, token: tokens[0].clone() }
}

#[cfg(feature = "redis")]
fn redis_reset(url: &str) -> Box<dyn Fn()> {
    let client = redis::Client::open(url).expect("redis URL");
    Box::new(move || {
        let mut connection = client.get_connection().expect("redis");
        for pattern in ["bench:jti:*", "bench:grant:*"] {
            let keys: Vec<String> = redis::cmd("KEYS").arg(pattern).query(&mut connection).expect("KEYS");
            if !keys.is_empty() {
                redis::cmd("DEL").arg(keys).query::<()>(&mut connection).expect("DEL");
            }
        }
    })
}

#[cfg(not(feature = "redis"))]
fn redis_reset(_url: &str) -> Box<dyn Fn()> {
    unreachable!("Redis runs only with feature redis")
}

/// The raw RS256 check of `token`'s signature, as `server/rs256-raw-verify` times it.
fn rs256_raw_check(token: &str) -> impl Fn() -> bool {
    let jws = Jws::parse(token, Limits::default()).expect("token parses");
    let key = jws.x5c().first().expect("x5c[0]").public_key().to_vec();
    let (message, signature) = (jws.signing_input().to_vec(), jws.signature().to_vec());
    let alg = &rustcrypto::RSA_PKCS1_SHA256;
    move || {
        let (key, message, signature) = std::hint::black_box((&key, &message, &signature));
        alg.verify_signature(key, message, signature).is_ok()
    }
}

/// `server/rs256-raw-verify`.
fn rs256_raw_verify<M: Clock>(group: &mut BenchmarkGroup<'_, M>, token: &str) {
    let check = rs256_raw_check(token);
    assert!(check(), "the RS256 signature verifies");
    group.bench_function("rs256-raw-verify", |b| b.iter(&check));
}

/// CPU time of the calling thread, in nanoseconds; Linux only (0 elsewhere).
fn thread_cpu() -> u64 {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    0
}

/// The raw RS256 check's CPU time, in µs: the reference for the server's CPU per request,
/// measured in the same conditions.
fn rs256_raw_cpu(token: &str) -> f64 {
    let check = rs256_raw_check(token);
    let start = thread_cpu();
    let ok = (0..ROUND * ROUNDS).filter(|_| check()).count();
    assert_eq!(ok, ROUND * ROUNDS);
    (thread_cpu() - start) as f64 / 1000.0 / ok as f64
}

/// `server/http-roundtrip`: the floor under `server/token-warm`, one request the server
/// answers without any work (`GET {base}/Patient/example` without a token: 401, 30 bytes).
fn http_roundtrip<M: Clock>(group: &mut BenchmarkGroup<'_, M>, setup: &Setup) {
    let mut connection = Connection::open(setup.server.addr);
    let request = b"GET /r4/Patient/example HTTP/1.1\r\nHost: fhir.example.org\r\n\r\n";
    assert_eq!(connection.send(request).0, 401);
    group.bench_function("http-roundtrip", |b| b.iter(|| connection.send(request).0));
}

/// `server/token-handler`: the `/oauth/token` handler of `server/token-warm` called directly,
/// without HTTP: the server's own work per request.
fn token_handler<M: Clock>(group: &mut BenchmarkGroup<'_, M>, setup: &Setup) {
    let forms: Vec<&[u8]> = setup
        .requests
        .iter()
        .map(|r| {
            let at = r.windows(4).position(|w| w == b"\r\n\r\n").expect("a body") + 4;
            &r[at..]
        })
        .collect();
    (setup.reset)();
    assert_eq!(setup.server.token_handler(forms[0]), 200, "accepted");
    group.bench_function("token-handler", |b| {
        support::iter_passes(
            b,
            &forms,
            || {
                (setup.reset)();
                Cell::new(0usize)
            },
            |ok, form| ok.set(ok.get() + usize::from(setup.server.token_handler(form) == 200)),
            |ok, n| assert_eq!(ok.get(), n, "every request of the pass got a token"),
        )
    });
}

/// `server/token-warm` and `server/token-warm-redis`.
fn token_warm<M: Clock>(group: &mut BenchmarkGroup<'_, M>, id: &str, setup: &Setup) {
    let connection = std::cell::RefCell::new(Connection::open(setup.server.addr));
    // A first request (untimed) warms the server's signature and header caches.
    (setup.reset)();
    assert_eq!(connection.borrow_mut().send(&setup.requests[0]).0, 200, "accepted");
    group.bench_function(id, |b| {
        support::iter_passes(
            b,
            &setup.requests,
            || {
                (setup.reset)();
                Cell::new(0usize)
            },
            |ok, request| {
                let (status, _) = connection.borrow_mut().send(request);
                ok.set(ok.get() + usize::from(status == 200));
            },
            |ok, n| assert_eq!(ok.get(), n, "every request of the pass got a token"),
        )
    });
}

/// CPU time of this whole process (client and server threads; not redis-server's), in
/// nanoseconds; Linux only (0 elsewhere).
fn process_cpu() -> u64 {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    0
}

/// Requests per second with `threads` client threads, each on its own connection with its own
/// share of the assertions (the replay store emptied between rounds, untimed); the process's
/// CPU time per request, and the server threads' alone (the process's less the client
/// threads'), in µs.
fn throughput(setup: &Setup, threads: usize) -> (f64, f64, f64) {
    let per_thread = ROUND.min(setup.requests.len() / threads);
    let (mut elapsed, mut cpu) = (Duration::ZERO, 0);
    let client_cpu = std::sync::atomic::AtomicU64::new(0);
    let mut connections: Vec<Connection> = (0..threads).map(|_| Connection::open(setup.server.addr)).collect();
    for _ in 0..ROUNDS {
        (setup.reset)();
        let (start, cpu_start) = (Instant::now(), process_cpu());
        std::thread::scope(|s| {
            for (i, connection) in connections.iter_mut().enumerate() {
                let requests = &setup.requests[i * per_thread..(i + 1) * per_thread];
                let client_cpu = &client_cpu;
                s.spawn(move || {
                    let start = thread_cpu();
                    for request in requests {
                        assert_eq!(connection.send(request).0, 200, "accepted");
                    }
                    client_cpu.fetch_add(thread_cpu() - start, std::sync::atomic::Ordering::Relaxed);
                });
            }
        });
        elapsed += start.elapsed();
        cpu += process_cpu() - cpu_start;
    }
    let requests = (threads * per_thread * ROUNDS) as f64;
    let server_cpu = cpu.saturating_sub(client_cpu.into_inner());
    (requests / elapsed.as_secs_f64(), cpu as f64 / 1000.0 / requests, server_cpu as f64 / 1000.0 / requests)
}

fn server<M: Clock>(c: &mut Criterion<M>) {
    let count = if support::test_mode() { 2 } else { TOKENS };
    let memory = setup(count, None);
    let mut group = c.benchmark_group("server");
    rs256_raw_verify(&mut group, &memory.token);
    http_roundtrip(&mut group, &memory);
    token_handler(&mut group, &memory);
    token_warm(&mut group, "token-warm", &memory);
    #[cfg(feature = "redis")]
    let redis = redis_server::RedisServer::start();
    #[cfg(not(feature = "redis"))]
    let redis: Option<()> = None;
    #[cfg(feature = "redis")]
    let with_redis = redis.as_ref().map(|r| setup(count, Some(&r.url())));
    #[cfg(not(feature = "redis"))]
    let with_redis: Option<Setup> = None;
    match &with_redis {
        Some(s) => token_warm(&mut group, "token-warm-redis", s),
        None if redis.is_none() => println!("server/token-warm-redis skipped: needs --features redis and redis-server"),
        None => {}
    }
    group.finish();
    if support::test_mode() {
        return;
    }
    let raw = rs256_raw_cpu(&memory.token);
    println!("server/throughput: one raw RS256 check takes {raw:.1} µs CPU");
    for (name, setup) in [("memory", Some(&memory)), ("redis", with_redis.as_ref())] {
        let Some(setup) = setup else { continue };
        for threads in [1, 2] {
            let (rate, cpu, server) = throughput(setup, threads);
            println!(
                "server/throughput/{name}/{threads}-thread: {rate:.0} requests/s, {cpu:.0} µs CPU per request, \
                 {server:.0} µs of it in the server's threads ({:.2} × the raw RS256 check)",
                server / raw
            );
        }
    }
}

fn main() {
    // Wall-clock time even under TRUSTPATH_BENCH_CLOCK=cpu: the work is on the server's threads.
    let mut c = Criterion::default().configure_from_args();
    server(&mut c);
    c.final_summary();
}
