//! A seeded random driver (no shrinking) that feeds random links and worker messages through the
//! page's and the command line's parsers, counting what happens to each input: accepted as is,
//! accepted with a notice (clamped, or repaired to a default), refused with a message, or a
//! panic (there must be none). Every accepted link must also round-trip through its canonical
//! form, and strict parsing must refuse exactly what lenient parsing noticed.
//!
//! Inputs (counts from the environment, so CI runs a short share and a release run a long one):
//! * `FUZZ_LINKS` links (default 3000): hostile and plausible queries through lenient parsing (the
//!   page), strict parsing (the command line and the workers) and the canonical round trip; the
//!   view values a link carries for the pure parsers behind `View::from_query` (`sweep=` axes and
//!   their cell scenarios, `multiples=` and its scenarios) go through those too.
//! * `FUZZ_MESSAGES` worker messages (default 3000), whole as they cross the wire
//!   (`worker_protocol`): page → worker `ToWorker` (`train`, `cell`; decoded, then their queries
//!   parsed strictly as `src/web/trainer.rs` does) and data files (`install_mnist`); worker → page
//!   `FromWorker` (`state`, `grid`, `cell`), decoded as `src/web/workers.rs` does and then drawn
//!   (SVG) or read as the page would.
//! * `FUZZ_SEED` (default 1).
//!
//! ```text
//! FUZZ_LINKS=100000 FUZZ_MESSAGES=100000 cargo test --test fuzz_links -- --nocapture --test-threads 1
//! ```
//!
//! `tests/wasm.rs` includes this file and runs the same driver inside the browser.

use analog_playground::figures::digits::{self as figs, track_label, GridImages, PredictionRow};
use analog_playground::figures::multiples::Multiples;
use analog_playground::figures::{svg_string, FigureError, Theme};
use analog_playground::sim::algorithm::AlgorithmKind;
use analog_playground::sim::network::{grid_indices, DigitsSnapshot, NetEnsemble};
use analog_playground::sim::scenario::{split_query, Kind, Scenario, KEYS};
use analog_playground::sim::sweep::{run_outcome, Axis, Metric, Outcome, Sweep, MAX_CELLS_PER_AXIS};
use analog_playground::worker_protocol::{FromWorker, ToWorker};
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, SVGBackend};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value as Json;

pub type FuzzRng = ChaCha8Rng;

/// A seeded generator.
pub fn fuzz_rng(seed: u64) -> FuzzRng {
    ChaCha8Rng::seed_from_u64(seed)
}

fn pick<'a, T>(rng: &mut FuzzRng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

// ---------------------------------------------------------------------------------------------
// Random links.
// ---------------------------------------------------------------------------------------------

const SPECIAL_NUMBERS: &[&str] = &[
    "NaN",
    "nan",
    "inf",
    "-inf",
    "+inf",
    "infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "+0",
    "0.0",
    "-0.0",
    "+5",
    "0x10",
    "1_000",
    " 7 ",
    "",
    ".",
    "-",
    "e5",
    "5e",
    "١٢",
    "½",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "1e19",
    "9007199254740993",
    "1.7976931348623157e308",
    "5e-324",
    "00001",
    "1.",
    ".5",
    "--1",
    "1e+3",
    "1e6",
    "2.5e6",
    "1000000.0",
];

/// A number, or something close to one.
pub fn random_number(rng: &mut FuzzRng) -> String {
    match rng.random_range(0..12) {
        0 => format!("{}", (rng.random::<f64>() - 0.3) * 10f64.powi(rng.random_range(-12..13))),
        1 => format!("{:e}", f64::from_bits(rng.random())),
        2 => format!("{}", f64::from_bits(rng.random())),
        3 => rng.random::<i64>().to_string(),
        4 => rng.random::<u64>().to_string(),
        5 => rng.random_range(0..2000u64).to_string(),
        6 => format!("{}.0", rng.random_range(0..2000u64)),
        7 => format!("1e{}", rng.random_range(-30..30)),
        8 => pick(rng, SPECIAL_NUMBERS).to_string(),
        9 => format!("-{}", rng.random_range(0..1000)),
        10 => format!("{}", rng.random_range(-1e6..1e6)),
        _ => format!("{:e}", rng.random_range(0..10_000_000u64) as f64),
    }
}

/// A character: mostly ASCII (separators included), sometimes anything Unicode has.
fn random_char(rng: &mut FuzzRng) -> char {
    match rng.random_range(0..6) {
        0..=2 => rng.random_range(0x20u8..0x7f) as char,
        3 => *pick(rng, &['&', '=', '%', '+', '#', '?', ',', ' ', '\t', '\n', '\0', ';']),
        4 => *pick(rng, &['τ', 'é', '\u{200b}', '\u{202e}', '\u{fffd}', '😀', '\u{3000}', 'ß', '\u{301}', '٣']),
        _ => char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}'),
    }
}

/// Anything: random characters, long runs, lists, near-names.
pub fn random_junk(rng: &mut FuzzRng) -> String {
    match rng.random_range(0..8) {
        0 | 1 => (0..rng.random_range(0..16)).map(|_| random_char(rng)).collect(),
        2 => "9".repeat(rng.random_range(1..6000)),
        3 => "1,".repeat(rng.random_range(1..3000)),
        4 => (0..rng.random_range(0..12))
            .map(|_| *pick(rng, &["digital", "analog", "tt", "ttv2", "rider", "sgd", "TT", "", "erider"]))
            .collect::<Vec<_>>()
            .join(","),
        5 => pick(rng, &["quadratic", "Digits", "mnist ", "lsq", "lower_bound", "full", "10k", "both", "1", "0"])
            .to_string(),
        6 => format!("%{}{}", random_char(rng), random_char(rng)),
        _ => (0..rng.random_range(0..400)).map(|_| random_char(rng)).collect(),
    }
}

