//! The Implementation Guide for Expressing Context in Direct Messaging v1.1 (Direct Project,
//! 2018): a message header `X-Direct-Context: <content-id>` names a `text/plain` attachment
//! (`metadata.txt`, with that Content-ID) whose `name: value` lines say what the message is
//! about:
//!
//! ```text
//! version: 1.1                       (required: 1.0 or 1.1)
//! id: <2142848@direct.example.com>   (required: the transaction's unique identifier)
//! patient-id: 2.16.840.1.113883.19.999999:123456; 2.16.840.1.113883.19.888888:75774
//! type: general/query                (category/action)
//! purpose: treatment
//! patient: givenName=John; surname=Doe; dateOfBirth=1961-12-31
//! encapsulation: http                (the payload carries an HTTP message: message/http)
//! ```
//!
//! Values are checked against the guide's lists (categories, actions, purposes, patient
//! parameters, encapsulations); other fields (the ADT extension's `creation-time`,
//! `format-code`, ...) are kept as they are.

use core::fmt;

use super::DirectError;
use super::smime::VerifiedMessage;

fn invalid(what: impl Into<String>) -> DirectError {
    DirectError::Context(what.into())
}

/// Declares an enum of the guide's values with their spellings.
macro_rules! values {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in the guide's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The value as the metadata spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value spelled `text` (exactly; the guide's values are lowercase or camelCase).
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

values! {
    /// The category of a transaction type (`type: category/action`).
    Category {
        /// `laboratory`
        Laboratory = "laboratory",
        /// `radiology`
        Radiology = "radiology",
        /// `pharmacy`
        Pharmacy = "pharmacy",
        /// `referral`
        Referral = "referral",
        /// `general`
        General = "general",
        /// `error`
        Error = "error",
    }
}

values! {
    /// The action of a transaction type: the sender's role in the exchange (a query is
    /// answered by a response).
    Action {
        /// `order`
        Order = "order",
        /// `report`
        Report = "report",
        /// `result`
        Result = "result",
        /// `query`
        Query = "query",
        /// `response`
        Response = "response",
        /// `notification`
        Notification = "notification",
    }
}

values! {
    /// Why the information is exchanged (`purpose`).
    ContextPurpose {
        /// `treatment`
        Treatment = "treatment",
        /// `payment`
        Payment = "payment",
        /// `operations`
        Operations = "operations",
        /// `emergency`
        Emergency = "emergency",
        /// `research`
        Research = "research",
    }
}

values! {
    /// What the payload encapsulates (`encapsulation`).
    Encapsulation {
        /// An HTTP request or response (a `message/http` part), e.g. a FHIR REST interaction.
        Http = "http",
        /// An HL7 v2 message.
        Hl7v2 = "hl7v2",
    }
}

values! {
    /// A patient-matching parameter (`patient: name=value; ...`).
    PatientParameter {
        /// `givenName`
        GivenName = "givenName",
        /// `surname`
        Surname = "surname",
        /// `middleName`
        MiddleName = "middleName",
        /// `dateOfBirth`
        DateOfBirth = "dateOfBirth",
        /// `gender`
        Gender = "gender",
        /// `socialSecurityNumber`
        SocialSecurityNumber = "socialSecurityNumber",
        /// `telephoneNumber`
        TelephoneNumber = "telephoneNumber",
        /// `streetAddress`
        StreetAddress = "streetAddress",
        /// `localityName`
        LocalityName = "localityName",
        /// `stateOrProvinceName`
        StateOrProvinceName = "stateOrProvinceName",
        /// `postalCode`
        PostalCode = "postalCode",
        /// `country`
        Country = "country",
        /// `directAddress`
        DirectAddress = "directAddress",
    }
}

/// The metadata header that points at the context part.
pub const CONTEXT_HEADER: &str = "X-Direct-Context";

/// The file name of the context part.
pub const METADATA_FILENAME: &str = "metadata.txt";

