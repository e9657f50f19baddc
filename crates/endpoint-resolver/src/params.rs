//! Parameter values for one resolution, bound to the rule set that declares them.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::ruleset::{ParamValue, RuleSet};

/// The values of a rule set's parameters for one resolution.
///
/// Made by [`RuleSet::params`]; names are looked up once, when a value is set, so
/// resolving the same `Params` many times does no name matching.
#[derive(Clone)]
pub struct Params<'r> {
    pub(crate) ruleset: &'r RuleSet,
    /// Shared with the rule set's last-result cache, copied on the next write.
    pub(crate) values: Values,
}

/// Parameter values by declaration index, shared between `Params` and the result cache.
pub(crate) type Values = Arc<Vec<Option<ParamValue>>>;

/// The SDK settings that rule-set parameters bind to with `builtIn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuiltIn {
    /// `AWS::Region`
    Region,
    /// `AWS::UseFIPS`
    UseFips,
    /// `AWS::UseDualStack`
    UseDualStack,
    /// `SDK::Endpoint`: the custom endpoint URL (see [`crate::EndpointUrlSources`]).
    Endpoint,
    /// `AWS::STS::UseGlobalEndpoint` (`sts_regional_endpoints = legacy`)
    StsUseGlobalEndpoint,
    /// `AWS::S3::ForcePathStyle`
    S3ForcePathStyle,
    /// `AWS::S3::Accelerate`
    S3Accelerate,
    /// `AWS::S3::UseGlobalEndpoint` (`s3_us_east_1_regional_endpoint = legacy`)
    S3UseGlobalEndpoint,
    /// `AWS::S3::UseArnRegion`
    S3UseArnRegion,
    /// `AWS::S3::DisableMultiRegionAccessPoints`
    S3DisableMultiRegionAccessPoints,
    /// `AWS::Auth::AccountId`
    AccountId,
    /// `AWS::Auth::AccountIdEndpointMode`
    AccountIdEndpointMode,
}

impl BuiltIn {
    /// The name rule sets use, for example `AWS::Region`.
    pub fn name(self) -> &'static str {
        match self {
            BuiltIn::Region => "AWS::Region",
            BuiltIn::UseFips => "AWS::UseFIPS",
            BuiltIn::UseDualStack => "AWS::UseDualStack",
            BuiltIn::Endpoint => "SDK::Endpoint",
            BuiltIn::StsUseGlobalEndpoint => "AWS::STS::UseGlobalEndpoint",
            BuiltIn::S3ForcePathStyle => "AWS::S3::ForcePathStyle",
            BuiltIn::S3Accelerate => "AWS::S3::Accelerate",
            BuiltIn::S3UseGlobalEndpoint => "AWS::S3::UseGlobalEndpoint",
            BuiltIn::S3UseArnRegion => "AWS::S3::UseArnRegion",
            BuiltIn::S3DisableMultiRegionAccessPoints => "AWS::S3::DisableMultiRegionAccessPoints",
            BuiltIn::AccountId => "AWS::Auth::AccountId",
            BuiltIn::AccountIdEndpointMode => "AWS::Auth::AccountIdEndpointMode",
        }
    }
}

impl RuleSet {
    /// A parameter set for this rule set with nothing set (defaults apply at resolution).
    pub fn params(&self) -> Params<'_> {
        Params { ruleset: self, values: Arc::new(vec![None; self.params.len()]) }
    }
}

impl std::fmt::Debug for Params<'_> {
    /// The values that are set, by name.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = self.ruleset.params.iter().zip(self.values.iter());
        f.debug_map()
            .entries(set.filter_map(|(decl, v)| v.as_ref().map(|v| (decl.name(), v))))
            .finish()
    }
}

impl<'r> Params<'r> {
    /// Sets the parameter `name`.
    ///
    /// Fails with [`ErrorKind::UnknownParameter`] when the rule set declares no such
    /// parameter and with [`ErrorKind::ParameterType`] when the value has another type.
    pub fn set(&mut self, name: &str, value: impl Into<ParamValue>) -> Result<&mut Self> {
        let index = self.ruleset.param_index(name).ok_or_else(|| {
            Error::new(ErrorKind::UnknownParameter, format!("the rule set declares no `{name}`"))
        })?;
        self.set_index(index, value.into())?;
        Ok(self)
    }

    /// Sets the parameter bound to `built_in`, if the rule set has one, and says whether it
    /// did. SDK code sets every built-in it knows; rule sets take the ones they declare.
    pub fn set_built_in(
        &mut self,
        built_in: BuiltIn,
        value: impl Into<ParamValue>,
    ) -> Result<bool> {
        let name = built_in.name();
        let index = self.ruleset.params.iter().position(|p| p.built_in() == Some(name));
        match index {
            Some(i) => self.set_index(i, value.into()).map(|()| true),
            None => Ok(false),
        }
    }

    /// Clears the parameter `name` (its default applies again).
    pub fn unset(&mut self, name: &str) -> Result<&mut Self> {
        let index = self.ruleset.param_index(name).ok_or_else(|| {
            Error::new(ErrorKind::UnknownParameter, format!("the rule set declares no `{name}`"))
        })?;
        if let Some(v) = Arc::make_mut(&mut self.values).get_mut(index) {
            *v = None;
        }
        Ok(self)
    }

    /// The value set for `name`, not counting defaults.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.ruleset.param_index(name).and_then(|i| self.values.get(i)).and_then(Option::as_ref)
    }

    fn set_index(&mut self, index: usize, value: ParamValue) -> Result<()> {
        let Some(decl) = self.ruleset.params.get(index) else {
            return Err(Error::new(ErrorKind::UnknownParameter, "parameter index out of range"));
        };
        if decl.param_type() != value.param_type() {
            return Err(Error::new(
                ErrorKind::ParameterType,
                format!(
                    "`{}` is a {:?} parameter, the value is a {:?}",
                    decl.name(),
                    decl.param_type(),
                    value.param_type()
                ),
            ));
        }
        if let Some(slot) = Arc::make_mut(&mut self.values).get_mut(index) {
            *slot = Some(value);
        }
        Ok(())
    }
}
