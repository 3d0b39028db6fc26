//! Scenes: one-click presets, each a permalink with a caption that says what to look for.
//!
//! A caption may contain `{name}` placeholders that the page binds to live values, so the text
//! never drifts from the figure: `analog_dist`, `tt_dist`, `digital_dist` (distance of the
//! recent mean of W to w*), `ratio` (Analog SGD's distance over Tiki-Taka's), `theory_dist`
//! (distance of Analog SGD's theory point to w*), `analog_loss`, `tt_loss`, `digital_loss`
//! (recent mean of f − f*), `digital_floor`, `analog_theory_loss`, the lower-bound instance's
//! `lb_w`, `lb_grad_sq` (σ²S), `lb_grad_sq_paper` (4σ²S) and `analog_grad_sq` (measured),
//! `<algo>_dist` for every algorithm key (`agad_dist`, `erider_dist`, …), and any scenario key
//! (`tau`, `alpha`, `beta`, `sigma`, `sp`, …).

/// A preset scenario.
#[derive(Clone, Copy, Debug)]
pub struct Scene {
    /// Short id used in `scene=` links.
    pub id: &'static str,
    pub title: &'static str,
    /// The scenario query (keys not given take their defaults).
    pub query: &'static str,
    /// What to look for, with `{placeholders}`.
    pub caption: &'static str,
    /// The caption's result in one line, for small embeds (`{placeholders}` of `caption` only).
    pub short: &'static str,
    /// The heading the scene is listed under.
    pub group: SceneGroup,
}

/// The headings the scenes are listed under, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SceneGroup {
    BiasAndRemedy,
    Devices,
    BeyondTikiTaka,
    RealData,
}

impl SceneGroup {
    pub const ALL: [SceneGroup; 4] =
        [SceneGroup::BiasAndRemedy, SceneGroup::Devices, SceneGroup::BeyondTikiTaka, SceneGroup::RealData];

    pub fn title(self) -> &'static str {
        match self {
            SceneGroup::BiasAndRemedy => "The bias and its remedy",
            SceneGroup::Devices => "Devices",
            SceneGroup::BeyondTikiTaka => "Beyond Tiki-Taka",
            SceneGroup::RealData => "Real data",
        }
    }
}

