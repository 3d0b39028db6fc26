//! Device response: how a requested weight increment becomes an actual one.
//!
//! A device is its pair of response factors q⁺(w), q⁻(w) (paper §2.2): an increment Δw ≥ 0
//! moves the weight by Δw·q⁺(w), a decrement by Δw·q⁻(w). Writing F = (q⁻ + q⁺)/2 and
//! G = (q⁻ − q⁺)/2 gives the *expected dynamic* `w ← w + Δw·F(w) − |Δw|·G(w)` (paper eq. 7).
//! The symmetric point w◇ is the root of G: there up and down steps are equal.
//!
//! Algorithms never touch response factors: they hand increments to an [`AnalogArray`], which
//! owns the device of every element (with device-to-device variation) and the update mode —
//! the expected dynamic, or pulse-level updates as in aihwkit (see [`UpdateMode`]); it lives in
//! [`array`].

mod array;

pub(crate) mod pulses;
use crate::sim::rng::SimRng;
pub use array::AnalogArray;
pub use pulses::{closed_form_pulses, powi_exact};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// The response factors of one device type. Implementations keep q± ≥ 0 inside the range.
pub trait Response {
    /// q⁺(w): the fraction of a requested increment Δw > 0 that is applied at weight w.
    fn q_plus(&self, w: f64) -> f64;
    /// q⁻(w): the fraction of a requested decrement Δw < 0 that is applied at weight w.
    fn q_minus(&self, w: f64) -> f64;

    /// F(w) = (q⁻ + q⁺)/2, the symmetric part.
    fn f(&self, w: f64) -> f64 {
        0.5 * (self.q_minus(w) + self.q_plus(w))
    }
    /// G(w) = (q⁻ − q⁺)/2, the asymmetric part; G(w◇) = 0 at the symmetric point.
    fn g(&self, w: f64) -> f64 {
        0.5 * (self.q_minus(w) - self.q_plus(w))
    }
    /// The expected-dynamic update of one element: `w + Δw·q⁺(w)` or `w + Δw·q⁻(w)`,
    /// which equals `w + Δw·F(w) − |Δw|·G(w)`.
    #[inline]
    fn update(&self, w: f64, dw: f64) -> f64 {
        if dw >= 0.0 {
            w + dw * self.q_plus(w)
        } else {
            w + dw * self.q_minus(w)
        }
    }
}

/// The shape of a device's response (paper §2.2 and App. C, eqs. 21–26).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    /// q± = 1: every increment is applied exactly (digital arithmetic).
    Ideal,
    /// Asymmetric linear device (paper eq. 8): q⁺ = 1 − (w − sp)/τ, q⁻ = 1 + (w − sp)/τ.
    /// It saturates at sp ± τ.
    Ald {
        /// τ, the dynamic-range radius (larger = more symmetric).
        tau: f64,
        /// The symmetric point offset (0 in the paper; nonzero breaks Tiki-Taka).
        sp: f64,
    },
    /// Soft bounds (linear step): q⁺ = 1 − w/τ_max, q⁻ = 1 − w/τ_min with τ_min < 0 < τ_max.
    /// `ald` is its case τ_max = −τ_min = τ.
    SoftBounds { tau_max: f64, tau_min: f64 },
    /// Power step: q⁺ = ((τ_max − w)/(τ_max − τ_min))^γ⁺, q⁻ = ((w − τ_min)/(τ_max − τ_min))^γ⁻.
    Pow { tau_max: f64, tau_min: f64, gamma_up: f64, gamma_down: f64 },
    /// Exponential step: q⁺ = 1 − exp(−γ⁺(τ_max − w)/(τ_max − τ_min)),
    /// q⁻ = 1 − exp(−γ⁻(w − τ_min)/(τ_max − τ_min)).
    Exp { tau_max: f64, tau_min: f64, gamma_up: f64, gamma_down: f64 },
}

