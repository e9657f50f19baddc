//! AWS partitions: which DNS suffixes and features a region's partition has.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use serde_json::Value as Json;

use crate::error::{Error, ErrorKind, Result};
use crate::regex::Regex;

/// The partitions file shipped with the crate (botocore 1.44.5).
const SHIPPED: &str = include_str!("../data/partitions.json");

/// What `aws.partition(region)` returns: a partition's outputs, as the rule sets read them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PartitionOutputs {
    /// The partition id, for example `aws` or `aws-cn`.
    pub name: String,
    /// The DNS suffix, for example `amazonaws.com`.
    pub dns_suffix: String,
    /// The dual-stack DNS suffix, for example `api.aws`.
    pub dual_stack_dns_suffix: String,
    /// Whether the partition has FIPS endpoints.
    pub supports_fips: bool,
    /// Whether the partition has dual-stack endpoints.
    pub supports_dual_stack: bool,
    /// The region that global endpoints of the partition are signed for.
    pub implicit_global_region: String,
    /// Any other output fields of the file, as strings or booleans, by name.
    pub other: Vec<(String, OutputValue)>,
}

/// An output field of a partition that this crate does not name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputValue {
    /// A string field.
    String(String),
    /// A boolean field.
    Bool(bool),
}

/// The set of AWS partitions, loaded from a `partitions.json` document.
///
/// Lookup follows botocore and smithy-rs: a region that is a key of some partition's
/// `regions` map wins (first partition in file order), then the first partition whose
/// `regionRegex` matches, then the `aws` partition.
#[derive(Debug)]
pub struct Partitions {
    outputs: Vec<PartitionOutputs>,
    exact: HashMap<String, usize, BuildHasherDefault<Fnv>>,
    regexes: Vec<(Regex, usize)>,
    fallback: Option<usize>,
}

impl Partitions {
    /// The partitions shipped with this crate: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b,
    /// aws-iso-e, aws-iso-f and aws-eusc. Parsed once, on first use.
    pub fn shipped() -> Result<Arc<Partitions>> {
        static SHIPPED_PARTITIONS: OnceLock<Result<Arc<Partitions>>> = OnceLock::new();
        SHIPPED_PARTITIONS.get_or_init(|| Partitions::parse(SHIPPED).map(Arc::new)).clone()
    }

    /// Loads partitions from the text of a `partitions.json` document.
    #[cfg(feature = "runtime-rulesets")]
    pub fn from_json(json: &str) -> Result<Partitions> {
        Self::parse(json)
    }

    pub(crate) fn parse(json: &str) -> Result<Partitions> {
        let bad = |what: String| Error::new(ErrorKind::InvalidPartitions, what);
        let doc: Json = serde_json::from_str(json).map_err(|e| bad(format!("not JSON: {e}")))?;
        let list = doc
            .get("partitions")
            .and_then(Json::as_array)
            .ok_or_else(|| bad("no `partitions` array".to_owned()))?;
        let mut this = Partitions {
            outputs: Vec::new(),
            exact: HashMap::default(),
            regexes: Vec::new(),
            fallback: None,
        };
        for (i, partition) in list.iter().enumerate() {
            let at = |what: &str| bad(format!("partitions[{i}]: {what}"));
            let id = partition.get("id").and_then(Json::as_str).ok_or_else(|| at("no `id`"))?;
            let outputs = partition.get("outputs").ok_or_else(|| at("no `outputs`"))?;
            let base = read_outputs(id, outputs, None).map_err(|e| at(&e))?;
            let base_index = this.outputs.len();
            this.outputs.push(base.clone());
            if id == "aws" && this.fallback.is_none() {
                this.fallback = Some(base_index);
            }
            let pattern = partition
                .get("regionRegex")
                .and_then(Json::as_str)
                .ok_or_else(|| at("no `regionRegex`"))?;
            let regex = Regex::new(pattern).map_err(|e| at(&format!("regionRegex: {e}")))?;
            this.regexes.push((regex, base_index));
            let regions = match partition.get("regions") {
                None => continue,
                Some(r) => r.as_object().ok_or_else(|| at("`regions` is not an object"))?,
            };
            for (region, entry) in regions {
                let entry = entry.as_object().ok_or_else(|| at("a region is not an object"))?;
                // A region entry may override single outputs (smithy-rs); most carry only
                // a description.
                let overrides = entry.keys().any(|k| k != "description");
                let index = if overrides {
                    let merged = read_outputs(id, outputs, Some(entry))
                        .map_err(|e| at(&format!("regions.{region}: {e}")))?;
                    this.outputs.push(merged);
                    this.outputs.len() - 1
                } else {
                    base_index
                };
                this.exact.entry(region.clone()).or_insert(index);
            }
        }
        if this.fallback.is_none() && !this.outputs.is_empty() {
            this.fallback = Some(0);
        }
        Ok(this)
    }

