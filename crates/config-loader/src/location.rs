//! Where the shared files are, and which profile is selected.

use std::path::PathBuf;

use crate::{Env, Platform};

/// The two shared files' paths and the selected profile, as the environment says.
///
/// - Config: `AWS_CONFIG_FILE`, else `~/.aws/config`; credentials:
///   `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
/// - `~` expands (only at the start, before a separator) to the home directory: `HOME`, and
///   on Windows then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
/// - The profile is `AWS_PROFILE`, else `default`.
///
/// A path is `None` when it needs `~` and no home directory is known; such a file is treated
/// as missing.
///
/// ```
/// use signet_config_loader::{Env, FileLocations, Platform};
///
/// let env = Env::from_map([("HOME", "/home/me"), ("AWS_PROFILE", "dev")]);
/// let locations = FileLocations::resolve(&env, Platform::Unix);
/// assert_eq!(locations.config_file().unwrap().to_str(), Some("/home/me/.aws/config"));
/// assert_eq!(locations.profile(), "dev");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLocations {
    config: Option<PathBuf>,
    credentials: Option<PathBuf>,
    profile: String,
    profile_from_env: bool,
}

impl FileLocations {
    /// Resolves both paths and the profile from `env` with `platform`'s conventions.
    pub fn resolve(env: &Env, platform: Platform) -> Self {
        let home = home_dir(env, platform);
        let sep = platform.separator();
        let path = |var: &str, default: &str| {
            let raw = env.get_non_blank(var).unwrap_or_else(|| format!("~{sep}.aws{sep}{default}"));
            expand_home(&raw, home.as_deref(), platform).map(PathBuf::from)
        };
        let env_profile = env.get_non_blank("AWS_PROFILE");
        Self {
            config: path("AWS_CONFIG_FILE", "config"),
            credentials: path("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
            profile_from_env: env_profile.is_some(),
            profile: env_profile.unwrap_or_else(|| "default".to_owned()),
        }
    }

    /// The config file's path.
    pub fn config_file(&self) -> Option<&std::path::Path> {
        self.config.as_deref()
    }

    /// The credentials file's path.
    pub fn credentials_file(&self) -> Option<&std::path::Path> {
        self.credentials.as_deref()
    }

    /// The selected profile: `AWS_PROFILE`, else `default`.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    pub(crate) fn profile_from_env(&self) -> bool {
        self.profile_from_env
    }

    pub(crate) fn set_config(&mut self, path: PathBuf) {
        self.config = Some(path);
    }

    pub(crate) fn set_credentials(&mut self, path: PathBuf) {
        self.credentials = Some(path);
    }
}

/// The home directory by the platform's rules.
pub(crate) fn home_dir(env: &Env, platform: Platform) -> Option<String> {
    if let Some(home) = env.get_non_blank("HOME") {
        return Some(home);
    }
    match platform {
        Platform::Unix => None,
        Platform::Windows => env.get_non_blank("USERPROFILE").or_else(|| {
            let drive = env.get_non_blank("HOMEDRIVE")?;
            let path = env.get_non_blank("HOMEPATH")?;
            Some(format!("{drive}{path}"))
        }),
    }
}

/// Expands a leading `~` (alone, or followed by a separator) to `home`.
fn expand_home(path: &str, home: Option<&str>, platform: Platform) -> Option<String> {
    let Some(rest) = path.strip_prefix('~') else { return Some(path.to_owned()) };
    let is_sep = |c: char| c == '/' || (platform == Platform::Windows && c == '\\');
    if !(rest.is_empty() || rest.starts_with(is_sep)) {
        // `~user/...` is not expanded, as in the AWS SDKs.
        return Some(path.to_owned());
    }
    let home = home?;
    let home = home.strip_suffix(is_sep).unwrap_or(home);
    Some(format!("{home}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_rules() {
        let unix = Platform::Unix;
        assert_eq!(expand_home("~", Some("/h"), unix).as_deref(), Some("/h"));
        assert_eq!(expand_home("~/x", Some("/h/"), unix).as_deref(), Some("/h/x"));
        assert_eq!(expand_home("~x/y", Some("/h"), unix).as_deref(), Some("~x/y"));
        assert_eq!(expand_home("/a/~/b", Some("/h"), unix).as_deref(), Some("/a/~/b"));
        assert_eq!(expand_home("~/x", None, unix), None);
        assert_eq!(
            expand_home("~\\x", Some("C:\\h"), Platform::Windows).as_deref(),
            Some("C:\\h\\x")
        );
    }
}
