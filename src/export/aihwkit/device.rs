//! Our device keys as an aihwkit device, every field spelled out.
//!
//! Two aihwkit conventions differ from ours and are mapped exactly:
//!
//! * `up_down`: aihwkit shrinks one direction only (c > 0: up steps dw_min, down dw_min·(1 − c)),
//!   ours scales both (up × (1 + c), down × (1 − c)). With m = 1 + |c| we set aihwkit's
//!   dw_min = m·dw_min and up_down = 2c/m, which gives exactly our two step sizes.
//! * Update management divides by the device's *weight granularity* (dw_min, or dw_min·0.5^γ for
//!   the power step, the step at w = 0 for the exponential step), ours by dw_min. Scaling the
//!   tile's learning rate by `lr_scale` = granularity/dw_min makes k = lr·max|x|·max|d|/granularity
//!   equal to ours, so pulse-train lengths, firing probabilities and step sizes all match.

use crate::sim::scenario::{fmt_f64, py, DeviceKind, Scenario};

/// The device part of a script.
pub struct DeviceMap {
    /// `def device(): ...` (Python).
    pub code: String,
    /// The tile learning-rate factor that makes aihwkit's pulse counts ours (1 for ideal).
    pub lr_scale: f64,
    /// Whether the device is pulsed (false: the ideal device, exact floating point).
    pub pulsed: bool,
    /// The nominal weight range, for clipping initial weights.
    pub range: Option<(f64, f64)>,
}

