//! The numeric kernels of the network layers: the ordered, register-blocked sums, the sparse
//! term lists that feed them, the transpose for the backward pass and the small activations.
//! Every sum runs in a fixed order, so results are the same on every platform.

/// The widest register block of the sums (outputs held in registers across all terms), per
/// build: what fits the vector registers without spilling.
pub(super) const PORTABLE: usize = 32;
#[cfg(target_arch = "x86_64")]
pub(super) const AVX2: usize = 32;
#[cfg(target_arch = "x86_64")]
pub(super) const AVX512: usize = 128;

/// `by_width!(self: Net => pass(a: A, b: B) -> R)` calls the method `pass::<WIDE>(a, b)` compiled
/// for the widest vector unit of the CPU: the portable code, and on x86-64 the same code for
/// AVX2 and for AVX-512 (chosen at run time). Lane-wise IEEE operations give the same bits at
/// every width (no fused multiply-add), so only the speed differs. `pass` must be
/// `#[inline(always)]`, so that it is compiled inside each width's function.
#[cfg(target_arch = "x86_64")]
macro_rules! by_width {
    ($recv:ident: $t:ty => $pass:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {{
        #[target_feature(enable = "avx512f")]
        unsafe fn avx512(this: &mut $t, $($arg: $ty),*) -> $ret {
            this.$pass::<{ $crate::sim::network::kernels::AVX512 }>($($arg),*)
        }
        #[target_feature(enable = "avx2")]
        unsafe fn avx2(this: &mut $t, $($arg: $ty),*) -> $ret {
            this.$pass::<{ $crate::sim::network::kernels::AVX2 }>($($arg),*)
        }
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F, checked just above.
            unsafe { avx512($recv, $($arg),*) }
        } else if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { avx2($recv, $($arg),*) }
        } else {
            $recv.$pass::<{ $crate::sim::network::kernels::PORTABLE }>($($arg),*)
        }
    }};
}
#[cfg(not(target_arch = "x86_64"))]
macro_rules! by_width {
    ($recv:ident: $t:ty => $pass:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        $recv.$pass::<{ $crate::sim::network::kernels::PORTABLE }>($($arg),*)
    };
}
pub(super) use by_width;

#[inline]
pub(super) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-z))
}

pub(super) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// `out[j] += Σ a·rows[k·stride + j]` over the terms (k, a) in order. Each element is summed
/// exactly as by the plain loop; a block of outputs stays in vector registers for the whole sum
/// instead of going through memory once per term (widths 32 and 10 run as 32 and 8 + 2). Blocks
/// are at most `WIDE` outputs (at least 32): the width the target's registers hold. Inlined
/// natively, where each caller is compiled per vector width; one copy in wasm, whose features are
/// the module's (inlined at every call site it cost ~40 KiB of the module).
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub(super) fn accumulate<const WIDE: usize>(out: &mut [f64], terms: &[(usize, f64)], rows: &[f64], stride: usize) {
    let mut j0 = 0;
    if WIDE >= 128 {
        j0 = accumulate_blocks::<128>(out, j0, terms, rows, stride);
    }
    if WIDE >= 64 {
        j0 = accumulate_blocks::<64>(out, j0, terms, rows, stride);
    }
    let j0 = accumulate_blocks::<32>(out, j0, terms, rows, stride);
    let j0 = accumulate_blocks::<16>(out, j0, terms, rows, stride);
    let j0 = accumulate_blocks::<8>(out, j0, terms, rows, stride);
    let j0 = accumulate_blocks::<4>(out, j0, terms, rows, stride);
    let j0 = accumulate_blocks::<2>(out, j0, terms, rows, stride);
    accumulate_blocks::<1>(out, j0, terms, rows, stride);
}

/// [`accumulate`] for the outputs from `j0` on, in blocks of `N` while they fit; returns where
/// it stopped.
#[inline(always)]
pub(super) fn accumulate_blocks<const N: usize>(
    out: &mut [f64],
    mut j0: usize,
    terms: &[(usize, f64)],
    rows: &[f64],
    stride: usize,
) -> usize {
    while j0 + N <= out.len() {
        let mut acc: [f64; N] = out[j0..j0 + N].try_into().expect("a block");
        for &(k, a) in terms {
            for (s, r) in acc.iter_mut().zip(&rows[k * stride + j0..][..N]) {
                *s += a * r;
            }
        }
        out[j0..j0 + N].copy_from_slice(&acc);
        j0 += N;
    }
    j0
}

