//! Evaluating a compiled rule set: running its flattened program (`crate::flatten`).
//!
//! Values borrow from the parameters, the rule set and earlier conditions instead of
//! copying: every distinct evaluated condition has its own slot (shared by the conditions
//! identical to it and named by their `assign`s), written at most once per resolution.
//! A slot holds a small value inline and borrows the others (strings built for the
//! resolution, parsed ARNs and URLs, lists) from a per-resolution arena of `OnceCell`s, so
//! the slots are plain `Cell`s of a `Copy` type that cost nothing to drop
//! (docs/adr/0021).

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::fmt::Write as _;
use std::sync::Arc;

use crate::endpoint::{Computed, Endpoint, Key, Leaf, Node};
use crate::error::{Error, ErrorKind, Result};
use crate::flatten::Insn;
use crate::params::Params;
use crate::partition::{OutputValue, PartitionOutputs, Partitions};
use crate::ruleset::{
    Attr, Call, EndpointTemplate, Evaluated, Expr, Fast, Func, ParamValue, Part, PathSeg, RuleSet,
    Template, Test, Var,
};
use crate::stdlib::{self, ARN_IDS, ArnParts, UrlParts};

#[derive(Debug, Clone)]
enum Value<'s> {
    None,
    Bool(bool),
    Int(i64),
    Str(&'s str),
    String(String),
    Strings(&'s [String]),
    List(Vec<Value<'s>>),
    Partition(usize),
    Url(Box<(Cow<'s, str>, UrlParts)>),
    Arn(Box<(Cow<'s, str>, ArnParts)>),
    /// A value held by a slot, borrowed rather than copied.
    Ref(&'s Value<'s>),
}

impl<'s> Value<'s> {
    // Inlined: called on nearly every condition, and the call cost as much as the match.
    #[inline]
    fn text(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::String(s) => Some(s),
            Value::Ref(r) => r.referenced_text(),
            _ => None,
        }
    }

    fn referenced_text(&self) -> Option<&str> {
        self.text()
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Ref(r) => r.boolean(),
            _ => None,
        }
    }

    fn int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Ref(r) => r.int(),
            _ => None,
        }
    }

    /// A cheap view of a slot's value: small values are copied, the rest borrowed.
    fn view(&'s self) -> Value<'s> {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Str(s) => Value::Str(s),
            Value::String(s) => Value::Str(s),
            Value::Strings(a) => Value::Strings(a),
            Value::Partition(i) => Value::Partition(*i),
            Value::Ref(r) => Value::Ref(r),
            Value::List(_) | Value::Url(_) | Value::Arn(_) => Value::Ref(self),
        }
    }

    /// The same value owning everything it refers to.
    fn detach(self) -> Value<'static> {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Partition(i) => Value::Partition(i),
            Value::Str(s) => Value::String(s.to_owned()),
            Value::String(s) => Value::String(s),
            Value::Strings(a) => Value::List(a.iter().map(|s| Value::String(s.clone())).collect()),
            Value::List(items) => Value::List(items.into_iter().map(Value::detach).collect()),
            Value::Url(u) => {
                let (src, parts) = *u;
                Value::Url(Box::new((Cow::Owned(src.into_owned()), parts)))
            }
            Value::Arn(a) => {
                let (src, parts) = *a;
                Value::Arn(Box::new((Cow::Owned(src.into_owned()), parts)))
            }
            Value::Ref(r) => r.clone().detach(),
        }
    }

    /// A piece of this string value: borrowed if the value is borrowed, else copied.
    fn slice(&self, range: std::ops::Range<usize>) -> Value<'s> {
        match self {
            Value::Str(s) => match s.get(range) {
                Some(s) => Value::Str(s),
                None => Value::None,
            },
            Value::String(s) => match s.get(range) {
                Some(s) => Value::String(s.to_owned()),
                None => Value::None,
            },
            _ => Value::None,
        }
    }

    /// Keeps the string's ownership: a borrowed string stays borrowed.
    fn into_cow(self) -> Option<Cow<'s, str>> {
        match self {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            Value::String(s) => Some(Cow::Owned(s)),
            _ => None,
        }
    }
}

#[inline(always)]
fn param_slot(v: &ParamValue) -> Slot<'_> {
    match v {
        ParamValue::String(s) => Slot::Str(s),
        ParamValue::Bool(b) => Slot::Bool(*b),
        ParamValue::StringArray(a) => Slot::Strings(a),
    }
}

fn truthy(v: &Value<'_>) -> bool {
    !matches!(v, Value::None | Value::Bool(false))
}

/// What a slot holds: values without data of their own inline, the others kept in the
/// resolution's [`Arena`] and borrowed. `Copy`, so the slot array needs no dropping.
#[derive(Debug, Clone, Copy)]
enum Slot<'s> {
    /// Not evaluated (a condition) or not given (a parameter).
    Unset,
    None,
    Bool(bool),
    Int(i64),
    Str(&'s str),
    Strings(&'s [String]),
    Partition(usize),
    /// A string, list, URL or ARN, in the arena or in another slot's value.
    Kept(&'s Value<'s>),
}

impl<'s> Slot<'s> {
    /// A cheap view of the value: small values are copied, the rest borrowed.
    #[inline]
    fn value(self) -> Value<'s> {
        match self {
            Slot::Unset | Slot::None => Value::None,
            Slot::Bool(b) => Value::Bool(b),
            Slot::Int(i) => Value::Int(i),
            Slot::Str(s) => Value::Str(s),
            Slot::Strings(a) => Value::Strings(a),
            Slot::Partition(i) => Value::Partition(i),
            Slot::Kept(v) => v.view(),
        }
    }

    #[inline]
    fn text(self) -> Option<&'s str> {
        match self {
            Slot::Str(s) => Some(s),
            Slot::Kept(v) => v.text(),
            _ => None,
        }
    }
}

