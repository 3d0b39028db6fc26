//! Small multiples (`multiples=tau:0.5,1,5`): the same scenario run once per value of one numeric
//! key, on the same seed (identical noise), each run drawn to its end side by side in one figure —
//! the landscape (or the 1-D view), or on networks the test accuracy per epoch. The page and
//! `playground figure --multiples` draw it with [`landscape_svg`], so their SVGs are equal.

use super::digits::{accuracy_series, draw_accuracy};
use super::legend::{legend_height, title_height, title_lines, Entry};
use super::panels::{
    action_view, follow_averages, full_view, landscape_spec, panel_legend, render_panel, svg_document, PanelKind,
    PanelOptions,
};
use super::{font, text_anchor as text, FigureError, Theme};
use crate::sim::network::NetSummary;
use crate::sim::run::Track;
use crate::sim::scenario::{key, split_query, why_not_applies, Key, Kind, Scenario};
use crate::sim::{Ensemble, Experiment};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The most values drawn side by side.
pub const MAX_VALUES: usize = 6;

/// A parsed `multiples=KEY:V1,V2,…`: a numeric key of the vocabulary and its values (as written,
/// each checked to be a number; the range is checked when the scenarios are built, as in a link).
#[derive(Clone, Debug, PartialEq)]
pub struct Multiples {
    pub key: &'static str,
    pub values: Vec<String>,
}

impl Multiples {
    /// Parses `KEY:V1,V2,…`; the error says what is wrong (unknown key, a key that is not a
    /// number, no values, a value that is not a number, more than [`MAX_VALUES`] values).
    pub fn parse(spec: &str) -> Result<Multiples, String> {
        let spec = spec.trim();
        let bad = |why: String| Err(format!("multiples={spec}: {why}"));
        let Some((name, list)) = spec.split_once(':') else {
            return bad("expected KEY:V1,V2,… (e.g. multiples=tau:0.5,1,5)".into());
        };
        let name = name.trim();
        let Some(k) = key(name) else {
            return bad(format!("unknown key {name:?} (keys: `playground keys`)"));
        };
        let integer = match k.kind {
            Kind::Float { .. } => false,
            Kind::Int { min, max } if min < max => true,
            _ => {
                return bad(format!("{name} is not a numeric key (multiples take a number such as tau, alpha, sigma)"))
            }
        };
        let values: Vec<String> = list.split(',').map(str::trim).filter(|v| !v.is_empty()).map(String::from).collect();
        if values.is_empty() {
            return bad(format!("no values for {name} (e.g. {name}:{},…)", k.default));
        }
        if values.len() > MAX_VALUES {
            return bad(format!("{} values; at most {MAX_VALUES} are drawn side by side", values.len()));
        }
        for v in &values {
            let ok = if integer { v.parse::<u64>().is_ok() } else { v.parse::<f64>().is_ok_and(f64::is_finite) };
            if !ok {
                return bad(format!("{v:?} is not {}", if integer { "an integer ≥ 0" } else { "a number" }));
            }
        }
        Ok(Multiples { key: k.name, values })
    }

    /// The text form, `KEY:V1,V2,…` (what [`Multiples::parse`] reads).
    pub fn spec(&self) -> String {
        format!("{}:{}", self.key, self.values.join(","))
    }

