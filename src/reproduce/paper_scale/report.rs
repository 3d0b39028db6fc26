//! The merge's output: the paper-scale Fig. 5 table beside the paper's, the accuracy per epoch
//! at each τ (SVG and CSV), the collapse diagnostics (predicted classes, output tile's out scale)
//! and REPRODUCTION.md with the verdict computed from the numbers. Nothing here depends on how
//! the cells were scheduled, so sharded and unsharded runs give the same bytes.

use super::cell::CellRow;
use super::{Grid, PaperNet};
use crate::figures::digits::{draw_accuracy, track_label, EpochSeries};
use crate::figures::{svg_string, Theme};
use crate::reproduce::fig5::{last_epochs, LAST_EPOCHS};
use crate::sim::numeric::seed_mean_sd;
use std::path::Path;

/// One configuration's seeds, summarised per epoch (accuracies in %).
struct Config {
    track: &'static str,
    tau: Option<f64>,
    mean: Vec<f64>,
    sd: Vec<f64>,
    /// Per epoch, the seed mean of the largest share of the test set predicted as one class (%).
    top_class: Vec<f64>,
    /// Per epoch, the seed mean of the output layer's (last tile's) learned out scale.
    out_scale: Vec<Option<f64>>,
}

impl Config {
    /// The paper's metric: the mean of the last epochs of the seed mean, ± the mean seed std.
    fn metric(&self) -> (f64, f64) {
        // Epoch 0 is the untrained network, never part of the metric.
        last_epochs(&self.mean, &self.sd, 1, 1.0)
    }
}

fn summarise(grid: Grid, cells: &[Vec<CellRow>]) -> Vec<Config> {
    let seeds = grid.seeds as usize;
    grid.configs()
        .into_iter()
        .enumerate()
        .map(|(k, (track, tau))| {
            let runs = &cells[k * seeds..(k + 1) * seeds];
            let per_epoch = |f: &dyn Fn(&CellRow) -> f64| -> Vec<(f64, f64)> {
                (0..=grid.epochs as usize)
                    .map(|e| seed_mean_sd(&runs.iter().map(|r| f(&r[e])).collect::<Vec<_>>()))
                    .collect()
            };
            let acc = per_epoch(&|r| 100.0 * r.record.test_accuracy);
            let top = per_epoch(&|r| {
                let total = r.predicted.iter().sum::<u64>().max(1) as f64;
                100.0 * *r.predicted.iter().max().unwrap_or(&0) as f64 / total
            });
            let scale = (!runs[0][0].scales.is_empty()).then(|| per_epoch(&|r| *r.scales.last().unwrap_or(&f64::NAN)));
            Config {
                track,
                tau,
                mean: acc.iter().map(|a| a.0).collect(),
                sd: acc.iter().map(|a| a.1).collect(),
                top_class: top.iter().map(|t| t.0).collect(),
                out_scale: (0..=grid.epochs as usize).map(|e| scale.as_ref().map(|s| s[e].0)).collect(),
            }
        })
        .collect()
}

/// Writes `fig5_paper_scale.{csv,svg}` and `REPRODUCTION.md`; returns the verdict.
pub fn write(out: &Path, grid: Grid, cells: &[Vec<CellRow>]) -> Result<String, String> {
    let configs = summarise(grid, cells);
    let find =
        |track: &str, tau: Option<f64>| configs.iter().find(|c| c.track == track && c.tau == tau).expect("config");
    let digital = find("digital", None).metric();
    let taus = grid.net.taus();
    let analog: Vec<(f64, f64)> = taus.iter().map(|&t| find("analog_pulse", Some(t)).metric()).collect();
    let tt: Vec<(f64, f64)> = taus.iter().map(|&t| find("tt_pulse", Some(t)).metric()).collect();
    let verdict = match grid.net {
        PaperNet::Fcn => fcn_verdict(digital, &analog, &tt),
        PaperNet::Cnn => cnn_verdict(digital, &analog, &tt),
    };

    let name = "fig5_paper_scale";
    std::fs::write(out.join(format!("{name}.csv")), csv(grid, &configs)).map_err(|e| e.to_string())?;
    let svg = svg_string((1200, 440), |root| {
        let panels = root.split_evenly((1, taus.len()));
        for (area, &tau) in panels.iter().zip(&taus) {
            area.fill(&Theme::LIGHT.bg).map_err(|e| format!("{e:?}"))?;
            let title = match grid.seeds {
                1 => format!("τ = {tau}: test accuracy per epoch, 1 seed"),
                n => format!("τ = {tau}: test accuracy per epoch, mean of {n} seeds, ±1 std"),
            };
            let area = area.titled(&title, ("sans-serif", 13.0 * 1.24)).map_err(|e| format!("{e:?}"))?;
            let series: Vec<EpochSeries> =
                [find("digital", None), find("analog_pulse", Some(tau)), find("tt_pulse", Some(tau))]
                    .iter()
                    .map(|c| EpochSeries {
                        key: c.track.into(),
                        label: track_label(c.track),
                        values: c.mean.iter().map(|m| m / 100.0).collect(),
                        spread: Some(c.sd.iter().map(|s| s / 100.0).collect()),
                    })
                    .collect();
            draw_accuracy(&area, &series, grid.epochs, &Theme::LIGHT, 1.0).map_err(|e| format!("{e:?}"))?;
        }
        Ok(())
    })?;
    std::fs::write(out.join(format!("{name}.svg")), svg).map_err(|e| e.to_string())?;
    let md = markdown(grid, &configs, digital, &analog, &tt, &verdict);
    std::fs::write(out.join("REPRODUCTION.md"), md).map_err(|e| e.to_string())?;
    Ok(verdict)
}

