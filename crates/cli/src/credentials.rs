//! Credentials for the commands that call AWS.

use signet::config::Settings;
use signet::sigv4::Credentials;

use crate::args::CredsArgs;
use crate::context::{Context, static_credentials};
use crate::error::Error;

/// The credentials a command signs with: the keys given on the command line, else the
/// environment's, else the profile's static keys.
pub(crate) fn resolve(
    ctx: &Context,
    settings: &Settings,
    args: &CredsArgs,
) -> Result<Credentials, Error> {
    static_credentials(ctx, settings, args)
}
