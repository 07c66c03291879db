//! Delivery notifications: the Message Disposition Notification (MDN, RFC 3798) a receiving
//! HISP returns once it has processed a message, as the Direct Implementation Guide for
//! Delivery Notification requires — itself a signed (and encrypted) Direct message whose body is
//!
//! ```text
//! Content-Type: multipart/report; report-type=disposition-notification; boundary=...
//!   text/plain                          (for people)
//!   message/disposition-notification    Reporting-UA: hospital.example.net; trustpath
//!                                       Final-Recipient: rfc822;fhir@hospital.example.net
//!                                       Original-Message-ID: <...>
//!                                       Disposition: automatic-action/MDN-sent-automatically;processed
//! ```
//!
//! [`DeliveryNotification::from_message`] reads one from a verified message and checks that
//! the signer is bound to the Final-Recipient: only the recipient's HISP may say it processed
//! a message sent to it.

use core::fmt;

use super::mime_write::boundary;
use super::smime::VerifiedMessage;
use super::{DirectAddress, DirectError};

fn invalid(what: impl Into<String>) -> DirectError {
    DirectError::Notification(what.into())
}

/// What happened to the message (RFC 3798 §3.2.6.2 disposition-type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DispositionType {
    /// `processed`: the receiving HISP accepted and processed it (what Direct requires).
    Processed,
    /// `dispatched`: delivered to the recipient's system (the Direct IG's timely-delivery
    /// confirmation).
    Dispatched,
    /// `displayed`
    Displayed,
    /// `deleted`
    Deleted,
    /// `denied`
    Denied,
    /// `failed`: it could not be processed (Direct: the sender must treat it as undelivered).
    Failed,
}

impl DispositionType {
    const ALL: [DispositionType; 6] = [
        DispositionType::Processed,
        DispositionType::Dispatched,
        DispositionType::Displayed,
        DispositionType::Deleted,
        DispositionType::Denied,
        DispositionType::Failed,
    ];

    /// `processed`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            DispositionType::Processed => "processed",
            DispositionType::Dispatched => "dispatched",
            DispositionType::Displayed => "displayed",
            DispositionType::Deleted => "deleted",
            DispositionType::Denied => "denied",
            DispositionType::Failed => "failed",
        }
    }
}

impl fmt::Display for DispositionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message disposition notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryNotification {
    reporting_ua: Option<String>,
    original_recipient: Option<String>,
    final_recipient: DirectAddress,
    original_message_id: String,
    automatic: bool,
    disposition: DispositionType,
    modifiers: Vec<String>,
}

/// A message ID in angle brackets, without line breaks.
fn message_id(id: &str) -> Result<String, DirectError> {
    let bare = id.trim().trim_start_matches('<').trim_end_matches('>');
    if bare.is_empty() || bare.chars().any(|c| c.is_control() || c.is_whitespace() || c == '<' || c == '>') {
        return Err(invalid(format!("message ID {id:?}")));
    }
    Ok(format!("<{bare}>"))
}

impl DeliveryNotification {
    /// The `processed` notification the receiving HISP of `final_recipient` returns for the
    /// message `original_message_id` (`automatic-action/MDN-sent-automatically;processed`).
    pub fn processed(final_recipient: DirectAddress, original_message_id: &str) -> Result<Self, DirectError> {
        Ok(DeliveryNotification {
            reporting_ua: Some(format!("{}; trustpath", final_recipient.domain())),
            original_recipient: None,
            original_message_id: message_id(original_message_id)?,
            final_recipient,
            automatic: true,
            disposition: DispositionType::Processed,
            modifiers: Vec::new(),
        })
    }

    /// The `processed` notification for a verified message received by `final_recipient`: its
    /// signed Message-ID is the one notified.
    pub fn processed_for(message: &VerifiedMessage, final_recipient: DirectAddress) -> Result<Self, DirectError> {
        let id = message.header("Message-ID").ok_or_else(|| invalid("the message has no signed Message-ID"))?;
        DeliveryNotification::processed(final_recipient, &id)
    }

    /// The Reporting-UA field, when present.
    pub fn reporting_ua(&self) -> Option<&str> {
        self.reporting_ua.as_deref()
    }

    /// The Original-Recipient address, when present.
    pub fn original_recipient(&self) -> Option<&str> {
        self.original_recipient.as_deref()
    }

    /// The Final-Recipient address: who processed the message.
    pub fn final_recipient(&self) -> &DirectAddress {
        &self.final_recipient
    }

    /// The Original-Message-ID, in angle brackets.
    pub fn original_message_id(&self) -> &str {
        &self.original_message_id
    }