/// `out` (R × N) = `x` (R × K) · `m` (K × N), row by row, each element summed over k in order
/// from +0 as [`accumulate`] sums it for that row alone (so the bits are those of one MVM per
/// row: a zero input adds ±0 to a finite sum, which leaves it as it was). Blocks of 4 rows share
/// each load of m's row k; blocks of outputs stay in registers (4 × 32 or 4 × 16 with AVX-512,
/// 4 × 8 otherwise); a block of 4 rows that are mostly zero goes row by row instead (see
/// [`nonzero_and_used`]). Inlined natively like [`accumulate`].
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub(super) fn product_rows<const WIDE: usize>(
    x: &[f64],
    k: usize,
    m: &[f64],
    out: &mut [f64],
    terms: &mut Vec<(usize, f64)>,
) {
    let n = m.len() / k.max(1);
    let rows = out.len() / n.max(1);
    let mut r0 = 0;
    while r0 + 4 <= rows {
        let block = &x[r0 * k..][..4 * k];
        let (nonzero, used) = nonzero_and_used(block, k);
        if nonzero < 3 * used {
            // Few of each k's 4 inputs are nonzero (errors behind a max-pooling): row by row,
            // over each row's nonzero inputs only, in the same sums.
            for r in r0..r0 + 4 {
                product_row::<WIDE>(&x[r * k..][..k], m, &mut out[r * n..][..n], terms);
            }
            r0 += 4;
            continue;
        }
        let (x0, rest) = block.split_at(k);
        let (x1, rest) = rest.split_at(k);
        let (x2, x3) = rest.split_at(k);
        let lines = |kk: usize| [x0[kk], x1[kk], x2[kk], x3[kk]];
        let out = &mut out[r0 * n..][..4 * n];
        // Every k used (the tanh inputs of a hidden layer): no test per k for a k to skip.
        if used == k {
            product_4::<WIDE, false>(k, lines, m, out);
        } else {
            product_4::<WIDE, true>(k, lines, m, out);
        }
        r0 += 4;
    }
    for r in r0..rows {
        product_row::<WIDE>(&x[r * k..][..k], m, &mut out[r * n..][..n], terms);
    }
}

/// `row` (N) = `x_row` (K) · `m` (K × N), summed over the nonzero inputs only.
#[inline(always)]
fn product_row<const WIDE: usize>(x_row: &[f64], m: &[f64], row: &mut [f64], terms: &mut Vec<(usize, f64)>) {
    row.fill(0.0);
    let t = terms_of(x_row.iter().copied(), true, terms);
    accumulate::<WIDE>(row, t, m, row.len());
}

/// Of the 4 rows of `x` (4 × `k`): the nonzero inputs, and the k that any row uses. With fewer
/// than 3 nonzero inputs per used k, summing each row over its own nonzero inputs costs less
/// than the blocked product, which does all 4 rows' work for every used k.
#[inline(always)]
fn nonzero_and_used(x: &[f64], k: usize) -> (usize, usize) {
    let (mut nonzero, mut used) = (0, 0);
    for kk in 0..k {
        let count = (0..4).map(|r| usize::from(x[r * k + kk] != 0.0)).sum::<usize>();
        nonzero += count;
        used += usize::from(count > 0);
    }
    (nonzero, used)
}

/// `out` (4 × N) = the 4 rows whose k-th elements `lines(k)` gives (k < `len`) · `m` (K × N),
/// summed as [`product_rows`] sums. With `lines(n)` = X[n, i..i + 4] this is 4 rows of a batch
/// gradient Xᵀ·D.
#[inline(always)]
pub(super) fn product_4<const WIDE: usize, const SKIP: bool>(
    len: usize,
    lines: impl Fn(usize) -> [f64; 4],
    m: &[f64],
    out: &mut [f64],
) {
    let mut j0 = 0;
    if WIDE >= 128 {
        j0 = product_block::<32, SKIP>(len, &lines, m, out, j0);
        j0 = product_block::<16, SKIP>(len, &lines, m, out, j0);
    }
    let j0 = product_block::<8, SKIP>(len, &lines, m, out, j0);
    let j0 = product_block::<4, SKIP>(len, &lines, m, out, j0);
    let j0 = product_block::<2, SKIP>(len, &lines, m, out, j0);
    product_block::<1, SKIP>(len, &lines, m, out, j0);
}

