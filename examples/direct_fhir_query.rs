//! Direct end to end — the Direct/Certificates track's scenario 1, use case 1A, "FHIR query
//! executed using Direct messaging with Context" — between two HISPs on loopback SMTP:
//!
//! ```text
//! cargo run --release --example direct_fhir_query --features smtp-example
//! ```
//!
//! 1. The requester, `alice@direct.example.org`, validates the responder's certificate for
//!    encryption (`hisp.pem`, bound to the domain `hospital.example.net`), then sends
//!    `fhir@hospital.example.net` a signed and encrypted message with Context (`type:
//!    general/query`, `encapsulation: http`) carrying a FHIR search, `GET
//!    /Patient?family=Chalmers`, as a `message/http` part — over SMTP with lettre.
//! 2. The responder's HISP receives it (an SMTP receiver driven by mailin's state machine),
//!    decrypts it, verifies the signature, the signer's path (hard-fail revocation) and its
//!    binding to the From address, authorizes the sender by that bound Direct address, runs the
//!    search against a small in-memory set of Patients, and answers with a signed and
//!    encrypted message (Context `general/response`) carrying a `searchset` Bundle as
//!    `application/fhir+json`, then a signed and encrypted `processed` MDN.
//! 3. The requester's HISP receives both, decrypts and verifies them, checks that the MDN is
//!    the responder's and names its query, and reads the Bundle.
//! 4. Refused variants: a query signed by an untrusted CA's certificate for the same address, a
//!    query whose ciphertext was altered in transit (one error, whatever the cause), and a
//!    message the requester will not send because the recipient's certificate is revoked.
//!
//! Everything uses the bundled test PKI (`test-vectors/direct/`) at the fixed time
//! 2026-06-01T00:00:00Z with the bundled CRL. The exit status is 0 only if every step turned out
//! as expected; the example ends by itself.
//!
//! **Other SMTP clients.** With `-- --serve PORT` only the responder runs, on
//! `127.0.0.1:PORT`, and prints what it decides for each message delivered to it (and the
//! answer it would send) until it is stopped. `examples/support/direct_openssl_query.sh PORT`
//! builds the same query by hand, signs and encrypts it with `openssl cms`, and delivers it with
//! Python's `smtplib`: the responder accepts it like its own.

#[path = "support/smtp_receiver.rs"]
mod smtp_receiver;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use lettre::Transport;
use lettre::address::Envelope;
use serde_json::{Value, json};
use trustpath::direct::{
    Action, Category, ContextPurpose, DecryptionKey, DeliveryNotification, DirectAddress, DirectContext, DirectError,
    Encapsulation, MessageBuilder, SmimeEncryptor, SmimeInput, SmimeSigner, SmimeVerifier, VerifiedMessage,
};
use trustpath::revocation::{Crl, RevocationData};
use trustpath::{Certificate, TrustStore, UnixTime};

use smtp_receiver::Delivery;

/// 2026-06-01T00:00:00Z: the bundled certificates and CRL are current then.
const NOW: u64 = 1_780_272_000;
const REQUESTER: &str = "alice@direct.example.org";
const RESPONDER: &str = "fhir@hospital.example.net";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join("direct")
}

fn read(name: &str) -> Vec<u8> {
    let path = vectors().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&read(&format!("{name}.pem"))).unwrap_or_else(|e| panic!("{name}.pem: {e}"))
}

fn address(s: &str) -> DirectAddress {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// What one HISP holds: its address, its signing and decryption keys, the trust bundle and
/// the revocation data it validates with.
struct Hisp {
    address: DirectAddress,
    signer: SmimeSigner,
    key: DecryptionKey,
    verifier: SmimeVerifier,
    encryptor: SmimeEncryptor,
    revocation: RevocationData,
    time: UnixTime,
}

impl Hisp {
    fn new(addr: &str, cert_name: &str) -> Hisp {
        let mut store = TrustStore::new();
        store.add_certificate("directtrust", cert("int"));
        let mut revocation = RevocationData::new();
        revocation.add_crl(Crl::from_pem_or_der(&read("crl/int.crl")).expect("bundled CRL"));
        let key = read(&format!("keys/{cert_name}.pem"));
        let time = UnixTime::since_unix_epoch(Duration::from_secs(NOW));
        Hisp {
            address: address(addr),
            signer: SmimeSigner::from_private_key(&key, vec![cert(cert_name), cert("int")])
                .expect("signing key")
                .with_signing_time(time),
            key: DecryptionKey::from_private_key(&key, cert(cert_name)).expect("decryption key"),
            verifier: SmimeVerifier::new(store.clone()),
            encryptor: SmimeEncryptor::new(store),
            revocation,
            time,
        }
    }

    fn input(&self) -> SmimeInput<'_> {
        SmimeInput::new(self.time).revocation(&self.revocation)
    }

    /// Signs and encrypts `builder`'s message for `to`, whose certificate is validated for
    /// encryption first.
    fn seal(&self, builder: MessageBuilder, to: &DirectAddress, to_cert: &Certificate) -> Result<Vec<u8>, DirectError> {
        let recipient =
            self.encryptor.recipient(to_cert, std::slice::from_ref(to), self.time, Some(&self.revocation))?;
        builder.sign_and_encrypt(&self.signer, &self.encryptor, &[recipient])
    }

    fn open(&self, delivery: &Delivery) -> Result<VerifiedMessage, DirectError> {
        self.verifier.decrypt_message(&delivery.data, std::slice::from_ref(&self.key), &self.input())
    }
}