/// A device model: a response shape and an up/down asymmetry c that scales up steps by (1 + c)
/// and down steps by (1 − c) (aihwkit's `up_down`; the NeurIPS 2025 follow-up's c_Lin). On the
/// ALD, c moves the symmetric point to sp + c·τ.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub shape: Shape,
    /// c, the up/down asymmetry in (−1, 1).
    pub up_down: f64,
}

impl Response for Shape {
    #[inline]
    fn q_plus(&self, w: f64) -> f64 {
        match *self {
            Shape::Ideal => 1.0,
            Shape::Ald { tau, sp } => 1.0 - (w - sp) / tau,
            Shape::SoftBounds { tau_max, .. } => 1.0 - w / tau_max,
            Shape::Pow { tau_max, tau_min, gamma_up, .. } => {
                libm::pow(((tau_max - w) / (tau_max - tau_min)).max(0.0), gamma_up)
            }
            Shape::Exp { tau_max, tau_min, gamma_up, .. } => {
                1.0 - libm::exp(-gamma_up * (tau_max - w) / (tau_max - tau_min))
            }
        }
    }
    #[inline]
    fn q_minus(&self, w: f64) -> f64 {
        match *self {
            Shape::Ideal => 1.0,
            Shape::Ald { tau, sp } => 1.0 + (w - sp) / tau,
            Shape::SoftBounds { tau_min, .. } => 1.0 - w / tau_min,
            Shape::Pow { tau_max, tau_min, gamma_down, .. } => {
                libm::pow(((w - tau_min) / (tau_max - tau_min)).max(0.0), gamma_down)
            }
            Shape::Exp { tau_max, tau_min, gamma_down, .. } => {
                1.0 - libm::exp(-gamma_down * (w - tau_min) / (tau_max - tau_min))
            }
        }
    }
}

impl Response for Device {
    #[inline]
    fn q_plus(&self, w: f64) -> f64 {
        (1.0 + self.up_down) * self.shape.q_plus(w)
    }
    #[inline]
    fn q_minus(&self, w: f64) -> f64 {
        (1.0 - self.up_down) * self.shape.q_minus(w)
    }
}

impl Device {
    /// The ideal device.
    pub const IDEAL: Device = Device { shape: Shape::Ideal, up_down: 0.0 };

    /// The asymmetric linear device with radius τ and symmetric point offset sp.
    pub fn ald(tau: f64, sp: f64) -> Device {
        Device { shape: Shape::Ald { tau, sp }, up_down: 0.0 }
    }

    /// The interval the weight can reach, `None` for an unbounded device.
    pub fn range(&self) -> Option<(f64, f64)> {
        match self.shape {
            Shape::Ideal => None,
            Shape::Ald { tau, sp } => Some((sp - tau, sp + tau)),
            Shape::SoftBounds { tau_max, tau_min }
            | Shape::Pow { tau_max, tau_min, .. }
            | Shape::Exp { tau_max, tau_min, .. } => Some((tau_min, tau_max)),
        }
    }

    /// The symmetric point w◇ (root of G), `None` when there is none (the ideal device, or no
    /// sign change of G inside the range). Closed form for the ALD, bisection otherwise.
    pub fn symmetric_point(&self) -> Option<f64> {
        match self.shape {
            Shape::Ideal => None,
            Shape::Ald { tau, sp } => Some(sp + self.up_down * tau),
            _ => {
                let (lo, hi) = self.range()?;
                let (glo, ghi) = (self.g(lo), self.g(hi));
                if glo * ghi > 0.0 {
                    return None;
                }
                Some(crate::sim::numeric::bisect(|w| self.g(w), lo, hi))
            }
        }
    }

    /// τ, the dynamic-range radius: half the range (∞ for the ideal device). Used for the
    /// saturation degree ‖W‖∞/τ.
    pub fn tau(&self) -> f64 {
        match self.range() {
            None => f64::INFINITY,
            Some((lo, hi)) => 0.5 * (hi - lo),
        }
    }

