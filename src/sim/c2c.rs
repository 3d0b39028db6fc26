//! The additive form of cycle-to-cycle noise (aihwkit's `mult_noise=False`, the default of its
//! `SoftBoundsReferenceDevice` and so of the paper's device): one pulse steps
//! w ± dw_min·(q±(w) + c2c·ξ) rather than w ± dw_min·q±(w)·(1 + c2c·ξ). The noise no longer
//! vanishes at the bounds, where q± = 0: a weight at its bound random-walks by c2c·dw_min per pulse
//! (clipped), which the multiplicative form never does.

use crate::sim::device::{Device, Response};
use crate::sim::rng::SimRng;
use rand_distr::{Distribution, StandardNormal};

/// n ≥ 1 pulses on w (already clipped) with additive noise; `step` is dw_min times the element's
/// gain, `clip` its bounds.
#[allow(clippy::too_many_arguments)]
pub fn additive_pulses(
    device: &Device,
    mut w: f64,
    step: f64,
    c2c: f64,
    n: u64,
    up: bool,
    rng: &mut SimRng,
    clip: impl Fn(f64) -> f64,
) -> f64 {
    for _ in 0..n {
        let z: f64 = StandardNormal.sample(&mut *rng);
        w = if up { w + step * (device.q_plus(w) + c2c * z) } else { w - step * (device.q_minus(w) + c2c * z) };
        w = clip(w);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::device::{AnalogArray, UpdateMode};
    use crate::sim::rng::{self, Purpose};

    #[test]
    fn additive_noise_moves_a_weight_at_its_bound_and_multiplicative_does_not() {
        let device = Device::ald(0.5, 0.0);
        let mode = UpdateMode::Pulsed { dw_min: 0.01, bl: 31, c2c: 0.3 };
        let mut var = rng::stream(1, Purpose::Pulses);
        let mut mult = AnalogArray::new(device, mode, 0.0, 1, &mut var, rng::stream(2, Purpose::Pulses));
        let mut add =
            AnalogArray::new(device, mode, 0.0, 1, &mut var, rng::stream(2, Purpose::Pulses)).with_additive_c2c(true);
        // Up pulses at the upper bound: q+ = 0.
        assert_eq!(mult.pulse(0, 0.5, 10, true), 0.5);
        let w = add.pulse(0, 0.5, 10, true);
        assert!(w < 0.5 && w > 0.5 - 10.0 * 0.01, "{w}");
        // Away from the bounds both have the same mean step: 2000 up pulses from 0 with q+ ≈ 1.
        let mean = |a: &mut AnalogArray| (0..2000).map(|_| a.pulse(0, 0.0, 1, true)).sum::<f64>() / 2000.0;
        let (m, a) = (mean(&mut mult), mean(&mut add));
        assert!((m - 0.01).abs() < 0.0005 && (a - 0.01).abs() < 0.0005, "{m} {a}");
    }
}
