//! [`AnalogArray`]: the elements of a tile and how increments reach them, in the expected dynamic
//! or pulse by pulse.

use super::pulses::{closed_form_pulses, prefetch, PulseTable};
use super::{Device, Element, Response, Shape, UpdateMode};
use crate::sim::rng::SimRng;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// An array of analog weights: the only way algorithms change weights.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AnalogArray {
    /// The nominal device.
    pub device: Device,
    /// Per-element devices, when there is device-to-device variation.
    elements: Option<Vec<Element>>,
    pub mode: UpdateMode,
    /// Pulse randomness (stochastic rounding, c2c); unused in the expected dynamic.
    rng: SimRng,
    /// Pulses fired so far (the hardware's energy and time proxy).
    pub pulses: u64,
    fast: FastPath,
    /// r^n of the closed form, when pulse level can use it for every element.
    table: Option<PulseTable>,
    /// Pulse level with cycle-to-cycle noise on varied soft-bounds elements: what each pulse reads
    /// of its element, packed (24 bytes instead of a 56-byte [`Element`], so a row of the array
    /// stays in cache), and the pulse loop specialised to that shape.
    soft: Option<Vec<SoftElement>>,
    /// The soft-bounds elements of the expected dynamic ([`FastPath::Soft`]), by columns.
    soft_expected: SoftColumns,
    /// c2c noise added to the bound factor, q±(w) + c2c·ξ, instead of multiplying it.
    c2c_add: bool,
}

/// One train of same-sign pulses on a varied soft-bounds element ([`AnalogArray::pulse_soft`]).
struct SoftPulses {
    step: f64,
    c2c: f64,
    lo: f64,
    hi: f64,
    /// τ of the direction: τ_max up, τ_min down.
    bound: f64,
    factor: f64,
    flip: u64,
}

impl SoftPulses {
    #[inline(always)]
    fn fire<const SYMMETRIC: bool, const ADDITIVE: bool>(&self, rng: &mut SimRng, w: f64, n: u64) -> f64 {
        let mut w = w.clamp(self.lo, self.hi);
        for _ in 0..n {
            let z: f64 = StandardNormal.sample(&mut *rng);
            let shape_q = 1.0 - w / self.bound;
            let q = if SYMMETRIC { shape_q } else { self.factor * shape_q };
            // The two forms of crate::sim::c2c, operation for operation.
            let dw = if ADDITIVE { self.step * (q + self.c2c * z) } else { self.step * q * (1.0 + self.c2c * z) };
            w += f64::from_bits(dw.to_bits() ^ self.flip);
            w = w.clamp(self.lo, self.hi);
        }
        w
    }
}

/// The parameters of one varied soft-bounds element that its pulses use (aligned, so one
/// element never straddles two cache lines).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[repr(align(32))]
struct SoftElement {
    gain: f64,
    tau_min: f64,
    tau_max: f64,
}

/// Varied soft-bounds elements as three columns (gains, lower and upper bounds), so a row's
/// update loads each as one vector.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct SoftColumns {
    gain: Vec<f64>,
    tau_min: Vec<f64>,
    tau_max: Vec<f64>,
}

impl SoftColumns {
    fn new(elements: &[SoftElement]) -> SoftColumns {
        SoftColumns {
            gain: elements.iter().map(|e| e.gain).collect(),
            tau_min: elements.iter().map(|e| e.tau_min).collect(),
            tau_max: elements.iter().map(|e| e.tau_max).collect(),
        }
    }

    /// `soft_update` of element `i`.
    #[inline(always)]
    fn update(&self, i: usize, c: f64, w: f64, dw: f64) -> f64 {
        soft_update(self.gain[i], self.tau_min[i], self.tau_max[i], c, w, dw)
    }
}

/// The expected-dynamic cases that need neither per-element devices nor q± calls.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
enum FastPath {
    Ideal,
    /// The paper's ALD: multiply by 1/τ instead of dividing.
    Ald {
        sp: f64,
        inv_tau: f64,
    },
    /// Soft-bounds elements with device-to-device variation (the paper's MNIST device): each
    /// element's gain and bounds read from the packed table `soft_expected`, no `Device` copied.
    Soft,
    None,
}

