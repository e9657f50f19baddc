//! Flattening the compiled rule tree into a list of instructions (docs/adr/0021).
//!
//! Every condition becomes a `Check` that continues with the next instruction when it passes
//! and jumps when it fails. The jump does not simply go to the next sibling rule: the
//! compiler knows which direct tests passed to get here (the enclosing rules' conditions and
//! the earlier conditions of this rule) and which one just failed, so it skips the sibling
//! rules those facts rule out and the leading conditions of the target they already decide.
//! A condition that repeats across sibling rules (`UseFIPS` is `true`, `Endpoint` is set)
//! is then mostly checked once per path, as in the generated AWS resolvers' decision
//! diagrams, while evaluation order and results stay the tree's.

use crate::ruleset::{Body, EndpointTemplate, Expr, Rule, Test};

/// One step of the flattened rule set.
#[derive(Debug)]
pub(crate) enum Insn {
    /// Check a condition: go on at `pass` if it passes (at first the next instruction),
    /// else at `fail`.
    Check { test: Test, pass: u32, fail: u32 },
    /// An endpoint rule matched.
    Endpoint(Box<EndpointTemplate>),
    /// An error rule matched; the message.
    Error(Expr),
    /// Go on at another instruction (the end of a list of rules falls through to the
    /// enclosing rule's next sibling).
    Jump(usize),
    /// No rule matched.
    NoMatch,
}

/// A place to continue at: the start of a rule (or the end of a rule list), by label, plus
/// how many of that rule's leading conditions to skip.
#[derive(Debug, Clone, Copy)]
struct Target {
    label: usize,
    skip: usize,
}

/// What is known to hold on a path: a direct test (or an evaluated condition, by slot) and
/// whether it passed.
type Fact = (Test, bool);

/// Bounds on the work of finding jump targets, so that a hostile rule set loaded at run time
/// cannot make compilation quadratic: only the latest facts are used and only so many
/// sibling rules are looked past. Dropping knowledge only costs speed (the shipped rule sets
/// stay well inside both bounds).
const MAX_FACTS: usize = 64;
const MAX_LOOKAHEAD: usize = 128;

/// Adds a fact, forgetting the oldest beyond `MAX_FACTS`.
fn learn(facts: &mut Vec<Fact>, fact: Fact) {
    if facts.len() >= MAX_FACTS {
        facts.remove(0);
    }
    facts.push(fact);
}

/// Where a failed condition jumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Jumps {
    /// Past every sibling rule the known facts rule out (the default).
    SkipDecided,
    /// To the next sibling rule, as a plain tree walk goes: the reference the tests
    /// compare `SkipDecided` with.
    #[cfg_attr(not(test), allow(dead_code))]
    NextSibling,
}

/// Flattens `rules`; the first instruction is where evaluation starts. `always_set[slot]`
/// says that a slot always holds a value of its parameter's type when rules run (a
/// parameter with a default, or a required one: resolution fails before the rules without
/// it).
pub(crate) fn flatten(rules: Vec<Rule>, always_set: Vec<bool>, jumps: Jumps) -> Vec<Insn> {
    let mut f =
        Flattener { insns: Vec::new(), labels: Vec::new(), fixups: Vec::new(), always_set, jumps };
    let end = f.new_label();
    f.list(rules, Target { label: end, skip: 0 }, &mut Vec::new());
    f.bind(end);
    f.insns.push(Insn::NoMatch);
    let Flattener { mut insns, labels, fixups, always_set, .. } = f;
    for (at, target) in fixups {
        let pc =
            labels.get(target.label).copied().flatten().map_or(usize::MAX, |pc| pc + target.skip);
        match insns.get_mut(at) {
            Some(Insn::Check { fail, .. }) => *fail = index(pc),
            Some(Insn::Jump(to)) => *to = pc,
            _ => {}
        }
    }
    if jumps == Jumps::SkipDecided {
        thread(&mut insns, &always_set);
    }
    insns
}

fn index(pc: usize) -> u32 {
    u32::try_from(pc).unwrap_or(u32::MAX)
}

