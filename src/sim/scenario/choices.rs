//! The keys' value types: the choice enums (each declared with its query names once, by
//! [`choice_enum!`]) and how every field type reads and writes a [`Value`].

use super::Value;
use crate::sim::algorithm::AlgorithmKind;
use serde::{Deserialize, Serialize};

/// How a field of the scenario reads and writes a key's [`Value`] (the generated accessors of
/// the vocabulary call these).
pub(super) trait FieldValue {
    fn value(&self) -> Value;
    /// Takes `v` if it has this field's type (parsing already checked the range).
    fn assign(&mut self, v: Value);
}

impl FieldValue for f64 {
    fn value(&self) -> Value {
        Value::Float(*self)
    }
    fn assign(&mut self, v: Value) {
        if let Value::Float(x) = v {
            *self = x
        }
    }
}

impl FieldValue for u64 {
    fn value(&self) -> Value {
        Value::Int(*self)
    }
    fn assign(&mut self, v: Value) {
        if let Value::Int(x) = v {
            *self = x
        }
    }
}

impl FieldValue for Vec<f64> {
    fn value(&self) -> Value {
        Value::List(self.clone())
    }
    fn assign(&mut self, v: Value) {
        if let Value::List(x) = v {
            *self = x
        }
    }
}

impl FieldValue for Vec<AlgorithmKind> {
    fn value(&self) -> Value {
        Value::Algos(self.clone())
    }
    fn assign(&mut self, v: Value) {
        if let Value::Algos(x) = v {
            *self = x
        }
    }
}

macro_rules! count {
    () => { 0usize };
    ($head:tt $($tail:tt)*) => { 1usize + count!($($tail)*) };
}

/// An enum of a choice key: its variants with their query names and menu labels, written once;
/// `ALL` (in order, the first is the type's zero value before defaults apply), `NAMES`, `LABELS`,
/// `key` and `from_key` follow.
macro_rules! choice_enum {
    ($(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $key:literal ($label:literal), )+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: [$name; count!($($variant)+)] = [$($name::$variant),+];
            /// The query names, in the order of [`Self::ALL`].
            pub const NAMES: &'static [&'static str] = &[$($key),+];
            /// What the page's menu shows for each of [`Self::NAMES`].
            pub const LABELS: &'static [&'static str] = &[$($label),+];
            pub fn key(self) -> &'static str {
                match self {
                    $( $name::$variant => $key, )+
                }
            }
            pub fn from_key(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|x| x.key() == s)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::ALL[0]
            }
        }

        impl FieldValue for $name {
            fn value(&self) -> Value {
                Value::Choice(self.key().into())
            }
            fn assign(&mut self, v: Value) {
                if let Some(x) = match v {
                    Value::Choice(c) => Self::from_key(&c),
                    _ => None,
                } {
                    *self = x
                }
            }
        }
    };
}

choice_enum! {
    /// Which training problem.
    ProblemKind {
        Quadratic = "quadratic" ("quadratic (2-D landscape)"),
        Lsq = "lsq" ("least squares (paper, D = 40)"),
        LowerBound = "lower_bound" ("lower-bound instance (Thm 3)"),
        /// A network on the 8×8 handwritten digits.
        Digits = "digits" ("handwritten digits (a network)"),
        /// The paper's network on real 28×28 MNIST digits: 10,000 of them, or the standard split
        /// of 70,000 with `data=full` ([`MnistData`]).
        Mnist = "mnist" ("MNIST, the paper's network and device"),
    }
}

choice_enum! {
    /// Which MNIST images `problem=mnist` trains on (the `data` key).
    MnistData {
        /// The 10,000 digits vendored in `data/mnist/` (8000 training, 2000 test), the default
        /// and the browser's quick choice (1.6 MB).
        TenK = "10k" ("MNIST-10k: 8,000 / 2,000 digits (1.6 MB)"),
        /// The standard split, 60,000 training and 10,000 test images, from the four original
        /// IDX files `./scripts/setup.sh` fetches into `data/mnist-full/` (in the browser an
        /// 11 MB download the workers make when a scenario asks for it).
        Full = "full" ("full MNIST: 60,000 / 10,000 (11 MB download)"),
    }
}

choice_enum! {
    /// Which network `problem=digits` / `problem=mnist` trains (the `arch` key).
    Arch {
        /// Fully connected, widths from `layers`, sigmoid hidden units (the paper's FCN).
        Fcn = "fcn" ("fully connected (layers)"),
        /// The paper's CNN on 28×28 MNIST: conv 1→16 5×5, tanh, max-pool 2, conv 16→32 5×5,
        /// tanh, max-pool 2, tanh, 512 → 128 (tanh) → 10 (log-softmax); each layer one tile.
        Cnn = "cnn" ("the paper's CNN (MNIST)"),
    }
}

choice_enum! {
    /// Which device model.
    DeviceKind {
        Ideal = "ideal" ("ideal (exact updates)"),
        Ald = "ald" ("asymmetric linear (ALD)"),
        SoftBounds = "softbounds" ("soft bounds (linear step)"),
        Pow = "pow" ("power step"),
        Exp = "exp" ("exponential step"),
    }
}

choice_enum! {
    /// How analog arrays write increments.
    PulseMode {
        /// The paper's expected dynamic.
        Off = "0" ("expected dynamic (paper eq. 3)"),
        /// Pulse-level updates.
        On = "1" ("pulse level"),
        /// Every analog algorithm twice: expected dynamic and pulse level, as two curves.
        Both = "both" ("both, as two curves"),
    }
}

choice_enum! {
    /// How the expected dynamic applies a mini-batch on the networks.
    UpdateForm {
        /// Eq. 3 once per mini-batch, with the batch-mean gradient.
        Batch = "batch" ("eq. 3 once per mini-batch"),
        /// Eq. 3 once per sample (B rank-1 updates, as aihwkit's pulse trains do).
        Sample = "sample" ("eq. 3 once per sample"),
        /// Both, as two tracks per analog algorithm.
        Both = "both" ("both, as two curves"),
    }
}

choice_enum! {
    /// Which noise the pulse-level tracks of `lsq` see.
    PulseNoise {
        /// Every track sees the gradient noise σ and the read noise.
        Same = "same" ("σ and read noise for every track"),
        /// The paper's Fig. 3 pairing: pulse-level tracks see only the read noise (as its pulse
        /// simulation), the expected dynamic and Digital SGD only σ (as its eq. 3).
        Read = "read" ("pulses see read noise only (Fig. 3)"),
    }
}

impl ProblemKind {
    /// Whether the problem trains a network on images (epochs, layers, test accuracy).
    pub fn is_network(self) -> bool {
        matches!(self, ProblemKind::Digits | ProblemKind::Mnist)
    }
    /// The network's input width (pixels per image); 0 for the other problems.
    pub fn input_width(self) -> usize {
        match self {
            ProblemKind::Digits => 64,
            ProblemKind::Mnist => 784,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;

    #[test]
    fn names_and_keys_agree() {
        for p in ProblemKind::ALL {
            assert_eq!(ProblemKind::from_key(p.key()), Some(p));
        }
        assert_eq!(PulseMode::NAMES, &["0", "1", "both"]);
        assert_eq!(DeviceKind::default(), DeviceKind::Ideal);
    }

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
