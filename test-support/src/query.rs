//! moto's Query-protocol APIs (IAM, STS) in tests: form bodies in, XML answers out.

/// `text` percent-encoded as a form value: every byte but the RFC 3986 unreserved ones.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A Query form body: `Version=<version>`, then `&key=value` for each parameter, the values
/// encoded (keys are plain names).
pub fn form(version: &str, params: &[(&str, &str)]) -> String {
    let mut body = format!("Version={version}");
    for (k, v) in params {
        body.push('&');
        body.push_str(k);
        body.push('=');
        body.push_str(&encode(v));
    }
    body
}

/// The text of the first `<name>` element of `xml`, if it has one.
pub fn find_element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    Some(&xml[start..start + xml[start..].find('<')?])
}

/// The text of the first `<name>` element of `xml`; panics (failing the test) with the XML
/// when there is none.
pub fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    find_element(xml, name).unwrap_or_else(|| panic!("no {name} in {xml}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_encode_values_and_elements_are_found() {
        assert_eq!(encode("a b/c~"), "a%20b%2Fc~");
        assert_eq!(
            form("2010-05-08", &[("Action", "CreateRole"), ("Doc", "{\"x\":1}")]),
            "Version=2010-05-08&Action=CreateRole&Doc=%7B%22x%22%3A1%7D"
        );
        let xml = "<R><Arn>arn:aws:iam::1:role/x</Arn><Empty></Empty></R>";
        assert_eq!(element(xml, "Arn"), "arn:aws:iam::1:role/x");
        assert_eq!(find_element(xml, "Empty"), Some(""));
        assert_eq!(find_element(xml, "Missing"), None);
    }
}
