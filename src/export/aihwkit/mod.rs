//! A scenario as a runnable Python script for IBM aihwkit 1.1 + torch.
//!
//! The script builds the same problem (`lsq`: A, x* and W₀ written into the script, since our data
//! come from our own ChaCha8 stream; `digits`: scikit-learn's `load_digits()`, the file we vendor,
//! with our split), the device with every field spelled out ([`device`]), IO and update
//! parameters, Analog SGD (`SingleRPUConfig`) or Tiki-Taka (`TransferCompound`), and the training
//! loop, and prints the metric our summary reports: `lsq` the tail loss (mean f(W_k) − f* over the
//! last 20 % of steps), `digits` the final test accuracy. Keys without an aihwkit counterpart are
//! named in a comment and returned in [`AihwkitScript::unexported`].
//!
//! The Python bodies are the `*.py` files next to this one; this module writes the header, the
//! constants and the device.

mod device;

use crate::sim::algorithm::AlgorithmKind;
use crate::sim::problem::Problem;
use crate::sim::run::problem_of;
use crate::sim::scenario::py;
use crate::sim::scenario::{split_query, ExportTarget, MnistData, ProblemKind, Scenario};
use device::device_map;

const CONFIGS_PY: &str = include_str!("configs.py");
const LSQ_PY: &str = include_str!("lsq.py");
const DIGITS_PY: &str = include_str!("digits.py");
const MNIST_PY: &str = include_str!("mnist.py");
const MNIST_FULL_PY: &str = include_str!("mnist_full.py");
const NETWORK_PY: &str = include_str!("network.py");

/// The share of steps the `lsq` tail loss averages over (as `Run::new`).
const TAIL: f64 = 0.2;

/// A generated script and the keys that have no aihwkit counterpart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AihwkitScript {
    /// The Python source.
    pub text: String,
    /// Scenario keys (with their values, `key=value`) the script does not reproduce.
    pub unexported: Vec<String>,
}

/// Writes `scenario` as an aihwkit script, or says why it cannot.
pub fn script(scenario: &Scenario) -> Result<AihwkitScript, String> {
    let s = scenario;
    if !matches!(s.problem, ProblemKind::Lsq | ProblemKind::Digits | ProblemKind::Mnist) {
        return Err(format!(
            "the aihwkit export covers problem=lsq, digits and mnist, not problem={} (a synthetic \
             quadratic with injected gradient noise has no aihwkit layer)",
            s.problem.key()
        ));
    }
    let dev = device_map(s);
    // Tiki-Taka on the ideal device has no aihwkit tile (a TransferCompound needs pulsed devices):
    // lsq runs it in exact float64 arithmetic, digits leaves it out.
    let skip_tt = s.problem.is_network() && !dev.pulsed && s.runs(AlgorithmKind::TikiTaka);
    // The Tiki-Taka family beyond TTv1 (TT-v2, c-TTv2, AGAD, residual learning, RIDER) is not
    // mapped to aihwkit's compounds (yet): those algorithms are left out and listed.
    let mapped =
        |a: &AlgorithmKind| matches!(a, AlgorithmKind::Digital | AlgorithmKind::Analog | AlgorithmKind::TikiTaka);
    let algos: Vec<&str> =
        s.algos.iter().filter(|a| mapped(a) && !(skip_tt && **a == AlgorithmKind::TikiTaka)).map(|a| a.key()).collect();
    if algos.is_empty() {
        return Err("no algorithm left to export (Tiki-Taka on the ideal device has no aihwkit tile)".into());
    }
    if s.runs(AlgorithmKind::TikiTaka) && dev.pulsed && s.alpha == 0.0 {
        return Err("alpha=0: aihwkit's transfer rate is transfer_lr·lr, so beta cannot be expressed".into());
    }
    let target = ExportTarget { pulsed: dev.pulsed, skip_tt };
    let mut exported: Vec<(String, &str)> = Vec::new();
    let mut unexported: Vec<(String, String)> = Vec::new();
    for (key, value) in split_query(&s.to_query()) {
        let kv = format!("{key}={value}");
        let place = crate::sim::scenario::key(&key).map(|k| k.aihwkit.place(s, target));
        match place.unwrap_or_else(|| Err(format!("{key} has no aihwkit counterpart"))) {
            Ok(place) => exported.push((kv, place)),
            Err(why) => unexported.push((kv, why)),
        }
    }
    for a in s.algos.iter().filter(|a| !mapped(a)) {
        unexported.push((
            format!("algos={}", a.key()),
            "this algorithm is not mapped to an aihwkit compound by the export; it is left out".into(),
        ));
    }
    let mut text = header(s, &exported, &unexported);
    text.push_str(&constants(s, &algos, &dev)?);
    text.push_str(&dev.code);
    match s.problem {
        ProblemKind::Lsq => text.push_str(LSQ_PY),
        ProblemKind::Mnist => {
            text.push_str(if s.data == MnistData::Full { MNIST_FULL_PY } else { MNIST_PY });
            text.push_str(NETWORK_PY);
        }
        _ => {
            text.push_str(DIGITS_PY);
            text.push_str(NETWORK_PY);
        }
    }
    text.push_str(CONFIGS_PY);
    Ok(AihwkitScript { text, unexported: unexported.into_iter().map(|(kv, _)| kv).collect() })
}

