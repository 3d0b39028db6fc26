// The native command line (included by main.rs on every target but wasm32).

mod cli;
mod export_cmd;
mod figure_cmd;
mod reproduce_cmd;
mod run_cmd;
mod sweep_cmd;

use clap::error::ErrorKind;
use clap::Parser;
use cli::{Cli, Command};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            print_out(&e.render().to_string());
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(&parse_error(&e, &args)),
    };
    let result = match cli.command {
        Command::Run(a) => run_cmd::run(a),
        Command::Sweep(a) => sweep_cmd::sweep(a),
        Command::Merge(a) => sweep_cmd::merge(a),
        Command::Reproduce(a) => reproduce_cmd::reproduce(a),
        Command::Export(a) => export_cmd::export(a),
        Command::Figure(a) => figure_cmd::figure(a),
        Command::Keys => {
            print_out(&analog_playground::sim::scenario::keys_table());
            print_out(&format!("\n# {}\n", analog_playground::sim::run::AVERAGED_ITERATE));
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// The error contract: exit code 2 and exactly one line on stderr.
fn fail(message: &str) -> ExitCode {
    let line: Vec<&str> = message.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    eprintln!("playground: {}", line.join(" "));
    ExitCode::from(2)
}

/// Clap's message reduced to its first paragraph (the error and, for missing arguments, the list
/// that follows it) without the `error: ` prefix, plus the help of the subcommand given.
fn parse_error(e: &clap::Error, args: &[String]) -> String {
    use clap::CommandFactory;
    // The deepest subcommand named on the command line, e.g. `playground export aihwkit`.
    let mut cmd = Cli::command();
    let mut path = vec!["playground".to_string()];
    for a in args.iter().skip(1) {
        match cmd.find_subcommand(a) {
            Some(sub) => {
                path.push(a.clone());
                cmd = sub.clone();
            }
            None => break,
        }
    }
    let help = format!("see `{} --help`", path.join(" "));
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let subs: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        let what = if path.len() == 1 {
            "a command".to_string()
        } else {
            format!("`{}` needs a command", path[1..].join(" "))
        };
        return format!("missing {what}: {} ({help})", subs.join(", "));
    }
    let text = e.render().to_string();
    let first: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
    let message = first.join(" ");
    format!("{} ({help})", message.strip_prefix("error: ").unwrap_or(&message))
}

/// Writes to standard output; a reader that went away (`playground run … | head`) ends the
/// program quietly instead of the panic `println!` gives on a closed pipe.
pub fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("playground: cannot write the output: {e}");
        std::process::exit(1);
    }
}

pub fn threads_default() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A progress bar on stderr when stderr is a terminal; hidden (a no-op) in pipes, tests and CI.
pub fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{what} [{{bar:30}}] {{pos}}/{{len}} {{msg}} {{elapsed}} (eta {{eta}})"
    ))
    .expect("the template is valid")
    .progress_chars("=> ");
    bar.set_style(style);
    // Redraw while a long cell or stage runs, so the elapsed time moves.
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}
