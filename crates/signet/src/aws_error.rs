//! Reading the AWS error code, message and request id out of an error response, whatever the
//! protocol: awsQuery and EC2 XML, REST XML, awsJson/restJson, and `x-amzn-errortype`.

use crate::ServiceError;

/// Bodies larger than this are not searched (an error document is a few hundred bytes).
const MAX_BODY: usize = 64 * 1024;

impl ServiceError {
    /// Parses an error response: the HTTP status, the response headers (any case) and the
    /// body. Never fails: what cannot be found is `None`.
    ///
    /// - JSON bodies (`{...}`): the code from `x-amzn-errortype`, else `code`/`__type`/`Code`;
    ///   the message from `message`/`Message`/`errorMessage`.
    /// - XML bodies: the first `Code`, `Message` and `RequestId`/`RequestID` elements at any
    ///   depth, which covers `<ErrorResponse><Error>` (Query), `<Response><Errors><Error>`
    ///   (EC2) and `<Error>` (S3).
    /// - Codes are cleaned as the SDKs do: `aws.protocoltests#FooError:http://...` is
    ///   `FooError`.
    /// - The request id comes from `x-amzn-requestid`, `x-amz-request-id` or
    ///   `x-amzn-request-id`, else the body.
    ///
    /// ```
    /// use signet::ServiceError;
    ///
    /// let body = br#"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>
    ///   <Message>Rate exceeded</Message></Error><RequestId>abc-123</RequestId></ErrorResponse>"#;
    /// let error = ServiceError::parse(400, &[("content-type", "text/xml")], body);
    /// assert_eq!(error.code(), Some("Throttling"));
    /// assert_eq!(error.message(), Some("Rate exceeded"));
    /// assert_eq!(error.request_id(), Some("abc-123"));
    /// ```
    pub fn parse(status: u16, headers: &[(&str, &str)], body: &[u8]) -> ServiceError {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, v)| n.eq_ignore_ascii_case(name) && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
        };
        let body = body.get(..MAX_BODY).unwrap_or(body);
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim_start();
        let (mut code, message, body_request_id) = if trimmed.starts_with('{') {
            parse_json(trimmed)
        } else if trimmed.starts_with('<') {
            (xml_element(trimmed, "Code"), xml_element(trimmed, "Message"), {
                xml_element(trimmed, "RequestId").or_else(|| xml_element(trimmed, "RequestID"))
            })
        } else {
            (None, None, None)
        };
        if let Some(from_header) = header("x-amzn-errortype") {
            code = Some(from_header);
        }
        let code = code.map(|c| sanitize_code(&c)).filter(|c| !c.is_empty());
        let request_id = header("x-amzn-requestid")
            .or_else(|| header("x-amz-request-id"))
            .or_else(|| header("x-amzn-request-id"))
            .or(body_request_id);
        ServiceError::new(status, code, message, request_id)
    }
}

/// `ns#Name:uri` to `Name`.
fn sanitize_code(code: &str) -> String {
    let code = code.split(':').next().unwrap_or(code);
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim().to_owned()
}

fn parse_json(text: &str) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return (None, None, None);
    };
    let field = |names: &[&str]| {
        names.iter().find_map(|n| map.get(*n).and_then(|v| v.as_str()).map(str::to_owned))
    };
    (
        field(&["code", "__type", "Code"]),
        field(&["message", "Message", "errorMessage"]),
        field(&["RequestId", "requestId"]),
    )
}

/// The text of the first `<name>...</name>` element, entities decoded; `None` if absent.
fn xml_element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let rest = xml.get(start..)?;
    let end = rest.find(&close)?;
    let raw = rest.get(..end)?;
    let raw = raw.strip_prefix("<![CDATA[").and_then(|r| r.strip_suffix("]]>")).unwrap_or(raw);
    let value = decode_entities(raw.trim());
    (!value.is_empty()).then_some(value)
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at..).unwrap_or_default();
        let entity_end = tail.find(';').filter(|e| *e <= 10);
        let decoded = entity_end.and_then(|e| {
            let name = tail.get(1..e)?;
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let value = match num.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(value)?
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = tail.get(len..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}
