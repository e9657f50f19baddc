//! A small element tree read with quick-xml: STS responses are small, and looking members up
//! by name (in any order, any namespace prefix) is simpler and safer on a tree than on events.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Deepest nesting accepted; STS documents are four levels deep.
const MAX_DEPTH: usize = 32;
/// Most elements accepted in one document.
const MAX_ELEMENTS: usize = 10_000;

/// One element: its local name (namespace prefix dropped), its text and its children.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child named `name`.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// The first element named `name` at any depth, this one included (depth-first).
    pub(crate) fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

/// Parses a whole document into its root element. The error says what was wrong, in words
/// fit for an error message (never quoting the document).
pub(crate) fn parse(body: &[u8]) -> Result<Element, String> {
    let text =
        std::str::from_utf8(body).map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!("not well-formed XML near byte {}: {e}", reader.error_position())
        })?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err("content after the root element".into());
            }
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err("nested too deeply or too many elements".into());
                }
                stack.push(Element {
                    name: local_name(start.local_name().as_ref()),
                    ..Default::default()
                });
            }
            Event::Empty(start) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err("too many elements".into());
                }
                let element =
                    Element { name: local_name(start.local_name().as_ref()), ..Default::default() };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("an end tag without a start tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                } else if !t.xml10_content().trim().is_empty() {
                    return Err("text outside the root element".into());
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    match r.xml10_content().as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    }
                };
                let c = resolved.ok_or("an unknown entity reference")?;
                match stack.last_mut() {
                    Some(top) => top.text.push(c),
                    None => return Err("text outside the root element".into()),
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("the document ends early (truncated)".into());
    }
    root.ok_or_else(|| "no root element".into())
}

fn local_name(name: &str) -> String {
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entities_cdata_and_prefixes() {
        let doc = br#"<?xml version="1.0"?><sts:A xmlns:sts="x"><B>a &amp; &#65;<![CDATA[<c>]]></B><C/></sts:A>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "A");
        assert_eq!(root.child_text("B"), Some("a & A<c>"));
        assert!(root.child("C").is_some());
    }

    #[test]
    fn accepts_a_byte_order_mark() {
        let root = parse("\u{feff}<?xml version=\"1.0\"?>\n<A>x</A>".as_bytes()).unwrap();
        assert_eq!((root.name.as_str(), root.text.as_str()), ("A", "x"));
    }

    #[test]
    fn rejects_truncated_and_mismatched_documents() {
        assert!(parse(b"<A><B>x</B>").unwrap_err().contains("truncated"));
        assert!(parse(b"<A><B>x</C></A>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<A/><B/>").is_err());
        assert!(parse(&b"<a>".repeat(100)).is_err());
    }
}
