//! Web identity: an OIDC token file exchanged for role credentials.

use std::fmt;
use std::path::Path;

use async_trait::async_trait;
use signet_sigv4::Credentials;
use signet_sts_client::AssumeRoleWithWebIdentityInput;

use crate::context::Context;
use crate::{Error, ProvideCredentials};

/// Credentials for a role assumed with an OIDC token (EKS IRSA, GitHub Actions...): STS
/// `AssumeRoleWithWebIdentity`, unsigned, with the token read from its file on every load
/// (the file is rotated).
///
/// From the environment: `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (and optionally
/// `AWS_ROLE_SESSION_NAME`). Neither set is
/// [`NotConfigured`](crate::ErrorKind::NotConfigured); a token file without a role ARN is
/// [`InvalidConfiguration`](crate::ErrorKind::InvalidConfiguration) (docs/adr/0034).
#[derive(Clone)]
pub struct WebIdentityProvider {
    context: Context,
    source: Source,
}

#[derive(Clone, Debug)]
enum Source {
    Env,
    Static { role_arn: String, token_file: String, session_name: Option<String> },
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider").field("source", &self.source).finish()
    }
}

impl WebIdentityProvider {
    pub(crate) fn from_env(context: Context) -> Self {
        Self { context, source: Source::Env }
    }

    pub(crate) fn from_profile(
        context: Context,
        role_arn: String,
        token_file: String,
        session_name: Option<String>,
    ) -> Self {
        Self { context, source: Source::Static { role_arn, token_file, session_name } }
    }

    fn config(&self) -> Result<(String, String, String), Error> {
        let (role_arn, token_file, session_name) = match &self.source {
            Source::Static { role_arn, token_file, session_name } => {
                (role_arn.clone(), token_file.clone(), session_name.clone())
            }
            Source::Env => {
                let env = self.context.settings.env();
                let file = env.get_non_blank("AWS_WEB_IDENTITY_TOKEN_FILE");
                let arn = env.get_non_blank("AWS_ROLE_ARN");
                match (file, arn) {
                    (None, _) => {
                        return Err(Error::not_configured(
                            "environment variable not set: AWS_WEB_IDENTITY_TOKEN_FILE",
                        ));
                    }
                    (Some(_), None) => {
                        return Err(Error::invalid_config(
                            "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: `web_identity_token_file` was specified but `role_arn` was missing",
                        ));
                    }
                    (Some(file), Some(arn)) => {
                        (arn, file, env.get_non_blank("AWS_ROLE_SESSION_NAME"))
                    }
                }
            }
        };
        let session_name =
            session_name.unwrap_or_else(|| self.context.session_name("web-identity-token"));
        Ok((role_arn, token_file, session_name))
    }

    async fn load(&self) -> Result<Credentials, Error> {
        let (role_arn, token_file, session_name) = self.config()?;
        let token = self.context.settings.fs().read(Path::new(&token_file)).map_err(|e| {
            Error::failed(format!("could not read the web identity token file `{token_file}`"))
                .with_source(e)
        })?;
        let token = String::from_utf8(token).map_err(|_| {
            Error::invalid_config(format!("the web identity token in `{token_file}` is not UTF-8"))
        })?;
        let sts = crate::sts::client(&self.context)?;
        let input = AssumeRoleWithWebIdentityInput::new(&role_arn, session_name, token.trim());
        let output = sts.assume_role_with_web_identity(&input).await.map_err(|e| {
            crate::sts::call_failed(&format!("AssumeRoleWithWebIdentity for {role_arn} failed"), e)
        })?;
        Ok(output.credentials)
    }
}

#[async_trait]
impl ProvideCredentials for WebIdentityProvider {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.load().await.map_err(|e| e.in_provider("WebIdentityToken"))
    }
}
