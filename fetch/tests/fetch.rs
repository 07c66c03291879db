//! The blocking fetcher against real HTTP servers on loopback: a generated PKI whose
//! certificates name `http://127.0.0.1:PORT/...` distribution points, OCSP responders and
//! issuers, served by `trustpath_testgen::serve`. Validation times are fixed.

mod support;

use std::time::Duration;

use base64::Engine;
use support::{DAY, LeafUrls, NOW, at, config, crl_reply, pki, statuses, wait_until};
use trustpath::revocation::{CertStatus, RevocationData, RevocationMode, StatusSource};
use trustpath_fetch::{FetchConfig, FetchErrorKind, Fetcher, ocsp_request};
use trustpath_testgen::ocsp::OcspCertStatus;
use trustpath_testgen::serve::{Reply, Server};

fn crl_only() -> LeafUrls<'static> {
    LeafUrls { crl: &["/ca.crl"], ..LeafUrls::default() }
}

#[test]
fn a_crl_reachable_only_through_its_distribution_point_is_fetched() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    let fetcher = Fetcher::new(config());

    // Without fetching, hard-fail refuses: no revocation data.
    let alone = pki.hard().verify(&trustpath::ValidationInput::new(&pki.leaf, at(NOW)));
    assert_eq!(alone.map(|_| ()).map_err(|e| e.kind()), Err("revocation_unknown"));

    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    let path = outcome.result.expect("valid once the CRL is fetched");
    assert_eq!(path.revocation()[0].status, CertStatus::Good);
    assert_eq!(path.revocation()[0].source, StatusSource::Crl);
    assert_eq!(statuses(&outcome.fetched), [("crl", "ok")]);
    let record = &outcome.fetched[0];
    assert_eq!(record.url, server.url("/ca.crl"));
    assert_eq!((record.certificate_index, record.http_status), (0, Some(200)));
    assert_eq!(record.bytes, pki.crl(&[], NOW - DAY, NOW + DAY).len());
    assert_eq!(outcome.revocation.crls().len(), 1);
    // Only the URL the certificate names was asked for, once.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("GET", "/ca.crl"));
}

#[test]
fn a_fetched_crl_that_revokes_the_leaf_refuses_it_in_both_modes() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[pki.leaf.serial()], NOW - DAY, NOW + DAY)));
    let fetcher = Fetcher::new(config());
    for mode in [RevocationMode::HardFail, RevocationMode::SoftFail] {
        let verifier = pki.verifier(mode, false, false);
        let outcome = fetcher.validate_with_fetch(&verifier, &pki.leaf, &[], &RevocationData::new(), at(NOW));
        let error = outcome.result.expect_err("revoked");
        assert_eq!(error.kind(), "revoked", "{mode:?}");
        assert_eq!(error.certificate_index(), Some(0));
    }
    // Soft-fail passed the leaf at first (unknown status), fetched, then refused it: the
    // second validation came from the cache.
    assert_eq!(server.hits("/ca.crl"), 1);
}

#[test]
fn a_dead_server_soft_fail_passes_with_a_report_and_hard_fail_refuses() {
    let dead = {
        let server = Server::start().expect("server");
        server.url("")
    };
    let server = Server::start().expect("server");
    let crl = format!("{dead}/ca.crl");
    let ocsp = format!("{dead}/ocsp");
    let pki = pki(&server, LeafUrls { crl: &[&crl], ocsp: &[&ocsp], ..LeafUrls::default() }, None);
    let fetcher = Fetcher::new(config());

    let hard = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert_eq!(hard.result.expect_err("refused").kind(), "revocation_unknown");
    assert_eq!(statuses(&hard.fetched), [("crl", "connect_failed"), ("ocsp", "connect_failed")]);
    assert!(hard.fetched.iter().all(|r| r.http_status.is_none() && r.bytes == 0));

    // Soft-fail: valid, status unknown, and the records say why; the negative cache answers
    // for the dead URLs this time.
    let soft = pki.verifier(RevocationMode::SoftFail, false, false);
    let outcome = fetcher.validate_with_fetch(&soft, &pki.leaf, &[], &RevocationData::new(), at(NOW));
    let path = outcome.result.expect("soft-fail passes");
    assert_eq!(path.revocation()[0].status, CertStatus::Unknown);
    assert_eq!(path.needs().len(), 2);
    assert_eq!(statuses(&outcome.fetched), [("crl", "failed_recently"), ("ocsp", "failed_recently")]);
    let error = outcome.fetched[0].error().expect("failure");
    assert!(error.message.contains("failed recently"), "{error}");
}

