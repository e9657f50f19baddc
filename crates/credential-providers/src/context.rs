//! What every provider built from settings shares: settings, the HTTP client, the clock.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use signet_config_loader::Settings;

use crate::http::default_client;
use crate::{Error, SystemTimeSource, TimeSource};

/// Settings, an HTTP client and a clock, shared by the providers of a chain.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub(crate) settings: Settings,
    pub(crate) client: Option<reqwest::Client>,
    /// The client built when none was given: one per chain, so every provider shares its
    /// connection pool.
    built: Arc<OnceLock<reqwest::Client>>,
    pub(crate) time: Arc<dyn TimeSource>,
}

impl Context {
    pub(crate) fn new(settings: Settings) -> Self {
        Self {
            settings,
            client: None,
            built: Arc::new(OnceLock::new()),
            time: Arc::new(SystemTimeSource),
        }
    }

    pub(crate) fn client(&self) -> Result<reqwest::Client, Error> {
        if let Some(client) = self.client.as_ref().or_else(|| self.built.get()) {
            return Ok(client.clone());
        }
        let client = default_client()?;
        Ok(self.built.get_or_init(|| client).clone())
    }

    /// The home directory: `HOME`, then (Windows) `USERPROFILE`, `HOMEDRIVE` + `HOMEPATH`.
    pub(crate) fn home(&self) -> Option<PathBuf> {
        let env = self.settings.env();
        if let Some(home) = env.get_non_blank("HOME") {
            return Some(PathBuf::from(home));
        }
        if cfg!(windows) {
            if let Some(home) = env.get_non_blank("USERPROFILE") {
                return Some(PathBuf::from(home));
            }
            if let (Some(drive), Some(path)) =
                (env.get_non_blank("HOMEDRIVE"), env.get_non_blank("HOMEPATH"))
            {
                return Some(PathBuf::from(format!("{drive}{path}")));
            }
        }
        None
    }

    /// A default role session name: `<prefix>-<Unix time in milliseconds>`, as aws-config
    /// names them.
    pub(crate) fn session_name(&self, prefix: &str) -> String {
        let ms = self
            .time
            .now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        format!("{prefix}-{ms}")
    }

    /// The attempts a call may make: `max_attempts` from the settings (default 3).
    pub(crate) fn max_attempts(&self) -> Result<u32, Error> {
        self.settings
            .max_attempts()
            .map(|s| s.value)
            .map_err(|e| Error::invalid_config("max_attempts cannot be used").with_source(e))
    }
}
