//! A small SMTP receiver for the examples: a loopback listener, one thread per connection,
//! the SMTP conversation driven by mailin's state machine (EHLO, MAIL FROM, RCPT TO, DATA with
//! dot-unstuffing, QUIT), no TLS. Each message received is handed on as (MAIL FROM, RCPT TO,
//! the message bytes) through a channel.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;

use mailin::{Action, Handler, Response, SessionBuilder};

/// One message as it arrived: the envelope's sender and recipients, and the message.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Clone)]
struct Collect {
    out: Sender<Delivery>,
    current: Option<Delivery>,
}

impl Handler for Collect {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Delivery { mail_from: from.to_string(), rcpt_to: to.to_vec(), data: Vec::new() });
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(delivery) = &mut self.current {
            delivery.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        match self.current.take().map(|d| self.out.send(d)) {
            Some(Ok(())) => mailin::response::OK,
            _ => mailin::response::INTERNAL_ERROR,
        }
    }
}

/// Serves one SMTP connection to its end.
fn converse(stream: TcpStream, name: &str, handler: Collect) -> std::io::Result<()> {
    let peer = stream.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let mut session = SessionBuilder::new(name).build(peer, handler);
    let mut writer = stream.try_clone()?;
    session.greeting().write_to(&mut writer)?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let response = session.process(&line);
        match response.action {
            Action::Reply => response.write_to(&mut writer)?,
            Action::Close => {
                response.write_to(&mut writer)?;
                return writer.flush();
            }
            Action::NoReply | Action::UpgradeTls => {}
        }
    }
}

/// Listens on `addr` (port 0: any free port) in a background thread; returns the address
/// bound and the messages as they arrive. The thread ends with the process.
pub fn listen(addr: &str, name: &'static str) -> std::io::Result<(SocketAddr, Receiver<Delivery>)> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let (out, messages) = channel();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = Collect { out: out.clone(), current: None };
            thread::spawn(move || {
                if let Err(e) = converse(stream, name, handler) {
                    eprintln!("{name}: SMTP connection failed: {e}");
                }
            });
        }
    });
    Ok((local, messages))
}
