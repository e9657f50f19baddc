//! What a resolution returns: the endpoint, its properties and its auth schemes.
//!
//! Endpoint properties are mostly constant (`authSchemes` names `sigv4` and `s3` in every S3
//! endpoint), so they are not built per resolution: the rule set compiles each endpoint's
//! properties once into a tree that every endpoint it produces shares, with a hole for each
//! computed value (an ARN's region as `signingRegion`, say). An endpoint keeps the URL and
//! the text of the computed values in one string, and [`Properties`] and [`Document`] are
//! borrowed views that fill the holes (docs/adr/0021).

use std::fmt;
use std::sync::Arc;

/// A resolved endpoint: the URL, headers to add, and properties such as the auth schemes.
///
/// Cloning is cheap (the data is shared).
#[derive(Clone)]
pub struct Endpoint {
    inner: Arc<Inner>,
}

struct Inner {
    url_len: usize,
    /// The rule set's properties tree for this endpoint, shared; `None` when empty.
    properties: Option<Arc<[(Key, Node)]>>,
    computed: Computed,
}

/// A properties tree as the rule set wrote it: constants, and holes for computed values.
/// Computed values that are documents themselves (a partition's outputs, say) are trees
/// without holes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number(i64),
    Str(Box<str>),
    /// The endpoint's computed value number `n`.
    Computed(usize),
    Array(Vec<Node>),
    Object(Vec<(Key, Node)>),
}

/// A computed value of one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Leaf {
    Null,
    Bool(bool),
    Number(i64),
    /// A range of [`Computed::text`].
    Text {
        start: u32,
        end: u32,
    },
    /// A document (a tree without holes).
    Node(Box<Node>),
}

/// The URL and the computed values of one endpoint: their text in one string, the first
/// value inline (the AWS rule sets compute at most one per endpoint), the rest and the
/// headers (which the AWS rule sets hardly use) boxed, so that the usual endpoint is two
/// allocations, small to move and quick to drop.
#[derive(Debug)]
pub(crate) struct Computed {
    /// The URL, then the text of computed string values.
    pub(crate) text: String,
    first: Leaf,
    rare: Option<Box<Rare>>,
}

#[derive(Debug, Default)]
struct Rare {
    more: Vec<Leaf>,
    headers: Vec<(Key, Vec<String>)>,
}

impl Computed {
    pub(crate) fn new(text: String) -> Self {
        Self { text, first: Leaf::Null, rare: None }
    }

    /// Stores computed value number `n`; values are pushed in order.
    pub(crate) fn push(&mut self, n: usize, leaf: Leaf) {
        if n == 0 {
            self.first = leaf;
        } else {
            self.rare.get_or_insert_with(Box::default).more.push(leaf);
        }
    }

    /// The computed string from `start` to the end of `text`; `None` past 4 GiB.
    pub(crate) fn text_leaf(&self, start: usize) -> Option<Leaf> {
        let (start, end) = (u32::try_from(start).ok()?, u32::try_from(self.text.len()).ok()?);
        Some(Leaf::Text { start, end })
    }

    pub(crate) fn set_headers(&mut self, headers: Vec<(Key, Vec<String>)>) {
        self.rare.get_or_insert_with(Box::default).headers = headers;
    }

    fn leaf(&self, n: usize) -> Option<&Leaf> {
        match n.checked_sub(1) {
            None => Some(&self.first),
            Some(i) => self.rare.as_ref()?.more.get(i),
        }
    }

    fn headers(&self) -> &[(Key, Vec<String>)] {
        self.rare.as_ref().map_or(&[], |r| &r.headers)
    }
}

impl Endpoint {
    /// `computed.text` starts with the URL, `url_len` bytes long.
    pub(crate) fn new(
        url_len: usize,
        properties: Option<Arc<[(Key, Node)]>>,
        computed: Computed,
    ) -> Self {
        Self { inner: Arc::new(Inner { url_len, properties, computed }) }
    }

    /// The endpoint URL, for example `https://sts.us-east-1.amazonaws.com`.
    #[inline]
    pub fn url(&self) -> &str {
        let text = &self.inner.computed.text;
        text.get(..self.inner.url_len).unwrap_or(text)
    }