/// A valid value of a key of kind `kind`.
pub fn valid_value(rng: &mut FuzzRng, kind: Kind) -> String {
    match kind {
        Kind::Float { min, max, log } => {
            let t: f64 = rng.random();
            let x = if log && min > 0.0 { (min.ln() + t * (max.ln() - min.ln())).exp() } else { min + t * (max - min) };
            format!("{}", x.clamp(min, max))
        }
        Kind::Int { min, max } => rng.random_range(min..=max).to_string(),
        Kind::Choice(options) => pick(rng, options).to_string(),
        Kind::List { min, max, max_len } => (0..rng.random_range(1..=max_len.min(12)))
            .map(|_| format!("{}", rng.random_range(min..=max)))
            .collect::<Vec<_>>()
            .join(","),
        Kind::Algos => {
            let mut names: Vec<&str> = AlgorithmKind::ALL.iter().map(|a| a.key()).collect();
            let keep = rng.random_range(0..=4);
            for i in 0..names.len() {
                let j = rng.random_range(i..names.len());
                names.swap(i, j);
            }
            names[..keep].join(",")
        }
    }
}

/// A value for a key of kind `kind`: mostly valid, often a hostile number, sometimes junk.
pub fn random_value(rng: &mut FuzzRng, kind: Kind) -> String {
    match rng.random_range(0..10) {
        0..=3 => valid_value(rng, kind),
        4..=6 => random_number(rng),
        7 => (0..rng.random_range(0..80)).map(|_| random_number(rng)).collect::<Vec<_>>().join(","),
        _ => random_junk(rng),
    }
}

/// The numeric keys of the table (what sweeps and multiples take).
fn numeric_keys() -> Vec<&'static str> {
    KEYS.iter().filter(|k| matches!(k.kind, Kind::Float { .. } | Kind::Int { .. })).map(|k| k.name).collect()
}

/// A value inside (mostly) or around a numeric key's range.
fn number_for(rng: &mut FuzzRng, name: &str) -> String {
    let kind = KEYS.iter().find(|k| k.name == name).map(|k| k.kind);
    match (kind, rng.random_range(0..4)) {
        (Some(k @ (Kind::Float { .. } | Kind::Int { .. })), 0..=2) => valid_value(rng, k),
        _ => random_number(rng),
    }
}

/// Keys that apply to most scenarios (so plausible sweeps and multiples are often accepted).
const COMMON_KEYS: &[&str] = &["tau", "alpha", "sigma", "steps", "seed", "seeds", "every", "gamma", "sp", "up_down"];

/// A `sweep=` value: two axes `key=lo:hi:log|lin:n` (or with `:`), plausible or broken.
pub fn random_sweep(rng: &mut FuzzRng) -> String {
    let keys = numeric_keys();
    let axis = |rng: &mut FuzzRng| {
        if rng.random_bool(0.6) {
            // Plausible: a common key, bounds in its range, a scale, 1 to 12 cells.
            let name = *pick(rng, COMMON_KEYS);
            let (lo, hi) = (number_for(rng, name), number_for(rng, name));
            let scale = if lo.starts_with('-') || hi.starts_with('-') || rng.random_bool(0.5) { "lin" } else { "log" };
            return format!("{name}={lo}:{hi}:{scale}:{}", rng.random_range(1..=12));
        }
        let name = if rng.random_bool(0.9) { pick(rng, &keys).to_string() } else { random_junk(rng) };
        let sep = if rng.random_bool(0.5) { '=' } else { ':' };
        let (lo, hi) = (number_for(rng, &name), number_for(rng, &name));
        let scale = *pick(rng, &["log", "lin", "lin", "linear", "LOG", ""]);
        let n = if rng.random_bool(0.9) {
            rng.random_range(0..=MAX_CELLS_PER_AXIS + 2).to_string()
        } else {
            random_number(rng)
        };
        match rng.random_range(0..10) {
            0 => random_junk(rng),
            1 => format!("{name}{sep}{lo}:{hi}:{scale}"),
            _ => format!("{name}{sep}{lo}:{hi}:{scale}:{n}"),
        }
    };
    let x = axis(rng);
    let y = axis(rng);
    match rng.random_range(0..10) {
        0 => x,
        1 => format!("{x},{y},{}", axis(rng)),
        _ => format!("{x},{y}"),
    }
}

/// A `multiples=` value: `key:v1,v2,…`, plausible or broken.
pub fn random_multiples(rng: &mut FuzzRng) -> String {
    let keys = numeric_keys();
    let name = match rng.random_range(0..10) {
        0..=4 => pick(rng, COMMON_KEYS).to_string(),
        5..=8 => pick(rng, &keys).to_string(),
        _ => random_junk(rng),
    };
    let values: Vec<String> = (0..rng.random_range(0..9)).map(|_| number_for(rng, &name)).collect();
    match rng.random_range(0..10) {
        0 => random_junk(rng),
        1 => format!("{name}{}", values.join(",")),
        _ => format!("{name}:{}", values.join(",")),
    }
}

