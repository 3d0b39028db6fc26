//! Training problems: loss, gradient, gradient noise and start point.
//!
//! All three problems are quadratics with a known minimiser, so `f − f*` is computed exactly
//! (no cancellation against a large constant). Noise is drawn once per step by the run into a
//! [`NoiseDraw`] and turned into the per-algorithm noise vector here, so every algorithm sees the
//! identical random numbers at step k (common random numbers), even when the noise law depends on
//! the algorithm's own weights (the lower-bound instance).

use crate::sim::rng::{self, Purpose, SimRng};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// `quadratic`: f(w) = ½ Σ hᵢ (wᵢ − w*ᵢ)², Gaussian gradient noise σ per coordinate.
#[derive(Clone, Debug)]
pub struct Quadratic {
    /// Curvatures hᵢ > 0.
    pub h: Vec<f64>,
    /// The minimiser w*.
    pub wstar: Vec<f64>,
    /// The start point W₀.
    pub w0: Vec<f64>,
    /// σ, noise standard deviation per coordinate.
    pub sigma: f64,
}

/// `lsq`: the paper's least squares (its code, S2): f(W) = 1/(2N)·‖AW − b‖² with b = A x*,
/// A = a_scale·randn(N, D) (S2: 1/2), x* = xstar_scale·randn(D) (S2: 0.3), full batch, Gaussian
/// gradient noise σ per coordinate.
#[derive(Clone, Debug)]
pub struct Lsq {
    /// D, the number of weights.
    pub dim: usize,
    /// H = AᵀA/N, row-major D×D.
    pub hessian: Vec<f64>,
    /// x*, the exact minimiser (b = A x*, so f* = 0).
    pub xstar: Vec<f64>,
    /// Aᵀb/N, kept for reference (the gradient is computed as H(W − x*) = HW − Aᵀb/N).
    pub atb: Vec<f64>,
    /// σ, noise standard deviation per coordinate.
    pub sigma: f64,
    /// N, the number of data rows.
    pub rows: usize,
    /// A, row-major N×D (the pulse-level layer works sample by sample).
    pub a: Vec<f64>,
    /// b = A x*.
    pub b: Vec<f64>,
    /// ‖A_n‖ per row.
    pub row_norms: Vec<f64>,
    /// Read noise s: every forward MVM sees W + s·Ξ with fresh Ξ ~ N(0, I) (aihwkit's additive
    /// constant `w_noise`), i.e. output noise s·‖A_n‖·ξ_n on sample n.
    pub read_noise: f64,
    /// The start point W₀.
    pub w0: Vec<f64>,
}

/// How to generate an `lsq` problem.
#[derive(Clone, Debug, PartialEq)]
pub struct LsqSpec {
    pub dim: usize,
    pub rows: usize,
    pub data_seed: u64,
    /// x* = xstar_scale·randn(D).
    pub xstar_scale: f64,
    /// A = a_scale·randn(N, D).
    pub a_scale: f64,
    pub sigma: f64,
    pub read_noise: f64,
    /// W₀: one value for every coordinate, or D values.
    pub w0: Vec<f64>,
}

impl LsqSpec {
    /// The paper's S2 setting (D = 40, N = 100, x* = 0.3·randn, A = randn/2) with data seed `seed`.
    pub fn paper(seed: u64, sigma: f64) -> Self {
        LsqSpec {
            dim: 40,
            rows: 100,
            data_seed: seed,
            xstar_scale: 0.3,
            a_scale: 0.5,
            sigma,
            read_noise: 0.0,
            w0: vec![0.0],
        }
    }
}

/// `lower_bound`: the Theorem 3 instance (paper App. G.2). f = (L/2)‖W − w*·1‖², started at W*,
/// noise e = ξ·1 with the two-point law ξ = +s√((1−p)/p) w.p. p, −s√(p/(1−p)) otherwise,
/// s = σ/√D and p = ½(1 − w/τ) — the noise is zero-mean with variance s² but skewed towards the
/// symmetric point, which is what makes Analog SGD's bias tight.
#[derive(Clone, Debug)]
pub struct LowerBound {
    /// D.
    pub dim: usize,
    /// L, the curvature.
    pub curvature: f64,
    /// The scalar w* (the minimiser is w*·1).
    pub wstar: f64,
    /// τ of the device, which sets the noise law.
    pub tau: f64,
    /// σ, the total noise standard deviation (E‖e‖² = σ²).
    pub sigma: f64,
}