/// Slots of evaluated values that own data: some inline, the rest in one heap block made
/// on first need, as large as the number of evaluated conditions (each slot is written
/// once, so that many always suffice).
struct Arena<'s> {
    inline: [OnceCell<Value<'s>>; ARENA_INLINE],
    more: OnceCell<Box<[OnceCell<Value<'s>>]>>,
    /// How many values are kept.
    used: Cell<usize>,
}

/// An access-point ARN keeps one value (the parsed ARN); a few more cover the other S3
/// paths without touching the heap.
const ARENA_INLINE: usize = 4;

impl<'s> Arena<'s> {
    fn new() -> Self {
        Arena {
            inline: std::array::from_fn(|_| OnceCell::new()),
            more: OnceCell::new(),
            used: Cell::new(0),
        }
    }

    /// Keeps `value` for the rest of the resolution; `bound` is the most values ever kept.
    fn keep(&'s self, value: Value<'s>, bound: usize) -> Slot<'s> {
        let n = self.used.get();
        self.used.set(n + 1);
        let cell = match self.inline.get(n) {
            Some(cell) => cell,
            None => {
                let more = self.more.get_or_init(|| {
                    let extra = bound.saturating_sub(ARENA_INLINE);
                    (0..extra).map(|_| OnceCell::new()).collect()
                });
                match more.get(n - ARENA_INLINE) {
                    Some(cell) => cell,
                    // Not reached: every evaluated slot keeps at most one value.
                    None => return Slot::None,
                }
            }
        };
        Slot::Kept(cell.get_or_init(|| value))
    }
}

enum Outcome {
    Endpoint(Endpoint),
    Error(String),
}

impl RuleSet {
    /// Resolves the endpoint for `params`.
    ///
    /// Fails with [`ErrorKind::Rule`] when the rule set answers with an error rule (the
    /// message is the rule set's own), [`ErrorKind::MissingParameter`] when a required
    /// parameter has neither a value nor a default, and [`ErrorKind::WrongRuleSet`] when
    /// `params` were made by another rule set.
    ///
    /// The last successful result is kept: resolving parameters equal to the last ones
    /// returns it without evaluating (the rule set is immutable, so it cannot be stale).
    pub fn resolve(&self, params: &Params<'_>) -> Result<Endpoint> {
        if !std::ptr::eq(params.ruleset, self) {
            return Err(Error::new(
                ErrorKind::WrongRuleSet,
                "make the parameters with this rule set's `params()`",
            ));
        }
        if let Ok(last) = self.last.read() {
            if let Some((values, endpoint)) = last.as_ref() {
                if Arc::ptr_eq(values, &params.values) || **values == *params.values {
                    return Ok(endpoint.clone());
                }
            }
        }
        let endpoint = self.evaluate(params)?;
        // Never wait for the lock: another thread storing its result is as good.
        if let Ok(mut last) = self.last.try_write() {
            *last = Some((Arc::clone(&params.values), endpoint.clone()));
        }
        Ok(endpoint)
    }

    fn evaluate(&self, params: &Params<'_>) -> Result<Endpoint> {
        // The shipped rule sets need 9 (STS) and 70 (S3) slots: those live on the stack, in
        // an array at most 7 cells larger than needed. Every cell is set up on every
        // resolution (cells need no dropping), so the tiers are close together.
        match self.slot_count {
            0..=16 => self.evaluate_on_stack::<16>(params),
            17..=24 => self.evaluate_on_stack::<24>(params),
            25..=32 => self.evaluate_on_stack::<32>(params),
            33..=40 => self.evaluate_on_stack::<40>(params),
            41..=48 => self.evaluate_on_stack::<48>(params),
            49..=56 => self.evaluate_on_stack::<56>(params),
            57..=64 => self.evaluate_on_stack::<64>(params),
            65..=72 => self.evaluate_on_stack::<72>(params),
            73..=80 => self.evaluate_on_stack::<80>(params),
            81..=88 => self.evaluate_on_stack::<88>(params),
            89..=96 => self.evaluate_on_stack::<96>(params),
            n => {
                let arena = Arena::new();
                let slots: Vec<Cell<Slot<'_>>> = vec![Cell::new(Slot::Unset); n];
                self.evaluate_in(params, &slots, &arena)
            }
        }
    }

    fn evaluate_on_stack<const N: usize>(&self, params: &Params<'_>) -> Result<Endpoint> {
        let arena = Arena::new();
        let slots: [Cell<Slot<'_>>; N] = std::array::from_fn(|_| Cell::new(Slot::Unset));
        self.evaluate_in(params, slots.get(..self.slot_count).unwrap_or(&slots), &arena)
    }

    fn evaluate_in<'s>(
        &'s self,
        params: &'s Params<'_>,
        slots: &'s [Cell<Slot<'s>>],
        arena: &'s Arena<'s>,
    ) -> Result<Endpoint> {
        // `params` were made by this rule set (checked), so they have one value per parameter.
        if params.values.len() != self.params.len() {
            return Err(Error::new(ErrorKind::WrongRuleSet, "parameters of another rule set"));
        }
        for (i, (given, cell)) in params.values.iter().zip(slots).enumerate() {
            let value = match given {
                Some(v) => param_slot(v),
                None => match self.params.get(i) {
                    Some(decl) => match decl.default_value() {
                        Some(v) => param_slot(v),
                        None if decl.is_required() => {
                            return Err(Error::new(
                                ErrorKind::MissingParameter,
                                format!("`{}` is required and has no default", decl.name()),
                            ));
                        }
                        None => continue,
                    },
                    None => continue,
                },
            };
            cell.set(value);
        }
        let eval = Eval {
            partitions: &self.partitions,
            slots,
            arena,
            evaluated: &self.evaluated,
            first_evaluated: self.params.len(),
        };
        match eval.run(&self.program)? {
            Some(Outcome::Endpoint(e)) => Ok(e),
            Some(Outcome::Error(message)) => Err(Error::new(ErrorKind::Rule, message)),
            None => Err(Error::new(
                ErrorKind::NoRuleMatched,
                "the rule set has no rule for these parameters",
            )),
        }
    }
}

