//! A scenario as a runnable Python script for IBM aihwkit 1.1 + torch.
//!
//! Placeholder interface: the generator is being written (issue #11).

use crate::sim::scenario::Scenario;

/// A generated script and the keys that have no aihwkit counterpart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AihwkitScript {
    /// The Python source.
    pub text: String,
    /// Scenario keys (with their values, `key=value`) the script does not reproduce.
    pub unexported: Vec<String>,
}

/// Writes `scenario` as an aihwkit script, or says why it cannot.
pub fn script(scenario: &Scenario) -> Result<AihwkitScript, String> {
    let _ = scenario;
    Err("the aihwkit export is not implemented yet".into())
}
