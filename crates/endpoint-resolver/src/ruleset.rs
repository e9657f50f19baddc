//! Loading a rule set: JSON in, a checked tree with resolved names out.
//!
//! Every reference is resolved to a slot index here, every template is split into parts,
//! every `getAttr` path is parsed and every function is checked for its arity, so that
//! evaluation does no name lookups and no parsing (docs/adr/0018).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use serde_json::{Map, Value as Json};

use crate::endpoint::{Endpoint, Key, Node};
use crate::error::{Error, ErrorKind, Result};
use crate::flatten::{Insn, Jumps, flatten};
use crate::params::Values;
use crate::partition::Partitions;

const STS_JSON: &str = include_str!("../data/sts-ruleset.json");
const S3_JSON: &str = include_str!("../data/s3-ruleset.json");

/// A compiled endpoint rule set (Smithy rules-engine format 1.x) with the partitions that
/// `aws.partition` reads.
///
/// Load it once and resolve many times: [`RuleSet::params`] makes a parameter set and
/// [`RuleSet::resolve`] evaluates it.
pub struct RuleSet {
    pub(crate) params: Vec<Parameter>,
    /// The rules, flattened (docs/adr/0021).
    pub(crate) program: Vec<Insn>,
    pub(crate) slot_count: usize,
    /// The evaluated conditions: slot `parameters.len() + i` holds the value of
    /// `evaluated[i]` (docs/adr/0021).
    pub(crate) evaluated: Vec<Evaluated>,
    pub(crate) partitions: Arc<Partitions>,
    /// The last successful resolution, as the generated AWS resolvers keep one
    /// (docs/adr/0021).
    pub(crate) last: RwLock<Option<(Values, Endpoint)>>,
}

/// The type of a rule-set parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamType {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `stringArray`
    StringArray,
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamValue {
    /// For a `string` parameter.
    String(String),
    /// For a `boolean` parameter.
    Bool(bool),
    /// For a `stringArray` parameter.
    StringArray(Vec<String>),
}

impl ParamValue {
    /// The type this value has.
    pub fn param_type(&self) -> ParamType {
        match self {
            ParamValue::String(_) => ParamType::String,
            ParamValue::Bool(_) => ParamType::Boolean,
            ParamValue::StringArray(_) => ParamType::StringArray,
        }
    }
}