/// All scenes; the first is the page's default.
pub const SCENES: [Scene; 15] = [
    Scene {
        id: "stall",
        title: "Analog SGD stalls",
        query: "problem=quadratic",
        caption: "Analog SGD (▲, dashed) settles {analog_dist} from w*, on the ◇ theory point ({theory_dist}); Tiki-Taka (●) ends {ratio}× closer ({tt_dist}). Same noise for all three algorithms: asymmetric updates plus noise pull Analog SGD towards the symmetric point.",
        short: "Analog SGD settles {analog_dist} from w*, on the ◇ theory point; Tiki-Taka ends {ratio}× closer ({tt_dist}).",
        group: SceneGroup::BiasAndRemedy,
    },
    Scene {
        id: "tiki-taka",
        title: "Tiki-Taka reaches the optimum",
        query: "problem=quadratic&algos=analog,tt&alpha=0.01&beta=0.1&steps=100000",
        caption: "Analog SGD stays {analog_dist} from w* while Tiki-Taka's residual bias shrinks to {tt_dist} with the smaller step α = {alpha}: Analog SGD's bias does not go away with α.",
        short: "With a smaller α = {alpha}, Analog SGD still stays {analog_dist} from w*; Tiki-Taka shrinks to {tt_dist}.",
        group: SceneGroup::BiasAndRemedy,
    },
    Scene {
        id: "symmetric",
        title: "A more symmetric device (larger τ)",
        query: "problem=quadratic&tau=5",
        caption: "Analog SGD's bias falls to {analog_dist} (theory {theory_dist}) at τ = {tau}, where up and down steps are nearly equal inside the range; Tiki-Taka's averaged iterate is {tt_dist} from w*. Its raw iterate fluctuates more (the faint band of the loss panel: a noise floor, not a bias). The error grows as τ shrinks — try the τ slider.",
        short: "A more symmetric device (τ = {tau}): Analog SGD's bias falls to {analog_dist}; Tiki-Taka is {tt_dist} from w*.",
        group: SceneGroup::Devices,
    },
    Scene {
        id: "no-noise",
        title: "No noise, no bias (Theorem 9)",
        query: "problem=quadratic&sigma=0&steps=5000",
        caption: "Analog gradient descent converges exactly ({analog_dist} from w*) without noise (σ = 0): the bias needs asymmetry and noise together.",
        short: "Without noise (σ = 0) Analog SGD converges exactly: {analog_dist} from w*.",
        group: SceneGroup::BiasAndRemedy,
    },
    Scene {
        id: "slow-transfer",
        title: "Transfer too slow (small β)",
        query: "problem=quadratic&beta=0.00001&steps=40000",
        caption: "Tiki-Taka is still {tt_dist} from w* (Analog SGD: {analog_dist}) with β = {beta}: P fills up (the arrow) to the edge of its range, but is transferred into W too slowly. Raise β to watch it catch up.",
        short: "Transfer too slow (β = {beta}): Tiki-Taka is still {tt_dist} from w*; Analog SGD {analog_dist}.",
        group: SceneGroup::BiasAndRemedy,
    },
    Scene {
        id: "sp-off-zero",
        title: "Symmetric point off zero: Tiki-Taka breaks",
        query: "problem=quadratic&sp=0.4&algos=digital,analog,tt&steps=40000",
        caption: "Tiki-Taka is biased too ({tt_dist} from w*; Analog SGD {analog_dist}) with the device's symmetric point at sp = {sp}: P drifts towards sp instead of 0 — the NeurIPS 2025 follow-up's point: Tiki-Taka needs a zero-shifted device.",
        short: "Symmetric point at sp = {sp}: Tiki-Taka is biased too, {tt_dist} from w* (Analog SGD {analog_dist}).",
        group: SceneGroup::Devices,
    },
    Scene {
        id: "sp-off-zero-recovers",
        title: "Symmetric point off zero: Tiki-Taka breaks, and what recovers",
        query: "problem=quadratic&sp=0.4&algos=analog,tt,cttv2,agad,rider,erider&chop_prob=0.02&steps=40000",
        caption: "With the symmetric point at sp = {sp} Tiki-Taka ends {tt_dist} from w* (Analog SGD {analog_dist}; every algorithm on the same noise): it transfers P's drift towards sp as if it were signal. Choppers flip the sign of P's gradient so the drift cancels in a digital buffer: AGAD, which measures P against its value at the last chopper switch, ends {agad_dist} away, c-TTv2 {cttv2_dist}. E-RIDER tracks the symmetric point with a chopped running mean ({erider_dist}); RIDER, the same without the chopper, {rider_dist}: as its paper writes it, its transfer keeps W − (β/η)Q fixed, so W lands where its start puts it. Set zero_shift=1 to calibrate P by random pulses before training and Tiki-Taka recovers. Rasch et al. (2024) report c-TTv2 and AGAD tolerating such offsets; the RIDER paper finds E-RIDER clearly better than RIDER (its Fig. 5).",
        short: "Symmetric point at sp = {sp}: Tiki-Taka {tt_dist} from w*; AGAD {agad_dist}, c-TTv2 {cttv2_dist}, E-RIDER {erider_dist}.",
        group: SceneGroup::BeyondTikiTaka,
    },
    Scene {
        id: "lsq",
        title: "The paper's least squares (Fig. 3 setting)",
        query: "problem=lsq&algos=digital,analog&tau=1&alpha=0.03&sigma=0.1&steps=2500",
        caption: "Analog SGD plateaus at {analog_loss}, above Digital SGD's {digital_loss} (theory floor {digital_floor}), with D = 40 weights, τ = {tau}, α = {alpha}, σ = {sigma}. The weights view shows each wᵢ against its w*ᵢ.",
        short: "Least squares: Analog SGD plateaus at {analog_loss}, above Digital SGD's {digital_loss}.",
        group: SceneGroup::BiasAndRemedy,
    },
    Scene {
        id: "fig3-pulses",
        title: "Fig. 3: the dynamic vs the pulse simulation",
        query: "problem=lsq&algos=digital,analog&tau=1&alpha=0.03&sigma=0.1&steps=2500&pulses=both&dw_min=0.00333&bl=5000&read_noise=0.021&pulse_noise=read",
        caption: "Analog SGD's plateaus agree, {analog_loss} as the expected dynamic and {analog_pulse_loss} simulated pulse by pulse like aihwkit, both above Digital SGD's {digital_loss}. Like with like, as in the paper: the dynamic (dashed) with gradient noise σ = {sigma}; the pulses (dash-dot; Δw_min = τ/300, {analog_pulses} pulses per step) with σ = 0 and read noise {read_noise} ≈ 0.1/s_A on every forward pass instead. Try τ = 1.5, 2, 2.5 with Δw_min = τ/300: the pulse simulation stays at or below the dynamic.",
        short: "Analog SGD's plateau: {analog_loss} as the expected dynamic, {analog_pulse_loss} pulse by pulse; Digital SGD {digital_loss}.",
        group: SceneGroup::Devices,
    },
    Scene {
        id: "lower-bound",
        title: "The lower-bound instance (Theorem 3)",
        query: "problem=lower_bound&algos=analog&alpha=0.01&steps=40000",
        caption: "Analog SGD's w settles at the dashed theory level {lb_w}, where E‖∇f‖² = σ²S = {lb_grad_sq} (measured so far: {analog_grad_sq}; the paper states 4σ²S = {lb_grad_sq_paper}, which the instance does not attain): skewed two-point noise makes its bias tight.",
        short: "Analog SGD settles at the theory level {lb_w}: E‖∇f‖² = {analog_grad_sq}, theory σ²S = {lb_grad_sq}.",
        group: SceneGroup::BiasAndRemedy,
    },
    Scene {
        id: "digits",
        title: "Real digits: Analog SGD fails at small τ, Tiki-Taka holds",
        query: "problem=digits&tau=0.3",
        caption: "After {epoch} epochs Analog SGD classifies {analog_acc} of the test digits, Tiki-Taka {tt_acc} ({tt_minus_analog} points more), Digital SGD {digital_acc}, with every layer an analog array of τ = {tau} (same initial weights and sample order for all). The histograms show why: each asymmetric write pulls Analog SGD's weights towards the symmetric point 0, while Tiki-Taka's W uses the whole range ±τ. Raise τ and Analog SGD recovers — the paper's Fig. 5 on a small scale.",
        short: "After {epoch} epochs at τ = {tau}: Analog SGD {analog_acc}, Tiki-Taka {tt_acc}, Digital SGD {digital_acc}.",
        group: SceneGroup::RealData,
    },
    Scene {
        id: "digits-forms",
        title: "Digits: eq. 3 per mini-batch, per sample, and pulses",
        query: "problem=digits&algos=analog,tt&tau=0.5&update=both&pulses=both&dw_min=0.0005&epochs=30",
        caption: "Analog SGD at τ = {tau} reaches {analog_acc} with the gradient written once per mini-batch (the paper's eq. 3), {analog_sample_acc} once per sample and {analog_pulse_acc} as aihwkit-style pulse trains (Δw_min = {dw_min}); Tiki-Taka holds in every form ({tt_pulse_acc} at pulse level). Per-sample writes sum |Δw| over the batch, so the asymmetry bites harder, and pulses add quantisation on top.",
        short: "τ = {tau}: Analog SGD {analog_acc} per mini-batch, {analog_sample_acc} per sample, {analog_pulse_acc} with pulses.",
        group: SceneGroup::RealData,
    },
    Scene {
        id: "paper-mnist",
        title: "The paper's MNIST network, on real MNIST digits",
        query: "preset=paper-fcn&tau_max=0.5&tau_min=-0.5&epochs=40",
        caption: "Analog SGD stays at chance ({analog_pulse_acc} after {epoch} epochs) because the last tile's learned output scale (on, as in the paper's code) collapses to about 0 in the first epoch and takes the error signal with it — aihwkit 1.1 does the same; it is not the asymmetry bias alone (the next scene turns the scale off). Tiki-Taka {tt_pulse_acc}, Digital SGD {digital_acc}: Tiki-Taka starts slowly — its gradients go into P at 0.01 and reach W one row per tile and mini-batch — then climbs past 90 %. The paper's own experiment (Fig. 5) with aihwkit's SoftBoundsReference device (30 % device-to-device and cycle-to-cycle variation).",
        short: "Analog SGD stays at chance ({analog_pulse_acc}): its learned output scale collapses. Tiki-Taka {tt_pulse_acc}, digital {digital_acc}.",
        group: SceneGroup::RealData,
    },
    Scene {
        id: "mnist-no-scaling",
        title: "MNIST without learned output scaling",
        query: "preset=paper-fcn&tau_max=0.5&tau_min=-0.5&epochs=40&out_scaling=0",
        caption: "With the learned output scale off, nothing collapses in epoch 1 and Analog SGD climbs, slowly: {analog_pulse_acc} after {epoch} epochs, Tiki-Taka {tt_pulse_acc}, Digital SGD {digital_acc} (measured natively after 20 epochs: 27.0 %, 37.4 % and 91.3 %). So the previous scene's Analog SGD at chance is the learned scale's collapse; what remains here is a slow climb for both analog algorithms.",
        short: "Output scaling off: Analog SGD climbs slowly, {analog_pulse_acc} after {epoch} epochs; Tiki-Taka {tt_pulse_acc}, Digital SGD {digital_acc}.",
        group: SceneGroup::RealData,
    },
    Scene {
        id: "paper-cnn",
        title: "The paper's CNN on MNIST",
        query: "preset=paper-cnn&epochs=20",
        caption: "After {epoch} epochs the paper's CNN (Fig. 5's second network) classifies {analog_pulse_acc} of the test digits with Analog SGD, {tt_pulse_acc} with Tiki-Taka and {digital_acc} with Digital SGD, every convolution and layer an analog tile of τ = {tau_max}. Analog SGD learns fast, then slips back; Tiki-Taka starts slower and keeps climbing. The paper (full MNIST, 80 epochs): Analog SGD more than 6 points below Digital SGD at every τ, Tiki-Taka within a point.",
        short: "After {epoch} epochs: Analog SGD {analog_pulse_acc}, Tiki-Taka {tt_pulse_acc}, Digital SGD {digital_acc} (the paper's CNN).",
        group: SceneGroup::RealData,
    },
];