#[test]
fn a_slow_server_times_out() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)).delayed(Duration::from_secs(30)));
    let fetcher = Fetcher::new(FetchConfig { timeout: Duration::from_millis(300), ..config() });
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert_eq!(outcome.result.expect_err("refused").kind(), "revocation_unknown");
    assert_eq!(statuses(&outcome.fetched), [("crl", "timeout")]);
}

#[test]
fn an_oversized_response_is_refused_without_reading_it_all() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    let crl = pki.crl(&[], NOW - DAY, NOW + DAY);
    server.route("/ca.crl", crl_reply(crl.clone()));
    let fetcher = Fetcher::new(FetchConfig { max_crl_bytes: crl.len() - 1, ..config() });
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert_eq!(outcome.result.expect_err("refused").kind(), "revocation_unknown");
    assert_eq!(statuses(&outcome.fetched), [("crl", "too_large")]);

    // Exactly at the cap is fine.
    let fetcher = Fetcher::new(FetchConfig { max_crl_bytes: crl.len(), ..config() });
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert!(outcome.result.is_ok());
}

#[test]
fn wrong_content_is_bad_content_and_an_http_error_is_reported() {
    let server = Server::start().expect("server");
    let pki = pki(&server, LeafUrls { crl: &["/page.html", "/missing.crl"], ..LeafUrls::default() }, None);
    server.route("/page.html", Reply::ok(b"<html>not a CRL</html>".to_vec(), "text/html"));
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert_eq!(outcome.result.expect_err("refused").kind(), "revocation_unknown");
    assert_eq!(statuses(&outcome.fetched), [("crl", "bad_content"), ("crl", "http_error")]);
    assert_eq!(outcome.fetched[1].http_status, Some(404));
    let message = &outcome.fetched[0].error().expect("failure").message;
    assert!(message.contains("text/html"), "{message}");

    // An OCSP responder answering with a CRL is wrong content too.
    let server = Server::start().expect("server");
    let pki = support::pki(&server, LeafUrls { ocsp: &["/ocsp"], ..LeafUrls::default() }, None);
    server.route("/ocsp", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert!(outcome.result.is_err());
    assert_eq!(statuses(&outcome.fetched), [("ocsp", "bad_content")]);
}

#[test]
fn a_cached_crl_is_reused_until_its_next_update_then_fetched_again() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    let next_update = NOW + 3_600;
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, next_update)));
    let fetcher = Fetcher::new(FetchConfig { refresh_margin: Duration::from_secs(300), ..config() });
    let validate =
        |time: u64| fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(time));

    let first = validate(NOW);
    assert!(first.result.is_ok());
    assert_eq!(statuses(&first.fetched), [("crl", "ok")]);
    let second = validate(NOW + 600);
    assert!(second.result.is_ok());
    assert_eq!(statuses(&second.fetched), [("crl", "cached")]);
    assert_eq!(server.hits("/ca.crl"), 1);

    // Within the refresh margin of nextUpdate: fetched again early.
    let early = validate(next_update - 60);
    assert_eq!(statuses(&early.fetched), [("crl", "ok")]);
    assert_eq!(server.hits("/ca.crl"), 2);

    // Past nextUpdate the cached CRL is never used: the server now publishes a new one.
    server.route("/ca.crl", crl_reply(pki.crl(&[pki.leaf.serial()], next_update, next_update + DAY)));
    let later = validate(next_update + 60);
    assert_eq!(statuses(&later.fetched), [("crl", "ok")]);
    assert_eq!(later.result.expect_err("the new CRL revokes").kind(), "revoked");
    assert_eq!(server.hits("/ca.crl"), 3);
}

#[test]
fn a_refresh_that_fails_falls_back_to_the_cached_crl_before_its_next_update() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    let next_update = NOW + 3_600;
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, next_update)));
    let fetcher = Fetcher::new(config());
    let validate =
        |time: u64| fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(time));
    assert!(validate(NOW).result.is_ok());
    server.route("/ca.crl", Reply::status(503));
    let refresh = validate(next_update - 60);
    assert!(refresh.result.is_ok());
    assert_eq!(statuses(&refresh.fetched), [("crl", "cached")]);
    // After nextUpdate nothing usable is left.
    let after = validate(next_update + 1);
    assert_eq!(after.result.expect_err("refused").kind(), "revocation_unknown");
    assert_eq!(statuses(&after.fetched), [("crl", "failed_recently")]);
}