impl From<&str> for ParamValue {
    fn from(s: &str) -> Self {
        ParamValue::String(s.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(s: String) -> Self {
        ParamValue::String(s)
    }
}

impl From<bool> for ParamValue {
    fn from(b: bool) -> Self {
        ParamValue::Bool(b)
    }
}

impl From<Vec<String>> for ParamValue {
    fn from(v: Vec<String>) -> Self {
        ParamValue::StringArray(v)
    }
}

/// A parameter the rule set declares.
#[derive(Debug, Clone)]
pub struct Parameter {
    name: String,
    param_type: ParamType,
    required: bool,
    default: Option<ParamValue>,
    built_in: Option<String>,
    deprecated: bool,
}

impl Parameter {
    /// Its name, for example `Region`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its type.
    pub fn param_type(&self) -> ParamType {
        self.param_type
    }

    /// Whether resolution fails when it has neither a value nor a default.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// The value used when none is set.
    pub fn default_value(&self) -> Option<&ParamValue> {
        self.default.as_ref()
    }

    /// The SDK setting it is bound to, for example `AWS::Region` or `SDK::Endpoint`.
    pub fn built_in(&self) -> Option<&str> {
        self.built_in.as_deref()
    }

    /// Whether the rule set marks it as deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.deprecated
    }
}

// ---- The compiled tree ----

#[derive(Debug)]
pub(crate) struct Rule {
    /// How each condition is checked.
    pub(crate) conditions: Vec<Test>,
    pub(crate) body: Body,
}

/// A condition that is evaluated (`Test::Memo`), kept apart from the instructions so that
/// those stay small: the rules are walked far more often than evaluated.
#[derive(Debug)]
pub(crate) struct Evaluated {
    pub(crate) expr: Expr,
    /// `expr` in a form that reads its argument straight from the slots, when it has one.
    pub(crate) fast: Option<Fast>,
}

/// The common shapes of evaluated conditions, with one argument that is a reference (or a
/// `getAttr` of one) and literal other arguments: computed without building argument
/// values.
#[derive(Debug)]
pub(crate) enum Fast {
    /// `getAttr({ref}, path)`.
    Var(Var),
    /// `substring(x, start, stop, reverse)`.
    Substring { var: Var, start: i64, stop: i64, reverse: bool },
    /// `isValidHostLabel(x, allowSubDomains)`, or `aws.isVirtualHostableS3Bucket` when
    /// `s3`.
    HostLabel { var: Var, sub_domains: bool, s3: bool },
    /// `aws.partition(x)`.
    Partition(Var),
    /// `aws.parseArn(x)`.
    ParseArn(Var),
    /// `parseURL(x)`.
    ParseUrl(Var),
    /// `isSet(x)`, under `not` when `negate`.
    IsSet { var: Var, negate: bool },
    /// `booleanEquals(x, literal)` in either order.
    BoolEq { var: Var, value: bool },
    /// `stringEquals(x, y)`.
    StrEq(Var, Var),
}

impl Fast {
    fn of(expr: &Expr) -> Option<Fast> {
        let Expr::Call(call) = expr else { return None };
        Some(match (&call.func, call.args.as_slice()) {
            (Func::GetAttr(_), [Expr::Ref(_)]) => Fast::Var(Var::of(expr)?),
            (Func::Substring, [x, Expr::Int(start), Expr::Int(stop), Expr::Bool(reverse)]) => {
                Fast::Substring { var: Var::of(x)?, start: *start, stop: *stop, reverse: *reverse }
            }
            (Func::IsValidHostLabel, [x, Expr::Bool(sub_domains)]) => {
                Fast::HostLabel { var: Var::of(x)?, sub_domains: *sub_domains, s3: false }
            }
            (Func::IsVirtualHostableS3Bucket, [x, Expr::Bool(sub_domains)]) => {
                Fast::HostLabel { var: Var::of(x)?, sub_domains: *sub_domains, s3: true }
            }
            (Func::Partition, [x]) => Fast::Partition(Var::of(x)?),
            (Func::ParseArn, [x]) => Fast::ParseArn(Var::of(x)?),
            (Func::ParseUrl, [x]) => Fast::ParseUrl(Var::of(x)?),
            (Func::IsSet, [x]) => Fast::IsSet { var: Var::of(x)?, negate: false },
            (Func::BooleanEquals, [x, Expr::Bool(value)])
            | (Func::BooleanEquals, [Expr::Bool(value), x]) => {
                Fast::BoolEq { var: Var::of(x)?, value: *value }
            }
            (Func::StringEquals, [x, y]) => Fast::StrEq(Var::of(x)?, Var::of(y)?),
            (Func::Not, [inner]) => match Fast::of(inner)? {
                Fast::IsSet { var, negate } => Fast::IsSet { var, negate: !negate },
                _ => return None,
            },
            _ => return None,
        })
    }
}

/// How a condition is checked: the common shapes straight from the slots, everything else
/// evaluated once per resolution into a slot shared by every structurally identical
/// condition (docs/adr/0021).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    /// `booleanEquals({ref}, literal)` in either order, under `not` when `negate`.
    BoolEq { slot: usize, value: bool, negate: bool },
    /// `isSet({ref})`, under `not` when `negate`.
    IsSet { slot: usize, negate: bool },
    /// `stringEquals(x, "literal")` in either order, where `x` is a reference, a one-value
    /// template or a `getAttr` of a reference; under `not` when `negate`.
    StrEq { var: Box<Var>, literal: Box<str>, negate: bool },
    /// Anything else: evaluate the condition into `slot` unless an identical one (same
    /// function, same arguments) already did in this resolution. An `assign` names `slot`;
    /// the expression is `RuleSet::evaluated[slot - parameters]`.
    Memo { slot: usize },
}

impl Test {
    /// The direct test for `expr`, when it has one of the common shapes.
    fn of(expr: &Expr) -> Option<Test> {
        let Expr::Call(call) = expr else { return None };
        match (&call.func, call.args.as_slice()) {
            (Func::Not, [inner]) => match Test::of(inner)? {
                Test::BoolEq { slot, value, negate } => {
                    Some(Test::BoolEq { slot, value, negate: !negate })
                }
                Test::IsSet { slot, negate } => Some(Test::IsSet { slot, negate: !negate }),
                Test::StrEq { var, literal, negate } => {
                    Some(Test::StrEq { var, literal, negate: !negate })
                }
                Test::Memo { .. } => None,
            },
            (Func::IsSet, [Expr::Ref(slot)]) => Some(Test::IsSet { slot: *slot, negate: false }),
            (Func::BooleanEquals, [Expr::Ref(slot), Expr::Bool(value)])
            | (Func::BooleanEquals, [Expr::Bool(value), Expr::Ref(slot)]) => {
                Some(Test::BoolEq { slot: *slot, value: *value, negate: false })
            }
            (Func::StringEquals, [x, Expr::Template(Template::Literal(literal))])
            | (Func::StringEquals, [Expr::Template(Template::Literal(literal)), x]) => {
                let var = Var::of(x)?;
                Some(Test::StrEq { var: Box::new(var), literal: literal.clone(), negate: false })
            }
            _ => None,
        }
    }
}