/// [`product_4`] for the outputs from `j0` on, in blocks of `N` while they fit; returns where it
/// stopped. With `SKIP`, a k whose 4 inputs are all zero is skipped. (Four named accumulators:
/// an array of them is not kept in registers.)
#[inline(always)]
fn product_block<const N: usize, const SKIP: bool>(
    len: usize,
    lines: &impl Fn(usize) -> [f64; 4],
    m: &[f64],
    out: &mut [f64],
    mut j0: usize,
) -> usize {
    let n = out.len() / 4;
    while j0 + N <= n {
        let (mut a0, mut a1, mut a2, mut a3) = ([0.0f64; N], [0.0f64; N], [0.0f64; N], [0.0f64; N]);
        for kk in 0..len {
            let [v0, v1, v2, v3] = lines(kk);
            if SKIP && v0 == 0.0 && v1 == 0.0 && v2 == 0.0 && v3 == 0.0 {
                continue;
            }
            let m_row: &[f64; N] = m[kk * n + j0..][..N].try_into().expect("a block");
            for j in 0..N {
                a0[j] += v0 * m_row[j];
                a1[j] += v1 * m_row[j];
                a2[j] += v2 * m_row[j];
                a3[j] += v3 * m_row[j];
            }
        }
        for (r, a) in [a0, a1, a2, a3].iter().enumerate() {
            out[r * n + j0..][..N].copy_from_slice(a);
        }
        j0 += N;
    }
    j0
}

/// The terms (k, vₖ) of `values`, in order, keeping only vₖ ≠ 0 when `skip_zeros` (without a
/// branch per value: digit pixels are zero in no predictable pattern). `terms` is scratch that
/// only grows, so it is not cleared and refilled on every call.
#[inline(always)]
pub(super) fn terms_of(
    values: impl ExactSizeIterator<Item = f64>,
    skip_zeros: bool,
    terms: &mut Vec<(usize, f64)>,
) -> &[(usize, f64)] {
    if terms.len() < values.len() {
        terms.resize(values.len(), (0, 0.0));
    }
    let mut count = 0;
    for (k, v) in values.enumerate() {
        terms[count] = (k, v);
        count += usize::from(!skip_zeros || v != 0.0);
    }
    &terms[..count]
}

/// log-softmax of `z` in place; returns nothing (z becomes log-probabilities).
pub(super) fn log_softmax(z: &mut [f64]) {
    let m = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let lse = m + libm::log(z.iter().map(|v| libm::exp(v - m)).sum::<f64>());
    for v in z.iter_mut() {
        *v -= lse;
    }
}

/// `wt` (O × I) = `w` (I × O) transposed, in 8×8 tiles held in registers (a plain loop writes
/// with a stride of I values and misses on every element; a tile lets the compiler use vector
/// shuffles). Inlined, so it is compiled for the caller's vector width.
#[inline(always)]
pub(super) fn transpose(w: &[f64], wt: &mut [f64], ins: usize, outs: usize) {
    const T: usize = 8;
    let (i_end, j_end) = (ins - ins % T, outs - outs % T);
    for i0 in (0..i_end).step_by(T) {
        for j0 in (0..j_end).step_by(T) {
            let mut tile = [[0.0f64; T]; T];
            for (a, row) in tile.iter_mut().enumerate() {
                row.copy_from_slice(&w[(i0 + a) * outs + j0..][..T]);
            }
            for b in 0..T {
                let dst = &mut wt[(j0 + b) * ins + i0..][..T];
                for (a, v) in dst.iter_mut().enumerate() {
                    *v = tile[a][b];
                }
            }
        }
    }
    // The edges (a width not a multiple of 8, like the 10 outputs), element by element.
    for i in 0..ins {
        let j_start = if i < i_end { j_end } else { 0 };
        for j in j_start..outs {
            wt[j * ins + i] = w[i * outs + j];
        }
    }
}

/// Whether every value is finite (without an exit per value, so the check vectorises).
pub(super) fn all_finite(v: &[f64]) -> bool {
    v.iter().fold(true, |ok, x| ok & x.is_finite())
}

/// The class with the largest log-probability (the first on ties).
pub(super) fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (j, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = j;
        }
    }
    best
}

/// `libm::tanh` of every value, bit for bit, in a form the compiler vectorises: FreeBSD's tanh
/// and expm1 (as the `libm` crate ports them) with every branch computed lane-wise and the
/// result selected, one division per branch set. A CNN evaluates ~11,000 per image.
#[inline(always)]
pub(super) fn tanh_all(v: &mut [f64]) {
    for x in v.iter_mut() {
        *x = tanh_lane(*x);
    }
}

