//! The scenario vocabulary: round trips, rejections, and the CLI's contract.

use analog_playground::sim::scenario::{split_query, Kind, Scenario, KEYS};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::process::Command;

/// A random valid value for a key, in query form.
fn random_value(kind: Kind, rng: &mut ChaCha8Rng) -> String {
    match kind {
        Kind::Float { min, max, log } => {
            let x = if log && min > 0.0 {
                (rng.random_range(min.ln()..=max.ln())).exp().clamp(min, max)
            } else {
                rng.random_range(min..=max)
            };
            format!("{x}")
        }
        Kind::Int { min, max } => rng.random_range(min..=max).to_string(),
        Kind::Choice(c) => c[rng.random_range(0..c.len())].to_string(),
        Kind::List { min, max, .. } => {
            // lengths are checked across keys; 2 matches the default w* of quadratic
            (0..2).map(|_| format!("{}", rng.random_range(min..=max))).collect::<Vec<_>>().join(",")
        }
        Kind::Algos => {
            ["digital", "analog", "tt", "analog,tt", "digital,analog,tt", ""][rng.random_range(0..6)].to_string()
        }
    }
}

#[test]
fn random_valid_scenarios_round_trip_exactly() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..3000 {
        let problem = ["quadratic", "lsq", "lower_bound", "digits", "mnist"][rng.random_range(0..5)];
        let mut parts = vec![format!("problem={problem}")];
        let mut cnn = false;
        // `preset` and `tau_sym` expand into other keys and are never canonical (tested in
        // scenario::preset).
        for k in KEYS.iter().filter(|k| k.field && k.name != "problem") {
            if rng.random_bool(0.7) {
                let single = (problem == "lower_bound" && k.name == "wstar") || (problem == "lsq" && k.name == "w0");
                let v = if single {
                    format!("{}", rng.random_range(-0.2..0.2))
                } else if k.name == "arch" {
                    // The CNN only on MNIST (refused on the 8×8 digits).
                    cnn = problem == "mnist" && rng.random_bool(0.5);
                    (if cnn { "cnn" } else { "fcn" }).to_string()
                } else if k.name == "tile_inputs" && cnn {
                    // The CNN's layers are one tile each: 0 or at least its widest layer, 512.
                    [0u32, rng.random_range(512..=4096)][rng.random_range(0..2)].to_string()
                } else if k.name == "batch" {
                    // At most the smaller training set (digits: 1437 images).
                    rng.random_range(1..=1437u32).to_string()
                } else if k.name == "layers" {
                    // digits: 64 inputs (mnist: 784), 0 to 3 hidden layers of whole widths, 10 classes
                    let hidden: Vec<String> =
                        (0..rng.random_range(0..4)).map(|_| rng.random_range(1..=256u32).to_string()).collect();
                    let inputs = if problem == "mnist" { "784" } else { "64" };
                    std::iter::once(inputs.to_string())
                        .chain(hidden)
                        .chain(["10".to_string()])
                        .collect::<Vec<_>>()
                        .join(",")
                } else {
                    random_value(k.kind, &mut rng)
                };
                parts.push(format!("{}={v}", k.name));
            }
        }
        let query = parts.join("&");
        let s = Scenario::parse(&query).unwrap_or_else(|e| panic!("{query}: {e}"));
        let canonical = s.to_query();
        let again = Scenario::parse(&canonical).unwrap();
        assert_eq!(again, s, "{canonical}");
        assert_eq!(again.to_query(), canonical);
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    }
}

#[test]
fn every_invalid_value_is_rejected_with_key_value_and_range() {
    let cases = [
        ("tau=0", "tau", "[0.001, 1e12]"),
        ("tau=-1", "tau", "[0.001, 1e12]"),
        ("tau=abc", "tau", "not a number"),
        ("tau=NaN", "tau", "not a finite number"),
        ("tau=inf", "tau", "not a finite number"),
        ("alpha=11", "alpha", "[0, 10]"),
        ("sigma=-0.1", "sigma", "[0, 100]"),
        ("every=0", "every", "[1, 1000000]"),
        ("every=1.5", "every", "not an integer"),
        ("steps=-3", "steps", "[1, 1000000000]"),
        ("seed=99999999999", "seed", "[0, 4294967295]"),
        ("problem=cubic", "problem", "quadratic, lsq, lower_bound"),
        ("device=pcm", "device", "ideal, ald"),
        ("algos=sgd", "algos", "digital, analog, tt"),
        ("algos=tt,tt", "algos", "twice"),
        ("h=1,0", "h", "[1e-6, 1e6]"),
        ("h=1,2,3", "h", "one value (for every coordinate) or 2 values, one per coordinate of w*"),
        ("wstar=1,x", "wstar", "not a number"),
        ("problem=lower_bound&wstar=0.1,0.2", "wstar", "single value"),
        ("dim=0", "dim", "[1, 200]"),
        ("v=2", "v", "[1, 1]"),
        ("colour=red", "colour", "unknown key"),
        ("tau=1&tau=2", "tau", "given twice"),
    ];
    for (query, key, needle) in cases {
        match Scenario::parse(query) {
            Ok(s) => panic!("{query} accepted as {}", s.to_query()),
            Err(e) => {
                assert_eq!(e.key, key, "{query}: {e}");
                assert!(e.to_string().contains(needle), "{query}: {e} lacks {needle:?}");
            }
        }
        // Leniently, the same query still yields a valid scenario and a notice.
        let (s, notices) = Scenario::parse_lenient(query);
        assert!(!notices.is_empty(), "{query}");
        assert_eq!(Scenario::parse(&s.to_query()).unwrap(), s);
    }
}

