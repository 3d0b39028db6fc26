//! Fig. 4 (claims 4a–4c, 9, 10): the τ, noise and initialisation ablations on the S3 problem.

use super::{
    curve, curves_of, decreasing, list, loss_chart, run_all, spread, tail, worst_factor, Ctx, GREY, PALETTE, SAME_ORDER,
};
use crate::figures::curves::Curve;
use crate::figures::fmt_num;
use crate::sim::algorithm::AlgorithmKind::{Analog, Digital};

impl Ctx<'_> {
    /// The S3 problem (D = 50, x* = 0.5·randn, A = randn) at pulse level.
    fn s3(&self) -> &'static str {
        "problem=lsq&dim=50&xstar_scale=0.5&a_scale=1&data_seed=42&pulses=1&dw_min=0.0001"
    }

    pub(super) fn fig4_left(&mut self) -> Result<(), String> {
        let taus = [2.0, 3.0, 5.0, 10.0, 20.0, 50.0];
        let base = format!("{}&alpha=0.1&steps=400&sigma=0&read_noise=0.1&bl=5000", self.s3());
        let mut queries: Vec<String> = taus.iter().map(|t| format!("{base}&tau={t}&algos=analog")).collect();
        queries.push(format!("{base}&tau=1&algos=digital"));
        let runs = run_all(&queries, self.threads)?;
        let scale = 1.0 / 50.0;
        let finals: Vec<f64> = taus.iter().enumerate().map(|(k, _)| tail(&runs[k], Analog) * scale).collect();
        let sgd = tail(&runs[taus.len()], Digital) * scale;
        let mut curves = curves_of(&runs[..taus.len()], taus.iter().map(|t| format!("τ = {t}")), Analog, scale);
        curves.push(Curve {
            label: "SGD".into(),
            color: GREY,
            dash: Some((2.0, 3.0)),
            points: curve(runs[taus.len()].first(), Digital, scale),
        });
        self.figure("fig4_left", &[loss_chart("Fig. 4 left: τ ablation (guessed setup)", "MSE / (2D)", curves)])?;
        let approaches = finals[5] < 2.0 * sgd;
        self.claim(
            "4a",
            "P",
            "Fig. 4 left: the final error decreases monotonically in τ ∈ {2 … 50}, approaching SGD",
            format!(
                "MSE/(2D), last 20 % of 400 steps, τ = 2, 3, 5, 10, 20, 50: {}; SGD: {}",
                list(&finals),
                fmt_num(sgd)
            ),
            decreasing(&finals) && approaches,
        );
        let reference = [4.4e-3, 2.3e-3, 9.8e-4, 4.2e-4, 2.0e-4, 1.5e-4];
        let factor = worst_factor(&finals, &reference);
        self.claim(
            "10",
            "S",
            "Fig. 4 left, guessed setup (S3.2 problem, σ_w = 0.1, α = 0.1, 400 iterations, pulse model): 4.4e-3, 2.3e-3, 9.8e-4, 4.2e-4, 2.0e-4, 1.5e-4 — monotone",
            format!("{} (largest factor from the reference {factor:.1})", list(&finals)),
            decreasing(&finals) && factor < SAME_ORDER,
        );
        self.note("Fig. 4 left: the published S3.1 script duplicates S2, so the figure's setup is not published; we use the guessed setup of docs/paper.md §7 item 10 (S3.2's problem, read noise 0.1, α = 0.1, 400 iterations, Δw_min = 1e-4, BL 5000).");
        Ok(())
    }

    pub(super) fn fig4_middle(&mut self) -> Result<(), String> {
        let vars = [1e-3, 1e-2, 1e-1, 1.0];
        let base = format!("{}&tau=2&alpha=0.1&steps=200&sigma=0&bl=5000&algos=analog", self.s3());
        let queries: Vec<String> = vars.iter().map(|v: &f64| format!("{base}&read_noise={}", v.sqrt())).collect();
        let runs = run_all(&queries, self.threads)?;
        let scale = 1.0 / 50.0;
        let finals: Vec<f64> = runs.iter().map(|e| tail(e, Analog) * scale).collect();
        let curves = curves_of(&runs, vars.iter().map(|v| format!("σ² = {v}")), Analog, scale);
        self.figure("fig4_middle", &[loss_chart("Fig. 4 middle: noise ablation", "MSE / (2D)", curves)])?;
        let rising = finals.windows(2).all(|w| w[1] > w[0]);
        self.claim(
            "4b",
            "P",
            "Fig. 4 middle: the error increases monotonically in σ²",
            format!("MSE/(2D), last 20 % of 200 steps, σ² = 1e-3, 1e-2, 1e-1, 1: {}", list(&finals)),
            rising,
        );
        let reference = [1.5e-3, 4.6e-3, 1.4e-2, 4.3e-2];
        let factor = worst_factor(&finals, &reference);
        self.claim(
            "9",
            "S",
            "Fig. 4 middle, pulse model (S3.2 setup): ≈ 1.5e-3, 4.6e-3, 1.4e-2, 4.3e-2",
            format!("{} (largest factor from the reference {factor:.1})", list(&finals)),
            rising && factor < SAME_ORDER,
        );
        Ok(())
    }

    pub(super) fn fig4_right(&mut self) -> Result<(), String> {
        let noise = 0.01 / 50f64.sqrt();
        let base = format!("{}&tau=1&alpha=0.1&steps=50&sigma=0&read_noise={noise}&bl=400&algos=analog", self.s3());
        // Digital warm starts: 10, 20, 30 iterations of digital GD from 0 on the same problem.
        let warm: Vec<String> =
            [10, 20, 30].iter().map(|k| format!("problem=lsq&dim=50&xstar_scale=0.5&a_scale=1&data_seed=42&alpha=0.1&sigma={noise}&steps={k}&algos=digital")).collect();
        let warm_runs = run_all(&warm, self.threads)?;
        let mut labels: Vec<String> = vec![
            "W₀ = 1e3 (clipped to 100, then to τ)".into(),
            "W₀ = 1e2".into(),
            "W₀ = 1e1".into(),
            "W₀ = 1".into(),
            "W₀ = 1e-2".into(),
        ];
        let mut queries: Vec<String> =
            ["100", "100", "10", "1", "0.01"].iter().map(|w| format!("{base}&w0={w}")).collect();
        for (k, r) in warm_runs.iter().enumerate() {
            let w = r.first().tracks[0]
                .algo
                .w
                .iter()
                .map(|x| crate::sim::scenario::fmt_f64(*x))
                .collect::<Vec<_>>()
                .join(",");
            queries.push(format!("{base}&w0={w}"));
            labels.push(format!("digital warm start, {} iterations", 10 * (k + 1)));
        }
        let runs = run_all(&queries, self.threads)?;
        let scale = 2.0 / 50.0; // MSE/D
        let finals: Vec<f64> = runs.iter().map(|e| tail(e, Analog) * scale).collect();
        let curves = runs
            .iter()
            .enumerate()
            .map(|(k, e)| Curve {
                label: labels[k].clone(),
                color: PALETTE[k % 6],
                dash: if k >= 5 { Some((6.0, 3.0)) } else { None },
                points: curve(e.first(), Analog, scale),
            })
            .collect();
        self.figure("fig4_right", &[loss_chart("Fig. 4 right: initialisation ablation", "MSE / D", curves)])?;
        let spread = spread(&finals);
        self.claim(
            "4c",
            "P",
            "Fig. 4 right: every initialisation converges to the same error (criterion here: final errors within a factor 2)",
            format!("MSE/D, last 10 of 50 steps, for W₀ = 1e3, 1e2, 1e1, 1, 1e-2 and warm starts 10, 20, 30: {} (max/min = {spread:.2})", list(&finals)),
            spread < 2.0,
        );
        self.note("Fig. 4 right: the script's true bias 0.1 and input clipping (inp_bound = 1) are not modelled (the playground's layer has no bias); W₀ above the key range is clipped to 100, and the first pulse clips every weight to the device's ±τ, as aihwkit's set_weights is assumed to (not verified, docs/paper.md §9).");
        Ok(())
    }
}
