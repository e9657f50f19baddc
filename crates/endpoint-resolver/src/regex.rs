//! A very small regular-expression matcher for `regionRegex` in partitions.json.
//!
//! The partition file's patterns use anchors, literals, escapes (`\-`, `\.`, `\w`, `\d`,
//! `\s`), character classes, `.`, groups with alternation and the quantifiers `?`, `*`, `+`.
//! That subset is parsed once into a tree and matched by backtracking; anything else is a
//! typed error when the partitions are loaded (docs/adr/0019).

/// One parsed pattern.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    alternatives: Vec<Vec<Piece>>,
    anchored_start: bool,
}

#[derive(Debug, Clone)]
struct Piece {
    atom: Atom,
    min: usize,
    max: usize,
}

#[derive(Debug, Clone)]
enum Atom {
    Char(char),
    Any,
    Class { negated: bool, items: Vec<ClassItem> },
    Group(Vec<Vec<Piece>>),
    End,
}

#[derive(Debug, Clone)]
enum ClassItem {
    Range(char, char),
    Word,
    Digit,
    Space,
}

impl ClassItem {
    fn matches(&self, c: char) -> bool {
        match self {
            ClassItem::Range(a, b) => (*a..=*b).contains(&c),
            ClassItem::Word => c.is_ascii_alphanumeric() || c == '_',
            ClassItem::Digit => c.is_ascii_digit(),
            ClassItem::Space => c.is_ascii_whitespace(),
        }
    }
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Char(x) => *x == c,
            Atom::Any => c != '\n',
            Atom::Class { negated, items } => items.iter().any(|i| i.matches(c)) != *negated,
            Atom::Group(_) | Atom::End => false,
        }
    }
}

impl Regex {
    /// Parses `pattern`, or says what it does not support.
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut parser = Parser { chars: &chars, pos: 0 };
        let anchored_start = parser.eat('^');
        let alternatives = parser.alternation(0)?;
        if let Some(c) = chars.get(parser.pos) {
            return Err(format!("unexpected `{c}` at {}", parser.pos));
        }
        Ok(Self { alternatives, anchored_start })
    }

    /// Whether the pattern matches somewhere in `text` (at the start when anchored).
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let starts = if self.anchored_start { 0..=0 } else { 0..=chars.len() };
        starts.into_iter().any(|start| {
            self.alternatives.iter().any(|alt| match_seq(alt, &chars, start, &mut |_| true))
        })
    }
}

struct Parser<'p> {
    chars: &'p [char],
    pos: usize,
}

const MAX_DEPTH: usize = 16;

/// Most repetitions of one quantified group that a match may use.
const MAX_GROUP_REPEATS: usize = 256;

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn next(&mut self) -> Result<char, String> {
        let c = self.peek().ok_or_else(|| "unexpected end of pattern".to_owned())?;
        self.pos += 1;
        Ok(c)
    }

    fn alternation(&mut self, depth: usize) -> Result<Vec<Vec<Piece>>, String> {
        if depth > MAX_DEPTH {
            return Err("groups nested too deeply".to_owned());
        }
        let mut alternatives = vec![Vec::new()];
        while let Some(c) = self.peek() {
            match c {
                ')' => break,
                '|' => {
                    self.pos += 1;
                    alternatives.push(Vec::new());
                }
                _ => {
                    let piece = self.piece(depth)?;
                    if let Some(last) = alternatives.last_mut() {
                        last.push(piece);
                    }
                }
            }
        }
        Ok(alternatives)
    }

    fn piece(&mut self, depth: usize) -> Result<Piece, String> {
        let atom = match self.next()? {
            '(' => {
                // A non-capturing group marker changes nothing for matching.
                if self.eat('?') && !self.eat(':') {
                    return Err("only `(?:` groups are supported".to_owned());
                }
                let inner = self.alternation(depth + 1)?;
                if !self.eat(')') {
                    return Err("unclosed group".to_owned());
                }
                Atom::Group(inner)
            }
            '[' => self.class()?,
            '.' => Atom::Any,
            '$' => Atom::End,
            '\\' => match self.escape()? {
                Escaped::Char(c) => Atom::Char(c),
                Escaped::Item(item) => Atom::Class { negated: false, items: vec![item] },
            },
            c @ ('*' | '+' | '?' | '{' | '}' | ']' | '^') => {
                return Err(format!("`{c}` at {} is not supported here", self.pos - 1));
            }
            c => Atom::Char(c),
        };
        let (min, max) = match self.peek() {
            Some('?') => (0, 1),
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            _ => return Ok(Piece { atom, min: 1, max: 1 }),
        };
        self.pos += 1;
        if matches!(atom, Atom::End) {
            return Err("a quantifier cannot follow `$`".to_owned());
        }
        Ok(Piece { atom, min, max })
    }

    fn escape(&mut self) -> Result<Escaped, String> {
        Ok(match self.next()? {
            'w' => Escaped::Item(ClassItem::Word),
            'd' => Escaped::Item(ClassItem::Digit),
            's' => Escaped::Item(ClassItem::Space),
            'n' => Escaped::Char('\n'),
            't' => Escaped::Char('\t'),
            c if c.is_ascii_alphanumeric() => {
                return Err(format!("escape `\\{c}` is not supported"));
            }
            c => Escaped::Char(c),
        })
    }

    fn class(&mut self) -> Result<Atom, String> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                match self.escape()? {
                    Escaped::Char(c) => c,
                    Escaped::Item(item) => {
                        items.push(item);
                        continue;
                    }
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|c| *c != ']') {
                self.pos += 1;
                let high = match self.next()? {
                    '\\' => match self.escape()? {
                        Escaped::Char(c) => c,
                        Escaped::Item(_) => return Err("a class cannot end a range".to_owned()),
                    },
                    c => c,
                };
                if high < low {
                    return Err(format!("range `{low}-{high}` is reversed"));
                }
                items.push(ClassItem::Range(low, high));
            } else {
                items.push(ClassItem::Range(low, low));
            }
        }
        Ok(Atom::Class { negated, items })
    }
}