/// Percent-encodes a share `p` of the characters of `s` (every reserved one when `p` is 1; a
/// share `p / 4` of the unreserved ones), with upper- or lower-case hex digits.
fn encode(rng: &mut FuzzRng, s: &str, p: f64) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let plain = c.is_ascii_alphanumeric() || "-._~".contains(c);
        let escaped = if plain { rng.random_bool(p / 4.0) } else { p >= 1.0 || rng.random_bool(p) };
        if !escaped {
            out.push(c);
            continue;
        }
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            out.push_str(&if rng.random_bool(0.5) { format!("%{b:02X}") } else { format!("%{b:02x}") });
        }
    }
    out
}

/// A random link: up to 24 pairs (keys repeat), mixed forms, odd prefixes and separators.
pub fn random_link(rng: &mut FuzzRng) -> String {
    let mut parts = Vec::new();
    for _ in 0..rng.random_range(0..24) {
        let (k, v) = match rng.random_range(0..100) {
            0..=69 => {
                let k = pick(rng, KEYS);
                (k.name.to_string(), random_value(rng, k.kind))
            }
            70..=77 => {
                let p = *pick(rng, &["quadratic", "lsq", "lower_bound", "digits", "mnist", "mnist", "digits"]);
                ("problem".to_string(), if rng.random_bool(0.9) { p.to_string() } else { random_junk(rng) })
            }
            78..=80 => ("preset".into(), pick(rng, &["paper-fcn", "paper-fcn", "none", "bogus", ""]).to_string()),
            81..=84 => ("sweep".into(), random_sweep(rng)),
            85..=87 => ("multiples".into(), random_multiples(rng)),
            88..=91 => {
                let k = *pick(rng, &["embed", "panel", "speed", "zoom", "at", "tour", "scenes", "notation", "theme"]);
                (k.to_string(), random_junk(rng))
            }
            _ => {
                let k = match rng.random_range(0..4) {
                    0 => pick(rng, KEYS).name.to_uppercase(),
                    1 => format!(" {}", pick(rng, KEYS).name),
                    _ => random_junk(rng),
                };
                (k, random_number(rng))
            }
        };
        let part = match rng.random_range(0..20) {
            0..=10 => format!("{k}={v}"),
            11..=15 => format!("{}={}", encode(rng, &k, 1.0), encode(rng, &v, 1.0)),
            16 => format!("{}={}", encode(rng, &k, 0.3), encode(rng, &v, 0.3)),
            17 => k,
            18 => format!("{k}=={v}"),
            _ => format!("{}={}", k.replace(' ', "+"), v.replace(' ', "+")),
        };
        parts.push(part);
    }
    let sep = *pick(rng, &["&", "&", "&", "&&", "&&&"]);
    format!("{}{}", pick(rng, &["", "", "?", "#", " ?", "??", "&"]), parts.join(sep))
}

// ---------------------------------------------------------------------------------------------
// Outcomes and counts.
// ---------------------------------------------------------------------------------------------

/// What became of one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Taken as is.
    Accepted,
    /// Taken with a notice, a value clamped into its range.
    Clamped,
    /// Taken with a notice, something replaced by its default, dropped or repaired.
    Repaired,
    /// Refused with a message.
    Refused,
}

/// Counts per verdict, panics, and property violations (with the shortest input of each cause).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub inputs: u64,
    pub accepted: u64,
    pub clamped: u64,
    pub repaired: u64,
    pub refused: u64,
    pub panics: u64,
    pub violations: u64,
    /// Each distinct cause of a panic (where, what, which key) or violation: how often, and the
    /// shortest input that showed it.
    pub causes: std::collections::BTreeMap<String, (u64, String)>,
}

impl Tally {
    fn note(&mut self, cause: String, input: &str) {
        let entry = self.causes.entry(cause).or_insert((0, input.to_string()));
        entry.0 += 1;
        if input.len() < entry.1.len() {
            entry.1 = input.to_string();
        }
    }

    pub fn add(&mut self, input: &str, result: Result<Result<Verdict, String>, String>) {
        self.inputs += 1;
        match result {
            Ok(Ok(Verdict::Accepted)) => self.accepted += 1,
            Ok(Ok(Verdict::Clamped)) => self.clamped += 1,
            Ok(Ok(Verdict::Repaired)) => self.repaired += 1,
            Ok(Ok(Verdict::Refused)) => self.refused += 1,
            Ok(Err(why)) => {
                self.violations += 1;
                self.note(format!("violation: {}", why.chars().take(100).collect::<String>()), input);
            }
            Err(panic) => {
                self.panics += 1;
                // Where, what, and which key (the message up to `, value`).
                self.note(
                    format!("panic: {}", panic.split(", value").next().unwrap_or_default().replace('\n', " ")),
                    input,
                );
            }
        }
    }

    /// Adds another tally's counts.
    pub fn merge(&mut self, other: &Tally) {
        self.inputs += other.inputs;
        self.accepted += other.accepted;
        self.clamped += other.clamped;
        self.repaired += other.repaired;
        self.refused += other.refused;
        self.panics += other.panics;
        self.violations += other.violations;
        for (cause, (n, input)) in &other.causes {
            for _ in 0..*n {
                self.note(cause.clone(), input);
            }
        }
    }

    /// One row of the robustness table.
    pub fn row(&self, what: &str, seconds: f64) -> String {
        format!(
            "| {what} | {} | {} | {} | {} | {} | {} | {} | {seconds:.1} s |",
            self.inputs, self.accepted, self.clamped, self.repaired, self.refused, self.panics, self.violations
        )
    }

