//! An EC2 Instance Metadata Service (IMDS) client: IMDSv2 sessions, bounded timeouts and
//! retries, and typed reads (region, instance id, identity document, user data, role
//! credentials).
//!
//! # Where it fits
//!
//! Sits on `signet-config-loader` (settings, read through its injected `Env` and `Fs`),
//! `signet-retry` (backoff) and `signet-sigv4` (the [`Credentials`](signet_sigv4::Credentials)
//! type). `signet-credential-providers` uses it for instance-profile credentials and the
//! region; you probably want the `signet` facade, which does that for you. Use this crate
//! directly to read other metadata.
//!
//! - **Secure by default**: every read carries an IMDSv2 session token (`PUT /latest/api/token`,
//!   6-hour TTL), cached, refreshed 2 minutes before it expires, shared by concurrent callers
//!   (one token request however many wait), and replaced once when a read is answered 401.
//!   IMDSv1 is used only where the AWS SDKs fall back (the token request answered 403, 404
//!   or 405), never with `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`.
//! - **Bounded**: each attempt is cut off after the timeout (1 s, `AWS_METADATA_SERVICE_TIMEOUT`)
//!   and a request never takes longer than timeout × attempts (4,
//!   `AWS_METADATA_SERVICE_NUM_ATTEMPTS`). A refused connection fails at once, so off EC2 the
//!   client does not hold an application up. 5xx answers and timeouts are retried with jittered
//!   backoff from `signet-retry`; 4xx answers are not.
//! - **Endpoint**: set in code, `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's
//!   `ec2_metadata_service_endpoint`, or the endpoint mode: `http://169.254.169.254` (IPv4,
//!   default) or `http://[fd00:ec2::254]` (IPv6). `AWS_EC2_METADATA_DISABLED=true` turns the
//!   client off ([`ErrorKind::Disabled`]).
//!
//! HTTP is reqwest on rustls (ring); pass your own `reqwest::Client` to share its pool.
//!
//! ```no_run
//! use signet_config_loader::{Env, Fs, Settings};
//! use signet_imds_client::{Client, ErrorKind};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let settings = Settings::load(&Env::from_process(), &Fs::real())?;
//! let imds = Client::new(&settings)?;
//! match imds.region().await {
//!     Ok(region) => println!("running in {region}"),
//!     Err(e) if e.kind() == ErrorKind::Connect => println!("not on EC2: {e}"),
//!     Err(e) => return Err(e.into()),
//! }
//! let credentials = imds.role_credentials().await?;
//! println!("{} until {:?}", credentials.access_key_id(), credentials.expiration());
//! let document = imds.identity_document().await?;
//! println!("account {} instance {}", document.account_id, document.instance_id);
//! # Ok(())
//! # }
//! ```
//!
//! Without a network, the same client against an injected environment:
//!
//! ```
//! use signet_config_loader::{Env, Fs, Settings};
//! use signet_imds_client::{Client, ErrorKind};
//!
//! let env = Env::from_map([("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/")]);
//! let client = Client::new(&Settings::load(&env, &Fs::from_map([("/none", "")]))?)?;
//! assert_eq!(client.endpoint(), "http://127.0.0.1:1338");
//!
//! let off = Env::from_map([("AWS_EC2_METADATA_DISABLED", "true")]);
//! let client = Client::new(&Settings::load(&off, &Fs::from_map([("/none", "")]))?)?;
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let error = runtime.block_on(client.region()).unwrap_err();
//! assert_eq!(error.kind(), ErrorKind::Disabled);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The IAM policy of the role is not available from instance metadata; only its temporary
//! credentials are. Decisions: `docs/adr/0022` to `0025`.
//!
//! # Crate features
//!
//! None. The crate always pulls in reqwest (rustls, no provider of its own), rustls with the
//! ring provider, tokio (`sync`, `time`), serde and serde_json.
#![forbid(unsafe_code)]

mod client;
mod credentials;
mod endpoint;
mod error;
mod token;
mod typed;

pub use crate::client::{Client, ClientBuilder};
pub use crate::credentials::parse_credentials;
pub use crate::error::{Error, ErrorKind};
pub use crate::typed::IdentityDocument;
pub use signet_config_loader::ImdsEndpointMode;
