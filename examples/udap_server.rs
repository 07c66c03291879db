//! A UDAP authorization server a team can run (seed scenarios 2B, 2C and 2D over HTTP): axum
//! on tokio around trustpath's `udap` endpoints, its state in memory or, with `--redis`,
//! shared by every instance of the community.
//!
//! ```text
//! cargo run --release --example udap_server                      # the bundled test community
//! cargo run --release --features redis --example udap_server -- --redis redis://127.0.0.1:6379 --listen 127.0.0.1:8081
//! ```
//!
//! `--help` lists every option; the README shows a session with curl and `trustpath jwt sign`.

#[path = "support/udap_server/mod.rs"]
mod udap_server;

use std::process::ExitCode;

fn main() -> ExitCode {
    let options = match udap_server::parse_args(std::env::args().skip(1)) {
        Ok(udap_server::Command::Help) => {
            print!("{}", udap_server::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(udap_server::Command::Run(options)) => options,
        Err(e) => {
            eprintln!("udap_server: {e}");
            return ExitCode::from(2);
        }
    };
    match udap_server::start(&options) {
        Ok(running) => {
            running.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("udap_server: {e}");
            ExitCode::FAILURE
        }
    }
}
