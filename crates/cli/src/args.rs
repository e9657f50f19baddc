//! The command line, as clap sees it. Every command's `--help` ends with an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `signet`: debug AWS authentication; sign, presign and send signed requests.
#[derive(Debug, Parser)]
#[command(
    name = "signet",
    version,
    about = "Debug AWS authentication: which credentials won, why a signature does not match; sign, presign and send signed requests",
    after_help = "Example:\n  signet sign --service sts --region us-east-1 --explain https://sts.us-east-1.amazonaws.com/\n\n\
Exit codes: 0 success; 1 the operation failed; 2 bad arguments or settings; 3 a check found a problem\n\
(config check errors, verify rejected, diff-signature found a difference); 4 curl got an HTTP error status."
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The profile to use (default: AWS_PROFILE, else `default`).
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// The region (default: AWS_REGION, AWS_DEFAULT_REGION, else the profile's `region`).
    #[arg(long, global = true, value_name = "REGION")]
    pub(crate) region: Option<String>,
    /// A custom endpoint (an emulator, a VPC endpoint) for the service.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) output: OutputFormat,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// For people.
    Text,
    /// For scripts: one JSON document.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Resolve credentials through the default chain: which provider won, and why.
    #[command(
        after_help = "Example:\n  signet credentials --explain\n  signet --profile dev credentials --format env"
    )]
    Credentials(CredentialsArgs),
    /// Who am I? STS GetCallerIdentity: account, ARN and user id.
    #[command(after_help = "Example:\n  signet --profile dev whoami")]
    Whoami(CredsArgs),
    /// Assume a role (STS AssumeRole) and print its credentials.
    #[command(
        after_help = "Example:\n  signet assume-role --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name me --format env"
    )]
    AssumeRole(AssumeRoleArgs),
    /// Get a session token (STS GetSessionToken), with MFA if asked, and print the credentials.
    #[command(
        after_help = "Example:\n  signet session-token --serial-number arn:aws:iam::123456789012:mfa/me --token-code 123456"
    )]
    SessionToken(SessionTokenArgs),
    /// Sign a request offline and print the signed request (and, with --explain, its working).
    #[command(
        after_help = "Example:\n  signet sign --service service --region us-east-1 --time 20150830T123600Z \\\n    --access-key-id AKIDEXAMPLE --secret-access-key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \\\n    --explain https://example.amazonaws.com/"
    )]
    Sign(SignArgs),
    /// Check a signed request against a secret and say exactly why it is invalid.
    #[command(
        after_help = "Example:\n  signet verify --request-file req.txt --time 20150830T123600Z \\\n    --secret-access-key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n  signet verify --s3 --secret-access-key \"$SECRET\" 'https://bucket.s3.amazonaws.com/key?X-Amz-Algorithm=...'"
    )]
    Verify(VerifyArgs),
    /// Compare the canonical request AWS reports in SignatureDoesNotMatch with ours, line by line.
    #[command(
        after_help = "Example:\n  signet diff-signature --expected-canonical aws-error.txt --service s3 --s3 \\\n    --time 20150830T123600Z https://bucket.s3.amazonaws.com/key"
    )]
    DiffSignature(DiffArgs),
    /// Presign a URL (S3 by default), printing a URL anyone can use until it expires.
    #[command(
        after_help = "Example:\n  signet presign --expires 3600 https://examplebucket.s3.amazonaws.com/test.txt"
    )]
    Presign(PresignArgs),
    /// Make an S3 presigned POST (URL and form fields) for browser uploads.
    #[command(
        after_help = "Example:\n  signet presign-post --bucket uploads --key 'user/${filename}' \\\n    --condition '[\"content-length-range\", 0, 1048576]'"
    )]
    PresignPost(PresignPostArgs),
    /// Sign a request, send it (with retries) and print the response, like awscurl.
    #[command(
        after_help = "Example:\n  signet curl --service sts -X POST -d 'Action=GetCallerIdentity&Version=2011-06-15' \\\n    https://sts.us-east-1.amazonaws.com/"
    )]
    Curl(CurlArgs),
    /// Read instance metadata through IMDSv2.
    #[command(
        subcommand,
        after_help = "Example:\n  signet imds get /latest/meta-data/instance-id\n  signet imds region"
    )]
    Imds(ImdsCommand),
    /// Show settings with their sources, check the config files, list profiles.
    #[command(subcommand, after_help = "Example:\n  signet config list\n  signet config check")]
    Config(ConfigCommand),
    /// Resolve a service endpoint: URL, headers and signing properties.
    #[command(
        after_help = "Example:\n  signet endpoint --service s3 --region us-west-2 --bucket my-bucket --dualstack"
    )]
    Endpoint(EndpointArgs),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  signet completions bash > /etc/bash_completion.d/signet")]
    Completions(CompletionsArgs),
}