enum Escaped {
    Char(char),
    Item(ClassItem),
}

/// Matches `seq` at `pos`, then calls `rest` with the position after it; backtracks.
fn match_seq(
    seq: &[Piece],
    text: &[char],
    pos: usize,
    rest: &mut dyn FnMut(usize) -> bool,
) -> bool {
    let Some((piece, tail)) = seq.split_first() else {
        return rest(pos);
    };
    match &piece.atom {
        Atom::End => pos == text.len() && match_seq(tail, text, pos, rest),
        Atom::Group(alternatives) => match_group(piece, alternatives, 0, tail, text, pos, rest),
        atom => {
            // Greedy: take as many as allowed, then give back one at a time.
            let mut count = 0;
            while count < piece.max && text.get(pos + count).is_some_and(|c| atom.matches(*c)) {
                count += 1;
            }
            loop {
                if count < piece.min {
                    return false;
                }
                if match_seq(tail, text, pos + count, rest) {
                    return true;
                }
                if count == 0 {
                    return false;
                }
                count -= 1;
            }
        }
    }
}

/// Matches a quantified group that has already matched `done` times.
fn match_group(
    piece: &Piece,
    alternatives: &[Vec<Piece>],
    done: usize,
    tail: &[Piece],
    text: &[char],
    pos: usize,
    rest: &mut dyn FnMut(usize) -> bool,
) -> bool {
    // Each repetition of a group is a level of recursion: bound it so that a long input
    // cannot exhaust the stack (region names are far shorter).
    if done < piece.max && done < MAX_GROUP_REPEATS {
        for alt in alternatives {
            let matched = match_seq(alt, text, pos, &mut |next| {
                // An empty iteration cannot make progress; stop repeating.
                next != pos && match_group(piece, alternatives, done + 1, tail, text, next, rest)
            });
            if matched {
                return true;
            }
            if done < piece.min && alternatives.iter().any(Vec::is_empty) {
                return match_seq(tail, text, pos, rest);
            }
        }
    }
    done >= piece.min && match_seq(tail, text, pos, rest)
}

#[cfg(test)]
mod tests {
    use super::Regex;

    #[test]
    fn partition_patterns() {
        let aws = Regex::new(r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$").unwrap();
        assert!(aws.is_match("us-east-1"));
        assert!(aws.is_match("us-east-10"));
        assert!(aws.is_match("mx-central-1"));
        assert!(!aws.is_match("cn-north-1"));
        assert!(!aws.is_match("us-east-1x"));
        assert!(!aws.is_match("us-east-"));
        assert!(!aws.is_match("mars-global"));
        let eusc = Regex::new(r"^eusc\-(de)\-\w+\-\d+$").unwrap();
        assert!(eusc.is_match("eusc-de-east-1"));
        let iso = Regex::new(r"^us\-iso\-\w+\-\d+$").unwrap();
        assert!(iso.is_match("us-iso-east-1"));
        assert!(!iso.is_match("us-isob-east-1x"));
    }

    #[test]
    fn classes_quantifiers_and_unanchored() {
        let re = Regex::new(r"[a-c]+x?\.[^0-9]*$").unwrap();
        assert!(re.is_match("zzabx.yy"));
        assert!(re.is_match("a."));
        assert!(!re.is_match("a.1"));
        let re = Regex::new(r"^(ab|a)*c$").unwrap();
        assert!(re.is_match("abac"));
        assert!(re.is_match("c"));
        assert!(!re.is_match("abx"));
    }

    #[test]
    fn long_inputs_do_not_exhaust_the_stack() {
        let re = Regex::new(r"^(ab)+$").unwrap();
        assert!(re.is_match(&"ab".repeat(200)));
        assert!(!re.is_match(&"ab".repeat(100_000)));
        let aws = Regex::new(r"^(us|eu)\-\w+\-\d+$").unwrap();
        assert!(aws.is_match(&format!("us-{}-1", "a".repeat(100_000))));
    }

    #[test]
    fn unsupported_syntax_is_an_error() {
        for bad in ["a{2}", "(a", "[a", r"\b", "a)", "*a", "(?=a)", "$+"] {
            assert!(Regex::new(bad).is_err(), "{bad}");
        }
    }
}