    /// Panics with every cause and its shortest input unless there were neither panics nor
    /// violations.
    pub fn assert_clean(&self, what: &str) {
        let causes: Vec<String> = self
            .causes
            .iter()
            .map(|(cause, (n, input))| {
                format!("  {n} × {cause}\n    shortest input: {:?}", input.chars().take(2000).collect::<String>())
            })
            .collect();
        assert!(
            self.panics == 0 && self.violations == 0,
            "{what}: {} panics and {} violations in {} inputs:\n{}",
            self.panics,
            self.violations,
            self.inputs,
            causes.join("\n")
        );
    }
}

/// Runs a check and turns a panic into an `Err` with its message: natively with
/// `catch_unwind`; in the browser (where panics abort) directly, so a panic fails the test.
pub type Guard = fn(&mut dyn FnMut() -> Result<Verdict, String>) -> Result<Result<Verdict, String>, String>;

// ---------------------------------------------------------------------------------------------
// The checks.
// ---------------------------------------------------------------------------------------------

/// The canonical form of `s` parses strictly back to `s`, and writing it again changes nothing.
pub fn round_trips(s: &Scenario) -> Result<(), String> {
    let q = s.to_query();
    match Scenario::parse(&q) {
        Ok(t) if &t == s && t.to_query() == q => Ok(()),
        Ok(t) => Err(format!("canonical form does not round-trip: {q} → {}", t.to_query())),
        Err(e) => Err(format!("canonical form refused: {q}: {e}")),
    }
}

/// One link, as the page (lenient) and the command line (strict) read it.
pub fn check_link(link: &str) -> Result<Verdict, String> {
    let (s, notices) = Scenario::parse_pairs(&split_query(link), true).map_err(|e| format!("lenient refused: {e}"))?;
    round_trips(&s)?;
    if let Some(n) = notices.iter().find(|n| n.message.trim().is_empty()) {
        return Err(format!("a notice without a message: {n:?}"));
    }
    match (Scenario::parse(link), notices.first()) {
        (Ok(t), None) if t == s => Ok(Verdict::Accepted),
        (Ok(_), None) => Err("strict and lenient parses differ".into()),
        (Ok(_), Some(n)) => Err(format!("strict parsing accepted what lenient parsing noticed: {n}")),
        (Err(e), None) => Err(format!("strict parsing refused ({e}) what lenient parsing took silently")),
        (Err(e), Some(n)) if (&e.key, &e.value) != (&n.key, &n.value) => {
            Err(format!("strict error {e} is not the first notice {n}"))
        }
        (Err(e), Some(_)) if e.message.trim().is_empty() => Err(format!("strict error without a message: {e:?}")),
        (Err(_), Some(_)) if notices.iter().any(|n| n.message.contains("clamped")) => Ok(Verdict::Clamped),
        (Err(_), Some(_)) => Ok(Verdict::Repaired),
    }
}

fn refused(message: &str, what: &str) -> Result<Verdict, String> {
    if message.trim().is_empty() {
        Err(format!("{what} refused without a message"))
    } else {
        Ok(Verdict::Refused)
    }
}

/// A `sweep=` value as the page's sweep form reads it (`src/web/sweep_form.rs`): two axes, the
/// sweep of the link's scenario, and the scenarios of its corner cells and one more.
pub fn check_sweep(value: &str, base: &Scenario, rng: &mut FuzzRng) -> Result<Verdict, String> {
    let mut parts = value.split(',');
    let x = Axis::parse(parts.next().unwrap_or_default());
    let y = Axis::parse(parts.next().unwrap_or_default());
    let (x, y) = match (x, y) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return refused(&e, "a sweep axis"),
    };
    for a in [&x, &y] {
        if Axis::parse(&a.to_text()).as_ref() != Ok(a) {
            return Err(format!("axis {} does not round-trip", a.to_text()));
        }
    }
    let sweep = match Sweep::new(base.clone(), x, y).and_then(|s| s.with_metric(Metric::of(base.problem))) {
        Ok(s) => s,
        Err(e) => return refused(&e, "a sweep"),
    };
    let (nx, ny) = (sweep.x.n, sweep.y.n);
    let random = (rng.random_range(0..nx), rng.random_range(0..ny));
    for (i, j) in [(0, 0), (nx - 1, ny - 1), (nx - 1, 0), (0, ny - 1), random] {
        round_trips(&sweep.cell_scenario(i, j))?;
    }
    Ok(Verdict::Accepted)
}

/// A `multiples=` value as the page reads it: the spec, then one scenario per value (lenient, as
/// the page builds them; strict, as `playground figure --multiples` does).
pub fn check_multiples(value: &str, base: &Scenario) -> Result<Verdict, String> {
    let m = match Multiples::parse(value) {
        Ok(m) => m,
        Err(e) => return refused(&e, "multiples"),
    };
    if Multiples::parse(&m.spec()).as_ref() != Ok(&m) {
        return Err(format!("multiples {} does not round-trip", m.spec()));
    }
    let strict = m.scenarios(base, false);
    match m.scenarios(base, true) {
        Ok((scenarios, notices)) => {
            for s in &scenarios {
                round_trips(s)?;
                let _ = m.label(s);
            }
            match strict {
                Ok(_) if !notices.is_empty() => Err("strict multiples accepted what lenient ones noticed".into()),
                Ok(_) => Ok(Verdict::Accepted),
                Err(e) if notices.is_empty() => Err(format!("strict multiples refused ({e}) without a notice")),
                Err(_) if notices.iter().any(|n| n.contains("clamped")) => Ok(Verdict::Clamped),
                Err(_) => Ok(Verdict::Repaired),
            }
        }
        Err(e) => refused(&e, "multiples"),
    }
}