struct Eval<'s> {
    partitions: &'s Partitions,
    slots: &'s [Cell<Slot<'s>>],
    arena: &'s Arena<'s>,
    /// The evaluated conditions, for slots from `first_evaluated` on.
    evaluated: &'s [Evaluated],
    first_evaluated: usize,
}

fn eval_error(what: impl Into<String>) -> Error {
    Error::new(ErrorKind::Evaluation, what)
}

impl<'s> Eval<'s> {
    /// Runs the flattened rules (docs/adr/0021) until an endpoint or error rule matches.
    fn run(&self, program: &'s [Insn]) -> Result<Option<Outcome>> {
        let mut pc = 0;
        // Every jump goes forward, so this ends; the bound is for safety only.
        for _ in 0..=program.len() {
            match program.get(pc) {
                Some(Insn::Check { test, pass, fail }) => {
                    pc = if self.check(test)? { *pass } else { *fail } as usize;
                }
                Some(Insn::Jump(to)) => pc = *to,
                Some(Insn::Endpoint(t)) => return Ok(Some(Outcome::Endpoint(self.endpoint(t)?))),
                Some(Insn::Error(message)) => {
                    return Ok(Some(Outcome::Error(self.string(message)?)));
                }
                Some(Insn::NoMatch) | None => return Ok(None),
            }
        }
        Ok(None)
    }

    fn check(&self, test: &'s Test) -> Result<bool> {
        Ok(match test {
            Test::BoolEq { slot, value, negate } => match self.slot(*slot) {
                Slot::Bool(b) => (b == *value) != *negate,
                _ => false,
            },
            Test::IsSet { slot, negate } => {
                let set = !matches!(self.slot(*slot), Slot::Unset);
                set != *negate
            }
            Test::StrEq { var, literal, negate } if var.path.is_empty() => {
                match self.slot(var.slot).text() {
                    Some(t) => (t == &**literal) != *negate,
                    None => false,
                }
            }
            Test::StrEq { var, literal, negate } => {
                self.with_text(var, |text| text.is_some_and(|t| (t == &**literal) != *negate))
            }
            Test::Memo { slot } => {
                let Some(cell) = self.slots.get(*slot) else { return Ok(false) };
                match cell.get() {
                    Slot::Unset => {
                        let evaluated = slot.checked_sub(self.first_evaluated);
                        let value = match evaluated.and_then(|i| self.evaluated.get(i)) {
                            Some(Evaluated { fast: Some(fast), .. }) => self.fast(fast),
                            Some(Evaluated { expr, .. }) => self.expr(expr)?,
                            None => Value::None,
                        };
                        let passed = truthy(&value);
                        cell.set(self.store(value));
                        passed
                    }
                    Slot::None | Slot::Bool(false) => false,
                    _ => true,
                }
            }
        })
    }

