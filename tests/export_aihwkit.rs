//! The aihwkit export: scripts are valid Python, name every key of the scenario, list what they
//! cannot reproduce, and stay stable (golden files; regenerate after an intended change with
//! `UPDATE_GOLDEN=1 cargo test --test export_aihwkit`).

use analog_playground::export::aihwkit::{script, AihwkitScript};
use analog_playground::sim::scenario::{split_query, Scenario};
use std::path::PathBuf;
use std::process::Command;

fn export(query: &str) -> (Scenario, AihwkitScript) {
    let s = Scenario::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    let out = script(&s).unwrap_or_else(|e| panic!("{query}: {e}"));
    (s, out)
}

/// Compiles `text` with `python3 -m py_compile`; fails (never skips) when python3 is missing.
fn assert_compiles(name: &str, text: &str) {
    let dir = std::env::temp_dir().join(format!("export_aihwkit_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(format!("{name}.py"));
    std::fs::write(&path, text).unwrap();
    let out = Command::new("python3").arg("-m").arg("py_compile").arg(&path).output().unwrap_or_else(|e| {
        panic!("python3 is needed to check the exported scripts (python3 -m py_compile) but could not run: {e}")
    });
    assert!(
        out.status.success(),
        "{name}: the exported script is not valid Python:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every key of the canonical query appears in the header as `key=value`, exported keys before the
/// "Not exported" heading and unexported ones after it.
fn assert_names_every_key(s: &Scenario, out: &AihwkitScript) {
    let text = &out.text;
    let split = text.find("# Not exported").expect("a 'Not exported' section");
    let (exported, rest) = text.split_at(split);
    for (k, v) in split_query(&s.to_query()) {
        let line = format!("#   {k}={v} ");
        let kv = format!("{k}={v}");
        if out.unexported.contains(&kv) {
            assert!(rest.contains(&line), "unexported {kv} is not named in the 'Not exported' section");
        } else {
            assert!(exported.contains(&line), "exported {kv} is not named in the script header");
        }
    }
}

const LSQ_SGD: &str = "problem=lsq&algos=digital,analog&dim=6&rows=10&pulses=1&steps=300&tau=1.5&c2c=0.1";
const LSQ_TT: &str = "problem=lsq&algos=tt&dim=6&rows=10&pulses=1&steps=300&tau=2&gamma=0.4&every=2&up_down=0.2";
const LSQ_EXPECTED: &str = "problem=lsq&algos=analog,tt&dim=6&rows=10&steps=300&read_noise=0.02";
const DIGITS: &str = "problem=digits&algos=digital,analog,tt&pulses=1&tau=0.6&epochs=5&read_noise=0.01";

#[test]
fn scripts_compile_and_name_every_key() {
    for (name, q) in [
        ("lsq_sgd", LSQ_SGD),
        ("lsq_tt", LSQ_TT),
        ("lsq_expected", LSQ_EXPECTED),
        ("digits", DIGITS),
        ("digits_pow", "problem=digits&algos=analog,tt&pulses=1&device=pow&g_up=1&g_down=2&d2d=0.1"),
        ("lsq_exp", "problem=lsq&algos=analog&dim=3&rows=4&pulses=1&device=exp&up_down=-0.3"),
        ("lsq_ideal", "problem=lsq&algos=digital,analog,tt&dim=3&rows=4&device=ideal"),
        ("mnist_paper", MNIST_PAPER),
    ] {
        let (s, out) = export(q);
        assert_compiles(name, &out.text);
        assert_names_every_key(&s, &out);
        assert!(out.text.contains(&format!("SCENARIO = \"{}\"", s.to_query())), "{name}");
    }
}

#[test]
fn unexported_lists_the_keys_without_counterpart() {
    // Pulse level with no d2d: everything maps.
    assert_eq!(export(LSQ_SGD).1.unexported, Vec::<String>::new());
    assert_eq!(export(DIGITS).1.unexported, Vec::<String>::new());
    // The expected dynamic has no aihwkit counterpart (the script trains at pulse level).
    assert_eq!(export(LSQ_EXPECTED).1.unexported, vec!["pulses=0".to_string()]);
    let (_, out) = export("problem=digits&algos=analog&update=sample");
    assert_eq!(out.unexported, vec!["pulses=0".to_string(), "update=sample".to_string()]);
    let (_, out) = export("problem=lsq&pulses=both&d2d=0.2&device_seed=7");
    assert_eq!(out.unexported, vec!["device_seed=7".to_string(), "pulses=both".to_string()]);
    // Tiki-Taka on the ideal device has no aihwkit tile on digits; the ideal device has no read noise.
    let (_, out) = export("problem=digits&device=ideal&read_noise=0.1");
    assert_eq!(out.unexported, vec!["algos=digital,analog,tt".to_string(), "read_noise=0.1".to_string()]);
    assert!(out.text.contains("ALGOS = [\"digital\", \"analog\"]"));
}

/// The paper's MNIST setup: every key maps (device_seed aside, aihwkit's variation is its own).
const MNIST_PAPER: &str = "problem=mnist&preset=paper-fcn&epochs=15";

#[test]
fn the_paper_mnist_setup_maps_to_its_aihwkit_config() {
    let (_, out) = export(MNIST_PAPER);
    assert_eq!(out.unexported, vec!["device_seed=1".to_string()]);
    let t = &out.text;
    for want in [
        "INP_BITS = 7\n",
        "OUT_BITS = 9\n",
        "OUT_NOISE = 0.06\n",
        "LEARN_OUT_SCALING = True\n",
        "TILE_INPUTS = 512\n",
        "LR_STEP = 35\n",
        "mult_noise=False,",
        "dw_min_std=0.3,",
        "N_READS = 1\n",
        "def mnist_split():",
    ] {
        assert!(t.contains(want), "{want} missing");
    }
}

#[test]
fn other_problems_are_refused_with_a_reason() {
    for q in ["problem=quadratic", "problem=lower_bound"] {
        let e = script(&Scenario::parse(q).unwrap()).unwrap_err();
        assert!(e.contains("lsq") && e.contains("digits"), "{e}");
    }
}

#[test]
fn device_fields_follow_our_conventions() {
    // up_down = 0.2: aihwkit shrinks one direction only, so dw_min × 1.2 and up_down 0.4/1.2 give
    // our up step 1.2·dw_min and down step 0.8·dw_min.
    let (_, out) = export(LSQ_TT);
    let t = &out.text;
    assert!(t.contains("SoftBoundsReferenceDevice("), "{t}");
    assert!(t.contains("dw_min=0.0012,"));
    assert!(t.contains(&format!("up_down={},", 0.4 / 1.2)));
    assert!(t.contains("w_max=2.0,") && t.contains("w_min=-2.0,"));
    assert!(t.contains("LR_SCALE = 1.2\n"));
    // β = transfer_lr · lr (scale_transfer_lr), times LR_SCALE: 1.2 · 0.1/0.03.
    assert_eq!(1.2 * 0.1 / 0.03, 4.0);
    assert!(t.contains("TRANSFER_LR = 4.0\n"));
    assert!(t.contains("GAMMA = 0.4\n") && t.contains("EVERY = 2\n"));
    // The power step's granularity is dw_min·0.5^γ: the tile lr compensates.
    let (_, out) = export("problem=lsq&pulses=1&device=pow&g_up=2&g_down=1");
    assert!(out.text.contains("pow_gamma=2.0,") && out.text.contains("pow_up_down=0.5,"));
    assert!(out.text.contains("LR_SCALE = 0.25\n"));
}

#[test]
fn lsq_data_is_written_into_the_script() {
    let (s, out) = export(LSQ_SGD);
    let analog_playground::sim::problem::Problem::Lsq(l) = analog_playground::sim::run::problem_of(&s) else {
        panic!("lsq problem")
    };
    assert!(out.text.contains(").reshape(10, 6)"));
    for x in l.a.iter().chain(&l.xstar) {
        assert!(out.text.contains(&analog_playground::sim::scenario::fmt_f64(*x)), "{x} missing");
    }
}

fn golden(name: &str, query: &str) {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    let now = export(query).1.text;
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} (UPDATE_GOLDEN=1 writes it)"));
    assert!(committed == now, "{name} changed; if intended, rerun with UPDATE_GOLDEN=1");
}

/// Small dimensions keep the embedded data short, so the whole script is compared.
#[test]
fn lsq_script_matches_the_golden_file() {
    golden(
        "aihwkit_lsq.py",
        "problem=lsq&algos=digital,analog,tt&dim=4&rows=6&pulses=1&steps=500&tau=1.5&up_down=0.1&read_noise=0.02",
    );
}

#[test]
fn digits_script_matches_the_golden_file() {
    golden("aihwkit_digits.py", "problem=digits&algos=digital,analog,tt&pulses=1&tau=0.6&epochs=10&seeds=3");
}