    /// What happened to the message.
    pub fn disposition(&self) -> DispositionType {
        self.disposition
    }

    /// Whether the action was automatic (`automatic-action`) rather than a person's.
    pub fn is_automatic(&self) -> bool {
        self.automatic
    }

    /// The disposition modifiers (`error`, `X-DIRECT-...`), lowercase as given.
    pub fn modifiers(&self) -> &[String] {
        &self.modifiers
    }

    /// Whether this says the message `message_id` was processed (angle brackets optional).
    pub fn is_processed(&self, message_id: &str) -> bool {
        let wanted = message_id.trim().trim_start_matches('<').trim_end_matches('>');
        let ours = self.original_message_id.trim_start_matches('<').trim_end_matches('>');
        self.disposition == DispositionType::Processed && ours == wanted && self.modifiers.is_empty()
    }

    /// The `message/disposition-notification` fields, CRLF-ended.
    pub fn to_fields(&self) -> String {
        let mut out = String::new();
        if let Some(ua) = &self.reporting_ua {
            out.push_str(&format!("Reporting-UA: {ua}\r\n"));
        }
        if let Some(original) = &self.original_recipient {
            out.push_str(&format!("Original-Recipient: rfc822;{original}\r\n"));
        }
        out.push_str(&format!("Final-Recipient: rfc822;{}\r\n", self.final_recipient));
        out.push_str(&format!("Original-Message-ID: {}\r\n", self.original_message_id));
        let mode =
            if self.automatic { "automatic-action/MDN-sent-automatically" } else { "manual-action/MDN-sent-manually" };
        let modifiers =
            if self.modifiers.is_empty() { String::new() } else { format!("/{}", self.modifiers.join(",")) };
        out.push_str(&format!("Disposition: {mode};{}{modifiers}\r\n", self.disposition));
        out
    }

    /// The `multipart/report` entity of the notification message.
    pub(crate) fn report_entity(&self) -> String {
        let text = format!(
            "The message {} sent to {} was {}.\r\n",
            self.original_message_id, self.final_recipient, self.disposition
        );
        let fields = self.to_fields();
        let b = boundary("=_trustpath_report_", format!("{text}{fields}").as_bytes());
        format!(
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"{b}\"\r\n\r\n\
             --{b}\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{text}\
             --{b}\r\nContent-Type: message/disposition-notification\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\
             {fields}--{b}--\r\n"
        )
    }