/// The aihwkit device of `s` (the pulse keys dw_min and c2c are read even when `pulses=0`, whose
/// closest aihwkit counterpart is pulse level with the default pulse keys).
pub fn device_map(s: &Scenario) -> DeviceMap {
    if s.device == DeviceKind::Ideal {
        return DeviceMap {
            code: "\n\ndef device():\n    \"\"\"The ideal device: no pulsed device (FloatingPointRPUConfig).\"\"\"\n    return None\n"
                .into(),
            lr_scale: 1.0,
            pulsed: false,
            range: None,
        };
    }
    let c = s.up_down;
    let m = 1.0 + c.abs();
    let dw = m * s.dw_min;
    let up_down = 2.0 * c / m;
    // aihwkit's one-sided biases of the step sizes (as in its device construction).
    let down_bias = if up_down > 0.0 { -up_down } else { 0.0 };
    // c2c_mult: the form of the cycle-to-cycle noise (the exp and pow steps have only theirs).
    let mult_noise = if s.c2c_mult == 1 { "True" } else { "False" }.to_string();
    let (class, w_max, w_min, mut extra, granularity, doc): (&str, f64, f64, Vec<(&str, String)>, f64, String) = match s
        .device
    {
        DeviceKind::Ald => (
            "SoftBoundsReferenceDevice",
            s.tau,
            -s.tau,
            vec![
                ("mult_noise", mult_noise.clone()),
                ("slope_up_dtod", "0.0".into()),
                ("slope_down_dtod", "0.0".into()),
                // The reference r is added before the soft-bounds step: g = w + r with
                // r = −sp makes the steps depend on w − sp, our symmetric-point offset.
                ("reference_mean", py(0.0 - s.sp)),
                ("reference_std", "0.0".into()),
                ("subtract_symmetry_point", "False".into()),
            ],
            dw,
            format!(
                "Our ald (tau={}, sp={}): soft bounds at sp +- tau, q+ = 1 - (w - sp)/tau, q- = 1 + (w - sp)/tau.",
                fmt_f64(s.tau),
                fmt_f64(s.sp)
            ),
        ),
        DeviceKind::SoftBounds => (
            "SoftBoundsDevice",
            s.tau_max,
            s.tau_min,
            vec![
                ("mult_noise", mult_noise.clone()),
                ("reverse_up", "False".into()),
                ("reverse_down", "False".into()),
                ("reverse_offset", "0.0".into()),
            ],
            dw,
            format!(
                "Our softbounds (tau_max={}, tau_min={}): q+ = 1 - w/tau_max, q- = 1 - w/tau_min.",
                fmt_f64(s.tau_max),
                fmt_f64(s.tau_min)
            ),
        ),
        DeviceKind::Pow => {
            // γ_up = (1 + up_bias)·pow_gamma, γ_down = (1 + down_bias)·pow_gamma, the biases
            // from pow_up_down as for up_down: the larger exponent is pow_gamma.
            let (g, pud) = if s.g_up >= s.g_down {
                (s.g_up, 1.0 - s.g_down / s.g_up)
            } else {
                (s.g_down, s.g_up / s.g_down - 1.0)
            };
            (
                    "PowStepDevice",
                    s.tau_max,
                    s.tau_min,
                    vec![
                        ("pow_gamma", py(g)),
                        ("pow_gamma_dtod", "0.0".into()),
                        ("pow_up_down", py(pud)),
                        ("pow_up_down_dtod", "0.0".into()),
                    ],
                    dw * libm::pow(0.5, g),
                    format!(
                        "Our pow (tau_max={}, tau_min={}, g_up={}, g_down={}): q+ = ((tau_max - w)/R)^g_up,\n    q- = ((w - tau_min)/R)^g_down, R = tau_max - tau_min.",
                        fmt_f64(s.tau_max),
                        fmt_f64(s.tau_min),
                        fmt_f64(s.g_up),
                        fmt_f64(s.g_down)
                    ),
                )
        }
        DeviceKind::Exp | DeviceKind::Ideal => {
            // With a = 1/2, b = 0: z = w/R, and A_up·exp(γ⁺z) = exp(−γ⁺(τ_max − w)/R),
            // A_down·exp(−γ⁻z) = exp(−γ⁻(w − τ_min)/R), our q± = 1 − those.
            let r = s.tau_max - s.tau_min;
            let a_up = libm::exp(-s.g_up * s.tau_max / r);
            let a_down = libm::exp(s.g_down * s.tau_min / r);
            // aihwkit's granularity: the down step at w = 0 (it averages the down step with
            // itself).
            let g = dw * (1.0 + down_bias) * (1.0 - a_down).max(0.0);
            (
                    "ExpStepDevice",
                    s.tau_max,
                    s.tau_min,
                    vec![
                        ("A_up", py(a_up)),
                        ("A_down", py(a_down)),
                        ("gamma_up", py(s.g_up)),
                        ("gamma_down", py(s.g_down)),
                        ("a", "0.5".into()),
                        ("b", "0.0".into()),
                        ("dw_min_std_add", "0.0".into()),
                        ("dw_min_std_slope", "0.0".into()),
                    ],
                    if g > 0.0 { g } else { dw },
                    format!(
                        "Our exp (tau_max={}, tau_min={}, g_up={}, g_down={}): q+ = 1 - exp(-g_up (tau_max - w)/R),\n    q- = 1 - exp(-g_down (w - tau_min)/R), R = tau_max - tau_min.",
                        fmt_f64(s.tau_max),
                        fmt_f64(s.tau_min),
                        fmt_f64(s.g_up),
                        fmt_f64(s.g_down)
                    ),
                )
        }
    };
    extra.push(("write_noise_std", "0.0".into()));
    extra.push(("apply_write_noise_on_set", "False".into()));
    let (lo, hi) = if s.device == DeviceKind::Ald { (s.sp - s.tau, s.sp + s.tau) } else { (w_min, w_max) };
    let mut fields: Vec<(&str, String)> = vec![
        ("construction_seed", "0".into()),
        ("dw_min", py(dw)),
        ("dw_min_dtod", py(s.d2d)),
        ("dw_min_dtod_log_normal", "False".into()),
        ("dw_min_std", py(s.c2c)),
        ("up_down", py(up_down)),
        ("up_down_dtod", "0.0".into()),
        ("w_max", py(w_max)),
        ("w_max_dtod", py(s.d2d)),
        ("w_min", py(w_min)),
        ("w_min_dtod", py(s.d2d)),
        ("enforce_consistency", "True".into()),
        ("perfect_bias", "False".into()),
        ("corrupt_devices_prob", "0.0".into()),
        ("corrupt_devices_range", "0.0".into()),
        ("diffusion", "0.0".into()),
        ("diffusion_dtod", "0.0".into()),
        ("lifetime", "0.0".into()),
        ("lifetime_dtod", "0.0".into()),
        ("reset", "0.0".into()),
        ("reset_dtod", "0.0".into()),
        ("reset_std", "0.0".into()),
        ("count_pulses", "False".into()),
    ];
    fields.append(&mut extra);
    let mut code = format!(
        "\n\ndef device():\n    \"\"\"{doc}\n    Up/down asymmetry c = {} (ours: up steps x (1 + c), down x (1 - c)).\"\"\"\n    return {class}(\n",
        fmt_f64(c)
    );
    for (name, value) in fields {
        code.push_str(&format!("        {name}={value},\n"));
    }
    code.push_str("    )\n");
    DeviceMap { code, lr_scale: granularity / s.dw_min, pulsed: true, range: Some((lo, hi)) }
}