/// Jump threading over the whole program. Walking the instructions in order (every jump
/// goes forward), it keeps the facts known on every path into each instruction (those all
/// its incoming edges agree on), and moves each edge past the checks those facts decide.
/// This carries what an earlier sibling's failure taught into later rules and subtrees,
/// which the per-list skipping cannot: a test such as "`Endpoint` is set" is then checked
/// once per path, not once per rule that starts with it.
fn thread(insns: &mut [Insn], always_set: &[bool]) {
    let mut incoming: Vec<Option<Vec<Fact>>> = insns.iter().map(|_| None).collect();
    if let Some(first) = incoming.first_mut() {
        *first = Some(Vec::new());
    }
    for pc in 0..insns.len() {
        let Some(facts) = incoming.get_mut(pc).and_then(Option::take) else { continue };
        let edges = match insns.get(pc) {
            Some(Insn::Check { test, pass, fail }) => {
                let mut on_pass = facts.clone();
                learn(&mut on_pass, (test.clone(), true));
                let mut on_fail = facts;
                learn(&mut on_fail, fact(always_set, test, false));
                [Some((*pass as usize, on_pass)), Some((*fail as usize, on_fail))]
            }
            Some(Insn::Jump(to)) => [Some((*to, facts)), None],
            _ => continue,
        };
        for (edge, (target, facts)) in
            edges.into_iter().enumerate().filter_map(|(i, e)| Some((i, e?)))
        {
            let (target, facts) = follow(insns, target, facts, always_set);
            match insns.get_mut(pc) {
                Some(Insn::Check { pass, .. }) if edge == 0 => *pass = index(target),
                Some(Insn::Check { fail, .. }) => *fail = index(target),
                Some(Insn::Jump(to)) => *to = target,
                _ => {}
            }
            if let Some(known) = incoming.get_mut(target) {
                match known {
                    Some(known) => known.retain(|f| facts.contains(f)),
                    None => *known = Some(facts),
                }
            }
        }
    }
}

/// Follows an edge to `target` with `facts` known, past the jumps and the checks the facts
/// decide; returns where it lands and what is known there.
fn follow(
    insns: &[Insn],
    mut target: usize,
    mut facts: Vec<Fact>,
    always_set: &[bool],
) -> (usize, Vec<Fact>) {
    // Every step goes forward, so this ends; the bound is for safety only.
    for _ in 0..insns.len() {
        match insns.get(target) {
            Some(Insn::Jump(to)) => target = *to,
            Some(Insn::Check { test, pass, fail }) => match verdict(test, &facts, always_set) {
                Some(true) => {
                    learn(&mut facts, (test.clone(), true));
                    target = *pass as usize;
                }
                Some(false) => {
                    learn(&mut facts, fact(always_set, test, false));
                    target = *fail as usize;
                }
                None => break,
            },
            _ => break,
        }
    }
    (target, facts)
}

/// What `known` says of `test`: passes, fails, or not decided.
fn verdict(test: &Test, known: &[Fact], always_set: &[bool]) -> Option<bool> {
    match test {
        Test::IsSet { slot, negate } if always_set.get(*slot) == Some(&true) => Some(!negate),
        test => known.iter().rev().find_map(|(fact, passed)| implied(fact, *passed, test)),
    }
}

/// `test` having `passed`, as the fact that says the most: a boolean test that failed on a
/// value that is always set says the value as well as the opposite test passing.
fn fact(always_set: &[bool], test: &Test, passed: bool) -> Fact {
    match test {
        Test::BoolEq { slot, value, negate } if !passed && always_set.get(*slot) == Some(&true) => {
            (Test::BoolEq { slot: *slot, value: *value, negate: !negate }, true)
        }
        _ => (test.clone(), passed),
    }
}

struct Flattener {
    insns: Vec<Insn>,
    /// The instruction each label stands for, once bound.
    labels: Vec<Option<usize>>,
    /// Instructions whose jump target is a label, patched at the end.
    fixups: Vec<(usize, Target)>,
    always_set: Vec<bool>,
    jumps: Jumps,
}

impl Flattener {
    fn new_label(&mut self) -> usize {
        self.labels.push(None);
        self.labels.len() - 1
    }

    fn bind(&mut self, label: usize) {
        if let Some(l) = self.labels.get_mut(label) {
            *l = Some(self.insns.len());
        }
    }

    fn jump(&mut self, insn: Insn, target: Target) {
        self.fixups.push((self.insns.len(), target));
        self.insns.push(insn);
    }

