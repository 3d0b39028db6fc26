//! The `data` key of `problem=mnist`: the 10k digits or the full standard split.

use serde::{Deserialize, Serialize};

/// Which MNIST images `problem=mnist` trains on (the `data` key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MnistData {
    /// The 10,000 digits vendored in `data/mnist/` (8000 training, 2000 test), the default and the
    /// browser's quick choice (1.6 MB).
    TenK,
    /// The standard split, 60,000 training and 10,000 test images, from the four original IDX
    /// files `./scripts/setup.sh` fetches into `data/mnist-full/` (in the browser an 11 MB
    /// download the workers make when a scenario asks for it).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;

    #[test]
    fn data_is_an_mnist_key() {
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
    }
}
