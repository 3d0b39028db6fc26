//! Writes a scenario as an aihwkit script to stdout (the parity harness uses it until the
//! `playground export aihwkit` subcommand lands); the keys not exported go to stderr.
//!
//! `cargo run --release --example aihwkit_export -- '<query>'`

use analog_playground::export::aihwkit::script;
use analog_playground::sim::scenario::Scenario;

fn main() {
    let query = std::env::args().nth(1).unwrap_or_default();
    let scenario = Scenario::parse(&query).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2)
    });
    match script(&scenario) {
        Ok(s) => {
            print!("{}", s.text);
            for kv in s.unexported {
                eprintln!("not exported: {kv}");
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1)
        }
    }
}