impl Var {
    /// `x` as a slot and a path, when it is that simple.
    fn of(x: &Expr) -> Option<Var> {
        match x {
            Expr::Ref(slot) => Some(Var { slot: *slot, path: Vec::new() }),
            Expr::Template(Template::Single(v)) => Some(Var { slot: v.slot, path: v.path.clone() }),
            Expr::Call(c) => match (&c.func, c.args.as_slice()) {
                (Func::GetAttr(path), [Expr::Ref(slot)]) => {
                    Some(Var { slot: *slot, path: path.clone() })
                }
                _ => None,
            },
            _ => None,
        }
    }
}

#[derive(Debug)]
pub(crate) enum Body {
    Endpoint(Box<EndpointTemplate>),
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Debug)]
pub(crate) struct EndpointTemplate {
    pub(crate) url: Expr,
    pub(crate) headers: Vec<(Key, Vec<Expr>)>,
    /// The properties, compiled once and shared by every endpoint built from this
    /// template, with a [`Node::Computed`] hole for each value computed per resolution;
    /// `None` when there are none.
    pub(crate) properties: Option<Arc<[(Key, Node)]>>,
    /// The expressions of the holes, in order.
    pub(crate) computed: Vec<Expr>,
    /// About how long the URL and the computed strings are, to allocate once.
    pub(crate) capacity: usize,
}

#[derive(Debug)]
pub(crate) enum Expr {
    Template(Template),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    Ref(usize),
    Call(Box<Call>),
}

#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) func: Func,
    pub(crate) args: Vec<Expr>,
}

#[derive(Debug)]
pub(crate) enum Func {
    IsSet,
    Not,
    GetAttr(Vec<PathSeg>),
    StringEquals,
    BooleanEquals,
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    Partition,
    ParseArn,
    IsVirtualHostableS3Bucket,
    Coalesce,
    Ite,
    Split,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathSeg {
    Key(Attr),
    Index(usize),
}

/// A `getAttr` key, with the names the standard library defines recognised once, when the
/// rule set is compiled, rather than compared as strings on every access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Attr {
    Name,
    DnsSuffix,
    DualStackDnsSuffix,
    SupportsFips,
    SupportsDualStack,
    ImplicitGlobalRegion,
    Scheme,
    Authority,
    Path,
    NormalizedPath,
    IsIp,
    Partition,
    Service,
    Region,
    AccountId,
    ResourceId,
    Other(Box<str>),
}

const ATTRS: [(&str, Attr); 16] = [
    ("name", Attr::Name),
    ("dnsSuffix", Attr::DnsSuffix),
    ("dualStackDnsSuffix", Attr::DualStackDnsSuffix),
    ("supportsFIPS", Attr::SupportsFips),
    ("supportsDualStack", Attr::SupportsDualStack),
    ("implicitGlobalRegion", Attr::ImplicitGlobalRegion),
    ("scheme", Attr::Scheme),
    ("authority", Attr::Authority),
    ("path", Attr::Path),
    ("normalizedPath", Attr::NormalizedPath),
    ("isIp", Attr::IsIp),
    ("partition", Attr::Partition),
    ("service", Attr::Service),
    ("region", Attr::Region),
    ("accountId", Attr::AccountId),
    ("resourceId", Attr::ResourceId),
];

impl Attr {
    pub(crate) fn new(name: &str) -> Attr {
        match ATTRS.iter().find(|(n, _)| *n == name) {
            Some((_, attr)) => attr.clone(),
            None => Attr::Other(Box::from(name)),
        }
    }

    /// The key as the rule set spells it.
    pub(crate) fn name(&self) -> &str {
        match self {
            Attr::Other(name) => name,
            known => ATTRS.iter().find(|(_, a)| a == known).map_or("", |(n, _)| n),
        }
    }
}

