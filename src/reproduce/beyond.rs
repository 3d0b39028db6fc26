//! Claims B1–B3: the algorithms beyond Tiki-Taka, with the symmetric point at zero and off it.
//! "Reaches" and "recovers" mean: the distance of the tail-mean W to the optimum is within 2× of
//! what Tiki-Taka reaches with the symmetric point at zero (issue #9).

use super::{run_all, Ctx};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::Ensemble;

/// Everything but the digital reference.
const ALL: &str = "analog,tt,ttv2,cttv2,agad,rl,rlv2,rider,erider";

/// ‖tail mean of W − optimum‖ of `key`'s (first) track.
fn distance(e: &Ensemble, key: &str) -> f64 {
    let run = e.first();
    let kind = AlgorithmKind::from_key(key).expect("known key");
    run.track(kind).map_or(f64::NAN, |t| {
        t.tail.w_mean().iter().zip(&run.optimum).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt()
    })
}

fn listed(e: &Ensemble, keys: &str) -> String {
    keys.split(',').map(|k| format!("{k} {}", crate::figures::fmt_num(distance(e, k)))).collect::<Vec<_>>().join(", ")
}

impl Ctx<'_> {
    pub(super) fn beyond(&mut self) -> Result<(), String> {
        let steps = if self.quick { 10_000 } else { 40_000 };
        let scene = format!("problem=quadratic&steps={steps}&chop_prob=0.02");
        let shifted = "tt,ttv2,rl,rlv2";
        let queries = vec![
            format!("problem=quadratic&algos={ALL}"),
            format!("{scene}&algos=tt"),
            format!("{scene}&algos={ALL}&sp=0.4"),
            format!("{scene}&algos={shifted}&sp=0.4&zero_shift=1&zs_pulses=10000"),
            // B1 without gradient noise: separates the noise's share of the misses.
            format!("problem=quadratic&sigma=0&algos={ALL}"),
        ];
        let runs = run_all(&queries, self.threads)?;
        let within =
            |e: &Ensemble, keys: &str, reference: f64| keys.split(',').all(|k| distance(e, k) < 2.0 * reference);

        let tt0 = distance(&runs[0], "tt");
        self.claim_with_direction(
            "B1",
            "issue #9",
            "With the symmetric point at zero every algorithm reaches the optimum on the 2-D default scene (expected dynamic, default parameters): within 2× of Tiki-Taka's distance",
            format!("‖W̄ − w*‖: {}; without gradient noise (σ = 0): {}", listed(&runs[0], ALL), listed(&runs[4], ALL)),
            within(&runs[0], "ttv2,cttv2,agad,rl,rlv2,rider,erider", tt0),
            within(&runs[0], "ttv2,rl,rlv2", tt0),
        );
        let reference = distance(&runs[1], "tt");
        self.claim_with_direction(
            "B2",
            "Rasch 2024; F1; F2",
            "Symmetric point off zero (2-D scene, sp = 0.4, chop_prob = 0.02): c-TTv2, AGAD, RIDER, E-RIDER and the zero-shifted Tiki-Taka family recover, within 2× of Tiki-Taka at sp = 0",
            format!(
                "Tiki-Taka at sp = 0: {}; at sp = 0.4: {}; with zero-shifting (10,000 pulses per element): {}",
                crate::figures::fmt_num(reference),
                listed(&runs[2], ALL),
                listed(&runs[3], shifted)
            ),
            within(&runs[2], "cttv2,agad,rider,erider", reference) && within(&runs[3], shifted, reference),
            within(&runs[2], "agad", reference) && within(&runs[3], shifted, reference),
        );

        // The published 1,000 steps even in quick mode: 500 do not reach the floor at c = 0.
        let steps = 1000;
        let fig2 = format!("problem=lsq&dim=50&xstar_scale=0.5&a_scale=1&data_seed=42&w0=1&alpha=0.8&beta=0.8&gamma=0.4&tau=3.5&sigma=0&pulses=1&dw_min=0.0001&bl=8&transfer_bl=31&steps={steps}");
        let queries = vec![
            format!("{fig2}&algos=tt&up_down=0"),
            format!("{fig2}&algos={ALL}&up_down=0.2"),
            format!("{fig2}&algos={ALL}&up_down=0.2&zero_shift=1&zs_pulses=400000"),
        ];
        let runs = run_all(&queries, self.threads)?;
        let reference = distance(&runs[0], "tt");
        self.claim_with_direction(
            "B3",
            "Rasch 2024; F1; F2",
            "Follow-up Fig. 2 at c = 0.2 (symmetric point cτ = 0.7), pulse level: the same algorithms recover, within 2× of Tiki-Taka at c = 0",
            format!(
                "‖W − x*‖, Tiki-Taka at c = 0: {}; at c = 0.2: {}; with zero-shifting (400,000 pulses per element): {}",
                crate::figures::fmt_num(reference),
                listed(&runs[1], ALL),
                listed(&runs[2], ALL)
            ),
            within(&runs[1], "cttv2,agad,rider,erider", reference) && within(&runs[2], shifted, reference),
            distance(&runs[2], "tt") < distance(&runs[1], "tt") / 100.0,
        );
        self.note("Beyond Tiki-Taka (B1–B3): the transfer is aihwkit's (transfer_bl = 31 with update management, all columns every step). c-TTv2's and AGAD's buffer, chopper and reference were checked against aihwkit's C++ (rpu_chopped_transfer_device.cpp, rpu_dynamic_transfer_device.cpp): the buffer receives the chopper-signed lr·read(P) in units of Δw_min, the chopper flips after the read, nothing happens to P at a flip, AGAD's reference is the running mean at the first read after a switch, and AGAD writes W only after more than N passes. Two aihwkit defaults differ from the playground's: its buffered compounds clip a transfer to one pulse (transfer_update.desired_bl = 1; the playground uses the issue's transfer_bl = 31, with 1 B1 gives ttv2 0.045, cttv2 0.37, agad 0.157 and AGAD misses B2 at 0.052), and ChoppedTransferCompound and DynamicTransferCompound write P at fast_lr = 1 not scaled by lr, 1/lr times faster than TransferCompound (the playground writes every P at α).");
        self.note("B1's misses: without gradient noise (σ = 0, in the row) every algorithm but c-TTv2 reaches w* (≤ 3e-4), so AGAD's and E-RIDER's misses are the noise's, through W's device. Holding W_i at w*_i needs a mean transfer E|ΔW_i|·(w*_i − sp)/τ per step against the pull to W's symmetric point, which a gradient bias must supply; chopping lowers the gain from gradient to mean transfer. Tiki-Taka's leaky P gives β·τ/E|g| ≈ 0.25 (memory τ/(α·E|g|) ≈ 50 steps); AGAD's reference restarts the accumulation every N = ⌈1/chop_prob⌉ = 10 reads, ≈ β·α·(N + 1)/2 ≈ 0.03; a random chopper (c-TTv2, E-RIDER) leaves ≈ β·α/(2p + α·E|g|/τ) ≈ 0.02. Tail E|ΔW₁| per step: Tiki-Taka 7.0e-3, AGAD 3.5e-3, E-RIDER 5.8e-3; AGAD's bias on w₁ over Tiki-Taka's, predicted 3.9, measured 3.4. With n_reads = 1 (aihwkit's only option for the chopped compounds; the chopper period in steps doubles) c-TTv2 gives 0.148 and AGAD 0.068.");
        self.note("c-TTv2 misses B1 even without noise (0.30; 0.0065 at chop_prob 0.01; 1e-4 at 0, where it is TT-v2): P forgets only as fast as gradient pulses arrive (∝ α|∇f|/τ), and each flip turns its leftover content, read as c·P, into a ± telegraph on W (tail E|ΔW₁| 1.4e-2 per step at σ = 0, 200× Tiki-Taka's) that pulls W to its symmetric point. E-RIDER's Q removes that slow part of P, so E-RIDER converges without noise. The earlier reading 'stale P content reaches the buffer with the wrong sign' is this mechanism: stale content lowers the gain and, without noise, is the telegraph.");
        self.note("Checked against aihwkit 1.1.0 on the same 2-D problem without noise (a 2×1 AnalogLinear trained on A = diag(1, √3), b = A·w*, SoftBounds ±1 with Δw_min = 1e-3, fast_lr 0.05, lr 0.1, main BL 5000, aihwkit's defaults otherwise: one column per step, transfer BL 1; 8000 steps, one seed, tail-mean distance): with perfect transfer reads c-TTv2 gives 0.39 at in_chop_prob 0.1, 0.11 at 0.01 and 1e-4 at 0, AGAD 2.4e-4 and TT-v2 6.6e-4; the playground at the same settings (pulses=1, n_reads=1, transfer_bl=1) 0.32, 0.078, 7e-4, 1e-4 and 1e-4. With aihwkit's default transfer_forward IO (out_noise 0.06) AGAD reaches only 0.16 and c-TTv2 0.37; the playground with transfer_read_noise = 0.06 gives 0.10 and 0.30. So c-TTv2's miss at chop_prob 0.1 is aihwkit's too.");
        self.note("RIDER is the paper's Algorithm 2 as its appendix proofs write it out (its HTML rendering drops the display equations): Q_{k+1} = (1 − η)Q_k + ηP_{k+1} (proof of Lemma 3.5), gradients at W + γ_r(P − Q), W_{k+1} = W_k + β(P_{k+1} − Q_k) under W's response (App. E.3, eq. 90). P − Q is P minus a unit-gain low-pass of P, so its sum telescopes and W − (β/η)Q is conserved on an ideal device (unit test rider_conserves_w_minus_beta_over_eta_q_on_an_ideal_device), whatever P does. W then reaches w* only if P parks at Q₀ + (η/β)(w* − W₀) = (0.55, −0.45) here, off its symmetric point. Without noise it does (B1 at σ = 0: distance 0, P = (0.66, −0.48)); at σ = 0.5 the asymmetric P is pulled back and the zero-mean transfer pulls W to its own symmetric point (W = (0.00, −0.01), P pinned at (0.92, −1.0), distance ≈ ‖w*‖ = 0.72). So the paper's Theorem 3.7 (convergence to Θ(Δw_min)) cannot hold for a generic start of Algorithm 2 on an ideal W device; the paper's experiments all run E-RIDER, and its Fig. 5 finds the chopper off (RIDER) clearly worse. E-RIDER breaks the invariant: its transfer carries c·(P − Q̃) while Q integrates P − Q unchopped, and Q̃ holds between flips. E-RIDER's P and W updates (eqs. 18a, 18b) are not written out in the text; ours chop P's gradient and the transfer, as the text describes. Reprogramming Q̃ at each flip (the paper's schedule, the default since this round) instead of every 10 steps moves E-RIDER's B1 distance from 0.169 to 0.141 and its B2 distance from 0.0713 to 0.0395 (the 2× bound there is 0.0388).");
        self.note("B3: in the Fig. 2 setting c-TTv2 and E-RIDER miss even at c = 0 (3.2 and 2.0 against Tiki-Taka's 7.2e-4 in the same run; AGAD 6.8e-3, RIDER 1.1e-2); without flips (chop_prob = 0) c-TTv2 reaches 5.3e-4 and E-RIDER 1.3e-2: the chopper mechanism of B1. The direction of B3 is that zero-shifting improves Tiki-Taka by 100×; its residual is the estimate's error (the walk's fluctuation, ≈ √(Δw_min·τ)), which the follow-up's pulse count N = O(δ⁻¹Δw_min⁻¹) predicts shrinks only slowly with more pulses.");
        Ok(())
    }
}
