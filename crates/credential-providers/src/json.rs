//! JSON credential documents: container endpoints, `credential_process`, the SSO portal.

use serde_json::{Map, Value};
use signet_sigv4::{Credentials, parse_rfc3339};

use crate::Error;

/// Looks `key` up ignoring ASCII case, as the AWS SDKs do for these documents.
pub(crate) fn get_ci<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object
        .get(key)
        .or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

pub(crate) fn get_str<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    get_ci(object, key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Error> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::invalid_response("invalid JSON in response: expected an object")),
        Err(e) => Err(Error::invalid_response(format!(
            "invalid JSON in response (line {}, column {})",
            e.line(),
            e.column()
        ))),
    }
}

/// What a document must contain besides the two keys.
#[derive(Clone, Copy)]
pub(crate) struct Rules {
    /// The name of the session token field.
    pub(crate) token_key: &'static str,
    pub(crate) token_required: bool,
    pub(crate) expiration_required: bool,
}

/// Reads `AccessKeyId`, `SecretAccessKey`, the token, `Expiration` and `AccountId`.
pub(crate) fn credentials(object: &Map<String, Value>, rules: Rules) -> Result<Credentials, Error> {
    let required = |key: &str| {
        get_str(object, key)
            .ok_or_else(|| Error::invalid_response(format!("missing field `{key}` in response")))
    };
    let mut creds = Credentials::new(required("AccessKeyId")?, required("SecretAccessKey")?);
    match get_str(object, rules.token_key) {
        Some(token) => creds = creds.with_session_token(token),
        None if rules.token_required => {
            return Err(Error::invalid_response(format!(
                "missing field `{}` in response",
                rules.token_key
            )));
        }
        None => {}
    }
    match get_str(object, "Expiration") {
        Some(text) => {
            let at = parse_rfc3339(text).ok_or_else(|| {
                Error::invalid_response(format!("`Expiration` = `{text}` is not an RFC 3339 time"))
            })?;
            creds = creds.with_expiration(at);
        }
        None if rules.expiration_required => {
            return Err(Error::invalid_response("missing field `Expiration` in response"));
        }
        None => {}
    }
    if let Some(account) = get_str(object, "AccountId") {
        creds = creds.with_account_id(account);
    }
    Ok(creds)
}