#[derive(Debug)]
pub(crate) enum Template {
    /// No placeholders: the text as written (with `{{`/`}}` unescaped).
    Literal(Box<str>),
    /// Exactly one placeholder and nothing else: the value itself, not a copy.
    Single(Var),
    /// Text and placeholders, and about how long they render (computed once).
    Parts { parts: Vec<Part>, capacity: usize },
}

#[derive(Debug)]
pub(crate) enum Part {
    Text(Box<str>),
    Var(Var),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Var {
    pub(crate) slot: usize,
    pub(crate) path: Vec<PathSeg>,
}

impl RuleSet {
    /// The STS rule set shipped with the crate (botocore 1.44.5), compiled once.
    pub fn sts() -> Result<&'static RuleSet> {
        static STS: OnceLock<Result<RuleSet>> = OnceLock::new();
        STS.get_or_init(|| Self::shipped(STS_JSON)).as_ref().map_err(Clone::clone)
    }

    /// The S3 rule set shipped with the crate (botocore 1.44.5), compiled once.
    pub fn s3() -> Result<&'static RuleSet> {
        static S3: OnceLock<Result<RuleSet>> = OnceLock::new();
        S3.get_or_init(|| Self::shipped(S3_JSON)).as_ref().map_err(Clone::clone)
    }

    fn shipped(json: &str) -> Result<RuleSet> {
        Self::compile(json, Partitions::shipped()?)
    }

    /// Loads and checks a rule set (an `endpoint-rule-set-1.json` or the `endpointRuleSet`
    /// trait of a Smithy model), using the partitions shipped with the crate.
    #[cfg(feature = "runtime-rulesets")]
    pub fn from_json(json: &str) -> Result<RuleSet> {
        Self::compile(json, Partitions::shipped()?)
    }

    /// Like [`RuleSet::from_json`], with other partitions (a newer `partitions.json`).
    #[cfg(feature = "runtime-rulesets")]
    pub fn from_json_with_partitions(json: &str, partitions: Arc<Partitions>) -> Result<RuleSet> {
        Self::compile(json, partitions)
    }

    /// The declared parameters, in declaration order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.params
    }

    /// The partitions `aws.partition` reads.
    pub fn partitions(&self) -> &Partitions {
        &self.partitions
    }

    pub(crate) fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    pub(crate) fn compile(json: &str, partitions: Arc<Partitions>) -> Result<RuleSet> {
        Self::compile_with(json, partitions, Jumps::SkipDecided)
    }

    pub(crate) fn compile_with(
        json: &str,
        partitions: Arc<Partitions>,
        jumps: Jumps,
    ) -> Result<RuleSet> {
        let doc: Json =
            serde_json::from_str(json).map_err(|e| invalid("", format!("not JSON: {e}")))?;
        let top = doc.as_object().ok_or_else(|| invalid("", "not a JSON object"))?;
        match top.get("version").and_then(Json::as_str) {
            Some(v) if v == "1" || v.starts_with("1.") => {}
            Some(v) => return Err(invalid("version", format!("unsupported version `{v}`"))),
            None => return Err(invalid("version", "missing")),
        }
        let params = parse_params(top.get("parameters"))?;
        let mut compiler = Compiler {
            scope: HashMap::new(),
            slots: params.len(),
            memo: HashMap::new(),
            evaluated: Vec::new(),
        };
        for (i, p) in params.iter().enumerate() {
            compiler.scope.insert(p.name.clone(), i);
        }
        let rules = top
            .get("rules")
            .and_then(Json::as_array)
            .ok_or_else(|| invalid("rules", "missing or not an array"))?;
        let rules = compiler.rules(rules, "rules")?;
        let always_set = params.iter().map(|p| p.required || p.default.is_some()).collect();
        Ok(RuleSet {
            params,
            program: flatten(rules, always_set, jumps),
            slot_count: compiler.slots,
            evaluated: compiler.evaluated,
            partitions,
            last: RwLock::new(None),
        })
    }
}

impl std::fmt::Debug for RuleSet {
    /// The parameters and the tree's size; the tree itself would be thousands of lines.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("parameters", &self.params)
            .field("instructions", &self.program.len())
            .field("slots", &self.slot_count)
            .finish_non_exhaustive()
    }
}

fn invalid(at: &str, what: impl std::fmt::Display) -> Error {
    if at.is_empty() {
        Error::new(ErrorKind::InvalidRuleSet, what.to_string())
    } else {
        Error::new(ErrorKind::InvalidRuleSet, format!("{at}: {what}"))
    }
}

