//! Fig. 1 (claims 2 and 8): Digital vs Analog SGD at pulse level across the step size α.

use super::{curve, decreasing, list, loss_chart, run_all, spread, tail, worst_factor, Ctx, PALETTE, SAME_ORDER};
use crate::figures::curves::Curve;
use crate::sim::algorithm::AlgorithmKind::{Analog, Digital};

impl Ctx<'_> {
    pub(super) fn fig1(&mut self) -> Result<(), String> {
        let alphas: &[f64] = if self.quick { &[0.2, 0.1, 0.05] } else { &[0.2, 0.1, 0.05, 0.03] };
        let noise = 0.01 / 40f64.sqrt();
        let mut queries = Vec::new();
        for &a in alphas {
            // The paper runs 2,500 iterations; at small α the pulse-level Analog SGD is still
            // converging then, so the plateau is measured on runs of at least 300/α steps.
            let steps = (300.0 / a).round().max(2500.0);
            let base = format!("problem=lsq&xstar_scale=0.45&a_scale=1&data_seed=42&steps={steps}&device=ald&tau=3");
            queries.push(format!("{base}&alpha={a}&algos=digital&sigma={noise}"));
            queries.push(format!(
                "{base}&alpha={a}&algos=analog&sigma=0&read_noise={noise}&pulses=1&dw_min=0.0001&bl=800"
            ));
            queries.push(format!("{base}&alpha={a}&algos=analog&sigma={noise}"));
        }
        let runs = run_all(&queries, self.threads)?;
        let scale = 2.0 / 40.0; // MSE/D
        let (mut digital, mut pulsed, mut dynamic) = (vec![], vec![], vec![]);
        let mut curves = Vec::new();
        for (k, a) in alphas.iter().enumerate() {
            let (d, p, y) = (&runs[3 * k], &runs[3 * k + 1], &runs[3 * k + 2]);
            digital.push(tail(d, Digital) * scale);
            pulsed.push(tail(p, Analog) * scale);
            dynamic.push(tail(y, Analog) * scale);
            let color = PALETTE[k];
            curves.push(Curve {
                label: format!("Digital SGD, α = {a}"),
                color,
                dash: Some((3.0, 3.0)),
                points: curve(d.first(), Digital, scale),
            });
            curves.push(Curve {
                label: format!("Analog SGD (pulses), α = {a}"),
                color,
                dash: None,
                points: curve(p.first(), Analog, scale),
            });
        }
        self.figure("fig1", &[loss_chart("Fig. 1: Digital vs Analog SGD (pulse level) across α", "MSE / D", curves)])?;
        let last = alphas.len() - 1;
        let digital_falls = decreasing(&digital) && digital[0] / digital[last] > 0.5 * alphas[0] / alphas[last];
        let analog_flat = spread(&pulsed) < 2.0;
        let above = pulsed.iter().zip(&digital).all(|(a, d)| a > &(3.0 * d));
        self.claim(
            "2",
            "P",
            "Fig. 1: Digital SGD's plateau ∝ α; Analog SGD's is roughly flat in α and well above digital",
            format!(
                "plateaus (MSE/D, last 20 % of max(2,500, 300/α) steps) at α = {} — Digital SGD: {}; Analog SGD (pulses): {}",
                list(alphas),
                list(&digital),
                list(&pulsed)
            ),
            digital_falls && analog_flat && above,
        );
        let close = [0usize, last].iter().all(|&k| dynamic[k] / digital[k] < 5.0 && dynamic[k] * 10.0 < pulsed[k]);
        let order = worst_factor(&pulsed, &vec![5.4e-6; pulsed.len()]);
        self.claim(
            "8",
            "S",
            "Fig. 1 needs the pulse model: the eq. 3 dynamic with S1's tiny σ gives Analog ≈ Digital (here: within 5×, and ≥ 10× below the pulse plateau); the pulse model gives a flat plateau ≈ 4.6e-6 to 6.3e-6",
            format!(
                "eq. 3 dynamic with σ = 0.01/√40: Analog {} vs Digital {} at α = {} and {}; pulse model: {} (flat within 2×: {}; largest factor from 5.4e-6: {order:.1})",
                list(&[dynamic[0], dynamic[last]]),
                list(&[digital[0], digital[last]]),
                alphas[0],
                alphas[last],
                list(&pulsed),
                if analog_flat { "yes" } else { "no" }
            ),
            close && analog_flat && order < SAME_ORDER,
        );
        Ok(())
    }
}