    /// A `Fast` condition's value: the same as evaluating its expression.
    fn fast(&self, fast: &'s Fast) -> Value<'s> {
        match fast {
            Fast::Var(var) => self.var(var),
            Fast::Substring { var, start, stop, reverse } => {
                let cut = |s: &str| stdlib::substring(s, *start, *stop, *reverse);
                if let Some(text) = self.borrowed_text(var) {
                    return match text.and_then(|s| s.get(cut(s)?)) {
                        Some(piece) => Value::Str(piece),
                        None => Value::None,
                    };
                }
                let input = self.var(var);
                match input.text().and_then(cut) {
                    Some(range) => input.slice(range),
                    None => Value::None,
                }
            }
            Fast::HostLabel { var, sub_domains, s3 } => self.with_text(var, |text| match text {
                Some(s) if *s3 => {
                    Value::Bool(stdlib::is_virtual_hostable_s3_bucket(s, *sub_domains))
                }
                Some(s) => Value::Bool(stdlib::is_valid_host_label(s, *sub_domains)),
                None => Value::None,
            }),
            Fast::Partition(var) => {
                self.with_text(var, |text| match text.and_then(|r| self.partitions.find_index(r)) {
                    Some(i) => Value::Partition(i),
                    None => Value::None,
                })
            }
            Fast::ParseArn(var) => parsed(self.var(var), stdlib::parse_arn, Value::Arn),
            Fast::ParseUrl(var) => parsed(self.var(var), stdlib::parse_url, Value::Url),
            Fast::BoolEq { var, value } => match self.var(var).boolean() {
                Some(b) => Value::Bool(b == *value),
                None => Value::None,
            },
            Fast::StrEq(a, b) => self.with_text(a, |a| {
                self.with_text(b, |b| match (a, b) {
                    (Some(a), Some(b)) => Value::Bool(a == b),
                    _ => Value::None,
                })
            }),
            Fast::IsSet { var, negate } => {
                Value::Bool(!matches!(self.var(var), Value::None) != *negate)
            }
        }
    }

    /// Builds the endpoint: the URL and the text of computed property values go into one
    /// string; the constant properties are shared with the template.
    fn endpoint(&self, t: &'s EndpointTemplate) -> Result<Endpoint> {
        let mut text = String::with_capacity(t.capacity);
        self.push_string(&t.url, &mut text)?;
        let url_len = text.len();
        let mut computed = Computed::new(text);
        for (n, expr) in t.computed.iter().enumerate() {
            let leaf = self.leaf(expr, &mut computed)?;
            computed.push(n, leaf);
        }
        if !t.headers.is_empty() {
            let mut headers = Vec::with_capacity(t.headers.len());
            for (name, values) in &t.headers {
                let values = values.iter().map(|v| self.string(v)).collect::<Result<_>>()?;
                headers.push((name.clone(), values));
            }
            computed.set_headers(headers);
        }
        Ok(Endpoint::new(url_len, t.properties.clone(), computed))
    }

    /// A computed property value; strings are appended to `text`.
    fn leaf(&self, expr: &'s Expr, computed: &mut Computed) -> Result<Leaf> {
        let start = computed.text.len();
        let value = match expr {
            Expr::Template(Template::Parts { parts, .. }) => {
                self.render_into(parts, &mut computed.text)?;
                return computed.text_leaf(start).ok_or_else(too_long);
            }
            Expr::Template(Template::Single(var)) => self.var(var),
            e => self.expr(e)?,
        };
        Ok(match value.text() {
            Some(s) => {
                computed.text.push_str(s);
                computed.text_leaf(start).ok_or_else(too_long)?
            }
            None => match node(self.partitions, value) {
                Node::Null => Leaf::Null,
                Node::Bool(b) => Leaf::Bool(b),
                Node::Number(n) => Leaf::Number(n),
                other => Leaf::Node(Box::new(other)),
            },
        })
    }

    #[inline]
    fn slot(&self, slot: usize) -> Slot<'s> {
        self.slots.get(slot).map_or(Slot::Unset, Cell::get)
    }

    /// A value as a slot holds it: owned data goes to the arena.
    fn store(&self, value: Value<'s>) -> Slot<'s> {
        match value {
            Value::None => Slot::None,
            Value::Bool(b) => Slot::Bool(b),
            Value::Int(i) => Slot::Int(i),
            Value::Str(s) => Slot::Str(s),
            Value::Strings(a) => Slot::Strings(a),
            Value::Partition(i) => Slot::Partition(i),
            Value::Ref(r) => Slot::Kept(r),
            owned => self.arena.keep(owned, self.evaluated.len()),
        }
    }

    fn read(&self, slot: usize) -> Value<'s> {
        self.slot(slot).value()
    }