fn parse_params(json: Option<&Json>) -> Result<Vec<Parameter>> {
    let Some(json) = json else { return Ok(Vec::new()) };
    let map = json.as_object().ok_or_else(|| invalid("parameters", "not an object"))?;
    let mut out = Vec::with_capacity(map.len());
    for (name, decl) in map {
        let at = format!("parameters.{name}");
        let decl = decl.as_object().ok_or_else(|| invalid(&at, "not an object"))?;
        let param_type = match decl.get("type").and_then(Json::as_str) {
            // Smithy accepts the type names in any case (`String`, `Boolean`).
            Some(t) if t.eq_ignore_ascii_case("string") => ParamType::String,
            Some(t) if t.eq_ignore_ascii_case("boolean") => ParamType::Boolean,
            Some(t) if t.eq_ignore_ascii_case("stringArray") => ParamType::StringArray,
            Some(t) => return Err(invalid(&at, format!("unknown type `{t}`"))),
            None => return Err(invalid(&at, "missing `type`")),
        };
        let required = match decl.get("required") {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err(invalid(&at, "`required` is not a boolean")),
        };
        let default = match decl.get("default") {
            None | Some(Json::Null) => None,
            Some(v) => Some(
                param_value(v, param_type)
                    .ok_or_else(|| invalid(&at, "`default` does not have the parameter's type"))?,
            ),
        };
        let built_in = match decl.get("builtIn") {
            None => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => return Err(invalid(&at, "`builtIn` is not a string")),
        };
        out.push(Parameter {
            name: name.clone(),
            param_type,
            required,
            default,
            built_in,
            deprecated: decl.contains_key("deprecated"),
        });
    }
    Ok(out)
}

/// A JSON value as a parameter of type `ty`, if it has that type.
pub(crate) fn param_value(v: &Json, ty: ParamType) -> Option<ParamValue> {
    match (ty, v) {
        (ParamType::String, Json::String(s)) => Some(ParamValue::String(s.clone())),
        (ParamType::Boolean, Json::Bool(b)) => Some(ParamValue::Bool(*b)),
        (ParamType::StringArray, Json::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::StringArray),
        _ => None,
    }
}

/// Nesting deeper than this is refused, so hostile JSON cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

struct Compiler {
    /// Names visible here: parameters and the assignments of enclosing conditions.
    scope: HashMap<String, usize>,
    slots: usize,
    /// The slot of each evaluated condition, by its structure (function and arguments,
    /// with references already resolved to slots).
    memo: HashMap<String, usize>,
    /// The evaluated conditions, by slot (after the parameters' slots).
    evaluated: Vec<Evaluated>,
}

impl Compiler {
    /// The slot for the value of condition `expr`: the same for structurally identical
    /// conditions, whatever they assign to. Their arguments read the same slots, each
    /// written at most once per resolution, so they have the same value wherever they are
    /// evaluated and it is computed once.
    fn memo_slot(&mut self, expr: Expr) -> usize {
        let (slots, evaluated) = (&mut self.slots, &mut self.evaluated);
        *self.memo.entry(format!("{expr:?}")).or_insert_with(|| {
            evaluated.push(Evaluated { fast: Fast::of(&expr), expr });
            *slots += 1;
            *slots - 1
        })
    }

    fn rules(&mut self, rules: &[Json], at: &str) -> Result<Vec<Rule>> {
        if at.matches('[').count() > MAX_DEPTH {
            return Err(invalid(at, "rules nested too deeply"));
        }
        rules.iter().enumerate().map(|(i, r)| self.rule(r, &format!("{at}[{i}]"))).collect()
    }

    fn rule(&mut self, rule: &Json, at: &str) -> Result<Rule> {
        let obj = rule.as_object().ok_or_else(|| invalid(at, "a rule is not an object"))?;
        let conds = match obj.get("conditions") {
            None => &[][..],
            Some(c) => c.as_array().ok_or_else(|| invalid(at, "`conditions` is not an array"))?,
        };
        // Names assigned here are visible to later conditions and the body only.
        let mut added = Vec::new();
        let result = self.rule_inner(obj, conds, at, &mut added);
        for name in added {
            self.scope.remove(&name);
        }
        result
    }

