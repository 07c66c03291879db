//! The Context IG (`X-Direct-Context` and `metadata.txt`) and delivery notifications (the
//! `processed` MDN) carried in signed and encrypted Direct messages, built and read back; a
//! FHIR search encapsulated as `message/http`; refusals of contexts and notifications that
//! break the rules, or that someone other than the final recipient signed.

#![cfg(feature = "direct")]

#[path = "support/direct_vectors.rs"]
mod direct_vectors;

use direct_vectors::*;
use trustpath::TrustStore;
use trustpath::direct::{
    Action, CONTEXT_HEADER, Category, ContextPurpose, DecryptionKey, DeliveryNotification, DirectAddress,
    DirectContext, DirectError, DispositionType, Encapsulation, MessageBuilder, PatientParameter, Recipient,
    SmimeEncryptor, SmimeInput, SmimeSigner, SmimeVerifier, VerifiedMessage,
};

fn store() -> TrustStore {
    let mut store = TrustStore::new();
    store.add_certificate("directtrust", cert("int"));
    store
}

fn signer(name: &str) -> SmimeSigner {
    SmimeSigner::from_private_key(&read(&format!("keys/{name}.pem")), vec![cert(name), cert("int")])
        .unwrap()
        .with_signing_time(time())
}

fn recipient(name: &str, to: &str) -> Recipient {
    let data = crls();
    SmimeEncryptor::new(store()).recipient(&cert(name), &[address(to)], time(), Some(&data)).unwrap()
}

fn decrypt(message: &[u8], key: &str) -> Result<VerifiedMessage, DirectError> {
    let data = crls();
    let key = DecryptionKey::from_private_key(&read(&format!("keys/{key}.pem")), cert(key)).unwrap();
    SmimeVerifier::new(store()).decrypt_message(message, &[key], &SmimeInput::new(time()).revocation(&data))
}

const SEARCH: &[u8] = b"GET /Patient?family=Chalmers HTTP/1.1\r\nHost: fhir.hospital.example.net\r\n\
Accept: application/fhir+json\r\n\r\n";

fn query_context() -> DirectContext {
    DirectContext::new("<query-1@direct.example.org>")
        .unwrap()
        .with_type(Category::General, Action::Query)
        .with_purpose(ContextPurpose::Treatment)
        .with_encapsulation(Encapsulation::Http)
        .with_patient(PatientParameter::Surname, "Chalmers")
        .unwrap()
        .with_patient_id("2.16.840.1.113883.19.5", "example")
        .unwrap()
}

#[test]
fn a_fhir_query_with_context_travels_signed_and_encrypted() {
    let message = MessageBuilder::new(address("alice@direct.example.org"), vec![address("fhir@hospital.example.net")])
        .subject("FHIR query")
        .date(time())
        .message_id("query-1@direct.example.org")
        .context(query_context())
        .encapsulate_http(SEARCH.to_vec())
        .unwrap()
        .sign_and_encrypt(
            &signer("address"),
            &SmimeEncryptor::new(store()),
            &[recipient("hisp", "fhir@hospital.example.net")],
        )
        .unwrap();
    let m = decrypt(&message, "hisp").unwrap();
    assert_eq!(m.sender().map(DirectAddress::as_str), Some("alice@direct.example.org"));
    let context = DirectContext::from_message(&m).unwrap().expect("the message has a context");
    assert_eq!(context, query_context());
    assert_eq!(context.transaction_type(), Some((Category::General, Action::Query)));
    assert_eq!(context.encapsulation(), Some(Encapsulation::Http));
    // The encapsulated HTTP request arrives byte for byte.
    let http: Vec<_> = m.parts().iter().filter(|p| p.content_type() == "message/http").collect();
    assert_eq!(http.len(), 1);
    assert_eq!(http[0].bytes(), SEARCH);
    // The header is the signed one, and the Message-ID too.
    assert!(m.header(CONTEXT_HEADER).is_some_and(|h| h.starts_with("<context-")));
    assert_eq!(m.header("message-id").as_deref(), Some("<query-1@direct.example.org>"));
    assert_eq!(m.header("X-Not-There"), None);
}

