//! Profiles, sso-sessions and other sections, merged from any number of files.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::parse::{self, RawSection, WHITESPACE};
use crate::{Diagnostic, Error};

/// Which of the two shared files a text comes from; their section rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`.
    Config,
    /// `~/.aws/credentials`: bare `[NAME]` sections only.
    Credentials,
}

/// Where a value was written: a file (if it has a path) and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    path: Option<Arc<Path>>,
    line: usize,
}

impl Location {
    /// The file, or `None` for text parsed without a path.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}:{}", path.display(), self.line),
            None => write!(f, "line {}", self.line),
        }
    }
}

/// One `key = value` of a section, with where it was written.
///
/// `Debug` redacts the values of keys that may hold secrets (`aws_secret_access_key`,
/// `aws_session_token`, `credential_process`, any key naming a secret or a token).
#[derive(Clone, PartialEq, Eq)]
pub struct Property {
    key: String,
    value: String,
    location: Location,
    sub_properties: BTreeMap<String, (String, Location)>,
}

impl Property {
    /// The key, lower-cased.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value, trimmed; continuation lines are joined with `\n`.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where the property was written.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The value of sub-property `key` (`sts =` followed by indented `endpoint_url = ...`).
    /// Sub-property keys are lower-cased.
    pub fn sub_property(&self, key: &str) -> Option<&str> {
        self.sub_properties.get(key).map(|(v, _)| v.as_str())
    }

    /// Every sub-property as `(key, value, location)`, sorted by key.
    pub fn sub_properties(&self) -> impl Iterator<Item = (&str, &str, &Location)> {
        self.sub_properties.iter().map(|(k, (v, l))| (k.as_str(), v.as_str(), l))
    }

    pub(crate) fn sub_property_location(&self, key: &str) -> Option<&Location> {
        self.sub_properties.get(key).map(|(_, l)| l)
    }
}

/// Whether the value of `key` must never be printed.
pub(crate) fn is_sensitive(key: &str) -> bool {
    key == "credential_process"
        || key.contains("secret")
        || (key.contains("token") && !key.ends_with("_file"))
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Property");
        s.field("key", &self.key);
        if is_sensitive(&self.key) {
            s.field("value", &"** redacted **");
        } else {
            s.field("value", &self.value).field("sub_properties", &self.sub_properties);
        }
        s.field("location", &self.location).finish()
    }
}

/// A profile, an sso-session or another section, after all files were merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    name: String,
    location: Location,
    properties: BTreeMap<String, Property>,
}

impl Section {
    /// The section's name (`dev` for `[profile dev]`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the section was first declared.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The value of `key` (lower-case), if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties.get(key).map(|p| p.value.as_str())
    }

    /// The property `key` (lower-case) with where it was written.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.get(key)
    }

    /// Every property, sorted by key.
    pub fn properties(&self) -> impl Iterator<Item = &Property> {
        self.properties.values()
    }

    /// Whether the section has no properties.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }
}

/// The profiles, sso-sessions and other sections of the shared files, merged.
///
/// Files are merged in the order they are added, later files winning key by key; the
/// [`Settings`](crate::Settings) loader adds the config file first and the credentials file
/// second, so the credentials file wins. Problems that are not errors (a section with an
/// invalid name, a `[default]` hidden by `[profile default]`) are kept as
/// [`warnings`](Self::warnings).
///
/// ```
/// use signet_config_loader::{FileKind, ProfileSet};
///
/// let mut set = ProfileSet::new();
/// set.add_file(FileKind::Config, None, "[profile dev]\nregion = eu-west-1\n[services s]\nsts =\n  endpoint_url = http://localhost:4566\n")?;
/// set.add_file(FileKind::Credentials, None, "[dev]\naws_access_key_id = AKID\n")?;
/// let dev = set.profile("dev").unwrap();
/// assert_eq!(dev.get("region"), Some("eu-west-1"));
/// assert_eq!(dev.get("aws_access_key_id"), Some("AKID"));
/// let sts = set.section("services", "s").unwrap().property("sts").unwrap();
/// assert_eq!(sts.sub_property("endpoint_url"), Some("http://localhost:4566"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Section>,
    sso_sessions: BTreeMap<String, Section>,
    other: BTreeMap<(String, String), Section>,
    warnings: Vec<Diagnostic>,
}

const DEFAULT: &str = "default";
const PROFILE: &str = "profile";
const SSO_SESSION: &str = "sso-session";

enum Target {
    Profile(String),
    SsoSession(String),
    Other(String, String),
}