/// A training problem.
#[derive(Clone, Debug)]
pub enum Problem {
    Quadratic(Quadratic),
    Lsq(Lsq),
    LowerBound(LowerBound),
}

/// The random numbers of one step, shared by all algorithms.
#[derive(Clone, Debug, Default)]
pub struct NoiseDraw {
    /// Standard normal draws, one per coordinate (Gaussian problems).
    pub normal: Vec<f64>,
    /// One uniform draw in [0, 1) (the lower-bound instance's two-point noise).
    pub uniform: f64,
    /// Standard normal draws, one per data row (`lsq` read noise).
    pub read: Vec<f64>,
}

impl Lsq {
    /// Generates the data from its own seed (`data_seed`), independent of the noise seed.
    pub fn generate(spec: &LsqSpec) -> Self {
        let LsqSpec { dim, rows, data_seed, xstar_scale, a_scale, sigma, read_noise, .. } = *spec;
        let mut rng = rng::stream(data_seed, Purpose::ProblemData);
        let xstar: Vec<f64> = (0..dim).map(|_| xstar_scale * normal(&mut rng)).collect();
        let a: Vec<f64> = (0..rows * dim).map(|_| a_scale * normal(&mut rng)).collect();
        let b: Vec<f64> = (0..rows).map(|r| (0..dim).map(|j| a[r * dim + j] * xstar[j]).sum()).collect();
        let n = rows as f64;
        let mut hessian = vec![0.0; dim * dim];
        for i in 0..dim {
            for j in 0..dim {
                hessian[i * dim + j] = (0..rows).map(|r| a[r * dim + i] * a[r * dim + j]).sum::<f64>() / n;
            }
        }
        let atb = (0..dim).map(|i| (0..rows).map(|r| a[r * dim + i] * b[r]).sum::<f64>() / n).collect();
        let row_norms =
            (0..rows).map(|r| a[r * dim..(r + 1) * dim].iter().map(|x| x * x).sum::<f64>().sqrt()).collect();
        let w0 = (0..dim).map(|i| *spec.w0.get(i).unwrap_or(&spec.w0[0])).collect();
        Self { dim, hessian, xstar, atb, sigma, rows, a, b, row_norms, read_noise, w0 }
    }

    /// The mean singular value of A (the paper's code sets w_noise = 0.1 / this).
    pub fn mean_singular_value(&self) -> f64 {
        let n = self.rows as f64;
        let ev = crate::sim::numeric::symmetric_eigenvalues(&self.hessian, self.dim);
        ev.iter().map(|e| (e.max(0.0) * n).sqrt()).sum::<f64>() / self.dim as f64
    }
}

fn normal(rng: &mut SimRng) -> f64 {
    StandardNormal.sample(rng)
}

impl Problem {
    /// Number of weights.
    pub fn dim(&self) -> usize {
        match self {
            Problem::Quadratic(q) => q.wstar.len(),
            Problem::Lsq(l) => l.dim,
            Problem::LowerBound(b) => b.dim,
        }
    }

    /// The minimiser W*.
    pub fn optimum(&self) -> Vec<f64> {
        match self {
            Problem::Quadratic(q) => q.wstar.clone(),
            Problem::Lsq(l) => l.xstar.clone(),
            Problem::LowerBound(b) => vec![b.wstar; b.dim],
        }
    }

    /// The default start point W₀.
    pub fn start(&self) -> Vec<f64> {
        match self {
            Problem::Quadratic(q) => q.w0.clone(),
            Problem::Lsq(l) => l.w0.clone(),
            Problem::LowerBound(b) => vec![b.wstar; b.dim],
        }
    }