fn playground(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_playground")).args(args).output().unwrap()
}

#[test]
fn cli_run_prints_a_json_summary_with_theory() {
    let out = playground(&["run", "steps=5000&sigma=1&tau=0.8"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["scenario"].as_str().unwrap().starts_with("v=1&problem=quadratic"));
    let algos = v["algorithms"].as_array().unwrap();
    assert_eq!(algos.len(), 3);
    for a in algos {
        for field in ["final_loss", "tail_loss", "tail_grad_sq", "tail_w_mean", "final_w", "diverged"] {
            assert!(!a[field].is_null(), "{field} missing in {a}");
        }
        assert_eq!(a["tail_steps"], 1000);
    }
    assert!(v["theory"]["analog_stationary_w"].is_array());
    assert!(v["theory"]["digital_floor"].is_number());
    // Deterministic by seed.
    assert_eq!(out.stdout, playground(&["run", "steps=5000&sigma=1&tau=0.8"]).stdout);
}

#[test]
fn cli_writes_csv_every_k_steps() {
    let path = std::env::temp_dir().join(format!("playground-test-{}.csv", std::process::id()));
    let p = path.to_str().unwrap();
    let out = playground(&["run", "steps=1000&algos=analog,tt", "--csv", p, "--every", "100", "--tail", "0.5"]);
    assert!(out.status.success());
    let csv = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "# units: step,f − f*,‖∇f‖²,f − f*,weight,weight,weight,f − f*,‖∇f‖²,f − f*,weight,weight,weight"
    );
    assert_eq!(
        lines[1],
        "step,analog_loss,analog_grad_sq,analog_avg_loss,analog_avg_distance,analog_w0,analog_w1,\
         tt_loss,tt_grad_sq,tt_avg_loss,tt_avg_distance,tt_w0,tt_w1"
    );
    assert_eq!(lines.len(), 2 + 11);
    assert!(lines[12].starts_with("1000,"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["algorithms"][0]["tail_steps"], 500);
}

#[test]
fn cli_bad_input_exits_2_with_one_line() {
    for args in [
        vec!["run", "tau=zero"],
        vec!["run", "nope=1"],
        vec!["run", "steps=10", "--every", "0"],
        vec!["run", "steps=10", "--tail", "2"],
        vec!["run", "steps=10", "--frobnicate"],
        vec!["fly"],
        vec![],
    ] {
        let out = playground(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("playground: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let out = playground(&["run", "tau=zero"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn cli_keys_lists_the_vocabulary() {
    let out = playground(&["keys"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for k in KEYS.iter() {
        assert!(text.lines().any(|l| l.starts_with(&format!("{}\t", k.name))), "{} missing", k.name);
    }
}

#[test]
fn cli_output_into_a_closed_pipe_ends_quietly() {
    // `playground sweep … | head -c 10`: 10,000 CSV rows (~500 KB) overflow the pipe buffer, so
    // the writes after the reader has gone fail with EPIPE; the program must end without a panic.
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_playground"))
        .args([
            "sweep",
            "problem=quadratic&steps=1&algos=analog",
            "--x",
            "tau=0.5:2:lin:100",
            "--y",
            "alpha=0.01:0.1:lin:100",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 10];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "status {:?}: {stderr}", out.status);
}

#[test]
fn quadratic_defaults_follow_the_dimension_of_wstar() {
    // A 1-D or 3-D w* needs no W₀ or h of its own; given ones must still match.
    let one = Scenario::parse("wstar=0.6&h=2").unwrap();
    assert_eq!(one.w0, vec![-0.5]);
    let three = Scenario::parse("wstar=0.6,0.2,0.1").unwrap();
    assert_eq!(three.w0, vec![-0.5, 0.5, -0.5]);
    assert_eq!(three.h, vec![1.0, 2.0, 3.0]);
    assert_eq!(Scenario::parse(&three.to_query()).unwrap(), three);
    assert_eq!(Scenario::parse("").unwrap().h, vec![1.0, 3.0]);
    let e = Scenario::parse("wstar=0.6,0.2,0.1&w0=1,2").unwrap_err();
    assert_eq!(e.key, "w0");
    assert!(e.to_string().contains("or 3 values, one per coordinate of w*"), "{e}");
}

/// Scenarios under which the keys apply: every problem with every algorithm, each analog device,
/// both update forms, zero-shifting, StepLR and device variation on.
fn bases() -> Vec<String> {
    let mut out = Vec::new();
    for problem in ["quadratic", "lsq", "lower_bound", "digits", "mnist"] {
        for device in ["ald", "softbounds", "pow"] {
            for pulses in ["1", "0"] {
                out.push(format!(
                    "problem={problem}&algos=digital,analog,tt,agad,erider,rlv2,cttv2&device={device}&pulses={pulses}\
                     &d2d=0.1&c2c=0.1&zero_shift=1&lr_step=35"
                ));
            }
        }
    }
    out
}

/// Values to try for `k`, in query form, different from `current`.
fn other_values(kind: Kind, current: &str) -> Vec<String> {
    let mut out: Vec<String> = match kind {
        Kind::Float { min, max, log } => {
            let at = |t: f64| {
                if log && min > 0.0 {
                    (min.ln() + t * (max.ln() - min.ln())).exp()
                } else {
                    min + t * (max - min)
                }
            };
            [0.5, 0.25, 0.75, 0.01, 0.99].iter().map(|&t| format!("{}", at(t))).collect()
        }
        Kind::Int { min, max } => vec![min.saturating_add(1).min(max), (min / 2 + max / 2), min, max]
            .into_iter()
            .map(|x| x.to_string())
            .collect(),
        Kind::Choice(names) => names.iter().map(|n| n.to_string()).collect(),
        Kind::List { min, max, .. } => {
            // Change one element inside the range, keeping the list's length (cross-key rules).
            let xs: Vec<f64> = current.split(',').filter_map(|x| x.parse().ok()).collect();
            let i = if xs.len() > 2 { 1 } else { 0 };
            [0.5, 2.0, -1.0]
                .iter()
                .map(|&f| {
                    let mut ys = xs.clone();
                    ys[i] = (ys[i] * f + if f < 0.0 { 0.3 } else { 0.0 }).round().clamp(min, max);
                    ys.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(",")
                })
                .collect()
        }
        Kind::Algos => vec!["analog,tt".into(), "digital".into()],
    };
    out.retain(|v| v != current);
    out
}

/// Every key that is a field of the scenario: one changed value survives the canonical query, the
/// JSON form, has a control on the page whose range lies inside the key's, and is placed (or
/// named as not carried over) in the aihwkit script's header.
#[test]
fn every_key_round_trips_through_query_json_controls_and_export() {
    use analog_playground::export::aihwkit::script;
    use analog_playground::sim::scenario::{Control, ProblemKind};
    for k in KEYS.iter().filter(|k| k.field && k.name != "problem") {
        let mut found = None;
        'search: for base in bases() {
            let Ok(s) = Scenario::parse(&base) else { continue };
            if !(k.applies)(&s) {
                continue;
            }
            for v in other_values(k.kind, &k.format(&s)) {
                let mut pairs = split_query(&base);
                pairs.retain(|(name, _)| name != k.name);
                pairs.push((k.name.to_string(), v));
                if let Ok((t, _)) = Scenario::parse_pairs(&pairs, false) {
                    if k.format(&t) != k.format(&s) {
                        found = Some(t);
                        break 'search;
                    }
                }
            }
        }
        let s = found.unwrap_or_else(|| panic!("{}: no base scenario takes a changed value", k.name));
        let text = format!("{}={}", k.name, k.format(&s));
        assert_eq!(Scenario::parse(&s.to_query()).unwrap(), s, "{text}: query round trip");
        assert!(s.to_query().split('&').any(|p| p == text), "{text} missing from {}", s.to_query());
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s, "{text}: JSON round trip");
        match (k.control, k.kind) {
            (Control::LogSlider(lo, hi) | Control::Slider(lo, hi), Kind::Float { min, max, .. }) => {
                assert!(min <= lo && lo < hi && hi <= max, "{}: slider [{lo}, {hi}] outside [{min}, {max}]", k.name)
            }
            (Control::LogSlider(lo, hi) | Control::Slider(lo, hi), Kind::Int { min, max }) => {
                assert!(min as f64 <= lo && lo < hi && hi <= max as f64, "{}: slider outside its range", k.name)
            }
            (Control::Select(labels), Kind::Choice(names)) => assert_eq!(labels.len(), names.len(), "{}", k.name),
            (Control::Number | Control::Text, Kind::Int { .. } | Kind::Float { .. } | Kind::List { .. }) => {}
            (Control::Algos, Kind::Algos) => {}
            (c, kind) => panic!("{}: control {c:?} does not fit {kind:?}", k.name),
        }
        let script = script(&s);
        if matches!(s.problem, ProblemKind::Quadratic | ProblemKind::LowerBound) {
            assert!(script.is_err(), "{text}: {} has no aihwkit script", s.problem.key());
        } else {
            let script = script.unwrap_or_else(|e| panic!("{text}: export refused: {e}"));
            let line = script.text.lines().find(|l| l.starts_with(&format!("#   {text} ")));
            assert!(line.is_some(), "{text}: not in the export's header");
        }
    }
}
