//! The `data` key of `problem=mnist`: the 10k digits or the full standard split, and what the
//! browser (which has no full MNIST yet) does with `data=full`.

use super::Scenario;
#[cfg(any(target_arch = "wasm32", test))]
use super::{Notices, ScenarioError};
use serde::{Deserialize, Serialize};

/// Which MNIST images `problem=mnist` trains on (the `data` key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MnistData {
    /// The 10,000 digits vendored in `data/mnist/` (8000 training, 2000 test), the default and the
    /// browser's only choice.
    TenK,
    /// The standard split, 60,000 training and 10,000 test images, from the four original IDX
    /// files `./scripts/setup.sh` fetches into `data/mnist-full/` (native only).
    Full,
}

impl MnistData {
    pub const ALL: [MnistData; 2] = [MnistData::TenK, MnistData::Full];
    pub fn key(self) -> &'static str {
        match self {
            MnistData::TenK => "10k",
            MnistData::Full => "full",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == s)
    }
}

impl Scenario {
    /// The browser has no full MNIST (yet): `data=full` is refused strictly and falls back to the
    /// 10k digits with a notice leniently (a page link never starts a run it cannot load).
    #[cfg(any(target_arch = "wasm32", test))]
    pub(super) fn without_full_mnist(&mut self, lenient: bool, notices: &mut Notices) -> Result<(), ScenarioError> {
        if self.data != MnistData::Full {
            return Ok(());
        }
        let e = ScenarioError {
            key: "data".into(),
            value: "full".into(),
            message: format!(
                "full MNIST is not available in the browser yet (the command line trains it after \
                 ./scripts/setup.sh has fetched it){}",
                if lenient { "; using the 10k digits" } else { "" }
            ),
        };
        if !lenient {
            return Err(e);
        }
        notices.push(e);
        self.data = MnistData::TenK;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_an_mnist_key_and_the_browser_falls_back_to_10k() {
        let full = Scenario::parse("problem=mnist&data=full").unwrap();
        assert_eq!(full.data, MnistData::Full);
        assert!(full.to_query().starts_with("v=1&problem=mnist&data=full&"), "{}", full.to_query());
        assert_eq!(Scenario::parse(&full.to_query()).unwrap(), full);
        assert_eq!(Scenario::parse("problem=mnist").unwrap().data, MnistData::TenK);
        // Not on the other problems: the canonical form leaves it out and it returns to 10k.
        let digits = Scenario::parse("problem=digits&data=full").unwrap();
        assert_eq!(digits.data, MnistData::TenK);
        assert!(!digits.to_query().contains("data="));
        assert!(Scenario::parse("problem=mnist&data=60k").unwrap_err().to_string().contains("10k, full"));
        // What the page does with `data=full` (the wasm build calls this while parsing).
        let (mut s, mut notices) = (full.clone(), Notices::new());
        s.without_full_mnist(true, &mut notices).unwrap();
        assert_eq!(s.data, MnistData::TenK);
        assert!(notices[0].to_string().contains("not available in the browser"), "{:?}", notices);
        assert!(full.clone().without_full_mnist(false, &mut notices).is_err());
    }
}
