//! Printing credentials: `env`, `json` and `credential_process` formats, and a redacted
//! summary when no format is asked for.

use std::time::SystemTime;

use serde_json::json;
use signet::sigv4::{Credentials, format_rfc3339};

use crate::args::CredentialFormat;
use crate::sign::write_json;

/// `2015-08-30T12:36:00Z`.
pub(crate) fn iso8601(time: SystemTime) -> String {
    format_rfc3339(time)
}

/// The credentials with their secrets, in `format`.
pub(crate) fn write_credentials(out: &mut Vec<u8>, creds: &Credentials, format: CredentialFormat) {
    let expiration = creds.expiration().map(iso8601);
    match format {
        CredentialFormat::Env => {
            let mut text = format!(
                "export AWS_ACCESS_KEY_ID={}\nexport AWS_SECRET_ACCESS_KEY={}\n",
                shell_quote(creds.access_key_id()),
                shell_quote(creds.secret_access_key())
            );
            if let Some(t) = creds.session_token() {
                text.push_str(&format!("export AWS_SESSION_TOKEN={}\n", shell_quote(t)));
            }
            if let Some(e) = &expiration {
                text.push_str(&format!("export AWS_CREDENTIAL_EXPIRATION={e}\n"));
            }
            out.extend_from_slice(text.as_bytes());
        }
        CredentialFormat::Json | CredentialFormat::Process => {
            let mut doc = serde_json::Map::new();
            if format == CredentialFormat::Process {
                doc.insert("Version".into(), json!(1));
            }
            doc.insert("AccessKeyId".into(), json!(creds.access_key_id()));
            doc.insert("SecretAccessKey".into(), json!(creds.secret_access_key()));
            if let Some(t) = creds.session_token() {
                doc.insert("SessionToken".into(), json!(t));
            }
            if let Some(e) = expiration {
                doc.insert("Expiration".into(), json!(e));
            }
            if let Some(a) = creds.account_id() {
                doc.insert("AccountId".into(), json!(a));
            }
            write_json(out, &doc.into());
        }
    }
}

/// `value`, single-quoted for a POSIX shell when it has anything but safe characters.
fn shell_quote(value: &str) -> String {
    if !value.is_empty()
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=._-:@".contains(&b))
    {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats() {
        assert_eq!(
            iso8601(UNIX_EPOCH + Duration::from_secs(1_440_938_160)),
            "2015-08-30T12:36:00Z"
        );
        assert_eq!(shell_quote("a b'c"), r"'a b'\''c'");
        assert_eq!(shell_quote("AKID/x+y="), "AKID/x+y=");
    }
}
