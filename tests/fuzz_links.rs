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

// The generators and checks, by input; declared with paths so that `tests/wasm.rs`, which
// includes this file as a module, finds them too.
#[path = "fuzz_links/links.rs"]
mod links;
#[path = "fuzz_links/messages.rs"]
mod messages;
pub use links::*;
pub use messages::*;

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

/// The canonical form of `s` parses strictly back to `s`, and writing it again changes nothing.
pub fn round_trips(s: &Scenario) -> Result<(), String> {
    let q = s.to_query();
    match Scenario::parse(&q) {
        Ok(t) if &t == s && t.to_query() == q => Ok(()),
        Ok(t) => Err(format!("canonical form does not round-trip: {q} → {}", t.to_query())),
        Err(e) => Err(format!("canonical form refused: {q}: {e}")),
    }
}

fn refused(message: &str, what: &str) -> Result<Verdict, String> {
    if message.trim().is_empty() {
        Err(format!("{what} refused without a message"))
    } else {
        Ok(Verdict::Refused)
    }
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
