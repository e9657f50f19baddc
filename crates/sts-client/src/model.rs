//! The operations' inputs (validated and encoded as awsQuery) and outputs (decoded from XML).

use std::fmt;

use signet_sigv4::Credentials;

use crate::error::Error;
use crate::query::QueryWriter;
use crate::time::parse_iso8601;
use crate::validate;
use crate::xml::{self, Element};

const REDACTED: &str = "** redacted **";

/// What the client needs to know about one operation.
pub(crate) trait Operation {
    /// The action name, `AssumeRole`.
    const NAME: &'static str;
    /// Whether the request is SigV4-signed (web identity and SAML are not).
    const SIGNED: bool = true;
    type Output;
    fn validate(&self) -> Result<(), Error>;
    fn body(&self) -> String;
    fn decode(result: &Element, request_id: Option<String>) -> Result<Self::Output, String>;
}

/// Decodes a 2xx body: `<{Op}Response><{Op}Result>...</{Op}Result><ResponseMetadata>...`.
pub(crate) fn decode_output<O: Operation>(status: u16, body: &[u8]) -> Result<O::Output, Error> {
    let root = xml::parse(body).map_err(|why| Error::malformed(status, why, body))?;
    let result_name = format!("{}Result", O::NAME);
    let response_name = format!("{}Response", O::NAME);
    if root.name != response_name {
        let why = format!("the root element is `{}`, not `{response_name}`", printable(&root.name));
        return Err(Error::malformed(status, why, body));
    }
    let request_id = root.find("RequestId").map(|e| e.text.trim().to_owned());
    // GetCallerIdentity-style results may be empty elements; a missing Result is an error.
    let result = root
        .child(&result_name)
        .ok_or_else(|| Error::malformed(status, format!("no `{result_name}` element"), body))?;
    O::decode(result, request_id).map_err(|why| Error::malformed(status, why, body))
}

fn printable(s: &str) -> String {
    s.chars().take(64).flat_map(char::escape_default).collect()
}

fn required<'a>(e: &'a Element, name: &str) -> Result<&'a str, String> {
    match e.child_text(name) {
        Some(t) if !t.is_empty() => Ok(t),
        Some(_) => Err(format!("`{}` is empty in `{}`", name, e.name)),
        None => Err(format!("no `{}` element in `{}`", name, e.name)),
    }
}

fn optional(e: &Element, name: &str) -> Option<String> {
    e.child_text(name).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn optional_u32(e: &Element, name: &str) -> Result<Option<u32>, String> {
    match e.child_text(name) {
        None | Some("") => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| format!("`{name}` is not a whole number")),
    }
}

/// `<Credentials>`: the four members, the expiration parsed.
fn decode_credentials(result: &Element, account_id: Option<&str>) -> Result<Credentials, String> {
    let c = result.child("Credentials").ok_or("no `Credentials` element")?;
    let expiration = required(c, "Expiration")?;
    let expiration = parse_iso8601(expiration)
        .ok_or_else(|| "`Expiration` is not an ISO 8601 timestamp".to_owned())?;
    let mut creds = Credentials::new(required(c, "AccessKeyId")?, required(c, "SecretAccessKey")?)
        .with_session_token(required(c, "SessionToken")?)
        .with_expiration(expiration);
    if let Some(account) = account_id {
        creds = creds.with_account_id(account);
    }
    Ok(creds)
}

/// The account id of an ARN (`arn:aws:sts::123456789012:assumed-role/r/s`).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

fn decode_assumed_role_user(result: &Element) -> Result<AssumedRoleUser, String> {
    let u = result.child("AssumedRoleUser").ok_or("no `AssumedRoleUser` element")?;
    Ok(AssumedRoleUser {
        assumed_role_id: required(u, "AssumedRoleId")?.to_owned(),
        arn: required(u, "Arn")?.to_owned(),
    })
}

/// A session tag: a key (1 to 128 characters) and a value (0 to 256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    key: String,
    value: String,
}

