//! URI name constraints (RFC 5280 §4.2.1.10) and URIs as identities, on a PKI generated here:
//! a root, a sub-CA that excludes `.evil.test`, a sub-CA that permits only `.example.org`, and
//! leaves whose SAN URI is written as an attacker would (issue 15, item 1). Then a property
//! test: whenever a URI is accepted under those constraints, the host that trustpath reads —
//! and the host that a WHATWG parser (the `url` crate, as HTTP clients) reads — lies inside the
//! permitted subtree and outside the excluded one.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use trustpath::revocation::RevocationPolicy;
use trustpath::uri::{self, UriHost};
use trustpath::{
    Certificate, CertificatePool, ExpectedName, Policy, Reason, TrustStore, UnixTime, ValidationInput, Verifier,
};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{KeyKind, KeyPair, ext, name};

/// 2026-06-01T00:00:00Z.
const NOW: u64 = 1_780_272_000;

struct Pki {
    verifier: Verifier,
    /// The anchor, which constrains nothing.
    root: Issuer,
    /// Excludes URIs below `.evil.test`.
    excluding: Issuer,
    /// Permits only URIs below `.example.org`.
    permitting: Issuer,
    leaf_key: Arc<KeyPair>,
}

fn ca(root: &Issuer, cn: &str, permitted: Vec<&str>, excluded: Vec<&str>) -> Issuer {
    let key = Arc::new(KeyPair::generate(cn, KeyKind::P256).expect("key"));
    let n = name::NameBuilder::new().o("URI Test").cn(cn).build().expect("name");
    let uris = |v: Vec<&str>| v.into_iter().map(|u| name::uri(u).expect("uri")).collect();
    let constraints = ext::name_constraints(uris(permitted), uris(excluded)).expect("nc");
    let der =
        templates::intermediate(&n, &key, root).expect("ca").extension(constraints).sign(&root.key).expect("sign");
    Issuer::new(n, key, der)
}

/// The PKI, generated once (keys are derived from their names, so every run builds the same).
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(generate)
}

fn generate() -> Pki {
    let root_key = Arc::new(KeyPair::generate("uri root", KeyKind::P256).expect("key"));
    let root_name = name::NameBuilder::new().o("URI Test").cn("URI Test Root").build().expect("name");
    let root = templates::root(&root_name, &root_key).expect("root").sign(&root_key).expect("sign");
    let root = Issuer::new(root_name, root_key, root);
    let excluding = ca(&root, "Excluding CA", vec![], vec![".evil.test"]);
    let permitting = ca(&root, "Permitting CA", vec![".example.org"], vec![]);
    let mut store = TrustStore::new();
    store.add_certificate("udap://uri.example", Certificate::from_der(root.der.clone()).expect("root"));
    let mut pool = CertificatePool::new();
    for ca in [&excluding, &permitting] {
        pool.add(Certificate::from_der(ca.der.clone()).expect("ca"));
    }
    let mut policy = Policy::udap();
    policy.revocation = RevocationPolicy::OFF;
    let verifier = Verifier::new(store, policy).with_intermediates(pool);
    let leaf_key = Arc::new(KeyPair::generate("uri leaf", KeyKind::P256).expect("key"));
    Pki { verifier, root, excluding, permitting, leaf_key }
}

/// A leaf under `ca` whose only SAN is the URI `san`, written as given (an IA5String takes any
/// ASCII, `\` included).
fn leaf(pki: &Pki, ca: &Issuer, san: &str) -> Certificate {
    let subject = name::NameBuilder::new().o("URI Test").cn("Client").build().expect("name");
    let der = templates::leaf(&subject, &pki.leaf_key, ca)
        .expect("leaf")
        .extension(ext::subject_alt_name(false, vec![name::uri(san).expect("IA5 URI")]).expect("san"))
        .sign(&ca.key)
        .expect("sign");
    Certificate::from_der(der).expect("leaf parses")
}

fn time() -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW))
}

fn verify(pki: &Pki, ca: &Issuer, san: &str) -> Result<(), trustpath::ValidationError> {
    let leaf = leaf(pki, ca, san);
    pki.verifier.verify(&ValidationInput::new(&leaf, time())).map(|_| ())
}

/// The rejection must be the name constraint of the sub-CA (index 1), naming the URI.
fn assert_constraint_violation(result: Result<(), trustpath::ValidationError>, san: &str) {
    let e = result.expect_err(san);
    assert_eq!(e.kind(), "name_constraints", "{san}: {e}");
    match e.reason() {
        Reason::NameConstraintViolation { name, constraint_index } => {
            assert_eq!((name.as_str(), *constraint_index), (format!("URI:{san}").as_str(), 1), "{san}");
        }
        other => panic!("{san}: {other:?}"),
    }
}

