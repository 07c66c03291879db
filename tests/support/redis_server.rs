//! A throwaway `redis-server` on a free loopback port, for tests and benches that need a real
//! Redis: no persistence, stopped (killed and reaped) when the guard drops, on panic too.
//! Include with `#[path = "support/redis_server.rs"] mod redis_server;`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`.
pub struct RedisServer {
    child: Child,
    pub addr: SocketAddr,
}

impl RedisServer {
    /// Starts `redis-server` on a free loopback port; `None` when it is not installed (the
    /// caller prints that it skipped), unless `TRUSTPATH_REQUIRE_REDIS=1` (CI), which makes that
    /// a failure. Panics if it is installed but does not come up.
    pub fn start() -> Option<RedisServer> {
        if Command::new("redis-server").arg("--version").stdout(Stdio::null()).status().is_err() {
            let required = std::env::var("TRUSTPATH_REQUIRE_REDIS").is_ok_and(|v| v == "1");
            assert!(!required, "redis-server is not installed and TRUSTPATH_REQUIRE_REDIS=1");
            return None;
        }
        for _ in 0..5 {
            // A port the system just handed out and released: free unless another process
            // takes it first, which the retry covers.
            let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
            let child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server starts");
            let mut server = RedisServer { child, addr: SocketAddr::from(([127, 0, 0, 1], port)) };
            if server.wait_ready() {
                return Some(server);
            }
            drop(server);
        }
        panic!("redis-server is installed but did not start on a free port");
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://{}", self.addr)
    }

    /// Whether it answers `PING` within 5 s (and has not exited).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(mut stream) = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)) {
                let mut reply = [0u8; 7];
                let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
                if stream.write_all(b"PING\r\n").is_ok()
                    && stream.read_exact(&mut reply).is_ok()
                    && &reply == b"+PONG\r\n"
                {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
