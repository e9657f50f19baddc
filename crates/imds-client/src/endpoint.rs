//! Choosing the endpoint, and checking the paths joined onto it.

use signet_config_loader::{ImdsEndpointMode, ImdsSettings, Source};

use crate::error::{Error, ErrorKind};

/// The IPv4 endpoint (endpoint mode `IPv4`, the default).
pub(crate) const IPV4_ENDPOINT: &str = "http://169.254.169.254";
/// The IPv6 endpoint (endpoint mode `IPv6`).
pub(crate) const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

/// The base URL, without a trailing `/`: an endpoint set in code, then
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, then the profile's `ec2_metadata_service_endpoint`,
/// then the endpoint mode (set in code, then environment, then profile; IPv4 by default).
pub(crate) fn resolve(
    settings: &ImdsSettings,
    endpoint: Option<&str>,
    mode: Option<ImdsEndpointMode>,
) -> Result<String, Error> {
    if let Some(endpoint) = endpoint {
        return parse(endpoint, &Source::Code);
    }
    if let Some(setting) = &settings.endpoint {
        return parse(&setting.value, &setting.source);
    }
    match mode.unwrap_or(settings.endpoint_mode.value) {
        ImdsEndpointMode::IPv6 => Ok(IPV6_ENDPOINT.to_owned()),
        _ => Ok(IPV4_ENDPOINT.to_owned()),
    }
}

/// An endpoint must be an absolute `http` or `https` URL with a host, and no query or fragment.
/// A base path is kept: paths are appended to it.
fn parse(value: &str, source: &Source) -> Result<String, Error> {
    let invalid = |why: &str| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("invalid endpoint `{}` ({source}): {why}", value.trim()),
        )
    };
    let url = reqwest::Url::parse(value.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Checks that `path` is an absolute metadata path (`/latest/meta-data/...`) made of safe
/// characters, with no `..` segment, query or fragment.
pub(crate) fn check_path(path: &str) -> Result<(), Error> {
    let misuse = |why: &str| {
        Error::new(
            ErrorKind::Misuse,
            format!("`{}` is not a metadata path: {why}", path.escape_debug()),
        )
    };
    if !path.starts_with('/') {
        return Err(misuse("it must start with `/`"));
    }
    if let Some(c) = path.chars().find(|c| !is_path_char(*c)) {
        return Err(misuse(&format!("it contains {:?}", c)));
    }
    if path.split('/').any(|segment| segment == "..") {
        return Err(misuse("it contains a `..` segment"));
    }
    Ok(())
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '/' | '-' | '_' | '.' | '~' | ':' | '@' | '+' | '=' | ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        for ok in ["/latest/meta-data/", "/latest/meta-data/network/interfaces/macs/02:aa:bb/", "/"]
        {
            assert!(check_path(ok).is_ok(), "{ok}");
        }
        for bad in ["latest", "/a/../b", "/a?b", "/a#b", "/a b", "/a\n", "/é", "", "/%2e"] {
            assert_eq!(check_path(bad).map_err(|e| e.kind()), Err(ErrorKind::Misuse), "{bad}");
        }
    }

    #[test]
    fn endpoints() {
        let code = Source::Code;
        assert_eq!(parse("http://a:1/", &code).unwrap(), "http://a:1");
        assert_eq!(parse(" http://a/base/ ", &code).unwrap(), "http://a/base");
        assert_eq!(parse("http://[::1]:80", &code).unwrap(), "http://[::1]");
        for bad in ["not a uri", "ftp://a", "http://a/?q", "http://a/#f", "file:///x", ""] {
            assert_eq!(parse(bad, &code).unwrap_err().kind(), ErrorKind::InvalidConfig, "{bad}");
        }
    }
}
