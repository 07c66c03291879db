//! `fuzz_corpus`: writes the certificates the `path_build` fuzz target builds paths from, and the
//! certificate-based seeds of the fuzz targets.
//!
//! ```text
//! cargo run --release -p trustpath-testgen --bin fuzz_corpus [-- FUZZ_DIR]
//! ```
//!
//! FUZZ_DIR (default `fuzz/`) receives:
//! - `certs/*.der` and `certs/chains.rs`: six PKIs (an RSA-2048 one, a P-256 one, a mesh of
//!   three mutually cross-signed CAs, a cycle of two CAs, name constraints, a chain of eight
//!   intermediates) and two extra certificates (a way out of the cycle, a leaf the name
//!   constraints exclude); `chains.rs`, included by `fuzz_targets/path_build.rs` and
//!   `tests/fuzz_corpus.rs`, embeds them and lays each PKI out as anchors, pool and leaf.
//! - `seeds/path_build/`: one input per chain (with real and with stand-in signature checks)
//!   and one that starts empty, in the layout `path_build.rs`'s `Input` decodes.
//! - `seeds/cert_der/` (single certificates) and `seeds/bundle/` (concatenated DER, PEM,
//!   PKCS#7 DER, BER and PEM, PEM with comments and a non-certificate block).
//!
//! Keys are read from `FUZZ_DIR/certs/keys/` (generated there only when missing); everything
//! else in those directories is rewritten byte for byte, and files no longer produced are
//! removed. Certificates are valid 2025-01-01 to 2030-01-01; the chains are meant to be
//! validated at 2026-06-01T00:00:00Z.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use der::{Decode, Encode};
use trustpath_testgen::bundle::{pem, pem_certificates, pkcs7_certs_only, pkcs7_certs_only_ber};
use trustpath_testgen::name::{NameBuilder, dns, ip, ip_subnet};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::{rfc3339, validation_time};
use trustpath_testgen::{Error, KeyKind, KeyPair, KeyStore, Result, ext};

/// The certificates written so far, in `CERTS` order, and the chains over them.
struct Corpus {
    keys: KeyStore,
    certs: Vec<(String, Vec<u8>)>,
    chains: Vec<Chain>,
}

/// A PKI laid out for validation: indices into `certs`, the leaf's DNS name, and the reason
/// it is rejected for (`None`: it validates) by the `rfc5280` and `tls-server` presets at the
/// validation time, expecting that name.
struct Chain {
    name: &'static str,
    anchors: Vec<usize>,
    pool: Vec<usize>,
    leaf: usize,
    dns_name: String,
    rejected: Option<&'static str>,
}

impl Corpus {
    fn key(&mut self, name: &str, kind: KeyKind) -> Result<Arc<KeyPair>> {
        self.keys.key(name, kind)
    }

    /// A CA that will sign but whose own certificates are added separately.
    fn ca(&mut self, cn: &str, key: &str, kind: KeyKind) -> Result<Issuer> {
        let name = NameBuilder::new().c("US").o("Trustpath Fuzz").cn(cn).build()?;
        Ok(Issuer::new(name, self.key(key, kind)?, Vec::new()))
    }

    fn add(&mut self, file: &str, der: Vec<u8>) -> usize {
        self.certs.push((file.to_string(), der));
        self.certs.len() - 1
    }

    /// A self-signed root certificate for `ca`.
    fn root(&mut self, file: &str, ca: &Issuer) -> Result<usize> {
        let der = templates::root(&ca.name, &ca.key)?.sign(&ca.key)?;
        Ok(self.add(file, der))
    }

    /// `subject` certified as a CA by `by`, with extra extensions.
    fn cross(&mut self, file: &str, subject: &Issuer, by: &Issuer, extra: Vec<ext::Ext>) -> Result<usize> {
        let builder = templates::intermediate(&subject.name, &subject.key, by)?.extensions(extra);
        let der = by.sign(&builder)?;
        Ok(self.add(file, der))
    }

