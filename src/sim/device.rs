//! Device response: how a requested weight increment becomes an actual one.
//!
//! A device is its pair of response factors q⁺(w), q⁻(w) (paper §2.2): an increment Δw ≥ 0
//! moves the weight by Δw·q⁺(w), a decrement by Δw·q⁻(w). Writing F = (q⁻ + q⁺)/2 and
//! G = (q⁻ − q⁺)/2 gives the *expected dynamic* `w ← w + Δw·F(w) − |Δw|·G(w)` (paper eq. 7).
//! The symmetric point w◇ is the root of G: there up and down steps are equal.
//!
//! Algorithms never touch response factors directly: they hand increments to an
//! [`AnalogArray`], which owns the device model and the update mode. New device families
//! (soft bounds, power and exp step) are new [`Device`] variants; a pulse-level update mode is a
//! new way for [`AnalogArray::write`] to apply an increment. Neither touches the algorithms.

use serde::{Deserialize, Serialize};

/// The response factors of one device type. Implementations must keep q± ≥ 0 inside the
/// device's range.
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

/// The device models of the scenario vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Device {
    /// q± = 1: every increment is applied exactly (digital arithmetic).
    Ideal,
    /// Asymmetric linear device (paper eq. 8): q⁺ = 1 − (w − sp)/τ, q⁻ = 1 + (w − sp)/τ.
    /// It saturates at sp ± τ, and its symmetric point is sp.
    Ald {
        /// τ, the dynamic-range radius (larger = more symmetric, more ideal).
        tau: f64,
        /// The symmetric point w◇ (0 in the paper; nonzero breaks Tiki-Taka, NeurIPS 2025 follow-up).
        sp: f64,
    },
}

impl Response for Device {
    #[inline]
    fn q_plus(&self, w: f64) -> f64 {
        match *self {
            Device::Ideal => 1.0,
            Device::Ald { tau, sp } => 1.0 - (w - sp) / tau,
        }
    }
    #[inline]
    fn q_minus(&self, w: f64) -> f64 {
        match *self {
            Device::Ideal => 1.0,
            Device::Ald { tau, sp } => 1.0 + (w - sp) / tau,
        }
    }
    #[inline]
    fn update(&self, w: f64, dw: f64) -> f64 {
        match *self {
            Device::Ideal => w + dw,
            // w + Δw − |Δw|(w − sp)/τ: the same value as the q± form, one branch fewer.
            Device::Ald { tau, sp } => w + dw - dw.abs() * (w - sp) / tau,
        }
    }
}

impl Device {
    /// The interval the weight can reach, `None` for an unbounded device.
    pub fn range(&self) -> Option<(f64, f64)> {
        match *self {
            Device::Ideal => None,
            Device::Ald { tau, sp } => Some((sp - tau, sp + tau)),
        }
    }

    /// The symmetric point w◇ (root of G), `None` when every point is symmetric.
    pub fn symmetric_point(&self) -> Option<f64> {
        match *self {
            Device::Ideal => None,
            Device::Ald { sp, .. } => Some(sp),
        }
    }

    /// τ, the dynamic-range radius (∞ for the ideal device).
    pub fn tau(&self) -> f64 {
        match *self {
            Device::Ideal => f64::INFINITY,
            Device::Ald { tau, .. } => tau,
        }
    }
}

/// An array of analog weights behind one device model: the only way algorithms change weights.
#[derive(Clone, Debug)]
pub struct AnalogArray {
    /// The device every element is made of.
    pub device: Device,
    /// 1/τ, so the hot loop multiplies instead of dividing.
    inv_tau: f64,
}

impl AnalogArray {
    /// An array whose elements all follow `device` in the expected dynamic.
    pub fn new(device: Device) -> Self {
        Self { device, inv_tau: 1.0 / device.tau() }
    }

    /// Writes the requested increment `dw` into element `i`, whose weight is `w`; returns the new weight.
    #[inline]
    pub fn write(&mut self, _i: usize, w: f64, dw: f64) -> f64 {
        match self.device {
            Device::Ideal => w + dw,
            Device::Ald { sp, .. } => w + dw - dw.abs() * (w - sp) * self.inv_tau,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ald_update_equals_f_g_form() {
        let d = Device::Ald { tau: 0.7, sp: 0.1 };
        for &w in &[-0.5, 0.0, 0.1, 0.3, 0.75] {
            for &dw in &[-0.2, -1e-3, 0.0, 1e-3, 0.2] {
                let fg = w + dw * d.f(w) - dw.abs() * d.g(w);
                let q = if dw >= 0.0 { w + dw * d.q_plus(w) } else { w + dw * d.q_minus(w) };
                assert!((d.update(w, dw) - fg).abs() < 1e-15);
                assert!((d.update(w, dw) - q).abs() < 1e-15);
            }
        }
        assert_eq!(d.g(0.1), 0.0);
        assert_eq!(d.symmetric_point(), Some(0.1));
    }

    #[test]
    fn ald_saturates_at_range_ends() {
        let d = Device::Ald { tau: 2.0, sp: 0.0 };
        assert_eq!(d.q_plus(2.0), 0.0);
        assert_eq!(d.q_minus(-2.0), 0.0);
        assert_eq!(d.update(2.0, 0.5), 2.0);
    }
}