/// One step of the guided tour: a scenario, the control that matters there, and what to look for
/// (a caption with the same `{placeholders}` as a scene's).
#[derive(Clone, Copy, Debug)]
pub struct TourStep {
    pub title: &'static str,
    pub query: &'static str,
    /// The scenario key whose control the step points at.
    pub focus: &'static str,
    pub text: &'static str,
    /// The symbol on the landscape the text names (ringed while the step is open).
    pub mark: Option<Landmark>,
    /// A question the lecture mode asks before it shows the run: the audience guesses on the
    /// landscape, then the answer appears with the guess's distance.
    pub question: Option<&'static str>,
}

/// A symbol of the landscape a tour step can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landmark {
    /// The optimum w*.
    Optimum,
    /// Analog SGD's theory point ◇.
    TheoryPoint,
    /// The tip of Tiki-Taka's fast array P, drawn as an arrow from W.
    FastArray,
    /// The device's symmetric point ×.
    SymmetricPoint,
}

impl Landmark {
    pub fn name(self) -> &'static str {
        match self {
            Landmark::Optimum => "wstar",
            Landmark::TheoryPoint => "theory",
            Landmark::FastArray => "p",
            Landmark::SymmetricPoint => "sp",
        }
    }
}

/// The guided tour, in the order a lecture would tell it (`tour=N` opens step N, from 1).
pub const TOUR: [TourStep; 7] = [
    TourStep {
        title: "Digital SGD with noise",
        query: "problem=quadratic&algos=digital&steps=20000",
        focus: "sigma",
        text: "Plain SGD on a 2-D quadratic with gradient noise σ = {sigma}. The raw iterate (faint) jitters around w*, but its average (bold ■) sits on w*: {digital_dist} away. Noise alone causes no bias — try a larger σ.",
        mark: Some(Landmark::Optimum),
        question: None,
    },
    TourStep {
        title: "An asymmetric device",
        query: "problem=quadratic&algos=digital,analog&steps=20000",
        focus: "tau",
        text: "Now each weight is a device conductance: an up step and a down step of the same size change it by different amounts, except at the symmetric point (×). τ = {tau} sets how strong that asymmetry is (the device inset draws q⁺ and q⁻). Analog SGD's average (▲) stops {analog_dist} from w*.",
        mark: Some(Landmark::SymmetricPoint),
        question: None,
    },
    TourStep {
        title: "The theory point ◇",
        query: "problem=quadratic&algos=digital,analog&steps=40000",
        focus: "sigma",
        text: "The paper predicts where Analog SGD settles: the ◇, {theory_dist} from w*. Its averaged iterate lands there ({analog_dist}), and in the distance panel its error levels off on the dashed theory line. Noise and asymmetry together make the bias: set σ to 0 and it goes away.",
        mark: Some(Landmark::TheoryPoint),
        question: Some("Where will Analog SGD's average settle? Click on the landscape to guess."),
    },
    TourStep {
        title: "Tiki-Taka",
        query: "problem=quadratic",
        focus: "beta",
        text: "Tiki-Taka writes gradients into a fast array P (the arrow) and transfers P into W at rate β = {beta}. On the same noise its average (●) goes to w* ({tt_dist}) while Analog SGD's stays on the ◇ ({analog_dist}): {ratio}× closer.",
        mark: Some(Landmark::FastArray),
        question: None,
    },
    TourStep {
        title: "A smaller step does not remove the bias",
        query: "problem=quadratic&algos=analog,tt&alpha=0.01&steps=100000",
        focus: "alpha",
        text: "With α = {alpha} Tiki-Taka's remaining error shrinks ({tt_dist}) but Analog SGD's does not ({analog_dist}; theory {theory_dist}): its asymptotic error is set by the device and the noise, and no step size removes it.",
        mark: Some(Landmark::TheoryPoint),
        question: None,
    },
    TourStep {
        title: "Symmetric point off zero",
        query: "problem=quadratic&sp=0.4&algos=digital,analog,tt&steps=40000",
        focus: "sp",
        text: "Move the device's symmetric point to sp = {sp} and Tiki-Taka is biased too ({tt_dist} from w*): P drifts towards sp instead of 0. This is why later work calibrates the symmetric point (zero-shifting) or tracks it.",
        mark: Some(Landmark::SymmetricPoint),
        question: None,
    },
    TourStep {
        title: "Real digits",
        query: "problem=digits&tau=0.3",
        focus: "tau",
        text: "The same effect in a network on real handwritten digits, every layer an analog array with τ = {tau}. After {epoch} epochs Analog SGD classifies {analog_acc} of the test digits, Tiki-Taka {tt_acc}, Digital SGD {digital_acc}. Raise τ and Analog SGD recovers.",
        mark: None,
        question: None,
    },
];

