//! 2×2 max-pooling of a convolution's tanh map, computed before the tanh.
//!
//! The CNN pools tanh(z): per window the first maximum of the tanh values (NaN never wins; a
//! window of NaNs gives −∞ at its first patch). tanh is non-decreasing, so that maximum is almost
//! always tanh of the window's largest z, and only the pooled values need a tanh — a quarter of
//! them. Almost: rounding makes tanh merely non-decreasing in floating point (equal values for
//! close z, ±1 exactly when saturated), and equal tanh values go to the *first* patch. So a
//! window whose runner-up z is within a safe margin of its largest takes the tanh of all four and
//! decides as before: the winner and its value are those of pooling the tanh map, bit for bit.

/// Per window: the z of its winner (to be passed through tanh) and the winner's patch. Windows
/// of NaNs are listed in `all_nan` (their pooled value is −∞, not a tanh); `doubts` is scratch.
/// Inlined, so it is compiled for the caller's vector width; each window is straight-line code,
/// and the rare window in doubt is decided afterwards by the tanh of its four values.
#[inline(always)]
pub(super) fn pool_before_tanh(
    z: &[f64],
    c_out: usize,
    side_out: usize,
    pooled: &mut [f64],
    arg: &mut [u32],
    all_nan: &mut Vec<usize>,
    doubts: &mut Vec<usize>,
) {
    let (so, sp) = (side_out, side_out / 2);
    all_nan.clear();
    doubts.clear();
    for c in 0..c_out {
        let map = &z[c * so * so..][..so * so];
        for py in 0..sp {
            let (top, bottom) = (&map[2 * py * so..][..so], &map[(2 * py + 1) * so..][..so]);
            let row = c * sp * sp + py * sp;
            for px in 0..sp {
                let window = [top[2 * px], top[2 * px + 1], bottom[2 * px], bottom[2 * px + 1]];
                let (j, doubt) = decide(&window);
                pooled[row + px] = window[j];
                arg[row + px] = ((2 * py + j / 2) * so + 2 * px + j % 2) as u32;
                if doubt {
                    doubts.push(row + px);
                }
            }
        }
    }
    for &q in doubts.iter() {
        let (c, py, px) = (q / (sp * sp), q % (sp * sp) / sp, q % sp);
        let at = |k: usize| (2 * py + k / 2) * so + 2 * px + k % 2;
        let map = &z[c * so * so..][..so * so];
        let window = [map[at(0)], map[at(1)], map[at(2)], map[at(3)]];
        let winner = if window.iter().all(|v| v.is_nan()) {
            all_nan.push(q);
            0
        } else {
            first_max_of_tanh(&window)
        };
        pooled[q] = window[winner];
        arg[q] = at(winner) as u32;
    }
}

/// A window's first largest non-NaN value, and whether the choice is in doubt: a window of
/// NaNs, or a smaller value whose tanh might equal (or, through rounding, exceed) the largest's.
/// For z_i < z_j with |z| ≤ M, tanh(z_j) − tanh(z_i) ≥ (z_j − z_i)·e^−2M (sech² ≥ e^−2M), so
/// z_j − z_i > 10⁻¹²·e^2M keeps the two tanh values hundreds of ulps of 1 apart — far beyond
/// libm's error. An equal value has an equal tanh, and the first of them wins either way.
#[inline(always)]
fn decide(v: &[f64; 4]) -> (usize, bool) {
    let (mut j, mut m, mut found) = (0, v[0], !v[0].is_nan());
    for (i, &x) in v.iter().enumerate().skip(1) {
        let take = !x.is_nan() && (!found || x > m);
        j = if take { i } else { j };
        m = if take { x } else { m };
        found |= take;
    }
    // M (NaNs left out: their comparison is false).
    let mut big = 0.0f64;
    for x in v {
        big = if x.abs() > big { x.abs() } else { big };
    }
    // ⌊M⌋ + 1 ≥ M: the margin of a slightly larger M, which is only safer.
    let margin = if big < 20.0 { MARGINS[big as usize + 1] } else { f64::INFINITY };
    let mut doubt = !found;
    for &x in v {
        // False for m − x NaN (two infinities): in doubt.
        let apart = m - x > margin;
        doubt |= !x.is_nan() && x != m && !apart;
    }
    (j, doubt)
}

