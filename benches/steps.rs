//! Steps per second of each algorithm, natively (a benchmark, not a test).
//!
//! Run with `cargo bench --bench steps`; results are recorded in `BENCHMARKS.md`.
//! Each measurement steps one algorithm of a full `Run` (noise draw, step, recording), so it is
//! the throughput the CLI and the browser see.

use analog_playground::sim::{Run, Scenario};
use std::time::Instant;

fn steps_per_second(query: &str, steps: u64) -> f64 {
    let scenario = Scenario::parse(&format!("{query}&steps={steps}")).expect("valid benchmark scenario");
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let mut run = Run::new(&scenario);
        let t = Instant::now();
        run.run_to_end();
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(&run.tracks[0].algo.w);
    }
    steps as f64 / best
}

fn main() {
    println!("| problem | algorithm | steps/s (best of 3) |");
    println!("|---|---|---|");
    for (problem, query, steps) in [
        ("quadratic 2-D", "problem=quadratic&tau=0.8&sigma=1&alpha=0.01", 10_000_000u64),
        ("lsq D=40 N=100", "problem=lsq", 2_000_000u64),
    ] {
        for algo in ["digital", "analog", "tt"] {
            let sps = steps_per_second(&format!("{query}&algos={algo}"), steps);
            println!("| {problem} | {algo} | {sps:.3e} |");
        }
        let sps = steps_per_second(&format!("{query}&algos=digital,analog,tt"), steps / 3);
        println!("| {problem} | all three in lockstep | {sps:.3e} |");
    }
    // Pulse level: per-weight pulses on the quadratic; aihwkit-style stochastic pulse trains on
    // lsq, one rank-1 update per sample (100 per step), at the paper's Fig. 3 setting.
    for (problem, query, steps) in [
        (
            "quadratic 2-D, pulse level (Δw_min = 1e-3)",
            "problem=quadratic&tau=0.8&sigma=1&alpha=0.01&pulses=1&dw_min=0.001",
            2_000_000u64,
        ),
        (
            "lsq, pulse level (Fig. 3: τ = 1, Δw_min = τ/300, BL 5000)",
            "problem=lsq&tau=1&sigma=0.1&alpha=0.03&pulses=1&dw_min=0.00333&bl=5000",
            20_000u64,
        ),
        (
            "lsq, pulse level, read noise 0.021 instead of σ",
            "problem=lsq&tau=1&sigma=0&read_noise=0.021&alpha=0.03&pulses=1&dw_min=0.00333&bl=5000",
            20_000u64,
        ),
    ] {
        for algo in ["analog", "tt"] {
            let sps = steps_per_second(&format!("{query}&algos={algo}"), steps);
            println!("| {problem} | {algo} | {sps:.3e} |");
        }
    }
    // Beyond Tiki-Taka: each algorithm against Tiki-Taka in the same process (issue #9: none
    // below half of Tiki-Taka's).
    println!();
    println!("| problem | algorithm | steps/s (best of 3) | ÷ Tiki-Taka |");
    println!("|---|---|---|---|");
    for (problem, query, steps) in [
        ("quadratic 2-D", "problem=quadratic&tau=0.8&sigma=1&alpha=0.01", 4_000_000u64),
        ("lsq D=40 N=100", "problem=lsq", 400_000),
        ("quadratic 2-D, pulse level", "problem=quadratic&tau=0.8&sigma=1&alpha=0.01&pulses=1&dw_min=0.001", 1_000_000),
        (
            "lsq, pulse level (Fig. 3 setting)",
            "problem=lsq&tau=1&sigma=0.1&alpha=0.03&pulses=1&dw_min=0.00333&bl=5000",
            5_000,
        ),
    ] {
        let tt = steps_per_second(&format!("{query}&algos=tt"), steps);
        println!("| {problem} | tt | {tt:.3e} | 1 |");
        for algo in ["ttv2", "cttv2", "agad", "rl", "rlv2", "rider", "erider"] {
            let sps = steps_per_second(&format!("{query}&algos={algo}"), steps);
            println!("| {problem} | {algo} | {sps:.3e} | {:.2} |", sps / tt);
        }
    }
}
