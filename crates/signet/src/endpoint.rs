//! Which URL a service's requests go to, and how they are signed there.

use std::borrow::Cow;

use signet_endpoint_resolver::{BuiltIn, ParamValue, Partitions, RuleSet, SchemeKind};

use crate::{Config, Error, ErrorKind};

/// An AWS service, as the facade needs to know it: the name requests are signed for, the
/// service id that names its endpoint settings, and the host prefix of its endpoints.
///
/// STS and S3 endpoints come from AWS's rule sets (shipped with `signet-endpoint-resolver`);
/// any other service's from the region's partition, as
/// `https://{endpoint_prefix}.{region}.{dnsSuffix}` (`-fips` and dual-stack variants too), or
/// from an endpoint URL.
///
/// ```
/// use signet::Service;
///
/// assert_eq!(Service::STS.signing_name(), "sts");
/// let api_gateway = Service::new("execute-api").with_service_id("API Gateway");
/// assert_eq!(api_gateway.service_id(), "API Gateway"); // AWS_ENDPOINT_URL_API_GATEWAY
/// let cloudwatch = Service::new("monitoring").with_service_id("CloudWatch");
/// assert_eq!(cloudwatch.endpoint_prefix(), "monitoring");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Service {
    signing_name: Cow<'static, str>,
    service_id: Cow<'static, str>,
    endpoint_prefix: Cow<'static, str>,
}

impl Service {
    /// AWS Security Token Service.
    pub const STS: Service = Service::fixed("sts", "STS");
    /// Amazon S3 (signed with S3's rules: single URI encoding, `x-amz-content-sha256`).
    pub const S3: Service = Service::fixed("s3", "S3");

    const fn fixed(name: &'static str, id: &'static str) -> Self {
        Self {
            signing_name: Cow::Borrowed(name),
            service_id: Cow::Borrowed(id),
            endpoint_prefix: Cow::Borrowed(name),
        }
    }

    /// A service signed as `signing_name` (`dynamodb`, `execute-api`, `lambda`), whose service
    /// id and endpoint prefix are the same name until set.
    pub fn new(signing_name: impl Into<String>) -> Self {
        let name: String = signing_name.into();
        Self {
            signing_name: Cow::Owned(name.clone()),
            service_id: Cow::Owned(name.clone()),
            endpoint_prefix: Cow::Owned(name),
        }
    }

    /// The service id as the AWS docs write it (`DynamoDB`, `API Gateway`), which names the
    /// `AWS_ENDPOINT_URL_<ID>` variable and the `[services]` key.
    #[must_use]
    pub fn with_service_id(mut self, id: impl Into<String>) -> Self {
        self.service_id = Cow::Owned(id.into());
        self
    }

    /// The host prefix of the service's endpoints when it differs from the signing name.
    #[must_use]
    pub fn with_endpoint_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.endpoint_prefix = Cow::Owned(prefix.into());
        self
    }

    /// The name requests are signed for (the credential scope's service).
    pub fn signing_name(&self) -> &str {
        &self.signing_name
    }

    /// The service id.
    pub fn service_id(&self) -> &str {
        &self.service_id
    }

    /// The endpoint host prefix.
    pub fn endpoint_prefix(&self) -> &str {
        &self.endpoint_prefix
    }

    pub(crate) fn is_s3(&self) -> bool {
        self.signing_name == "s3"
    }
}

/// How requests to an endpoint are signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// SigV4 for one region.
    SigV4 { region: String },
    /// SigV4a for a region set (`*`, or `us-east-1,us-west-2`).
    SigV4a { region_set: String },
}

/// A resolved endpoint: the URL (no trailing `/`) and how to sign for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub(crate) url: String,
    pub(crate) signing_name: String,
    pub(crate) scheme: Scheme,
    pub(crate) single_encoding: bool,
}

impl Resolved {
    /// The signing region, or the SigV4a region set.
    pub(crate) fn region(&self) -> &str {
        match &self.scheme {
            Scheme::SigV4 { region } => region,
            Scheme::SigV4a { region_set } => region_set,
        }
    }
}

fn endpoint_error(what: String) -> impl FnOnce(signet_endpoint_resolver::Error) -> Error {
    move |e| Error::new(ErrorKind::Endpoint, what).with_source(e)
}

fn setting_error(e: signet_config_loader::Error) -> Error {
    Error::new(ErrorKind::Configuration, "an endpoint setting is invalid").with_source(e)
}