/// The pooling of the tanh map itself: the first index of the largest tanh (a window with a
/// non-NaN value).
fn first_max_of_tanh(v: &[f64; 4]) -> usize {
    let mut best = (f64::NEG_INFINITY, 0);
    for (i, &x) in v.iter().enumerate() {
        let t = libm::tanh(x);
        if t > best.0 {
            best = (t, i);
        }
    }
    best.1
}

/// 10⁻¹²·e^2k for k = 0..=20.
const MARGINS: [f64; 21] = {
    let mut m = [0.0; 21];
    // e² to 17 digits; the products stay within a few ulps of e^2k, far inside the slack.
    const E2: f64 = 7.389_056_098_930_65;
    let mut k = 0;
    let mut v = 1e-12;
    while k < 21 {
        m[k] = v;
        v *= E2;
        k += 1;
    }
    m
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{self, Purpose};
    use rand::Rng;

    /// The pooling of the tanh map, as the CNN did it before.
    fn pool_of_tanh(z: &[f64], c_out: usize, side_out: usize) -> (Vec<f64>, Vec<u32>) {
        let sp = side_out / 2;
        let (mut pooled, mut arg) = (vec![0.0; c_out * sp * sp], vec![0u32; c_out * sp * sp]);
        for c in 0..c_out {
            for py in 0..sp {
                for px in 0..sp {
                    let mut best = (f64::NEG_INFINITY, 0);
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let p = (2 * py + dy) * side_out + 2 * px + dx;
                        let v = libm::tanh(z[c * side_out * side_out + p]);
                        if v > best.0 {
                            best = (v, p);
                        }
                    }
                    let q = c * sp * sp + py * sp + px;
                    (pooled[q], arg[q]) = (best.0, best.1 as u32);
                }
            }
        }
        (pooled, arg)
    }

    #[test]
    fn pooling_before_tanh_is_pooling_the_tanh_map_bit_for_bit() {
        let mut rng = rng::stream(5, Purpose::Pulses);
        let (c_out, side) = (3, 8);
        let n = c_out * side * side;
        let special = [0.0, -0.0, 1e-300, -1e-300, 19.0, 19.1, 25.0, -25.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        let mut windows_checked = 0;
        for round in 0..20_000 {
            // Values of every scale, with near-ties and repeats planted.
            let scale = [1e-3, 0.3, 1.0, 4.0, 12.0, 30.0][round % 6];
            let mut z: Vec<f64> = (0..n).map(|_| scale * (2.0 * rng.random::<f64>() - 1.0)).collect();
            for _ in 0..n / 4 {
                let (i, k) = (rng.random_range(0..n), rng.random_range(0..n));
                z[i] = match rng.random_range(0..4) {
                    0 => z[k],
                    1 => f64::from_bits(z[k].to_bits().wrapping_add(rng.random_range(1..4096))),
                    2 => z[k] - rng.random::<f64>() * 1e-9,
                    _ => special[rng.random_range(0..special.len())],
                };
            }
            let (want, want_arg) = pool_of_tanh(&z, c_out, side);
            let sp2 = (side / 2) * (side / 2);
            let (mut pooled, mut arg) = (vec![0.0; c_out * sp2], vec![0u32; c_out * sp2]);
            let (mut all_nan, mut doubts) = (Vec::new(), Vec::new());
            pool_before_tanh(&z, c_out, side, &mut pooled, &mut arg, &mut all_nan, &mut doubts);
            for v in pooled.iter_mut() {
                *v = libm::tanh(*v);
            }
            for &q in &all_nan {
                pooled[q] = f64::NEG_INFINITY;
            }
            for q in 0..want.len() {
                assert_eq!(arg[q], want_arg[q], "window {q} of {z:?}");
                assert_eq!(pooled[q].to_bits(), want[q].to_bits(), "window {q} of {z:?}");
            }
            windows_checked += want.len();
        }
        assert_eq!(windows_checked, 20_000 * 48);
    }

    #[test]
    fn margins_grow_as_e_to_the_2k() {
        for k in 0..21 {
            let exact = 1e-12 * (2.0 * k as f64).exp();
            assert!((MARGINS[k] / exact - 1.0).abs() < 1e-12, "k={k}");
        }
    }
}
