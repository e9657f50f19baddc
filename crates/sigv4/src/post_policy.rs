//! S3 POST policies: the form fields a browser posts to upload straight to a bucket.

use std::fmt;
use std::time::Duration;

use crate::checksum::base64;
use crate::credentials::REDACTED;
use crate::error::{Error, ErrorKind};
use crate::signer::{ALGORITHM, Signer};
use crate::time::{AmzDate, format_rfc3339};

/// One condition of a POST policy: what S3 checks the posted form against.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// The form field must equal the value: `{"field": "value"}`.
    Equals {
        /// The form field's name (`acl`, `Content-Type`, `x-amz-meta-...`, ...).
        field: String,
        /// The value it must have.
        value: String,
    },
    /// The form field must start with the prefix (`""`: anything):
    /// `["starts-with", "$field", "prefix"]`.
    StartsWith {
        /// The form field's name, without `$`.
        field: String,
        /// The prefix.
        prefix: String,
    },
    /// The uploaded file's size must be within `min..=max` bytes:
    /// `["content-length-range", min, max]`.
    ContentLengthRange {
        /// The smallest size.
        min: u64,
        /// The largest size.
        max: u64,
    },
}

/// A POST policy for a browser upload to S3 (`<form method="post" enctype="multipart/form-data">`):
/// the conditions the upload must meet, and the form fields to send with the file.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use signet_sigv4::{Credentials, PostPolicy, Signer};
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let signer = Signer::new(&creds, "us-east-1", "s3", UNIX_EPOCH + Duration::from_secs(1_772_366_400))?;
/// let form = PostPolicy::new("amzn-s3-demo-bucket", "uploads/${filename}")
///     .content_type("image/jpeg")
///     .content_length_range(1, 10 << 20)
///     .success_action_status(201)
///     .sign(&signer, Duration::from_secs(3600))?;
/// // Post every field, then the file (last), to https://amzn-s3-demo-bucket.s3.amazonaws.com/
/// let names: Vec<&str> = form.fields().iter().map(|(n, _)| n.as_str()).collect();
/// assert_eq!(names, ["Content-Type", "success_action_status", "key", "x-amz-algorithm",
///     "x-amz-credential", "x-amz-date", "policy", "x-amz-signature"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPolicy {
    bucket: String,
    key: String,
    conditions: Vec<Condition>,
    fields: Vec<(String, String)>,
}

