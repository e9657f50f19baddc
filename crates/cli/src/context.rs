//! What every command gets: the environment, the file system, the clock and the global
//! options, injected by `main` so that tests can run the binary against a temp HOME.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signet::config::{Env, Fs, Loader, Settings, Source};
use signet::sigv4::AmzDate;

use crate::args::{Global, OutputFormat};
use crate::error::Error;

/// The injected world and the global options.
pub(crate) struct Context {
    pub(crate) env: Env,
    pub(crate) fs: Fs,
    pub(crate) now: SystemTime,
    pub(crate) global: Global,
}

impl Context {
    /// JSON output asked for.
    pub(crate) fn json(&self) -> bool {
        self.global.output == OutputFormat::Json
    }

    /// Settings with `--profile`, `--region` and `--endpoint-url` applied, without checking
    /// that the profile exists (`config` commands report that themselves).
    pub(crate) fn settings_unchecked(&self) -> Result<Settings, Error> {
        self.load().map_err(|e| Error::usage(format!("cannot load settings: {e}")))
    }

    /// [`Context::settings_unchecked`] with the loader's own error.
    pub(crate) fn load(&self) -> Result<Settings, signet::config::Error> {
        let mut loader = Loader::new(self.env.clone(), self.fs.clone());
        if let Some(p) = &self.global.profile {
            loader = loader.profile(p);
        }
        if let Some(r) = &self.global.region {
            loader = loader.region(r);
        }
        if let Some(u) = &self.global.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        loader.load()
    }

    /// Settings, failing when a profile was asked for (`--profile`, `AWS_PROFILE`) that
    /// neither file has, with the profiles that do exist.
    pub(crate) fn settings(&self) -> Result<Settings, Error> {
        let settings = self.settings_unchecked()?;
        let selected = settings.profile_name();
        if selected.source != Source::Default && settings.profile().is_none() {
            let names: Vec<&str> = settings.profiles().profiles().map(|s| s.name()).collect();
            let files = file_names(&settings);
            let hint = if names.is_empty() {
                format!("{files} define no profiles; run `signet config profiles`")
            } else {
                format!("the profiles are: {}", names.join(", "))
            };
            let from = match &selected.source {
                Source::Code => "from --profile".to_owned(),
                other => format!("from {other}"),
            };
            return Err(Error::usage(format!(
                "no profile named `{}` ({from}) in {files}",
                selected.value
            ))
            .hint(hint));
        }
        Ok(settings)
    }

    /// The region: `--region`, then the environment and profile; an error saying how to set
    /// one otherwise.
    pub(crate) fn region(&self, settings: &Settings) -> Result<String, Error> {
        match settings.region() {
            Ok(Some(r)) => Ok(r.value),
            Ok(None) => Err(Error::usage("no region is set").hint(format!(
                "pass --region, set AWS_REGION, or add `region = us-east-1` to profile `{}` in {}",
                settings.profile_name().value,
                settings
                    .locations()
                    .config_file()
                    .map_or_else(|| "~/.aws/config".to_owned(), |p| p.display().to_string())
            ))),
            Err(e) => Err(Error::usage(format!("the region setting is unusable: {e}"))),
        }
    }

    /// `--time` or now.
    pub(crate) fn time(&self, arg: Option<&str>) -> Result<SystemTime, Error> {
        match arg {
            None => Ok(self.now),
            Some(text) => parse_time(text),
        }
    }
}

fn file_names(settings: &Settings) -> String {
    let show = |p: Option<&std::path::Path>, d: &str| {
        p.map_or_else(|| d.to_owned(), |p| p.display().to_string())
    };
    format!(
        "{} or {}",
        show(settings.locations().config_file(), "~/.aws/config"),
        show(settings.locations().credentials_file(), "~/.aws/credentials")
    )
}

/// `20150830T123600Z`, `2015-08-30T12:36:00Z` or seconds since 1970.
pub(crate) fn parse_time(text: &str) -> Result<SystemTime, Error> {
    let bad = || {
        Error::usage(format!("`{}` is not a time", crate::request::printable(text)))
            .hint("write it as 20150830T123600Z, 2015-08-30T12:36:00Z or seconds since 1970")
    };
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = text.parse().map_err(|_| bad())?;
        return Ok(UNIX_EPOCH + Duration::from_secs(secs));
    }
    let compact: String = text.chars().filter(|c| *c != '-' && *c != ':').collect();
    AmzDate::parse(&compact).map(|d| d.to_system_time()).map_err(|_| bad())
}
