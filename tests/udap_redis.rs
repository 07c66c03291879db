//! `trustpath::udap::redis::RedisStore` against a real `redis-server` (started on a free
//! loopback port when installed; the tests say they skipped otherwise): two handles stand for
//! two server instances.
#![cfg(feature = "redis")]

#[path = "support/redis_server.rs"]
mod redis_server;

use std::sync::Arc;
use std::time::Duration;

use trustpath::udap::redis::RedisStore;
use trustpath::udap::{ClientRecord, Registered, RegisteredClient, RegistrationGrant, RegistrationStore, ReplayStore};

fn record(id: &str, community: &str, grant: RegistrationGrant) -> ClientRecord {
    ClientRecord::new(
        RegisteredClient::new(id, "https://client.example.org/apps/42", community),
        grant,
        "system/Patient.rs",
    )
}

#[test]
fn two_handles_share_replay_and_registrations() {
    let Some(redis) = redis_server::RedisServer::start() else {
        println!("skipped: redis-server not installed (apt-get install -y redis-server)");
        return;
    };
    let a = Arc::new(RedisStore::open(&redis.url(), "t1:").expect("connects"));
    let b = Arc::new(RedisStore::open(&redis.url(), "t1:").expect("connects"));

    // Replay: of many concurrent first uses, exactly one wins, whichever handle.
    let winners: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let store = if i % 2 == 0 { a.clone() } else { b.clone() };
                s.spawn(move || store.check_and_record("client-1", "jti-1", 1_000, 900).expect("answers"))
            })
            .collect();
        handles.into_iter().map(|h| usize::from(h.join().expect("thread"))).sum()
    });
    assert_eq!(winners, 1);
    assert_eq!(b.check_and_record("client-2", "jti-1", 1_000, 900), Ok(true), "another issuer");
    assert_eq!(a.check_and_record("client-1", "jti-2", 901, 900), Ok(true));
    std::thread::sleep(Duration::from_millis(1_100));
    assert_eq!(b.check_and_record("client-1", "jti-2", 2_000, 1_000), Ok(true), "expired entries are forgotten");
    // Another prefix is another community: nothing shared.
    let other = RedisStore::open(&redis.url(), "t2:").expect("connects");
    assert_eq!(other.check_and_record("client-1", "jti-1", 1_000, 900), Ok(true));

    // Registrations keyed by (community, client URI).
    let code = RegistrationGrant::AuthorizationCode {
        refresh_token: true,
        redirect_uris: vec!["https://client.example.org/cb".into(), "https://client.example.org/cb2".into()],
    };
    let first = record("id-1", "udap://a", code.clone());
    assert_eq!(a.register(&first), Ok(("id-1".into(), Registered::Created)));
    assert_eq!(b.find("id-1"), Ok(Some(first.clone())), "seen by the other instance, every field");
    let update = record("id-2", "udap://a", RegistrationGrant::ClientCredentials);
    assert_eq!(b.register(&update), Ok(("id-1".into(), Registered::Updated)));
    let found = a.find("id-1").expect("answers").expect("registered");
    assert_eq!((found.grant, found.client.client_id.as_str()), (RegistrationGrant::ClientCredentials, "id-1"));
    assert_eq!(a.find("id-2"), Ok(None));
    assert_eq!(a.register(&record("id-3", "udap://b", code)), Ok(("id-3".into(), Registered::Created)));
    assert_eq!(b.cancel("udap://a", "https://client.example.org/apps/42"), Ok(Some("id-1".into())));
    assert_eq!(a.find("id-1"), Ok(None));
    assert_eq!(a.cancel("udap://a", "https://client.example.org/apps/42"), Ok(None));
    assert!(a.find("id-3").expect("answers").is_some(), "the other community's registration stays");
    assert!(a.register(&record("id-4", "udap://a", RegistrationGrant::Cancel)).is_err(), "not a registration");

    // Redis gone: errors, never "first use" or "not registered".
    drop(redis);
    assert!(a.check_and_record("client-1", "jti-3", 1_000, 900).is_err());
    assert!(b.find("id-3").is_err());
    assert!(a.register(&first).is_err());
}

#[test]
fn a_redis_that_is_not_there_fails_at_open() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a port").port();
    let e = RedisStore::open(&format!("redis://127.0.0.1:{port}"), "x:").expect_err("nobody listens");
    assert!(e.to_string().contains("redis"), "{e}");
    assert!(RedisStore::open("not a url", "x:").is_err());
}