/// Runs `link` and every view value it carries through `guard`, adding to the tallies.
pub fn drive_link(link: &str, rng: &mut FuzzRng, guard: Guard, links: &mut Tally, views: &mut Tally) {
    links.add(link, guard(&mut || check_link(link)));
    let pairs = split_query(link);
    if !pairs.iter().any(|(k, _)| k == "sweep" || k == "multiples") {
        return;
    }
    let base = Scenario::parse_pairs(&pairs, true).map(|(s, _)| s).unwrap_or_default();
    for (k, v) in &pairs {
        match k.as_str() {
            "sweep" => {
                views.add(&format!("sweep={v} on {}", base.to_query()), guard(&mut || check_sweep(v, &base, rng)))
            }
            "multiples" => {
                views.add(&format!("multiples={v} on {}", base.to_query()), guard(&mut || check_multiples(v, &base)))
            }
            _ => {}
        }
    }
}

/// Runs `n` random links from `seed` (and, with `views`, the view values they carry).
pub fn run_links(n: u64, seed: u64, guard: Guard, views: bool) -> (Tally, Tally) {
    let mut rng = fuzz_rng(seed);
    let (mut link_tally, mut view_tally) = (Tally::default(), Tally::default());
    for _ in 0..n {
        let link = random_link(&mut rng);
        if views {
            drive_link(&link, &mut rng, guard, &mut link_tally, &mut view_tally);
        } else {
            link_tally.add(&link, guard(&mut || check_link(&link)));
        }
    }
    (link_tally, view_tally)
}

// ---------------------------------------------------------------------------------------------
// Worker messages.
// ---------------------------------------------------------------------------------------------

/// Real messages to mutate: what a worker posts for a small digits run (state and grid) and for
/// sweep cells of both kinds.
pub struct BaseMessages {
    pub scenario: Scenario,
    pub snapshot: DigitsSnapshot,
    pub grid: GridImages,
    pub state_json: Json,
    pub grid_json: Json,
    pub cell_json: Vec<Json>,
}

impl BaseMessages {
    pub fn new() -> BaseMessages {
        let scenario = Scenario::parse(
            "problem=digits&layers=64,12,10&epochs=2&batch=100&pulses=both&seeds=2&algos=digital,analog,tt",
        )
        .expect("valid scenario");
        let mut ens = NetEnsemble::new(&scenario);
        ens.run_to_end();
        let first = ens.first();
        let at = grid_indices(first.data);
        let snapshot = DigitsSnapshot::of(&ens);
        let grid = GridImages {
            side: first.data.dataset.side(),
            max_level: first.data.dataset.max_level(),
            images: at.iter().map(|&i| first.data.test.image_levels(i).to_vec()).collect(),
            labels: at.iter().map(|&i| first.data.test.labels[i]).collect(),
        };
        let stepped = run_outcome(&Scenario::parse("steps=300&algos=digital,analog,tt&pulses=both").expect("valid"));
        let net = Outcome::from_net_summary(&snapshot.summary);
        let json = |m: FromWorker| serde_json::from_str(&m.to_json()).expect("a message is JSON");
        BaseMessages {
            state_json: json(FromWorker::State { token: 1, snapshot: snapshot.clone() }),
            grid_json: json(FromWorker::Grid { token: 1, grid: grid.clone() }),
            cell_json: vec![
                json(FromWorker::Cell { id: 7, outcome: stepped }),
                json(FromWorker::Cell { id: 8, outcome: net }),
            ],
            scenario,
            snapshot,
            grid,
        }
    }
}

impl Default for BaseMessages {
    fn default() -> Self {
        Self::new()
    }
}

/// A hostile JSON value in place of whatever was there.
fn hostile_json(rng: &mut FuzzRng) -> Json {
    match rng.random_range(0..16) {
        0 => Json::from(u64::MAX),
        1 => Json::from(i64::MIN),
        2 => Json::from(1e308),
        3 => Json::from(-1e308),
        4 => Json::from(-1),
        5 => Json::from(0),
        6 => Json::from(rng.random_range(0..300u64)),
        7 => Json::from(f64::from_bits(rng.random())), // NaN and infinities become null
        8 => Json::from(random_junk(rng)),
        9 => Json::Null,
        10 => Json::from(rng.random_bool(0.5)),
        11 => Json::Array(vec![]),
        12 => Json::Object(Default::default()),
        13 => Json::Array((0..rng.random_range(0..600)).map(|_| Json::from(rng.random_range(0..256u64))).collect()),
        14 => Json::from(rng.random_range(-2.0..2.0)),
        _ => Json::from(2u64.pow(53) + 1),
    }
}