/// Sends `message` over SMTP to a receiver at `port` (lettre, no TLS on loopback).
fn send(port: u16, from: &DirectAddress, to: &DirectAddress, message: &[u8]) -> Result<(), String> {
    let envelope = Envelope::new(
        Some(from.as_str().parse().map_err(|e| format!("{e}"))?),
        vec![to.as_str().parse().map_err(|e| format!("{e}"))?],
    )
    .map_err(|e| e.to_string())?;
    let transport = lettre::SmtpTransport::builder_dangerous("127.0.0.1").port(port).build();
    transport.send_raw(&envelope, message).map(|_| ()).map_err(|e| e.to_string())
}

fn next(messages: &Receiver<Delivery>) -> Result<Delivery, String> {
    messages.recv_timeout(Duration::from_secs(30)).map_err(|e| format!("no message arrived: {e}"))
}

/// The bundled FHIR server's data: three Patients.
fn patients() -> Vec<Value> {
    let patient = |id: &str, family: &str, given: &str, birth: &str| {
        json!({"resourceType": "Patient", "id": id, "name": [{"family": family, "given": [given]}],
               "birthDate": birth})
    };
    vec![
        patient("example", "Chalmers", "Peter", "1974-12-25"),
        patient("pat-2", "Chalmers", "Jane", "1976-03-02"),
        patient("pat-3", "Windsor", "Henry", "1980-09-15"),
    ]
}

