//! Building STS clients for the role and web-identity providers.

use signet_sts_client::{StsClient, StsClientBuilder};

use crate::Error;
use crate::context::Context;

/// The region STS is called in when nothing configures one (as aws-config does for the
/// credential providers; the region is not looked up through IMDS, see docs/adr/0034).
const FALLBACK_REGION: &str = "us-east-1";

/// An STS client from the settings (region, endpoint, FIPS, dual-stack, retries).
pub(crate) fn client(context: &Context) -> Result<StsClient, Error> {
    let settings = &context.settings;
    let invalid = |e: signet_sts_client::Error| {
        Error::invalid_config("cannot set up the STS client").with_source(e)
    };
    let has_region = settings
        .region()
        .map_err(|e| Error::invalid_config("the region setting cannot be used").with_source(e))?
        .is_some();
    let mut builder: StsClientBuilder = if has_region {
        StsClient::from_settings(settings).map_err(invalid)?
    } else {
        let config = |e: signet_config_loader::Error| {
            Error::invalid_config("an STS setting cannot be used").with_source(e)
        };
        let mut builder = StsClient::builder(FALLBACK_REGION)
            .use_fips(settings.use_fips().map_err(config)?.value)
            .use_dual_stack(settings.use_dual_stack().map_err(config)?.value);
        if let Some(url) = settings.endpoint_url("STS").map_err(config)? {
            builder = builder.endpoint_url(url.value);
        }
        builder
    };
    builder = builder.http_client(context.client()?);
    builder.build().map_err(invalid)
}

/// The error for a failed STS call, keeping STS's own error as the source.
pub(crate) fn call_failed(what: &str, error: signet_sts_client::Error) -> Error {
    use signet_sts_client::ErrorKind as K;
    let base = match error.kind() {
        K::InvalidInput | K::Configuration => Error::invalid_config(what.to_owned()),
        K::MalformedResponse => Error::invalid_response(what.to_owned()),
        _ => Error::failed(what.to_owned()),
    };
    base.with_source(error)
}