    fn rule_inner(
        &mut self,
        obj: &Map<String, Json>,
        conds: &[Json],
        at: &str,
        added: &mut Vec<String>,
    ) -> Result<Rule> {
        let mut conditions = Vec::with_capacity(conds.len());
        for (i, c) in conds.iter().enumerate() {
            let cat = format!("{at}.conditions[{i}]");
            let cobj = c.as_object().ok_or_else(|| invalid(&cat, "not an object"))?;
            if !cobj.contains_key("fn") {
                return Err(invalid(&cat, "a condition must be a function call"));
            }
            let expr = self.expr(c, &cat, 0)?;
            let assign = match cobj.get("assign") {
                None => None,
                Some(Json::String(name)) => {
                    if self.scope.contains_key(name) {
                        return Err(invalid(&cat, format!("`{name}` is already defined")));
                    }
                    Some(name)
                }
                Some(_) => return Err(invalid(&cat, "`assign` is not a string")),
            };
            let test = match assign.is_none().then(|| Test::of(&expr)).flatten() {
                Some(direct) => direct,
                None => Test::Memo { slot: self.memo_slot(expr) },
            };
            if let (Some(name), Test::Memo { slot }) = (assign, &test) {
                self.scope.insert(name.clone(), *slot);
                added.push(name.clone());
            }
            conditions.push(test);
        }
        let kind =
            obj.get("type").and_then(Json::as_str).ok_or_else(|| invalid(at, "missing `type`"))?;
        let body = match kind {
            "endpoint" => {
                let e = obj.get("endpoint").ok_or_else(|| invalid(at, "missing `endpoint`"))?;
                Body::Endpoint(Box::new(self.endpoint(e, &format!("{at}.endpoint"))?))
            }
            "error" => {
                let e = obj.get("error").ok_or_else(|| invalid(at, "missing `error`"))?;
                Body::Error(self.expr(e, &format!("{at}.error"), 0)?)
            }
            "tree" => {
                let rules = obj
                    .get("rules")
                    .and_then(Json::as_array)
                    .ok_or_else(|| invalid(at, "missing `rules`"))?;
                Body::Tree(self.rules(rules, &format!("{at}.rules"))?)
            }
            other => return Err(invalid(at, format!("unknown rule type `{other}`"))),
        };
        Ok(Rule { conditions, body })
    }

