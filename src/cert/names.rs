//! Human-readable forms of names, for error messages and reports.

use x509_cert::ext::pkix::name::GeneralName;

/// A GeneralName as `DNS:example.com`, `IP:192.0.2.1`, `email:a@b`, `URI:...`, `DirName:...`.
pub fn display_general_name(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(s) => format!("DNS:{}", s.as_str()),
        GeneralName::Rfc822Name(s) => format!("email:{}", s.as_str()),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{}", s.as_str()),
        GeneralName::IpAddress(o) => match super::ip_from_bytes(o.as_bytes()) {
            Some(ip) => format!("IP:{ip}"),
            None => format!("IP:<{} bytes>", o.as_bytes().len()),
        },
        GeneralName::DirectoryName(n) => format!("DirName:{n}"),
        GeneralName::OtherName(o) => format!("othername:{}", o.type_id),
        GeneralName::RegisteredId(oid) => format!("RID:{oid}"),
        GeneralName::EdiPartyName(_) => "ediPartyName".to_string(),
    }
}