/// A message's context (the content of `metadata.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectContext {
    version: String,
    id: String,
    patient_ids: Vec<(String, String)>,
    transaction: Option<(Category, Action)>,
    purpose: Option<ContextPurpose>,
    patient: Vec<(PatientParameter, String)>,
    encapsulation: Option<Encapsulation>,
    extensions: Vec<(String, String)>,
}

/// Whether `value` can be written on a metadata line (no line breaks or control characters,
/// not empty, not only spaces).
fn is_field_value(value: &str) -> bool {
    !value.trim().is_empty() && !value.chars().any(char::is_control)
}

impl DirectContext {
    /// A version 1.1 context with the transaction identifier `id` (e.g. `<uuid@domain>`).
    pub fn new(id: impl Into<String>) -> Result<Self, DirectError> {
        let id = id.into();
        if !is_field_value(&id) || id.contains(';') {
            return Err(invalid(format!("id {id:?} is not a unique identifier")));
        }
        Ok(DirectContext {
            version: "1.1".into(),
            id,
            patient_ids: Vec::new(),
            transaction: None,
            purpose: None,
            patient: Vec::new(),
            encapsulation: None,
            extensions: Vec::new(),
        })
    }

    /// Sets the transaction type.
    pub fn with_type(mut self, category: Category, action: Action) -> Self {
        self.transaction = Some((category, action));
        self
    }

    /// Sets the purpose.
    pub fn with_purpose(mut self, purpose: ContextPurpose) -> Self {
        self.purpose = Some(purpose);
        self
    }

    /// Sets the encapsulation.
    pub fn with_encapsulation(mut self, encapsulation: Encapsulation) -> Self {
        self.encapsulation = Some(encapsulation);
        self
    }

    /// Adds a patient identifier: the assigning authority (`pid-context`, e.g. an OID) and the
    /// local identifier.
    pub fn with_patient_id(mut self, pid_context: &str, local_id: &str) -> Result<Self, DirectError> {
        for part in [pid_context, local_id] {
            if !is_field_value(part) || part.contains([':', ';']) {
                return Err(invalid(format!("patient-id part {part:?}")));
            }
        }
        self.patient_ids.push((pid_context.trim().into(), local_id.trim().into()));
        Ok(self)
    }

    /// Adds a patient-matching parameter.
    pub fn with_patient(mut self, parameter: PatientParameter, value: &str) -> Result<Self, DirectError> {
        if !is_field_value(value) || value.contains(';') {
            return Err(invalid(format!("patient {parameter} value {value:?}")));
        }
        self.patient.push((parameter, value.trim().into()));
        Ok(self)
    }

    /// The version (`1.0` or `1.1`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The transaction identifier.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The patient identifiers: (pid-context, local identifier).
    pub fn patient_ids(&self) -> &[(String, String)] {
        &self.patient_ids
    }

    /// The transaction type: (category, action).
    pub fn transaction_type(&self) -> Option<(Category, Action)> {
        self.transaction
    }

    /// The purpose.
    pub fn purpose(&self) -> Option<ContextPurpose> {
        self.purpose
    }

    /// The patient-matching parameters, in order.
    pub fn patient(&self) -> &[(PatientParameter, String)] {
        &self.patient
    }

    /// The encapsulation.
    pub fn encapsulation(&self) -> Option<Encapsulation> {
        self.encapsulation
    }

    /// Fields this crate does not interpret (extensions), as given: (name, value).
    pub fn extensions(&self) -> &[(String, String)] {
        &self.extensions
    }

