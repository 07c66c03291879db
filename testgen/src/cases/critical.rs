//! Critical extensions (RFC 5280 §6.1.4 (o)): an unknown extension marked critical makes the
//! certificate unusable; the same extension non-critical is ignored.

use const_oid::ObjectIdentifier;
use trustpath_testgen::templates;
use trustpath_testgen::{Result, ext};

use super::Base;
use crate::context::{Gen, subject};

/// A private OID under the IANA example enterprise arc (1.3.6.1.4.1.32473).
pub const PRIVATE_EXTENSION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.1.1");

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let value = [0x0c, 0x05, b'h', b'e', b'l', b'l', b'o'];
    for (file, critical) in [("leaf-unknown-critical", true), ("leaf-unknown-non-critical", false)] {
        let builder = b.leaf("Leaf With Private Extension", "leaf.example.com")?.extension(ext::unknown(
            PRIVATE_EXTENSION,
            critical,
            &value,
        ));
        let leaf = g.cert(&format!("critical-extensions/{file}.pem"), &b.int.sign(&builder)?)?;
        let c = b
            .case(
                &format!("critical-extensions/{file}"),
                &format!("Leaf with the private extension {PRIVATE_EXTENSION}, critical={critical}"),
            )
            .leaf(&leaf);
        g.add(if critical { c.reject("unknown_critical_extension", Some(0)).done() } else { c.done() })?;
    }
    let name = subject("CA With Private Critical Extension")?;
    let builder =
        templates::intermediate(&name, &b.int.key, &b.root)?.extension(ext::unknown(PRIVATE_EXTENSION, true, &value));
    let (ca, int) =
        g.issue_ca("critical-extensions/int-unknown-critical.pem", &name, b.int.key.clone(), builder, &b.root)?;
    let leaf = g.cert(
        "critical-extensions/int-unknown-critical-leaf.pem",
        &ca.sign(&b.leaf_under(&ca, "Leaf", "leaf.example.com")?)?,
    )?;
    g.add(
        b.case_with(
            "critical-extensions/int-unknown-critical",
            "Intermediate with an unknown critical extension",
            &[&int],
        )
        .leaf(&leaf)
        .reject("unknown_critical_extension", Some(1))
        .done(),
    )?;
    Ok(())
}