/// Mutates one node of `v` (walking down a random path first).
fn mutate(v: &mut Json, rng: &mut FuzzRng) {
    if rng.random_bool(0.75) {
        match v {
            Json::Array(a) if !a.is_empty() => {
                let i = rng.random_range(0..a.len());
                return mutate(&mut a[i], rng);
            }
            Json::Object(o) if !o.is_empty() => {
                let i = rng.random_range(0..o.len());
                if let Some((_, child)) = o.iter_mut().nth(i) {
                    return mutate(child, rng);
                }
            }
            _ => {}
        }
    }
    match v {
        Json::Array(a) if rng.random_bool(0.5) => match rng.random_range(0..3) {
            0 => a.truncate(rng.random_range(0..=a.len())),
            1 if !a.is_empty() => {
                let extra = a[rng.random_range(0..a.len())].clone();
                let n = rng.random_range(1..300);
                a.extend(std::iter::repeat_n(extra, n));
            }
            _ => a.clear(),
        },
        Json::Object(o) if rng.random_bool(0.5) && !o.is_empty() => {
            let i = rng.random_range(0..o.len());
            let k = o.keys().nth(i).cloned().unwrap_or_default();
            if rng.random_bool(0.7) {
                o.remove(&k);
            } else {
                o.insert(random_junk(rng), hostile_json(rng));
            }
        }
        // Mostly the same JSON type (so the message still decodes and reaches the drawing).
        Json::Number(n) if rng.random_bool(0.7) => {
            *v = if n.is_u64() {
                Json::from(*pick(rng, &[0, 1, u64::MAX, u64::MAX / 2, 1 << 53, 255, 256, 100_000, 1_000_000_000]))
            } else {
                Json::from(*pick(rng, &[0.0, -0.0, 1e308, -1e308, 5e-324, -1.0, 2.0, 1e9, f64::NAN, -1e-300]))
            }
        }
        Json::String(_) if rng.random_bool(0.7) => *v = Json::from(random_junk(rng)),
        Json::Bool(b) if rng.random_bool(0.7) => *b = !*b,
        _ => *v = hostile_json(rng),
    }
}