    fn expr(&self, expr: &'s Expr) -> Result<Value<'s>> {
        Ok(match expr {
            Expr::Template(t) => self.template(t)?,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Ref(slot) => self.read(*slot),
            Expr::Array(items) => {
                Value::List(items.iter().map(|i| self.expr(i)).collect::<Result<_>>()?)
            }
            Expr::Call(call) => self.call(call)?,
        })
    }

    fn template(&self, t: &'s Template) -> Result<Value<'s>> {
        Ok(match t {
            Template::Literal(s) => Value::Str(s),
            Template::Single(var) => self.var(var),
            Template::Parts { parts, capacity } => Value::String(self.render(parts, *capacity)?),
        })
    }

    fn var(&self, var: &'s Var) -> Value<'s> {
        let slot = self.slot(var.slot);
        match (var.path.as_slice(), slot) {
            (_, Slot::Unset) => return Value::None,
            ([], _) => return slot.value(),
            // The common one-key reads, without the general stepping.
            ([PathSeg::Key(key)], Slot::Partition(i)) => {
                return self.partitions.get(i).map_or(Value::None, |p| partition_attr(p, key));
            }
            ([PathSeg::Key(key)], Slot::Kept(value @ Value::Arn(arn))) => {
                // The ARN lives as long as the resolution: borrow its text even when owned.
                let Some(field) = arn_field(&arn.1, key) else {
                    return self.step_var(value, var);
                };
                return arn.0.get(field.clone()).map_or(Value::None, Value::Str);
            }
            ([_, ..], Slot::Kept(value)) => return self.step_var(value, var),
            _ => {}
        }
        self.step_var(&slot.value(), var)
    }

    /// The text of `var` when it can be had without building a value: a parameter or
    /// evaluated string, a field of a parsed ARN or of a partition. `Some(None)` when it is
    /// unset or not a string; `None` when only evaluating `var` can tell.
    #[inline(always)]
    fn borrowed_text(&self, var: &'s Var) -> Option<Option<&'s str>> {
        let slot = self.slot(var.slot);
        match (var.path.as_slice(), slot) {
            ([], _) => Some(slot.text()),
            (_, Slot::Unset) => Some(None),
            ([PathSeg::Key(key)], Slot::Kept(Value::Arn(arn))) => {
                let field = arn_field(&arn.1, key)?;
                Some(arn.0.get(field.clone()))
            }
            ([PathSeg::Key(key)], Slot::Partition(i)) => {
                let outputs = self.partitions.get(i)?;
                match partition_attr(outputs, key) {
                    Value::Str(s) => Some(Some(s)),
                    _ => Some(None),
                }
            }
            _ => None,
        }
    }

    /// Calls `f` with the text of `var`, building its value only when that is needed.
    #[inline]
    fn with_text<R>(&self, var: &'s Var, f: impl FnOnce(Option<&str>) -> R) -> R {
        match self.borrowed_text(var) {
            Some(text) => f(text),
            None => f(self.var(var).text()),
        }
    }

    fn step_var(&self, value: &Value<'s>, var: &'s Var) -> Value<'s> {
        // Step from the slot's value itself rather than from a view of it.
        let (next, used) = step(self.partitions, value, &var.path);
        match var.path.get(used..) {
            Some(rest) if !rest.is_empty() => attr(self.partitions, next, rest),
            _ => next,
        }
    }

    /// Renders a template, in one allocation for the usual lengths of values.
    fn render(&self, parts: &'s [Part], capacity: usize) -> Result<String> {
        let mut out = String::with_capacity(capacity);
        self.render_into(parts, &mut out)?;
        Ok(out)
    }

    fn render_into(&self, parts: &'s [Part], out: &mut String) -> Result<()> {
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(var) => match self.borrowed_text(var) {
                    Some(Some(text)) => out.push_str(text),
                    _ => push_value(&self.var(var), out)?,
                },
            }
        }
        Ok(())
    }

    /// Appends the string `expr` evaluates to (URLs).
    fn push_string(&self, expr: &'s Expr, out: &mut String) -> Result<()> {
        match expr {
            Expr::Template(Template::Parts { parts, .. }) => self.render_into(parts, out),
            Expr::Template(Template::Literal(s)) => {
                out.push_str(s);
                Ok(())
            }
            e => push_value(&self.expr(e)?, out),
        }
    }

    /// Evaluates an expression that must produce a string (URLs, headers, error messages).
    fn string(&self, expr: &'s Expr) -> Result<String> {
        if let Expr::Template(Template::Parts { parts, capacity }) = expr {
            return self.render(parts, *capacity);
        }
        let value = self.expr(expr)?;
        match value {
            Value::String(s) => Ok(s),
            other => {
                let mut out = String::new();
                push_value(&other, &mut out)?;
                Ok(out)
            }
        }
    }

    fn call(&self, call: &'s Call) -> Result<Value<'s>> {
        let args = &call.args;
        let arg = |i: usize| -> Result<Value<'s>> {
            match args.get(i) {
                Some(e) => self.expr(e),
                None => Err(eval_error("missing argument")),
            }
        };
        Ok(match &call.func {
            Func::IsSet => Value::Bool(!matches!(arg(0)?, Value::None)),
            Func::Not => arg(0)?.boolean().map_or(Value::None, |b| Value::Bool(!b)),
            Func::BooleanEquals => match (arg(0)?.boolean(), arg(1)?.boolean()) {
                (Some(a), Some(b)) => Value::Bool(a == b),
                _ => Value::None,
            },
            Func::StringEquals => {
                let (a, b) = (arg(0)?, arg(1)?);
                match (a.text(), b.text()) {
                    (Some(a), Some(b)) => Value::Bool(a == b),
                    _ => Value::None,
                }
            }
            Func::GetAttr(path) => attr(self.partitions, arg(0)?, path),
            Func::Substring => {
                let input = arg(0)?;
                let (start, stop, reverse) = (arg(1)?.int(), arg(2)?.int(), arg(3)?.boolean());
                let (Some(start), Some(stop), Some(reverse)) = (start, stop, reverse) else {
                    return Ok(Value::None);
                };
                match input.text().and_then(|s| stdlib::substring(s, start, stop, reverse)) {
                    Some(range) => input.slice(range),
                    None => Value::None,
                }
            }
            Func::UriEncode => {
                let input = arg(0)?;
                match input.text() {
                    Some(s) if stdlib::needs_uri_encoding(s) => {
                        let mut out = String::with_capacity(s.len() * 3);
                        stdlib::uri_encode(s, &mut out);
                        Value::String(out)
                    }
                    Some(_) => input,
                    None => Value::None,
                }
            }
            Func::ParseUrl => parsed(arg(0)?, stdlib::parse_url, Value::Url),
            Func::ParseArn => parsed(arg(0)?, stdlib::parse_arn, Value::Arn),
            Func::IsValidHostLabel => label_check(arg(0)?, arg(1)?, stdlib::is_valid_host_label),
            Func::IsVirtualHostableS3Bucket => {
                label_check(arg(0)?, arg(1)?, stdlib::is_virtual_hostable_s3_bucket)
            }
            Func::Partition => {
                let region = arg(0)?;
                match region.text().and_then(|r| self.partitions.find_index(r)) {
                    Some(i) => Value::Partition(i),
                    None => Value::None,
                }
            }
            Func::Coalesce => {
                for e in args {
                    let v = self.expr(e)?;
                    if !matches!(v, Value::None) {
                        return Ok(v);
                    }
                }
                Value::None
            }
            Func::Ite => match arg(0)?.boolean() {
                Some(true) => arg(1)?,
                Some(false) => arg(2)?,
                None => Value::None,
            },
            Func::Split => {
                let input = arg(0)?;
                let (delimiter, limit) = (arg(1)?, arg(2)?.int());
                match (input.text(), delimiter.text(), limit) {
                    (Some(s), Some(d), Some(limit)) if !d.is_empty() && limit >= 0 => {
                        split(&input, s, d, limit)
                    }
                    _ => Value::None,
                }
            }
        })
    }
}

/// Parses a string argument, keeping the string (borrowed or owned) next to the ranges.
fn parsed<'s, P>(
    input: Value<'s>,
    parse: fn(&str) -> Option<P>,
    wrap: fn(Box<(Cow<'s, str>, P)>) -> Value<'s>,
) -> Value<'s> {
    match input.text().and_then(parse) {
        Some(parts) => input.into_cow().map_or(Value::None, |src| wrap(Box::new((src, parts)))),
        None => Value::None,
    }
}

/// `isValidHostLabel` and `aws.isVirtualHostableS3Bucket`: a string and `allowSubDomains`.
fn label_check(value: Value<'_>, sub: Value<'_>, check: fn(&str, bool) -> bool) -> Value<'static> {
    match (value.text(), sub.boolean()) {
        (Some(s), Some(sub)) => Value::Bool(check(s, sub)),
        _ => Value::None,
    }
}