    fn endpoint(&mut self, e: &Json, at: &str) -> Result<EndpointTemplate> {
        let obj = e.as_object().ok_or_else(|| invalid(at, "not an object"))?;
        let url = obj.get("url").ok_or_else(|| invalid(at, "missing `url`"))?;
        let url = self.expr(url, &format!("{at}.url"), 0)?;
        let mut headers = Vec::new();
        if let Some(h) = obj.get("headers") {
            let h = h.as_object().ok_or_else(|| invalid(at, "`headers` is not an object"))?;
            for (name, values) in h {
                let hat = format!("{at}.headers.{name}");
                let values = values.as_array().ok_or_else(|| invalid(&hat, "not an array"))?;
                let values = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.expr(v, &format!("{hat}[{i}]"), 0))
                    .collect::<Result<Vec<_>>>()?;
                headers.push((Key::new(name), values));
            }
        }
        let mut properties = Vec::new();
        let mut computed = Vec::new();
        if let Some(p) = obj.get("properties") {
            let p = p.as_object().ok_or_else(|| invalid(at, "`properties` is not an object"))?;
            for (name, value) in p {
                let value =
                    self.prop(value, &format!("{at}.properties.{name}"), 0, &mut computed)?;
                properties.push((Key::new(name), value));
            }
        }
        let properties = (!properties.is_empty()).then(|| Arc::from(properties));
        let capacity = match &url {
            Expr::Template(Template::Parts { capacity, .. }) => *capacity,
            _ => 64,
        } + 24 * computed.len();
        Ok(EndpointTemplate { url, headers, properties, computed, capacity })
    }

    /// A property value: constants as they are, everything else a hole whose expression
    /// is pushed to `computed`.
    fn prop(&mut self, v: &Json, at: &str, depth: usize, computed: &mut Vec<Expr>) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(invalid(at, "properties nested too deeply"));
        }
        Ok(match v {
            Json::Null => Node::Null,
            Json::Array(items) => Node::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.prop(x, &format!("{at}[{i}]"), depth + 1, computed))
                    .collect::<Result<_>>()?,
            ),
            Json::Object(map) if !map.contains_key("ref") && !map.contains_key("fn") => {
                let mut entries = Vec::with_capacity(map.len());
                for (k, x) in map {
                    let x = self.prop(x, &format!("{at}.{k}"), depth + 1, computed)?;
                    entries.push((Key::new(k), x));
                }
                Node::Object(entries)
            }
            other => match self.expr(other, at, depth)? {
                Expr::Template(Template::Literal(s)) => Node::Str(s),
                Expr::Bool(b) => Node::Bool(b),
                Expr::Int(n) => Node::Number(n),
                expr => {
                    computed.push(expr);
                    Node::Computed(computed.len() - 1)
                }
            },
        })
    }

    fn expr(&mut self, v: &Json, at: &str, depth: usize) -> Result<Expr> {
        if depth > MAX_DEPTH {
            return Err(invalid(at, "expressions nested too deeply"));
        }
        Ok(match v {
            Json::String(s) => Expr::Template(self.template(s, at)?),
            Json::Bool(b) => Expr::Bool(*b),
            Json::Number(n) => Expr::Int(
                n.as_i64().ok_or_else(|| invalid(at, format!("`{n}` is not an integer")))?,
            ),
            Json::Array(items) => Expr::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.expr(x, &format!("{at}[{i}]"), depth + 1))
                    .collect::<Result<_>>()?,
            ),
            Json::Null => return Err(invalid(at, "null is not an expression")),
            Json::Object(map) => {
                if let Some(r) = map.get("ref") {
                    let name = r.as_str().ok_or_else(|| invalid(at, "`ref` is not a string"))?;
                    Expr::Ref(self.lookup(name, at)?)
                } else if let Some(f) = map.get("fn") {
                    let name = f.as_str().ok_or_else(|| invalid(at, "`fn` is not a string"))?;
                    let argv = map
                        .get("argv")
                        .and_then(Json::as_array)
                        .ok_or_else(|| invalid(at, format!("`{name}` has no `argv` array")))?;
                    Expr::Call(Box::new(self.call(name, argv, at, depth)?))
                } else {
                    return Err(invalid(at, "an object expression needs `ref` or `fn`"));
                }
            }
        })
    }

    fn call(&mut self, name: &str, argv: &[Json], at: &str, depth: usize) -> Result<Call> {
        let at = format!("{at}.{name}");
        let arity = |n: usize| -> Result<()> {
            if argv.len() == n {
                Ok(())
            } else {
                Err(invalid(&at, format!("takes {n} argument(s), got {}", argv.len())))
            }
        };
        let func = match name {
            "isSet" => (arity(1)?, Func::IsSet).1,
            "not" => (arity(1)?, Func::Not).1,
            "stringEquals" => (arity(2)?, Func::StringEquals).1,
            "booleanEquals" => (arity(2)?, Func::BooleanEquals).1,
            "substring" => (arity(4)?, Func::Substring).1,
            "uriEncode" => (arity(1)?, Func::UriEncode).1,
            "parseURL" => (arity(1)?, Func::ParseUrl).1,
            "isValidHostLabel" => (arity(2)?, Func::IsValidHostLabel).1,
            "aws.partition" => (arity(1)?, Func::Partition).1,
            "aws.parseArn" => (arity(1)?, Func::ParseArn).1,
            "aws.isVirtualHostableS3Bucket" => (arity(2)?, Func::IsVirtualHostableS3Bucket).1,
            "ite" => (arity(3)?, Func::Ite).1,
            "split" => (arity(3)?, Func::Split).1,
            "coalesce" => {
                if argv.len() < 2 {
                    return Err(invalid(&at, "takes at least 2 arguments"));
                }
                Func::Coalesce
            }
            "getAttr" => {
                arity(2)?;
                let path = argv
                    .get(1)
                    .and_then(Json::as_str)
                    .ok_or_else(|| invalid(&at, "the path must be a string literal"))?;
                let path = parse_path(path).map_err(|e| invalid(&at, e))?;
                let target = argv.first().ok_or_else(|| invalid(&at, "no target"))?;
                let target = self.expr(target, &format!("{at}.argv[0]"), depth + 1)?;
                return Ok(Call { func: Func::GetAttr(path), args: vec![target] });
            }
            other => return Err(invalid(&at, format!("unknown function `{other}`"))),
        };
        let args = argv
            .iter()
            .enumerate()
            .map(|(i, a)| self.expr(a, &format!("{at}.argv[{i}]"), depth + 1))
            .collect::<Result<Vec<_>>>()?;
        Ok(Call { func, args })
    }

    fn lookup(&self, name: &str, at: &str) -> Result<usize> {
        self.scope
            .get(name)
            .copied()
            .ok_or_else(|| invalid(at, format!("`{name}` is not defined here")))
    }

    fn template(&mut self, s: &str, at: &str) -> Result<Template> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|x| x.1) == Some('{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().map(|x| x.1) == Some('}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let rest = s.get(i + 1..).unwrap_or("");
                    let close = rest
                        .find('}')
                        .ok_or_else(|| invalid(at, format!("unclosed `{{` in template `{s}`")))?;
                    let inner = rest.get(..close).unwrap_or("");
                    for _ in 0..inner.chars().count() + 1 {
                        chars.next();
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text).into_boxed_str()));
                    }
                    parts.push(Part::Var(self.var(inner, at, s)?));
                }
                '}' => return Err(invalid(at, format!("unmatched `}}` in template `{s}`"))),
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text.into_boxed_str()));
        }
        Ok(match parts.len() {
            0 => Template::Literal(Box::from("")),
            1 => match parts.pop() {
                Some(Part::Text(t)) => Template::Literal(t),
                Some(Part::Var(v)) => Template::Single(v),
                None => Template::Literal(Box::from("")),
            },
            _ => {
                // The text, and room for a typical value (a region, a bucket) per placeholder.
                let capacity = parts
                    .iter()
                    .map(|p| match p {
                        Part::Text(t) => t.len(),
                        Part::Var(_) => 24,
                    })
                    .sum();
                Template::Parts { parts, capacity }
            }
        })
    }

    fn var(&self, inner: &str, at: &str, template: &str) -> Result<Var> {
        let (name, path) = match inner.split_once('#') {
            Some((n, p)) => (n, parse_path(p).map_err(|e| invalid(at, e))?),
            None => (inner, Vec::new()),
        };
        if name.is_empty() {
            return Err(invalid(at, format!("empty placeholder in template `{template}`")));
        }
        Ok(Var { slot: self.lookup(name, at)?, path })
    }
}

