//! Random links and the checks of a link and the view values it carries.

use super::*;

const SPECIAL_NUMBERS: &[&str] = &[
    "NaN",
    "nan",
    "inf",
    "-inf",
    "+inf",
    "infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "+0",
    "0.0",
    "-0.0",
    "+5",
    "0x10",
    "1_000",
    " 7 ",
    "",
    ".",
    "-",
    "e5",
    "5e",
    "١٢",
    "½",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "1e19",
    "9007199254740993",
    "1.7976931348623157e308",
    "5e-324",
    "00001",
    "1.",
    ".5",
    "--1",
    "1e+3",
    "1e6",
    "2.5e6",
    "1000000.0",
];

/// A number, or something close to one.
pub fn random_number(rng: &mut FuzzRng) -> String {
    match rng.random_range(0..12) {
        0 => format!("{}", (rng.random::<f64>() - 0.3) * 10f64.powi(rng.random_range(-12..13))),
        1 => format!("{:e}", f64::from_bits(rng.random())),
        2 => format!("{}", f64::from_bits(rng.random())),
        3 => rng.random::<i64>().to_string(),
        4 => rng.random::<u64>().to_string(),
        5 => rng.random_range(0..2000u64).to_string(),
        6 => format!("{}.0", rng.random_range(0..2000u64)),
        7 => format!("1e{}", rng.random_range(-30..30)),
        8 => pick(rng, SPECIAL_NUMBERS).to_string(),
        9 => format!("-{}", rng.random_range(0..1000)),
        10 => format!("{}", rng.random_range(-1e6..1e6)),
        _ => format!("{:e}", rng.random_range(0..10_000_000u64) as f64),
    }
}

/// A character: mostly ASCII (separators included), sometimes anything Unicode has.
pub(super) fn random_char(rng: &mut FuzzRng) -> char {
    match rng.random_range(0..6) {
        0..=2 => rng.random_range(0x20u8..0x7f) as char,
        3 => *pick(rng, &['&', '=', '%', '+', '#', '?', ',', ' ', '\t', '\n', '\0', ';']),
        4 => *pick(rng, &['τ', 'é', '\u{200b}', '\u{202e}', '\u{fffd}', '😀', '\u{3000}', 'ß', '\u{301}', '٣']),
        _ => char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}'),
    }
}

/// Anything: random characters, long runs, lists, near-names.
pub fn random_junk(rng: &mut FuzzRng) -> String {
    match rng.random_range(0..8) {
        0 | 1 => (0..rng.random_range(0..16)).map(|_| random_char(rng)).collect(),
        2 => "9".repeat(rng.random_range(1..6000)),
        3 => "1,".repeat(rng.random_range(1..3000)),
        4 => (0..rng.random_range(0..12))
            .map(|_| *pick(rng, &["digital", "analog", "tt", "ttv2", "rider", "sgd", "TT", "", "erider"]))
            .collect::<Vec<_>>()
            .join(","),
        5 => pick(rng, &["quadratic", "Digits", "mnist ", "lsq", "lower_bound", "full", "10k", "both", "1", "0"])
            .to_string(),
        6 => format!("%{}{}", random_char(rng), random_char(rng)),
        _ => (0..rng.random_range(0..400)).map(|_| random_char(rng)).collect(),
    }
}

/// A valid value of a key of kind `kind`.
pub fn valid_value(rng: &mut FuzzRng, kind: Kind) -> String {
    match kind {
        Kind::Float { min, max, log } => {
            let t: f64 = rng.random();
            let x = if log && min > 0.0 { (min.ln() + t * (max.ln() - min.ln())).exp() } else { min + t * (max - min) };
            format!("{}", x.clamp(min, max))
        }
        Kind::Int { min, max } => rng.random_range(min..=max).to_string(),
        Kind::Choice(options) => pick(rng, options).to_string(),
        Kind::List { min, max, max_len } => (0..rng.random_range(1..=max_len.min(12)))
            .map(|_| format!("{}", rng.random_range(min..=max)))
            .collect::<Vec<_>>()
            .join(","),
        Kind::Algos => {
            let mut names: Vec<&str> = AlgorithmKind::ALL.iter().map(|a| a.key()).collect();
            let keep = rng.random_range(0..=4);
            for i in 0..names.len() {
                let j = rng.random_range(i..names.len());
                names.swap(i, j);
            }
            names[..keep].join(",")
        }
    }
}