    /// A server leaf for `names` (the first one its CN), issued by `by`.
    fn leaf(
        &mut self,
        file: &str,
        key: &str,
        kind: KeyKind,
        by: &Issuer,
        names: &[&str],
        ips: &[IpAddr],
    ) -> Result<usize> {
        let key = self.key(key, kind)?;
        let subject = NameBuilder::new().cn(names.first().copied().unwrap_or("leaf")).build()?;
        let mut san = names.iter().map(|n| dns(n)).collect::<Result<Vec<_>>>()?;
        san.extend(ips.iter().map(|a| ip(*a)));
        let builder = templates::leaf(&subject, &key, by)?.extension(ext::subject_alt_name(false, san)?);
        let der = by.sign(&builder)?;
        Ok(self.add(file, der))
    }

    /// Root, one intermediate and a leaf, all with keys of `kind`.
    fn simple(&mut self, name: &'static str, kind: KeyKind) -> Result<()> {
        let root = self.ca(&format!("{name} Fuzz Root"), &format!("{name}-root"), kind)?;
        let int = self.ca(&format!("{name} Fuzz Intermediate"), &format!("{name}-inter"), kind)?;
        let anchor = self.root(&format!("{name}-anchor"), &root)?;
        let inter = self.cross(&format!("{name}-inter"), &int, &root, Vec::new())?;
        let dns_name = format!("{name}.fuzz.example");
        let leaf = self.leaf(&format!("{name}-leaf"), &format!("{name}-leaf"), kind, &int, &[&dns_name], &[])?;
        self.chains.push(Chain { name, anchors: vec![anchor], pool: vec![inter], leaf, dns_name, rejected: None });
        Ok(())
    }
}

fn generate(keys: KeyStore) -> Result<Corpus> {
    let mut c = Corpus { keys, certs: Vec::new(), chains: Vec::new() };
    c.simple("rsa", KeyKind::Rsa2048)?;
    c.simple("p256", KeyKind::P256)?;

    // A, B and C certify each other; only C is certified by the anchor; the leaf is under A.
    let root = c.ca("Mesh Fuzz Root", "mesh-root", KeyKind::P256)?;
    let mesh = [
        c.ca("Mesh Fuzz CA A", "mesh-a", KeyKind::P256)?,
        c.ca("Mesh Fuzz CA B", "mesh-b", KeyKind::P256)?,
        c.ca("Mesh Fuzz CA C", "mesh-c", KeyKind::P256)?,
    ];
    let anchor = c.root("mesh-anchor", &root)?;
    let mut pool = Vec::new();
    for (i, subject) in mesh.iter().enumerate() {
        for (j, by) in mesh.iter().enumerate() {
            if i != j {
                let label = |k: usize| char::from(b'a' + k as u8);
                pool.push(c.cross(&format!("mesh-{}-by-{}", label(i), label(j)), subject, by, Vec::new())?);
            }
        }
    }
    pool.push(c.cross("mesh-c-by-root", &mesh[2], &root, Vec::new())?);
    let leaf = c.leaf("mesh-leaf", "mesh-leaf", KeyKind::P256, &mesh[0], &["mesh.fuzz.example"], &[])?;
    c.chains.push(Chain {
        name: "mesh",
        anchors: vec![anchor],
        pool,
        leaf,
        dns_name: "mesh.fuzz.example".into(),
        rejected: None,
    });

    // A and B certify each other and nothing leads to the anchor; `cycle-b-by-root`, outside
    // the chain, is the way out a fuzzer can add.
    let root = c.ca("Cycle Fuzz Root", "cycle-root", KeyKind::P256)?;
    let a = c.ca("Cycle Fuzz CA A", "cycle-a", KeyKind::P256)?;
    let b = c.ca("Cycle Fuzz CA B", "cycle-b", KeyKind::P256)?;
    let anchor = c.root("cycle-anchor", &root)?;
    let pool = vec![c.cross("cycle-a-by-b", &a, &b, Vec::new())?, c.cross("cycle-b-by-a", &b, &a, Vec::new())?];
    let leaf = c.leaf("cycle-leaf", "cycle-leaf", KeyKind::P256, &a, &["cycle.fuzz.example"], &[])?;
    c.cross("cycle-b-by-root", &b, &root, Vec::new())?;
    c.chains.push(Chain {
        name: "cycle",
        anchors: vec![anchor],
        pool,
        leaf,
        dns_name: "cycle.fuzz.example".into(),
        rejected: Some("unknown_issuer"),
    });

    // The intermediate permits nc.fuzz.example and 192.0.2.0/24 and excludes a subdomain.
    let root = c.ca("NC Fuzz Root", "nc-root", KeyKind::P256)?;
    let int = c.ca("NC Fuzz Intermediate", "nc-inter", KeyKind::P256)?;
    let anchor = c.root("nc-anchor", &root)?;
    let constraints = ext::name_constraints(
        vec![dns("nc.fuzz.example")?, ip_subnet(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 0)), 24)?],
        vec![dns("excluded.nc.fuzz.example")?],
    )?;
    let inter = c.cross("nc-inter", &int, &root, vec![constraints])?;
    let web = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10));
    let leaf = c.leaf("nc-leaf", "nc-leaf", KeyKind::P256, &int, &["www.nc.fuzz.example"], &[web])?;
    c.leaf("nc-leaf-excluded", "nc-leaf-excluded", KeyKind::P256, &int, &["host.excluded.nc.fuzz.example"], &[])?;
    c.chains.push(Chain {
        name: "nc",
        anchors: vec![anchor],
        pool: vec![inter],
        leaf,
        dns_name: "www.nc.fuzz.example".into(),
        rejected: None,
    });

    // Eight intermediates, the presets' maximum.
    let root = c.ca("Long Fuzz Root", "long-root", KeyKind::P256)?;
    let anchor = c.root("long-anchor", &root)?;
    let mut parent = root;
    let mut pool = Vec::new();
    for n in 1..=8 {
        let ca = c.ca(&format!("Long Fuzz CA {n}"), &format!("long-inter{n}"), KeyKind::P256)?;
        pool.push(c.cross(&format!("long-inter{n}"), &ca, &parent, Vec::new())?);
        parent = ca;
    }
    let leaf = c.leaf("long-leaf", "long-leaf", KeyKind::P256, &parent, &["long.fuzz.example"], &[])?;
    c.chains.push(Chain {
        name: "long",
        anchors: vec![anchor],
        pool,
        leaf,
        dns_name: "long.fuzz.example".into(),
        rejected: None,
    });
    Ok(c)
}