    /// Reads `message/disposition-notification` fields (RFC 3798 §3.1): Final-Recipient
    /// (`rfc822;address`) and Disposition are required, Original-Message-ID is required here
    /// (without it the notification cannot be matched to a message); each field at most once.
    pub fn parse(fields: &[u8]) -> Result<Self, DirectError> {
        const MAX_LEN: usize = 64 << 10;
        if fields.len() > MAX_LEN {
            return Err(DirectError::TooLarge { what: "disposition notification", size: fields.len(), limit: MAX_LEN });
        }
        let text = core::str::from_utf8(fields).map_err(|_| invalid("not UTF-8"))?;
        let mut found: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            if line.starts_with([' ', '\t']) {
                let (_, value) = found.last_mut().ok_or_else(|| invalid("starts with a continuation"))?;
                value.push(' ');
                value.push_str(line.trim());
                continue;
            }
            let (name, value) = line.split_once(':').ok_or_else(|| invalid(format!("line {line:?} has no ':'")))?;
            let name = name.trim().to_ascii_lowercase();
            if found.iter().any(|(n, _)| *n == name) {
                return Err(invalid(format!("field {name} repeated")));
            }
            found.push((name, value.trim().to_string()));
        }
        let field = |name: &str| found.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let address = |name: &str, value: &str| -> Result<String, DirectError> {
            let (kind, address) = value.split_once(';').ok_or_else(|| invalid(format!("{name} {value:?}")))?;
            if !kind.trim().eq_ignore_ascii_case("rfc822") {
                return Err(invalid(format!("{name} of address type {:?}", kind.trim())));
            }
            Ok(address.trim().to_string())
        };
        let final_recipient =
            address("Final-Recipient", field("final-recipient").ok_or_else(|| invalid("Final-Recipient missing"))?)?;
        let final_recipient = DirectAddress::parse(&final_recipient)
            .map_err(|_| invalid(format!("Final-Recipient {final_recipient:?}")))?;
        let original_recipient = field("original-recipient").map(|v| address("Original-Recipient", v)).transpose()?;
        let original_message_id =
            message_id(field("original-message-id").ok_or_else(|| invalid("Original-Message-ID missing"))?)?;
        let disposition = field("disposition").ok_or_else(|| invalid("Disposition missing"))?;
        // disposition-mode ";" disposition-type [ "/" disposition-modifier *( "," ... ) ]
        let (mode, kind) =
            disposition.split_once(';').ok_or_else(|| invalid(format!("Disposition {disposition:?}")))?;
        let automatic = match mode.trim().to_ascii_lowercase().as_str() {
            "automatic-action/mdn-sent-automatically" => true,
            "manual-action/mdn-sent-manually" | "manual-action/mdn-sent-automatically" => false,
            other => return Err(invalid(format!("disposition mode {other:?}"))),
        };
        let (kind, modifiers) = match kind.split_once('/') {
            Some((kind, modifiers)) => {
                (kind, modifiers.split(',').map(|m| m.trim().to_ascii_lowercase()).filter(|m| !m.is_empty()).collect())
            }
            None => (kind, Vec::new()),
        };
        let kind = kind.trim().to_ascii_lowercase();
        let disposition = DispositionType::ALL
            .into_iter()
            .find(|d| d.as_str() == kind)
            .ok_or_else(|| invalid(format!("disposition type {kind:?}")))?;
        Ok(DeliveryNotification {
            reporting_ua: field("reporting-ua").map(str::to_string),
            original_recipient,
            final_recipient,
            original_message_id,
            automatic,
            disposition,
            modifiers,
        })
    }

    /// The notification a verified message carries: its one `message/disposition-notification`
    /// part, parsed, whose Final-Recipient must be the address the signer was bound to.
    pub fn from_message(message: &VerifiedMessage) -> Result<Self, DirectError> {
        let mut parts = message.parts().iter().filter(|p| p.content_type() == "message/disposition-notification");
        let part = parts.next().ok_or_else(|| invalid("the message carries no disposition notification"))?;
        if parts.next().is_some() {
            return Err(invalid("the message carries several disposition notifications"));
        }
        let notification = DeliveryNotification::parse(part.bytes())?;
        let sender = message.sender().ok_or_else(|| invalid("the notification's sender was not checked"))?;
        if !sender.as_str().eq_ignore_ascii_case(notification.final_recipient.as_str()) {
            return Err(invalid(format!(
                "signed by {sender}, but it reports on the message for {}",
                notification.final_recipient
            )));
        }
        Ok(notification)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_are_checked() {
        let addr: DirectAddress = "fhir@hospital.example.net".parse().unwrap();
        let n = DeliveryNotification::processed(addr.clone(), "abc@direct.example.org").unwrap();
        assert_eq!(n.original_message_id(), "<abc@direct.example.org>");
        let fields = n.to_fields();
        assert!(fields.contains("Disposition: automatic-action/MDN-sent-automatically;processed\r\n"), "{fields}");
        let parsed = DeliveryNotification::parse(fields.as_bytes()).unwrap();
        assert_eq!(parsed, n);
        assert!(parsed.is_processed("abc@direct.example.org") && parsed.is_processed("<abc@direct.example.org>"));
        assert!(!parsed.is_processed("<other@direct.example.org>"));
        let failed = "Final-Recipient: rfc822; fhir@hospital.example.net\r\nOriginal-Message-ID: <a@b>\r\n\
Disposition: automatic-action/MDN-sent-automatically; processed/error\r\n";
        let f = DeliveryNotification::parse(failed.as_bytes()).unwrap();
        assert_eq!((f.disposition(), f.modifiers()), (DispositionType::Processed, &["error".to_string()][..]));
        assert!(!f.is_processed("<a@b>"), "an error modifier is not a success");
        for bad in [
            "Original-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically;processed\r\n",
            "Final-Recipient: rfc822;x@y.example\r\nDisposition: automatic-action/MDN-sent-automatically;processed\r\n",
            "Final-Recipient: x400;x@y.example\r\nOriginal-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically;processed\r\n",
            "Final-Recipient: rfc822;x@y.example\r\nOriginal-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically;read\r\n",
            "Final-Recipient: rfc822;x@y.example\r\nOriginal-Message-ID: <a@b>\r\nDisposition: processed\r\n",
            "Final-Recipient: rfc822;x@y.example\r\nFinal-Recipient: rfc822;z@y.example\r\nOriginal-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically;processed\r\n",
        ] {
            let e = DeliveryNotification::parse(bad.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), "invalid_notification", "{bad}");
        }
        assert!(DeliveryNotification::processed(addr, "a b@c").is_err());
    }
}
