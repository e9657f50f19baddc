//! Test support shared by the integration tests.
#[allow(unused_imports)] // each test binary uses part of the support
pub(crate) use signet_test_support::{mock, moto};