/// The expected-dynamic update of a soft-bounds element: `Device::update` with the element's
/// gain, `w + g·Δw·q±(w)`, in the same operations (bit for bit), q± = (1 ± c)·(1 − w/τ±). The
/// direction selects the bound and the factor first, so a vectorised loop divides once.
#[inline(always)]
fn soft_update(gain: f64, tau_min: f64, tau_max: f64, c: f64, w: f64, dw: f64) -> f64 {
    let dw = gain * dw;
    let up = dw >= 0.0;
    // A select through bit masks: with `if up { tau_max } else { tau_min }`, LLVM turned the two
    // column loads into one load from a selected address, a branch per lane on the sign of Δw.
    let pick_max = u64::from(up).wrapping_neg();
    let tau = f64::from_bits((tau_max.to_bits() & pick_max) | (tau_min.to_bits() & !pick_max));
    let k = if up { 1.0 + c } else { 1.0 - c };
    w + dw * (k * (1.0 - w / tau))
}

impl AnalogArray {
    /// An array of `dim` elements made of `device`, with per-element variation drawn from
    /// `variation` when `d2d > 0`.
    pub fn new(
        device: Device,
        mode: UpdateMode,
        d2d: f64,
        dim: usize,
        variation: &mut SimRng,
        pulse_rng: SimRng,
    ) -> Self {
        let elements: Option<Vec<Element>> = (d2d > 0.0 && device.shape != Shape::Ideal)
            .then(|| (0..dim).map(|_| device.sample_element(d2d, variation)).collect());
        let packed = |elements: &[Element]| {
            elements
                .iter()
                .map(|e| match e.device.shape {
                    Shape::SoftBounds { tau_max, tau_min } if e.device.up_down == device.up_down => {
                        Some(SoftElement { gain: e.gain, tau_min, tau_max })
                    }
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
        };
        let soft_expected = match (mode, &elements) {
            (UpdateMode::Expected, Some(elements)) => packed(elements),
            _ => None,
        };
        let fast = match (mode, &elements, device.up_down, device.shape) {
            (UpdateMode::Expected, None, 0.0, Shape::Ideal) => FastPath::Ideal,
            (UpdateMode::Expected, None, 0.0, Shape::Ald { tau, sp }) => FastPath::Ald { sp, inv_tau: 1.0 / tau },
            _ if soft_expected.is_some() => FastPath::Soft,
            _ => FastPath::None,
        };
        let table = match (mode, &elements) {
            (UpdateMode::Pulsed { dw_min, bl, c2c: 0.0 }, None) => PulseTable::new(&device, dw_min, bl),
            _ => None,
        };
        let soft = match (mode, &elements) {
            (UpdateMode::Pulsed { c2c, .. }, Some(elements)) if c2c > 0.0 => elements
                .iter()
                .map(|e| match e.device.shape {
                    Shape::SoftBounds { tau_max, tau_min } => Some(SoftElement { gain: e.gain, tau_min, tau_max }),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        let soft_expected = soft_expected.as_deref().map(SoftColumns::new).unwrap_or_default();
        Self { device, elements, mode, rng: pulse_rng, pulses: 0, fast, table, soft, soft_expected, c2c_add: false }
    }

    /// Sets the form of the c2c noise (`c2c_mult=0`: aihwkit's `mult_noise=False`).
    pub fn with_additive_c2c(mut self, add: bool) -> Self {
        self.c2c_add = add;
        self
    }

    /// An exact digital array (Digital SGD).
    pub fn ideal(pulse_rng: SimRng) -> Self {
        Self {
            device: Device::IDEAL,
            elements: None,
            mode: UpdateMode::Expected,
            rng: pulse_rng,
            pulses: 0,
            fast: FastPath::Ideal,
            table: None,
            soft: None,
            soft_expected: SoftColumns::default(),
            c2c_add: false,
        }
    }

    /// Element `i`'s device and gain.
    #[inline]
    pub fn element(&self, i: usize) -> Element {
        match &self.elements {
            Some(e) => e[i],
            None => Element { device: self.device, gain: 1.0 },
        }
    }

    /// The per-element devices, if they vary.
    pub fn elements(&self) -> Option<&[Element]> {
        self.elements.as_deref()
    }

    /// Writes the requested increment `dw` into element `i`, whose weight is `w`; returns the new weight.
    #[inline(always)]
    pub fn write(&mut self, i: usize, w: f64, dw: f64) -> f64 {
        match self.fast {
            FastPath::Ideal => w + dw,
            FastPath::Ald { sp, inv_tau } => w + dw - dw.abs() * (w - sp) * inv_tau,
            FastPath::Soft => self.soft_expected.update(i, self.device.up_down, w, dw),
            FastPath::None => self.write_general(i, w, dw),
        }
    }

    /// Writes the increments `scale·d[j]` into elements `start + j` (weights `w[j]`) in order:
    /// exactly [`AnalogArray::write`] element by element, with the fast path chosen once per row
    /// so its loop vectorises.
    #[inline(always)]
    pub fn write_row(&mut self, start: usize, w: &mut [f64], scale: f64, d: &[f64]) {
        match self.fast {
            FastPath::Ideal => {
                for (wj, &dj) in w.iter_mut().zip(d) {
                    *wj += scale * dj;
                }
            }
            FastPath::Ald { sp, inv_tau } => {
                for (wj, &dj) in w.iter_mut().zip(d) {
                    let (w, dw) = (*wj, scale * dj);
                    *wj = w + dw - dw.abs() * (w - sp) * inv_tau;
                }
            }
            FastPath::Soft => {
                let c = self.device.up_down;
                let n = w.len();
                let s = &self.soft_expected;
                let (gain, lo, hi) = (&s.gain[start..][..n], &s.tau_min[start..][..n], &s.tau_max[start..][..n]);
                let d = &d[..n];
                for j in 0..n {
                    w[j] = soft_update(gain[j], lo[j], hi[j], c, w[j], scale * d[j]);
                }
            }
            // Inline here, so the pulse count and the table lookup run in the caller's loop.
            FastPath::None => {
                for (j, (wj, &dj)) in w.iter_mut().zip(d).enumerate() {
                    *wj = self.write_slow(start + j, *wj, scale * dj);
                }
            }
        }
    }

    /// [`AnalogArray::write_row`], returning whether every written weight is finite: the check
    /// rides along in the same pass, while the row is in registers.
    #[inline(always)]
    pub fn write_row_finite(&mut self, start: usize, w: &mut [f64], scale: f64, d: &[f64]) -> bool {
        let mut finite = true;
        match self.fast {
            FastPath::Ideal => {
                for (wj, &dj) in w.iter_mut().zip(d) {
                    *wj += scale * dj;
                    finite &= wj.is_finite();
                }
            }
            FastPath::Ald { sp, inv_tau } => {
                for (wj, &dj) in w.iter_mut().zip(d) {
                    let (w, dw) = (*wj, scale * dj);
                    *wj = w + dw - dw.abs() * (w - sp) * inv_tau;
                    finite &= wj.is_finite();
                }
            }
            FastPath::Soft | FastPath::None => {
                self.write_row(start, w, scale, d);
                finite = w.iter().fold(true, |ok, x| ok & x.is_finite());
            }
        }
        finite
    }

    /// [`AnalogArray::write`] for varied elements, other devices and pulse level (kept out of
    /// line so the fast path inlines into the algorithms' loops).
    #[inline(never)]
    fn write_general(&mut self, i: usize, w: f64, dw: f64) -> f64 {
        self.write_slow(i, w, dw)
    }

    #[inline(always)]
    fn write_slow(&mut self, i: usize, w: f64, dw: f64) -> f64 {
        match self.mode {
            UpdateMode::Expected => {
                let e = self.element(i);
                e.device.update(w, e.gain * dw)
            }
            UpdateMode::Pulsed { dw_min, bl, .. } => {
                let x = dw.abs() / dw_min;
                let n = if x.is_finite() {
                    let floor = x.floor();
                    let n = floor as u64 + u64::from(self.rng.random::<f64>() < x - floor);
                    n.min(bl as u64)
                } else {
                    bl as u64
                };
                self.pulse(i, w, n, dw > 0.0)
            }
        }
    }

    /// Fires `n` pulses of one sign (`up`) at element `i` (weight `w`); returns the new weight.
    /// Without cycle-to-cycle noise, ALD, soft-bounds and ideal elements use the closed form
    /// (exact: the same value as n single pulses up to rounding); otherwise pulse by pulse.
    #[inline(always)]
    pub fn pulse(&mut self, i: usize, w: f64, n: u64, up: bool) -> f64 {
        if let Some(t) = &self.table {
            self.pulses += n;
            let fired = t.fire(&self.device.shape, w, n, up);
            // No pulse leaves w as it is (not even clipped); which trains are empty is random.
            return std::hint::select_unpredictable(n == 0, w, fired);
        }
        if n == 0 {
            return w;
        }
        if self.soft.is_some() {
            return self.pulse_soft(i, w, n, up);
        }
        self.pulse_general(i, w, n, up)
    }

    /// [`AnalogArray::pulse_general`] for varied soft-bounds elements with cycle-to-cycle noise
    /// (n ≥ 1): the same operations in the same order, reading the packed element. The direction
    /// is taken without a branch (it is random per element, so a branch would be mispredicted
    /// half the time) and, without up/down asymmetry, the factor 1 ± c = 1, whose multiplication
    /// changes no bit, is left out of the chain of dependent pulses.
    #[inline(never)]
    fn pulse_soft(&mut self, i: usize, w: f64, n: u64, up: bool) -> f64 {
        self.pulses += n;
        let (UpdateMode::Pulsed { dw_min, c2c, .. }, Some(soft)) = (self.mode, &self.soft) else {
            unreachable!("only built at pulse level")
        };
        let e = soft[i];
        let c = self.device.up_down;
        let dir = usize::from(up);
        // q± of Device: (1 ± c)·(1 − w/τ±) for soft bounds.
        let pulses = SoftPulses {
            step: dw_min * e.gain,
            c2c,
            lo: e.tau_min,
            hi: e.tau_max,
            bound: [e.tau_min, e.tau_max][dir],
            factor: [1.0 - c, 1.0 + c][dir],
            // w − Δ is w + (−Δ) exactly; the sign bit is flipped for down pulses.
            flip: u64::from(!up) << 63,
        };
        match (c == 0.0, self.c2c_add) {
            (true, false) => pulses.fire::<true, false>(&mut self.rng, w, n),
            (false, false) => pulses.fire::<false, false>(&mut self.rng, w, n),
            (true, true) => pulses.fire::<true, true>(&mut self.rng, w, n),
            (false, true) => pulses.fire::<false, true>(&mut self.rng, w, n),
        }
    }

    /// [`AnalogArray::pulse`] without the table (n ≥ 1).
    #[inline(never)]
    fn pulse_general(&mut self, i: usize, w: f64, n: u64, up: bool) -> f64 {
        self.pulses += n;
        let (dw_min, c2c) = match self.mode {
            UpdateMode::Pulsed { dw_min, c2c, .. } => (dw_min, c2c),
            UpdateMode::Expected => (1.0, 0.0),
        };
        let e = self.element(i);
        let step = dw_min * e.gain;
        let clip = |w: f64| match e.device.range() {
            Some((lo, hi)) => w.clamp(lo, hi),
            None => w,
        };
        if c2c == 0.0 {
            if let Some(w) = closed_form_pulses(&e.device, clip(w), step, n, up) {
                return clip(w);
            }
        }
        let mut w = clip(w);
        if self.c2c_add && c2c > 0.0 {
            return crate::sim::c2c::additive_pulses(&e.device, w, step, c2c, n, up, &mut self.rng, clip);
        }
        for _ in 0..n {
            let noise = if c2c > 0.0 {
                let z: f64 = StandardNormal.sample(&mut self.rng);
                1.0 + c2c * z
            } else {
                1.0
            };
            w = if up { w + step * e.device.q_plus(w) * noise } else { w - step * e.device.q_minus(w) * noise };
            w = clip(w);
        }
        w
    }

    /// Hints the cache to fetch what a pulse at element `i` reads of its element (see
    /// the pulse trains' firing loop).
    #[inline(always)]
    pub fn prefetch(&self, i: usize) {
        if let Some(soft) = &self.soft {
            prefetch(&soft[i]);
        } else if let Some(elements) = &self.elements {
            prefetch(&elements[i]);
        }
    }

    /// A uniform draw from this array's pulse stream (used by the layer pulse trains).
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }
    /// The pulse stream itself.
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{self, Purpose};

    #[test]
    fn packed_soft_bounds_expected_updates_are_the_general_ones_bit_for_bit() {
        // The expected dynamic's packed soft-bounds path against `Device::update` on the same
        // elements, one weight at a time and by rows, with and without up/down asymmetry, signs
        // mixed, weights inside and outside the bounds.
        for up_down in [0.0, 0.15] {
            let device = Device { shape: Shape::SoftBounds { tau_max: 0.7, tau_min: -0.6 }, up_down };
            let mut var = rng::stream(4, Purpose::DeviceVariation);
            let mut packed =
                AnalogArray::new(device, UpdateMode::Expected, 0.3, 16, &mut var, rng::stream(5, Purpose::Pulses));
            assert!(matches!(packed.fast, FastPath::Soft));
            let mut general = packed.clone();
            general.fast = FastPath::None;
            let d: Vec<f64> = (0..16).map(|j| (j as f64 - 7.5) * 0.013).collect();
            for k in 0..200u64 {
                let i = (k * 7 % 16) as usize;
                let w = -0.9 + 0.009 * k as f64;
                let dw = (k as f64 - 100.0) * 1e-3;
                assert_eq!(packed.write(i, w, dw).to_bits(), general.write(i, w, dw).to_bits(), "c={up_down} i={i}");
                let mut a: Vec<f64> = (0..16).map(|j| w + 0.01 * j as f64).collect();
                let mut b = a.clone();
                packed.write_row(0, &mut a, dw, &d);
                general.write_row(0, &mut b, dw, &d);
                assert_eq!(
                    a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    b.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn packed_soft_bounds_pulses_are_the_general_ones_bit_for_bit() {
        // The specialised loop against the general one on the same elements and stream, with and
        // without up/down asymmetry, with either form of c2c noise, including weights outside
        // the bounds (clipped first).
        for (up_down, additive) in [(0.0, false), (0.15, false), (0.0, true), (0.15, true)] {
            let device = Device { shape: Shape::SoftBounds { tau_max: 0.7, tau_min: -0.6 }, up_down };
            let mode = UpdateMode::Pulsed { dw_min: 0.01, bl: 31, c2c: 0.3 };
            let mut var = rng::stream(4, Purpose::DeviceVariation);
            let mut packed = AnalogArray::new(device, mode, 0.3, 16, &mut var, rng::stream(5, Purpose::Pulses))
                .with_additive_c2c(additive);
            assert!(packed.soft.is_some());
            let mut general = packed.clone();
            general.soft = None;
            for k in 0..400u64 {
                let i = (k * 7 % 16) as usize;
                let w = -0.9 + 0.0045 * k as f64;
                let (n, up) = (1 + k % 5, k % 3 != 0);
                let (a, b) = (packed.pulse(i, w, n, up), general.pulse(i, w, n, up));
                assert_eq!(a.to_bits(), b.to_bits(), "c={up_down} add={additive} i={i} w={w} n={n} up={up}");
            }
            assert_eq!(packed.pulses, general.pulses);
            assert_eq!(packed.uniform().to_bits(), general.uniform().to_bits(), "same draws consumed");
        }
    }

    #[test]
    fn pulse_mode_counts_pulses_and_respects_bounds_and_bl() {
        let mut var = rng::stream(1, Purpose::DeviceVariation);
        let mode = UpdateMode::Pulsed { dw_min: 0.01, bl: 50, c2c: 0.5 };
        let mut a = AnalogArray::new(Device::ald(0.5, 0.0), mode, 0.3, 3, &mut var, rng::stream(2, Purpose::Pulses));
        let mut w = 0.0;
        for _ in 0..1000 {
            w = a.write(1, w, 3.0);
            let (lo, hi) = a.element(1).device.range().unwrap();
            assert!(w >= lo && w <= hi);
        }
        assert_eq!(a.pulses, 50 * 1000, "each write is capped at bl pulses");
    }
}
