//! RFC 5280 §7.1 name matching in path building: an issuer name that differs from its
//! issuer's subject only in case, insignificant spaces or string type (PrintableString /
//! UTF8String / BMPString / TeletexString) chains; one that differs in a letter does not.

use der::Tag;
use trustpath_testgen::Result;
use trustpath_testgen::name::NameBuilder;
use trustpath_testgen::templates::Issuer;

use super::Base;
use crate::context::Gen;

/// The base intermediate's subject is C=US (PrintableString), O=Trustpath Test,
/// CN=Trustpath Test Intermediate CA (UTF8String). Each row re-encodes it as a leaf's issuer.
fn issuer_names() -> [(&'static str, &'static str, NameBuilder, bool); 6] {
    use const_oid::db::rfc4519::{C, CN, O};
    let base = |o: (Tag, &str), cn: (Tag, &str)| NameBuilder::new().c("US").attr(O, o.0, o.1).attr(CN, cn.0, cn.1);
    let u = Tag::Utf8String;
    [
        ("case", "in another case", base((u, "TRUSTPATH test"), (u, "trustpath TEST intermediate ca")), true),
        (
            "spaces",
            "with leading, trailing and repeated spaces",
            base((u, " Trustpath  Test"), (u, "Trustpath   Test Intermediate CA  ")),
            true,
        ),
        (
            "printable",
            "as PrintableString",
            base((Tag::PrintableString, "Trustpath Test"), (Tag::PrintableString, "Trustpath Test Intermediate CA")),
            true,
        ),
        (
            "bmp",
            "as BMPString",
            base((Tag::BmpString, "Trustpath Test"), (Tag::BmpString, "Trustpath Test Intermediate CA")),
            true,
        ),
        (
            "country-utf8",
            "with countryName as UTF8String in lower case",
            NameBuilder::new().attr(C, u, "us").attr(O, u, "Trustpath Test").attr(
                CN,
                u,
                "Trustpath Test Intermediate CA",
            ),
            true,
        ),
        (
            "other-letter",
            "with one letter changed",
            base((u, "Trustpath Test"), (u, "Trustpath Test Intermediate CB")),
            false,
        ),
    ]
}

pub fn generate(g: &mut Gen, b: &Base) -> Result<()> {
    for (id, how, name, chains) in issuer_names() {
        // The same key as the base intermediate: only the issuer field's encoding differs.
        let issuer = Issuer::new(name.build()?, b.int.key.clone(), b.int.der.clone());
        let leaf = g.cert(
            &format!("names/issuer-{id}.pem"),
            &issuer.sign(&b.leaf_under(&issuer, "Leaf", "leaf.example.com")?)?,
        )?;
        let description = format!("The leaf's issuer field names its issuer {how} (RFC 5280 §7.1)");
        let c = b.case(&format!("names/issuer-{id}"), &description).leaf(&leaf);
        g.add(if chains { c.done() } else { c.reject("unknown_issuer", Some(0)).done() })?;
    }
    // The anchor matched by an equivalent name: the intermediate's issuer field names the root
    // in upper case.
    use const_oid::db::rfc4519::{CN, O};
    let root_name = NameBuilder::new().c("US").attr(O, Tag::Utf8String, "TRUSTPATH TEST").attr(
        CN,
        Tag::Utf8String,
        "TRUSTPATH TEST ROOT CA",
    );
    let root = Issuer::new(root_name.build()?, b.root.key.clone(), b.root.der.clone());
    let int_name = crate::context::subject("Name Matching Intermediate CA")?;
    let builder = trustpath_testgen::templates::intermediate(&int_name, &b.int.key, &root)?;
    let (int, int_file) =
        g.issue_ca("names/intermediate-root-upper-case.pem", &int_name, b.int.key.clone(), builder, &root)?;
    let leaf =
        g.cert("names/leaf-under-upper-case.pem", &int.sign(&b.leaf_under(&int, "Leaf", "leaf.example.com")?)?)?;
    g.add(
        b.case_with(
            "names/anchor-by-equivalent-name",
            "The intermediate names the anchor in upper case: the anchor is found by RFC 5280 §7.1 matching",
            &[&int_file],
        )
        .leaf(&leaf)
        .done(),
    )?;
    Ok(())
}
