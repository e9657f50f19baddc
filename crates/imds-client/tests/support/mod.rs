//! Test servers shared by the integration tests.

pub mod imds_server;
pub mod moto;