/// How credentials are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CredentialFormat {
    /// `export AWS_ACCESS_KEY_ID=...` lines for a shell.
    Env,
    /// A JSON document with the keys and expiration.
    Json,
    /// The `credential_process` Version 1 JSON.
    Process,
}

/// Offline credentials, for signing without any configuration. `Debug` redacts the secret
/// and the token.
#[derive(Args, Default)]
pub(crate) struct CredsArgs {
    /// Access key id (instead of resolving credentials).
    #[arg(long, value_name = "ID", requires = "secret_access_key")]
    pub(crate) access_key_id: Option<String>,
    /// Secret access key (instead of resolving credentials).
    #[arg(long, value_name = "SECRET", requires = "access_key_id")]
    pub(crate) secret_access_key: Option<String>,
    /// Session token to go with the keys.
    #[arg(long, value_name = "TOKEN", requires = "access_key_id")]
    pub(crate) session_token: Option<String>,
}

impl std::fmt::Debug for CredsArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "** redacted **");
        f.debug_struct("CredsArgs")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &redacted(&self.secret_access_key))
            .field("session_token", &redacted(&self.session_token))
            .finish()
    }
}

/// `signet credentials`.
#[derive(Debug, Args)]
pub(crate) struct CredentialsArgs {
    /// List every provider of the chain in order: resolved, not configured, or failed and why.
    #[arg(long)]
    pub(crate) explain: bool,
    /// Print the secrets in this format (without it, secrets are not printed).
    #[arg(long, value_enum)]
    pub(crate) format: Option<CredentialFormat>,
}

/// What every STS command that returns credentials takes: MFA, lifetime, output format and
/// the caller's keys.
#[derive(Debug, Args)]
pub(crate) struct SessionArgs {
    /// MFA device ARN or serial number (without --token-code, the code is asked for on
    /// standard input).
    #[arg(long, value_name = "ARN")]
    pub(crate) serial_number: Option<String>,
    /// The MFA code (6 digits).
    #[arg(long, value_name = "CODE", requires = "serial_number")]
    pub(crate) token_code: Option<String>,
    /// Session lifetime in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) duration_seconds: Option<u32>,
    /// How to print the credentials (default: json).
    #[arg(long, value_enum, default_value_t = CredentialFormat::Json)]
    pub(crate) format: CredentialFormat,
    #[command(flatten)]
    pub(crate) creds: CredsArgs,
}

/// `signet assume-role`.
#[derive(Debug, Args)]
pub(crate) struct AssumeRoleArgs {
    /// The role to assume.
    #[arg(long, value_name = "ARN")]
    pub(crate) role_arn: String,
    /// A name for the session (letters, digits and `=,.@-_`).
    #[arg(long, value_name = "NAME")]
    pub(crate) role_session_name: String,
    /// The external id the role's trust policy asks for.
    #[arg(long, value_name = "ID")]
    pub(crate) external_id: Option<String>,
    #[command(flatten)]
    pub(crate) session: SessionArgs,
}

/// `signet session-token`.
#[derive(Debug, Args)]
pub(crate) struct SessionTokenArgs {
    #[command(flatten)]
    pub(crate) session: SessionArgs,
}

/// The request to sign: method, headers, body and URL.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// HTTP method.
    #[arg(short = 'X', long = "request", value_name = "METHOD", default_value = "GET")]
    pub(crate) method: String,
    /// A header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The body.
    #[arg(short = 'd', long = "data", value_name = "DATA", conflicts_with = "data_file")]
    pub(crate) data: Option<String>,
    /// The body, from a file.
    #[arg(long, value_name = "FILE")]
    pub(crate) data_file: Option<PathBuf>,
    /// The URL, with the path and query exactly as they go on the wire.
    #[arg(value_name = "URL")]
    pub(crate) url: String,
}