impl Tag {
    /// The tag `key = value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self { key: key.into(), value: value.into() }
    }

    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A context a trusted context provider asserts (`ProvidedContexts`, for trusted identity
/// propagation): the provider's ARN and its signed assertion.
#[derive(Clone, PartialEq, Eq)]
pub struct ProvidedContext {
    provider_arn: String,
    context_assertion: String,
}

impl ProvidedContext {
    /// A provider ARN and the context assertion it signed.
    pub fn new(provider_arn: impl Into<String>, context_assertion: impl Into<String>) -> Self {
        Self { provider_arn: provider_arn.into(), context_assertion: context_assertion.into() }
    }
}

impl fmt::Debug for ProvidedContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvidedContext")
            .field("provider_arn", &self.provider_arn)
            .field("context_assertion", &format_args!("{REDACTED}"))
            .finish()
    }
}

/// The options every role-assuming operation shares: session policies and duration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SessionPolicy {
    policy_arns: Vec<String>,
    policy: Option<String>,
    duration_seconds: Option<u32>,
}

impl SessionPolicy {
    fn validate(&self, max_duration: u32) -> Result<(), Error> {
        validate::count("PolicyArns", self.policy_arns.len(), 10)?;
        for (i, a) in self.policy_arns.iter().enumerate() {
            validate::arn(&format!("PolicyArns[{i}]"), a, false)?;
        }
        if let Some(p) = &self.policy {
            validate::length("Policy", p, 1, 2048)?;
        }
        validate::duration("DurationSeconds", self.duration_seconds, 900, max_duration)
    }

    fn write(&self, q: &mut QueryWriter) {
        q.struct_list("PolicyArns", &self.policy_arns, |a| vec![("arn", Some(a.as_str()))]);
        q.opt("Policy", self.policy.as_deref());
        q.opt_num("DurationSeconds", self.duration_seconds);
    }
}

fn validate_tags(tags: &[Tag]) -> Result<(), Error> {
    validate::count("Tags", tags.len(), 50)?;
    for (i, t) in tags.iter().enumerate() {
        validate::length(&format!("Tags[{i}].Key"), &t.key, 1, 128)?;
        validate::length(&format!("Tags[{i}].Value"), &t.value, 0, 256)?;
    }
    Ok(())
}

fn write_tags(q: &mut QueryWriter, tags: &[Tag]) {
    q.struct_list("Tags", tags, |t| {
        vec![("Key", Some(t.key.as_str())), ("Value", Some(t.value.as_str()))]
    });
}

fn validate_mfa(serial: Option<&str>, code: Option<&str>) -> Result<(), Error> {
    if let Some(s) = serial {
        validate::serial_number("SerialNumber", s)?;
    }
    if let Some(c) = code {
        validate::token_code("TokenCode", c)?;
    }
    if serial.is_some() != code.is_some() {
        return Err(Error::invalid_input(
            "SerialNumber",
            "and TokenCode go together: an MFA session needs both the device and its code",
        ));
    }
    Ok(())
}

macro_rules! policy_setters {
    () => {
        /// Adds a managed policy (by ARN) as a session policy; at most 10.
        pub fn with_policy_arn(mut self, arn: impl Into<String>) -> Self {
            self.session.policy_arns.push(arn.into());
            self
        }

        /// An inline session policy (JSON, up to 2048 characters): the session gets the
        /// intersection of the role's policies and this one.
        pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
            self.session.policy = Some(policy.into());
            self
        }
    };
}

/// The input of `AssumeRole`: temporary credentials for a role the caller may assume.
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleInput {
    role_arn: String,
    role_session_name: String,
    session: SessionPolicy,
    tags: Vec<Tag>,
    transitive_tag_keys: Vec<String>,
    external_id: Option<String>,
    serial_number: Option<String>,
    token_code: Option<String>,
    source_identity: Option<String>,
    provided_contexts: Vec<ProvidedContext>,
}

impl AssumeRoleInput {
    /// Assume `role_arn` (`arn:aws:iam::123456789012:role/name`) as session
    /// `role_session_name` (2 to 64 characters of `[\w+=,.@-]`).
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            session: SessionPolicy::default(),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            external_id: None,
            serial_number: None,
            token_code: None,
            source_identity: None,
            provided_contexts: Vec::new(),
        }
    }

    /// How long the credentials last: 900 to 43200 seconds (STS's default is 3600; the role's
    /// maximum session duration still applies, and role chaining is limited to an hour).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.session.duration_seconds = Some(seconds);
        self
    }

    policy_setters!();

    /// Adds a session tag; at most 50.
    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }

    /// Marks a session tag key as transitive (kept through role chaining).
    pub fn with_transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.transitive_tag_keys.push(key.into());
        self
    }

    /// The external id the role's trust policy asks for (2 to 1224 characters).
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// Assume the role with MFA: the device's serial number or ARN and its current code.
    pub fn with_mfa(
        mut self,
        serial_number: impl Into<String>,
        token_code: impl Into<String>,
    ) -> Self {
        self.serial_number = Some(serial_number.into());
        self.token_code = Some(token_code.into());
        self
    }

    /// The source identity to record (2 to 64 characters of `[\w+=,.@-]`).
    pub fn with_source_identity(mut self, source_identity: impl Into<String>) -> Self {
        self.source_identity = Some(source_identity.into());
        self
    }

    /// Adds a context asserted by a trusted context provider; at most 5.
    pub fn with_provided_context(mut self, context: ProvidedContext) -> Self {
        self.provided_contexts.push(context);
        self
    }

    /// The role's ARN.
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    /// The session name.
    pub fn role_session_name(&self) -> &str {
        &self.role_session_name
    }
}

