//! `trustpath pki bundle`: the community's trust anchor, as relying parties load it.

use std::path::Path;

use trustpath::issue::bundle;

use super::community::Community;
use super::files::{all_or_nothing, must_not_exist};
use super::{Options, Spec};
use crate::args::Args;
use crate::{CliError, Outcome, print};

const HELP: &str = "\
Write the community's trust anchor (its root certificate) for relying parties: as PKCS#7
certs-only SignedData (DER), as DirectTrust distributes its bundles, when FILE ends in .p7b
or .p7c; as PEM when it ends in .pem or .crt.

Usage: trustpath pki bundle --dir DIR --out FILE

Options:
  --dir DIR               The community's directory
  --out FILE              The file to write (not overwritten)
  -h, --help              Print this help

Exit status: 0 written, 2 bad usage, an existing FILE or a DIR that is not a community.
";

const SPEC: Spec = Spec { valued: &["dir", "out"], repeatable: &[], flags: &[] };

/// Runs `trustpath pki bundle`.
pub fn run(mut args: Args) -> Result<Outcome, CliError> {
    let Some(options) = Options::parse(&mut args, &SPEC)? else { return print(HELP).map(|()| Outcome::Success) };
    let dir = options.required(&args, "dir")?;
    let out = Path::new(options.required(&args, "out")?);
    let extension = out.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let pkcs7 = match extension.as_str() {
        "p7b" | "p7c" => true,
        "pem" | "crt" => false,
        _ => return Err(args.error(format!("--out {}: name it .p7b (PKCS#7) or .pem", out.display()))),
    };
    let community = Community::load(dir)?;
    must_not_exist(out)?;
    let anchors = [community.root.certificate().der().to_vec()];
    let bytes = if pkcs7 {
        bundle::pkcs7_certs_only(&anchors)
    } else {
        bundle::pem_certificates(&anchors).map_err(|e| CliError::Input(e.to_string()))?.into_bytes()
    };
    all_or_nothing(|w| w.create(out, &bytes, false))?;
    print(&format!(
        "wrote the anchor of '{}' ({}) to {} as {}\n",
        community.state.name,
        community.root.certificate().subject_string(),
        out.display(),
        if pkcs7 { "PKCS#7" } else { "PEM" }
    ))?;
    Ok(Outcome::Success)
}
