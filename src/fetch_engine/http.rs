//! The blocking HTTP client: `ureq` (rustls, no cookies, no compression), one exchange at a
//! time with a total timeout, bounded redirects and a bounded body.

use super::config::FetchConfig;
use super::report::{FetchError, FetchErrorKind};

/// One request: GET, or POST of an OCSP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpRequest {
    /// GET the URL.
    Get(String),
    /// POST `body` as `application/ocsp-request` (RFC 6960 A.1).
    PostOcsp {
        /// The responder URL.
        url: String,
        /// The DER OCSPRequest.
        body: Vec<u8>,
    },
}

impl HttpRequest {
    /// `GET` or `POST`.
    pub fn method(&self) -> &'static str {
        match self {
            HttpRequest::Get(_) => "GET",
            HttpRequest::PostOcsp { .. } => "POST",
        }
    }
}

/// A response that arrived with status 200 and a body within the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The body.
    pub body: Vec<u8>,
    /// The Content-Type header, if any (logged, not trusted).
    pub content_type: Option<String>,
}

/// A failure, with the HTTP status when a response arrived.
pub type HttpFailure = (FetchError, Option<u16>);

/// Whether `url` may be fetched: an absolute `http` or `https` URL with a host. Anything else
/// (LDAP, file, relative, malformed) is reported as unsupported and never requested.
pub fn check_url(url: &str) -> Result<(), FetchError> {
    let unsupported = |why: &str| FetchError::new(FetchErrorKind::Unsupported, format!("{why}: {url}"));
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    if scheme != "http" && scheme != "https" {
        return Err(unsupported(if scheme == "ldap" || scheme == "ldaps" {
            "LDAP URLs are not fetched"
        } else {
            "only http and https URLs are fetched"
        }));
    }
    let uri: ureq::http::Uri = url.parse().map_err(|_| unsupported("malformed URL"))?;
    match uri.host() {
        Some(host) if !host.is_empty() => Ok(()),
        _ => Err(unsupported("URL without a host")),
    }
}

/// The blocking client.
#[derive(Debug, Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
}

impl HttpClient {
    /// A client with `config`'s timeout and redirect limit.
    pub fn new(config: &FetchConfig) -> Self {
        let mut builder = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .max_redirects(config.max_redirects)
            .http_status_as_error(false)
            .user_agent(concat!("trustpath-fetch/", env!("CARGO_PKG_VERSION")));
        if !config.proxy_from_env {
            builder = builder.proxy(None);
        }
        HttpClient { agent: builder.build().into() }
    }

    /// Sends `request` and reads at most `max_bytes` of the response body.
    pub fn exchange(&self, request: &HttpRequest, max_bytes: usize) -> Result<HttpResponse, HttpFailure> {
        let sent = match request {
            HttpRequest::Get(url) => self.agent.get(url).call(),
            HttpRequest::PostOcsp { url, body } => {
                self.agent.post(url).header("Content-Type", "application/ocsp-request").send(body.as_slice())
            }
        };
        let mut response = sent.map_err(|e| (classify(e, max_bytes), None))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err((FetchError::new(FetchErrorKind::HttpStatus, format!("HTTP status {status}")), Some(status)));
        }
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
        let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX);
        let body = response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|e| (classify(e, max_bytes), Some(status)))?;
        Ok(HttpResponse { body, content_type })
    }
}

fn classify(error: ureq::Error, max_bytes: usize) -> FetchError {
    use FetchErrorKind as K;
    let kind = match &error {
        ureq::Error::Timeout(_) => K::Timeout,
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => K::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::Tls(_) => K::Connect,
        ureq::Error::Rustls(_) | ureq::Error::ConnectProxyFailed(_) => K::Connect,
        ureq::Error::Io(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::AddrNotAvailable
                    | std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable
            ) =>
        {
            K::Connect
        }
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => K::Redirect,
        ureq::Error::BodyExceedsLimit(_) => {
            return FetchError::new(K::TooLarge, format!("response larger than the limit of {max_bytes} bytes"));
        }
        _ => K::Transport,
    };
    FetchError::new(kind, error.to_string())
}
