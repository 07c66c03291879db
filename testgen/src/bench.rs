//! Benchmark chains: root, intermediate and leaf (`bench.example.com`, serverAuth) for RSA-2048
//! and P-256, as DER, plus 1,000 more leaves under the same intermediate (same key, distinct
//! serials) for warm-cache benchmarks.

use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{Error, KeyKind, Result, Serial, bundle, ext, name};

use crate::context::{Gen, case, subject};

/// Extra leaves per chain.
pub const POOL_SIZE: u32 = 1000;

pub fn generate(g: &mut Gen) -> Result<()> {
    let chains = [
        (
            "rsa2048",
            [("rsa2048-root", KeyKind::Rsa2048), ("rsa2048-int", KeyKind::Rsa2048), ("rsa2048-leaf", KeyKind::Rsa2048)],
        ),
        (
            "p256",
            [("bench-p256-root", KeyKind::P256), ("bench-p256-int", KeyKind::P256), ("bench-p256-leaf", KeyKind::P256)],
        ),
    ];
    for (dir, keys) in chains {
        let root_key = g.key(keys[0].0, keys[0].1)?;
        let int_key = g.key(keys[1].0, keys[1].1)?;
        let leaf_key = g.key(keys[2].0, keys[2].1)?;
        let root_name = subject(&format!("Bench {dir} Root CA"))?;
        let root_der = templates::root(&root_name, &root_key)?.sign(&root_key)?;
        let root = Issuer::new(root_name, root_key, root_der.clone());
        let int_name = subject(&format!("Bench {dir} Intermediate CA"))?;
        let int_der = root.sign(&templates::intermediate(&int_name, &int_key, &root)?)?;
        let int = Issuer::new(int_name, int_key, int_der.clone());
        let leaf = |serial: Option<u32>| -> Result<Vec<u8>> {
            let mut builder = templates::leaf(&subject("Bench Leaf")?, &leaf_key, &int)?
                .replace_extension(ext::extended_key_usage(false, &[ext::EKU_SERVER_AUTH])?)
                .extension(ext::subject_alt_name(false, vec![name::dns("bench.example.com")?])?);
            if let Some(n) = serial {
                builder = builder.serial(Serial::Raw([[0x10u8].as_slice(), &n.to_be_bytes()].concat()));
            }
            int.sign(&builder)
        };
        let root_file = g.file(&format!("bench/{dir}/root.der"), root_der)?;
        let int_file = g.file(&format!("bench/{dir}/intermediate.der"), int_der)?;
        let leaf_file = g.file(&format!("bench/{dir}/leaf.der"), leaf(None)?)?;
        // Only the signatures differ: sign the pool on every core.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
        let chunk = POOL_SIZE.div_ceil(threads);
        let leaf = &leaf;
        let parts: Vec<Result<Vec<Vec<u8>>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let serials = (t * chunk + 1)..=((t + 1) * chunk).min(POOL_SIZE);
                    s.spawn(move || serials.map(|n| leaf(Some(n))).collect::<Result<Vec<_>>>())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(Error::msg("signing thread panicked"))))
                .collect()
        });
        let mut pool = Vec::with_capacity(POOL_SIZE as usize);
        for part in parts {
            pool.extend(part?);
        }
        g.file(&format!("bench/{dir}/leaves.pem"), bundle::pem_certificates(&pool)?.into_bytes())?;
        g.add(
            case(&format!("bench/{dir}"), &format!("Benchmark chain ({dir}): tls-server for bench.example.com"))
                .anchors(&[&root_file])
                .intermediates(&[&int_file])
                .leaf(&leaf_file)
                .profile("tls-server")
                .name("DNS", "bench.example.com")
                .done(),
        )?;
    }
    Ok(())
}
