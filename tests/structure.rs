#![cfg(not(target_arch = "wasm32"))]
//! The house's rules, checked: the simulation core stays pure (no browser, no plotting, no page
//! text), the figures know nothing of the page, and no source file grows past 700 lines.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn files(under: &str) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(under), &mut paths);
    paths.sort();
    paths.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap())).collect()
}

#[test]
fn the_core_and_the_figures_depend_only_downwards() {
    let rules: [(&str, &[&str]); 2] = [
        (
            "src/sim",
            &[
                "crate::figures",
                "crate::web",
                "crate::export",
                "crate::scenes",
                "crate::reproduce",
                "crate::notation",
                "plotters",
                "web_sys",
                "wasm_bindgen",
            ],
        ),
        ("src/figures", &["crate::web", "web_sys", "wasm_bindgen"]),
    ];
    let mut broken = Vec::new();
    for (dir, forbidden) in rules {
        for (path, text) in files(dir) {
            for f in forbidden.iter().filter(|f| text.contains(*f)) {
                broken.push(format!("{} uses {f}", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn no_source_file_grows_past_700_lines() {
    let long: Vec<String> = files("src")
        .into_iter()
        .map(|(p, t)| (p, t.lines().count()))
        .filter(|(_, n)| *n > 700)
        .map(|(p, n)| format!("{}: {n} lines", p.display()))
        .collect();
    assert!(long.is_empty(), "split these by responsibility:\n{}", long.join("\n"));
}
