//! Property tests (proptest) of the scenario query parser under abuse: plausible and hostile
//! links never panic, lenient parsing always lands inside the vocabulary's declared ranges and
//! cross-key rules, the canonical form round-trips, and strict parsing either accepts or names
//! the offending key.
//!
//! The ranges are read from the vocabulary table ([`KEYS`]), never restated here; the cross-key
//! rules are restated (independently of `consistency.rs`) as the oracle.
//!
//! `tests/wasm.rs` runs a smaller share of the same properties inside the browser (it includes
//! this file as a module; the `proptest!` blocks below are native only). The page's own splitter
//! of view keys, `View::from_query`, lives in the wasm-only, private `web` module and is not
//! reachable from here; its pure parsers of view values (sweep axes, multiples) are fuzzed in
//! `tests/fuzz_links.rs`.

use analog_playground::sim::algorithm::AlgorithmKind;
use analog_playground::sim::scenario::{key, split_query, Arch, Key, Kind, ProblemKind, Scenario, KEYS};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};

// ---------------------------------------------------------------------------------------------
// Strategies: plausible and hostile links.
// ---------------------------------------------------------------------------------------------

/// Texts that look like numbers, or nearly: specials, signs, exponents, other scripts.
pub fn numeric_text() -> BoxedStrategy<String> {
    const SPECIAL: &[&str] = &[
        "NaN",
        "nan",
        "-NaN",
        "inf",
        "-inf",
        "+inf",
        "infinity",
        "Infinity",
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
        "1,5",
        "",
        ".",
        "-",
        "e5",
        "5e",
        "1e",
        "١٢",
        "٣.٥",
        "½",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "1e19",
        "1e20",
        "9007199254740993",
        "1.7976931348623157e308",
        "5e-324",
        "0e0",
        "00001",
        "1.",
        ".5",
        "--1",
        "1e+3",
    ];
    prop_oneof![
        any::<f64>().prop_map(|x| format!("{x}")),
        any::<f64>().prop_map(|x| format!("{x:e}")),
        any::<i64>().prop_map(|x| x.to_string()),
        any::<u64>().prop_map(|x| x.to_string()),
        (-1e3f64..1e3).prop_map(|x| format!("{x}")),
        (0u64..2000).prop_map(|x| x.to_string()),
        (0u64..2000).prop_map(|x| format!("{x}.0")),
        (0i32..24).prop_map(|e| format!("1e{e}")),
        (-20i32..0).prop_map(|e| format!("1e{e}")),
        prop::sample::select(SPECIAL).prop_map(String::from),
    ]
    .boxed()
}

/// A valid value of a key of kind `kind`, in query form.
pub fn valid_text(kind: Kind) -> BoxedStrategy<String> {
    match kind {
        Kind::Float { min, max, .. } => prop_oneof![
            (min..=max).prop_map(|x| format!("{x}")),
            Just(format!("{min}")),
            Just(format!("{max}")),
            // log-uniform over a positive range
            (0.0f64..=1.0).prop_map(move |t| {
                let x = if min > 0.0 { (min.ln() + t * (max.ln() - min.ln())).exp() } else { min + t * (max - min) };
                format!("{}", x.clamp(min, max))
            }),
        ]
        .boxed(),
        Kind::Int { min, max } => {
            prop_oneof![(min..=max).prop_map(|x| x.to_string()), Just(min.to_string()), Just(max.to_string())].boxed()
        }
        Kind::Choice(options) => prop::sample::select(options).prop_map(String::from).boxed(),
        Kind::List { min, max, max_len } => prop::collection::vec(
            prop_oneof![(min..=max).prop_map(|x| format!("{x}")), Just(format!("{min}")), Just(format!("{max}"))],
            1..=max_len.min(12),
        )
        .prop_map(|xs| xs.join(","))
        .boxed(),
        Kind::Algos => prop::sample::subsequence(AlgorithmKind::ALL.map(AlgorithmKind::key).to_vec(), 0..=4)
            .prop_shuffle()
            .prop_map(|xs| xs.join(","))
            .boxed(),
    }
}

