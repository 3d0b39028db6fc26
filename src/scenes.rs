//! Scenes: one-click presets, each a permalink with a caption that says what to look for.
//!
//! A caption may contain `{name}` placeholders that the page binds to live values, so the text
//! never drifts from the figure: `analog_dist`, `tt_dist`, `digital_dist` (distance of the
//! recent mean of W to w*), `ratio` (Analog SGD's distance over Tiki-Taka's), `theory_dist`
//! (distance of Analog SGD's theory point to w*), `analog_loss`, `tt_loss`, `digital_loss`
//! (recent mean of f − f*), `digital_floor`, `analog_theory_loss`, the lower-bound instance's
//! `lb_w`, `lb_grad_sq` (σ²S), `lb_grad_sq_paper` (4σ²S) and `analog_grad_sq` (measured), and any scenario key
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
}

/// All scenes; the first is the page's default.
pub const SCENES: [Scene; 12] = [
    Scene {
        id: "stall",
        title: "Analog SGD stalls",
        query: "problem=quadratic",
        caption: "Same noise, three algorithms. Analog SGD (▲, dashed) settles {analog_dist} away from w*, on the ◇ theory point ({theory_dist}): asymmetric updates plus noise pull it towards the symmetric point. Tiki-Taka (●) ends {ratio}× closer ({tt_dist}).",
    },
    Scene {
        id: "tiki-taka",
        title: "Tiki-Taka reaches the optimum",
        query: "problem=quadratic&algos=analog,tt&alpha=0.01&beta=0.1&steps=100000",
        caption: "With a smaller step α = {alpha}, Tiki-Taka's residual bias shrinks ({tt_dist} from w*) while Analog SGD stays {analog_dist} away: its bias does not go away with α.",
    },
    Scene {
        id: "symmetric",
        title: "A more symmetric device (larger τ)",
        query: "problem=quadratic&tau=5",
        caption: "τ = {tau}: up and down steps are nearly equal inside the range, so Analog SGD's bias falls to {analog_dist} (theory {theory_dist}). The error grows as τ shrinks — try the τ slider.",
    },
    Scene {
        id: "no-noise",
        title: "No noise, no bias (Theorem 9)",
        query: "problem=quadratic&sigma=0&steps=5000",
        caption: "σ = 0: Analog gradient descent converges exactly ({analog_dist} from w*). The bias needs asymmetry and noise together.",
    },
    Scene {
        id: "slow-transfer",
        title: "Transfer too slow (small β)",
        query: "problem=quadratic&beta=0.00001&steps=40000",
        caption: "β = {beta}: P fills up (the arrow) to the edge of its range, but is transferred into W so slowly that Tiki-Taka is still {tt_dist} from w* (Analog SGD: {analog_dist}). Raise β to watch it catch up.",
    },
    Scene {
        id: "sp-off-zero",
        title: "Symmetric point off zero: Tiki-Taka breaks",
        query: "problem=quadratic&sp=0.4&algos=digital,analog,tt&steps=40000",
        caption: "The device's symmetric point sits at sp = {sp}. P now drifts towards sp instead of 0, so Tiki-Taka is biased too ({tt_dist} from w*; Analog SGD {analog_dist}) — the NeurIPS 2025 follow-up's point: Tiki-Taka needs a zero-shifted device.",
    },
    Scene {
        id: "lsq",
        title: "The paper's least squares (Fig. 3 setting)",
        query: "problem=lsq&algos=digital,analog&tau=1&alpha=0.03&sigma=0.1&steps=2500",
        caption: "D = 40 weights, τ = {tau}, α = {alpha}, σ = {sigma}: Analog SGD plateaus at {analog_loss}, above Digital SGD's {digital_loss} (theory floor {digital_floor}). The weights view shows each wᵢ against its w*ᵢ.",
    },
    Scene {
        id: "fig3-pulses",
        title: "Fig. 3: the dynamic vs the pulse simulation",
        query: "problem=lsq&algos=digital,analog&tau=1&alpha=0.03&sigma=0.1&steps=2500&pulses=both&dw_min=0.00333&bl=5000",
        caption: "Analog SGD as the paper's expected dynamic (dashed) and simulated pulse by pulse like aihwkit (dash-dot; Δw_min = τ/300, {analog_pulses} pulses per step): plateaus {analog_loss} and {analog_pulse_loss}, both above Digital SGD's {digital_loss}. Pulses quantise each small per-sample update, which adds noise. Try τ = 1.5, 2, 2.5 with Δw_min = τ/300. (The paper drives its pulse simulation by read noise 0.1/s_A instead of σ: set σ = 0, read noise = 0.021, pulses = 1.)",
    },
    Scene {
        id: "lower-bound",
        title: "The lower-bound instance (Theorem 3)",
        query: "problem=lower_bound&algos=analog&alpha=0.01&steps=40000",
        caption: "Skewed two-point noise makes Analog SGD's bias tight: w settles at the dashed theory level {lb_w}, where E‖∇f‖² = σ²S = {lb_grad_sq} (measured so far: {analog_grad_sq}; the paper states 4σ²S = {lb_grad_sq_paper}, which the instance does not attain).",
    },
    Scene {
        id: "digits",
        title: "Real digits: Analog SGD fails at small τ, Tiki-Taka holds",
        query: "problem=digits&tau=0.3",
        caption: "A 64-32-10 network on 8×8 handwritten digits, every layer an analog array with τ = {tau}; same initial weights and sample order for all. After {epoch} epochs Analog SGD classifies {analog_acc} of the test digits, Tiki-Taka {tt_acc} ({tt_minus_analog} points more), Digital SGD {digital_acc}. The histograms show where the weights end: each asymmetric write pulls Analog SGD's towards the symmetric point 0, while Tiki-Taka's W uses the whole range ±τ. Raise τ and Analog SGD recovers — the paper's Fig. 5 on a small scale.",
    },
    Scene {
        id: "digits-forms",
        title: "Digits: eq. 3 per mini-batch, per sample, and pulses",
        query: "problem=digits&algos=analog,tt&tau=0.5&update=both&pulses=both&dw_min=0.0005&epochs=30",
        caption: "Analog SGD at τ = {tau} with the gradient written once per mini-batch (the paper's eq. 3: {analog_acc}), once per sample ({analog_sample_acc}) and as aihwkit-style pulse trains ({analog_pulse_acc}, Δw_min = {dw_min}). Per-sample writes sum |Δw| over the batch, so the asymmetry bites harder, and pulses add quantisation on top. Tiki-Taka holds in every form ({tt_pulse_acc} at pulse level).",
    },
    Scene {
        id: "paper-mnist",
        title: "The paper's MNIST network, on real MNIST digits",
        query: "preset=paper-fcn&tau_max=0.5&tau_min=-0.5&epochs=40",
        caption: "The paper's own experiment (Fig. 5): its 784-256-128-10 network on 8000 real MNIST digits, tested on 2000 more, with aihwkit's SoftBoundsReference device (range ±{tau_max}, Δw_min = {dw_min}, 30 % device-to-device and cycle-to-cycle variation), 7-bit inputs, 9-bit outputs with noise {out_noise} and pulse trains of BL {bl}. After {epoch} epochs Analog SGD classifies {analog_pulse_acc} of the test digits, Tiki-Taka {tt_pulse_acc}, Digital SGD {digital_acc}. Tiki-Taka starts slower — its gradients go into P at 0.01 and reach W one row per mini-batch — and overtakes Analog SGD after about 20 epochs; watch the curves cross.",
    },
];

/// A scene by id.
pub fn scene(id: &str) -> Option<&'static Scene> {
    SCENES.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Scenario;

    #[test]
    fn every_scene_is_a_valid_scenario() {
        for s in SCENES {
            Scenario::parse(s.query).unwrap_or_else(|e| panic!("{}: {e}", s.id));
        }
    }
}