fn header(s: &Scenario, exported: &[(String, &str)], unexported: &[(String, String)]) -> String {
    let width = exported.iter().map(|(k, _)| k.len()).chain(unexported.iter().map(|(k, _)| k.len())).max();
    let width = width.unwrap_or(0).min(28);
    let mut h = String::new();
    h.push_str("#!/usr/bin/env python3\n");
    h.push_str(&format!(
        "\"\"\"Analog Training Playground scenario `{}` in IBM aihwkit 1.1 + torch.\n\n",
        s.problem.key()
    ));
    h.push_str("Generated by the playground's aihwkit export. Run: python3 <this file> [--seed S] [--seeds K]\n");
    h.push_str("[--threads 1]. Prints one line per run and, last, per algorithm:\n");
    h.push_str(match s.problem {
        ProblemKind::Lsq => {
            "  METRIC algo=<a> tail_loss=<mean over seeds> std=<std> seeds=<K>\nwhere tail_loss is the mean of f(W_k) - f* over the last 20 % of steps, as our summary.\n"
        }
        _ => {
            "  METRIC algo=<a> test_accuracy=<mean over seeds> std=<std> seeds=<K>\nwhere test_accuracy is the final test accuracy in [0, 1], as our summary.\n"
        }
    });
    h.push_str("\"\"\"\n");
    h.push_str("# Scenario keys and where they go:\n");
    for (kv, place) in exported {
        h.push_str(&format!("#   {kv:width$}  -> {place}\n"));
    }
    if unexported.is_empty() {
        h.push_str("# Not exported: none.\n");
    } else {
        h.push_str("# Not exported (no aihwkit counterpart):\n");
        for (kv, why) in unexported {
            h.push_str(&format!("#   {kv:width$}  -> {why}\n"));
        }
    }
    h.push_str(
        "\nimport argparse\nimport math\n\nimport numpy as np\nimport torch\n\nfrom aihwkit.nn import AnalogConv2d, AnalogLinear\n\
         from aihwkit.optim import AnalogSGD\nfrom aihwkit.optim.context import AnalogContext\n\
         from aihwkit.simulator.configs import (\n    AnalogMVType,\n    BoundManagementType,\n    ExpStepDevice,\n\
         \x20   FloatingPointRPUConfig,\n    IOParameters,\n    NoiseManagementType,\n    PowStepDevice,\n    PulseType,\n\
         \x20   SingleRPUConfig,\n    SoftBoundsDevice,\n    SoftBoundsReferenceDevice,\n    TransferCompound,\n\
         \x20   UnitCellRPUConfig,\n    UpdateParameters,\n    WeightNoiseType,\n)\n",
    );
    match s.problem {
        // `time`: the network scripts print each epoch's seconds.
        ProblemKind::Digits => h.push_str("import time\n\nfrom sklearn.datasets import load_digits\n"),
        ProblemKind::Mnist => h.push_str("import gzip\nimport os\nimport struct\nimport time\n"),
        _ => {}
    }
    h.push('\n');
    h
}

/// A Python list of floats, `per_line` values per line.
fn py_list(xs: &[f64], per_line: usize) -> String {
    if xs.len() <= per_line {
        return format!("[{}]", xs.iter().map(|x| py(*x)).collect::<Vec<_>>().join(", "));
    }
    let mut out = String::from("[\n");
    for chunk in xs.chunks(per_line) {
        out.push_str("        ");
        out.push_str(&chunk.iter().map(|x| py(*x)).collect::<Vec<_>>().join(", "));
        out.push_str(",\n");
    }
    out.push_str("    ]");
    out
}