/// Anything: unicode, control characters, very long runs, separators inside values.
pub fn junk_text() -> BoxedStrategy<String> {
    prop_oneof![
        "\\PC{0,16}",
        ".{0,8}",
        "[,&=%+#?; ]{0,8}",
        (1usize..6000).prop_map(|n| "9".repeat(n)),
        (1usize..3000).prop_map(|n| "1,".repeat(n)),
        (1usize..400).prop_map(|n| "x".repeat(n * 10)),
        "(digital|analog|tt|ttv2|cttv2|agad|rl|rlv2|rider|erider|sgd|TT|,){0,12}",
        "(quadratic|lsq|lower_bound|digits|mnist|Digits|MNIST| )",
        "%[0-9a-fA-F+g-]{0,3}",
    ]
    .boxed()
}

/// A value for a key of kind `kind`: mostly valid, often numeric abuse, sometimes junk.
pub fn value_for(kind: Kind) -> BoxedStrategy<String> {
    prop_oneof![
        4 => valid_text(kind),
        3 => numeric_text(),
        1 => prop::collection::vec(numeric_text(), 0..80).prop_map(|xs| xs.join(",")),
        2 => junk_text(),
    ]
    .boxed()
}

/// The page's view keys (`src/web/view.rs`): the lenient scenario parser sees them as unknown.
pub const VIEW_KEYS: &[&str] = &[
    "embed",
    "panel",
    "hide",
    "speed",
    "logx",
    "zoom",
    "scene",
    "theme",
    "autoplay",
    "tour",
    "sweep",
    "sweep_steps",
    "ghost",
    "present",
    "scenes",
    "notation",
    "at",
    "sweep_metric",
    "sweep_seeds",
    "multiples",
];

/// One decoded `(key, value)` pair.
pub fn pair() -> BoxedStrategy<(String, String)> {
    let known = (0..KEYS.len()).prop_flat_map(|i| value_for(KEYS[i].kind).prop_map(move |v| (KEYS[i].name.into(), v)));
    prop_oneof![
        8 => known,
        2 => prop::sample::select(&["quadratic", "lsq", "lower_bound", "digits", "mnist"][..])
            .prop_map(|p| ("problem".to_string(), p.to_string())),
        1 => prop::sample::select(&["paper-fcn", "none", "bogus", "", "PAPER-FCN"][..])
            .prop_map(|p| ("preset".to_string(), p.to_string())),
        1 => (prop::sample::select(VIEW_KEYS), junk_text()).prop_map(|(k, v)| (k.to_string(), v)),
        1 => ("[a-z_]{0,10}|\\PC{0,6}|TAU|Tau| tau|tau |v", value_for(Kind::Float { min: 0.0, max: 1.0, log: false })),
    ]
    .boxed()
}

/// Encodes every byte outside `A-Za-z0-9-._~` as `%XX`.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// How one pair is written into a link.
#[derive(Clone, Copy, Debug)]
pub enum Form {
    /// `k=v` as is (separators inside values break the structure: hostile on purpose).
    Raw,
    /// `k=v` with every reserved byte percent-encoded.
    Encoded,
    /// `k` alone (no `=`).
    Bare,
    /// `k==v`.
    DoubleEquals,
    /// `k=v` with `+` for spaces and lower-case escapes where the value has them.
    Plus,
}

/// Renders pairs into a link, with a prefix and separators that a hand-edited URL might have.
pub fn render(pairs: &[((String, String), Form)], prefix: &str, sep: &str) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|((k, v), form)| match form {
            Form::Raw => format!("{k}={v}"),
            Form::Encoded => format!("{}={}", percent_encode(k), percent_encode(v)),
            Form::Bare => k.clone(),
            Form::DoubleEquals => format!("{k}=={v}"),
            Form::Plus => format!("{}={}", k.replace(' ', "+"), v.replace(' ', "+")),
        })
        .collect();
    format!("{prefix}{}", parts.join(sep))
}

