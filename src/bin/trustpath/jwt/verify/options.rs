//! The command line of `trustpath jwt verify`: profiles, their settings, parsing.

use trustpath::trust::DEFAULT_COMMUNITY;
use trustpath::udap::GrantType;
use trustpath::{Policy, UnixTime};

use crate::args::{Arg, Args};
use crate::checks::CheckOptions;
use crate::input::parse_time;
use crate::{CliError, is_help};

/// What is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Profile {
    ClientAssertion,
    SoftwareStatement,
    SignedMetadata,
    Jws,
}

impl Profile {
    pub(super) const NAMES: &'static str =
        "udap-client-assertion, udap-software-statement, udap-signed-metadata or jws";

    pub(super) fn from_name(name: &str) -> Option<Profile> {
        Some(match name {
            "udap-client-assertion" => Profile::ClientAssertion,
            "udap-software-statement" => Profile::SoftwareStatement,
            "udap-signed-metadata" => Profile::SignedMetadata,
            "jws" => Profile::Jws,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Profile::ClientAssertion => "udap-client-assertion",
            Profile::SoftwareStatement => "udap-software-statement",
            Profile::SignedMetadata => "udap-signed-metadata",
            Profile::Jws => "jws",
        }
    }

    /// The name of the certificate policy preset (`chain verify --profile`), for hints.
    pub(super) fn policy_name(self) -> &'static str {
        if self == Profile::Jws { "rfc5280" } else { "udap" }
    }

    /// The certificate policy preset: udap (revocation hard-fail), or rfc5280 for jws.
    pub(super) fn policy(self) -> Policy {
        if self == Profile::Jws { Policy::rfc5280() } else { Policy::udap() }
    }

    /// Which options of the command line apply.
    pub(super) fn accepts(self, option: &str) -> bool {
        match option {
            "aud" => matches!(self, Profile::ClientAssertion | Profile::SoftwareStatement),
            "client-id" | "client-uri" | "client-community" | "grant" => self == Profile::ClientAssertion,
            "base-url" | "metadata" => self == Profile::SignedMetadata,
            _ => true,
        }
    }
}

/// The settings of `udap-client-assertion`: what the server registered for the client.
#[derive(Debug)]
pub(super) struct AssertionSettings {
    /// `--aud`.
    pub(super) token_url: String,
    /// `--client-id`; the token's `iss` when not given.
    pub(super) client_id: Option<String>,
    pub(super) client_uri: String,
    /// `--client-community`, or its default.
    pub(super) community: String,
    pub(super) grant: GrantType,
}

/// What the tokens are verified as, with the settings of that profile.
#[derive(Debug)]
pub(super) enum Target {
    ClientAssertion(AssertionSettings),
    SoftwareStatement {
        /// `--aud`.
        registration_url: String,
    },
    SignedMetadata {
        base_url: String,
        /// The `--metadata` file.
        metadata: Option<String>,
    },
    Jws,
}

impl Target {
    pub(super) fn profile(&self) -> Profile {
        match self {
            Target::ClientAssertion(_) => Profile::ClientAssertion,
            Target::SoftwareStatement { .. } => Profile::SoftwareStatement,
            Target::SignedMetadata { .. } => Profile::SignedMetadata,
            Target::Jws => Profile::Jws,
        }
    }
}

/// The parsed command line.
#[derive(Debug)]
pub(super) struct Options {
    pub(super) target: Target,
    pub(super) anchors: Vec<String>,
    pub(super) communities: Vec<(String, String)>,
    pub(super) intermediates: Vec<String>,
    pub(super) time: Option<UnixTime>,
    /// The profile's policy with the revocation and certificate-policy options applied.
    pub(super) policy: Policy,
    pub(super) checks: CheckOptions,
    pub(super) json: bool,
    pub(super) tokens: Vec<String>,
}

