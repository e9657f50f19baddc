//! The literal layer of the config-file format: lines into sections and properties.
//!
//! Nothing is validated or renamed here beyond what the syntax requires (keys are lower-cased);
//! section names, prefixes and identifiers are judged in `profile.rs`.

use std::path::Path;

use crate::Error;

/// The only characters the format counts as whitespace.
pub(crate) const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];

/// One `[...]` section as written, with its properties in file order.
#[derive(Debug)]
pub(crate) struct RawSection {
    /// The text between the brackets, trimmed.
    pub(crate) header: String,
    pub(crate) line: usize,
    pub(crate) properties: Vec<RawProperty>,
}

/// One `key = value` property, continuation lines folded in.
#[derive(Debug)]
pub(crate) struct RawProperty {
    /// Lower-cased key.
    pub(crate) key: String,
    /// The value; continuation lines are appended as `"\n" + trimmed line`.
    pub(crate) value: String,
    pub(crate) line: usize,
    /// Sub-properties (`key =` followed by indented `k = v` lines), lower-cased keys, with line.
    pub(crate) sub_properties: Vec<(String, String, usize)>,
}

/// Parses a whole file into sections. `path` is only used to name the file in errors.
pub(crate) fn parse(text: &str, path: Option<&Path>) -> Result<Vec<RawSection>, Error> {
    let mut sections: Vec<RawSection> = Vec::new();
    // Whether the last property of the current section opened a sub-property block.
    let mut in_property = false;
    let mut sub_block = false;
    for (index, line) in text.split('\n').enumerate() {
        let number = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(COMMENT) {
            continue;
        }
        let error = |message: &str| Error::syntax(path, number, message);
        if line.starts_with('[') {
            let header = strip_comment(line, false);
            let inner = header
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .ok_or_else(|| error("Profile definition must end with ']'"))?;
            sections.push(RawSection {
                header: inner.trim_matches(WHITESPACE).to_owned(),
                line: number,
                properties: Vec::new(),
            });
            in_property = false;
            sub_block = false;
        } else if line.starts_with(WHITESPACE) {
            let section =
                sections.last_mut().ok_or_else(|| error("Expected a profile definition"))?;
            let property = match section.properties.last_mut() {
                Some(p) if in_property => p,
                _ => return Err(error("Expected a property definition, found continuation")),
            };
            let trimmed = line.trim_matches(WHITESPACE);
            if sub_block {
                let (key, value) = split_property(trimmed).map_err(|e| match e {
                    PropertyError::NoEquals => {
                        error("Expected an '=' sign defining a sub-property")
                    }
                    PropertyError::NoName => error("Sub-property did not have a name"),
                })?;
                property.sub_properties.push((key, value.to_owned(), number));
            }
            property.value.push('\n');
            property.value.push_str(trimmed);
        } else {
            let section =
                sections.last_mut().ok_or_else(|| error("Expected a profile definition"))?;
            let (key, value) = split_property(line).map_err(|e| match e {
                PropertyError::NoEquals => error("Expected an '=' sign defining a property"),
                PropertyError::NoName => error("Property did not have a name"),
            })?;
            sub_block = value.is_empty();
            in_property = true;
            section.properties.push(RawProperty {
                key,
                value: value.to_owned(),
                line: number,
                sub_properties: Vec::new(),
            });
        }
    }
    Ok(sections)
}

enum PropertyError {
    NoEquals,
    NoName,
}

/// Splits `key = value # comment` into a lower-cased key and a trimmed value.
fn split_property(line: &str) -> Result<(String, &str), PropertyError> {
    let line = strip_comment(line, true);
    let (key, value) = line.split_once('=').ok_or(PropertyError::NoEquals)?;
    let key = key.trim_matches(WHITESPACE);
    if key.is_empty() {
        return Err(PropertyError::NoName);
    }
    Ok((key.to_ascii_lowercase(), value.trim_matches(WHITESPACE)))
}

/// Trims `line` and cuts it at the first comment marker. In values a marker only starts a
/// comment after whitespace (`value#x` keeps the `#`); in section headers it always does.
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut previous_whitespace = false;
    let mut end = line.len();
    for (index, c) in line.char_indices() {
        if COMMENT.contains(&c) && (previous_whitespace || !needs_whitespace) {
            end = index;
            break;
        }
        previous_whitespace = WHITESPACE.contains(&c);
    }
    line.get(..end).unwrap_or(line).trim_matches(WHITESPACE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_need_whitespace_in_values_only() {
        assert_eq!(strip_comment("name = value # c # d", true), "name = value");
        assert_eq!(strip_comment("name = value#c # d", true), "name = value#c");
        assert_eq!(strip_comment("[profile a]#c", false), "[profile a]");
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("[default]\nk = v\n[profile x", Some(Path::new("/c"))).unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert_eq!(err.to_string(), "/c:3: Profile definition must end with ']'");
    }

    #[test]
    fn sub_properties_are_collected_with_lines() {
        let sections = parse("[services a]\nsts =\n  Endpoint_URL = http://x # c\n", None).unwrap();
        let property = &sections[0].properties[0];
        assert_eq!(property.value, "\nEndpoint_URL = http://x # c");
        assert_eq!(property.sub_properties, vec![("endpoint_url".into(), "http://x".into(), 3)]);
    }
}