/// A network scenario's configuration in one line (network, data, device, periphery, update,
/// schedule), appended to every network caption so a figure says what it was run with.
pub fn network_config(s: &crate::sim::Scenario) -> String {
    use crate::sim::scenario::{fmt_f64, Arch, DeviceKind, MnistData, ProblemKind, PulseMode, UpdateForm};
    let network = match s.arch {
        Arch::Cnn => "the paper's CNN (5×5 convolutions to 16 and 32 channels, 128, 10)".to_string(),
        Arch::Fcn => s.layers.iter().map(|l| format!("{l}")).collect::<Vec<_>>().join("-"),
    };
    let data = match (s.problem, s.data) {
        (ProblemKind::Mnist, MnistData::Full) => "MNIST (60,000 train / 10,000 test)",
        (ProblemKind::Mnist, MnistData::TenK) => "MNIST (8,000 train / 2,000 test)",
        _ => "8×8 digits (1,437 train / 360 test)",
    };
    let device = match s.device {
        DeviceKind::Ideal => "ideal device".to_string(),
        DeviceKind::Ald => format!("ALD device τ = {}", fmt_f64(s.tau)),
        DeviceKind::SoftBounds => {
            format!("soft-bounds device [{}, {}]", fmt_f64(s.tau_min), fmt_f64(s.tau_max))
        }
        DeviceKind::Pow => format!("power device [{}, {}]", fmt_f64(s.tau_min), fmt_f64(s.tau_max)),
        DeviceKind::Exp => format!("exponential device [{}, {}]", fmt_f64(s.tau_min), fmt_f64(s.tau_max)),
    };
    let update = match (s.pulses, s.update) {
        (PulseMode::On, _) => format!("pulse trains (BL {}, Δw_min {})", s.bl, fmt_f64(s.dw_min)),
        (PulseMode::Both, _) => format!("expected dynamic and pulse trains (BL {})", s.bl),
        (PulseMode::Off, UpdateForm::Sample) => "eq. 3 per sample".into(),
        (PulseMode::Off, UpdateForm::Both) => "eq. 3 per mini-batch and per sample".into(),
        (PulseMode::Off, UpdateForm::Batch) => "eq. 3 per mini-batch".into(),
    };
    let mut parts = vec![format!("{network} on {data}"), device, update];
    if s.inp_res > 0 || s.out_res > 0 {
        parts.push(format!("{}-bit in / {}-bit out", s.inp_res, s.out_res));
    }
    parts.push(format!("learned out scaling {}", if s.out_scaling == 1 { "on" } else { "off" }));
    let mut schedule = format!("batch {}, α = {}", s.batch, fmt_f64(s.alpha));
    if s.lr_step > 0 {
        schedule.push_str(&format!(" (×{} every {} epochs)", fmt_f64(s.lr_gamma), s.lr_step));
    }
    parts.push(schedule);
    format!("Setup: {}.", parts.join(", "))
}

