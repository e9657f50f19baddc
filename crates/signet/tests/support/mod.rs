//! Test support shared by the integration tests (and, for `moto` and `iam`, the demo example).
#![allow(dead_code)]
pub(crate) mod iam;
#[allow(unused_imports)] // each test binary uses part of the support
pub(crate) use signet_test_support::{mock, moto};