/// `certs/chains.rs`: the certificates and chains as Rust statics.
fn chains_rs(c: &Corpus) -> String {
    let mut s = String::from(
        "// Generated by `cargo run --release -p trustpath-testgen --bin fuzz_corpus`\n\
         // (testgen/src/bin/fuzz_corpus.rs): do not edit. Included by fuzz_targets/path_build.rs\n\
         // and tests/fuzz_corpus.rs, which define `Chain`.\n\n",
    );
    let time = validation_time();
    s += &format!("/// {}: inside the validity of every certificate.\n", rfc3339(time));
    s += &format!("const DEFAULT_TIME: u64 = {time};\n\n");
    s += "/// Every certificate, by file name (without `.der`).\n";
    s += &format!("static CERTS: [(&str, &[u8]); {}] = [\n", c.certs.len());
    for (name, _) in &c.certs {
        s += &format!("    (\"{name}\", include_bytes!(\"{name}.der\")),\n");
    }
    s += "];\n\n/// Each PKI laid out for validation (indices into `CERTS`).\n";
    s += &format!("static CHAINS: [Chain; {}] = [\n", c.chains.len());
    for ch in &c.chains {
        let list = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
        let rejected = ch.rejected.map_or("None".to_string(), |r| format!("Some(\"{r}\")"));
        s += &format!(
            "    Chain {{ name: \"{}\", anchors: &[{}], pool: &[{}], leaf: {}, dns_name: \"{}\", rejected: {rejected} }},\n",
            ch.name,
            list(&ch.anchors),
            list(&ch.pool),
            ch.leaf,
            ch.dns_name
        );
    }
    s += "];\n";
    s
}

/// A `path_build` input: the scenario (chain index; one past the last starts empty), the
/// preset index and the signature mode, zeros elsewhere (defaults: fixed time, the chain's own
/// name, no overrides, nothing added or dropped). 512 bytes so that libFuzzer's length limit
/// starts there. Offsets follow `Input`'s fields: scenario u8, policy u8, time (enum tag,
/// u32), name (enum tag, u32), fake_signatures (bool).
fn path_build_seed(scenario: usize, policy: u8, fake_signatures: bool) -> Vec<u8> {
    let mut seed = vec![0u8; 512];
    seed[0] = scenario as u8;
    seed[1] = policy;
    seed[10] = u8::from(fake_signatures);
    seed
}