/// A link: up to 24 pairs (so keys repeat), in mixed forms, with odd prefixes and separators.
pub fn link() -> BoxedStrategy<String> {
    let form = prop_oneof![
        6 => Just(Form::Raw),
        3 => Just(Form::Encoded),
        1 => Just(Form::Bare),
        1 => Just(Form::DoubleEquals),
        1 => Just(Form::Plus),
    ];
    (
        prop::collection::vec((pair(), form), 0..24),
        prop::sample::select(&["", "?", "#", " ?", "??", "&", "?&"][..]),
        prop::sample::select(&["&", "&", "&", "&&", "&&&"][..]),
    )
        .prop_map(|(pairs, prefix, sep)| render(&pairs, prefix, sep))
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Checks (shared with the wasm share), each an `Err` with what went wrong.
// ---------------------------------------------------------------------------------------------

/// Leniently parses a link as the page does (decoded pairs, then `parse_pairs(…, true)`).
pub fn lenient(link: &str) -> Result<(Scenario, Vec<analog_playground::sim::scenario::ScenarioError>), String> {
    Scenario::parse_pairs(&split_query(link), true).map_err(|e| format!("lenient parsing refused {link:?}: {e}"))
}

/// Whether `text` (a key's query form) is inside the key's declared type and range.
pub fn value_in_range(k: &Key, text: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("{}={text}: {why} (allowed: {})", k.name, k.allowed()));
    match k.kind {
        Kind::Float { min, max, .. } => match text.parse::<f64>() {
            Ok(x) if x.is_finite() && (min..=max).contains(&x) => Ok(()),
            _ => bad("float outside its range"),
        },
        Kind::Int { min, max } => match text.parse::<u64>() {
            Ok(x) if (min..=max).contains(&x) => Ok(()),
            _ => bad("integer outside its range"),
        },
        Kind::Choice(options) if options.contains(&text) => Ok(()),
        Kind::Choice(_) => bad("not one of the choices"),
        Kind::List { min, max, max_len } => {
            let xs: Vec<Option<f64>> = text.split(',').map(|x| x.parse::<f64>().ok()).collect();
            if xs.is_empty() || xs.len() > max_len {
                return bad("list length outside 1..=max_len");
            }
            if xs.iter().all(|x| x.is_some_and(|x| x.is_finite() && (min..=max).contains(&x))) {
                Ok(())
            } else {
                bad("list value outside its range")
            }
        }
        Kind::Algos => {
            if text.is_empty() {
                return Ok(());
            }
            let names: Vec<&str> = text.split(',').collect();
            let known = names.iter().all(|n| AlgorithmKind::from_key(n).is_some());
            let unique = names.iter().enumerate().all(|(i, n)| !names[..i].contains(n));
            if known && unique {
                Ok(())
            } else {
                bad("not a subset of the algorithms")
            }
        }
    }
}

/// Every key of the table, applicable or not, holds a value inside its declared range.
pub fn check_ranges(s: &Scenario) -> Result<(), String> {
    KEYS.iter().try_for_each(|k| value_in_range(k, &k.format(s)))
}

/// Keys that do not apply to the scenario sit at the problem's defaults (so the scenario equals
/// the parse of its canonical form, which leaves them out).
pub fn check_inapplicable_at_defaults(s: &Scenario) -> Result<(), String> {
    let defaults = Scenario::defaults(s.problem);
    for k in KEYS.iter().filter(|k| !(k.applies)(s)) {
        if k.format(s) != k.format(&defaults) {
            return Err(format!(
                "{} does not apply to {} but holds {} (default {})",
                k.name,
                s.problem.key(),
                k.format(s),
                k.format(&defaults)
            ));
        }
    }
    Ok(())
}

/// Training images of the network problems (the vendored sets; a batch cannot exceed them).
fn training_images(p: ProblemKind) -> u64 {
    match p {
        ProblemKind::Mnist => 8000,
        _ => 1437,
    }
}