fn constants(s: &Scenario, algos: &[&str], dev: &device::DeviceMap) -> Result<String, String> {
    let mut c = String::new();
    c.push_str(&format!("SCENARIO = \"{}\"\n", s.to_query()));
    c.push_str(&format!("ALGOS = [{}]\n", algos.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ")));
    c.push_str(&format!("SEED = {}\nSEEDS = {}\n", s.seed, s.seeds));
    let pulsed = dev.pulsed;
    c.push_str(&format!("PULSED = {}\n", if pulsed { "True" } else { "False" }));
    c.push_str(&format!(
        "ALPHA = {}\nBETA = {}\nGAMMA = {}\nEVERY = {}\n",
        py(s.alpha),
        py(s.beta),
        py(s.gamma),
        s.every
    ));
    c.push_str(&format!("BL = {}\n", s.bl));
    // The periphery and mapping only exist on the networks' analog tiles.
    let net = s.problem.is_network() && pulsed;
    let (inp, out, noise) = if net { (s.inp_res, s.out_res, s.out_noise) } else { (0, 0, 0.0) };
    c.push_str(&format!("INP_BITS = {inp}\nOUT_BITS = {out}\nOUT_NOISE = {}\n", py(noise)));
    c.push_str(&format!(
        "LEARN_OUT_SCALING = {}\nTILE_INPUTS = {}\n",
        if net && s.out_scaling == 1 { "True" } else { "False" },
        if net { s.tile_inputs } else { 0 }
    ));
    c.push_str(&format!("FAST_LR = {}\n", py(if s.fast_lr > 0.0 { s.fast_lr } else { s.alpha })));
    c.push_str(&format!(
        "N_READS = {}\nTRANSFER_READ_NOISE = {}\nTRANSFER_BL = {}\n",
        s.n_reads,
        py(s.transfer_read_noise),
        s.transfer_bl
    ));
    c.push_str(&format!(
        "# Tile learning-rate factor: aihwkit's weight granularity over our dw_min (see device()), so\n\
         # k = lr * max|x| * max|d| / granularity equals ours.\nLR_SCALE = {}\n",
        py(dev.lr_scale)
    ));
    let transfer_lr = if s.alpha > 0.0 { dev.lr_scale * s.beta / s.alpha } else { 0.0 };
    c.push_str(&format!(
        "# beta = transfer_lr * lr (scale_transfer_lr), times LR_SCALE.\nTRANSFER_LR = {}\n",
        py(transfer_lr)
    ));
    let (lo, hi) = dev.range.unwrap_or((f64::MIN, f64::MAX));
    match s.problem {
        ProblemKind::Lsq => {
            let Problem::Lsq(l) = problem_of(s) else {
                return Err("lsq scenario without lsq data".into());
            };
            c.push_str(&format!("METRIC = \"tail_loss\"\nSTEPS = {}\n", s.steps));
            let tail_len = ((s.steps as f64 * TAIL).round() as u64).clamp(1, s.steps.max(1));
            c.push_str(&format!("TAIL_START = {}\n", s.steps.saturating_sub(tail_len)));
            c.push_str(&format!("SIGMA = {}\nREAD_NOISE = {}\n", py(s.sigma), py(s.read_noise)));
            c.push_str("FORWARD_W_NOISE = READ_NOISE\nBACKWARD_W_NOISE = 0.0\n");
            c.push_str(&format!(
                "# Data: generated by the playground from data_seed={} (its ChaCha8 stream; numpy cannot\n\
                 # regenerate it), A = {}·randn(N={}, D={}), x* = {}·randn(D); b = A x* is computed below.\n",
                s.data_seed,
                py(s.a_scale),
                l.rows,
                l.dim,
                py(s.xstar_scale)
            ));
            c.push_str(&format!(
                "A = np.array(\n    {},\n    dtype=np.float64,\n).reshape({}, {})\n",
                py_list(&l.a, 4),
                l.rows,
                l.dim
            ));
            c.push_str(&format!("XSTAR = np.array({}, dtype=np.float64)\n", py_list(&l.xstar, 4)));
            c.push_str(&format!("W0 = np.array({}, dtype=np.float64)\n", py_list(&l.w0, 8)));
        }
        _ => {
            c.push_str("METRIC = \"test_accuracy\"\n");
            let widths: Vec<String> = s.layers.iter().map(|w| format!("{}", *w as u64)).collect();
            c.push_str(&format!("ARCH = \"{}\"\n", s.arch.key()));
            c.push_str(&format!("LAYERS = [{}]\nBATCH = {}\nEPOCHS = {}\n", widths.join(", "), s.batch, s.epochs));
            c.push_str(&format!("LR_STEP = {}\nLR_GAMMA = {}\n", s.lr_step, py(s.lr_gamma)));
            c.push_str(&format!("READ_NOISE = {}\n", py(s.read_noise)));
            c.push_str("FORWARD_W_NOISE = READ_NOISE\nBACKWARD_W_NOISE = READ_NOISE\n");
            c.push_str(&format!("W_LO, W_HI = {}, {}\n", py_range(lo), py_range(hi)));
        }
    }
    Ok(c)
}

fn py_range(x: f64) -> String {
    if x == f64::MIN {
        "-math.inf".into()
    } else if x == f64::MAX {
        "math.inf".into()
    } else {
        py(x)
    }
}