/// A range of a parsed string, borrowed when the string is.
#[inline]
fn cow_slice<'x>(src: &Cow<'x, str>, r: &std::ops::Range<usize>) -> Value<'x> {
    match src {
        Cow::Borrowed(s) => match s.get(r.clone()) {
            Some(s) => Value::Str(s),
            None => Value::None,
        },
        Cow::Owned(s) => match s.get(r.clone()) {
            Some(s) => Value::String(s.to_owned()),
            None => Value::None,
        },
    }
}

/// `split(value, delimiter, limit)`: `limit` 0 means no limit, otherwise at most `limit`
/// parts (the last one keeps the rest).
fn split<'s>(input: &Value<'s>, s: &str, delimiter: &str, limit: i64) -> Value<'s> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, _) in s.match_indices(delimiter) {
        if limit > 0 && i64::try_from(ranges.len() + 1).unwrap_or(i64::MAX) >= limit {
            break;
        }
        ranges.push(start..i);
        start = i + delimiter.len();
    }
    ranges.push(start..s.len());
    Value::List(ranges.into_iter().map(|r| input.slice(r)).collect())
}

fn push_value(v: &Value<'_>, out: &mut String) -> Result<()> {
    match v {
        Value::Str(s) => out.push_str(s),
        Value::String(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Ref(r) => return push_value(r, out),
        Value::None => return Err(eval_error("a template or string refers to an unset value")),
        _ => return Err(eval_error("a template or string refers to a value that is not a string")),
    }
    Ok(())
}

/// `getAttr`: follows `path` into partitions, URLs, ARNs and lists; a missing attribute or an
/// index out of range gives unset.
fn attr<'x>(p: &'x Partitions, v: Value<'x>, path: &[PathSeg]) -> Value<'x> {
    if path.is_empty() {
        return v;
    }
    let (next, used) = match v {
        Value::Ref(r) => step(p, r, path),
        Value::Partition(_) | Value::Strings(_) | Value::None => step(p, &v, path),
        owned => {
            let (next, used) = step(p, &owned, path);
            (next.detach(), used)
        }
    };
    match path.get(used..) {
        Some(rest) if !rest.is_empty() => attr(p, next, rest),
        _ => next,
    }
}

/// One step of `getAttr`: the value and how many path segments it used.
fn step<'x>(p: &'x Partitions, v: &Value<'x>, path: &[PathSeg]) -> (Value<'x>, usize) {
    let none = || (Value::None, path.len());
    let Some(seg) = path.first() else { return none() };
    match (v, seg) {
        (Value::Ref(r), _) => step(p, r, path),
        (Value::Partition(i), PathSeg::Key(k)) => match p.get(*i) {
            Some(out) => (partition_attr(out, k), 1),
            None => none(),
        },
        (Value::Strings(a), PathSeg::Index(n)) => {
            (a.get(*n).map_or(Value::None, |s| Value::Str(s)), 1)
        }
        (Value::List(items), PathSeg::Index(n)) => {
            (items.get(*n).cloned().unwrap_or(Value::None), 1)
        }
        (Value::Url(u), PathSeg::Key(k)) => (url_attr(&u.0, &u.1, k), 1),
        (Value::Arn(a), PathSeg::Key(k)) => {
            let (src, parts) = (&a.0, &a.1);
            let field = |r: &std::ops::Range<usize>| cow_slice(src, r);
            match k {
                Attr::Partition => (field(&parts.partition), 1),
                Attr::Service => (field(&parts.service), 1),
                Attr::Region => (field(&parts.region), 1),
                Attr::AccountId => (field(&parts.account_id), 1),
                Attr::ResourceId => {
                    let resource = parts.resource.clone();
                    let Some(text) = src.get(resource.clone()) else { return none() };
                    let at = |r: std::ops::Range<usize>| {
                        resource.start + r.start..resource.start + r.end
                    };
                    match path.get(1) {
                        Some(PathSeg::Index(n)) if *n >= parts.id_count => (Value::None, 2),
                        Some(PathSeg::Index(n)) if *n < ARN_IDS => match parts.ids.get(*n) {
                            Some(r) => (cow_slice(src, r), 2),
                            None => (Value::None, 2),
                        },
                        Some(PathSeg::Index(n)) => match resource_id_ranges(text).nth(*n) {
                            Some(r) => (cow_slice(src, &at(r)), 2),
                            None => (Value::None, 2),
                        },
                        _ => {
                            let pieces = resource_id_ranges(text).map(|r| cow_slice(src, &at(r)));
                            (Value::List(pieces.collect()), 1)
                        }
                    }
                }
                _ => none(),
            }
        }
        _ => none(),
    }
}

/// The range of a one-range ARN field (not `resourceId`).
#[inline]
fn arn_field<'a>(parts: &'a ArnParts, key: &Attr) -> Option<&'a std::ops::Range<usize>> {
    match key {
        Attr::Partition => Some(&parts.partition),
        Attr::Service => Some(&parts.service),
        Attr::Region => Some(&parts.region),
        Attr::AccountId => Some(&parts.account_id),
        _ => None,
    }
}