    /// A copy whose bounds are scaled by `lo_factor`, `hi_factor` (device-to-device variation).
    fn with_bounds_scaled(&self, lo_factor: f64, hi_factor: f64) -> Device {
        let shape = match self.shape {
            Shape::Ideal => Shape::Ideal,
            Shape::Ald { tau, sp } => Shape::Ald { tau: tau * hi_factor, sp },
            Shape::SoftBounds { tau_max, tau_min } => {
                Shape::SoftBounds { tau_max: tau_max * hi_factor, tau_min: tau_min * lo_factor }
            }
            Shape::Pow { tau_max, tau_min, gamma_up, gamma_down } => {
                Shape::Pow { tau_max: tau_max * hi_factor, tau_min: tau_min * lo_factor, gamma_up, gamma_down }
            }
            Shape::Exp { tau_max, tau_min, gamma_up, gamma_down } => {
                Shape::Exp { tau_max: tau_max * hi_factor, tau_min: tau_min * lo_factor, gamma_up, gamma_down }
            }
        };
        Device { shape, up_down: self.up_down }
    }

    /// Draws one element's device under device-to-device spread `d2d` (aihwkit's `*_dtod`):
    /// step gain |1 + d2d·ξ| and bounds scaled by |1 + d2d·ξ| each (the ALD's one τ by one draw).
    pub fn sample_element(&self, d2d: f64, rng: &mut SimRng) -> Element {
        let mut draw = || {
            let z: f64 = StandardNormal.sample(rng);
            (1.0 + d2d * z).abs()
        };
        let gain = draw();
        let (lo, hi) = (draw(), draw());
        Element { device: self.with_bounds_scaled(lo, hi), gain }
    }
}

/// One physical element of an array: its own device and step gain (d2d variation).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Element {
    pub device: Device,
    /// Multiplies every step of this element (1 without variation).
    pub gain: f64,
}