#[test]
fn an_older_crl_from_the_server_does_not_replace_a_newer_cached_one() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + 7_200)));
    let fetcher = Fetcher::new(FetchConfig { refresh_margin: Duration::from_secs(7_200), ..config() });
    let validate =
        |time: u64| fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(time));
    assert_eq!(statuses(&validate(NOW).fetched), [("crl", "ok")]);
    // Within the margin: refreshed, but the server (a lagging mirror) has an older CRL that
    // revokes the leaf; the newer cached CRL is kept and used.
    server.route("/ca.crl", crl_reply(pki.crl(&[pki.leaf.serial()], NOW - 2 * DAY, NOW + 3_600)));
    for _ in 0..2 {
        let outcome = validate(NOW + 60);
        assert_eq!(statuses(&outcome.fetched), [("crl", "cached")]);
        assert!(outcome.result.is_ok());
    }
    assert_eq!(server.hits("/ca.crl"), 3);
}

#[test]
fn a_stale_crl_from_the_server_is_passed_on_but_not_cached() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - 2 * DAY, NOW - DAY)));
    let fetcher = Fetcher::new(config());
    for expected_hits in [1, 2] {
        let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
        assert_eq!(outcome.result.expect_err("stale").kind(), "revocation_unknown");
        assert_eq!(statuses(&outcome.fetched), [("crl", "ok")]);
        assert_eq!(server.hits("/ca.crl"), expected_hits);
    }
}

#[test]
fn the_negative_cache_holds_a_failure_for_its_time() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", Reply::status(500));
    let fetcher = Fetcher::new(FetchConfig { negative_ttl: Duration::from_secs(3_600), ..config() });
    for status in ["http_error", "failed_recently", "failed_recently"] {
        let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
        assert_eq!(statuses(&outcome.fetched), [("crl", status)]);
    }
    assert_eq!(server.hits("/ca.crl"), 1);
    assert_eq!(fetcher.stats().negative_hits, 2);

    // Without a negative cache every validation asks again.
    let fetcher = Fetcher::new(FetchConfig { negative_ttl: Duration::ZERO, ..config() });
    for _ in 0..2 {
        let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
        assert_eq!(statuses(&outcome.fetched), [("crl", "http_error")]);
    }
    assert_eq!(server.hits("/ca.crl"), 3);
}

#[test]
fn ocsp_requests_are_built_from_the_certificate_and_its_issuer() {
    let server = Server::start().expect("server");
    let pki = pki(&server, LeafUrls { ocsp: &["/ocsp"], ..LeafUrls::default() }, None);
    server.route("/ocsp", Reply::ok(pki.ocsp(OcspCertStatus::Good), "application/ocsp-response"));
    let expected = ocsp_request(pki.leaf.issuer_der(), pki.ca_cert.public_key(), pki.leaf.serial()).expect("request");

    // Short enough: GET with the request in the URL (RFC 6960 A.1, RFC 5019 §5).
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    let path = outcome.result.expect("good");
    assert_eq!(path.revocation()[0].source, StatusSource::Ocsp);
    assert_eq!(statuses(&outcome.fetched), [("ocsp", "ok")]);
    // Reused until its nextUpdate (NOW + 1 day), then asked again.
    let again = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW + 3_600));
    assert_eq!(statuses(&again.fetched), [("ocsp", "cached")]);
    let later = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW + 2 * DAY));
    assert_eq!(statuses(&later.fetched), [("ocsp", "ok")]);
    assert_eq!(server.hits("/ocsp"), 2);
    assert_eq!(outcome.fetched[0].url, server.url("/ocsp"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].target, requests[1].target);
    assert_eq!(requests[0].method, "GET");
    let encoded = requests[0].target.strip_prefix("/ocsp/").expect("request in the path");
    let decoded = encoded.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=");
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(decoded).expect("base64"), expected);

    // POST when GET is off.
    let fetcher = Fetcher::new(FetchConfig { ocsp_get: false, ..config() });
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert!(outcome.result.is_ok());
    let post = server.requests().pop().expect("request");
    assert_eq!((post.method.as_str(), post.target.as_str()), ("POST", "/ocsp"));
    assert_eq!(post.content_type.as_deref(), Some("application/ocsp-request"));
    assert_eq!(post.body, expected);

    // A revoked answer refuses the leaf.
    server.route("/ocsp", Reply::ok(pki.ocsp(OcspCertStatus::Revoked { time: NOW - DAY, reason: Some(1) }), "x"));
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    let error = outcome.result.expect_err("revoked");
    assert_eq!(error.kind(), "revoked");
    assert!(error.to_string().contains("OCSP"), "{error}");
}