impl fmt::Debug for AssumeRoleInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleInput")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("policy_arns", &self.session.policy_arns)
            .field("policy", &self.session.policy)
            .field("duration_seconds", &self.session.duration_seconds)
            .field("tags", &self.tags)
            .field("transitive_tag_keys", &self.transitive_tag_keys)
            .field("external_id", &self.external_id)
            .field("serial_number", &self.serial_number)
            .field("token_code", &self.token_code.as_ref().map(|_| REDACTED))
            .field("source_identity", &self.source_identity)
            .field("provided_contexts", &self.provided_contexts)
            .finish()
    }
}

/// The result of `AssumeRole`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRoleOutput {
    /// The temporary credentials, with their expiration and the role's account id.
    pub credentials: Credentials,
    /// The assumed role's session: its ARN and id.
    pub assumed_role_user: AssumedRoleUser,
    /// How full the packed session policies and tags are, in percent of the limit.
    pub packed_policy_size: Option<u32>,
    /// The source identity recorded for the session.
    pub source_identity: Option<String>,
    /// The request id, to quote to AWS support.
    pub request_id: Option<String>,
}

/// An assumed role's session (`AssumedRoleUser`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumedRoleUser {
    /// `arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`.
    pub arn: String,
    /// `AROA...:SESSION`.
    pub assumed_role_id: String,
}

impl Operation for AssumeRoleInput {
    const NAME: &'static str = "AssumeRole";
    type Output = AssumeRoleOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::arn("RoleArn", &self.role_arn, true)?;
        validate::name("RoleSessionName", &self.role_session_name, 2, 64)?;
        self.session.validate(43_200)?;
        validate_tags(&self.tags)?;
        validate::count("TransitiveTagKeys", self.transitive_tag_keys.len(), 50)?;
        for (i, k) in self.transitive_tag_keys.iter().enumerate() {
            validate::length(&format!("TransitiveTagKeys[{i}]"), k, 1, 128)?;
        }
        if let Some(e) = &self.external_id {
            validate::external_id("ExternalId", e)?;
        }
        validate_mfa(self.serial_number.as_deref(), self.token_code.as_deref())?;
        if let Some(s) = &self.source_identity {
            validate::name("SourceIdentity", s, 2, 64)?;
        }
        validate::count("ProvidedContexts", self.provided_contexts.len(), 5)?;
        for (i, c) in self.provided_contexts.iter().enumerate() {
            validate::arn(&format!("ProvidedContexts[{i}].ProviderArn"), &c.provider_arn, false)?;
            validate::length(
                &format!("ProvidedContexts[{i}].ContextAssertion"),
                &c.context_assertion,
                4,
                2048,
            )?;
        }
        Ok(())
    }

    fn body(&self) -> String {
        let mut q = QueryWriter::new(Self::NAME);
        q.param("RoleArn", &self.role_arn).param("RoleSessionName", &self.role_session_name);
        self.session.write(&mut q);
        write_tags(&mut q, &self.tags);
        q.list("TransitiveTagKeys", &self.transitive_tag_keys)
            .opt("ExternalId", self.external_id.as_deref())
            .opt("SerialNumber", self.serial_number.as_deref())
            .opt("TokenCode", self.token_code.as_deref())
            .opt("SourceIdentity", self.source_identity.as_deref());
        q.struct_list("ProvidedContexts", &self.provided_contexts, |c| {
            vec![
                ("ProviderArn", Some(c.provider_arn.as_str())),
                ("ContextAssertion", Some(c.context_assertion.as_str())),
            ]
        });
        q.finish()
    }

    fn decode(result: &Element, request_id: Option<String>) -> Result<AssumeRoleOutput, String> {
        let user = decode_assumed_role_user(result)?;
        Ok(AssumeRoleOutput {
            credentials: decode_credentials(result, arn_account(&user.arn))?,
            assumed_role_user: user,
            packed_policy_size: optional_u32(result, "PackedPolicySize")?,
            source_identity: optional(result, "SourceIdentity"),
            request_id,
        })
    }
}

