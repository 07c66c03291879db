//! The originator fields of a message (RFC 5322 §3.6.2) and the address a signer is bound to.
//!
//! RFC 5322 §3.6 allows one From field and at most one Sender field. Parsers differ on which
//! of two From fields counts (mail-parser keeps the last; mail clients commonly show the
//! first), so a message with `From: alice` then `From: dave`, signed by dave, would verify as
//! from dave and display as from alice: repeated fields are refused. A Sender naming someone
//! other than the From addresses is the same mismatch in a legal form (the client shows the
//! author, the signer is the sender), refused unless the verifier allows it.

use mail_parser::{HeaderName, Message};

use super::{DirectAddress, DirectError};

/// The From and Sender addresses of a message, as its header gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Originator {
    from: Vec<String>,
    sender: Option<String>,
}

impl Originator {
    /// Reads the originator fields of `message`'s own header (`part` names it in errors): at
    /// most one From and one Sender field, a Sender of one mailbox that is one of the From
    /// addresses unless `allow_distinct_sender`.
    pub(crate) fn read(
        message: &Message<'_>,
        part: &'static str,
        allow_distinct_sender: bool,
    ) -> Result<Originator, DirectError> {
        for (name, field) in [(HeaderName::From, "From"), (HeaderName::Sender, "Sender")] {
            let count = message.header_values(name).count();
            if count > 1 {
                return Err(DirectError::DuplicateHeader { part, field, count });
            }
        }
        let addresses = |a: &mail_parser::Address<'_>| -> Vec<String> {
            a.iter().filter_map(|a| a.address()).map(String::from).collect()
        };
        let from = message.from().map(addresses).unwrap_or_default();
        let sender = match message.sender().map(addresses).unwrap_or_default().as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            _ => {
                return Err(DirectError::Mime(format!(
                    "{part}: the Sender field must name one mailbox (RFC 5322 §3.6.2)"
                )));
            }
        };
        let originator = Originator { from, sender };
        if let Some(sender) = &originator.sender
            && !originator.from.is_empty()
            && !originator.lists(sender)
            && !allow_distinct_sender
        {
            return Err(DirectError::SenderNotFrom { from: originator.from.clone(), sender: sender.clone() });
        }
        Ok(originator)
    }

    fn lists(&self, address: &str) -> bool {
        self.from.iter().any(|f| f.eq_ignore_ascii_case(address))
    }

    /// The addresses of the From field (the authors; usually one).
    pub fn from_addresses(&self) -> &[String] {
        &self.from
    }

    /// The address of the Sender field (who transmitted the message), if there is one.
    pub fn sender(&self) -> Option<&str> {
        self.sender.as_deref()
    }

    /// The address the signer must be bound to: the single From address, or the Sender when
    /// From lists several (RFC 5322 §3.6.2 then requires one) or when a Sender other than the
    /// author was allowed; `None` without a From field.
    pub(crate) fn signer_address(&self) -> Result<Option<DirectAddress>, DirectError> {
        match (self.from.as_slice(), &self.sender) {
            ([], _) => Ok(None),
            ([one], None) => DirectAddress::parse(one).map(Some),
            ([one], Some(sender)) if self.lists(sender) => DirectAddress::parse(one).map(Some),
            (_, Some(sender)) => DirectAddress::parse(sender).map(Some),
            (_, None) => Err(DirectError::MissingSender(
                "From lists several addresses and there is no Sender header: give the expected sender".into(),
            )),
        }
    }
}