/// The cross-key rules, restated independently of `consistency.rs`.
pub fn check_consistency(s: &Scenario) -> Result<(), String> {
    let one_or = |name: &str, len: usize, n: usize| {
        if len == 1 || len == n {
            Ok(())
        } else {
            Err(format!("{name} has {len} values; expected 1 or {n}"))
        }
    };
    if s.tau_min >= s.tau_max {
        return Err(format!("tau_min {} ≥ tau_max {}", s.tau_min, s.tau_max));
    }
    match s.problem {
        ProblemKind::Quadratic => {
            let n = s.wstar.len();
            if n == 0 {
                return Err("quadratic with an empty w*".into());
            }
            one_or("h", s.h.len(), n)?;
            one_or("w0", s.w0.len(), n)?;
        }
        ProblemKind::LowerBound if s.wstar.len() != 1 => {
            return Err(format!("lower_bound with {} values of w*", s.wstar.len()))
        }
        ProblemKind::LowerBound => {}
        ProblemKind::Lsq => one_or("w0", s.w0.len(), s.dim as usize)?,
        ProblemKind::Digits | ProblemKind::Mnist => {
            if s.arch == Arch::Cnn && s.problem == ProblemKind::Digits {
                return Err("the CNN on the 8×8 digits".into());
            }
            if s.arch == Arch::Cnn && s.tile_inputs > 0 && s.tile_inputs < 512 {
                return Err(format!("the CNN with tile_inputs = {} splitting a layer", s.tile_inputs));
            }
            let l = &s.layers;
            let inputs = s.problem.input_width() as f64;
            if l.len() < 2 || l[0] != inputs || l[l.len() - 1] != 10.0 || l.iter().any(|w| w.fract() != 0.0) {
                return Err(format!("layers {l:?}: need whole widths, {inputs} first and 10 last"));
            }
            if s.batch > training_images(s.problem) {
                return Err(format!("batch {} > {} training images", s.batch, training_images(s.problem)));
            }
        }
    }
    Ok(())
}

/// The canonical form parses strictly back to the same scenario, and writing it is idempotent.
pub fn check_round_trip(s: &Scenario) -> Result<(), String> {
    let q = s.to_query();
    let again = Scenario::parse(&q).map_err(|e| format!("canonical {q:?} refused: {e}"))?;
    if &again != s {
        return Err(format!("canonical {q:?} parses to a different scenario: {}", again.to_query()));
    }
    let q2 = again.to_query();
    if q2 != q {
        return Err(format!("to_query not idempotent: {q:?} then {q2:?}"));
    }
    Ok(())
}

/// Strict parsing accepts exactly what lenient parsing takes without a notice; otherwise it
/// refuses with the first notice's key and value, and the message names a key of the link (or
/// of the vocabulary, for a cross-key rule) and says what is wrong.
pub fn check_strict(link: &str) -> Result<(), String> {
    let (s, notices) = lenient(link)?;
    match Scenario::parse(link) {
        Ok(_) if !notices.is_empty() => {
            Err(format!("{link:?}: strict parsing accepted what lenient parsing noticed: {:?}", notices[0]))
        }
        Ok(strict) if strict != s => Err(format!("{link:?}: strict and lenient scenarios differ")),
        Ok(_) => Ok(()),
        Err(e) => {
            let first = notices.first().ok_or_else(|| format!("{link:?}: refused ({e}) but no lenient notice"))?;
            if (first.key.as_str(), first.value.as_str()) != (e.key.as_str(), e.value.as_str()) {
                return Err(format!("{link:?}: strict error {e} is not the first lenient notice {first}"));
            }
            let in_link = split_query(link).iter().any(|(k, _)| *k == e.key);
            if !(in_link || key(&e.key).is_some()) {
                return Err(format!("{link:?}: the error names {:?}, neither in the link nor a key", e.key));
            }
            if e.message.trim().is_empty() || !e.to_string().starts_with(&e.key) {
                return Err(format!("{link:?}: the error {e:?} does not say what is wrong with which key"));
            }
            Ok(())
        }
    }
}

/// Every property of a leniently parsed link at once (the wasm share runs this).
pub fn check_link(link: &str) -> Result<(), String> {
    let (s, _) = lenient(link)?;
    check_ranges(&s)?;
    check_inapplicable_at_defaults(&s)?;
    check_consistency(&s)?;
    check_round_trip(&s)?;
    check_strict(link)
}

/// A proptest failure from a check's message.
pub fn ok(r: Result<(), String>) -> Result<(), TestCaseError> {
    r.map_err(TestCaseError::fail)
}

/// Cases per property natively (`PROPTEST_CASES` overrides), and no regression files written
/// into the tree.
pub fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

// ---------------------------------------------------------------------------------------------
// Numeric clamping: the value a link gives is kept when in range, clamped to the nearest bound
// when out of range, and replaced by the default only when it is not a number.
// ---------------------------------------------------------------------------------------------