    /// Writes ∇f(w) into `grad` and returns f(w) − f*. `scratch` has length `dim()`.
    #[inline]
    pub fn eval(&self, w: &[f64], scratch: &mut [f64], grad: &mut [f64]) -> f64 {
        match self {
            Problem::Quadratic(q) => {
                let mut loss = 0.0;
                for i in 0..w.len() {
                    let d = w[i] - q.wstar[i];
                    grad[i] = q.h[i] * d;
                    loss += 0.5 * d * grad[i];
                }
                loss
            }
            Problem::Lsq(l) => {
                for i in 0..l.dim {
                    scratch[i] = w[i] - l.xstar[i];
                }
                hessian_times(&l.hessian, scratch, grad)
            }
            Problem::LowerBound(b) => {
                let mut loss = 0.0;
                for i in 0..w.len() {
                    let d = w[i] - b.wstar;
                    grad[i] = b.curvature * d;
                    loss += 0.5 * d * grad[i];
                }
                loss
            }
        }
    }

    /// Draws this step's shared random numbers.
    #[inline]
    pub fn draw_noise(&self, rng: &mut SimRng, draw: &mut NoiseDraw) {
        match self {
            Problem::Quadratic(_) => {
                for x in draw.normal.iter_mut() {
                    *x = normal(rng);
                }
            }
            Problem::Lsq(l) => {
                for x in draw.normal.iter_mut() {
                    *x = normal(rng);
                }
                if l.read_noise > 0.0 {
                    for x in draw.read.iter_mut() {
                        *x = normal(rng);
                    }
                }
            }
            Problem::LowerBound(_) => draw.uniform = rng.random::<f64>(),
        }
    }

    /// Adds the noise of this step to `grad`, for an algorithm whose gradient point is `w` and
    /// which sees the noise sources `gains` lets through.
    #[inline]
    pub fn add_noise(&self, w: &[f64], draw: &NoiseDraw, gains: NoiseGains, grad: &mut [f64]) {
        match self {
            Problem::Quadratic(Quadratic { sigma, .. }) => {
                let sigma = sigma * gains.sigma;
                for (g, z) in grad.iter_mut().zip(&draw.normal) {
                    *g += sigma * z;
                }
            }
            Problem::Lsq(l) => {
                let sigma = l.sigma * gains.sigma;
                for (g, z) in grad.iter_mut().zip(&draw.normal) {
                    *g += sigma * z;
                }
                if l.read_noise > 0.0 && gains.read > 0.0 {
                    // The full-batch gradient of the noisy forward: (1/N) Σ A_n (s‖A_n‖ξ_n).
                    let n = l.rows as f64;
                    for r in 0..l.rows {
                        let coef = l.read_noise * l.row_norms[r] * draw.read[r] / n;
                        for (g, a) in grad.iter_mut().zip(&l.a[r * l.dim..(r + 1) * l.dim]) {
                            *g += coef * a;
                        }
                    }
                }
            }
            Problem::LowerBound(b) => {
                let s = b.sigma * gains.sigma / (b.dim as f64).sqrt();
                for (g, &wi) in grad.iter_mut().zip(w) {
                    *g += two_point_noise(s, wi, b.tau, draw.uniform);
                }
            }
        }
    }

    /// Allocates a noise buffer of the right shape.
    pub fn noise_buffer(&self) -> NoiseDraw {
        let rows = match self {
            Problem::Lsq(l) if l.read_noise > 0.0 => l.rows,
            _ => 0,
        };
        NoiseDraw { normal: vec![0.0; self.dim()], uniform: 0.0, read: vec![0.0; rows] }
    }
}

/// Which of a problem's noise sources reach one algorithm: each gain is 1 (on) or 0 (off).
/// Multiplying by 1 is exact, so the default changes no result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoiseGains {
    /// The gradient noise σ.
    pub sigma: f64,
    /// The read noise of `lsq`'s forward pass.
    pub read: f64,
}

impl NoiseGains {
    /// Every noise source.
    pub const ALL: NoiseGains = NoiseGains { sigma: 1.0, read: 1.0 };
}