/// A scene by id.
pub fn scene(id: &str) -> Option<&'static Scene> {
    SCENES.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Scenario;

    #[test]
    fn every_tour_step_is_a_valid_scenario_and_points_at_one_of_its_controls() {
        for (i, t) in TOUR.iter().enumerate() {
            let s = Scenario::parse(t.query).unwrap_or_else(|e| panic!("tour step {}: {e}", i + 1));
            let key =
                crate::sim::scenario::key(t.focus).unwrap_or_else(|| panic!("tour step {}: no key {}", i + 1, t.focus));
            assert!((key.applies)(&s), "tour step {}: {} does not apply to its scenario", i + 1, t.focus);
        }
    }

    #[test]
    fn every_short_caption_is_one_line_with_the_captions_numbers() {
        let names = |t: &str| -> Vec<String> {
            t.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string())).collect()
        };
        for s in SCENES {
            // As shown: each number about six characters.
            let shown =
                names(s.short).iter().fold(s.short.to_string(), |t, n| t.replace(&format!("{{{n}}}"), "0.0123"));
            assert!(shown.chars().count() <= 120, "{}: short caption of {} characters", s.id, shown.chars().count());
            assert!(!names(s.short).is_empty(), "{}: the short caption carries a number", s.id);
            for n in names(s.short) {
                assert!(names(s.caption).contains(&n), "{}: {{{n}}} is not in the caption", s.id);
            }
        }
    }

    #[test]
    fn every_scene_is_a_valid_scenario() {
        for s in SCENES {
            Scenario::parse(s.query).unwrap_or_else(|e| panic!("{}: {e}", s.id));
        }
    }
}
