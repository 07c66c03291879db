//! A small HTTP/1.1 server on loopback for tests of fetching: it serves generated CRLs, OCSP
//! responses and certificates at paths the test chooses, and can be slow, fail, redirect or
//! hold a response until the test lets it go. It records every request and stops (joining
//! its threads) when dropped.
//!
//! ```no_run
//! use trustpath_testgen::serve::{Reply, Server};
//! let server = Server::start().expect("bind 127.0.0.1:0");
//! let url = server.url("/ca.crl");         // put it in the certificates, then
//! server.route("/ca.crl", Reply::ok(b"DER".to_vec(), "application/pkix-crl"));
//! ```

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Largest request read (headers and body).
const MAX_REQUEST: usize = 64 << 10;

/// What a route answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: Vec<u8>,
    /// Content-Type.
    pub content_type: String,
    /// Extra headers (e.g. `Location`).
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering (cut short when the server stops).
    pub delay: Duration,
    /// Hold the answer until [`Server::release`] (or the server stops).
    pub held: bool,
}

impl Reply {
    /// 200 with `body`.
    pub fn ok(body: Vec<u8>, content_type: &str) -> Self {
        Reply {
            status: 200,
            body,
            content_type: content_type.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
            held: false,
        }
    }

    /// `status` with a short text body.
    pub fn status(status: u16) -> Self {
        Reply { status, ..Reply::ok(format!("status {status}").into_bytes(), "text/plain") }
    }

    /// 302 to `location`.
    pub fn redirect(location: &str) -> Self {
        let mut reply = Reply::status(302);
        reply.headers.push(("Location".into(), location.into()));
        reply
    }

    /// The same, answered after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The same, held until [`Server::release`].
    pub fn held(mut self) -> Self {
        self.held = true;
        self
    }
}

/// One request received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target (path and query), as sent.
    pub target: String,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

#[derive(Default)]
struct State {
    /// Routes by path prefix; the longest matching prefix answers.
    routes: Vec<(String, Reply)>,
    requests: Vec<Request>,
    released: bool,
}

struct Shared {
    state: Mutex<State>,
    stop: AtomicBool,
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// A server on 127.0.0.1 at a port the system chose.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl core::fmt::Debug for Server {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Server {
    /// Binds 127.0.0.1:0 and starts serving (404 for every path until routes are added).
    pub fn start() -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared { state: Mutex::new(State::default()), stop: AtomicBool::new(false) });
        let accepting = shared.clone();
        let acceptor = std::thread::spawn(move || accept_loop(&listener, &accepting));
        Ok(Server { addr, shared, acceptor: Some(acceptor) })
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Answers requests whose path starts with `prefix` with `reply` (replacing an earlier
    /// route of the same prefix).
    pub fn route(&self, prefix: &str, reply: Reply) {
        let mut state = self.shared.state();
        state.routes.retain(|(p, _)| p != prefix);
        state.routes.push((prefix.to_string(), reply));
    }

    /// Lets held replies go.
    pub fn release(&self) {
        self.shared.state().released = true;
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.state().requests.clone()
    }

    /// How many requests had a target starting with `prefix`.
    pub fn hits(&self, prefix: &str) -> usize {
        self.shared.state().requests.iter().filter(|r| r.target.starts_with(prefix)).count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut connections: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stopped() {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = shared.clone();
                connections.push(std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                }));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
        connections.retain(|c| !c.is_finished());
    }
    for connection in connections {
        let _ = connection.join();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Request>> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 || buf.len() > MAX_REQUEST {
            return Ok(None);
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    };
    let head = String::from_utf8_lossy(buf.get(..header_end).unwrap_or_default()).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (method, target) = (first.next().unwrap_or_default().to_string(), first.next().unwrap_or_default().to_string());
    let mut content_length = 0usize;
    let mut content_type = None;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            if name == "content-length" {
                content_length = value.parse().unwrap_or(0).min(MAX_REQUEST);
            } else if name == "content-type" {
                content_type = Some(value.to_string());
            }
        }
    }
    let mut body = buf.get(header_end + 4..).unwrap_or_default().to_vec();
    while body.len() < content_length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    body.truncate(content_length);
    Ok(Some(Request { method, target, content_type, body }))
}

fn serve(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    let Some(request) = read_request(&mut stream)? else { return Ok(()) };
    let reply = {
        let mut state = shared.state();
        state.requests.push(request.clone());
        state
            .routes
            .iter()
            .filter(|(prefix, _)| request.target.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, reply)| reply.clone())
            .unwrap_or_else(|| Reply::status(404))
    };
    let started = Instant::now();
    while !shared.stopped() && (started.elapsed() < reply.delay || (reply.held && !shared.state().released)) {
        std::thread::sleep(Duration::from_millis(5));
    }
    if shared.stopped() {
        return Ok(());
    }
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // A client that stops reading (size cap) makes this fail: that is expected.
    let _ = stream.write_all(&reply.body);
    stream.flush()
}