    fn vocabulary(&self) -> &'static Key {
        key(self.key).expect("a parsed key is in the vocabulary")
    }

    /// One scenario per value: `base` with the key set as a link sets it (its canonical query
    /// with the key replaced, parsed again), so every other key — and the seed, hence the
    /// noise — is the base's. `lenient` clamps out-of-range values with a notice each (the
    /// page); otherwise they are an error (the command line). A key that does nothing for `base`
    /// is an error either way.
    pub fn scenarios(&self, base: &Scenario, lenient: bool) -> Result<(Vec<Scenario>, Vec<String>), String> {
        let k = self.vocabulary();
        if let Some(why) = why_not_applies(k, base) {
            return Err(format!("multiples={}: {why}", self.spec()));
        }
        let pairs: Vec<(String, String)> =
            split_query(&base.to_query()).into_iter().filter(|(n, _)| n != k.name).collect();
        let mut scenarios = Vec::new();
        let mut notices = Vec::new();
        for v in &self.values {
            let mut p = pairs.clone();
            p.push((k.name.to_string(), v.clone()));
            let (s, n) = Scenario::parse_pairs(&p, lenient).map_err(|e| format!("multiples={}: {e}", self.spec()))?;
            notices.extend(n.iter().map(|n| format!("multiples: {n}")));
            scenarios.push(s);
        }
        Ok((scenarios, notices))
    }

    /// A cell's heading: the key's symbol and its value in scenario `s`, e.g. `τ = 0.5`.
    pub fn label(&self, s: &Scenario) -> String {
        let k = self.vocabulary();
        format!("{} = {}", k.symbol, k.format(s))
    }

    /// The figure's link: the base scenario and this view, `?<query>&multiples=…`.
    pub fn query(&self, base: &Scenario) -> String {
        format!("{}&multiples={}", base.to_query(), self.spec())
    }

    /// The figure's title: what each cell shows, for which values, and that the noise is shared.
    fn title(&self, what: &str, cells: &[&Scenario]) -> String {
        let k = self.vocabulary();
        let values: Vec<String> = cells.iter().map(|s| k.format(s)).collect();
        let noise = if k.name == "seed" { "one noise seed each" } else { "same noise" };
        // "τ = 0.5" stays on one line when the title wraps.
        format!("{what}, for {}\u{a0}=\u{a0}{} ({noise})", k.symbol, values.join(", "))
    }
}

/// Why `base` has no multiples figure, if it has none: they draw the 2-D or 1-D landscape, or
/// natively (`networks`) a network's test accuracy.
pub fn refusal(base: &Scenario, networks: bool) -> Option<String> {
    if base.problem.is_network() {
        return (!networks).then(|| {
            format!(
                "multiples draw the 2-D or 1-D landscape; problem={} trains in the background here — compare its values with a sweep, or draw them with playground figure --multiples",
                base.problem.key()
            )
        });
    }
    if PanelKind::Landscape.shown_for(base) {
        return None;
    }
    let what = if base.problem == crate::sim::scenario::ProblemKind::Quadratic {
        format!("a quadratic of {} weights", base.wstar.len())
    } else {
        format!("problem={}", base.problem.key())
    };
    Some(format!("multiples draw the 2-D or 1-D landscape; for {what} use a sweep"))
}

/// The work of running `s` to its end, as the page counts it: steps × seeds × weights.
pub fn work(s: &Scenario) -> u64 {
    let dim = crate::sim::run::problem_of(s).dim() as u64;
    s.steps.saturating_mul(s.seeds.max(1)).saturating_mul(dim)
}

/// Runs every scenario to its end.
pub fn run_all(scenarios: &[Scenario]) -> Result<Vec<Ensemble>, String> {
    scenarios
        .iter()
        .map(|s| {
            let mut e = Experiment::new(s);
            e.run_to_end();
            e.into_stepped()
        })
        .collect()
}

/// Columns of the grid for `n` cells: side by side up to three, then two rows.
pub fn columns(n: usize) -> usize {
    match n {
        0..=3 => n.max(1),
        4 => 2,
        _ => 3,
    }
}

/// Width of one cell in pixels.
const CELL: u32 = 400;
/// Height of a cell's heading strip.
const HEADING: u32 = 28;

/// Draws the grid of `cols` columns: the title strip, one cell per entry of `labels` (its
/// heading, then `draw(i, area)`), the shared legend at the bottom.
#[allow(clippy::too_many_arguments)]
fn draw_grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    labels: &[String],
    legend: &[Entry],
    theme: &Theme,
    cols: usize,
    mut draw: impl FnMut(usize, &DrawingArea<DB, Shift>) -> Result<(), FigureError>,
) -> Result<(), FigureError> {
    // The title strip and the legend as every figure has them; the cells share the middle.
    super::panels::framed(root, title, legend, theme, |grid| {
        let cols = cols.clamp(1, labels.len().max(1));
        let rows = labels.len().div_ceil(cols);
        let cells = grid.split_evenly((rows, cols));
        for (i, (cell, label)) in cells.iter().zip(labels).enumerate() {
            let (cw, _) = cell.dim_in_pixel();
            let (strip, chart) = cell.split_vertically(HEADING);
            let style = font(14.0, 1.0, theme.fg).pos(text::Pos::new(text::HPos::Center, text::VPos::Center));
            strip
                .draw(&Text::new(label.clone(), ((cw / 2) as i32, (HEADING / 2) as i32), style))
                .map_err(|e| format!("{e:?}"))?;
            draw(i, &chart)?;
        }
        Ok(())
    })
}

