//! What the command-line tests share: running `playground` and reading what it says.

use std::process::Output;

/// `playground ARGS`, run to its end.
pub fn playground(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_playground")).args(args).output().unwrap()
}

/// The stdout of a command that succeeded (its stderr in the failure message otherwise).
pub fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one-line message of a refused command (exit 2).
pub fn refused(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}