impl ProfileSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `text` as a file of `kind` and merges it in; its values win over what is already
    /// in the set. `path` names the file in errors, warnings and value sources. On a syntax
    /// error nothing is merged.
    pub fn add_file(
        &mut self,
        kind: FileKind,
        path: Option<&Path>,
        text: &str,
    ) -> Result<(), Error> {
        let sections = parse::parse(text, path)?;
        let path: Option<Arc<Path>> = path.map(Arc::from);
        let at = |line| Location { path: path.clone(), line };
        let prefixed_default = kind == FileKind::Config
            && sections.iter().any(|s| split_header(&s.header) == (Some(PROFILE), DEFAULT));
        for section in sections {
            let location = at(section.line);
            let Some(target) = self.classify(kind, &section, prefixed_default, &location) else {
                continue;
            };
            let new = |name: String| Section {
                name,
                location: location.clone(),
                properties: BTreeMap::new(),
            };
            let merged = match target {
                Target::Profile(name) => {
                    self.profiles.entry(name.clone()).or_insert_with(|| new(name))
                }
                Target::SsoSession(name) => {
                    self.sso_sessions.entry(name.clone()).or_insert_with(|| new(name))
                }
                Target::Other(prefix, name) => {
                    self.other.entry((prefix, name.clone())).or_insert_with(|| new(name))
                }
            };
            for raw in section.properties {
                if !is_identifier(&raw.key) {
                    self.warnings.push(Diagnostic::warning(
                        Some(at(raw.line)),
                        format!(
                            "key `{}` in [{}] ignored: keys may only contain letters, digits and _-/.%@:+",
                            raw.key, section.header
                        ),
                    ));
                    continue;
                }
                let sub_properties =
                    raw.sub_properties.into_iter().map(|(k, v, line)| (k, (v, at(line)))).collect();
                merged.properties.insert(
                    raw.key.clone(),
                    Property {
                        key: raw.key,
                        value: raw.value,
                        location: at(raw.line),
                        sub_properties,
                    },
                );
            }
        }
        Ok(())
    }

    fn classify(
        &mut self,
        kind: FileKind,
        section: &RawSection,
        prefixed_default: bool,
        location: &Location,
    ) -> Option<Target> {
        let header = &section.header;
        let (prefix, name) = split_header(header);
        let why = match (kind, prefix) {
            (_, _) if !is_identifier(name) => format!(
                "section [{header}] ignored: `{name}` is not a valid name (letters, digits and _-/.%@:+ only)"
            ),
            (FileKind::Config, None) if name == DEFAULT => {
                if prefixed_default {
                    "section [default] ignored: [profile default] in the same file takes priority"
                        .to_owned()
                } else {
                    return Some(Target::Profile(name.to_owned()));
                }
            }
            (FileKind::Config, None) => format!(
                "section [{header}] ignored: profiles in the config file need the `profile` prefix, as in [profile {name}]"
            ),
            (FileKind::Config, Some(PROFILE)) => return Some(Target::Profile(name.to_owned())),
            (FileKind::Config, Some(SSO_SESSION)) => {
                return Some(Target::SsoSession(name.to_owned()));
            }
            (FileKind::Config, Some(other)) => {
                if other != "services" {
                    self.warnings.push(Diagnostic::warning(
                        Some(location.clone()),
                        format!(
                            "section [{header}] has an unknown type `{other}`; nothing reads it"
                        ),
                    ));
                }
                return Some(Target::Other(other.to_owned(), name.to_owned()));
            }
            (FileKind::Credentials, None) => return Some(Target::Profile(name.to_owned())),
            (FileKind::Credentials, Some(_)) => format!(
                "section [{header}] ignored: the credentials file holds only bare [NAME] profiles"
            ),
        };
        self.warnings.push(Diagnostic::warning(Some(location.clone()), why));
        None
    }

    /// The profile `name`, if any file declared it.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// Every profile, sorted by name.
    pub fn profiles(&self) -> impl Iterator<Item = &Section> {
        self.profiles.values()
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// Every sso-session, sorted by name.
    pub fn sso_sessions(&self) -> impl Iterator<Item = &Section> {
        self.sso_sessions.values()
    }

    /// Another `[prefix name]` section of the config file, such as `[services name]`.
    pub fn section(&self, prefix: &str, name: &str) -> Option<&Section> {
        self.other.get(&(prefix.to_owned(), name.to_owned()))
    }

    /// Every other section as `(prefix, section)`, sorted.
    pub fn sections(&self) -> impl Iterator<Item = (&str, &Section)> {
        self.other.iter().map(|((prefix, _), s)| (prefix.as_str(), s))
    }

    /// What was ignored while parsing, and why, with file and line.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// Splits the text between brackets into an optional prefix and a name at the first blank.
fn split_header(header: &str) -> (Option<&str>, &str) {
    match header.split_once(WHITESPACE) {
        Some((prefix, name)) => (Some(prefix), name.trim_matches(WHITESPACE)),
        None => (None, header),
    }
}

/// Names and keys match `[A-Za-z0-9_\-/.%@:+]+`.
pub(crate) fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}