#[test]
fn ocsp_is_asked_only_when_no_crl_could_be_had() {
    let server = Server::start().expect("server");
    let pki = pki(&server, LeafUrls { crl: &["/ca.crl"], ocsp: &["/ocsp"], ..LeafUrls::default() }, None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    server.route("/ocsp", Reply::ok(pki.ocsp(OcspCertStatus::Good), "application/ocsp-response"));
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert!(outcome.result.is_ok());
    assert_eq!(statuses(&outcome.fetched), [("crl", "ok")]);
    assert_eq!(server.hits("/ocsp"), 0);

    server.route("/ca.crl", Reply::status(500));
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert_eq!(outcome.result.expect("OCSP answers").revocation()[0].source, StatusSource::Ocsp);
    assert_eq!(statuses(&outcome.fetched), [("crl", "http_error"), ("ocsp", "ok")]);
}

#[test]
fn a_missing_issuer_is_fetched_from_ca_issuers_then_its_crls() {
    let server = Server::start().expect("server");
    let pki = pki(
        &server,
        LeafUrls { crl: &["/ca.crl"], ca_issuers: &["/ca.cer"], ..LeafUrls::default() },
        Some("/root.crl"),
    );
    server.route("/ca.cer", Reply::ok(pki.ca.der.clone(), "application/pkix-cert"));
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    server.route("/root.crl", crl_reply(pki.root_crl(&[])));
    let verifier = pki.verifier(RevocationMode::HardFail, true, true);
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&verifier, &pki.leaf, &[], &RevocationData::new(), at(NOW));
    let path = outcome.result.expect("valid");
    assert_eq!(path.certificates().len(), 2);
    assert_eq!(outcome.issuers, std::slice::from_ref(&pki.ca_cert));
    assert_eq!(statuses(&outcome.fetched), [("issuer", "ok"), ("crl", "ok"), ("crl", "ok")]);
    assert_eq!(outcome.fetched[2].certificate_index, 1);
    assert_eq!(outcome.rounds, 2);

    // The root revokes the issuing CA: the chain is refused at certificate 1.
    server.route("/root.crl", crl_reply(pki.root_crl(&[pki.ca_cert.serial()])));
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&verifier, &pki.leaf, &[], &RevocationData::new(), at(NOW));
    let error = outcome.result.expect_err("revoked CA");
    assert_eq!((error.kind(), error.certificate_index()), ("revoked", Some(1)));

    // With issuer fetching off, the caIssuers URL is never asked.
    let fetcher = Fetcher::new(FetchConfig { fetch_issuers: false, ..config() });
    let before = server.hits("/ca.cer");
    let outcome = fetcher.validate_with_fetch(&verifier, &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert_eq!(outcome.result.expect_err("no issuer").kind(), "unknown_issuer");
    assert!(outcome.fetched.is_empty());
    assert_eq!(server.hits("/ca.cer"), before);
}

#[test]
fn ldap_and_other_schemes_are_reported_not_fetched() {
    let server = Server::start().expect("server");
    let ldap = "ldap://ldap.example.test/cn=CA?certificateRevocationList";
    let pki = pki(&server, LeafUrls { crl: &[ldap, "file:///etc/ca.crl", "/ca.crl"], ..LeafUrls::default() }, None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert!(outcome.result.is_ok());
    assert_eq!(statuses(&outcome.fetched), [("crl", "unsupported"), ("crl", "unsupported"), ("crl", "ok")]);
    let message = &outcome.fetched[0].error().expect("failure").message;
    assert!(message.contains("LDAP"), "{message}");
    assert_eq!(fetcher.stats().requests, 1);
}

#[test]
fn redirects_are_followed_within_the_bound() {
    let server = Server::start().expect("server");
    let pki = pki(&server, LeafUrls { crl: &["/moved.crl"], ..LeafUrls::default() }, None);
    server.route("/moved.crl", Reply::redirect(&server.url("/ca.crl")));
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    let fetcher = Fetcher::new(config());
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert!(outcome.result.is_ok());
    assert_eq!(outcome.fetched[0].url, server.url("/moved.crl"));

    let server = Server::start().expect("server");
    let pki = support::pki(&server, LeafUrls { crl: &["/loop"], ..LeafUrls::default() }, None);
    server.route("/loop", Reply::redirect("/loop"));
    let fetcher = Fetcher::new(FetchConfig { max_redirects: 2, ..config() });
    let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
    assert!(outcome.result.is_err());
    let error = outcome.fetched[0].error().expect("failure");
    assert_eq!(error.kind, FetchErrorKind::Redirect, "{error}");
    assert_eq!(server.hits("/loop"), 3);
}

#[test]
fn concurrent_requests_for_one_url_share_one_fetch() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)).held());
    let fetcher = Fetcher::new(config());
    let verifier = pki.hard();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| fetcher.validate_with_fetch(&verifier, &pki.leaf, &[], &RevocationData::new(), at(NOW)))
            })
            .collect();
        // Every other worker waits on the first one's fetch before the server answers.
        let joined = wait_until(|| fetcher.stats().shared == 3 && server.hits("/ca.crl") == 1);
        server.release();
        assert!(joined, "the workers did not share the fetch: {:?}", fetcher.stats());
        for worker in workers {
            let outcome = worker.join().expect("worker");
            assert!(outcome.result.is_ok());
            assert_eq!(statuses(&outcome.fetched), [("crl", "ok")]);
        }
    });
    assert_eq!(server.hits("/ca.crl"), 1);
    assert_eq!(fetcher.stats().requests, 1);
}