/// The input of `AssumeRoleWithWebIdentity`: a role assumed with an OIDC token (EKS service
/// accounts, GitHub Actions, Cognito). Sent unsigned, as AWS requires.
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithWebIdentityInput {
    role_arn: String,
    role_session_name: String,
    web_identity_token: String,
    provider_id: Option<String>,
    session: SessionPolicy,
}

impl AssumeRoleWithWebIdentityInput {
    /// Assume `role_arn` as `role_session_name` with the OIDC token `web_identity_token`
    /// (4 to 20000 characters).
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: impl Into<String>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token: web_identity_token.into(),
            provider_id: None,
            session: SessionPolicy::default(),
        }
    }

    /// The OAuth 2.0 provider's domain, for tokens from Login with Amazon, Facebook or Google.
    pub fn with_provider_id(mut self, provider_id: impl Into<String>) -> Self {
        self.provider_id = Some(provider_id.into());
        self
    }

    /// How long the credentials last: 900 to 43200 seconds.
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.session.duration_seconds = Some(seconds);
        self
    }

    policy_setters!();
}

impl fmt::Debug for AssumeRoleWithWebIdentityInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentityInput")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &format_args!("{REDACTED}"))
            .field("provider_id", &self.provider_id)
            .field("session", &self.session)
            .finish()
    }
}

/// The result of `AssumeRoleWithWebIdentity`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRoleWithWebIdentityOutput {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The assumed role's session.
    pub assumed_role_user: AssumedRoleUser,
    /// The token's subject (`sub` claim).
    pub subject_from_web_identity_token: Option<String>,
    /// The issuer (the OIDC provider's ARN or the `iss` claim).
    pub provider: Option<String>,
    /// The token's audience (`aud` claim).
    pub audience: Option<String>,
    /// How full the packed session policies are, in percent.
    pub packed_policy_size: Option<u32>,
    /// The source identity recorded for the session.
    pub source_identity: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for AssumeRoleWithWebIdentityInput {
    const NAME: &'static str = "AssumeRoleWithWebIdentity";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithWebIdentityOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::arn("RoleArn", &self.role_arn, true)?;
        validate::name("RoleSessionName", &self.role_session_name, 2, 64)?;
        validate::length("WebIdentityToken", &self.web_identity_token, 4, 20_000)?;
        if let Some(p) = &self.provider_id {
            validate::length("ProviderId", p, 4, 2048)?;
        }
        self.session.validate(43_200)
    }

    fn body(&self) -> String {
        let mut q = QueryWriter::new(Self::NAME);
        q.param("RoleArn", &self.role_arn)
            .param("RoleSessionName", &self.role_session_name)
            .param("WebIdentityToken", &self.web_identity_token)
            .opt("ProviderId", self.provider_id.as_deref());
        self.session.write(&mut q);
        q.finish()
    }

    fn decode(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<AssumeRoleWithWebIdentityOutput, String> {
        let user = decode_assumed_role_user(result)?;
        Ok(AssumeRoleWithWebIdentityOutput {
            credentials: decode_credentials(result, arn_account(&user.arn))?,
            assumed_role_user: user,
            subject_from_web_identity_token: optional(result, "SubjectFromWebIdentityToken"),
            provider: optional(result, "Provider"),
            audience: optional(result, "Audience"),
            packed_policy_size: optional_u32(result, "PackedPolicySize")?,
            source_identity: optional(result, "SourceIdentity"),
            request_id,
        })
    }
}

/// The input of `AssumeRoleWithSAML`: a role assumed with a SAML assertion from an identity
/// provider. Sent unsigned, as AWS requires.
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithSamlInput {
    role_arn: String,
    principal_arn: String,
    saml_assertion: String,
    session: SessionPolicy,
}