/// The ARN resource split on both `:` and `/`, as ranges.
fn resource_id_ranges(resource: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        let rest = resource.get(from..).unwrap_or("");
        match rest.bytes().position(|b| b == b':' || b == b'/') {
            Some(i) => {
                start = Some(from + i + 1);
                Some(from..from + i)
            }
            None => {
                start = None;
                Some(from..resource.len())
            }
        }
    })
}

fn partition_attr<'x>(p: &'x PartitionOutputs, key: &Attr) -> Value<'x> {
    match key {
        Attr::Name => Value::Str(&p.name),
        Attr::DnsSuffix => Value::Str(&p.dns_suffix),
        Attr::DualStackDnsSuffix => Value::Str(&p.dual_stack_dns_suffix),
        Attr::SupportsFips => Value::Bool(p.supports_fips),
        Attr::SupportsDualStack => Value::Bool(p.supports_dual_stack),
        Attr::ImplicitGlobalRegion => Value::Str(&p.implicit_global_region),
        other => match p.other.iter().find(|(k, _)| k == other.name()) {
            Some((_, OutputValue::String(s))) => Value::Str(s),
            Some((_, OutputValue::Bool(b))) => Value::Bool(*b),
            None => Value::None,
        },
    }
}

fn url_attr<'x>(src: &Cow<'x, str>, parts: &UrlParts, key: &Attr) -> Value<'x> {
    let field = |r: &std::ops::Range<usize>| cow_slice(src, r);
    match key {
        Attr::Scheme => field(&parts.scheme),
        Attr::Authority => field(&parts.authority),
        Attr::Path => field(&parts.path),
        Attr::IsIp => Value::Bool(parts.is_ip),
        Attr::NormalizedPath => {
            let path = src.get(parts.path.clone()).unwrap_or("");
            if path.starts_with('/') && path.ends_with('/') {
                field(&parts.path)
            } else {
                let mut out = String::with_capacity(path.len() + 2);
                if !path.starts_with('/') {
                    out.push('/');
                }
                out.push_str(path);
                if !out.ends_with('/') {
                    out.push('/');
                }
                Value::String(out)
            }
        }
        _ => Value::None,
    }
}

fn too_long() -> Error {
    eval_error("an endpoint's text is longer than 4 GiB")
}

/// A computed value as a document of its own.
fn node(p: &Partitions, v: Value<'_>) -> Node {
    match v {
        Value::None => Node::Null,
        Value::Bool(b) => Node::Bool(b),
        Value::Int(i) => Node::Number(i),
        Value::Str(s) => Node::Str(Box::from(s)),
        Value::String(s) => Node::Str(s.into_boxed_str()),
        Value::Strings(a) => Node::Array(a.iter().map(|s| Node::Str(Box::from(&**s))).collect()),
        Value::List(items) => Node::Array(items.into_iter().map(|i| node(p, i)).collect()),
        Value::Partition(i) => match p.get(i) {
            Some(outputs) => partition_node(outputs),
            None => Node::Null,
        },
        Value::Url(u) => url_node(&u.0, &u.1),
        Value::Arn(a) => arn_node(&a.0, &a.1),
        Value::Ref(r) => node(p, r.clone()),
    }
}

fn partition_node(p: &PartitionOutputs) -> Node {
    let s = |v: &str| Node::Str(Box::from(v));
    let mut entries: Vec<(Key, Node)> = vec![
        (Key::Static("name"), s(&p.name)),
        (Key::Static("dnsSuffix"), s(&p.dns_suffix)),
        (Key::Static("dualStackDnsSuffix"), s(&p.dual_stack_dns_suffix)),
        (Key::Static("supportsFIPS"), Node::Bool(p.supports_fips)),
        (Key::Static("supportsDualStack"), Node::Bool(p.supports_dual_stack)),
        (Key::Static("implicitGlobalRegion"), s(&p.implicit_global_region)),
    ];
    for (k, v) in &p.other {
        let v = match v {
            OutputValue::String(x) => s(x),
            OutputValue::Bool(b) => Node::Bool(*b),
        };
        entries.push((Key::new(k), v));
    }
    Node::Object(entries)
}

fn url_node(src: &str, parts: &UrlParts) -> Node {
    let src = Cow::Borrowed(src);
    let mut entries = Vec::new();
    for key in [Attr::Scheme, Attr::Authority, Attr::Path, Attr::NormalizedPath, Attr::IsIp] {
        let node = match url_attr(&src, parts, &key) {
            Value::Bool(b) => Node::Bool(b),
            v => Node::Str(Box::from(v.text().unwrap_or(""))),
        };
        entries.push((Key::new(key.name()), node));
    }
    Node::Object(entries)
}

fn arn_node(src: &str, parts: &ArnParts) -> Node {
    let s = |r: &std::ops::Range<usize>| Node::Str(Box::from(src.get(r.clone()).unwrap_or("")));
    let resource = src.get(parts.resource.clone()).unwrap_or("");
    let ids = resource_id_ranges(resource)
        .map(|r| Node::Str(Box::from(resource.get(r).unwrap_or(""))))
        .collect();
    Node::Object(vec![
        (Key::Static("partition"), s(&parts.partition)),
        (Key::Static("service"), s(&parts.service)),
        (Key::Static("region"), s(&parts.region)),
        (Key::Static("accountId"), s(&parts.account_id)),
        (Key::Static("resourceId"), Node::Array(ids)),
    ])
}

#[cfg(test)]
mod tests {
    use crate::endpoint::Document;
    use crate::partition::Partitions;
    use crate::ruleset::{RuleSet, synthetic_rule_set};