/// A value for a key of kind `kind`: mostly valid, often a hostile number, sometimes junk.
pub fn random_value(rng: &mut FuzzRng, kind: Kind) -> String {
    match rng.random_range(0..10) {
        0..=3 => valid_value(rng, kind),
        4..=6 => random_number(rng),
        7 => (0..rng.random_range(0..80)).map(|_| random_number(rng)).collect::<Vec<_>>().join(","),
        _ => random_junk(rng),
    }
}

/// The numeric keys of the table (what sweeps and multiples take).
fn numeric_keys() -> Vec<&'static str> {
    KEYS.iter().filter(|k| matches!(k.kind, Kind::Float { .. } | Kind::Int { .. })).map(|k| k.name).collect()
}

/// A value inside (mostly) or around a numeric key's range.
fn number_for(rng: &mut FuzzRng, name: &str) -> String {
    let kind = KEYS.iter().find(|k| k.name == name).map(|k| k.kind);
    match (kind, rng.random_range(0..4)) {
        (Some(k @ (Kind::Float { .. } | Kind::Int { .. })), 0..=2) => valid_value(rng, k),
        _ => random_number(rng),
    }
}

/// Keys that apply to most scenarios (so plausible sweeps and multiples are often accepted).
const COMMON_KEYS: &[&str] = &["tau", "alpha", "sigma", "steps", "seed", "seeds", "every", "gamma", "sp", "up_down"];

/// A `sweep=` value: two axes `key=lo:hi:log|lin:n` (or with `:`), plausible or broken.
pub fn random_sweep(rng: &mut FuzzRng) -> String {
    let keys = numeric_keys();
    let axis = |rng: &mut FuzzRng| {
        if rng.random_bool(0.6) {
            // Plausible: a common key, bounds in its range, a scale, 1 to 12 cells.
            let name = *pick(rng, COMMON_KEYS);
            let (lo, hi) = (number_for(rng, name), number_for(rng, name));
            let scale = if lo.starts_with('-') || hi.starts_with('-') || rng.random_bool(0.5) { "lin" } else { "log" };
            return format!("{name}={lo}:{hi}:{scale}:{}", rng.random_range(1..=12));
        }
        let name = if rng.random_bool(0.9) { pick(rng, &keys).to_string() } else { random_junk(rng) };
        let sep = if rng.random_bool(0.5) { '=' } else { ':' };
        let (lo, hi) = (number_for(rng, &name), number_for(rng, &name));
        let scale = *pick(rng, &["log", "lin", "lin", "linear", "LOG", ""]);
        let n = if rng.random_bool(0.9) {
            rng.random_range(0..=MAX_CELLS_PER_AXIS + 2).to_string()
        } else {
            random_number(rng)
        };
        match rng.random_range(0..10) {
            0 => random_junk(rng),
            1 => format!("{name}{sep}{lo}:{hi}:{scale}"),
            _ => format!("{name}{sep}{lo}:{hi}:{scale}:{n}"),
        }
    };
    let x = axis(rng);
    let y = axis(rng);
    match rng.random_range(0..10) {
        0 => x,
        1 => format!("{x},{y},{}", axis(rng)),
        _ => format!("{x},{y}"),
    }
}

/// A `multiples=` value: `key:v1,v2,…`, plausible or broken.
pub fn random_multiples(rng: &mut FuzzRng) -> String {
    let keys = numeric_keys();
    let name = match rng.random_range(0..10) {
        0..=4 => pick(rng, COMMON_KEYS).to_string(),
        5..=8 => pick(rng, &keys).to_string(),
        _ => random_junk(rng),
    };
    let values: Vec<String> = (0..rng.random_range(0..9)).map(|_| number_for(rng, &name)).collect();
    match rng.random_range(0..10) {
        0 => random_junk(rng),
        1 => format!("{name}{}", values.join(",")),
        _ => format!("{name}:{}", values.join(",")),
    }
}

