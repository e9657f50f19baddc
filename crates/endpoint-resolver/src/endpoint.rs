//! What a resolution returns: the endpoint, its properties and its auth schemes.

use std::sync::Arc;

/// A resolved endpoint: the URL, headers to add, and properties such as the auth schemes.
///
/// Cloning is cheap (the data is shared).
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    inner: Arc<Inner>,
}

#[derive(Debug, PartialEq)]
struct Inner {
    url: String,
    headers: Vec<(Key, Vec<String>)>,
    properties: Properties,
}

impl Endpoint {
    pub(crate) fn new(
        url: String,
        headers: Vec<(Key, Vec<String>)>,
        properties: Properties,
    ) -> Self {
        Self { inner: Arc::new(Inner { url, headers, properties }) }
    }

    /// The endpoint URL, for example `https://sts.us-east-1.amazonaws.com`.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// Headers the request must carry, in rule-set order; each has one or more values.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&str, &[String])> {
        self.inner.headers.iter().map(|(k, v)| (&**k, v.as_slice()))
    }

    /// All endpoint properties (`authSchemes`, S3's `backend`, ...).
    pub fn properties(&self) -> &Properties {
        &self.inner.properties
    }

    /// The auth schemes of the `authSchemes` property, in the rule set's order of
    /// preference. Entries that are not objects with a string `name` are skipped.
    pub fn auth_schemes(&self) -> impl Iterator<Item = AuthScheme<'_>> {
        let list = match self.inner.properties.get("authSchemes") {
            Some(Document::Array(list)) => list.as_slice(),
            _ => &[],
        };
        list.iter().filter_map(|d| match d {
            Document::Object(props) => AuthScheme::from_properties(props),
            _ => None,
        })
    }
}

/// A property or header name: the well-known names are static, others shared, so that
/// building an endpoint copies names without allocating or touching reference counts.
#[derive(Debug, Clone)]
pub(crate) enum Key {
    Static(&'static str),
    Shared(Arc<str>),
}

/// Names the AWS rule sets use in endpoint properties.
const KNOWN_KEYS: &[&str] = &[
    "authSchemes",
    "name",
    "signingName",
    "signingRegion",
    "signingRegionSet",
    "disableDoubleEncoding",
    "backend",
    "dnsSuffix",
    "dualStackDnsSuffix",
    "supportsFIPS",
    "supportsDualStack",
    "implicitGlobalRegion",
    "scheme",
    "authority",
    "path",
    "normalizedPath",
    "isIp",
    "partition",
    "service",
    "region",
    "accountId",
    "resourceId",
];

impl Key {
    pub(crate) fn new(name: &str) -> Key {
        match KNOWN_KEYS.iter().find(|k| **k == name) {
            Some(k) => Key::Static(k),
            None => Key::Shared(Arc::from(name)),
        }
    }
}

impl std::ops::Deref for Key {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Key::Static(s) => s,
            Key::Shared(s) => s,
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        **self == **other
    }
}

/// An ordered map of property names to values: endpoint properties, or an object inside them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Properties {
    entries: Vec<(Key, Document)>,
}

impl Properties {
    pub(crate) fn from_entries(entries: Vec<(Key, Document)>) -> Self {
        Self { entries }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Document> {
        self.entries.iter().find(|(k, _)| &**k == key).map(|(_, v)| v)
    }

    /// The entries in rule-set order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Document)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A JSON-like property value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// No value.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Number(i64),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Document>),
    /// An object.
    Object(Properties),
}

impl Document {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Document::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// Which signing algorithm an [`AuthScheme`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemeKind {
    /// `sigv4`: SigV4 with one signing region.
    SigV4,
    /// `sigv4a`: SigV4a with a region set.
    SigV4a,
    /// `sigv4-s3express`: SigV4 with S3 Express session credentials.
    SigV4S3Express,
    /// A name this crate does not know; read [`AuthScheme::name`].
    Other,
}

/// One entry of the `authSchemes` endpoint property: how to sign requests to the endpoint.
///
/// These map one to one onto `signet-sigv4`'s settings: the signing name is the service,
/// the signing region (or region set for SigV4a) is the scope, and
/// `disableDoubleEncoding` turns off the second URI encoding of the path (S3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuthScheme<'a> {
    name: &'a str,
    props: &'a Properties,
}

impl<'a> AuthScheme<'a> {
    fn from_properties(props: &'a Properties) -> Option<Self> {
        let name = props.get("name")?.as_str()?;
        Some(Self { name, props })
    }

    /// The scheme name as the rule set wrote it (`sigv4`, `sigv4a`, `sigv4-s3express`, ...).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The scheme as a known kind.
    pub fn kind(&self) -> SchemeKind {
        match self.name {
            "sigv4" => SchemeKind::SigV4,
            "sigv4a" => SchemeKind::SigV4a,
            "sigv4-s3express" => SchemeKind::SigV4S3Express,
            _ => SchemeKind::Other,
        }
    }

    /// `signingName`: the service name to sign for, if the rule set set one.
    pub fn signing_name(&self) -> Option<&'a str> {
        self.props.get("signingName").and_then(Document::as_str)
    }

    /// `signingRegion`: the region to sign for (SigV4), if set.
    pub fn signing_region(&self) -> Option<&'a str> {
        self.props.get("signingRegion").and_then(Document::as_str)
    }

    /// `signingRegionSet`: the regions to sign for (SigV4a); empty when not set.
    pub fn signing_region_set(&self) -> impl Iterator<Item = &'a str> {
        let list = match self.props.get("signingRegionSet") {
            Some(Document::Array(list)) => list.as_slice(),
            _ => &[],
        };
        list.iter().filter_map(Document::as_str)
    }

    /// `disableDoubleEncoding`: when true, the signer must not URI-encode the path a second
    /// time. Absent means false.
    pub fn disable_double_encoding(&self) -> bool {
        self.props.get("disableDoubleEncoding").and_then(Document::as_bool).unwrap_or(false)
    }

    /// Every property of the scheme, including ones this type has no method for.
    pub fn properties(&self) -> &'a Properties {
        self.props
    }
}