#[test]
fn context_refusals() {
    let base = |context: &str| {
        let builder =
            MessageBuilder::new(address("alice@direct.example.org"), vec![address("fhir@hospital.example.net")])
                .date(time())
                .text("hello");
        // A context part written by hand: the header names it by Content-ID.
        let signed =
            builder.attach("text/plain", "metadata.txt", context.as_bytes().to_vec()).sign(&signer("address")).unwrap();
        let data = crls();
        SmimeVerifier::new(store()).verify_message(&signed, &SmimeInput::new(time()).revocation(&data)).unwrap()
    };
    // No X-Direct-Context header: no context.
    let m = base("version: 1.1\r\nid: <x@y>\r\n");
    assert_eq!(DirectContext::from_message(&m).unwrap(), None);
    // Values outside the guide, through the builder's parse path.
    for bad in ["version: 1.1\r\nid: <1@x>\r\ntype: general/ask\r\n", "version: 1.1\r\nid: <1@x>\r\npurpose: sales\r\n"]
    {
        assert_eq!(DirectContext::parse(bad.as_bytes()).unwrap_err().kind(), "invalid_context");
    }
    // A header naming a part that is not there.
    let signed = MessageBuilder::new(address("alice@direct.example.org"), vec![address("fhir@hospital.example.net")])
        .context(query_context())
        .sign(&signer("address"))
        .unwrap();
    let text = String::from_utf8(signed).unwrap();
    let at = text.find("Content-ID: <context-").unwrap();
    let broken = format!("{}Content-ID: <other-{}", &text[..at], &text[at + "Content-ID: <".len()..]);
    // The signature covers the Content-ID: verification fails, as it should.
    let data = crls();
    let v = SmimeVerifier::new(store()).verify_message(broken.as_bytes(), &SmimeInput::new(time()).revocation(&data));
    assert_eq!(v.unwrap_err().kind(), "message_digest_mismatch");
    // Built with a valid context, it verifies and reads back.
    let ok = SmimeVerifier::new(store())
        .verify_message(text.as_bytes(), &SmimeInput::new(time()).revocation(&data))
        .unwrap();
    assert_eq!(DirectContext::from_message(&ok).unwrap(), Some(query_context()));
    // HTTP messages that MIME cannot carry unencoded.
    let builder = MessageBuilder::new(address("alice@direct.example.org"), vec![]);
    assert!(builder.clone().encapsulate_http(b"GET / HTTP/1.1\nHost: x\n\n".to_vec()).is_err());
    assert!(
        builder
            .encapsulate_http([b"GET /".to_vec(), vec![b'a'; 1000], b" HTTP/1.1\r\n\r\n".to_vec()].concat())
            .is_err()
    );
}

#[test]
fn processed_mdn_round_trip() {
    // The requester's message, received by the HISP.
    let sent = MessageBuilder::new(address("alice@direct.example.org"), vec![address("fhir@hospital.example.net")])
        .subject("FHIR query")
        .message_id("query-2@direct.example.org")
        .context(query_context())
        .encapsulate_http(SEARCH.to_vec())
        .unwrap()
        .sign_and_encrypt(
            &signer("address"),
            &SmimeEncryptor::new(store()),
            &[recipient("hisp", "fhir@hospital.example.net")],
        )
        .unwrap();
    let received = decrypt(&sent, "hisp").unwrap();
    let hisp = address("fhir@hospital.example.net");
    let notification = DeliveryNotification::processed_for(&received, hisp.clone()).unwrap();
    assert_eq!(notification.original_message_id(), "<query-2@direct.example.org>");
    // Signed by the HISP (domain-bound), encrypted to alice.
    let mdn = MessageBuilder::new(hisp.clone(), vec![address("alice@direct.example.org")])
        .subject("Processed: FHIR query")
        .disposition_notification(notification)
        .sign_and_encrypt(
            &signer("hisp"),
            &SmimeEncryptor::new(store()),
            &[recipient("address", "alice@direct.example.org")],
        )
        .unwrap();
    let m = decrypt(&mdn, "address").unwrap();
    let n = DeliveryNotification::from_message(&m).unwrap();
    assert!(n.is_processed("query-2@direct.example.org"));
    assert!(!n.is_processed("query-1@direct.example.org"));
    assert_eq!((n.disposition(), n.final_recipient(), n.is_automatic()), (DispositionType::Processed, &hisp, true));
    assert_eq!(n.reporting_ua(), Some("hospital.example.net; trustpath"));
    // An MDN for the HISP's recipient, signed by someone else (alice), is refused.
    let forged = MessageBuilder::new(address("alice@direct.example.org"), vec![address("alice@direct.example.org")])
        .disposition_notification(DeliveryNotification::processed(hisp, "<query-2@direct.example.org>").unwrap())
        .sign(&signer("address"))
        .unwrap();
    let data = crls();
    let forged =
        SmimeVerifier::new(store()).verify_message(&forged, &SmimeInput::new(time()).revocation(&data)).unwrap();
    let e = DeliveryNotification::from_message(&forged).unwrap_err();
    assert_eq!(e.kind(), "invalid_notification");
    assert!(e.to_string().contains("signed by alice@direct.example.org"), "{e}");
    // A message that is no notification.
    assert_eq!(DeliveryNotification::from_message(&received).unwrap_err().kind(), "invalid_notification");
}