/// The figure's size for `n` cells of `cell_height` pixels (heading included) in `cols` columns,
/// with its title and legend.
fn size(n: usize, cols: usize, cell_height: u32, title: &str, legend: &[Entry]) -> (u32, u32) {
    let cols = cols.clamp(1, n.max(1)) as u32;
    let rows = n.div_ceil(cols as usize) as u32;
    let w = cols * CELL;
    let top = title_height(title_lines(title, w as f64).len()).round() as u32;
    let bottom = legend_height(legend, w as f64).round() as u32;
    (w, top + rows * cell_height + bottom)
}

/// Every entry of the cells' legends once, in the order they first appear.
fn union(legends: impl IntoIterator<Item = Vec<Entry>>) -> Vec<Entry> {
    let mut all: Vec<Entry> = Vec::new();
    for e in legends.into_iter().flatten() {
        if !all.contains(&e) {
            all.push(e);
        }
    }
    all
}

/// The landscapes (or 1-D views) of `ensembles` — one per value of `m`, each run to its end — as
/// one SVG figure, cells titled with their value, one legend for all; `base` gives the link.
pub fn landscape_svg(
    m: &Multiples,
    base: &Scenario,
    ensembles: &[Ensemble],
    opts: &PanelOptions,
) -> Result<String, FigureError> {
    landscape_svg_in(m, base, ensembles, opts, columns(ensembles.len()))
}