/// Base links under which every numeric key applies (the first one where it does is used).
pub const CONTEXTS: &[&str] = &[
    "problem=quadratic",
    "problem=lsq",
    "problem=lower_bound",
    "problem=digits",
    "problem=quadratic&device=softbounds&pulses=1&d2d=0.5&c2c=0.5&zero_shift=1\
     &algos=digital,analog,tt,ttv2,cttv2,agad,rl,rlv2,rider,erider",
    "problem=quadratic&device=pow&pulses=1",
    "problem=digits&lr_step=1",
];

/// The base link under which `k` applies.
pub fn context_of(k: &Key) -> Option<&'static str> {
    CONTEXTS.iter().copied().find(|c| (k.applies)(&Scenario::parse(c).expect("contexts are valid")))
}

/// Numeric keys whose value no cross-key rule changes (`batch` is capped by the training set,
/// see [`check_consistency`]; `v` has a single value).
pub fn clampable_keys() -> Vec<&'static Key> {
    // A shorthand (`tau_sym`) stores nothing itself (no field); its range is checked in
    // scenario::preset. `v` has no field either.
    KEYS.iter()
        .filter(|k| matches!(k.kind, Kind::Float { .. } | Kind::Int { .. }) && k.field && k.name != "batch")
        .collect()
}

/// Numeric texts around a key's range: inside it written several ways, just outside, far out.
pub fn around_range(kind: Kind) -> BoxedStrategy<String> {
    let (min, max) = match kind {
        Kind::Float { min, max, .. } => (min, max),
        Kind::Int { min, max } => (min as f64, max as f64),
        _ => unreachable!("numeric keys only"),
    };
    let integer = matches!(kind, Kind::Int { .. });
    let inside = (0.0f64..=1.0).prop_map(move |t| {
        let x = min + t * (max - min);
        if integer {
            x.round()
        } else {
            x
        }
    });
    prop_oneof![
        inside.clone().prop_map(|x| format!("{x}")),
        inside.clone().prop_map(|x| format!("{x:e}")),
        inside.clone().prop_map(|x| format!("{x:.1}")),
        inside.prop_map(|x| format!(" +{x} ")),
        (1.0f64..1e6).prop_map(move |d| format!("{}", min - d)),
        (1.0f64..1e6).prop_map(move |d| format!("{}", max + d)),
        (1.0f64..1e6).prop_map(move |d| format!("{:e}", (max + d).round())),
        Just(format!("{min}")),
        Just(format!("{max}")),
        numeric_text(),
    ]
    .boxed()
}

/// What a lenient parse may make of `text` for key `k`: the accepted results (several when
/// either keeping or refusing is fine), `None` standing for the key's default.
pub fn expected_value(k: &Key, text: &str) -> Vec<Option<f64>> {
    let t = text.trim();
    let finite = t.parse::<f64>().ok().filter(|x| x.is_finite());
    match k.kind {
        Kind::Float { min, max, .. } => vec![finite.map(|x| x.clamp(min, max))],
        Kind::Int { min, max } => match t.parse::<u64>() {
            Ok(x) => vec![Some(x.clamp(min, max) as f64)],
            Err(_) => match finite.filter(|x| x.fract() == 0.0) {
                // An integer written as a float: below the range → min, above → max; inside it
                // either kept or refused as not an integer (the default), never moved elsewhere.
                Some(x) if x < min as f64 => vec![Some(min as f64)],
                Some(x) if x > max as f64 => vec![Some(max as f64)],
                Some(x) => vec![Some(x), None],
                None => vec![None],
            },
        },
        _ => unreachable!("numeric keys only"),
    }
}

/// Lenient parsing of `<context>&<key>=<text>` keeps, clamps to the nearest bound, or falls back
/// to the default as [`expected_value`] says.
pub fn check_clamp(k: &Key, text: &str) -> Result<(), String> {
    let context = context_of(k).ok_or_else(|| format!("{} applies under no context", k.name))?;
    let link = format!("{context}&{}={}", k.name, percent_encode(text));
    let (s, _) = lenient(&link)?;
    let got: f64 = k.format(&s).parse().map_err(|_| format!("{link}: {} formats as {}", k.name, k.format(&s)))?;
    let default: f64 = k.default_for(s.problem).parse().expect("numeric default");
    let allowed: Vec<f64> = expected_value(k, text).into_iter().map(|v| v.unwrap_or(default)).collect();
    if allowed.contains(&got) {
        Ok(())
    } else {
        Err(format!("{link}: {} = {got}, expected one of {allowed:?} (range {})", k.name, k.allowed()))
    }
}