    /// Headers the request must carry, in rule-set order; each has one or more values.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&str, &[String])> {
        self.inner.computed.headers().iter().map(|(k, v)| (&**k, v.as_slice()))
    }

    /// All endpoint properties (`authSchemes`, S3's `backend`, ...).
    pub fn properties(&self) -> Properties<'_> {
        let entries = self.inner.properties.as_deref().unwrap_or(&[]);
        Properties { entries, computed: &self.inner.computed }
    }

    /// The auth schemes of the `authSchemes` property, in the rule set's order of
    /// preference. Entries that are not objects with a string `name` are skipped.
    pub fn auth_schemes(&self) -> impl Iterator<Item = AuthScheme<'_>> {
        let properties = self.properties();
        let list = match properties.get("authSchemes") {
            Some(Document::Array(list)) => list,
            _ => List { items: &[], computed: properties.computed },
        };
        list.iter().filter_map(|d| match d {
            Document::Object(props) => AuthScheme::from_properties(props),
            _ => None,
        })
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url())
            .field("headers", &self.inner.computed.headers())
            .field("properties", &self.properties())
            .finish()
    }
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Endpoint) -> bool {
        self.url() == other.url()
            && self.inner.computed.headers() == other.inner.computed.headers()
            && self.properties() == other.properties()
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

/// An ordered map of property names to values: endpoint properties, or an object inside
/// them. A view borrowed from an [`Endpoint`]; copying it is free.
#[derive(Clone, Copy)]
pub struct Properties<'a> {
    entries: &'a [(Key, Node)],
    computed: &'a Computed,
}

impl<'a> Properties<'a> {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<Document<'a>> {
        let computed = self.computed;
        self.entries.iter().find(|(k, _)| &**k == key).map(|(_, v)| document(v, computed))
    }

    /// The entries in rule-set order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'a str, Document<'a>)> + use<'a> {
        let computed = self.computed;
        self.entries.iter().map(move |(k, v)| (&**k, document(v, computed)))
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

impl fmt::Debug for Properties<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Properties<'_> {
    fn eq(&self, other: &Properties<'_>) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

/// A list inside endpoint properties. A view borrowed from an [`Endpoint`]; copying it is
/// free.
#[derive(Clone, Copy)]
pub struct List<'a> {
    items: &'a [Node],
    computed: &'a Computed,
}

impl<'a> List<'a> {
    /// The item at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<Document<'a>> {
        self.items.get(index).map(|v| document(v, self.computed))
    }

    /// The items in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Document<'a>> + use<'a> {
        let computed = self.computed;
        self.items.iter().map(move |v| document(v, computed))
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl fmt::Debug for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for List<'_> {
    fn eq(&self, other: &List<'_>) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

/// A JSON-like property value, borrowed from an [`Endpoint`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Document<'a> {
    /// No value.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Number(i64),
    /// A string.
    String(&'a str),
    /// A list.
    Array(List<'a>),
    /// An object.
    Object(Properties<'a>),
}

impl<'a> Document<'a> {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&'a str> {
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

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Document::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_array(&self) -> Option<List<'a>> {
        match self {
            Document::Array(list) => Some(*list),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<Properties<'a>> {
        match self {
            Document::Object(props) => Some(*props),
            _ => None,
        }
    }
}

/// The view of `node`, with holes filled from `computed`.
fn document<'a>(node: &'a Node, computed: &'a Computed) -> Document<'a> {
    match node {
        Node::Null => Document::Null,
        Node::Bool(b) => Document::Bool(*b),
        Node::Number(n) => Document::Number(*n),
        Node::Str(s) => Document::String(s),
        Node::Array(items) => Document::Array(List { items, computed }),
        Node::Object(entries) => Document::Object(Properties { entries, computed }),
        Node::Computed(n) => match computed.leaf(*n) {
            None | Some(Leaf::Null) => Document::Null,
            Some(Leaf::Bool(b)) => Document::Bool(*b),
            Some(Leaf::Number(n)) => Document::Number(*n),
            Some(Leaf::Text { start, end }) => {
                let range = *start as usize..*end as usize;
                Document::String(computed.text.get(range).unwrap_or(""))
            }
            // Computed documents have no holes, so this does not recurse again.
            Some(Leaf::Node(node)) => match &**node {
                Node::Computed(_) => Document::Null,
                node => document(node, computed),
            },
        },
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
    props: Properties<'a>,
}

impl<'a> AuthScheme<'a> {
    fn from_properties(props: Properties<'a>) -> Option<Self> {
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
        self.props.get("signingName")?.as_str()
    }

    /// `signingRegion`: the region to sign for (SigV4), if set.
    pub fn signing_region(&self) -> Option<&'a str> {
        self.props.get("signingRegion")?.as_str()
    }

    /// `signingRegionSet`: the regions to sign for (SigV4a); empty when not set.
    pub fn signing_region_set(&self) -> impl Iterator<Item = &'a str> {
        let list = match self.props.get("signingRegionSet") {
            Some(Document::Array(list)) => list,
            _ => List { items: &[], computed: self.props.computed },
        };
        list.iter().filter_map(|d| d.as_str())
    }

    /// `disableDoubleEncoding`: when true, the signer must not URI-encode the path a second
    /// time. Absent means false.
    pub fn disable_double_encoding(&self) -> bool {
        self.props.get("disableDoubleEncoding").and_then(|d| d.as_bool()).unwrap_or(false)
    }

    /// Every property of the scheme, including ones this type has no method for.
    pub fn properties(&self) -> Properties<'a> {
        self.props
    }
}