/// How increments are written.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum UpdateMode {
    /// The paper's expected dynamic: `w ← w + Δw·q±(w)` exactly.
    Expected,
    /// Pulse level (paper App. B, aihwkit semantics): a desired Δw becomes n pulses, n the
    /// stochastic rounding of |Δw|/dw_min capped at `bl`; each pulse applies
    /// `w ± dw_min·q±(w)·(1 + c2c·ξ)` and clips to the device's bounds.
    Pulsed {
        /// Nominal step of one pulse.
        dw_min: f64,
        /// Most pulses per update (aihwkit's desired BL).
        bl: u32,
        /// Cycle-to-cycle noise: relative std of each pulse.
        c2c: f64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devices() -> Vec<Device> {
        vec![
            Device::ald(0.7, 0.1),
            Device { shape: Shape::Ald { tau: 1.0, sp: 0.0 }, up_down: 0.2 },
            Device { shape: Shape::SoftBounds { tau_max: 1.2, tau_min: -0.8 }, up_down: 0.0 },
            Device { shape: Shape::Pow { tau_max: 1.0, tau_min: -1.0, gamma_up: 2.0, gamma_down: 1.5 }, up_down: 0.0 },
            Device { shape: Shape::Exp { tau_max: 1.0, tau_min: -1.0, gamma_up: 2.0, gamma_down: 3.0 }, up_down: 0.1 },
        ]
    }

    #[test]
    fn update_equals_f_g_form_for_every_device() {
        for d in devices() {
            for &w in &[-0.5, 0.0, 0.1, 0.3, 0.65] {
                for &dw in &[-0.2, -1e-3, 0.0, 1e-3, 0.2] {
                    let fg = w + dw * d.f(w) - dw.abs() * d.g(w);
                    assert!((d.update(w, dw) - fg).abs() < 1e-15, "{d:?}");
                }
            }
        }
    }

    #[test]
    fn softbounds_with_symmetric_bounds_is_the_ald() {
        for tau in [0.3, 1.0, 4.0] {
            let sb = Device { shape: Shape::SoftBounds { tau_max: tau, tau_min: -tau }, up_down: 0.0 };
            let ald = Device::ald(tau, 0.0);
            for k in -20..=20 {
                let w = tau * k as f64 / 20.0;
                assert_eq!(sb.q_plus(w), ald.q_plus(w));
                assert_eq!(sb.q_minus(w), ald.q_minus(w));
                for dw in [-0.1, 0.05] {
                    assert_eq!(sb.update(w, dw), ald.update(w, dw));
                }
            }
        }
    }

    #[test]
    fn saturating_devices_vanish_at_their_bounds_and_are_positive_inside() {
        for d in devices() {
            let (lo, hi) = d.range().unwrap();
            assert!(d.q_plus(hi).abs() < 1e-12, "{d:?} q+(τ_max) = {}", d.q_plus(hi));
            assert!(d.q_minus(lo).abs() < 1e-12, "{d:?} q−(τ_min) = {}", d.q_minus(lo));
            for k in 1..100 {
                let w = lo + (hi - lo) * k as f64 / 100.0;
                assert!(d.q_plus(w) > 0.0 && d.q_minus(w) > 0.0, "{d:?} at {w}");
            }
        }
    }

    #[test]
    fn computed_symmetric_point_has_g_zero() {
        for d in devices() {
            let sp = d.symmetric_point().expect("a symmetric point inside the range");
            assert!(d.g(sp).abs() < 1e-12, "{d:?}: G({sp}) = {}", d.g(sp));
        }
        let c = Device { shape: Shape::Ald { tau: 2.0, sp: 0.1 }, up_down: 0.3 };
        assert!((c.symmetric_point().unwrap() - 0.7).abs() < 1e-15);
        assert_eq!(Device::IDEAL.symmetric_point(), None);
    }

    #[test]
    fn closed_form_equals_explicit_pulses() {
        for d in devices().into_iter().filter(|d| !matches!(d.shape, Shape::Pow { .. } | Shape::Exp { .. })) {
            for up in [true, false] {
                for n in [1u64, 7, 100, 2500] {
                    let (step, w0) = (1e-3, 0.05);
                    let closed = closed_form_pulses(&d, w0, step, n, up).unwrap();
                    let mut w = w0;
                    for _ in 0..n {
                        w = if up { w + step * d.q_plus(w) } else { w - step * d.q_minus(w) };
                    }
                    assert!((closed - w).abs() < 1e-12, "{d:?} up={up} n={n}: {closed} vs {w}");
                }
            }
        }
    }

    #[test]
    fn pulses_converge_to_the_expected_update_within_eq_20() {
        // One update Δw as n = |Δw|/dw_min pulses on the ALD against the expected update U.
        // Paper eq. 20 bounds the error by dw_min/τ + Δw²/(2τ). Exactly, n pulses follow
        // u_n = τ − (τ − u)(1 − dw_min/τ)^n, whose second-order term is q(w)·Δw²/(2τ): the stated
        // bound holds where q(w) ≤ 1 (moving towards the symmetric point) and needs the factor
        // q(w) ≤ 2 otherwise (e.g. w = −0.6, Δw = +0.05: error 1.96e-3 > 1.35e-3). We check the
        // corrected bound everywhere and the paper's where q ≤ 1.
        let tau = 1.0;
        let d = Device::ald(tau, 0.0);
        for &w in &[-0.6, 0.0, 0.4] {
            for &dw in &[0.05f64, -0.05, 0.2] {
                let q = if dw > 0.0 { d.q_plus(w) } else { d.q_minus(w) };
                for dw_min in [1e-2, 1e-3, 1e-4] {
                    let n = (dw.abs() / dw_min).round() as u64;
                    let pulsed = closed_form_pulses(&d, w, dw_min, n, dw > 0.0).unwrap();
                    let err = (pulsed - d.update(w, dw)).abs();
                    let paper = dw_min / tau + dw * dw / (2.0 * tau);
                    let corrected = dw_min / tau + q.max(1.0) * dw * dw / (2.0 * tau);
                    assert!(err <= corrected, "w={w} dw={dw} dw_min={dw_min}: {err} > {corrected}");
                    if q <= 1.0 {
                        assert!(err <= paper, "w={w} dw={dw} dw_min={dw_min}: {err} > {paper}");
                    }
                }
            }
        }
    }
}
