//! The awsQuery request body: `Action=...&Version=2011-06-15&Name=value...`, form-encoded.

use signet_sigv4::uri_encode;

/// The STS API version every request names.
pub const API_VERSION: &str = "2011-06-15";

/// Writes one awsQuery body. Keys are written as given (they are ASCII names from the model);
/// values are percent-encoded, everything but RFC 3986's unreserved characters escaped (so a
/// space is `%20`, never `+`), as botocore and smithy-rs do.
#[derive(Debug)]
pub(crate) struct QueryWriter {
    body: String,
}

impl QueryWriter {
    pub(crate) fn new(action: &str) -> Self {
        let mut body = String::with_capacity(256);
        body.push_str("Action=");
        uri_encode(action, &mut body);
        body.push_str("&Version=");
        body.push_str(API_VERSION);
        Self { body }
    }

    /// `&key=value`.
    pub(crate) fn param(&mut self, key: &str, value: &str) -> &mut Self {
        self.body.push('&');
        self.body.push_str(key);
        self.body.push('=');
        uri_encode(value, &mut self.body);
        self
    }

    /// `&key=value` when `value` is set.
    pub(crate) fn opt(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.param(key, v);
        }
        self
    }

    /// `&key=n` when `value` is set.
    pub(crate) fn opt_num(&mut self, key: &str, value: Option<u32>) -> &mut Self {
        if let Some(v) = value {
            self.param(key, &v.to_string());
        }
        self
    }

    /// A list of strings: `Name.member.1=a&Name.member.2=b` (nothing when empty).
    pub(crate) fn list(&mut self, name: &str, values: &[String]) -> &mut Self {
        for (i, v) in values.iter().enumerate() {
            self.param(&format!("{name}.member.{}", i + 1), v);
        }
        self
    }

    /// A list of structures: `Name.member.1.Field=a&...`, each member given as its fields.
    pub(crate) fn struct_list<T>(
        &mut self,
        name: &str,
        values: &[T],
        fields: impl Fn(&T) -> Vec<(&'static str, Option<&str>)>,
    ) -> &mut Self {
        for (i, v) in values.iter().enumerate() {
            for (field, value) in fields(v) {
                if let Some(value) = value {
                    self.param(&format!("{name}.member.{}.{field}", i + 1), value);
                }
            }
        }
        self
    }

    pub(crate) fn finish(self) -> String {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_botocore() {
        let mut q = QueryWriter::new("AssumeRole");
        q.param("RoleArn", "arn:aws:iam::123456789012:role/r")
            .param("Policy", "{\"a\": \"b+c\"}")
            .list("TransitiveTagKeys", &["k".into(), "é".into()]);
        assert_eq!(
            q.finish(),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr\
             &Policy=%7B%22a%22%3A%20%22b%2Bc%22%7D&TransitiveTagKeys.member.1=k\
             &TransitiveTagKeys.member.2=%C3%A9"
        );
    }
}