/// [`tanh_all`] of one value: straight-line code, libm's branches evaluated and selected.
#[inline(always)]
fn tanh_lane(x: f64) -> f64 {
    let bits = x.to_bits();
    let ax = f64::from_bits(bits & !(1u64 << 63));
    let w = (bits >> 32) as u32 & 0x7fff_ffff;
    // |x| > 20 or NaN: 1 − 0/|x|; |x| > ln(3)/2: 1 − 2/(e + 2) with e = expm1(2|x|);
    // |x| > ln(5/3)/2: e/(e + 2); |x| ≥ 2⁻¹⁰²²: −e/(e + 2) with e = expm1(−2|x|); else |x|.
    let huge = w > 0x4034_0000;
    let large = w > 0x3fe1_93ea;
    let big = w > 0x3fd0_58ae;
    let em = expm1_lane(if big { 2.0 * ax } else { -2.0 * ax });
    let (num, den) = if huge {
        (0.0, ax)
    } else if large {
        (2.0, em + 2.0)
    } else if big {
        (em, em + 2.0)
    } else {
        (-em, em + 2.0)
    };
    let q = num / den;
    let t = if w < 0x0010_0000 {
        ax
    } else if large {
        1.0 - q
    } else {
        q
    };
    f64::from_bits(t.to_bits() ^ (bits & (1u64 << 63)))
}

