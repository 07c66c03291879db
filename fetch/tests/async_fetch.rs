//! The async fetcher (feature `async`, reqwest) against loopback servers: the same engine as
//! the blocking one, so these check what differs: the transport (status, size cap, timeout,
//! OCSP POST) and shared fetches between tasks.

#![cfg(feature = "async")]

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::{DAY, LeafUrls, NOW, at, config, crl_reply, pki, statuses};
use trustpath::revocation::{RevocationData, StatusSource};
use trustpath_fetch::{AsyncFetcher, FetchConfig};
use trustpath_testgen::ocsp::OcspCertStatus;
use trustpath_testgen::serve::{Reply, Server};

fn crl_only() -> LeafUrls<'static> {
    LeafUrls { crl: &["/ca.crl"], ..LeafUrls::default() }
}

#[tokio::test]
async fn fetches_a_crl_and_refuses_a_revoked_leaf() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    let fetcher = AsyncFetcher::new(config()).expect("client");
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW)).await;
    assert!(outcome.result.is_ok());
    assert_eq!(statuses(&outcome.fetched), [("crl", "ok")]);

    server.route("/ca.crl", crl_reply(pki.crl(&[pki.leaf.serial()], NOW - DAY, NOW + DAY)));
    let fetcher = AsyncFetcher::new(config()).expect("client");
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW)).await;
    assert_eq!(outcome.result.expect_err("revoked").kind(), "revoked");
}

#[tokio::test]
async fn failures_are_classified() {
    let server = Server::start().expect("server");
    let pki = pki(&server, LeafUrls { crl: &["/slow.crl", "/big.crl", "/missing.crl"], ..LeafUrls::default() }, None);
    let crl = pki.crl(&[], NOW - DAY, NOW + DAY);
    server.route("/slow.crl", crl_reply(crl.clone()).delayed(Duration::from_secs(30)));
    server.route("/big.crl", crl_reply(vec![0x30; crl.len() + 1]));
    let fetcher =
        AsyncFetcher::new(FetchConfig { timeout: Duration::from_millis(300), max_crl_bytes: crl.len(), ..config() })
            .expect("client");
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW)).await;
    assert_eq!(outcome.result.expect_err("refused").kind(), "revocation_unknown");
    assert_eq!(statuses(&outcome.fetched), [("crl", "timeout"), ("crl", "too_large"), ("crl", "http_error")]);
    assert_eq!(outcome.fetched[2].http_status, Some(404));
}

#[tokio::test]
async fn posts_ocsp_requests() {
    let server = Server::start().expect("server");
    let pki = pki(&server, LeafUrls { ocsp: &["/ocsp"], ..LeafUrls::default() }, None);
    server.route("/ocsp", Reply::ok(pki.ocsp(OcspCertStatus::Good), "application/ocsp-response"));
    let fetcher = AsyncFetcher::new(FetchConfig { ocsp_get: false, ..config() }).expect("client");
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW)).await;
    assert_eq!(outcome.result.expect("good").revocation()[0].source, StatusSource::Ocsp);
    let request = server.requests().pop().expect("request");
    assert_eq!((request.method.as_str(), request.content_type.as_deref()), ("POST", Some("application/ocsp-request")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_share_one_fetch() {
    let server = Arc::new(Server::start().expect("server"));
    let pki = Arc::new(pki(&server, crl_only(), None));
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)).held());
    let fetcher = Arc::new(AsyncFetcher::new(config()).expect("client"));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (fetcher, pki) = (fetcher.clone(), pki.clone());
            tokio::spawn(async move {
                let verifier = pki.hard();
                fetcher.validate_with_fetch(&verifier, &pki.leaf, &[], &RevocationData::new(), at(NOW)).await
            })
        })
        .collect();
    let mut joined = false;
    for _ in 0..2_000 {
        if fetcher.stats().shared == 3 && server.hits("/ca.crl") == 1 {
            joined = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.release();
    assert!(joined, "the tasks did not share the fetch: {:?}", fetcher.stats());
    for task in tasks {
        let outcome = task.await.expect("task");
        assert!(outcome.result.is_ok());
    }
    assert_eq!(server.hits("/ca.crl"), 1);
}
