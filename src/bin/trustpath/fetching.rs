//! `--fetch`, `--fetch-cache DIR` and `--fetch-timeout SECONDS`, shared by the commands that
//! validate a path: fetch what a validation lacks (CRLs, OCSP responses, issuers) over HTTP,
//! validate again, then decide. The fetching itself is trustpath-fetch's engine, compiled
//! into this binary as the module `crate::fetch` (see `main.rs`).

use core::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::args::Args;
use crate::fetch::{FetchConfig, FetchRecord, Fetcher};
use crate::json::Json;
use crate::{CliError, warn};

/// The help lines of these options (inside the `Revocation:` section).
pub const HELP: &str = "  --fetch                 Fetch what is missing over HTTP (the CRLs, OCSP responses and
                          issuer certificates the certificates point to), then decide;
                          the report lists every URL tried
  --fetch-cache DIR       Keep fetched CRLs, OCSP responses and issuers in DIR and reuse
                          them until their nextUpdate (implies --fetch)
  --fetch-timeout SECONDS Time allowed for each HTTP request [default: 10]";

/// Most seconds `--fetch-timeout` accepts.
const MAX_TIMEOUT: u64 = 600;

/// The fetching options of one command line.
#[derive(Debug, Default)]
pub struct FetchOptions {
    /// `--fetch` (or `--fetch-cache`).
    pub enabled: bool,
    /// `--fetch-cache`.
    pub cache: Option<String>,
    /// `--fetch-timeout`.
    pub timeout: Option<Duration>,
}

impl FetchOptions {
    /// Handles `--name` if it is one of these; `Ok(false)` when it is not.
    pub fn parse_option(&mut self, name: &str, args: &mut Args) -> Result<bool, CliError> {
        match name {
            "fetch" => self.enabled = true,
            "fetch-cache" => {
                let dir = args.value(name)?;
                if dir.is_empty() {
                    return Err(args.error("--fetch-cache expects a directory"));
                }
                args.once(&mut self.cache, name, dir)?;
                self.enabled = true;
            }
            "fetch-timeout" => {
                let value = args.value(name)?;
                let seconds = value.parse::<u64>().ok().filter(|s| (1..=MAX_TIMEOUT).contains(s)).ok_or_else(|| {
                    args.error(format!(
                        "--fetch-timeout expects a number of seconds from 1 to {MAX_TIMEOUT}, not '{value}'"
                    ))
                })?;
                args.once(&mut self.timeout, name, Duration::from_secs(seconds))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The fetcher, when fetching is on. The cache directory is created if missing.
    pub fn fetcher(&self) -> Result<Option<Fetcher>, CliError> {
        if !self.enabled {
            return Ok(None);
        }
        let mut config = FetchConfig::default();
        if let Some(timeout) = self.timeout {
            config.timeout = timeout;
        }
        if let Some(dir) = &self.cache {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::Input(format!("--fetch-cache {dir}: cannot create the directory: {e}")))?;
            config.cache_dir = Some(PathBuf::from(dir));
        }
        Ok(Some(Fetcher::new(config)))
    }
}

/// `[{"url", "kind", "status", "bytes", "ms"}, ...]`; each failure is also told on stderr
/// (the JSON says only its kind).
pub fn fetched_json(records: &[FetchRecord]) -> Json {
    for record in records {
        if let Some(error) = record.error() {
            warn(&format!("fetching {} {}: {error}", record.kind.as_str(), record.url));
        }
    }
    Json::Array(
        records
            .iter()
            .map(|r| {
                Json::Object(vec![
                    ("url", Json::str(r.url.clone())),
                    ("kind", Json::str(r.kind.as_str())),
                    ("status", Json::str(r.status.as_str())),
                    ("bytes", Json::from(r.bytes)),
                    ("ms", Json::Uint(u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX))),
                ])
            })
            .collect(),
    )
}

/// One line per URL tried, under `heading`, each line starting with `indent`.
pub fn fetched_text(out: &mut String, records: &[FetchRecord], indent: &str) {
    if records.is_empty() {
        let _ = writeln!(out, "{indent}Fetched: nothing (no URL to fetch, or nothing missing).");
        return;
    }
    let _ = writeln!(out, "{indent}Fetched:");
    for r in records {
        let ms = r.elapsed.as_millis();
        let detail = match r.error() {
            Some(error) => format!("{}: {error}", r.status.as_str()),
            None => format!("{}, {} bytes", r.status.as_str(), r.bytes),
        };
        let _ = writeln!(out, "{indent}  [{}] {} {} ({detail}, {ms} ms)", r.certificate_index, r.kind.as_str(), r.url);
    }
}