/// Runs a FHIR search (`GET /Patient?family=...`, the only one offered) against the
/// in-memory Patients: a `searchset` Bundle.
fn search(request: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(request).map_err(|_| "the HTTP request is not UTF-8")?;
    let line = text.lines().next().unwrap_or_default();
    let mut words = line.split(' ');
    let (method, target) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    if method != "GET" {
        return Err(format!("method {method} is not a search"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path.trim_start_matches('/') != "Patient" {
        return Err(format!("no search on {path}"));
    }
    let family = query.split('&').find_map(|p| p.strip_prefix("family=")).ok_or("only family= is supported")?;
    let entries: Vec<Value> = patients()
        .into_iter()
        .filter(|p| p["name"][0]["family"].as_str().is_some_and(|f| f.eq_ignore_ascii_case(family)))
        .map(|p| {
            json!({"fullUrl": format!("urn:uuid:{}", p["id"].as_str().unwrap_or_default()), "resource": p,
                        "search": {"mode": "match"}})
        })
        .collect();
    Ok(json!({"resourceType": "Bundle", "type": "searchset", "total": entries.len(), "entry": entries}))
}

/// The requester's query: Context general/query with http encapsulation, the search as a
/// `message/http` part.
fn query(id: &str, family: &str) -> MessageBuilder {
    let context = DirectContext::new(format!("<{id}>"))
        .expect("context id")
        .with_type(Category::General, Action::Query)
        .with_purpose(ContextPurpose::Treatment)
        .with_encapsulation(Encapsulation::Http);
    let request = format!(
        "GET /Patient?family={family} HTTP/1.1\r\nHost: fhir.hospital.example.net\r\nAccept: application/fhir+json\r\n\r\n"
    );
    MessageBuilder::new(address(REQUESTER), vec![address(RESPONDER)])
        .subject("FHIR query")
        .date(UnixTime::since_unix_epoch(Duration::from_secs(NOW)))
        .message_id(id)
        .text("A FHIR search, encapsulated (Context: general/query, http).")
        .context(context)
        .encapsulate_http(request.into_bytes())
        .expect("a well-formed HTTP request")
}

/// The responder's decision for one delivery: the answer and the MDN to send back, or why it
/// refused.
struct Answer {
    to: DirectAddress,
    response: Vec<u8>,
    mdn: Vec<u8>,
}

/// Senders allowed to query, by the Direct address their certificate is bound to.
const AUTHORIZED: &[&str] = &[REQUESTER];

fn respond(hisp: &Hisp, delivery: &Delivery) -> Result<Answer, String> {
    let query = hisp.open(delivery).map_err(|e| format!("refused: {e} [{}]", e.kind()))?;
    let sender = query.sender().ok_or("no sender")?.clone();
    println!(
        "  responder: {} from {sender} ({} binding), signer {}",
        query.decryption().map_or("?", |d| d.content_encryption().name()),
        query.binding().map_or("no", |b| b.as_str()),
        query.signer().subject_string()
    );
    if !AUTHORIZED.iter().any(|a| a.eq_ignore_ascii_case(sender.as_str())) {
        return Err(format!("refused: {sender} is not authorized to query"));
    }
    let context = DirectContext::from_message(&query).map_err(|e| e.to_string())?.ok_or("no context")?;
    if context.transaction_type() != Some((Category::General, Action::Query))
        || context.encapsulation() != Some(Encapsulation::Http)
    {
        return Err(format!("refused: context {:?} is not an http-encapsulated query", context.transaction_type()));
    }
    let request = query.parts().iter().find(|p| p.content_type() == "message/http").ok_or("no message/http part")?;
    println!(
        "  responder: context {} {:?}, {}",
        context.id(),
        context.transaction_type(),
        String::from_utf8_lossy(request.bytes()).lines().next().unwrap_or_default()
    );
    let bundle = search(request.bytes())?;
    println!("  responder: searchset with {} match(es)", bundle["total"]);
    let in_reply_to = query.header("Message-ID").unwrap_or_default();
    let response_context = DirectContext::new(format!("<response-{}>", in_reply_to.trim_matches(['<', '>'])))
        .map_err(|e| e.to_string())?
        .with_type(Category::General, Action::Response);
    let response = MessageBuilder::new(hisp.address.clone(), vec![sender.clone()])
        .subject("FHIR query results")
        .date(hisp.time)
        .message_id(format!("response-{}", in_reply_to.trim_matches(['<', '>'])))
        .context(response_context)
        .attach(
            "application/fhir+json",
            "searchset.json",
            serde_json::to_vec_pretty(&bundle).map_err(|e| e.to_string())?,
        );
    let requester_cert = query.signer().clone();
    let response = hisp.seal(response, &sender, &requester_cert).map_err(|e| e.to_string())?;
    let notification = DeliveryNotification::processed_for(&query, hisp.address.clone()).map_err(|e| e.to_string())?;
    let mdn = MessageBuilder::new(hisp.address.clone(), vec![sender.clone()])
        .subject("Processed: FHIR query")
        .date(hisp.time)
        .disposition_notification(notification);
    let mdn = hisp.seal(mdn, &sender, &requester_cert).map_err(|e| e.to_string())?;
    Ok(Answer { to: sender, response, mdn })
}

/// `--serve PORT`: the responder alone, for other SMTP clients.
fn serve(port: u16) -> ExitCode {
    let hisp = Hisp::new(RESPONDER, "hisp");
    let (addr, inbox) = match smtp_receiver::listen(&format!("127.0.0.1:{port}"), "hospital.example.net") {
        Ok(listening) => listening,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("responder {RESPONDER} listening on {addr} (SMTP); stop with Ctrl-C");
    for delivery in inbox {
        println!("message from {} to {:?}, {} bytes", delivery.mail_from, delivery.rcpt_to, delivery.data.len());
        match respond(&hisp, &delivery) {
            Ok(answer) => println!(
                "  accepted: would send {} a response ({} bytes) and a processed MDN ({} bytes)",
                answer.to,
                answer.response.len(),
                answer.mdn.len()
            ),
            Err(why) => println!("  {why}"),
        }
    }
    ExitCode::SUCCESS
}

fn run() -> Result<(), String> {
    let requester = Hisp::new(REQUESTER, "address");
    let responder = Hisp::new(RESPONDER, "hisp");
    let (requester_addr, requester_inbox) =
        smtp_receiver::listen("127.0.0.1:0", "direct.example.org").map_err(|e| e.to_string())?;
    let (responder_addr, responder_inbox) =
        smtp_receiver::listen("127.0.0.1:0", "hospital.example.net").map_err(|e| e.to_string())?;
    println!("HISPs on loopback SMTP: {REQUESTER} at {requester_addr}, {RESPONDER} at {responder_addr}");

    println!("\n1. {REQUESTER} sends a FHIR query (Context general/query, http) to {RESPONDER}");
    let sent = requester
        .seal(query("query-1@direct.example.org", "Chalmers"), &responder.address, &cert("hisp"))
        .map_err(|e| e.to_string())?;
    send(responder_addr.port(), &requester.address, &responder.address, &sent)?;

    println!("2. the responder decrypts, verifies, authorizes and answers");
    let delivery = next(&responder_inbox)?;
    let answer = respond(&responder, &delivery)?;
    send(requester_addr.port(), &responder.address, &answer.to, &answer.response)?;
    send(requester_addr.port(), &responder.address, &answer.to, &answer.mdn)?;

    println!("3. the requester verifies the answer and the MDN");
    let mut bundle_total = None;
    let mut processed = false;
    for _ in 0..2 {
        let message = requester.open(&next(&requester_inbox)?).map_err(|e| format!("the requester refused: {e}"))?;
        if message.sender() != Some(&responder.address) {
            return Err(format!("an answer from {:?}", message.sender()));
        }
        if let Ok(mdn) = DeliveryNotification::from_message(&message) {
            processed = mdn.is_processed("query-1@direct.example.org");
            println!(
                "  requester: MDN from {}: {} for {}",
                mdn.final_recipient(),
                mdn.disposition(),
                mdn.original_message_id()
            );
            continue;
        }
        let context = DirectContext::from_message(&message).map_err(|e| e.to_string())?.ok_or("no context")?;
        let part = message.attachments().find(|a| a.content_type() == "application/fhir+json").ok_or("no Bundle")?;
        let bundle: Value = serde_json::from_slice(part.bytes()).map_err(|e| e.to_string())?;
        let names: Vec<String> = bundle["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                format!(
                    "{} {}",
                    e["resource"]["name"][0]["given"][0].as_str().unwrap_or("?"),
                    e["resource"]["name"][0]["family"].as_str().unwrap_or("?")
                )
            })
            .collect();
        println!(
            "  requester: {:?} response, {} {}: {}",
            context.transaction_type(),
            bundle["type"],
            bundle["total"],
            names.join(", ")
        );
        bundle_total = bundle["total"].as_u64();
    }
    if bundle_total != Some(2) || !processed {
        return Err(format!("expected a searchset of 2 and a processed MDN, got {bundle_total:?} and {processed}"));
    }

    println!("\n4. refused variants");
    // A query signed with a certificate for the same address from a CA outside the bundle.
    let mallory = SmimeSigner::from_private_key(&read("keys/other.pem"), vec![cert("other"), cert("other-ca")])
        .expect("other key")
        .with_signing_time(requester.time);
    let recipient = requester
        .encryptor
        .recipient(&cert("hisp"), std::slice::from_ref(&responder.address), requester.time, Some(&requester.revocation))
        .map_err(|e| e.to_string())?;
    let untrusted = query("query-2@direct.example.org", "Chalmers")
        .sign_and_encrypt(&mallory, &requester.encryptor, &[recipient])
        .map_err(|e| e.to_string())?;
    send(responder_addr.port(), &requester.address, &responder.address, &untrusted)?;
    let refused = respond(&responder, &next(&responder_inbox)?).err().ok_or("the untrusted sender was accepted")?;
    println!("  untrusted sender: {refused}");
    if !refused.contains("unknown_issuer") {
        return Err(format!("expected unknown_issuer: {refused}"));
    }
    // The query altered in transit: one byte of its base64 body, in the blocks that carry the
    // signed message's header.
    let mut tampered = sent.clone();
    let body = tampered.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no body")? + 4;
    let at = body + 1200;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    send(responder_addr.port(), &requester.address, &responder.address, &tampered)?;
    let refused = respond(&responder, &next(&responder_inbox)?).err().ok_or("the tampered message was accepted")?;
    println!("  tampered in transit: {refused}");
    if !refused.contains("decryption_failed") {
        return Err(format!("expected decryption_failed: {refused}"));
    }
    // A recipient whose certificate is revoked: the requester does not send.
    let bob = address("bob@direct.example.org");
    match requester.seal(query("query-3@direct.example.org", "Chalmers"), &bob, &cert("revoked")) {
        Err(e) if e.kind() == "revoked" => println!("  revoked recipient certificate: not sent: {e}"),
        other => return Err(format!("expected the revoked certificate to be refused: {:?}", other.map(|m| m.len()))),
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, port] = args.as_slice()
        && flag == "--serve"
    {
        return match port.parse() {
            Ok(port) => serve(port),
            Err(_) => {
                eprintln!("usage: direct_fhir_query [--serve PORT]");
                ExitCode::from(2)
            }
        };
    }
    match run() {
        Ok(()) => {
            println!("\nScenario 1A complete: every step as expected.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nFAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
