//! Validity at the caller's time (RFC 5280 §6.1.3 (a)(2)): expired and not-yet-valid leaf,
//! intermediate and anchor certificates, and the inclusive bounds.

use trustpath_testgen::templates;
use trustpath_testgen::time::{default_not_after, default_not_before, unix, validation_time};
use trustpath_testgen::{KeyKind, Result};

use super::Base;
use crate::context::{Gen, case, subject};

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    let (nb, na) = (default_not_before(), default_not_after());
    let t = validation_time();

    let leaf = g.cert(
        "validity/leaf-expired.pem",
        &b.int.sign(&b.leaf("Expired Leaf", "leaf.example.com")?.validity(nb, unix(2026, 1, 1, 0, 0, 0)))?,
    )?;
    g.add(
        b.case("validity/leaf-expired", "Leaf notAfter (2026-01-01) is before the validation time")
            .leaf(&leaf)
            .reject("expired", Some(0))
            .done(),
    )?;

    let leaf = g.cert(
        "validity/leaf-not-yet-valid.pem",
        &b.int.sign(&b.leaf("Future Leaf", "leaf.example.com")?.validity(unix(2027, 1, 1, 0, 0, 0), na))?,
    )?;
    g.add(
        b.case("validity/leaf-not-yet-valid", "Leaf notBefore (2027-01-01) is after the validation time")
            .leaf(&leaf)
            .reject("not_yet_valid", Some(0))
            .done(),
    )?;

    // Intermediates outside their validity period (same name and key as the base one).
    for (id, from, to, reason) in [
        ("intermediate-expired", unix(2024, 1, 1, 0, 0, 0), unix(2026, 1, 1, 0, 0, 0), "expired"),
        ("intermediate-not-yet-valid", unix(2027, 1, 1, 0, 0, 0), na, "not_yet_valid"),
    ] {
        let builder = templates::intermediate(&b.int.name, &b.int.key, &b.root)?.validity(from, to);
        let int = g.cert(&format!("validity/{id}.pem"), &b.root.sign(&builder)?)?;
        let leaf = g.cert(
            &format!("validity/{id}-leaf.pem"),
            &b.int.sign(&b.leaf("Leaf Of Bad Intermediate", "leaf.example.com")?)?,
        )?;
        g.add(
            b.case_with(
                &format!("validity/{id}"),
                &format!(
                    "The only intermediate is {}: the error names it (index 1), not the leaf's missing issuer",
                    reason.replace('_', " ")
                ),
                &[&int],
            )
            .leaf(&leaf)
            .reject(reason, Some(1))
            .done(),
        )?;
    }

    // Anchor certificates outside their validity period.
    let key = g.key("base-root", KeyKind::P256)?;
    for (id, from, to, reason) in [
        ("anchor-expired", unix(2020, 1, 1, 0, 0, 0), unix(2026, 1, 1, 0, 0, 0), "expired"),
        ("anchor-not-yet-valid", unix(2027, 1, 1, 0, 0, 0), na, "not_yet_valid"),
    ] {
        let root = templates::root(&b.root.name, &key)?.validity(from, to).sign(&key)?;
        let root = g.cert(&format!("validity/{id}.pem"), &root)?;
        g.add(
            case(
                &format!("validity/{id}"),
                &format!(
                    "The anchor's certificate is {}: it is checked like any CA certificate (index 2)",
                    reason.replace('_', " ")
                ),
            )
            .anchors(&[&root])
            .intermediates(&[&b.int_file])
            .leaf("base/leaf.pem")
            .reject(reason, Some(2))
            .done(),
        )?;
    }

    // Inclusive bounds: notAfter and notBefore equal to the validation time.
    let leaf = g.cert(
        "validity/not-after-boundary.pem",
        &b.int.sign(&b.leaf("Boundary Leaf", "leaf.example.com")?.validity(nb, t))?,
    )?;
    g.add(
        b.case("validity/not-after-inclusive", "Validation time equal to notAfter is inside the validity period")
            .leaf(&leaf)
            .done(),
    )?;
    g.add(
        b.case("validity/not-after-plus-one-second", "One second after notAfter is expired")
            .leaf(&leaf)
            .time(t + 1)
            .reject("expired", Some(0))
            .done(),
    )?;
    let leaf = g.cert(
        "validity/not-before-boundary.pem",
        &b.int.sign(&b.leaf("Boundary Leaf", "leaf.example.com")?.validity(t, na))?,
    )?;
    g.add(
        b.case("validity/not-before-inclusive", "Validation time equal to notBefore is inside the validity period")
            .leaf(&leaf)
            .done(),
    )?;
    g.add(
        b.case("validity/not-before-minus-one-second", "One second before notBefore is not yet valid")
            .leaf(&leaf)
            .time(t - 1)
            .reject("not_yet_valid", Some(0))
            .done(),
    )?;

    let leaf = g.cert(
        "validity/generalized-time.pem",
        &b.int.sign(&b.leaf("Long Leaf", "leaf.example.com")?.validity(nb, unix(2050, 6, 1, 0, 0, 0)))?,
    )?;
    g.add(
        b.case("validity/generalized-time", "notAfter in 2050 is encoded as GeneralizedTime and decoded correctly")
            .leaf(&leaf)
            .done(),
    )?;
    g.add(
        b.case("validity/generalized-time-after", "The same leaf after its 2050 notAfter is expired")
            .leaf(&leaf)
            .time(unix(2050, 6, 1, 0, 0, 1))
            .reject("expired", None)
            .done(),
    )?;
    let _ = subject;
    Ok(())
}
