//! Test servers shared by the integration tests.

pub mod http;
pub mod imds_server;
pub mod replay;