/// How to sign.
#[derive(Debug, Args)]
pub(crate) struct SigningArgs {
    /// The signing name of the service (`s3`, `sts`, `execute-api`, ...).
    #[arg(long, value_name = "NAME")]
    pub(crate) service: String,
    /// The signing time, `20150830T123600Z` or `2015-08-30T12:36:00Z` (default: now).
    #[arg(long, value_name = "TIME")]
    pub(crate) time: Option<String>,
    /// Sign `UNSIGNED-PAYLOAD` instead of the body's hash.
    #[arg(long)]
    pub(crate) unsigned_payload: bool,
    /// S3 rules: no path normalisation or double encoding, and `x-amz-content-sha256`.
    #[arg(long)]
    pub(crate) s3: bool,
    /// Add and sign `x-amz-content-sha256` (the payload hash) for any service.
    #[arg(long)]
    pub(crate) content_sha256: bool,
    /// Leave the session token out of the signature and add it afterwards (the few services
    /// that want it so).
    #[arg(long)]
    pub(crate) unsigned_session_token: bool,
    /// Sign the path as given, without removing `.`, `..` and repeated `/` (S3 does this
    /// with --s3; other services normalise).
    #[arg(long)]
    pub(crate) no_normalize_path: bool,
    /// SigV4a (`AWS4-ECDSA-P256-SHA256`): `--region` is the region set (`us-east-1,us-west-2`
    /// or `*`).
    #[arg(long)]
    pub(crate) sigv4a: bool,
    #[command(flatten)]
    pub(crate) creds: CredsArgs,
}

/// `signet sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) signing: SigningArgs,
    /// Presign: put the signature in the query instead of the `Authorization` header.
    #[arg(long)]
    pub(crate) presign: bool,
    /// Presigned URL lifetime in seconds (1 to 604800).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, requires = "presign")]
    pub(crate) expires: u64,
    /// Show the canonical request and string to sign.
    #[arg(long)]
    pub(crate) explain: bool,
    /// Print the session token instead of `** redacted **`.
    #[arg(long)]
    pub(crate) show_secrets: bool,
    /// The request as raw HTTP (`GET / HTTP/1.1`, headers, a blank line, the body), as the
    /// AWS test suite's `request.txt`, instead of `-X`, `-H`, `-d` and the URL.
    #[arg(long, value_name = "FILE", conflicts_with = "url", required_unless_present = "url")]
    pub(crate) request_file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) request: Option<RequestArgs>,
}

/// `signet verify`. `Debug` shows the secret as `** redacted **`.
#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The signed request as raw HTTP (`GET / HTTP/1.1`, headers, a blank line, the body),
    /// instead of `-X`, `-H`, `-d` and the URL.
    #[arg(long, value_name = "FILE", conflicts_with = "url", required_unless_present = "url")]
    pub(crate) request_file: Option<PathBuf>,
    /// The secret access key of the access key id in the request.
    #[arg(long, value_name = "SECRET")]
    pub(crate) secret_access_key: String,
    /// The access key id the secret belongs to (default: whichever the request names).
    #[arg(long, value_name = "ID")]
    pub(crate) access_key_id: Option<String>,
    /// The service the request is for (default: the one in its credential scope).
    #[arg(long, value_name = "NAME")]
    pub(crate) service: Option<String>,
    /// The time to check the signature at (default: now).
    #[arg(long, value_name = "TIME")]
    pub(crate) time: Option<String>,
    /// S3 rules (no path normalisation or double encoding; presigned URLs are
    /// `UNSIGNED-PAYLOAD`).
    #[arg(long)]
    pub(crate) s3: bool,
    /// The signature covers `UNSIGNED-PAYLOAD` instead of the body.
    #[arg(long)]
    pub(crate) unsigned_payload: bool,
    /// The signed request on the command line: `-X`, `-H` (with `Authorization`,
    /// `X-Amz-Date`, ...), `-d` and the URL (a presigned URL carries its signature).
    #[command(flatten)]
    pub(crate) request: Option<RequestArgs>,
}

impl std::fmt::Debug for VerifyArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyArgs")
            .field("request_file", &self.request_file)
            .field("secret_access_key", &"** redacted **")
            .field("access_key_id", &self.access_key_id)
            .field("service", &self.service)
            .field("time", &self.time)
            .field("s3", &self.s3)
            .field("unsigned_payload", &self.unsigned_payload)
            .field("request", &self.request)
            .finish()
    }
}

/// `signet diff-signature`.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// AWS's canonical request: the file may hold the whole SignatureDoesNotMatch message or
    /// XML error, or only the canonical request.
    #[arg(long, value_name = "FILE")]
    pub(crate) expected_canonical: PathBuf,
    #[command(flatten)]
    pub(crate) signing: SigningArgs,
    /// The request was presigned (compare the query-signing canonical request).
    #[arg(long)]
    pub(crate) presign: bool,
    /// Presigned URL lifetime in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, requires = "presign")]
    pub(crate) expires: u64,
    #[command(flatten)]
    pub(crate) request: RequestArgs,
}

