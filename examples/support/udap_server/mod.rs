//! The UDAP authorization server of `examples/udap_server.rs`, as a module so that
//! `tests/udap_server.rs` and `benches/server.rs` start it in-process: [`start`] serves on its
//! own tokio runtime until the returned [`Running`] is dropped.

// Each includer (the example, the test, the bench) uses a different part.
#![allow(dead_code, unused_imports)]

mod app;
mod config;
mod oauth;
mod routes;
mod stores;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

pub use config::{BUNDLED_TIME, Clock, Command, Options, USAGE, bundled, parse_args};
pub use stores::{GrantStore, MemoryGrants, Stores};

use app::App;

/// A server started by [`start`]; dropping it stops the server and waits for it.
pub struct Running {
    pub addr: SocketAddr,
    pub tls: bool,
    app: Arc<App>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// `http://addr` or `https://addr`.
    pub fn url(&self) -> String {
        format!("{}://{}", if self.tls { "https" } else { "http" }, self.addr)
    }

    /// The `/oauth/token` handler called directly, without HTTP (for `server/token-handler`):
    /// the response's status.
    pub fn token_handler(&self, form: &[u8]) -> u16 {
        oauth::token(&self.app, false, form).status().as_u16()
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<TlsAcceptor, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| format!("TLS: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Loads everything, binds the listener (`--listen`, port 0 picks a free one) and serves on a
/// thread of its own.
pub fn start(options: &Options) -> Result<Running, String> {
    let stores = match &options.redis {
        Some(url) => Stores::redis(url, &options.redis_prefix)?,
        None => Stores::memory(),
    };
    start_with(options, stores)
}

/// [`start`] with the caller's stores (the benchmark's can be emptied between passes).
pub fn start_with(options: &Options, stores: Stores) -> Result<Running, String> {
    let describe = stores.describe.clone();
    let app = Arc::new(App::load(options, stores)?);
    let tls = match &options.tls {
        Some((cert, key)) => Some(tls_acceptor(cert, key)?),
        None => None,
    };
    let listener = std::net::TcpListener::bind(options.listen).map_err(|e| format!("{}: {e}", options.listen))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let clock = match options.clock {
        Clock::System => "the system clock".to_string(),
        Clock::Fixed(_) => format!("fixed at {}", trustpath::time::format_rfc3339(app.now())),
    };
    eprintln!(
        "udap_server: {scheme}://{addr} serves {} (communities {}), clock {clock}, revocation {:?}, state {describe}",
        app.urls.base_url,
        app.communities.join(", "),
        options.revocation,
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let (shutdown, stop) = oneshot::channel();
    let served = app.clone();
    let thread = std::thread::spawn(move || runtime.block_on(serve(served, listener, tls, stop)));
    Ok(Running { addr, tls: scheme == "https", app, shutdown: Some(shutdown), thread: Some(thread) })
}

/// Accepts connections until `stop`: HTTP/1.1 with keep-alive, over TLS when configured.
async fn serve(
    app: Arc<App>,
    listener: std::net::TcpListener,
    tls: Option<TlsAcceptor>,
    mut stop: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    let router = routes::router(app);
    loop {
        let (tcp, _) = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(_) => continue,
            },
        };
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let tls = tls.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(30));
            match tls {
                Some(acceptor) => {
                    if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                        let _ = http.serve_connection(TokioIo::new(stream), service).await;
                    }
                }
                None => {
                    let _ = http.serve_connection(TokioIo::new(tcp), service).await;
                }
            }
        });
    }
}
