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

/// The module a source file is (`src/web/app/mod.rs` → `crate::web::app`); `None` for binaries.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).ok()?;
    let mut parts: Vec<String> = rel.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    Some(std::iter::once("crate".to_string()).chain(parts).collect::<Vec<_>>().join("::"))
}

/// The code without comments and without its `#[cfg(test)]` tail (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Every path the code names from `crate::` or `super::` (groups `a::{b, c::d}` expanded),
/// made absolute from module `module`.
fn paths_named(code: &str, module: &str) -> Vec<String> {
    fn expand(prefix: &str, rest: &str, out: &mut Vec<String>) {
        // `rest` starts right after `prefix::`.
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut start) = (0, 0);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        expand(prefix, group[start..i].trim(), out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(prefix, group[start..i].trim(), out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches(':');
        let full = if path.is_empty() || path == "self" { prefix.to_string() } else { format!("{prefix}::{path}") };
        if rest[end..].starts_with('{') && rest[..end].ends_with("::") {
            expand(&full, &rest[end..], out);
        } else {
            out.push(full);
        }
    }
    let mut out = Vec::new();
    for start in ["crate::", "super::"] {
        for (i, _) in code.match_indices(start) {
            if code[..i].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base: Vec<&str> = if start == "crate::" { vec!["crate"] } else { module.split("::").collect() };
            let mut rest = &code[i + start.len()..];
            if start == "super::" {
                base.pop();
                while let Some(r) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = r;
                }
            }
            expand(&base.join("::"), rest, &mut out);
        }
    }
    out
}

#[test]
fn no_module_depends_on_itself_through_another() {
    let sources: Vec<(String, String)> =
        files("src").into_iter().filter_map(|(p, t)| module_of(&p).map(|m| (m, code_of(&t)))).collect();
    let modules: std::collections::BTreeSet<String> = sources.iter().map(|(m, _)| m.clone()).collect();
    // The module a path lands in: its longest prefix that is a module.
    let owner = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len()).rev().map(|k| parts[..k].join("::")).find(|m| modules.contains(m))
    };
    let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for (module, code) in &sources {
        for path in paths_named(code, module) {
            // A module may use its ancestors (they declare and wire it): those edges are the
            // tree, not a circle.
            if let Some(to) = owner(&path).filter(|t| t != module && !module.starts_with(&format!("{t}::"))) {
                edges.entry(module.clone()).or_default().insert(to);
            }
        }
    }
    // A circle: a module that reaches itself again.
    let mut circles = Vec::new();
    for start in &modules {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, trail)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    circles.push(trail.join(" → ") + " → " + start);
                } else if seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next.clone(), t));
                }
            }
        }
    }
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

/// One definition of "± std" over seeds (`sim::numeric::seed_mean_sd`, n − 1): no other source
/// file divides a sum of squared deviations by a count.
#[test]
fn one_seed_statistics_function() {
    let mut found = Vec::new();
    for (path, text) in files("src") {
        if path.ends_with("sim/numeric.rs") {
            continue;
        }
        for (n, line) in code_of(&text).lines().enumerate() {
            if is_variance(line) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "a second standard deviation:\n{}", found.join("\n"));
}

/// A line that squares deviations from a mean and divides their sum (a variance).
fn is_variance(line: &str) -> bool {
    let squares = line.contains("- mean).powi(2)") || line.contains("- m).powi(2)") || line.contains("- mean) * (");
    squares && line.contains(".sum::<f64>() /")
}

/// The page's state changes in one place: only `web/action.rs` borrows the app mutably (to call
/// `App::apply`); the other `RefCell`s of the web layer are named here (module-local state).
#[test]
fn the_page_state_changes_only_through_actions() {
    // Module-local cells: the host page's and the multiples' state (`h`, `s` inside their
    // `HOST.with`/`STATE.with`), the workers' inbox, the frame callback `g`, the app's own slot.
    const OTHER_CELLS: [&str; 7] =
        ["HOST.with", "STATE.with", "h.borrow_mut", "s.borrow_mut", "inbox.borrow_mut", "g.borrow_mut", "APP.with"];
    let mut offenders = Vec::new();
    for (path, text) in files("src/web") {
        if path.ends_with("action.rs") {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            if line.contains("borrow_mut()") && !OTHER_CELLS.iter().any(|c| line.contains(c)) {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "state changed outside App::apply:\n{}", offenders.join("\n"));
}