/// Parses the command line; `None` when help was asked for.
pub(super) fn parse(args: &mut Args) -> Result<Option<Options>, CliError> {
    let (mut anchors, mut communities, mut intermediates, mut tokens) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut profile, mut time, mut grant) = (None, None, None);
    let (mut aud, mut client_id, mut client_uri, mut client_community) = (None, None, None, None);
    let (mut base_url, mut metadata) = (None, None);
    let mut given: Vec<&'static str> = Vec::new();
    let mut json = false;
    let mut checks = CheckOptions::default();
    while let Some(arg) = args.next()? {
        let name = match arg {
            _ if is_help(&arg) => return Ok(None),
            Arg::Positional(path) => {
                if path == "-" && tokens.iter().any(|t| t == "-") {
                    return Err(args.error("standard input ('-') may be read only once"));
                }
                tokens.push(path);
                continue;
            }
            Arg::Long(name) => name,
            Arg::Short(_) => return Err(args.unexpected(&arg)),
        };
        let (slot, option): (&mut Option<String>, &'static str) = match name.as_str() {
            "anchors" => {
                anchors.push(args.value(&name)?);
                continue;
            }
            "community" => {
                let value = args.value(&name)?;
                match value.split_once('=') {
                    Some((community, file)) if !community.is_empty() && !file.is_empty() => {
                        communities.push((community.to_string(), file.to_string()));
                    }
                    _ => return Err(args.error(format!("--community expects NAME=FILE, not '{value}'"))),
                }
                continue;
            }
            "intermediates" => {
                intermediates.push(args.value(&name)?);
                continue;
            }
            "profile" => {
                let value = args.value(&name)?;
                let p = Profile::from_name(&value)
                    .ok_or_else(|| args.error(format!("unknown profile '{value}' (expected {})", Profile::NAMES)))?;
                args.once(&mut profile, &name, p)?;
                continue;
            }
            "time" => {
                let value = parse_time(&args.value(&name)?).map_err(|e| args.error(e))?;
                args.once(&mut time, &name, value)?;
                continue;
            }
            "grant" => {
                let value = args.value(&name)?;
                let g = GrantType::from_name(&value).ok_or_else(|| {
                    args.error(format!("--grant expects client_credentials or authorization_code, not '{value}'"))
                })?;
                args.once(&mut grant, &name, g)?;
                given.push("grant");
                continue;
            }
            "json" => {
                json = true;
                continue;
            }
            "aud" => (&mut aud, "aud"),
            "client-id" => (&mut client_id, "client-id"),
            "client-uri" => (&mut client_uri, "client-uri"),
            "client-community" => (&mut client_community, "client-community"),
            "base-url" => (&mut base_url, "base-url"),
            "metadata" => (&mut metadata, "metadata"),
            _ if checks.parse_option(&name, args)? => continue,
            _ => return Err(args.unexpected(&Arg::Long(name))),
        };
        let value = args.value(option)?;
        args.once(slot, option, value)?;
        given.push(option);
    }
    let profile = profile.ok_or_else(|| args.error(format!("missing --profile ({})", Profile::NAMES)))?;
    if let Some(option) = given.iter().find(|o| !profile.accepts(o)) {
        return Err(args.error(format!("option --{option} does not apply to --profile {}", profile.name())));
    }
    let missing = |what: &str| args.error(format!("--profile {} needs {what}", profile.name()));
    let target = match profile {
        Profile::ClientAssertion => Target::ClientAssertion(AssertionSettings {
            token_url: aud.ok_or_else(|| missing("--aud URL (the token endpoint URL)"))?,
            client_uri: client_uri
                .ok_or_else(|| missing("--client-uri URI (the client URI recorded at registration)"))?,
            client_id,
            community: client_community.unwrap_or_else(|| only_community(&anchors, &communities)),
            grant: grant.unwrap_or(GrantType::ClientCredentials),
        }),
        Profile::SoftwareStatement => Target::SoftwareStatement {
            registration_url: aud.ok_or_else(|| missing("--aud URL (the registration endpoint URL)"))?,
        },
        Profile::SignedMetadata => Target::SignedMetadata {
            base_url: base_url.ok_or_else(|| missing("--base-url URL (the FHIR server's base URL)"))?,
            metadata,
        },
        Profile::Jws => Target::Jws,
    };
    if tokens.is_empty() {
        return Err(args.error("missing TOKEN_FILE (a file holding the token to verify)"));
    }
    if anchors.is_empty() && communities.is_empty() {
        return Err(args.error("no trust anchors: give --anchors FILE or --community NAME=FILE"));
    }
    let mut policy = profile.policy();
    checks.apply(&mut policy);
    Ok(Some(Options { target, anchors, communities, intermediates, time, policy, checks, json, tokens }))
}

/// The community the trust sources name when they all name the same one (`default` for
/// `--anchors`), else `default`: the default of `--client-community`.
pub(super) fn only_community(anchors: &[String], communities: &[(String, String)]) -> String {
    let mut all = anchors.iter().map(|_| DEFAULT_COMMUNITY).chain(communities.iter().map(|(c, _)| c.as_str()));
    let first = all.next().unwrap_or(DEFAULT_COMMUNITY);
    if all.all(|c| c == first) { first.to_string() } else { DEFAULT_COMMUNITY.to_string() }
}