#[test]
fn the_disk_cache_serves_a_new_process_until_next_update() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    let dir = std::env::temp_dir().join(format!("trustpath-fetch-disk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let with_dir = || Fetcher::new(FetchConfig { cache_dir: Some(dir.clone()), ..config() });
    let validate =
        |f: &Fetcher, time: u64| f.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(time));

    assert_eq!(statuses(&validate(&with_dir(), NOW).fetched), [("crl", "ok")]);
    let again = validate(&with_dir(), NOW + 60);
    assert!(again.result.is_ok());
    assert_eq!(statuses(&again.fetched), [("crl", "cached")]);
    assert_eq!(server.hits("/ca.crl"), 1);
    // Past its nextUpdate the file is not used.
    assert_eq!(statuses(&validate(&with_dir(), NOW + 2 * DAY).fetched), [("crl", "ok")]);
    assert_eq!(server.hits("/ca.crl"), 2);
    // A file that is not a cache entry is ignored.
    for file in std::fs::read_dir(&dir).expect("dir").flatten() {
        std::fs::write(file.path(), b"garbage").expect("write");
    }
    assert_eq!(statuses(&validate(&with_dir(), NOW).fetched), [("crl", "ok")]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_memory_cache_is_bounded() {
    let server = Server::start().expect("server");
    let pki = pki(&server, crl_only(), None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    let fetcher = Fetcher::new(FetchConfig { cache_bytes: 10, ..config() });
    for _ in 0..2 {
        let outcome = fetcher.validate_with_fetch(&pki.hard(), &pki.leaf, &[], &RevocationData::new(), at(NOW));
        assert_eq!(statuses(&outcome.fetched), [("crl", "ok")]);
    }
    assert_eq!(fetcher.stats().cached_entries, 0);
    assert_eq!(server.hits("/ca.crl"), 2);
}

#[test]
fn fetch_for_error_and_path_return_the_data_without_validating() {
    let server = Server::start().expect("server");
    let pki = pki(&server, LeafUrls { crl: &["/ca.crl"], ocsp: &["/ocsp"], ..LeafUrls::default() }, None);
    server.route("/ca.crl", crl_reply(pki.crl(&[], NOW - DAY, NOW + DAY)));
    server.route("/ocsp", Reply::ok(pki.ocsp(OcspCertStatus::Good), "application/ocsp-response"));
    let fetcher = Fetcher::new(config());
    let input = trustpath::ValidationInput::new(&pki.leaf, at(NOW));
    let error = pki.hard().verify(&input).expect_err("no data");
    let fetched = fetcher.fetch_for_error(&error, None, at(NOW));
    assert_eq!(fetched.revocation.crls().len(), 1);
    // Without a path, no OCSP request can be built: only the CRL was asked.
    assert_eq!(statuses(&fetched.records), [("crl", "ok")]);

    let soft = pki.verifier(RevocationMode::SoftFail, false, false).verify(&input).expect("soft");
    server.route("/ca.crl", Reply::status(500));
    let fetched = Fetcher::new(config()).fetch_for_path(&soft, at(NOW));
    assert_eq!(statuses(&fetched.records), [("crl", "http_error"), ("ocsp", "ok")]);
    assert_eq!(fetched.revocation.ocsp_responses().len(), 1);
}