    /// Properties mixing constants and computed values of every kind (strings in the
    /// endpoint's text, more than one of them, a boolean, a whole partition), and headers:
    /// the views show each where the rule set put it.
    #[test]
    fn computed_properties_and_headers() {
        let json = r#"{"version": "1.0",
            "parameters": {"Region": {"type": "string", "required": true},
                           "Flag": {"type": "boolean", "required": true, "default": true}},
            "rules": [{"type": "endpoint",
                "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}],
                "endpoint": {"url": "https://x.{Region}.{p#dnsSuffix}",
                    "headers": {"x-region": ["{Region}", "static"]},
                    "properties": {"a": "{Region}", "b": {"ref": "Flag"}, "c": {"ref": "p"},
                        "d": ["lit", "{p#name}", 3, null], "e": {"inner": "{Region}-x"},
                        "f": true}}}]}"#;
        let rules = RuleSet::compile(json, Partitions::shipped().unwrap()).unwrap();
        let resolve = |region: &str| {
            let mut params = rules.params();
            params.set("Region", region).unwrap();
            rules.resolve(&params).unwrap()
        };
        let e = resolve("cn-north-1");
        assert_eq!(e.url(), "https://x.cn-north-1.amazonaws.com.cn");
        let headers: Vec<_> = e.headers().collect();
        assert_eq!(headers, [("x-region", &["cn-north-1".to_owned(), "static".to_owned()][..])]);
        let props = e.properties();
        assert_eq!(props.len(), 6);
        assert_eq!(props.get("a"), Some(Document::String("cn-north-1")));
        assert_eq!(props.get("b").and_then(|d| d.as_bool()), Some(true));
        let partition = props.get("c").and_then(|d| d.as_object()).unwrap();
        assert_eq!(partition.get("name").and_then(|d| d.as_str()), Some("aws-cn"));
        assert_eq!(partition.get("supportsFIPS").and_then(|d| d.as_bool()), Some(true));
        let list = props.get("d").and_then(|d| d.as_array()).unwrap();
        let items: Vec<_> = list.iter().collect();
        assert_eq!(
            items,
            [
                Document::String("lit"),
                Document::String("aws-cn"),
                Document::Number(3),
                Document::Null
            ]
        );
        assert_eq!(list.get(2).and_then(|d| d.as_i64()), Some(3));
        let inner = props.get("e").and_then(|d| d.as_object()).unwrap();
        assert_eq!(inner.get("inner").and_then(|d| d.as_str()), Some("cn-north-1-x"));
        assert_eq!(props.get("f"), Some(Document::Bool(true)));
        assert_eq!(props.get("missing"), None);
        let debug = format!("{e:?}");
        assert!(debug.contains(r#""a": String("cn-north-1")"#), "{debug}");
        assert!(debug.contains(r#""inner": String("cn-north-1-x")"#), "{debug}");
        // Equal endpoints from separate resolutions compare equal, different ones do not.
        let other = resolve("us-west-2");
        assert_eq!(other.properties().get("a"), Some(Document::String("us-west-2")));
        assert_ne!(e, other);
        assert_eq!(resolve("cn-north-1"), e);
    }

    /// Rule sets with more slots than fit on the stack take the heap path, with the same
    /// results.
    #[test]
    fn many_slots_take_the_heap_path() {
        let json = synthetic_rule_set(
            120,
            |i| {
                format!(
                    r#"{{"fn": "uriEncode", "argv": ["{{Region}}-{i}"], "assign": "e"}},
                    {{"fn": "stringEquals", "argv": [{{"ref": "e"}}, "x-{i}"]}}"#
                )
            },
            r#""Region": {"type": "string", "required": true}"#,
        );
        let rules = RuleSet::compile(&json, Partitions::shipped().unwrap()).unwrap();
        assert!(rules.slot_count > 96, "{}", rules.slot_count);
        let cases =
            [("x", Err("rule 0")), ("y", Ok("https://y.example.com")), ("x", Err("rule 0"))];
        for (region, want) in cases {
            assert_resolves(&rules, region, want);
        }
    }

    /// Resolves `Region = region` and checks the URL or the error message.
    fn assert_resolves(rules: &RuleSet, region: &str, want: Result<&str, &str>) {
        let mut params = rules.params();
        params.set("Region", region).unwrap();
        let got = rules.resolve(&params);
        match want {
            Ok(url) => assert_eq!(got.unwrap().url(), url),
            Err(message) => assert_eq!(got.unwrap_err().message(), message),
        }
    }

    /// More owned values than the arena holds inline go to its heap block, on the stack
    /// path too; each stays readable through its slot for the rest of the resolution.
    #[test]
    fn many_owned_values_fill_the_arena() {
        let count = 3 * super::ARENA_INLINE;
        let last = count - 1;
        // Every rule keeps an encoded string; only the last one can match.
        let json = synthetic_rule_set(
            count,
            |i| {
                let want = if i == last { format!("x%20{i}") } else { "never".to_owned() };
                format!(
                    r#"{{"fn": "uriEncode", "argv": ["{{Region}} {i}"], "assign": "e"}},
                    {{"fn": "stringEquals", "argv": [{{"ref": "e"}}, "{want}"]}}"#
                )
            },
            r#""Region": {"type": "string", "required": true}"#,
        );
        let rules = RuleSet::compile(&json, Partitions::shipped().unwrap()).unwrap();
        assert!(rules.slot_count <= 96, "{}", rules.slot_count);
        assert_resolves(&rules, "x", Err(&format!("rule {last}")));
        assert_resolves(&rules, "y", Ok("https://y.example.com"));
    }
}