impl AssumeRoleWithSamlInput {
    /// Assume `role_arn` with the base64 `saml_assertion` issued by the SAML provider
    /// `principal_arn` (`arn:aws:iam::123456789012:saml-provider/NAME`).
    pub fn new(
        role_arn: impl Into<String>,
        principal_arn: impl Into<String>,
        saml_assertion: impl Into<String>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            principal_arn: principal_arn.into(),
            saml_assertion: saml_assertion.into(),
            session: SessionPolicy::default(),
        }
    }

    /// How long the credentials last: 900 to 43200 seconds.
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.session.duration_seconds = Some(seconds);
        self
    }

    policy_setters!();
}

impl fmt::Debug for AssumeRoleWithSamlInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithSamlInput")
            .field("role_arn", &self.role_arn)
            .field("principal_arn", &self.principal_arn)
            .field("saml_assertion", &format_args!("{REDACTED}"))
            .field("session", &self.session)
            .finish()
    }
}

/// The result of `AssumeRoleWithSAML`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRoleWithSamlOutput {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The assumed role's session.
    pub assumed_role_user: AssumedRoleUser,
    /// The assertion's `NameID`.
    pub subject: Option<String>,
    /// The format of the `NameID` (`persistent`, `transient`, or a full URI).
    pub subject_type: Option<String>,
    /// The assertion's issuer.
    pub issuer: Option<String>,
    /// The assertion's `Recipient` (the SAML audience).
    pub audience: Option<String>,
    /// A hash of the issuer, account id and provider name, unique per user.
    pub name_qualifier: Option<String>,
    /// How full the packed session policies are, in percent.
    pub packed_policy_size: Option<u32>,
    /// The source identity recorded for the session.
    pub source_identity: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for AssumeRoleWithSamlInput {
    const NAME: &'static str = "AssumeRoleWithSAML";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithSamlOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::arn("RoleArn", &self.role_arn, true)?;
        validate::arn("PrincipalArn", &self.principal_arn, false)?;
        validate::length("SAMLAssertion", &self.saml_assertion, 4, 100_000)?;
        self.session.validate(43_200)
    }

    fn body(&self) -> String {
        let mut q = QueryWriter::new(Self::NAME);
        q.param("RoleArn", &self.role_arn)
            .param("PrincipalArn", &self.principal_arn)
            .param("SAMLAssertion", &self.saml_assertion);
        self.session.write(&mut q);
        q.finish()
    }

    fn decode(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<AssumeRoleWithSamlOutput, String> {
        let user = decode_assumed_role_user(result)?;
        Ok(AssumeRoleWithSamlOutput {
            credentials: decode_credentials(result, arn_account(&user.arn))?,
            assumed_role_user: user,
            subject: optional(result, "Subject"),
            subject_type: optional(result, "SubjectType"),
            issuer: optional(result, "Issuer"),
            audience: optional(result, "Audience"),
            name_qualifier: optional(result, "NameQualifier"),
            packed_policy_size: optional_u32(result, "PackedPolicySize")?,
            source_identity: optional(result, "SourceIdentity"),
            request_id,
        })
    }
}

/// The input of `GetSessionToken`: temporary credentials for the calling IAM user, with MFA
/// when a policy requires it (`aws sts get-session-token --serial-number ... --token-code ...`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct GetSessionTokenInput {
    duration_seconds: Option<u32>,
    serial_number: Option<String>,
    token_code: Option<String>,
}

impl GetSessionTokenInput {
    /// A session with STS's defaults (12 hours, no MFA).
    pub fn new() -> Self {
        Self::default()
    }

    /// How long the credentials last: 900 to 129600 seconds (36 hours; an hour at most for
    /// the account's root user, which STS enforces).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// An MFA session: the device's serial number or ARN and its current six-digit code.
    pub fn with_mfa(
        mut self,
        serial_number: impl Into<String>,
        token_code: impl Into<String>,
    ) -> Self {
        self.serial_number = Some(serial_number.into());
        self.token_code = Some(token_code.into());
        self
    }
}

