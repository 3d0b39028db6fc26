//! `playground export`: a scenario as a script for another simulator.

use crate::cli::{ExportArgs, ExportTarget};
use crate::print_out;
use analog_playground::sim::scenario::Scenario;

pub fn export(args: ExportArgs) -> Result<(), String> {
    match args.target {
        ExportTarget::Aihwkit { query, out } => {
            // The same strict parser as `run`: an export of a scenario that does not run is refused.
            let scenario = Scenario::parse(&query).map_err(|e| e.to_string())?;
            let script = analog_playground::export::aihwkit::script(&scenario)
                .map_err(|e| format!("cannot export to aihwkit: {e}"))?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &script.text).map_err(|e| format!("--out {}: {e}", path.display()))?
                }
                None => print_out(&script.text),
            }
            // A warning, not an error: the script runs, without these settings.
            if !script.unexported.is_empty() {
                eprintln!("playground: not exported to aihwkit: {}", script.unexported.join(", "));
            }
            Ok(())
        }
    }
}