impl PostPolicy {
    /// A policy for uploading `key` into `bucket`. A key ending in `${filename}` allows any
    /// key with the part before it as a prefix (S3 puts the file's name there).
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        Self { bucket: bucket.into(), key: key.into(), conditions: Vec::new(), fields: Vec::new() }
    }

    /// Adds a condition to the policy (and no form field).
    pub fn condition(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// Adds a form field (and no condition): for a field some condition already covers.
    pub fn form_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Adds a form field and the condition that it has exactly this value.
    pub fn field(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        self.condition(Condition::Equals { field: name.clone(), value: value.clone() })
            .form_field(name, value)
    }

    /// The file's `Content-Type` (field and condition).
    pub fn content_type(self, content_type: impl Into<String>) -> Self {
        self.field("Content-Type", content_type)
    }

    /// The status S3 answers a successful upload with, 200, 201 or 204 (field and condition).
    pub fn success_action_status(self, status: u16) -> Self {
        self.field("success_action_status", status.to_string())
    }

    /// The file's size must be within `min..=max` bytes.
    pub fn content_length_range(self, min: u64, max: u64) -> Self {
        self.condition(Condition::ContentLengthRange { min, max })
    }

    /// Signs the policy with SigV4 (the signer's service should be `s3`), valid for
    /// `expires_in` from the signer's time, and returns the form fields: the caller's fields,
    /// `key`, `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, `x-amz-security-token` with
    /// temporary credentials, `policy` (the base64 policy document) and `x-amz-signature`.
    pub fn sign(&self, signer: &Signer<'_>, expires_in: Duration) -> Result<PostForm, Error> {
        let date = signer.date();
        let expiration = date
            .to_system_time()
            .checked_add(expires_in)
            .ok_or_else(|| Error::new(ErrorKind::InvalidTime("the expiration is too late".into())))
            .and_then(AmzDate::new)?;
        let credential = format!("{}/{}", signer.credentials.access_key_id(), signer.scope());
        let token = signer.credentials.session_token();

        let mut json = String::with_capacity(512);
        json.push_str("{\"expiration\": ");
        push_json_str(&mut json, &format_rfc3339(expiration.to_system_time()));
        json.push_str(", \"conditions\": [");
        let mut conditions: Vec<Condition> = self.conditions.clone();
        conditions.push(Condition::Equals { field: "bucket".into(), value: self.bucket.clone() });
        match self.key.strip_suffix("${filename}") {
            Some(prefix) => conditions
                .push(Condition::StartsWith { field: "key".into(), prefix: prefix.to_owned() }),
            None => {
                conditions.push(Condition::Equals { field: "key".into(), value: self.key.clone() })
            }
        }
        let mut auth = vec![
            ("x-amz-algorithm", ALGORITHM.to_owned()),
            ("x-amz-credential", credential),
            ("x-amz-date", date.as_str().to_owned()),
        ];
        if let Some(t) = token {
            auth.push(("x-amz-security-token", t.to_owned()));
        }
        for (name, value) in &auth {
            conditions.push(Condition::Equals { field: (*name).to_owned(), value: value.clone() });
        }
        for (i, c) in conditions.iter().enumerate() {
            if i > 0 {
                json.push_str(", ");
            }
            push_condition(&mut json, c);
        }
        json.push_str("]}");

        let policy = base64(json.as_bytes());
        let signature = signer.signing_key().sign(policy.as_bytes());
        let mut fields = self.fields.clone();
        fields.push(("key".into(), self.key.clone()));
        fields.extend(auth.into_iter().map(|(n, v)| (n.to_owned(), v)));
        fields.push(("policy".into(), policy));
        fields.push(("x-amz-signature".into(), signature.to_string()));
        Ok(PostForm { fields, policy_document: json, token: token.map(str::to_owned) })
    }
}

fn push_condition(json: &mut String, c: &Condition) {
    match c {
        Condition::Equals { field, value } => {
            json.push('{');
            push_json_str(json, field);
            json.push_str(": ");
            push_json_str(json, value);
            json.push('}');
        }
        Condition::StartsWith { field, prefix } => {
            json.push_str("[\"starts-with\", ");
            push_json_str(json, &format!("${field}"));
            json.push_str(", ");
            push_json_str(json, prefix);
            json.push(']');
        }
        Condition::ContentLengthRange { min, max } => {
            json.push_str(&format!("[\"content-length-range\", {min}, {max}]"));
        }
    }
}

/// A JSON string as Python's `json.dumps` writes it (ASCII only, `\uXXXX` for the rest), so
/// that a policy is byte for byte what botocore produces.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The signed form of a [`PostPolicy`]: the fields to post, in order, before the file.
#[derive(Clone)]
pub struct PostForm {
    fields: Vec<(String, String)>,
    policy_document: String,
    token: Option<String>,
}

impl PostForm {
    /// The form fields, in the order to post them (the file goes last).
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// One field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The policy document (JSON) before base64.
    pub fn policy_document(&self) -> &str {
        &self.policy_document
    }
}

impl fmt::Debug for PostForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| match (n.as_str(), &self.token) {
                ("x-amz-security-token", _) => (n.as_str(), REDACTED),
                ("policy", Some(_)) => (n.as_str(), REDACTED),
                _ => (n.as_str(), v.as_str()),
            })
            .collect();
        f.debug_struct("PostForm").field("fields", &shown).finish_non_exhaustive()
    }
}