/// Resolves the endpoint of `service` in `region`; `explicit` (a URL given for this request)
/// wins over the configured endpoint URLs.
pub(crate) fn resolve(
    config: &Config,
    service: &Service,
    region: &str,
    explicit: Option<&str>,
    extra: &[(String, ParamValue)],
) -> Result<Resolved, Error> {
    let settings = config.settings();
    let custom = match explicit {
        Some(url) => Some(url.to_owned()),
        None => {
            settings.endpoint_url(service.service_id()).map_err(setting_error)?.map(|s| s.value)
        }
    };
    let fips = settings.use_fips().map_err(setting_error)?.value;
    let dual_stack = settings.use_dual_stack().map_err(setting_error)?.value;
    let rules = match service.signing_name() {
        "sts" => Some(RuleSet::sts()),
        "s3" => Some(RuleSet::s3()),
        _ => None,
    };
    let resolved = match rules {
        Some(rules) => {
            let what = format!("no {} endpoint for region {region}", service.service_id());
            let rules = rules.map_err(endpoint_error(what.clone()))?;
            let mut params = rules.params();
            let set = |params: &mut signet_endpoint_resolver::Params<'_>,
                       b: BuiltIn,
                       v: signet_endpoint_resolver::ParamValue| {
                params.set_built_in(b, v).map(|_| ()).map_err(endpoint_error(what.clone()))
            };
            set(&mut params, BuiltIn::Region, region.into())?;
            set(&mut params, BuiltIn::UseFips, fips.into())?;
            set(&mut params, BuiltIn::UseDualStack, dual_stack.into())?;
            if service.signing_name() == "sts" {
                let legacy = settings.sts_regional_endpoints().map_err(setting_error)?.value
                    == signet_config_loader::StsRegionalEndpoints::Legacy;
                set(&mut params, BuiltIn::StsUseGlobalEndpoint, legacy.into())?;
            }
            if let Some(url) = &custom {
                set(&mut params, BuiltIn::Endpoint, url.as_str().into())?;
            }
            for (name, value) in extra {
                params.set(name, value.clone()).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidRequest,
                        format!(
                            "`{name}` is not a parameter of the {} endpoint rules",
                            service.service_id()
                        ),
                    )
                    .with_source(e)
                })?;
            }
            let endpoint = rules.resolve(&params).map_err(endpoint_error(what))?;
            let mut scheme = Scheme::SigV4 { region: region.to_owned() };
            let mut signing_name = service.signing_name().to_owned();
            let mut single = service.is_s3();
            if let Some(auth) = endpoint
                .auth_schemes()
                .find(|a| matches!(a.kind(), SchemeKind::SigV4 | SchemeKind::SigV4a))
            {
                if let Some(name) = auth.signing_name() {
                    name.clone_into(&mut signing_name);
                }
                single = single || auth.disable_double_encoding();
                scheme = match auth.kind() {
                    SchemeKind::SigV4a => {
                        let set: Vec<&str> = auth.signing_region_set().collect();
                        let region_set =
                            if set.is_empty() { "*".to_owned() } else { set.join(",") };
                        Scheme::SigV4a { region_set }
                    }
                    _ => {
                        Scheme::SigV4 { region: auth.signing_region().unwrap_or(region).to_owned() }
                    }
                };
            }
            Resolved {
                url: endpoint.url().to_owned(),
                signing_name,
                scheme,
                single_encoding: single,
            }
        }
        None => {
            if let Some((name, _)) = extra.first() {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    format!(
                        "endpoint parameter `{name}` given, but signet ships no endpoint rules for {} (only STS and S3)",
                        service.service_id()
                    ),
                ));
            }
            let url = match custom {
                Some(url) => url,
                None => partition_url(service, region, fips, dual_stack)?,
            };
            Resolved {
                url,
                signing_name: service.signing_name().to_owned(),
                scheme: Scheme::SigV4 { region: region.to_owned() },
                single_encoding: false,
            }
        }
    };
    let url = resolved.url.trim_end_matches('/').to_owned();
    Ok(Resolved { url, ..resolved })
}

fn partition_url(service: &Service, region: &str, fips: bool, dual: bool) -> Result<String, Error> {
    let partitions = Partitions::shipped()
        .map_err(endpoint_error("the shipped partitions cannot be read".to_owned()))?;
    let valid = !region.is_empty()
        && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-');
    if !valid {
        return Err(Error::new(ErrorKind::Endpoint, format!("`{region}` is not a valid region")));
    }
    let partition = partitions.find(region).ok_or_else(|| {
        Error::new(ErrorKind::Endpoint, format!("no partition for region {region}"))
    })?;
    if fips && !partition.supports_fips {
        return Err(Error::new(
            ErrorKind::Endpoint,
            format!("FIPS is on, but partition {} has no FIPS endpoints", partition.name),
        ));
    }
    if dual && !partition.supports_dual_stack {
        return Err(Error::new(
            ErrorKind::Endpoint,
            format!("dual-stack is on, but partition {} has none", partition.name),
        ));
    }
    let prefix = service.endpoint_prefix();
    let host = if fips { format!("{prefix}-fips") } else { prefix.to_owned() };
    let suffix = if dual { &partition.dual_stack_dns_suffix } else { &partition.dns_suffix };
    Ok(format!("https://{host}.{region}.{suffix}"))
}