    /// Emits a list of sibling rules; when all of them fail, evaluation goes on at `after`.
    /// `facts` hold on entry to every rule of the list.
    fn list(&mut self, rules: Vec<Rule>, after: Target, facts: &mut Vec<Fact>) {
        let starts: Vec<usize> = rules.iter().map(|_| self.new_label()).collect();
        let always_set = &self.always_set;
        let jumps = self.jumps;
        let target_of = |from: usize, known: &[Fact]| -> Target {
            let next = match jumps {
                Jumps::SkipDecided => {
                    rules.get(from..).and_then(|rest| first_possible(rest, known, always_set))
                }
                Jumps::NextSibling => (from < rules.len()).then_some((0, 0)),
            };
            match next {
                Some((j, skip)) => {
                    Target { label: starts.get(from + j).copied().unwrap_or(after.label), skip }
                }
                None => after,
            }
        };
        // Work out every jump first: the facts need the rules before they are moved.
        let mut plans = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            let outer = facts.len();
            let mut fails = Vec::with_capacity(rule.conditions.len());
            for test in &rule.conditions {
                facts.push(fact(&self.always_set, test, false));
                fails.push(target_of(i + 1, facts));
                facts.pop();
                facts.push((test.clone(), true));
            }
            let after_body = target_of(i + 1, facts);
            facts.truncate(outer);
            plans.push((fails, after_body));
        }
        for ((rule, (fails, after_body)), start) in rules.into_iter().zip(plans).zip(starts) {
            self.bind(start);
            let outer = facts.len();
            for (test, fail) in rule.conditions.into_iter().zip(fails) {
                facts.push((test.clone(), true));
                let pass = index(self.insns.len() + 1);
                self.jump(Insn::Check { test, pass, fail: u32::MAX }, fail);
            }
            match rule.body {
                Body::Endpoint(t) => self.insns.push(Insn::Endpoint(t)),
                Body::Error(message) => self.insns.push(Insn::Error(message)),
                Body::Tree(children) => self.list(children, after_body, facts),
            }
            facts.truncate(outer);
        }
        // Reached only when the list is empty or a tree in it falls through.
        self.jump(Insn::Jump(usize::MAX), after);
    }
}

/// The first of `rules` that `known` does not rule out, and how many of its leading
/// conditions `known` already passes. Only direct tests (and conditions already evaluated,
/// which read their slot) are decided this way: they have no effects and cannot fail with
/// an error, so skipping them changes nothing but the time taken.
fn first_possible(rules: &[Rule], known: &[Fact], always_set: &[bool]) -> Option<(usize, usize)> {
    let known = known.get(known.len().saturating_sub(MAX_FACTS)..).unwrap_or(known);
    'rules: for (j, rule) in rules.iter().enumerate() {
        if j >= MAX_LOOKAHEAD {
            return Some((j, 0));
        }
        let mut skip = 0;
        let mut decided = true;
        for test in &rule.conditions {
            match verdict(test, known, always_set) {
                Some(true) if decided => skip += 1,
                Some(true) => {}
                Some(false) => continue 'rules,
                None if matches!(test, Test::Memo { .. }) => break,
                None => decided = false,
            }
        }
        return Some((j, skip));
    }
    None
}