// ---------------------------------------------------------------------------------------------
// The properties, natively.
// ---------------------------------------------------------------------------------------------

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;
    use analog_playground::sim::scenario::percent_decode;

    proptest! {
        #![proptest_config(config(4096))]

        /// Lenient parsing never panics, always succeeds, and every value of every key is inside
        /// its declared range; keys that do not apply hold their defaults.
        #[test]
        fn lenient_parse_lands_inside_the_declared_ranges(link in link()) {
            let (s, _) = lenient(&link).map_err(TestCaseError::fail)?;
            ok(check_ranges(&s))?;
            ok(check_inapplicable_at_defaults(&s))?;
        }

        /// parse(to_query(s)) == s, and to_query is idempotent.
        #[test]
        fn the_canonical_form_round_trips(link in link()) {
            let (s, _) = lenient(&link).map_err(TestCaseError::fail)?;
            ok(check_round_trip(&s))?;
        }

        /// Strict parsing accepts, or refuses naming the key (the same as lenient's first notice).
        #[test]
        fn strict_parse_accepts_or_names_the_key(link in link()) {
            ok(check_strict(&link))?;
        }

        /// The cross-key rules hold after lenient parsing.
        #[test]
        fn the_cross_key_rules_hold_after_lenient_parsing(link in link()) {
            let (s, _) = lenient(&link).map_err(TestCaseError::fail)?;
            ok(check_consistency(&s))?;
        }
    }

    proptest! {
        #![proptest_config(config(2048))]

        /// Valid links from the table (every key at a value of its type and range, the cross-key
        /// rules aside) are accepted leniently with values inside the ranges.
        #[test]
        fn valid_values_from_the_table_parse(pairs in prop::collection::vec(
            (0..KEYS.len()).prop_flat_map(|i| valid_text(KEYS[i].kind).prop_map(move |v| (KEYS[i].name, v))),
            0..20,
        )) {
            let link = pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect::<Vec<_>>().join("&");
            ok(check_link(&link))?;
        }

        /// A number given for a numeric key is kept when in range, clamped to the nearest bound
        /// when outside, and replaced by the default only when it is not a number.
        #[test]
        fn numbers_are_kept_or_clamped_to_the_nearest_bound(
            (i, text) in (0..clampable_keys().len())
                .prop_flat_map(|i| (Just(i), around_range(clampable_keys()[i].kind)))
        ) {
            ok(check_clamp(clampable_keys()[i], &text))?;
        }

        /// Splitting a fully percent-encoded link gives back its pairs exactly, whatever they hold.
        #[test]
        fn percent_encoded_pairs_split_back_exactly(
            pairs in prop::collection::vec(("\\PC{0,10}|[&=%+#? ]{0,4}", "\\PC{0,12}|[&=%+#?, ]{0,4}"), 0..10),
            prefix in prop::sample::select(&["", "?", "#"][..]),
        ) {
            let link = format!(
                "{prefix}{}",
                pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
            );
            prop_assert_eq!(split_query(&link), pairs);
        }

        /// A `%` that does not start two hex digits stays a `%` (WHATWG URL percent-decoding;
        /// `+` is a space in a query, as URLSearchParams reads it).
        #[test]
        fn a_percent_without_two_hex_digits_stays_literal(
            head in "[a-z]{0,3}",
            a in prop_oneof![Just("+".to_string()), "[ g-zG-Z.,-]", "[^0-9a-fA-F%]"],
            b in "[^%]",
        ) {
            let decoded = percent_decode(&format!("{head}%{a}{b}"));
            let expected = format!("{head}%{a}{b}").replace('+', " ");
            prop_assert_eq!(decoded, expected);
        }
    }

    /// Every numeric key of the table applies under one of the contexts (so the clamping property
    /// reaches all of them).
    #[test]
    fn every_numeric_key_has_a_context() {
        for k in clampable_keys() {
            assert!(context_of(k).is_some(), "{} applies under none of {CONTEXTS:?}", k.name);
        }
    }
}
