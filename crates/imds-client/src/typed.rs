//! Typed reads over [`Client::get`].

use serde::Deserialize;

use crate::client::Client;
use crate::error::{Error, ErrorKind};

const REGION: &str = "/latest/meta-data/placement/region";
const INSTANCE_ID: &str = "/latest/meta-data/instance-id";
const IDENTITY_DOCUMENT: &str = "/latest/dynamic/instance-identity/document";
const USER_DATA: &str = "/latest/user-data";

/// The instance identity document (`/latest/dynamic/instance-identity/document`): who and
/// where the instance is. Unknown members are ignored; members EC2 does not always send are
/// `Option`s.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IdentityDocument {
    /// The AWS account that owns the instance.
    pub account_id: String,
    /// The instance id, such as `i-1234567890abcdef0`.
    pub instance_id: String,
    /// The Region, such as `us-west-2`.
    pub region: String,
    /// The Availability Zone, such as `us-west-2b`.
    pub availability_zone: Option<String>,
    /// The CPU architecture, such as `x86_64` or `arm64`.
    pub architecture: Option<String>,
    /// The AMI id the instance was launched from.
    pub image_id: Option<String>,
    /// The instance type, such as `m5.large`.
    pub instance_type: Option<String>,
    /// The private IPv4 address.
    pub private_ip: Option<String>,
    /// When the instance was launched, as EC2 writes it (`2016-11-19T16:32:11Z`).
    pub pending_time: Option<String>,
    /// The document's format version.
    pub version: Option<String>,
    /// The kernel id, if any.
    pub kernel_id: Option<String>,
    /// The RAM disk id, if any.
    pub ramdisk_id: Option<String>,
    /// Billing products, if any.
    pub billing_products: Option<Vec<String>>,
    /// AWS Marketplace product codes, if any.
    pub marketplace_product_codes: Option<Vec<String>>,
    /// DevPay product codes, if any.
    pub devpay_product_codes: Option<Vec<String>>,
}

impl IdentityDocument {
    /// Parses a document as IMDS serves it.
    pub fn parse(json: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(json).map_err(|e| {
            Error::new(
                ErrorKind::MalformedResponse,
                format!("the instance identity document is unusable: {e}"),
            )
            .with_path(IDENTITY_DOCUMENT)
        })
    }
}

impl Client {
    /// The instance's Region (`placement/region`), such as `us-east-1`.
    pub async fn region(&self) -> Result<String, Error> {
        self.trimmed(REGION).await
    }

    /// The instance id (`instance-id`), such as `i-1234567890abcdef0`.
    pub async fn instance_id(&self) -> Result<String, Error> {
        self.trimmed(INSTANCE_ID).await
    }

    /// The instance identity document, parsed.
    pub async fn identity_document(&self) -> Result<IdentityDocument, Error> {
        IdentityDocument::parse(&self.get_bytes(IDENTITY_DOCUMENT).await?)
    }

    /// The user data the instance was launched with, as bytes (it may be binary or
    /// compressed); `None` when there is none (IMDS answers 404).
    pub async fn user_data(&self) -> Result<Option<Vec<u8>>, Error> {
        match self.get_bytes(USER_DATA).await {
            Ok(data) => Ok(Some(data)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn trimmed(&self, path: &str) -> Result<String, Error> {
        let value = self.get(path).await?;
        let value = value.trim();
        if value.is_empty() {
            return Err(
                Error::new(ErrorKind::MalformedResponse, "the answer is empty").with_path(path)
            );
        }
        Ok(value.to_owned())
    }
}