/// `signet presign`.
#[derive(Debug, Args)]
pub(crate) struct PresignArgs {
    /// The signing name of the service.
    #[arg(long, value_name = "NAME", default_value = "s3")]
    pub(crate) service: String,
    /// Lifetime in seconds (1 to 604800).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub(crate) expires: u64,
    /// HTTP method the URL is for.
    #[arg(short = 'X', long = "request", value_name = "METHOD", default_value = "GET")]
    pub(crate) method: String,
    /// A header to sign into the URL, `Name: value` (repeatable): whoever uses the URL must
    /// send it with this value (for example `Content-Type` for an upload).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The signing time (default: now).
    #[arg(long, value_name = "TIME")]
    pub(crate) time: Option<String>,
    #[command(flatten)]
    pub(crate) creds: CredsArgs,
    /// The URL to presign.
    #[arg(value_name = "URL")]
    pub(crate) url: String,
}

/// `signet presign-post`.
#[derive(Debug, Args)]
pub(crate) struct PresignPostArgs {
    /// The bucket.
    #[arg(long)]
    pub(crate) bucket: String,
    /// The object key; `${filename}` in it becomes a `starts-with` condition.
    #[arg(long)]
    pub(crate) key: String,
    /// An extra policy condition as JSON, e.g. `["content-length-range", 0, 1048576]`.
    #[arg(long, value_name = "JSON")]
    pub(crate) condition: Vec<String>,
    /// Lifetime in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub(crate) expires: u64,
    /// The signing time (default: now).
    #[arg(long, value_name = "TIME")]
    pub(crate) time: Option<String>,
    #[command(flatten)]
    pub(crate) creds: CredsArgs,
}

/// `signet curl`.
#[derive(Debug, Args)]
pub(crate) struct CurlArgs {
    #[command(flatten)]
    pub(crate) signing: SigningArgs,
    /// Print the response status line and headers before the body.
    #[arg(short = 'i', long = "include")]
    pub(crate) include: bool,
    /// Most attempts for throttling, 5xx and connection errors.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) max_attempts: u32,
    #[command(flatten)]
    pub(crate) request: RequestArgs,
}

/// `signet imds`.
#[derive(Debug, Subcommand)]
pub(crate) enum ImdsCommand {
    /// Any metadata path, e.g. `/latest/meta-data/instance-id`.
    #[command(
        after_help = "Example:\n  signet imds get /latest/meta-data/placement/availability-zone"
    )]
    Get {
        /// The path.
        path: String,
    },
    /// The instance's region.
    #[command(after_help = "Example:\n  signet imds region")]
    Region,
    /// The instance identity document.
    #[command(after_help = "Example:\n  signet imds identity")]
    Identity,
    /// The instance profile's role name.
    #[command(after_help = "Example:\n  signet imds role")]
    Role,
}

/// `signet config`.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Every setting with its value and where it came from.
    #[command(after_help = "Example:\n  signet --profile dev config list")]
    List,
    /// Check the config and credentials files; exit 3 on errors.
    #[command(after_help = "Example:\n  signet config check")]
    Check,
    /// The profiles in the config and credentials files.
    #[command(after_help = "Example:\n  signet config profiles")]
    Profiles,
}

/// `signet endpoint`.
#[derive(Debug, Args)]
pub(crate) struct EndpointArgs {
    /// The service: `sts` or `s3`.
    #[arg(long, value_parser = ["sts", "s3"])]
    pub(crate) service: String,
    /// FIPS endpoints.
    #[arg(long)]
    pub(crate) fips: bool,
    /// Dual-stack (IPv6) endpoints.
    #[arg(long)]
    pub(crate) dualstack: bool,
    /// The S3 bucket.
    #[arg(long)]
    pub(crate) bucket: Option<String>,
    /// S3 path-style addressing.
    #[arg(long)]
    pub(crate) force_path_style: bool,
}

/// `signet completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    #[test]
    fn debug_never_shows_a_secret() {
        let cli = Cli::parse_from([
            "signet",
            "sign",
            "--service",
            "s3",
            "--access-key-id",
            "AKID",
            "--secret-access-key",
            "SECRET-1",
            "--session-token",
            "TOKEN-1",
            "https://a/",
        ]);
        let text = format!("{cli:?}");
        assert!(
            text.contains("AKID") && !text.contains("SECRET-1") && !text.contains("TOKEN-1"),
            "{text}"
        );
        let cli =
            Cli::parse_from(["signet", "verify", "--secret-access-key", "SECRET-2", "https://a/"]);
        let text = format!("{cli:?}");
        assert!(!text.contains("SECRET-2"), "{text}");
    }

    #[test]
    fn the_command_line_is_consistent() {
        <Cli as clap::CommandFactory>::command().debug_assert();
    }
}
