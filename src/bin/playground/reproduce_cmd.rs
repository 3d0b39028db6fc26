//! `playground reproduce`: the paper's figures and REPRODUCTION.md.

use crate::cli::ReproduceArgs;
use crate::{print_out, progress_bar, threads_default};
use analog_playground::reproduce::{reproduce_with_progress, STAGES};

pub fn reproduce(args: ReproduceArgs) -> Result<(), String> {
    let out = args.out.display().to_string();
    let start = std::time::Instant::now();
    let bar = progress_bar(STAGES as u64, "reproduce");
    let report = reproduce_with_progress(&args.out, args.quick, threads_default(), &mut |done, stage| {
        bar.set_position(done as u64);
        bar.set_message(stage);
    });
    bar.finish_and_clear();
    let report = report?;
    eprintln!(
        "playground: wrote {} figures and REPRODUCTION.md to {out} in {:.0} s",
        report.figures,
        start.elapsed().as_secs_f64()
    );
    let failed: Vec<&str> = report.claims.iter().filter(|c| !c.holds).map(|c| c.id.as_str()).collect();
    print_out(&format!(
        "{}\n",
        serde_json::json!({ "claims": report.claims.len(), "hold": report.claims.len() - failed.len(), "do_not_hold": failed })
    ));
    Ok(())
}