/// Whether `test` passes, when `fact` having `passed` decides it.
fn implied(fact: &Test, passed: bool, test: &Test) -> Option<bool> {
    if fact == test {
        return Some(passed);
    }
    match (fact, test) {
        // A passed boolean test says the value: `(value XOR negate)`.
        (
            Test::BoolEq { slot: a, value, negate },
            Test::BoolEq { slot: b, value: v2, negate: n2 },
        ) if a == b && passed => Some(((value != negate) == *v2) != *n2),
        (Test::IsSet { slot: a, negate }, Test::IsSet { slot: b, negate: n2 }) if a == b => {
            Some((passed != *negate) != *n2)
        }
        // A passed test on a value says it is set.
        (Test::BoolEq { slot: a, .. }, Test::IsSet { slot: b, negate }) if a == b && passed => {
            Some(!negate)
        }
        (Test::StrEq { var, .. }, Test::IsSet { slot, negate }) if var.slot == *slot && passed => {
            Some(!negate)
        }
        // An unset value fails every test on it, `not` or not.
        (Test::IsSet { slot: a, negate }, Test::BoolEq { slot: b, .. })
            if a == b && passed == *negate =>
        {
            Some(false)
        }
        (Test::IsSet { slot, negate }, Test::StrEq { var, .. })
            if var.slot == *slot && passed == *negate =>
        {
            Some(false)
        }
        (
            Test::StrEq { var: a, literal: l1, negate },
            Test::StrEq { var: b, literal: l2, negate: n2 },
        ) if a == b && passed => {
            if !negate {
                // The value is `l1`.
                Some((l1 == l2) != *n2)
            } else if l1 == l2 {
                // The value is set and is not `l1`.
                Some(*n2)
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! The flattened rules with skipping jumps must answer exactly as the plain tree walk
    //! (every failed condition going to the next sibling) on every official case, and on
    //! each case with every boolean parameter flipped.

    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use serde_json::Value as Json;

    use super::Jumps;
    use crate::partition::Partitions;
    use crate::ruleset::{ParamType, ParamValue, RuleSet, synthetic_rule_set};

    fn json_files(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    }

    fn read(path: &Path) -> Json {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Resolves `given` (parameter name to JSON value) with both rule sets; returns the
    /// number of comparisons made.
    fn agree(skip: &RuleSet, plain: &RuleSet, given: &[(String, ParamValue)], what: &str) {
        let resolve = |rules: &RuleSet| {
            let mut params = rules.params();
            for (name, value) in given {
                params.set(name, value.clone()).unwrap();
            }
            format!("{:?}", rules.resolve(&params))
        };
        assert_eq!(resolve(skip), resolve(plain), "{what}: {given:?}");
    }

    fn check_cases(json: &str, cases: &[Json], what: &str) -> usize {
        let partitions = Partitions::shipped().unwrap();
        let skip = RuleSet::compile_with(json, Arc::clone(&partitions), Jumps::SkipDecided);
        let plain = RuleSet::compile_with(json, partitions, Jumps::NextSibling);
        let (skip, plain) = (skip.unwrap(), plain.unwrap());
        let mut checked = 0;
        for case in cases {
            let mut given: Vec<(String, ParamValue)> = Vec::new();
            for (name, value) in case.get("params").and_then(Json::as_object).into_iter().flatten()
            {
                let value = match value {
                    Json::String(s) => ParamValue::String(s.clone()),
                    Json::Bool(b) => ParamValue::Bool(*b),
                    Json::Array(items) => ParamValue::StringArray(
                        items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect(),
                    ),
                    _ => continue,
                };
                given.push((name.clone(), value));
            }
            agree(&skip, &plain, &given, what);
            checked += 1;
            for decl in skip.parameters().iter().filter(|p| p.param_type() == ParamType::Boolean) {
                let mut flipped: Vec<_> =
                    given.iter().filter(|(n, _)| n != decl.name()).cloned().collect();
                let now = given.iter().find(|(n, _)| n == decl.name()).map(|(_, v)| v);
                for value in [true, false] {
                    if now != Some(&ParamValue::Bool(value)) {
                        flipped.push((decl.name().to_owned(), ParamValue::Bool(value)));
                        agree(&skip, &plain, &flipped, what);
                        flipped.pop();
                        checked += 1;
                    }
                }
            }
        }
        checked
    }

    /// Thousands of siblings that all start with the same test: each failure could look past
    /// all the rest; the lookahead bound keeps compilation linear and the answers right.
    #[test]
    fn wide_rule_lists_stay_correct_past_the_lookahead_bound() {
        let json = synthetic_rule_set(
            3000,
            |i| {
                format!(
                    r#"{{"fn": "booleanEquals", "argv": [{{"ref": "Flag"}}, true]}},
                    {{"fn": "stringEquals", "argv": [{{"ref": "Region"}}, "r{i}"]}}"#
                )
            },
            r#""Region": {"type": "string", "required": true},
            "Flag": {"type": "boolean", "required": true, "default": false}"#,
        );
        let partitions = Partitions::shipped().unwrap();
        let skip = RuleSet::compile_with(&json, Arc::clone(&partitions), Jumps::SkipDecided);
        let plain = RuleSet::compile_with(&json, partitions, Jumps::NextSibling);
        let (skip, plain) = (skip.unwrap(), plain.unwrap());
        for (region, flag) in
            [("r0", true), ("r200", true), ("r2999", true), ("r7", false), ("x", true)]
        {
            let given = [
                ("Region".to_owned(), ParamValue::String(region.to_owned())),
                ("Flag".to_owned(), ParamValue::Bool(flag)),
            ];
            agree(&skip, &plain, &given, "wide");
        }
    }

    #[test]
    fn skipping_jumps_answer_as_the_tree_walk() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut checked = 0;
        for (service, json) in [
            ("sts", include_str!("../data/sts-ruleset.json")),
            ("s3", include_str!("../data/s3-ruleset.json")),
        ] {
            let cases = read(&data.join(format!("services/{service}-endpoint-tests.json")));
            checked += check_cases(json, cases.as_array().unwrap(), service);
        }
        for path in json_files(&data.join("stdlib/valid-rules")) {
            let cases = data.join("stdlib/test-cases").join(path.file_name().unwrap());
            if cases.is_file() {
                let cases = read(&cases);
                let json = std::fs::read_to_string(&path).unwrap();
                let what = path.display().to_string();
                checked += check_cases(&json, cases["testCases"].as_array().unwrap(), &what);
            }
        }
        // 69 + 393 + 101 official cases, and their flipped variants.
        assert!(checked > 69 + 393 + 101, "{checked}");
    }
}
