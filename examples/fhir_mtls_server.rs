//! A FHIR server that authenticates clients with mutual TLS (seed scenarios 2A1 and 2A2):
//! rustls with [`trustpath::tls::ClientVerifier`], hyper on tokio.
//!
//! ```text
//! cargo run --release --features rustls --example fhir_mtls_server -- \
//!   --listen 127.0.0.1:8443 \
//!   --cert test-vectors/tls/server-chain.pem --key test-vectors/tls/keys/server.pem \
//!   --anchors test-vectors/tls/anchors.pem --crl test-vectors/tls/intermediate-ca.crl.pem
//! ```
//!
//! See `test-vectors/tls/README.md` for curl commands, and `--help` for every option.

#[path = "support/fhir_server.rs"]
mod fhir_server;

use std::process::ExitCode;

fn main() -> ExitCode {
    let options = match fhir_server::parse_args(std::env::args().skip(1)) {
        Ok(fhir_server::Command::Help) => {
            print!("{}", fhir_server::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(fhir_server::Command::Run(options)) => options,
        Err(e) => {
            eprintln!("fhir_mtls_server: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fhir_mtls_server: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(fhir_server::run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fhir_mtls_server: {e}");
            ExitCode::FAILURE
        }
    }
}
