//! Test support shared by the integration tests (and, for `moto` and `iam`, the demo example).
#![allow(dead_code)]
pub(crate) mod iam;
pub(crate) mod mock;
pub(crate) mod moto;
