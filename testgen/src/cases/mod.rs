//! The validation cases, one module per rule family. Each module builds the certificates it
//! needs (on top of the shared base PKI), writes them, and adds its manifest entries.

mod algorithms;
mod base;
mod basic_constraints;
mod critical;
mod crl;
mod crl_scope;
mod crl_signers;
mod eku;
mod key_usage;
mod name_constraints;
mod names;
mod ocsp;
mod path_building;
mod policies;
mod profile;
mod revocation;
mod revocation_bad;
mod server_name;
mod trust_store;
mod validity;

pub use base::Base;

use crate::context::Gen;
use trustpath_testgen::Result;

/// Generates every case into `g`.
pub fn generate(g: &mut Gen) -> Result<Base> {
    let b = base::generate(g)?;
    validity::generate(g, &b)?;
    basic_constraints::generate(g, &b)?;
    key_usage::generate(g, &b)?;
    eku::generate(g, &b)?;
    name_constraints::generate(g, &b)?;
    critical::generate(g, &b)?;
    server_name::generate(g, &b)?;
    trust_store::generate(g, &b)?;
    path_building::generate(g, &b)?;
    algorithms::generate(g, &b)?;
    profile::generate(g, &b)?;
    names::generate(g, &b)?;
    let rev = revocation::generate(g)?;
    crl::generate(g, &rev)?;
    crl_signers::generate(g, &rev)?;
    crl_scope::generate(g, &rev)?;
    ocsp::generate(g, &rev)?;
    revocation_bad::generate(g, &rev)?;
    policies::generate(g)?;
    Ok(b)
}
