//! `playground` — the native command line of Analog Training Playground.
//!
//! ```text
//! playground run '<scenario query>' [--csv FILE] [--every K] [--tail FRACTION]
//! playground sweep '<scenario query>' --x KEY=LO:HI:log|lin:N --y KEY=LO:HI:log|lin:N [--out FILE] [--svg FILE] [--threads N] [--shard I/N]
//! playground merge SHARD.csv… [--out FILE] [--svg FILE]
//! playground reproduce --out DIR [--quick]
//! playground export aihwkit '<scenario query>' [--out FILE.py]
//! playground figure '<scenario query>' --panel NAME --out FILE.svg|FILE.png [--step N] [--width W] [--height H]
//! playground keys
//! ```
//! `run` prints one JSON summary. Bad input (parse errors included) exits with code 2 and one line
//! on stderr, `playground: <message>`; `--help` (on every subcommand) and `--version` print to
//! stdout and exit 0. On `problem=digits`, `run --csv` writes one row per epoch and track;
//! `--every` and `--tail` (step sampling and tail means of the stepped problems) do not apply and
//! are refused. `sweep` maps the tail loss per algorithm, or on `digits` the final test accuracy;
//! `sweep --shard I/N` runs the I-th of N disjoint parts of the grid (1-based) and `merge` joins
//! the parts into the unsharded CSV, byte for byte (format: `analog_playground::sim::sweep::shard`).
//! `sweep` and `reproduce` show a progress bar on stderr when it is a terminal.
//!
//! The grammar is in `cli.rs`; each subcommand runs in its own module.

// The wasm build of the package (Trunk builds every target of the crate) gets an empty program:
// the command line and its native-only dependencies (clap, indicatif, resvg) stay out of it.
#[cfg(not(target_arch = "wasm32"))]
include!("native.rs");

#[cfg(target_arch = "wasm32")]
fn main() {}