/// `json` with one text-level mutation: cut, a character inserted, or bytes flipped.
fn mangle_text(rng: &mut FuzzRng, json: &str) -> String {
    let boundaries: Vec<usize> = json.char_indices().map(|(i, _)| i).chain([json.len()]).collect();
    let at = *pick(rng, &boundaries);
    match rng.random_range(0..3) {
        0 => json[..at].to_string(),
        1 => format!("{}{}{}", &json[..at], random_char(rng), &json[at..]),
        _ => {
            let mut bytes = json.as_bytes().to_vec();
            for _ in 0..rng.random_range(1..4) {
                if !bytes.is_empty() {
                    let i = rng.random_range(0..bytes.len());
                    bytes[i] ^= 1 << rng.random_range(0..8);
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// One worker message.
#[derive(Clone, Debug)]
pub enum Message {
    /// worker → page, a `FromWorker` built from a state.
    State(String),
    /// worker → page, a `FromWorker` built from a grid.
    Grid(String),
    /// worker → page, a `FromWorker` built from a cell's outcome.
    Cell(String),
    /// page → worker, a `ToWorker::Train` (its query as `Trainer::new` reads it).
    Train(String),
    /// page → worker, a `ToWorker::Cell` (its query as `cell_message` reads it).
    CellQuery(String),
    /// The data file a worker installs (`install_mnist`).
    DataFile(Vec<u8>),
}

impl Message {
    /// The input as text, for the examples of a tally.
    pub fn shown(&self) -> String {
        match self {
            Message::State(j) => format!("state {j}"),
            Message::Grid(j) => format!("grid {j}"),
            Message::Cell(j) => format!("cell {j}"),
            Message::Train(q) => format!("train {q}"),
            Message::CellQuery(q) => format!("cell query {q}"),
            Message::DataFile(b) => format!("data file of {} bytes {:02x?}", b.len(), &b[..b.len().min(32)]),
        }
    }
}

/// The vendored MNIST file, to corrupt (natively only: the wasm tests carry no data files).
#[cfg(not(target_arch = "wasm32"))]
fn data_file() -> &'static [u8] {
    include_bytes!("../data/mnist/mnist10k.bin.gz")
}
#[cfg(target_arch = "wasm32")]
fn data_file() -> &'static [u8] {
    &[0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]
}

/// A random message: mostly a real one mutated, sometimes junk.
pub fn random_message(rng: &mut FuzzRng, base: &BaseMessages) -> Message {
    let mutated = |rng: &mut FuzzRng, v: &Json| {
        let mut v = v.clone();
        for _ in 0..rng.random_range(0..4) {
            mutate(&mut v, rng);
        }
        let text = v.to_string();
        if rng.random_bool(0.15) {
            mangle_text(rng, &text)
        } else {
            text
        }
    };
    match rng.random_range(0..100) {
        0..=29 => Message::State(mutated(rng, &base.state_json)),
        30..=44 => Message::Grid(mutated(rng, &base.grid_json)),
        45..=59 => {
            let cell = pick(rng, &base.cell_json).clone();
            Message::Cell(mutated(rng, &cell))
        }
        60..=84 => {
            // The page sends canonical queries; a hostile page (or a stale worker) sends anything.
            let link = random_link(rng);
            let query = match Scenario::parse_pairs(&split_query(&link), true) {
                Ok((s, _)) if rng.random_bool(0.6) => s.to_query(),
                _ => link,
            };
            // Sent whole, as the page does; sometimes the envelope itself is damaged.
            let (train, token) = (rng.random_bool(0.5), rng.random_range(0..4u32));
            let text = if train {
                ToWorker::Train { token, query, paused: rng.random_bool(0.5) }.to_json()
            } else {
                ToWorker::Cell { id: token, query }.to_json()
            };
            let text = if rng.random_bool(0.1) { mangle_text(rng, &text) } else { text };
            if train {
                Message::Train(text)
            } else {
                Message::CellQuery(text)
            }
        }
        85..=93 => {
            let junk =
                if rng.random_bool(0.5) { random_junk(rng) } else { format!("{{\"summary\":{}}}", random_number(rng)) };
            match rng.random_range(0..3) {
                0 => Message::State(junk),
                1 => Message::Grid(junk),
                _ => Message::Cell(junk),
            }
        }
        _ => {
            let file = data_file();
            let bytes = match rng.random_range(0..20) {
                // The real file, corrupted or cut (decompressing it costs ~30 ms: rarely).
                0 if cfg!(not(target_arch = "wasm32")) => {
                    let mut b = file.to_vec();
                    if rng.random_bool(0.5) {
                        b.truncate(rng.random_range(0..b.len()));
                    } else {
                        let i = rng.random_range(0..b.len());
                        b[i] ^= 1 << rng.random_range(0..8);
                    }
                    b
                }
                1..=9 => {
                    let mut b = file[..file.len().min(10)].to_vec();
                    b.extend((0..rng.random_range(0..512)).map(|_| rng.random::<u8>()));
                    b
                }
                _ => (0..rng.random_range(0..512)).map(|_| rng.random::<u8>()).collect(),
            };
            Message::DataFile(bytes)
        }
    }
}

/// An SVG panel drawn by `draw`; a drawing error is a refusal with a message.
fn drawn(draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), FigureError>) -> Result<(), String> {
    svg_string((480, 320), draw).map(|_| ()).map_err(|e| format!("{e:?}"))
}

/// Draws the digits panels of a snapshot as `src/web/digits.rs` does (`draw_panels`).
fn draw_snapshot(snap: &DigitsSnapshot, grid: &GridImages, epochs: u64) -> Result<(), String> {
    let (theme, s) = (Theme::LIGHT, &snap.summary);
    drawn(|a| figs::draw_accuracy(a, &figs::accuracy_series(s), epochs, &theme, 1.0).map(|_| ()))?;
    drawn(|a| figs::draw_train_loss(a, &figs::loss_series(s), epochs, &theme, 1.0).map(|_| ()))?;
    drawn(|a| figs::draw_saturation(a, &figs::saturation_panels(s), &theme, 1.0))?;
    let rows: Vec<PredictionRow> = s
        .algorithms
        .iter()
        .zip(&snap.predictions)
        .map(|(a, p)| PredictionRow {
            key: a.algorithm.clone(),
            label: track_label(&a.algorithm),
            predicted: p.clone(),
        })
        .collect();
    drawn(|a| figs::draw_predictions(a, grid, &rows, &theme, 1.0))
}

/// One message through its decoder and what the receiver does with it.
pub fn check_message(m: &Message, base: &BaseMessages, draw: bool) -> Result<Verdict, String> {
    let epochs = base.scenario.epochs;
    match m {
        Message::State(json) | Message::Grid(json) | Message::Cell(json) => match FromWorker::from_json(json) {
            Ok(FromWorker::State { snapshot, .. }) if draw => match draw_snapshot(&snapshot, &base.grid, epochs) {
                Ok(()) => Ok(Verdict::Accepted),
                Err(e) => refused(&e, "drawing a state"),
            },
            Ok(FromWorker::Grid { grid, .. }) if draw => match draw_snapshot(&base.snapshot, &grid, epochs) {
                Ok(()) => Ok(Verdict::Accepted),
                Err(e) => refused(&e, "drawing a grid"),
            },
            Ok(FromWorker::Cell { outcome: o, .. }) => {
                for metric in Metric::ALL {
                    let o = o.clone().with_metric(metric);
                    for a in AlgorithmKind::ALL {
                        let _ = (o.value(a), o.diverged(a));
                    }
                    let _ = (o.comparison(), o.tiki_taka_better());
                }
                Ok(Verdict::Accepted)
            }
            Ok(_) => Ok(Verdict::Accepted),
            Err(e) => refused(&e, "a message from a worker"),
        },
        Message::Train(text) | Message::CellQuery(text) => {
            let query = match ToWorker::from_json(text) {
                Ok(ToWorker::Train { query, .. } | ToWorker::Cell { query, .. }) => query,
                Ok(_) => return Ok(Verdict::Accepted),
                Err(e) => return refused(&e, "a message to a worker"),
            };
            check_query(m, &query)
        }
        Message::DataFile(bytes) => match analog_playground::sim::network::mnist::parse(bytes) {
            Ok(_) => Ok(Verdict::Accepted),
            Err(e) => refused(&e.to_string(), "a data file"),
        },
    }
}

/// A query the page sent a worker, parsed strictly as `src/web/trainer.rs` does.
fn check_query(m: &Message, query: &str) -> Result<Verdict, String> {
    match Scenario::parse(query) {
        Ok(s) if matches!(m, Message::Train(_)) && !s.problem.is_network() => Ok(Verdict::Refused),
        Ok(s) => round_trips(&s).map(|()| Verdict::Accepted),
        Err(e) => {
            // What the page sends (a canonical form) is never refused.
            let canonical = Scenario::parse_pairs(&split_query(query), true).is_ok_and(|(s, _)| s.to_query() == query);
            if canonical {
                Err(format!("a canonical query refused: {e}"))
            } else {
                refused(&e.to_string(), "a query")
            }
        }
    }
}

/// The kinds of message, in the order their tallies are reported.
pub const MESSAGE_KINDS: [&str; 6] = [
    "worker → page state (FromWorker JSON, snapshot drawn)",
    "worker → page grid (FromWorker JSON, grid drawn)",
    "worker → page cell (FromWorker JSON, outcome read)",
    "page → worker train (ToWorker JSON, query as Trainer::new)",
    "page → worker cell (ToWorker JSON, query as cell_message)",
    "page → worker data file (install_mnist)",
];

impl Message {
    /// Its index in [`MESSAGE_KINDS`].
    pub fn kind(&self) -> usize {
        match self {
            Message::State(_) => 0,
            Message::Grid(_) => 1,
            Message::Cell(_) => 2,
            Message::Train(_) => 3,
            Message::CellQuery(_) => 4,
            Message::DataFile(_) => 5,
        }
    }
}

/// Runs `n` random messages from `seed`, one tally per kind ([`MESSAGE_KINDS`]); every
/// `draw_every`-th decoded state or grid is drawn.
pub fn run_messages(n: u64, seed: u64, draw_every: u64, base: &BaseMessages, guard: Guard) -> Vec<Tally> {
    let mut rng = fuzz_rng(seed ^ 0x5eed);
    let mut tallies = vec![Tally::default(); MESSAGE_KINDS.len()];
    for i in 0..n {
        let m = random_message(&mut rng, base);
        let draw = draw_every > 0 && i % draw_every == 0;
        let result = guard(&mut || check_message(&m, base, draw));
        tallies[m.kind()].add(&m.shown(), result);
    }
    tallies
}

/// The sum of tallies.
pub fn total(tallies: &[Tally]) -> Tally {
    let mut t = Tally::default();
    for x in tallies {
        t.merge(x);
    }
    t
}

// ---------------------------------------------------------------------------------------------
// Native runs.
// ---------------------------------------------------------------------------------------------

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;
    use std::cell::RefCell;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::time::Instant;

    thread_local! {
        static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
    }

    /// Catches a panic and returns its message (and location), without printing it; panics
    /// outside (a failed assertion) still print as usual.
    fn catching(f: &mut dyn FnMut() -> Result<Verdict, String>) -> Result<Result<Verdict, String>, String> {
        static QUIET: std::sync::Once = std::sync::Once::new();
        QUIET.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if CATCHING.with(|c| c.get()) {
                    // A panic inside std or a dependency: name the crate's frame that led there.
                    let trace = std::backtrace::Backtrace::force_capture().to_string();
                    let frame = trace.lines().map(str::trim).find(|l| l.starts_with("at ./src/"));
                    let message = match frame {
                        Some(f) if !info.to_string().starts_with("panicked at src/") => format!("{info} ({f})"),
                        _ => info.to_string(),
                    };
                    LAST_PANIC.with(|p| *p.borrow_mut() = message);
                } else {
                    default(info);
                }
            }));
        });
        CATCHING.with(|c| c.set(true));
        let result = catch_unwind(AssertUnwindSafe(f)).map_err(|_| LAST_PANIC.with(|p| p.borrow().clone()));
        CATCHING.with(|c| c.set(false));
        result
    }

    fn env(name: &str, default: u64) -> u64 {
        std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
    }

    const HEADER: &str = "| input | inputs | accepted | clamped (notice) | repaired (notice) | refused (message) | panics | property violations | wall |\n|---|---|---|---|---|---|---|---|---|";

    #[test]
    fn random_links_never_panic_and_round_trip() {
        let (n, seed) = (env("FUZZ_LINKS", 3000), env("FUZZ_SEED", 1));
        let t = Instant::now();
        let (links, _) = run_links(n, seed, catching, false);
        let secs = t.elapsed().as_secs_f64();
        eprintln!("\nfuzz_links: {n} random links, seed {seed}\n{HEADER}");
        eprintln!("{}", links.row("links (lenient parse; strict refuses the noticed ones)", secs));
        links.assert_clean("links");
        assert!(links.accepted > 0 && links.clamped > 0 && links.repaired > 0, "the generator covers every outcome");
    }

    #[test]
    fn view_values_in_links_never_panic() {
        let (n, seed) = (env("FUZZ_LINKS", 3000), env("FUZZ_SEED", 1));
        let t = Instant::now();
        let (_, views) = run_links(n, seed, catching, true);
        let secs = t.elapsed().as_secs_f64();
        eprintln!("\nfuzz_links: view values in {n} random links, seed {seed} (wall: the links included)\n{HEADER}");
        eprintln!("{}", views.row("view values (sweep= axes and cells, multiples=)", secs));
        views.assert_clean("view values (sweep=, multiples=)");
        assert!(views.accepted > 0 && views.refused > 0, "the generator covers every outcome");
    }

    #[test]
    fn random_worker_messages_never_panic() {
        let (n, seed) = (env("FUZZ_MESSAGES", 3000), env("FUZZ_SEED", 1));
        let draw_every = env("FUZZ_DRAW_EVERY", 5);
        let base = BaseMessages::new();
        let t = Instant::now();
        let tallies = run_messages(n, seed, draw_every, &base, catching);
        let secs = t.elapsed().as_secs_f64();
        eprintln!("\nfuzz_links: {n} random worker messages, seed {seed}, drawing every {draw_every}th\n{HEADER}");
        for (kind, tally) in MESSAGE_KINDS.iter().zip(&tallies) {
            eprintln!("{}", tally.row(kind, 0.0));
        }
        let tally = total(&tallies);
        eprintln!("{}", tally.row("worker messages, all", secs));
        tally.assert_clean("worker messages");
        assert!(tally.accepted > 0 && tally.refused > 0, "the generator covers every outcome");
    }
}