/// libm's expm1 for −0.52 < x ≤ 40 (what [`tanh_lane`] uses; other lanes get values that are
/// not selected), every branch selected.
#[inline(always)]
fn expm1_lane(x0: f64) -> f64 {
    // libm's constants, by their bits (as its source gives them).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const INVLN2: f64 = f64::from_bits(0x3ff7_1547_652b_82fe);
    const Q1: f64 = f64::from_bits(0xbfa1_1111_1111_10f4);
    const Q2: f64 = f64::from_bits(0x3f5a_01a0_19fe_5585);
    const Q3: f64 = f64::from_bits(0xbf14_ce19_9eaa_dbb7);
    const Q4: f64 = f64::from_bits(0x3ed0_cfca_86e6_5239);
    const Q5: f64 = f64::from_bits(0xbe8a_fdb7_6e09_c32d);
    let hx = (x0.to_bits() >> 32) as u32 & 0x7fff_ffff;
    let negative = x0 < 0.0;
    // Argument reduction: x0 = k·ln2 + x + c.
    let reduce = hx > 0x3fd6_2e42;
    let near = hx < 0x3ff0_a2b2;
    // libm truncates with `as i32`; the saturating cast does not vectorise, so the value is
    // bounded first (a lane outside ±2000 is not selected) and converted unchecked.
    let kv = INVLN2 * x0 + if negative { -0.5 } else { 0.5 };
    let kv = if kv.is_nan() { 0.0 } else { kv.clamp(-2000.0, 2000.0) };
    // SAFETY: kv is finite and within i32's range.
    let kf: i32 = unsafe { kv.to_int_unchecked() };
    let k = if !reduce {
        0
    } else if near {
        if negative {
            -1
        } else {
            1
        }
    } else {
        kf
    };
    let (hi, lo) = if near {
        if negative {
            (x0 + LN2_HI, -LN2_LO)
        } else {
            (x0 - LN2_HI, LN2_LO)
        }
    } else {
        let t = kf as f64;
        (x0 - t * LN2_HI, t * LN2_LO)
    };
    let reduced = hi - lo;
    let c = if reduce { (hi - reduced) - lo } else { 0.0 };
    let x = if reduce { reduced } else { x0 };
    let hfx = 0.5 * x;
    let hxs = x * hfx;
    let r1 = 1.0 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
    let t = 3.0 - r1 * hfx;
    let e0 = hxs * ((r1 - t) / (6.0 - x * t));
    let at_zero = x - (x * e0 - hxs);
    let e = x * (e0 - c) - c - hxs;
    let at_minus_one = 0.5 * (x - e) - 0.5;
    let at_one = if x < -0.25 { -2.0 * (e - (x + 0.5)) } else { 1.0 + 2.0 * (x - e) };
    // 2^k and 2^−k (k ≤ 58 here), their exponent fields clamped so no lane builds garbage.
    let twopk = f64::from_bits(((0x3ff + k.clamp(-1022, 1023)) as u64) << 52);
    let twomk = f64::from_bits(((0x3ff - k.clamp(-1022, 1023)) as u64) << 52);
    let far = (x - e + 1.0) * twopk - 1.0;
    let low = (x - e + (1.0 - twomk)) * twopk;
    let high = (x - (e + twomk) + 1.0) * twopk;
    if hx < 0x3c90_0000 {
        x0
    } else if k == 0 {
        at_zero
    } else if k == -1 {
        at_minus_one
    } else if k == 1 {
        at_one
    } else if !(0..=56).contains(&k) {
        far
    } else if k < 20 {
        low
    } else {
        high
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{self, Purpose};
    use rand::Rng;

    /// `product_rows` gives every row the bits of one `accumulate` over its nonzero inputs,
    /// whichever way a block of 4 rows goes: the blocked product (dense blocks) or row by row
    /// (blocks where few of each k's inputs are nonzero, as behind a max-pooling). The blocks'
    /// densities run from all zero to full, with ±0 among the inputs.
    #[test]
    fn product_rows_sums_every_row_as_one_accumulate() {
        let mut rng = rng::stream(5, Purpose::GradientNoise);
        let (k, n) = (37, 45);
        let m: Vec<f64> = (0..k * n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let mut ways = [0usize; 3];
        for density in [0.0, 0.05, 0.25, 0.5, 0.75, 0.9, 1.0] {
            let rows = 4 * 6 + 3;
            // Below full density, every 9th k is zero in every row: a k the blocked product skips.
            let x: Vec<f64> = (0..rows * k)
                .map(|i| match rng.random::<f64>() {
                    _ if density < 1.0 && i % k % 9 == 4 => 0.0,
                    u if u < density => rng.random_range(-2.0..2.0),
                    u if u < (1.0 + density) / 2.0 => -0.0,
                    _ => 0.0,
                })
                .collect();
            for block in x.chunks_exact(4 * k) {
                let (nonzero, used) = nonzero_and_used(block, k);
                // Row by row, blocked with a test per k, blocked without.
                ways[if nonzero < 3 * used {
                    0
                } else if used < k {
                    1
                } else {
                    2
                }] += 1;
            }
            let mut out = vec![f64::NAN; rows * n];
            let mut terms = Vec::new();
            product_rows::<32>(&x, k, &m, &mut out, &mut terms);
            for r in 0..rows {
                let mut want = vec![0.0; n];
                let t = terms_of(x[r * k..][..k].iter().copied(), true, &mut terms);
                accumulate::<32>(&mut want, t, &m, n);
                let got = &out[r * n..][..n];
                assert!(
                    want.iter().zip(got).all(|(a, b)| a.to_bits() == b.to_bits()),
                    "density {density}, row {r}: {got:?} != {want:?}"
                );
            }
        }
        assert!(ways.iter().all(|&w| w > 0), "every way was taken: {ways:?}");
    }

    /// The lane-wise tanh is libm's, bit for bit: on random values over every branch's range (the
    /// magnitudes log-uniform from 2⁻¹⁰³⁰ to 2⁶), at and beside each threshold, and the specials.
    #[test]
    fn tanh_all_is_libm_tanh_bit_for_bit() {
        let mut rng = rng::stream(7, Purpose::GradientNoise);
        let mut values: Vec<f64> = (0..2_000_000)
            .map(|_| {
                let magnitude = libm::exp2(rng.random_range(-1030.0..6.0));
                if rng.random::<bool>() {
                    -magnitude
                } else {
                    magnitude
                }
            })
            .collect();
        values.extend((0..200_000).map(|_| rng.random_range(-25.0..25.0)));
        // The high words where a branch changes, with neighbours on both sides.
        for hw in
            [0x0010_0000u64, 0x3c90_0000, 0x3fd0_58ae, 0x3fd6_2e42, 0x3fe1_93ea, 0x3ff0_a2b2, 0x4034_0000, 0x4043_687a]
        {
            for low in [0u64, 1, 0xffff_ffff] {
                for delta in [-1i64, 0, 1] {
                    let bits = (((hw as i64 + delta) as u64) << 32) | low;
                    values.extend([f64::from_bits(bits), -f64::from_bits(bits)]);
                }
            }
        }
        values.extend([
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
            20.0,
            0.25,
            0.5,
        ]);
        let mut lanes = values.clone();
        tanh_all(&mut lanes);
        for (x, y) in values.iter().zip(&lanes) {
            let want = libm::tanh(*x);
            assert!(
                want.to_bits() == y.to_bits() || (want.is_nan() && y.is_nan()),
                "tanh({x:e}): {y:e}, libm {want:e}"
            );
        }
    }
}
