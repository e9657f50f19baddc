//! Custom endpoint URLs: which configured value becomes the `SDK::Endpoint` parameter.

/// The places a custom endpoint URL can come from, as the AWS SDKs define them
/// (docs/adr/0020). The config loader reads them; this type only picks one.
///
/// Precedence, first set value wins:
/// 1. an endpoint URL set in code,
/// 2. `AWS_ENDPOINT_URL_<SERVICE>`,
/// 3. `AWS_ENDPOINT_URL`,
/// 4. the profile's `services` section (`<service> = endpoint_url = ...`),
/// 5. the profile's `endpoint_url`.
///
/// When `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
/// `ignore_configured_endpoint_urls`) is true, 2 to 5 are ignored; code still wins.
/// Empty values count as unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointUrlSources {
    code: Option<String>,
    env_service: Option<String>,
    env_global: Option<String>,
    profile_service: Option<String>,
    profile_global: Option<String>,
    ignore_configured: bool,
}

/// Where the chosen custom endpoint URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointUrlSource {
    /// Set in code.
    Code,
    /// `AWS_ENDPOINT_URL_<SERVICE>`.
    ServiceEnvironment,
    /// `AWS_ENDPOINT_URL`.
    GlobalEnvironment,
    /// The profile's `services` section.
    ServiceProfile,
    /// The profile's `endpoint_url`.
    GlobalProfile,
}

impl EndpointUrlSources {
    /// No value from anywhere.
    pub fn new() -> Self {
        Self::default()
    }

    /// The endpoint URL set in code (for example a VPC endpoint or a local emulator).
    pub fn code(mut self, url: impl Into<String>) -> Self {
        self.code = Some(url.into());
        self
    }

    /// The value of `AWS_ENDPOINT_URL_<SERVICE>` (see [`EndpointUrlSources::env_var_name`]).
    pub fn env_service(mut self, url: impl Into<String>) -> Self {
        self.env_service = Some(url.into());
        self
    }

    /// The value of `AWS_ENDPOINT_URL`.
    pub fn env_global(mut self, url: impl Into<String>) -> Self {
        self.env_global = Some(url.into());
        self
    }

    /// The profile's `services` section value for this service (see
    /// [`EndpointUrlSources::profile_service_key`]).
    pub fn profile_service(mut self, url: impl Into<String>) -> Self {
        self.profile_service = Some(url.into());
        self
    }

    /// The profile's `endpoint_url`.
    pub fn profile_global(mut self, url: impl Into<String>) -> Self {
        self.profile_global = Some(url.into());
        self
    }

    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls`.
    pub fn ignore_configured(mut self, ignore: bool) -> Self {
        self.ignore_configured = ignore;
        self
    }

    /// The URL to bind to `SDK::Endpoint` and where it came from, if any.
    pub fn select(&self) -> Option<(&str, EndpointUrlSource)> {
        if let Some(url) = non_empty(&self.code) {
            return Some((url, EndpointUrlSource::Code));
        }
        if self.ignore_configured {
            return None;
        }
        [
            (&self.env_service, EndpointUrlSource::ServiceEnvironment),
            (&self.env_global, EndpointUrlSource::GlobalEnvironment),
            (&self.profile_service, EndpointUrlSource::ServiceProfile),
            (&self.profile_global, EndpointUrlSource::GlobalProfile),
        ]
        .into_iter()
        .find_map(|(v, source)| non_empty(v).map(|url| (url, source)))
    }

    /// The service-specific environment variable for a service id (`sdkId`):
    /// `AWS_ENDPOINT_URL_` and the id upper-cased with spaces and dashes as `_`, for example
    /// `AWS_ENDPOINT_URL_ELASTIC_BEANSTALK` for "Elastic Beanstalk".
    pub fn env_var_name(service_id: &str) -> String {
        let mut name = String::from("AWS_ENDPOINT_URL_");
        name.extend(service_id.trim().chars().map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        }));
        name
    }

    /// The key of the service in a profile's `services` section: the id lower-cased with
    /// spaces and dashes as `_`, for example `elastic_beanstalk` (the AWS documentation's
    /// form; smithy-rs writes `-`, so loaders may also accept that spelling).
    pub fn profile_service_key(service_id: &str) -> String {
        service_id
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> EndpointUrlSources {
        EndpointUrlSources::new()
            .code("http://code")
            .env_service("http://env-svc")
            .env_global("http://env")
            .profile_service("http://profile-svc")
            .profile_global("http://profile")
    }

    #[test]
    fn precedence_code_env_service_env_global_profile_service_profile_global() {
        let s = all();
        assert_eq!(s.select(), Some(("http://code", EndpointUrlSource::Code)));
        let s = EndpointUrlSources { code: None, ..all() };
        assert_eq!(s.select(), Some(("http://env-svc", EndpointUrlSource::ServiceEnvironment)));
        let s = EndpointUrlSources { code: None, env_service: None, ..all() };
        assert_eq!(s.select(), Some(("http://env", EndpointUrlSource::GlobalEnvironment)));
        let s = EndpointUrlSources { code: None, env_service: None, env_global: None, ..all() };
        assert_eq!(s.select(), Some(("http://profile-svc", EndpointUrlSource::ServiceProfile)));
        let s = EndpointUrlSources::new().profile_global("http://profile");
        assert_eq!(s.select(), Some(("http://profile", EndpointUrlSource::GlobalProfile)));
        assert_eq!(EndpointUrlSources::new().select(), None);
    }

    #[test]
    fn ignore_switch_keeps_only_code() {
        assert_eq!(
            all().ignore_configured(true).select().map(|s| s.1),
            Some(EndpointUrlSource::Code)
        );
        let s = EndpointUrlSources { code: None, ..all() }.ignore_configured(true);
        assert_eq!(s.select(), None);
    }

    #[test]
    fn empty_values_are_unset() {
        let s = EndpointUrlSources::new().code("").env_service("  ").env_global("http://x");
        assert_eq!(s.select(), Some(("http://x", EndpointUrlSource::GlobalEnvironment)));
    }

    #[test]
    fn names() {
        assert_eq!(EndpointUrlSources::env_var_name("STS"), "AWS_ENDPOINT_URL_STS");
        assert_eq!(
            EndpointUrlSources::env_var_name("Elastic Beanstalk"),
            "AWS_ENDPOINT_URL_ELASTIC_BEANSTALK"
        );
        assert_eq!(EndpointUrlSources::profile_service_key("ACM PCA"), "acm_pca");
    }
}
