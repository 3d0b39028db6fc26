//! The keys whose place in an aihwkit 1.1 script depends on the scenario (`Aihwkit::Rule` in the
//! vocabulary), and Python's form of a float. The export (`export::aihwkit`) writes the header
//! from these places.

use super::vocabulary::ExportTarget;
use super::{fmt_f64, DeviceKind, MnistData, PulseMode, PulseNoise, Scenario};

type Place = Result<&'static str, String>;

/// A Python float literal that reads back as the same f64 (`1` → `1.0`).
pub fn py(x: f64) -> String {
    let s = fmt_f64(x);
    if s.contains(['.', 'e', 'E', 'n', 'i']) {
        s
    } else {
        format!("{s}.0")
    }
}

pub(super) fn data(s: &Scenario, _: ExportTarget) -> Place {
    Ok(match s.data {
        MnistData::Full => {
            "mnist_split(): the standard 60,000/10,000 split from data/mnist-full/ (the IDX files torchvision reads)"
        }
        MnistData::TenK => "mnist_split(): the 10k digits of data/mnist/mnist10k.bin.gz, split as ours",
    })
}

pub(super) fn algos(_: &Scenario, t: ExportTarget) -> Place {
    if t.skip_tt {
        return Err("tt is left out: Tiki-Taka on the ideal device has no aihwkit tile".into());
    }
    Ok("ALGOS (digital: float arithmetic; analog: SingleRPUConfig; tt: TransferCompound)")
}

pub(super) fn device(_: &Scenario, t: ExportTarget) -> Place {
    Ok(if t.pulsed { "device(): the aihwkit device class" } else { "FloatingPointRPUConfig (exact updates)" })
}

pub(super) fn read_noise(s: &Scenario, t: ExportTarget) -> Place {
    if !t.pulsed && s.problem.is_network() && s.read_noise > 0.0 {
        return Err("FloatingPointRPUConfig (the ideal device) has no read noise".into());
    }
    Ok("FORWARD_W_NOISE (and BACKWARD_W_NOISE on digits): IOParameters w_noise")
}

pub(super) fn pulses(s: &Scenario, _: ExportTarget) -> Place {
    let pulse_defaults = || {
        format!(
            "aihwkit has no expected dynamic: the script trains at pulse level with the default pulse keys \
             dw_min={}, bl={}, c2c={}",
            py(s.dw_min),
            s.bl,
            py(s.c2c)
        )
    };
    match s.pulses {
        PulseMode::On => Ok("UpdateParameters (pulse level)"),
        PulseMode::Both => Err(format!("only the pulse-level form is exported; {}", pulse_defaults())),
        PulseMode::Off => Err(pulse_defaults()),
    }
}

pub(super) fn pulse_noise(s: &Scenario, _: ExportTarget) -> Place {
    match s.pulse_noise {
        PulseNoise::Same => Ok("SIGMA and FORWARD_W_NOISE: every algorithm sees both noise sources"),
        PulseNoise::Read => Err("the script gives every algorithm both σ and the read noise; the split of \
                                 pulse_noise=read (σ for the expected dynamic, read noise for pulses) is not carried over"
            .into()),
    }
}

pub(super) fn lr_step(s: &Scenario, t: ExportTarget) -> Place {
    if s.lr_step == 0 {
        return Ok("no StepLR: constant learning rates");
    }
    lr_gamma(s, t)
}

pub(super) fn lr_gamma(s: &Scenario, _: ExportTarget) -> Place {
    if s.problem.is_network() {
        Ok("LR_STEP, LR_GAMMA: torch StepLR on the optimizer")
    } else {
        Err("the script trains with constant learning rates; StepLR is not carried over".into())
    }
}

/// The converters and the output noise: exported on networks at pulse level.
fn periphery(s: &Scenario, t: ExportTarget, off: bool, off_place: &'static str) -> Place {
    if off {
        Ok(off_place)
    } else if s.problem.is_network() && t.pulsed {
        Ok("INP_BITS, OUT_BITS, OUT_NOISE: IOParameters (ABS_MAX noise, ITERATIVE bound management, out_bound 12)")
    } else {
        Err("the script's MVMs are exact; our converter and output-noise model is not carried over".into())
    }
}

const NO_CONVERTER: &str = "IOParameters: no converter, as ours with 0 bits";

pub(super) fn inp_res(s: &Scenario, t: ExportTarget) -> Place {
    periphery(s, t, s.inp_res == 0, NO_CONVERTER)
}

pub(super) fn out_res(s: &Scenario, t: ExportTarget) -> Place {
    periphery(s, t, s.out_res == 0, NO_CONVERTER)
}

pub(super) fn out_noise(s: &Scenario, t: ExportTarget) -> Place {
    periphery(s, t, s.out_noise == 0.0, "IOParameters: no output noise")
}

pub(super) fn out_scaling(s: &Scenario, t: ExportTarget) -> Place {
    if s.out_scaling == 0 {
        Ok("LEARN_OUT_SCALING = False")
    } else if t.pulsed {
        Ok("LEARN_OUT_SCALING: mapping.learn_out_scaling (one scalar per tile)")
    } else {
        Err("FloatingPointRPUConfig: out scaling is not exported on the ideal device".into())
    }
}

pub(super) fn tile_inputs(s: &Scenario, t: ExportTarget) -> Place {
    Ok(if s.tile_inputs == 0 || !t.pulsed {
        "TILE_INPUTS: mapping.max_input_size"
    } else {
        "TILE_INPUTS: mapping.max_input_size (a TileModuleArray)"
    })
}

pub(super) fn zero_shift(s: &Scenario, _: ExportTarget) -> Place {
    if s.zero_shift == 0 {
        Ok("no zero-shifting (aihwkit's tiles are not calibrated either)")
    } else {
        Err("aihwkit 1.1's TransferCompound has no zero-shifting calibration of P".into())
    }
}

pub(super) fn c2c_mult(s: &Scenario, _: ExportTarget) -> Place {
    if matches!(s.device, DeviceKind::Ald | DeviceKind::SoftBounds) {
        Ok("device(): mult_noise")
    } else {
        Err("aihwkit's power and exponential steps have one c2c form".into())
    }
}