    /// The `metadata.txt` content, CRLF-ended lines.
    pub fn to_metadata(&self) -> String {
        let mut lines = vec![format!("version: {}", self.version), format!("id: {}", self.id)];
        if !self.patient_ids.is_empty() {
            let ids: Vec<String> = self.patient_ids.iter().map(|(c, l)| format!("{c}:{l}")).collect();
            lines.push(format!("patient-id: {}", ids.join("; ")));
        }
        if let Some((category, action)) = self.transaction {
            lines.push(format!("type: {category}/{action}"));
        }
        if let Some(purpose) = self.purpose {
            lines.push(format!("purpose: {purpose}"));
        }
        if !self.patient.is_empty() {
            let params: Vec<String> = self.patient.iter().map(|(p, v)| format!("{p}={v}")).collect();
            lines.push(format!("patient: {}", params.join("; ")));
        }
        if let Some(encapsulation) = self.encapsulation {
            lines.push(format!("encapsulation: {encapsulation}"));
        }
        for (name, value) in &self.extensions {
            lines.push(format!("{name}: {value}"));
        }
        lines.iter().map(|l| format!("{l}\r\n")).collect()
    }

    /// Reads `metadata.txt` content (its transfer encoding removed): `name: value` lines,
    /// continued by lines that start with white space; names are case-insensitive. `version`
    /// and `id` are required, each field may appear once, and values must be the guide's.
    pub fn parse(metadata: &[u8]) -> Result<Self, DirectError> {
        const MAX_LEN: usize = 64 << 10;
        if metadata.len() > MAX_LEN {
            return Err(DirectError::TooLarge { what: "context metadata", size: metadata.len(), limit: MAX_LEN });
        }
        let text = core::str::from_utf8(metadata).map_err(|_| invalid("metadata is not UTF-8"))?;
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            if line.starts_with([' ', '\t']) {
                let (_, value) = fields.last_mut().ok_or_else(|| invalid("metadata starts with a continuation"))?;
                value.push(' ');
                value.push_str(line.trim());
                continue;
            }
            let (name, value) = line.split_once(':').ok_or_else(|| invalid(format!("line {line:?} has no ':'")))?;
            let name = name.trim().to_ascii_lowercase();
            if name.is_empty() || fields.iter().any(|(n, _)| *n == name) {
                return Err(invalid(format!("field {name:?} is empty or repeated")));
            }
            fields.push((name, value.trim().to_string()));
        }
        let take = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let version = take("version").ok_or_else(|| invalid("version missing"))?;
        if version != "1.0" && version != "1.1" {
            return Err(invalid(format!("version {version:?} (1.0 and 1.1 are known)")));
        }
        let mut context = DirectContext::new(take("id").ok_or_else(|| invalid("id missing"))?)?;
        context.version = version;
        if let Some(ids) = take("patient-id") {
            for id in ids.split(';') {
                let (pid_context, local_id) =
                    id.split_once(':').ok_or_else(|| invalid(format!("patient-id {id:?} is not context:id")))?;
                context = context.with_patient_id(pid_context, local_id)?;
            }
        }
        if let Some(kind) = take("type") {
            let (category, action) = kind.split_once('/').ok_or_else(|| invalid(format!("type {kind:?}")))?;
            let category =
                Category::parse(category.trim()).ok_or_else(|| invalid(format!("type category {category:?}")))?;
            let action = Action::parse(action.trim()).ok_or_else(|| invalid(format!("type action {action:?}")))?;
            context.transaction = Some((category, action));
        }
        if let Some(purpose) = take("purpose") {
            context.purpose =
                Some(ContextPurpose::parse(&purpose).ok_or_else(|| invalid(format!("purpose {purpose:?}")))?);
        }
        if let Some(patient) = take("patient") {
            for param in patient.split(';').filter(|p| !p.trim().is_empty()) {
                let (name, value) = param.split_once('=').ok_or_else(|| invalid(format!("patient {param:?}")))?;
                let name = PatientParameter::parse(name.trim())
                    .ok_or_else(|| invalid(format!("patient parameter {:?}", name.trim())))?;
                context = context.with_patient(name, value)?;
            }
        }
        if let Some(encapsulation) = take("encapsulation") {
            context.encapsulation = Some(
                Encapsulation::parse(&encapsulation)
                    .ok_or_else(|| invalid(format!("encapsulation {encapsulation:?}")))?,
            );
        }
        const KNOWN: [&str; 7] = ["version", "id", "patient-id", "type", "purpose", "patient", "encapsulation"];
        context.extensions = fields.into_iter().filter(|(n, _)| !KNOWN.contains(&n.as_str())).collect();
        Ok(context)
    }

    /// The context of a verified message: the part its signed `X-Direct-Context` header names
    /// by Content-ID, parsed. `Ok(None)` when the message has no such header.
    pub fn from_message(message: &VerifiedMessage) -> Result<Option<Self>, DirectError> {
        let Some(header) = message.header(CONTEXT_HEADER) else { return Ok(None) };
        let content_id = header.trim().trim_start_matches('<').trim_end_matches('>');
        let mut parts = message.parts().iter().filter(|p| p.content_id() == Some(content_id));
        let part = parts.next().ok_or_else(|| invalid(format!("no part has the Content-ID <{content_id}>")))?;
        if parts.next().is_some() {
            return Err(invalid(format!("several parts have the Content-ID <{content_id}>")));
        }
        if part.content_type() != "text/plain" {
            return Err(invalid(format!("the context part is {}, not text/plain", part.content_type())));
        }
        DirectContext::parse(part.bytes()).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_guides_example_and_round_trips() {
        let metadata = b"version: 1.1\r\nid: <2142848@direct.example.com>\r\n\
patient-id: 2.16.840.1.113883.19.999999:123456;\r\n 2.16.840.1.113883.19.888888:75774\r\n\
type: radiology/report\r\npurpose: research\r\n\
patient: givenName=John; surname=Doe; dateOfBirth=1961-12-31; directAddress=john.doe@direct.john-doe.net\r\n\
creation-time: 20180101\r\n";
        let c = DirectContext::parse(metadata).unwrap();
        assert_eq!((c.version(), c.id()), ("1.1", "<2142848@direct.example.com>"));
        assert_eq!(c.patient_ids().len(), 2);
        assert_eq!(c.patient_ids()[1], ("2.16.840.1.113883.19.888888".into(), "75774".into()));
        assert_eq!(c.transaction_type(), Some((Category::Radiology, Action::Report)));
        assert_eq!(c.purpose(), Some(ContextPurpose::Research));
        assert_eq!(c.patient()[3], (PatientParameter::DirectAddress, "john.doe@direct.john-doe.net".into()));
        assert_eq!(c.extensions(), &[("creation-time".to_string(), "20180101".to_string())]);
        assert_eq!(DirectContext::parse(c.to_metadata().as_bytes()).unwrap(), c);
    }

    #[test]
    fn refuses_values_outside_the_guide() {
        let base = "version: 1.1\nid: <1@x.example>\n";
        for (extra, why) in [
            ("type: general\n", "type"),
            ("type: general/ask\n", "action"),
            ("type: misc/query\n", "category"),
            ("purpose: marketing\n", "purpose"),
            ("encapsulation: soap\n", "encapsulation"),
            ("patient: nickname=Jo\n", "patient parameter"),
            ("patient-id: 123456\n", "patient-id"),
            ("purpose: treatment\npurpose: payment\n", "repeated"),
        ] {
            let e = DirectContext::parse(format!("{base}{extra}").as_bytes()).unwrap_err();
            assert_eq!(e.kind(), "invalid_context");
            assert!(e.to_string().contains(why), "{extra}: {e}");
        }
        assert!(DirectContext::parse(b"id: <1@x.example>\n").is_err());
        assert!(DirectContext::parse(b"version: 2.0\nid: <1@x.example>\n").is_err());
        assert!(DirectContext::parse(b"version: 1.1\n").is_err());
        assert!(DirectContext::parse(b" continued\n").is_err());
        assert!(DirectContext::new("a\r\nb").is_err());
        assert!(DirectContext::new("<1@x>").unwrap().with_patient(PatientParameter::Surname, "a;b").is_err());
    }
}