/// [`landscape_svg`] in `cols` columns (the page shows narrow screens fewer columns).
pub fn landscape_svg_in(
    m: &Multiples,
    base: &Scenario,
    ensembles: &[Ensemble],
    opts: &PanelOptions,
    cols: usize,
) -> Result<String, FigureError> {
    if ensembles.is_empty() {
        return Err("no values to draw".into());
    }
    let cells: Vec<&Scenario> = ensembles.iter().map(|e| &e.first().scenario).collect();
    let one_d = cells.iter().all(|s| s.wstar.len() == 1);
    let what = if one_d { "f(w) at the end of the run" } else { "Loss landscape at the end of the run" };
    let title = m.title(what, &cells);
    let labels: Vec<String> = cells.iter().map(|s| m.label(s)).collect();
    let legend = union(ensembles.iter().map(|e| panel_legend(PanelKind::Landscape, e.first())));
    // A square plot (its tick margins: 44 px left, 14 right, 10 over, 34 under); the 1-D view 4:3.
    let cell_height = if one_d { CELL * 3 / 4 + HEADING } else { CELL - 58 + 44 + HEADING };
    let (w, h) = size(cells.len(), cols, cell_height, &title, &legend);
    let meta = format!("small multiples of {} at the end of the run", m.spec());
    // A run whose averaged iterate runs off the plot is drawn without that path, and its heading
    // says so.
    let tamed: Vec<(Option<Ensemble>, Vec<&'static str>)> =
        ensembles.iter().map(|e| tame(e, opts, CELL as f64, (cell_height - HEADING) as f64)).collect();
    let labels: Vec<String> = labels
        .into_iter()
        .zip(&tamed)
        .map(|(l, (_, off))| if off.is_empty() { l } else { format!("{l} ({} diverges)", off.join(", ")) })
        .collect();
    svg_document(w, h, &meta, &m.query(base), |root| {
        draw_grid(root, &title, &labels, &legend, &opts.theme, cols, |i, area| {
            render_panel(area, PanelKind::Landscape, tamed[i].0.as_ref().unwrap_or(&ensembles[i]), opts)
        })
    })
}

/// Longest averaged path drawn, in pixels: a diverging run's path can be ~1e86 pixels long, which
/// the dashed line would walk dash by dash for ever.
const RUNAWAY_PX: f64 = 1e6;

/// `ens` without the averaged paths that run off the plot (on a `width × height` chart, as the
/// landscape maps them) and the names of their algorithms; `None` when nothing runs off.
fn tame(ens: &Ensemble, opts: &PanelOptions, width: f64, height: f64) -> (Option<Ensemble>, Vec<&'static str>) {
    let run = ens.first();
    let s = &run.scenario;
    if s.wstar.len() != 2 {
        return (None, vec![]);
    }
    let view = if opts.full_range { full_view(s, run) } else { follow_averages(action_view(s, run), run) };
    let m = landscape_spec(s, run, view).mapping(width, height, 1.0);
    let runaway = |t: &Track| {
        let px: Vec<(f64, f64)> = t
            .average
            .path
            .chunks_exact(2)
            .chain(std::iter::once(t.average.mean.as_slice()))
            .map(|w| (m.px(w[0]), m.py(w[1])))
            .collect();
        let len: f64 = px.windows(2).map(|p| (p[1].0 - p[0].0).hypot(p[1].1 - p[0].1)).filter(|l| l.is_finite()).sum();
        len > RUNAWAY_PX
    };
    let off: Vec<usize> = (0..run.tracks.len()).filter(|&k| runaway(&run.tracks[k])).collect();
    if off.is_empty() {
        return (None, vec![]);
    }
    let mut tamed = ens.clone();
    for &k in &off {
        tamed.runs[0].tracks[k].average.path.clear();
    }
    (Some(tamed), off.iter().map(|&k| run.tracks[k].algo.kind.label()).collect())
}

/// The test accuracy per epoch of networks trained to their end — one per value of `m`
/// (`summaries` with the scenario each trained) — as one SVG figure. Each chart names its tracks.
pub fn accuracy_svg(
    m: &Multiples,
    base: &Scenario,
    summaries: &[(Scenario, NetSummary)],
    theme: &Theme,
) -> Result<String, FigureError> {
    if summaries.is_empty() {
        return Err("no values to draw".into());
    }
    let cells: Vec<&Scenario> = summaries.iter().map(|(s, _)| s).collect();
    let title = m.title("Test accuracy per epoch", &cells);
    let labels: Vec<String> = cells.iter().map(|s| m.label(s)).collect();
    let cols = columns(cells.len());
    let (w, h) = size(cells.len(), cols, CELL * 3 / 4 + HEADING, &title, &[]);
    let meta = format!("small multiples of {} after training", m.spec());
    svg_document(w, h, &meta, &m.query(base), |root| {
        draw_grid(root, &title, &labels, &[], theme, cols, |i, area| {
            let (s, summary) = &summaries[i];
            draw_accuracy(area, &accuracy_series(summary), s.epochs, theme, 1.0).map(|_| ())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_is_a_numeric_key_and_one_to_six_numbers() {
        let m = Multiples::parse("tau:0.5, 1,5").unwrap();
        assert_eq!(m, Multiples { key: "tau", values: vec!["0.5".into(), "1".into(), "5".into()] });
        assert_eq!(m.spec(), "tau:0.5,1,5");
        assert_eq!(Multiples::parse(&m.spec()).unwrap(), m);
        assert_eq!(Multiples::parse("steps:1000,2000").unwrap().values, vec!["1000", "2000"]);
        for (spec, why) in [
            ("tau", "expected KEY:V1,V2"),
            ("nope:1,2", "unknown key"),
            ("algos:1,2", "not a numeric key"),
            ("device:1", "not a numeric key"),
            ("h:1,2", "not a numeric key"),
            ("v:1", "not a numeric key"),
            ("tau:", "no values"),
            ("tau: , ", "no values"),
            ("alpha:x", "\"x\" is not a number"),
            ("alpha:0.1,inf", "not a number"),
            ("steps:1.5", "not an integer"),
            ("tau:1,2,3,4,5,6,7", "7 values; at most 6"),
        ] {
            let e = Multiples::parse(spec).unwrap_err();
            assert!(e.starts_with("multiples=") && e.contains(why), "{spec}: {e}");
        }
        assert!(Multiples::parse("tau:1,2,3,4,5,6").is_ok());
    }

    #[test]
    fn each_scenario_is_the_base_with_one_key_changed_and_the_same_seed() {
        let base = Scenario::parse("tau=0.8&seed=7&steps=300").unwrap();
        let m = Multiples::parse("tau:0.5,1,5").unwrap();
        let (cells, notices) = m.scenarios(&base, false).unwrap();
        assert!(notices.is_empty());
        assert_eq!(cells.iter().map(|s| s.tau).collect::<Vec<_>>(), vec![0.5, 1.0, 5.0]);
        for s in &cells {
            let mut t = s.clone();
            t.tau = base.tau;
            assert_eq!(t, base, "only tau differs");
        }
        assert_eq!(m.label(&cells[0]), "τ = 0.5");
        // Out of range: an error on the command line, clamped with a notice on the page.
        let wide = Multiples::parse("tau:0.5,1e13").unwrap();
        assert!(wide.scenarios(&base, false).unwrap_err().contains("out of range"));
        let (cells, notices) = wide.scenarios(&base, true).unwrap();
        assert_eq!(cells[1].tau, 1e12);
        assert_eq!(notices.len(), 1, "{notices:?}");
        // A key that does nothing here.
        let rows = Multiples::parse("rows:10,20").unwrap();
        assert!(rows.scenarios(&base, true).unwrap_err().contains("rows: does nothing"));
    }

    #[test]
    fn only_landscapes_natively_also_networks() {
        assert_eq!(refusal(&Scenario::default(), false), None);
        assert_eq!(refusal(&Scenario::parse("wstar=0.5&h=1").unwrap(), false), None);
        assert!(refusal(&Scenario::parse("problem=lsq").unwrap(), true).unwrap().contains("use a sweep"));
        let digits = Scenario::parse("problem=digits").unwrap();
        assert_eq!(refusal(&digits, true), None);
        assert!(refusal(&digits, false).unwrap().contains("landscape"));
        assert_eq!(columns(3), 3);
        assert_eq!(columns(4), 2);
        assert_eq!(columns(6), 3);
    }

    #[test]
    fn one_landscape_per_value_with_its_heading() {
        let base = Scenario::parse("steps=400").unwrap();
        let m = Multiples::parse("tau:0.5,1,5").unwrap();
        let (cells, _) = m.scenarios(&base, false).unwrap();
        let svg = landscape_svg(&m, &base, &run_all(&cells).unwrap(), &PanelOptions::default()).unwrap();
        for label in ["τ = 0.5", "τ = 1", "τ = 5", "w* (optimum)", "for τ\u{a0}=\u{a0}0.5, 1, 5 (same noise)"] {
            assert!(svg.contains(label), "{label} missing");
        }
        assert!(svg.contains("multiples=tau:0.5,1,5</metadata>"));
        // One column for a narrow screen: the cells stacked, each as wide as before.
        let stacked = landscape_svg_in(&m, &base, &run_all(&cells).unwrap(), &PanelOptions::default(), 1).unwrap();
        assert!(svg.starts_with("<svg width=\"1200\"") && stacked.starts_with("<svg width=\"400\""));
        assert!(stacked.contains("τ = 5"));
    }

    #[test]
    fn a_diverging_value_is_drawn_and_named_not_walked_for_ever() {
        // Analog SGD blows up at α = 0.5 (its averaged path is ~1e86 pixels long).
        let base = Scenario::parse("steps=3000").unwrap();
        let m = Multiples::parse("alpha:0.05,0.5").unwrap();
        let (cells, _) = m.scenarios(&base, false).unwrap();
        let svg = landscape_svg(&m, &base, &run_all(&cells).unwrap(), &PanelOptions::default()).unwrap();
        assert!(svg.contains("α = 0.05") && !svg.contains("α = 0.05 ("), "the first cell is as usual");
        assert!(svg.contains("α = 0.5 (Analog SGD diverges)"));
    }
}