/// Percent-encodes a share `p` of the characters of `s` (every reserved one when `p` is 1; a
/// share `p / 4` of the unreserved ones), with upper- or lower-case hex digits.
fn encode(rng: &mut FuzzRng, s: &str, p: f64) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let plain = c.is_ascii_alphanumeric() || "-._~".contains(c);
        let escaped = if plain { rng.random_bool(p / 4.0) } else { p >= 1.0 || rng.random_bool(p) };
        if !escaped {
            out.push(c);
            continue;
        }
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            out.push_str(&if rng.random_bool(0.5) { format!("%{b:02X}") } else { format!("%{b:02x}") });
        }
    }
    out
}

/// A random link: up to 24 pairs (keys repeat), mixed forms, odd prefixes and separators.
pub fn random_link(rng: &mut FuzzRng) -> String {
    let mut parts = Vec::new();
    for _ in 0..rng.random_range(0..24) {
        let (k, v) = match rng.random_range(0..100) {
            0..=69 => {
                let k = pick(rng, KEYS);
                (k.name.to_string(), random_value(rng, k.kind))
            }
            70..=77 => {
                let p = *pick(rng, &["quadratic", "lsq", "lower_bound", "digits", "mnist", "mnist", "digits"]);
                ("problem".to_string(), if rng.random_bool(0.9) { p.to_string() } else { random_junk(rng) })
            }
            78..=80 => ("preset".into(), pick(rng, &["paper-fcn", "paper-fcn", "none", "bogus", ""]).to_string()),
            81..=84 => ("sweep".into(), random_sweep(rng)),
            85..=87 => ("multiples".into(), random_multiples(rng)),
            88..=91 => {
                let k = *pick(rng, &["embed", "panel", "speed", "zoom", "at", "tour", "scenes", "notation", "theme"]);
                (k.to_string(), random_junk(rng))
            }
            _ => {
                let k = match rng.random_range(0..4) {
                    0 => pick(rng, KEYS).name.to_uppercase(),
                    1 => format!(" {}", pick(rng, KEYS).name),
                    _ => random_junk(rng),
                };
                (k, random_number(rng))
            }
        };
        let part = match rng.random_range(0..20) {
            0..=10 => format!("{k}={v}"),
            11..=15 => format!("{}={}", encode(rng, &k, 1.0), encode(rng, &v, 1.0)),
            16 => format!("{}={}", encode(rng, &k, 0.3), encode(rng, &v, 0.3)),
            17 => k,
            18 => format!("{k}=={v}"),
            _ => format!("{}={}", k.replace(' ', "+"), v.replace(' ', "+")),
        };
        parts.push(part);
    }
    let sep = *pick(rng, &["&", "&", "&", "&&", "&&&"]);
    format!("{}{}", pick(rng, &["", "", "?", "#", " ?", "??", "&"]), parts.join(sep))
}

/// One link, as the page (lenient) and the command line (strict) read it.
pub fn check_link(link: &str) -> Result<Verdict, String> {
    let (s, notices) = Scenario::parse_pairs(&split_query(link), true).map_err(|e| format!("lenient refused: {e}"))?;
    round_trips(&s)?;
    if let Some(n) = notices.iter().find(|n| n.message.trim().is_empty()) {
        return Err(format!("a notice without a message: {n:?}"));
    }
    match (Scenario::parse(link), notices.first()) {
        (Ok(t), None) if t == s => Ok(Verdict::Accepted),
        (Ok(_), None) => Err("strict and lenient parses differ".into()),
        (Ok(_), Some(n)) => Err(format!("strict parsing accepted what lenient parsing noticed: {n}")),
        (Err(e), None) => Err(format!("strict parsing refused ({e}) what lenient parsing took silently")),
        (Err(e), Some(n)) if (&e.key, &e.value) != (&n.key, &n.value) => {
            Err(format!("strict error {e} is not the first notice {n}"))
        }
        (Err(e), Some(_)) if e.message.trim().is_empty() => Err(format!("strict error without a message: {e:?}")),
        (Err(_), Some(_)) if notices.iter().any(|n| n.message.contains("clamped")) => Ok(Verdict::Clamped),
        (Err(_), Some(_)) => Ok(Verdict::Repaired),
    }
}