impl fmt::Debug for GetSessionTokenInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetSessionTokenInput")
            .field("duration_seconds", &self.duration_seconds)
            .field("serial_number", &self.serial_number)
            .field("token_code", &self.token_code.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// The result of `GetSessionToken`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GetSessionTokenOutput {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetSessionTokenInput {
    const NAME: &'static str = "GetSessionToken";
    type Output = GetSessionTokenOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::duration("DurationSeconds", self.duration_seconds, 900, 129_600)?;
        validate_mfa(self.serial_number.as_deref(), self.token_code.as_deref())
    }

    fn body(&self) -> String {
        let mut q = QueryWriter::new(Self::NAME);
        q.opt_num("DurationSeconds", self.duration_seconds)
            .opt("SerialNumber", self.serial_number.as_deref())
            .opt("TokenCode", self.token_code.as_deref());
        q.finish()
    }

    fn decode(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetSessionTokenOutput, String> {
        Ok(GetSessionTokenOutput { credentials: decode_credentials(result, None)?, request_id })
    }
}

/// The input of `GetCallerIdentity` (it has no parameters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GetCallerIdentityInput;

/// The result of `GetCallerIdentity`: who the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetCallerIdentityOutput {
    /// The unique id of the caller (`AIDA...` for a user, `AROA...:SESSION` for a role).
    pub user_id: String,
    /// The account id.
    pub account: String,
    /// The caller's ARN (`arn:aws:iam::...:user/NAME`, `arn:aws:sts::...:assumed-role/...`).
    pub arn: String,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetCallerIdentityInput {
    const NAME: &'static str = "GetCallerIdentity";
    type Output = GetCallerIdentityOutput;

    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    fn body(&self) -> String {
        QueryWriter::new(Self::NAME).finish()
    }

    fn decode(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetCallerIdentityOutput, String> {
        Ok(GetCallerIdentityOutput {
            user_id: required(result, "UserId")?.to_owned(),
            account: required(result, "Account")?.to_owned(),
            arn: required(result, "Arn")?.to_owned(),
            request_id,
        })
    }
}

/// The input of `GetFederationToken`: credentials for a federated user, called with an IAM
/// user's long-term keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetFederationTokenInput {
    name: String,
    session: SessionPolicy,
    tags: Vec<Tag>,
}

impl GetFederationTokenInput {
    /// Credentials for the federated user `name` (2 to 32 characters of `[\w+=,.@-]`).
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), session: SessionPolicy::default(), tags: Vec::new() }
    }

    /// How long the credentials last: 900 to 129600 seconds.
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.session.duration_seconds = Some(seconds);
        self
    }

    policy_setters!();

    /// Adds a session tag; at most 50.
    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }
}

/// A federated user (`FederatedUser`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FederatedUser {
    /// `123456789012:NAME`.
    pub federated_user_id: String,
    /// `arn:aws:sts::123456789012:federated-user/NAME`.
    pub arn: String,
}

/// The result of `GetFederationToken`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GetFederationTokenOutput {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The federated user.
    pub federated_user: FederatedUser,
    /// How full the packed session policies and tags are, in percent.
    pub packed_policy_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetFederationTokenInput {
    const NAME: &'static str = "GetFederationToken";
    type Output = GetFederationTokenOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::name("Name", &self.name, 2, 32)?;
        self.session.validate(129_600)?;
        validate_tags(&self.tags)
    }

    fn body(&self) -> String {
        let mut q = QueryWriter::new(Self::NAME);
        q.param("Name", &self.name);
        q.opt("Policy", self.session.policy.as_deref());
        q.struct_list("PolicyArns", &self.session.policy_arns, |a| vec![("arn", Some(a.as_str()))]);
        q.opt_num("DurationSeconds", self.session.duration_seconds);
        write_tags(&mut q, &self.tags);
        q.finish()
    }

    fn decode(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetFederationTokenOutput, String> {
        let u = result.child("FederatedUser").ok_or("no `FederatedUser` element")?;
        let user = FederatedUser {
            federated_user_id: required(u, "FederatedUserId")?.to_owned(),
            arn: required(u, "Arn")?.to_owned(),
        };
        Ok(GetFederationTokenOutput {
            credentials: decode_credentials(result, arn_account(&user.arn))?,
            federated_user: user,
            packed_policy_size: optional_u32(result, "PackedPolicySize")?,
            request_id,
        })
    }
}

/// The input of `GetAccessKeyInfo`: which account an access key id belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GetAccessKeyInfoInput {
    pub(crate) access_key_id: String,
}