/// The FCN's claims, measured: Analog SGD fails at 0.70 and is within 1 point of Digital SGD at
/// 0.78 and 0.80; Tiki-Taka is within 1 point of Digital SGD at every τ.
fn fcn_verdict(digital: (f64, f64), analog: &[(f64, f64)], tt: &[(f64, f64)]) -> String {
    let fails_07 = analog[0].0 < 20.0;
    let recovers = analog[1..].iter().all(|a| digital.0 - a.0 <= 1.0);
    let tt_close = tt.iter().all(|t| digital.0 - t.0 <= 1.0);
    let tt_beats = tt.iter().zip(analog).all(|(t, a)| t.0 > a.0);
    match (fails_07, recovers, tt_close) {
        (true, true, true) => "the paper's pattern holds: Analog SGD fails at τ = 0.70 and is within 1 point of Digital SGD at 0.78 and 0.80; Tiki-Taka is within 1 point of Digital SGD at every τ".to_string(),
        (true, false, true) => "half of the paper's pattern: Analog SGD fails at τ = 0.70 and Tiki-Taka is within 1 point of Digital SGD at every τ, but Analog SGD does not recover at τ = 0.78 and 0.80".to_string(),
        _ => format!(
            "the paper's pattern does not hold as a whole (Analog SGD fails at 0.70: {}; recovers at 0.78/0.80: {}; Tiki-Taka within 1 point of digital: {}); Tiki-Taka beats Analog SGD at every τ: {}",
            yes(fails_07), yes(recovers), yes(tt_close), yes(tt_beats)
        ),
    }
}

/// The CNN's claims, measured: Analog SGD is more than 6 points below Digital SGD at every τ
/// ("always drops by > 6 %"); Tiki-Taka is within 1 point of Digital SGD at every τ.
fn cnn_verdict(digital: (f64, f64), analog: &[(f64, f64)], tt: &[(f64, f64)]) -> String {
    let drops = analog.iter().all(|a| digital.0 - a.0 > 6.0);
    let tt_close = tt.iter().all(|t| digital.0 - t.0 <= 1.0);
    let tt_beats = tt.iter().zip(analog).all(|(t, a)| t.0 > a.0);
    if drops && tt_close {
        "the paper's pattern holds: Analog SGD is more than 6 points below Digital SGD at every τ, and Tiki-Taka is within 1 point of Digital SGD at every τ".to_string()
    } else {
        format!(
            "the paper's pattern does not hold as a whole (Analog SGD more than 6 points below digital at every τ: {}; Tiki-Taka within 1 point of digital: {}); Tiki-Taka beats Analog SGD at every τ: {}",
            yes(drops), yes(tt_close), yes(tt_beats)
        )
    }
}

fn csv(grid: Grid, configs: &[Config]) -> String {
    let mut text = format!("# Fig. 5 {} at paper scale: full MNIST, {} epochs, {} seeds; accuracy in %, the mean of the last {LAST_EPOCHS} epochs of the seed mean, and the mean seed std\ntrack,tau,accuracy,std\n", grid.net.name().to_uppercase(), grid.epochs, grid.seeds);
    for c in configs {
        let (m, s) = c.metric();
        text.push_str(&format!("{},{},{m:.3},{s:.3}\n", c.track, c.tau.map_or(String::new(), |t| t.to_string())));
    }
    text.push_str("\n# per epoch: seed mean and std of the test accuracy (%), the largest share of the test set predicted as one class (%), the output tile's learned out scale\nepoch,track,tau,accuracy,std,top_class,out_scale\n");
    for c in configs {
        for e in 0..c.mean.len() {
            text.push_str(&format!(
                "{e},{},{},{:.3},{:.3},{:.2},{}\n",
                c.track,
                c.tau.map_or(String::new(), |t| t.to_string()),
                c.mean[e],
                c.sd[e],
                c.top_class[e],
                c.out_scale[e].map_or(String::new(), |s| format!("{s:.4}"))
            ));
        }
    }
    text
}