#[test]
fn excluded_subtree_is_not_bypassed_by_a_trailing_dot_or_percent_encoding() {
    let pki = pki();
    assert!(verify(pki, &pki.excluding, "https://client.example.net/apps/42").is_ok(), "outside the exclusion");
    for san in [
        "https://host.evil.test/apps/42",
        "https://host.evil.test./apps/42",
        "https://host.%65vil.test/apps/42",
        "https://HOST.EVIL.TEST/apps/42",
        "https://host.evil.test:443/apps/42",
        // No host trustpath can read: refused under an excluded subtree too (fail closed).
        "https://u@host.evil.test/apps/42",
        "https://[v1.evil.test]/apps/42",
        "https://192.0.2.1/apps/42",
        "urn:evil.test:apps:42",
        "https:host.evil.test/apps/42",
    ] {
        assert_constraint_violation(verify(pki, &pki.excluding, san), san);
    }
}

#[test]
fn permitted_subtree_is_not_bypassed_by_a_backslash_before_userinfo() {
    let pki = pki();
    assert!(verify(pki, &pki.permitting, "https://client.example.org/apps/42").is_ok());
    assert!(verify(pki, &pki.permitting, "https://a.b.example.org:8443/apps/42?x#y").is_ok());
    // What a WHATWG parser makes of it: the host is evil.test, outside the permitted subtree.
    let whatwg = url::Url::parse("https://evil.test\\@client.example.org/apps/42").expect("WHATWG repairs it");
    assert_eq!(whatwg.host_str(), Some("evil.test"));
    for san in [
        "https://evil.test\\@client.example.org/apps/42",
        "https://evil.test@client.example.org/apps/42",
        "https://client.example.org./apps/42",
        "https://client.%65xample.org/apps/42",
        "https://example.org/apps/42",
        "https://client.example.org.evil.test/apps/42",
        "https://client.example.org\\.evil.test/apps/42",
        "https://client.example.0x7f/apps/42",
        "urn:client.example.org",
    ] {
        assert_constraint_violation(verify(pki, &pki.permitting, san), san);
    }
}

#[test]
fn an_expected_uri_must_be_an_identity() {
    let pki = pki();
    // Issued by the root, which constrains nothing: only the identity rule stands between the
    // caller and a URI that parsers read differently.
    for (san, problem) in [
        ("https://evil.test\\@client.example.org/apps/42", "not an absolute RFC 3986 URI"),
        ("https://client.example.org@evil.test/apps/42", "userinfo"),
        ("https:client.example.org/apps/42", "no authority"),
    ] {
        let leaf = leaf(pki, &pki.root, san);
        let input = ValidationInput::new(&leaf, time()).expect_name(ExpectedName::Uri(san.into()));
        let e = pki.verifier.verify(&input).expect_err(san);
        assert_eq!(e.kind(), "invalid_uri", "{san}: {e}");
        assert!(matches!(e.reason(), Reason::InvalidUri { uri, .. } if uri == san), "{san}: {e}");
        assert!(e.to_string().contains(problem), "{san}: {e}");
    }
    for good in ["https://client.example.org/apps/42", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"] {
        let leaf = leaf(pki, &pki.root, good);
        let input = ValidationInput::new(&leaf, time()).expect_name(ExpectedName::Uri(good.into()));
        assert!(pki.verifier.verify(&input).is_ok(), "{good}");
    }
}

#[cfg(feature = "rustls")]
#[test]
fn tls_identities_do_not_match_uris_other_parsers_read_differently() {
    use trustpath::tls::{ClientIdentity, TlsClientAuthName};
    let pki = pki();
    for (san, matches) in
        [("https://client.example.net/apps/42", true), ("https://u@client.example.net/apps/42", false)]
    {
        let leaf = leaf(pki, &pki.root, san);
        let path = pki.verifier.verify(&ValidationInput::new(&leaf, time())).expect("no URI constraint applies");
        let identity = ClientIdentity::new(path, time());
        assert_eq!(identity.has_san_uri(san), matches, "{san}");
        assert_eq!(identity.matches(&TlsClientAuthName::SanUri(san.into())), matches, "{san}");
    }
}

/// URIs built from the pieces that confuse readers: schemes, separators, userinfo, hosts near
/// the constrained domains (dots, escapes, case, numbers, IP literals), ports and paths. The
/// plain pieces are the likelier, so that a good share of the URIs are ones both readings accept.
fn uri_strategy() -> impl Strategy<Value = String> {
    /// `plain` pieces three times as likely as each `odd` one.
    fn pick(plain: &[&'static str], odd: &[&'static str]) -> prop::sample::Select<&'static str> {
        prop::sample::select(plain.iter().cycle().take(plain.len() * 3).chain(odd).copied().collect::<Vec<_>>())
    }
    let scheme = pick(&["https", "https", "HTTP", "wss", "file", "foo"], &["urn"]);
    let separator = pick(&["://", "://", "://", "://"], &[":", ":/", ":///", ":\\", "://\t"]);
    let userinfo = pick(&["", "", ""], &["u@", "evil.test\\@", "a:b@", "client.example.org@"]);
    let label = pick(
        &["client", "example", "org", "evil", "test", "EXAMPLE", "xn--bcher-kva"],
        &["127", "0x7f", "192.0.2.1", "%65vil", "a_b", "-a", "", "*", "org.", "[::1]", "[v1.x]"],
    );
    let host = prop::collection::vec(label, 1..4).prop_map(|labels| labels.join("."));
    let suffix = pick(&["", ".example.org", ".evil.test"], &[".evil.test.", ".example.org."]);
    let port = pick(&["", "", ":443", ":"], &[":99999", ":x"]);
    let path = pick(&["/apps/42", "", "?q=1", "#f"], &["\\x", "/a b", "/%zz"]);
    (scheme, separator, userinfo, host, suffix, port, path)
        .prop_map(|(s, sep, u, h, suf, p, path)| format!("{s}{sep}{u}{h}{suf}{p}{path}"))
}