/// The result of `GetAccessKeyInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetAccessKeyInfoOutput {
    /// The account the access key belongs to.
    pub account: String,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetAccessKeyInfoInput {
    const NAME: &'static str = "GetAccessKeyInfo";
    type Output = GetAccessKeyInfoOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::length("AccessKeyId", &self.access_key_id, 16, 128)?;
        if !self.access_key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(Error::invalid_input(
                "AccessKeyId",
                "may only have letters, digits and `_`",
            ));
        }
        Ok(())
    }

    fn body(&self) -> String {
        let mut q = QueryWriter::new(Self::NAME);
        q.param("AccessKeyId", &self.access_key_id);
        q.finish()
    }

    fn decode(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetAccessKeyInfoOutput, String> {
        Ok(GetAccessKeyInfoOutput { account: required(result, "Account")?.to_owned(), request_id })
    }
}

/// The input of `DecodeAuthorizationMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeAuthorizationMessageInput {
    pub(crate) encoded_message: String,
}

/// The result of `DecodeAuthorizationMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeAuthorizationMessageOutput {
    /// The decoded message: a JSON document explaining why a request was denied.
    pub decoded_message: String,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for DecodeAuthorizationMessageInput {
    const NAME: &'static str = "DecodeAuthorizationMessage";
    type Output = DecodeAuthorizationMessageOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::length("EncodedMessage", &self.encoded_message, 1, 10_240)
    }

    fn body(&self) -> String {
        let mut q = QueryWriter::new(Self::NAME);
        q.param("EncodedMessage", &self.encoded_message);
        q.finish()
    }

    fn decode(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<DecodeAuthorizationMessageOutput, String> {
        Ok(DecodeAuthorizationMessageOutput {
            decoded_message: required(result, "DecodedMessage")?.to_owned(),
            request_id,
        })
    }
}

/// Decodes an error body into STS's error document. Tolerant as the note on moto asks: the
/// first `Error` element at any depth (moto wraps it in `Errors`), any namespace; the
/// `RequestId` anywhere in the document.
pub(crate) fn decode_error(status: u16, body: &[u8], header_request_id: Option<&str>) -> Error {
    let root = match xml::parse(body) {
        Ok(root) => root,
        Err(why) => return Error::malformed(status, why, body),
    };
    let Some(error) = root.find("Error") else {
        return Error::malformed(
            status,
            format!("no `Error` element in `{}`", printable(&root.name)),
            body,
        );
    };
    let Some(code) = error.child_text("Code").filter(|c| !c.is_empty()) else {
        return Error::malformed(status, "the `Error` element has no `Code`", body);
    };
    let request_id = root
        .find("RequestId")
        .map(|e| e.text.trim().to_owned())
        .filter(|id| !id.is_empty())
        .or_else(|| header_request_id.map(str::to_owned));
    Error::service(crate::error::ServiceError {
        status,
        code: code.to_owned(),
        message: optional(error, "Message"),
        error_type: optional(error, "Type"),
        request_id,
    })
}

impl crate::error::ServiceError {
    /// Decodes STS's error document (`<ErrorResponse><Error><Code>...`) sent with HTTP
    /// `status`. A body that is not one is an [`ErrorKind::MalformedResponse`](crate::ErrorKind)
    /// error; no input panics.
    pub fn from_xml(status: u16, body: &[u8]) -> Result<Self, Error> {
        let error = decode_error(status, body, None);
        match error.service_error() {
            Some(service) => Ok(service.clone()),
            None => Err(error),
        }
    }
}

macro_rules! from_xml {
    ($($output:ty => $input:ty),* $(,)?) => {$(
        impl $output {
            /// Decodes a successful (HTTP 200) response body of this operation. A body that is
            /// not the XML STS sends is an [`ErrorKind::MalformedResponse`](crate::ErrorKind)
            /// error; no input panics.
            pub fn from_xml(body: &[u8]) -> Result<Self, Error> {
                decode_output::<$input>(200, body).map_err(|e| e.in_operation(<$input>::NAME))
            }
        }
    )*};
}

from_xml!(
    AssumeRoleOutput => AssumeRoleInput,
    AssumeRoleWithWebIdentityOutput => AssumeRoleWithWebIdentityInput,
    AssumeRoleWithSamlOutput => AssumeRoleWithSamlInput,
    GetSessionTokenOutput => GetSessionTokenInput,
    GetCallerIdentityOutput => GetCallerIdentityInput,
    GetFederationTokenOutput => GetFederationTokenInput,
    GetAccessKeyInfoOutput => GetAccessKeyInfoInput,
    DecodeAuthorizationMessageOutput => DecodeAuthorizationMessageInput,
);
