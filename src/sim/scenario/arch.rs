//! The `arch` key of the network problems: the fully connected network of `layers`, or the
//! paper's CNN.

use serde::{Deserialize, Serialize};

/// Which network `problem=digits` / `problem=mnist` trains (the `arch` key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arch {
    /// Fully connected, widths from `layers`, sigmoid hidden units (the paper's FCN).
    Fcn,
    /// The paper's CNN on 28×28 MNIST: conv 1→16 5×5, tanh, max-pool 2, conv 16→32 5×5, tanh,
    /// max-pool 2, tanh, 512 → 128 (tanh) → 10 (log-softmax); each layer one analog tile.
    Cnn,
}

impl Arch {
    pub const ALL: [Arch; 2] = [Arch::Fcn, Arch::Cnn];
    pub fn key(self) -> &'static str {
        match self {
            Arch::Fcn => "fcn",
            Arch::Cnn => "cnn",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == s)
    }
}
