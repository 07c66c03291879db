//! A small command-line lexer shared by every subcommand: long options (`--name VALUE`,
//! `--name=VALUE`, `--flag`), one-letter flags (`-h`, `-V`), `--` to end options, and positional
//! arguments (`-` alone is positional, meaning standard input).

use crate::CliError;

/// One command-line item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A long option, without its leading dashes (`--time` gives `Long("time")`). Its value, if
    /// it takes one, is read with [`Args::value`].
    Long(String),
    /// A one-letter flag such as `-h` (flags never take values).
    Short(char),
    /// A positional argument.
    Positional(String),
}

/// The remaining arguments of one (sub)command.
#[derive(Debug)]
pub struct Args {
    items: std::vec::IntoIter<String>,
    /// The `VALUE` of a `--name=VALUE` item, until [`Args::value`] takes it.
    inline_value: Option<(String, String)>,
    positional_only: bool,
    /// The command these arguments belong to, for "see ... --help" messages.
    command: &'static str,
}

impl Args {
    /// Arguments of `command` (e.g. `"trustpath chain verify"`).
    pub fn new(items: Vec<String>, command: &'static str) -> Self {
        Args { items: items.into_iter(), inline_value: None, positional_only: false, command }
    }

    /// The same remaining arguments, now belonging to the subcommand `command`.
    pub fn subcommand(self, command: &'static str) -> Self {
        Args { command, ..self }
    }

    /// A usage error for this command.
    pub fn error(&self, message: impl Into<String>) -> CliError {
        CliError::Usage { message: message.into(), command: self.command }
    }

    /// Stores the value of an option that may be given once; a second use is an error.
    pub fn once<T>(&self, slot: &mut Option<T>, name: &str, value: T) -> Result<(), CliError> {
        if slot.is_some() {
            return Err(self.error(format!("option --{name} given more than once")));
        }
        *slot = Some(value);
        Ok(())
    }

    /// The next item, or `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Arg>, CliError> {
        if let Some((name, _)) = self.inline_value.take() {
            return Err(self.error(format!("option --{name} does not take a value")));
        }
        let Some(item) = self.items.next() else { return Ok(None) };
        if self.positional_only || item == "-" || !item.starts_with('-') {
            return Ok(Some(Arg::Positional(item)));
        }
        if item == "--" {
            self.positional_only = true;
            return self.next();
        }
        if let Some(long) = item.strip_prefix("--") {
            return Ok(Some(match long.split_once('=') {
                Some((name, value)) => {
                    self.inline_value = Some((name.to_string(), value.to_string()));
                    Arg::Long(name.to_string())
                }
                None => Arg::Long(long.to_string()),
            }));
        }
        let mut chars = item.chars().skip(1);
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(Some(Arg::Short(c))),
            _ => Err(self.error(format!("unknown option {item}"))),
        }
    }

    /// The value of the option `--name` just returned by [`Args::next`].
    pub fn value(&mut self, name: &str) -> Result<String, CliError> {
        if let Some((_, value)) = self.inline_value.take() {
            return Ok(value);
        }
        self.items.next().ok_or_else(|| self.error(format!("option --{name} needs a value")))
    }

    /// The error for an item the command does not accept.
    pub fn unexpected(&self, arg: &Arg) -> CliError {
        self.error(match arg {
            Arg::Long(name) => format!("unknown option --{name}"),
            Arg::Short(c) => format!("unknown option -{c}"),
            Arg::Positional(p) => format!("unexpected argument '{p}'"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(items: &[&str]) -> Args {
        Args::new(items.iter().map(|s| s.to_string()).collect(), "test")
    }

    #[test]
    fn lexes_options_values_and_positionals() {
        let mut a = args(&["--time", "T", "--json", "--eku=1.2", "-", "--", "--leaf"]);
        assert_eq!(a.next().ok().flatten(), Some(Arg::Long("time".into())));
        assert_eq!(a.value("time").ok(), Some("T".into()));
        assert_eq!(a.next().ok().flatten(), Some(Arg::Long("json".into())));
        assert_eq!(a.next().ok().flatten(), Some(Arg::Long("eku".into())));
        assert_eq!(a.value("eku").ok(), Some("1.2".into()));
        assert_eq!(a.next().ok().flatten(), Some(Arg::Positional("-".into())));
        assert_eq!(a.next().ok().flatten(), Some(Arg::Positional("--leaf".into())));
        assert_eq!(a.next().ok().flatten(), None);
    }

    #[test]
    fn rejects_value_on_flag_and_missing_value() {
        let mut a = args(&["--json=yes"]);
        assert_eq!(a.next().ok().flatten(), Some(Arg::Long("json".into())));
        assert!(a.next().is_err());
        let mut a = args(&["--time"]);
        assert!(a.next().is_ok());
        assert!(a.value("time").is_err());
        assert_eq!(args(&["-V"]).next().ok().flatten(), Some(Arg::Short('V')));
        assert!(args(&["-xy"]).next().is_err());
    }
}
