//! Checks STS would make, made before sending so the error is local and says exactly what is
//! wrong (the constraints of the STS model, `sts.json`).

use crate::error::Error;

type Result<T = ()> = std::result::Result<T, Error>;

/// `[\w+=,.@-]`: word characters and `+=,.@-`, as in role session names, source identities
/// and federated user names.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

/// A name of `min..=max` characters of `[\w+=,.@-]`.
pub(crate) fn name(field: &str, value: &str, min: usize, max: usize) -> Result {
    length(field, value, min, max)?;
    only(field, value, is_name_char, "_+=,.@-")
}

/// Every character of `value` passes `ok`; else an error naming the first one that does not
/// and the punctuation allowed besides letters and digits.
fn only(field: &str, value: &str, ok: impl Fn(char) -> bool, punctuation: &str) -> Result {
    match value.char_indices().find(|(_, c)| !ok(*c)) {
        None => Ok(()),
        Some((i, c)) => Err(Error::invalid_input(
            field,
            format_args!(
                "has `{}` at byte {i}; only letters, digits and `{punctuation}` are allowed",
                c.escape_default()
            ),
        )),
    }
}

/// A value of `min..=max` characters (Unicode scalar values, as the model counts).
pub(crate) fn length(field: &str, value: &str, min: usize, max: usize) -> Result {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(Error::invalid_input(
            field,
            format_args!("must be {min} to {max} characters long, not {n}"),
        ));
    }
    Ok(())
}

/// A duration in seconds within `min..=max`.
pub(crate) fn duration(field: &str, value: Option<u32>, min: u32, max: u32) -> Result {
    match value {
        Some(v) if v < min || v > max => Err(Error::invalid_input(
            field,
            format_args!("must be {min} to {max} seconds, not {v}"),
        )),
        _ => Ok(()),
    }
}

/// An ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, 20 to 2048 characters. With
/// `role`, the service must be `iam`, the region empty and the resource `role/NAME`.
pub(crate) fn arn(field: &str, value: &str, role: bool) -> Result {
    length(field, value, 20, 2048)?;
    let bad = |why: &str| Error::invalid_input(field, format_args!("is not a valid ARN: {why}"));
    let mut parts = value.splitn(6, ':');
    let (prefix, partition, service, region, account, resource) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next());
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
        (prefix, partition, service, region, account, resource)
    else {
        return Err(bad("expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"));
    };
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Err(bad("the partition, service and resource must not be empty"));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("it contains whitespace or a control character"));
    }
    if role {
        if service != "iam" {
            return Err(bad("a role ARN's service is `iam`"));
        }
        if !region.is_empty() {
            return Err(bad("a role ARN has no region"));
        }
        if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("a role ARN's account is a number"));
        }
        match resource.strip_prefix("role/") {
            Some(name) if !name.is_empty() && !name.ends_with('/') => {}
            _ => return Err(bad("a role ARN's resource is `role/NAME` (or `role/PATH/NAME`)")),
        }
    }
    Ok(())
}

/// An MFA token code: six digits.
pub(crate) fn token_code(field: &str, value: &str) -> Result {
    if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        // The code is not quoted: it is a one-time secret.
        Err(Error::invalid_input(field, "must be exactly six digits"))
    }
}

/// An MFA device serial number or ARN: 9 to 256 characters of `[\w+=/:,.@-]`.
pub(crate) fn serial_number(field: &str, value: &str) -> Result {
    length(field, value, 9, 256)?;
    only(field, value, |c| is_name_char(c) || matches!(c, '/' | ':'), "_+=/:,.@-")
}

/// An external id: 2 to 1224 characters of `[\w+=,.@:\/-]`.
pub(crate) fn external_id(field: &str, value: &str) -> Result {
    length(field, value, 2, 1224)?;
    only(field, value, |c| is_name_char(c) || matches!(c, '/' | ':'), "_+=,.@:/-")
}

/// At most `max` list members.
pub(crate) fn count(field: &str, n: usize, max: usize) -> Result {
    if n > max {
        return Err(Error::invalid_input(
            field,
            format_args!("may have at most {max} members, not {n}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        for good in
            ["arn:aws:iam::123456789012:role/r", "arn:aws-cn:iam::123456789012:role/path/to/r"]
        {
            arn("RoleArn", good, true).unwrap();
        }
        for bad in [
            "arn:aws:iam::123456789012:user/u",
            "arn:aws:s3:::bucket/with/a/long/name",
            "arn:aws:iam:us-east-1:123456789012:role/r",
            "arn:aws:iam::acct:role/something",
            "not an arn at all, no",
            "arn:aws:iam::123456789012:role/",
        ] {
            let e = arn("RoleArn", bad, true).unwrap_err();
            assert!(e.to_string().starts_with("RoleArn "), "{e}");
        }
    }

    #[test]
    fn names() {
        name("RoleSessionName", "a.b@c=d,e+f-g_h", 2, 64).unwrap();
        assert!(name("RoleSessionName", "a", 2, 64).unwrap_err().to_string().contains("2 to 64"));
        assert!(name("RoleSessionName", "a b", 2, 64).unwrap_err().to_string().contains("` `"));
        assert!(name("RoleSessionName", &"x".repeat(65), 2, 64).is_err());
    }
}
