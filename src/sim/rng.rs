//! Seeded random streams, one per purpose.
//!
//! Every random draw in the simulator comes from a stream derived from `(seed, purpose)`, so
//! adding a new random feature never shifts the numbers an existing one sees, and all algorithms
//! of a scenario share the gradient-noise stream (common random numbers). ChaCha8 is portable:
//! native and wasm builds produce the same bits.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a stream is used for. The discriminant is the ChaCha stream id, so it must never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Gradient noise, shared by every algorithm of a scenario.
    GradientNoise = 1,
    /// Problem data (e.g. the least-squares matrix A and x*).
    ProblemData = 2,
    /// Device-to-device variation, drawn once per array element (seeded by `device_seed`).
    DeviceVariation = 3,
    /// Pulse-level randomness of one array: stochastic rounding, coincidences, cycle-to-cycle noise.
    Pulses = 4,
    /// Initial network weights, shared by every algorithm of a scenario.
    Init = 5,
    /// The order of training samples in each epoch, shared by every algorithm.
    Shuffle = 6,
    /// Read noise of a network's analog forward and backward passes, one substream per track.
    ReadNoise = 7,
}

/// The generator used everywhere in the core.
pub type SimRng = ChaCha8Rng;

/// SplitMix64 finaliser: spreads nearby seeds (0, 1, 2, …) to unrelated keys.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream for `purpose` under `seed`.
pub fn stream(seed: u64, purpose: Purpose) -> SimRng {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed));
    rng.set_stream(purpose as u64);
    rng
}

/// The `sub`-th independent stream for `purpose` under `seed` (e.g. one per array).
pub fn substream(seed: u64, purpose: Purpose, sub: u64) -> SimRng {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed) ^ mix(sub.wrapping_add(0xA076_1D64_78BD_642F)));
    rng.set_stream(purpose as u64);
    rng
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn streams_differ_by_purpose_and_repeat_by_seed() {
        let a = stream(7, Purpose::GradientNoise).next_u64();
        let b = stream(7, Purpose::ProblemData).next_u64();
        let c = stream(7, Purpose::GradientNoise).next_u64();
        let d = stream(8, Purpose::GradientNoise).next_u64();
        assert_ne!(a, b);
        assert_eq!(a, c);
        assert_ne!(a, d);
    }
}