    /// The partition of `region`, as `aws.partition` computes it; `None` only when the file
    /// has no partitions at all.
    pub fn find(&self, region: &str) -> Option<&PartitionOutputs> {
        self.find_index(region).and_then(|i| self.outputs.get(i))
    }

    pub(crate) fn find_index(&self, region: &str) -> Option<usize> {
        if let Some(i) = self.exact.get(region) {
            return Some(*i);
        }
        self.regexes.iter().find(|(re, _)| re.is_match(region)).map(|(_, i)| *i).or(self.fallback)
    }

    pub(crate) fn get(&self, index: usize) -> Option<&PartitionOutputs> {
        self.outputs.get(index)
    }
}

/// FNV-1a: region names are short and trusted (they are the file's keys, and lookups only
/// compare against them), so a fast non-keyed hash is enough.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn read_outputs(
    id: &str,
    outputs: &Json,
    overrides: Option<&serde_json::Map<String, Json>>,
) -> std::result::Result<PartitionOutputs, String> {
    let base = outputs.as_object().ok_or("`outputs` is not an object")?;
    let field = |name: &str| overrides.and_then(|o| o.get(name)).or_else(|| base.get(name));
    let string = |name: &str| -> std::result::Result<String, String> {
        field(name)
            .and_then(Json::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("output `{name}` is missing or not a string"))
    };
    let boolean = |name: &str| -> std::result::Result<bool, String> {
        field(name)
            .and_then(Json::as_bool)
            .ok_or_else(|| format!("output `{name}` is missing or not a boolean"))
    };
    let known = [
        "name",
        "dnsSuffix",
        "dualStackDnsSuffix",
        "supportsFIPS",
        "supportsDualStack",
        "implicitGlobalRegion",
    ];
    let mut other = Vec::new();
    let mut names: Vec<&String> = base.keys().collect();
    if let Some(o) = overrides {
        names.extend(o.keys().filter(|k| *k != "description" && !base.contains_key(*k)));
    }
    for name in names {
        if known.contains(&name.as_str()) {
            continue;
        }
        let value = match field(name) {
            Some(Json::String(s)) => OutputValue::String(s.clone()),
            Some(Json::Bool(b)) => OutputValue::Bool(*b),
            _ => return Err(format!("output `{name}` is neither a string nor a boolean")),
        };
        other.push((name.clone(), value));
    }
    Ok(PartitionOutputs {
        // The partition id is the name the rule sets compare against.
        name: id.to_owned(),
        dns_suffix: string("dnsSuffix")?,
        dual_stack_dns_suffix: string("dualStackDnsSuffix")?,
        supports_fips: boolean("supportsFIPS")?,
        supports_dual_stack: boolean("supportsDualStack")?,
        implicit_global_region: string("implicitGlobalRegion")?,
        other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_partitions_resolve_exact_then_regex_then_aws() {
        let p = Partitions::shipped().unwrap();
        let name = |r: &str| p.find(r).unwrap().name.clone();
        assert_eq!(name("us-east-1"), "aws");
        assert_eq!(name("aws-cn-global"), "aws-cn");
        assert_eq!(name("cn-north-5"), "aws-cn");
        assert_eq!(name("us-gov-west-1"), "aws-us-gov");
        assert_eq!(name("us-isob-east-1"), "aws-iso-b");
        assert_eq!(name("eusc-de-east-1"), "aws-eusc");
        assert_eq!(name("mars-global"), "aws");
        assert_eq!(p.find("us-iso-west-9").unwrap().dns_suffix, "c2s.ic.gov");
    }

    #[test]
    fn bad_documents_are_typed_errors() {
        for bad in ["", "[]", r#"{"partitions":[{"id":"x"}]}"#, r#"{"partitions":3}"#] {
            let err = Partitions::parse(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidPartitions, "{bad}");
        }
    }
}