fn files(c: &Corpus) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    for (name, der) in &c.certs {
        out.insert(format!("certs/{name}.der"), der.clone());
    }
    out.insert("certs/chains.rs".into(), chains_rs(c).into_bytes());

    for (i, ch) in c.chains.iter().enumerate() {
        out.insert(format!("seeds/path_build/{}", ch.name), path_build_seed(i, 0, false));
        out.insert(format!("seeds/path_build/{}-fake-signatures", ch.name), path_build_seed(i, 0, true));
    }
    // Name constraints under plain RFC 5280 as well (preset 1).
    let nc = c.chains.iter().position(|ch| ch.name == "nc").unwrap_or(0);
    out.insert("seeds/path_build/nc-rfc5280".into(), path_build_seed(nc, 1, false));
    out.insert("seeds/path_build/empty-fake-signatures".into(), path_build_seed(c.chains.len(), 0, true));

    let der = |name: &str| c.certs.iter().find(|(n, _)| n == name).map(|(_, d)| d.clone()).unwrap_or_default();
    for name in
        ["rsa-anchor", "rsa-leaf", "p256-inter", "p256-leaf", "mesh-a-by-b", "cycle-leaf", "nc-inter", "nc-leaf"]
    {
        out.insert(format!("seeds/cert_der/{name}.der"), der(name));
    }
    out.insert("seeds/cert_der/long-leaf.der".into(), der("long-leaf"));

    let chain = |ch: &Chain| {
        let mut v = vec![c.certs[ch.leaf].1.clone()];
        v.extend(ch.pool.iter().rev().map(|&i| c.certs[i].1.clone()));
        v.extend(ch.anchors.iter().map(|&i| c.certs[i].1.clone()));
        v
    };
    let by_name =
        |name: &str| c.chains.iter().find(|ch| ch.name == name).ok_or_else(|| Error::msg(format!("no chain {name}")));
    out.insert("seeds/bundle/rsa-chain.der".into(), chain(by_name("rsa")?).concat());
    let long = chain(by_name("long")?);
    out.insert("seeds/bundle/long-chain.p7b".into(), pkcs7_certs_only(&long));
    out.insert("seeds/bundle/long-chain.pem".into(), pem_certificates(&long)?.into_bytes());
    // PKCS#7 in BER, indefinite lengths at every level of the container (as .NET writes it).
    out.insert("seeds/bundle/rsa-chain-ber.p7b".into(), pkcs7_certs_only_ber(&chain(by_name("rsa")?))?);
    let cycle = pkcs7_certs_only(&chain(by_name("cycle")?));
    out.insert("seeds/bundle/cycle-chain.p7b.pem".into(), pem("PKCS7", &cycle)?.into_bytes());
    let nc = by_name("nc")?;
    let leaf = &c.certs[nc.leaf].1;
    let spki = x509_cert::Certificate::from_der(leaf)?.tbs_certificate().subject_public_key_info().to_der()?;
    let anchors: Vec<Vec<u8>> = nc.anchors.iter().map(|&i| c.certs[i].1.clone()).collect();
    let mixed = format!(
        "# nc chain, with comments and a non-certificate block\n{}{}\n# the anchor\n{}",
        pem_certificates(std::slice::from_ref(leaf))?,
        pem("PUBLIC KEY", &spki)?,
        pem_certificates(&anchors)?,
    );
    out.insert("seeds/bundle/nc-mixed.pem".into(), mixed.into_bytes());
    Ok(out)
}

/// Writes `files` under `dir`, then removes the other files of the directories it owns.
fn write(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    for (path, bytes) in files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(full, bytes)?;
    }
    for owned in ["certs", "seeds/path_build", "seeds/cert_der", "seeds/bundle"] {
        for entry in std::fs::read_dir(dir.join(owned))? {
            let path = entry?.path();
            let relative = format!("{owned}/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or_default());
            if path.is_file() && !files.contains_key(&relative) {
                eprintln!("removing stale {}", path.display());
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

fn run(dir: &Path) -> Result<()> {
    let corpus = generate(KeyStore::new(dir.join("certs").join("keys")))?;
    let files = files(&corpus)?;
    write(dir, &files)?;
    for k in corpus.keys.generated() {
        eprintln!("generated new key certs/keys/{k}.pem");
    }
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}

fn main() -> ExitCode {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fuzz");
    let dir = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or(default);
    match run(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fuzz_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