/// The Theorem 3 two-point noise at weight `w` for the shared uniform `u`.
/// p = ½(1 − w/τ) is kept inside (0, 1) so a saturated weight gives a large but finite value.
#[inline]
pub fn two_point_noise(s: f64, w: f64, tau: f64, u: f64) -> f64 {
    let p = (0.5 * (1.0 - w / tau)).clamp(1e-12, 1.0 - 1e-12);
    if u < p {
        s * ((1.0 - p) / p).sqrt()
    } else {
        -s * (p / (1.0 - p)).sqrt()
    }
}

/// `grad = H·d` for the row-major symmetric `hessian`; returns ½ d·H·d.
///
/// On x86-64 CPUs with AVX2 the same code is compiled a second time with AVX2 enabled and chosen
/// at run time. Rust never fuses a multiply and an add, and the summation order is fixed by
/// [`dot`], so both versions (and wasm) produce bit-identical results.
#[inline]
fn hessian_times(hessian: &[f64], d: &[f64], grad: &mut [f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { hessian_times_avx2(hessian, d, grad) };
        }
    }
    hessian_times_portable(hessian, d, grad)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn hessian_times_avx2(hessian: &[f64], d: &[f64], grad: &mut [f64]) -> f64 {
    hessian_times_portable(hessian, d, grad)
}

#[inline(always)]
fn hessian_times_portable(hessian: &[f64], d: &[f64], grad: &mut [f64]) -> f64 {
    let dim = d.len();
    let mut loss = 0.0;
    for (i, row) in hessian.chunks_exact(dim).enumerate() {
        let gi = dot(row, d);
        grad[i] = gi;
        loss += 0.5 * d[i] * gi;
    }
    loss
}

#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    // Eight independent accumulators let the compiler keep several vector adds in flight; the
    // summation order is fixed, so results are identical on every platform.
    const LANES: usize = 8;
    let mut acc = [0.0f64; LANES];
    let (ca, ta) = a.split_at(a.len() / LANES * LANES);
    let (cb, tb) = b.split_at(ca.len());
    for (x, y) in ca.chunks_exact(LANES).zip(cb.chunks_exact(LANES)) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ta.iter().zip(tb) {
        tail += x * y;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsq_gradient_matches_normal_equations() {
        let p = Lsq::generate(&LsqSpec { dim: 5, rows: 12, data_seed: 3, ..LsqSpec::paper(3, 0.0) });
        let w = vec![0.1, -0.2, 0.3, 0.0, 0.5];
        let prob = Problem::Lsq(p.clone());
        let mut scratch = vec![0.0; 5];
        let mut g = vec![0.0; 5];
        let loss = prob.eval(&w, &mut scratch, &mut g);
        for i in 0..5 {
            let hw: f64 = (0..5).map(|j| p.hessian[i * 5 + j] * w[j]).sum();
            assert!((g[i] - (hw - p.atb[i])).abs() < 1e-12);
        }
        assert!(loss > 0.0);
        assert_eq!(prob.eval(&p.xstar, &mut scratch, &mut g), 0.0);
    }

    #[test]
    fn dispatched_matvec_is_bit_identical_to_the_portable_one() {
        // The AVX2 build (picked at run time) must equal what wasm computes.
        for dim in [1, 7, 8, 40, 61] {
            let p = Lsq::generate(&LsqSpec { dim, rows: 50, ..LsqSpec::paper(dim as u64, 0.0) });
            let d: Vec<f64> = (0..dim).map(|i| ((i * 37 % 11) as f64 - 5.0) / 7.0).collect();
            let (mut g1, mut g2) = (vec![0.0; dim], vec![0.0; dim]);
            let l1 = hessian_times(&p.hessian, &d, &mut g1);
            let l2 = hessian_times_portable(&p.hessian, &d, &mut g2);
            assert_eq!(l1.to_bits(), l2.to_bits());
            assert!(g1.iter().zip(&g2).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    #[test]
    fn two_point_noise_is_zero_mean_unit_variance() {
        let (s, w, tau) = (0.3, 0.4, 1.0);
        let p = 0.5 * (1.0 - w / tau);
        let up = two_point_noise(s, w, tau, 0.0);
        let down = two_point_noise(s, w, tau, 0.999);
        assert!((p * up + (1.0 - p) * down).abs() < 1e-15);
        assert!((p * up * up + (1.0 - p) * down * down - s * s).abs() < 1e-15);
    }
}