/// Parses a `getAttr` path: `a.b[2]`; an index may only end a segment.
fn parse_path(path: &str) -> std::result::Result<Vec<PathSeg>, String> {
    let mut out = Vec::new();
    for (n, segment) in path.split('.').enumerate() {
        let (key, index) = match segment.find('[') {
            Some(open) => {
                let idx = segment
                    .get(open + 1..)
                    .and_then(|s| s.strip_suffix(']'))
                    .and_then(|s| s.parse::<usize>().ok())
                    .ok_or_else(|| format!("bad index in getAttr path `{path}`"))?;
                (segment.get(..open).unwrap_or(""), Some(idx))
            }
            None => (segment, None),
        };
        if key.is_empty() && (index.is_none() || n > 0) {
            return Err(format!("empty segment in getAttr path `{path}`"));
        }
        if !key.is_empty() {
            out.push(PathSeg::Key(Attr::new(key)));
        }
        if let Some(i) = index {
            out.push(PathSeg::Index(i));
        }
    }
    Ok(out)
}

/// A rule set for tests: `count` error rules (`rule {i}`) whose conditions `conditions(i)`
/// gives as JSON, then an endpoint rule `https://{Region}.example.com`.
#[cfg(test)]
pub(crate) fn synthetic_rule_set(
    count: usize,
    conditions: impl Fn(usize) -> String,
    parameters: &str,
) -> String {
    let mut rules: Vec<String> = (0..count)
        .map(|i| {
            let c = conditions(i);
            format!(r#"{{"type": "error", "error": "rule {i}", "conditions": [{c}]}}"#)
        })
        .collect();
    rules.push(
        r#"{"type": "endpoint", "endpoint": {"url": "https://{Region}.example.com"}}"#.to_owned(),
    );
    format!(
        r#"{{"version": "1.0", "parameters": {{{parameters}}}, "rules": [{}]}}"#,
        rules.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("a.b[2]").unwrap(),
            [
                PathSeg::Key(Attr::new("a")),
                PathSeg::Key(Attr::Other("b".into())),
                PathSeg::Index(2)
            ]
        );
        assert_eq!(parse_path("[0]").unwrap(), [PathSeg::Index(0)]);
        for bad in ["", "a..b", "a[x]", "a[1", "a.[1]"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shipped_rule_sets_compile() {
        assert_eq!(RuleSet::sts().unwrap().parameters().len(), 5);
        assert!(RuleSet::s3().unwrap().slot_count > 17);
    }
}
