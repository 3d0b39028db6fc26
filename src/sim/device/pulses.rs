//! How a run of pulses moves one device: n same-sign pulses in closed form where the device is
//! linear in w (ALD, soft bounds), and their tabulated factors. The pulse trains that decide
//! how many pulses each element gets live one floor up, in [`crate::sim::pulse_train`].

use super::{Device, Shape};
use serde::{Deserialize, Serialize};

/// Asks the CPU to bring `v`'s cache line in (nothing on other targets).
#[inline(always)]
pub(crate) fn prefetch<T>(v: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it never faults and reads no value.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((v as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = v;
}

/// x^n by repeated squaring (bit-identical on every platform).
pub fn powi_exact(mut x: f64, mut n: u64) -> f64 {
    let mut acc = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            acc *= x;
        }
        x *= x;
        n >>= 1;
    }
    acc
}

/// n same-sign pulses of size `step` in closed form, where the device is linear in w.
/// One up pulse on the ALD maps u = w − sp to u + s(1 − u/τ) (s = step·(1 + c)), a contraction
/// towards τ, so n pulses give u_n = τ − (τ − u)(1 − s/τ)^n; down pulses mirror it. Soft bounds are
/// the same with their own bound per direction.
pub fn closed_form_pulses(device: &Device, w: f64, step: f64, n: u64, up: bool) -> Option<f64> {
    if device.shape == Shape::Ideal {
        let s = if up { step * (1.0 + device.up_down) } else { step * (1.0 - device.up_down) };
        return Some(if up { w + n as f64 * s } else { w - n as f64 * s });
    }
    let (b, r) = contraction(device, step, up)?;
    Some(contract(&device.shape, w, b, powi_exact(r, n)))
}

/// The bound b that pulses of one direction approach (±τ relative to sp on the ALD, τ_max or
/// τ_min) and the factor r = 1 − s/|b| by which one pulse of size `step` scales the distance to
/// it; `None` for devices without a closed form.
fn contraction(device: &Device, step: f64, up: bool) -> Option<(f64, f64)> {
    let c = device.up_down;
    let s = if up { step * (1.0 + c) } else { step * (1.0 - c) };
    match device.shape {
        Shape::Ald { tau, .. } => Some((if up { tau } else { -tau }, 1.0 - s / tau)),
        Shape::SoftBounds { tau_max, tau_min } => {
            Some(if up { (tau_max, 1.0 - s / tau_max) } else { (tau_min, 1.0 + s / tau_min) })
        }
        Shape::Ideal | Shape::Pow { .. } | Shape::Exp { .. } => None,
    }
}

/// The weight `w` after pulses that scale its distance to the bound `b` by `rn` (ALD and soft
/// bounds only): b − (b − w)·rⁿ. For down pulses this is the same value as the mirrored
/// b + (w − b)·rⁿ, since negation is exact and rounding symmetric.
#[inline(always)]
fn contract(shape: &Shape, w: f64, b: f64, rn: f64) -> f64 {
    match *shape {
        Shape::Ald { sp, .. } => sp + (b - (b - (w - sp)) * rn),
        Shape::SoftBounds { .. } => b - (b - w) * rn,
        Shape::Ideal | Shape::Pow { .. } | Shape::Exp { .. } => unreachable!("no closed form"),
    }
}

/// Pulse level without device-to-device variation or cycle-to-cycle noise on an ALD or
/// soft-bounds device: n pulses scale the distance to the bound approached by rⁿ
/// ([`closed_form_pulses`]). rⁿ is tabulated for short trains by the same [`powi_exact`], so the
/// weights keep their bits while a pulse train costs a lookup instead of a branchy power.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PulseTable {
    /// The device's range, which every pulse clips to.
    lo: f64,
    hi: f64,
    /// Indexed by direction (down, up): the bound approached ([`contraction`]) and rⁿ for
    /// n = 0…min(BL, 256).
    bounds: [f64; 2],
    powers: [Vec<f64>; 2],
}

impl PulseTable {
    pub(crate) fn new(device: &Device, dw_min: f64, bl: u32) -> Option<PulseTable> {
        let (lo, hi) = device.range()?;
        let ((b_down, r_down), (b_up, r_up)) =
            (contraction(device, dw_min, false)?, contraction(device, dw_min, true)?);
        // Trains rarely exceed a few dozen pulses; longer ones compute rⁿ (a huge BL would make a
        // huge table).
        let powers = |r| (0..=bl.clamp(1, 256)).map(|n| powi_exact(r, n.into())).collect();
        Some(PulseTable { lo, hi, bounds: [b_down, b_up], powers: [powers(r_down), powers(r_up)] })
    }

    /// The weight after `n` pulses in direction `up` from `w`, clipped before and after.
    #[inline(always)]
    pub(crate) fn fire(&self, shape: &Shape, w: f64, n: u64, up: bool) -> f64 {
        // Both directions by one formula, indexed rather than branched on (signs are random).
        let dir = usize::from(up);
        let powers = &self.powers[dir];
        // Past the table rⁿ is computed; powers[1] is r itself.
        let rn =
            usize::try_from(n).ok().and_then(|n| powers.get(n).copied()).unwrap_or_else(|| powi_exact(powers[1], n));
        contract(shape, w.clamp(self.lo, self.hi), self.bounds[dir], rn).clamp(self.lo, self.hi)
    }
}