fn markdown(
    grid: Grid,
    configs: &[Config],
    digital: (f64, f64),
    analog: &[(f64, f64)],
    tt: &[(f64, f64)],
    verdict: &str,
) -> String {
    // One seed has no spread to show.
    let cell =
        |a: (f64, f64)| if grid.seeds == 1 { format!("{:.2}", a.0) } else { format!("{:.2} ± {:.2}", a.0, a.1) };
    let net = grid.net.name().to_uppercase();
    let paper = Grid::paper(grid.net);
    let mut md = if grid == paper {
        format!("# Fig. 5 ({net}) at the paper's scale\n\n")
    } else {
        // A reduced grid never passes for the paper's.
        format!(
            "# Fig. 5 ({net}) on full MNIST, a reduced grid: {} of the paper's {} epochs, {} of its {} seeds\n\n",
            grid.epochs, paper.epochs, grid.seeds, paper.seeds
        )
    };
    let setup = match grid.net {
        PaperNet::Fcn => "the paper's network 784-256-128-10 and `preset=paper-fcn` at pulse level (aihwkit's SoftBoundsReference device and IO, BL 31, TT-v1, learned out scales, 512-input tiles), batch 10",
        PaperNet::Cnn => "the paper's CNN (5×5 convolutions 1→16 and 16→32, each with tanh and 2×2 max-pooling, then 512-128-10 with tanh) and `preset=paper-cnn` at pulse level (the FCN preset's device, IO, Tiki-Taka and mapping; a convolution's tile is applied to every patch, one pulse-train update per patch, as aihwkit's AnalogConv2d), batch 8",
    };
    md.push_str(&format!(
        "Generated by `playground reproduce --scale paper{} --out …` (or its parts, `--shard I/N`, then `--merge`); do not edit by hand. Full MNIST (60,000 training / 10,000 test images), {setup}, α = 0.05, StepLR(35, 0.1), **{} epoch{}, {} seed{}**. Test accuracy in %: the mean over the last {LAST_EPOCHS} epochs of the seed-mean accuracy, ± the mean over those epochs of the standard deviation over seeds (the sample standard deviation, dividing by seeds − 1).\n\n",
        super::grid_flags(grid),
        grid.epochs,
        if grid.epochs == 1 { "" } else { "s" },
        grid.seeds,
        if grid.seeds == 1 { "" } else { "s" }
    ));
    let taus = grid.net.taus();
    md.push_str(&format!(
        "| | {} |\n|---|{}\n",
        taus.map(|t| format!("τ = {t:.2}")).join(" | "),
        "---|".repeat(taus.len())
    ));
    md.push_str(&format!("| Digital SGD (ours) | {} | {} | {} |\n", cell(digital), cell(digital), cell(digital)));
    md.push_str(&format!(
        "| Analog SGD (ours) | {} |\n",
        analog.iter().map(|a| cell(*a)).collect::<Vec<_>>().join(" | ")
    ));
    md.push_str(&format!("| Tiki-Taka (ours) | {} |\n", tt.iter().map(|a| cell(*a)).collect::<Vec<_>>().join(" | ")));
    for (k, name) in ["Digital SGD", "Analog SGD", "Tiki-Taka"].iter().enumerate() {
        md.push_str(&format!("| {name} (paper) |"));
        for (_, row) in grid.net.paper() {
            md.push_str(&format!(" {:.2} ± {:.2} |", row[k].0, row[k].1));
        }
        md.push('\n');
    }
    md.push_str(&format!("\n**Verdict:** {verdict}.\n\n"));
    md.push_str(match grid.net {
        PaperNet::Fcn => "The paper's numbers are quoted from docs/paper.md §5 (aihwkit 0.9 on GPUs), never drawn as ours. The CNN columns (τ = 0.6, 0.7, 0.8) are a grid of their own: `playground reproduce --scale paper --net cnn`.\n\n",
        PaperNet::Cnn => "The paper's numbers are quoted from docs/paper.md §5 (aihwkit 0.9 on GPUs), never drawn as ours. The FCN columns (τ = 0.70, 0.78, 0.80) are a grid of their own: `playground reproduce --scale paper` (`--net fcn`).\n\n",
    });
    md.push_str("## Collapse diagnostics\n\nPer epoch, seed means: test accuracy (%), the largest share of the test set predicted as one class (%; 100 is a network that answers one class for everything) and the output tile's learned out scale.\n\n");
    let shown: Vec<usize> =
        [0u64, 1, 2, 5, 10, 20, 35, 40, 60, 80].into_iter().filter(|&e| e <= grid.epochs).map(|e| e as usize).collect();
    md.push_str(&format!(
        "| track | τ | {} |\n|---|---|{}\n",
        shown.iter().map(|e| format!("ep {e}")).collect::<Vec<_>>().join(" | "),
        "---|".repeat(shown.len())
    ));
    for c in configs {
        let entries: Vec<String> = shown
            .iter()
            .map(|&e| match c.out_scale[e] {
                Some(s) => format!("{:.1} / {:.0} / {s:.2}", c.mean[e], c.top_class[e]),
                None => format!("{:.1} / {:.0}", c.mean[e], c.top_class[e]),
            })
            .collect();
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            track_label(c.track),
            c.tau.map_or("–".into(), |t| t.to_string()),
            entries.join(" | ")
        ));
    }
    md.push_str("\nEach entry: accuracy / top class share / out scale (Digital SGD has no out scale).\n\n## Figure\n\n![Test accuracy per epoch at each τ](fig5_paper_scale.svg)\n\nData: [fig5_paper_scale.csv](fig5_paper_scale.csv); the cells, one file per track and seed: [cells/](cells/).\n");
    md
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}
