//! Test support shared by the integration tests.
pub(crate) mod mock;
pub(crate) mod moto;