fn within(host: &str, domain: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host.len() > domain.len() + 1 && host.ends_with(&format!(".{domain}"))
}

/// The host a WHATWG parser reads, lowercased (it lowercases DNS names itself).
fn whatwg_host(uri: &str) -> Option<String> {
    url::Url::parse(uri).ok()?.host_str().map(str::to_ascii_lowercase)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn accepted_uris_have_their_host_inside_the_permitted_and_outside_the_excluded_subtree(uri in uri_strategy()) {
        let pki = pki();
        for (ca, permitted) in [(&pki.excluding, false), (&pki.permitting, true)] {
            if verify(pki, ca, &uri).is_err() {
                continue;
            }
            let Ok(UriHost::Dns(host)) = uri::host(&uri) else {
                return Err(TestCaseError::fail(format!("{uri} accepted without a DNS host")));
            };
            let host = host.to_ascii_lowercase();
            // `.example.org` and `.evil.test` stand for the names below them, not for themselves.
            if permitted {
                prop_assert!(within(&host, "example.org"), "{} accepted under .example.org", uri);
            } else {
                prop_assert!(!within(&host, "evil.test"), "{} accepted despite .evil.test", uri);
            }
            // A WHATWG parser may refuse the URI (a port on `file:`, a malformed A-label): then no
            // HTTP client uses it. What it must never do is read another host.
            if let Some(whatwg) = whatwg_host(&uri) {
                prop_assert_eq!(whatwg, host, "{}: the WHATWG reading differs", uri);
            }
        }
    }
}

/// Whether the host a WHATWG parser reads is the one `uri::host` read.
fn same_host(ours: UriHost<'_>, theirs: &url::Host<String>) -> bool {
    match (ours, theirs) {
        (UriHost::Dns(a), url::Host::Domain(b)) => a.eq_ignore_ascii_case(b),
        (UriHost::Ip(a), url::Host::Ipv4(b)) => a == *b,
        (UriHost::Ip(a), url::Host::Ipv6(b)) => a == *b,
        // Outside the special schemes a WHATWG host is opaque: an IPv4 literal stays text.
        (UriHost::Ip(a), url::Host::Domain(b)) => b.parse() == Ok(a),
        _ => false,
    }
}

/// Text near URIs: the characters that parsers treat differently, after a scheme.
fn uri_like_strategy() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["https://", "http://", "HTTPS://", "ws://", "foo://", "https:", "urn:", ""]);
    (scheme, "[a-zA-Z0-9.:/@%\\\\\\[\\]#?_~ \t-]{0,32}").prop_map(|(s, rest)| format!("{s}{rest}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// The invariant behind `uri::host`: whatever host it reads, HTTP clients read too — or
    /// they refuse the URI (a port on `file:`, a malformed A-label) and use no host at all.
    #[test]
    fn whenever_a_host_is_read_the_whatwg_reading_is_the_same(
        uri in prop_oneof![uri_strategy(), uri_like_strategy()],
    ) {
        if let (Ok(ours), Ok(parsed)) = (uri::host(&uri), url::Url::parse(&uri)) {
            let theirs = parsed.host().map(|h| h.to_owned());
            let agree = theirs.as_ref().is_some_and(|h| same_host(ours, h));
            prop_assert!(agree, "{}: trustpath reads {:?}, WHATWG {:?}", uri, ours, theirs);
        }
        // An identity of a special scheme has a host, which is the same host.
        if uri::check_identity(&uri).is_ok() {
            let special = ["http:", "https:", "ws:", "wss:", "ftp:", "file:"]
                .iter()
                .any(|s| uri.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
            prop_assert!(!special || uri::host(&uri).is_ok(), "{}: a special-scheme identity without a host", uri);
        }
    }
}

/// The properties are only as strong as their inputs: a fair share of the generated URIs must
/// be ones that both readings accept, and a fair share of those must be inside `.example.org`.
#[test]
fn the_generated_uris_include_accepted_ones() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = uri_strategy();
    let (mut read, mut permitted) = (0, 0);
    for _ in 0..1000 {
        let uri = strategy.new_tree(&mut runner).expect("value").current();
        if let (Ok(UriHost::Dns(host)), Ok(_)) = (uri::host(&uri), url::Url::parse(&uri)) {
            read += 1;
            permitted += usize::from(within(host, "example.org"));
        }
    }
    assert!(read >= 100 && permitted >= 30, "{read} read, {permitted} below example.org, of 1000");
}