/// A `sweep=` value as the page's sweep form reads it (`src/web/sweep_form.rs`): two axes, the
/// sweep of the link's scenario, and the scenarios of its corner cells and one more.
pub fn check_sweep(value: &str, base: &Scenario, rng: &mut FuzzRng) -> Result<Verdict, String> {
    let mut parts = value.split(',');
    let x = Axis::parse(parts.next().unwrap_or_default());
    let y = Axis::parse(parts.next().unwrap_or_default());
    let (x, y) = match (x, y) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return refused(&e, "a sweep axis"),
    };
    for a in [&x, &y] {
        if Axis::parse(&a.to_text()).as_ref() != Ok(a) {
            return Err(format!("axis {} does not round-trip", a.to_text()));
        }
    }
    let sweep = match Sweep::new(base.clone(), x, y).and_then(|s| s.with_metric(Metric::of(base.problem))) {
        Ok(s) => s,
        Err(e) => return refused(&e, "a sweep"),
    };
    let (nx, ny) = (sweep.x.n, sweep.y.n);
    let random = (rng.random_range(0..nx), rng.random_range(0..ny));
    for (i, j) in [(0, 0), (nx - 1, ny - 1), (nx - 1, 0), (0, ny - 1), random] {
        round_trips(&sweep.cell_scenario(i, j))?;
    }
    Ok(Verdict::Accepted)
}

/// A `multiples=` value as the page reads it: the spec, then one scenario per value (lenient, as
/// the page builds them; strict, as `playground figure --multiples` does).
pub fn check_multiples(value: &str, base: &Scenario) -> Result<Verdict, String> {
    let m = match Multiples::parse(value) {
        Ok(m) => m,
        Err(e) => return refused(&e, "multiples"),
    };
    if Multiples::parse(&m.spec()).as_ref() != Ok(&m) {
        return Err(format!("multiples {} does not round-trip", m.spec()));
    }
    let strict = m.scenarios(base, false);
    match m.scenarios(base, true) {
        Ok((scenarios, notices)) => {
            for s in &scenarios {
                round_trips(s)?;
                let _ = m.label(s);
            }
            match strict {
                Ok(_) if !notices.is_empty() => Err("strict multiples accepted what lenient ones noticed".into()),
                Ok(_) => Ok(Verdict::Accepted),
                Err(e) if notices.is_empty() => Err(format!("strict multiples refused ({e}) without a notice")),
                Err(_) if notices.iter().any(|n| n.contains("clamped")) => Ok(Verdict::Clamped),
                Err(_) => Ok(Verdict::Repaired),
            }
        }
        Err(e) => refused(&e, "multiples"),
    }
}

/// Runs `link` and every view value it carries through `guard`, adding to the tallies.
pub fn drive_link(link: &str, rng: &mut FuzzRng, guard: Guard, links: &mut Tally, views: &mut Tally) {
    links.add(link, guard(&mut || check_link(link)));
    let pairs = split_query(link);
    if !pairs.iter().any(|(k, _)| k == "sweep" || k == "multiples") {
        return;
    }
    let base = Scenario::parse_pairs(&pairs, true).map(|(s, _)| s).unwrap_or_default();
    for (k, v) in &pairs {
        match k.as_str() {
            "sweep" => {
                views.add(&format!("sweep={v} on {}", base.to_query()), guard(&mut || check_sweep(v, &base, rng)))
            }
            "multiples" => {
                views.add(&format!("multiples={v} on {}", base.to_query()), guard(&mut || check_multiples(v, &base)))
            }
            _ => {}
        }
    }
}

/// Runs `n` random links from `seed` (and, with `views`, the view values they carry).
pub fn run_links(n: u64, seed: u64, guard: Guard, views: bool) -> (Tally, Tally) {
    let mut rng = fuzz_rng(seed);
    let (mut link_tally, mut view_tally) = (Tally::default(), Tally::default());
    for _ in 0..n {
        let link = random_link(&mut rng);
        if views {
            drive_link(&link, &mut rng, guard, &mut link_tally, &mut view_tally);
        } else {
            link_tally.add(&link, guard(&mut || check_link(&link)));
        }
    }
    (link_tally, view_tally)
}
